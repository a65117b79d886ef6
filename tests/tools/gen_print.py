# gen_print.py - captures for tests/interop/test_print_tcpdump.sh, made with
# scapy: loopback TCP (both ends share the address), TCP flag combinations,
# ARP with and without a target MAC, DNS flags and answers, SLL2, IPv6
# jumbograms, VLAN and ICMP. usage: gen_print.py OUTDIR
import sys
import struct
from scapy.all import *
import scapy_offline  # noqa: F401 (builds frames without network)
out = sys.argv[1]
def w(name, pkts, lt=None):
    wrpcap(f"{out}/{name}.pcap", pkts, linktype=lt) if lt else wrpcap(f"{out}/{name}.pcap", pkts)
t0 = 1700000000.0
def ts(pkts):
    for i, p in enumerate(pkts): p.time = t0 + i * 0.001
    return pkts
# loopback TCP conversation, both ends 127.0.0.1
def conv(a, b, sp, dp, ipc=IP):
    s0, s1 = 1000, 5000
    L = []
    L.append(ipc(src=a, dst=b)/TCP(sport=sp, dport=dp, flags="S", seq=s0))
    L.append(ipc(src=b, dst=a)/TCP(sport=dp, dport=sp, flags="SA", seq=s1, ack=s0+1))
    L.append(ipc(src=a, dst=b)/TCP(sport=sp, dport=dp, flags="A", seq=s0+1, ack=s1+1))
    L.append(ipc(src=a, dst=b)/TCP(sport=sp, dport=dp, flags="PA", seq=s0+1, ack=s1+1)/Raw(b"x"*10))
    L.append(ipc(src=b, dst=a)/TCP(sport=dp, dport=sp, flags="PA", seq=s1+1, ack=s0+11)/Raw(b"y"*20))
    L.append(ipc(src=a, dst=b)/TCP(sport=sp, dport=dp, flags="FA", seq=s0+11, ack=s1+21))
    L.append(ipc(src=b, dst=a)/TCP(sport=dp, dport=sp, flags="FA", seq=s1+21, ack=s0+12))
    L.append(ipc(src=a, dst=b)/TCP(sport=sp, dport=dp, flags="A", seq=s0+12, ack=s1+22))
    return L
lo = conv("127.0.0.1", "127.0.0.1", 40000, 8080) + conv("127.0.0.1", "127.0.0.1", 9000, 5555)
lo6 = conv("::1", "::1", 40001, 80, IPv6)
w("loopback", ts([Ether(src="00:00:00:00:00:00", dst="00:00:00:00:00:00")/p for p in lo + lo6]))
# TCP flags
fl = []
for f in ["S", "SEC", "SAE", "A", "R", "RA", "FPU", "", "SN", "ECN", "PAE"]:
    fl.append(Ether()/IP(src="10.0.0.1", dst="10.0.0.2")/TCP(sport=1234, dport=80, flags=f, seq=7, ack=9, urgptr=3))
