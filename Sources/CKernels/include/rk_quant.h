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

/// 32 activations quantized to 8 bits: value i ≈ d · q[i]; `s` = d · Σ q[i] (for formats with an offset).
typedef struct {
    float d;
    float s;
    int8_t q[32];
} rk_q8_block;

/// Quantizes `n` floats (a multiple of 32) to `n / 32` blocks, each scaled by its largest magnitude / 127.
void rk_quantize_q8_blocks(const float *x, rk_q8_block *out, ptrdiff_t n);

/// Whether `rk_quant_matmul` handles GGML type `type` (Q4_0, Q4_1, Q5_0, Q8_0, Q4_K, Q5_K, Q6_K).
int rk_quant_matmul_supports(int type);

/// y[t · ldy + r] = W[r] · x_t for weight rows r in [r0, r1) and activation rows t in [0, rows): W holds
/// rows of `n` values (a multiple of the type's block size) of GGML type `type`, `row_bytes` apart;
/// `xq` holds each activation row as n / 32 blocks (rows one after another). Per block the integer dot
/// product of the weight and activation quants is scaled once. Returns -1 for an unsupported type.
int rk_quant_matmul(int type, const void *w, size_t row_bytes, ptrdiff_t n, ptrdiff_t r0, ptrdiff_t r1,
                    const rk_q8_block *xq, ptrdiff_t rows, float *y, ptrdiff_t ldy);

#ifdef __cplusplus
}
#endif

#endif
