// Products of GGML-quantized weight rows with 8-bit quantized activations (llama.cpp's scheme):
// each 32-value weight block is unpacked once to signed 8-bit integers with one or two scales and
// an offset term, then dotted with the activation blocks of up to RK_TILE activation rows. The
// portable loops are written so the compiler vectorizes them for the baseline; an AVX2 path is
// chosen from the process's level (`rk_cpu_level`).
#include "CKernels.h"
#include "rk_ggml_blocks.h"

#include <math.h>

#define RK_TILE 8

void rk_quantize_q8_blocks(const float *x, rk_q8_block *out, ptrdiff_t n) {
    for (ptrdiff_t b = 0; b < n / 32; b++) {
        const float *v = x + b * 32;
        float amax = 0;
        for (int i = 0; i < 32; i++) amax = fmaxf(amax, fabsf(v[i]));
        // As llama.cpp's q8_0/q8_1 blocks: scale 127/amax, round to nearest even, and the block's
        // scale and sum kept at half precision, so greedy decoding follows llama.cpp's numbers.
        float d = amax / 127.0f, id = amax > 0 ? 127.0f / amax : 0.0f;
        int sum = 0;
        for (int i = 0; i < 32; i++) {
            int q = (int)lrintf(v[i] * id);
            q = q > 127 ? 127 : (q < -127 ? -127 : q);
            out[b].q[i] = (int8_t)q;
            sum += q;
        }
        out[b].d = rk_round_to_half(d);
        out[b].s = rk_round_to_half(d * (float)sum);
    }
}

// One weight block of 32: value i = scale[i / 16] · w[i] + offset.
typedef struct {
    int8_t w[32];
    float scale[2];
    float offset;
} unpacked;

// Block `b` (of 32 values) of a weight row.
static inline void unpack(int type, const uint8_t *row, ptrdiff_t b, unpacked *u) {
    switch (type) {
    case RK_GGML_Q4_0: {
        const uint8_t *p = row + b * 18;
        float d = f16_at(p);
        for (int j = 0; j < 16; j++) {
            u->w[j] = (int8_t)((p[2 + j] & 0x0F) - 8);
            u->w[j + 16] = (int8_t)((p[2 + j] >> 4) - 8);
        }
        u->scale[0] = u->scale[1] = d;
        u->offset = 0;
        break;
    }
    case RK_GGML_Q4_1: {
        const uint8_t *p = row + b * 20;
        for (int j = 0; j < 16; j++) {
            u->w[j] = (int8_t)(p[4 + j] & 0x0F);
            u->w[j + 16] = (int8_t)(p[4 + j] >> 4);
        }
        u->scale[0] = u->scale[1] = f16_at(p);
        u->offset = f16_at(p + 2);
        break;
    }
    case RK_GGML_Q5_0: {
        const uint8_t *p = row + b * 22;
        uint32_t qh = (uint32_t)p[2] | ((uint32_t)p[3] << 8) | ((uint32_t)p[4] << 16) | ((uint32_t)p[5] << 24);
        for (int j = 0; j < 16; j++) {
            u->w[j] = (int8_t)(((p[6 + j] & 0x0F) | (((qh >> j) & 1) << 4)) - 16);
            u->w[j + 16] = (int8_t)(((p[6 + j] >> 4) | (((qh >> (j + 16)) & 1) << 4)) - 16);
        }
        u->scale[0] = u->scale[1] = f16_at(p);
        u->offset = 0;
        break;
    }
    case RK_GGML_Q8_0: {
        const uint8_t *p = row + b * 34;
        for (int j = 0; j < 32; j++) u->w[j] = (int8_t)p[2 + j];
        u->scale[0] = u->scale[1] = f16_at(p);
        u->offset = 0;
        break;
    }
    case RK_GGML_Q4_K:
    case RK_GGML_Q5_K: {
        int five = type == RK_GGML_Q5_K;
        const uint8_t *p = row + (b / 8) * (five ? 176 : 144);
        int j = (int)(b % 8), sc, m;
        k_scale_min(p + 4, j, &sc, &m);
        const uint8_t *qh = p + 16, *q = (five ? p + 48 : p + 16) + (j / 2) * 32;
        int shift = (j & 1) * 4;
        for (int l = 0; l < 32; l++) {
            int v = (q[l] >> shift) & 0x0F;
            if (five) v |= ((qh[l] >> j) & 1) << 4;
            u->w[l] = (int8_t)v;
        }
        u->scale[0] = u->scale[1] = f16_at(p) * (float)sc;
        u->offset = -(f16_at(p + 2) * (float)m);
        break;
    }
    case RK_GGML_Q6_K: {
        const uint8_t *p = row + (b / 8) * 210;
        int k = (int)(b % 8), h = k / 4, t = k % 4;  // values h*128 + t*32 + l
        const uint8_t *ql = p + 64 * h + (t & 1) * 32, *qh = p + 128 + 32 * h;
        int shift = 4 * (t >> 1);
        for (int l = 0; l < 32; l++) {
            int v = ((ql[l] >> shift) & 0x0F) | (((qh[l] >> (2 * t)) & 3) << 4);
            u->w[l] = (int8_t)(v - 32);
        }
        const int8_t *scales = (const int8_t *)(p + 192);
        float d = f16_at(p + 208);
        u->scale[0] = d * (float)scales[k * 2];
        u->scale[1] = d * (float)scales[k * 2 + 1];
        u->offset = 0;
        break;
    }
    default:
        break;
    }
}

