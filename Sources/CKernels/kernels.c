#include "CKernels.h"
#include "rk_bf16.h"
#include "rk_half.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define RK_X86 1
#include <immintrin.h>
#else
#define RK_X86 0
#endif

// ---------------------------------------------------------------- dispatch

// The level is the process's (`rk_cpu_level`): REASONIR_CPU lowers it for a whole run, so a test
// elsewhere in the process cannot switch a kernel's path under a running encoder.
int rk_simd_level(void) { return rk_cpu_level() >= RK_CPU_AVX2 ? 1 : 0; }

long rk_atomic_fetch_add(long *p, long v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }

// ---------------------------------------------------------------- constants

// erf on |x| <= 1: x · P(x²) (least squares on Chebyshev nodes, float evaluation error dominates).
#define ERF_A0 1.128379127e+00f
#define ERF_A1 -3.761234987e-01f
#define ERF_A2 1.128036476e-01f
#define ERF_A3 -2.671639070e-02f
#define ERF_A4 4.923280883e-03f
#define ERF_A5 -5.654108881e-04f
// erf on 1 < |x| <= 4: 1 - Q(t), t = (|x| - 2.5) · 2/3 in [-1, 1], Q ≈ erfc. |x| > 4 gives ±1 in float.
static const float erf_b[13] = {
    4.069206416e-04f, -3.266968930e-03f, 1.225590855e-02f, -2.819584621e-02f, 4.360219006e-02f,
    -4.632206392e-02f, 3.216435445e-02f, -9.810802527e-03f, -7.483686962e-03f, 1.079767318e-02f,
    -3.426040101e-03f, -1.851572642e-03f, 1.129996359e-03f,
};

// exp: Cody-Waite reduction by ln 2 and the Cephes degree-5 polynomial.
#define EXP_HI 88.0f
#define EXP_LO -87.33654f
#define EXP_LOG2E 1.44269504088896341f
#define EXP_C1 0.693359375f
#define EXP_C2 -2.12194440e-4f
#define EXP_P0 1.9875691500e-4f
#define EXP_P1 1.3981999507e-3f
#define EXP_P2 8.3334519073e-3f
#define EXP_P3 4.1665795894e-2f
#define EXP_P4 1.6666665459e-1f
#define EXP_P5 5.0000001201e-1f

#define SQRT1_2 0.70710678118654752f
#define GELU_TANH_K 0.79788456080286536f   // sqrt(2/pi)
#define GELU_TANH_C 0.044715f

// ---------------------------------------------------------------- scalar forms

float rk_erf(float x) {
    float ax = fabsf(x);
    float r;
    if (ax <= 1.0f) {
        float u = ax * ax;
        float p = ERF_A5;
        p = fmaf(p, u, ERF_A4);
        p = fmaf(p, u, ERF_A3);
        p = fmaf(p, u, ERF_A2);
        p = fmaf(p, u, ERF_A1);
        p = fmaf(p, u, ERF_A0);
        r = ax * p;
    } else {
        float t = (fminf(ax, 4.0f) - 2.5f) * (2.0f / 3.0f);
        float q = erf_b[12];
        for (int i = 11; i >= 0; i--) q = fmaf(q, t, erf_b[i]);
        r = fminf(1.0f - q, 1.0f);
    }
    return copysignf(r, x);
}

float rk_exp(float x) {
    if (isnan(x)) return x;
    if (x < EXP_LO) return 0.0f;
    if (x > EXP_HI) x = EXP_HI;
    float n = nearbyintf(x * EXP_LOG2E);
    float r = fmaf(-n, EXP_C1, x);
    r = fmaf(-n, EXP_C2, r);
    float y = EXP_P0;
    y = fmaf(y, r, EXP_P1);
    y = fmaf(y, r, EXP_P2);
    y = fmaf(y, r, EXP_P3);
    y = fmaf(y, r, EXP_P4);
    y = fmaf(y, r, EXP_P5);
    y = fmaf(y, r * r, r) + 1.0f;
    return ldexpf(y, (int)n);
}

__attribute__((always_inline)) static inline float gelu_erf_scalar(float v) { return 0.5f * v * (1.0f + rk_erf(v * SQRT1_2)); }

