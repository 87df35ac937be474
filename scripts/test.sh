#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build (developer preset, warnings as errors)
# and run every test. Exit status is non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup_interop.sh  # Node.js and the pinned npm clients of tests/interop
preset="${KUCOIN_PRESET:-dev}"
cmake --preset "$preset"
cmake --build --preset "$preset"
ctest --preset "$preset"