w("tcpflags", ts(fl))
# ARP
arp = [Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff")/ARP(op=1, hwsrc="02:00:00:00:00:01", psrc="10.0.0.1", hwdst="00:00:00:00:00:00", pdst="10.0.0.2"),
       Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff")/ARP(op=1, hwsrc="02:00:00:00:00:01", psrc="10.0.0.1", hwdst="02:00:00:00:00:02", pdst="10.0.0.2"),
       Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff")/ARP(op=1, hwsrc="02:00:00:00:00:01", psrc="10.0.0.1", hwdst="ff:ff:ff:ff:ff:ff", pdst="10.0.0.1"),
       Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01")/ARP(op=2, hwsrc="02:00:00:00:00:02", psrc="10.0.0.2", hwdst="02:00:00:00:00:01", pdst="10.0.0.1")]
w("arp", ts(arp))
# DNS
def dq(**kw):
    return Ether()/IP(src="10.0.0.1", dst="10.0.0.53")/UDP(sport=33333, dport=53)/DNS(**kw)
def dr(**kw):
    return Ether()/IP(src="10.0.0.53", dst="10.0.0.1")/UDP(sport=53, dport=33333)/DNS(**kw)
q = DNSQR(qname="example.com", qtype="A")
dns = [dq(id=1, rd=1, qd=q), dq(id=2, rd=0, qd=q), dq(id=3, rd=1, cd=1, qd=q), dq(id=4, rd=1, ad=1, qd=q),
       dq(id=5, rd=1, tc=1, qd=q), dq(id=6, rd=1, aa=1, qd=q), dq(id=7, opcode=4, qd=q), dq(id=8, rd=1, qd=DNSQR(qname="example.com", qtype="AAAA")),
       dq(id=9, rd=1, qd=q, ar=DNSRROPT(rclass=4096)),
       dr(id=1, qr=1, rd=1, ra=1, qd=q, an=DNSRR(rrname="example.com", type="A", rdata="93.184.216.34")),
       dr(id=2, qr=1, rd=1, ra=0, aa=1, qd=q, an=DNSRR(rrname="example.com", type="A", rdata="1.2.3.4")),
       dr(id=3, qr=1, rd=1, ra=1, rcode=3, qd=q),
       dr(id=4, qr=1, rd=1, ra=1, ad=1, tc=1, qd=q, an=DNSRR(rrname="example.com", type="CNAME", rdata="b.example.com")),
       dr(id=5, qr=1, rd=1, ra=1, cd=1, qd=q, an=DNSRR(rrname="example.com", type="AAAA", rdata="2001:db8::1")),
       dr(id=6, qr=1, rd=1, ra=1, rcode=12, qd=q),
       dr(id=7, qr=1, rd=1, ra=1, rcode=2, qd=q, ns=DNSRR(rrname="example.com", type="NS", rdata="ns.example.com")),
       dr(id=8, qr=1, rd=1, ra=1, qd=q, an=DNSRR(rrname="example.com", type="MX", rdata=b"\x00\x0a\x02mx\x07example\x03com\x00")),
       ]
dns += [dr(id=20, qr=1, rd=1, ra=1, qd=q, an=DNSRR(rrname="example.com", type="TXT", rdata=["hello world", "x"])),
        dr(id=21, qr=1, rd=1, ra=1, qd=q, an=DNSRRSRV(rrname="_sip._tcp.example.com", priority=10, weight=20, port=5060, target="sip.example.com")),
        dr(id=22, qr=1, rd=1, ra=1, qd=DNSQR(qname="1.0.0.10.in-addr.arpa", qtype="PTR"), an=DNSRR(rrname="1.0.0.10.in-addr.arpa", type="PTR", rdata="host.example.com")),
        dr(id=23, qr=1, rd=1, ra=1, qd=q, an=DNSRR(rrname="example.com", type="A", rdata="1.2.3.4")/DNSRR(rrname="example.com", type="A", rdata="5.6.7.8")),
        dr(id=24, qr=1, rd=1, ra=1, qd=q, an=DNSRR(rrname="example.com", type="CNAME", rdata="a.example.com")/DNSRR(rrname="a.example.com", type="A", rdata="9.9.9.9")),
        dr(id=25, qr=1, opcode=5, rd=1, ra=1, qd=q)]
# answers of every type number (empty data, or a few bytes): tcpdump's
# names, "TypeN" for the others; TXT bytes that are not printable; OPT
def raw_answer(i, t, rdata, ttl=60, cls=1):
    msg = struct.pack("!HHHHHH", i, 0x8180, 1, 1, 0, 0) + b"\x01a\x00" + struct.pack("!HH", 1, 1)
    msg += b"\x01a\x00" + struct.pack("!HHIH", t, cls, ttl, len(rdata)) + rdata
    return Ether()/IP(src="10.0.0.53", dst="10.0.0.1")/UDP(sport=53, dport=33333)/Raw(msg)
for t in [3, 13, 17, 23, 29, 39, 44, 48, 49, 52, 64, 65, 99, 104, 249, 255, 257, 32768, 65534]:
    dns.append(raw_answer(t, t, b"\x00" * 8))
dns.append(raw_answer(100, 16, b"\x05a\x01\"\xe9\x7f\x00b"))
dns.append(raw_answer(101, 41, b"", ttl=0x8000, cls=1232))
dns.append(raw_answer(102, 41, b"", ttl=0, cls=512))
w("dns", ts(dns))
# SLL2
sll2 = []
for ifi, pt in [(1, 0), (1, 4), (2, 1), (3, 2), (99999, 3), (1, 0)]:
    hdr = struct.pack("!HHIHBB8s", 0x0800, 0, ifi, 1, pt, 6, b"\x02\x00\x00\x00\x00\x01\x00\x00")
    sll2.append(Raw(hdr + bytes(IP(src="10.0.0.1", dst="10.0.0.2")/UDP(sport=1, dport=2)/Raw(b"abc"))))
w("sll2", ts(sll2), 276)
# IPv6 jumbograms (RFC 2675) over TCP and UDP (UDP length 0), one whose
# Jumbo Payload option is below 65536 (invalid), and an IPv4 total length
# of 0 (Linux BIG TCP)
pay = b"z" * 70000
ip6 = bytes(IPv6(src="2001:db8::1", dst="2001:db8::2", nh=0, plen=0))[:40]
tcp = bytes(TCP(sport=1, dport=2, flags="PA", seq=1, ack=1, window=100)) + pay
udp = struct.pack("!HHHH", 5, 6, 0, 0) + pay
def hbh(nh, n):
    return bytes([nh, 0, 0xc2, 4]) + struct.pack("!I", n)
eth6 = Ether(dst="02:00:00:00:00:02", src="02:00:00:00:00:01", type=0x86dd)
jp = [eth6/Raw(ip6 + hbh(6, 8 + len(tcp)) + tcp),
      eth6/Raw(ip6 + hbh(17, 8 + len(udp)) + udp),
      eth6/Raw(ip6 + hbh(6, 8 + 120) + tcp[:120]),
      Ether()/IP(src="10.0.0.1", dst="10.0.0.2", len=0)/TCP(sport=3, dport=4, flags="PA", seq=1, ack=1)/Raw(b"z" * 200)]
jw = PcapWriter(f"{out}/jumbo.pcap", linktype=1, snaplen=262144, sync=True)
for p in ts(jp):
    jw.write(p)
jw.close()
# IP headers tcpdump rejects in its own words: an IPv4 EtherType over
# versions 6, 5 and 0, a short header length, a total length below it, an
# IPv6 EtherType over version 5; UDP lengths below 8 and beyond the datagram
ipb = bytes(IP(src="10.0.0.1", dst="10.0.0.2")/UDP(sport=1000, dport=2000)/Raw(b"abcdefgh"))
def mod(b, i, v):
    b = bytearray(b); b[i] = v; return bytes(b)
bad = [Ether(type=0x0800)/Raw(mod(ipb, 0, 0x65)), Ether(type=0x0800)/Raw(mod(ipb, 0, 0x55)),
       Ether(type=0x0800)/Raw(mod(ipb, 0, 0x05)), Ether(type=0x0800)/Raw(mod(ipb, 0, 0x44)),
       Ether(type=0x0800)/Raw(mod(ipb, 3, 10)),
       Ether(type=0x86dd)/Raw(bytes([0x50]) + bytes(IPv6(src="::1", dst="::2")/UDP())[1:]),
       Ether()/IP(src="10.0.0.1", dst="10.0.0.2")/UDP(sport=1000, dport=2000, len=4)/Raw(b"abcdefgh"),
       Ether()/IP(src="10.0.0.1", dst="10.0.0.2")/UDP(sport=1000, dport=2000, len=100)/Raw(b"abcdefgh"),
       Ether()/IP(src="10.0.0.1", dst="10.0.0.2")/UDP(sport=1000, dport=53, len=100)/DNS(id=1, rd=1, qd=DNSQR(qname="a.b")),
       Ether()/IP(src="10.0.0.1", dst="10.0.0.2")/UDP(sport=1000, dport=2000, len=10)/Raw(b"abcdefgh"),
       Ether()/IPv6(src="::1", dst="::2")/UDP(sport=1000, dport=2000, len=100)/Raw(b"abcdefgh"),
       Ether()/IPv6(src="::1", dst="::2")/UDP(sport=1000, dport=2000, len=3)/Raw(b"abcdefgh")]
w("ipbad", ts(bad))
# a SYN with options cut at every byte of its options (tcpdump prints up
# to the cut: 'options [mss 1460,sackOK,TS [|tcp]>')
syn = bytes(Ether()/IP(src="10.0.0.1", dst="10.0.0.2")/TCP(sport=40000, dport=80, flags="S", seq=1000, window=64240, options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1000, 0)), ("NOP", None), ("WScale", 7)]))
cw = PcapWriter(f"{out}/tcpcut.pcap", linktype=1, sync=True)
for p in ts([Ether(syn[:k]) for k in range(14 + 20 + 18, len(syn) + 1)]):
    cw.write(p)
