#!/usr/bin/env bash
# Installs what the build needs on a fresh Debian machine, only when missing.
# --test also installs what only the tests need (Chromium, to look at `reasonir report`'s page).
set -euo pipefail
need=()
command -v swift >/dev/null || { echo "swift is not on PATH: install Swift 6.x first" >&2; exit 1; }
command -v python3 >/dev/null || need+=(python3 python3-pip)
# OpenBLAS (the CBLAS module's sgemm) and its headers.
dpkg -s libopenblas-dev >/dev/null 2>&1 || need+=(libopenblas-dev)
# Snappy, Zstandard and zlib headers for the Parquet module's codecs.
for pkg in libsnappy-dev libzstd-dev zlib1g-dev; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
# scripts/llm-server.sh puts xllamacpp in a virtual environment.
python3 -c "import venv, ensurepip" 2>/dev/null || need+=(python3-venv)
if [ "${1:-}" = "--test" ]; then
    command -v chromium >/dev/null || need+=(chromium)
fi
if [ ${#need[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing: ${need[*]}" >&2
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
