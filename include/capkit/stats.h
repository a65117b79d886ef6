/* stats.h - a mergeable statistics accumulator over records: the file
 * summary (counts, times, rates and sizes as capinfos defines them), the
 * protocol hierarchy, conversations and endpoints (Ethernet, IPv4, IPv6,
 * TCP, UDP), a packet-size histogram and a time series of packets and bytes
 * per interval (bins as tshark's io,stat cuts them).
 *
 *   capkit_stats_settings set = CAPKIT_STATS_SETTINGS_INIT;
 *   capkit_stats *st = capkit_stats_new(&set);
 *   while (capkit_reader_next(r, &rec) > 0)
 *     if (capkit_stats_add(st, &rec, NULL) < 0) break;   (out of memory)
 *   capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
 *   capkit_stats_get_summary(st, &sum);
 *   capkit_stats_free(st);
 *
 * Several accumulators (one per worker, one per part of a capture) combine
 * with capkit_stats_merge(); merging the parts of a capture, split anywhere
 * and merged in capture order, gives exactly what one pass over the whole
 * gives, as long as no table overflowed its cap (below).
 *
 * Memory is bounded whatever the input: the hierarchy holds at most
 * CAPKIT_STATS_MAX_NODES nodes, each conversation table at most
 * max_conversations entries (exact counts for the first ones seen; the
 * packets of later conversations are counted in the table's overflow
 * counters), the series at most max_bins bins (the interval is doubled as
 * often as needed), and endpoints are derived from conversations. A
 * conversation takes about 120 bytes, so the default cap bounds each of the
 * five tables to some 125 MB; set max_conversations lower for less.
 *
 * Thread safety: an accumulator is not locked. Calls that change one
 * (add, merge, free) must not run at the same time as any other call on it;
 * calls that only read it (the getters) may run together. Different
 * accumulators are independent. */
#ifndef CAPKIT_STATS_H
#define CAPKIT_STATS_H
#include <stddef.h>
#include <stdint.h>

#include <capkit/capkit.h>
#include <capkit/time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A signed span between two times: -(sec + nsec/1e9) when negative is 1.
 * sec is unsigned so that the span between any two capkit_time fits. */
typedef struct capkit_span {
  uint64_t sec;
  uint32_t nsec;
  uint8_t negative;
} capkit_span;

/* a - b as a signed span, exact for any two times (capkit_time_sub of
 * time.h gives a capkit_time, which cannot hold every span). */
CAPKIT_API capkit_span capkit_time_span(capkit_time a, capkit_time b);
/* A span in seconds as a double (rounded). */
CAPKIT_API double capkit_span_seconds(capkit_span d);

/* What an accumulator computes (capkit_stats_settings.what). The summary
 * (with link types and interface counts) is always computed; the other
 * parts cost time and memory only when asked. CAPKIT_STATS_SUMMARY alone
 * asks for nothing else. */
#define CAPKIT_STATS_HIERARCHY 0x01u     /* decodes every packet */
#define CAPKIT_STATS_CONVERSATIONS 0x02u /* and endpoints; decodes */
#define CAPKIT_STATS_SIZES 0x04u
#define CAPKIT_STATS_SERIES 0x08u
#define CAPKIT_STATS_SUMMARY 0x10u
#define CAPKIT_STATS_ETHERNET 0x20u /* the Ethernet table too (with
                                       CONVERSATIONS): one more lookup per
                                       packet */
#define CAPKIT_STATS_ALL 0x3fu

/* The hierarchy's node bound. */
#define CAPKIT_STATS_MAX_NODES 4096

/* Settings, read once by capkit_stats_new(). Start from
 * CAPKIT_STATS_SETTINGS_INIT (size set, everything else default). */
typedef struct capkit_stats_settings {
  uint32_t size;        /* sizeof(capkit_stats_settings) of the caller */
  uint32_t what;        /* CAPKIT_STATS_ bits; 0 means CAPKIT_STATS_ALL */
  uint64_t interval_ns; /* series bin width, 1..1e18 ns; 0: one second */
  /* The series grid: bins start at origin + k * interval. With has_origin
   * 0, the origin is the time of the first record added. Workers whose
   * results will be merged set the same origin (for instance the
   * capture's earliest time) so that their bins line up. */
  int has_origin;
  capkit_time origin;
  size_t max_conversations; /* per table; 0: 1048576 */
  size_t max_bins;          /* at least 2; 0: 100000 */
} capkit_stats_settings;

