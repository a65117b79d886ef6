"""Columnar reading, generation with rates, 5-tuples, and the whole-file
jobs (merge, sort, dedup, repair) of the package, against the peers:
scapy, dpkt, tshark, mergecap, reordercap, editcap; the capkit tool where
no peer does the same (said beside each such check: a regression check).
"""
import os
import struct

import pytest

import capkit
from _common import CAPKIT, DATA, SEED, run


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("capkit_batch")


def gen_file(path, spec, *args):
    r = run(CAPKIT, "gen", "-o", str(path), *args, spec)
    assert r.returncode == 0, r.stderr
    return path


def records(src, **kw):
    with capkit.open(src, **kw) as r:
        return [(x.number, x.offset, x.ts_ns, x.caplen, x.origlen,
                 x.linktype, bytes(x.data)) for x in r]


def batch_rows(b):
    return [(int(b.number[i]), int(b.pos[i]), int(b.ts_ns[i]),
             int(b.caplen[i]), int(b.origlen[i]), int(b.linktype[i]),
             bytes(b[i])) for i in range(len(b))]


def all_batches(src, n, max_bytes, **kw):
    out = []
    with capkit.open(src, **kw) as r:
        for b in r.batches(n, max_bytes):
            assert 0 < len(b) <= n
            assert len(b.data) <= max(max_bytes, max(b.caplen))
            out += batch_rows(b)
    return out


# ---- read_batch ----

def test_read_batch_equals_scapy_and_iteration(tmp):
    """Columns equal scapy's RawPcapReader and per-record iteration, for
    every batch size, pcap and pcapng (tool-made files, mixed lengths)."""
    from scapy.utils import RawPcapNgReader, RawPcapReader
    for fmt, cls in (("pcap", RawPcapReader), ("pcapng", RawPcapNgReader)):
        f = gen_file(tmp / ("rb." + fmt), "eth()/ipv4(src=10.0.0.1+)/"
                     "udp(dport=53)/payload(len=0-1400,rand)", "-c", "700",
                     "-F", fmt, "-p", "ns", "-i", "1234567ns")
        want = records(f)
        assert len(want) == 700
        peer = [(d, m) for d, m in cls(str(f))]
        assert [w[6] for w in want] == [d for d, _ in peer]
        for n, cap in ((1, 1 << 20), (7, 3000), (64, 1 << 16),
                       (65536, 16 << 20), (1000, 1)):
            assert all_batches(f, n, cap) == want, (fmt, n, cap)


def test_read_batch_other_sources_and_exact_times(tmp):
    raw = open(SEED, "rb").read()
    import gzip
    for src in (SEED, raw, gzip.compress(raw)):
        with capkit.open(src) as r:
            b = r.read_batch(exact=True)
            assert len(b) == 4
            assert [int(b.ts_sec[i]) * 10**9 + int(b.ts_nsec[i])
                    for i in range(4)] == [int(t) for t in b.ts_ns]
            assert not r.read_batch()
    # a time after 2262 saturates ts_ns; ts_sec/ts_nsec stay exact
    p = tmp / "far.pcapng"
    with capkit.Writer(p, format="pcapng", precision="ns") as w:
        w.write(b"\x00" * 20, ts_ns=10**19 + 7)  # the year 2286
    with capkit.open(p) as r:
        b = r.read_batch(exact=True)
        assert int(b.ts_ns[0]) == 2**63 - 1
        assert (int(b.ts_sec[0]), int(b.ts_nsec[0])) == (10**10, 7)


def _damaged(tmp, kind):
    base = gen_file(tmp / "base.pcap", "eth()/ipv4()/udp/payload(len=10-70,"
                    "rand)", "-c", "30")
    p = base.read_bytes()
    offs, off = [], 24
    while off + 16 <= len(p):
        offs.append(off)
        off += 16 + struct.unpack_from("<I", p, off + 8)[0]
    r21 = offs[20]
    if kind == "data_cut":
        d = p[:r21 + 30]
    elif kind == "header_cut":
        d = p[:r21 + 7]
    else:
        b = bytearray(p)
        struct.pack_into("<I", b, r21 + 8, 0x7fffffff)
        d = bytes(b)
    bad = tmp / ("bad_%s.pcap" % kind)
    bad.write_bytes(d)
    return bad


