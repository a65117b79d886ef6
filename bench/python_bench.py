"""python_bench.py - the Python package's speed against scapy and dpkt in
one run, on one capture (run by bench/python.sh, which makes the corpus
and gives the C library's own rates beside these).

    python3 bench/python_bench.py CORPUS [RUNS]

Every figure is the median of RUNS runs (at least 5 are advised on a busy
machine), and the best of them in brackets, in records (or packets) per
second of wall-clock time and of the process's CPU time, which a busy
machine disturbs less; the ratios use the median CPU figures. Each timed
run is the open, the read and the work on the records: the imports (scapy,
dpkt, numpy) come first, outside. scapy's full decode and its craft +
wrpcap are slow: they run on a slice (SCAPY_DECODE, SCAPY_CRAFT packets)
and their rate is that slice's. PYBENCH_ONLY=read runs the reading
figures only (iteration and columns).
"""
import os
import statistics
import sys
import tempfile
import time

import capkit
import dpkt  # imported here, not in the timed runs
from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.utils import PcapReader, RawPcapReader, wrpcap

CORPUS = sys.argv[1]
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
SCAPY_DECODE = int(os.environ.get("SCAPY_DECODE", "20000"))
SCAPY_CRAFT = int(os.environ.get("SCAPY_CRAFT", "5000"))
GEN_COUNT = int(os.environ.get("GEN_COUNT", "1000000"))
SPEC = "eth()/ipv4(src=10.0.0.1+,dst=10.1.0.1)/udp(sport=1000+,dport=53)" \
       "/payload(len=64)"
tmp = tempfile.mkdtemp(prefix="capkit-pybench-")
rates = {}


def measure(name, fn):
    """fn() -> records handled; the median rates of RUNS runs (wall, CPU).
    """
    wall, cpu = [], []
    for _ in range(RUNS):
        t, c = time.perf_counter(), time.process_time()
        n = fn()
        wall.append(n / (time.perf_counter() - t))
        cpu.append(n / max(time.process_time() - c, 1e-9))
    rates[name] = statistics.median(cpu)
    print("%-36s %11.0f (%11.0f) /s wall %11.0f (%11.0f) /s CPU" % (
        name, statistics.median(wall), max(wall), rates[name], max(cpu)),
        flush=True)


# ---- record iteration: sum of captured lengths ----

def capkit_iter(mmap=False):
    n = s = 0
    with capkit.open(CORPUS, mmap=mmap) as r:
        for rec in r:
            s += rec.caplen
            n += 1
    return n


def capkit_iter_fields():
    """A loop that reads more than the length: time and bytes too."""
    n = s = 0
    with capkit.open(CORPUS) as r:
        for rec in r:
            s += rec.caplen + rec.ts_ns + len(rec.data)
            n += 1
    return n


def scapy_raw():
    n = s = 0
    for _, meta in RawPcapReader(CORPUS):
        s += meta.caplen
        n += 1
    return n


def dpkt_iter():
    n = s = 0
    with open(CORPUS, "rb") as f:
        for _, buf in dpkt.pcap.Reader(f):
            s += len(buf)
            n += 1
    return n


def capkit_batches(mmap=False):
    n = s = 0
    with capkit.open(CORPUS, mmap=mmap) as r:
        for b in r.batches():
            s += b.caplen.sum() if hasattr(b.caplen, "sum") else sum(b.caplen)
            n += len(b)
    return n


def capkit_order():
    return capkit.order(CORPUS).records


# ---- decode to IP 5-tuples ----

def capkit_flows():
    n = 0
    with capkit.open(CORPUS) as r:
        for b in r.batches():
            fl = b.flows()
            n += len(fl["sport"])
    return n


def scapy_decode():
    n = 0
    out = []
    with PcapReader(CORPUS) as rd:
        for pkt in rd:
            ip = pkt.getlayer(IP) or pkt.getlayer(IPv6)
            if ip is not None:
                l4 = ip.getlayer(TCP) or ip.getlayer(UDP)
                out.append((ip.src, ip.dst, ip.proto if ip.version == 4
                            else ip.nh, l4.sport if l4 else 0,
                            l4.dport if l4 else 0))
            n += 1
            if n == SCAPY_DECODE:
                break
    return n


def dpkt_decode():
    n = 0
    out = []
    with open(CORPUS, "rb") as f:
        for _, buf in dpkt.pcap.Reader(f):
            eth = dpkt.ethernet.Ethernet(buf)
            ip = eth.data
            if isinstance(ip, (dpkt.ip.IP, dpkt.ip6.IP6)):
                l4 = ip.data
                if isinstance(l4, (dpkt.tcp.TCP, dpkt.udp.UDP)):
                    out.append((ip.src, ip.dst, ip.p if hasattr(ip, "p")
                                else ip.nxt, l4.sport, l4.dport))
                else:
                    out.append((ip.src, ip.dst, 0, 0, 0))
            n += 1
    return n


