"""read_batch on files read with read(): the input is read straight into
the batch's own buffer (capkit_reader_fill_batch), and buffers nothing
holds any more are used again. The expected records come from the classic
pcap layout itself (the files are written here, field by field, from
seeded random values) and from scapy's RawPcapReader; batches kept to the
end must still hold their records after the reader moved on."""
import random
import struct

import pytest

import capkit

MAGIC = {"us": 0xa1b2c3d4, "ns": 0xa1b23c4d}


def make(path, rng, order, prec, n, big=0, maxcap=1600):
    """A classic pcap file of N records of random lengths (a few larger
    than the reader's 256 KiB buffer when BIG) and times: the file's
    bytes and the records as (ts_ns, caplen, origlen, data)."""
    e = "<" if order == "little" else ">"
    out = [struct.pack(e + "IHHiIII", MAGIC[prec], 2, 4, 0, 0, 262144 * 4,
                       1)]
    recs = []
    sec = 1_600_000_000
    for i in range(n):
        cap = rng.randrange(0, maxcap)
        if big and rng.randrange(big) == 0:
            cap = rng.randrange(260_000, 600_000)
        data = bytes(rng.getrandbits(8) for _ in range(min(cap, 64))) + \
            bytes(max(cap - 64, 0))
        frac = rng.randrange(10**6 if prec == "us" else 10**9)
        sec += 1  # in order: no warning
        out.append(struct.pack(e + "IIII", sec, frac, cap, cap + 4) + data)
        ts = sec * 10**9 + frac * (1000 if prec == "us" else 1)
        recs.append((ts, cap, cap + 4, data))
    raw = b"".join(out)
    path.write_bytes(raw)
    return raw, recs


def rows(b):
    return [(int(b.ts_ns[i]), int(b.caplen[i]), int(b.origlen[i]),
             bytes(b[i])) for i in range(len(b))]


@pytest.mark.parametrize("order", ["little", "big"])
@pytest.mark.parametrize("prec", ["us", "ns"])
def test_batches_end_at_every_record(tmp_path, order, prec):
    """A batch bound at every record (by count and by bytes) gives the
    records the file holds, equal to scapy's, with the batches kept."""
    from scapy.utils import RawPcapReader
    rng = random.Random(f"{order}{prec}")
    f = tmp_path / "f.pcap"
    raw, want = make(f, rng, order, prec, 40)
    peer = [d for d, _ in RawPcapReader(str(f))]
    assert peer == [w[3] for w in want]
    ends = [24]
    for w in want:
        ends.append(ends[-1] + 16 + w[1])
    for n in range(1, len(want) + 1):
        with capkit.open(f) as r:
            kept = list(r.batches(n))
        assert [x for b in kept for x in rows(b)] == want, n
        assert all(len(b) == n for b in kept[:-1])
    for k in range(1, len(ends)):
        # max_bytes such that a batch ends right after record k (counted
        # from the start of its buffer, where a batch read in place
        # begins with the header of its first record)
        cap = ends[k] - 24
        with capkit.open(f) as r:
            kept = list(r.batches(1000, cap))
        assert [x for b in kept for x in rows(b)] == want, cap


@pytest.mark.parametrize("seed", range(6))
def test_large_records_and_kept_batches(tmp_path, seed):
    """Records larger than the reader's buffer and than max_bytes, random
    batch sizes; every batch kept to the end, and read from a path and
    from a file object."""
    rng = random.Random(seed)
    f = tmp_path / "big.pcap"
    raw, want = make(f, rng, rng.choice(["little", "big"]),
                     rng.choice(["us", "ns"]), 120, big=25)
    for src in ("path", "file"):
        got, kept = [], []
        fo = open(f, "rb") if src == "file" else None
        with capkit.open(fo or f) as r:
            while True:
                b = r.read_batch(rng.randrange(1, 50),
                                 rng.randrange(1, 1 << 20))
                if not b:
                    break
                kept.append(b)
        if fo:
            fo.close()
        for b in kept:
            got += rows(b)
        assert got == want, src


def test_buffers_reused_only_when_free(tmp_path):
    """A loop that drops its batches reads into two buffers in turn; a
    batch or a slice of it still held keeps its buffer from being
    written."""
    rng = random.Random(3)
    f = tmp_path / "f.pcap"
    raw, want = make(f, rng, "little", "ns", 3000)
    with capkit.open(f) as r:
        first = r.read_batch(100, 1 << 16)
        view = first[5]
        cols = first.caplen
        n = 0
        seen = set()
        for b in r.batches(100, 1 << 16):
            seen.add(int(capkit.ffi.cast("uintptr_t",
                                         capkit.ffi.from_buffer(b.data))))
            n += len(b)
        k = len(first)
        assert n == len(want) - k
        assert len(r._pool) <= 3  # not a buffer per batch
        assert len(seen) < 6
        assert bytes(view) == want[5][3]
        assert [int(c) for c in cols] == [w[1] for w in want[:k]]
        assert rows(first) == want[:k]


@pytest.mark.parametrize("order", ["little", "big"])
def test_cut_at_every_byte(tmp_path, order):
    """A file cut anywhere: the whole records before the cut, then the
    error naming the record cut, as iteration gives it."""
    rng = random.Random(order)
    f = tmp_path / "whole.pcap"
    raw, want = make(f, rng, order, "us", 6, maxcap=300)
    ends = [24]
    for w in want:
        ends.append(ends[-1] + 16 + w[1])
    cut = tmp_path / "cut.pcap"
    for at in range(25, len(raw)):
        cut.write_bytes(raw[:at])
        whole = sum(1 for e in ends[1:] if e <= at)
        got = []
        with pytest.raises(capkit.DamagedCaptureError) if at not in ends \
                else _nothing() as e:
            with capkit.open(cut) as r:
                for b in r.batches(4, 1 << 12):
                    got += rows(b)
        assert got == want[:whole], at
        if at not in ends:
            assert e.value.record == whole + 1
            it = []
            with pytest.raises(capkit.DamagedCaptureError) as e2:
                with capkit.open(cut) as r:
                    it += [bytes(x.data) for x in r]
            assert str(e.value) == str(e2.value)


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False
