#!/usr/bin/env bash
# Splitting benchmark: capkit split by records (--packets, against
# editcap -c on the same corpus) and by bytes (--bytes, no peer: editcap
# has no size limit), against another build's capkit (OLD); median of RUNS runs each (default
# 5) with a warm page cache: elapsed time and peak RSS, then the median
# user+sys CPU time. Run by hand:
# bash bench/split.sh
#   SIZE=200M    corpus size (gen_corpus -b)
#   OUT=dir      where the corpus and outputs go (default bench/out)
#   REF=dir      the reference programs (default ../shared/bench)
#   OLD=capkit   another build's capkit split to time beside this one
set -euo pipefail
DEFAULT_SIZE=200M
. "$(dirname "$0")/lib.sh"
runs=${RUNS:-5}
parts="$out/split-parts"
before_run() { rm -rf "$parts"; mkdir -p "$parts"; }
for how in "--packets 10000:-c 10000" "--bytes 10M:"; do
  ours=${how%%:*}
  theirs=${how#*:}
  echo "== split $ours${theirs:+ (editcap $theirs)}"
  for b in ${OLD:+old:$OLD} capkit:$capkit; do
    # shellcheck disable=SC2086
    median "$runs" "${b%%:*}_split" "${b#*:}" split "$f" $ours -o "$parts/p.pcap"
    # shellcheck disable=SC2086
    cpu "${b%%:*}_split" "${b#*:}" split "$f" $ours -o "$parts/p.pcap"
  done
  if [ -n "$theirs" ] && command -v editcap >/dev/null; then
    # shellcheck disable=SC2086
    median "$runs" editcap editcap $theirs "$f" "$parts/e.pcap"
  fi
done
rm -rf "$parts"
