#!/usr/bin/env python3
"""Writes Parquet files with pyarrow, and pyarrow's read-back of each as JSON beside it, for the
Swift Parquet reader's parity tests (Tests/ParquetTests/ParquetParityTests.swift).

    python3 -m venv /work/venv-parquet && /work/venv-parquet/bin/pip install pyarrow
    /work/venv-parquet/bin/python scripts/parity/parquet_fixtures.py \
        --examples ../shared/data/bright/examples --out Tests/ParquetTests/Fixtures

Tables, with the schema of the Hugging Face files of xlangai/BRIGHT:
  * examples: query, reasoning, id (string), excluded_ids, gold_ids_long, gold_ids (list<string>),
    gold_answer (string): real BRIGHT examples (a few per task, the shortest, to keep the committed
    files small) plus rows with nulls and empty lists, which the hub's files may not have but a
    reader must handle;
  * documents: id, content (string): a synthetic, seeded document set (unicode, empty and null
    contents, repeated contents so that dictionaries matter).

Every file is written in each combination of compression (none, snappy, gzip, zstd), data page
version (1.0, 2.0) and dictionary encoding (on, off), in row groups of 7 rows or one for the whole
table (alternating, so each setting meets both sizes), with
small data pages so that a column chunk spans several pages. `examples.json` and `documents.json`
hold pyarrow's read-back (`to_pylist()`, the same for every variant, which the script checks), and
`manifest.json` names each file's table and its row-group count.

`bad/` holds files this reader must refuse with a clear error: a DELTA_BYTE_ARRAY column and a
BROTLI-compressed one (pyarrow reads both; we do not support them).

`--bench FILE --bench-mb N` instead writes one large synthetic documents file (snappy, pyarrow's
defaults otherwise) and prints pyarrow's single-threaded read speed in rows per second.
"""
import argparse
import glob
import json
import os
import random
import time

import pyarrow as pa
import pyarrow.parquet as pq

EXAMPLES_SCHEMA = pa.schema([
    ("query", pa.string()),
    ("reasoning", pa.string()),
    ("id", pa.string()),
    ("excluded_ids", pa.list_(pa.string())),
    ("gold_ids_long", pa.list_(pa.string())),
    ("gold_ids", pa.list_(pa.string())),
    ("gold_answer", pa.string()),
])
DOCUMENTS_SCHEMA = pa.schema([("id", pa.string()), ("content", pa.string())])

WORDS = ("insect light heat radiation lamp moth photon wavelength retina ultraviolet "
         "enzyme protein cell membrane theorem lemma proof integer prime graph vertex "
         "économie Größe naïve café 東京 résumé π≈3.14159 emoji😀 tab\tnew\nline").split(" ")