static inline int dot16(const int8_t *a, const int8_t *b) {
    int s = 0;
    for (int i = 0; i < 16; i++) s += (int)a[i] * (int)b[i];
    return s;
}

int rk_quant_matmul_supports(int type) {
    switch (type) {
    case RK_GGML_Q4_0: case RK_GGML_Q4_1: case RK_GGML_Q5_0: case RK_GGML_Q8_0:
    case RK_GGML_Q4_K: case RK_GGML_Q5_K: case RK_GGML_Q6_K:
        return 1;
    default:
        return 0;
    }
}

static void quant_matmul_portable(int type, const void *w, size_t row_bytes, ptrdiff_t n, ptrdiff_t r0, ptrdiff_t r1,
                                  const rk_q8_block *xq, ptrdiff_t rows, float *y, ptrdiff_t ldy) {
    const ptrdiff_t nb = n / 32;
    for (ptrdiff_t t0 = 0; t0 < rows; t0 += RK_TILE) {
        const ptrdiff_t tn = rows - t0 < RK_TILE ? rows - t0 : RK_TILE;
        for (ptrdiff_t r = r0; r < r1; r++) {
            const uint8_t *row = (const uint8_t *)w + (size_t)r * row_bytes;
            float acc[RK_TILE] = {0};
            unpacked u;
            for (ptrdiff_t b = 0; b < nb; b++) {
                unpack(type, row, b, &u);
                for (ptrdiff_t t = 0; t < tn; t++) {
                    const rk_q8_block *x = xq + (t0 + t) * nb + b;
                    float lo = (float)dot16(u.w, x->q), hi = (float)dot16(u.w + 16, x->q + 16);
                    acc[t] += x->d * (u.scale[0] * lo + u.scale[1] * hi) + u.offset * x->s;
                }
            }
            for (ptrdiff_t t = 0; t < tn; t++) y[(t0 + t) * ldy + r] = acc[t];
        }
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define RK_AVX2 __attribute__((target("avx2,fma,f16c")))

// The half at `p` through F16C (the scalar conversion's branches cost more than the block's dot product).
RK_AVX2 static inline float f16_fast(const uint8_t *p) { return _cvtsh_ss((unsigned short)(p[0] | (p[1] << 8))); }

// One weight block of 32 as bytes in a vector: unsigned (0..63) when `is_signed` is 0, else signed;
// value i = scale[i / 16] · w[i] + offset.
typedef struct {
    __m256i w;
    int is_signed;
    float scale[2];
    float offset;
} vblock;

RK_AVX2 static inline __m256i low_nibbles32(const uint8_t *p, int shift) {
    __m256i v = _mm256_loadu_si256((const __m256i *)p);
    return _mm256_and_si256(_mm256_srli_epi16(v, shift), _mm256_set1_epi8(0x0F));
}

// 16 bytes: their low nibbles (values 0..15), then their high nibbles (values 16..31).
RK_AVX2 static inline __m256i split_nibbles16(const uint8_t *p) {
    __m128i v = _mm_loadu_si128((const __m128i *)p), m = _mm_set1_epi8(0x0F);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(v, 4), m), _mm_and_si128(v, m));
}

