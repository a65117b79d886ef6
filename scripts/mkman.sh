#!/usr/bin/env bash
# Assembles docs/capkit.1 from docs/capkit.1.in and the per-command parts
# docs/parts/*.man (in name order); run after changing either.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^#define CAPKIT_VERSION_STRING "\(.*\)"/\1/p' "$root/include/capkit/capkit.h")
parts=$(mktemp)
shopt -s nullglob
for p in "$root"/docs/parts/*.man; do cat "$p" >> "$parts"; done
awk -v parts="$parts" -v ver="$ver" '
  /^@PARTS@$/ { while ((getline l < parts) > 0) print l; next }
  { gsub(/@VERSION@/, ver); print }' "$root/docs/capkit.1.in" > "$root/docs/capkit.1"
rm -f "$parts"
