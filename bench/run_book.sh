#!/usr/bin/env bash
# Runs the level2 hot-path benchmark (release build) and prints throughput ratios against the
# in-run baselines. Repetitions are interleaved so that a change in machine load hits every
# variant alike. Usage: bash bench/run_book.sh [repetitions]
# KUCOIN_BENCH_PRESET=release-native runs the build for this machine's CPU (KUCOIN_SIMD=native)
# instead of the portable default.
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-10}"
preset="${KUCOIN_BENCH_PRESET:-release}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --target bench_book >/dev/null
out=$(./build/"$preset"/bench/bench_book --benchmark_repetitions="$reps" --benchmark_enable_random_interleaving=true \
      --benchmark_report_aggregates_only=true --benchmark_format=csv 2>/dev/null)
echo "$out" | awk -F, '
  /_median"/ {
    name=$1; gsub(/"/, "", name); sub(/_median$/, "", name)
    rate[name]=$7; bytes[name]=$6
    order[++n]=name
  }
  END {
    printf "%-22s %14s %12s\n", "benchmark (median)", "messages/s", "MB/s"
    for (i = 1; i <= n; i++) printf "%-22s %14.0f %12.1f\n", order[i], rate[order[i]], bytes[order[i]] / 1e6
    printf "\ndecode+apply / decode-only      = %.2f  (target >= 0.70)\n", rate["BM_DecodeApply"] / rate["BM_DecodeOnly"]
    printf "realistic decimals / usual      = %.2f  (real KuCoin values off the increments)\n", rate["BM_DecodeApplyRealistic"] / rate["BM_DecodeApply"]
    printf "decode+apply / map+stod baseline = %.2fx (target >= 2x)\n", rate["BM_DecodeApply"] / rate["BM_BaselineMapStod"]
  }'
