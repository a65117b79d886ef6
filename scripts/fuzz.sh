#!/usr/bin/env bash
# Runs each libFuzzer target built in $1 for $2 seconds, seeded by (and
# adding to a scratch copy of) its corpus; a crash fails the run.
set -euo pipefail
dir=$(cd "$1" && pwd); secs=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
shopt -s nullglob
for t in "$dir"/tests/fuzz_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t"); corpus=${name#fuzz_}
  work=$(mktemp -d)
  cp -r "$root/tests/fuzz/corpus/$corpus/." "$work/" 2>/dev/null || true
  echo "fuzzing $name for ${secs}s"
  (cd "$work" && "$t" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
     -print_final_stats=0 "$work" >"$work/log" 2>&1) || { tail -40 "$work/log"; exit 1; }
  grep -E "^#[0-9]+.*DONE|Done" "$work/log" | tail -1 || true
  rm -rf "$work"
done
