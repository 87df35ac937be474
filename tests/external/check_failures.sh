#!/usr/bin/env bash
# The runner's side of the external-client protocol when the program misbehaves: bad output fails
# the case naming the line, an early exit quotes its status and stderr (secrets masked), a program
# that hangs and ignores SIGTERM is killed at the deadline; the runner itself never hangs.
#   check_failures.sh HARNESS_BIN
set -uo pipefail
bin="$1"
fails=0
expect() {  # expect NAME "CLIENT COMMAND" PATTERN [NOT_PATTERN]
  local name="$1" client="$2" pattern="$3" not="${4:-}"
  local out status
  out="$(timeout 120 "$bin" run --case clean --client "$client" 2>&1)"
  status=$?
  if [ "$status" -ne 1 ]; then
    echo "FAIL $name: exit status $status, expected 1"; echo "$out"; fails=1; return
  fi
  if ! grep -qF -- "$pattern" <<<"$out"; then
    echo "FAIL $name: no \"$pattern\" in:"; echo "$out"; fails=1; return
  fi
  if [ -n "$not" ] && grep -qF -- "$not" <<<"$out"; then
    echo "FAIL $name: \"$not\" must not appear in:"; echo "$out"; fails=1; return
  fi
  echo "ok   $name: $(grep -F -- "$pattern" <<<"$out" | head -1 | sed 's/^ *//')"
}
expect "not JSON" 'echo "{\"type\":\"log\",\"message\":\"hi\"}"; echo hello; sleep 5' \
  'stdout line 2: not JSON'
expect "bad level" \
  'echo "{\"type\":\"book\",\"symbol\":\"BTC-USDT\",\"sequence\":1,\"bids\":[[1,\"2\"]],\"asks\":[]}"; sleep 5' \
  'stdout line 1: bids[0][0]: a decimal string expected, got a number (1)'
expect "unknown symbol" \
  'echo "{\"symbol\":\"DOGE-USDT\",\"sequence\":1,\"bids\":[],\"asks\":[]}"; sleep 5' \
  'stdout line 1: a book of "DOGE-USDT", not a symbol of the case'
expect "made-up sequence" \
  'echo "{\"symbol\":\"BTC-USDT\",\"sequence\":12,\"bids\":[],\"asks\":[]}"; sleep 5' \
  'the mock'"'"'s stream never was at that sequence'
expect "early exit, secrets masked" 'echo "secret is $KH_API_SECRET, passphrase $KH_API_PASSPHRASE" >&2; exit 3' \
  'the client exited (status 3) before its books reached the end of the stream; stderr: secret is ***, passphrase ***' \
  'external-secret'
expect "hangs, ignores SIGTERM" 'trap "" TERM; echo stuck >&2; while :; do sleep 1; done' \
  'BTC-USDT: no book reported'
exit "$fails"
