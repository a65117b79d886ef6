#!/usr/bin/env bash
# cut_engines.sh - the cutting engines of the library (merger, external
# sorter, duplicate checker) through the tool, a reference build against
# this one in the same run: merge of two 250 MiB halves, sort of a capture
# appended to another (its sorted stretches merged), sort of the same from
# standard input (the external sorter, temporary files), dedup (by count
# and by time) of a 1 GiB corpus. Median wall time of RUNS runs (default
# 5, the two builds alternating) and the largest peak RSS, from
# /usr/bin/time. Run by hand:
#   BASE=/path/to/old/capkit bash bench/cut_engines.sh
# SIZE (default 250M) is each merge half; DEDUP_SIZE (default 1G) the
# dedup corpus. Inputs are generated with ../shared/bench/gen_corpus.c
# seen from the repository root (CAPKIT_BENCH_SHARED overrides).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${CAPKIT_BENCH_SHARED:-"$root/../shared/bench"}
NEW=${CAPKIT:-"$root/build/capkit"}
BASE=${BASE:?BASE must name the capkit binary to compare with}
SIZE=${SIZE:-250M}
DEDUP_SIZE=${DEDUP_SIZE:-1G}
RUNS=${RUNS:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/capkit-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/gen_corpus" "$shared/gen_corpus.c"
"$tmp/gen_corpus" -b "$SIZE" "$tmp/a.pcap" "$tmp/b.pcap"
cat "$tmp/b.pcap" >"$tmp/ba.pcap"
tail -c +25 "$tmp/a.pcap" >>"$tmp/ba.pcap"
"$tmp/gen_corpus" -b "$DEDUP_SIZE" "$tmp/c.pcap"
ls -l "$tmp"/*.pcap | awk '{print $5, $NF}'
sync

# one BIN ARGS...: wall seconds and peak RSS (KiB) of one run.
one() {
  rm -f "$tmp"/out*
  /usr/bin/time -f "%e %M" -o "$tmp/tv" "$@" >/dev/null 2>"$tmp/err" ||
    { echo "failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
  cat "$tmp/tv"
}
# case NAME ARGS... (the binary is put first; '-' input reads ba.pcap)
case_() {
  local name=$1 stdin=$2 i b
  shift 2
  declare -A w=() m=()
  for ((i = 0; i < RUNS; i++)); do
    for b in BASE NEW; do
      if [ "$stdin" = - ]; then
        read -r t k < <(one "${!b}" "$@" <"$tmp/ba.pcap")
      else
        read -r t k < <(one "${!b}" "$@")
      fi
      w[$b]+="$t "
      [ "${m[$b]:-0}" -ge "$k" ] || m[$b]=$k
    done
  done
  for b in BASE NEW; do
    med=$(tr ' ' '\n' <<<"${w[$b]}" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')
    printf '%-34s %-4s median %6.2f s  peak %7.1f MiB  (%s)\n' "$name" "$b" "$med" \
      "$(awk -v k="${m[$b]}" 'BEGIN{print k/1024}')" "${w[$b]% }"
  done
}
case_ "merge two ${SIZE} halves" x merge -o "$tmp/out.pcap" "$tmp/a.pcap" "$tmp/b.pcap"
case_ "sort appended (stretches)" x sort "$tmp/ba.pcap" -o "$tmp/out.pcap"
case_ "sort appended from stdin (external)" - sort -T "$tmp" - -o "$tmp/out.pcap"
case_ "dedup ${DEDUP_SIZE} (-w 4)" x dedup "$tmp/c.pcap" -o "$tmp/out.pcap"
case_ "dedup ${DEDUP_SIZE} (-t 0.01)" x dedup -t 0.01 "$tmp/c.pcap" -o "$tmp/out.pcap"
