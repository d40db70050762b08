#ifndef REASONIR_RK_DISTANCE_H
#define REASONIR_RK_DISTANCE_H

// Float32 distance kernels for vector search (HNSW, exact re-ranking). Like the other kernels, each
// has a portable scalar path and an AVX2+FMA path chosen at run time through `rk_simd_level()`
// (so `rk_force_scalar` tests the scalar path too); the library is compiled for the baseline.
// The SIMD paths sum in a different order than the scalar ones: results agree to float rounding.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Σ a[i]·b[i] over `n` values.
float rk_dot_f32(const float *a, const float *b, ptrdiff_t n);
/// Σ (a[i] - b[i])² over `n` values.
float rk_l2sq_f32(const float *a, const float *b, ptrdiff_t n);

/// out[j] = dot(q, base + ids[j]·stride) for j < count: one query against gathered rows of a
/// row-major matrix (`stride` floats between rows, `n` values per row). Four rows at a time share
/// the query's loads, and the next rows are prefetched while the current ones are summed.
void rk_dot_f32_gather(const float *q, const float *base, ptrdiff_t stride,
                       const uint32_t *ids, ptrdiff_t count, ptrdiff_t n, float *out);
/// out[j] = l2sq(q, base + ids[j]·stride), as `rk_dot_f32_gather`.
void rk_l2sq_f32_gather(const float *q, const float *base, ptrdiff_t stride,
                        const uint32_t *ids, ptrdiff_t count, ptrdiff_t n, float *out);

/// Brings the cache line holding `p` closer (a hint; never faults).
static inline void rk_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

/// A test-and-test-and-set spin lock on a zero-initialised word; after a short spin the waiter
/// yields its core, so a preempted holder on a busy machine does not burn the waiter's time slice.
void rk_spin_lock(int32_t *word);
void rk_spin_unlock(int32_t *word);

#ifdef __cplusplus
}
#endif

#endif
