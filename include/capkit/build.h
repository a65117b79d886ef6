/* build.h - build packets from a compact layered spec
 * ("eth()/ipv4(src=10.0.0.1+)/udp(dport=53)/payload(len=64)"), fast enough
 * to write millions per second, and read hex dumps back into packets.
 * Threads: one thread at a time per generator and per hex parser;
 * capkit_gen_new() and capkit_build() may run in any number of threads at
 * once (each thread's spec error message is its own). No thread is
 * started. */
#ifndef CAPKIT_BUILD_H
#define CAPKIT_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where a spec is wrong: 1-based column in the spec text (0 when the
 * problem is not at one place, e.g. a payload file that cannot be read) and
 * what was expected there. Filled entirely by the library (the caller
 * need not initialize it); later versions may use the reserved room.
 * message is never NULL ("" when nothing was wrong) and is owned by the
 * library: it lives in storage of the calling thread, valid until that
 * thread's next call that fills a capkit_spec_error. */
typedef struct capkit_spec_error {
  size_t column;
  const char *message;
  void *reserved[4];
} capkit_spec_error;

typedef struct capkit_gen capkit_gen;

/* Compile one stream spec (the language is described under "capkit gen"
 * in capkit(1) and by `capkit gen --help-spec`) into a template. seed makes every `rand` value
 * and random payload reproducible. Returns 0 and *out, CAPKIT_ESPEC (err,
 * if not NULL, says where and what), CAPKIT_EOPEN (a payload file cannot
 * be read; err says which) or CAPKIT_ENOMEM. */
CAPKIT_API int capkit_gen_new(const char *spec, uint64_t seed,
                              capkit_gen **out, capkit_spec_error *err);
/* Frees; accepts NULL. */
CAPKIT_API void capkit_gen_free(capkit_gen *g);
/* The link type the first layer implies: eth EN10MB, sll LINUX_SLL, sll2
 * LINUX_SLL2, ipv4 or ipv6 RAW. */
CAPKIT_API uint32_t capkit_gen_linktype(const capkit_gen *g);
/* Packets in one round: 1 for a packet spec, the whole conversation for a
 * spec ending in tcp-session(...). A count of N rounds gives N times as
 * many packets. */
CAPKIT_API uint64_t capkit_gen_round_packets(const capkit_gen *g);
/* Build the next packet into the generator's buffer: *data and *len stay
 * valid until the next call or capkit_gen_free(). Varying fields advance by
 * one packet (tcp-session: one conversation per round). Returns 0. Makes
 * no allocation and no system call. */
CAPKIT_API int capkit_gen_next(capkit_gen *g, const uint8_t **data,
                               size_t *len);

/* Like capkit_gen_next(), with the n given bytes as the payload after the
 * spec's last layer, which must not be payload or tcp-session (lengths
 * and checksums cover them): wrap imported bytes in headers. Returns 0,
 * CAPKIT_EINVAL for such a spec, CAPKIT_ETOOBIG past 262144 bytes,
 * CAPKIT_ENOMEM when the generator's buffer (sized for the spec's own
 * packets) cannot grow to the longer packet. */
CAPKIT_API int capkit_gen_wrap(capkit_gen *g, const uint8_t *payload,
                               size_t n, const uint8_t **data, size_t *len);

/* One packet from a spec into buf (cap bytes): the first packet the spec
 * generates. Returns its length (which may exceed cap: then nothing useful
 * is in buf), or a negative code as capkit_gen_new(). */
CAPKIT_API long capkit_build(const char *spec, uint8_t *buf, size_t cap,
                             capkit_spec_error *err);

/* ---- several streams interleaved by time (capkit gen) ---- */

