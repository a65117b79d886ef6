#!/usr/bin/env bash
# Rewriting benchmark: capkit rewrite against tcprewrite on the same corpus
# and the same options (MAC + IP mapping + port mapping, so every checksum is
# recomputed), with capkit convert (a plain copy) as the floor; median of 5
# runs each with a warm page cache, and peak RSS. Run by hand:
# bash bench/rewrite.sh
#   SIZE=1G      corpus size (gen_corpus -b)
#   OUT=dir      where the corpus and outputs go (default bench/out)
#   REF=dir      the reference programs (default ../shared/bench)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ref=${REF:-$root/../shared/bench}
capkit="$root/build/capkit"
out=${OUT:-$root/bench/out}
size=${SIZE:-1G}
mkdir -p "$out"
[ -x "$capkit" ] || { echo "build first: make" >&2; exit 2; }
command -v tcprewrite >/dev/null || { echo "needs tcprewrite" >&2; exit 2; }
[ "$out/gen_corpus" -nt "$ref/gen_corpus.c" ] ||
  cc -O2 -o "$out/gen_corpus" "$ref/gen_corpus.c"
f="$out/corpus-$size.pcap"
[ -f "$f" ] || "$out/gen_corpus" -b "$size" "$f"
ls -l "$f"
opts="--enet-smac=02:00:00:00:00:01 --enet-dmac=02:00:00:00:00:02
      --pnat=10.0.0.0/8:172.16.0.0/12,192.168.0.0/16:10.1.0.0/16
      --portmap=80:8080"
cat "$f" > /dev/null
# median NAME COMMAND...: five timed runs (outputs removed before each).
median() {
  local name=$1 t i
  shift
  for i in 1 2 3 4 5; do
    rm -f "$out/rw.pcap" "$out/tcprw.pcap" "$out/copy.pcap"
    /usr/bin/time -o "$out/time.txt" -f "%e %M" "$@" >/dev/null 2>&1
    tail -1 "$out/time.txt"
  done | sort -n | sed -n 3p | {
    read -r secs rss
    printf "%-16s median %6.2f s  peak RSS %s KiB\n" "$name" "$secs" "$rss"
  }
}
# shellcheck disable=SC2086
median capkit_convert "$capkit" convert "$f" -o "$out/copy.pcap"
# shellcheck disable=SC2086
median capkit_rewrite "$capkit" rewrite -q "$f" -o "$out/rw.pcap" $opts
# shellcheck disable=SC2086
median tcprewrite tcprewrite -i "$f" -o "$out/tcprw.pcap" $opts
rm -f "$out/rw.pcap" "$out/tcprw.pcap" "$out/copy.pcap"