#define CAPKIT_STATS_SETTINGS_INIT                                             \
  { .size = (uint32_t)sizeof(capkit_stats_settings) }

typedef struct capkit_stats capkit_stats;
struct capkit_packet; /* decode.h */

/* A new, empty accumulator; SET may be NULL for the defaults. Returns NULL
 * when out of memory or when the settings are invalid (size too small,
 * unknown what bits, interval over 1e18 ns, max_bins 1). Free with
 * capkit_stats_free(). */
CAPKIT_API capkit_stats *capkit_stats_new(const capkit_stats_settings *set);

/* Free an accumulator; NULL is accepted. */
CAPKIT_API void capkit_stats_free(capkit_stats *s);

/* Count one record. PKT is the record already decoded with
 * capkit_decode_record() (the caller's, read only), or NULL: then the
 * accumulator decodes it itself when a part that needs decoding is on.
 * Counts are by original (on-the-wire) length. Makes no allocation in the
 * common case (only when a table grows). Returns 0, CAPKIT_ENOMEM (the
 * record is counted in the summary but possibly not in every table; the
 * accumulator stays usable) or CAPKIT_EMISUSE (a NULL argument, or a record
 * whose size field is too small). */
CAPKIT_API int capkit_stats_add(capkit_stats *s, const capkit_record *rec,
                                const struct capkit_packet *pkt);

/* Add SRC's counts into DST, as if DST had seen SRC's records after its
 * own. SRC is not changed. Both must have been made with the same settings
 * (what, interval, origin, caps). Without an explicit origin each grid
 * starts at its own first record, and the two must lie a whole number of
 * (doubled) intervals apart, which parts of one capture seldom do: workers
 * set one explicit origin. Returns 0, CAPKIT_EMISUSE (settings differ,
 * grids do not line up, or DST == SRC; DST is unchanged) or CAPKIT_ENOMEM
 * (DST is then partly merged: discard it). */
CAPKIT_API int capkit_stats_merge(capkit_stats *dst, const capkit_stats *src);

/* ---- the file summary ------------------------------------------------ */

/* capinfos' definitions: data size is the sum of original lengths; the
 * duration runs from the earliest to the latest time (not the first and
 * last record: an appended older capture does not make it negative); rates
 * are data size (and 8 times it) and packets over the duration, and are 0
 * when the duration is 0 (capinfos prints "n/a"); the average packet size
 * is data size over packets. */
typedef struct capkit_stats_summary {
  uint32_t size; /* sizeof(capkit_stats_summary) of the caller */
  uint64_t packets;
  uint64_t bytes;                  /* original lengths: capinfos' data size */
  uint64_t captured_bytes;         /* captured lengths */
  uint32_t min_len, max_len;       /* original lengths; 0 with no packets */
  uint32_t min_caplen, max_caplen; /* captured lengths */
  capkit_time first, last;         /* the first and last record added */
  capkit_time earliest, latest;    /* the smallest and largest time */
  uint64_t out_of_order; /* records older than the record before them */
  double duration;       /* seconds, latest - earliest */
  double byte_rate, bit_rate, packet_rate, mean_size;
} capkit_stats_summary;

#define CAPKIT_STATS_SUMMARY_INIT                                              \
  { .size = (uint32_t)sizeof(capkit_stats_summary) }

/* Fill OUT (its size field set by the caller). Returns 0 or CAPKIT_EMISUSE
 * (NULL, or a size too small). */
CAPKIT_API int capkit_stats_get_summary(const capkit_stats *s,
                                        capkit_stats_summary *out);

/* Link types seen: the number of distinct ones (at most 64 are kept; the
 * packets of further ones count in none), and the I-th (in first-seen
 * order) with its packets. Returns 0 or CAPKIT_ENOTFOUND. */
