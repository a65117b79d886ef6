#!/usr/bin/env bash
# cut_engines.sh - the cutting engines of the library (merger, external
# sorter, duplicate checker) through the tool, a reference build against
# this one in the same run: merge of two 250 MiB halves, sort of a capture
# appended to another (its sorted stretches merged), sort of the same from
# standard input (the external sorter, temporary files), dedup (by count
# and by time) of a 1 GiB corpus. Median wall time and median CPU time
# (user + system: steadier on a shared machine) of RUNS runs (default 5,
# the two builds alternating) and the largest peak RSS, from
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

# one BIN ARGS...: wall seconds, peak RSS (KiB) and CPU seconds of a run.
one() {
  rm -f "$tmp"/out*
  /usr/bin/time -f "%e %M %U %S" -o "$tmp/tv" "$@" >/dev/null 2>"$tmp/err" ||
    { echo "failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
  awk '{print $1, $2, $3 + $4}' "$tmp/tv"
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
# case NAME ARGS... (the binary is put first; '-' input reads ba.pcap)
case_() {
  local name=$1 stdin=$2 i b
  shift 2
  declare -A w=() m=() u=()
  for ((i = 0; i < RUNS; i++)); do
    for b in BASE NEW; do
      if [ "$stdin" = - ]; then
        read -r t k c < <(one "${!b}" "$@" <"$tmp/ba.pcap")
      else
        read -r t k c < <(one "${!b}" "$@")
      fi
      w[$b]+="$t "
      u[$b]+="$c "
      [ "${m[$b]:-0}" -ge "$k" ] || m[$b]=$k
    done
  done
  for b in BASE NEW; do
    printf '%-36s %-4s wall %6.2f s  cpu %6.2f s  peak %6.1f MiB  (wall %s)\n' \
      "$name" "$b" "$(median <<<"${w[$b]}")" "$(median <<<"${u[$b]}")" \
      "$(awk -v k="${m[$b]}" 'BEGIN{print k/1024}')" "${w[$b]% }"
  done
}
case_ "merge two ${SIZE} halves" x merge -o "$tmp/out.pcap" "$tmp/a.pcap" "$tmp/b.pcap"
case_ "sort appended (stretches)" x sort "$tmp/ba.pcap" -o "$tmp/out.pcap"
case_ "sort appended from stdin (external)" - sort -T "$tmp" - -o "$tmp/out.pcap"
case_ "dedup ${DEDUP_SIZE} (-w 4)" x dedup "$tmp/c.pcap" -o "$tmp/out.pcap"
case_ "dedup ${DEDUP_SIZE} (-t 0.01)" x dedup -t 0.01 "$tmp/c.pcap" -o "$tmp/out.pcap"