RK_AVX2 static inline __attribute__((always_inline)) void unpack_avx2(int type, const uint8_t *row, ptrdiff_t b, vblock *u) {
    switch (type) {
    case RK_GGML_Q4_0: {  // (q − 8)·d = d·q − 8d: unsigned quants, offset −8d
        const uint8_t *p = row + b * 18;
        float d = f16_fast(p);
        u->w = split_nibbles16(p + 2);
        u->is_signed = 0;
        u->scale[0] = u->scale[1] = d;
        u->offset = -8.0f * d;
        break;
    }
    case RK_GGML_Q4_1: {
        const uint8_t *p = row + b * 20;
        u->w = split_nibbles16(p + 4);
        u->is_signed = 0;
        u->scale[0] = u->scale[1] = f16_fast(p);
        u->offset = f16_fast(p + 2);
        break;
    }
    case RK_GGML_Q8_0: {
        const uint8_t *p = row + b * 34;
        u->w = _mm256_loadu_si256((const __m256i *)(p + 2));
        u->is_signed = 1;
        u->scale[0] = u->scale[1] = f16_fast(p);
        u->offset = 0;
        break;
    }
    case RK_GGML_Q4_K:
    case RK_GGML_Q5_K: {
        int five = type == RK_GGML_Q5_K;
        const uint8_t *p = row + (b / 8) * (five ? 176 : 144);
        int j = (int)(b % 8), sc, m;
        k_scale_min(p + 4, j, &sc, &m);
        __m256i w = low_nibbles32((five ? p + 48 : p + 16) + (j / 2) * 32, (j & 1) * 4);
        if (five) {
            __m256i qh = _mm256_loadu_si256((const __m256i *)(p + 16));
            __m256i bit = _mm256_and_si256(_mm256_srli_epi16(qh, j), _mm256_set1_epi8(1));
            w = _mm256_or_si256(w, _mm256_slli_epi16(bit, 4));
        }
        u->w = w;
        u->is_signed = 0;
        u->scale[0] = u->scale[1] = f16_fast(p) * (float)sc;
        u->offset = -(f16_fast(p + 2) * (float)m);
        break;
    }
    case RK_GGML_Q6_K: {
        const uint8_t *p = row + (b / 8) * 210;
        int k = (int)(b % 8), h = k / 4, t = k % 4;
        __m256i lo = low_nibbles32(p + 64 * h + (t & 1) * 32, 4 * (t >> 1));
        __m256i qh = _mm256_loadu_si256((const __m256i *)(p + 128 + 32 * h));
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * t), _mm256_set1_epi8(3));
        u->w = _mm256_sub_epi8(_mm256_or_si256(lo, _mm256_slli_epi16(hi, 4)), _mm256_set1_epi8(32));
        u->is_signed = 1;
        const int8_t *scales = (const int8_t *)(p + 192);
        float d = f16_fast(p + 208);
        u->scale[0] = d * (float)scales[k * 2];
        u->scale[1] = d * (float)scales[k * 2 + 1];
        u->offset = 0;
        break;
    }
    case RK_GGML_Q5_0: {  // (q − 16)·d = d·q − 16d, q = nibble | fifth bit << 4
        const uint8_t *p = row + b * 22;
        float d = f16_fast(p);
        uint32_t qh;
        memcpy(&qh, p + 2, 4);
        // Byte i gets byte i / 8 of qh, then keeps bit i % 8 of it: 16 where the bit is set.
        const __m256i spread = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202,
                                                 0x0101010101010101, 0x0000000000000000);
        const __m256i bit = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
        __m256i bytes = _mm256_and_si256(_mm256_shuffle_epi8(_mm256_set1_epi32((int)qh), spread), bit);
        __m256i fifth = _mm256_and_si256(_mm256_cmpeq_epi8(bytes, bit), _mm256_set1_epi8(16));
        u->w = _mm256_or_si256(split_nibbles16(p + 6), fifth);
        u->is_signed = 0;
        u->scale[0] = u->scale[1] = d;
        u->offset = -16.0f * d;
        break;
    }
    default:
        break;
    }
}

RK_AVX2 static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

