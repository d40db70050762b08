"""Prompt-processing and generation speed of `llama-bench --gguf` beside llama.cpp (xllamacpp) on the
same GGUF, at 1 and 2 threads, in one run. Both: a 107-token prompt in one batch, 64 greedy tokens
with no stop token, best of 3.

    swift build -c release --product llama-bench
    ~/.cache/reasonir/venv-llm/bin/python benchmarks/llama_speed.py models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf
"""
import json
import re
import subprocess
import sys
import urllib.request


def llama_cpp(path, threads, prompt_len=107, n_predict=64, repeats=3):
    import xllamacpp as xlc
    p = xlc.CommonParams()
    p.model.path = path
    p.n_ctx = 2048
    p.cpuparams.n_threads = threads
    p.cpuparams_batch.n_threads = threads
    p.n_parallel = 1
    server = xlc.Server(p)

    def post(endpoint, body):
        request = urllib.request.Request(server.listening_address + endpoint, data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        return json.load(urllib.request.urlopen(request, timeout=600))

    prompt = [3 + (i * 7919) % 40000 for i in range(prompt_len)]
    best_pp = best_tg = 0.0
    for _ in range(repeats):
        t = post("/completion", {"prompt": prompt, "n_predict": n_predict, "temperature": 0, "top_k": 1,
                                 "ignore_eos": True, "cache_prompt": False})["timings"]
        best_pp, best_tg = max(best_pp, t["prompt_per_second"]), max(best_tg, t["predicted_per_second"])
    del server
    return best_pp, best_tg


def swift(binary, path, threads):
    out = subprocess.run([binary, "--gguf", path, "--threads", str(threads)], check=True, capture_output=True, text=True).stdout
    m = re.search(r"prompt \d+ tokens ([\d.]+) tokens/s, generation \d+ tokens ([\d.]+) tokens/s", out)
    return float(m.group(1)), float(m.group(2))


def main():
    path = sys.argv[1]
    binary = sys.argv[2] if len(sys.argv) > 2 else ".build/release/llama-bench"
    print("threads | llama.cpp pp, tg (tok/s) | swift pp, tg (tok/s) | ratio pp, tg")
    for threads in (1, 2):
        ref = llama_cpp(path, threads)
        ours = swift(binary, path, threads)
        print(f"{threads} | {ref[0]:.1f}, {ref[1]:.1f} | {ours[0]:.1f}, {ours[1]:.1f} | {ours[0] / ref[0]:.2f}, {ours[1] / ref[1]:.2f}")


if __name__ == "__main__":
    main()
