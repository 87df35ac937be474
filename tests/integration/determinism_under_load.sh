#!/usr/bin/env bash
# Every bundled scenario (scenarios/), run twice with the same seed while two other processes spin on the CPU
# (the machine's 2 cores busy), must give one outcome trace (kucoin-harness run --repeat 2), and a
# changed seed must give a different trace of `clean`. ctest: Determinism.under_load.
#   determinism_under_load.sh HARNESS_BIN
set -euo pipefail
bin="$1"
work="$(mktemp -d)"
spinners=()
cleanup() {
  for p in "${spinners[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for _ in 1 2; do
  bash -c 'while :; do :; done' &
  spinners+=("$!")
done
if ! "$bin" run --repeat 2 --trace "$work/seed42.jsonl" > "$work/out.txt" 2>&1; then
  cat "$work/out.txt"
  echo "determinism: a case failed or its two runs under load gave different traces" >&2
  exit 1
fi
for p in "${spinners[@]}"; do kill "$p" 2>/dev/null || true; done
spinners=()
"$bin" run --case clean,gap --seed 43 --trace "$work/seed43.jsonl" > /dev/null 2>&1
grep -q '"name":"clean"' "$work/seed42.jsonl" || { echo "determinism: no trace written" >&2; exit 1; }
# The trace lines of the scenario `clean` (from its case line to the next case line).
clean_trace() { awk '/"type":"case"/ { on = index($0, "\"name\":\"clean\"") > 0; next } on' "$1"; }
a="$(clean_trace "$work/seed42.jsonl")"
b="$(clean_trace "$work/seed43.jsonl")"
[ -n "$a" ] || { echo "determinism: no trace of clean" >&2; exit 1; }
if [ "$a" = "$b" ]; then
  echo "determinism: seeds 42 and 43 gave the same trace of clean" >&2
  exit 1
fi
echo "determinism: every case gave one trace in two runs under load; another seed gives another trace"
