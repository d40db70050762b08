#!/usr/bin/env python3
"""Golden verdicts of TheoremQA's own scorer, for the Swift `TheoremQAScorer` parity test.

Runs THEIR `normalize`, `compare_two_numbers` and `compare_two_list` (zero_shot_eval/predict_accuracy.py
of github.com/wenhuchen/TheoremQA, MIT) with the answer-type dispatch of its main loop, on every
dev answer and on perturbed predictions, and writes inputs and verdicts as JSONL.

Their fallbacks for text that eval() rejects call ChatGPT (extract_answer) and Wolfram|Alpha
(get_decimal_with_wolfram); offline, both are stubbed as giving nothing (the answer unchanged,
None), which is what their code then handles with find_numbers_in_string.

Usage (venv outside the repo: python3 -m venv /work/venv-rag && /work/venv-rag/bin/pip install sympy numpy):
  python scripts/parity/theoremqa_scoring.py THEIR_CHECKOUT ../shared/data/theoremqa-theorems/queries.jsonl \
      Tests/RAGTests/Fixtures/theoremqa_scoring.jsonl
THEIR_CHECKOUT is a directory holding zero_shot_eval/predict_accuracy.py (a clone, or the files).
"""
import importlib.util
import json
import random
import sys
import types

checkout, queries_path, out_path = sys.argv[1], sys.argv[2], sys.argv[3]

# Stubs for the two online services their module imports at load time.
sys.modules["wolframalpha"] = types.SimpleNamespace(Client=lambda key: None)
sys.modules["openai"] = types.ModuleType("openai")
spec = importlib.util.spec_from_file_location("predict_accuracy", f"{checkout}/zero_shot_eval/predict_accuracy.py")
theirs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(theirs)
theirs.extract_answer = lambda query, use_azure: query
theirs.get_decimal_with_wolfram = lambda string: None


def their_verdict(prediction, gt, answer_type):
    """Their __main__ loop for one entry; 'raises' where their code throws."""
    try:
        # Their normalize() prints entry['id'] on its fallback path: a global of their __main__.
        theirs.entry = {"id": "parity"}
        p = theirs.normalize(prediction)
        if isinstance(p, (str, int, float)) or isinstance(p, list):
            if answer_type in ["bool", "option", "Option"]:
                return bool(int(p == gt))
            elif answer_type in ["integer", "float"]:
                return bool(int(theirs.compare_two_numbers(p, gt)))
            elif answer_type in ["list of integer", "list of float"]:
                return bool(int(theirs.compare_two_list(p, gt)))
            raise ValueError("unknown answer type")
        return False
    except Exception as error:  # their script would stop here
        return "raises: " + type(error).__name__


def fmt(x):
    return repr(x)


def perturb(answer, answer_type, rng):
    """Prediction texts around the gold answer: within and outside 4%, other notations."""
    out = [str(answer)]
    if answer_type in ["integer", "float"]:
        a = float(answer)
        for f in [1.0, 1.01, 0.99, 1.035, 0.965, 1.045, 0.955, 1.1, 0.5, 2.0, -1.0]:
            v = a * f
            out += [fmt(v), f"{v:.2f}", f"{v:.4g}", f"{v:e}", f"{v:.3e}"]
        out += [f"{a:,}", f"{a:,.2f}", f"{int(round(a)):,}" if abs(a) < 1e15 else str(a),
                f"{a} m/s", f"{a} kg", f"{a}%", f"${a}", f"{a}°", f"{a} J.", f"x = {a}", f"about {a}",
                f"approximately {a}", f"{a} or {a * 2}", f"{a}\n", f"The answer is {a}", f"{a} (approx)",
                f"{a:.3e}".replace("e", " x 10^").replace("+", ""), f"{a:.3e}".replace("e", " × 10^"),
                f"\\frac{{{int(round(a * 2))}}}{{2}}", f"{int(round(a * 2))}/2", f"[{a}]", f"({a},)",
                f"math.sqrt({a * a})", f"{a}**1", f"{a} ≈ {a}", f"`{a}`", f"{a:.0f}", f"{int(a) if abs(a) < 1e15 else a}.5",
                "True", "False", "", "none", "4,200", "4.2e3", "\\frac{1}{2}", "[1, 2]", "1..2", "0" + str(abs(int(a))) if abs(a) < 1e15 else "7"]
    elif answer_type in ["list of integer", "list of float"]:
        xs = list(answer)
        out += [str(xs), str(tuple(xs)), ", ".join(map(str, xs)), str(list(reversed(xs))), str(xs[:-1]),
                str([x * 1.03 for x in xs]), str([x * 1.05 for x in xs]), str([x * 0.97 for x in xs]),
                "[" + ", ".join(f"{x:.3e}" for x in xs) + "]", " and ".join(map(str, xs)), "{" + ", ".join(map(str, xs)) + "}",
                str(xs) + " m", "x = " + str(xs), str(xs[0]), "[1, 2]", "True", "", str([str(x) for x in xs])]
    elif answer_type == "bool":
        out += ["True", "False", "true", "false", "yes", "no", "Yes", "No", "1", "0", "True.", "It is True",
                "False, because", "correct", "[True]", "(True)", "not true", ""]
    elif answer_type == "option":
        out += ["(a)", "(b)", "(c)", "(d)", "(A)", "a", "The answer is (a)", "(a) and (b)", "'(a)'", "\"(b)\"", ""]
    # Random tails and noise on a few.
    for _ in range(2):
        base = rng.choice(out)
        out.append(base + rng.choice([" units", ".", " (rounded)", "!", " s", " m^2", " Hz", " dollars"]))
    return out


rng = random.Random(16)
rows = []
with open(queries_path) as f:
    for line in f:
        q = json.loads(line)
        m = q["metadata"]
        answer, answer_type = m["answer"], m["answer_type"]
        preds = perturb(answer, answer_type, rng)
        # A sample per question keeps the fixture small (~6,000 cases in all).
        preds = preds[:1] + rng.sample(preds[1:], min(len(preds) - 1, 14))
        seen = set()
        for kind, p in [("gold", str(answer))] + [("perturbed", p) for p in preds]:
            if (kind, p) in seen:
                continue
            seen.add((kind, p))
            rows.append({"id": q["_id"], "kind": kind, "prediction": p, "answer": answer,
                         "answer_type": answer_type, "theirs": their_verdict(p, answer, answer_type)})

with open(out_path + ".tmp", "w") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
import os
os.replace(out_path + ".tmp", out_path)
raises = sum(1 for r in rows if isinstance(r["theirs"], str))
print(f"{len(rows)} cases ({sum(1 for r in rows if r['kind'] == 'gold')} gold), "
      f"{sum(1 for r in rows if r['theirs'] is True)} correct, {raises} raise in their code")
