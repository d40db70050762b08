#!/usr/bin/env python3
"""Vector search benchmark: ours (vector-bench, Swift) against FAISS and hnswlib, side by side.

Same vectors, same queries, same thread counts, in one run:
- exact search: our FlatDenseIndex against FAISS IndexFlatIP (queries per second, ratio);
- HNSW (inner product, M=16, efConstruction=200): build time, then recall@10 against exact search and
  queries per second over efSearch, for ours, hnswlib (space "ip") and FAISS IndexHNSWFlat.

Data: clustered synthetic unit vectors with a fixed seed (Gaussian centres, normalised; each point
a centre plus Gaussian noise, normalised), exchanged with vector-bench as raw little-endian .f32 files.
Every measurement runs in a fresh process with its thread count pinned (OMP_NUM_THREADS,
OPENBLAS_NUM_THREADS, faiss.omp_set_num_threads, hnswlib num_threads, our --threads). Searches are
timed in --rounds rounds with the libraries taking turns (one call of the whole query batch per
efSearch per round), and reported as medians, by wall clock and per CPU-second of the process.

    swift build -c release --product vector-bench
    /work/venv-ref/bin/python benchmarks/vector_bench.py --sizes 100000 --work /tmp/vector-bench

Writes benchmarks/results/vector_bench.md (and raw JSON beside the data in --work).
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- data

def make_data(work: Path, n: int, dim: int, queries: int, centres: int, noise: float, seed: int):
    """Writes base.f32 and queries.f32 (cached by their parameters); returns their paths."""
    tag = f"n{n}-d{dim}-q{queries}-c{centres}-noise{noise}-seed{seed}"
    folder = work / tag
    base, query = folder / "base.f32", folder / "queries.f32"
    if base.exists() and query.exists():
        return folder, base, query
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((centres, dim)).astype(np.float32)
    c /= np.linalg.norm(c, axis=1, keepdims=True)
    sigma = np.float32(noise / np.sqrt(dim))

    def draw(count, out):
        with open(out, "wb") as f:
            for start in range(0, count, 100_000):
                m = min(100_000, count - start)
                x = c[rng.integers(0, centres, m)] + sigma * rng.standard_normal((m, dim), dtype=np.float32)
                x /= np.linalg.norm(x, axis=1, keepdims=True)
                f.write(np.ascontiguousarray(x, dtype="<f4").tobytes())

    draw(n, base)
    draw(queries, query)
    return folder, base, query


def load(path: Path, dim: int) -> np.ndarray:
    return np.fromfile(path, dtype="<f4").reshape(-1, dim)


# ---------------------------------------------------------------- workers (one process each)

def pin_env(threads: int) -> dict:
    env = dict(os.environ)
    for key in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[key] = str(threads)
    return env


def timed(body):
    """(result, wall seconds, process CPU seconds) of body()."""
    w, c = time.perf_counter(), time.process_time()
    result = body()
    return result, time.perf_counter() - w, time.process_time() - c


def worker(args):
    """One reference measurement in this (fresh) process, threads pinned; prints JSON."""
    threads, dim, k = args.threads, args.dim, args.k
    out = {"threads": threads}
    if args.kind.startswith("faiss"):
        import faiss
        faiss.omp_set_num_threads(threads)
    if args.kind == "faiss-flat":
        xb, xq = load(Path(args.base), dim), load(Path(args.queries), dim)
        index = faiss.IndexFlatIP(dim)
        index.add(xb)
        index.search(xq, k)  # warm-up with the whole batch: BLAS buffers, pages
        walls, cpus = [], []
        for _ in range(args.runs):
            (_, ids), wall, cpu = timed(lambda: index.search(xq, k))
            walls.append(wall)
            cpus.append(cpu)
        np.asarray(ids, dtype="<i4").tofile(args.out)
        out.update(seconds=walls, cpu_seconds=cpus)
    elif args.kind in ("faiss-hnsw-build", "hnswlib-build"):
        xb = load(Path(args.base), dim)
        if args.kind == "faiss-hnsw-build":
            index = faiss.IndexHNSWFlat(dim, args.m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = args.ef_construction
            _, wall, cpu = timed(lambda: index.add(xb))
            faiss.write_index(index, args.index)
        else:
            import hnswlib
            index = hnswlib.Index(space="ip", dim=dim)
            index.init_index(max_elements=len(xb), M=args.m, ef_construction=args.ef_construction, random_seed=100)
            _, wall, cpu = timed(lambda: index.add_items(xb, np.arange(len(xb)), num_threads=threads))
            index.save_index(args.index)
        out.update(build_seconds=wall, build_cpu_seconds=cpu)
    elif args.kind in ("faiss-hnsw-search", "hnswlib-search"):
        xq = load(Path(args.queries), dim)
        if args.kind == "faiss-hnsw-search":
            index = faiss.read_index(args.index)
            set_ef = lambda ef: setattr(index.hnsw, "efSearch", ef)
            run = lambda: index.search(xq, k)[1]
        else:
            import hnswlib
            index = hnswlib.Index(space="ip", dim=dim)
            index.load_index(args.index)
            index.set_num_threads(threads)
            set_ef = index.set_ef
            run = lambda: index.knn_query(xq, k=k, num_threads=threads)[0]
        efs = [int(e) for e in args.ef.split(",")]
        set_ef(max(efs))
        run()  # warm-up: pages in, caches
        out["ef"] = {}
        for ef in efs:
            set_ef(ef)
            walls, cpus = [], []
            for _ in range(args.runs):
                ids, wall, cpu = timed(run)
                walls.append(wall)
                cpus.append(cpu)
            np.asarray(ids, dtype="<i4").tofile(f"{args.out}-ef{ef}.i32")
            out["ef"][str(ef)] = {"seconds": walls, "cpu_seconds": cpus}
    print(json.dumps(out))


# ---------------------------------------------------------------- driver

def run_json(command, threads, label):
    print(f"  {label} ...", file=sys.stderr, flush=True)
    t = time.perf_counter()
    done = subprocess.run(command, env=pin_env(threads), capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{label} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {label}: {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
    return result


def recall(found_path: Path, truth: np.ndarray, k: int) -> float:
    found = np.fromfile(found_path, dtype="<i4").reshape(len(truth), -1)[:, :k]
    hits = sum(len(set(f.tolist()) & set(t.tolist())) for f, t in zip(found, truth[:, :k]))
    return hits / truth[:, :k].size


def summarise(walls, cpus, queries):
    return {"seconds": walls, "cpu_seconds": cpus, "qps": queries / statistics.median(walls),
            "qps_cpu": queries / statistics.median(cpus)}


def given_data(work: Path, name: str, base: Path, queries: Path, dim: int):
    """Links real vectors (--vectors, --query-vectors) into the work folder; returns (folder, base, queries, n, q)."""
    folder = work / name
    folder.mkdir(parents=True, exist_ok=True)
    for source, target in ((base, folder / "base.f32"), (queries, folder / "queries.f32")):
        if not target.exists():
            target.symlink_to(source.resolve())
    sizes = [p.stat().st_size for p in (base, queries)]
    if any(size % (4 * dim) for size in sizes):
        sys.exit(f"--vectors/--query-vectors: sizes {sizes} are not multiples of {4 * dim} bytes (dimension {dim})")
    return folder, folder / "base.f32", folder / "queries.f32", sizes[0] // (4 * dim), sizes[1] // (4 * dim)


def bench_size(args, n, bench, report):
    if args.vectors:
        folder, base, queries, n, args.queries = given_data(Path(args.work), args.data_name, Path(args.vectors),
                                                            Path(args.query_vectors), args.dim)
    else:
        folder, base, queries = make_data(Path(args.work), n, args.dim, args.queries, args.centres, args.noise, args.seed)
    print(f"[{n} x {args.dim}] data in {folder}", file=sys.stderr)
    me = [sys.executable, str(Path(__file__).resolve()), "_worker"]
    common = ["--base", str(base), "--queries", str(queries), "--dim", str(args.dim), "--k", str(args.k)]
    threads = [int(t) for t in args.threads.split(",")]
    build_threads = [int(t) for t in (args.build_threads or args.threads).split(",")]
    names = ["ours", "hnswlib"] + ([] if args.skip_faiss_hnsw else ["faiss"])
    size = {"n": n, "flat": {}, "hnsw": {}, "load_average": [os.getloadavg()[0]], "rounds": args.rounds,
            "build_runs": args.build_runs, "command": report["command"], "date": time.strftime("%Y-%m-%d %H:%M")}
    report["sizes"].append(size)

    flat_dir = folder / "ours-flat"
    if not (flat_dir / "manifest.json").exists():
        run_json([bench, "import", "--vectors", str(base), "--dimension", str(args.dim), "--out", str(flat_dir)], 1,
                 "ours: import into a flat index")

    # Exact search, rounds alternating between FAISS and ours; FAISS's result is the ground truth.
    flat_runs = {t: {"faiss": ([], []), "ours": ([], [])} for t in threads}
    for r in range(args.rounds):
        for t in threads:
            f = run_json(me + ["faiss-flat", "--threads", str(t), "--runs", "1",
                               "--out", str(folder / f"faiss-flat-t{t}.i32")] + common, t,
                         f"round {r + 1}: FAISS flat, {t} thread(s)")
            o = run_json([bench, "flat", "--index", str(flat_dir), "--queries", str(queries), "--k", str(args.k),
                          "--threads", str(t), "--runs", "1", "--out", str(folder / f"ours-flat-t{t}.i32")], t,
                         f"round {r + 1}: ours flat, {t} thread(s)")
            for name, result in (("faiss", f), ("ours", o)):
                flat_runs[t][name][0].extend(result["seconds"])
                flat_runs[t][name][1].extend(result["cpu_seconds"])
    for t in threads:
        size["flat"][t] = {name: summarise(w, c, args.queries) for name, (w, c) in flat_runs[t].items()}
    truth = np.fromfile(folder / f"faiss-flat-t{threads[0]}.i32", dtype="<i4").reshape(args.queries, args.k)
    size["flat_agreement"] = recall(folder / f"ours-flat-t{threads[0]}.i32", truth, args.k)

    # HNSW builds: each library with each build thread count.
    builds = {t: {} for t in build_threads}
    paths = {}
    for t in build_threads:
        for name in names:
            path = folder / f"{name}-hnsw-t{t}.index"
            paths[(name, t)] = path
            samples = []
            for b in range(args.build_runs):
                label = f"{name} HNSW build, {t} thread(s), run {b + 1}"
                if name == "ours":
                    result = run_json([bench, "hnsw-build", "--index", str(flat_dir), "--m", str(args.m),
                                       "--ef-construction", str(args.ef_construction), "--threads", str(t),
                                       "--out", str(path)], t, label)
                else:
                    kind = "hnswlib-build" if name == "hnswlib" else "faiss-hnsw-build"
                    result = run_json(me + [kind, "--threads", str(t), "--m", str(args.m), "--ef-construction",
                                            str(args.ef_construction), "--index", str(path)] + common, t, label)
                samples.append(result)
            builds[t][name] = {"build_seconds": statistics.median(s["build_seconds"] for s in samples),
                               "build_cpu_seconds": statistics.median(s["build_cpu_seconds"] for s in samples),
                               "runs": samples}

    # HNSW searches: rounds, each library in turn, one timed run per efSearch per round.
    efs = args.ef.split(",")
    runs = {t: {name: {ef: ([], []) for ef in efs} for name in names} for t in threads}
    for r in range(args.rounds):
        for t in threads:
            order = names[r % len(names):] + names[:r % len(names)]
            for name in order:
                out = str(folder / f"{name}-hnsw-t{t}")
                graph = paths[(name, t if t in build_threads else max(build_threads))]
                label = f"round {r + 1}: {name} HNSW search, {t} thread(s)"
                if name == "ours":
                    result = run_json([bench, "hnsw-search", "--index", str(graph), "--queries", str(queries),
                                       "--k", str(args.k), "--ef", args.ef, "--threads", str(t), "--runs", "1",
                                       "--out", out], t, label)
                else:
                    kind = "hnswlib-search" if name == "hnswlib" else "faiss-hnsw-search"
                    result = run_json(me + [kind, "--threads", str(t), "--ef", args.ef, "--runs", "1",
                                            "--index", str(graph), "--out", out] + common, t, label)
                for ef in efs:
                    runs[t][name][ef][0].extend(result["ef"][ef]["seconds"])
                    runs[t][name][ef][1].extend(result["ef"][ef]["cpu_seconds"])
    size["builds"] = builds
    for t in threads:
        size["hnsw"][t] = {}
        for name in names:
            entry = {"graph_built_with_threads": t if t in build_threads else max(build_threads), "ef": {}}
            for ef in efs:
                entry["ef"][ef] = summarise(*runs[t][name][ef], args.queries)
                entry["ef"][ef]["recall"] = recall(folder / f"{name}-hnsw-t{t}-ef{ef}.i32", truth, args.k)
            size["hnsw"][t][name] = entry
    size["load_average"].append(os.getloadavg()[0])
    (folder / "results.json").write_text(json.dumps(size, indent=1))


def at_recall(result, target, key):
    """The fastest setting reaching `target` recall by `key` q/s: (ef, recall, qps), or None."""
    best = None
    for ef, r in result["ef"].items():
        if r["recall"] >= target and (best is None or r[key] > best[2]):
            best = (int(ef), r["recall"], r[key])
    return best


def markdown(args, report):
    lines = ["# Vector search: ours against FAISS and hnswlib", ""]
    lines += [f"Machine: {report['machine']}. Versions: {report['versions']}.", ""]
    if args.vectors:
        lines += [f"Data ({args.data_name}): {args.vectors} ({args.dim} dimensions) and {args.queries} queries from "
                  f"{args.query_vectors}; top-{args.k} by inner product.", ""]
    else:
        lines += [f"Data: clustered synthetic unit vectors, dimension {args.dim}, {args.centres} Gaussian centres "
                  f"(normalised); each point a centre plus Gaussian noise of norm ≈ {args.noise}, normalised; seed {args.seed}. "
                  f"{args.queries} queries from the same clusters; top-{args.k} by inner product.", ""]
    lines += [f"HNSW: M={args.m}, efConstruction={args.ef_construction} for all; recall@{args.k} against FAISS "
              f"IndexFlatIP (exact). A search call is the whole batch of {args.queries} queries. Every measurement "
              f"runs in a fresh process with its thread count pinned; searches are measured in rounds (given per "
              f"size), the libraries taking turns, and the tables give medians over the rounds.", "",
              "The machine is shared with other engineers' builds and tests (load average given per size), so wall-clock "
              "timings are noisy. Each timing is also given per CPU-second of the process (\"CPU q/s\": queries divided "
              "by the process's CPU time), which time-sharing with other jobs disturbs much less; with 2 threads it "
              "measures work per core rather than latency.", ""]
    for size in report["sizes"]:
        n = size["n"]
        la = size["load_average"]
        names = list(next(iter(size["hnsw"].values())))
        lines += [f"## {n:,} × {args.dim}", "",
                  f"`{size['command']}`, {size['date']}: {size['rounds']} search rounds, builds median of "
                  f"{size['build_runs']} run(s). Load average (1 min) at start and end: {la[0]:.1f}, {la[-1]:.1f} on 2 cores.", "",
                  "### Exact search", "",
                  f"Our top-{args.k} equals FAISS's for {size['flat_agreement']:.4f} of the results (ties and float rounding).", "",
                  "| threads | FAISS IndexFlatIP q/s | ours FlatDenseIndex q/s | ours / FAISS | FAISS CPU q/s | ours CPU q/s | ours / FAISS (CPU) |",
                  "|---:|---:|---:|---:|---:|---:|---:|"]
        for t, r in size["flat"].items():
            f, o = r["faiss"], r["ours"]
            lines.append(f"| {t} | {f['qps']:,.0f} | {o['qps']:,.0f} | {o['qps'] / f['qps']:.2f}× | "
                         f"{f['qps_cpu']:,.0f} | {o['qps_cpu']:,.0f} | {o['qps_cpu'] / f['qps_cpu']:.2f}× |")
        lines += ["", "### HNSW build (seconds: wall / process CPU)", "",
                  "| threads | " + " | ".join(names) + " |", "|---:|" + "---:|" * len(names)]
        for t, entry in size["builds"].items():
            lines.append(f"| {t} | " + " | ".join(f"{entry[name]['build_seconds']:.1f} / {entry[name]['build_cpu_seconds']:.1f}"
                                                   for name in names) + " |")
        for t, entry in size["hnsw"].items():
            built = entry[names[0]]["graph_built_with_threads"]
            lines += ["", f"### HNSW search, {t} thread(s) (graphs built with {built}): recall@{args.k}, q/s (wall), CPU q/s", "",
                      "| efSearch | " + " | ".join(f"{name} recall | {name} q/s | {name} CPU q/s" for name in names) + " |",
                      "|---:|" + "---:|---:|---:|" * len(names)]
            for ef in args.ef.split(","):
                cells = []
                for name in names:
                    r = entry[name]["ef"][ef]
                    cells.append(f"{r['recall']:.4f} | {r['qps']:,.0f} | {r['qps_cpu']:,.0f}")
                lines.append(f"| {ef} | " + " | ".join(cells) + " |")
            lines += ["", f"Fastest setting with recall@{args.k} ≥ 0.95 (wall q/s; CPU q/s):", ""]
            for name in names:
                best, best_cpu = at_recall(entry[name], 0.95, "qps"), at_recall(entry[name], 0.95, "qps_cpu")
                lines.append(f"- {name}: " + (f"efSearch {best[0]}, recall {best[1]:.4f}, {best[2]:,.0f} q/s; "
                                              f"efSearch {best_cpu[0]}, {best_cpu[2]:,.0f} CPU q/s" if best else "not reached"))
        lines.append("")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        p = argparse.ArgumentParser()
        p.add_argument("kind")
        for name in ("--base", "--queries", "--out", "--ef", "--index"):
            p.add_argument(name)
        for name, default in (("--dim", 384), ("--k", 10), ("--runs", 5), ("--threads", 1), ("--m", 16),
                              ("--ef-construction", 200)):
            p.add_argument(name, type=int, default=default)
        worker(p.parse_args(sys.argv[2:]))
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="100000")
    p.add_argument("--dim", type=int, default=384)
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--centres", type=int, default=1000)
    p.add_argument("--noise", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--m", type=int, default=16)
    p.add_argument("--ef-construction", type=int, default=200)
    p.add_argument("--ef", default="16,32,64,128,256")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--build-threads", default=None,
                   help="thread counts for HNSW builds (default: --threads); searches use the graph built with "
                        "their own thread count, or else with the largest")
    p.add_argument("--rounds", type=int, default=5, help="search measurements: rounds, libraries in turn")
    p.add_argument("--build-runs", type=int, default=1)
    p.add_argument("--skip-faiss-hnsw", action="store_true")
    p.add_argument("--work", default="/tmp/vector-bench")
    p.add_argument("--bench", default=str(ROOT / ".build-hnsw/release/vector-bench"))
    p.add_argument("--out", default=str(ROOT / "benchmarks/results/vector_bench.md"))
    p.add_argument("--vectors", help="real base vectors (raw little-endian Float32, --dim wide) instead of synthetic ones")
    p.add_argument("--query-vectors", help="with --vectors: the query vectors")
    p.add_argument("--data-name", default="given", help="with --vectors: a name for the data (work folder, report)")
    p.add_argument("--append", action="store_true",
                   help="keep the sizes already in the report (its .json beside --out) and add these")
    args = p.parse_args()
    if bool(args.vectors) != bool(args.query_vectors):
        p.error("--vectors and --query-vectors go together")
    if args.vectors:
        args.sizes = "0"  # one size: the given vectors
    import faiss
    import hnswlib
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    report = {"sizes": [], "command": " ".join(["benchmarks/vector_bench.py"] + sys.argv[1:]),
              "machine": f"{cpu}, {os.cpu_count()} cores (shared), Linux {platform.release()}",
              "date": time.strftime("%Y-%m-%d"),
              "versions": f"faiss-cpu {faiss.__version__}, hnswlib {getattr(hnswlib, '__version__', '0.8.0')}, "
                          f"numpy {np.__version__}, Python {platform.python_version()}"}
    saved = Path(args.out).with_suffix(".json")
    if args.append and saved.exists():
        report["sizes"] = [s for s in json.loads(saved.read_text())["sizes"]
                           if s["n"] not in [int(x) for x in args.sizes.split(",")]]
    for n in [int(s) for s in args.sizes.split(",")]:
        bench_size(args, n, args.bench, report)
        report["sizes"].sort(key=lambda s: s["n"])
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(report, indent=1))
        # Thread counts become strings in JSON: reload so that every size looks the same.
        Path(args.out).write_text(markdown(args, json.loads(saved.read_text())))
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
