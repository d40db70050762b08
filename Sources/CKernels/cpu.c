#include "rk_cpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define RC_X86 1
#else
#define RC_X86 0
#endif

static const char *const rc_names[] = {"scalar", "avx2", "avx512", "avx512bf16"};

const char *rk_cpu_level_name(int level) {
    return level >= RK_CPU_SCALAR && level <= RK_CPU_AVX512BF16 ? rc_names[level] : "unknown";
}

int rk_cpu_native_level(void) {
    static int native = -1;  // probed once; racing probes store the same value
    int level = __atomic_load_n(&native, __ATOMIC_RELAXED);
    if (level >= 0) return level;
    level = RK_CPU_SCALAR;
#if RC_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) {
        level = RK_CPU_AVX2;
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) {
            level = RK_CPU_AVX512;
            if (__builtin_cpu_supports("avx512bf16")) level = RK_CPU_AVX512BF16;
        }
    }
#endif
    __atomic_store_n(&native, level, __ATOMIC_RELAXED);
    return level;
}

int rk_cpu_requested_level(void) {
    const char *value = getenv("REASONIR_CPU");
    if (value == NULL || value[0] == 0 || strcmp(value, "native") == 0) return -1;
    for (int level = RK_CPU_SCALAR; level <= RK_CPU_AVX512BF16; level++) {
        if (strcmp(value, rc_names[level]) == 0) return level;
    }
    return -2;
}

int rk_cpu_level(void) {
    static int chosen = -1;
    int level = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
    if (level >= 0) return level;
    level = rk_cpu_native_level();
    int requested = rk_cpu_requested_level();
    if (requested == -2) {
        static int warned = 0;
        if (!__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED)) {
            fprintf(stderr, "warning: REASONIR_CPU=%s is not one of scalar, avx2, avx512, avx512bf16, native; using %s\n",
                    getenv("REASONIR_CPU"), rk_cpu_level_name(level));
        }
    } else if (requested >= 0 && requested < level) {
        level = requested;
    }
    __atomic_store_n(&chosen, level, __ATOMIC_RELAXED);
    return level;
}
