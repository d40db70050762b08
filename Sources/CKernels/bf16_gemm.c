#include "rk_bf16.h"
#include "rk_cpu.h"
#include "rk_half.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define RB_X86 1
#include <immintrin.h>
#else
#define RB_X86 0
#endif

// ---------------------------------------------------------------- rounding and packing


static inline float rb_widen(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline ptrdiff_t rb_pairs(ptrdiff_t k) { return (k + 1) / 2; }

size_t rk_bf16_packed_count(ptrdiff_t n, ptrdiff_t k) {
    ptrdiff_t panels = (n + RK_BF16_PANEL - 1) / RK_BF16_PANEL;
    return (size_t)panels * (size_t)rb_pairs(k) * RK_BF16_PANEL * 2;
}

// Panel p, pair q: RK_BF16_PANEL columns, each two values (k = 2q, 2q + 1) side by side, so one
// 512-bit load holds 16 columns' pairs, the operand layout of vdpbf16ps.
static void pack(const float *w, ptrdiff_t row_stride, ptrdiff_t k_stride, ptrdiff_t n, ptrdiff_t k, uint16_t *packed) {
    ptrdiff_t pairs = rb_pairs(k);
    ptrdiff_t panels = (n + RK_BF16_PANEL - 1) / RK_BF16_PANEL;
    for (ptrdiff_t p = 0; p < panels; p++) {
        for (ptrdiff_t q = 0; q < pairs; q++) {
            uint16_t *out = packed + (p * pairs + q) * RK_BF16_PANEL * 2;
            for (ptrdiff_t col = 0; col < RK_BF16_PANEL; col++) {
                ptrdiff_t row = p * RK_BF16_PANEL + col;
                for (ptrdiff_t e = 0; e < 2; e++) {
                    ptrdiff_t kk = 2 * q + e;
                    out[2 * col + e] = (row < n && kk < k) ? rk_float_to_bf16(w[row * row_stride + kk * k_stride]) : 0;
                }
            }
        }
    }
}


#if RB_X86
#define RB_AVX512BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

RB_AVX512BF16 static void round_rows_avx512(const float *x, ptrdiff_t ldx, ptrdiff_t rows, ptrdiff_t cols,
                                            uint16_t *out, ptrdiff_t ldo) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *src = x + r * ldx;
        uint16_t *dst = out + r * ldo;
        ptrdiff_t c = 0;
        for (; c + 16 <= cols; c += 16) {
            __m256bh h = _mm512_cvtneps_pbh(_mm512_loadu_ps(src + c));
            _mm256_storeu_si256((__m256i *)(dst + c), (__m256i)h);
        }
        for (; c < cols; c++) dst[c] = rk_float_to_bf16(src[c]);
        if (cols & 1) dst[cols] = 0;
    }
}

// Rows of W contiguous: each row rounded at once, its pairs (32 bits each) dropped into the panel
// 64 pairs apart. Attention packs a head's keys this way on every call.
RB_AVX512BF16 static void pack_rows_avx512(const float *w, ptrdiff_t ldw, ptrdiff_t n, ptrdiff_t k, uint16_t *packed) {
    ptrdiff_t pairs = rb_pairs(k);
    ptrdiff_t panels = (n + RK_BF16_PANEL - 1) / RK_BF16_PANEL;
    uint32_t *out = (uint32_t *)packed;
    for (ptrdiff_t p = 0; p < panels; p++) {
        for (ptrdiff_t col = 0; col < RK_BF16_PANEL; col++) {
            ptrdiff_t row = p * RK_BF16_PANEL + col;
            uint32_t *dst = out + p * pairs * RK_BF16_PANEL + col;
            if (row >= n) {
                for (ptrdiff_t q = 0; q < pairs; q++) dst[q * RK_BF16_PANEL] = 0;
                continue;
            }
            const float *src = w + row * ldw;
            ptrdiff_t q = 0;
            for (; 2 * q + 32 <= k; q += 16) {
                __m512bh h = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(src + 2 * q + 16), _mm512_loadu_ps(src + 2 * q));
                uint32_t lanes[16];
                _mm512_storeu_si512((void *)lanes, (__m512i)h);
                for (int i = 0; i < 16; i++) dst[(q + i) * RK_BF16_PANEL] = lanes[i];
            }
            for (; q < pairs; q++) {
                uint32_t lo = rk_float_to_bf16(src[2 * q]), hi = 2 * q + 1 < k ? rk_float_to_bf16(src[2 * q + 1]) : 0;
                dst[q * RK_BF16_PANEL] = lo | (hi << 16);
            }
        }
    }
}

