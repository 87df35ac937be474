#!/usr/bin/env bash
# Checks that every tracked C++ source follows .clang-format (clang-format 14, Debian 12's
# `clang-format` package, installed by scripts/setup.sh). Lists the files that do not, with the
# command that fixes them. Run by ctest (Style.clang_format) from scripts/test.sh.
#   bash scripts/check_format.sh          # check
#   bash scripts/check_format.sh --fix    # rewrite the files in place
set -euo pipefail
cd "$(dirname "$0")/.."
formatter="$(command -v clang-format-14 || command -v clang-format || true)"
if [ -z "$formatter" ]; then
  echo "check_format: clang-format is not installed: run bash scripts/setup.sh" >&2
  exit 2
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h')
else
  mapfile -t files < <(find apps bench client mockserver runner tests -name '*.cpp' -o -name '*.hpp' -o -name '*.h')
fi
if [ "${1:-}" = "--fix" ]; then
  "$formatter" -i "${files[@]}"
  echo "check_format: formatted ${#files[@]} files"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  "$formatter" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ "${#bad[@]}" -ne 0 ]; then
  echo "check_format: ${#bad[@]} of ${#files[@]} files do not follow .clang-format:" >&2
  printf '  %s\n' "${bad[@]}" >&2
  echo "fix with: bash scripts/check_format.sh --fix  (or $formatter -i FILE)" >&2
  exit 1
fi
echo "check_format: all ${#files[@]} files follow .clang-format"
