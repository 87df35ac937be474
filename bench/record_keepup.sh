#!/usr/bin/env bash
# Does the recorder keep up with the fastest stream the client reads? (recordings/README.md#keeping-up)
# Release build; the mock streams one BTC-USDT book (2,000 levels a side) unpaced over loopback
# ws:// (`serve --live --pace 0 --messages N`), a fresh mock for each reader:
#   watch            the client alone (books, no capture): the rate the client reads
#   record LEVEL     the client + the capture at zstd LEVEL (.jsonl.zst), for each LEVEL given;
#                    LEVEL:W also sets --zstd-workers W (libzstd's own threads; default 1)
# For each: messages/s while the stream flows (the median of the 100 ms intervals with messages,
# the first and last left out), and for the recorder: the frames in the capture against the
# frames sent (`inspect`: level2 count, gaps in the sequence), and the peak of its write queue
# (frames read and not yet written: it stays bounded when the writer keeps up, and grows with the
# stream's length when it does not).
# The readers alternate over ROUNDS rounds (default 3; the machine's load moves between them); each
# row prints the median rate and every round's.
# MAX_QUEUE_MB sets record's --max-queue-mb (default 256): past it the reading waits for the writer.
# Usage: [ROUNDS=3] [MAX_QUEUE_MB=256] bash bench/record_keepup.sh [MESSAGES (default 1000000)] [LEVEL...] (default levels: 1 -3)
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${1:-1000000}
rounds=${ROUNDS:-3}
shift || true
levels=("$@")
[ ${#levels[@]} -eq 0 ] && levels=(1 -3)
cmake --preset release >/dev/null
cmake --build --preset release --target kucoin-harness >/dev/null
bin=./build/release/apps/kucoin-harness
dir=$(mktemp -d)
mock_pid=
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
seconds=$(echo "$messages / 200000 + 3" | bc)  # past the stream's end at the slowest rate seen

start_mock() {
  $bin serve --live --levels 2000 --messages "$messages" --pace 0 --symbols BTC-USDT --quiet >"$dir/mock.out" 2>&1 &
  mock_pid=$!
  for _ in $(seq 100); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/mock.out" | head -1 || true)
    [ -n "$url" ] && return
    sleep 0.1
  done
  echo "the mock did not start" >&2
  exit 1
}
stop_mock() {
  kill "$mock_pid" 2>/dev/null || true
  wait "$mock_pid" 2>/dev/null || true
  mock_pid=
}
# The median of per-interval rates, the first and last intervals with messages left out.
median_rate() { awk '$1 > 0' | sed '1d;$d' | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else print v[int((NR + 1) / 2)] }'; }

median_of() { tr ' ' '\n' | awk 'NF' | sort -n | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : 0) }'; }
declare -A rates peaks counts gaps_seen warnings pauses
for round in $(seq "$rounds"); do
  start_mock
  $bin watch --url "$url" --symbols BTC-USDT --seconds "$seconds" --interval-ms 100 >"$dir/watch.out" 2>&1
  stop_mock
  rates[watch]+="$(grep -o '[0-9]* updates/s' "$dir/watch.out" | awk '{ print $1 }' | median_rate) "
  for level in "${levels[@]}"; do
    start_mock
    out="$dir/cap.jsonl.zst"
    workers=1
    [[ $level == *:* ]] && workers=${level#*:}
    $bin record --url "$url" --symbols BTC-USDT --topics level2 --out "$out" --seconds "$seconds" --progress-ms 100 \
      --zstd-level="${level%%:*}" --zstd-workers="$workers" --max-queue-mb="${MAX_QUEUE_MB:-256}" >"$dir/record.out" 2>&1
    stop_mock
    rates[$level]+="$(grep -o 'recording: [0-9]* messages' "$dir/record.out" |
      awk '{ n = $2; print (NR > 1 ? (n - prev) * 10 : 0); prev = n }' | median_rate) "
    inspect=$($bin inspect "$out")
    counts[$level]+="$(echo "$inspect" | grep -o '/market/level2 [0-9]*' | awk 'NR == 1 { print $2 }') "
    gaps_seen[$level]+="$(echo "$inspect" | grep -o '[0-9]* gaps in the stream' | awk 'NR == 1 { print $1 }') "
    peaks[$level]+="$(grep -o 'peak [0-9.]* MB' "$dir/record.out" | awk 'END { print $2 }') "
    warnings[$level]+="$(grep -c 'falling behind' "$dir/record.out" || true) "
    pauses[$level]+="$( (grep -o 'paused [0-9]* times ([0-9]* ms)' "$dir/record.out" || true) | awk 'END { print (NR ? $2 "/" $4 : "0/0") }' | tr -d '(') "
  done
done
watch_rate=$(echo "${rates[watch]}" | median_of)
printf '%-16s %11s %8s  %-28s %-26s %-10s %-18s %-10s %s\n' reader "msg/s" "x watch" "msg/s per round" "level2 frames in capture" "gaps" "peak queue MB" "warnings" "pauses/ms"
printf '%-16s %11.0f %8s  %-28s\n' watch "$watch_rate" 1.00 "${rates[watch]}"
for level in "${levels[@]}"; do
  rate=$(echo "${rates[$level]}" | median_of)
  printf '%-16s %11.0f %8.2f  %-28s %-26s %-10s %-18s %-10s %s\n' "record zstd $level" "$rate" \
    "$(echo "$rate / $watch_rate" | bc -l)" "${rates[$level]}" "${counts[$level]}(of $messages)" "${gaps_seen[$level]}" \
    "${peaks[$level]}" "${warnings[$level]}" "${pauses[$level]}"
done
