# test_replay_rewrite.sh - capkit replay with rewriting options sends what
# capkit rewrite writes: replayed into one end of a veth pair inside a
# network namespace the test makes (and removes), captured at the other end
# by tcpdump, and compared byte for byte with the rewritten file.
. "$CAPKIT_TESTLIB"
need ip tcpdump
need_scapy

NS=capkit-rw$$-$RANDOM
A=ckwa$$ # replay end
B=ckwb$$ # capture end
cleanup() {
  local p
  for p in $(jobs -p); do kill "$p" 2>/dev/null; done
  ip netns del "$NS" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
if ! ip netns add "$NS" 2>"$T/ns.err"; then
  echo "SKIP: cannot create a network namespace: $(cat "$T/ns.err")"
  exit 77
fi
X() { ip netns exec "$NS" "$@"; }
X sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
if ! ip -n "$NS" link add "$A" type veth peer name "$B" 2>"$T/ns.err"; then
  echo "SKIP: cannot create a veth pair: $(cat "$T/ns.err")"
  exit 77
fi
ip -n "$NS" link set "$A" up && ip -n "$NS" link set "$B" up

"$CAPKIT" gen -c 50 -o "$T/lab.pcap" \
  'eth(dst=02:00:00:00:00:02)/ipv4(src=192.168.1.10,dst=10.0.0.5+)/udp(sport=4000,dport=80)/payload(len=64-600)'
OPTS=(--pnat=192.168.0.0/16:172.16.0.0/16,10.0.0.0/8:198.51.100.0/24
      --portmap=80:8080 --enet-dmac=02:00:00:00:00:99 --ttl=-1)
"$CAPKIT" rewrite -q "$T/lab.pcap" -o "$T/want.pcap" "${OPTS[@]}"

# tcpdump stops by itself after the 50 frames it waits for (or 20 s).
( timeout 20 ip netns exec "$NS" tcpdump -Z root -c 50 -i "$B" -U \
    -w "$T/got.pcap" ether dst 02:00:00:00:00:99 >/dev/null 2>"$T/tcpdump.err" ) &
tpid=$!
for _ in $(seq 100); do
  grep -q "listening" "$T/tcpdump.err" 2>/dev/null && break
  sleep 0.1
done
X "$CAPKIT" replay -i "$A" --pps 2000 "${OPTS[@]}" "$T/lab.pcap" \
  2>"$T/replay.err"
check_eq "replay exit status" 0 "$?"
check "replay reports the rewriting" grep -q "50 changed" "$T/replay.err"
wait "$tpid"
hexes() {
  tcpdump -r "$1" -xx -nn 2>/dev/null | awk '/^[0-9]/{if (p) print p; p=""; next}
    {for (i = 2; i <= NF; i++) p = p $i} END {if (p) print p}'
}
n=$(hexes "$T/got.pcap" | wc -l)
[ "$n" = 50 ] || cat "$T/tcpdump.err" "$T/replay.err" >&2
check_eq "tcpdump saw every rewritten frame" 50 "$n"
check "the frames on the wire are the rewritten file's" \
  cmp -s <(hexes "$T/want.pcap") <(hexes "$T/got.pcap")
finish
