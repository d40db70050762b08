#!/usr/bin/env bash
# The main job, end to end on a fresh machine: install what is missing, fetch the model, build in
# release, index SciFact, evaluate BM25 (BRIGHT's and Lucene's) and dense retrieval (all-MiniLM-L6-v2),
# run a sample search, and ask a local GGUF chat model (SmolLM2-135M-Instruct) a question.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${REASONIR_SHARED:-../shared}
scifact=$shared/data/scifact
[ -f "$scifact/corpus.jsonl" ] || { echo "SciFact not found at $scifact (set REASONIR_SHARED)" >&2; exit 1; }

scripts/install-deps.sh
scripts/fetch-models.sh
swift build -c release --product reasonir
reasonir=.build/release/reasonir

echo "== BM25 (BRIGHT's scoring) on SciFact test"
$reasonir eval "$scifact" --retriever bm25 --bm25-variant bright --split test
echo "== BM25 (Lucene/Anserini scoring) on SciFact test"
$reasonir eval "$scifact" --retriever bm25 --bm25-variant lucene --split test --json

echo "== dense retrieval (all-MiniLM-L6-v2) on SciFact test; embeddings are cached for the next run"
$reasonir eval "$scifact" --retriever dense --model all-MiniLM-L6-v2 --split test

echo "== hybrid: BM25 + all-MiniLM-L6-v2, reciprocal rank fusion (reuses both cached indexes)"
$reasonir eval "$scifact" --retriever hybrid --model all-MiniLM-L6-v2 --split test

echo "== index and search"
out=${REASONIR_WORK:-work}/scifact.idx
$reasonir index "$scifact/corpus.jsonl" --out "$out" --bm25
$reasonir search "$out" "Vitamin D deficiency increases the risk of multiple sclerosis" -k 5

echo "== a local GGUF chat model (SmolLM2-135M-Instruct, our Llama engine), greedy"
$reasonir chat --model models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf --temperature 0 --max-tokens 48 "What is 2+2?"
