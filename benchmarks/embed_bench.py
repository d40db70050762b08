#!/usr/bin/env python3
"""Embedding throughput: reasonir beside sentence-transformers, same texts, same max length, same threads.

Runs in one go, each measurement in its own subprocess (so peak memory is per engine):
  * the machine's sgemm peak (numpy's OpenBLAS, 2048^3, best of 5) at each thread count;
  * sentence-transformers (torch CPU) encoding the texts, batch 32, torch.set_num_threads(N);
  * `reasonir embed --input ... --threads N --stats`;
then prints texts/s, the ratio, peak RSS, GFLOP/s of useful work and the fraction of the sgemm peak,
and checks that both produce the same vectors (min cosine).

Usage: python3 benchmarks/embed_bench.py [--docs 2000] [--threads 1,2] [--repeat 3]
  needs: a Python with sentence-transformers and torch (e.g. /work/venv-ref/bin/python, see README),
  a release build (swift build -c release), and models/all-MiniLM-L6-v2 (scripts/fetch-models.sh).
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def measured(cmd, env_extra):
    """Runs cmd; returns its stdout, stderr and peak resident memory in MiB (of that child alone)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, **env_extra))
    # wait4 reaps the child and gives its own rusage; read the pipes first so it cannot block.
    out_data = proc.stdout.read()
    err_data = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{err_data.decode()}")
    return out_data.decode(), err_data.decode(), usage.ru_maxrss / 1024


def thread_env(n):
    return {k: str(n) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


SGEMM = r"""
import numpy as np, time, json
n = 2048
a = np.random.rand(n, n).astype(np.float32); b = np.random.rand(n, n).astype(np.float32)
a @ b
best = min((lambda t0: (a @ b, time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(5))
print(json.dumps({"gflops": 2 * n ** 3 / best / 1e9}))
"""

ST = r"""
import json, sys, time, torch
torch.set_num_threads(int(sys.argv[3]))
from sentence_transformers import SentenceTransformer
texts = [l.rstrip("\n") for l in open(sys.argv[2], encoding="utf-8")]
model = SentenceTransformer(sys.argv[1], device="cpu")
model.encode(texts[:32], batch_size=32)  # warm-up
t0 = time.perf_counter()
emb = model.encode(texts, batch_size=32, convert_to_numpy=True)
seconds = time.perf_counter() - t0
emb.astype("float32").tofile(sys.argv[4])
print(json.dumps({"seconds": seconds, "max_seq_length": model.max_seq_length}))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", default=os.path.join(os.environ.get("REASONIR_MODELS", os.path.join(ROOT, "models")), "all-MiniLM-L6-v2"))
    parser.add_argument("--shared", default=os.environ.get("REASONIR_SHARED", os.path.join(ROOT, "..", "shared")))
    parser.add_argument("--reasonir", default=os.path.join(ROOT, ".build", "release", "reasonir"))
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args()
    import numpy as np

    work = tempfile.mkdtemp(prefix="embed-bench-")
    texts_path = os.path.join(work, "texts.txt")
    with open(os.path.join(args.shared, "data", "scifact", "corpus.jsonl"), encoding="utf-8") as f, \
            open(texts_path, "w", encoding="utf-8") as out:
        for i, line in enumerate(f):
            if i == args.docs:
                break
            d = json.loads(line)
            text = (d["title"] + " " + d["text"]) if d.get("title") else d["text"]
            out.write(text.replace("\n", " ").replace("\r", " ") + "\n")

    rows = []
    for threads in [int(t) for t in args.threads.split(",")]:
        env = thread_env(threads)
        peak = max(json.loads(measured([sys.executable, "-c", SGEMM], env)[0])["gflops"] for _ in range(2))
        st_runs, ours_runs = [], []
        for _ in range(args.repeat):
            out, _, st_mem = measured([sys.executable, "-c", ST, args.model, texts_path, str(threads),
                                       os.path.join(work, "st.f32")], env)
            st_runs.append((json.loads(out)["seconds"], st_mem))
            _, err, our_mem = measured([args.reasonir, "embed", "--model", args.model, "--input", texts_path,
                                        "--output", os.path.join(work, "ours.f32"), "--threads", str(threads),
                                        "--stats"], env)
            stats = json.loads([l for l in err.splitlines() if l.startswith("{")][-1])
            ours_runs.append((stats["seconds"], our_mem))
        lengths = stats["lengths"]
        # Useful work of MiniLM-L6 (6 layers, hidden 384, FFN 1536): the dense layers and attention, no padding.
        layers, hidden, ffn = 6, 384, 1536
        flops = sum(layers * (2 * n * (4 * hidden * hidden + 2 * hidden * ffn) + 4 * n * n * hidden) for n in lengths)
        st_s = statistics.median(r[0] for r in st_runs)
        our_s = statistics.median(r[0] for r in ours_runs)
        st = np.fromfile(os.path.join(work, "st.f32"), dtype=np.float32).reshape(len(lengths), -1)
        ours = np.fromfile(os.path.join(work, "ours.f32"), dtype=np.float32).reshape(len(lengths), -1)
        cosine = float(np.min(np.sum(st * ours, axis=1) / (np.linalg.norm(st, axis=1) * np.linalg.norm(ours, axis=1))))
        rows.append({
            "threads": threads, "texts": len(lengths), "tokens": sum(lengths),
            "st_texts_per_s": len(lengths) / st_s, "ours_texts_per_s": len(lengths) / our_s,
            "ratio": st_s / our_s,
            "st_peak_mib": max(r[1] for r in st_runs), "ours_peak_mib": max(r[1] for r in ours_runs),
            "sgemm_peak_gflops": peak, "ours_gflops": flops / our_s / 1e9, "st_gflops": flops / st_s / 1e9,
            "min_cosine": cosine,
        })
        print(json.dumps(rows[-1]), flush=True)

    lines = [
        f"Embedding throughput, all-MiniLM-L6-v2, first {args.docs} SciFact documents, max_seq_length 256, batch 32; "
        f"medians of {args.repeat} runs; the sgemm peak is numpy/OpenBLAS 2048³ float32 at the same thread count.",
        "",
        "| threads | tokens | sentence-transformers texts/s | reasonir texts/s | ratio | ST peak MiB | reasonir peak MiB | sgemm peak GFLOP/s | reasonir GFLOP/s (% of peak) | ST GFLOP/s (% of peak) | min cosine |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['threads']} | {r['tokens']} | {r['st_texts_per_s']:.1f} | {r['ours_texts_per_s']:.1f} | {r['ratio']:.2f}× | "
            f"{r['st_peak_mib']:.0f} | {r['ours_peak_mib']:.0f} | {r['sgemm_peak_gflops']:.1f} | "
            f"{r['ours_gflops']:.1f} ({100 * r['ours_gflops'] / r['sgemm_peak_gflops']:.0f}%) | "
            f"{r['st_gflops']:.1f} ({100 * r['st_gflops'] / r['sgemm_peak_gflops']:.0f}%) | {r['min_cosine']:.6f} |")
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
