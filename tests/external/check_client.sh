#!/usr/bin/env bash
# Runs the built-in suite through an external client (kucoin-harness run --client) and checks
# which cases fail against the expected list: the proper Node.js client must pass every case, the
# naive one fail exactly the cases that need gap handling, the adapters what README.md records.
#   check_client.sh HARNESS_BIN "CLIENT COMMAND" EXPECTED_FAILURES [run options...]
# EXPECTED_FAILURES: comma-separated case names, or "none". A name ending in "?" may pass or fail
# (its outcome for this client depends on timing: say why where the list is given). Prints which
# cases passed and failed.
set -euo pipefail
bin="$1"; client="$2"; expected="$3"; shift 3
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
for dir in "$root/clients/node" "$root/tests/interop"; do
  if [[ "$client" == *"${dir#"$root"/}"* && ! -d "$dir/node_modules" ]]; then
    echo "external: the npm packages of $dir are not installed: run bash scripts/setup_interop.sh" >&2
    exit 1
  fi
done
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
(cd "$root" && "$bin" run --client "$client" "$@") > "$log" 2>&1 || status=$?
cat "$log"
# The table's rows: "  NAME  ok|FAILED  ..." (the lines between the header and the summary).
passed="$(awk '$2 == "ok" && NF >= 3 {print $1}' "$log" | paste -sd, -)"
maybe="$(echo "$expected" | tr ',' '\n' | sed -n 's/?$//p' | paste -sd'|' -)"
failed="$(awk '$2 == "FAILED" && NF >= 3 {print $1}' "$log" | { if [ -n "$maybe" ]; then grep -Exv "$maybe" || true; else cat; fi; } | sort | paste -sd, -)"
want="$( [ "$expected" = none ] && echo "" || echo "$expected" | tr ',' '\n' | grep -v '?$' | sort | paste -sd, -)"
echo
echo "external client: $client"
echo "  passed: ${passed:-none}"
echo "  failed: ${failed:-none}"
echo "  expected to fail: ${want:-none}"
[ -z "$maybe" ] || echo "  may pass or fail: ${maybe//|/,}"
if [ -z "$passed$failed" ]; then
  echo "external: the run printed no table (exit status $status)" >&2
  exit 1
fi
if [ "$failed" != "$want" ]; then
  echo "external: the failing cases differ from the expected ones" >&2
  exit 1
fi
if [ -z "$want" ] && [ "$status" -ne 0 ]; then
  echo "external: every case passed but the run exited with $status" >&2
  exit 1
fi
echo "external: as expected"
