#ifndef REASONIR_RK_HALF_H
#define REASONIR_RK_HALF_H
// IEEE half (bit pattern) to float, exactly: shared by the F16 conversion and the GGUF block decoders.

#include <stdint.h>
#include <string.h>

static inline float rk_half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t man = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else {  // subnormal half: normalise
            int e = -1;
            do { e++; man <<= 1; } while ((man & 0x400u) == 0);
            man &= 0x3ffu;
            bits = sign | ((uint32_t)(127 - 15 - e) << 23) | (man << 13);
        }
    } else if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (man << 13);
    } else {
        bits = sign | ((exp + (127 - 15)) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

// `f` rounded to the nearest half (ties to even) and back.
static inline float rk_round_to_half(float f) {
#if defined(__FLT16_MAX__)
    return (float)(_Float16)f;
#else
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    uint32_t exp = (bits >> 23) & 0xffu;
    if (exp < 127 - 14 || exp >= 127 + 16) return f;  // subnormal or out of half range: rare for scales
    uint32_t rounded = bits + 0x0fffu + ((bits >> 13) & 1u);
    rounded &= ~0x1fffu;
    memcpy(&f, &rounded, sizeof f);
    return f;
#endif
}

#endif