/* The settings of one stream; start from CAPKIT_GEN_STREAM_INIT. */
typedef struct capkit_gen_stream {
  uint32_t size;         /* sizeof(capkit_gen_stream) of the caller */
  uint64_t count;        /* rounds: packets, or tcp-session conversations */
  capkit_time start;     /* time of the first packet */
  capkit_time interval;  /* between packets (and rounds' packets) */
  capkit_time jitter;    /* each time gets a random 0..jitter-1 ns more */
} capkit_gen_stream;

#define CAPKIT_GEN_STREAM_INIT                                                 \
  { .size = (uint32_t)sizeof(capkit_gen_stream), .count = 1,                   \
    .interval = {0, 1000000} }

/* Bounds of a spec file, so that a wrong file (/dev/zero, a capture) is
 * refused early instead of filling memory. */
#define CAPKIT_GENSET_FILE_MAX (16u << 20)
#define CAPKIT_GENSET_LINE_MAX (1u << 20)
#define CAPKIT_GENSET_MAX_STREAMS 100000u

/* A set of streams whose packets come out in time order (ties: the stream
 * added first). Stream I (from 0) is compiled with seed SEED + I * 0x1000193
 * and jitters with its own generator, so the same seed gives the same
 * packets and times. One thread at a time per set. */
typedef struct capkit_genset capkit_genset;

/* A new, empty set; NULL when out of memory. */
CAPKIT_API capkit_genset *capkit_genset_new(uint64_t seed);
/* Frees the set and its generators; NULL is accepted. */
CAPKIT_API void capkit_genset_free(capkit_genset *gs);

/* Add a stream of SPEC with settings ST (read during the call). Returns 0,
 * or with the set unchanged: CAPKIT_ESPEC (a wrong spec: message and
 * column below), CAPKIT_EOPEN (a payload file cannot be read), CAPKIT_ERANGE
 * (count times the round's packets past 2^64, or a jitter over 292 years),
 * CAPKIT_ETOOBIG (more than CAPKIT_GENSET_MAX_STREAMS streams),
 * CAPKIT_ENOMEM, CAPKIT_EMISUSE (NULL, or ST's size too small). */
CAPKIT_API int capkit_genset_add(capkit_genset *gs, const char *spec,
                                 const capkit_gen_stream *st);

/* Add the streams of a spec file read from F (to its end): one per line,
 * "[count=N] [rate=R] [interval=D] [start=T] [jitter=D] SPEC", the settings
 * not given taken from D; blank lines and lines starting with '#' are
 * skipped, a trailing CR is ignored. N takes k/M/G (1000s) and KiB/MiB/GiB;
 * R, D and T as capkit_gen_parse_rate/_interval/_start. At most
 * CAPKIT_GENSET_FILE_MAX bytes, lines of at most CAPKIT_GENSET_LINE_MAX.
 * Returns 0, or the first error with its line (capkit_genset_error_line):
 * CAPKIT_ESPEC (a bad setting or spec, a NUL byte, a file or line too long,
 * no stream at all: line 0), the codes of capkit_genset_add, CAPKIT_EIO (a
 * read error), CAPKIT_ENOMEM. Streams of the lines before an error stay in
 * the set. */
CAPKIT_API int capkit_genset_read(capkit_genset *gs, FILE *f,
                                  const capkit_gen_stream *d);

/* The last error: what is wrong (never NULL, "" when nothing), the
 * 1-based line of a spec file (0: none), the 1-based column in the spec
 * (0: not at one place) and that spec's text ("" when none); all valid
 * until the next call on the set that can fail. */
CAPKIT_API const char *capkit_genset_error(const capkit_genset *gs);
CAPKIT_API size_t capkit_genset_error_line(const capkit_genset *gs);
CAPKIT_API size_t capkit_genset_error_column(const capkit_genset *gs);
CAPKIT_API const char *capkit_genset_error_spec(const capkit_genset *gs);

/* capkit_genset_read() of the file PATH ("-": standard input). Returns
 * its codes, or CAPKIT_EOPEN when the file cannot be opened (the system's
 * reason in capkit_genset_error, line 0). */
