#!/usr/bin/env bash
# nDCG@10 of BM25, BM25 + LLM rerank with raw prompts and with chat prompts (depth 100), on
# SciFact test and TheoremQA-theorems dev, against an OpenAI-compatible server (scripts/llm-server.sh).
# One eval at a time; each writes its output, stderr, wall time and the load before and after
# into OUT_DIR, and its LLM answers into a fresh cache there (so every call reaches the server).
#
# Usage: benchmarks/rerank_depth100.sh LLM_URL OUT_DIR [QUERIES] [FORMATS]
#   QUERIES  the first N queries of each dataset for the reranked runs (default 20)
#   FORMATS  the rerank formats to run, in order (default "raw chat")
#   REASONIR the binary (default .build/release/reasonir); REASONIR_SHARED the shared folder (../shared)
set -euo pipefail
url=${1:?usage: $0 LLM_URL OUT_DIR [QUERIES] [FORMATS]}
out=${2:?usage: $0 LLM_URL OUT_DIR [QUERIES] [FORMATS]}
queries=${3:-20}
formats=${4:-raw chat}
bin=${REASONIR:-.build/release/reasonir}
data=${REASONIR_SHARED:-../shared}/data
mkdir -p "$out"

run() { # name, eval arguments...
    local name=$1
    shift
    uptime >"$out/$name.load"
    /usr/bin/time -f "%e s wall, %U s user, %S s sys" -o "$out/$name.time" "$bin" eval "$@" >"$out/$name.txt" 2>"$out/$name.err"
    uptime >>"$out/$name.load"
    echo "$name: $(cat "$out/$name.time")" >&2
}

declare -A dataset=([scifact]="$data/scifact --split test" [theoremqa]="$data/theoremqa-theorems --split dev")
for name in scifact theoremqa; do
    # shellcheck disable=SC2086  # the split flag is meant to split
    run "$name-bm25-q$queries" ${dataset[$name]} --limit "$queries"
    run "$name-bm25-q20" ${dataset[$name]} --limit 20
done
for format in $formats; do
    for name in scifact theoremqa; do
        # shellcheck disable=SC2086
        run "$name-rerank-$format-q$queries" ${dataset[$name]} --limit "$queries" --rerank --rerank-depth 100 \
            --rerank-format "$format" --llm-url "$url" --llm-seed 42 --llm-cache-dir "$out/cache-$name-$format"
    done
done
