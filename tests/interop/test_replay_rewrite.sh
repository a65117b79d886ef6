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
veth_ns
# tcpdump_bg N FILE FILTER...: tcpdump on $B in the background, keeping N
# frames that match into FILE, then stopping by itself (or after 20 s);
# returns once it listens. Its pid is in tpid.
tcpdump_bg() {
  local n=$1 out=$2
  shift 2
  ( timeout 20 ip netns exec "$NS" tcpdump -Z root -c "$n" -i "$B" -U \
      -w "$out" "$@" >/dev/null 2>"$out.err" ) &
  tpid=$!
  for _ in $(seq 100); do
    grep -q "listening" "$out.err" 2>/dev/null && break
    sleep 0.1
  done
}

"$CAPKIT" gen -c 50 -o "$T/lab.pcap" \
  'eth(dst=02:00:00:00:00:02)/ipv4(src=192.168.1.10,dst=10.0.0.5+)/udp(sport=4000,dport=80)/payload(len=64-600)'
OPTS=(--pnat=192.168.0.0/16:172.16.0.0/16,10.0.0.0/8:198.51.100.0/24
      --portmap=80:8080 --enet-dmac=02:00:00:00:00:99 --ttl=-1)
"$CAPKIT" rewrite -q "$T/lab.pcap" -o "$T/want.pcap" "${OPTS[@]}"

tcpdump_bg 50 "$T/got.pcap" ether dst 02:00:00:00:00:99
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
[ "$n" = 50 ] || cat "$T/got.pcap.err" "$T/replay.err" >&2
check_eq "tcpdump saw every rewritten frame" 50 "$n"
check "the frames on the wire are the rewritten file's" \
  cmp -s <(hexes "$T/want.pcap") <(hexes "$T/got.pcap")

# -L N stops after N packets (as tcpreplay -L), --duration after a time;
# tcpreplay's statistics close the summary.
tcpdump_bg 7 "$T/lim.pcap" ether dst 02:00:00:00:00:02
X "$CAPKIT" replay -i "$A" --topspeed -L 7 --loop 3 "$T/lab.pcap" 2>"$T/lim.err"
check_eq "replay -L exit status" 0 "$?"
wait "$tpid"
check "replay -L 7 sends 7 packets" grep -q "^sent 7 packets" "$T/lim.err"
check_eq "tcpdump saw the 7" 7 "$(hexes "$T/lim.pcap" | wc -l)"
check "tcpreplay's statistics follow" grep -q "Successful packets: *7$" "$T/lim.err"
start=$(date +%s%N)
X "$CAPKIT" replay -i "$A" --pps 100 --loop 0 --duration 500ms "$T/lab.pcap" \
  2>"$T/dur.err"
check_eq "replay --duration exit status" 0 "$?"
ms=$((($(date +%s%N) - start) / 1000000))
n=$(sed -n 's/^sent \([0-9]*\) packets.*/\1/p' "$T/dur.err")
check "--duration 500ms at 100 pps sent a part ($n packets, ${ms} ms)" \
  [ "${n:-0}" -ge 10 -a "${n:-0}" -le 60 -a "$ms" -lt 5000 ]
check_exit "a zero limit is a usage error" 2 "$CAPKIT" replay -i "$A" -L 0 "$T/lab.pcap"
finish
