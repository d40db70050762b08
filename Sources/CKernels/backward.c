// Backward passes for training (see rk_backward.h).
#include <math.h>

#include "CKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
// In kernels.c, beside the vector erf and exp it uses.
ptrdiff_t rk_gelu_erf_backward_avx2(const float *u, float *grad, ptrdiff_t n);
#define RK_BACKWARD_X86 1
#else
#define RK_BACKWARD_X86 0
#endif

void rk_gelu_backward(const float *u, ptrdiff_t ldu, float *grad, ptrdiff_t ldg,
                      ptrdiff_t rows, ptrdiff_t cols, int approximation) {
    const float inv_sqrt2 = 0.70710678118654752f, inv_sqrt_2pi = 0.39894228040143268f;
    const float c = 0.79788456080286536f, k = 0.044715f;
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *ur = u + r * ldu;
        float *g = grad + r * ldg;
        if (approximation == 0) {
            // d/du [u·Φ(u)] = Φ(u) + u·φ(u)
            ptrdiff_t start = 0;
#if RK_BACKWARD_X86
            if (rk_cpu_level() >= RK_CPU_AVX2) start = rk_gelu_erf_backward_avx2(ur, g, cols);
#endif
            for (ptrdiff_t i = start; i < cols; i++) {
                float v = ur[i];
                float cdf = 0.5f * (1.0f + erff(v * inv_sqrt2));
                float pdf = inv_sqrt_2pi * expf(-0.5f * v * v);
                g[i] *= cdf + v * pdf;
            }
        } else {
            for (ptrdiff_t i = 0; i < cols; i++) {
                float v = ur[i];
                float t = tanhf(c * (v + k * v * v * v));
                g[i] *= 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * c * (1.0f + 3.0f * k * v * v);
            }
        }
    }
}

void rk_layer_norm_backward(const float *x, ptrdiff_t ldx, const float *mean, const float *rstd,
                            const float *gamma, const float *dy, ptrdiff_t ldy, float *dx, ptrdiff_t lddx,
                            float *dgamma, float *dbeta, ptrdiff_t rows, ptrdiff_t cols) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *xr = x + r * ldx, *dyr = dy + r * ldy;
        float *dxr = dx + r * lddx;
        const float m = mean[r], s = rstd[r];
        double sum_g = 0, sum_gx = 0;
        for (ptrdiff_t i = 0; i < cols; i++) {
            float xhat = (xr[i] - m) * s;
            float g = dyr[i] * gamma[i];
            dgamma[i] += dyr[i] * xhat;
            dbeta[i] += dyr[i];
            sum_g += g;
            sum_gx += (double)g * xhat;
        }
        const float mean_g = (float)(sum_g / (double)cols), mean_gx = (float)(sum_gx / (double)cols);
        for (ptrdiff_t i = 0; i < cols; i++) {
            float xhat = (xr[i] - m) * s;
            dxr[i] = s * (dyr[i] * gamma[i] - mean_g - xhat * mean_gx);
        }
    }
}

void rk_softmax_backward_rows(const float *p, ptrdiff_t ldp, float *grad, ptrdiff_t ldg, ptrdiff_t rows, ptrdiff_t cols) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *pr = p + r * ldp;
        float *g = grad + r * ldg;
        double dot = 0;
        for (ptrdiff_t i = 0; i < cols; i++) dot += (double)pr[i] * g[i];
        const float d = (float)dot;
        for (ptrdiff_t i = 0; i < cols; i++) g[i] = pr[i] * (g[i] - d);
    }
}
