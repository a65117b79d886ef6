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
DEFAULT_SIZE=1G
. "$(dirname "$0")/lib.sh"
command -v tcprewrite >/dev/null || { echo "needs tcprewrite" >&2; exit 2; }
opts="--enet-smac=02:00:00:00:00:01 --enet-dmac=02:00:00:00:00:02
      --pnat=10.0.0.0/8:172.16.0.0/12,192.168.0.0/16:10.1.0.0/16
      --portmap=80:8080"
before_run() { rm -f "$out/rw.pcap" "$out/tcprw.pcap" "$out/copy.pcap"; }
# shellcheck disable=SC2086
median 5 capkit_convert "$capkit" convert "$f" -o "$out/copy.pcap"
# shellcheck disable=SC2086
median 5 capkit_rewrite "$capkit" rewrite -q "$f" -o "$out/rw.pcap" $opts
# shellcheck disable=SC2086
median 5 tcprewrite tcprewrite -i "$f" -o "$out/tcprw.pcap" $opts
rm -f "$out/rw.pcap" "$out/tcprw.pcap" "$out/copy.pcap"
