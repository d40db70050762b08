#!/usr/bin/env bash
# Runs the whole test suite. Installs the system libraries the build needs when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
# Tests that need real model weights skip themselves when ./models lacks them;
# fetch them so that every test runs (Qwen2.5-Coder-0.5B: the K-quant GGUF goldens).
scripts/fetch-models.sh minilm smollm2 qwen
swift build --build-tests "$@"
# The LLM tests talk to a real llama.cpp server (SmolLM2-135M-Instruct) on loopback: start our
# own, in a state folder of its own, and stop it whatever happens.
export REASONIR_LLM_STATE=${TMPDIR:-/tmp}/reasonir-test-llm-$$
trap 'scripts/llm-server.sh stop >/dev/null 2>&1 || true; rm -rf "$REASONIR_LLM_STATE"' EXIT
REASONIR_LLM_URL=$(scripts/llm-server.sh start)
export REASONIR_LLM_URL
echo "LLM server for the tests: $REASONIR_LLM_URL" >&2
swift test --skip-build "$@"
# The kernels' lower instruction-set paths (AVX2, scalar) on this machine too (issue 20).
scripts/test-cpu-levels.sh
