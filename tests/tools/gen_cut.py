#!/usr/bin/python3
"""gen_cut.py - small, deterministic captures for the cutting commands'
tests: Ethernet/IPv4 TCP, UDP and ICMP with duplicates and local disorder.

usage: gen_cut.py OUT N SEED [--ns] [--disorder K] [--dups] [--linktype raw]
       [--start SECONDS] [--step USEC]
"""
import random
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def frame(rnd, i, raw):
    proto = rnd.choice([6, 17, 17, 1])
    src = bytes([10, 0, rnd.randrange(4), rnd.randrange(1, 20)])
    dst = bytes([192, 168, 1, rnd.randrange(1, 20)])
    payload = bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 300)))
    if proto == 6:
        l4 = struct.pack("!HHIIBBHHH", rnd.randrange(1024, 65535),
                         rnd.choice([80, 443, 22]), i, 0, 0x50, 0x18,
                         8192, 0, 0)
    elif proto == 17:
        l4 = struct.pack("!HHHH", rnd.randrange(1024, 65535),
                         rnd.choice([53, 123, 5000 + i % 7]),
                         8 + len(payload), 0)
    else:
        l4 = struct.pack("!BBHHH", 8, 0, 0, i & 0xFFFF, 1)
    tot = 20 + len(l4) + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, i & 0xFFFF, 0,
                     rnd.randrange(1, 255), proto, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    pkt = ip + l4 + payload
    if raw:
        return pkt
    return (bytes([0, 1, 2, 3, 4, rnd.randrange(256)]) +
            bytes([0, 5, 6, 7, 8, 9]) + b"\x08\x00" + pkt)


def main():
    a = sys.argv[1:]
    out, n, seed = a[0], int(a[1]), int(a[2])
    ns = "--ns" in a
    raw = "--linktype" in a and a[a.index("--linktype") + 1] == "raw"
    disorder = int(a[a.index("--disorder") + 1]) if "--disorder" in a else 0
    dups = "--dups" in a
    start = int(a[a.index("--start") + 1]) if "--start" in a else 1700000000
    step = int(a[a.index("--step") + 1]) if "--step" in a else 1000
    rnd = random.Random(seed)
    recs = []
    t = start * 1000000000
    for i in range(n):
        t += rnd.randrange(1, 2 * step) * 1000 + (rnd.randrange(1000) if ns else 0)
        data = frame(rnd, i, raw)
        recs.append([t, data])
        if dups and rnd.random() < 0.1:
            # A copy a little later, sometimes with another TTL.
            d2 = bytearray(data)
            if rnd.random() < 0.5:
                d2[(0 if raw else 14) + 8] ^= 1
            recs.append([t + rnd.randrange(0, 3) * 1000, bytes(d2)])
    if disorder:
        for i in range(len(recs)):
            j = min(len(recs) - 1, i + rnd.randrange(disorder + 1))
            recs[i][0], recs[j][0] = recs[j][0], recs[i][0]
    magic = 0xA1B23C4D if ns else 0xA1B2C3D4
    lt = 101 if raw else 1
    f = open(out, "wb")
    f.write(struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 65535, lt))
    for t, d in recs:
        frac = t % 1000000000 if ns else (t % 1000000000) // 1000
        f.write(struct.pack("<IIII", t // 1000000000, frac, len(d), len(d)))
        f.write(d)
    f.close()


main()