static inline float gelu_tanh_scalar(float v) {
    float y = GELU_TANH_K * (v + GELU_TANH_C * v * v * v);
    // tanh(y) = 1 - 2 / (exp(2y) + 1), with y clamped where tanh is ±1 in float.
    y = fminf(fmaxf(y, -10.0f), 10.0f);
    float t = 1.0f - 2.0f / (rk_exp(2.0f * y) + 1.0f);
    return 0.5f * v * (1.0f + t);
}

static void bias_gelu_scalar(float *x, ptrdiff_t ldx, const float *bias, ptrdiff_t rows, ptrdiff_t cols, int approx) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *row = x + r * ldx;
        for (ptrdiff_t c = 0; c < cols; c++) {
            float v = row[c] + (bias ? bias[c] : 0.0f);
            row[c] = approx ? gelu_tanh_scalar(v) : gelu_erf_scalar(v);
        }
    }
}

static void softmax_row_scalar(float *x, ptrdiff_t n) {
    float m = -INFINITY;
    for (ptrdiff_t i = 0; i < n; i++) m = fmaxf(m, x[i]);
    if (m == -INFINITY) { memset(x, 0, (size_t)n * sizeof(float)); return; }
    float s = 0.0f;
    for (ptrdiff_t i = 0; i < n; i++) { x[i] = rk_exp(x[i] - m); s += x[i]; }
    float inv = 1.0f / s;
    for (ptrdiff_t i = 0; i < n; i++) x[i] *= inv;
}

static void add_layer_norm_row_scalar(float *out, const float *x, const float *bias, const float *res,
                                      const float *gamma, const float *beta, ptrdiff_t n, float eps,
                                      float *mean_out, float *rstd_out) {
    float sum = 0.0f;
    for (ptrdiff_t i = 0; i < n; i++) {
        float v = x[i] + (bias ? bias[i] : 0.0f) + (res ? res[i] : 0.0f);
        out[i] = v;
        sum += v;
    }
    float mean = sum / (float)n;
    float sq = 0.0f;
    for (ptrdiff_t i = 0; i < n; i++) { float d = out[i] - mean; sq = fmaf(d, d, sq); }
    float rstd = 1.0f / sqrtf(sq / (float)n + eps);
    for (ptrdiff_t i = 0; i < n; i++) out[i] = (out[i] - mean) * rstd * gamma[i] + beta[i];
    if (mean_out) *mean_out = mean;
    if (rstd_out) *rstd_out = rstd;
}

// ---------------------------------------------------------------- AVX2 + FMA

#if RK_X86
#define RK_AVX2 __attribute__((target("avx2,fma")))
// Inlined even at -O0 (debug builds of the package), where calls through the stack dominate otherwise.
#define RK_INLINE __attribute__((always_inline))

RK_AVX2 RK_INLINE static inline float hsum256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v);
    __m128 hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    __m128 sh = _mm_movehdup_ps(lo);
    __m128 s = _mm_add_ps(lo, sh);
    sh = _mm_movehl_ps(sh, s);
    s = _mm_add_ss(s, sh);
    return _mm_cvtss_f32(s);
}

RK_AVX2 RK_INLINE static inline float hmax256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v);
    __m128 hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_max_ps(lo, hi);
    lo = _mm_max_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_max_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}

RK_AVX2 RK_INLINE static inline __m256 exp256(__m256 x) {
    __m256 under = _mm256_cmp_ps(x, _mm256_set1_ps(EXP_LO), _CMP_LT_OQ);
    x = _mm256_min_ps(x, _mm256_set1_ps(EXP_HI));
    x = _mm256_max_ps(x, _mm256_set1_ps(EXP_LO));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(EXP_LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(EXP_C1), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(EXP_C2), r);
    __m256 y = _mm256_set1_ps(EXP_P0);
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(EXP_P1));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(EXP_P2));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(EXP_P3));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(EXP_P4));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(EXP_P5));
    y = _mm256_add_ps(_mm256_fmadd_ps(y, _mm256_mul_ps(r, r), r), _mm256_set1_ps(1.0f));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    y = _mm256_mul_ps(y, _mm256_castsi256_ps(e));
    return _mm256_andnot_ps(under, y);
}

