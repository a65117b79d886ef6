#!/usr/bin/env bash
# Rewriting benchmark: capkit rewrite against tcprewrite on the same corpus
# and the same options: MAC + IP mapping + port mapping + checksum fixing
# (--fixcsum: every IPv4, TCP and UDP checksum computed afresh by both
# tools, as the target asks; FIXCSUM=0 leaves it out, and both then update
# the checksums incrementally), with cp and capkit convert (plain copies)
# as the floor; median of RUNS runs each (default 5) with a warm page
# cache, and peak RSS, the
# median user+sys CPU time of the capkit runs, then how many times faster
# than tcprewrite capkit rewrite was. Run by hand:
# bash bench/rewrite.sh
#   SIZE=1G      corpus size (gen_corpus -b)
#   OUT=dir      where the corpus and outputs go (default bench/out)
#   REF=dir      the reference programs (default ../shared/bench)
#   OLD=capkit   another build's capkit rewrite to time beside this one
set -euo pipefail
DEFAULT_SIZE=1G
. "$(dirname "$0")/lib.sh"
command -v tcprewrite >/dev/null || { echo "needs tcprewrite" >&2; exit 2; }
runs=${RUNS:-5}
opts="--enet-smac=02:00:00:00:00:01 --enet-dmac=02:00:00:00:00:02
      --pnat=10.0.0.0/8:172.16.0.0/12,192.168.0.0/16:10.1.0.0/16
      --portmap=80:8080"
[ "${FIXCSUM:-1}" = 0 ] || opts="$opts --fixcsum"
before_run() { rm -f "$out/rw.pcap" "$out/tcprw.pcap" "$out/copy.pcap"; }
median "$runs" cp cp "$f" "$out/copy.pcap"
median "$runs" capkit_convert "$capkit" convert "$f" -o "$out/copy.pcap"
if [ -n "${OLD:-}" ]; then
  # shellcheck disable=SC2086
  median "$runs" old_rewrite "$OLD" rewrite -q "$f" -o "$out/rw.pcap" $opts
fi
# shellcheck disable=SC2086
ours=$(median "$runs" capkit_rewrite "$capkit" rewrite -q "$f" -o "$out/rw.pcap" $opts)
echo "$ours"
cpu capkit_convert "$capkit" convert "$f" -o "$out/copy.pcap"
if [ -n "${OLD:-}" ]; then
  # shellcheck disable=SC2086
  cpu old_rewrite "$OLD" rewrite -q "$f" -o "$out/rw.pcap" $opts
fi
# shellcheck disable=SC2086
cpu capkit_rewrite "$capkit" rewrite -q "$f" -o "$out/rw.pcap" $opts
# shellcheck disable=SC2086
peer=$(median "$runs" tcprewrite tcprewrite -i "$f" -o "$out/tcprw.pcap" $opts)
echo "$peer"
awk -v a="$(echo "$ours" | awk '{print $3}')" \
  -v b="$(echo "$peer" | awk '{print $3}')" \
  'BEGIN { if (a > 0) printf "capkit rewrite is %.1fx tcprewrite\n", b / a }'
before_run
