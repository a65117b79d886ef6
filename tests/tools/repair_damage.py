"""repair_damage.py - seeded fixtures and damage for the repair tests.

gen SEED OUT [--ns] [--be] [--nested] [--bigsnap] [--ng] [--csum] [--count N]
    write a classic pcap
    made from the pcap specification (Ethernet/IPv4/UDP+TCP packets, some
    longer than the header's snaplen of 1000, as libpcap accepts; IPv4
    checksums set, with --csum TCP/UDP checksums on four packets in five,
    else none (0); snaplen
    65535 with --bigsnap); --nested carries pcap record headers of the same
    time inside payloads; --ng writes the same packets as pcapng (options
    in the section, interface and some packet blocks); --stream makes the payloads one live pcap
    stream (records of real UDP frames, checksums set, captured 1-40 ms
    before the packet that carries them, as tcpdump -w - sends); with --ng,
    a live pcapng stream of packet blocks.
damage KIND SEED IN OUT MAP             damage IN into OUT; MAP (JSON) lists
    every original record and whether its bytes survived untouched.
score MAP OUT                           recall/precision of a repaired file:
    prints "recall genuine written invented intact": recall counts intact
    records written byte-identical; genuine counts records written that are
    originals (byte-identical, or with the original header and length and
    only payload bytes overwritten in place, which no tool can detect);
    invented counts records with neither the header nor the data of any
    original.
Kinds: truncate overwrite delete insert header fields mixed ascii blocklen
(pcapng: a packet block's leading or trailing length garbled) rascii (every
0d 0a written as 0a).
Only the standard library: this is the specification's layout, written
independently of capkit.
"""
import json
import random
import struct
import sys
import zlib


def le_or_be(be):
    return '>' if be else '<'


def checksum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def l4_checksum(src, dst, proto, seg):
    """The TCP/UDP checksum over the IPv4 pseudo-header (RFC 768, 793)."""
    c = checksum(src + dst + struct.pack('!BBH', 0, proto, len(seg)) + seg)
    return c if c or proto != 17 else 0xffff


def udp_frame(r, size):
    """An Ethernet/IPv4/UDP frame of size (>= 42) bytes, checksums set."""
    src = bytes([10, 1, 0, r.randrange(1, 255)])
    dst = bytes([10, 2, 0, r.randrange(1, 255)])
    payload = bytes(r.getrandbits(8) for _ in range(size - 42))
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, size - 14, r.randrange(65536),
                     0x4000, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:]
    udp = struct.pack('!HHHH', r.randrange(1024, 65535), 9, size - 34, 0)
    c = l4_checksum(src, dst, 17, udp + payload)
    udp = udp[:6] + struct.pack('!H', c)
    return bytes(12) + b'\x08\x00' + ip + udp + payload


