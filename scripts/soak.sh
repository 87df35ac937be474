#!/usr/bin/env bash
# Soak: our client against the embedded mock for MINUTES (default 60) with a fault every few
# seconds (gaps, duplicates, reorders, disconnects, token expiry, sequence resets), three symbols
# paced at 200 frames/s each. Samples the process's resident size, open file descriptors and
# threads every SAMPLE_S seconds (default 10) into soak.csv, then checks that memory stayed flat
# (the last sample within 10 % + 16 MiB of the sample at a tenth of the run), that descriptors and
# threads did not grow, and that the run passed (every book exact at the end, never crossed).
#   bash scripts/soak.sh [MINUTES] [OUTDIR]      (needs a built build/release or build/dev)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-60}"
out="${2:-build/soak}"
sample_s="${SAMPLE_S:-10}"
bin="${KUCOIN_HARNESS_BIN:-}"
if [ -z "$bin" ]; then
  for b in build/release/apps/kucoin-harness build/dev/apps/kucoin-harness; do
    [ -x "$b" ] && { bin="$b"; break; }
  done
fi
[ -n "$bin" ] && [ -x "$bin" ] || { echo "soak: build the project first (no kucoin-harness found)" >&2; exit 2; }
mkdir -p "$out"
pace=200
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
[ "$seconds" -ge 12 ] || { echo "soak: at least 0.2 minutes" >&2; exit 2; }
messages=$((seconds * pace))
# Fault series: `every` in messages (1000 messages = 5 s at the pace), as many as fit.
times() { local first=$1 every=$2; local n=$(((messages - first - 1000) / every)); [ "$n" -ge 1 ] && echo "$n" || echo 1; }
t5=$(times 1500 1000); t7=$(times 1700 1400); t11=$(times 1900 2200)
t60=$(times 6000 12000); t120=$(times 9000 24000); t300=$(times 30000 60000)
max=$((t5 + t7 + t11 + t60 + t120 + t300 + 5))
scenario="$out/soak.yaml"
{
  echo "name: soak"
  echo "description: \"$minutes minutes of three paced symbols with a fault every few seconds (scripts/soak.sh)\""
  echo "seed: 42"
  echo "symbols: [BTC-USDT, ETH-USDT, XRP-USDT]"
  echo "market: {levels: 500, messages: $messages, pace: $pace}"
  echo "client: {stale_after_ms: 2000}"
  echo "faults:"
  echo "  - {kind: drop, symbol: BTC-USDT, at: {message: 1500, every: 1000, times: $t5}, count: 2}"
  echo "  - {kind: duplicate, symbol: ETH-USDT, at: {message: 1700, every: 1400, times: $t7}, count: 1}"
  echo "  - {kind: reorder, symbol: XRP-USDT, at: {message: 1900, every: 2200, times: $t11}, count: 2}"
  [ "$messages" -gt 7000 ] && echo "  - {kind: disconnect, symbol: any, at: {message: 6000, every: 12000, times: $t60}}"
  [ "$messages" -gt 10000 ] && echo "  - {kind: token_expiry, symbol: any, at: {message: 9000, every: 24000, times: $t120}}"
  [ "$messages" -gt 31000 ] && echo "  - {kind: sequence_reset, symbol: ETH-USDT, at: {message: 30000, every: 60000, times: $t300}, to: 1000}"
  echo "expect:"
  echo "  never_crossed: true"
  echo "  resyncs: {\"*\": {max: $max}}"
} > "$scenario"
csv="$out/soak.csv"
echo "seconds,rss_kib,fds,threads" > "$csv"
log="$out/soak.log"
"$bin" run "$scenario" > "$log" 2>&1 &
pid=$!
start=$(date +%s)
echo "soak: $minutes min, $messages messages per symbol, pid $pid; samples in $csv, the run's table in $log"
while kill -0 "$pid" 2>/dev/null; do
  if [ -r "/proc/$pid/status" ]; then
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    thr=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
    [ -n "$rss" ] && echo "$(( $(date +%s) - start )),$rss,$fds,$thr" >> "$csv"
  fi
  sleep "$sample_s" & wait $! || true
done
status=0
wait "$pid" || status=$?
tail -3 "$log"
# Flatness: compare the sample at a tenth of the run (warm: books full, every fault kind seen once
# in long runs) with the last one.
awk -F, -v status="$status" '
  NR == 1 { next }
  { t[++n] = $1; rss[n] = $2; fds[n] = $3; thr[n] = $4; if ($2 > peak) peak = $2 }
  END {
    if (n < 2) { print "soak: too few samples (run longer than two sample periods)"; exit 1 }
    w = int(n / 10); if (w < 2) w = 2  # never the first sample: the process was starting
    printf "soak: rss %d KiB at %d s (warm), %d KiB at %d s (last), peak %d KiB; fds %d -> %d; threads %d -> %d\n", \
      rss[w], t[w], rss[n], t[n], peak, fds[w], fds[n], thr[w], thr[n]
    bad = 0
    if (rss[n] > rss[w] * 1.10 + 16384) { print "soak: resident memory grew"; bad = 1 }
    if (fds[n] > fds[w] + 2) { print "soak: file descriptors grew"; bad = 1 }
    if (thr[n] > thr[w]) { print "soak: threads grew"; bad = 1 }
    if (status != 0) { print "soak: the run failed (exit status " status "): see the log"; bad = 1 }
    if (!bad) print "soak: passed"
    exit bad
  }' "$csv"
