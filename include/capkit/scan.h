/* scan.h - find true record boundaries in classic pcap bytes from any
 * offset (resynchronisation after damage, splitting a big file into byte
 * ranges), and repair damaged captures: every intact record kept, none
 * invented, every change reported. */
#ifndef CAPKIT_SCAN_H
#define CAPKIT_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include <capkit/reader.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the records look like: classic pcap with 16-byte record headers. */
typedef struct capkit_scan_layout {
  capkit_byte_order byte_order; /* LITTLE or BIG (NATIVE: the host's) */
  unsigned precision;           /* 6 (microseconds) or 9 (nanoseconds) */
  uint32_t linktype;            /* LINKTYPE_ value */
  uint32_t snaplen;             /* of the file header; 0 when unknown */
  uint32_t bound; /* largest caplen libpcap accepts; 0: its bound for the
                     link type and snaplen (256 KiB or the snaplen up to
                     128 MiB; 128 MiB for D-Bus) */
} capkit_scan_layout;

typedef struct capkit_scanner capkit_scanner;

/* A scanner for records of layout l (copied). NULL when l is invalid
 * (precision other than 6 or 9) or out of memory. Thread safety: a
 * scanner is only read by capkit_scanner_find, so one scanner may serve
 * several threads once its settings are made. */
CAPKIT_API capkit_scanner *capkit_scanner_new(const capkit_scan_layout *l);
CAPKIT_API void capkit_scanner_free(capkit_scanner *s); /* accepts NULL */

/* How many plausible successors a candidate header needs before it is
 * accepted (default 8; 1..1000). A chain that ends exactly at the end of
 * the input (or runs past the end of the bytes given, when the input goes
 * on) after at least one successor also counts. Returns 0 or
 * CAPKIT_EINVAL. */
CAPKIT_API int capkit_scanner_set_chain(capkit_scanner *s, unsigned n);
/* The time of a known true record near the place searched (its seconds),
 * or -1 for none (the default). With it, candidates more than a week away
 * from that time are refused: a pcap carried inside the payload of the
 * capture, recorded at another time, is not taken for the capture's own
 * records. */
CAPKIT_API void capkit_scanner_set_time_ref(capkit_scanner *s, int64_t sec);
/* The caplen bound in use (the layout's, or libpcap's). */
CAPKIT_API uint32_t capkit_scanner_bound(const capkit_scanner *s);

/* Find the first true record boundary at or after byte `from` of
 * buf[0..len). `at_end` says whether len is the end of the input (else more
 * bytes follow that the caller has not given). Candidate headers are scored
 * for plausibility (caplen within the bound and not above the original
 * length, original length not 0, timestamp fraction in range, timestamps
 * within a day of each other) and each must start a chain of plausible
 * successors (see capkit_scanner_set_chain), so that a header-like pattern
 * inside a payload is not taken. Returns 1 and *at, 0 when no boundary
 * starts in [from, len), CAPKIT_EINVAL on bad arguments.
 *
 * Splitting a file into byte ranges: a chain starting inside a payload can
 * still merge into the true one (captures whose payloads carry pcap
 * themselves). Start the walk bound + 16 bytes before the range, or better
 * from a known true boundary, and follow records into the range. */
CAPKIT_API int capkit_scanner_find(const capkit_scanner *s,
                                   const uint8_t *buf, size_t len,
                                   size_t from, int at_end, size_t *at);

/* Infer the layout of headerless or header-damaged pcap bytes: byte order
 * and precision from the records found in buf[from..len), the link type
 * from the packets' content. Fills *l (bound 0) and *start, the first
 * record boundary found. *lt_known is 1 when the link type was recognised
 * from content, else 0 (l->linktype then holds CAPKIT_LINKTYPE_ETHERNET only
 * as a placeholder the caller must not use silently). Returns 1, 0 when no
 * chain of records was found, or CAPKIT_EINVAL. */
CAPKIT_API int capkit_scan_infer(const uint8_t *buf, size_t len, size_t from,
                                 int at_end, capkit_scan_layout *l,
                                 size_t *start, int *lt_known);

/* The link type that best explains packets (n of them, data[i] with
 * caplen[i] bytes and original length origlen[i]) from their content:
 * Ethernet, raw IPv4/IPv6, Linux cooked (SLL, SLL2), NULL/LOOP, radiotap,
 * 802.11. Returns the LINKTYPE_ value, or -1 when none fits clearly. */
CAPKIT_API int64_t capkit_scan_guess_linktype(const uint8_t *const *data,
                                              const uint32_t *caplen,
                                              const uint32_t *origlen,
                                              size_t n);

/* ---- repair ---- */