# ---- generate and write ----

def capkit_gen_write():
    out = os.path.join(tmp, "gen.pcap")
    n = 0
    with capkit.Writer(out) as w:
        for b in capkit.gen_batches(SPEC, count=GEN_COUNT, rate="1M"):
            n += w.write_batch(b)
    return n


def capkit_gen_loop():
    out = os.path.join(tmp, "gen2.pcap")
    n = 0
    with capkit.Writer(out, precision="ns") as w:
        for p in capkit.gen(SPEC, count=GEN_COUNT // 10, rate="1M"):
            w.write(p, ts_ns=p.ts_ns)
            n += 1
    return n


def scapy_craft():
    pkts = []
    for i in range(SCAPY_CRAFT):
        p = Ether(dst="02:00:00:00:00:02", src="02:00:00:00:00:01") / IP(
            src="10.0.%d.%d" % ((1 + i) >> 8 & 255, (1 + i) & 255),
            dst="10.1.0.1") / UDP(sport=(1000 + i) & 0xffff, dport=53) / Raw(
            b"\x00" * 64)
        p.time = i / 1e6
        pkts.append(p)
    wrpcap(os.path.join(tmp, "scapy.pcap"), pkts)
    return SCAPY_CRAFT


print("corpus %s, %d bytes; median (best) of %d runs" % (
    CORPUS, os.path.getsize(CORPUS), RUNS))
print("numpy: %s" % ("yes" if capkit._np is not None else
                     "no (typed memoryviews)"))
measure("iterate: capkit for rec in r", capkit_iter)
measure("iterate: capkit, mmap=True", lambda: capkit_iter(True))
measure("iterate: capkit caplen+ts_ns+data", capkit_iter_fields)
measure("iterate: scapy RawPcapReader", scapy_raw)
measure("iterate: dpkt.pcap.Reader", dpkt_iter)
measure("columns: capkit read_batch", capkit_batches)
measure("columns: capkit read_batch, mmap", lambda: capkit_batches(True))
ONLY = os.environ.get("PYBENCH_ONLY", "")
if ONLY != "read":
    measure("order: capkit.order", capkit_order)
    measure("5-tuples: capkit read_batch+flows", capkit_flows)
    measure("5-tuples: scapy PcapReader (%d)" % SCAPY_DECODE, scapy_decode)
    measure("5-tuples: dpkt decode", dpkt_decode)
    measure("gen+write: capkit gen_batches", capkit_gen_write)
    measure("gen+write: capkit gen+write loop", capkit_gen_loop)
    measure("gen+write: scapy craft+wrpcap (%d)" % SCAPY_CRAFT, scapy_craft)

r = rates
print()
print("ratios of CPU rates (targets of issue 13 in brackets)")
for what, a, b, target in (
        ("iteration / scapy raw", "iterate: capkit for rec in r",
         "iterate: scapy RawPcapReader", 3),
        ("iteration / dpkt", "iterate: capkit for rec in r",
         "iterate: dpkt.pcap.Reader", 3),
        ("iteration mmap / scapy", "iterate: capkit, mmap=True",
         "iterate: scapy RawPcapReader", 3),
        ("iteration mmap / dpkt", "iterate: capkit, mmap=True",
         "iterate: dpkt.pcap.Reader", 3),
        ("read_batch / scapy raw", "columns: capkit read_batch",
         "iterate: scapy RawPcapReader", 30),
        ("read_batch mmap / scapy", "columns: capkit read_batch, mmap",
         "iterate: scapy RawPcapReader", 30),
        ("5-tuples / scapy", "5-tuples: capkit read_batch+flows",
         "5-tuples: scapy PcapReader (%d)" % SCAPY_DECODE, 100),
        ("5-tuples / dpkt", "5-tuples: capkit read_batch+flows",
         "5-tuples: dpkt decode", 5),
        ("gen+write / scapy", "gen+write: capkit gen_batches",
         "gen+write: scapy craft+wrpcap (%d)" % SCAPY_CRAFT, 100)):
    if a not in r or b not in r:
        continue
    x = r[a] / r[b]
    print("  %-24s %8.1fx  [>= %dx] %s" % (what, x, target,
                                          "ok" if x >= target else "BELOW"))
for f in os.listdir(tmp):
    os.unlink(os.path.join(tmp, f))
os.rmdir(tmp)
