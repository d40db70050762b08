#ifndef REASONIR_RK_CPU_H
#define REASONIR_RK_CPU_H

// The instruction-set level every kernel dispatches on. It is chosen once per process: the CPU's
// own level, lowered by the environment variable REASONIR_CPU (scalar, avx2, avx512, avx512bf16,
// native), so that one machine can run and test every path below its own. Never higher than the
// CPU allows, and never changed afterwards: a build or a search must not switch paths half way.

#ifdef __cplusplus
extern "C" {
#endif

/// Portable C, no vector extensions beyond the baseline.
#define RK_CPU_SCALAR 0
/// AVX2, FMA and F16C.
#define RK_CPU_AVX2 1
/// AVX-512 F, BW, VL and DQ, besides the above.
#define RK_CPU_AVX512 2
/// AVX512-BF16 (`vdpbf16ps`), besides the above.
#define RK_CPU_AVX512BF16 3

/// The level the CPU supports.
int rk_cpu_native_level(void);
/// The level in use: the CPU's, lowered by REASONIR_CPU. The first call reads the variable; an
/// unknown value is reported on stderr once and ignored.
int rk_cpu_level(void);
/// The level that REASONIR_CPU asks for: a level, -1 when it is unset, empty or `native`, -2
/// when it names no level (the caller may refuse to run).
int rk_cpu_requested_level(void);
/// "scalar", "avx2", "avx512" or "avx512bf16"; "unknown" for anything else.
const char *rk_cpu_level_name(int level);

#ifdef __cplusplus
}
#endif

#endif