class Stream:
    """A live pcap stream (like tcpdump -w - over a connection): records of
    small packets at the capture's own time, cut into payloads; with ng,
    a pcapng stream (tcpdump --pcapng -w -): enhanced packet blocks of
    interface 0, times in the capture's own units."""

    def __init__(self, r, e, ns, ng=False):
        self.r, self.e, self.ns, self.ng, self.buf = r, e, ns, ng, bytearray()
        self.clock = 0

    def take(self, n, t, frac):
        """n bytes of the stream for a packet sent at t.frac: records
        captured before it (a buffered writer: 1-40 ms before), their
        times rising."""
        unit = 1000 if self.ns else 1
        now = (t * 1000000 + frac // unit) * unit
        while len(self.buf) < n:
            k = self.r.randrange(42, 200)
            lag = self.r.randrange(1000, 40000) * unit
            self.clock = max(self.clock + self.r.randrange(1, 50) * unit,
                             now - lag)
            self.clock = min(self.clock, now)
            sec, frac_in = divmod(self.clock, 1000000 * unit)
            # a real frame: Ethernet/IPv4/UDP with both checksums
            eth = udp_frame(self.r, k)
            if self.ng:
                c = self.clock
                self.buf += block(self.e, 6, struct.pack(
                    self.e + 'IIIII', 0, c >> 32, c & 0xffffffff, k, k) +
                    eth + b'\0' * ((-k) % 4))
            else:
                self.buf += struct.pack(self.e + 'IIII', sec, frac_in, k,
                                        k) + eth
        out, self.buf = self.buf[:n], self.buf[n:]
        return out


def packet(r, size, nested, t, e, ns, stream=None, frac=0, csum=False):
    """An Ethernet/IPv4 frame of size bytes."""
    size = max(size, 60)
    proto = 17 if r.random() < 0.5 and not stream else 6
    l4 = 8 if proto == 17 else 20
    payload_len = size - 14 - 20 - l4
    payload = bytearray(r.getrandbits(8) for _ in range(payload_len))
    if stream:
        payload = bytearray(stream.take(payload_len, t, frac))
    if nested and payload_len > 40:
        # pcap record headers of the capture's own time inside the payload
        for k in range(0, payload_len - 16, 37):
            inner = r.randrange(1, 60)
            frac = r.randrange(1000000000 if ns else 1000000)
            payload[k:k + 16] = struct.pack(e + 'IIII', t, frac, inner, inner)
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + l4 + payload_len,
                     r.randrange(65536), 0x4000, 64, proto, 0,
                     bytes([10, 0, 0, r.randrange(1, 255)]),
                     bytes([192, 168, 1, r.randrange(1, 255)]))
    ip = ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:]
    if proto == 17:
        l4h = struct.pack('!HHHH', r.randrange(1024, 65535), 53,
                          8 + payload_len, 0)
    else:
        l4h = struct.pack('!HHIIBBHHH', r.randrange(1024, 65535), 80,
                          r.getrandbits(32), r.getrandbits(32), 0x50, 0x18,
                          8192, 0, 0)
    # with csum, most packets carry their transport checksum; a fifth are
    # left 0, as a sender with checksum offload captures them
    if csum and r.random() < 0.8:
        c = l4_checksum(ip[12:16], ip[16:20], proto, l4h + bytes(payload))
        at = 6 if proto == 17 else 16
        l4h = l4h[:at] + struct.pack('!H', c) + l4h[at + 2:]
    eth = bytes([0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, 0x88, 0x99,
                 0xaa, 0x08, 0x00])
    return eth + ip + l4h + bytes(payload)