CAPKIT_API int capkit_genset_read_path(capkit_genset *gs, const char *path,
                                       const capkit_gen_stream *d);

/* The link type of the output, after the last add. Returns 0 with
 * *linktype the one the streams share; 1 when they differ and MULTI is
 * set (a pcapng file): each stream then has an interface of its own
 * (capkit_genset_use_ifaces with SNAPLEN and PRECISION, 6 or 9); or
 * CAPKIT_ELINKTYPE when they differ without MULTI (message: "stream N
 * implies link type A but stream 1 B: ..."), CAPKIT_EMISUSE. */
CAPKIT_API int capkit_genset_plan(capkit_genset *gs, int multi,
                                  uint32_t snaplen, unsigned precision,
                                  uint32_t *linktype);

/* Write every packet of the set, in time order, to W (opened). Returns 0,
 * or the first error with its message in capkit_genset_error(): a code of
 * capkit_writer_write (the writer's message), CAPKIT_ERANGE ("NAME:
 * record N: what": a time past the end of time; NAME names the output).
 * No allocation and no system call per packet beyond the writer's. */
CAPKIT_API int capkit_genset_write(capkit_genset *gs, capkit_writer *w,
                                   const char *name);

/* Streams in the set; the link type stream I implies (0 out of range). */
CAPKIT_API size_t capkit_genset_count(const capkit_genset *gs);
CAPKIT_API uint32_t capkit_genset_linktype(const capkit_genset *gs, size_t i);
/* 1 when a stream's start or interval has a part finer than a
 * microsecond (its times need nanosecond precision), else 0. */
CAPKIT_API int capkit_genset_fine_times(const capkit_genset *gs);
/* Give each stream's records an interface of its own (id I, its link type,
 * SNAPLEN or 262144 for 0, no FCS, TSRESOL), for a pcapng file of several
 * link types. Call after the last add. Returns 0 or CAPKIT_EMISUSE. */
CAPKIT_API int capkit_genset_use_ifaces(capkit_genset *gs, uint32_t snaplen,
                                        uint32_t tsresol);

/* The next packet in time order into REC (its size field set by the
 * caller): time, lengths, data (valid until the next call or free) and,
 * with use_ifaces, the interface (valid until free). Returns 1, 0 when
 * every stream is done, CAPKIT_ERANGE when the next time is past the end
 * of time (message set; the set is then done), or CAPKIT_EMISUSE. Makes no
 * allocation and no system call. */
CAPKIT_API int capkit_genset_next(capkit_genset *gs, capkit_record *rec);

/* Values of the settings. A count: decimal with k/K/M/G (1000s),
 * KiB/MiB/GiB or KB/MB/GB. A rate: packets per second with k/M/G (up to
 * 1e9), as the time between packets (rounded to the nanosecond). An
 * interval: a duration NUMBER[ns|us|ms|s|m|h] (seconds by default), not
 * negative. A start: RFC 3339 or epoch seconds with a fraction. Each
 * returns 0, CAPKIT_EINVAL for bad text, or (rate) CAPKIT_ERANGE for a rate
 * so low that the interval does not fit. */
CAPKIT_API int capkit_parse_count(const char *s, uint64_t *out);
/* A plain decimal number: digits only (no sign, space or unit) that fit in
 * 64 bits. Returns 0 and *out, or CAPKIT_EINVAL. Any thread. */
CAPKIT_API int capkit_parse_decimal(const char *s, uint64_t *out);
CAPKIT_API int capkit_gen_parse_rate(const char *s, capkit_time *interval);
CAPKIT_API int capkit_gen_parse_interval(const char *s, capkit_time *t);
CAPKIT_API int capkit_gen_parse_start(const char *s, capkit_time *t);

/* ---- a capture written from scratch (capkit gen, capkit import) ---- */

/* The settings of a capture made by capkit_gen_run() or
 * capkit_import_write(); start from CAPKIT_BUILD_OUTPUT_INIT. A setting
 * left at its default is implied by what is written (below). */
