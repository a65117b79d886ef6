"""Record iteration and columns read in place (default read() and
mmap=True), and the time-order check, against the peers: scapy's
RawPcapReader (records, times, lengths, bytes) and reordercap -n (order)."""
import gzip
import random
import re
import struct

import pytest

import capkit
from _common import CAPKIT, SEED, run

# random times go backwards now and then: warned about, not wanted here
pytestmark = pytest.mark.filterwarnings("ignore::capkit.CaptureWarning")


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("capkit_iter")


def pcap_bytes(recs, be=False, nsec=False, snaplen=65535):
    """A classic pcap file from (sec, frac, data, origlen) as the format's
    specification lays it out."""
    e = ">" if be else "<"
    out = [struct.pack(e + "IHHiIII", 0xa1b23c4d if nsec else 0xa1b2c3d4,
                       2, 4, 0, 0, snaplen, 1)]
    for sec, frac, data, orig in recs:
        out.append(struct.pack(e + "IIII", sec, frac, len(data), orig))
        out.append(data)
    return b"".join(out)


def random_recs(rnd, n, big=False):
    recs, sec = [], 1_600_000_000
    for _ in range(n):
        # scapy reads at most 65535 bytes of a record
        cap = rnd.randint(0, 65535 if big and rnd.random() < 0.05 else 1500)
        sec += rnd.randint(0, 1)
        recs.append((sec, rnd.randint(0, 999_999),
                     rnd.randbytes(cap), cap + rnd.randint(0, 4)))
    return recs


def peer(path):
    """scapy's view: (ts_ns, caplen, origlen, bytes) per record."""
    from scapy.utils import RawPcapReader
    rd = RawPcapReader(str(path))
    mult = 1 if getattr(rd, "nano", False) else 1000
    out = [(m.sec * 10**9 + m.usec * mult, m.caplen, m.wirelen, d)
           for d, m in rd]
    rd.close()
    return out


def ours(path, **kw):
    with capkit.open(path, **kw) as r:
        return [(x.ts_ns, x.caplen, x.origlen, bytes(x.data)) for x in r]


@pytest.mark.parametrize("be", [False, True])
@pytest.mark.parametrize("nsec", [False, True])
def test_iteration_equals_scapy(tmp, be, nsec):
    """Both byte orders and precisions, records larger than the read-ahead
    window: read(), mmap and memory give scapy's records."""
    rnd = random.Random(be * 2 + nsec)
    recs = random_recs(rnd, 3000, big=True)
    if nsec:
        recs = [(s, f * 1000 + 7, d, o) for s, f, d, o in recs]
    p = tmp / ("it%d%d.pcap" % (be, nsec))
    p.write_bytes(pcap_bytes(recs, be, nsec))
    want = peer(p)
    assert len(want) == 3000
    assert ours(p) == want
    assert ours(p, mmap=True) == want
    assert ours(p.read_bytes()) == want


def test_record_fields(tmp):
    """Every field of a record read in a batch, against the file as written
    (numbers, offsets from the specification's layout)."""
    rnd = random.Random(5)
    recs = random_recs(rnd, 50)
    p = tmp / "fields.pcap"
    p.write_bytes(pcap_bytes(recs))
    off = 24
    for mm in (False, True):
        with capkit.open(p, mmap=mm) as r:
            got = list(r)
        for i, (x, (sec, us, data, orig)) in enumerate(zip(got, recs)):
            assert x.number == i + 1
            assert x.offset == off + sum(16 + len(d) for _, _, d, _ in
                                         recs[:i])
            assert (x.ts_sec, x.ts_nsec) == (sec, us * 1000)
            assert x.ts_ns == sec * 10**9 + us * 1000
            assert x.time == pytest.approx(sec + us / 1e6, abs=1e-6)
            assert (x.caplen, x.origlen) == (len(data), orig)
            assert (x.linktype, x.iface, x.comment, x.flags) == (1, 0, None,
                                                                 0)
            assert bytes(x.data) == data
            assert "#%d " % (i + 1) in repr(x)