RK_AVX2 RK_INLINE static inline __m256 erf256(__m256 x) {
    const __m256 sign_mask = _mm256_set1_ps(-0.0f);
    __m256 sign = _mm256_and_ps(x, sign_mask);
    __m256 ax = _mm256_andnot_ps(sign_mask, x);
    // |x| <= 1
    __m256 u = _mm256_mul_ps(ax, ax);
    __m256 p = _mm256_set1_ps(ERF_A5);
    p = _mm256_fmadd_ps(p, u, _mm256_set1_ps(ERF_A4));
    p = _mm256_fmadd_ps(p, u, _mm256_set1_ps(ERF_A3));
    p = _mm256_fmadd_ps(p, u, _mm256_set1_ps(ERF_A2));
    p = _mm256_fmadd_ps(p, u, _mm256_set1_ps(ERF_A1));
    p = _mm256_fmadd_ps(p, u, _mm256_set1_ps(ERF_A0));
    __m256 ra = _mm256_mul_ps(ax, p);
    // 1 < |x|
    __m256 t = _mm256_mul_ps(_mm256_sub_ps(_mm256_min_ps(ax, _mm256_set1_ps(4.0f)), _mm256_set1_ps(2.5f)),
                             _mm256_set1_ps(2.0f / 3.0f));
    __m256 q = _mm256_set1_ps(erf_b[12]);
    for (int i = 11; i >= 0; i--) q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(erf_b[i]));
    __m256 rb = _mm256_min_ps(_mm256_sub_ps(_mm256_set1_ps(1.0f), q), _mm256_set1_ps(1.0f));
    __m256 small = _mm256_cmp_ps(ax, _mm256_set1_ps(1.0f), _CMP_LE_OQ);
    __m256 r = _mm256_blendv_ps(rb, ra, small);
    return _mm256_or_ps(r, sign);
}

RK_AVX2 RK_INLINE static inline __m256 gelu_erf256(__m256 v) {
    __m256 e = erf256(_mm256_mul_ps(v, _mm256_set1_ps(SQRT1_2)));
    return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), v), _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

RK_AVX2 RK_INLINE static inline __m256 gelu_tanh256(__m256 v) {
    __m256 v3 = _mm256_mul_ps(_mm256_mul_ps(v, v), v);
    __m256 y = _mm256_mul_ps(_mm256_set1_ps(GELU_TANH_K), _mm256_fmadd_ps(_mm256_set1_ps(GELU_TANH_C), v3, v));
    y = _mm256_min_ps(_mm256_max_ps(y, _mm256_set1_ps(-10.0f)), _mm256_set1_ps(10.0f));
    __m256 e = exp256(_mm256_add_ps(y, y));
    __m256 t = _mm256_sub_ps(_mm256_set1_ps(1.0f), _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f))));
    return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), v), _mm256_add_ps(_mm256_set1_ps(1.0f), t));
}

RK_AVX2 static void erf_array_avx2(const float *x, float *y, ptrdiff_t n) {
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, erf256(_mm256_loadu_ps(x + i)));
    for (; i < n; i++) y[i] = rk_erf(x[i]);
}

RK_AVX2 static void exp_array_avx2(const float *x, float *y, ptrdiff_t n) {
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, exp256(_mm256_loadu_ps(x + i)));
    for (; i < n; i++) y[i] = rk_exp(x[i]);
}

RK_AVX2 static void bias_gelu_avx2(float *x, ptrdiff_t ldx, const float *bias, ptrdiff_t rows, ptrdiff_t cols, int approx) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *row = x + r * ldx;
        ptrdiff_t c = 0;
        for (; c + 8 <= cols; c += 8) {
            __m256 v = _mm256_loadu_ps(row + c);
            if (bias) v = _mm256_add_ps(v, _mm256_loadu_ps(bias + c));
            _mm256_storeu_ps(row + c, approx ? gelu_tanh256(v) : gelu_erf256(v));
        }
        for (; c < cols; c++) {
            float v = row[c] + (bias ? bias[c] : 0.0f);
            row[c] = approx ? gelu_tanh_scalar(v) : gelu_erf_scalar(v);
        }
    }
}