CAPKIT_API size_t capkit_stats_linktype_count(const capkit_stats *s);
CAPKIT_API int capkit_stats_linktype(const capkit_stats *s, size_t i,
                                     uint32_t *linktype, uint64_t *packets);

/* Packets by record interface id (rec->iface_id; ids up to 65535). */
CAPKIT_API uint64_t capkit_stats_iface_packets(const capkit_stats *s,
                                               uint32_t iface_id);

/* ---- protocol hierarchy ---------------------------------------------- */

/* A node of the hierarchy as tshark's io,phs shows it: a protocol name
 * under its parent, with the packets (and their original bytes) that had
 * it there. Nodes are indexed 0..count-1; node 0 is the first root;
 * siblings are in first-seen order; -1 ends a link. */
typedef struct capkit_stats_node {
  const char *name; /* static string, valid forever */
  int parent, first_child, next_sibling;
  uint64_t packets, bytes;
} capkit_stats_node;

CAPKIT_API size_t capkit_stats_node_count(const capkit_stats *s);
/* The I-th node, valid until the next add/merge/free; NULL out of range. */
CAPKIT_API const capkit_stats_node *capkit_stats_node_at(const capkit_stats *s,
                                                         size_t i);

/* ---- conversations and endpoints ------------------------------------- */

/* Conversation tables, as tshark's conv,eth|ip|ipv6|tcp|udp count them
 * without reassembly: every header that was captured whole counts, tunnels
 * included; TCP and UDP of a fragmented datagram count in its first
 * fragment; a later IPv6 fragment is in no IPv6 conversation; TCP and UDP
 * behind an IPv6 routing header (type 0 or 2, segments left) go to its
 * final destination. Ethernet only with CAPKIT_STATS_ETHERNET. */
typedef enum capkit_conv_kind {
  CAPKIT_CONV_ETH = 0,
  CAPKIT_CONV_IPV4 = 1,
  CAPKIT_CONV_IPV6 = 2,
  CAPKIT_CONV_TCP = 3,
  CAPKIT_CONV_UDP = 4,
  CAPKIT_CONV_KINDS = 5
} capkit_conv_kind;

/* Bit of a kind, for the kind masks below. */
#define CAPKIT_CONV_BIT(kind) (1u << (kind))

/* One conversation. A is the source of its first packet. */
typedef struct capkit_stats_conv {
  uint8_t kind;     /* capkit_conv_kind */
  uint8_t addr_len; /* 6 (Ethernet), 4 or 16 */
  uint8_t a[16], b[16];
  uint16_t port_a, port_b; /* TCP and UDP; 0 otherwise */
  uint64_t packets_ab, bytes_ab, packets_ba, bytes_ba;
  capkit_time first, last; /* earliest and latest packet */
  uint64_t order;          /* first-seen rank across all tables */
} capkit_stats_conv;

/* Conversations of a kind, in first-seen order; the I-th one is valid
 * until the next add/merge/free (NULL out of range). */
CAPKIT_API size_t capkit_stats_conv_count(const capkit_stats *s, int kind);
CAPKIT_API const capkit_stats_conv *capkit_stats_conv_at(const capkit_stats *s,
                                                         int kind, size_t i);

/* Packets and bytes of the conversations of a kind that did not fit in its
 * table (max_conversations); both 0 when the table is exact. */
CAPKIT_API void capkit_stats_conv_overflow(const capkit_stats *s, int kind,
                                           uint64_t *packets, uint64_t *bytes);

/* Orders for lists. */
#define CAPKIT_STATS_BY_PACKETS                                                \
  0                             /* packets, then bytes, desc.; ties in         \
                                   first-seen order */
#define CAPKIT_STATS_BY_BYTES 1 /* bytes desc., then address */

/* The conversations of the kinds in KINDS (CAPKIT_CONV_BIT mask) as one
 * list of pointers, sorted by ORDER. Sets *N; returns a new array the
 * caller frees with capkit_stats_list_free() (its pointers are valid until
 * the next add/merge/free), or NULL when there are none or out of memory
 * (then *N is 0). */
