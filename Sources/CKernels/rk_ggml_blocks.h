#ifndef REASONIR_RK_GGML_BLOCKS_H
#define REASONIR_RK_GGML_BLOCKS_H
// Field readers shared by the GGML block decoders and the quantized products.

#include "rk_half.h"

/// A little-endian half at `p` (block scales are not 2-byte aligned in every format).
static inline float f16_at(const uint8_t *p) { return rk_half_to_float((uint16_t)(p[0] | (p[1] << 8))); }

/// The 6-bit scale and min of sub-block j (0..7) from the 12 packed bytes of Q4_K/Q5_K.
static inline void k_scale_min(const uint8_t *s, int j, int *sc, int *m) {
    if (j < 4) {
        *sc = s[j] & 63;
        *m = s[j + 4] & 63;
    } else {
        *sc = (s[j + 4] & 0x0F) | ((s[j - 4] >> 6) << 4);
        *m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

#endif