// grad[i] *= Φ(u[i]) + u[i]·φ(u[i]) (erf-GELU's derivative) for the training backward pass; returns how many
// values it did (a multiple of 8: backward.c finishes the rest). Declared in backward.c, which dispatches here.
RK_AVX2 ptrdiff_t rk_gelu_erf_backward_avx2(const float *u, float *grad, ptrdiff_t n) {
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f), mhalf = _mm256_set1_ps(-0.5f);
    const __m256 inv_sqrt2 = _mm256_set1_ps(0.70710678118654752f), inv_sqrt_2pi = _mm256_set1_ps(0.39894228040143268f);
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(u + i);
        __m256 cdf = _mm256_mul_ps(half, _mm256_add_ps(one, erf256(_mm256_mul_ps(v, inv_sqrt2))));
        __m256 pdf = _mm256_mul_ps(inv_sqrt_2pi, exp256(_mm256_mul_ps(mhalf, _mm256_mul_ps(v, v))));
        _mm256_storeu_ps(grad + i, _mm256_mul_ps(_mm256_loadu_ps(grad + i), _mm256_fmadd_ps(v, pdf, cdf)));
    }
    return i;
}

RK_AVX2 static void softmax_row_avx2(float *x, ptrdiff_t n) {
    ptrdiff_t i;
    __m256 vm = _mm256_set1_ps(-INFINITY);
    for (i = 0; i + 8 <= n; i += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(x + i));
    float m = hmax256(vm);
    for (; i < n; i++) m = fmaxf(m, x[i]);
    if (m == -INFINITY) { memset(x, 0, (size_t)n * sizeof(float)); return; }
    __m256 vmax = _mm256_set1_ps(m);
    __m256 vs = _mm256_setzero_ps();
    for (i = 0; i + 8 <= n; i += 8) {
        __m256 e = exp256(_mm256_sub_ps(_mm256_loadu_ps(x + i), vmax));
        _mm256_storeu_ps(x + i, e);
        vs = _mm256_add_ps(vs, e);
    }
    float s = hsum256(vs);
    for (; i < n; i++) { x[i] = rk_exp(x[i] - m); s += x[i]; }
    __m256 vinv = _mm256_set1_ps(1.0f / s);
    float inv = 1.0f / s;
    for (i = 0; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), vinv));
    for (; i < n; i++) x[i] *= inv;
}

RK_AVX2 static void add_layer_norm_row_avx2(float *out, const float *x, const float *bias, const float *res,
                                            const float *gamma, const float *beta, ptrdiff_t n, float eps,
                                            float *mean_out, float *rstd_out) {
    ptrdiff_t i;
    __m256 vs = _mm256_setzero_ps();
    for (i = 0; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        if (bias) v = _mm256_add_ps(v, _mm256_loadu_ps(bias + i));
        if (res) v = _mm256_add_ps(v, _mm256_loadu_ps(res + i));
        _mm256_storeu_ps(out + i, v);
        vs = _mm256_add_ps(vs, v);
    }
    float sum = hsum256(vs);
    for (; i < n; i++) {
        float v = x[i] + (bias ? bias[i] : 0.0f) + (res ? res[i] : 0.0f);
        out[i] = v;
        sum += v;
    }
    float mean = sum / (float)n;
    __m256 vmean = _mm256_set1_ps(mean);
    __m256 vq = _mm256_setzero_ps();
    for (i = 0; i + 8 <= n; i += 8) {
        __m256 d = _mm256_sub_ps(_mm256_loadu_ps(out + i), vmean);
        vq = _mm256_fmadd_ps(d, d, vq);
    }
    float sq = hsum256(vq);
    for (; i < n; i++) { float d = out[i] - mean; sq = fmaf(d, d, sq); }
    float rstd = 1.0f / sqrtf(sq / (float)n + eps);
    __m256 vr = _mm256_set1_ps(rstd);
    for (i = 0; i + 8 <= n; i += 8) {
        __m256 d = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(out + i), vmean), vr);
        _mm256_storeu_ps(out + i, _mm256_fmadd_ps(d, _mm256_loadu_ps(gamma + i), _mm256_loadu_ps(beta + i)));
    }
    for (; i < n; i++) out[i] = (out[i] - mean) * rstd * gamma[i] + beta[i];
    if (mean_out) *mean_out = mean;
    if (rstd_out) *rstd_out = rstd;
}