CAPKIT_API const capkit_stats_conv **
capkit_stats_conversations(const capkit_stats *s, unsigned kinds, int order,
                           size_t *n);

/* One endpoint: an address (with a port for TCP and UDP) and what it sent
 * and received, as tshark's endpoints tables count them. */
typedef struct capkit_stats_endpoint {
  uint8_t kind, addr_len;
  uint8_t addr[16];
  uint16_t port;
  uint64_t packets_tx, bytes_tx, packets_rx, bytes_rx;
} capkit_stats_endpoint;

/* The endpoints of the conversations of the kinds in KINDS, one per
 * address (and port), sorted by ORDER. Returns a new array the caller frees
 * with capkit_stats_list_free(), or NULL when there are none or out of
 * memory (*N is 0). Exact when the conversation tables are. */
CAPKIT_API capkit_stats_endpoint *capkit_stats_endpoints(const capkit_stats *s,
                                                         unsigned kinds,
                                                         int order, size_t *n);

/* Free a list returned above; NULL is accepted. */
CAPKIT_API void capkit_stats_list_free(void *list);

/* ---- packet sizes ---------------------------------------------------- */

/* Histogram of original lengths in CAPKIT_STATS_SIZE_BINS bins: 0-19,
 * 20-39, 40-79, ... doubling, up to 20480 and above. */
#define CAPKIT_STATS_SIZE_BINS 12
/* Bin I's bounds (hi is UINT32_MAX for the last) and its packets and
 * bytes. Returns 0 or CAPKIT_ENOTFOUND. */
CAPKIT_API int capkit_stats_size_bin(const capkit_stats *s, int i, uint32_t *lo,
                                     uint32_t *hi, uint64_t *packets,
                                     uint64_t *bytes);

/* ---- time series ----------------------------------------------------- */

/* The series: bins of width *INTERVAL (the setting, doubled as often as
 * max_bins required) from the bin holding the earliest record to the bin
 * holding the latest, empty ones included. Returns the number of bins (0
 * with no records or without CAPKIT_STATS_SERIES). */
CAPKIT_API size_t capkit_stats_series(const capkit_stats *s,
                                      capkit_span *interval);
/* Bin I: its start time and its packets and (original) bytes. Returns 0 or
 * CAPKIT_ENOTFOUND. */
CAPKIT_API int capkit_stats_bin(const capkit_stats *s, size_t i,
                                capkit_time *start, uint64_t *packets,
                                uint64_t *bytes);
/* The origin of the grid (the setting, or the first record's time);
 * returns 0, or CAPKIT_ENOTFOUND when there is none yet. */
CAPKIT_API int capkit_stats_origin(const capkit_stats *s, capkit_time *out);

/* Series modes (capkit_stats_series_mode). ROUND: the interval is a round
 * width, 1 or 2 x 10^k from 1 us to 20 s, then 1, 2, 10, 20 min, 1, 2, 6,
 * 12 h, 1 day, doubling after (each divides the next, so a bin always
 * falls whole in one bin of the next width); it starts at the first of
 * these at or above interval_ns and moves to the next one whenever
 * max_bins would be exceeded. LAYERS: each bin also counts its packets
 * and bytes by the packet's top layer (capkit_stats_bin_layer_next), which
 * decodes every packet (as CAPKIT_STATS_HIERARCHY does) and takes
 * 48 x CAPKIT_STATS_BIN_LAYERS bytes more per bin. */
#define CAPKIT_STATS_SERIES_ROUND 0x1u
#define CAPKIT_STATS_SERIES_LAYERS 0x2u
/* The layer types a bin counts apart: 0 .. CAPKIT_STATS_BIN_LAYERS - 1. */
#define CAPKIT_STATS_BIN_LAYERS 24

/* Set the series mode of S (CAPKIT_STATS_SERIES_ bits; 0 is the default,
 * doubling interval_ns) before its first record. Accumulators to be merged
 * must have the same mode. capkit_stats_run accumulators keep the default.
 * Returns 0, or CAPKIT_EMISUSE (NULL, an unknown bit, S made without
 * CAPKIT_STATS_SERIES, or a record already added; S is unchanged). */