@pytest.mark.parametrize("kind", ["data_cut", "header_cut", "caplen"])
@pytest.mark.parametrize("n", [1, 8, 20, 21, 1000])
def test_read_batch_damage(tmp, kind, n):
    """The same 20 good records as iteration, then the same error (file,
    offset, record, message) as iteration and the tool."""
    bad = _damaged(tmp, kind)
    got, it = [], []
    with pytest.raises(capkit.DamagedCaptureError) as e1:
        with capkit.open(bad) as r:
            for x in r:
                it.append(bytes(x.data))
    with pytest.raises(capkit.DamagedCaptureError) as e2:
        with capkit.open(bad) as r:
            while True:
                b = r.read_batch(n)
                assert b, "no error after the good records"
                got += [bytes(b[i]) for i in range(len(b))]
    assert got == it and len(got) == 20
    for a in ("file", "offset", "record", "code"):
        assert getattr(e1.value, a) == getattr(e2.value, a), a
    assert str(e1.value) == str(e2.value)
    assert e2.value.record == 21
    cli = run(CAPKIT, "dump", str(bad))
    assert cli.returncode == 1 and str(e2.value) in cli.stderr.decode()


def test_read_batch_filter_equals_tcpdump():
    for expr in ("tcp", "tcp[tcpflags] & tcp-fin != 0", "port 80",
                 "src host 192.168.1.100 or udp"):
        r = run("tcpdump", "-r", SEED, "-nn", expr)
        want = len(r.stdout.splitlines())
        got = all_batches(SEED, 2, 1 << 16, filter=expr)
        assert len(got) == want, expr
        assert got == records(SEED, filter=expr)


try:
    from hypothesis import given, settings, strategies as st
    HAVE_HYPOTHESIS = True
except ImportError:  # pragma: no cover
    HAVE_HYPOTHESIS = False

if HAVE_HYPOTHESIS:
    @pytest.mark.filterwarnings("ignore::capkit.CaptureWarning")
    @settings(max_examples=60, deadline=None)
    @given(recs=st.lists(st.tuples(
        st.binary(min_size=0, max_size=600),
        st.integers(min_value=0, max_value=2**32 - 1),
        st.integers(min_value=0, max_value=10**9 - 1)),
        min_size=0, max_size=40),
        fmt=st.sampled_from(["pcap", "pcapng"]),
        order=st.sampled_from(["little", "big"]),
        prec=st.sampled_from(["us", "ns"]),
        n=st.integers(min_value=1, max_value=50),
        cap=st.integers(min_value=1, max_value=5000),
        cut=st.one_of(st.none(), st.integers(min_value=0)))
    def test_property_batches_equal_records(tmp_path_factory, recs, fmt,
                                            order, prec, n, cap, cut):
        """On random files, whole or cut anywhere: batches of any size give
        the records iteration gives, then the same error (or the end)."""
        out = tmp_path_factory.mktemp("pb") / ("p." + fmt)
        with capkit.Writer(out, format=fmt, precision=prec,
                           byte_order=order) as w:
            for data, sec, ns in recs:
                w.write(data, ts_ns=sec * 10**9 + ns)
        raw = out.read_bytes()
        if cut is not None:
            raw = raw[:cut % (len(raw) + 1)]

        def outcome(fn):
            got = []
            try:
                fn(got)
                return got, None
            except capkit.CapkitError as e:
                return got, (type(e), str(e))
            except OSError as e:  # not possible for memory, kept honest
                return got, (OSError, str(e))

        def by_records(got):
            with capkit.open(raw) as r:
                for x in r:
                    got.append((x.number, x.ts_ns, x.origlen,
                                bytes(x.data)))

        def by_batches(got):
            with capkit.open(raw) as r:
                for b in r.batches(n, cap):
                    got += [(int(b.number[i]), int(b.ts_ns[i]),
                             int(b.origlen[i]), bytes(b[i]))
                            for i in range(len(b))]
        assert outcome(by_batches) == outcome(by_records)


# ---- 5-tuples ----

