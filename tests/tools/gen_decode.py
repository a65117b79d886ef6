#!/usr/bin/python3
"""gen_decode.py - build the decoder's golden captures in tests/data/decode.

Every protocol the decoder knows gets a capture of well-formed packets, a
truncated variant (each packet cut at several lengths inside its headers)
and a corrupted variant (length, version and checksum fields broken).
Packets are built with scapy; the pcap files are written here, byte by byte,
so captured and original lengths can differ. Output is deterministic.

usage: /usr/bin/python3 tests/tools/gen_decode.py [OUTDIR]
"""
import os
import struct
import sys

from scapy.all import (ARP, DNS, DNSQR, DNSRR, GRE, ICMP, IP, TCP, UDP,
                       VXLAN, BOOTP, DHCP, NTP, Dot1Q, Dot1AD, Ether, LLC,
                       SNAP, STP, Raw, Dot3, CookedLinux, IPv6, ICMPv6EchoRequest,
                       ICMPv6EchoReply, ICMPv6ND_NS, ICMPv6ND_NA,
                       ICMPv6ND_RS, ICMPv6ND_RA, ICMPv6NDOptSrcLLAddr,
                       ICMPv6NDOptDstLLAddr, ICMPv6DestUnreach,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, fragment,
                       IPOption_RR)

T0 = 1700000000  # 2023-11-14 22:13:20 UTC
M1 = "00:11:22:33:44:55"
M2 = "66:77:88:99:aa:bb"


