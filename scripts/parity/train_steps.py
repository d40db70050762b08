"""Training parity: `reasonir train` beside sentence-transformers on the same batches, step for step.

1. writes SciFact rows (query, positive, hard negatives) as JSONL into --work;
2. runs `reasonir train` on them (--reasonir BIN), which logs each step's rows and loss;
3. trains all-MiniLM-L6-v2 with sentence-transformers on exactly those batches (MultipleNegativesRankingLoss,
   torch.optim.AdamW with the Trainer's decay groups, Hugging Face's linear warm-up schedule, clip_grad_norm_ 1.0,
   dropout off), and compares the loss at every step;
4. loads OUR saved model with sentence-transformers and compares its embeddings with `reasonir embed --model DIR`
   (cosine), and compares both trained models' embeddings of the first 200 SciFact documents.
With --fixture FILE it also writes the batches and reference losses for Tests/TrainingTests.

    /work/venv-train/bin/python scripts/parity/train_steps.py --reasonir .build/release/reasonir --steps 20 --batch-size 32
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch
from transformers import get_linear_schedule_with_warmup

sys.path.insert(0, os.path.dirname(__file__))
from train_common import REPO, SCIFACT, columns, doc_text, load_model, scifact_rows, versions  # noqa: E402


def reference_losses(model_path, rows, batches, args):
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    model = load_model(model_path, args.max_length)
    loss_fn = MultipleNegativesRankingLoss(model, scale=args.scale)
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if ("bias" in name or "LayerNorm" in name) else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    sched = get_linear_schedule_with_warmup(opt, args.warmup, len(batches))
    losses, norms = [], []
    start = time.time()
    for batch in batches:
        cols = columns([rows[i] for i in batch], args.negatives)
        features = [model.preprocess(c) for c in cols]
        embeddings = [model(dict(f))["sentence_embedding"] for f in features]
        loss = loss_fn.compute_loss_from_embeddings(embeddings, None)
        loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)))
        opt.step()
        sched.step()
        opt.zero_grad()
        losses.append(float(loss.detach()))
    return model, losses, norms, time.time() - start


def cosines(a, b):
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(axis=1)


def ours_embed(binary, model_dir, texts, work):
    path = os.path.join(work, "texts.txt")
    with open(path, "w") as f:
        for t in texts:
            f.write(t.replace("\n", " ") + "\n")
    out = os.path.join(work, "ours.f32")
    subprocess.run([binary, "embed", "--model", model_dir, "--input", path, "--output", out], check=True)
    return np.fromfile(out, dtype=np.float32).reshape(len(texts), -1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reasonir", default=os.path.join(REPO, ".build", "release", "reasonir"))
    ap.add_argument("--model", default=os.path.join(REPO, "models", "all-MiniLM-L6-v2"))
    ap.add_argument("--work", default="/tmp/reasonir-train-parity")
    ap.add_argument("--rows", type=int, default=300)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--negatives", type=int, default=1)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-5)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--scale", type=float, default=20.0)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--fixture")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    rows = scifact_rows(args.rows, negatives=max(args.negatives, 1))
    data = os.path.join(args.work, "train.jsonl")
    with open(data, "w") as f:
        for r in rows:
            f.write(json.dumps({"query": r["query"], "positive": r["positive"], "negatives": r["negatives"][:args.negatives]}) + "\n")
    out = os.path.join(args.work, "model")
    start = time.time()
    subprocess.run([args.reasonir, "train", "--model", args.model, "--data", data, "--out", out, "--overwrite", "--quiet",
                    "--steps", str(args.steps), "--batch-size", str(args.batch_size), "--max-length", str(args.max_length),
                    "--lr", str(args.lr), "--warmup", str(args.warmup), "--scale", str(args.scale),
                    "--weight-decay", str(args.weight_decay), "--seed", str(args.seed)], check=True)
    ours_seconds = time.time() - start
    log = [json.loads(line) for line in open(os.path.join(out, "train_log.jsonl"))]
    batches = [entry["rows"] for entry in log]
    model, losses, norms, st_seconds = reference_losses(args.model, rows, batches, args)
    diffs = [abs(a["loss"] - b) for a, b in zip(log, losses)]
    print(f"steps {len(log)}, batch {args.batch_size}, max length {args.max_length}: max |loss difference| {max(diffs):.3g} "
          f"(first loss {losses[0]:.6f}, last {losses[-1]:.6f}); max |grad norm difference| "
          f"{max(abs(a['grad_norm'] - b) for a, b in zip(log, norms)):.3g}; wall: ours {ours_seconds:.1f}s (model load and save included), "
          f"sentence-transformers {st_seconds:.1f}s")
    docs = []
    with open(os.path.join(SCIFACT, "corpus.jsonl")) as f:
        for line in f:
            docs.append(doc_text(json.loads(line)))
            if len(docs) == 200:
                break
    from sentence_transformers import SentenceTransformer

    ours = ours_embed(args.reasonir, out, docs, args.work)
    loaded = SentenceTransformer(out, device="cpu")
    st_of_ours = loaded.encode(docs, convert_to_numpy=True, batch_size=32)
    st_trained = model.encode(docs, convert_to_numpy=True, batch_size=32) if model.max_seq_length == loaded.max_seq_length else None
    c1 = cosines(ours, st_of_ours)
    print(f"sentence-transformers loading our model vs reasonir embed: min cosine {c1.min():.7f} over {len(docs)} documents")
    model.max_seq_length = loaded.max_seq_length
    st_trained = model.encode(docs, convert_to_numpy=True, batch_size=32)
    c2 = cosines(ours, st_trained)
    print(f"our trained model vs sentence-transformers' trained model: min cosine {c2.min():.7f}")
    if args.fixture:
        with open(args.fixture, "w") as f:
            json.dump({"settings": {k: getattr(args, k) for k in ("rows", "steps", "batch_size", "negatives", "max_length", "lr",
                                                                  "warmup", "scale", "weight_decay", "seed")},
                       "rows": rows if args.rows <= 32 else None, "batches": batches, "losses": losses, "grad_norms": norms, "versions": versions()}, f)
        print("wrote", args.fixture)


if __name__ == "__main__":
    main()
