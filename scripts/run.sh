#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build the release preset and run the main job.
# Extra arguments go to the main job (see `build/release/apps/kucoin-harness --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target kucoin-harness
exec ./build/release/apps/kucoin-harness "${@:-run}"
