#!/usr/bin/env bash
# capture.sh - live capture and replay speed over a veth pair in a network
# namespace of its own: capkit replay --topspeed into one end while capkit
# capture records the other, against tcpreplay --topspeed and tcpdump -w in
# the same run (and the two cross pairs, to tell sender from receiver), for
# 64-byte and 1514-byte frames. For each: packets per second the sender
# reached, packets captured and dropped. Needs root. Run by hand:
#   bash bench/capture.sh
#   N64=300000 N1514=100000   frames per run (default)
#   RUNS=3                    runs of each pair (the median is shown)
#   CAPKIT=path               the capkit binary (default build/capkit)
# The frames are made here (fixed sizes); the shared corpus generator
# (../shared/bench/gen_corpus.c, CAPKIT_BENCH_SHARED) makes mixed sizes,
# which this benchmark does not want.
set -euo pipefail
here=$(dirname "$0")
root=$(cd "$here/.." && pwd)
CAPKIT=${CAPKIT:-"$root/build/capkit"}
N64=${N64:-300000}
N1514=${N1514:-100000}
RUNS=${RUNS:-3}
for t in ip tcpdump tcpreplay python3; do
  command -v "$t" >/dev/null || { echo "$t is needed" >&2; exit 1; }
done
[ -x "$CAPKIT" ] || { echo "build first: make" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root (network namespace, capture)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/capkit-bench-XXXXXX")
NS=capkit-bench$$
A=ckba$$
B=ckbb$$
cleanup() {
  local p
  for p in $(jobs -p); do kill "$p" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
  net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS" link add "$A" type veth peer name "$B"
ip -n "$NS" link set "$A" up
ip -n "$NS" link set "$B" up

# Frames of exactly SIZE bytes (Ethernet/IPv4/UDP, a sequence number in
# the payload), as a microsecond pcap.
gen() {
  python3 - "$1" "$2" "$3" <<'EOF'
import struct, sys
path, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
eth = bytes.fromhex('02000000bb0202000000aa010800')
with open(path, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    ip_len = size - 14
    for i in range(n):
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, ip_len, i & 0xffff, 0, 64, 17,
                         0, bytes([10, 88, 0, 1]), bytes([10, 88, 0, 2]))
        udp = struct.pack('!HHHH', 40000, 47100, ip_len - 20, 0)
        body = struct.pack('!I', i).ljust(ip_len - 28, b'\0')
        fr = eth + ip + udp + body
        f.write(struct.pack('<IIII', i // 1000000, i % 1000000, len(fr), len(fr)))
        f.write(fr)
EOF
}

# wait_for FILE PATTERN: until the capture says it listens (5 s at most).
wait_for() {
  local i
  for i in $(seq 100); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "capture did not start: $(cat "$1")" >&2
  return 1
}

# one SENDER RECEIVER FILE N: one run; prints "pps captured dropped".
one() {
  local snd=$1 rcv=$2 f=$3 n=$4 cpid pps cap drop
  rm -f "$tmp/out.pcap" "$tmp/rcv.err" "$tmp/snd.out"
  case $rcv in
  capkit) ip netns exec "$NS" "$CAPKIT" capture -i "$B" -w "$tmp/out.pcap" \
            2>"$tmp/rcv.err" & ;;
  tcpdump) ip netns exec "$NS" tcpdump -i "$B" -B 32768 -w "$tmp/out.pcap" \
             2>"$tmp/rcv.err" & ;;
  esac
  cpid=$!
  wait_for "$tmp/rcv.err" "listening on"
  case $snd in
  capkit)
    ip netns exec "$NS" "$CAPKIT" replay --topspeed -i "$A" "$f" >"$tmp/snd.out" 2>&1
    pps=$(sed -n 's/.* s: \([0-9]*\) pps.*/\1/p' "$tmp/snd.out") ;;
  tcpreplay)
    ip netns exec "$NS" tcpreplay --topspeed -i "$A" "$f" >"$tmp/snd.out" 2>&1
    pps=$(sed -n 's/.*Rated: .* Mbps, \([0-9.]*\) pps.*/\1/p' "$tmp/snd.out") ;;
  esac
  sleep 0.5 # let the receiver drain its ring
  kill -INT "$cpid"
  wait "$cpid" || true
  cap=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$tmp/rcv.err")
  drop=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$tmp/rcv.err")
  printf '%s %s %s\n' "${pps%.*}" "${cap:-?}" "${drop:-?}"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "capkit: $("$CAPKIT" --version)"
echo "$(tcpdump --version 2>&1 | head -1); $(tcpreplay --version 2>&1 | head -1)"
echo "kernel $(uname -r), $(nproc) CPUs; $RUNS runs each, median shown"
printf '\n%-6s %-10s %-9s %10s %10s %10s %8s\n' frame sender receiver frames "sent pps" captured dropped
for sz in 64 1514; do
  n=$N64
  [ "$sz" = 1514 ] && n=$N1514
  gen "$tmp/in-$sz.pcap" "$n" "$sz"
  for pair in capkit:capkit tcpreplay:tcpdump tcpreplay:capkit capkit:tcpdump; do
    snd=${pair%%:*}
    rcv=${pair#*:}
    : >"$tmp/runs"
    for r in $(seq "$RUNS"); do one "$snd" "$rcv" "$tmp/in-$sz.pcap" "$n" >>"$tmp/runs"; done
    pps=$(cut -d' ' -f1 "$tmp/runs" | median)
    cap=$(cut -d' ' -f2 "$tmp/runs" | median)
    drop=$(cut -d' ' -f3 "$tmp/runs" | median)
    printf '%-6s %-10s %-9s %10s %10s %10s %8s\n' "$sz" "$snd" "$rcv" "$n" "$pps" "$cap" "$drop"
  done
done
