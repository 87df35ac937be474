#!/usr/bin/env bash
# bench_book, portable build (preset release) against the build for this CPU (release-native), in
# one session: rounds alternate the two binaries (and which goes first), and each benchmark's
# native/portable ratio is taken within a round, so that load from other work on the machine hits
# both alike. Prints per-benchmark medians (messages/s) and the median of the per-round ratios.
# Usage: bash bench/compare_simd.sh [rounds] [repetitions per run]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-10}"
reps="${2:-3}"
for preset in release release-native; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" --target bench_book >/dev/null
done
run() {  # preset round -> "round preset benchmark messages/s" lines
  ./build/"$1"/bench/bench_book --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
    --benchmark_format=csv 2>/dev/null |
    awk -F, -v r="$2" -v p="$1" '/_median"/ { n=$1; gsub(/"/, "", n); sub(/_median$/, "", n); print r, p, n, $7 }'
}
results=$(for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then run release "$r"; run release-native "$r"; else run release-native "$r"; run release "$r"; fi
done)
echo "$results" | awk '
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { rate[$1, $2, $3] = $4; if (!($3 in seen)) { seen[$3] = 1; order[++k] = $3 } rounds[$1] = 1 }
  END {
    printf "%-24s %16s %16s %14s %14s\n", "benchmark", "portable msg/s", "native msg/s", "native/portable", "(min..max)"
    for (i = 1; i <= k; i++) {
      b = order[i]; lp = ln = lr = ""; lo = 1e9; hi = 0
      for (r in rounds) {
        p = rate[r, "release", b]; q = rate[r, "release-native", b]
        if (p == "" || q == "") continue
        lp = lp " " p; ln = ln " " q; x = q / p; lr = lr " " x
        if (x < lo) lo = x; if (x > hi) hi = x
      }
      printf "%-24s %16.0f %16.0f %14.2f %8.2f..%.2f\n", b, median(lp), median(ln), median(lr), lo, hi
    }
  }'
