#!/usr/bin/env bash
# stats.sh - capkit stats and capkit info on a ~1 GiB capture (the shared
# generator), this build against another build of capkit (BASE, e.g. the
# build before a change) in one run: median wall time of RUNS runs each,
# and peak RSS (/usr/bin/time -f %M, KiB) of one run each. Run by hand:
#   BASE=path/to/old/capkit bash bench/stats.sh
#   SIZE=1G      corpus size (gen_corpus -b)
#   RUNS=5       runs per command
#   OUT=dir      where the corpus goes (default: a temporary directory,
#                removed at the end)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${CAPKIT_BENCH_SHARED:-"$root/../shared/bench"}
CAPKIT=${CAPKIT:-"$root/build/capkit"}
BASE=${BASE:?BASE must name the capkit binary to compare with}
SIZE=${SIZE:-1G}
RUNS=${RUNS:-5}
[ -x "$CAPKIT" ] || { echo "build first: make" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time" >&2; exit 2; }
if [ -n "${OUT:-}" ]; then
  out=$OUT
  mkdir -p "$out"
else
  out=$(mktemp -d "${TMPDIR:-/tmp}/capkit-bench-XXXXXX")
  trap 'rm -rf "$out"' EXIT
fi
[ -x "$out/gen_corpus" ] || cc -O2 -o "$out/gen_corpus" "$shared/gen_corpus.c"
f="$out/corpus-$SIZE.pcap"
[ -f "$f" ] || "$out/gen_corpus" -b "$SIZE" "$f" >/dev/null
ls -l "$f"
cat "$f" >/dev/null # warm the page cache

# median wall seconds of RUNS runs of "$@" (output to /dev/null)
median() {
  local i t
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -f %e -o "$out/time" "$@" >/dev/null 2>&1 || true
    tail -1 "$out/time"
  done | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
rss() {
  /usr/bin/time -f %M -o "$out/time" "$@" >/dev/null 2>&1 || true
  tail -1 "$out/time"
}

printf '%-26s %10s %10s %12s %12s\n' command "base s" "this s" "base KiB" "this KiB"
for args in "stats" "stats --json -n 0" "stats -i 0.001" "stats --eth" "info" "info --json"; do
  # interleave the two builds so that load changes hit both alike
  # shellcheck disable=SC2086
  b=$(median "$BASE" $args "$f")
  # shellcheck disable=SC2086
  n=$(median "$CAPKIT" $args "$f")
  # shellcheck disable=SC2086
  br=$(rss "$BASE" $args "$f")
  # shellcheck disable=SC2086
  nr=$(rss "$CAPKIT" $args "$f")
  printf '%-26s %10s %10s %12s %12s\n' "$args" "$b" "$n" "$br" "$nr"
done
