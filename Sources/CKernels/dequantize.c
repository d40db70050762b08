// Decoders for the GGML block formats. Each mirrors gguf-py's numpy expressions: the per-block (or
// per-sub-block) scale products are rounded to float first, then multiplied by the quant, with no fused
// multiply-add, so values match the reference bit for bit.
#include "CKernels.h"
#include "rk_ggml_blocks.h"

#pragma clang fp contract(off)

static void dequant_q4_0(const uint8_t *b, float *y, ptrdiff_t nb) {
    for (ptrdiff_t i = 0; i < nb; i++, b += 18, y += 32) {
        float d = f16_at(b);
        for (int j = 0; j < 16; j++) {
            y[j] = d * (float)((int)(b[2 + j] & 0x0F) - 8);
            y[j + 16] = d * (float)((int)(b[2 + j] >> 4) - 8);
        }
    }
}

static void dequant_q4_1(const uint8_t *b, float *y, ptrdiff_t nb) {
    for (ptrdiff_t i = 0; i < nb; i++, b += 20, y += 32) {
        float d = f16_at(b), m = f16_at(b + 2);
        for (int j = 0; j < 16; j++) {
            y[j] = d * (float)(b[4 + j] & 0x0F) + m;
            y[j + 16] = d * (float)(b[4 + j] >> 4) + m;
        }
    }
}

static void dequant_q5_0(const uint8_t *b, float *y, ptrdiff_t nb) {
    for (ptrdiff_t i = 0; i < nb; i++, b += 22, y += 32) {
        float d = f16_at(b);
        uint32_t qh = (uint32_t)b[2] | ((uint32_t)b[3] << 8) | ((uint32_t)b[4] << 16) | ((uint32_t)b[5] << 24);
        const uint8_t *qs = b + 6;
        for (int j = 0; j < 16; j++) {
            int lo = (qs[j] & 0x0F) | (int)(((qh >> j) & 1) << 4);
            int hi = (qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
            y[j] = d * (float)(lo - 16);
            y[j + 16] = d * (float)(hi - 16);
        }
    }
}

static void dequant_q8_0(const uint8_t *b, float *y, ptrdiff_t nb) {
    for (ptrdiff_t i = 0; i < nb; i++, b += 34, y += 32) {
        float d = f16_at(b);
        const int8_t *q = (const int8_t *)(b + 2);
        for (int j = 0; j < 32; j++) y[j] = d * (float)q[j];
    }
}

// Q4_K (144-byte blocks) and Q5_K (176 bytes: 32 more bytes of fifth bits before the nibbles):
// value = (d · scale) · q − dmin · min per sub-block of 32.
static void dequant_q4_5_k(const uint8_t *b, float *y, ptrdiff_t nb, int five_bits) {
    const ptrdiff_t block_bytes = five_bits ? 176 : 144;
    for (ptrdiff_t i = 0; i < nb; i++, b += block_bytes, y += 256) {
        float d = f16_at(b), dmin = f16_at(b + 2);
        const uint8_t *scales = b + 4, *qh = b + 16, *qs = five_bits ? b + 48 : b + 16;
        for (int j = 0; j < 8; j++) {
            int sc, m;
            k_scale_min(scales, j, &sc, &m);
            float ds = d * (float)sc, dm = dmin * (float)m;
            const uint8_t *q = qs + (j / 2) * 32;
            int shift = (j & 1) * 4;
            for (int l = 0; l < 32; l++) {
                int v = (q[l] >> shift) & 0x0F;
                if (five_bits) v |= ((qh[l] >> j) & 1) << 4;
                y[j * 32 + l] = ds * (float)v - dm;
            }
        }
    }
}

static void dequant_q6_k(const uint8_t *b, float *y, ptrdiff_t nb) {
    for (ptrdiff_t i = 0; i < nb; i++, b += 210, y += 256) {
        const uint8_t *ql = b, *qh = b + 128;
        const int8_t *scales = (const int8_t *)(b + 192);
        float d = f16_at(b + 208);
        // Value h*128 + t*32 + l: low nibble of ql[64h + (t%2)*32 + l] (high nibble for t >= 2),
        // two bits of qh[32h + l] at 2t; the scale is per 16 values.
        for (int h = 0; h < 2; h++) {
            for (int t = 0; t < 4; t++) {
                for (int l = 0; l < 32; l++) {
                    int idx = h * 128 + t * 32 + l;
                    int lo = (ql[64 * h + (t & 1) * 32 + l] >> (4 * (t >> 1))) & 0x0F;
                    int hi = (qh[32 * h + l] >> (2 * t)) & 3;
                    float ds = d * (float)scales[idx / 16];
                    y[idx] = ds * (float)((lo | (hi << 4)) - 32);
                }
            }
        }
    }
}

int rk_dequantize(int type, const void *src, float *dst, ptrdiff_t n) {
    const uint8_t *b = (const uint8_t *)src;
    switch (type) {
    case RK_GGML_F32:
        memcpy(dst, src, (size_t)n * sizeof(float));
        return 0;
    case RK_GGML_F16:
        rk_f16_to_f32((const uint16_t *)src, dst, n);
        return 0;
    case RK_GGML_BF16:
        rk_bf16_to_f32((const uint16_t *)src, dst, n);
        return 0;
    default:
        break;
    }
    ptrdiff_t block = (type == RK_GGML_Q4_K || type == RK_GGML_Q5_K || type == RK_GGML_Q6_K) ? 256 : 32;
    if (n % block != 0) return -1;
    ptrdiff_t nb = n / block;
    switch (type) {
    case RK_GGML_Q4_0: dequant_q4_0(b, dst, nb); return 0;
    case RK_GGML_Q4_1: dequant_q4_1(b, dst, nb); return 0;
    case RK_GGML_Q5_0: dequant_q5_0(b, dst, nb); return 0;
    case RK_GGML_Q8_0: dequant_q8_0(b, dst, nb); return 0;
    case RK_GGML_Q4_K: dequant_q4_5_k(b, dst, nb, 0); return 0;
    case RK_GGML_Q5_K: dequant_q4_5_k(b, dst, nb, 1); return 0;
    case RK_GGML_Q6_K: dequant_q6_k(b, dst, nb); return 0;
    default: return -1;
    }
}