typedef struct capkit_build_output {
  uint32_t size;       /* sizeof(capkit_build_output) of the caller */
  const char *format;  /* an output format ("pcap", "pcapng"); NULL: the
                          writer's (pcap) */
  int byte_order;      /* a capkit_byte_order; -1: the writer's (native) */
  unsigned precision;  /* 6 or 9; 0: what the times need */
  uint32_t snaplen;    /* longer packets are cut; 0: 262144, no cut */
  int32_t linktype;    /* 0..65535: written instead of the implied one;
                          -1: the implied one */
} capkit_build_output;

#define CAPKIT_BUILD_OUTPUT_INIT                                               \
  { .size = (uint32_t)sizeof(capkit_build_output), .byte_order = -1,          \
    .linktype = -1 }

/* What capkit_gen_run() makes: the streams, from a spec file or from spec
 * texts, and the capture they are written to. Start from
 * CAPKIT_GEN_JOB_INIT; read during the call only. */
typedef struct capkit_gen_job {
  uint32_t size;           /* sizeof(capkit_gen_job) of the caller */
  const char *spec_file;   /* the streams of this spec file ("-":
                              standard input), as capkit_genset_read_path;
                              NULL: the streams of specs */
  int n_specs;             /* without spec_file: one stream per text */
  const char *const *specs;
  capkit_gen_stream stream; /* each stream's settings (a spec file's line
                               may give its own) */
  capkit_build_output out; /* implied: the link type the streams share (an
                              interface per stream for several link types
                              in pcapng), precision 9 when a start or an
                              interval is finer than a microsecond, else
                              6 */
  const char *path;        /* the capture, "-" for standard output */
} capkit_gen_job;

#define CAPKIT_GEN_JOB_INIT                                                    \
  { .size = (uint32_t)sizeof(capkit_gen_job),                                 \
    .stream = CAPKIT_GEN_STREAM_INIT, .out = CAPKIT_BUILD_OUTPUT_INIT }

/* The whole of `capkit gen`: add JOB's streams to GS (new from
 * capkit_genset_new() with the seed, no stream yet), then write every
 * packet in time order to JOB->path through W. W is new and not opened
 * (the caller may have given it a warning function); it gets JOB->out, is
 * opened, written and closed here, and the caller frees it. Nothing is
 * left under the path on error (the writer's temporary file).
 * Returns 0, or the first error, with its whole message in
 * capkit_genset_error() naming where it is: "spec, column C: what" (one
 * spec text), "spec N, column C: ..." (among several), "FILE line L,
 * column C: ..." (a spec file), "FILE: what", or what alone (a write),
 * and capkit_genset_error_column() and _spec() as for the other calls:
 * CAPKIT_ESPEC (a stream that cannot be added: a wrong spec or setting,
 * too many streams or packets, a jitter too large), CAPKIT_EOPEN (a spec
 * or payload file that cannot be read), CAPKIT_EIO, CAPKIT_ENOMEM ("out of
 * memory"), CAPKIT_ELINKTYPE (streams of several link types in pcap),
 * CAPKIT_EINVAL ("cannot write format 'F'", a bad output setting), the
 * writer's codes (opening, writing, closing: its message), CAPKIT_ERANGE
 * (a time past the end of time, as capkit_genset_write), CAPKIT_EMISUSE
 * (NULL, sizes too small, a set with streams, W opened). */
CAPKIT_API int capkit_gen_run(capkit_genset *gs, const capkit_gen_job *job,
                              capkit_writer *w);

/* ---- hex dumps to packets ---- */

