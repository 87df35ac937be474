#!/usr/bin/env bash
# Runs a Node.js interop test against `kucoin-harness serve` on loopback over TLS (clients trust
# the mock's CA through NODE_EXTRA_CA_CERTS, which Node reads only at start: hence this wrapper).
#   with_mock.sh HARNESS_BIN SCRIPT.mjs [serve options...]
# The script gets the mock's base URL and API key in MOCK_URL, MOCK_KEY, MOCK_SECRET, MOCK_PASSPHRASE.
set -euo pipefail
bin="$1"; script="$2"; shift 2
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -d "$here/node_modules/ccxt" ]; then
  echo "interop: the npm packages are not installed: run bash scripts/setup_interop.sh" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
export MOCK_KEY=interop-key MOCK_SECRET=interop-secret-not-real MOCK_PASSPHRASE=interop-pass
mkfifo "$work/out"
"$bin" serve --tls --ca-out "$work/ca.pem" --quiet --api-key "$MOCK_KEY" --api-secret "$MOCK_SECRET" \
  --api-passphrase "$MOCK_PASSPHRASE" "$@" > "$work/out" 2>&1 &
pid=$!
exec 3<"$work/out"  # kept open: the mock never blocks on its output
# Read its banner line by line (10 s at most for each) until it says it serves.
while IFS= read -r -t 10 line <&3; do
  echo "$line" >> "$work/serve.out"
  [[ "$line" == *Ctrl-C* ]] && break
done
MOCK_URL="$(grep -o 'https://127.0.0.1:[0-9]*' "$work/serve.out" | head -1)"
[ -n "$MOCK_URL" ] || { echo "interop: the mock printed no URL" >&2; cat "$work/serve.out" >&2; exit 1; }
export MOCK_URL
NODE_EXTRA_CA_CERTS="$work/ca.pem" node "$here/$script"
