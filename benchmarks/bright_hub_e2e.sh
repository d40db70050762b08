#!/usr/bin/env bash
# BRIGHT's 12 tasks end to end in the hub's Parquet layout: real examples, synthetic documents
# (scripts/parity/bright_hub.py). `reasonir bright --retriever bm25 --json` on the Parquet copy
# must give, per task, the nDCG@10 that `reasonir eval --task T --json` gives on the JSONL copy.
#
# Usage: benchmarks/bright_hub_e2e.sh OUT_DIR
#   PYTHON a Python with pyarrow (default /work/venv-parquet/bin/python)
#   REASONIR the binary (default .build/release/reasonir); REASONIR_SHARED the shared folder (../shared)
set -euo pipefail
out=${1:?usage: $0 OUT_DIR}
python=${PYTHON:-/work/venv-parquet/bin/python}
bin=${REASONIR:-.build/release/reasonir}
shared=${REASONIR_SHARED:-../shared}
mkdir -p "$out"
export REASONIR_CACHE="$out/cache"
rm -rf "$out/hub" "$out/jsonl" "$REASONIR_CACHE"
"$python" scripts/parity/bright_hub.py --examples "$shared/data/bright/examples" --hub "$out/hub" --jsonl "$out/jsonl" >/dev/null
/usr/bin/time -f "%e s wall" -o "$out/bright.time" "$bin" bright "$out/hub" --retriever bm25 --json --run-dir "$out/runs" \
    >"$out/bright.json" 2>"$out/bright.err"
for task in biology earth_science economics psychology robotics stackoverflow sustainable_living leetcode pony aops \
            theoremqa_questions theoremqa_theorems; do
    "$bin" eval "$out/jsonl" --task "$task" --json --quiet >"$out/eval-$task.json"
done
"$python" - "$out" <<'PY'
import json, sys
out = sys.argv[1]
bright = json.load(open(f"{out}/bright.json"))
rows, same = [], True
for task, metrics in bright["tasks"].items():
    ev = json.load(open(f"{out}/eval-{task}.json"))
    equal = metrics == ev
    same &= equal
    rows.append(f"| {task} | {metrics['num_q']} | {metrics['ndcg_cut_10']:.5f} | {ev['ndcg_cut_10']:.5f} | {'yes' if equal else 'NO'} |")
print("| task | queries | bright (Parquet) nDCG@10 | eval (JSONL) nDCG@10 | every metric equal |")
print("|---|---|---|---|---|")
print("\n".join(rows))
print(f"| average | | {bright['average']['ndcg_cut_10']:.5f} | | |")
print("\nall equal" if same else "\nDIFFERENT")
sys.exit(0 if same else 1)
PY