def write_pcap(path, linktype, recs, snaplen=65535):
    """recs: list of (bytes, origlen or None)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen,
                            linktype))
        for i, (data, orig) in enumerate(recs):
            data = bytes(data)
            orig = len(data) if orig is None else orig
            f.write(struct.pack("<IIII", T0 + i // 4, (i % 4) * 250000 + i,
                                len(data), orig))
            f.write(data)


def eth(p, src=M1, dst=M2):
    return Ether(src=src, dst=dst) / p


def tcp_pkts():
    c, s = "10.0.0.1", "10.0.0.2"
    opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1000, 0)),
            ("NOP", None), ("WScale", 7)]
    pk = [
        IP(src=c, dst=s, id=1) / TCP(sport=40000, dport=80, flags="S",
                                     seq=1000, window=64240, options=opts),
        IP(src=s, dst=c, id=2) / TCP(sport=80, dport=40000, flags="SA",
                                     seq=5000, ack=1001, window=65160,
                                     options=opts),
        IP(src=c, dst=s, id=3) / TCP(sport=40000, dport=80, flags="A",
                                     seq=1001, ack=5001, window=502),
        IP(src=c, dst=s, id=4) / TCP(sport=40000, dport=80, flags="PA",
                                     seq=1001, ack=5001, window=502) /
        Raw(b"GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n"),
        IP(src=s, dst=c, id=5) / TCP(sport=80, dport=40000, flags="PA",
                                     seq=5001, ack=1049, window=509) /
        Raw(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
        IP(src=c, dst=s, id=6) / TCP(sport=40000, dport=80, flags="A",
                                     seq=1049, ack=5044, window=502,
                                     options=[("NOP", None), ("NOP", None),
                                              ("SAck", (5100, 5200))]),
        IP(src=c, dst=s, id=7) / TCP(sport=40000, dport=80, flags="FA",
                                     seq=1049, ack=5044, window=502),
        IP(src=s, dst=c, id=8) / TCP(sport=80, dport=40000, flags="R",
                                     seq=5044, window=0),
        IP(src=c, dst=s, id=9, options=[IPOption_RR(routers=["1.2.3.4"])]) /
        TCP(sport=40001, dport=22, flags="PAU", seq=7, ack=9, urgptr=1,
            window=100) / Raw(b"x" * 10),
        IP(src=c, dst="10.0.0.3", id=10) / TCP(
            sport=40002, dport=443, flags="PA", seq=1, ack=1, window=200) /
        Raw(b"\x16\x03\x01\x00\x2f\x01\x00\x00\x2b\x03\x03" + b"\x00" * 43),
        IP(src=c, dst=s, id=11, flags="DF", tos=0x10, ttl=3) /
        TCP(sport=40003, dport=8080, flags="SEC", seq=99, window=1024),
    ]
    # DNS over TCP: a 2-byte length, then the message
    q = bytes(DNS(id=0x4242, rd=1, qd=DNSQR(qname="example.com", qtype="MX")))
    pk.append(IP(src=c, dst="10.0.0.53", id=14) /
              TCP(sport=40006, dport=53, flags="PA", seq=11, ack=12,
                  window=512) / Raw(struct.pack(">H", len(q)) + q))
    pk = [eth(p) for p in pk]
    # a bad TCP checksum and a bad IP checksum
    pk.append(eth(IP(src=c, dst=s, id=12) /
                  TCP(sport=40004, dport=5000, flags="A", seq=1, ack=1,
                      chksum=0x1234)))
    pk.append(eth(IP(src=c, dst=s, id=13, chksum=0x4321) /
                  TCP(sport=40005, dport=5000, flags="A", seq=1, ack=1)))
    return pk


def udp_pkts():
    c, dns_s = "10.0.0.1", "10.0.0.53"
    pk = [
        IP(src=c, dst=dns_s, id=20) / UDP(sport=53000, dport=53) /
        DNS(id=0x1234, rd=1, qd=DNSQR(qname="example.com", qtype="A")),
        IP(src=dns_s, dst=c, id=21) / UDP(sport=53, dport=53000) /
        DNS(id=0x1234, qr=1, rd=1, ra=1,
            qd=DNSQR(qname="example.com", qtype="A"),
            an=DNSRR(rrname="example.com", type="A", rdata="93.184.216.34")),
        IP(src=c, dst=dns_s, id=22) / UDP(sport=53001, dport=53) /
        DNS(id=7, rd=1, qd=DNSQR(qname="example.org", qtype="AAAA")),
        IP(src=dns_s, dst=c, id=23) / UDP(sport=53, dport=53001) /
        DNS(id=7, qr=1, rcode=3, qd=DNSQR(qname="example.org",
                                          qtype="AAAA")),
        IP(src="0.0.0.0", dst="255.255.255.255", id=24) /
        UDP(sport=68, dport=67) /
        BOOTP(chaddr=bytes.fromhex("001122334455"), xid=0x11223344) /
        DHCP(options=[("message-type", "discover"), "end"]),
        IP(src="10.0.0.254", dst="10.0.0.77", id=25) /
        UDP(sport=67, dport=68) /
        BOOTP(op=2, yiaddr="10.0.0.77", siaddr="10.0.0.254",
              chaddr=bytes.fromhex("001122334455"), xid=0x11223344) /
        DHCP(options=[("message-type", "offer"), "end"]),
        IP(src="0.0.0.0", dst="255.255.255.255", id=26) /
        UDP(sport=68, dport=67) /
        BOOTP(chaddr=bytes.fromhex("001122334455"), xid=0x11223344) /
        DHCP(options=[("message-type", "request"),
                      ("requested_addr", "10.0.0.77"), "end"]),
        IP(src=c, dst="10.0.0.123", id=27) / UDP(sport=123, dport=123) /
        NTP(version=4, mode=3, ref=0, orig=0, recv=0, sent=3900000000),
        IP(src="10.0.0.123", dst=c, id=28) / UDP(sport=123, dport=123) /
        NTP(version=4, mode=4, stratum=2, ref=3899999000, orig=3900000000,
            recv=3900000001, sent=3900000002),
        IP(src=c, dst="10.0.0.9", id=29) / UDP(sport=5000, dport=6000) /
        Raw(b"u" * 100),
        IP(src=c, dst="10.0.0.9", id=30) / UDP(sport=5001, dport=6000,
                                               chksum=0) / Raw(b"z" * 8),
        IP(src=c, dst="10.0.0.9", id=31) / UDP(sport=5002, dport=6000,
                                               chksum=0xbeef) / Raw(b"b" * 8),
    ]
    return [eth(p) for p in pk]


def icmp_pkts():
    a, b = "10.0.0.1", "10.0.0.2"
    la, lb = "fe80::1", "fe80::2"
    pk = [
        IP(src=a, dst=b, id=40) / ICMP(type=8, id=1, seq=1) / Raw(b"p" * 56),
        IP(src=b, dst=a, id=41) / ICMP(type=0, id=1, seq=1) / Raw(b"p" * 56),
        IP(src=b, dst=a, id=42) / ICMP(type=3, code=3) /
        IP(src=a, dst=b, id=9) / UDP(sport=5000, dport=9),
        IP(src="10.0.0.254", dst=a, id=43) / ICMP(type=11, code=0) /
        IP(src=a, dst="8.8.8.8", ttl=1) / UDP(sport=5000, dport=33434),
        IP(src=a, dst=b, id=44) / ICMP(type=8, id=2, seq=2, chksum=0x0bad),
        IPv6(src=la, dst=lb) / ICMPv6EchoRequest(id=3, seq=4, data=b"q" * 8),
        IPv6(src=lb, dst=la) / ICMPv6EchoReply(id=3, seq=4, data=b"q" * 8),
        IPv6(src=la, dst="ff02::1:ff00:2", hlim=255) /
        ICMPv6ND_NS(tgt=lb) / ICMPv6NDOptSrcLLAddr(lladdr=M1),
        IPv6(src=lb, dst=la, hlim=255) /
        ICMPv6ND_NA(tgt=lb, R=0, S=1, O=1) / ICMPv6NDOptDstLLAddr(lladdr=M2),
        IPv6(src=la, dst="ff02::2", hlim=255) / ICMPv6ND_RS(),
        IPv6(src="fe80::fe", dst="ff02::1", hlim=255) /
        ICMPv6ND_RA(chlim=64, routerlifetime=1800),
        IPv6(src=lb, dst=la) / ICMPv6DestUnreach(code=4) /
        IPv6(src=la, dst=lb) / UDP(sport=1, dport=2),
    ]
    return [eth(p) for p in pk]


def arp_pkts():
    return [
        Ether(src=M1, dst="ff:ff:ff:ff:ff:ff") /
        ARP(op=1, hwsrc=M1, psrc="10.0.0.1", pdst="10.0.0.2"),
        Ether(src=M2, dst=M1) /
        ARP(op=2, hwsrc=M2, psrc="10.0.0.2", hwdst=M1, pdst="10.0.0.1"),
    ]


def ipv6_pkts():
    a, b = "2001:db8::1", "2001:db8::2"
    pk = [
        IPv6(src=a, dst=b) / TCP(sport=40000, dport=443, flags="S", seq=1,
                                 window=64800),
        IPv6(src=a, dst=b) / UDP(sport=53002, dport=53) /
        DNS(id=9, rd=1, qd=DNSQR(qname="example.net", qtype="AAAA")),
        IPv6(src=a, dst=b) / IPv6ExtHdrHopByHop() / UDP(sport=1000,
                                                       dport=2000) /
        Raw(b"h" * 4),
        IPv6(src=a, dst=b) / IPv6ExtHdrRouting(addresses=["2001:db8::3"]) /
        IPv6ExtHdrDestOpt() / TCP(sport=40001, dport=22, flags="A", seq=5,
                                  ack=6, window=10),
        IPv6(src=a, dst=b, fl=0x12345, tc=0x20, hlim=9) /
        UDP(sport=5000, dport=6000, chksum=0x7777) / Raw(b"c" * 4),
    ]
    frags = fragment6(IPv6(src=a, dst=b) / IPv6ExtHdrFragment(id=0x42) /
                      UDP(sport=7000, dport=8000) / Raw(b"F" * 120), 96)
    pk += frags
    return [eth(p) for p in pk]


def fragment6(pkt, size):
    from scapy.all import fragment6 as f6
    return f6(pkt, size)


def frag_pkts():
    big = IP(src="10.0.0.1", dst="10.0.0.2", id=77) / UDP(
        sport=5000, dport=6000) / Raw(b"A" * 100)
    fr = fragment(big, fragsize=48)
    big2 = IP(src="10.0.0.1", dst="10.0.0.2", id=78) / ICMP(
        type=8, id=5, seq=6) / Raw(b"B" * 60)
    fr += fragment(big2, fragsize=40)
    return [eth(p) for p in fr]


def vlan_pkts():
    ip = IP(src="10.1.0.1", dst="10.1.0.2", id=60) / UDP(sport=1111,
                                                          dport=2222) / \
        Raw(b"v" * 6)
    return [
        Ether(src=M1, dst=M2) / Dot1Q(vlan=100, prio=3) / ip,
        Ether(src=M1, dst=M2, type=0x88a8) / Dot1AD(vlan=200) /
        Dot1Q(vlan=300) / ip,
        Ether(src=M1, dst=M2) / Dot1Q(vlan=1) / Dot1Q(vlan=2) /
        Dot1Q(vlan=3) / ARP(op=1, hwsrc=M1, psrc="10.1.0.1",
                            pdst="10.1.0.9"),
        Ether(src=M1, dst=M2) / Dot1Q(vlan=5, id=1) /
        IPv6(src="2001:db8::a", dst="2001:db8::b") /
        ICMPv6EchoRequest(id=1, seq=1),
    ]


def llc_pkts():
    return [
        Dot3(src=M1, dst="01:80:c2:00:00:00") / LLC() / STP(),
        Dot3(src=M1, dst=M2) / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) /
        SNAP(OUI=0, code=0x0800) / IP(src="10.2.0.1", dst="10.2.0.2",
                                      id=61) /
        UDP(sport=3000, dport=4000) / Raw(b"s" * 4),
        Dot3(src=M1, dst=M2) / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) /
        SNAP(OUI=0x00000c, code=0x2000) / Raw(b"cdp-ish" * 3),
    ]


def tunnel_pkts():
    inner = IP(src="192.168.0.1", dst="192.168.0.2", id=70) / ICMP(
        type=8, id=7, seq=1) / Raw(b"g" * 16)
    inner_eth = Ether(src=M1, dst=M2) / IP(src="192.168.1.1",
                                           dst="192.168.1.2", id=71) / \
        UDP(sport=1234, dport=53) / DNS(id=5, rd=1,
                                        qd=DNSQR(qname="in.vxlan"))
    return [
        eth(IP(src="172.16.0.1", dst="172.16.0.2", id=72) / GRE() / inner),
        eth(IP(src="172.16.0.1", dst="172.16.0.2", id=73) /
            GRE(key_present=1, key=0x1234, proto=0x6558) /
            Ether(src=M2, dst=M1) / IP(src="192.168.2.1", dst="192.168.2.2",
                                       id=74) /
            TCP(sport=1, dport=2, flags="S", seq=3, window=4)),
        eth(IP(src="172.16.0.1", dst="172.16.0.3", id=75) /
            UDP(sport=49152, dport=4789) / VXLAN(vni=4242) / inner_eth),
        eth(IPv6(src="2001:db8::1", dst="2001:db8::2") / GRE() / inner),
        eth(IP(src="172.16.0.1", dst="172.16.0.2", id=76) / inner),
    ]


def l3(pk):
    """Network-layer packets, for the link types without Ethernet."""
    return [
        IP(src="10.9.0.1", dst="10.9.0.2", id=80) / TCP(sport=1024, dport=80,
                                                        flags="S", seq=42,
                                                        window=1000),
        IP(src="10.9.0.1", dst="10.9.0.2", id=81) / UDP(sport=1025,
                                                        dport=9999) /
        Raw(b"r" * 12),
        IPv6(src="2001:db8::9", dst="2001:db8::10") /
        ICMPv6EchoRequest(id=9, seq=9),
    ] if pk is None else pk


def sll_bytes(p, v2, pkttype=0):
    ethtype = 0x0800 if p.version == 4 else 0x86DD
    body = bytes(p)
    addr = bytes.fromhex("0011223344550000")
    if v2:
        return struct.pack(">HHIHBB", ethtype, 0, 2, 1, pkttype, 6) + addr + \
            body
    return struct.pack(">HHH", pkttype, 1, 6) + addr + \
        struct.pack(">H", ethtype) + body


def null_bytes(p, order):
    fam = 2 if p.version == 4 else 30
    return struct.pack(order + "I", fam) + bytes(p)


def cuts(data, lens):
    out = []
    for n in lens:
        if 0 < n < len(data):
            out.append((data[:n], len(data)))
    return out


def truncated(pkts):
    """Each packet cut inside every header it has, plus one byte short."""
    recs = []
    for p in pkts:
        data = bytes(p)
        lens = set()
        layer = p
        off = 0
        while layer is not None and not isinstance(layer, Raw):
            hl = len(layer) - len(layer.payload) if layer.payload else \
                len(layer)
            for k in (1, hl // 2, hl - 1):
                if k > 0:
                    lens.add(off + k)
            off += hl
            layer = layer.payload if layer.payload else None
        lens.add(len(data) - 1)
        recs += cuts(data, sorted(lens))
    return recs


def corrupt(pkts):
    """Header fields broken in place; checksums left as they were."""
    recs = []
    for p in pkts:
        data = bytearray(bytes(p))
        variants = []
        ipl = p.getlayer(IP)
        if ipl is not None:
            o = len(data) - len(ipl)
            for f in (lambda d: d.__setitem__(o, 0x44),       # ihl 4*4
                      lambda d: d.__setitem__(o, 0x6f),       # version 6
                      lambda d: d.__setitem__(o, 0x4f),       # ihl 60
                      lambda d: d.__setitem__(slice(o + 2, o + 4),
                                              b"\x00\x10"),  # len < ihl
                      lambda d: d.__setitem__(slice(o + 2, o + 4),
                                              b"\xff\xff"),  # len too big
                      lambda d: d.__setitem__(o + 11, d[o + 11] ^ 0xff)):
                v = bytearray(data)
                f(v)
                variants.append(v)
            t = p.getlayer(TCP)
            if t is not None:
                to = len(data) - len(t)
                for val in (0x20, 0xf0):  # doff 2, doff 15
                    v = bytearray(data)
                    v[to + 12] = val
                    variants.append(v)
                v = bytearray(data)  # option with length 0
                if len(t) - len(t.payload) > 20:
                    v[to + 20] = 2
                    v[to + 21] = 0
                    variants.append(v)
            u = p.getlayer(UDP)
            if u is not None:
                uo = len(data) - len(u)
                for val in (b"\x00\x04", b"\xff\xf0"):
                    v = bytearray(data)
                    v[uo + 4:uo + 6] = val
                    variants.append(v)
        ip6 = p.getlayer(IPv6)
        if ipl is None and ip6 is not None:
            o = len(data) - len(ip6)
            for f in (lambda d: d.__setitem__(o, 0x40),
                      lambda d: d.__setitem__(slice(o + 4, o + 6),
                                              b"\xff\xff"),
                      lambda d: d.__setitem__(slice(o + 4, o + 6),
                                              b"\x00\x02")):
                v = bytearray(data)
                f(v)
                variants.append(v)
        if not variants:
            v = bytearray(data)
            v[-1] ^= 0xff
            variants.append(v)
        recs += [(bytes(v), None) for v in variants]
    return recs


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "data", "decode")
    os.makedirs(out, exist_ok=True)
    sets = {
        "tcp": tcp_pkts(), "udp": udp_pkts(), "icmp": icmp_pkts(),
        "arp": arp_pkts(), "ipv6": ipv6_pkts(), "frag": frag_pkts(),
        "vlan": vlan_pkts(), "llc": llc_pkts(), "tunnel": tunnel_pkts(),
    }
    for name, pk in sets.items():
        write_pcap(os.path.join(out, name + ".pcap"), 1,
                   [(bytes(p), None) for p in pk])
        write_pcap(os.path.join(out, name + "_trunc.pcap"), 1, truncated(pk))
        write_pcap(os.path.join(out, name + "_bad.pcap"), 1, corrupt(pk))
    net = l3(None)
    write_pcap(os.path.join(out, "sll.pcap"), 113,
               [(sll_bytes(p, 0, i), None) for i, p in enumerate(net)])
    write_pcap(os.path.join(out, "sll2.pcap"), 276,
               [(sll_bytes(p, 1, i), None) for i, p in enumerate(net)])
    write_pcap(os.path.join(out, "null_le.pcap"), 0,
               [(null_bytes(p, "<"), None) for p in net])
    write_pcap(os.path.join(out, "null_be.pcap"), 0,
               [(null_bytes(p, ">"), None) for p in net])
    write_pcap(os.path.join(out, "loop.pcap"), 108,
               [(null_bytes(p, ">"), None) for p in net])
    write_pcap(os.path.join(out, "raw.pcap"), 101,
               [(bytes(p), None) for p in net])
    write_pcap(os.path.join(out, "ipv4.pcap"), 228,
               [(bytes(p), None) for p in net if p.version == 4])
    write_pcap(os.path.join(out, "ipv6raw.pcap"), 229,
               [(bytes(p), None) for p in net if p.version == 6])
    link_trunc = []
    for p in net:
        link_trunc += cuts(sll_bytes(p, 0), (1, 8, 15, 17))
    write_pcap(os.path.join(out, "sll_trunc.pcap"), 113, link_trunc)
    link_trunc = []
    for p in net:
        link_trunc += cuts(sll_bytes(p, 1), (1, 10, 19, 21))
    write_pcap(os.path.join(out, "sll2_trunc.pcap"), 276, link_trunc)
    write_pcap(os.path.join(out, "null_trunc.pcap"), 0,
               [(null_bytes(p, "<")[:n], None) for p in net
                for n in (2, 5)] +
               [(struct.pack("<I", 99) + bytes(net[0]), None)])
    fuzz_corpus(out, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), "..", "fuzz", "corpus", "decode"))


def fuzz_corpus(datadir, out):
    """One file per packet of the golden captures: a link type selector
    byte (the index in fuzz_decode.c's table), then the packet."""
    sel = {1: 0, 0: 1, 108: 2, 113: 3, 276: 4, 101: 5, 228: 6, 229: 7}
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(datadir)):
        if not name.endswith(".pcap"):
            continue
        raw = open(os.path.join(datadir, name), "rb").read()
        lt = struct.unpack_from("<I", raw, 20)[0]
        off, i = 24, 0
        while off + 16 <= len(raw):
            cap = struct.unpack_from("<I", raw, off + 8)[0]
            pkt = raw[off + 16:off + 16 + cap]
            off += 16 + cap
            i += 1
            # every third packet of the variants keeps the corpus small
            if ("_trunc" in name or "_bad" in name) and i % 3:
                continue
            with open(os.path.join(out, "%s-%03d" % (name[:-5], i)),
                      "wb") as f:
                f.write(bytes([sel[lt]]) + pkt)


if __name__ == "__main__":
    main()
