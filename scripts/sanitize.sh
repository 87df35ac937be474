#!/usr/bin/env bash
# The whole test suite under the sanitizers (docs/reliability.md):
#
#   bash scripts/sanitize.sh asan [ctest options...]   AddressSanitizer + UBSan (preset asan)
#   bash scripts/sanitize.sh tsan [ctest options...]   ThreadSanitizer (preset tsan)
#   bash scripts/sanitize.sh all  [ctest options...]   both, one after the other
#
# Each configures and builds its preset (build/asan, build/tsan: a full build, slow on 2 cores; run
# it with `nice` on a shared machine) and runs ctest; e.g. `-R ClientThreads` for one test. The
# last lines of build/<preset>/sanitize.log list the failed tests; a sanitizer report is in the
# failed test's output. Exit status non-zero when a test failed.
set -euo pipefail
cd "$(dirname "$0")/.."

which="${1:-all}"
shift || true
case "$which" in
  asan | tsan) presets=("$which") ;;
  all) presets=(asan tsan) ;;
  *)
    echo "usage: scripts/sanitize.sh asan|tsan|all [ctest options...]" >&2
    exit 2
    ;;
esac

bash scripts/setup.sh >/dev/null
status=0
for p in "${presets[@]}"; do
  echo "sanitize: $p: configure and build"
  cmake --preset "$p" >/dev/null
  cmake --build --preset "$p"
  echo "sanitize: $p: ctest $*"
  start=$(date +%s)
  set +e
  ctest --preset "$p" "$@" 2>&1 | tee "build/$p/sanitize.log"
  rc=${PIPESTATUS[0]}
  set -e
  echo "sanitize: $p: ctest exit $rc in $(($(date +%s) - start)) s" | tee -a "build/$p/sanitize.log"
  [ "$rc" -eq 0 ] || status=1
done
exit "$status"
