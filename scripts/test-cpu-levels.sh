#!/usr/bin/env bash
# Runs the tests of every kernel with an instruction-set-specific path (distance, top-k, Float16,
# bfloat16, quantized products, the encoders' elementwise kernels, exact and HNSW search, the
# models built on them) once more at each CPU level below this machine's own, so that an AVX-512
# machine checks the AVX2 and scalar paths too. REASONIR_CPU lowers our kernels' level for the
# whole process; OPENBLAS_CORETYPE gives OpenBLAS the kernels an AVX2 machine's OpenBLAS would
# pick (the shape-dependent sums of issue 20 came from those). Expects a debug build with tests.
# Usage: scripts/test-cpu-levels.sh [LEVEL ...]   (default: every supported level but the native one)
set -euo pipefail
cd "$(dirname "$0")/.."

DISPATCH_TESTS='TensorTests\.|ModelFilesTests\.GGUFQuantizedMatrixTests|RetrievalTests\.(FlatDense|HNSW|HalfPrecision|Hybrid)|ModelsTests\.|ReasonIRTests\.DenseEmbeddingParityTests'

flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
has() { for f in "$@"; do [[ " $flags " == *" $f "* ]] || return 1; done; }
supported=(scalar)
if has avx2 fma f16c; then
    supported+=(avx2)
    if has avx512f avx512bw avx512vl avx512dq; then
        supported+=(avx512)
        has avx512_bf16 && supported+=(avx512bf16)
    fi
fi
native=${supported[-1]}
if (($# > 0)); then levels=("$@"); else levels=("${supported[@]:0:${#supported[@]}-1}"); fi
echo "CPU levels: native $native; forced runs: ${levels[*]:-none}" >&2

for level in "${levels[@]}"; do
    case $level in
        scalar|avx2) coretype=Haswell ;;
        avx512) coretype=SkylakeX ;;
        *) coretype= ;;
    esac
    echo "== REASONIR_CPU=$level OPENBLAS_CORETYPE=${coretype:-native}" >&2
    start=$SECONDS
    REASONIR_CPU=$level OPENBLAS_CORETYPE=$coretype swift test --skip-build --filter "$DISPATCH_TESTS"
    echo "== REASONIR_CPU=$level passed in $((SECONDS - start)) s" >&2
done