cw.close()
# VLAN and ICMP
v = [Ether()/Dot1Q(vlan=10, prio=3)/IP(src="10.0.0.1", dst="10.0.0.2")/ICMP(type=8, id=1, seq=2),
     Ether()/Dot1Q(vlan=10)/Dot1Q(vlan=20)/IP(src="10.0.0.2", dst="10.0.0.1")/ICMP(type=0, id=1, seq=2),
     Ether()/IP(src="10.0.0.1", dst="10.0.0.2")/ICMP(type=3, code=3)/IP(src="10.0.0.2", dst="10.0.0.1")/UDP(sport=5, dport=6),
     Ether()/IP(src="10.0.0.1", dst="10.0.0.2")/ICMP(type=11, code=0)/IP(src="10.0.0.2", dst="10.0.0.1")/UDP(sport=5, dport=6),
     Ether()/IPv6(src="2001:db8::1", dst="2001:db8::2")/ICMPv6EchoRequest(id=3, seq=4),
     Ether()/IPv6(src="2001:db8::1", dst="ff02::1:ff00:2")/ICMPv6ND_NS(tgt="2001:db8::2")]
w("vlan_icmp", ts(v))
# The headers tcpdump -v words and capkit words the same way: IPv4 (tos
# with ECN bits, ttl, id, DF/MF/reserved flags, fragment offsets, a bad
# header checksum), IPv6 (class, flow label, hop limit), TCP with options
# and good and bad checksums, UDP on ports without an application decoder
# (good, bad and zero checksums), ICMP and ICMPv6 echo (good and bad
# checksums), ARP
def ip4(**kw):
    return IP(src="10.0.0.1", dst="10.0.0.2", **kw)