CAPKIT_API int capkit_stats_series_mode(capkit_stats *s, unsigned mode);

/* The round width (CAPKIT_STATS_SERIES_ROUND) in ns for a series from a
 * packet at the grid's origin to one SPAN_NS later: the smallest that
 * needs at most MAX_BINS bins, that is with SPAN_NS / width < MAX_BINS.
 * An accumulator in ROUND mode (interval_ns 1 us or less) fed records in
 * time order ends with this width for the span from its first record to
 * its last. Returns 0 when MAX_BINS is 0. Pure: safe from any thread. */
CAPKIT_API uint64_t capkit_stats_series_round_step(uint64_t span_ns,
                                                   size_t max_bins);

/* The next layer count of bin I (CAPKIT_STATS_SERIES_LAYERS): set *POS
 * to 0 before the first call; each call that returns 1 gives a layer
 * type (CAPKIT_LAYER_*, in increasing order; 0 for packets the decoder
 * placed no layer in, or whose type is CAPKIT_STATS_BIN_LAYERS or more)
 * with the packets and (original) bytes of that top layer in the bin, and
 * advances *POS. Only layers with packets are given. Returns 1, 0 when
 * the bin has no more, or CAPKIT_ENOTFOUND (I out of range, POS NULL, or
 * layers not counted). Only reads S. */
CAPKIT_API int capkit_stats_bin_layer_next(const capkit_stats *s, size_t i,
                                           size_t *pos, int *layer,
                                           uint64_t *packets, uint64_t *bytes);

/* ---- reports --------------------------------------------------------- */

/* The layouts of capkit_stats_write(), as capkit stats prints them. */
#define CAPKIT_STATS_TEXT 0 /* the summary and every table, in columns */
#define CAPKIT_STATS_JSON 1 /* one JSON object with every table, one line */
#define CAPKIT_STATS_CSV 2  /* one table (report.table), a header line */

/* What to write; start from CAPKIT_STATS_REPORT_INIT. */
typedef struct capkit_stats_report {
  uint32_t size; /* sizeof(capkit_stats_report) of the caller */
  int format;    /* CAPKIT_STATS_TEXT, _JSON or _CSV */
  /* CSV: the table, one of hierarchy, eth, ip, tcp, udp (conversations),
   * talkers, endpoints-eth, endpoints-ip, endpoints-tcp, endpoints-udp,
   * sizes, throughput (capkit_stats_table_known). Read during the call. */
  const char *table;
  size_t top;   /* TEXT, JSON: rows of the conversation and talker tables,
                   0 for all; CSV lists every row */
  int ethernet; /* TEXT, JSON: the Ethernet conversations too */
  /* The accumulator whose time series is written (NULL: the one written);
   * for instance one counted again on a grid from the earliest packet
   * (capkit_stats_regrid). */
  const capkit_stats *series;
} capkit_stats_report;

#define CAPKIT_STATS_REPORT_INIT                                               \
  { .size = (uint32_t)sizeof(capkit_stats_report), .top = 10 }

/* Where a report goes: called with each block of text in order (not
 * NUL-terminated, valid during the call only); returns 0, or non-zero to
 * report a write error (the rest of the report is then not passed on). */
typedef int (*capkit_stats_write_fn)(void *user, const void *data,
                                     size_t len);

/* Write the report REP of S through FN(USER, ...). Times are seconds
 * relative to the earliest packet (the summary's absolute times in UTC);
 * percentages have two decimals; bytes are original lengths. Only reads
 * S (see thread safety above); keeps at most about 64 KiB of text at a
 * time. Returns 0, CAPKIT_EMISUSE (a NULL argument, a size too small, an
 * unknown format or CSV table), CAPKIT_ENOMEM, or CAPKIT_EIO when FN
 * reported an error. */
CAPKIT_API int capkit_stats_write(const capkit_stats *s,
                                  const capkit_stats_report *rep,
                                  capkit_stats_write_fn fn, void *user);

