"""Runs llama.cpp's HTTP server in this process (PyPI xllamacpp) until SIGTERM or SIGINT.

Writes the server's address to --url-file (atomically) once it listens. Used by
scripts/llm-server.sh; not meant to be run by hand.
"""
import argparse
import os
import signal
import sys
import threading

import xllamacpp


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--url-file", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ctx", type=int, default=8192)
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.model_alias = {"SmolLM2-135M-Instruct"}
    params.hostnames = ["127.0.0.1"]
    params.port = args.port
    params.n_ctx = args.ctx  # split evenly among the slots
    params.n_parallel = args.parallel
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    # /v1/embeddings too (mean pooling, L2-normalised), beside chat: the remote Embedder's tests
    # talk to the real server.
    params.embedding = True
    params.pooling_type = xllamacpp.llama_pooling_type.LLAMA_POOLING_TYPE_MEAN

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    server = xllamacpp.Server(params)
    address = server.listening_address
    temporary = args.url_file + ".tmp"
    with open(temporary, "w") as f:
        f.write(address + "\n")
    os.replace(temporary, args.url_file)
    print(f"listening on {address}", file=sys.stderr, flush=True)

    while not stop.wait(1.0):
        pass
    del server
    return 0


if __name__ == "__main__":
    sys.exit(main())