__attribute__((target("avx2,f16c"))) static void f16_to_f32_f16c(const uint16_t *src, float *dst, ptrdiff_t n, ptrdiff_t *done) {
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m128i h = _mm_loadu_si128((const __m128i *)(src + i));
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(h));
    }
    *done = i;
}
#endif

// ---------------------------------------------------------------- public entry points

void rk_erf_array(const float *x, float *y, ptrdiff_t n) {
#if RK_X86
    if (rk_simd_level() >= 1) { erf_array_avx2(x, y, n); return; }
#endif
    for (ptrdiff_t i = 0; i < n; i++) y[i] = rk_erf(x[i]);
}

void rk_exp_array(const float *x, float *y, ptrdiff_t n) {
#if RK_X86
    if (rk_simd_level() >= 1) { exp_array_avx2(x, y, n); return; }
#endif
    for (ptrdiff_t i = 0; i < n; i++) y[i] = rk_exp(x[i]);
}

void rk_bias_gelu(float *x, ptrdiff_t ldx, const float *bias, ptrdiff_t rows, ptrdiff_t cols, int approximation) {
#if RK_X86
    if (rk_simd_level() >= 1) { bias_gelu_avx2(x, ldx, bias, rows, cols, approximation); return; }
#endif
    bias_gelu_scalar(x, ldx, bias, rows, cols, approximation);
}

void rk_add_layer_norm(float *out, ptrdiff_t ldo, const float *x, ptrdiff_t ldx, const float *bias,
                       const float *residual, ptrdiff_t ldr, const float *gamma, const float *beta,
                       ptrdiff_t rows, ptrdiff_t cols, float eps, float *mean_out, float *rstd_out) {
#if RK_X86
    int simd = rk_simd_level();
#endif
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *o = out + r * ldo;
        const float *xr = x + r * ldx;
        const float *rr = residual ? residual + r * ldr : NULL;
        float *mo = mean_out ? mean_out + r : NULL;
        float *ro = rstd_out ? rstd_out + r : NULL;
#if RK_X86
        if (simd >= 1) { add_layer_norm_row_avx2(o, xr, bias, rr, gamma, beta, cols, eps, mo, ro); continue; }
#endif
        add_layer_norm_row_scalar(o, xr, bias, rr, gamma, beta, cols, eps, mo, ro);
    }
}

void rk_softmax_rows(float *x, ptrdiff_t ldx, ptrdiff_t rows, ptrdiff_t cols) {
#if RK_X86
    if (rk_simd_level() >= 1) {
        for (ptrdiff_t r = 0; r < rows; r++) softmax_row_avx2(x + r * ldx, cols);
        return;
    }
#endif
    for (ptrdiff_t r = 0; r < rows; r++) softmax_row_scalar(x + r * ldx, cols);
}

// ---------------------------------------------------------------- bfloat16 outputs

// The bfloat16 mode's softmax and GELU write their results rounded for the next product, instead
// of float32 that a separate pass would read back and round.
#if RK_X86
#define RK_AVX2_BF16 __attribute__((target("avx2,fma,avx512f,avx512vl,avx512bf16")))

RK_AVX2_BF16 static inline void store_bf16x8(uint16_t *dst, __m256 v) {
    _mm_storeu_si128((__m128i *)dst, (__m128i)_mm256_cvtneps_pbh(v));
}

