"""Reference AdamW steps (torch.optim.AdamW, Hugging Face's linear warm-up schedule, clip_grad_norm_).

Three float32 tensors (a decayed weight, a bias and a LayerNorm weight without decay) take 6 steps with fixed
random gradients (scaled so clipping acts on some steps and not on others): lr 1e-3, warm-up 2 of 6 steps
then linear decay, weight decay 0.1, max gradient norm 1.0. Writes Tests/TrainingTests/Fixtures/train_optimizer.json
with the initial values, every step's gradients, learning rate and total gradient norm, and the values after each step.

    /work/venv-train/bin/python scripts/parity/train_optimizer.py
"""
import json
import os
import sys

import torch
from transformers import get_linear_schedule_with_warmup

sys.path.insert(0, os.path.dirname(__file__))
from train_common import REPO, versions  # noqa: E402


def main():
    g = torch.Generator().manual_seed(7)
    shapes = {"dense.weight": (6, 5), "dense.bias": (6,), "LayerNorm.weight": (5,)}
    params = {n: torch.nn.Parameter(torch.randn(s, generator=g)) for n, s in shapes.items()}
    initial = {n: p.detach().reshape(-1).tolist() for n, p in params.items()}
    steps, warmup = 6, 2
    opt = torch.optim.AdamW([
        {"params": [params["dense.weight"]], "weight_decay": 0.1},
        {"params": [params["dense.bias"], params["LayerNorm.weight"]], "weight_decay": 0.0},
    ], lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    sched = get_linear_schedule_with_warmup(opt, warmup, steps)
    record = []
    for step in range(steps):
        scale = [0.05, 3.0, 0.2, 5.0, 0.01, 1.0][step]
        grads = {n: (torch.randn(s, generator=g) * scale) for n, s in shapes.items()}
        for n, p in params.items():
            p.grad = grads[n].clone()
        lr = opt.param_groups[0]["lr"]
        norm = torch.nn.utils.clip_grad_norm_(list(params.values()), 1.0)
        opt.step()
        sched.step()
        record.append({"lr": lr, "grad_norm": float(norm), "gradients": {n: v.reshape(-1).tolist() for n, v in grads.items()},
                       "values": {n: p.detach().reshape(-1).tolist() for n, p in params.items()}})
    out = {"shapes": {n: list(s) for n, s in shapes.items()}, "decays": {"dense.weight": True, "dense.bias": False,
           "LayerNorm.weight": False}, "lr": 1e-3, "warmup": warmup, "steps": steps, "weight_decay": 0.1,
           "eps": 1e-8, "max_grad_norm": 1.0, "initial": initial, "record": record, "versions": versions()}
    path = os.path.join(REPO, "Tests", "TrainingTests", "Fixtures", "train_optimizer.json")
    with open(path, "w") as f:
        json.dump(out, f)
    print("wrote", path)


if __name__ == "__main__":
    main()
