#!/usr/bin/env bash
# Installs what the interop tests need: Node.js and npm (Debian's packages when the machine has
# none) and the third-party KuCoin clients of tests/interop at the versions its lock file pins
# (ccxt, kucoin-universal-sdk), and the `ws` package of the Node.js external client in clients/node
# (clients/README.md). Idempotent: npm runs only when the lock file changed.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup_interop: installing nodejs and npm"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
      echo "setup_interop: Node.js is missing and not root (and no sudo): install nodejs and npm yourself" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nodejs npm
fi
# The third-party clients of tests/interop and the external client of clients/node (its `ws`).
for dir in tests/interop clients/node; do
  stamp="$dir/node_modules/.lock-installed"
  if [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then
    echo "setup_interop: npm packages of $dir are installed ($(node --version))"
    continue
  fi
  echo "setup_interop: npm ci in $dir (node $(node --version), npm $(npm --version))"
  # --ignore-scripts: no package needs its install script here (ccxt's optional native speed-ups).
  npm ci --prefix "$dir" --ignore-scripts --no-audit --no-fund --loglevel=error
  cp "$dir/package-lock.json" "$stamp"
done
echo "setup_interop: done"
