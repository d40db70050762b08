#!/usr/bin/env bash
# Runs the whole test suite. Installs the system libraries the build needs when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Tests that need real model weights skip themselves when ./models lacks them;
# fetch them so that every test runs.
scripts/fetch-models.sh
swift build --build-tests "$@"
swift test --skip-build "$@"
