// Products of GGML-quantized weight rows with 8-bit quantized activations (llama.cpp's scheme):
// each 32-value weight block is unpacked once to signed 8-bit integers with one or two scales and
// an offset term, then dotted with the activation blocks of up to RK_TILE activation rows. The
// integer loops are written so the compiler vectorizes them; target_clones builds an AVX2 copy
// chosen at run time.
#include "CKernels.h"
#include "rk_ggml_blocks.h"

#include <math.h>

#define RK_TILE 8

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define RK_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define RK_CLONES
#endif

void rk_quantize_q8_blocks(const float *x, rk_q8_block *out, ptrdiff_t n) {
    for (ptrdiff_t b = 0; b < n / 32; b++) {
        const float *v = x + b * 32;
        float amax = 0;
        for (int i = 0; i < 32; i++) amax = fmaxf(amax, fabsf(v[i]));
        float d = amax / 127.0f, id = d > 0 ? 1.0f / d : 0.0f;
        int sum = 0;
        for (int i = 0; i < 32; i++) {
            int q = (int)lrintf(v[i] * id);
            q = q > 127 ? 127 : (q < -127 ? -127 : q);
            out[b].q[i] = (int8_t)q;
            sum += q;
        }
        out[b].d = d;
        out[b].s = d * (float)sum;
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

RK_CLONES
int rk_quant_matmul(int type, const void *w, size_t row_bytes, ptrdiff_t n, ptrdiff_t r0, ptrdiff_t r1,
                    const rk_q8_block *xq, ptrdiff_t rows, float *y, ptrdiff_t ldy) {
    if (!rk_quant_matmul_supports(type)) return -1;
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
    return 0;
}
