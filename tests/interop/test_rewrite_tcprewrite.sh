# test_rewrite_tcprewrite.sh - capkit rewrite against tcprewrite on the
# same options and the same random capture (records equal byte for byte),
# and tshark's checksum validation on what capkit writes.
. "$CAPKIT_TESTLIB"
need tcprewrite tshark
need_scapy
TOOLS=$(dirname "$CAPKIT_TESTLIB")/tools
$PY "$TOOLS/rewrite_input.py" "$T/in.pcap" 7
$PY "$TOOLS/rewrite_input.py" "$T/in2.pcap" 8

# same_as_tcprewrite INPUT [--tagged-only|--whole-only] -- OPTIONS...
same_as_tcprewrite() {
  local in=$1 flag=""
  shift
  [ "$1" != "--" ] && { flag=$1; shift; }
  shift # --
  tcprewrite -i "$in" -o "$T/peer.pcap" "$@" >/dev/null 2>&1 ||
    { echo "tcprewrite $* failed"; return 1; }
  "$CAPKIT" rewrite -q "$in" -o "$T/ours.pcap" "$@" || return 1
  $PY "$TOOLS/rewrite_cmp.py" "$in" "$T/peer.pcap" "$T/ours.pcap" $flag >"$T/cmp.txt" ||
    { cat "$T/cmp.txt" >&2; return 1; }
}

while read -r opts; do
  for in in "$T/in.pcap" "$T/in2.pcap"; do
    # shellcheck disable=SC2086
    check "rewrite $opts = tcprewrite ($(basename "$in"))" \
      same_as_tcprewrite "$in" -- $opts
  done
done <<'LIST'
--enet-smac=02:00:00:00:00:01 --enet-dmac=02:00:00:00:00:02,02:00:00:00:00:03
--enet-subsmac=00:11:22:33:01:01,02:aa:bb:cc:dd:ee
--pnat=192.168.0.0/16:10.77.0.0/16,10.0.0.0/8:172.16.0.0/12
--srcipmap=192.168.0.0/16:172.31.0.0/16
--dstipmap=10.0.0.0/8:11.0.0.0/8
--pnat=[2001:db8::/32]:[dead::/16]
--portmap=80:8080,443:4443 --portmap=8000-8999:53
--ttl=10
--ttl=+7
--ttl=-64
--fixcsum
--enet-vlan=del
--pnat=10.0.0.0/8:192.0.2.0/24 --portmap=80:81 --ttl=-1 --enet-smac=02:00:00:00:00:09
LIST
for in in "$T/in.pcap" "$T/in2.pcap"; do
  check "rewrite --mtu=576 --mtu-trunc = tcprewrite on whole records" \
    same_as_tcprewrite "$in" --whole-only -- --mtu=576 --mtu-trunc
done
check "vlan add = tcprewrite on tagged frames" \
  same_as_tcprewrite "$T/in.pcap" --tagged-only -- \
  --enet-vlan=add --enet-vlan-tag=42 --enet-vlan-pri=5

# tshark validates every checksum capkit wrote (none bad), with tags
# added, addresses randomised, ports mapped and packets cut to an MTU.
tshark_bad() {
  tshark -r "$1" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
    -o udp.check_checksum:TRUE \
    -Y 'ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" ||
        udp.checksum.status == "Bad" || icmp.checksum.status == "Bad" ||
        icmpv6.checksum.status == "Bad"' 2>/dev/null | wc -l
}
tshark_good() {
  tshark -r "$1" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
    -o udp.check_checksum:TRUE \
    -Y 'tcp.checksum.status == "Good" || udp.checksum.status == "Good" ||
        icmp.checksum.status == "Good"' 2>/dev/null | wc -l
}
check_eq "the input has no bad checksum" 0 "$(tshark_bad "$T/in.pcap")"
"$CAPKIT" rewrite -q "$T/in.pcap" -o "$T/all.pcap" --enet-vlan=add \
  --enet-vlan-tag=7 --seed=99 --portmap=1-1023:2000 --mtu=400 --mtu-trunc \
  --ttl=+1
check_eq "tshark finds no bad checksum after rewriting" 0 \
  "$(tshark_bad "$T/all.pcap")"
good=$(tshark_good "$T/all.pcap")
check "tshark verified most transport checksums ($good)" [ "$good" -gt 250 ]
check_eq "every frame carries the added tag" 400 \
  "$(tshark -r "$T/all.pcap" -Y 'vlan.id == 7' 2>/dev/null | wc -l)"

# --seed keeps subnet structure: tshark's addresses before and after share
# prefixes of the same length pairwise, and the same seed gives the same
# file.
tshark -r "$T/in.pcap" -T fields -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst \
  2>/dev/null >"$T/a_in.txt"
tshark -r "$T/all.pcap" -T fields -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst \
  2>/dev/null >"$T/a_out.txt"
check "--seed preserves shared prefixes" $PY - "$T/a_in.txt" "$T/a_out.txt" <<'PYEOF'
import ipaddress, sys
def addrs(path):
    out = []
    for line in open(path):
        out += [ipaddress.ip_address(f) for f in line.split() if f]
    return out
a, b = addrs(sys.argv[1]), addrs(sys.argv[2])
assert len(a) == len(b) and len(a) > 700, (len(a), len(b))
def common(x, y):
    bits = x.max_prefixlen
    return bits - (int(x) ^ int(y)).bit_length()
changed = sum(x != y for x, y in zip(a, b))
assert changed > len(a) * 0.9, changed
for i in range(0, len(a) - 1):
    for j in (i + 1, (i * 7919) % len(a)):
        if a[i].version == a[j].version:
            assert common(a[i], a[j]) == common(b[i], b[j]), (a[i], a[j], b[i], b[j])
PYEOF
"$CAPKIT" rewrite -q "$T/in.pcap" -o "$T/all2.pcap" --enet-vlan=add \
  --enet-vlan-tag=7 --seed=99 --portmap=1-1023:2000 --mtu=400 --mtu-trunc \
  --ttl=+1
check "the same seed gives the same file" cmp -s "$T/all.pcap" "$T/all2.pcap"

# Errors: a bad option value is a usage error naming the option.
check_exit "bad CIDR is a usage error" 2 \
  "$CAPKIT" rewrite "$T/in.pcap" -o "$T/x.pcap" --pnat=10.0.0.0/8
msg=$("$CAPKIT" rewrite "$T/in.pcap" -o "$T/x.pcap" --portmap=80 2>&1)
check "the message names the option" grep -q -- "--portmap" <<<"$msg"
check "no output is left after a usage error" [ ! -e "$T/x.pcap" ]
check "rewrite --help lists tcprewrite's options" \
  grep -q -- "--enet-smac" <("$CAPKIT" rewrite --help)
check "replay --help lists the rewrite options" \
  grep -q -- "--pnat" <("$CAPKIT" replay --help)
finish