def gen(seed, out, ns=False, be=False, nested=False, n=None, snaplen=1000,
        stream=False, ng=False, csum=False):
    r = random.Random(seed)
    e = le_or_be(be)
    n = n or r.randrange(150, 300)
    # snaplen 1000: some records are longer, as libpcap accepts
    magic = 0xa1b23c4d if ns else 0xa1b2c3d4
    data = bytearray(struct.pack(e + 'IHHiIII', magic, 2, 4, 0, 0, snaplen, 1))
    t = 1700000000 + r.randrange(10 ** 7)
    frac = 0
    lim = 1000000000 if ns else 1000000
    st = Stream(r, e, ns, ng) if stream else None
    for _ in range(n):
        frac += r.randrange(lim // 50)
        t += frac // lim
        frac %= lim
        size = r.choice([60, 64, 98, 150, 590, 1200, 1514]) + r.randrange(30)
        size = min(size, 1514)
        pkt = packet(r, size, nested, t, e, ns, st, frac, csum)
        data += struct.pack(e + 'IIII', t, frac, len(pkt), len(pkt)) + pkt
    if ng:
        data = to_pcapng(bytes(data), r)
    open(out, 'wb').write(data)


def opt(e, code, val):
    pad = (-len(val)) % 4
    return struct.pack(e + 'HH', code, len(val)) + val + b'\0' * pad


def block(e, t, body):
    n = 12 + len(body)
    return struct.pack(e + 'II', t, n) + body + struct.pack(e + 'I', n)


def to_pcapng(data, r):
    """The same records as pcapng (section header with an option, one
    interface with a name, packet blocks, some with a comment)."""
    e = '<' if struct.unpack('<I', data[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    ns = struct.unpack(e + 'I', data[:4])[0] == 0xa1b23c4d
    out = block(e, 0x0a0d0d0a, struct.pack(e + 'IHHq', 0x1a2b3c4d, 1, 0, -1) +
                opt(e, 4, b'repair_damage.py') + opt(e, 0, b''))
    iopts = opt(e, 2, b'eth0') + (opt(e, 9, b'\x09') if ns else b'') + opt(e, 0, b'')
    out += block(e, 1, struct.pack(e + 'HHI', 1, 0, 0) + iopts)
    off = 24
    while off + 16 <= len(data):
        s, f, incl, orig = struct.unpack(e + 'IIII', data[off:off + 16])
        pkt = data[off + 16:off + 16 + incl]
        ts = s * (10 ** 9 if ns else 10 ** 6) + f
        body = struct.pack(e + 'IIIII', 0, ts >> 32, ts & 0xffffffff, incl, orig)
        body += pkt + b'\0' * ((-incl) % 4)
        if r.random() < 0.2:
            body += opt(e, 1, b'comment %d' % off) + opt(e, 0, b'')
        out += block(e, 6, body)
        off += 16 + incl
    return out


def records(d):
    """(offset, length) of each record (pcap) or packet block (pcapng) of an
    undamaged file, its byte order and precision."""
    if d[:4] == b'\n\r\r\n':
        e = '<' if struct.unpack('<I', d[8:12])[0] == 0x1a2b3c4d else '>'
        out, off = [], 0
        while off + 12 <= len(d):
            t, n = struct.unpack(e + 'II', d[off:off + 8])
            if t == 6:
                out.append((off, n))
            off += n
        return out, e == '>', False
    m = struct.unpack('<I', d[:4])[0]
    be = m not in (0xa1b2c3d4, 0xa1b23c4d)
    e = le_or_be(be)
    m = struct.unpack(e + 'I', d[:4])[0]
    out, off = [], 24
    while off + 16 <= len(d):
        incl = struct.unpack(e + 'I', d[off + 8:off + 12])[0]
        out.append((off, 16 + incl))
        off += 16 + incl
    return out, be, m == 0xa1b23c4d


def damage(kind, seed, src, dst, mapf):
    r = random.Random(seed * 7919 + zlib.crc32(kind.encode()) % 1000)
    d = bytearray(open(src, 'rb').read())
    recs, be, ns = records(d)
    e = le_or_be(be)
    touched = [False] * len(recs)
    n = len(d)
    # edits as (offset, delete_len, insert_bytes), applied from the end
    edits = []

    def rand_off(lo=24):
        return r.randrange(lo, n - 1)

    kinds = [kind] if kind != 'mixed' else r.sample(
        ['truncate', 'overwrite', 'delete', 'insert', 'fields'], 3)
    for k in kinds:
        if k == 'truncate':
            cut = rand_off(n // 2)
            edits.append((cut, n - cut, b''))
        elif k == 'overwrite':
            for _ in range(r.randrange(1, 4)):
                o = rand_off()
                ln = r.randrange(1, 65)
                edits.append((o, min(ln, n - o), bytes(
                    r.getrandbits(8) for _ in range(min(ln, n - o)))))
        elif k == 'delete':
            for _ in range(r.randrange(1, 3)):
                o = rand_off()
                edits.append((o, min(r.randrange(1, 2000), n - o), b''))
        elif k == 'insert':
            for _ in range(r.randrange(1, 4)):
                o = rand_off()
                edits.append((o, 0, bytes(r.getrandbits(8)
                                          for _ in range(r.randrange(1, 600)))))
        elif k == 'header':
            # the file header: magic, then perhaps version / link type
            f = bytearray(r.getrandbits(8) for _ in range(4))
            edits.append((0, 4, bytes(f)))
            if r.random() < 0.5:
                edits.append((20, 4, bytes(r.getrandbits(8) for _ in range(4))))
        elif k == 'fields':
            # a record's caplen or time garbled
            for _ in range(r.randrange(1, 3)):
                i = r.randrange(len(recs))
                o = recs[i][0] + r.choice([0, 8, 12])
                edits.append((o, 4, bytes(r.getrandbits(8) for _ in range(4))))
        elif k == 'blocklen':
            # pcapng: a packet block's leading or trailing length garbled
            # (pcap: a record's caplen)
            for _ in range(r.randrange(1, 3)):
                ro, rl = recs[r.randrange(len(recs))]
                if d[:4] == b'\n\r\r\n':
                    o = ro + 4 if r.random() < 0.5 else ro + rl - 4
                else:
                    o = ro + 8
                edits.append((o, 4, bytes(r.getrandbits(8) for _ in range(4))))
    # which original records do the edits touch?
    for (o, dl, ins) in edits:
        lo, hi = o, o + max(dl, 1)
        for i, (ro, rl) in enumerate(recs):
            if ins and dl == 0:
                if ro < o < ro + rl:
                    touched[i] = True
            elif ro < hi and lo < ro + rl:
                touched[i] = True
    edits.sort(key=lambda x: -x[0])
    for (o, dl, ins) in edits:
        d[o:o + dl] = ins
    if kind == 'rascii':
        # the reverse: every 0d 0a written as 0a (Windows to Unix)
        d = bytearray(bytes(d).replace(b'\r\n', b'\n'))
    if kind == 'ascii':
        # FTP in ASCII mode: every 0a written as 0d 0a (undone exactly)
        d = bytearray(bytes(d).replace(b'\n', b'\r\n'))
    open(dst, 'wb').write(d)
    src_d = open(src, 'rb').read()
    info = {'be': be, 'ns': ns, 'records': [
        {'bytes': src_d[ro:ro + rl].hex(), 'intact': not touched[i]}
        for i, (ro, rl) in enumerate(recs)]}
    json.dump(info, open(mapf, 'w'))


def read_out(path):
    """Records of a repaired file as (header fields, data) in its own order;
    for pcapng, packet blocks as (their fixed fields, the whole block)."""
    try:
        d = open(path, 'rb').read()
    except OSError:
        return None
    if len(d) < 24:
        return []
    if d[:4] == b'\n\r\r\n':
        out, off, e = [], 0, '<'
        while off + 12 <= len(d):
            t = struct.unpack('<I', d[off:off + 4])[0]
            if t == 0x0a0d0d0a:
                e = '<' if struct.unpack('<I', d[off + 8:off + 12])[0] == 0x1a2b3c4d else '>'
            n = struct.unpack(e + 'I', d[off + 4:off + 8])[0]
            if n < 12:
                break
            if struct.unpack(e + 'I', d[off:off + 4])[0] == 6:
                out.append((d[off + 8:off + 28], d[off:off + n], False))
            off += n
        return out
    m = struct.unpack('<I', d[:4])[0]
    if m in (0xa1b2c3d4, 0xa1b23c4d):
        e = '<'
    elif struct.unpack('>I', d[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d):
        e = '>'
    else:
        return None
    ns = struct.unpack(e + 'I', d[:4])[0] == 0xa1b23c4d
    out, off = [], 24
    while off + 16 <= len(d):
        s, f, incl, orig = struct.unpack(e + 'IIII', d[off:off + 16])
        out.append(((s, f, incl, orig), bytes(d[off + 16:off + 16 + incl]), ns))
        off += 16 + incl
    return out


def key_of(rec_bytes, be):
    e = le_or_be(be)
    if struct.unpack(e + 'I', rec_bytes[:4])[0] == 6 and \
            struct.unpack(e + 'I', rec_bytes[-4:])[0] == len(rec_bytes):
        return rec_bytes[8:28], rec_bytes
    s, f, incl, orig = struct.unpack(e + 'IIII', rec_bytes[:16])
    return (s, f, incl, orig), rec_bytes[16:]


def score(mapf, out):
    info = json.load(open(mapf))
    recs = [key_of(bytes.fromhex(x['bytes']), info['be'])
            for x in info['records']]
    intact = [recs[i] for i, x in enumerate(info['records']) if x['intact']]
    written = read_out(out)
    if written is None:
        written = []
    full = set((h, d) for h, d in recs)
    # header and length of each original: a record written with these and
    # the same length, whose payload bytes were overwritten in place, is a
    # true record no tool can tell damaged (pcap has no checksum)
    framing = set((h, len(d)) for h, d in recs)
    hdrs = set(h for h, d in recs)
    datas = set(d for h, d in recs)
    got = set()
    genuine = invented = 0
    for h, d, _ in written:
        if (h, d) in full:
            genuine += 1
            got.add((h, d))
        elif (h, len(d)) in framing:
            genuine += 1
        elif h not in hdrs and d not in datas:
            # neither the header nor the data of any original record
            invented += 1
    recall = sum(1 for x in intact if x in got)
    print(recall, genuine, len(written), invented, len(intact))


def main(a):
    if a[0] == 'gen':
        gen(int(a[1]), a[2], '--ns' in a, '--be' in a, '--nested' in a,
            snaplen=65535 if '--bigsnap' in a else 1000,
            stream='--stream' in a, ng='--ng' in a, csum='--csum' in a,
            n=int(a[a.index('--count') + 1]) if '--count' in a else None)
    elif a[0] == 'damage':
        damage(a[1], int(a[2]), a[3], a[4], a[5])
    elif a[0] == 'score':
        score(a[1], a[2])
    else:
        sys.exit('unknown command')


if __name__ == '__main__':
    main(sys.argv[1:])
