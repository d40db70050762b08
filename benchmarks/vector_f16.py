#!/usr/bin/env python3
"""Float16 against Float32 vector storage, ours only (vector-bench, Swift), on the same vectors.

For each storage type: the index's size on disk, exact search (flat) with all queries in one call
and one query per call, the HNSW build, and HNSW search over efSearch; recall@10 of everything
against Float32 exact search. One thread, medians of --runs runs, by wall clock and per CPU-second
of the process (queries / process CPU time: steadier than wall time on a shared, loaded machine).

    swift build -c release --product vector-bench
    python3 benchmarks/vector_f16.py --vectors docs.f32 --queries queries.f32 --dimension 384 \
        --name "SciFact MiniLM" --work /tmp/vector-f16

Prints a markdown section on stdout (benchmarks/results/vector_f16.md is put together from them).
"""
import argparse
import json
import os
import subprocess
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def run(bench: Path, *args: str) -> dict:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    done = subprocess.run([str(bench), *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"vector-bench {' '.join(args)} failed: {done.stderr}")
    return json.loads(done.stdout)


def recall(found: Path, truth: np.ndarray, k: int) -> float:
    ids = np.fromfile(found, dtype="<i4").reshape(truth.shape[0], k)
    hits = sum(len(set(row[row >= 0]) & set(t)) for row, t in zip(ids, truth))
    return hits / truth.size


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vectors", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--dimension", type=int, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--work", default="/tmp/vector-f16")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--build-runs", type=int, help="HNSW builds per type (default: --runs)")
    parser.add_argument("--ef", default="16,32,64,128")
    parser.add_argument("--bench", default=str(ROOT / ".build-h/release/vector-bench"))
    args = parser.parse_args()
    bench, work, k, runs = Path(args.bench), Path(args.work), 10, str(args.runs)
    work.mkdir(parents=True, exist_ok=True)
    count = os.path.getsize(args.vectors) // (4 * args.dimension)
    queries = os.path.getsize(args.queries) // (4 * args.dimension)
    rows = {}
    for kind in ("f32", "f16"):
        flat, graph = work / f"flat-{kind}", work / f"hnsw-{kind}"
        imported = run(bench, "import", "--vectors", args.vectors, "--dimension", str(args.dimension),
                       "--out", str(flat), "--vector-type", kind)
        batched = run(bench, "flat", "--index", str(flat), "--queries", args.queries, "--k", str(k), "--threads", "1",
                      "--runs", runs, "--out", str(work / f"flat-{kind}.i32"))
        single = run(bench, "flat", "--index", str(flat), "--queries", args.queries, "--k", str(k), "--threads", "1",
                     "--runs", runs, "--batch", "1")
        builds = [run(bench, "hnsw-build", "--index", str(flat), "--m", "16", "--ef-construction", "200",
                      "--threads", "1", "--out", str(graph)) for _ in range(args.build_runs or args.runs)]
        searched = run(bench, "hnsw-search", "--index", str(graph), "--queries", args.queries, "--k", str(k),
                       "--ef", args.ef, "--threads", "1", "--runs", runs, "--out", str(work / f"hnsw-{kind}"))
        rows[kind] = dict(imported=imported, batched=batched, single=single, builds=builds, searched=searched)
    truth = np.fromfile(work / "flat-f32.i32", dtype="<i4").reshape(queries, k)
    efs = args.ef.split(",")
    builds = args.build_runs or args.runs
    print(f"## {args.name}: {count:,} × {args.dimension}, {queries} queries\n")
    print(f"One thread; searches: median of {args.runs} runs; HNSW builds: median of {builds}.\n")
    print("| | f32 | f16 | f16 / f32 |\n|---|---:|---:|---:|")

    def line(label, a, b, fmt="{:,.0f}"):
        print(f"| {label} | {fmt.format(a)} | {fmt.format(b)} | {b / a:.2f}× |")

    f32, f16 = rows["f32"], rows["f16"]
    line("flat index on disk (bytes)", f32["imported"]["bytes"], f16["imported"]["bytes"])
    line("HNSW index on disk (bytes)", f32["builds"][0]["bytes"], f16["builds"][0]["bytes"])
    median = lambda xs: float(np.median(xs))
    for key, unit in (("qps", "q/s"), ("qps_cpu", "CPU q/s")):
        line(f"exact {unit}, {queries} queries per call", f32["batched"][key], f16["batched"][key])
        line(f"exact {unit}, 1 query per call", f32["single"][key], f16["single"][key])
    for key, unit in (("build_seconds", "s"), ("build_cpu_seconds", "CPU s")):
        line(f"HNSW build ({unit}, m 16, efConstruction 200)", median([b[key] for b in f32["builds"]]),
             median([b[key] for b in f16["builds"]]), "{:.2f}")
    for key, unit in (("qps", "q/s"), ("qps_cpu", "CPU q/s")):
        for ef in efs:
            line(f"HNSW {unit}, efSearch {ef}", f32["searched"]["ef"][ef][key], f16["searched"]["ef"][ef][key])
    print("\nrecall@10 against f32 exact search:\n")
    print("| | f32 | f16 |\n|---|---:|---:|")
    print(f"| exact | {recall(work / 'flat-f32.i32', truth, k):.4f} | {recall(work / 'flat-f16.i32', truth, k):.4f} |")
    for ef in efs:
        a, b = (recall(work / f"hnsw-{t}-ef{ef}.i32", truth, k) for t in ("f32", "f16"))
        print(f"| HNSW efSearch {ef} | {a:.4f} | {b:.4f} |")
    print("\nRaw timings (seconds per run):\n")
    for kind in ("f32", "f16"):
        r = rows[kind]
        print(f"- {kind}: exact batched {r['batched']['seconds']}, exact single {r['single']['seconds']}, "
              f"HNSW builds {[round(b['build_seconds'], 3) for b in r['builds']]}")
    print()


if __name__ == "__main__":
    main()