def test_flows_equal_dpkt(tmp):
    """The 5-tuples of read_batch + flows equal dpkt's decode of the same
    packets (IPv4 and IPv6, TCP, UDP, ICMP, ARP, VLAN)."""
    import dpkt
    import socket
    f = tmp / "flows.pcapng"
    specs = ["eth()/ipv4(src=10.0.0.1+,dst={10.9.0.1,10.9.0.2})/tcp(sport=1000+,"
             "dport={80,443})", "eth()/ipv6(src=2001:db8::1+)/udp(dport=53)",
             "eth()/ipv4()/icmp", "eth()/arp", "eth()/vlan(id=7)/ipv4("
             "dst=192.0.2.9)/udp(sport=5000+)"]
    parts = []
    for i, spec in enumerate(specs):
        parts.append(gen_file(tmp / ("f%d.pcap" % i), spec, "-c", "50"))
    capkit.merge(parts, f, format="pcap")
    want = []
    with open(f, "rb") as fh:
        for _, buf in dpkt.pcap.Reader(fh):
            eth = dpkt.ethernet.Ethernet(buf)
            ip = eth.data
            if isinstance(ip, dpkt.ip.IP):
                v, src, dst = 4, ip.src + bytes(12), ip.dst + bytes(12)
                proto = ip.p
            elif isinstance(ip, dpkt.ip6.IP6):
                v, src, dst, proto = 6, ip.src, ip.dst, ip.nxt
            else:
                want.append((0, 0, bytes(16), bytes(16), 0, 0))
                continue
            l4 = ip.data
            sp = dp = 0
            if isinstance(l4, (dpkt.tcp.TCP, dpkt.udp.UDP)):
                sp, dp = l4.sport, l4.dport
            want.append((v, proto, src, dst, sp, dp))
    got = []
    with capkit.open(f) as r:
        for b in r.batches(37):
            fl = b.flows()
            for i in range(len(b)):
                got.append((int(fl["version"][i]), int(fl["proto"][i]),
                            bytes(fl["src"][i]), bytes(fl["dst"][i]),
                            int(fl["sport"][i]), int(fl["dport"][i])))
    assert len(got) == 250
    assert got == want
    v6 = [g for g in got if g[0] == 6]
    assert len(v6) == 50
    assert socket.inet_ntop(socket.AF_INET6, v6[0][2]) == "2001:db8::1"
    assert bytes(capkit.open(f).read_batch(1).flows()["src"][0][:4]) == \
        bytes(got[0][2][:4])


# ---- generation with a rate ----

@pytest.mark.parametrize("rate,interval_ns", [(1000, 1_000_000),
                                              ("10k", 100_000),
                                              (3, 333_333_333),
                                              ("2.5M", 400)])
def test_gen_rate_spaces_packets(tmp, rate, interval_ns):
    """Packet k at start + k * round(1e9 / rate) ns (the gen spec), the
    same packets and times as the tool writes with --rate (a regression
    check against the tool)."""
    spec = "eth()/ipv4(src=10.0.0.1+)/udp(dport={53,54})/payload(len=0-99," \
           "rand)"
    start = 1_700_000_000_123_456_789
    pk = list(capkit.gen(spec, count=300, rate=rate, start=start))
    assert [p.ts_ns for p in pk] == [start + k * interval_ns
                                     for k in range(300)]
    out = gen_file(tmp / "rate.pcapng", spec, "-c", "300", "-r", str(rate),
                   "--start", "1700000000.123456789", "-F", "pcapng", "-p",
                   "ns")
    assert [(bytes(p), p.ts_ns) for p in pk] == [
        (r[6], r[2]) for r in records(out)]


def test_gen_interval_start_and_errors():
    pk = list(capkit.gen("eth()/ipv4()/udp", count=3, interval="20us",
                         start="2024-05-01T12:00:00.25Z"))
    t0 = 1714564800_250_000_000
    assert [p.ts_ns for p in pk] == [t0, t0 + 20_000, t0 + 40_000]
    assert [p.ts_ns for p in capkit.gen("eth()", count=2)] == [0, 1_000_000]
    with pytest.raises(ValueError):
        list(capkit.gen("eth()", count=1, rate=0))
    with pytest.raises(ValueError):
        list(capkit.gen("eth()", count=1, rate=5, interval="1ms"))
    with pytest.raises(ValueError):
        list(capkit.gen("eth()", count=1, interval="soon"))
    # the end of time: an error, after the packets before it
    last = (2**63 - 1) * 10**9 + 999_999_999
    it = capkit.gen("eth()", count=3, interval="1ns", start=last - 1)
    assert [p.ts_ns for p in (next(it), next(it))] == [last - 1, last]
    with pytest.raises(capkit.CapkitError):
        next(it)
    g = capkit.gen("eth()/ipv4()/udp", count=None)
    assert len([next(g) for _ in range(5000)]) == 5000


