#ifndef REASONIR_CKERNELS_H
#define REASONIR_CKERNELS_H

// Elementwise kernels for the CPU encoders. Every function has a portable scalar path and, on
// x86-64, an AVX2+FMA path chosen once at run time (`rk_cpu_level`); the library itself
// is compiled for the baseline, so no compiler flags are needed. Both paths use the same
// approximations (erf: |error| <= 1.3e-7, exp: about 1 ulp), so results agree to float rounding.

#include <stddef.h>
#include <stdint.h>

#include "rk_cpu.h"

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the AVX2+FMA paths are in use, 0 for the scalar paths (from `rk_cpu_level`).
int rk_simd_level(void);

/// The erf and exp approximations used by the vector kernels (scalar forms, for tests).
float rk_erf(float x);
float rk_exp(float x);
/// y[i] = erf(x[i]) / exp(x[i]) through the dispatched (vector) path.
void rk_erf_array(const float *x, float *y, ptrdiff_t n);
void rk_exp_array(const float *x, float *y, ptrdiff_t n);

/// x[r][c] = gelu(x[r][c] + bias[c]) for `rows` rows of `cols` floats, `ldx` floats apart.
/// `bias` may be NULL. `approximation` 0: exact erf form 0.5·v·(1 + erf(v/√2)) (BERT "gelu", PyTorch's default);
/// 1: tanh form (BERT "gelu_new", "gelu_pytorch_tanh").
void rk_bias_gelu(float *x, ptrdiff_t ldx, const float *bias, ptrdiff_t rows, ptrdiff_t cols, int approximation);

/// out[r] = LayerNorm(x[r] + bias + residual[r]) · gamma + beta over `cols` values, with biased variance and
/// `eps` added to it, as torch.nn.LayerNorm. `bias` and `residual` may be NULL. `out` may be the same memory as
/// `x` or `residual` (row for row). When `mean_out`/`rstd_out` are not NULL they receive each row's mean and
/// 1/sqrt(var + eps) (what a backward pass needs).
void rk_add_layer_norm(float *out, ptrdiff_t ldo,
                       const float *x, ptrdiff_t ldx,
                       const float *bias,
                       const float *residual, ptrdiff_t ldr,
                       const float *gamma, const float *beta,
                       ptrdiff_t rows, ptrdiff_t cols, float eps,
                       float *mean_out, float *rstd_out);

/// In-place softmax over each of `rows` rows of `cols` values. -inf entries become 0; a row that is all -inf
/// becomes all 0.
void rk_softmax_rows(float *x, ptrdiff_t ldx, ptrdiff_t rows, ptrdiff_t cols);

/// rk_softmax_rows and rk_bias_gelu whose results go, rounded to bfloat16, to `out` (rows `ldo` apart, a
/// zero after an odd row, as rk_bf16_round_rows leaves them) for the next bfloat16 product; `x` is scratch.
void rk_softmax_rows_bf16(float *x, ptrdiff_t ldx, ptrdiff_t rows, ptrdiff_t cols, uint16_t *out, ptrdiff_t ldo);
void rk_bias_gelu_bf16(float *x, ptrdiff_t ldx, const float *bias, ptrdiff_t rows, ptrdiff_t cols, int approximation,
                       uint16_t *out, ptrdiff_t ldo);

/// IEEE half / bfloat16 (little-endian bit patterns) to float, exactly.
void rk_f16_to_f32(const uint16_t *src, float *dst, ptrdiff_t n);
void rk_bf16_to_f32(const uint16_t *src, float *dst, ptrdiff_t n);

/// dst[i] = (dst[i] + a[i]) + b[i], in that order (the BERT embedding sum: word + token type + position).
void rk_add2_inplace(float *dst, const float *a, const float *b, ptrdiff_t n);

/// x[r][c] += bias[c] for `rows` rows of `cols` floats, `ldx` floats apart.
void rk_add_bias_rows(float *x, ptrdiff_t ldx, const float *bias, ptrdiff_t rows, ptrdiff_t cols);

/// Sequentially consistent fetch-and-add (for the thread pool's work counter).
long rk_atomic_fetch_add(long *p, long v);

#ifdef __cplusplus
}
#endif

// Distance kernels for vector search.
#include "rk_distance.h"
// GGUF block formats.
#include "rk_quant.h"
// BFloat16 products (the encoders' reduced-precision mode).
#include "rk_bf16.h"
// Backward passes (training).
#include "rk_backward.h"

#endif
