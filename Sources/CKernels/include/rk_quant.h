#ifndef REASONIR_RK_QUANT_H
#define REASONIR_RK_QUANT_H

// GGML block formats (GGUF tensors): decoding to float, and dot products against 8-bit quantized activations.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// GGML type ids (`ggml_type`) of the formats below.
enum {
    RK_GGML_F32 = 0, RK_GGML_F16 = 1, RK_GGML_Q4_0 = 2, RK_GGML_Q4_1 = 3, RK_GGML_Q5_0 = 6, RK_GGML_Q8_0 = 8,
    RK_GGML_Q4_K = 12, RK_GGML_Q5_K = 13, RK_GGML_Q6_K = 14, RK_GGML_BF16 = 30,
};

/// Decodes `n` values (whole blocks) of GGML type `type` from `src` into `dst`, with the same float
/// operations, in the same order, as gguf-py's `gguf.quants.dequantize` (so results are bit-identical).
/// Returns 0, or -1 for a type it does not decode or an `n` that is not whole blocks.
int rk_dequantize(int type, const void *src, float *dst, ptrdiff_t n);

#ifdef __cplusplus
}
#endif

#endif