/* A packet read from a hex dump, filled by capkit_hexparse_next(). */
typedef struct capkit_hex_packet {
  const uint8_t *data; /* len bytes, valid until the next call */
  size_t len;
  int has_time;        /* a timestamp was found for it */
  uint32_t flags;      /* pcapng epb_flags from a CAPKIT_HEX_DIRECTION
                        * line: 1 inbound, 2 outbound, 0 not given (in
                        * what was padding after has_time on 64-bit
                        * systems: the other fields did not move) */
  int64_t ts_sec;
  uint32_t ts_nsec;
  int has_origlen;     /* capkit dump -x record line: original length */
  uint32_t origlen;
  unsigned ts_digits;  /* fraction digits of the timestamp as written */
  uint64_t line;       /* 1-based line where the packet starts */
  uint64_t reserved[4]; /* room for later fields (no meaning yet) */
} capkit_hex_packet;

/* capkit_hexparse_new() flags. WHOLE: the dump is of one byte stream (a
 * whole capture file): lines need no offsets, offsets never split it, and
 * the bytes are read with capkit_hexparse_bytes(). */
#define CAPKIT_HEX_WHOLE 1u
/* Offsets in octal (od -Ao, text2pcap -o oct) or decimal (od -Ad,
 * text2pcap -o dec) instead of hex; at most one of the two. */
#define CAPKIT_HEX_OFFSET_OCT 2u
#define CAPKIT_HEX_OFFSET_DEC 4u
/* text2pcap -D: a line of text before a packet may start with I or O
 * (either case): the packet is inbound or outbound (capkit_hex_packet
 * flags 1 or 2, as pcapng's epb_flags). A time (time_fmt) may follow on
 * the same line. */
#define CAPKIT_HEX_DIRECTION 8u

typedef struct capkit_hexparse capkit_hexparse;

/* A parser for text dumps: offset/hex lines as written by od -Ax -tx1,
 * text2pcap's input, hexdump -C, xxd, tcpdump -xx, Wireshark's "copy as hex
 * dump" and capkit dump -x, and hexdump's and od -x's default 16-bit words
 * (a 7-digit offset without "0x" or ':' then 4-digit groups: the words of
 * a little-endian host, "6261" for the bytes 61 62; the last offset line
 * gives the length, so an odd last byte is not doubled). A packet starts where the offset returns to 0;
 * text after the hex bytes (the ASCII column) is ignored. time_fmt, if not
 * NULL, is a strptime format (plus %f for fractional seconds) that a line
 * of text before a packet may start with; capkit dump -x record lines
 * ("# N DATE TIME caplen C origlen O") are always recognized. NULL if out
 * of memory. */
CAPKIT_API capkit_hexparse *capkit_hexparse_new(const char *time_fmt,
                                                unsigned flags);
CAPKIT_API void capkit_hexparse_free(capkit_hexparse *p);
/* Feed text (any chunking; lines may span calls). Returns 0 or a negative
 * code (message in capkit_hexparse_error()). */
CAPKIT_API int capkit_hexparse_feed(capkit_hexparse *p, const char *text,
                                    size_t len);
/* Declare the end of the input (the last packet becomes available). */
CAPKIT_API int capkit_hexparse_finish(capkit_hexparse *p);
/* Take the next complete packet: 1 and *pkt, 0 none ready yet (feed more
 * or finish), negative code on error. */
CAPKIT_API int capkit_hexparse_next(capkit_hexparse *p,
                                    capkit_hex_packet *pkt);
/* WHOLE mode: all bytes of the input as one stream (for rebuilding a whole
 * file from a dump of it); valid after finish, until free. */
CAPKIT_API const uint8_t *capkit_hexparse_bytes(const capkit_hexparse *p,
                                                size_t *len);
/* "line N: what is wrong", or "" */
CAPKIT_API const char *capkit_hexparse_error(const capkit_hexparse *p);

/* The record for a packet just taken from p, as capkit import writes it:
 * the packet's time, or 1 microsecond after the record before (the first
 * at the epoch); the original length from a capkit dump -x line when it is
 * not below the packet's, else the packet's length; the direction flags;
 * data pointing to the packet's bytes (valid as pkt's). rec must have been
 * initialized (CAPKIT_RECORD_INIT); its other fields are left alone.
 * Returns 0, or CAPKIT_EINVAL (NULL) or CAPKIT_ETOOBIG (a packet beyond
 * 2^32 - 1 bytes). */
