"""Training speed of `reasonir train` beside sentence-transformers on the same batches.

For each max length and thread count: `reasonir train` for --steps steps (batch of query/positive/negative
rows from SciFact, MultipleNegativesRankingLoss, AdamW, dropout off) under /usr/bin/time, then the reference loop of
scripts/parity/train_steps.py (sentence-transformers' model and loss, torch.optim.AdamW, the same batches) in a
child process under /usr/bin/time. Steps per second exclude model loading (ours: the trainer's own clock, which
includes the final save; sentence-transformers: the loop only); peak memory is each process's maximum RSS.

    /work/venv-train/bin/python benchmarks/train_speed.py --reasonir .build/release/reasonir --steps 3 --lengths 128 256 --threads 1 2
"""
import argparse
import json
import os
import re
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(REPO, "scripts", "parity"))
from train_common import scifact_rows  # noqa: E402

CHILD = r"""
import json, sys, time, torch
sys.path.insert(0, {parity!r})
import train_steps
from types import SimpleNamespace
torch.set_num_threads({threads})
rows = [json.loads(l) for l in open({data!r})]
rows = [{{"query": r["query"], "positive": r["positive"], "negatives": r["negatives"]}} for r in rows]
batches = [json.loads(l)["rows"] for l in open({log!r})]
args = SimpleNamespace(max_length={length}, scale=20.0, weight_decay=0.01, lr=2e-5, warmup=1, negatives=1)
_, losses, _, seconds = train_steps.reference_losses({model!r}, rows, batches, args)
print(json.dumps({{"seconds": seconds, "steps": len(batches)}}))
"""


def peak_kib(stderr):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reasonir", default=os.path.join(REPO, ".build", "release", "reasonir"))
    ap.add_argument("--model", default=os.path.join(REPO, "models", "all-MiniLM-L6-v2"))
    ap.add_argument("--work", default="/tmp/reasonir-train-speed")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lengths", type=int, nargs="+", default=[128, 256])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--coretype", default="SkylakeX",
                    help="also run ours with OPENBLAS_CORETYPE set to this (OpenBLAS falls back to its SSE3 Prescott kernel on CPUs "
                         "whose model it does not know, such as this VM's 'Intel(R) Xeon(R) Processor'); empty: skip")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    data = os.path.join(args.work, "train.jsonl")
    with open(data, "w") as f:
        for r in scifact_rows(args.steps * args.batch_size + 8, negatives=1):
            f.write(json.dumps({"query": r["query"], "positive": r["positive"], "negatives": r["negatives"]}) + "\n")
    results = []
    for length in args.lengths:
        for threads in args.threads:
            out = os.path.join(args.work, f"model-{length}-{threads}")

            def ours(env):
                run = subprocess.run(["/usr/bin/time", "-v", args.reasonir, "train", "--model", args.model, "--data", data, "--out", out,
                                      "--overwrite", "--steps", str(args.steps), "--batch-size", str(args.batch_size), "--max-length",
                                      str(length), "--warmup", "1", "--threads", str(threads)], capture_output=True, text=True, check=True,
                                     env={**os.environ, **env})
                return float(re.search(r"truncated, ([0-9.]+)s; saved", run.stderr).group(1)), peak_kib(run.stderr)

            ours_seconds, ours_peak = ours({})
            tuned_seconds, tuned_peak = ours({"OPENBLAS_CORETYPE": args.coretype}) if args.coretype else (None, None)
            child = CHILD.format(parity=os.path.join(REPO, "scripts", "parity"), threads=threads, data=data,
                                 log=os.path.join(out, "train_log.jsonl"), length=length, model=args.model)
            ref = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-c", child], capture_output=True, text=True, check=True,
                                 env={**os.environ, "OMP_NUM_THREADS": str(threads)})
            st = json.loads(ref.stdout.strip().splitlines()[-1])
            st_peak = peak_kib(ref.stderr)
            row = {"max_length": length, "threads": threads, "steps": args.steps,
                   "ours_steps_per_s": args.steps / ours_seconds, "st_steps_per_s": args.steps / st["seconds"],
                   "speedup": st["seconds"] / ours_seconds,
                   "ours_coretype_steps_per_s": args.steps / tuned_seconds if tuned_seconds else None,
                   "speedup_coretype": st["seconds"] / tuned_seconds if tuned_seconds else None,
                   "ours_coretype_peak_mib": tuned_peak / 1024 if tuned_peak else None, "ours_peak_mib": ours_peak / 1024, "st_peak_mib": st_peak / 1024}
            results.append(row)
            print(json.dumps(row), flush=True)
    with open(os.path.join(args.work, "results.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
