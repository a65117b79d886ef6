/* report.h - a capture at a glance as one self-contained HTML page: the
 * summary of each file (as `capkit info` gives it), an I/O graph stacked by
 * protocol, packet sizes, the protocol hierarchy, conversations and
 * endpoints, TCP health, and the problems a reader met (as `capkit verify`
 * lists them). The counts come from the statistics accumulator of stats.h,
 * so the page holds the numbers `capkit stats` and `capkit info` print.
 *
 *   capkit_report_settings set = CAPKIT_REPORT_SETTINGS_INIT;
 *   capkit_report *rp = capkit_report_new(&set);
 *   capkit_reader *r = capkit_reader_new();
 *   capkit_reader_set_warning_fn(r, capkit_report_on_warning, rp);
 *   capkit_report_begin(rp, path, NULL);
 *   int rc = capkit_reader_open_path(r, path);
 *   capkit_record rec = CAPKIT_RECORD_INIT;
 *   while (rc >= 0 && (rc = capkit_reader_next(r, &rec)) > 0)
 *     capkit_report_add(rp, &rec);
 *   capkit_report_end(rp, r, rc);
 *   capkit_report_write(rp, stdout);
 *
 * Memory is bounded whatever the input: the I/O graph keeps at most
 * max_bins bins (the interval grows, see below), each conversation table
 * and the TCP table at most max_conversations entries (the first ones seen
 * are exact; packets of later ones are counted apart, so a conversation
 * missing from a top list has at most that many packets: the page shows
 * the bound), and at most CAPKIT_REPORT_MAX_NOTES problems and comments are
 * kept per file (all are counted), strings from a file to their first
 * 256 bytes (comments 500). The page is under 2 MiB whatever the input and
 * the settings: the first CAPKIT_REPORT_FULL_FILES files get every chart
 * and table while they fit, later ones their summary and problem counts,
 * and files past the size are named as left out.
 *
 * Thread safety: a report is not locked; one thread at a time per report.
 * Different reports are independent. */
#ifndef CAPKIT_REPORT_H
#define CAPKIT_REPORT_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <capkit/capkit.h>
#include <capkit/reader.h>
#include <capkit/record.h>
#include <capkit/stats.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Warnings, damaged places and packet comments listed per file, each (the
 * rest are counted). */
#define CAPKIT_REPORT_MAX_NOTES 50
/* Files that get every chart and table; later files get their summary and
 * problems only, which keeps the page small. */
#define CAPKIT_REPORT_FULL_FILES 8

/* Flags of capkit_report_settings. COMBINED: a combined view of every
 * file as well (each record is counted twice). */
#define CAPKIT_REPORT_COMBINED 0x1u

/* Settings, read once by capkit_report_new(). Start from
 * CAPKIT_REPORT_SETTINGS_INIT. */
typedef struct capkit_report_settings {
  uint32_t size;            /* sizeof(capkit_report_settings) of the caller */
  unsigned flags;           /* CAPKIT_REPORT_ bits */
  uint64_t interval_ns;     /* I/O graph bin width, 1..1e18 ns; 0: automatic:
                               the smallest round width that keeps the capture
                               within max_bins bins (1 or 2 x 10^k from 1 us
                               to 20 s, then 1, 2, 10, 20 min, 1, 2, 6, 12 h,
                               1 day, doubling after). A given width is
                               doubled as often as max_bins needs. */
  size_t max_bins;          /* 10..100000 (each bin takes 400 bytes); 0: 300 */
  size_t top;               /* rows of each top list, 1..100; 0: 10 */
  size_t max_conversations; /* per table, 0: 20000 (some 2.4 MB each) */
  const char *title;        /* copied; NULL: "capkit report" */
} capkit_report_settings;

#define CAPKIT_REPORT_SETTINGS_INIT                                            \
  { .size = (uint32_t)sizeof(capkit_report_settings) }

