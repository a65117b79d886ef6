#!/usr/bin/env bash
# print.sh - capkit print and its field dump against another build of capkit (a
# baseline: BASE=/path/to/capkit) on the same capture in one run, output to
# /dev/null, median of RUNS (hyperfine when installed, else /usr/bin/time in
# a loop). The corpus comes from the shared generator,
# ../shared/bench/gen_corpus.c seen from the repository root
# (CAPKIT_BENCH_SHARED overrides the directory).
#   BASE=...    the baseline capkit binary (required)
#   SIZE=200M   corpus size (gen_corpus -b)
#   RUNS=5      runs per command
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${CAPKIT_BENCH_SHARED:-"$root/../shared/bench"}
CAPKIT=${CAPKIT:-"$root/build/capkit"}
: "${BASE:?BASE must name the baseline capkit binary}"
SIZE=${SIZE:-200M}
RUNS=${RUNS:-5}
[ -x "$CAPKIT" ] || { echo "build first: make" >&2; exit 1; }
[ -f "$shared/gen_corpus.c" ] || { echo "no $shared/gen_corpus.c" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/capkit-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/gen_corpus" "$shared/gen_corpus.c"
"$tmp/gen_corpus" -b "$SIZE" "$tmp/in.pcap" >/dev/null
ls -l "$tmp/in.pcap"
cat "$tmp/in.pcap" >/dev/null # warm the page cache
# the field dump: -v before tcpdump's -v took the letter, --fields since
bv=-v nv=-v
"$BASE" print --help | grep -q -- --fields && bv=--fields
"$CAPKIT" print --help | grep -q -- --fields && nv=--fields
# same output from both builds first (else the comparison means nothing)
for o in "" fields; do
  b=${o:+$bv} n=${o:+$nv}
  # shellcheck disable=SC2086
  if ! cmp -s <("$BASE" print $b "$tmp/in.pcap") <("$CAPKIT" print $n "$tmp/in.pcap"); then
    echo "note: print $n output differs between the builds" >&2
  fi
done
if command -v hyperfine >/dev/null; then
  hyperfine -N -w 1 -r "$RUNS" --export-markdown "$tmp/res.md" \
    -n "base print" "$BASE print $tmp/in.pcap" \
    -n "new print" "$CAPKIT print $tmp/in.pcap" \
    -n "base print $bv" "$BASE print $bv $tmp/in.pcap" \
    -n "new print $nv" "$CAPKIT print $nv $tmp/in.pcap" >/dev/null
  cat "$tmp/res.md"
  exit 0
fi
# median of RUNS wall-clock seconds, and the largest resident size
run() {
  local name=$1
  shift
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %M" -a -o "$tmp/t.$$" "$@" >/dev/null </dev/null
  done
  # wall clock, and user CPU (steadier on a shared machine), each sorted
  u=$(awk '{ print $2 }' "$tmp/t.$$" | sort -n | awk '{ u[NR] = $1 } END { print u[int((NR + 1) / 2)] }')
  sort -n "$tmp/t.$$" | awk -v n="$name" -v u="$u" '{ t[NR] = $1; if ($3 > m) m = $3 }
    END { printf "%-16s median %.2f s  (min %.2f, max %.2f)  user median %.2f s  max RSS %d KiB\n",
          n, t[int((NR + 1) / 2)], t[1], t[NR], u, m }'
  rm -f "$tmp/t.$$"
}
for o in "" fields; do
  b=${o:+$bv} n=${o:+$nv}
  # alternate the builds so that both see the same machine load
  # shellcheck disable=SC2086
  run "base print $b" "$BASE" print $b "$tmp/in.pcap"
  # shellcheck disable=SC2086
  run "new print $n" "$CAPKIT" print $n "$tmp/in.pcap"
done
