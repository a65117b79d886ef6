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

Generating packets from the ``capkit gen`` spec language::

    pkt = capkit.build("eth()/ipv4(dst=10.0.0.1)/udp(dport=53)")
    for data in capkit.gen("eth()/ipv4(src=10.0.0.1+)/tcp", count=3):
        ...

Errors: a damaged capture raises :class:`DamagedCaptureError` (a
``ValueError``) with ``.file``, ``.offset`` and ``.record``, after every good
record before the damage was yielded; non-fatal anomalies are reported as
:class:`CaptureWarning` through the :mod:`warnings` module.
"""
from __future__ import annotations

import io
import os
import warnings
from typing import Any, Dict, Iterator, Optional, Union

from ._lib import ffi, lib

__all__ = [
    "open", "Reader", "Record", "Writer", "gen", "build", "Rewriter",
    "Printer", "format_line", "decode", "Layer", "Stats",
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


class Record:
    """One record. Plain attributes are copies; ``data`` is a zero-copy
    memoryview of the captured bytes, valid until the reader moves to the
    next record (``bytes(rec.data)`` keeps them)."""

    __slots__ = ("number", "offset", "ts_sec", "ts_nsec", "caplen",
                 "origlen", "linktype", "iface", "comment", "flags", "data",
                 "_reader", "_c")

    @property
    def ts_ns(self) -> int:
        """Nanoseconds since the epoch, exact (any year)."""
        return self.ts_sec * 1_000_000_000 + self.ts_nsec

    @property
    def time(self) -> float:
        """Seconds since the epoch as a float (rounded: use ts_ns)."""
        return self.ts_sec + self.ts_nsec / 1e9

    def __repr__(self) -> str:
        return ("<capkit.Record #%d ts_ns=%d caplen=%d origlen=%d "
                "linktype=%d>" % (self.number, self.ts_ns, self.caplen,
                                  self.origlen, self.linktype))


_reader_by_handle: Dict[int, "Reader"] = {}


@ffi.callback("void(void *, int, uint64_t, uint64_t, const char *)")
def _on_warning(user, warning, offset, record, message):
    warnings.warn(_s(message), CaptureWarning, stacklevel=3)


class Reader:
    """Iterate the records of a capture. Use :func:`open`."""

    def __init__(self, source: Any, filter: Optional[str] = None,
                 name: Optional[str] = None):
        self._r = ffi.gc(lib.capkit_reader_new(), lib.capkit_reader_free)
        if self._r == ffi.NULL:
            raise MemoryError("capkit: out of memory")
        lib.capkit_reader_set_warning_fn(self._r, _on_warning, ffi.NULL)
        self._keep = None
        self._file = None
        if isinstance(source, (str, os.PathLike)):
            path = os.fsencode(source)
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
            self._fail(rc)
        self._rec = ffi.new("capkit_record *")
        self._rec.size = ffi.sizeof("capkit_record")
        self._filter = None
        if filter:
            self._filter = ffi.gc(lib.capkit_filter_new(filter.encode()),
                                  lib.capkit_filter_free)
            info = lib.capkit_reader_info(self._r)
            if lib.capkit_filter_prepare(self._filter, info.linktype) < 0:
                raise CapkitError(
                    -16, "filter %r: %s" % (
                        filter, _s(lib.capkit_filter_error(self._filter))))
        self._done = False

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
        """What the file header says: format, variant, byte order, version,
        snaplen, link type, precision, compression."""
        i = lib.capkit_reader_info(self._r)
        return {
            "format": _s(i.format),
            "variant": _s(i.variant),
            "byte_order": {1: "little", 2: "big"}.get(i.byte_order, "?"),
            "version": "%d.%d" % (i.version_major, i.version_minor),
            "snaplen": i.snaplen,
            "linktype": i.linktype,
            "linktype_name": linktype_name(i.linktype),
            "precision": "ns" if i.tsresol == 9 else "us"
            if i.tsresol == 6 else i.tsresol,
            "thiszone": i.thiszone,
            "fcs_len": i.fcs_len,
            "compression": _s(lib.capkit_reader_compression(self._r)),
        }

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
        return self

    def __next__(self) -> Record:
        if self._done:
            raise StopIteration
        c = self._rec
        while True:
            rc = lib.capkit_reader_next(self._r, c)
            if rc <= 0:
                self._done = True
                if rc == 0:
                    raise StopIteration
                self._fail(rc)
            if self._filter is not None:
                m = lib.capkit_filter_match(self._filter, c)
                if m == 0:
                    continue
                if m < 0:
                    self._done = True
                    raise CapkitError(m, "%s: record %d: filter: %s" % (
                        self.name, c.number,
                        _s(lib.capkit_filter_error(self._filter))))
            break
        rec = Record()
        rec.number = c.number
        rec.offset = c.offset
        rec.ts_sec = c.ts_sec
        rec.ts_nsec = c.ts_nsec
        rec.caplen = c.caplen
        rec.origlen = c.origlen
        f = c.iface
        rec.linktype = f.linktype if f != ffi.NULL else 1
        rec.iface = c.iface_id
        rec.comment = _s(c.comment)
        rec.flags = c.flags
        rec.data = memoryview(ffi.buffer(c.data, c.caplen)) if c.caplen \
            else memoryview(b"")
        rec._reader = self
        rec._c = (c.iface, c.extra)
        return rec

    def close(self) -> None:
        """Frees the reader; records from it become invalid."""
        if self._r is not None:
            ffi.release(self._r)
            self._r = None

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _has_fd(f) -> bool:
    try:
        f.fileno()
        return not isinstance(f, io.BytesIO)
    except (OSError, io.UnsupportedOperation):
        return False


def open(source: Any, filter: Optional[str] = None,
         name: Optional[str] = None) -> Reader:
    """Open a capture: a path, a binary file object (read from its current
    position), or bytes. ``filter`` is a BPF expression (tcpdump's
    language) matched as ``tcpdump -r`` would. The format is told from the
    first bytes, never from the name."""
    return Reader(source, filter=filter, name=name)


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
            rec = data
            r = rec._reader
            if r._r is None or r._rec.number != rec.number:
                raise ValueError("record no longer valid: its reader moved "
                                 "on or was closed")
            ffi.memmove(c, r._rec, ffi.sizeof("capkit_record"))
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


def gen(spec: str, count: Optional[int] = 1, seed: int = 0) -> Iterator[bytes]:
    """The packets a ``capkit gen`` spec makes, in order (``count`` of them;
    None: without end). Fields marked ``V+``, ``{a,b}``, ``rand`` vary from
    packet to packet; ``seed`` makes random values reproducible."""
    out = ffi.new("capkit_gen **")
    rc = lib.capkit_gen_new(spec.encode(), seed, out, ffi.NULL)
    if rc < 0:
        _spec_error(rc, spec)
    g = ffi.gc(out[0], lib.capkit_gen_free)
    data = ffi.new("const uint8_t **")
    length = ffi.new("size_t *")
    i = 0
    while count is None or i < count:
        rc = lib.capkit_gen_next(g, data, length)
        if rc < 0:
            _spec_error(rc, spec)
        yield ffi.buffer(data[0], length[0])[:]
        i += 1


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
        r = rec._reader
        if r._r is None or r._rec.number != rec.number:
            raise ValueError("record no longer valid: its reader moved on")
        rc = lib.capkit_printer_render(self._p, r._rec, self._text, self._len)
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
        r = rec._reader
        if r._r is None or r._rec.number != rec.number:
            raise ValueError("record no longer valid: its reader moved on")
        rc = lib.capkit_stats_add(self._s, r._rec, ffi.NULL)
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
