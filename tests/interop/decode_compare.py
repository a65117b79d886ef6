"""decode_compare.py - compare capkit print --json with tshark -T fields,
packet by packet, for one capture. Used by test_decode_tshark.sh.

usage: decode_compare.py CAPKIT_JSON TSHARK_OUT STRICT [CAPKIT_STATS_JSON]
TSHARK_OUT is tshark -T fields output (the fields of --fields), optionally
followed by its -z io,phs and conv,ip/ipv6/tcp/udp tables; with
CAPKIT_STATS_JSON (capkit stats --json -n 0) those are compared too.
Prints one line per difference and, last, "checked N" (values compared).
STRICT=1: a field tshark has must be present in capkit's output too (the
clean captures); 0: only fields both report are compared (truncated and
corrupted captures, where the two stop at different points).
"""
import json
import sys

# tshark field -> (capkit layer, capkit field, converter)
FIELDS = [
    ("frame.len", None, "len", int),
    ("frame.cap_len", None, "caplen", int),
    ("eth.src", "eth", "src", str),
    ("eth.dst", "eth", "dst", str),
    ("vlan.id", "vlan", "vid", int),
    ("arp.opcode", "arp", "op", int),
    ("arp.src.proto_ipv4", "arp", "spa", str),
    ("arp.dst.proto_ipv4", "arp", "tpa", str),
    ("ip.src", "ip", "src", str),
    ("ip.dst", "ip", "dst", str),
    ("ip.proto", "ip", "proto", int),
    ("ip.len", "ip", "total_len", int),
    ("ip.ttl", "ip", "ttl", int),
    ("ip.id", "ip", "id", lambda v: int(v, 0)),
    ("ip.checksum.status", "ip", "checksum_status", None),
    ("ipv6.src", "ipv6", "src", str),
    ("ipv6.dst", "ipv6", "dst", str),
    ("ipv6.plen", "ipv6", "plen", int),
    ("ipv6.nxt", "ipv6", "next", int),
    ("tcp.srcport", "tcp", "sport", int),
    ("tcp.dstport", "tcp", "dport", int),
    ("tcp.seq", "tcp", "seq", int),
    ("tcp.ack", "tcp", "ack", int),
    # tshark adds the three reserved bits; capkit keeps NS..FIN
    ("tcp.flags", "tcp", "flags_raw", lambda v: int(v, 0) & 0x1ff),
    ("tcp.hdr_len", "tcp", "doff", int),
    ("tcp.len", "tcp", "payload_len", int),
    ("tcp.window_size_value", "tcp", "window", int),
    ("tcp.checksum.status", "tcp", "checksum_status", None),
    ("udp.srcport", "udp", "sport", int),
    ("udp.dstport", "udp", "dport", int),
    ("udp.length", "udp", "len", int),
    ("udp.checksum.status", "udp", "checksum_status", None),
    ("icmp.type", "icmp", "type", int),
    ("icmp.code", "icmp", "code", int),
    ("icmp.checksum.status", "icmp", "checksum_status", None),
    ("icmpv6.type", "icmpv6", "type", int),
    ("icmpv6.code", "icmpv6", "code", int),
    ("icmpv6.checksum.status", "icmpv6", "checksum_status", None),
    ("gre.proto", "gre", "proto", lambda v: int(v, 0)),
    ("vxlan.vni", "vxlan", "vni", int),
    ("dns.id", "dns", "id", lambda v: int(v, 0)),
    ("dns.flags.response", "dns", "qr", lambda v: int(v == "True" or v == "1")),
    ("dns.count.queries", "dns", "qdcount", int),
    ("dns.count.answers", "dns", "ancount", int),
    ("dns.qry.name", "dns", "qname", lambda v: v.rstrip(".") + "."),
    ("dhcp.type", "dhcp", "op", int),
    ("ntp.flags.mode", "ntp", "mode_num", int),
    ("_ws.col.Protocol", None, "protocol", str),
]
TSHARK_FIELDS = [f[0] for f in FIELDS]

# tshark checksum status: 0 bad, 1 good, 2 unverified, 3 not present
CSUM = {"good": 1, "bad": 0, "unverified": 2, "none": 3}
# tshark's protocol column for the deepest layer capkit names
PROTO = {"dns": "DNS", "dhcp": "DHCP", "ntp": "NTP", "udp": "UDP",
         "tcp": "TCP", "http": "HTTP", "icmp": "ICMP", "icmpv6": "ICMPv6",
         "arp": "ARP", "tls": "TLS"}
NTP_MODE = {"unspecified": 0, "symmetric active": 1, "symmetric passive": 2,
            "Client": 3, "Server": 4, "Broadcast": 5, "Control Message": 6,
            "Reserved": 7}


def ours(pkt, layer, field):
    if layer is None:
        if field == "protocol":
            for l in reversed(pkt["layers"]):
                if l["layer"] in PROTO:
                    return PROTO[l["layer"]]
            return None
        return pkt.get(field)
    for l in pkt["layers"]:
        # tshark calls an 802.1ad tag ieee8021ad, not vlan
        if layer == "vlan" and l.get("tpid") == "0x88a8":
            continue
        if l["layer"] == layer:
            if field == "mode_num":
                return NTP_MODE.get(l.get("mode"))
            v = l.get(field)
            if field == "checksum_status" and v is not None:
                return CSUM.get(v)
            if isinstance(v, str) and v.startswith("0x"):
                return int(v, 16)
            return v
    return None