CAPKIT_API int capkit_hexparse_record(capkit_hexparse *p,
                                      const capkit_hex_packet *pkt,
                                      capkit_record *rec);

/* Whether the text (whole lines) is a dump of a whole capture file: its
 * bytes, read as by CAPKIT_HEX_WHOLE with the offset radix of flags
 * (CAPKIT_HEX_OFFSET_OCT or _DEC; other flags are ignored), start with a
 * pcap or pcapng magic number. 1 yes, 0 no, CAPKIT_ENOMEM. */
CAPKIT_API int capkit_hexparse_probe(const char *text, size_t len,
                                     unsigned flags);

/* capkit_gen_new() for a spec that wraps imported bytes (capkit import
 * --wrap, capkit_gen_wrap()): CAPKIT_ESPEC also for a spec that cannot
 * wrap (ending in payload or tcp-session; err->column 1). */
CAPKIT_API int capkit_gen_new_wrap(const char *spec, uint64_t seed,
                                   capkit_gen **out, capkit_spec_error *err);

/* ---- a hex dump read as a capture (text2pcap; capkit import) ---- */

/* What the text is: decided by its first bytes (DETECT: a dump of a whole
 * capture file when they are a pcap or pcapng magic number, else of
 * packets), or given. */
enum { CAPKIT_IMPORT_DETECT = 0, CAPKIT_IMPORT_WHOLE = 1,
       CAPKIT_IMPORT_PACKETS = 2 };

/* Read by capkit_import_new(); start from CAPKIT_IMPORT_SETTINGS_INIT. */
typedef struct capkit_import_settings {
  uint32_t size;        /* sizeof(capkit_import_settings) of the caller */
  int mode;             /* CAPKIT_IMPORT_*; with wrap, DETECT is PACKETS */
  const char *time_fmt; /* as capkit_hexparse_new's; NULL none (copied) */
  unsigned flags;       /* CAPKIT_HEX_OFFSET_OCT or _DEC, _DIRECTION */
  capkit_gen *wrap;     /* headers put before each packet (from
                           capkit_gen_new_wrap), or NULL; not owned: it
                           must live until capkit_import_free() */
  uint32_t snaplen;     /* longer packets are cut (with a warning);
                           0: 262144 */
} capkit_import_settings;

#define CAPKIT_IMPORT_SETTINGS_INIT                                            \
  { .size = (uint32_t)sizeof(capkit_import_settings) }

/* A hex dump read like a capture file: open it, then take records. A dump
 * of packets is read in chunks (constant memory whatever its size); a dump
 * of a whole file is read at once and its bytes are read back through a
 * capkit_reader (which checks them). One thread at a time per handle. */
typedef struct capkit_import capkit_import;

/* A new handle; NULL when SET is wrong (size too small, a mode out of
 * range, wrap with CAPKIT_IMPORT_WHOLE) or out of memory. */
CAPKIT_API capkit_import *capkit_import_new(const capkit_import_settings *set);
/* Frees; records taken become invalid. NULL is accepted. Does not close
 * the FILE nor free the wrap generator. */
CAPKIT_API void capkit_import_free(capkit_import *im);

/* Called with "NAME: line N: warning: packet of L bytes cut to the
 * snaplen of S" and, for a text without any packet, "NAME: warning: no hex
 * dump found"; the import goes on. Before open. 0 or CAPKIT_EMISUSE. */
typedef void (*capkit_import_warn_fn)(void *user, const char *msg);
CAPKIT_API int capkit_import_set_warning_fn(capkit_import *im,
                                            capkit_import_warn_fn fn,
                                            void *user);

