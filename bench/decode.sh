#!/usr/bin/env bash
# decode.sh - decoding speed: capkit print (one line per packet, and
# --json) against tcpdump -nn -r and tshark -r, capkit stats against
# tshark -qz io,phs, all writing to /dev/null, on the same ~100 MiB capture
# in one run (hyperfine medians); then the library's pure decode rate
# (bench/decode_rate.c, packets per second on one core).
#
# tshark is slow: it runs on the first SLICE packets (editcap) and its time
# is scaled to the whole capture; the output says so. The corpus comes from
# the shared generator, ../shared/bench/gen_corpus.c seen from the
# repository root (CAPKIT_BENCH_SHARED overrides the directory).
#   SIZE=100M   corpus size (gen_corpus -b)
#   SLICE=20000 packets tshark reads
#   RUNS=5      hyperfine runs per command
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${CAPKIT_BENCH_SHARED:-"$root/../shared/bench"}
CAPKIT=${CAPKIT:-"$root/build/capkit"}
SIZE=${SIZE:-100M}
SLICE=${SLICE:-20000}
RUNS=${RUNS:-5}
for t in hyperfine tcpdump tshark editcap cc; do
  command -v $t >/dev/null || { echo "$t is needed" >&2; exit 1; }
done
[ -x "$CAPKIT" ] || { echo "build first: make" >&2; exit 1; }
[ -f "$shared/gen_corpus.c" ] || { echo "no $shared/gen_corpus.c" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/capkit-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/gen_corpus" "$shared/gen_corpus.c"
"$tmp/gen_corpus" -b "$SIZE" "$tmp/in.pcap"
# shellcheck disable=SC2046
cc -O2 -I"$root/include" -o "$tmp/decode_rate" "$here/decode_rate.c" \
  "$(dirname "$CAPKIT")/libcapkit.a" $(pkg-config --libs libpcap zlib libzstd)
npk=$("$CAPKIT" stats --json "$tmp/in.pcap" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["packets"])')
editcap -r "$tmp/in.pcap" "$tmp/slice.pcap" "1-$SLICE"
ls -l "$tmp/in.pcap"
echo "$npk packets; tshark reads the first $SLICE ($(stat -c %s "$tmp/slice.pcap") bytes) and is scaled by $npk/$SLICE"
cat "$tmp/in.pcap" >/dev/null # warm the page cache

hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$tmp/r.json" \
  -n capkit_print "$CAPKIT print $tmp/in.pcap" \
  -n capkit_print_json "$CAPKIT print --json $tmp/in.pcap" \
  -n capkit_stats "$CAPKIT stats $tmp/in.pcap" \
  -n tcpdump "tcpdump -nn -r $tmp/in.pcap" \
  -n tshark_slice "tshark -r $tmp/slice.pcap" \
  -n tshark_phs_slice "tshark -qz io,phs -r $tmp/slice.pcap" \
  >"$tmp/hf.txt" 2>&1 || { cat "$tmp/hf.txt"; exit 1; }

/usr/bin/python3 - "$tmp/r.json" "$npk" "$SLICE" <<'PY'
import json, sys
res = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
scale = int(sys.argv[2]) / int(sys.argv[3])
for k in ("tshark_slice", "tshark_phs_slice"):
    res[k.replace("_slice", "") + " (scaled)"] = res.pop(k) * scale
n = int(sys.argv[2])
print(f"{'command (output to /dev/null)':32} {'median s':>9} {'Mpkt/s':>8}")
for k, v in res.items():
    print(f"{k:32} {v:9.3f} {n / v / 1e6:8.2f}")
r = lambda a, b: res[b] / res[a]
print()
print(f"print vs tcpdump -nn:        {r('capkit_print', 'tcpdump'):6.1f}x faster (target >= 3x)")
print(f"print vs tshark:             {r('capkit_print', 'tshark (scaled)'):6.1f}x faster (target >= 30x; tshark scaled from a slice)")
print(f"print --json vs tcpdump -nn: {r('capkit_print_json', 'tcpdump'):6.1f}x faster")
print(f"print --json vs tshark:      {r('capkit_print_json', 'tshark (scaled)'):6.1f}x faster")
print(f"stats vs tshark -qz io,phs:  {r('capkit_stats', 'tshark_phs (scaled)'):6.1f}x faster (target >= 20x; tshark scaled from a slice)")
PY
echo
echo "library decode rate, one core (decode_rate, packets held in memory):"
"$tmp/decode_rate" "$tmp/in.pcap" 5
