#ifndef REASONIR_RK_HALF_H
#define REASONIR_RK_HALF_H
// IEEE half (bit pattern) to and from float, exactly: shared by the F16 conversions, the GGUF
// block decoders and the Float16 vector kernels.

#include <math.h>
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

// `f` to the nearest half (ties to even), as its bit pattern; 65520 and beyond become infinity,
// NaN a quiet NaN. Exact for every input: the F16C instruction gives the same bits.
static inline uint16_t rk_float_to_half(float f) {
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    uint16_t sign = (uint16_t)((bits >> 16) & 0x8000u);
    uint32_t a = bits & 0x7fffffffu;
    if (a >= 0x7f800000u) return (uint16_t)(sign | 0x7c00u | (a > 0x7f800000u ? 0x200u : 0u));
    if (a >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u);
    if (a < 0x38800000u) {
        // Below 2^-14: a subnormal half, counted in units of 2^-24 (the scaling is exact);
        // nearbyintf rounds ties to even, and 1024 units is the smallest normal half's pattern.
        float magnitude;
        memcpy(&magnitude, &a, sizeof magnitude);
        return (uint16_t)(sign | (uint16_t)nearbyintf(magnitude * 16777216.0f));
    }
    // Round the 13 dropped mantissa bits to even; a carry moves into the exponent, as it should.
    a += 0x0fffu + ((a >> 13) & 1u);
    return (uint16_t)(sign | ((a >> 13) - ((127u - 15u) << 10)));
}

// `f` rounded to bfloat16 (nearest, ties to even, as vcvtneps2bf16 does); NaN stays a quiet NaN.
static inline uint16_t rk_float_to_bf16(float f) {
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x40u);
    bits += 0x7fffu + ((bits >> 16) & 1u);
    return (uint16_t)(bits >> 16);
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
