#!/usr/bin/python3
"""make.py - the byte-order fixtures, built from the specifications (pcap
file format, link-type registry, libpcap's pseudo-header layouts), not by
capkit: for each link type whose pseudo-header holds fields in the byte
order of the capturing host, the same packets as a little-endian host and a
big-endian host would write them (NAME_le.pcap, NAME_be.pcap); for the
others, little-endian files only. Run from this directory; deterministic."""
import random
import struct


def ip_packet(rnd, v6):
    tcp = rnd.random() < 0.5
    pay = bytes(rnd.randrange(256) for _ in range(rnd.randrange(9)))
    ports = [53, 443, 80, 1234]
    sp, dp = rnd.choice(ports), rnd.choice(ports)
    if tcp:
        l4 = struct.pack('>HHIIHHHH', sp, dp, 1, 0, 0x5010, 1024, 0, 0) + pay
    else:
        l4 = struct.pack('>HHHH', sp, dp, 8 + len(pay), 0) + pay
    last = rnd.randrange(1, 4)
    if v6:
        src = bytes.fromhex('20010db8' + '0' * 22 + '01')
        dst = bytes.fromhex('20010db8' + '0' * 22 + '%02x' % last)
        return struct.pack('>IHBB', 0x60000000, len(l4), 6 if tcp else 17,
                           64) + src + dst + l4
    hdr = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), 1, 0, 64,
                      6 if tcp else 17, 0, bytes([10, 0, 0, 1]),
                      bytes([10, 0, 0, last]))
    return hdr + l4


def null_pkt(rnd, e):
    v6 = rnd.random() < 0.5
    af = rnd.choice([24, 28, 30, 10]) if v6 else 2
    return struct.pack(e + 'I', af) + ip_packet(rnd, v6)


def loop_pkt(rnd, e):
    v6 = rnd.random() < 0.5
    return struct.pack('>I', 24 if v6 else 2) + ip_packet(rnd, v6)


def eth_pkt(rnd, e):
    v6 = rnd.random() < 0.5
    return (bytes.fromhex('020000000002020000000001') +
            struct.pack('>H', 0x86dd if v6 else 0x0800) + ip_packet(rnd, v6))


def raw_pkt(rnd, e):
    return ip_packet(rnd, rnd.random() < 0.5)


def ipv4_pkt(rnd, e):
    return ip_packet(rnd, False)


def ipv6_pkt(rnd, e):
    return ip_packet(rnd, True)


def sll_pkt(rnd, e):
    """Linux cooked: SocketCAN frames carry their CAN id in host order."""
    if rnd.random() < 0.4:
        proto = rnd.choice([0x000c, 0x000d])
        data = bytes(rnd.randrange(256) for _ in range(8))
        can_id = rnd.choice([0x123, 0x7ff, 0x80000123 | rnd.randrange(4096)])
        return (struct.pack('>HHH8sH', 0, 280, 0, bytes(8), proto) +
                struct.pack(e + 'I', can_id) + bytes([8, 0, 0, 0]) + data)
    v6 = rnd.random() < 0.5
    return (struct.pack('>HHH8sH', 0, 1, 6, bytes.fromhex('0200000000010000'),
                        0x86dd if v6 else 0x0800) + ip_packet(rnd, v6))


def sll2_pkt(rnd, e):
    v6 = rnd.random() < 0.5
    return (struct.pack('>HHIHBB8s', 0x86dd if v6 else 0x0800, 0, 2, 1, 0, 6,
                        bytes.fromhex('0200000000010000')) +
            ip_packet(rnd, v6))


def nflog_pkt(rnd, e):
    """NFLOG: TLV length and type in host order, values big-endian."""
    v6 = rnd.random() < 0.5
    ip = ip_packet(rnd, v6)

    def tlv(t, v):
        return (struct.pack(e + 'HH', 4 + len(v), t) + v +
                bytes((4 - len(v) % 4) % 4))
    body = (tlv(1, struct.pack('>HBB', 0x86dd if v6 else 0x0800, 1, 0)) +
            tlv(2, struct.pack('>I', rnd.randrange(3))) +
            tlv(10, b'fixture\0') + tlv(9, ip))
    return struct.pack('>BBH', 10 if v6 else 2, 0, rnd.randrange(4)) + body


