#ifndef REASONIR_RK_BACKWARD_H
#define REASONIR_RK_BACKWARD_H

// Backward passes of the encoder's elementwise and row-wise operations (training). Float32 in and
// out, sums of a row in double where the forward pass's statistics are reused, so gradients agree
// with PyTorch's to float rounding.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// grad[r][c] *= gelu'(u[r][c]) for `rows` rows of `cols` values: `u` is GELU's input (the biased
/// pre-activation). `approximation` 0: the exact erf form, 1: the tanh form (as rk_bias_gelu).
void rk_gelu_backward(const float *u, ptrdiff_t ldu, float *grad, ptrdiff_t ldg,
                      ptrdiff_t rows, ptrdiff_t cols, int approximation);

/// LayerNorm's backward pass for `rows` rows of `cols` values. `x` is the normalised input (before
/// the mean was taken), `mean`/`rstd` the forward pass's statistics (rk_add_layer_norm's), `dy` the
/// gradient of the output. Writes dx (may be the same memory as dy, row for row) and adds
/// Σ_rows dy·x̂ to dgamma and Σ_rows dy to dbeta.
void rk_layer_norm_backward(const float *x, ptrdiff_t ldx, const float *mean, const float *rstd,
                            const float *gamma, const float *dy, ptrdiff_t ldy, float *dx, ptrdiff_t lddx,
                            float *dgamma, float *dbeta, ptrdiff_t rows, ptrdiff_t cols);

/// Softmax's backward pass in place, row by row: dS = P ⊙ (dP − Σ_j dP·P), `p` the probabilities,
/// `grad` dP on entry and dS on return.
void rk_softmax_backward_rows(const float *p, ptrdiff_t ldp, float *grad, ptrdiff_t ldg, ptrdiff_t rows, ptrdiff_t cols);

#ifdef __cplusplus
}
#endif

#endif
