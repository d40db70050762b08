#ifndef REASONIR_RK_DISTANCE_H
#define REASONIR_RK_DISTANCE_H

// Kernels for vector search (HNSW, exact top-k) over Float32 and Float16 rows. Each has a portable scalar path and an
// AVX2+FMA path chosen once per process (`rk_cpu_level`, which REASONIR_CPU lowers); the library
// is compiled for the baseline. A build or search never switches paths half way (equal inputs
// give equal distances); tests of both paths in one process call the `_scalar` entry points.
// The SIMD paths sum in another order: results agree to float rounding.

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
/// the query's loads, and the next rows' first cache lines are prefetched while the current ones
/// are summed. Every row goes through the same arithmetic, so equal rows give equal results.
void rk_dot_f32_gather(const float *q, const float *base, ptrdiff_t stride,
                       const uint32_t *ids, ptrdiff_t count, ptrdiff_t n, float *out);
/// out[j] = l2sq(q, base + ids[j]·stride), as `rk_dot_f32_gather`.
void rk_l2sq_f32_gather(const float *q, const float *base, ptrdiff_t stride,
                        const uint32_t *ids, ptrdiff_t count, ptrdiff_t n, float *out);

/// Exact top-k: for each of `rows` rows of `cols` scores (`ld` floats apart), folds the candidates
/// (score, first + j) into that row's bounded heap: `k` slots at heap_scores + r·k and heap_ids + r·k,
/// `counts[r]` of them filled (start at 0). The root is the worst kept: the lowest score, among
/// equal scores the highest index. Feed each row's candidates in increasing index order (across
/// calls too), so that an equal score never displaces an earlier document. NaN scores are skipped.
/// The AVX2 path compares eight scores at a time against the root and touches the heap only for
/// the few that beat it.
void rk_topk_fold(const float *scores, ptrdiff_t ld, ptrdiff_t rows, ptrdiff_t cols, int64_t first,
                  ptrdiff_t k, float *heap_scores, int64_t *heap_ids, int32_t *counts);

/// The scalar paths, for tests.
float rk_dot_f32_scalar(const float *a, const float *b, ptrdiff_t n);
float rk_l2sq_f32_scalar(const float *a, const float *b, ptrdiff_t n);
void rk_dot_f32_gather_scalar(const float *q, const float *base, ptrdiff_t stride,
                              const uint32_t *ids, ptrdiff_t count, ptrdiff_t n, float *out);
void rk_l2sq_f32_gather_scalar(const float *q, const float *base, ptrdiff_t stride,
                               const uint32_t *ids, ptrdiff_t count, ptrdiff_t n, float *out);
void rk_topk_fold_scalar(const float *scores, ptrdiff_t ld, ptrdiff_t rows, ptrdiff_t cols, int64_t first,
                         ptrdiff_t k, float *heap_scores, int64_t *heap_ids, int32_t *counts);

/// Float16 storage: rows of IEEE halves (little-endian bit patterns) against a Float32 query,
/// widened exactly and summed in Float32. Paths: AVX-512F, AVX2+FMA+F16C, scalar, from
/// `rk_cpu_level`; `rk_half_simd_level` says which (2, 1, 0). The `_at` forms take a level (lowered to
/// what the CPU has), for tests and benchmarks.
int rk_half_simd_level(void);
/// out[j] = dot(q, base + ids[j]·stride), as `rk_dot_f32_gather`.
void rk_dot_f16_gather(const float *q, const uint16_t *base, ptrdiff_t stride,
                       const uint32_t *ids, ptrdiff_t count, ptrdiff_t n, float *out);
/// out[j] = l2sq(q, base + ids[j]·stride).
void rk_l2sq_f16_gather(const float *q, const uint16_t *base, ptrdiff_t stride,
                        const uint32_t *ids, ptrdiff_t count, ptrdiff_t n, float *out);
/// out[r] = dot(q, base + r·n) for `rows` consecutive rows (exact search of one query).
void rk_dot_f16_rows(const float *q, const uint16_t *base, ptrdiff_t rows, ptrdiff_t n, float *out);
/// dst[i] = src[i] rounded to the nearest half, ties to even (beyond ±65504: ±infinity).
void rk_f32_to_f16(const float *src, uint16_t *dst, ptrdiff_t n);
void rk_dot_f16_gather_at(int level, const float *q, const uint16_t *base, ptrdiff_t stride,
                          const uint32_t *ids, ptrdiff_t count, ptrdiff_t n, float *out);
void rk_l2sq_f16_gather_at(int level, const float *q, const uint16_t *base, ptrdiff_t stride,
                           const uint32_t *ids, ptrdiff_t count, ptrdiff_t n, float *out);
void rk_dot_f16_rows_at(int level, const float *q, const uint16_t *base, ptrdiff_t rows, ptrdiff_t n, float *out);
void rk_f32_to_f16_at(int level, const float *src, uint16_t *dst, ptrdiff_t n);

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
