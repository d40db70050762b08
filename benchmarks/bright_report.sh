#!/usr/bin/env bash
# A real report: BM25, MiniLM and hybrid on BRIGHT's 12 tasks (real examples, synthetic documents
# from scripts/parity/bright_hub.py, in the hub's Parquet layout) beside ReasonIR-8B's published
# runs scored with `evaluate-run`, drawn by `reasonir report` and screenshotted by headless Chromium.
#
# Usage: benchmarks/bright_report.sh OUT_DIR
#   LLM_URL an OpenAI-compatible server (scripts/llm-server.sh start): also draws OUT_DIR/rerank.html,
#           BM25 on 4 tasks' first 10 queries reranked at depths 5 and 10 (the compute curve)
#   PYTHON a Python with pyarrow (default /work/venv-parquet/bin/python)
#   REASONIR the binary (default .build/release/reasonir); REASONIR_SHARED the shared folder (../shared)
# Writes OUT_DIR/{bm25,minilm,hybrid}.json, OUT_DIR/reasonir-8b/<task>.json, OUT_DIR/report.html
# and OUT_DIR/report.png.
set -euo pipefail
out=${1:?usage: $0 OUT_DIR}
python=${PYTHON:-/work/venv-parquet/bin/python}
bin=${REASONIR:-.build/release/reasonir}
shared=${REASONIR_SHARED:-../shared}
mkdir -p "$out"
export REASONIR_CACHE="$out/cache"
[ -d "$out/hub" ] || "$python" scripts/parity/bright_hub.py --examples "$shared/data/bright/examples" --hub "$out/hub" --jsonl "$out/jsonl" >/dev/null
"$bin" bright "$out/hub" --retriever bm25 --label "BM25 (synthetic documents)" --results "$out/bm25.json" --quiet
"$bin" bright "$out/hub" --retriever dense --model all-MiniLM-L6-v2 --label "all-MiniLM-L6-v2 (synthetic documents)" \
    --results "$out/minilm.json" --quiet
"$bin" bright "$out/hub" --retriever hybrid --model all-MiniLM-L6-v2 --label "Hybrid RRF (synthetic documents)" \
    --results "$out/hybrid.json" --quiet
mkdir -p "$out/reasonir-8b"
for run in "$shared"/data/bright/runs/reasonir-8b-gpt4-reasoning-top100/*.trec; do
    task=$(basename "$run" .trec)
    "$bin" evaluate-run --run "$run" --bright-examples "$shared/data/bright/examples/$task.jsonl" --json >"$out/reasonir-8b/$task.json" 2>/dev/null
done
"$bin" report "$out/bm25.json" "$out/minilm.json" "$out/hybrid.json" \
    "ReasonIR-8B (published runs, real documents, GPT-4 reasoning queries)=$out/reasonir-8b" \
    --title "BRIGHT: BM25, MiniLM and hybrid (synthetic documents) beside ReasonIR-8B's published runs" --out "$out/report.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1500 \
    --user-data-dir="$out/chromium-profile" --screenshot="$out/report.png" "file://$(realpath "$out/report.html")" 2>/dev/null
echo "wrote $out/report.html and $out/report.png"
if [ -n "${LLM_URL:-}" ]; then
    sample=(--tasks biology,earth_science,leetcode,theoremqa_theorems --limit 10 --depth 100 --quiet)
    "$bin" bright "$out/hub" "${sample[@]}" --label "BM25" --results "$out/rerank0.json"
    for depth in 5 10; do
        "$bin" bright "$out/hub" "${sample[@]}" --rerank --rerank-depth "$depth" --rerank-max-chars 1000 --llm-url "$LLM_URL" \
            --llm-seed 1 --label "BM25 + SmolLM2 rerank@$depth" --results "$out/rerank$depth.json"
    done
    "$bin" report "$out"/rerank0.json "$out"/rerank5.json "$out"/rerank10.json --out "$out/rerank.html" \
        --title "BRIGHT sample (4 tasks, 10 queries each, synthetic documents): BM25 reranked by SmolLM2-135M"
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1500 \
        --user-data-dir="$out/chromium-profile" --screenshot="$out/rerank.png" "file://$(realpath "$out/rerank.html")" 2>/dev/null
    echo "wrote $out/rerank.html and $out/rerank.png"
fi
