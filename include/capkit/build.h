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

#ifdef __cplusplus
}
#endif
#endif
