#!/usr/bin/env bash
# Regenerates the sample captures of this folder from the seeded mock (recordings/README.md#samples).
# Usage: bash recordings/make_samples.sh [path/to/kucoin-harness]   (default build/dev/apps/kucoin-harness)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/dev/apps/kucoin-harness}
work=$(mktemp -d)
trap 'kill $serve_pid 2>/dev/null || true; rm -rf "$work"' EXIT
export KUCOIN_API_KEY=sample-key KUCOIN_API_SECRET=sample-secret KUCOIN_API_PASSPHRASE=sample-pass

serve() {  # serve <log> <args...>: starts the mock, sets $url
  local log=$1; shift
  "$bin" serve --quiet --api-key sample-key --api-secret sample-secret --api-passphrase sample-pass "$@" >"$log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 50); do grep -q "listening on" "$log" && break; sleep 0.1; done
  url=$(grep -o 'http://[0-9.:]*' "$log" | head -1)
}

# 1. A clean session: two symbols, 300 messages each at 100/s, full signed snapshots.
serve "$work/s1.log" --live --symbols BTC-USDT,ETH-USDT --levels 50 --seed 42 --messages 300 --pace 100
"$bin" record --url "$url" --symbols BTC-USDT,ETH-USDT --topics level2,ticker,match --seconds 4 --progress-ms 0 \
  --note "kucoin-harness serve --live --symbols BTC-USDT,ETH-USDT --levels 50 --seed 42 --messages 300 --pace 100" \
  --out "$here/mock-seed42-clean.jsonl.zst"
kill $serve_pid; wait $serve_pid 2>/dev/null || true

# 2. Reconnects: the mock drops every connection after 250 frames; the client reconnects and resyncs.
printf 'ws_faults: { close_after_frames: 250 }\n' >"$work/drop.yaml"
serve "$work/s2.log" --config "$work/drop.yaml" --live --symbols BTC-USDT --levels 50 --seed 7 --messages 600 --pace 200
"$bin" record --url "$url" --symbols BTC-USDT --topics level2 --seconds 4 --progress-ms 0 \
  --note "kucoin-harness serve --live --symbols BTC-USDT --levels 50 --seed 7 --messages 600 --pace 200 with ws_faults close_after_frames 250" \
  --out "$here/mock-seed7-reconnects.jsonl.zst"
kill $serve_pid; wait $serve_pid 2>/dev/null || true

# 3. A futures session: the mock's futures host, two contracts, 300 messages each at 100/s, public
#    full snapshots (/api/v1/level2/snapshot), sizes in lots.
serve "$work/s3.log" --live --symbols BTC-USDT --futures-symbols XBTUSDTM,ETHUSDTM --levels 50 --seed 42 --messages 300 --pace 100
for _ in $(seq 50); do grep -q "futures host" "$work/s3.log" && break; sleep 0.1; done
futures_url=$(grep -o 'futures host (api-futures): http://[0-9.:]*' "$work/s3.log" | grep -o 'http://[0-9.:]*')
"$bin" record --futures --url "$futures_url" --symbols XBTUSDTM,ETHUSDTM --seconds 4 --progress-ms 0 \
  --note "kucoin-harness serve --live --futures-symbols XBTUSDTM,ETHUSDTM --levels 50 --seed 42 --messages 300 --pace 100 (its futures host)" \
  --out "$here/mock-futures-seed42-clean.jsonl.zst"
kill $serve_pid; wait $serve_pid 2>/dev/null || true

# 4. Imported from a frame log of another tool (frames of KuCoin's 2021 shape: data first, no time).
"$bin" import "$here/old-kucoin-2021.framelog" "$here/old-kucoin-2021.jsonl"
