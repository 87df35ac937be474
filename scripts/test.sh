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
# Fuzzing (fuzz/README.md): every libFuzzer target for a bounded time (KUCOIN_FUZZ_CI_SECONDS each,
# default 6; 0 skips), built with clang: about 2 minutes on 2 cores.
if [ "${KUCOIN_FUZZ_CI_SECONDS:-6}" != 0 ]; then
  bash scripts/fuzz.sh ci "${KUCOIN_FUZZ_CI_SECONDS:-6}"
fi