/* Start reading F (not owned, not closed; read to its end as records are
 * taken), NAME naming it in messages. Reads the head of the text to tell
 * a whole file (then reads all of it, parses it and opens its reader).
 * Returns 0, or a negative code with the message in
 * capkit_import_error(): CAPKIT_EIO ("NAME: reason"), CAPKIT_EBADREC (not
 * a valid dump: "NAME: line N: what"), CAPKIT_EFORMAT (a whole file
 * without hex bytes), the reader's codes for a whole file that is not a
 * valid capture (its message), CAPKIT_ENOMEM, CAPKIT_EMISUSE (opened
 * before). */
CAPKIT_API int capkit_import_open_file(capkit_import *im, FILE *f,
                                       const char *name);

/* capkit_import_open_file() of the file PATH ("-": standard input), named
 * PATH in messages; the handle closes the file when freed. The same codes,
 * and CAPKIT_EOPEN ("PATH: reason") when the file cannot be opened. */
CAPKIT_API int capkit_import_open_path(capkit_import *im, const char *path);

/* A whole file: its reader, for capkit_writer_copy_settings() (a copy
 * byte for byte); valid until free. NULL for a dump of packets. */
CAPKIT_API const capkit_reader *
capkit_import_whole_reader(const capkit_import *im);

/* The next record into REC (declared with CAPKIT_RECORD_INIT): 1, 0 at
 * the end, or a negative code with the message (then 0 for every later
 * call). Packets: time, lengths and flags as capkit_hexparse_record(),
 * wrapped (CAPKIT_ETOOBIG: "NAME: line N: the packet with its headers is
 * too large"), cut to the snaplen; the text's errors as open's. A whole
 * file: its records as its reader gives them (the reader's codes and
 * message). The data is valid until the next call or free. */
CAPKIT_API int capkit_import_next(capkit_import *im, capkit_record *rec);

/* What a dump of packets implies for the output: the link type (the wrap
 * spec's, else EN10MB), and once the first packet was taken, the
 * timestamp precision its time needs (9 for more than 6 fraction digits,
 * else 0: no need). */
CAPKIT_API uint32_t capkit_import_linktype(const capkit_import *im);
CAPKIT_API unsigned capkit_import_precision(const capkit_import *im);
/* The message of the last error, "" when none. */
CAPKIT_API const char *capkit_import_error(const capkit_import *im);

/* The whole of `capkit import` once IM is open: every record written to
 * PATH ("-": standard output) through W. W is new and not opened (the
 * caller may have given it a warning function); it is set up, opened,
 * written and closed here, and the caller frees it. A whole file: W first
 * copies its reader's settings (the same bytes back), then takes OUT's
 * settings that are not defaults. Packets: OUT, by default with the link
 * type capkit_import_linktype() gives and the precision the first
 * packet's time needs (else the writer's); the capture is opened with the
 * first packet (an empty one when the text has none), so a text that is
 * not a valid dump leaves no file. Returns 0, or the first error with its
 * message in capkit_import_error(): the codes of capkit_import_next (the
 * text's, the reader's), CAPKIT_EINVAL ("cannot write format 'F'", a bad
 * setting), the writer's codes and message (opening, writing, closing),
 * CAPKIT_ENOMEM, CAPKIT_EMISUSE (NULL, not opened, OUT's size too small,
 * called twice). Nothing is left under PATH on error, except that with
 * KEEP_PARTIAL a damaged whole file keeps the records before the damage
 * (capkit_import_kept()); its error is still returned. */
CAPKIT_API int capkit_import_write(capkit_import *im, capkit_writer *w,
                                   const capkit_build_output *out,
                                   const char *path, int keep_partial);
/* After capkit_import_write() with KEEP_PARTIAL: how many records were
 * kept in the output before the damage, or -1 when none was kept (no
 * damage, or the output could not be completed). */
CAPKIT_API int64_t capkit_import_kept(const capkit_import *im);

#ifdef __cplusplus
}
#endif
#endif
