#!/usr/bin/env bash
# Field export benchmark: capkit export of five fields against tshark -T
# fields with the same fields, and capkit print (the line printer) as the
# yardstick; median of 5 runs each (3 for tshark) with a warm page cache.
# Run by hand: bash bench/export.sh
#   SIZE=200M    corpus size (gen_corpus -b)
#   OUT=dir      where the corpus goes (default bench/out)
#   REF=dir      the reference programs (default ../shared/bench)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ref=${REF:-$root/../shared/bench}
capkit="$root/build/capkit"
out=${OUT:-$root/bench/out}
size=${SIZE:-200M}
mkdir -p "$out"
[ -x "$capkit" ] || { echo "build first: make" >&2; exit 2; }
[ "$out/gen_corpus" -nt "$ref/gen_corpus.c" ] ||
  cc -O2 -o "$out/gen_corpus" "$ref/gen_corpus.c"
f="$out/corpus-$size.pcap"
[ -f "$f" ] || "$out/gen_corpus" -b "$size" "$f"
ls -l "$f"
cat "$f" >/dev/null
# median RUNS NAME COMMAND...: elapsed seconds and peak RSS of the median run
median() {
  local runs=$1 name=$2 i
  shift 2
  for i in $(seq "$runs"); do
    /usr/bin/time -o "$out/time.txt" -f "%e %M" "$@" >/dev/null 2>&1
    tail -1 "$out/time.txt"
  done | sort -n | sed -n "$(((runs + 1) / 2))p" | {
    read -r secs rss
    printf "%-22s median %7.2f s  peak RSS %s KiB\n" "$name" "$secs" "$rss"
  }
}
fields="-e frame.time_epoch -e ip.src -e ip.dst -e tcp.dstport -e frame.len"
# shellcheck disable=SC2086
median 5 capkit_print "$capkit" print "$f"
# shellcheck disable=SC2086
median 5 capkit_export_tsv "$capkit" export $fields "$f"
# shellcheck disable=SC2086
median 5 capkit_export_csv "$capkit" export --format csv $fields "$f"
# shellcheck disable=SC2086
median 3 tshark_fields tshark -r "$f" -T fields $fields