/* 1 when TABLE names a CSV table of capkit_stats_report, else 0. */
CAPKIT_API int capkit_stats_table_known(const char *table);

/* tshark cuts the series from the earliest packet; an accumulator cuts it
 * from its origin (the first record, unless set). Returns 1, with *ORIGIN
 * set to the earliest time, when a record older than the origin was added
 * (the series of another accumulator with that origin, fed the same
 * records, is then the one tshark shows); else 0. Only reads S. */
CAPKIT_API int capkit_stats_regrid(const capkit_stats *s, capkit_time *origin);

/* ---- counting several inputs ----------------------------------------- */

/* One accumulator over several inputs read in turn (the records of all of
 * them counted together, as capkit stats does), with the time series cut
 * the way tshark cuts it: from the earliest packet. One pass cuts it from
 * the first; when an older packet comes later, capkit_stats_run_finish()
 * counts the times again on a grid from the earliest: regular files are
 * read a second time, the other inputs (standard input, pipes) from their
 * times and lengths kept in a temporary file during the first pass
 * (without one, their bins stay on the first packet's grid).
 *
 *   capkit_stats_run *run = capkit_stats_run_new(&set, flt);
 *   for each input: open R (and prepare FLT for its link type), then
 *     rc = capkit_stats_run_read(run, r, path, &rec);
 *   capkit_stats_run_finish(run);
 *   capkit_stats_write(capkit_stats_run_stats(run), &rep, fn, user) with
 *     rep.series = capkit_stats_run_series(run);
 *   capkit_stats_run_free(run);
 *
 * Not locked: one thread at a time per handle. */
typedef struct capkit_stats_run capkit_stats_run;
struct capkit_filter; /* filter.h */

/* A new run counting into a new accumulator made with SET (NULL: the
 * defaults). FLT (or NULL: every record) is used, not owned, and must
 * outlive the run. Returns NULL when out of memory or when SET is invalid
 * (as capkit_stats_new). */
CAPKIT_API capkit_stats_run *capkit_stats_run_new(
    const capkit_stats_settings *set, struct capkit_filter *flt);

/* Count the records of R (open, its filter prepared by the caller) that
 * pass the filter, up to R's end. PATH is the file R reads: a regular file
 * is read again by name when the series needs it; anything else (NULL,
 * "-", a pipe) gets its times kept. REC is the caller's record (size set),
 * left on the last record read. Returns 0 at the clean end, or negative:
 * the reader's error code (its message in capkit_reader_error) or
 * capkit_filter_match's error (CAPKIT_EFILTER for REC), the records before
 * it counted; or CAPKIT_ENOMEM or CAPKIT_EIO when counting itself failed
 * (out of memory, the temporary file could not be written), with the
 * reason in capkit_stats_run_error(). */
CAPKIT_API int capkit_stats_run_read(capkit_stats_run *run, capkit_reader *r,
                                     const char *path, capkit_record *rec);

/* Why counting failed ("out of memory", "temporary file: write error"),
 * or "" when it did not. Valid until the next call on RUN. */
CAPKIT_API const char *capkit_stats_run_error(const capkit_stats_run *run);

/* After the last input: when a packet older than the first one was
 * counted, count the series again from the earliest packet (errors of the
 * inputs read again are not reported: the first pass met them). Returns 0,
 * or CAPKIT_ENOMEM (the series then stays the first pass's). */
CAPKIT_API int capkit_stats_run_finish(capkit_stats_run *run);

/* The accumulator of every record counted; owned by RUN, valid until
 * capkit_stats_run_free(). */
CAPKIT_API const capkit_stats *
capkit_stats_run_stats(const capkit_stats_run *run);

/* The accumulator whose series to show (capkit_stats_report.series): the
 * one counted again by capkit_stats_run_finish(), or NULL when the first
 * pass's series is the one (owned by RUN). */
CAPKIT_API const capkit_stats *
capkit_stats_run_series(const capkit_stats_run *run);

/* Free RUN, its accumulators and its temporary file; NULL is accepted. */
CAPKIT_API void capkit_stats_run_free(capkit_stats_run *run);

#ifdef __cplusplus
}
#endif
#endif