def test_gen_batches_written_read_by_peers(tmp):
    """gen_batches + Writer.write_batch: the file scapy and tshark read
    holds the generator's packets at the rate's times."""
    spec = "eth()/ipv4(dst=10.0.0.1+)/tcp(dport=80)/payload(len=0-200,rand)"
    out = tmp / "gb.pcap"
    n = 0
    with capkit.Writer(out, precision="ns") as w:
        for b in capkit.gen_batches(spec, count=5000, rate="1M", n=999):
            n += w.write_batch(b)
    assert n == 5000
    want = list(capkit.gen(spec, count=5000, rate="1M"))
    from scapy.utils import RawPcapReader
    got = [(d, m.sec * 10**9 + m.usec) for d, m in RawPcapReader(str(out))]
    assert got == [(bytes(p), p.ts_ns) for p in want]
    r = run("tshark", "-r", str(out), "-T", "fields", "-e", "ip.dst",
            "-c", "3")
    if r.returncode == 0:
        assert r.stdout.decode().split() == ["10.0.0.1", "10.0.0.2",
                                             "10.0.0.3"]


def test_write_batch_copies_read_batch(tmp):
    src = gen_file(tmp / "wb_src.pcap", "eth()/ipv4()/udp/payload("
                   "len=0-500,rand)", "-c", "2000", "-i", "7us")
    out = tmp / "wb_out.pcap"
    with capkit.open(src) as r, capkit.Writer(out, like=r) as w:
        for b in r.batches(333):
            w.write_batch(b)
    assert out.read_bytes() == src.read_bytes()


# ---- jobs ----

def _peer_records(path):
    """(time in ns, bytes, original length) of every record, read by dpkt
    or scapy (pcapng)."""
    from scapy.utils import RawPcapNgReader, RawPcapReader
    with open(path, "rb") as f:
        magic = f.read(4)
    ng = magic == b"\x0a\x0d\x0d\x0a"
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    out = []
    if ng:
        for d, m in RawPcapNgReader(str(path)):
            ts = (m.tshigh << 32 | m.tslow) * 10**9 // m.tsresol
            out.append((ts, d, m.wirelen))
    else:
        for d, m in RawPcapReader(str(path)):
            out.append((m.sec * 10**9 + m.usec * (1 if nano else 1000), d,
                        m.wirelen))
    return out


def _merge_inputs(tmp):
    a = gen_file(tmp / "ma.pcap", "eth()/ipv4(src=10.0.0.1)/udp(sport=1+)",
                 "-c", "300", "-r", "1000")
    b = gen_file(tmp / "mb.pcap", "eth()/ipv4(src=10.0.0.2)/udp(sport=1+)",
                 "-c", "200", "-r", "500")  # every time also in a
    c = gen_file(tmp / "mc.pcap", "eth()/ipv4(src=10.0.0.3)/tcp(sport=1+)",
                 "-c", "250", "-r", "333", "--start", "0.0001")
    return [a, b, c]


