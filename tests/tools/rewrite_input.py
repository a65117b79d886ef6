# rewrite_input.py OUT SEED - a capture for the rewriting tests: Ethernet
# frames with IPv4/IPv6 over TCP, UDP (with and without a checksum), ICMP
# and ICMPv6, untagged, 802.1Q and QinQ, some snapped by the snaplen,
# random addresses inside and outside a few blocks and random ports.
import random
import struct
import sys

from scapy.all import (ICMP, IP, TCP, UDP, Dot1AD, Dot1Q, Ether,
                       ICMPv6EchoRequest, IPv6, Raw)

out, seed = sys.argv[1], int(sys.argv[2])
rnd = random.Random(seed)


def v4():
    pick = rnd.random()
    if pick < 0.4:
        return "192.168.%d.%d" % (rnd.randrange(256), rnd.randrange(1, 255))
    if pick < 0.7:
        return "10.%d.%d.%d" % (rnd.randrange(256), rnd.randrange(256),
                                rnd.randrange(1, 255))
    return "%d.%d.%d.%d" % (rnd.randrange(1, 224), rnd.randrange(256),
                            rnd.randrange(256), rnd.randrange(1, 255))


def v6():
    pre = "2001:db8:" if rnd.random() < 0.6 else "2001:%x:" % rnd.randrange(
        0x10000)
    return pre + ":".join("%x" % rnd.randrange(0x10000) for _ in range(6))


w = open(out, "wb")
w.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
for i in range(400):
    eth = Ether(src="00:11:22:33:%02x:%02x" % (i % 7, i % 5),
                dst="66:77:88:99:aa:%02x" % (i % 3))
    tags = rnd.choice([[], [], [Dot1Q(vlan=rnd.randrange(1, 4095),
                                      prio=rnd.randrange(8))],
                       [Dot1AD(vlan=rnd.randrange(1, 4095)),
                        Dot1Q(vlan=rnd.randrange(1, 4095))]])
    ports = rnd.choice([80, 443, 53, 8000, 8080, 8500, rnd.randrange(1, 65536)])
    sport = rnd.randrange(1024, 65536)
    payload = Raw(bytes(rnd.randrange(256)
                        for _ in range(rnd.choice([0, 5, 60, 700, 1400]))))
    six = rnd.random() < 0.4
    if six:
        net = IPv6(src=v6(), dst=v6(), hlim=rnd.randrange(1, 256))
    else:
        net = IP(src=v4(), dst=v4(), ttl=rnd.randrange(1, 256),
                 id=rnd.randrange(65536))
    kind = rnd.random()
    if kind < 0.4:
        l4 = TCP(sport=sport, dport=ports, flags="PA", seq=rnd.randrange(2**32))
    elif kind < 0.75:
        l4 = UDP(sport=sport, dport=ports)
        if not six and rnd.random() < 0.2:
            l4.chksum = 0
    else:
        l4 = ICMPv6EchoRequest(id=i) if six else ICMP(id=i)
    p = eth
    for t in tags:
        p = p / t
    p = p / net / l4 / payload
    raw = bytes(p)
    wire = len(raw)
    if rnd.random() < 0.15:
        raw = raw[:rnd.randrange(60, max(61, min(len(raw), 120)))]
    w.write(struct.pack("<IIII", 1700000000 + i, i * 997 % 1000000,
                        len(raw), wire) + raw)
w.close()