RK_AVX2 static inline __attribute__((always_inline)) void quant_matmul_avx2_typed(int type, const void *w, size_t row_bytes, ptrdiff_t n, ptrdiff_t r0, ptrdiff_t r1,
                                      const rk_q8_block *xq, ptrdiff_t rows, float *y, ptrdiff_t ldy) {
    const ptrdiff_t nb = n / 32;
    const __m256i ones = _mm256_set1_epi16(1);
    if (rows == 1) {  // generation: one activation row, accumulators in registers
        for (ptrdiff_t r = r0; r < r1; r++) {
            const uint8_t *row = (const uint8_t *)w + (size_t)r * row_bytes;
            __m256 acc = _mm256_setzero_ps();
            float offset = 0;
            vblock u;
            for (ptrdiff_t b = 0; b < nb; b++) {
                unpack_avx2(type, row, b, &u);
                __m256i wa = u.is_signed ? _mm256_sign_epi8(u.w, u.w) : u.w;
                __m256i xv = _mm256_loadu_si256((const __m256i *)xq[b].q);
                if (u.is_signed) xv = _mm256_sign_epi8(xv, u.w);
                __m256i dots = _mm256_madd_epi16(_mm256_maddubs_epi16(wa, xv), ones);
                const __m256 scale = _mm256_set_m128(_mm_set1_ps(u.scale[1] * xq[b].d), _mm_set1_ps(u.scale[0] * xq[b].d));
                acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dots), scale, acc);
                offset += u.offset * xq[b].s;
            }
            y[r] = hsum8(acc) + offset;
        }
        return;
    }
    for (ptrdiff_t t0 = 0; t0 < rows; t0 += RK_TILE) {
        const ptrdiff_t tn = rows - t0 < RK_TILE ? rows - t0 : RK_TILE;
        for (ptrdiff_t r = r0; r < r1; r++) {
            const uint8_t *row = (const uint8_t *)w + (size_t)r * row_bytes;
            __m256 acc[RK_TILE];
            float offsets[RK_TILE];
            for (ptrdiff_t t = 0; t < tn; t++) {
                acc[t] = _mm256_setzero_ps();
                offsets[t] = 0;
            }
            vblock u;
            for (ptrdiff_t b = 0; b < nb; b++) {
                unpack_avx2(type, row, b, &u);
                // Signed weights: |w| (unsigned) times x with w's sign, so maddubs sees unsigned × signed.
                __m256i wa = u.is_signed ? _mm256_sign_epi8(u.w, u.w) : u.w;
                const __m256 scale = _mm256_set_m128(_mm_set1_ps(u.scale[1]), _mm_set1_ps(u.scale[0]));
                for (ptrdiff_t t = 0; t < tn; t++) {
                    const rk_q8_block *x = xq + (t0 + t) * nb + b;
                    __m256i xv = _mm256_loadu_si256((const __m256i *)x->q);
                    if (u.is_signed) xv = _mm256_sign_epi8(xv, u.w);
                    __m256i dots = _mm256_madd_epi16(_mm256_maddubs_epi16(wa, xv), ones);
                    acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dots), _mm256_mul_ps(scale, _mm256_set1_ps(x->d)), acc[t]);
                    offsets[t] += u.offset * x->s;
                }
            }
            for (ptrdiff_t t = 0; t < tn; t++) y[(t0 + t) * ldy + r] = hsum8(acc[t]) + offsets[t];
        }
    }
}

// One copy of the loops per type, so the block unpacking is specialised and inlined.
RK_AVX2 static void quant_matmul_avx2(int type, const void *w, size_t row_bytes, ptrdiff_t n, ptrdiff_t r0, ptrdiff_t r1,
                                      const rk_q8_block *xq, ptrdiff_t rows, float *y, ptrdiff_t ldy) {
#define RK_TYPED(T) case T: quant_matmul_avx2_typed(T, w, row_bytes, n, r0, r1, xq, rows, y, ldy); break;
    switch (type) {
    RK_TYPED(RK_GGML_Q4_0) RK_TYPED(RK_GGML_Q4_1) RK_TYPED(RK_GGML_Q5_0) RK_TYPED(RK_GGML_Q8_0)
    RK_TYPED(RK_GGML_Q4_K) RK_TYPED(RK_GGML_Q5_K) RK_TYPED(RK_GGML_Q6_K)
    default: break;
    }
#undef RK_TYPED
}
#endif

int rk_quant_matmul(int type, const void *w, size_t row_bytes, ptrdiff_t n, ptrdiff_t r0, ptrdiff_t r1,
                    const rk_q8_block *xq, ptrdiff_t rows, float *y, ptrdiff_t ldy) {
    if (!rk_quant_matmul_supports(type)) return -1;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (rk_cpu_level() >= RK_CPU_AVX2) {
        quant_matmul_avx2(type, w, row_bytes, n, r0, r1, xq, rows, y, ldy);
        return 0;
    }
#endif
    quant_matmul_portable(type, w, row_bytes, n, r0, r1, xq, rows, y, ldy);
    return 0;
}
