#!/usr/bin/env bash
# Runs the level2 hot-path benchmark (release build) and prints throughput ratios against the
# in-run references, on the deep (2,000 levels a side) and the shallow (50) book. Repetitions are
# interleaved so that a change in machine load hits every variant alike.
# Usage: bash bench/run_book.sh [repetitions]
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
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  /_median"/ {
    name=$1; gsub(/"/, "", name); sub(/_median$/, "", name)
    rate[name]=$col["items_per_second"]; bytes[name]=$col["bytes_per_second"]
    allocs[name]=(("\"allocs/Mmsg\"" in col) ? $col["\"allocs/Mmsg\""] : "")
    order[++n]=name
  }
  function r(a, b) { return (rate[b] > 0) ? rate[a] / rate[b] : 0 }
  END {
    printf "%-36s %12s %9s %12s\n", "benchmark (median)", "messages/s", "MB/s", "allocs/Mmsg"
    for (i = 1; i <= n; i++) printf "%-36s %12.0f %9.1f %12s\n", order[i], rate[order[i]], bytes[order[i]] / 1e6, allocs[order[i]]
    for (d = 1; d <= 2; d++) {
      lv = (d == 1) ? "2000" : "50"
      s = "/levels:" lv
      printf "\n%s levels a side:\n", lv
      printf "  decode+apply / simdjson every-field pass = %.2f  (target >= 0.70)\n", r("BM_DecodeApply" s, "BM_SimdjsonEveryField" s)
      printf "  decode-only  / simdjson every-field pass = %.2f  (target >= 0.90)\n", r("BM_DecodeOnly" s, "BM_SimdjsonEveryField" s)
      printf "  decode+apply / simdjson + sorted vector  = %.2f  (target >= 1.30)\n", r("BM_DecodeApply" s, "BM_SimdjsonSortedVector" s)
      printf "  decode+apply / decode-only               = %.2f\n", r("BM_DecodeApply" s, "BM_DecodeOnly" s)
      printf "  decode+apply / simdjson + map + stod     = %.2f\n", r("BM_DecodeApply" s, "BM_BaselineMapStod" s)
      if (("BM_FuturesDecodeApply" s) in rate)
        printf "  futures decode+apply / spot decode+apply = %.2f  (messages/s; a futures message is one change)\n", r("BM_FuturesDecodeApply" s, "BM_DecodeApply" s)
    }
    printf "\nrealistic decimals / usual (2000 levels)  = %.2f  (real KuCoin values off the increments)\n", r("BM_DecodeApplyRealistic", "BM_DecodeApply/levels:2000")
  }'
