#ifndef REASONIR_RK_BF16_H
#define REASONIR_RK_BF16_H

// BFloat16 matrix products for the encoders' opt-in reduced-precision mode: C = A · Wᵀ with A and
// W rounded to bfloat16 (nearest, ties to even) and every product accumulated in float32. On CPUs
// with AVX512-BF16 the products run on `vdpbf16ps` (twice sgemm's multiply rate); elsewhere a
// portable loop computes the same sums. Weights are packed once, activations rounded per call.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the AVX512-BF16 kernel is in use (`rk_cpu_level` is RK_CPU_AVX512BF16), 0 for the portable path.
int rk_bf16_native(void);

/// Columns per packed panel: W's rows are packed in groups of this many.
#define RK_BF16_PANEL 64

/// Number of uint16 values `rk_bf16_pack` writes for an `n × k` matrix.
size_t rk_bf16_packed_count(ptrdiff_t n, ptrdiff_t k);

/// Packs W (`n` rows of `k` floats, `ldw` apart: a PyTorch Linear weight [out, in]) into panels of
/// RK_BF16_PANEL rows, pairs of k interleaved, rounded to bfloat16. Missing rows and an odd last k are zero.
void rk_bf16_pack(const float *w, ptrdiff_t ldw, ptrdiff_t n, ptrdiff_t k, uint16_t *packed);

/// The same for Vᵀ: packs the `n` columns of V (`k` rows of at least `n` floats, `ldv` apart) as W's rows,
/// so that A · Vᵀᵀ = A · V (attention's probabilities times values).
void rk_bf16_pack_transposed(const float *v, ptrdiff_t ldv, ptrdiff_t n, ptrdiff_t k, uint16_t *packed);

/// Rounds `rows` rows of `cols` floats to bfloat16: out[r][c] for c < cols, then a zero when cols is odd.
/// Row strides are in elements.
void rk_bf16_round_rows(const float *x, ptrdiff_t ldx, ptrdiff_t rows, ptrdiff_t cols, uint16_t *out, ptrdiff_t ldo);

/// C[m][j] = alpha · Σ_k A[m][k] · W[j][k] + bias[j] for m < rows, j < n: A as `rk_bf16_round_rows` leaves
/// it (`lda` ≥ k rounded up to even), W packed by `rk_bf16_pack`; `bias` may be NULL. Single-threaded:
/// callers split rows over threads.
void rk_bf16_gemm_nt(const uint16_t *a, ptrdiff_t lda, const uint16_t *packed,
                     ptrdiff_t rows, ptrdiff_t n, ptrdiff_t k, float alpha, const float *bias,
                     float *c, ptrdiff_t ldc);

#ifdef __cplusplus
}
#endif

#endif
