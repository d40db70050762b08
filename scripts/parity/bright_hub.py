#!/usr/bin/env python3
"""Writes BRIGHT in the Hugging Face hub's layout (Parquet, as xlangai/BRIGHT holds it) and the same
data in our JSONL layout, for `reasonir bright`'s end-to-end check: both must give the same scores.

    /work/venv-parquet/bin/python scripts/parity/bright_hub.py \
        --examples ../shared/data/bright/examples --hub /tmp/bright-hub --jsonl /tmp/bright-jsonl

Examples are BRIGHT's real ones (`examples/<task>-00000-of-00001.parquet`, the hub's schema:
query, reasoning, id, excluded_ids, gold_ids_long, gold_ids, gold_answer). BRIGHT's documents are
not available here, so `documents/` and `long_documents/` are synthetic: each gold document
borrows words of its query, a few excluded ids get the query's own words (they would rank first
if the exclusion were not applied), and seeded distractors fill the rest. `gpt4_reason/` stands in
for a reasoning-query config: the examples with `query` replaced by query + reasoning.

--tasks and --limit cut the set down (the committed CI fixture: two tasks, a few queries each).
"""
import argparse
import json
import os
import random

import pyarrow as pa
import pyarrow.parquet as pq

EXAMPLES_SCHEMA = pa.schema([
    ("query", pa.string()), ("reasoning", pa.string()), ("id", pa.string()),
    ("excluded_ids", pa.list_(pa.string())), ("gold_ids_long", pa.list_(pa.string())),
    ("gold_ids", pa.list_(pa.string())), ("gold_answer", pa.string()),
])
DOCUMENTS_SCHEMA = pa.schema([("id", pa.string()), ("content", pa.string())])
TASKS = ["biology", "earth_science", "economics", "psychology", "robotics", "stackoverflow",
         "sustainable_living", "leetcode", "pony", "aops", "theoremqa_questions", "theoremqa_theorems"]
FILLER = ("the of and a to in is that for it as with was on be by this are or from at an which "
          "system process value result method data model change level energy form state").split()


def synthetic_documents(examples, rng, distractors, gold_key, excluded_per_query):
    docs = {}
    vocabulary = sorted({w for e in examples for w in e["query"].split()})
    for e in examples:
        words = e["query"].split()
        for gid in e[gold_key] or []:
            if gid not in docs:
                # A few of the query's words in noise from every query's words: BM25 finds some.
                picked = rng.sample(words, min(len(words), 4)) if words else []
                docs[gid] = " ".join(picked + rng.sample(vocabulary, min(len(vocabulary), 30)))
        for xid in (e["excluded_ids"] or [])[:excluded_per_query]:
            if xid != "N/A" and xid not in docs:
                docs[xid] = e["query"]
    for i in range(distractors):
        docs[f"distractor_{i:05d}"] = " ".join(rng.choice(vocabulary or FILLER) for _ in range(rng.randint(5, 40)))
    ids = sorted(docs)
    rng.shuffle(ids)
    return [{"id": i, "content": docs[i]} for i in ids]


def write_config(hub, jsonl, config, task, rows, schema):
    for root in (hub, jsonl):
        os.makedirs(os.path.join(root, config), exist_ok=True)
    # The hub's files: snappy, pyarrow's defaults, row groups of the datasets library's size.
    pq.write_table(pa.Table.from_pylist(rows, schema=schema),
                   os.path.join(hub, config, f"{task}-00000-of-00001.parquet"), row_group_size=1000)
    with open(os.path.join(jsonl, config, f"{task}.jsonl"), "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", default="../shared/data/bright/examples")
    parser.add_argument("--hub", required=True)
    parser.add_argument("--jsonl", required=True)
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--limit", type=int)
    parser.add_argument("--distractors", type=int, default=500)
    parser.add_argument("--max-excluded", type=int, help="keep at most this many excluded ids per example")
    args = parser.parse_args()
    for task in args.tasks.split(","):
        rng = random.Random(task)
        with open(os.path.join(args.examples, f"{task}.jsonl"), encoding="utf-8") as f:
            examples = [json.loads(line) for line in f if line.strip()][: args.limit]
        examples = [{name: e.get(name) for name in EXAMPLES_SCHEMA.names} for e in examples]
        if args.max_excluded:
            for e in examples:
                e["excluded_ids"] = (e["excluded_ids"] or [])[: args.max_excluded]
        write_config(args.hub, args.jsonl, "examples", task, examples, EXAMPLES_SCHEMA)
        reasoned = [dict(e, query=e["query"] + "\n" + (e["reasoning"] or "")) for e in examples]
        write_config(args.hub, args.jsonl, "gpt4_reason", task, reasoned, EXAMPLES_SCHEMA)
        write_config(args.hub, args.jsonl, "documents", task,
                     synthetic_documents(examples, rng, args.distractors, "gold_ids", 5), DOCUMENTS_SCHEMA)
        if any(e["gold_ids_long"] for e in examples):
            write_config(args.hub, args.jsonl, "long_documents", task,
                         synthetic_documents(examples, rng, args.distractors // 5, "gold_ids_long", 0), DOCUMENTS_SCHEMA)
        print(task, len(examples), "examples")


if __name__ == "__main__":
    main()
