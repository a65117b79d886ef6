"""The Python package through its public interface, against scapy, tshark
and the capkit tool on the same files. Run by make check (pytest)."""
import gzip
import io
import os
import struct
import warnings

import pytest

import capkit
from _common import CAPKIT, DATA, SEED, rss_kib as _rss_kib, run


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("capkit")


@pytest.fixture(scope="module")
def mixed(tmp):
    """A pcapng file made by the tool: 50 records, two sizes of payload."""
    p = tmp / "mixed.pcapng"
    r = run(CAPKIT, "gen", "-F", "pcapng", "-p", "ns", "-i", "1234567ns",
            "-c", "50", "-o", str(p),
            "eth()/ipv4(src=10.0.0.1+)/udp(dport=53)/payload(len=10-70,rand)")
    assert r.returncode == 0, r.stderr
    return p


def test_read_equals_scapy():
    from scapy.utils import RawPcapReader
    want = [(d, m.sec, m.usec, m.wirelen) for d, m in RawPcapReader(SEED)]
    with capkit.open(SEED) as r:
        got = [(bytes(x.data), x.ts_sec, x.ts_nsec // 1000, x.origlen)
               for x in r]
        assert r.info["format"] == "pcap"
        assert r.info["linktype"] == 1
        assert r.info["linktype_name"] == "EN10MB"
    assert got == want
    assert len(got) > 0


def test_sources_agree(mixed):
    def recs(src):
        with capkit.open(src) as r:
            return [(x.number, x.ts_ns, x.caplen, x.origlen, bytes(x.data))
                    for x in r]
    by_path = recs(str(mixed))
    raw = mixed.read_bytes()
    assert recs(raw) == by_path
    assert recs(io.BytesIO(raw)) == by_path
    with open(mixed, "rb") as f:
        assert recs(f) == by_path
    gz = gzip.compress(raw)
    assert recs(gz) == by_path
    assert len(by_path) == 50


def test_times_exact_against_tshark(mixed):
    r = run("tshark", "-r", str(mixed), "-T", "fields", "-e",
            "frame.time_epoch")
    if r.returncode:
        pytest.skip("tshark not usable")
    want = []
    for line in r.stdout.decode().split():
        sec, frac = line.split(".")
        want.append(int(sec) * 10**9 + int(frac.ljust(9, "0")[:9]))
    with capkit.open(mixed) as rd:
        assert [x.ts_ns for x in rd] == want


def test_filter_equals_tcpdump():
    for expr in ("tcp", "tcp[tcpflags] & tcp-fin != 0", "port 80",
                 "src host 192.168.1.100 or udp"):
        r = run("tcpdump", "-r", SEED, "-nn", expr)
        assert r.returncode == 0, r.stderr
        want = len(r.stdout.splitlines())
        with capkit.open(SEED, filter=expr) as rd:
            assert sum(1 for _ in rd) == want, expr
    with pytest.raises(capkit.CapkitError):
        capkit.open(SEED, filter="tcp and and")


def _records(b):
    off, out = 24, []
    while off + 16 <= len(b):
        cap = struct.unpack_from("<I", b, off + 8)[0]
        if off + 16 + cap > len(b):
            break
        out.append(off)
        off += 16 + cap
    return out


@pytest.mark.parametrize("kind", ["data_cut", "header_cut", "caplen"])
def test_damage_after_good_records(tmp, kind):
    base = tmp / "base.pcap"
    assert run(CAPKIT, "gen", "-c", "30", "-o", str(base),
               "eth()/ipv4()/udp/payload(len=10-70,rand)").returncode == 0
    p = base.read_bytes()
    r21 = _records(p)[20]
    if kind == "data_cut":
        d, where = p[:r21 + 30], r21
    elif kind == "header_cut":
        d, where = p[:r21 + 7], r21
    else:
        b = bytearray(p)
        struct.pack_into("<I", b, r21 + 8, 0x7fffffff)
        d, where = bytes(b), r21 + 8
    bad = tmp / ("bad_%s.pcap" % kind)
    bad.write_bytes(d)
    got = []
    with pytest.raises(capkit.DamagedCaptureError) as e:
        with capkit.open(bad) as r:
            for x in r:
                got.append(bytes(x.data))
    assert len(got) == 20
    assert e.value.record == 21
    assert e.value.offset == where
    assert e.value.file == str(bad)
    assert isinstance(e.value, ValueError)
    # the same message as the tool's
    cli = run(CAPKIT, "dump", str(bad))
    assert cli.returncode == 1
    assert str(e.value) in cli.stderr.decode()


def test_not_a_capture_and_missing(tmp):
    junk = tmp / "junk.bin"
    junk.write_bytes(b"hello, this is not a capture file at all")
    with pytest.raises(capkit.DamagedCaptureError) as e:
        capkit.open(junk)
    assert e.value.offset == 0
    with pytest.raises(OSError):
        capkit.open(tmp / "does-not-exist.pcap")


def test_warning_through_warnings_module(tmp):
    p = bytearray(open(SEED, "rb").read())
    # first record: caplen larger than origlen (libpcap accepts it)
    struct.pack_into("<I", p, 24 + 12, struct.unpack_from("<I", p, 32)[0] - 1)
    f = tmp / "warn.pcap"
    f.write_bytes(bytes(p))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with capkit.open(f) as r:
            n = sum(1 for _ in r)
    assert n == len(_records(bytes(p)))
    assert any(issubclass(x.category, capkit.CaptureWarning) and
               "original length" in str(x.message) for x in w)


def test_writer_read_by_peers(tmp):
    out = tmp / "w.pcapng"
    pkts = [capkit.build("eth()/ipv4(dst=10.0.0.%d)/udp(dport=53)/"
                         "payload(len=%d)" % (i + 1, 20 + i))
            for i in range(5)]
    t0 = 1_700_000_000_123_456_789
    with capkit.Writer(out, format="pcapng", precision="ns") as w:
        for i, p in enumerate(pkts):
            w.write(p, ts_ns=t0 + i, comment="pkt %d" % i if i == 2 else None)
    r = run("tshark", "-r", str(out), "-T", "fields", "-e",
            "frame.time_epoch", "-e", "frame.len", "-e", "ip.dst", "-e",
            "frame.comment")
    if r.returncode == 0:
        rows = [l.split("\t") for l in r.stdout.decode().splitlines()]
        assert [x[2] for x in rows] == ["10.0.0.%d" % (i + 1)
                                        for i in range(5)]
        assert rows[2][3] == "pkt 2"
        assert rows[4][0].endswith("123456793")
    from scapy.utils import RawPcapNgReader
    got = [d for d, _ in RawPcapNgReader(str(out))]
    assert got == pkts


def test_writer_settings_read_back(tmp):
    for fmt in ("pcap", "pcapng"):
        for prec in ("us", "ns"):
            for order in ("little", "big"):
                out = tmp / ("s.%s" % fmt)
                with capkit.Writer(out, format=fmt, precision=prec,
                                   byte_order=order, linktype="RAW",
                                   snaplen=100) as w:
                    w.write(b"\x45" + bytes(199), ts_ns=5 * 10**9 + 1234567)
                with capkit.open(out) as r:
                    x = next(iter(r))
                    assert r.info["byte_order"] == order
                    assert r.info["linktype"] == 101
                    assert x.caplen == 100 and x.origlen == 200
                    assert x.ts_ns == 5 * 10**9 + (
                        1234567 if prec == "ns" else 1234000)


def test_writer_is_atomic(tmp):
    out = tmp / "atomic.pcap"
    with pytest.raises(RuntimeError):
        with capkit.Writer(out) as w:
            w.write(b"\x00" * 60)
            raise RuntimeError("stop")
    assert not out.exists()
    assert not [p for p in os.listdir(tmp) if "atomic" in p]


def test_copy_is_byte_identical(tmp, mixed):
    out = tmp / "copy.pcapng"
    with capkit.open(mixed) as r:
        with capkit.Writer(out, like=r) as w:
            for x in r:
                w.write(x)
    assert out.read_bytes() == mixed.read_bytes()
    # the same as the tool's convert of a pcapng into pcap
    a, b = tmp / "a.pcap", tmp / "b.pcap"
    with capkit.open(mixed) as r, capkit.Writer(a, format="pcap",
                                               precision="ns") as w:
        for x in r:
            w.write(x)
    assert run(CAPKIT, "convert", "-F", "pcap", "-p", "ns", str(mixed), "-o",
               str(b)).returncode == 0
    assert a.read_bytes() == b.read_bytes()


def test_stale_record_refused(tmp, mixed):
    with capkit.open(mixed) as r:
        first = next(iter(r))
        next(iter(r))
        with capkit.Writer(tmp / "stale.pcap") as w:
            with pytest.raises(ValueError):
                w.write(first)


def test_build_and_gen_equal_the_tool(tmp):
    spec = "eth()/ipv4(src=10.0.0.1+)/tcp(dport={80,443})/payload(len=16)"
    out = tmp / "g.pcap"
    assert run(CAPKIT, "gen", "-c", "6", "-o", str(out), spec).returncode == 0
    with capkit.open(out) as r:
        want = [bytes(x.data) for x in r]
    assert list(capkit.gen(spec, count=6)) == want
    assert capkit.build(spec) == want[0]
    with pytest.raises(capkit.CapkitError):
        capkit.build("eth()/nosuchlayer")


def test_rewriter_equals_the_tool(tmp, mixed):
    opts = {"pnat": "10.0.0.0/8:172.16.0.0/12", "portmap": "53:5353",
            "ttl": "-1", "enet_smac": "02:00:00:00:00:07"}
    out = tmp / "rw.pcapng"
    args = ["--%s=%s" % (k.replace("_", "-"), v) for k, v in opts.items()]
    assert run(CAPKIT, "rewrite", "-q", str(mixed), "-o", str(out),
               *args).returncode == 0
    rw = capkit.Rewriter(**opts)
    with capkit.open(mixed) as a, capkit.open(out) as b:
        for x, y in zip(a, b):
            assert rw(x.data, x.linktype) == bytes(y.data)
    with pytest.raises(ValueError):
        capkit.Rewriter(pnat="10.0.0.0/8")


def test_linktypes_and_version():
    assert capkit.linktype_name(1) == "EN10MB"
    assert capkit.linktype_number("RAW") == 101
    assert capkit.library_version().count(".") == 2


def _print_lines(*args):
    r = run(CAPKIT, "print", *args)
    assert r.returncode == 0, r.stderr
    return r.stdout.decode().splitlines()


def test_format_line_equals_print():
    files = [SEED] + [os.path.join(DATA, "decode", f) for f in
                      ("tcp.pcap", "ipv6.pcap", "vlan.pcap", "arp.pcap",
                       "sll2.pcap", "tunnel.pcap")]
    for path in files:
        with capkit.open(path) as r:
            got = [capkit.format_line(x) for x in r]
        assert got == _print_lines(path), path
        p = capkit.Printer(link=True, time="epoch")
        with capkit.open(path) as r:
            got = "".join(p(x) for x in r).splitlines()
        assert got == _print_lines("-e", "--time", "epoch", path), path


def test_decode_equals_print_json():
    import json
    path = os.path.join(DATA, "decode", "tcp.pcap")
    want = [json.loads(l) for l in _print_lines("--json", path)]
    with capkit.open(path) as r:
        got = [capkit.decode(x.data, x.linktype) for x in r]
    assert len(got) == len(want) > 0
    for layers, obj in zip(got, want):
        jl = obj["layers"] if isinstance(obj, dict) else obj
        assert [l.name for l in layers] == [x["layer"] for x in jl]
        for lay, x in zip(layers, jl):
            assert lay.offset == x["offset"]
            for k, v in lay.fields.items():
                jv = x.get(k)
                if isinstance(v, bool):
                    assert jv == v, (k, v, jv)
                elif isinstance(v, int) and isinstance(jv, str):
                    assert int(jv, 16) == v, (k, v, jv)
                elif isinstance(v, list):
                    continue
                else:
                    assert jv == v, (k, v, jv)


try:
    from hypothesis import given, settings, strategies as st
    HAVE_HYPOTHESIS = True
except ImportError:  # pragma: no cover
    HAVE_HYPOTHESIS = False


if HAVE_HYPOTHESIS:
    _recs = st.lists(st.tuples(
        st.binary(min_size=0, max_size=300),
        st.integers(min_value=0, max_value=2**32 - 1),  # seconds
        st.integers(min_value=0, max_value=10**9 - 1),  # nanoseconds
        st.integers(min_value=0, max_value=64)),         # bytes not captured
        min_size=1, max_size=20)

    @pytest.mark.filterwarnings("ignore::capkit.CaptureWarning")
    @settings(max_examples=60, deadline=None)
    @given(recs=_recs, fmt=st.sampled_from(["pcap", "pcapng"]),
           prec=st.sampled_from(["us", "ns"]),
           order=st.sampled_from(["little", "big"]))
    def test_property_write_read_back(tmp_path_factory, recs, fmt, prec,
                                      order):
        """Random records through every writer setting come back equal,
        and scapy (the peer) reads the same bytes and lengths."""
        out = tmp_path_factory.mktemp("prop") / ("p." + fmt)
        with capkit.Writer(out, format=fmt, precision=prec,
                           byte_order=order) as w:
            for data, sec, ns, extra in recs:
                w.write(data, ts_ns=sec * 10**9 + ns,
                        origlen=len(data) + extra)
        with capkit.open(out) as r:
            got = [(bytes(x.data), x.ts_ns, x.origlen) for x in r]
        want = [(d, s * 10**9 + (n if prec == "ns" else n // 1000 * 1000),
                 len(d) + e) for d, s, n, e in recs]
        assert got == want
        from scapy.utils import RawPcapNgReader, RawPcapReader
        cls = RawPcapNgReader if fmt == "pcapng" else RawPcapReader
        peer = [(d, m.wirelen) for d, m in cls(str(out))]
        assert peer == [(d, o) for d, _, o in want]


def test_stats_equal_the_tool(tmp):
    import json
    big = tmp / "stats.pcap"
    assert run(CAPKIT, "gen", "-c", "400", "-r", "1000", "-o", str(big),
               "eth()/ipv4(src=10.0.0.1+1@3,dst=10.9.0.1+1@2)/"
               "tcp(sport=1000+1@3,dport=80)/payload(len=0-900)"
               ).returncode == 0
    for path in (SEED, str(big)):
        want = json.loads(run(CAPKIT, "stats", "--json", "-i", "0.1",
                              path).stdout)
        st = capkit.Stats(interval="0.1")
        with capkit.open(path) as r:
            for x in r:
                st.add(x)
        s = st.summary
        assert (s["packets"], s["bytes"]) == (want["packets"], want["bytes"])
        assert [(p, n, b) for p, n, b in st.hierarchy] == [
            (h["path"], h["packets"], h["bytes"]) for h in want["hierarchy"]]
        for kind in ("ip", "tcp", "udp"):
            rows = want["conversations_" + kind]["rows"]
            got = sorted((c["a"], c["b"], c["packets_ab"], c["bytes_ab"],
                          c["packets_ba"], c["bytes_ba"])
                         for c in st.conversations(kind))
            assert got == sorted((c["a"], c["b"], c["packets_ab"],
                                  c["bytes_ab"], c["packets_ba"],
                                  c["bytes_ba"]) for c in rows), kind
        assert [(p, b) for _, _, p, b in st.sizes if p] == [
            (z["packets"], z["bytes"]) for z in want["sizes"]]
        assert [(p, b) for _, p, b in st.series] == [
            (z["packets"], z["bytes"]) for z in want["throughput"]]


def test_stats_merge_equals_one_pass(mixed):
    with capkit.open(mixed) as r:
        t0 = next(iter(r)).ts_ns
    one = capkit.Stats(origin_ns=t0, interval="0.01")
    parts = [capkit.Stats(origin_ns=t0, interval="0.01") for _ in range(3)]
    with capkit.open(mixed) as r:
        for i, x in enumerate(r):
            one.add(x)
            parts[0 if i < 10 else 1 if i < 30 else 2].add(x)
    parts[0].merge(parts[1])
    parts[0].merge(parts[2])
    assert parts[0].summary == one.summary
    assert parts[0].hierarchy == one.hierarchy
    assert parts[0].series == one.series


def test_no_leaks(tmp, mixed):
    """1,000 open/iterate/close cycles (readers, writers, printers, stats)
    keep the process's memory flat, and so do 10 million records read in
    one pass (a classic pcap file: read in batches) and a million read one
    at a time (pcapng)."""
    def cycle(i):
        with capkit.open(mixed) as r:
            st = capkit.Stats()
            p = capkit.Printer()
            for x in r:
                st.add(x)
                p(x)
        with capkit.Writer(tmp / "leak.pcap") as w:
            w.write(b"\x00" * 60, ts_ns=i)
    for i in range(100):  # warm up allocators and caches
        cycle(i)
    before = _rss_kib()
    for i in range(1000):
        cycle(i)
    grown = _rss_kib() - before
    assert grown < 4096, "memory grew by %d KiB over 1000 cycles" % grown
    for count, fmt in (("10M", "pcap"), ("1M", "pcapng")):
        big = tmp / ("many." + fmt)
        assert run(CAPKIT, "gen", "-c", count, "-i", "1us", "-F", fmt,
                   "-o", str(big), "eth()/ipv4()/udp").returncode == 0
        n, marks = 0, []
        with capkit.open(big) as r:
            for x in r:
                n += x.caplen > 0
                if n % 500_000 == 0:
                    marks.append(_rss_kib())
        big.unlink()
        assert n == (10_000_000 if count == "10M" else 1_000_000)
        # flat after the first half million records
        assert max(marks) - marks[0] < 4096, (fmt, marks)


def test_dpkt_reads_what_the_package_writes(tmp):
    import dpkt
    out = tmp / "d.pcap"
    pkts = [capkit.build("eth()/ipv4(dst=10.0.0.%d)/tcp(dport=%d)"
                         % (i + 1, 1000 + i)) for i in range(10)]
    with capkit.Writer(out, precision="us") as w:
        for i, p in enumerate(pkts):
            w.write(p, ts_ns=1_700_000_000_000_000_000 + i * 1_000)
    with open(out, "rb") as f:
        got = [(round(ts * 1e6), bytes(buf)) for ts, buf in dpkt.pcap.Reader(f)]
    assert got == [(1_700_000_000_000_000 + i, p) for i, p in enumerate(pkts)]
    # and the package reads dpkt's own writing
    out2 = tmp / "d2.pcap"
    with open(out2, "wb") as f:
        wr = dpkt.pcap.Writer(f)
        for i, p in enumerate(pkts):
            wr.writepkt(p, ts=1_700_000_000 + i)
    with capkit.open(out2) as r:
        assert [(x.ts_sec, bytes(x.data)) for x in r] == [
            (1_700_000_000 + i, p) for i, p in enumerate(pkts)]


def test_info_is_the_librarys_info_json(tmp_path):
    """Reader.info is `capkit info --json` (the same library call) without
    the record summary, for pcap, pcapng and a compressed input: a
    consistency check with the tool; the values themselves are checked
    against the peers above and in the tool's info tests."""
    import gzip
    import json
    ng = os.path.join(DATA, "byteorder", "epb_options_be.pcapng")
    gz = tmp_path / "x.pcapng.gz"
    gz.write_bytes(gzip.compress(open(ng, "rb").read()))
    for path, comp in ((SEED, None), (ng, None), (str(gz), "gzip")):
        tool = json.loads(run(CAPKIT, "info", "--json", path).stdout)
        with capkit.open(path) as r:
            info = r.info
        assert info.pop("compression") == comp
        for k in ("file", "packets", "captured_bytes", "original_bytes",
                  "first_time", "last_time"):
            tool.pop(k, None)
        for ifc in tool.get("interfaces", ()):
            ifc.pop("packets")
        assert {k: v for k, v in tool.items() if k in info} == info
        assert set(info) >= {"format", "variant", "byte_order", "version",
                             "precision", "snaplen", "linktype",
                             "linktype_name", "fcs_len", "thiszone"}
