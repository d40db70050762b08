"""Shared pieces of the training parity scripts: SciFact triples and the reference model.

Rows are built deterministically from ../shared/data/scifact: queries in the order of the test qrels,
the first relevant document as the positive, and documents that are no chosen query's positive as hard
negatives (two per query, from fixed corpus offsets). Documents are `title + ' ' + text`.
"""
import json
import os

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCIFACT = os.path.join(REPO, "..", "shared", "data", "scifact")


def doc_text(d):
    return (d["title"] + " " + d["text"]) if d.get("title") else d["text"]


def scifact_rows(count, negatives=2):
    queries = {}
    with open(os.path.join(SCIFACT, "queries.jsonl")) as f:
        for line in f:
            q = json.loads(line)
            queries[q["_id"]] = q["text"]
    corpus_order, corpus = [], {}
    with open(os.path.join(SCIFACT, "corpus.jsonl")) as f:
        for line in f:
            d = json.loads(line)
            corpus_order.append(d["_id"])
            corpus[d["_id"]] = doc_text(d)
    pairs, seen = [], set()
    with open(os.path.join(SCIFACT, "qrels", "test.tsv")) as f:
        next(f)
        for line in f:
            qid, did, score = line.rstrip("\n").split("\t")
            if qid in seen or int(score) <= 0 or did not in corpus:
                continue
            seen.add(qid)
            pairs.append((queries[qid], corpus[did], did))
    positives = {p[2] for p in pairs}
    pool = [d for d in corpus_order[1000:] if d not in positives]
    rows = []
    for i, (q, pos, _) in enumerate(pairs[:count]):
        negs = [corpus[pool[(negatives * i + k) % len(pool)]] for k in range(negatives)]
        rows.append({"query": q, "positive": pos, "negatives": negs})
    return rows


def load_model(path, max_length):
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    model = SentenceTransformer(path, device="cpu")
    model.max_seq_length = max_length
    model.eval()  # dropout off
    return model


def columns(rows, negatives):
    cols = [[r["query"] for r in rows], [r["positive"] for r in rows]]
    for k in range(negatives):
        cols.append([r["negatives"][k] for r in rows])
    return cols


def versions():
    import sentence_transformers
    import torch
    import transformers

    return {"torch": torch.__version__, "transformers": transformers.__version__,
            "sentence_transformers": sentence_transformers.__version__}