def test_merge_equals_mergecap(tmp):
    ins = _merge_inputs(tmp)
    out, peer = tmp / "m.pcap", tmp / "m_peer.pcap"
    res = capkit.merge(ins, out, ties="last")
    assert (res.records_read, res.records_written) == (750, 750)
    assert run("mergecap", "-w", str(peer), *map(str, ins)).returncode == 0
    assert _peer_records(out) == _peer_records(peer)
    # mergecap -s: records cut, original lengths kept
    assert run("mergecap", "-s", "40", "-w", str(peer),
               *map(str, ins)).returncode == 0
    capkit.merge(ins, out, ties="last", snaplen=40)
    assert _peer_records(out) == _peer_records(peer)
    # append: mergecap -a
    assert run("mergecap", "-a", "-w", str(peer),
               *map(str, ins)).returncode == 0
    capkit.merge(ins, out, append=True)
    assert _peer_records(out) == _peer_records(peer)
    # the default (stable) order, byte for byte as the tool's: a
    # regression check against `capkit merge`
    cli = tmp / "m_cli.pcap"
    assert run(CAPKIT, "merge", "-o", str(cli), *map(str, ins)).returncode == 0
    capkit.merge(ins, out)
    assert out.read_bytes() == cli.read_bytes()
    # link types differ: pcapng with an interface each, as the tool
    raw = gen_file(tmp / "raw.pcap", "ipv4()/udp", "-c", "3")
    capkit.merge([ins[0], raw], tmp / "mixed.out")
    with capkit.open(tmp / "mixed.out") as r:
        assert r.info["format"] == "pcapng"
        assert sorted({x.linktype for x in r}) == [1, 101]
    with pytest.raises(capkit.CapkitError):
        capkit.merge([ins[0], raw], tmp / "no.pcap", format="pcap")
    assert not (tmp / "no.pcap").exists()


def test_merge_damaged_input(tmp):
    ins = _merge_inputs(tmp)
    bad = _damaged(tmp, "data_cut")
    out = tmp / "md.pcap"
    with pytest.raises(capkit.DamagedCaptureError) as e:
        capkit.merge([ins[0], bad], out)
    assert e.value.record == 21 and e.value.file == str(bad)
    assert not out.exists()
    cli = run(CAPKIT, "merge", "-o", str(tmp / "mdc.pcap"), str(ins[0]),
              str(bad))
    assert cli.returncode == 1 and str(e.value) in cli.stderr.decode()
    with pytest.raises(capkit.DamagedCaptureError):
        capkit.merge([ins[0], bad], out, keep_partial=True)
    assert len(records(out)) >= 20  # kept, complete up to the damage
    with pytest.raises(OSError):
        capkit.merge([tmp / "nope.pcap"], out)
    with pytest.raises(ValueError):
        capkit.merge(ins, out, ties="middle")