def test_data_lifetime(tmp):
    """Records read in batches keep their bytes after the reader moved on
    and after it was closed (read() and mmap); records of pcapng are valid
    until the next one."""
    rnd = random.Random(9)
    recs = random_recs(rnd, 40000)
    p = tmp / "life.pcap"
    p.write_bytes(pcap_bytes(recs))
    for mm in (False, True):
        with capkit.open(p, mmap=mm) as r:
            kept = [x for i, x in enumerate(r) if i % 997 == 0]
        # the reader is closed: the kept records still hold their bytes
        assert [bytes(x.data) for x in kept] == [
            recs[i][2] for i in range(0, 40000, 997)]
        views = [x.data for x in kept]
        del kept
        assert [bytes(v) for v in views] == [
            recs[i][2] for i in range(0, 40000, 997)]
    ng = tmp / "life.pcapng"
    capkit.merge([p], ng, format="pcapng")
    with capkit.open(ng) as r:
        first = next(r)
        assert bytes(first.data) == recs[0][2]
        assert first.offset > 0 and first.origlen == recs[0][3]


def test_batches_in_place(tmp):
    """read_batch reads classic pcap in place: the columns and b[i] equal
    scapy's records, with and without mmap, and a batch keeps its bytes
    after the reader is gone."""
    rnd = random.Random(3)
    recs = random_recs(rnd, 5000)
    p = tmp / "rb.pcap"
    p.write_bytes(pcap_bytes(recs, be=True))
    want = peer(p)
    for mm in (False, True):
        got, kept = [], []
        with capkit.open(p, mmap=mm) as r:
            for b in r.batches(777, 200_000):
                assert len(b.data) <= 200_000 or len(b) == 1
                kept.append(b)
                got += [(int(b.ts_ns[i]), int(b.caplen[i]),
                         int(b.origlen[i]), bytes(b[i]))
                        for i in range(len(b))]
        assert got == want
        again = [bytes(b[i]) for b in kept for i in range(len(b))]
        assert again == [w[3] for w in want]


@pytest.mark.parametrize("mm", [False, True])
def test_damage_with_mmap(tmp, mm):
    """A cut file: every good record, then the same error as the tool."""
    rnd = random.Random(4)
    raw = pcap_bytes(random_recs(rnd, 100))
    cut = raw[:len(raw) - 30]
    p = tmp / "cut.pcap"
    p.write_bytes(cut)
    n = 0
    with pytest.raises(capkit.DamagedCaptureError) as e:
        with capkit.open(p, mmap=mm) as r:
            for x in r:
                n += 1
    assert n == 99 and e.value.record == 100
    cli = run(CAPKIT, "dump", str(p))
    assert cli.returncode == 1 and str(e.value) in cli.stderr.decode()


def test_mmap_other_inputs(tmp):
    """mmap=True on what the walk does not read (pcapng, gzip, a filter)
    gives what the default gives."""
    raw = open(SEED, "rb").read()
    gz = tmp / "s.pcap.gz"
    gz.write_bytes(gzip.compress(raw))
    ng = tmp / "s.pcapng"
    capkit.merge([SEED], ng, format="pcapng")
    for src in (gz, ng):
        assert ours(src, mmap=True) == ours(SEED)
    assert ours(SEED, filter="tcp", mmap=True) == ours(SEED, filter="tcp")
    empty = tmp / "empty.pcap"
    empty.write_bytes(b"")
    with pytest.raises(capkit.CapkitError):
        capkit.open(empty, mmap=True)


# ---- order ----

def reordercap_says(path, tmp):
    r = run("reordercap", "-n", str(path), str(tmp / "reordered.out"))
    assert r.returncode == 0, r.stderr
    m = re.search(rb"(\d+) frames, (\d+) out of order", r.stdout)
    assert m, r.stdout
    return int(m.group(1)), int(m.group(2))


