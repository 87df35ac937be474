#!/usr/bin/env bash
# Runs the end-to-end benchmark (release build: the real mock streaming to the real client over
# loopback) and prints throughput as a ratio of the read-only baseline of the same run, the paced
# latencies and the client thread's voluntary context switches per million messages.
# Usage: bash bench/run_e2e.sh [extra bench_e2e flags, e.g. --benchmark_filter=paced40k]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build --preset release --target bench_e2e >/dev/null
out=$(./build/release/bench/bench_e2e --benchmark_format=csv "$@" 2>/dev/null)
echo "$out" | awk -F, '
  /^name,/ { for (i = 1; i <= NF; i++) { h = $i; gsub(/"/, "", h); col[h] = i }; next }
  /^"BM_E2E/ {
    name=$1; gsub(/"/, "", name); sub(/^BM_E2E\//, "", name); sub(/\/iterations.*$/, "", name)
    rate[name]=$col["items_per_second"]; p50[name]=$col["p50_us"]; p99[name]=$col["p99_us"]
    csw[name]=$col["nvcsw_per_M"]; cpu[name]=$col["client_cpu_ns"]; order[++n]=name
  }
  END {
    printf "%-32s %12s %10s %10s %12s %12s\n", "variant", "messages/s", "p50 us", "p99 us", "nvcsw per M", "client ns"
    for (i = 1; i <= n; i++) printf "%-32s %12.0f %10.1f %10.1f %12.0f %12.0f\n", order[i], rate[order[i]], p50[order[i]], p99[order[i]], csw[order[i]], cpu[order[i]]
    if (("plain_books" in rate) && ("plain_read" in rate))
      printf "\nplain: books / read = %.2f (%.0f messages/s; target >= 300000)\n", rate["plain_books"] / rate["plain_read"], rate["plain_books"]
    if (("tls_books" in rate) && ("tls_read" in rate))
      printf "tls:   books / read = %.2f\n", rate["tls_books"] / rate["tls_read"]
    print "(saturated latencies are queueing in socket buffers; the paced rows measure latency;"
    print " nvcsw per M: voluntary context switches of the client thread per million messages;"
    print " client ns: CPU time of the client thread per message)"
  }'