// Columns of W contiguous (W = Vᵀ): the pair (k = 2q, 2q + 1) of 16 columns is two 16-float loads
// from rows 2q and 2q + 1 of V, rounded and interleaved into one 512-bit panel vector.
RB_AVX512BF16 static void pack_columns_avx512(const float *v, ptrdiff_t ldv, ptrdiff_t n, ptrdiff_t k, uint16_t *packed) {
    ptrdiff_t pairs = rb_pairs(k);
    ptrdiff_t panels = (n + RK_BF16_PANEL - 1) / RK_BF16_PANEL;
    const __m512i even = _mm512_set_epi16(47, 15, 46, 14, 45, 13, 44, 12, 43, 11, 42, 10, 41, 9, 40, 8,
                                          39, 7, 38, 6, 37, 5, 36, 4, 35, 3, 34, 2, 33, 1, 32, 0);
    const __m512i odd = _mm512_add_epi16(even, _mm512_set1_epi16(16));
    for (ptrdiff_t p = 0; p < panels; p++) {
        for (ptrdiff_t q = 0; q < pairs; q++) {
            uint16_t *dst = packed + (p * pairs + q) * RK_BF16_PANEL * 2;
            const float *r0 = v + 2 * q * ldv + p * RK_BF16_PANEL;
            const float *r1 = r0 + ldv;
            int second = 2 * q + 1 < k;
            for (int g = 0; g < RK_BF16_PANEL; g += 32) {
                ptrdiff_t left = n - p * RK_BF16_PANEL - g;
                __mmask16 m0 = left >= 16 ? (__mmask16)0xffff : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
                __mmask16 m1 = left >= 32 ? (__mmask16)0xffff : left <= 16 ? 0 : (__mmask16)((1u << (left - 16)) - 1);
                // Rounded rows: a = 32 values of row 2q, b = the same columns of row 2q + 1.
                __m512i a = (__m512i)_mm512_cvtne2ps_pbh(_mm512_maskz_loadu_ps(m1, r0 + g + 16), _mm512_maskz_loadu_ps(m0, r0 + g));
                __m512i b = second ? (__m512i)_mm512_cvtne2ps_pbh(_mm512_maskz_loadu_ps(m1, r1 + g + 16), _mm512_maskz_loadu_ps(m0, r1 + g))
                                   : _mm512_setzero_si512();
                _mm512_storeu_si512((void *)(dst + 2 * g), _mm512_permutex2var_epi16(a, even, b));
                _mm512_storeu_si512((void *)(dst + 2 * g + 32), _mm512_permutex2var_epi16(a, odd, b));
            }
        }
    }
}
#endif

int rk_bf16_native(void) { return rk_cpu_level() >= RK_CPU_AVX512BF16 ? 1 : 0; }

void rk_bf16_pack(const float *w, ptrdiff_t ldw, ptrdiff_t n, ptrdiff_t k, uint16_t *packed) {
#if RB_X86
    if (rk_bf16_native()) { pack_rows_avx512(w, ldw, n, k, packed); return; }
#endif
    pack(w, ldw, 1, n, k, packed);
}

void rk_bf16_pack_transposed(const float *v, ptrdiff_t ldv, ptrdiff_t n, ptrdiff_t k, uint16_t *packed) {
#if RB_X86
    if (rk_bf16_native()) { pack_columns_avx512(v, ldv, n, k, packed); return; }
#endif
    pack(v, 1, ldv, n, k, packed);
}

void rk_bf16_round_rows(const float *x, ptrdiff_t ldx, ptrdiff_t rows, ptrdiff_t cols, uint16_t *out, ptrdiff_t ldo) {
#if RB_X86
    // The hardware conversion rounds to nearest even as rk_float_to_bf16 does (NaN aside: both stay NaN).
    if (rk_bf16_native()) { round_rows_avx512(x, ldx, rows, cols, out, ldo); return; }
#endif
    for (ptrdiff_t r = 0; r < rows; r++) {
        for (ptrdiff_t c = 0; c < cols; c++) out[r * ldo + c] = rk_float_to_bf16(x[r * ldx + c]);
        if (cols & 1) out[r * ldo + cols] = 0;
    }
}

// ---------------------------------------------------------------- products

