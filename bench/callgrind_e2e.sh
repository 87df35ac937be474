#!/usr/bin/env bash
# Instructions per message on both sides of bench_e2e's saturated plain ws:// variants (release
# build, callgrind: the same counts whatever the machine's load): the client's read path (all of
# WsTransport::read: frames, session, topic, decode, book, events; the syscalls not counted) and
# the mock's I/O thread (everything it runs: scheduler, market, frame encoding, socket writes).
# Needs valgrind; about 3-5 minutes per variant.
# Usage: bash bench/callgrind_e2e.sh [read|books]...   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build --preset release --target bench_e2e >/dev/null
variants=("$@")
[ ${#variants[@]} -eq 0 ] && variants=(read books)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
messages=600000  # 3 iterations of 200,000 frames
for v in "${variants[@]}"; do
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$out/$v" \
    ./build/release/bench/bench_e2e --benchmark_filter="plain_$v/" >/dev/null 2>&1
  client=$(callgrind_annotate --inclusive=yes "$out/$v-01" 2>/dev/null |
    grep -m1 'WsTransport<boost::asio::basic_stream_socket<[^>]*> >::read(' | awk '{gsub(/,/, "", $1); print $1}')
  mock=$(callgrind_annotate "$out/$v-02" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(/,/, "", $1); print $1; exit}')
  printf '%-6s client read path: %6.0f instructions/message   mock I/O thread: %6.0f instructions/message\n' \
    "$v" "$(echo "${client:-0} / $messages" | bc -l)" "$(echo "${mock:-0} / $messages" | bc -l)"
done
