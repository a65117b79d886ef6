#!/usr/bin/env bash
# gen.sh - packet generation speed: capkit gen of N (default 10 M) 64-byte
# Ethernet/IPv4/UDP packets with incrementing source and destination
# addresses to a pcap file (best of RUNS runs; packets/s, peak RSS from
# /usr/bin/time -v), against scapy crafting the same packets and writing
# them with wrpcap on a smaller count (SCAPY_N, default 20 k), in the same
# run, with the ratio. Goal: >= 5 M packets/s in constant memory.
# Then capkit import against text2pcap on the same capkit dump -x text of
# IMPORT_N (default 200 k) packets (0 skips it).
#   N=10000000 SCAPY_N=20000 RUNS=3 CAPKIT=build/capkit bash bench/gen.sh
set -euo pipefail
here=$(dirname "$0")
root=$(cd "$here/.." && pwd)
CAPKIT=${CAPKIT:-"$root/build/capkit"}
N=${N:-10000000}
SCAPY_N=${SCAPY_N:-20000}
IMPORT_N=${IMPORT_N:-200000}
RUNS=${RUNS:-3}
PY=/usr/bin/python3
SPEC='eth(dst=02:00:00:00:00:02)/ipv4(src=10.0.0.1+,dst=10.128.0.1+)/udp(sport=1024,dport=9)/payload(len=22,fill=0xaa)'

tmp=$(mktemp -d "${TMPDIR:-/tmp}/capkit-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

best=
for i in $(seq "$RUNS"); do
  rm -f "$tmp/gen.pcap"
  /usr/bin/time -v "$CAPKIT" gen -c "$N" --rate 1M -o "$tmp/gen.pcap" "$SPEC" 2>"$tmp/time.txt"
  el=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$tmp/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$tmp/time.txt")
  cpu=$(awk -F': ' '/User time|System time/{s+=$2} END{print s}' "$tmp/time.txt")
  echo "capkit gen run $i: ${el} s wall, ${cpu} s CPU (user+sys), peak RSS ${rss} KiB"
  if [ -z "$best" ] || awk -v a="$el" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$el; best_rss=$rss; best_cpu=$cpu; fi
done
size=$(stat -c %s "$tmp/gen.pcap")
pkts=$("$CAPKIT" info --json "$tmp/gen.pcap" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["packets"])')
[ "$pkts" = "$N" ] || { echo "expected $N packets, got $pkts" >&2; exit 1; }
rm -f "$tmp/gen.pcap"

"$PY" - "$SCAPY_N" "$tmp/scapy.pcap" >"$tmp/scapy.txt" <<'P'
import ipaddress, sys, time
from scapy.all import Ether, IP, UDP, Raw, wrpcap
n = int(sys.argv[1])
s0, d0 = int(ipaddress.IPv4Address("10.0.0.1")), int(ipaddress.IPv4Address("10.128.0.1"))
t = time.perf_counter()
pkts = []
for i in range(n):
    p = (Ether(dst="02:00:00:00:00:02") /
         IP(src=str(ipaddress.IPv4Address(s0 + i)), dst=str(ipaddress.IPv4Address(d0 + i))) /
         UDP(sport=1024, dport=9) / Raw(b"\xaa" * 22))
    p.time = i / 1e6
    pkts.append(p)
wrpcap(sys.argv[2], pkts)
print(time.perf_counter() - t)
P
sel=$(cat "$tmp/scapy.txt")
"$PY" - "$N" "$best" "$best_rss" "$size" "$SCAPY_N" "$sel" "$best_cpu" <<'P'
import sys
n, el, rss, size, sn, sel = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
cpu = max(float(sys.argv[7]), 0.01)
el = max(el, 0.01)
rate, srate = n / el, sn / sel
print("capkit gen : %d packets (%d bytes) in %.2f s = %.2f M packets/s, peak RSS %.1f MiB"
      % (n, size, el, rate / 1e6, rss / 1024))
print("             (%.2f s of CPU = %.2f M packets/s per busy core)" % (cpu, n / cpu / 1e6))
print("scapy      : %d packets (crafted + wrpcap) in %.2f s = %.0f packets/s" % (sn, sel, srate))
print("ratio      : capkit gen is %.0fx faster" % (rate / srate))
P

[ "$IMPORT_N" -gt 0 ] || exit 0
command -v text2pcap >/dev/null || { echo "text2pcap not installed: import comparison skipped"; exit 0; }
"$CAPKIT" gen -c "$IMPORT_N" -o "$tmp/i.pcap" 'eth()/ipv4(src=10.0.0.1+)/udp(dport=9)/payload(len=rand(10-300),rand)'
"$CAPKIT" dump -x "$tmp/i.pcap" >"$tmp/i.txt"
echo "import of $(stat -c %s "$tmp/i.txt") bytes of capkit dump -x text, $IMPORT_N packets:"
for tool in capkit text2pcap; do
  if [ $tool = capkit ]; then cmd=("$CAPKIT" import -o "$tmp/o.pcap" "$tmp/i.txt")
  else cmd=(text2pcap -q "$tmp/i.txt" "$tmp/o.pcap"); fi
  /usr/bin/time -f "%e %M" -o "$tmp/t" "${cmd[@]}" >/dev/null 2>&1
  read -r el rss <"$tmp/t"
  awk -v t="$tool" -v e="$el" -v r="$rss" 'BEGIN{printf "  %-10s %6.2f s, peak RSS %.1f MiB\n", t, e, r / 1024}'
done