def _disordered(tmp, name, n, spread):
    """A tool-made file whose times are shuffled within `spread` records
    (Python's random, seeded), equal times included."""
    import random
    rnd = random.Random(n * 7 + spread)
    src = gen_file(tmp / (name + ".src"), "eth()/ipv4(src=10.0.0.1+)/udp("
                   "sport=1+)/payload(len=0-300,rand)", "-c", str(n))
    recs = records(src)
    keys = [i + rnd.randint(0, spread) for i in range(n)]
    out = tmp / (name + ".pcap")
    with capkit.Writer(out, precision="ns") as w:
        for k, r in zip(keys, recs):
            w.write(r[6], ts_ns=10**9 + (k // 2) * 1000)
    return out


@pytest.mark.parametrize("spread,memory,method", [
    (5, None, "one pass"), (3000, "64KiB", "external")])
def test_sort_equals_reordercap(tmp, spread, memory, method):
    src = _disordered(tmp, "dis%d" % spread, 4000, spread)
    out, peer = tmp / "sorted.pcap", tmp / "sorted_peer.pcap"
    res = capkit.sort(src, out, memory=memory, tmpdir=str(tmp))
    assert res.method == method and res.records_written == 4000
    assert run("reordercap", str(src), str(peer)).returncode == 0
    assert _peer_records(out) == _peer_records(peer)
    # byte for byte as the tool's sort: a regression check
    cli = tmp / "sorted_cli.pcap"
    args = ["-m", memory] if memory else []
    assert run(CAPKIT, "sort", str(src), "-o", str(cli), "-T", str(tmp),
               *args).returncode == 0
    assert out.read_bytes() == cli.read_bytes()


def test_sort_filter_and_pcapng(tmp):
    src = _disordered(tmp, "disng", 500, 40)
    ng = tmp / "disng.pcapng"
    capkit.merge([src], ng, format="pcapng")
    out = tmp / "s.pcapng"
    res = capkit.sort(ng, out, filter="udp port 1 or udp port 2 or "
                      "udp portrange 3-100")
    assert res.records_read == res.records_written == 100
    times = [r[2] for r in records(out)]
    assert times == sorted(times)


def _with_duplicates(tmp):
    src = gen_file(tmp / "dsrc.pcap", "eth()/ipv4(src=10.0.0.1+)/udp/"
                   "payload(len=0-60,rand)", "-c", "400")
    recs = records(src)
    import random
    rnd = random.Random(3)
    out = tmp / "dups.pcap"
    with capkit.Writer(out, precision="ns") as w:
        t = 10**9
        for r in recs:
            w.write(r[6], ts_ns=t)
            t += 1000
            for _ in range(rnd.choice([0, 0, 1, 2])):
                back = rnd.randint(0, 6)  # a repeat of a recent record
                w.write(recs[max(0, r[0] - 1 - back)][6], ts_ns=t)
                t += rnd.choice([1000, 300_000_000])
    return out


@pytest.mark.parametrize("window", [0, 1, 4, 10])
def test_dedup_equals_editcap(tmp, window):
    src = _with_duplicates(tmp)
    out, peer = tmp / "dd.pcap", tmp / "dd_peer.pcap"
    res = capkit.dedup(src, out, window=window)
    if window == 0:
        assert res.dropped == 0
        return
    assert run("editcap", "-D", str(window + 1), str(src),
               str(peer)).returncode == 0
    want = _peer_records(peer)
    assert _peer_records(out) == want
    assert res.records_read - res.dropped == res.records_written == len(want)
    assert res.dropped > 0


def test_dedup_time_equals_editcap(tmp):
    src = _with_duplicates(tmp)
    out, peer = tmp / "dt.pcap", tmp / "dt_peer.pcap"
    res = capkit.dedup(src, out, time="0.1")
    assert run("editcap", "-w", "0.1", str(src), str(peer)).returncode == 0
    assert _peer_records(out) == _peer_records(peer)
    assert res.dropped > 0
    # ignore the IPv4 header's bytes: the tool's result (regression check)
    cli = tmp / "dt_cli.pcap"
    assert run(CAPKIT, "dedup", str(src), "-o", str(cli), "-I", "14-33",
               "-w", "3").returncode == 0
    capkit.dedup(src, out, window=3, ignore="14-33")
    assert out.read_bytes() == cli.read_bytes()
    with pytest.raises(ValueError):
        capkit.dedup(src, out, ignore="zz")


def test_repair_equals_the_tool(tmp):
    """Changes, records and output as `capkit repair --json` reports and
    writes them (a regression check: pcapfix repairs otherwise), and the
    repaired file read by scapy holds the intact records."""
    import json
    good = gen_file(tmp / "rgood.pcap", "eth()/ipv4()/udp/payload(len="
                    "20-200,rand)", "-c", "100")
    raw = bytearray(good.read_bytes())
    recs = _peer_records(good)
    bad = tmp / "rbad.pcap"
    # garbage in the middle and a cut last record
    mid = len(raw) // 2
    bad.write_bytes(bytes(raw[:mid]) + b"\xff" * 37 + bytes(raw[mid:-5]))
    out, cli_out = tmp / "rfixed.pcap", tmp / "rfixed_cli.pcap"
    res = capkit.repair(bad, out)
    cli = run(CAPKIT, "repair", "--json", str(bad), "-o", str(cli_out))
    assert cli.returncode == 1
    j = json.loads(cli.stdout)
    assert res.status == j["status"] == "repaired"
    assert [(c.kind, c.offset, c.length, c.record, c.message)
            for c in res.changes] == [
        (c["kind"], c["offset"], c["length"], c["record"], c["message"])
        for c in j["changes"]]
    assert (res.records, res.dropped_records, res.dropped_bytes) == (
        j["records"], j["dropped_records"], j["dropped_bytes"])
    assert out.read_bytes() == cli_out.read_bytes()
    fixed = _peer_records(out)
    assert set(fixed) <= set(recs) and len(fixed) >= 97
    # a clean file: copied byte for byte; a dry run writes nothing
    clean = capkit.repair(good, tmp / "rclean.pcap")
    assert clean.status == "clean" and not clean.changes
    assert (tmp / "rclean.pcap").read_bytes() == good.read_bytes()
    dry = capkit.repair(bad, None, pad=True)
    assert dry.status == "repaired" and dry.output is None
    assert any(c.kind == "TAIL_PADDED" for c in dry.changes)
    with pytest.raises(OSError):
        capkit.repair(tmp / "nope.pcap", out)


def test_help_documents_the_new_functions():
    for f in (capkit.merge, capkit.sort, capkit.dedup, capkit.repair,
              capkit.gen, capkit.gen_batches, capkit.Reader.read_batch,
              capkit.Batch.flows, capkit.Writer.write_batch):
        assert f.__doc__ and len(f.__doc__) > 80, f
        assert f.__annotations__, f


@pytest.mark.parametrize("prec,order", [("us", "little"), ("ns", "big")])
def test_pcap_copy_of_batched_records(tmp, prec, order):
    """Classic pcap records are iterated in batches: a record-by-record copy
    is still byte for byte the input, printers and statistics still take
    them, and a kept record's values and bytes stay right."""
    src = tmp / ("cp_%s.pcap" % prec)
    with capkit.Writer(src, precision=prec, byte_order=order) as w:
        for data in capkit.gen("eth()/ipv4(src=10.0.0.1+)/tcp(sport=1+)/"
                               "payload(len=0-900,rand)", count=5000):
            w.write(data, ts_ns=data.ts_ns * 7 + 3000)
    out = tmp / "cp_out.pcap"
    kept = []
    with capkit.open(src) as r, capkit.Writer(out, like=r) as w:
        st = capkit.Stats()
        for i, x in enumerate(r):
            w.write(x)
            st.add(x)
            if i % 1000 == 0:
                kept.append((x, bytes(x.data), x.ts_ns))
                assert capkit.format_line(x)
    assert out.read_bytes() == src.read_bytes()
    assert st.summary["packets"] == 5000
    for x, data, ts in kept:
        assert bytes(x.data) == data and x.ts_ns == ts
    with capkit.open(src) as r:
        it = iter(r)
        next(it)
        with pytest.raises(ValueError):
            r.read_batch()  # the iteration holds records


def test_cdefs_match_the_headers(tmp):
    """The package's struct declarations (cffi, ABI mode) have the sizes
    and field offsets the C compiler gives the public headers."""
    import shutil
    cc = shutil.which("cc")
    if not cc:
        pytest.skip("no C compiler")
    inc = os.path.join(DATA, "..", "..", "include")
    fields = {
        "capkit_record": ["size", "ts_sec", "caplen", "iface", "data",
                          "number", "comment", "flags", "extra"],
        "capkit_iface": ["linktype", "tsresol", "name", "section",
                         "byte_order", "origin", "reserved"],
        "capkit_batch": ["max", "data", "data_cap", "ts_ns", "ts_sec",
                         "ts_nsec", "caplen", "origlen", "offset", "iface",
                         "linktype", "number", "pos", "count", "data_len",
                         "need", "has_pending", "pending", "reserved"],
        "capkit_flow_columns": ["version", "proto", "src", "dst", "sport",
                                "dport", "reserved"],
        "capkit_scan_layout": ["precision", "linktype", "snaplen", "bound"],
        "capkit_repair_event": ["kind", "offset", "length", "record",
                                "message"],
        "capkit_stats_settings": ["what", "interval_ns", "has_origin",
                                  "origin", "max_conversations",
                                  "max_bins"],
    }
    src = ["#include <stdio.h>", "#include <stddef.h>",
           "#include <capkit/capkit.h>", "int main(void) {"]
    for t, fs in fields.items():
        src.append('printf("%%zu\\n", sizeof(%s));' % t)
        for f in fs:
            src.append('printf("%%zu\\n", offsetof(%s, %s));' % (t, f))
    src.append("return 0; }")
    c = tmp / "layout.c"
    c.write_text("\n".join(src))
    exe = tmp / "layout"
    r = run(cc, "-std=c11", "-I", inc, "-o", str(exe), str(c))
    assert r.returncode == 0, r.stderr
    want = [int(x) for x in run(str(exe)).stdout.split()]
    from capkit._lib import ffi
    got = []
    for t, fs in fields.items():
        got.append(ffi.sizeof(t))
        got += [ffi.offsetof(t, f) for f in fs]
    assert got == want