// Portable: the same pairs summed the same way as one vdpbf16ps lane (two products per step),
// into one float accumulator per output.
static void gemm_portable(const uint16_t *a, ptrdiff_t lda, const uint16_t *packed,
                          ptrdiff_t rows, ptrdiff_t n, ptrdiff_t k, float alpha, const float *bias,
                          float *c, ptrdiff_t ldc) {
    ptrdiff_t pairs = rb_pairs(k);
    for (ptrdiff_t r = 0; r < rows; r++) {
        const uint16_t *ar = a + r * lda;
        for (ptrdiff_t j = 0; j < n; j++) {
            const uint16_t *panel = packed + (j / RK_BF16_PANEL) * pairs * RK_BF16_PANEL * 2 + (j % RK_BF16_PANEL) * 2;
            float sum = 0;
            for (ptrdiff_t q = 0; q < pairs; q++) {
                const uint16_t *w = panel + q * RK_BF16_PANEL * 2;
                sum += rb_widen(ar[2 * q]) * rb_widen(w[0]) + rb_widen(ar[2 * q + 1]) * rb_widen(w[1]);
            }
            c[r * ldc + j] = sum * alpha + (bias ? bias[j] : 0.0f);
        }
    }
}

#if RB_X86
// MR rows × 16·NV columns, all of k: MR·NV accumulators stay in registers; per pair of k, NV panel
// loads and MR broadcasts feed MR·NV vdpbf16ps. Inlined with MR and NV constant so each size
// unrolls: 6 × 64 for wide outputs, 12 × 32 for narrow ones (attention's values, d = 32), so a
// narrow panel does not spend half its products on zero columns.
static inline __attribute__((always_inline)) RB_AVX512BF16
void micro_kernel(const int MR, const int NV, const uint16_t *a, ptrdiff_t lda, const uint16_t *panel, ptrdiff_t pairs,
                  __m512 alpha, const float *bias, float *c, ptrdiff_t ldc, ptrdiff_t columns, int accumulate) {
    // Every loop over r and v unrolled in full, so the accumulators become registers (a loop left
    // rolled here turned the zeroing into a memset of a stack array on every call).
    __m512 acc[12][4];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++)
#pragma clang loop unroll(full)
        for (int v = 0; v < NV; v++) acc[r][v] = _mm512_setzero_ps();
    for (ptrdiff_t q = 0; q < pairs; q++) {
        const uint16_t *w = panel + q * RK_BF16_PANEL * 2;
        __m512bh b[4];
#pragma clang loop unroll(full)
        for (int v = 0; v < NV; v++) b[v] = (__m512bh)_mm512_loadu_si512((const void *)(w + 32 * v));
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) {
            int32_t pair;
            memcpy(&pair, a + r * lda + 2 * q, sizeof pair);
            __m512bh x = (__m512bh)_mm512_set1_epi32(pair);
#pragma clang loop unroll(full)
            for (int v = 0; v < NV; v++) acc[r][v] = _mm512_dpbf16_ps(acc[r][v], x, b[v]);
        }
    }
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; v++) {
        ptrdiff_t left = columns - 16 * v;
        if (left <= 0) break;
        __mmask16 mask = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
        if (accumulate) {  // a later block of k: add to what the earlier blocks stored
#pragma clang loop unroll(full)
            for (int r = 0; r < MR; r++)
                _mm512_mask_storeu_ps(c + r * ldc + 16 * v, mask,
                                      _mm512_fmadd_ps(acc[r][v], alpha, _mm512_maskz_loadu_ps(mask, c + r * ldc + 16 * v)));
            continue;
        }
        __m512 bv = bias ? _mm512_maskz_loadu_ps(mask, bias + 16 * v) : _mm512_setzero_ps();
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) _mm512_mask_storeu_ps(c + r * ldc + 16 * v, mask, _mm512_fmadd_ps(acc[r][v], alpha, bv));
    }
}

#define RB_KERNEL_ARGS a + r * lda, lda, panel, pairs, alpha, bias, c + r * ldc, ldc, columns, accumulate

