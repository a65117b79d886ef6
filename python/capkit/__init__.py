"""capkit: read, write, generate and rewrite packet captures at C speed.

A thin binding of libcapkit (the library behind the ``capkit`` tool): every
format and variant the library reads (classic pcap in every variant,
pcapng, gzip/zstd-compressed inputs), exact nanosecond timestamps, and the
library's precise errors.

Reading::

    import capkit
    with capkit.open("trace.pcapng", filter="tcp port 443") as r:
        print(r.info["format"], r.info["linktype"])
        for rec in r:
            print(rec.number, rec.ts_ns, rec.caplen, bytes(rec.data[:14]))

Writing (atomic: the file appears under its name only on a clean close)::

    with capkit.Writer("out.pcapng", format="pcapng", precision="ns") as w:
        w.write(b"\\x02" * 60, ts_ns=1_700_000_000_000_000_000)

Columns of many records at a time (numpy arrays when numpy is installed,
else typed memoryviews), read in C, and their IP 5-tuples::

    with capkit.open("trace.pcap") as r:
        for b in r.batches(65536):
            total += sum(b.caplen)        # b.ts_ns, b.origlen, b[i] ...
            flows = b.flows()             # version, proto, src, dst, ports

Generating packets from the ``capkit gen`` spec language, timed as
``capkit gen --rate`` times them::

    pkt = capkit.build("eth()/ipv4(dst=10.0.0.1)/udp(dport=53)")
    for p in capkit.gen("eth()/ipv4(src=10.0.0.1+)/tcp", count=3,
                        rate="10k"):
        print(p.ts_ns, len(p))
    with capkit.Writer("1m.pcap") as w:   # a million packets, in C
        for b in capkit.gen_batches("eth()/ipv4()/udp", count=10**6):
            w.write_batch(b)

Whole-file jobs, run in C with the tool's options::

    capkit.merge(["a.pcap", "b.pcapng"], "all.pcapng", ties="last")
    capkit.sort("shuffled.pcap", "sorted.pcap", memory="64MiB")
    capkit.dedup("dups.pcap", "clean.pcap", window=4)
    report = capkit.repair("broken.pcap", "fixed.pcap")

Time order, as ``reordercap -n`` counts it, checked in C::

    o = capkit.order("trace.pcap")        # o.records, o.late, o.in_order

Errors: a damaged capture raises :class:`DamagedCaptureError` (a
``ValueError``) with ``.file``, ``.offset`` and ``.record``, after every good
record before the damage was yielded; non-fatal anomalies are reported as
:class:`CaptureWarning` through the :mod:`warnings` module.
"""
from __future__ import annotations

import array
import builtins
import io
import json
import os
import stat as _stat
import sys
import warnings
from bisect import bisect_left as _bisect
from itertools import chain as _itertools_chain
from itertools import repeat as _repeat
from operator import itemgetter as _itemgetter
from typing import Any, Dict, Iterator, Optional, Union

from ._lib import ffi, lib

__all__ = [
    "open", "Reader", "Record", "Batch", "Writer", "gen", "gen_batches",
    "Packet", "build", "merge", "sort", "dedup", "repair", "JobResult",
    "RepairResult", "RepairChange", "Rewriter",
    "Printer", "format_line", "decode", "Layer", "Stats", "order", "Order",
    "CapkitError", "DamagedCaptureError", "CaptureWarning", "linktype_name",
    "linktype_number", "library_version",
]

_CLASS_DATA, _CLASS_USAGE, _CLASS_SYSTEM = 1, 2, 3


