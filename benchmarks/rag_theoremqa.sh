#!/usr/bin/env bash
# Closed / open (BM25) / oracle on TheoremQA dev with a local GGUF reader, journaled (rerun to resume).
# Usage: benchmarks/rag_theoremqa.sh [N questions] [k] [reader.gguf]   (release build: swift build -c release --product reasonir)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10}; K=${2:-3}
MODEL=${3:-models/Qwen2.5-Coder-0.5B-Instruct/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf}
OUT=${OUT:-rag-runs/theoremqa-dev-$(basename "$MODEL" .gguf)}
/usr/bin/time -v .build/release/reasonir rag ../shared/data/theoremqa-theorems --split dev --limit "$N" \
    --condition closed --condition open --condition oracle --k "$K" --retriever bm25 \
    --model "$MODEL" --max-tokens 256 --out "$OUT" --json
