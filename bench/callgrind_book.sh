#!/usr/bin/env bash
# Instructions per message of every bench_book variant, counted by callgrind: the same for the
# same binary and frames whatever else the machine does. Each variant's pass over the 100,000
# frames runs twice (the check before timing and one timed iteration); only the pass is counted.
# Usage: bash bench/callgrind_book.sh [filter-regex]   (e.g. 'DecodeApply')
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build --preset release --target bench_book >/dev/null
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
filter="${1:-.}"
out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT
printf "%-36s %16s\n" "variant" "instructions/msg"
while read -r bench pass; do
  for levels in 2000 50; do
    name="$bench/levels:$levels"
    [ "$bench" = BM_DecodeApplyRealistic ] && { [ $levels = 50 ] && continue; name=$bench; }
    [[ "$name" =~ $filter ]] || continue
    valgrind --tool=callgrind --callgrind-out-file="$out_dir/cg.out" --collect-atstart=no \
      --toggle-collect="*$pass(*" ./build/release/bench/bench_book --benchmark_filter="^$name\$" \
      --benchmark_min_time=0.000001 >/dev/null 2>"$out_dir/log" || { cat "$out_dir/log" >&2; exit 1; }
    ir=$(grep -E '^summary:' "$out_dir/cg.out" | awk '{print $2}')
    printf "%-36s %16.0f\n" "$name" "$(echo "$ir / 200000" | bc -l)"
  done
done <<'LIST'
BM_DecodeOnly pass_decode_only
BM_DecodeApply pass_decode_apply
BM_ApplyOnly pass_apply_only
BM_SimdjsonEveryField pass_simdjson_every_field
BM_SimdjsonSortedVector pass_simdjson_sorted_vector
BM_BaselineMapStod pass_map_stod
BM_DecodeApplyRealistic pass_decode_apply
LIST