typedef struct capkit_report capkit_report;
typedef struct capkit_stats capkit_stats; /* stats.h */
struct capkit_packet;                     /* decode.h */

/* A new, empty report; SET may be NULL for the defaults. Returns NULL when
 * out of memory or when the settings are invalid (size too small, unknown
 * flags, a value out of range). Free with capkit_report_free(). */
CAPKIT_API capkit_report *capkit_report_new(const capkit_report_settings *set);
/* Free a report; NULL is accepted. */
CAPKIT_API void capkit_report_free(capkit_report *rp);

/* Start the part of one input file. NAME is shown as is (copied; escaped
 * in the page). R is its reader or NULL: begin before opening it, so that
 * the warnings of its file header reach capkit_report_on_warning(); its
 * file information is copied once it is open (here or at
 * capkit_report_end()). Returns 0, CAPKIT_ENOMEM or CAPKIT_EMISUSE (NULL
 * report or name, or a file already started). */
CAPKIT_API int capkit_report_begin(capkit_report *rp, const char *name,
                                   const capkit_reader *r);

/* Count one record of the current file (and of the combined view). Makes
 * no allocation in the common case. Returns 0, CAPKIT_ENOMEM (the record
 * is counted in the summary but perhaps not in every table; the report
 * stays usable) or CAPKIT_EMISUSE (no file started, a bad record). */
CAPKIT_API int capkit_report_add(capkit_report *rp, const capkit_record *rec);

/* A reader warning of the current file: a capkit_warning_fn, so that
 * capkit_reader_set_warning_fn(r, capkit_report_on_warning, rp) lists the
 * reader's findings (time going backwards, caplen over snaplen, reserved
 * fields...) with their offset and record number. REPORT is the
 * capkit_report; a call outside a file is ignored. */
CAPKIT_API void capkit_report_on_warning(void *report, int warning,
                                         uint64_t offset, uint64_t record,
                                         const char *message);

/* A damaged place of the current file found after the reader stopped (by
 * capkit_repair's events, for instance): its offset and length in bytes,
 * the record number it sits before, and what it is (copied). Returns 0,
 * CAPKIT_ENOMEM or CAPKIT_EMISUSE. */
CAPKIT_API int capkit_report_damage(capkit_report *rp, uint64_t offset,
                                    uint64_t length, uint64_t record,
                                    const char *what);

/* End the current file. R is its reader (or NULL) and RC how its reading
 * (or opening) ended: 0 (the end), or a negative code: then the reader's
 * error (message, offset, record) is shown as the place where the file
 * stops. The file information and the pcapng sections and interfaces
 * (with their comments) are copied from R. Returns
 * 0, CAPKIT_ENOMEM or CAPKIT_EMISUSE (no file started). */
CAPKIT_API int capkit_report_end(capkit_report *rp, const capkit_reader *r,
                                 int rc);

/* The whole part of one input file, as capkit report reads it: begin,
 * open PATH ("-": standard input, shown as "stdin"), count its records
 * that pass FILTER (a tcpdump filter expression; NULL or "": every
 * record) and its reader's warnings, list every damaged place of a
 * damaged regular file (as capkit_repair finds them), end. Returns 0 (read
 * to its end), or negative with the message in capkit_report_error(): a
 * reader's code (the file did not open or is damaged: its part shows what
 * came before and where it stops), CAPKIT_EFILTER (FILTER is bad or does
 * not compile for the file's link type: the part holds what came before)
 * or CAPKIT_ENOMEM. */
CAPKIT_API int capkit_report_add_path(capkit_report *rp, const char *path,
                                      const char *filter);

/* The message of the last failed capkit_report_add_path(), "" when none:
 * the reader's ("FILE: offset N, record M: what"), "bad filter 'EXPR':
 * why", "FILE: record N: filter 'EXPR': why" or "out of memory". Valid
 * until the next call on RP. */
CAPKIT_API const char *capkit_report_error(const capkit_report *rp);

