# gen_print_detail.py - captures for tests/interop/test_print_tcpdump_detail.sh
# (what tcpdump -v and -vv add): IPv4 options (timestamp, record route,
# source routes, router alert), IPv6 extension headers and their options,
# ICMP and ICMPv6 errors quoting a datagram, ICMPv6 neighbour discovery
# options, DNS authority and additional records, DHCP options, NTP, GRE
# and VXLAN; each also cut at every length (tcpdump's [|proto] markers).
# usage: gen_print_detail.py OUTDIR [SEED]  (with SEED: random packets of
# these kinds in OUTDIR/rand$SEED.pcap and their cuts in randcut$SEED.pcap)
import random
import struct
import sys
from scapy.all import *

out = sys.argv[1]
t0 = 1700000000.0


def ts(pkts):
    for i, p in enumerate(pkts):
        p.time = t0 + i * 0.001
    return pkts


def w(name, pkts):
    wrpcap(f"{out}/{name}.pcap", ts(pkts))


def cuts(pkts, start=14):
    """every packet cut at every length from START to its end"""
    r = []
    for p in pkts:
        b = bytes(p)
        for k in range(start, len(b)):
            q = Ether(b[:k])
            q.wirelen = len(b)
            r.append(q)
    return r


def writecut(name, pkts):
    pw = PcapWriter(f"{out}/{name}.pcap", linktype=1, sync=True)
    for p in ts(pkts):
        pw.write(p)
    pw.close()


def ip4(**kw):
    return IP(src="10.0.0.1", dst="10.0.0.2", **kw)


def ip6(**kw):
    return IPv6(src="2001:db8::1", dst="2001:db8::2", **kw)


U = UDP(sport=1000, dport=2000)


def with_opts(opt, payload=U, pad=True):
    """an IPv4 datagram whose header carries the option bytes OPT (padded
    with zeros to a multiple of 4 unless PAD is false)"""
    if pad:
        opt = opt + bytes(-len(opt) % 4)
    body = bytes(payload)
    hl = 20 + len(opt)
    h = bytearray(bytes(ip4(proto=17 if isinstance(payload, UDP) else 0))[:20])
    h[0] = 0x40 | hl // 4
    struct.pack_into("!H", h, 2, hl + len(body))
    struct.pack_into("!H", h, 10, 0)
    h = bytes(h) + opt
    s = sum(struct.unpack("!%dH" % (hl // 2), h))
    while s > 0xffff:
        s = (s & 0xffff) + (s >> 16)
    h = h[:10] + struct.pack("!H", ~s & 0xffff) + h[12:]
    return Ether(type=0x0800)/Raw(h + body)


# IPv4 options
ipopt = [with_opts(o) for o in [
    b"\x07\x0b\x08\x01\x01\x01\x01\x02\x02\x02\x02",  # RR, one recorded
    b"\x07\x07\x04\x00\x00\x00\x00",                  # RR, none recorded
    b"\x07\x08\x04\x00\x00\x00\x00\x00",              # RR, bad length
    b"\x83\x07\x04\x01\x02\x03\x04",                  # LSRR
    b"\x89\x0b\x0c\x01\x02\x03\x04\x05\x06\x07\x08",  # SSRR, all recorded
    b"\x89\x07\x03\x01\x02\x03\x04",                  # SSRR, bad pointer
    b"\x94\x04\x00\x00",                              # router alert
    b"\x94\x04\x00\x07",                              # router alert, value
    b"\x94\x05\x00\x00\x00",                          # router alert, bad length
    b"\x44\x0c\x05\x00" + bytes(8),                   # TS only, none yet
    b"\x44\x0c\x09\x00" + struct.pack("!II", 12345, 0),
    b"\x44\x0c\x0d\x01" + bytes([1, 1, 1, 1]) + struct.pack("!I", 77),  # TS+ADDR
    b"\x44\x14\x0d\x03" + bytes([1, 1, 1, 1, 0, 0, 0, 5, 2, 2, 2, 2, 0, 0, 0, 6]),
    b"\x44\x14\x15\x31" + bytes([1, 1, 1, 1, 0, 0, 0, 5, 2, 2, 2, 2, 0, 0, 0, 6]),
    b"\x44\x0c\x05\x02" + bytes(8),                   # bad type
    b"\x44\x0b\x05\x00" + bytes(7),                   # bad length
    b"\x44\x0c\x06\x00" + bytes(8),                   # bad pointer
    b"\x82\x0b" + bytes(9),                           # security
    b"\x88\x04\x12\x34",                              # stream id (unknown)
    b"\x01\x01\x94\x04\x00\x00",                      # NOP NOP RA
    b"\x01\x00\x00\x00",                              # NOP EOL
    b"\x07\x01\x00\x00",                              # bad length
    b"\x44\x03\x05\x00",                              # TS too short
]]
w("ipopt", ipopt)
writecut("ipoptcut", cuts(ipopt[:14:3], 34))