@pytest.mark.parametrize("spread", [0, 1, 5, 300])
@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
def test_order_equals_reordercap(tmp, spread, fmt):
    """Records and records out of order as reordercap -n reports them, on
    files shuffled within `spread` records (equal times included); the
    stretches start at record 1 and at each record older than the one
    before it (times from scapy)."""
    rnd = random.Random(spread)
    recs = random_recs(rnd, 2000)
    keys = [i + rnd.randint(0, spread) for i in range(len(recs))]
    recs = [(1_600_000_000 + k // 3, (k % 3) * 1000, d, o)
            for k, (_, _, d, o) in zip(keys, recs)]
    src = p = tmp / ("ord%d.pcap" % spread)
    p.write_bytes(pcap_bytes(recs))
    if fmt == "pcapng":
        p = tmp / ("ord%d.pcapng" % spread)
        assert run(CAPKIT, "convert", "-F", "pcapng", str(src), "-o",
                   str(p)).returncode == 0
    frames, late = reordercap_says(p, tmp)
    o = capkit.order(p)
    assert (o.records, o.late) == (frames, late)
    assert frames == 2000
    assert o.in_order == (late == 0)
    # a key can only pass the next one's by 2 or more
    assert (late == 0) == (spread < 2)
    times = [r[0] for r in peer(src)]  # the pcapng copy has the same
    starts = [1] + [i + 1 for i in range(1, len(times))
                    if times[i] < times[i - 1]]
    assert len(starts) == late + 1
    assert o.stretches == (starts if len(starts) <= 64 else None)
    assert capkit.order(p, max_stretches=10**6).stretches == starts
    assert capkit.order(p.read_bytes(), mmap=True).late == late


def test_order_filter_and_damage(tmp):
    with capkit.open(SEED, filter="tcp") as r:
        n = sum(1 for _ in r)
    o = capkit.order(SEED, filter="tcp")
    assert o.records == n and o.in_order
    header_only = open(SEED, "rb").read()[:24]
    assert capkit.order(header_only).records == 0
    cut = tmp / "ocut.pcap"
    cut.write_bytes(open(SEED, "rb").read()[:-5])
    with pytest.raises(capkit.DamagedCaptureError):
        capkit.order(cut)


try:
    from hypothesis import given, settings, strategies as st
    HAVE_HYPOTHESIS = True
except ImportError:  # pragma: no cover
    HAVE_HYPOTHESIS = False

if HAVE_HYPOTHESIS:
    @settings(max_examples=80, deadline=None)
    @given(recs=st.lists(st.tuples(
        st.integers(min_value=0, max_value=2**32 - 1),
        st.integers(min_value=0, max_value=2**32 - 1),
        st.binary(min_size=0, max_size=3000),
        st.integers(min_value=0, max_value=2**32 - 1)),
        min_size=0, max_size=60),
        be=st.booleans(), nsec=st.booleans(),
        cut=st.one_of(st.none(), st.integers(min_value=0)),
        n=st.integers(min_value=1, max_value=70))
    def test_property_all_ways_agree(tmp_path_factory, recs, be, nsec, cut,
                                     n):
        """Random classic pcap files (any times and fractions, lengths
        above or below the original length, cut anywhere): iteration from
        memory, from the file by read(), from the mapped file, and batches
        from the mapped file give the same records, then the same error
        or the end."""
        raw = pcap_bytes(recs, be, nsec)
        if cut is not None:
            raw = raw[:cut % (len(raw) + 1)]
        p = tmp_path_factory.mktemp("pa") / "p.pcap"
        p.write_bytes(raw)

        def outcome(src, batches=False, **kw):
            got = []
            try:
                with capkit.open(src, **kw) as r:
                    if batches:
                        for b in r.batches(n):
                            got += [(int(b.number[i]), int(b.pos[i]),
                                     int(b.ts_ns[i]), int(b.origlen[i]),
                                     bytes(b[i])) for i in range(len(b))]
                    else:  # one by one: those before an error count
                        for x in r:
                            got.append((x.number, x.offset, x.ts_ns,
                                        x.origlen, bytes(x.data)))
                return got, None
            except capkit.CapkitError as e:
                return got, (type(e), e.offset, e.record if hasattr(
                    e, "record") else None)
        want = outcome(raw)
        assert outcome(p) == want
        assert outcome(p, mmap=True) == want
        assert outcome(p, batches=True, mmap=True) == want
        assert outcome(p, batches=True) == want