class CapkitError(Exception):
    """An error reported by libcapkit: ``.code`` (negative CAPKIT_E* value),
    ``.name`` (e.g. ``"CAPKIT_EOPEN"``) and the library's message."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.name = _s(lib.capkit_errname(code)) or "CAPKIT_E?"


class DamagedCaptureError(CapkitError, ValueError):
    """Invalid or damaged capture data: ``.file``, ``.offset`` (byte offset
    of the damage) and ``.record`` (1-based record number, 0 when the damage
    is not in a record). Raised after every good record before it."""

    def __init__(self, code: int, message: str, file: str, offset: int,
                 record: int):
        super().__init__(code, message)
        self.file = file
        self.offset = offset
        self.record = record


class CaptureWarning(UserWarning):
    """A non-fatal anomaly in a capture (the record is still delivered)."""


def _s(p) -> Optional[str]:
    return ffi.string(p).decode("utf-8", "replace") if p != ffi.NULL else None


def _raise(code: int, message: str, file: str = "", offset: int = 0,
           record: int = 0):
    cls = lib.capkit_error_class_of(code)
    if cls == _CLASS_DATA:
        raise DamagedCaptureError(code, message, file, offset, record)
    if cls == _CLASS_SYSTEM:
        err = CapkitError(code, message)
        raise OSError(message) from err
    raise CapkitError(code, message)


def library_version() -> str:
    """The version of the loaded libcapkit ("MAJOR.MINOR.PATCH")."""
    return _s(lib.capkit_version())


def linktype_name(linktype: int) -> Optional[str]:
    """The registry name of a LINKTYPE_ value ("EN10MB"), or None."""
    return _s(lib.capkit_linktype_name(linktype))


def linktype_number(name: Union[str, int]) -> int:
    """A link type from its name ("EN10MB", "ETHERNET", "RAW") or number."""
    if isinstance(name, int):
        return name
    out = ffi.new("uint32_t *")
    if lib.capkit_linktype_from_name(name.encode(), out) != 0:
        raise ValueError("unknown link type %r" % name)
    return out[0]


def _field(i: int, doc: str) -> property:
    return property(_itemgetter(i), doc=doc)


class _Group:
    """What the records read together share: their columns (read on
    demand: a record holds only its number, time and length), their bytes
    and their interface. A record read alone is a group of one."""
    __slots__ = ("first", "numbers", "pos", "origlen", "off", "chunk",
                 "linktype", "iface", "comment", "flags", "reader", "token")

    def index(self, number: int) -> int:
        n = self.numbers
        return number - self.first if n is None else _bisect(n, number)


class Record(tuple):
    """One record. Its values are copies, kept after the reader moves on.
    ``data`` is a zero-copy memoryview of the captured bytes
    (``bytes(rec.data)`` copies them). Classic pcap files are read many
    records at a time, and a record's ``data`` then stays valid as long as
    the record or the memoryview is kept (it holds the batch's bytes).
    Other formats (pcapng) are read one record at a time: ``data`` is then
    valid until the reader moves to the next record, or is closed."""

    __slots__ = ()

    # (number, ts_ns, caplen, _Group): the values read most are items (a
    # C-level getter each); the others come from the group's columns.
    number = _field(0, "1-based record number in the input.")
    ts_ns = _field(1, "Nanoseconds since the epoch, exact (any year).")
    caplen = _field(2, "Bytes captured (len(data)).")

    @property
    def data(self) -> memoryview:
        """The captured bytes, zero copy."""
        g = self[3]
        o = g.off[g.index(self[0])]
        return g.chunk[o:o + self[2]]

    @property
    def offset(self) -> int:
        """Byte offset of the record in the input."""
        g = self[3]
        return g.pos[g.index(self[0])]

    @property
    def origlen(self) -> int:
        """Length on the wire."""
        g = self[3]
        return g.origlen[g.index(self[0])]

    @property
    def linktype(self) -> int:
        """LINKTYPE_ value of its interface."""
        return self[3].linktype

    @property
    def iface(self) -> int:
        """Interface index (pcapng), 0 for pcap."""
        return self[3].iface

    @property
    def comment(self) -> Optional[str]:
        """First packet comment (pcapng) or None."""
        return self[3].comment

    @property
    def flags(self) -> int:
        """pcapng epb_flags, 0 if none."""
        return self[3].flags

    @property
    def ts_sec(self) -> int:
        """Seconds since the epoch."""
        return self[1] // 1_000_000_000

    @property
    def ts_nsec(self) -> int:
        """Nanoseconds within the second, exact."""
        return self[1] % 1_000_000_000

    @property
    def time(self) -> float:
        """Seconds since the epoch as a float (rounded: use ts_ns)."""
        return self[1] / 1_000_000_000

    @property
    def _reader(self) -> "Reader":
        return self[3].reader

    def __repr__(self) -> str:
        return ("<capkit.Record #%d ts_ns=%d caplen=%d origlen=%d "
                "linktype=%d>" % (self[0], self[1], self[2], self.origlen,
                                  self[3].linktype))

    # a record is itself, not a tuple of its values
    def __eq__(self, other: Any) -> bool:
        return self is other

    def __ne__(self, other: Any) -> bool:
        return self is not other

    __hash__ = object.__hash__




class _Chunk:
    """The data of one batch: a memoryview of its bytes and, when known, a
    C pointer to them (for the library calls that read a batch)."""
    __slots__ = ("mv", "ptr")

    def __init__(self, mv: memoryview, ptr=None):
        self.mv = mv
        self.ptr = ptr

    def pointer(self, keep: list):
        """A C pointer to the bytes, valid while KEEP is (a pointer taken
        from the memoryview holds it exported only that long)."""
        if self.ptr is not None:
            return self.ptr
        if not len(self.mv):
            return ffi.NULL
        p = ffi.from_buffer("uint8_t[]", self.mv)
        keep.append(p)
        return p


try:
    import numpy as _np
except ImportError:  # numpy stays optional: array.array then
    _np = None

# column name, C type, array typecode, numpy dtype
_COLUMNS = (("ts_ns", "int64_t", "q", "int64"),
            ("ts_sec", "int64_t", "q", "int64"),
            ("ts_nsec", "uint32_t", "I", "uint32"),
            ("caplen", "uint32_t", "I", "uint32"),
            ("origlen", "uint32_t", "I", "uint32"),
            ("offset", "uint64_t", "Q", "uint64"),
            ("iface", "uint32_t", "I", "uint32"),
            ("linktype", "uint32_t", "I", "uint32"),
            ("number", "uint64_t", "Q", "uint64"),
            ("pos", "uint64_t", "Q", "uint64"))
_CTYPE = {name: ct for name, ct, _, _ in _COLUMNS}
_SIZE = {name: ffi.sizeof(ct) for name, ct, _, _ in _COLUMNS}
# The columns of Reader.read_batch, and with exact=True.
_NAMES = ("ts_ns", "caplen", "origlen", "offset", "iface", "linktype",
          "number", "pos")
_EXACT_NAMES = _NAMES + ("ts_sec", "ts_nsec")


# Buffers the library fills whole: no need to clear them first.
_alloc = ffi.new_allocator(should_clear_after_alloc=False)
_TYPECODE = {name: tc for name, _, tc, _ in _COLUMNS}
_DTYPE = {name: dt for name, _, _, dt in _COLUMNS}


def _column(name: str, n: int, use_numpy: bool):
    """A new column of n elements (uninitialized), and its C pointer."""
    if use_numpy:
        col = _np.empty(n, dtype=_DTYPE[name])
        return col, ffi.from_buffer(_CTYPE[name] + "[]", col,
                                    require_writable=True)
    p = _alloc(_CTYPE[name] + "[]", n)
    return p, p


def _trim(col, name: str, n: int):
    """The first n elements of a column, without a copy: a numpy view, or a
    typed memoryview of the C array."""
    if isinstance(col, ffi.CData):
        return memoryview(ffi.buffer(col, n * ffi.sizeof(
            _CTYPE[name]))).cast(_TYPECODE[name])
    return col[:n]


class _Rows:
    """Rows of 16 bytes in one bytes object, as a read-only sequence (the
    addresses of Batch.flows() without numpy)."""
    __slots__ = ("raw",)

    def __init__(self, raw: bytes):
        self.raw = raw

    def __len__(self) -> int:
        return len(self.raw) // 16

    def __getitem__(self, i: int) -> bytes:
        n = len(self.raw) // 16
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("row index out of range")
        return self.raw[16 * i:16 * i + 16]

    def __iter__(self) -> Iterator[bytes]:
        raw = self.raw
        return (raw[k:k + 16] for k in range(0, len(raw), 16))


class Batch:
    """Columns of many records (:meth:`Reader.read_batch`): ``ts_ns``
    (int64 nanoseconds since the epoch), ``caplen``, ``origlen``,
    ``offset`` (where each record's bytes start in ``data``), ``iface``,
    ``linktype``, ``number`` and ``pos`` (byte offset in the input) as numpy
    arrays when numpy is installed, else :class:`array.array`; ``data`` is
    one memoryview holding every record's bytes (back to back when they
    were copied; with the file's record headers between them when a
    classic pcap file was read in place). ``len(b)`` is the number of
    records, ``b[i]`` the bytes of record i (a memoryview). A batch owns
    its buffers (or keeps the mapping it views): it stays valid after the
    reader moves on.

    ``ts_ns`` holds times from 1677 to 2262 exactly (others saturate);
    ``ts_sec`` and ``ts_nsec`` (read with ``exact=True``) hold any time."""

    __slots__ = ("ts_ns", "ts_sec", "ts_nsec", "caplen", "origlen", "offset",
                 "iface", "linktype", "number", "pos", "data", "_chunk",
                 "_n")

    def __len__(self) -> int:
        return self._n

    def __bool__(self) -> bool:
        return self._n > 0

    def __getitem__(self, i: int) -> memoryview:
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("batch index out of range")
        o = int(self.offset[i])
        return self.data[o:o + int(self.caplen[i])]

    def __repr__(self) -> str:
        return "<capkit.Batch %d records, %d bytes>" % (self._n,
                                                         len(self.data))

    def _c(self, keep: list):
        """A capkit_batch describing this batch's columns (read only)."""
        b = ffi.new("capkit_batch *")
        b.size = ffi.sizeof("capkit_batch")
        b.max = b.count = self._n
        b.data = self._chunk.pointer(keep) if self._chunk is not None \
            else ffi.NULL
        b.data_cap = b.data_len = len(self.data)
        for name in ("ts_ns", "ts_sec", "ts_nsec", "caplen", "origlen",
                     "offset", "linktype"):
            col = getattr(self, name)
            if col is not None and self._n:
                p = ffi.from_buffer(_CTYPE[name] + "[]", col)
                keep.append(p)
                setattr(b, name, p)
        return b

    def flows(self, linktype: Union[int, str] = 1) -> Dict[str, Any]:
        """The IP 5-tuple of every record, decoded in C, as columns:
        ``version`` (4, 6, or 0 without IP), ``proto``, ``src`` and ``dst``
        (16 bytes per record, IPv4 in the first 4: ``src[i]`` is record
        i's, a row of an (n, 16) uint8 array with numpy, else 16 bytes of
        a read-only sequence of rows), ``sport``, ``dport`` (TCP/UDP, else 0). The outermost IP header counts; ``linktype``
        applies when the batch has no link type column."""
        n = self._n
        use_np = _np is not None
        if use_np:
            out = {"version": _np.zeros(n, "uint8"),
                   "proto": _np.zeros(n, "uint8"),
                   "src": _np.zeros((n, 16), "uint8"),
                   "dst": _np.zeros((n, 16), "uint8"),
                   "sport": _np.zeros(n, "uint16"),
                   "dport": _np.zeros(n, "uint16")}
        else:
            out = {"version": bytearray(n), "proto": bytearray(n),
                   "src": bytearray(16 * n), "dst": bytearray(16 * n),
                   "sport": array.array("H", bytes(2 * n)),
                   "dport": array.array("H", bytes(2 * n))}
        if n == 0:
            if not use_np:
                out["src"], out["dst"] = _Rows(b""), _Rows(b"")
            return out
        keep: list = []
        fc = ffi.new("capkit_flow_columns *")
        fc.size = ffi.sizeof("capkit_flow_columns")
        for name, ct in (("version", "uint8_t"), ("proto", "uint8_t"),
                         ("src", "uint8_t"), ("dst", "uint8_t"),
                         ("sport", "uint16_t"), ("dport", "uint16_t")):
            p = ffi.from_buffer(ct + "[]", out[name], require_writable=True)
            keep.append(p)
            setattr(fc, name, p)
        rc = lib.capkit_batch_flows(self._c(keep), linktype_number(linktype),
                                    fc)
        if rc < 0:
            _raise(rc, "capkit.Batch.flows: " + _s(lib.capkit_strerror(rc)))
        if not use_np:
            for name in ("version", "proto"):
                out[name] = bytes(out[name])
            for name in ("src", "dst"):  # one 16-byte row per record
                out[name] = _Rows(bytes(out[name]))
        return out


# The references to an object (CPython); elsewhere a buffer is never
# taken for free again.
_getrefcount = getattr(sys, "getrefcount", lambda obj: -1)

@ffi.callback("int(void *, const void *, size_t)")
def _on_text(user, data, n):
    ffi.from_handle(user).append(ffi.buffer(data, n)[:])
    return 0


# The keys of `capkit info --json` that count records (the rest describes
# the file): left out of Reader.info, which reads no record.
_SUMMARY_KEYS = ("packets", "captured_bytes", "original_bytes", "first_time",
                 "last_time", "duration", "data_rate_bytes", "data_rate_bits",
                 "packet_rate", "min_size", "max_size", "mean_size",
                 "min_captured_size", "max_captured_size", "out_of_order",
                 "interfaces_packets")

_reader_by_handle: Dict[int, "Reader"] = {}


@ffi.callback("void(void *, int, uint64_t, uint64_t, const char *)")
def _on_warning(user, warning, offset, record, message):
    warnings.warn(_s(message), CaptureWarning, stacklevel=3)


class Reader:
    """Iterate the records of a capture. Use :func:`open`."""

    def __init__(self, source: Any, filter: Optional[str] = None,
                 name: Optional[str] = None, mmap: bool = False):
        self._r = ffi.gc(lib.capkit_reader_new(), lib.capkit_reader_free)
        if self._r == ffi.NULL:
            raise MemoryError("capkit: out of memory")
        lib.capkit_reader_set_warning_fn(self._r, _on_warning, ffi.NULL)
        self._keep = None
        self._file = None
        self._map = None  # a mapped file: (mmap, its memoryview, address)
        if isinstance(source, (str, os.PathLike)):
            path = os.fsencode(source)
            self._map = _map_file(path) if mmap else None
            if self._map is not None:
                self._keep = ffi.from_buffer(self._map[1])
                rc = lib.capkit_reader_open_memory(
                    self._r, self._keep, len(self._map[1]),
                    (name or os.fsdecode(source)).encode())
            else:
                lib.capkit_reader_set_window(self._r, _WINDOW)
                rc = lib.capkit_reader_open_path(self._r, path)
        elif isinstance(source, (bytes, bytearray, memoryview)):
            self._keep = ffi.from_buffer(source)
            rc = lib.capkit_reader_open_memory(
                self._r, self._keep, len(self._keep),
                (name or "memory").encode())
        elif hasattr(source, "fileno") and _has_fd(source):
            # the descriptor is read from where the file object stands
            self._file = source
            fd = source.fileno()
            rc = lib.capkit_reader_open_fd(
                self._r, fd, (name or getattr(source, "name", None) or
                              "fd %d" % fd).__str__().encode())
        elif hasattr(source, "read"):
            data = source.read()
            self._keep = ffi.from_buffer(data)
            self._data = data
            rc = lib.capkit_reader_open_memory(
                self._r, self._keep, len(self._keep),
                (name or getattr(source, "name", None) or
                 "stream").__str__().encode())
        else:
            raise TypeError("capkit.open: a path, bytes or a file object")
        if rc < 0:
            try:
                self._fail(rc)
            finally:
                self._unmap()
        self._rec = ffi.new("capkit_record *")
        self._rec.size = ffi.sizeof("capkit_record")
        self._cb = None       # the C batch (holds a record between calls)
        self._where = ffi.new("const uint8_t **")
        self._pool = []       # data buffers, reused once nothing holds them
        self._colpool = []    # column blocks (Reader._columns)
        self._cb_cols = None  # the columns _cb points to
        self._mapped = 0      # mapped bytes made ready (populated) so far
        self._dropped = 0     # mapped bytes given back behind the reading
        self._it = None       # the iteration under way
        self._held = 0        # records of a batch not yet yielded
        self._scratch = None  # a C record rebuilt from a batched one
        self._filter = None
        if filter:
            self._filter = ffi.gc(lib.capkit_filter_new(filter.encode()),
                                  lib.capkit_filter_free)
            info = lib.capkit_reader_info(self._r)
            if lib.capkit_filter_prepare(self._filter, info.linktype) < 0:
                raise CapkitError(
                    -16, "filter %r: %s" % (
                        filter, _s(lib.capkit_filter_error(self._filter))))

    def _fail(self, rc: int):
        _raise(rc, _s(lib.capkit_reader_error(self._r)) or
               _s(lib.capkit_strerror(rc)),
               _s(lib.capkit_reader_name(self._r)) or "",
               lib.capkit_reader_error_offset(self._r),
               lib.capkit_reader_error_record(self._r))

    @property
    def name(self) -> str:
        """The name used in messages (the path, "memory", ...)."""
        return _s(lib.capkit_reader_name(self._r))

    @property
    def info(self) -> Dict[str, Any]:
        """What the file header says, as ``capkit info --json`` words it
        (the library writes it): format, variant, byte order, version,
        precision, snaplen, link type and its name, FCS length, thiszone,
        sigfigs, record header length, compression, and (pcapng) the
        sections and interfaces read so far. The record summary
        of ``info`` (packets, times, sizes) needs every record read: see
        :class:`Stats`."""
        if self._r is None:
            raise ValueError("capkit: the reader is closed")
        st = ffi.gc(lib.capkit_stats_new(ffi.NULL), lib.capkit_stats_free)
        if st == ffi.NULL:
            raise MemoryError("capkit: out of memory")
        o = ffi.new("capkit_info_options *")
        o.size = ffi.sizeof("capkit_info_options")
        o.format = 1  # CAPKIT_INFO_JSON
        out: list = []
        h = ffi.new_handle(out)
        rc = lib.capkit_info_write(self._r, st, 0, o, _on_text, h)
        if rc < 0:
            _raise(rc, "capkit: info: " + _s(lib.capkit_strerror(rc)))
        # an empty accumulator: its summary says nothing of this file
        empty = json.loads(b"".join(out))
        for k in _SUMMARY_KEYS:
            empty.pop(k, None)
        empty.pop("file", None)
        for ifc in empty.get("interfaces", ()):
            ifc.pop("packets", None)
        empty.setdefault("compression",
                         _s(lib.capkit_reader_compression(self._r)))
        return empty

    def interfaces(self) -> list:
        """The interfaces seen so far, as dicts."""
        out = []
        for k in range(lib.capkit_reader_iface_count(self._r)):
            f = lib.capkit_reader_iface(self._r, k)
            out.append({"id": f.id, "linktype": f.linktype,
                        "snaplen": f.snaplen, "name": _s(f.name),
                        "description": _s(f.description),
                        "filter": _s(f.filter), "os": _s(f.os),
                        "tsresol": f.tsresol, "section": f.section})
        return out

    def __iter__(self) -> Iterator[Record]:
        if self._it is None:
            self._it = self._records()
        return self._it

    def __next__(self) -> Record:
        if self._it is None:
            self._it = self._records()
        return next(self._it)

    def _records(self) -> Iterator[Record]:
        # Classic pcap records carry nothing the columns do not hold: they
        # are read in batches (one call into the library per thousands of
        # records) and made by C-level machinery (chain, map, zip), with no
        # Python code run per record. Other formats keep their per-record
        # extras (comments, options), so they are read one at a time.
        if self._r is None:
            raise ValueError("capkit: the reader is closed")
        if _s(lib.capkit_reader_info(self._r).format) == "pcap":
            return _itertools_chain.from_iterable(self._record_batches())
        return self._one_by_one()

    def _record_batches(self) -> Iterator[Iterator[Record]]:
        lt = lib.capkit_reader_iface(self._r, 0).linktype  # pcap: one
        names = ("number", "pos", "ts_ns", "caplen", "origlen", "offset")
        n = _ITER_BATCH
        cols = {k: _alloc(_CTYPE[k] + "[]", n) for k in names}
        unpack = ffi.unpack
        filtered = self._filter is not None
        while True:
            chunk, count = self._fill(n, cols, _ITER_BYTES)
            if count == 0:
                return
            g = _Group()
            g.first = cols["number"][0]
            # without a filter the numbers follow each other
            g.numbers = unpack(cols["number"], count) if filtered else None
            g.pos = _own_column(cols["pos"], "pos", count)
            g.origlen = _own_column(cols["origlen"], "origlen", count)
            g.off = _own_column(cols["offset"], "offset", count)
            g.chunk = chunk
            g.linktype, g.iface, g.comment, g.flags = lt, 0, None, 0
            g.reader, g.token = self, None
            self._held = 1
            yield map(Record, zip(
                g.numbers or range(g.first, g.first + count),
                unpack(cols["ts_ns"], count), unpack(cols["caplen"], count),
                _repeat(g)))
            self._held = 0

    def _one_by_one(self) -> Iterator[Record]:
        c = self._rec
        nxt = lib.capkit_reader_next
        match = lib.capkit_filter_match
        buffer = ffi.buffer
        null = ffi.NULL
        empty = memoryview(b"")
        f = self._filter
        while True:
            if self._cb is not None and self._cb.has_pending:
                # a record read_batch held back comes first
                ffi.memmove(c, ffi.addressof(self._cb.pending),
                            ffi.sizeof("capkit_record"))
                self._cb.has_pending = 0
                rc = 1
            else:
                rc = nxt(self._r, c)
                if rc > 0 and f is not None:
                    m = match(f, c)
                    if m == 0:
                        continue
                    if m < 0:
                        raise CapkitError(m, "%s: record %d: filter: %s" % (
                            self.name, c.number,
                            _s(lib.capkit_filter_error(f))))
            if rc <= 0:
                if rc == 0:
                    return
                self._fail(rc)
            ifc = c.iface
            cap = c.caplen
            cm = c.comment
            g = _Group()
            g.first = g.token = c.number
            g.numbers = None
            g.pos, g.origlen, g.off = (c.offset,), (c.origlen,), (0,)
            g.chunk = memoryview(buffer(c.data, cap)) if cap else empty
            g.linktype = ifc.linktype if ifc != null else 1
            g.iface = c.iface_id
            g.comment = None if cm == null else _s(cm)
            g.flags = c.flags
            g.reader = self
            yield Record((c.number, c.ts_sec * 1_000_000_000 + c.ts_nsec,
                          cap, g))

    def _fill(self, n: int, cols: Dict[str, Any], max_bytes: int):
        """Read up to n records into the columns COLS (name: C pointer,
        kept by the caller): (a memoryview of the records' bytes, count).
        Offsets count from the start of that memoryview."""
        if self._r is None:
            raise ValueError("capkit: the reader is closed")
        b = self._cb
        if b is None:
            b = self._cb = ffi.new("capkit_batch *")
            b.size = ffi.sizeof("capkit_batch")
            b.pending.size = ffi.sizeof("capkit_record")
        if self._cb_cols is not cols:  # the pointers C holds until set again
            for k in _CTYPE:
                setattr(b, k, cols.get(k, ffi.NULL))
            self._cb_cols = cols
        b.max = n
        m = self._map
        if m is not None:
            self._ready(n)
        f = self._filter if self._filter is not None else ffi.NULL
        # A file read with read() is read straight into the batch's buffer
        # (no copy), which the batch and the records made from it keep; a
        # mapped file is viewed in place and leaves the buffer untouched.
        cap = max(int(max_bytes), 1)
        where = self._where
        while True:
            buf = self._buffer(cap)
            b.data = buf
            b.data_cap = cap
            rc = lib.capkit_reader_fill_batch(self._r, f, b, where)
            if rc == -1 and b.need:  # CAPKIT_EINVAL: a larger record
                cap = max(b.need, 2 * cap, int(max_bytes), 1)
                continue
            break
        b.data = ffi.NULL
        if rc < 0:
            if rc == -16 and self._filter is not None:
                raise CapkitError(rc, "%s: filter: %s" % (
                    self.name, _s(lib.capkit_filter_error(self._filter))))
            self._fail(rc)
        count = b.count if rc > 0 else 0
        used = b.data_len if count else 0
        at = where[0]
        if count == 0:
            chunk = memoryview(b"")
        elif at == buf:  # copied into buf
            chunk = memoryview(ffi.buffer(buf, used))
        else:
            if m is not None:  # the mapping itself: no copy at all
                d = int(ffi.cast("uintptr_t", at)) - m[2]
                chunk = m[1][d:d + used]
            else:  # the reader's buffer is reused: one copy per batch
                chunk = memoryview(ffi.buffer(at, used)[:])
        return chunk, count

    def _columns(self, n: int, names: tuple):
        """Columns of n elements for NAMES, in one block of memory (one of
        the reader's that nothing holds any more, else a new one): (name:
        C pointer, a function giving a column's first k elements as numpy
        arrays or typed memoryviews that keep the block)."""
        key = (n, names)
        for e in self._colpool:
            # held by the pool and its own column views only: free
            if e[0] == key and _getrefcount(e[1]) == e[2]:
                block = e
                break
        else:
            at, total = {}, 0
            for k in sorted(names, key=lambda k: -_SIZE[k]):  # aligned
                at[k] = total
                total += n * _SIZE[k]
            if _np is not None:
                owner = _np.empty(max(total, 1), _np.uint8)
                addr = owner.__array_interface__["data"][0]
                # whole columns, sliced per batch (a slice's base is owner)
                full = {k: owner[o:o + n * _SIZE[k]].view(_DTYPE[k])
                        for k, o in at.items()}
            else:
                owner = _alloc("uint8_t[]", max(total, 1))
                addr = int(ffi.cast("uintptr_t", owner))
                full = None
            ptrs = {k: ffi.cast(_CTYPE[k] + " *", addr + o)
                    for k, o in at.items()}
            block = [key, owner, 0, ptrs, full, at]
            block[2] = _getrefcount(owner) - 1  # less this function's name
            pool = self._colpool
            if len(pool) < _POOL:
                pool.append(block)
            else:  # take the place of a free one
                for i, e in enumerate(pool):
                    if _getrefcount(e[1]) == e[2]:
                        pool[i] = block
                        break
        full, owner, at = block[4], block[1], block[5]
        if full is not None:
            return block[3], lambda k, count: full[k][:count]

        def first(k: str, count: int):
            o = at[k]
            return memoryview(ffi.buffer(owner))[
                o:o + count * _SIZE[k]].cast(_TYPECODE[k])
        return block[3], first

    def _buffer(self, cap: int):
        """A data buffer of at least CAP bytes: one of the reader's that no
        batch, record or view holds any more (reused memory stays in the
        cache and has its pages), else a new one."""
        pool = self._pool
        for i in range(len(pool)):
            # held by the pool and the call only: nothing else refers to it
            if len(pool[i]) >= cap and _getrefcount(pool[i]) == 2:
                return pool[i]
        buf = _alloc("uint8_t[]", cap)
        if len(pool) < _POOL:
            pool.append(buf)
        else:  # give the place of one that is free (but too small)
            for i in range(len(pool)):
                if _getrefcount(pool[i]) == 2:
                    pool[i] = buf
                    break
        return buf

    def _ready(self, n: int) -> None:
        """Mapped input: fill the page tables of the stretch ahead in one
        call (instead of a fault per few pages), and give back the pages
        behind the reading, so that a long file keeps the memory flat
        (records still held fault their pages back in: they stay valid)."""
        mm, mv, _ = self._map
        pos = lib.capkit_reader_offset(self._r)
        if self._mapped < pos + _AHEAD // 2:
            start = max(self._mapped, pos) & ~(_PAGE - 1)
            end = min(pos + _AHEAD, len(mv))
            if end > start:
                try:
                    mm.madvise(_MADV_POPULATE_READ, start, end - start)
                except (OSError, ValueError):
                    pass  # a hint: the faults do the same work
            self._mapped = end
        drop = (pos & ~(_PAGE - 1)) - self._dropped
        if drop >= _AHEAD:
            mm.madvise(_MADV_DONTNEED, self._dropped, drop)
            self._dropped += drop

    def read_batch(self, n: int = 65536, max_bytes: Optional[int] = None,
                   exact: bool = False) -> Batch:
        """The next records (up to n, and up to ``max_bytes`` of data) as
        columns: a :class:`Batch`, empty (falsy) at the end. The reading
        runs in C. Classic pcap records are taken in place: a file read
        with read() is read straight into the batch's buffer (its record
        headers between the records; no copy), a mapped file
        (``mmap=True``) is viewed where it lies; other formats, filters
        and compressed inputs are copied. ``max_bytes`` bounds the buffer:
        by default 2 MiB when read (a buffer that stays in the cache; the
        reader uses a batch's buffer again once nothing holds the batch,
        its records or its views), 16 MiB otherwise. Damage raises
        :class:`DamagedCaptureError` on the call after the batch that
        holds the last good record, as iteration does. ``exact`` adds
        ``ts_sec`` and ``ts_nsec`` columns (any year). Numpy arrays when
        numpy is importable. Do not interleave with a ``for`` loop over the
        same reader that has not finished."""
        if n <= 0:
            raise ValueError("read_batch: n must be positive")
        if self._held:
            raise ValueError("read_batch: an iteration over this reader "
                             "holds records it has not given yet")
        if max_bytes is None:
            max_bytes = _BATCH_BYTES if self._map is None and \
                self._keep is None else 16 << 20
        ptrs, first = self._columns(n, _EXACT_NAMES if exact else _NAMES)
        chunk, count = self._fill(n, ptrs, max_bytes)
        bt = Batch()
        for k in _CTYPE:
            setattr(bt, k, first(k, count) if k in ptrs else None)
        bt.data = chunk
        bt._chunk = _Chunk(chunk)
        bt._n = count
        return bt

    def batches(self, n: int = 65536, max_bytes: Optional[int] = None,
                exact: bool = False) -> Iterator[Batch]:
        """:meth:`read_batch` until the end."""
        while True:
            b = self.read_batch(n, max_bytes, exact)
            if not b:
                return
            yield b

    def _crecord(self, rec: Record):
        """The C record of one of this reader's records, for the library
        calls that take one (printer, statistics, writer copies)."""
        if self._r is None:
            raise ValueError("record no longer valid: its reader was closed")
        g = rec[3]
        if g.token is not None:  # read alone: valid while it is current
            if g.token != self._rec.number or (
                    self._cb is not None and self._cb.has_pending):
                raise ValueError("record no longer valid: its reader moved "
                                 "on")
            return self._rec
        c = self._scratch
        if c is None:
            c = self._scratch = ffi.new("capkit_record *")
        c.size = ffi.sizeof("capkit_record")
        c.ts_sec, c.ts_nsec = divmod(rec[1], 1_000_000_000)
        c.caplen, c.origlen = rec[2], rec.origlen
        c.iface_id = g.iface
        c.iface = lib.capkit_reader_iface(self._r, g.iface)
        view = rec.data
        if len(view):
            self._scratch_data = ffi.from_buffer("uint8_t[]", view)
            c.data = self._scratch_data
        else:
            c.data = ffi.NULL
        c.number, c.offset = rec[0], rec.offset
        c.comment = ffi.NULL
        c.flags = 0
        c.extra = ffi.NULL
        return c

    def close(self) -> None:
        """Frees the reader. Records read one at a time (pcapng) become
        invalid; batches and records read in batches keep their bytes (a
        mapped file stays mapped until the last of them is gone)."""
        if self._r is not None:
            ffi.release(self._r)
            self._r = None
        self._unmap()

    def _unmap(self) -> None:
        if self._map is not None:
            if self._keep is not None:
                ffi.release(self._keep)
                self._keep = None
            mm, mv, _ = self._map
            self._map = None
            mv.release()
            try:
                mm.close()
            except BufferError:
                pass  # views remain: unmapped when the last one goes

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# Iteration reads this many records per call into the library, and a
# reader on a path keeps this much input in memory (its read-ahead).
_ITER_BATCH = 16384
_ITER_BYTES = 2 << 20
# read_batch's data buffer on a file read with read(): read() and the walk
# after it run faster into a buffer that stays in the cache (measured: 1-2
# MiB against 4-16 MiB, bench/python.sh).
_BATCH_BYTES = 2 << 20
_WINDOW = 1 << 20  # faster than 2 or 4 MiB: the copies stay in cache
# Data buffers a reader keeps for reuse: a loop over batches holds one or
# two at a time.
_POOL = 3
# Mapped files: the stretch made ready ahead of the reading at a time.
_PAGE = 4096
_AHEAD = 16 << 20
_MADV_DONTNEED = 4
_MADV_POPULATE_READ = 22  # Linux 5.14; refused harmlessly before


def _own_column(p, name: str, n: int) -> memoryview:
    """A copy of the first n values of C column P, indexable."""
    return memoryview(ffi.buffer(p, n * ffi.sizeof(_CTYPE[name]))[:]).cast(
        _TYPECODE[name])


def _map_file(path: bytes):
    """(mmap, memoryview, address) of a regular file, or None when it is
    not one (pipes, devices) or is empty: it is then read as usual."""
    import mmap as _mmap
    try:
        with builtins.open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if not _stat.S_ISREG(st.st_mode) or st.st_size == 0:
                return None
            mm = _mmap.mmap(f.fileno(), 0, access=_mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None  # the library opens it and reports what is wrong
    mv = memoryview(mm)
    addr = int(ffi.cast("uintptr_t", ffi.from_buffer(mv)))
    return mm, mv, addr


def _has_fd(f) -> bool:
    try:
        f.fileno()
        return not isinstance(f, io.BytesIO)
    except (OSError, io.UnsupportedOperation):
        return False


def open(source: Any, filter: Optional[str] = None,
         name: Optional[str] = None, mmap: bool = False) -> Reader:
    """Open a capture: a path, a binary file object (read from its current
    position), or bytes. ``filter`` is a BPF expression (tcpdump's
    language) matched as ``tcpdump -r`` would. The format is told from the
    first bytes, never from the name.

    ``mmap=True`` maps a regular file instead of reading it: classic pcap
    records are then handed out with no copy at all (the fastest way to
    read columns), and batches and records keep the mapping alive. As with
    any mapping (numpy.memmap, mmap), a file that another process
    truncates while it is mapped kills this process with SIGBUS; the
    default reads with read() and sees such a file end early instead."""
    return Reader(source, filter=filter, name=name, mmap=mmap)


_ORDERS = {"native": 0, "little": 1, "big": 2}


class Writer:
    """Write a capture. The file is written under a temporary name and
    renamed into place by :meth:`close`; a writer discarded without a clean
    close (or left by an exception in a ``with`` block) leaves nothing.

    format: "pcap" or "pcapng"; linktype: number or name (default: from the
    first record copied, else Ethernet); precision: "us" or "ns";
    byte_order: "native", "little" or "big"; snaplen: records longer are
    cut (original length kept); compress: None (by the name: .gz, .zst),
    "gzip", "zstd" or "none"; like: a :class:`Reader` whose settings to copy
    (a copy of it is then byte-identical)."""

    def __init__(self, path: Union[str, os.PathLike], format: str = "pcap",
                 linktype: Union[int, str, None] = None,
                 precision: str = "us", byte_order: str = "native",
                 snaplen: Optional[int] = None,
                 compress: Optional[str] = None,
                 comment: Optional[str] = None,
                 like: Optional[Reader] = None):
        self._w = ffi.gc(lib.capkit_writer_new(), lib.capkit_writer_free)
        if self._w == ffi.NULL:
            raise MemoryError("capkit: out of memory")
        if like is not None:
            self._check(lib.capkit_writer_copy_settings(self._w, like._r))
        else:
            self._check(lib.capkit_writer_set_format(self._w,
                                                     format.encode()))
            if precision not in ("us", "ns"):
                raise ValueError("precision: 'us' or 'ns'")
            self._check(lib.capkit_writer_set_precision(
                self._w, 9 if precision == "ns" else 6))
            if byte_order not in _ORDERS:
                raise ValueError("byte_order: 'native', 'little' or 'big'")
            self._check(lib.capkit_writer_set_byte_order(
                self._w, _ORDERS[byte_order]))
        if linktype is not None:
            self._check(lib.capkit_writer_set_linktype(
                self._w, linktype_number(linktype)))
        if snaplen is not None:
            self._check(lib.capkit_writer_set_snaplen(self._w, snaplen))
        if compress is not None:
            self._check(lib.capkit_writer_set_compression(
                self._w, compress.encode(), 0))
        if comment is not None:
            self._check(lib.capkit_writer_set_comment(self._w,
                                                      comment.encode()))
        self._check(lib.capkit_writer_open_path(self._w, os.fsencode(path)))
        self._rec = ffi.new("capkit_record *")
        self._iface = ffi.new("capkit_iface *")
        self._closed = False

    def _check(self, rc: int) -> None:
        if rc < 0:
            _raise(rc, _s(lib.capkit_writer_error(self._w)) or
                   _s(lib.capkit_strerror(rc)))

    def write(self, data: Union[bytes, bytearray, memoryview, Record],
              ts_ns: int = 0, origlen: Optional[int] = None,
              comment: Optional[str] = None,
              linktype: Union[int, str, None] = None) -> None:
        """Append one record: bytes with a time (nanoseconds since the
        epoch), an original length (default: the data's) and an optional
        comment (pcapng); or a :class:`Record` from a reader, copied as
        ``capkit convert`` copies it (times, lengths, interface, comment,
        flags and pcapng options)."""
        c = self._rec
        keep = []
        if isinstance(data, Record):
            src = data._reader._crecord(data)
            ffi.memmove(c, src, ffi.sizeof("capkit_record"))
            keep.append(data)
        else:
            buf = ffi.from_buffer(data)
            keep.append(buf)
            c.size = ffi.sizeof("capkit_record")
            c.ts_sec, c.ts_nsec = divmod(int(ts_ns), 1_000_000_000)
            c.caplen = len(buf)
            c.origlen = len(buf) if origlen is None else origlen
            c.data = buf
            c.iface = ffi.NULL
            if linktype is not None:
                self._iface.linktype = linktype_number(linktype)
                self._iface.snaplen = 262144
                self._iface.fcs_len = -1
                self._iface.tsresol = 9
                c.iface = self._iface
            c.iface_id = 0
            c.flags = 0
            c.extra = ffi.NULL
            c.comment = ffi.NULL
            if comment is not None:
                cs = ffi.new("char[]", comment.encode())
                keep.append(cs)
                c.comment = cs
        c.size = ffi.sizeof("capkit_record")
        self._check(lib.capkit_writer_write(self._w, c))

    def write_batch(self, batch: Batch) -> int:
        """Append every record of a :class:`Batch` (from
        :meth:`Reader.read_batch` or :func:`gen_batches`) in one call into
        the library: bytes, lengths, exact times (``ts_sec``/``ts_nsec``
        when the batch has them, else ``ts_ns``), on the writer's link type.
        Returns the number written."""
        if self._closed:
            raise ValueError("capkit.Writer: closed")
        if not len(batch):
            return 0
        keep: list = []
        rc = lib.capkit_writer_write_batch(self._w, batch._c(keep), ffi.NULL)
        self._check(rc)
        return rc

    @property
    def records(self) -> int:
        """Records written so far."""
        return lib.capkit_writer_records(self._w)

    def close(self) -> None:
        """Flush, check and rename into place."""
        if not self._closed:
            self._closed = True
            self._check(lib.capkit_writer_close(self._w))

    def discard(self) -> None:
        """Drop the output: nothing is left under any name."""
        self._closed = True
        ffi.release(self._w)

    def __enter__(self) -> "Writer":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()


def _spec_error(rc: int, spec: str):
    raise CapkitError(rc, "spec %r: %s" % (spec, _s(lib.capkit_strerror(rc))))


def build(spec: str) -> bytes:
    """One packet from a ``capkit gen`` spec, e.g.
    ``"eth()/ipv4(dst=10.0.0.1)/udp(dport=53)/payload(len=20)"``."""
    cap = 2048
    while True:
        buf = ffi.new("uint8_t[]", cap)
        n = lib.capkit_build(spec.encode(), buf, cap, ffi.NULL)
        if n < 0:
            _spec_error(n, spec)
        if n <= cap:
            return ffi.buffer(buf, n)[:]
        cap = n


class Packet(bytes):
    """A generated packet: its bytes, and ``ts_ns``, the time ``capkit gen``
    gives it (start + k * interval, nanoseconds since the epoch)."""

    ts_ns: int


def _duration(text: Union[str, int, float], what: str):
    """A capkit_time from a duration: text as the tool reads it ("1ms",
    "20us", "0.5") or seconds as a number."""
    t = ffi.new("capkit_time *")
    s = text if isinstance(text, str) else repr(text)
    if not s[:1].isdigit() or lib.capkit_time_parse_duration(s.encode(), t):
        raise ValueError("%s: bad duration %r (e.g. '1ms', '20us', 0.5)"
                         % (what, text))
    return t[0]


def _schedule(rate, interval, start):
    """The first time and the interval of a generated stream."""
    if rate is not None and interval is not None:
        raise ValueError("give rate or interval, not both")
    iv = ffi.new("capkit_time *")
    if rate is not None:
        v = rate
        if isinstance(rate, str):
            mult = {"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}.get(rate[-1:])
            try:
                v = float(rate[:-1]) * mult if mult else float(rate)
            except ValueError:
                raise ValueError("bad rate %r (e.g. 1000, '10k', '2.5M')"
                                 % rate) from None
        rc = lib.capkit_rate_interval(float(v), iv)
        if rc == -18:
            raise ValueError("rate %r too low: the time between packets "
                             "does not fit" % rate)
        if rc:
            raise ValueError("bad rate %r (above 0, at most 1e9)" % rate)
    elif interval is not None:
        iv[0] = _duration(interval, "interval")
    else:  # the tool's default: 1000 packets per second
        iv.nsec = 1_000_000
    t = ffi.new("capkit_time *")
    if start is None:
        pass
    elif isinstance(start, int):
        t.sec, t.nsec = divmod(start, 1_000_000_000)
    elif lib.capkit_time_parse(str(start).encode(), t) != 0:
        t[0] = _duration(start, "start")
    return t, iv[0]


def _new_gen(spec: str, seed: int):
    out = ffi.new("capkit_gen **")
    rc = lib.capkit_gen_new(spec.encode(), seed, out, ffi.NULL)
    if rc < 0:
        _spec_error(rc, spec)
    return ffi.gc(out[0], lib.capkit_gen_free)


def gen_batches(spec: str, count: Optional[int] = 1, seed: int = 1,
                rate: Union[float, str, None] = None,
                interval: Union[str, float, None] = None,
                start: Union[int, str, None] = None,
                n: int = 65536) -> Iterator[Batch]:
    """The packets of :func:`gen` as :class:`Batch` columns of up to n
    packets (``ts_ns``, ``ts_sec``, ``ts_nsec``, ``caplen``, ``origlen``,
    ``offset``, ``data``), generated in C: write them with
    :meth:`Writer.write_batch` to make millions of packets a second."""
    g = _new_gen(spec, seed)
    t, iv = _schedule(rate, interval, start)
    b = ffi.new("capkit_batch *")
    b.size = ffi.sizeof("capkit_batch")
    b.pending.size = ffi.sizeof("capkit_record")
    names = ("ts_ns", "ts_sec", "ts_nsec", "caplen", "origlen", "offset")
    use_np = _np is not None
    left = count
    while left is None or left > 0:
        want = n if left is None else min(n, left)
        cols = {}
        for k in names:
            cols[k], p = _column(k, want, use_np)
            setattr(b, k, p)
        cap = max(want * 128, 1 << 16)
        while True:
            buf = _alloc("uint8_t[]", cap)
            b.data, b.data_cap, b.max = buf, cap, want
            rc = lib.capkit_gen_fill(g, b, want, t, iv)
            if rc == -1 and b.need:
                cap = max(b.need, 2 * cap)
                continue
            break
        for k in names:
            setattr(b, k, ffi.NULL)
        b.data = ffi.NULL
        if rc < 0:
            if rc == -18:
                raise CapkitError(rc, "spec %r: packet %d: time out of range "
                                  "(past year 292277026596)" % (
                                      spec, (count or 0) - (left or 0) + 1))
            _spec_error(rc, spec)
        bt = Batch()
        for k in _CTYPE:
            setattr(bt, k, _trim(cols[k], k, rc) if k in cols else None)
        bt._chunk = _Chunk(memoryview(ffi.buffer(buf, b.data_len)), buf)
        bt.data = bt._chunk.mv
        bt._n = rc
        if left is not None:
            left -= rc
        yield bt


def gen(spec: str, count: Optional[int] = 1, seed: int = 1,
        rate: Union[float, str, None] = None,
        interval: Union[str, float, None] = None,
        start: Union[int, str, None] = None) -> Iterator[Packet]:
    """The packets a ``capkit gen`` spec makes, in order (``count`` of them;
    None: without end), as :class:`Packet` (bytes with ``ts_ns``). Fields
    marked ``V+``, ``{a,b}``, ``rand`` vary from packet to packet; ``seed``
    makes random values reproducible (1, the tool's default: the same
    packets as ``capkit gen``). Times as ``capkit gen`` gives them: from
    ``start`` (nanoseconds since the epoch, or RFC 3339 text; default 0)
    spaced by ``interval`` ("1ms", "20us", or seconds) or ``rate``
    (packets per second: 1000, "10k", "2.5M"); default 1000 packets per
    second. The packets are generated in C, in batches."""
    for bt in gen_batches(spec, count, seed, rate, interval, start,
                          n=1024 if count is None else min(count, 4096)
                          or 1):
        mv = bt.data
        for sec, nsec, off, cap in zip(bt.ts_sec.tolist(),
                                       bt.ts_nsec.tolist(),
                                       bt.offset.tolist(),
                                       bt.caplen.tolist()):
            p = Packet(mv[off:off + cap])
            p.ts_ns = sec * 1_000_000_000 + nsec
            yield p


class Order:
    """Whether a capture is in time order (:func:`order`): ``records``,
    ``late`` (records older than the record before them: what
    ``reordercap -n`` reports as out of order), ``in_order`` (no late
    record), and ``stretches``: the record numbers where the sorted
    stretches start (1, then each late record), or None when there are
    more than ``max_stretches``."""
    __slots__ = ("records", "late", "stretches")

    @property
    def in_order(self) -> bool:
        return self.late == 0

    def __repr__(self) -> str:
        return "<capkit.Order %d records, %d out of order>" % (
            self.records, self.late)


def order(source: Any, filter: Optional[str] = None,
          max_stretches: int = 64, mmap: bool = False) -> Order:
    """Check the time order of a capture (a path, file object or bytes, as
    :func:`open` takes; ``filter`` counts only the records it matches), as
    ``capkit sort`` checks it before sorting: times compared exactly, in
    C, a batch at a time. Damage raises :class:`DamagedCaptureError`."""
    if max_stretches < 0:
        raise ValueError("order: max_stretches must not be negative")
    o = ffi.gc(lib.capkit_order_new(max_stretches), lib.capkit_order_free)
    if o == ffi.NULL:
        raise MemoryError("capkit: out of memory")
    names = ("ts_sec", "ts_nsec", "number")
    n = _ITER_BATCH
    cols = {k: _alloc(_CTYPE[k] + "[]", n) for k in names}
    b = ffi.new("capkit_batch *")
    b.size = ffi.sizeof("capkit_batch")
    with Reader(source, filter=filter, mmap=mmap) as r:
        # time going backwards is what is counted here, not a warning
        lib.capkit_reader_set_warning_fn(r._r, ffi.NULL, ffi.NULL)
        while True:
            _, count = r._fill(n, cols, _ITER_BYTES)
            if count == 0:
                break
            for k in names:
                setattr(b, k, cols[k])
            b.max = b.count = count
            lib.capkit_batch_order(o, b)
    out = Order()
    out.records = lib.capkit_order_records(o)
    out.late = lib.capkit_order_late(o)
    k = lib.capkit_order_stretches(o)
    out.stretches = [lib.capkit_order_stretch(o, i) for i in range(k)] if (
        k or out.records == 0) else None
    return out


class JobResult:
    """What a whole-file job did: ``records_read`` (passing the filter),
    ``records_written``, ``dropped`` (dedup: duplicates), ``method`` and
    ``runs`` (sort: "one pass" or "external", temporary files)."""

    __slots__ = ("records_read", "records_written", "dropped", "method",
                 "runs", "output")

    def __repr__(self) -> str:
        return "<capkit.JobResult %s>" % ", ".join(
            "%s=%r" % (k, getattr(self, k)) for k in self.__slots__)


def _job(kind: str, inputs, out, options: Dict[str, Any]) -> JobResult:
    j = ffi.gc(lib.capkit_job_new(), lib.capkit_job_free)
    if j == ffi.NULL:
        raise MemoryError("capkit: out of memory")
    for name, value in options.items():
        if value is None or value is False:
            continue
        arg = ffi.NULL if value is True else str(value).encode()
        if lib.capkit_job_set(j, name.replace("_", "-").encode(), arg) < 0:
            raise ValueError("capkit.%s: %s" % (
                kind, _s(lib.capkit_job_error(j))))
    outp = os.fsencode(out)
    if kind == "merge":
        paths = [ffi.new("char[]", os.fsencode(p)) for p in inputs]
        if not paths:
            raise ValueError("capkit.merge: no inputs")
        arr = ffi.new("const char *[]", paths)
        rc = lib.capkit_job_merge(j, arr, len(paths), outp)
    elif kind == "sort":
        rc = lib.capkit_job_sort(j, os.fsencode(inputs), outp)
    else:
        rc = lib.capkit_job_dedup(j, os.fsencode(inputs), outp)
    if rc < 0:
        _raise(rc, _s(lib.capkit_job_error(j)) or _s(lib.capkit_strerror(rc)),
               _s(lib.capkit_job_error_file(j)) or "",
               lib.capkit_job_error_offset(j), lib.capkit_job_error_record(j))
    res = JobResult()
    res.records_read = lib.capkit_job_records_read(j)
    res.records_written = lib.capkit_job_records_written(j)
    res.dropped = lib.capkit_job_dropped(j)
    res.method = _s(lib.capkit_job_method(j)) or None
    res.runs = lib.capkit_job_runs(j)
    res.output = os.fspath(out)
    return res


_PathT = Union[str, os.PathLike]


def merge(inputs: "list[_PathT]", out: _PathT, *, append: bool = False,
          ties: str = "first", snaplen: Optional[int] = None,
          window: Union[int, str, None] = None, filter: Optional[str] = None,
          format: Optional[str] = None,
          linktype: Union[int, str, None] = None,
          strip_fcs: Union[bool, int] = False,
          compress: Optional[str] = None,
          keep_partial: bool = False) -> JobResult:
    """Merge captures into ``out`` by time, as ``capkit merge`` (and
    mergecap) do, in C: equal times keep the order of ``inputs``
    (``ties="last"``: the last input first, mergecap's order), or
    ``append`` one after the other; ``snaplen`` cuts records (mergecap
    -s); ``window`` is the read buffer per input. The output takes the
    first input's format, pcapng when link types differ. Common options:
    ``filter`` (BPF), ``format`` ("pcap"/"pcapng"), ``linktype``
    (relabel), ``strip_fcs`` (True or bytes), ``compress``
    ("gzip"/"zstd"/"none", ":LEVEL"), ``keep_partial`` (on damaged input
    keep the output up to the damage; the error is raised either way).
    Written under a temporary name, renamed into place when complete."""
    return _job("merge", list(inputs), out, {
        "append": append, "ties": ties if ties != "first" else None,
        "snaplen": snaplen, "window": window, "filter": filter,
        "format": format, "linktype": linktype,
        "strip-fcs": strip_fcs if strip_fcs is not True else True,
        "compress": compress, "keep-partial": keep_partial})


def sort(input: _PathT, out: _PathT, *, memory: Union[int, str, None] = None,
         tmpdir: Optional[str] = None, filter: Optional[str] = None,
         format: Optional[str] = None,
         linktype: Union[int, str, None] = None,
         strip_fcs: Union[bool, int] = False,
         compress: Optional[str] = None,
         keep_partial: bool = False) -> JobResult:
    """Sort records by time into ``out``, stable (like reordercap), as
    ``capkit sort`` does, in C and bounded memory: ``memory`` for records
    (bytes or "16MiB"; at least 64 KiB), temporary files in ``tmpdir``.
    Local disorder is sorted in one pass; wider disorder through temporary
    files (``result.method``). Common options as :func:`merge`."""
    return _job("sort", input, out, {
        "memory": memory, "tmpdir": tmpdir, "filter": filter,
        "format": format, "linktype": linktype, "strip-fcs": strip_fcs,
        "compress": compress, "keep-partial": keep_partial})


def dedup(input: _PathT, out: _PathT, *, window: Optional[int] = None,
          time: Union[str, float, None] = None, ignore: Optional[str] = None,
          filter: Optional[str] = None, format: Optional[str] = None,
          linktype: Union[int, str, None] = None,
          strip_fcs: Union[bool, int] = False,
          compress: Optional[str] = None,
          keep_partial: bool = False) -> JobResult:
    """Drop duplicate records into ``out``, as ``capkit dedup`` does, in C:
    a record is a duplicate when one of the previous ``window`` records
    (default 4; ``editcap -D window+1``) or one captured within ``time``
    seconds ("0.5", "250ms"; ``editcap -w``) has the same captured length
    and bytes, ``ignore`` leaving byte ranges out ("0-13").
    ``result.dropped`` counts the duplicates. Common options as
    :func:`merge`."""
    if window is not None and time is not None:
        raise ValueError("capkit.dedup: window or time, not both")
    return _job("dedup", input, out, {
        "count": window, "time": time, "ignore": ignore, "filter": filter,
        "format": format, "linktype": linktype, "strip-fcs": strip_fcs,
        "compress": compress, "keep-partial": keep_partial})


class RepairChange(tuple):
    """One change a repair made: ``kind`` ("GARBAGE", "TAIL_CUT", ...),
    ``offset`` and ``length`` of the input bytes concerned, ``record`` (the
    output record it sits before) and ``message`` (what and why)."""

    __slots__ = ()
    kind = property(_itemgetter(0))
    offset = property(_itemgetter(1))
    length = property(_itemgetter(2))
    record = property(_itemgetter(3))
    message = property(_itemgetter(4))

    def __repr__(self) -> str:
        return "<capkit.RepairChange %s at %d+%d: %s>" % (
            self[0], self[1], self[2], self[4])


class RepairResult:
    """What :func:`repair` found: ``status`` ("clean" or "repaired"),
    ``changes`` (a list of :class:`RepairChange`), ``records`` written,
    ``dropped_records``, ``dropped_bytes``, and the layout used
    (``byte_order``, ``precision``, ``linktype``, ``snaplen``)."""

    __slots__ = ("status", "changes", "records", "dropped_records",
                 "dropped_bytes", "byte_order", "precision", "linktype",
                 "snaplen", "output")

    def __repr__(self) -> str:
        return "<capkit.RepairResult %s, %d changes, %d records>" % (
            self.status, len(self.changes), self.records)


def repair(input: _PathT, out: Optional[_PathT] = None, *, pad: bool = False,
           keep_damaged: bool = False,
           linktype: Union[int, str, None] = None) -> RepairResult:
    """Recover every intact record of a damaged pcap or pcapng capture into
    ``out`` (None: a dry run, nothing written), as ``capkit repair`` does:
    ``pad`` keeps a truncated last record, ``keep_damaged`` keeps damaged
    records that can still be framed (with a comment; a pcap input is then
    written as pcapng), ``linktype`` replaces a header's that cannot be
    trusted. Returns the list of changes; an undamaged input is copied byte
    for byte (status "clean"). Raises :class:`DamagedCaptureError` when the
    input cannot be repaired."""
    rp = ffi.gc(lib.capkit_repair_new(), lib.capkit_repair_free)
    if rp == ffi.NULL:
        raise MemoryError("capkit: out of memory")
    changes: list = []

    @ffi.callback("void(void *, const capkit_repair_event *)")
    def on_event(user, ev):
        changes.append(RepairChange((
            _s(lib.capkit_repair_kind_name(ev.kind)) or "UNKNOWN",
            ev.offset, ev.length, ev.record, _s(ev.message))))

    lib.capkit_repair_set_event_fn(rp, on_event, ffi.NULL)
    lib.capkit_repair_set_pad(rp, 1 if pad else 0)
    lib.capkit_repair_set_keep_damaged(rp, 1 if keep_damaged else 0)
    lib.capkit_repair_set_linktype(
        rp, 0xFFFFFFFF if linktype is None else linktype_number(linktype))
    rc = lib.capkit_repair_run(rp, os.fsencode(input),
                               ffi.NULL if out is None else os.fsencode(out))
    lib.capkit_repair_set_event_fn(rp, ffi.NULL, ffi.NULL)
    if rc < 0:
        _raise(rc, _s(lib.capkit_repair_error(rp)) or
               _s(lib.capkit_strerror(rc)), os.fspath(input))
    res = RepairResult()
    res.status = "repaired" if rc > 0 else "clean"
    res.changes = changes
    res.records = lib.capkit_repair_records(rp)
    res.dropped_records = lib.capkit_repair_dropped_records(rp)
    res.dropped_bytes = lib.capkit_repair_dropped_bytes(rp)
    lay = lib.capkit_repair_layout(rp)
    res.byte_order = "big" if lay.byte_order == 2 else "little"
    res.precision = "ns" if lay.precision == 9 else "us"
    res.linktype = lay.linktype
    res.snaplen = lay.snaplen
    res.output = None if out is None else os.fspath(out)
    return res


class Rewriter:
    """Rewrite packets as ``capkit rewrite`` does, with tcprewrite's option
    names: ``Rewriter(pnat="10.0.0.0/8:172.16.0.0/12", portmap="80:8080",
    ttl="-1", fixcsum=True)`` (underscores stand for dashes:
    ``enet_smac="02:00:00:00:00:01"``)."""

    def __init__(self, **options: Any):
        self._rw = ffi.gc(lib.capkit_rewriter_new(), lib.capkit_rewriter_free)
        for key, value in options.items():
            name = key.replace("_", "-").encode()
            if value is True:
                arg = ffi.NULL
            elif value is False or value is None:
                continue
            else:
                arg = str(value).encode()
            rc = lib.capkit_rewriter_set(self._rw, name, arg)
            if rc < 0:
                raise ValueError(_s(lib.capkit_rewriter_error(self._rw)))
        self._in = ffi.new("capkit_record *")
        self._out = ffi.new("capkit_record *")
        self._iface = ffi.new("capkit_iface *")

    def __call__(self, data: Union[bytes, bytearray, memoryview],
                 linktype: Union[int, str] = 1) -> bytes:
        """The rewritten copy of one packet's bytes."""
        buf = ffi.from_buffer(data)
        self._iface.linktype = linktype_number(linktype)
        self._in.size = self._out.size = ffi.sizeof("capkit_record")
        self._in.data = buf
        self._in.caplen = self._in.origlen = len(buf)
        self._in.iface = self._iface
        rc = lib.capkit_rewriter_apply(self._rw, self._in, self._out)
        if rc < 0:
            _raise(rc, _s(lib.capkit_strerror(rc)))
        return ffi.buffer(self._out.data, self._out.caplen)[:]


_TIMES = {"abs": 0, "none": 1, "epoch": 2, "delta": 3, "date": 4, "rel": 5}


class Printer:
    """tcpdump-style lines (``tcpdump -nn``, times in UTC), as ``capkit
    print`` writes them. One printer follows one stream of packets (its
    relative TCP sequence numbers and previous time)::

        p = capkit.Printer(link=True, time="epoch")
        for rec in reader:
            print(p(rec), end="")

    link: -e; absolute: -S; fields: capkit's -v (one line per layer with
    every field); hex: -xx; json: one JSON object per packet; nano: 9
    digits; time: "abs", "none" (-t), "epoch" (-tt), "delta" (-ttt),
    "date" (-tttt) or "rel" (-ttttt); local_ifnames: name the interface
    indexes of Linux cooked (SLL2) headers by this machine's interfaces, as
    tcpdump and capkit print do (else "?")."""

    def __init__(self, link: bool = False, absolute: bool = False,
                 fields: bool = False, hex: bool = False, json: bool = False,
                 nano: bool = False, time: str = "abs",
                 local_ifnames: bool = True):
        flags = (1 if link else 0) | (2 if absolute else 0) | \
            (4 if fields else 0) | (8 if hex else 0) | (16 if json else 0) | \
            (32 if nano else 0)
        self._p = ffi.gc(lib.capkit_printer_new(flags), lib.capkit_printer_free)
        if self._p == ffi.NULL:
            raise MemoryError("capkit: out of memory")
        if time not in _TIMES:
            raise ValueError("time: one of %s" % ", ".join(_TIMES))
        lib.capkit_printer_set_time(self._p, _TIMES[time])
        if local_ifnames:
            lib.capkit_printer_set_ifname(self._p, lib.capkit_ifname_local,
                                          ffi.NULL)
        self._text = ffi.new("const char **")
        self._len = ffi.new("size_t *")

    def __call__(self, rec: Record) -> str:
        """The text of one record (lines end in a newline)."""
        rc = lib.capkit_printer_render(self._p, rec._reader._crecord(rec),
                                       self._text, self._len)
        if rc < 0:
            _raise(rc, _s(lib.capkit_strerror(rc)))
        return ffi.buffer(self._text[0], self._len[0])[:].decode(
            "utf-8", "replace")


def format_line(rec: Record) -> str:
    """The tcpdump-style line of a record, as ``capkit print`` prints it
    (without the newline). Records of one reader share a printer, so TCP
    sequence numbers are relative as in ``capkit print``."""
    r = rec._reader
    p = getattr(r, "_printer", None)
    if p is None:
        p = r._printer = Printer()
    return p(rec).rstrip("\n")


class Layer:
    """One decoded layer: ``name`` ("eth", "ip", "tcp", ...), where it is
    (``offset``, ``hdr_len``, ``payload_len``), ``truncated`` and
    ``malformed``, and ``fields``: every field the library's field visitor
    gives, by name (integers, addresses as text, ...)."""

    __slots__ = ("name", "offset", "hdr_len", "payload_len", "truncated",
                 "malformed", "fields")

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]

    def __repr__(self) -> str:
        return "<capkit.Layer %s %r>" % (self.name, self.fields)


def _field_value(f) -> Any:
    k = f.kind
    if k in (1, 3):  # UINT, HEX
        return f.u
    if k == 2:  # INT
        return f.i
    if k == 4:  # BOOL
        return bool(f.u)
    if k == 5:  # TEXT
        return ffi.buffer(f.str, f.len)[:].decode("utf-8", "replace")
    if k == 9:  # LIST: names
        text = ffi.buffer(f.str, f.len)[:].decode("utf-8", "replace")
        return text.split(",") if text else []
    if k == 6:  # IPV4
        return ".".join(str(b) for b in ffi.buffer(f.bytes, 4)[:])
    if k == 7:  # IPV6
        out = ffi.new("char[46]")
        lib.capkit_ip6_text(out, f.bytes)
        return ffi.string(out).decode()
    if k == 8:  # MAC
        return ":".join("%02x" % b for b in ffi.buffer(f.bytes, f.nbytes)[:])
    if k == 10:  # PAIRS
        return [(f.pairs[2 * j], f.pairs[2 * j + 1]) for j in range(f.npairs)]
    return None


def decode(data: Union[bytes, bytearray, memoryview],
           linktype: Union[int, str] = 1) -> list:
    """The layers of one packet, outermost first, each with every field
    the library decodes (checksums verified: ``checksum_status``)."""
    buf = ffi.from_buffer(data)
    layers: list = []

    @ffi.callback("int(const capkit_field *, void *)")
    def visit(f, user):
        if f.kind == 0:
            lay = Layer()
            lay.name = ffi.string(f.layer_name).decode()
            lay.offset = f.layer.offset
            lay.hdr_len = f.layer.len
            lay.payload_len = f.layer.payload_len
            lay.truncated = bool(f.layer.status & 1)
            lay.malformed = bool(f.layer.status & 2)
            lay.fields = {}
            layers.append(lay)
        else:
            layers[-1].fields[ffi.buffer(f.name, f.name_len)[:].decode()] = \
                _field_value(f)
        return 0

    lib.capkit_fields_visit(buf, len(buf), linktype_number(linktype), visit,
                            ffi.NULL)
    return layers


def _t_ns(t) -> int:
    return t.sec * 1_000_000_000 + t.nsec


def _addr(raw, n: int) -> str:
    b = bytes(raw[0:n])
    if n == 4:
        return ".".join(str(x) for x in b)
    if n == 16:
        out = ffi.new("char[46]")
        lib.capkit_ip6_text(out, raw)
        return ffi.string(out).decode()
    return ":".join("%02x" % x for x in b)


_CONV_KINDS = {"eth": 0, "ip": 1, "ipv6": 2, "tcp": 3, "udp": 4}


class Stats:
    """The statistics ``capkit stats`` shows, from the library's mergeable
    accumulator: add records (from any readers), merge partial results
    (workers that share an ``origin_ns``), then read the summary, protocol
    hierarchy, conversations, packet sizes and time series::

        st = capkit.Stats(interval=0.5)
        with capkit.open("a.pcap") as r:
            for rec in r:
                st.add(rec)
        print(st.summary["packets"], st.hierarchy[:3])

    interval: seconds per time-series bin (exact as a decimal string or
    nanoseconds with ``interval_ns``); ethernet: keep the Ethernet
    conversation table too."""

    def __init__(self, interval: Union[float, str] = 1,
                 interval_ns: Optional[int] = None,
                 origin_ns: Optional[int] = None, ethernet: bool = False):
        st = ffi.new("capkit_stats_settings *")
        st.size = ffi.sizeof("capkit_stats_settings")
        st.what = 0x1F | (0x20 if ethernet else 0)
        if interval_ns is None:
            from decimal import Decimal
            interval_ns = int(Decimal(str(interval)) * 1_000_000_000)
        if interval_ns <= 0:
            raise ValueError("interval must be positive")
        st.interval_ns = interval_ns
        if origin_ns is not None:
            st.has_origin = 1
            st.origin.sec, st.origin.nsec = divmod(origin_ns, 1_000_000_000)
        self._s = ffi.gc(lib.capkit_stats_new(st), lib.capkit_stats_free)
        if self._s == ffi.NULL:
            raise ValueError("capkit.Stats: invalid settings")

    def add(self, rec: Record) -> None:
        """Count one record (valid: the one its reader holds now)."""
        rc = lib.capkit_stats_add(self._s, rec._reader._crecord(rec), ffi.NULL)
        if rc < 0:
            _raise(rc, _s(lib.capkit_strerror(rc)))

    def merge(self, other: "Stats") -> None:
        """Add another accumulator's counts to this one."""
        rc = lib.capkit_stats_merge(self._s, other._s)
        if rc < 0:
            _raise(rc, "capkit.Stats.merge: " + _s(lib.capkit_strerror(rc)))

    @property
    def summary(self) -> Dict[str, Any]:
        """capinfos' definitions: packets, bytes (original lengths),
        earliest/latest (ns), duration and rates, sizes."""
        o = ffi.new("capkit_stats_summary *")
        o.size = ffi.sizeof("capkit_stats_summary")
        lib.capkit_stats_get_summary(self._s, o)
        return {
            "packets": o.packets, "bytes": o.bytes,
            "captured_bytes": o.captured_bytes,
            "min_len": o.min_len, "max_len": o.max_len,
            "first_ns": _t_ns(o.first), "last_ns": _t_ns(o.last),
            "earliest_ns": _t_ns(o.earliest), "latest_ns": _t_ns(o.latest),
            "out_of_order": o.out_of_order, "duration": o.duration,
            "byte_rate": o.byte_rate, "bit_rate": o.bit_rate,
            "packet_rate": o.packet_rate, "mean_size": o.mean_size,
        }

    @property
    def hierarchy(self) -> list:
        """(path, packets, bytes) for every node, "eth:ip:tcp"."""
        out, names = [], {}
        for i in range(lib.capkit_stats_node_count(self._s)):
            n = lib.capkit_stats_node_at(self._s, i)
            name = ffi.string(n.name).decode()
            path = name if n.parent < 0 else names[n.parent] + ":" + name
            names[i] = path
            out.append((path, n.packets, n.bytes))
        return out

    def conversations(self, kind: str = "ip") -> list:
        """The conversations of one table ("eth", "ip", "ipv6", "tcp",
        "udp") in first-seen order, as dicts."""
        k = _CONV_KINDS[kind]
        out = []
        for i in range(lib.capkit_stats_conv_count(self._s, k)):
            c = lib.capkit_stats_conv_at(self._s, k, i)
            d = {"a": _addr(c.a, c.addr_len), "b": _addr(c.b, c.addr_len),
                 "packets_ab": c.packets_ab, "bytes_ab": c.bytes_ab,
                 "packets_ba": c.packets_ba, "bytes_ba": c.bytes_ba,
                 "first_ns": _t_ns(c.first), "last_ns": _t_ns(c.last)}
            if k in (3, 4):
                d["port_a"], d["port_b"] = c.port_a, c.port_b
            out.append(d)
        return out

    @property
    def sizes(self) -> list:
        """(lo, hi, packets, bytes) per packet-size bin."""
        lo, hi = ffi.new("uint32_t *"), ffi.new("uint32_t *")
        p, b = ffi.new("uint64_t *"), ffi.new("uint64_t *")
        out = []
        i = 0
        while lib.capkit_stats_size_bin(self._s, i, lo, hi, p, b) == 0:
            out.append((lo[0], hi[0], p[0], b[0]))
            i += 1
        return out

    @property
    def series(self) -> list:
        """(start_ns, packets, bytes) per time bin, earliest first."""
        span = ffi.new("capkit_span *")
        n = lib.capkit_stats_series(self._s, span)
        t = ffi.new("capkit_time *")
        p, b = ffi.new("uint64_t *"), ffi.new("uint64_t *")
        out = []
        for i in range(n):
            if lib.capkit_stats_bin(self._s, i, t, p, b) == 0:
                out.append((_t_ns(t[0]), p[0], b[0]))
        return out
