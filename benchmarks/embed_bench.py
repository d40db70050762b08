#!/usr/bin/env python3
"""Embedding throughput: reasonir beside sentence-transformers, same texts, same max length, same threads.

Runs in one go, each measurement in its own subprocess (so peak memory is per engine):
  * the machine's sgemm peak (numpy's OpenBLAS, 2048^3, best of 5) at each thread count;
  * sentence-transformers (torch CPU) encoding the texts, batch 32, torch.set_num_threads(N), in float32
    and (with --bf16) with the model cast to bfloat16;
  * `reasonir embed --input ... --threads N --stats`, with --precision float32 and (--bf16) bfloat16;
then prints texts/s, the ratios, peak RSS, GFLOP/s of useful work and the fraction of the sgemm peak,
and each engine's min cosine against sentence-transformers' float32 vectors.

Usage: python3 benchmarks/embed_bench.py [--docs 2000] [--threads 1,2] [--repeat 3] [--bf16] [--markdown FILE]
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
if sys.argv[5] == "bfloat16":
    model = model.to(torch.bfloat16)
model.encode(texts[:32], batch_size=32)  # warm-up
t0 = time.perf_counter()
emb = model.encode(texts, batch_size=32, convert_to_numpy=True)
seconds = time.perf_counter() - t0
emb.astype("float32").tofile(sys.argv[4])  # encode returns float32 numpy either way
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
    parser.add_argument("--bf16", action="store_true", help="also measure both engines in bfloat16")
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

    engines = [("sentence-transformers", "float32"), ("reasonir", "float32")]
    if args.bf16:
        engines += [("sentence-transformers", "bfloat16"), ("reasonir", "bfloat16")]
    # Useful work of MiniLM-L6 (6 layers, hidden 384, FFN 1536): the dense layers and attention, no padding.
    layers, hidden, ffn = 6, 384, 1536
    rows = []
    for threads in [int(t) for t in args.threads.split(",")]:
        env = thread_env(threads)
        peak = max(json.loads(measured([sys.executable, "-c", SGEMM], env)[0])["gflops"] for _ in range(2))
        runs = {e: [] for e in engines}
        lengths = None
        for _ in range(args.repeat):  # engines interleaved, so a noisy minute hits all of them
            for engine, precision in engines:
                vectors = os.path.join(work, f"{engine}-{precision}.f32")
                if engine == "sentence-transformers":
                    out, _, mem = measured([sys.executable, "-c", ST, args.model, texts_path, str(threads), vectors, precision], env)
                    seconds = json.loads(out)["seconds"]
                else:
                    _, err, mem = measured([args.reasonir, "embed", "--model", args.model, "--input", texts_path,
                                            "--output", vectors, "--threads", str(threads), "--precision", precision,
                                            "--stats"], env)
                    stats = json.loads([l for l in err.splitlines() if l.startswith("{")][-1])
                    seconds, lengths = stats["seconds"], stats["lengths"]
                runs[(engine, precision)].append((seconds, mem))
        flops = sum(layers * (2 * n * (4 * hidden * hidden + 2 * hidden * ffn) + 4 * n * n * hidden) for n in lengths)
        reference = np.fromfile(os.path.join(work, "sentence-transformers-float32.f32"), dtype=np.float32).reshape(len(lengths), -1)
        base = statistics.median(r[0] for r in runs[("sentence-transformers", "float32")])
        for engine, precision in engines:
            seconds = statistics.median(r[0] for r in runs[(engine, precision)])
            v = np.fromfile(os.path.join(work, f"{engine}-{precision}.f32"), dtype=np.float32).reshape(len(lengths), -1)
            cosine = float(np.min(np.sum(reference * v, axis=1) / (np.linalg.norm(reference, axis=1) * np.linalg.norm(v, axis=1))))
            rows.append({
                "threads": threads, "engine": engine, "precision": precision, "texts": len(lengths), "tokens": sum(lengths),
                "texts_per_s": len(lengths) / seconds, "ratio_to_st_float32": base / seconds,
                "runs_s": [r[0] for r in runs[(engine, precision)]],
                "peak_mib": max(r[1] for r in runs[(engine, precision)]),
                "sgemm_peak_gflops": peak, "gflops": flops / seconds / 1e9, "min_cosine_vs_st_float32": cosine,
            })
            print(json.dumps(rows[-1]), flush=True)

    lines = [
        f"Embedding throughput, all-MiniLM-L6-v2, first {args.docs} SciFact documents ({rows[0]['tokens']} tokens), "
        f"max_seq_length 256, batch 32; medians of {args.repeat} runs, engines interleaved; the sgemm peak is "
        "numpy/OpenBLAS 2048³ float32 at the same thread count; cosine against sentence-transformers' float32 vectors.",
        "",
        "| threads | engine | precision | texts/s | × ST float32 | peak MiB | GFLOP/s (% of sgemm peak) | min cosine |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['threads']} | {r['engine']} | {r['precision']} | {r['texts_per_s']:.1f} | {r['ratio_to_st_float32']:.2f}× | "
            f"{r['peak_mib']:.0f} | {r['gflops']:.1f} ({100 * r['gflops'] / r['sgemm_peak_gflops']:.0f}% of {r['sgemm_peak_gflops']:.0f}) | "
            f"{r['min_cosine_vs_st_float32']:.6f} |")
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