def examples_rows(directory, per_task, max_list=40):
    rows = []
    for path in sorted(glob.glob(os.path.join(directory, "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            task_rows = [json.loads(line) for line in f if line.strip()]
        task_rows.sort(key=lambda r: len(r.get("query", "")) + len(r.get("reasoning", "") or ""))
        for r in task_rows[:per_task]:
            row = {name: r.get(name) for name in EXAMPLES_SCHEMA.names}
            # aops and theoremqa exclude thousands of ids per query: keep enough that a list spans
            # several pages, not megabytes of committed fixtures.
            if row["excluded_ids"] and len(row["excluded_ids"]) > max_list:
                row["excluded_ids"] = row["excluded_ids"][:max_list]
            rows.append(row)
    # Shapes a reader must handle: a null list, an empty list, a null element, a null string.
    rows.append({"query": "null lists", "reasoning": None, "id": "edge-1", "excluded_ids": None,
                 "gold_ids_long": [], "gold_ids": ["a", None, ""], "gold_answer": None})
    rows.append({"query": "", "reasoning": "", "id": "edge-2", "excluded_ids": ["N/A"],
                 "gold_ids_long": None, "gold_ids": [], "gold_answer": "é"})
    return rows


def documents_rows(count, seed, words_per_doc=(0, 40)):
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        n = rng.randint(*words_per_doc)
        content = " ".join(rng.choice(WORDS) for _ in range(n))
        if i % 17 == 5:
            content = None
        elif i % 7 == 3:
            content = "repeated content"  # dictionary hits
        rows.append({"id": f"doc_{i:05d} with space" if i % 11 == 0 else f"doc_{i:05d}", "content": content})
    return rows


def write(table, path, **options):
    """Writes `table`; returns pyarrow's read-back (rows as Python objects) and the row-group count."""
    pq.write_table(table, path, **options)
    return pq.read_table(path).to_pylist(), pq.ParquetFile(path).metadata.num_row_groups


def fixtures(args):
    os.makedirs(args.out, exist_ok=True)
    tables = {
        "examples": pa.Table.from_pylist(examples_rows(args.examples, args.per_task), schema=EXAMPLES_SCHEMA),
        "documents": pa.Table.from_pylist(documents_rows(args.documents, seed=17), schema=DOCUMENTS_SCHEMA),
    }
    manifest = {}
    for name, table in tables.items():
        readback = None
        for compression in ("none", "snappy", "gzip", "zstd"):
            for version in ("1.0", "2.0"):
                for dictionary in (True, False):
                    # Row-group size alternates so that each compression, page version and
                    # dictionary setting meets both sizes, in half the files of a full product.
                    for groups in (("rg7",) if (version == "1.0") == dictionary else ("rgall",)):
                        row_group_size = 7 if groups == "rg7" else table.num_rows
                        stem = f"{name}-{compression}-v{version[0]}-{'dict' if dictionary else 'plain'}-{groups}"
                        rows, groups_written = write(
                            table, os.path.join(args.out, stem + ".parquet"), compression=compression,
                            data_page_version=version, use_dictionary=dictionary,
                            row_group_size=row_group_size, data_page_size=2048)
                        # pyarrow reads every variant back the same: one JSON per table suffices.
                        assert readback is None or rows == readback, stem
                        readback = rows
                        manifest[stem + ".parquet"] = {"table": name, "num_row_groups": groups_written}
        with open(os.path.join(args.out, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(readback, f, ensure_ascii=False)
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    bad = os.path.join(args.out, "bad")
    os.makedirs(bad, exist_ok=True)
    small = tables["documents"].slice(0, 20)
    pq.write_table(small, os.path.join(bad, "delta-byte-array.parquet"), use_dictionary=False,
                   column_encoding={"content": "DELTA_BYTE_ARRAY"}, compression="none")
    pq.write_table(small, os.path.join(bad, "brotli.parquet"), compression="brotli")
    print(f"wrote {len(manifest)} files and 2 bad ones to {args.out}")


def bench(args):
    rows, size, i = [], 0, 0
    target = args.bench_mb * 1_000_000
    rng = random.Random(3)
    # A large random vocabulary, so snappy shrinks the text about as much as it does real prose.
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 11))) for _ in range(200_000)]
    while size < target:
        content = " ".join(rng.choices(vocabulary, k=rng.randint(50, 400)))
        rows.append({"id": f"doc_{i:08d}", "content": content})
        size += len(content.encode()) + 12
        i += 1
    table = pa.Table.from_pylist(rows, schema=DOCUMENTS_SCHEMA)
    pq.write_table(table, args.bench, compression="snappy")
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        back = pq.read_table(args.bench, use_threads=False)
        # Materialize the strings as Python objects too, as our reader makes Swift strings.
        ids, contents = back.column("id").to_pylist(), back.column("content").to_pylist()
        best = min(best, time.perf_counter() - start)
        assert len(ids) == len(contents) == table.num_rows
        start = time.perf_counter()
        back = pq.read_table(args.bench, use_threads=False)
        arrow_only = time.perf_counter() - start
    print(json.dumps({"file": args.bench, "bytes": os.path.getsize(args.bench), "rows": table.num_rows,
                      "pyarrow_rows_per_s_to_python": table.num_rows / best,
                      "pyarrow_rows_per_s_arrow_only": table.num_rows / arrow_only}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", default="../shared/data/bright/examples")
    parser.add_argument("--out", default="Tests/ParquetTests/Fixtures")
    parser.add_argument("--per-task", type=int, default=1)
    parser.add_argument("--documents", type=int, default=60)
    parser.add_argument("--bench")
    parser.add_argument("--bench-mb", type=int, default=200, help="text to write, in MB (uncompressed)")
    args = parser.parse_args()
    bench(args) if args.bench else fixtures(args)


if __name__ == "__main__":
    main()