/* What a repair changed. Values are pinned. */
#define CAPKIT_REPAIR_KINDS(X)                                                 \
  X(HEADER_REBUILT, 1, "file header rebuilt")                                  \
  X(HEADER_FIELD, 2, "file header field corrected")                            \
  X(LINKTYPE_INFERRED, 3, "link type inferred from packet content")            \
  X(GARBAGE, 4, "bytes that belong to no record dropped")                      \
  X(RECORD_DAMAGED, 5, "damaged record dropped")                               \
  X(RECORD_KEPT_DAMAGED, 6, "damaged record kept")                             \
  X(TAIL_CUT, 7, "truncated last record cut")                                  \
  X(TAIL_PADDED, 8, "truncated last record kept, caplen corrected")          \
  X(ASCII_UNDONE, 9, "FTP ASCII-mode mangling undone")                        \
  X(LENGTH_REBUILT, 10, "pcapng block length rebuilt")                       \
  X(ASCII_DETECTED, 11, "reverse FTP ASCII-mode mangling detected, not undone")

typedef enum capkit_repair_kind {
#define CAPKIT__RKENUM(name, val, msg) CAPKIT_REPAIR_##name = (val),
  CAPKIT_REPAIR_KINDS(CAPKIT__RKENUM)
#undef CAPKIT__RKENUM
} capkit_repair_kind;

/* Static name of a repair kind ("GARBAGE"), NULL if unknown. */
CAPKIT_API const char *capkit_repair_kind_name(int kind);

/* One change: the input bytes it concerns [offset, offset + length) (after
 * ASCII_UNDONE: offsets in the input as undone, every 0d 0a read as 0a, or
 * for the reverse mangling with the lost 0d bytes given back), the
 * number the next record written will have (1-based), and the full text.
 * Valid only during the callback. */
typedef struct capkit_repair_event {
  int kind;            /* capkit_repair_kind */
  uint64_t offset;     /* in the input (decompressed bytes) */
  uint64_t length;     /* bytes concerned; 0 for header fields */
  uint64_t record;     /* output record number the change sits before */
  const char *message; /* "what and why", without the file name */
} capkit_repair_event;
typedef void (*capkit_repair_fn)(void *user, const capkit_repair_event *ev);

typedef struct capkit_repair capkit_repair;

/* A new repair with the defaults (damaged records dropped, truncated tail
 * cut, link type inferred when the header's is unusable); NULL if out of
 * memory. Not thread safe: one thread at a time per handle. */
CAPKIT_API capkit_repair *capkit_repair_new(void);
CAPKIT_API void capkit_repair_free(capkit_repair *rp); /* accepts NULL */
/* Receive each change as it is found (NULL to stop). */
CAPKIT_API void capkit_repair_set_event_fn(capkit_repair *rp,
                                           capkit_repair_fn fn, void *user);
/* 1: keep a truncated last record with its caplen corrected. */
CAPKIT_API int capkit_repair_set_pad(capkit_repair *rp, int pad);
/* 1: keep a damaged record that can still be framed (its header looks
 * true, its data or length is damaged) instead of dropping it. For a
 * classic pcap input the output is then pcapng, each such record carrying
 * an opt_comment that says why. For a pcapng input, an enhanced packet
 * block of a described interface is written again whole (its fixed fields,
 * the captured bytes its length holds, its options when they parse) with
 * such an opt_comment; other damaged blocks are still dropped. */
CAPKIT_API int capkit_repair_set_keep_damaged(capkit_repair *rp, int keep);
/* Use this link type when the header's cannot be trusted, instead of
 * inferring one; (uint32_t)-1 restores inference. */
CAPKIT_API int capkit_repair_set_linktype(capkit_repair *rp,
                                          uint32_t linktype);

/* Repair the classic pcap or pcapng capture at in_path ("-": standard
 * input; gzip and zstd inputs are decompressed) into out_path, written under a temporary name and
 * renamed into place (NULL: only find and report what would change, write
 * nothing). Returns 0 when nothing needed fixing (the output is then a
 * byte-identical copy), 1 when damage was found and repaired, or a negative
 * CAPKIT_E* code (CAPKIT_EUNSUPPORTED for the rare pcap variants:
 * modified, Nokia, Ixia; no output is left behind) with the message in
 * capkit_repair_error(). */
CAPKIT_API int capkit_repair_run(capkit_repair *rp, const char *in_path,
                                 const char *out_path);
/* After a run: records written, records dropped as damaged, bytes dropped.
 */
CAPKIT_API uint64_t capkit_repair_records(const capkit_repair *rp);
CAPKIT_API uint64_t capkit_repair_dropped_records(const capkit_repair *rp);
CAPKIT_API uint64_t capkit_repair_dropped_bytes(const capkit_repair *rp);
/* The layout used for the output (valid after a run that got that far;
 * for pcapng only the byte order of the first section is set). */
CAPKIT_API const capkit_scan_layout *
capkit_repair_layout(const capkit_repair *rp);
/* Last error, "FILE: offset N: what" ("" if none); valid until freed. */
CAPKIT_API const char *capkit_repair_error(const capkit_repair *rp);

#ifdef __cplusplus
}
#endif
#endif
