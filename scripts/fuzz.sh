#!/usr/bin/env bash
# Fuzzing with libFuzzer (clang 14 from Debian, preset `fuzz`; fuzz/README.md).
#
#   bash scripts/fuzz.sh ci [SECONDS]      build the targets and run each for SECONDS (default 6)
#                                          over its corpus, two at a time (ctest -L fuzz); CI runs this
#   bash scripts/fuzz.sh long [RUNS] [MAX_SECONDS]
#                                          the long campaign: each target until RUNS inputs (default
#                                          10,000,000) or MAX_SECONDS (default: no limit), one after
#                                          the other; a table of the figures at the end, logs in
#                                          build/fuzz/long/
#   bash scripts/fuzz.sh run TARGET [libFuzzer options...]
#                                          one target by hand (e.g. -runs=1000000 or a crash file)
#
# Crashes are written to build/fuzz/fuzz-artifacts/ (ci) or build/fuzz/long/ (long). A crash input
# belongs in fuzz/corpus/<target>/ once fixed: the replay tests (ctest -R FuzzReplay) run it in
# every build from then on. Exit status non-zero when a target failed.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-ci}"
targets=(l2_update l2_snapshot book ws_json rfc6455 rest symbols capture frame_log mock_rest scenario_yaml orders)

build() {
  bash scripts/setup.sh >/dev/null
  if ! command -v clang++-14 >/dev/null; then
    echo "fuzz: clang++-14 is missing (scripts/setup.sh installs clang-14 and libclang-rt-14-dev)" >&2
    exit 1
  fi
  cmake --preset fuzz "$@" >/dev/null
  cmake --build --preset fuzz
}

case "$mode" in
  ci)
    seconds="${2:-6}"
    start=$(date +%s)
    build -DKUCOIN_FUZZ_SECONDS="$seconds"
    built=$(date +%s)
    ctest --preset fuzz
    echo "fuzz: built in $((built - start)) s, ${#targets[@]} targets x ${seconds} s ran in $(($(date +%s) - built)) s"
    ;;
  long)
    runs="${2:-10000000}"
    max_seconds="${3:-0}"
    build
    out=build/fuzz/long
    mkdir -p "$out"
    failed=0
    printf '%-14s %12s %8s %10s %8s %8s %8s  %s\n' target inputs seconds inputs/s cov features rss_mb result > "$out/summary.txt"
    for t in "${targets[@]}"; do
      mkdir -p "$out/corpus-$t"
      t0=$(date +%s)
      set +e
      build/fuzz/fuzz/fuzz_$t -runs="$runs" -max_total_time="$max_seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$out/$t-" "$out/corpus-$t" "fuzz/corpus/$t" \
        > "$out/$t.log" 2>&1
      rc=$?
      set -e
      secs=$(($(date +%s) - t0))
      execs=$(awk '/^stat::number_of_executed_units:/ {v = $2} END {print v}' "$out/$t.log")
      rate=$(awk '/^stat::average_exec_per_sec:/ {v = $2} END {print v}' "$out/$t.log")
      rss=$(awk '/^stat::peak_rss_mb:/ {v = $2} END {print v}' "$out/$t.log")
      cov=$(grep -o 'cov: [0-9]*' "$out/$t.log" | tail -1 | awk '{print $2}')
      ft=$(grep -o 'ft: [0-9]*' "$out/$t.log" | tail -1 | awk '{print $2}')
      result=ok
      if [ "$rc" -ne 0 ]; then result="FAILED (rc $rc, see $out/$t.log)"; failed=1; fi
      printf '%-14s %12s %8s %10s %8s %8s %8s  %s\n' "$t" "${execs:-?}" "$secs" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
        "${rss:-?}" "$result" | tee -a "$out/summary.txt"
    done
    cat "$out/summary.txt"
    exit "$failed"
    ;;
  run)
    t="${2:?target name: ${targets[*]}}"
    shift 2
    build
    mkdir -p "build/fuzz/fuzz-corpus/$t"
    exec build/fuzz/fuzz/fuzz_$t -timeout=10 -rss_limit_mb=2048 "$@" "build/fuzz/fuzz-corpus/$t" "fuzz/corpus/$t"
    ;;
  *)
    echo "usage: scripts/fuzz.sh ci [SECONDS] | long [RUNS] [MAX_SECONDS] | run TARGET [options]" >&2
    exit 2
    ;;
esac