def ip6(**kw):
    return IPv6(src="2001:db8::1", dst="2001:db8::2", **kw)
opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1000, 0)), ("NOP", None), ("WScale", 7)]
vb = [Ether()/ip4(tos=0x10, ttl=3, id=7, flags="DF")/TCP(sport=40000, dport=5000, flags="S", seq=100, options=opts),
      Ether()/ip4(tos=0x03, ttl=255, id=8)/TCP(sport=5000, dport=40000, flags="SA", seq=900, ack=101, options=opts),
      Ether()/ip4(tos=0x01)/TCP(sport=40000, dport=5000, flags="A", seq=101, ack=901),
      Ether()/ip4(tos=0x02, chksum=0x1234)/TCP(sport=40000, dport=5000, flags="PA", seq=101, ack=901)/Raw(b"hello\r\nworld\r\n\tx\x00\x7f\xff"),
      Ether()/ip4()/TCP(sport=40000, dport=5000, flags="PA", seq=114, ack=901, chksum=0x4321)/Raw(b"abc"),
      Ether()/ip4(ttl=0, flags="evil")/TCP(sport=40000, dport=5000, flags="FA", seq=117, ack=901),
      Ether()/ip4(flags="MF", id=99)/UDP(sport=1000, dport=2000)/Raw(b"x" * 40),
      Ether()/ip4(frag=5, id=99)/Raw(b"y" * 16),
      Ether()/ip4()/UDP(sport=1000, dport=2000)/Raw(b"payload"),
      Ether()/ip4()/UDP(sport=1000, dport=2000, chksum=0x1111)/Raw(b"payload"),
      Ether()/ip4()/UDP(sport=1000, dport=2000, chksum=0)/Raw(b"payload"),
      Ether()/ip4()/ICMP(type=8, id=1, seq=2)/Raw(b"ping" * 8),
      Ether()/ip4()/ICMP(type=0, id=1, seq=2, chksum=0x1)/Raw(b"ping" * 8),
      Ether()/ip6(tc=0x20, fl=0x12345, hlim=9)/TCP(sport=40001, dport=80, flags="S", seq=5, options=opts),
      Ether()/ip6()/TCP(sport=40001, dport=80, flags="A", seq=6, ack=7, chksum=0x9999),
      Ether()/ip6(fl=1)/UDP(sport=1000, dport=2000)/Raw(b"six"),
      Ether()/ip6()/UDP(sport=1000, dport=2000, chksum=0x2222)/Raw(b"six"),
      Ether()/ip6(tc=0xff)/ICMPv6EchoRequest(id=3, seq=4, data=b"abcd"),
      Ether()/ip6()/ICMPv6EchoReply(id=3, seq=4, cksum=0x3333),
      Ether()/Dot1Q(vlan=5)/ip4(id=3)/UDP(sport=7, dport=9)/Raw(b"v"),
      Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff")/ARP(op=1, hwsrc="02:00:00:00:00:01", psrc="10.0.0.1", pdst="10.0.0.2"),
      Ether()/ARP(op=2, hwsrc="02:00:00:00:00:02", psrc="10.0.0.2", hwdst="02:00:00:00:00:01", pdst="10.0.0.1")]
