#!/usr/bin/env bash
# Compiles every ```cpp block of a Markdown file against the project's public headers, so that the
# README's examples keep matching the API. Each block becomes the body of a function (its
# #include lines are hoisted); `frame` and `body` (std::string) are in scope, as the examples use
# them. Ignoring a [[nodiscard]] result (an error nobody checks) fails too: examples teach habits.
# Usage: check_readme_snippets.sh <compiler> <file.md> <include dir>...
set -euo pipefail
cxx="$1"; md="$2"; shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v dir="$work" '
  /^```cpp/ { inblock = 1; n++; next }
  /^```/    { inblock = 0; next }
  inblock && /^#include/ { print > (dir "/includes"); next }
  inblock   { print > (dir "/block" n) }
  END { print n + 0 > (dir "/count") }
' "$md"
count=$(cat "$work/count")
if [ "$count" -eq 0 ]; then
  echo "no cpp blocks in $md"
  exit 1
fi
{
  sort -u "$work/includes"
  echo '#include <iostream>'
  echo '#include <string>'
  for i in $(seq 1 "$count"); do
    echo "void readme_block_$i(std::string frame, std::string body) {"
    echo "  (void)frame; (void)body;"
    echo "#line 1 \"$md block $i\""
    cat "$work/block$i"
    echo "}"
  done
} > "$work/snippets.cpp"
args=()
for dir in "$@"; do args+=("-I$dir"); done
if ! "$cxx" -std=c++20 -fsyntax-only -Werror=unused-result "${args[@]}" "$work/snippets.cpp"; then
  echo "a C++ example in $md no longer compiles against the headers (see above)"
  exit 1
fi
echo "$count C++ examples in $md compile"
