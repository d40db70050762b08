#!/usr/bin/env python3
"""The `openai` Python package (PyPI, unmodified) against `reasonir serve`.

Starts `reasonir serve --model all-MiniLM-L6-v2 --llm SmolLM2 --port 0`, asks /v1/embeddings
through `openai.OpenAI(base_url=...)` (float and base64), compares each vector with what
`reasonir embed --json` prints (cosine >= 0.99999 required), and streams a chat completion.
Exit status 0 when every check passes.

    python3 -m venv /work/venv-serve && /work/venv-serve/bin/pip install openai numpy
    /work/venv-serve/bin/python scripts/parity/serve_openai_parity.py [path/to/reasonir]
"""
import json, os, subprocess, sys
import numpy as np
import openai

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".build/debug/reasonir")
llm = os.path.join(root, "models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
texts = ["A text", "Vitamin D deficiency and multiple sclerosis",
         "ReasonIR trains retrievers for reasoning-intensive queries; BRIGHT measures them.", "ünïcödé ✓ 中文"]

expected = np.array(json.loads(subprocess.run([binary, "embed", "--model", "all-MiniLM-L6-v2", "--json", *texts],
                                              check=True, capture_output=True, text=True, cwd=root).stdout), dtype=np.float64)
server = subprocess.Popen([binary, "serve", "--model", "all-MiniLM-L6-v2", "--llm", llm, "--port", "0"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=root)
try:
    line = server.stdout.readline().strip()
    assert line.startswith("listening on http://"), line
    client = openai.OpenAI(base_url=line.split(" ")[-1] + "/v1", api_key="unused")
    failures = 0
    for fmt in ["float", "base64"]:
        # The package asks for base64 itself and decodes it when encoding_format is not given.
        kwargs = {} if fmt == "base64" else {"encoding_format": "float"}
        result = client.embeddings.create(model="all-MiniLM-L6-v2", input=texts, **kwargs)
        for i, item in enumerate(result.data):
            got = np.array(item.embedding, dtype=np.float64)
            cosine = float(got @ expected[i] / (np.linalg.norm(got) * np.linalg.norm(expected[i])))
            exact = bool(np.array_equal(got.astype(np.float32), expected[i].astype(np.float32)))
            print(f"{fmt:6} text {i}: cosine {cosine:.9f} bit-exact {exact}")
            failures += cosine < 0.99999
    pieces = []
    for chunk in client.chat.completions.create(model="SmolLM2-135M-Instruct.Q4_1", stream=True, max_tokens=16, temperature=0,
                                                messages=[{"role": "user", "content": "Say hello."}]):
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
    print(f"streamed chat: {len(pieces)} pieces: {''.join(pieces)!r}")
    failures += not pieces
    print("PASS" if failures == 0 else f"FAIL ({failures})")
    sys.exit(1 if failures else 0)
finally:
    server.terminate()
    server.wait()
