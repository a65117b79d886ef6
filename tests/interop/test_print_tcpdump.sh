# test_print_tcpdump.sh - capkit print against tcpdump -nn, line by line, on
# captures made by scapy for what tcpdump words in a particular way
# (tests/tools/gen_print.py: loopback TCP with relative sequence numbers,
# TCP flag letters, ARP target MACs, DNS flags and answers, SLL2 interface
# names and directions, IPv6 jumbograms, VLAN, ICMP), and on the clean test
# captures of tests/data. Plus seeded random TCP conversations between
# endpoints that share addresses and ports in every arrangement.
. "$CAPKIT_TESTLIB"
. "$(dirname "$CAPKIT_TESTLIB")/tools/print_tcpdump.sh"
for b in loopback tcpflags arp dns sll2 jumbo vlan_icmp ipbad tcpcut; do
  for o in "" -e -S; do cmp_tcpdump "$T/$b.pcap" "$o"; done
done
# tcpdump's time options and capkit's names for them
for t in -t:none -tt:epoch -ttt:delta -tttt:date -ttttt:rel; do
  TZ=UTC tcpdump -nn "${t%%:*}" -r "$T/dns.pcap" >"$T/td.out" 2>/dev/null
  "$CAPKIT" print -t "${t#*:}" "$T/dns.pcap" >"$T/ck.out"
  check "print -t ${t#*:} is tcpdump ${t%%:*}" cmp -s "$T/td.out" "$T/ck.out"
done
# the clean captures of tests/data whose protocols capkit decodes
D=$CAPKIT_TESTDATA/decode
for b in tcp udp icmp arp frag vlan sll sll2 null_le null_be loop raw ipv4 \
  ipv6raw udp_bad tcp_bad vlan_bad frag_bad; do
  for o in "" -e; do cmp_tcpdump "$D/$b.pcap" "$o"; done
done
cmp_tcpdump "$CAPKIT_TESTDATA/connection_termination.pcap" ""

# seeded property test: random TCP conversations whose two ends share the
# address, the port, both or neither, over IPv4 and IPv6, interleaved
for seed in 1 2 3 4 5; do
  PYTHONPATH=$(dirname "$CAPKIT_TESTLIB")/tools \
    "$PY" - "$T/conv$seed.pcap" "$seed" >/dev/null 2>&1 <<'PYEOF'
import random, sys
from scapy.all import Ether, IP, IPv6, TCP, Raw, wrpcap
import scapy_offline  # noqa: F401 (builds frames without network)
out, seed = sys.argv[1], int(sys.argv[2])
rnd = random.Random(seed)
convs = []
for k in range(6):
    v6 = rnd.random() < 0.5
    a = "::1" if v6 else "127.0.0.1"
    b = a if rnd.random() < 0.6 else ("::2" if v6 else "127.0.0.2")
    pa = rnd.randrange(1, 65536)
    pb = pa if (a != b and rnd.random() < 0.3) else rnd.randrange(1, 65536)
    if a == b and pa == pb:
        pb = pa % 65535 + 1
    ipc = IPv6 if v6 else IP
    sa, sb = rnd.randrange(2**32), rnd.randrange(2**32)
    L = [(a, b, pa, pb, "S", sa, 0, 0)]
    L.append((b, a, pb, pa, "SA", sb, sa + 1, 0))
    na, nb = sa + 1, sb + 1
    for i in range(rnd.randrange(2, 8)):
        if rnd.random() < 0.5:
            n = rnd.randrange(0, 50)
            L.append((a, b, pa, pb, "PA" if n else "A", na, nb, n)); na += n
        else:
            n = rnd.randrange(0, 50)
            L.append((b, a, pb, pa, "PA" if n else "A", nb, na, n)); nb += n
    L.append((a, b, pa, pb, "FA", na, nb, 0))
    convs.append([Ether()/ipc(src=s, dst=d)/TCP(sport=sp, dport=dp, flags=f,
                  seq=q % 2**32, ack=k2 % 2**32)/Raw(b"d" * n)
                  for s, d, sp, dp, f, q, k2, n in L])
pkts = []
while any(convs):
    c = rnd.choice([c for c in convs if c])
    pkts.append(c.pop(0))
for i, p in enumerate(pkts):
    p.time = 1700000000 + i / 1000
wrpcap(out, pkts)
PYEOF
  for o in "" -S; do cmp_tcpdump "$T/conv$seed.pcap" "$o"; done
done
finish
