"""Reference gradients of MultipleNegativesRankingLoss through all-MiniLM-L6-v2 (sentence-transformers, PyTorch).

Writes Tests/TrainingTests/Fixtures/train_gradients.json: for 4 SciFact (query, positive, 2 negatives) rows at
max length 32, dropout off (eval mode), float32, the loss with and without the hard negatives and, for every
parameter, its gradient's norm and sampled entries (8 per parameter; 256 for embeddings, a Q/K/V weight,
LayerNorms and FFN weights of the first and last layer), and the token ids of each column.

    /work/venv-train/bin/python scripts/parity/train_gradients.py [--model models/all-MiniLM-L6-v2] [--out FILE]
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from train_common import REPO, columns, load_model, scifact_rows, versions  # noqa: E402

DETAILED = [
    "embeddings.word_embeddings.weight",
    "embeddings.position_embeddings.weight",
    "embeddings.LayerNorm.weight",
    "encoder.layer.0.attention.self.query.weight",
    "encoder.layer.0.attention.self.value.bias",
    "encoder.layer.0.attention.output.LayerNorm.weight",
    "encoder.layer.0.intermediate.dense.weight",
    "encoder.layer.5.attention.self.key.weight",
    "encoder.layer.5.output.dense.weight",
    "encoder.layer.5.output.LayerNorm.bias",
]


def sample(grad, count, generator):
    flat = grad.detach().reshape(-1)
    nonzero = torch.nonzero(flat != 0).reshape(-1)
    candidates = nonzero if len(nonzero) > 0 else torch.arange(len(flat))
    pick = candidates[torch.randperm(len(candidates), generator=generator)[:count]].sort().values
    return [int(i) for i in pick], [float(flat[i]) for i in pick]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(REPO, "models", "all-MiniLM-L6-v2"))
    ap.add_argument("--out", default=os.path.join(REPO, "Tests", "TrainingTests", "Fixtures", "train_gradients.json"))
    ap.add_argument("--max-length", type=int, default=32)
    args = ap.parse_args()
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    rows = scifact_rows(4, negatives=2)
    cases = []
    for negatives in (2, 0):
        model = load_model(args.model, args.max_length)
        loss_fn = MultipleNegativesRankingLoss(model, scale=20.0)
        features = [model.tokenize(texts) for texts in columns(rows, negatives)]
        embeddings = [model(dict(f))["sentence_embedding"] for f in features]
        loss = loss_fn.compute_loss_from_embeddings(embeddings, None)
        loss.backward()
        generator = torch.Generator().manual_seed(1234)
        grads = {}
        for name, p in model[0].auto_model.named_parameters():
            if p.grad is None:
                continue
            idx, val = sample(p.grad, 256 if name in DETAILED else 8, generator)
            grads[name] = {"shape": list(p.shape), "norm": float(p.grad.norm()), "indices": idx, "values": val}
        cases.append({
            "negatives": negatives,
            "loss": float(loss.detach()),
            "token_ids": [[[int(t) for t, m in zip(ids, mask) if m] for ids, mask in zip(f["input_ids"], f["attention_mask"])]
                          for f in features],
            "gradients": grads,
        })
    out = {"model": "all-MiniLM-L6-v2", "max_seq_length": args.max_length, "scale": 20.0, "rows": rows,
           "versions": versions(), "cases": cases}
    with open(args.out, "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
    print(f"wrote {args.out}: losses {[c['loss'] for c in cases]}")


if __name__ == "__main__":
    main()