// Rows r0..<r1 of one panel, `columns` (≤ 64) of them valid.
static inline __attribute__((always_inline)) RB_AVX512BF16
void panel_rows(const uint16_t *a, ptrdiff_t lda, const uint16_t *panel, ptrdiff_t pairs, __m512 alpha,
                const float *bias, float *c, ptrdiff_t ldc, ptrdiff_t columns, ptrdiff_t r0, ptrdiff_t r1, int accumulate) {
    ptrdiff_t r = r0;
    if (columns > 32) {
        for (; r + 6 <= r1; r += 6) micro_kernel(6, 4, RB_KERNEL_ARGS);
        switch (r1 - r) {
        case 5: micro_kernel(5, 4, RB_KERNEL_ARGS); break;
        case 4: micro_kernel(4, 4, RB_KERNEL_ARGS); break;
        case 3: micro_kernel(3, 4, RB_KERNEL_ARGS); break;
        case 2: micro_kernel(2, 4, RB_KERNEL_ARGS); break;
        case 1: micro_kernel(1, 4, RB_KERNEL_ARGS); break;
        default: break;
        }
    } else {
        for (; r + 12 <= r1; r += 12) micro_kernel(12, 2, RB_KERNEL_ARGS);
        switch (r1 - r) {
        case 11: micro_kernel(11, 2, RB_KERNEL_ARGS); break;
        case 10: micro_kernel(10, 2, RB_KERNEL_ARGS); break;
        case 9: micro_kernel(9, 2, RB_KERNEL_ARGS); break;
        case 8: micro_kernel(8, 2, RB_KERNEL_ARGS); break;
        case 7: micro_kernel(7, 2, RB_KERNEL_ARGS); break;
        case 6: micro_kernel(6, 2, RB_KERNEL_ARGS); break;
        case 5: micro_kernel(5, 2, RB_KERNEL_ARGS); break;
        case 4: micro_kernel(4, 2, RB_KERNEL_ARGS); break;
        case 3: micro_kernel(3, 2, RB_KERNEL_ARGS); break;
        case 2: micro_kernel(2, 2, RB_KERNEL_ARGS); break;
        case 1: micro_kernel(1, 2, RB_KERNEL_ARGS); break;
        default: break;
        }
    }
}

#ifndef RB_MC
#define RB_MC 96
#endif
#ifndef RB_KC
#define RB_KC 128
#endif

RB_AVX512BF16 static void gemm_avx512(const uint16_t *a, ptrdiff_t lda, const uint16_t *packed,
                                      ptrdiff_t rows, ptrdiff_t n, ptrdiff_t k, float alpha_value, const float *bias,
                                      float *c, ptrdiff_t ldc) {
    const __m512 alpha = _mm512_set1_ps(alpha_value);
    ptrdiff_t pairs = rb_pairs(k);
    ptrdiff_t panels = (n + RK_BF16_PANEL - 1) / RK_BF16_PANEL;
    // Rows in blocks that stay in L2 while every panel streams past them; k in blocks whose slice of
    // a panel (64 columns × RB_KC pairs) stays in L1 while the block's rows pass over it.
    const ptrdiff_t block = RB_MC;
    for (ptrdiff_t r0 = 0; r0 < rows; r0 += block) {
        ptrdiff_t r1 = r0 + block < rows ? r0 + block : rows;
        for (ptrdiff_t p = 0; p < panels; p++) {
            ptrdiff_t columns = n - p * RK_BF16_PANEL < RK_BF16_PANEL ? n - p * RK_BF16_PANEL : RK_BF16_PANEL;
            const uint16_t *panel = packed + p * pairs * RK_BF16_PANEL * 2;
            for (ptrdiff_t q0 = 0; q0 < pairs; q0 += RB_KC) {
                ptrdiff_t count = pairs - q0 < RB_KC ? pairs - q0 : RB_KC;
                panel_rows(a + 2 * q0, lda, panel + q0 * RK_BF16_PANEL * 2, count, alpha,
                           bias ? bias + p * RK_BF16_PANEL : NULL, c + p * RK_BF16_PANEL, ldc, columns, r0, r1, q0 > 0);
            }
        }
    }
}
#endif

void rk_bf16_gemm_nt(const uint16_t *a, ptrdiff_t lda, const uint16_t *packed,
                     ptrdiff_t rows, ptrdiff_t n, ptrdiff_t k, float alpha, const float *bias,
                     float *c, ptrdiff_t ldc) {
    if (rows <= 0 || n <= 0) return;
#if RB_X86
    if (rk_bf16_native()) { gemm_avx512(a, lda, packed, rows, n, k, alpha, bias, c, ldc); return; }
#endif
    gemm_portable(a, lda, packed, rows, n, k, alpha, bias, c, ldc);
}
