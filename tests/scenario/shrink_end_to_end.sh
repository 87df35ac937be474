#!/usr/bin/env bash
# run --shrink end to end: a scenario that fails on purpose (tests/data/shrink/fails_on_purpose.yaml)
# is run with --shrink; the shrunk file must be written next to the --junit report, be smaller
# (one symbol, fewer messages, one fault) and fail the same way when run on its own.
# Usage: shrink_end_to_end.sh KUCOIN_HARNESS SCENARIO WORKDIR
set -u
harness=$1 scenario=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
out=$("$harness" run --shrink --shrink-runs 12 --junit "$work/report.xml" "$scenario" 2>&1)
status=$?
echo "$out"
fail() { echo "FAILED: $*"; exit 1; }
[ "$status" = 1 ] || fail "the run exited with $status, expected 1 (a failing scenario)"
shrunk="$work/fails_on_purpose_shrunk.yaml"
[ -f "$shrunk" ] || fail "no $shrunk"
grep -q "shrunk in .* runs from 2 symbols, 1200 messages, 2 faults, 100 levels to 1 symbol, " <<<"$out" ||
  fail "no shrink summary line"
grep -q "^name: fails_on_purpose_shrunk$" "$shrunk" || fail "the shrunk file is not named fails_on_purpose_shrunk"
grep -v "^#" "$shrunk" | grep -q "ETH-USDT" && fail "ETH-USDT (and its fault) should have been taken away"
again=$("$harness" run "$shrunk" 2>&1)
status=$?
echo "$again"
[ "$status" = 1 ] || fail "the shrunk scenario exited with $status, expected 1"
grep -q -- "-> BTC-USDT: 1 resyncs, expected at most 0" <<<"$again" || fail "the shrunk scenario fails another way"
echo "ok"