w("verbose", ts(vb))
# Seeded random packets of those kinds (gen_print.py OUTDIR SEED): random
# header fields, payload lengths and bytes, checksums right or wrong, and
# a snapshot length that cuts the payload (never a header: tcpdump's dump
# after a header cut short starts wherever its printer stopped)
if len(sys.argv) > 2:
    import random
    seed = int(sys.argv[2])
    rnd = random.Random(seed)
    def rb(n):
        return bytes(rnd.randrange(256) for _ in range(n))
    pk, hl = [], []
    for i in range(60):
        k = rnd.randrange(7)
        pay = Raw(rb(rnd.randrange(0, 90)))
        v4 = IP(src="10.%d.%d.%d" % (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)),
                dst="192.168.%d.%d" % (rnd.randrange(256), rnd.randrange(256)),
                tos=rnd.randrange(256), ttl=rnd.randrange(256), id=rnd.randrange(65536),
                flags=rnd.choice(["", "DF", "evil", "DF+evil"]))
        v6 = IPv6(src="2001:db8::%x" % rnd.randrange(65536), dst="fe80::%x" % rnd.randrange(65536),
                  tc=rnd.choice([0, rnd.randrange(256)]), fl=rnd.choice([0, rnd.randrange(1 << 20)]),
                  hlim=rnd.randrange(256))
        net = v4 if rnd.random() < 0.6 else v6
        bad = rnd.random() < 0.3
        # ports away from the ones tcpdump decodes an application on
        sp, dp = rnd.randrange(20000, 30000), rnd.randrange(20000, 30000)
        if k <= 2:
            o = rnd.choice([[], opts, [("NOP", None), ("NOP", None), ("Timestamp", (rnd.randrange(2**32), rnd.randrange(2**32)))]])
            t = TCP(sport=sp, dport=dp, flags=rnd.choice(["S", "SA", "A", "PA", "FA", "R", "RA"]),
                    seq=rnd.randrange(2**32), ack=rnd.randrange(2**32), window=rnd.randrange(65536), options=o)
            if bad:
                t.chksum = rnd.randrange(65536)
            l4 = t/pay
        elif k <= 4:
            u = UDP(sport=sp, dport=dp)
            if bad:
                u.chksum = rnd.randrange(65536)
            l4 = u/pay
        elif net is v4:
            c = ICMP(type=rnd.choice([0, 8]), id=rnd.randrange(65536), seq=rnd.randrange(65536))
            if bad:
                c.chksum = rnd.randrange(65536)
            l4 = c/pay
        else:
            c = rnd.choice([ICMPv6EchoRequest, ICMPv6EchoReply])(id=rnd.randrange(65536), seq=rnd.randrange(65536), data=bytes(pay))
            if bad:
                c.cksum = rnd.randrange(65536)
            l4 = c
        if net is v4 and rnd.random() < 0.2:
            net.chksum = rnd.randrange(65536)
        if rnd.random() < 0.15:
            p = Ether()/ARP(op=rnd.choice([1, 2]), psrc=v4.src, pdst=v4.dst, hwsrc="02:00:00:00:00:%02x" % rnd.randrange(256))
            head = len(p)
        else:
            if rnd.random() < 0.2:
                p = Ether()/Dot1Q(vlan=rnd.randrange(4096))/net/l4
            else:
                p = Ether()/net/l4
            p = Ether(bytes(p))
            head = len(p) - len(bytes(pay))
        pk.append(p)
        hl.append(head)
    ts(pk)
    wrpcap(f"{out}/prop{seed}.pcap", pk)
    # the same packets cut by a snapshot length inside their payloads
    cw = PcapWriter(f"{out}/propcut{seed}.pcap", linktype=1, sync=True)
    for p, h in zip(pk, hl):
        raw = bytes(p)
        cut = rnd.randrange(h, len(raw) + 1)
        q = Ether(raw[:cut])
        q.time = p.time
        q.wirelen = len(raw)
        cw.write(q)
    cw.close()
