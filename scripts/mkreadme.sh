#!/usr/bin/env bash
# Assembles README.md from docs/README.md.in and the per-command tour parts
# docs/parts/*.md (real commands with their real output), in the order of
# the tour below; parts not named there follow in name order. Run after
# changing either; tests/cli/test_docs.sh checks README.md is current.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
order="info-pcapng convert-pcapng comment-pcapng
       merge split slice filter dedup sort retime snap compress
       print stats report export gen import capture rewrite replay"
parts=$(mktemp)
trap 'rm -f "$parts"' EXIT
declare -A seen=()
add() { [ -f "$1" ] || return 0; cat "$1" >> "$parts"; printf '\n' >> "$parts"; seen[$1]=1; }
for n in $order; do add "$root/docs/parts/$n.md"; done
shopt -s nullglob
for p in "$root"/docs/parts/*.md; do [ -n "${seen[$p]:-}" ] || add "$p"; done
awk -v parts="$parts" '
  /^@TOUR@$/ { while ((getline l < parts) > 0) print l; next }
  { print }' "$root/docs/README.md.in" | cat -s > "$root/README.md"