def usb_pkt(rnd, e, mmapped):
    """Linux USB header (48 bytes, or 64 memory-mapped), host order."""
    xfer = rnd.randrange(4)  # 0 isochronous, 1 interrupt, 2 control, 3 bulk
    ndesc = rnd.randrange(3) if xfer == 0 and mmapped else 0
    event = rnd.choice(b'SC')
    data = bytes(rnd.randrange(256) for _ in range(rnd.choice([0, 8, 16])))
    setup = bytes([0x80, 6, 0, 1, 0, 0, 18, 0])
    flag_setup = 0 if xfer == 2 and event == ord('S') else 0x2d
    h = struct.pack(e + 'QBBBBHBB', rnd.getrandbits(64), event, xfer,
                    0x80 | rnd.randrange(1, 4), rnd.randrange(1, 8),
                    rnd.choice([1, 2, 3]), flag_setup,
                    0 if data else 0x3c)
    h += struct.pack(e + 'qiiII', 1700000000 + rnd.randrange(100),
                     rnd.randrange(1000000), rnd.choice([0, -115]),
                     len(data) + 64 * ndesc, len(data))
    if xfer == 0:
        h += struct.pack(e + 'ii', 0, ndesc)
    else:
        h += setup
    if mmapped:
        h += struct.pack(e + 'iiII', rnd.randrange(8), rnd.randrange(1000),
                         0x200, ndesc)
        for i in range(ndesc):
            h += struct.pack(e + 'iIII', 0, 16 * i, 16, 0)
    return h + data


KINDS = [
    # name, link type, generator, written in both byte orders
    ('null', 0, null_pkt, True),
    ('loop', 108, loop_pkt, False),
    ('ether', 1, eth_pkt, False),
    ('raw', 101, raw_pkt, False),
    ('ipv4', 228, ipv4_pkt, False),
    ('ipv6', 229, ipv6_pkt, False),
    ('sll', 113, sll_pkt, True),
    ('sll2', 276, sll2_pkt, False),
    ('nflog', 239, nflog_pkt, True),
    ('usb', 189, lambda r, e: usb_pkt(r, e, False), True),
    ('usbmm', 220, lambda r, e: usb_pkt(r, e, True), True),
]


def write(path, e, linktype, pkts):
    with open(path, 'wb') as f:
        f.write(struct.pack(e + 'IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535,
                            linktype))
        for i, p in enumerate(pkts):
            f.write(struct.pack(e + 'IIII', 1700000000 + i, 1000 * i, len(p),
                                len(p)) + p)


def ng_opt(e, code, val):
    return struct.pack(e + 'HH', code, len(val)) + val + bytes(
        (4 - len(val) % 4) % 4)


def ng_block(e, btype, body):
    n = 12 + len(body)
    return struct.pack(e + 'II', btype, n) + body + struct.pack(e + 'I', n)


def write_epb_options(path, e):
    """pcapng with the EPB options whose values are numbers in the
    section's byte order: epb_flags, epb_dropcount, epb_packetid,
    epb_queue, epb_verdict (eBPF TC and XDP), and epb_hash (bytes)."""
    rnd = random.Random(77)
    out = ng_block(e, 0x0A0D0D0A, struct.pack(e + 'IHHq', 0x1A2B3C4D, 1, 0,
                                              -1))
    out += ng_block(e, 1, struct.pack(e + 'HHI', 1, 0, 65535))
    for i in range(6):
        d = eth_pkt(rnd, e)
        ts = (1700000000 + i) * 1000000 + i
        opts = (ng_opt(e, 2, struct.pack(e + 'I', 1 + (i & 1))) +
                ng_opt(e, 4, struct.pack(e + 'Q', 3 + i)) +
                ng_opt(e, 5, struct.pack(e + 'Q', 0x1122334455660000 + i)) +
                ng_opt(e, 6, struct.pack(e + 'I', 7 + i)) +
                ng_opt(e, 7, bytes([1 + (i & 1)]) +
                       struct.pack(e + 'Q', 2 + i)) +
                ng_opt(e, 3, bytes([2]) + bytes(range(i, i + 4))) +
                ng_opt(e, 0, b''))
        body = struct.pack(e + 'IIIII', 0, ts >> 32, ts & 0xffffffff, len(d),
                           len(d)) + d + bytes((4 - len(d) % 4) % 4) + opts
        out += ng_block(e, 6, body)
    with open(path, 'wb') as f:
        f.write(out)


def main():
    for n, (name, lt, gen, both) in enumerate(KINDS):
        orders = ['<', '>'] if both else ['<']
        for e in orders:
            rnd = random.Random(1000 + n)
            pkts = [gen(rnd, e) for _ in range(24)]
            write('%s_%s.pcap' % (name, 'le' if e == '<' else 'be'), e, lt,
                  pkts)
    write_epb_options('epb_options_le.pcapng', '<')
    write_epb_options('epb_options_be.pcapng', '>')


if __name__ == '__main__':
    main()