RK_AVX2_BF16 static void softmax_rows_bf16_avx2(float *x, ptrdiff_t ldx, ptrdiff_t rows, ptrdiff_t cols,
                                                 uint16_t *out, ptrdiff_t ldo) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *row = x + r * ldx;
        uint16_t *dst = out + r * ldo;
        ptrdiff_t i;
        __m256 vm = _mm256_set1_ps(-INFINITY);
        for (i = 0; i + 8 <= cols; i += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(row + i));
        float m = hmax256(vm);
        for (; i < cols; i++) m = fmaxf(m, row[i]);
        if (m == -INFINITY) {
            memset(dst, 0, (size_t)(cols + (cols & 1)) * sizeof(uint16_t));
            continue;
        }
        __m256 vmax = _mm256_set1_ps(m);
        __m256 vs = _mm256_setzero_ps();
        for (i = 0; i + 8 <= cols; i += 8) {
            __m256 e = exp256(_mm256_sub_ps(_mm256_loadu_ps(row + i), vmax));
            _mm256_storeu_ps(row + i, e);
            vs = _mm256_add_ps(vs, e);
        }
        float s = hsum256(vs);
        for (; i < cols; i++) { row[i] = rk_exp(row[i] - m); s += row[i]; }
        __m256 vinv = _mm256_set1_ps(1.0f / s);
        float inv = 1.0f / s;
        for (i = 0; i + 8 <= cols; i += 8) store_bf16x8(dst + i, _mm256_mul_ps(_mm256_loadu_ps(row + i), vinv));
        for (; i < cols; i++) dst[i] = rk_float_to_bf16(row[i] * inv);
        if (cols & 1) dst[cols] = 0;
    }
}

RK_AVX2_BF16 static void bias_gelu_bf16_avx2(const float *x, ptrdiff_t ldx, const float *bias, ptrdiff_t rows,
                                              ptrdiff_t cols, int approx, uint16_t *out, ptrdiff_t ldo) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *row = x + r * ldx;
        uint16_t *dst = out + r * ldo;
        ptrdiff_t c = 0;
        for (; c + 8 <= cols; c += 8) {
            __m256 v = _mm256_loadu_ps(row + c);
            if (bias) v = _mm256_add_ps(v, _mm256_loadu_ps(bias + c));
            store_bf16x8(dst + c, approx ? gelu_tanh256(v) : gelu_erf256(v));
        }
        for (; c < cols; c++) {
            float v = row[c] + (bias ? bias[c] : 0.0f);
            dst[c] = rk_float_to_bf16(approx ? gelu_tanh_scalar(v) : gelu_erf_scalar(v));
        }
        if (cols & 1) dst[cols] = 0;
    }
}
#endif

void rk_softmax_rows_bf16(float *x, ptrdiff_t ldx, ptrdiff_t rows, ptrdiff_t cols, uint16_t *out, ptrdiff_t ldo) {
#if RK_X86
    if (rk_simd_level() >= 1 && rk_bf16_native()) { softmax_rows_bf16_avx2(x, ldx, rows, cols, out, ldo); return; }
#endif
    rk_softmax_rows(x, ldx, rows, cols);
    rk_bf16_round_rows(x, ldx, rows, cols, out, ldo);
}

void rk_bias_gelu_bf16(float *x, ptrdiff_t ldx, const float *bias, ptrdiff_t rows, ptrdiff_t cols, int approximation,
                       uint16_t *out, ptrdiff_t ldo) {
#if RK_X86
    if (rk_simd_level() >= 1 && rk_bf16_native()) { bias_gelu_bf16_avx2(x, ldx, bias, rows, cols, approximation, out, ldo); return; }
#endif
    rk_bias_gelu(x, ldx, bias, rows, cols, approximation);
    rk_bf16_round_rows(x, ldx, rows, cols, out, ldo);
}

void rk_f16_to_f32(const uint16_t *src, float *dst, ptrdiff_t n) {
    ptrdiff_t i = 0;
#if RK_X86
    if (rk_cpu_level() >= RK_CPU_AVX2) f16_to_f32_f16c(src, dst, n, &i);
#endif
    for (; i < n; i++) dst[i] = rk_half_to_float(src[i]);
}

void rk_bf16_to_f32(const uint16_t *src, float *dst, ptrdiff_t n) {
    for (ptrdiff_t i = 0; i < n; i++) {
        uint32_t bits = (uint32_t)src[i] << 16;
        memcpy(dst + i, &bits, sizeof(float));
    }
}

void rk_add2_inplace(float *dst, const float *a, const float *b, ptrdiff_t n) {
    for (ptrdiff_t i = 0; i < n; i++) dst[i] = (dst[i] + a[i]) + b[i];
}

void rk_add_bias_rows(float *x, ptrdiff_t ldx, const float *bias, ptrdiff_t rows, ptrdiff_t cols) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *row = x + r * ldx;
        for (ptrdiff_t c = 0; c < cols; c++) row[c] += bias[c];
    }
}
