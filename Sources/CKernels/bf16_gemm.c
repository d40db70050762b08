#include "rk_bf16.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define RB_X86 1
#include <immintrin.h>
#else
#define RB_X86 0
#endif

// ---------------------------------------------------------------- rounding and packing

static inline uint16_t rb_round(float f) {
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x40u);  // NaN stays a quiet NaN
    bits += 0x7fffu + ((bits >> 16) & 1u);
    return (uint16_t)(bits >> 16);
}

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
void rk_bf16_pack(const float *w, ptrdiff_t ldw, ptrdiff_t n, ptrdiff_t k, uint16_t *packed) {
    ptrdiff_t pairs = rb_pairs(k);
    ptrdiff_t panels = (n + RK_BF16_PANEL - 1) / RK_BF16_PANEL;
    for (ptrdiff_t p = 0; p < panels; p++) {
        for (ptrdiff_t q = 0; q < pairs; q++) {
            uint16_t *out = packed + (p * pairs + q) * RK_BF16_PANEL * 2;
            for (ptrdiff_t col = 0; col < RK_BF16_PANEL; col++) {
                ptrdiff_t row = p * RK_BF16_PANEL + col;
                for (ptrdiff_t e = 0; e < 2; e++) {
                    ptrdiff_t kk = 2 * q + e;
                    out[2 * col + e] = (row < n && kk < k) ? rb_round(w[row * ldw + kk]) : 0;
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
        for (; c < cols; c++) dst[c] = rb_round(src[c]);
        if (cols & 1) dst[cols] = 0;
    }
}
#endif

static int rb_forced_portable = 0;
static int rb_native = -1;

void rk_bf16_force_portable(int on) { __atomic_store_n(&rb_forced_portable, on ? 1 : 0, __ATOMIC_RELAXED); }

int rk_bf16_native(void) {
    if (__atomic_load_n(&rb_forced_portable, __ATOMIC_RELAXED)) return 0;
    int native = __atomic_load_n(&rb_native, __ATOMIC_RELAXED);
    if (native < 0) {
#if RB_X86
        __builtin_cpu_init();
        native = (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
                  && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16")) ? 1 : 0;
#else
        native = 0;
#endif
        __atomic_store_n(&rb_native, native, __ATOMIC_RELAXED);
    }
    return native;
}

void rk_bf16_round_rows(const float *x, ptrdiff_t ldx, ptrdiff_t rows, ptrdiff_t cols, uint16_t *out, ptrdiff_t ldo) {
#if RB_X86
    // The hardware conversion rounds to nearest even as rb_round does (NaN aside: both stay NaN).
    if (rk_bf16_native()) { round_rows_avx512(x, ldx, rows, cols, out, ldo); return; }
#endif
    for (ptrdiff_t r = 0; r < rows; r++) {
        for (ptrdiff_t c = 0; c < cols; c++) out[r * ldo + c] = rb_round(x[r * ldx + c]);
        if (cols & 1) out[r * ldo + cols] = 0;
    }
}

// ---------------------------------------------------------------- products

// Portable: the same pairs summed the same way as one vdpbf16ps lane (two products per step),
// into one float accumulator per output.
static void gemm_portable(const uint16_t *a, ptrdiff_t lda, const uint16_t *packed,
                          ptrdiff_t rows, ptrdiff_t n, ptrdiff_t k, float *c, ptrdiff_t ldc) {
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
            c[r * ldc + j] = sum;
        }
    }
}

#if RB_X86
// MR rows × 64 columns, all of k: 4·MR accumulators stay in registers; per pair of k, four panel
// loads and MR broadcasts feed 4·MR vdpbf16ps. Inlined with MR constant so each size unrolls.
static inline __attribute__((always_inline)) RB_AVX512BF16
void micro_kernel(const int MR, const uint16_t *a, ptrdiff_t lda, const uint16_t *panel, ptrdiff_t pairs,
                  float *c, ptrdiff_t ldc, ptrdiff_t columns) {
    __m512 acc[6][4];
    for (int r = 0; r < 6; r++)
        for (int v = 0; v < 4; v++) acc[r][v] = _mm512_setzero_ps();
    for (ptrdiff_t q = 0; q < pairs; q++) {
        const uint16_t *w = panel + q * RK_BF16_PANEL * 2;
        __m512bh b0 = (__m512bh)_mm512_loadu_si512((const void *)(w + 0));
        __m512bh b1 = (__m512bh)_mm512_loadu_si512((const void *)(w + 32));
        __m512bh b2 = (__m512bh)_mm512_loadu_si512((const void *)(w + 64));
        __m512bh b3 = (__m512bh)_mm512_loadu_si512((const void *)(w + 96));
        for (int r = 0; r < MR; r++) {
            int32_t pair;
            memcpy(&pair, a + r * lda + 2 * q, sizeof pair);
            __m512bh x = (__m512bh)_mm512_set1_epi32(pair);
            acc[r][0] = _mm512_dpbf16_ps(acc[r][0], x, b0);
            acc[r][1] = _mm512_dpbf16_ps(acc[r][1], x, b1);
            acc[r][2] = _mm512_dpbf16_ps(acc[r][2], x, b2);
            acc[r][3] = _mm512_dpbf16_ps(acc[r][3], x, b3);
        }
    }
    if (columns == RK_BF16_PANEL) {
        for (int r = 0; r < MR; r++)
            for (int v = 0; v < 4; v++) _mm512_storeu_ps(c + r * ldc + 16 * v, acc[r][v]);
    } else {
        for (int v = 0; v < 4; v++) {
            ptrdiff_t left = columns - 16 * v;
            if (left <= 0) break;
            __mmask16 mask = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
            for (int r = 0; r < MR; r++) _mm512_mask_storeu_ps(c + r * ldc + 16 * v, mask, acc[r][v]);
        }
    }
}

RB_AVX512BF16 static void gemm_avx512(const uint16_t *a, ptrdiff_t lda, const uint16_t *packed,
                                      ptrdiff_t rows, ptrdiff_t n, ptrdiff_t k, float *c, ptrdiff_t ldc) {
    ptrdiff_t pairs = rb_pairs(k);
    ptrdiff_t panels = (n + RK_BF16_PANEL - 1) / RK_BF16_PANEL;
    // Rows in blocks that stay in L2 while every panel streams past them once.
    const ptrdiff_t block = 96;
    for (ptrdiff_t r0 = 0; r0 < rows; r0 += block) {
        ptrdiff_t r1 = r0 + block < rows ? r0 + block : rows;
        for (ptrdiff_t p = 0; p < panels; p++) {
            const uint16_t *panel = packed + p * pairs * RK_BF16_PANEL * 2;
            ptrdiff_t columns = n - p * RK_BF16_PANEL < RK_BF16_PANEL ? n - p * RK_BF16_PANEL : RK_BF16_PANEL;
            float *cp = c + p * RK_BF16_PANEL;
            ptrdiff_t r = r0;
            for (; r + 6 <= r1; r += 6) micro_kernel(6, a + r * lda, lda, panel, pairs, cp + r * ldc, ldc, columns);
            switch (r1 - r) {
            case 5: micro_kernel(5, a + r * lda, lda, panel, pairs, cp + r * ldc, ldc, columns); break;
            case 4: micro_kernel(4, a + r * lda, lda, panel, pairs, cp + r * ldc, ldc, columns); break;
            case 3: micro_kernel(3, a + r * lda, lda, panel, pairs, cp + r * ldc, ldc, columns); break;
            case 2: micro_kernel(2, a + r * lda, lda, panel, pairs, cp + r * ldc, ldc, columns); break;
            case 1: micro_kernel(1, a + r * lda, lda, panel, pairs, cp + r * ldc, ldc, columns); break;
            default: break;
            }
        }
    }
}
#endif

void rk_bf16_gemm_nt(const uint16_t *a, ptrdiff_t lda, const uint16_t *packed,
                     ptrdiff_t rows, ptrdiff_t n, ptrdiff_t k, float *c, ptrdiff_t ldc) {
    if (rows <= 0 || n <= 0) return;
#if RB_X86
    if (rk_bf16_native()) { gemm_avx512(a, lda, packed, rows, n, k, c, ldc); return; }
#endif
    gemm_portable(a, lda, packed, rows, n, k, c, ldc);
}
