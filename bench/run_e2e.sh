#!/usr/bin/env bash
# Runs the end-to-end benchmark (release build: the real mock streaming to the real client over
# loopback) and prints throughput as a ratio of the read-only baseline of the same run, the paced
# latencies, the client thread's voluntary context switches per million messages, the CPU time
# per message of each side (the client's thread, the mock's threads) and the steady-state heap
# allocations per million messages of each side.
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
    csw[name]=$col["nvcsw_per_M"]; cpu[name]=$col["client_cpu_ns"]; mcpu[name]=$col["mock_cpu_ns"]
    ca[name]=$col["client_allocs_per_M"]; ma[name]=$col["mock_allocs_per_M"]; order[++n]=name
  }
  END {
    printf "%-32s %12s %10s %10s %12s %10s %10s %10s %10s\n", "variant", "messages/s", "p50 us", "p99 us", "nvcsw per M", "client ns", "mock ns", "c.alloc/M", "m.alloc/M"
    for (i = 1; i <= n; i++) { v = order[i]; printf "%-32s %12.0f %10.1f %10.1f %12.0f %10.0f %10.0f %10.0f %10.0f\n", v, rate[v], p50[v], p99[v], csw[v], cpu[v], mcpu[v], ca[v], ma[v] }
    if (("plain_books" in rate) && ("plain_read" in rate))
      printf "\nplain: books / read = %.2f (%.0f messages/s; target >= 300000)\n", rate["plain_books"] / rate["plain_read"], rate["plain_books"]
    if (("plain_books" in cpu) && cpu["plain_books"] > 0 && mcpu["plain_books"] > 0)
      printf "plain: CPU per message, client with books %.0f ns (%.2f M messages/s on a core of its own; target 1 M), mock %.0f ns (%.2f M/s)\n", cpu["plain_books"], 1e3 / cpu["plain_books"], mcpu["plain_books"], 1e3 / mcpu["plain_books"]
    if (("tls_books" in rate) && ("tls_read" in rate))
      printf "tls:   books / read = %.2f\n", rate["tls_books"] / rate["tls_read"]
    print "(saturated latencies are queueing in socket buffers; the paced rows measure latency;"
    print " nvcsw per M: voluntary context switches of the client thread per million messages;"
    print " client ns / mock ns: CPU time per message of the client thread / of the mock threads:"
    print " 1e9 / ns is the rate that side sustains on a core of its own;"
    print " c.alloc/M, m.alloc/M: heap allocations per million messages in steady state)"
  }'
