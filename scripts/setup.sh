#!/usr/bin/env bash
# Installs whatever the build, the tests and the benchmarks need, from Debian 12's packages.
# Idempotent: it runs `apt-get update` once, and only when a package is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache git pkg-config ca-certificates openssl curl
  libboost1.81-dev libssl-dev libyaml-cpp-dev libsimdjson-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev clang-format libzstd-dev
  clang-14 libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer and the sanitizer runtimes of clang
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages are installed"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "setup: missing packages and not root (and no sudo): install them yourself: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