# Protocols both tools name alike in the protocol hierarchy.
KNOWN = {"eth", "ieee8021ad", "vlan", "llc", "sll", "null", "raw", "arp",
         "ip", "ipv6", "icmp", "icmpv6", "udp", "tcp", "gre", "vxlan", "dns",
         "dhcp", "ntp"}


def tshark_stats(lines):
    """(hierarchy {path: (frames, bytes)}, conversations {kind: {(a, b):
    (frames a->b, bytes a->b, frames b->a, bytes b->a)}})."""
    phs, conv, stack, kind = {}, {}, [], None
    for l in lines:
        if "Protocol Hierarchy" in l:
            kind = "phs"
        elif l.endswith("Conversations"):
            kind = {"IPv4": "ip", "IPv6": "ip", "TCP": "tcp",
                    "UDP": "udp"}[l.split()[0]]
            conv.setdefault(kind, {})
        elif kind == "phs" and "frames:" in l:
            depth = (len(l) - len(l.lstrip(" "))) // 2
            name, fr, by = l.split()
            stack[depth:] = [name]
            # a run that also prints fields puts "frame" at the root
            path = stack[1:] if stack[0] == "frame" else stack
            if path:
                phs[":".join(path)] = (int(fr.split(":")[1]),
                                       int(by.split(":")[1]))
        elif kind in ("ip", "tcp", "udp") and "<->" in l:
            w = l.split()
            # A <-> B  f_ba b_ba unit  f_ab b_ab unit  total ...
            assert w[5] == "bytes" and w[8] == "bytes", l
            conv[kind][(w[0], w[2])] = (int(w[6]), int(w[7]), int(w[3]),
                                        int(w[4]))
    return phs, conv


def ep(addr, port):
    return addr if port is None else "%s:%d" % (addr, port)


def compare_stats(st, lines):
    bad = checked = 0
    phs, conv = tshark_stats(lines)
    mine = {h["path"]: (h["packets"], h["bytes"]) for h in st["hierarchy"]}
    keep = lambda p: all(c in KNOWN for c in p.split(":"))
    a = {p: v for p, v in phs.items() if keep(p)}
    b = {p: v for p, v in mine.items() if keep(p)}
    for p in sorted(set(a) | set(b)):
        checked += 1
        if a.get(p) != b.get(p):
            bad += 1
            print("hierarchy %s: capkit %r, tshark %r" % (p, b.get(p),
                                                          a.get(p)))
    tot = sum(v[0] for p, v in phs.items() if ":" not in p)
    checked += 1
    if tot != st["packets"]:
        bad += 1
        print("hierarchy total: capkit %d, tshark %d" % (st["packets"], tot))
    for kind in ("ip", "tcp", "udp"):
        rows = st["conversations_" + kind]["rows"]
        m = {(ep(r["a"], r.get("port_a")), ep(r["b"], r.get("port_b"))):
             (r["packets_ab"], r["bytes_ab"], r["packets_ba"], r["bytes_ba"])
             for r in rows}
        t = conv.get(kind, {})
        for k in sorted(set(m) | set(t)):
            checked += 1
            if m.get(k) != t.get(k):
                bad += 1
                print("conv %s %s: capkit %r, tshark %r" % (kind, k, m.get(k),
                                                           t.get(k)))
    return bad, checked


def main():
    pkts = [json.loads(l) for l in open(sys.argv[1])]
    out = [l.rstrip("\n") for l in open(sys.argv[2])]
    cut = next((i for i, l in enumerate(out) if l.startswith("====")),
               len(out))
    rows = [l.split("\t") for l in out[:cut]]
    strict = sys.argv[3] == "1"
    bad = 0
    checked = 0
    if len(sys.argv) > 4:
        b, c = compare_stats(json.load(open(sys.argv[4])), out[cut:])
        bad += b
        checked += c
    if len(pkts) != len(rows):
        print("packet count: capkit %d, tshark %d" % (len(pkts), len(rows)))
        bad += 1
    for n, (p, r) in enumerate(zip(pkts, rows), 1):
        # tshark also decodes the datagram quoted by an ICMP error; capkit
        # does not, so there its transport fields are compared only when
        # capkit has them
        quoted = any(l["layer"] in ("icmp", "icmpv6") and
                     l.get("type") in ((3, 4, 5, 11, 12) if l["layer"] ==
                                       "icmp" else (1, 2, 3, 4))
                     for l in p["layers"])
        damaged = p.get("malformed", False)
        for (tf, layer, field, conv), tv in zip(FIELDS, r):
            if tv == "":
                continue
            loose = not strict or (quoted and layer in ("udp", "tcp"))
            # lengths and checksums of a packet whose length fields are
            # wrong: capkit trusts no length past the frame, tshark clamps
            if not strict and damaged and (
                    "checksum" in tf or tf.endswith("len")):
                continue
            if tf == "_ws.col.Protocol":
                mine = ours(p, None, "protocol")
                # compared only where tshark names one of capkit's
                # protocols; TLS versions are all "TLS"
                if tv.startswith("TLS"):
                    tv = "TLS"
                if tv not in PROTO.values() or mine is None:
                    continue
                if not strict:
                    continue
            else:
                mine = ours(p, layer, field)
                if mine is None and loose:
                    continue
                if tf.endswith("checksum.status") and mine is None:
                    continue
                tv = tv.split(",")[0]
                try:
                    tv = int(tv) if conv is None else conv(tv)
                except ValueError:
                    pass
            checked += 1
            if mine != tv:
                bad += 1
                print("packet %d: %s: capkit %r, tshark %r" % (n, tf, mine,
                                                                tv))
    print("checked %d" % checked)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--fields":
        print(" ".join("-e " + f for f in TSHARK_FIELDS))
    else:
        main()