/* Files begun so far. */
CAPKIT_API size_t capkit_report_file_count(const capkit_report *rp);
/* The statistics of file I (0-based), or of the combined view for
 * I == SIZE_MAX (NULL without CAPKIT_REPORT_COMBINED); NULL out of range.
 * Valid until the next add or free. */
CAPKIT_API const capkit_stats *capkit_report_stats(const capkit_report *rp,
                                                   size_t i);

/* Where the page goes: write N bytes, return 0 or a negative value (the
 * write stops and capkit_report_write_fn returns CAPKIT_EIO). */
typedef int (*capkit_report_sink)(void *user, const void *buf, size_t n);

/* Render the page (UTF-8 HTML, no outside resource) into SINK, or into F
 * (not closed; the caller checks its errors on fclose). May be called more
 * than once, also between files. Returns 0, CAPKIT_ENOMEM, CAPKIT_EIO (the
 * sink failed) or CAPKIT_EMISUSE (a file still open, NULL arguments). */
CAPKIT_API int capkit_report_write_fn(const capkit_report *rp,
                                      capkit_report_sink sink, void *user);
CAPKIT_API int capkit_report_write(const capkit_report *rp, FILE *f);

/* ---- TCP health (estimates) ------------------------------------------ */

/* Per TCP conversation (the outermost TCP header over IPv4 or IPv6) and in
 * total: SYN, FIN and RST segments, zero windows (window 0 on a segment
 * without SYN, FIN or RST, as Wireshark's tcp.analysis.zero_window), and
 * estimates from sequence numbers alone (no reassembly, no SACK):
 * a segment that starts before the highest sequence already seen in its
 * direction is out of order when it comes within 3 ms of the segment
 * before it in that direction, else a retransmission (keep-alives, one
 * byte just below that sequence, are neither); a segment that starts after
 * it means bytes were not captured (lost). */
typedef struct capkit_tcp_health capkit_tcp_health;

typedef struct capkit_tcp_counts {
  uint64_t packets, syn, fin, rst, zero_window;
  uint64_t retransmissions, out_of_order, lost; /* estimates */
} capkit_tcp_counts;

/* One conversation; A is the source of its first segment. */
typedef struct capkit_tcp_conv_health {
  uint8_t addr_len; /* 4 or 16 */
  uint8_t a[16], b[16];
  uint16_t port_a, port_b;
  capkit_tcp_counts n;
} capkit_tcp_conv_health;

/* A new table of at most MAX conversations (0: 20000; about 140 bytes
 * each, touched as they come); NULL when out of memory. Free with
 * capkit_tcp_health_free() (NULL accepted). */
CAPKIT_API capkit_tcp_health *capkit_tcp_health_new(size_t max);
CAPKIT_API void capkit_tcp_health_free(capkit_tcp_health *h);
/* Count one record; PKT is the record decoded by capkit_decode_record(), or
 * NULL to decode it here. Returns 0 or CAPKIT_EMISUSE. Allocates only
 * when the table's index grows (out of memory, the segment's conversation
 * is then counted as untracked). */
CAPKIT_API int capkit_tcp_health_add(capkit_tcp_health *h,
                                     const capkit_record *rec,
                                     const struct capkit_packet *pkt);
/* Totals over every TCP segment into *OUT; *UNTRACKED gets the segments
 * of conversations that did not fit in the table (counted in the flag
 * totals, not in the estimates). */
CAPKIT_API void capkit_tcp_health_totals(const capkit_tcp_health *h,
                                         capkit_tcp_counts *out,
                                         uint64_t *untracked);
/* Conversations in first-seen order; the I-th is valid until the next add
 * or free (NULL out of range). */
CAPKIT_API size_t capkit_tcp_health_count(const capkit_tcp_health *h);
CAPKIT_API const capkit_tcp_conv_health *
capkit_tcp_health_at(const capkit_tcp_health *h, size_t i);

#ifdef __cplusplus
}
#endif
#endif
