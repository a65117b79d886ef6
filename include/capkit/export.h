/* export.h - per-packet field export: pick fields by name (the field
 * visitor's names, "tcp.dport", or Wireshark's for the same values,
 * "tcp.dstport"), then get each record's values as typed text, ready for
 * CSV, TSV or NDJSON rows that a database loads (`capkit export`).
 *
 *   capkit_exporter *x = capkit_exporter_new();
 *   capkit_exporter_add(x, "frame.time_epoch");
 *   capkit_exporter_add(x, "ip.src");
 *   while (capkit_reader_next(r, &rec) > 0) {
 *     capkit_exporter_row(x, &rec);
 *     for (size_t c = 0; c < capkit_exporter_columns(x); c++)
 *       for (size_t k = 0; k < capkit_exporter_count(x, c); k++)
 *         ... capkit_exporter_value(x, c, k, &len) ...
 *   }
 *
 * Thread safety: an exporter is used by one thread at a time; different
 * exporters are independent; the field list (capkit_export_field) is
 * static and thread-safe. No call starts a thread. */
#ifndef CAPKIT_EXPORT_H
#define CAPKIT_EXPORT_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include <capkit/capkit.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Column types: how a value's text is to be read. */
typedef enum capkit_export_type {
  CAPKIT_EXPORT_INTEGER = 1, /* decimal integer (also flags, checksums and
                                booleans 0/1) */
  CAPKIT_EXPORT_DECIMAL = 2, /* exact decimal number: seconds with nine
                                fraction digits ("1338882754.996790000") */
  CAPKIT_EXPORT_TEXT = 3,    /* text: addresses in their usual notation,
                                names; raw packet text as found (any bytes:
                                escape it for the output format) */
} capkit_export_type;

typedef struct capkit_exporter capkit_exporter;

/* An exporter with no columns; NULL if out of memory. */
CAPKIT_API capkit_exporter *capkit_exporter_new(void);
/* Frees; accepts NULL. */
CAPKIT_API void capkit_exporter_free(capkit_exporter *x);

/* Add a column, before the first row. NAME is a field of the list below
 * (capkit_export_field), or a Wireshark name for the same value
 * (capkit_export_alias). Returns 0, CAPKIT_ENOTFOUND (unknown name; the
 * message in capkit_exporter_error() suggests the nearest), CAPKIT_ENOMEM
 * or CAPKIT_EMISUSE after the first row. */
CAPKIT_API int capkit_exporter_add(capkit_exporter *x, const char *name);

/* Which occurrences a column keeps when a packet holds the field more than
 * once (tunnels, VLAN stacks): 'a' all (the default, as tshark), 'f' the
 * first, 'l' the last. Returns 0 or CAPKIT_EINVAL. */
CAPKIT_API int capkit_exporter_set_occurrence(capkit_exporter *x, int which);

/* The columns: count, the name as added, and the type. */
CAPKIT_API size_t capkit_exporter_columns(const capkit_exporter *x);
CAPKIT_API const char *capkit_exporter_column_name(const capkit_exporter *x,
                                                   size_t col);
CAPKIT_API capkit_export_type
capkit_exporter_column_type(const capkit_exporter *x, size_t col);

/* Fill the columns from one record (decoded by its interface's link type,
 * checksums verified). Frame fields: frame.time_relative and
 * frame.time_delta count from the first and the previous record given to
 * this exporter. Returns 0 or CAPKIT_ENOMEM. Allocates only while values
 * grow past any seen before. */
CAPKIT_API int capkit_exporter_row(capkit_exporter *x,
                                   const capkit_record *rec);

/* The current row: how many values column COL holds (0: the packet has no
 * such field), and value K as text (not NUL-terminated; *len its length),
 * valid until the next row or capkit_exporter_free(). */
CAPKIT_API size_t capkit_exporter_count(const capkit_exporter *x, size_t col);
CAPKIT_API const char *capkit_exporter_value(const capkit_exporter *x,
                                             size_t col, size_t k, size_t *len);

/* ---- rows as text: TSV, CSV (RFC 4180) and NDJSON ---- */

#define CAPKIT_EXPORT_TSV 0
#define CAPKIT_EXPORT_CSV 1
#define CAPKIT_EXPORT_NDJSON 2

/* How rows are laid out; start from CAPKIT_EXPORT_LAYOUT_INIT. */
typedef struct capkit_export_layout {
  uint32_t size;   /* sizeof(capkit_export_layout) of the caller */
  int format;      /* CAPKIT_EXPORT_TSV, _CSV or _NDJSON */
  char separator;  /* between columns; 0: tab (TSV), ',' (CSV) */
  char aggregator; /* between the values of one column; 0: ',' */
} capkit_export_layout;

#define CAPKIT_EXPORT_LAYOUT_INIT                                              \
  { .size = (uint32_t)sizeof(capkit_export_layout) }

/* The current row as one line of text (with its newline): *text (not
 * NUL-terminated, *len bytes) is owned by the exporter and valid until the
 * next row, format call or free.
 *   TSV: a tab, newline or backslash in a value becomes \t, \n, \\.
 *   CSV: a value is quoted when it holds the separator, a quote, CR or LF
 *        (or joins several values with an aggregator equal to the
 *        separator); quotes inside are doubled.
 *   Both: bytes that are not well-formed UTF-8 become U+FFFD, other
 *        control characters '.'.
 *   NDJSON: one object, keys as added; integers and decimals as JSON
 *        numbers, text as JSON strings (capkit_json_string), several
 *        values as an array, a missing field as null.
 * Returns 0, CAPKIT_ENOMEM, or CAPKIT_EMISUSE (NULL, size too small,
 * unknown format). */
CAPKIT_API int capkit_exporter_format_row(capkit_exporter *x,
                                          const capkit_export_layout *lay,
                                          const char **text, size_t *len);
/* The header line of the columns' names (TSV, CSV; "" for NDJSON), as
 * capkit_exporter_format_row returns its text. */
CAPKIT_API int capkit_exporter_format_header(capkit_exporter *x,
                                             const capkit_export_layout *lay,
                                             const char **text, size_t *len);

/* The layout format named NAME: "tsv", "csv", "ndjson" or "jsonl" (the
 * same as ndjson): CAPKIT_EXPORT_TSV, _CSV or _NDJSON, or CAPKIT_EINVAL
 * for NULL and any other text. Thread-safe. */
CAPKIT_API int capkit_export_format_parse(const char *name);
/* One of tshark's -E settings, "NAME=VALUE", applied to X and LAY:
 *   header=y|n         *HEADER set to 1 or 0 (whether the caller writes
 *                      the header line; HEADER may be NULL otherwise)
 *   separator=C        LAY->separator: one character, or \t or /t (tab)
 *   aggregator=C       LAY->aggregator, the same way
 *   occurrence=a|f|l   capkit_exporter_set_occurrence()
 *   quote=d|n          accepted: values are quoted as CSV needs them
 * Returns 0, or CAPKIT_EINVAL (nothing changed) for another name or
 * value, a missing '=', or a NULL X, LAY or SETTING. */
CAPKIT_API int capkit_exporter_setting(capkit_exporter *x,
                                       capkit_export_layout *lay,
                                       const char *setting, int *header);

/* The loop of `capkit export` for one input: a row of LAYOUT for every
 * record of R that F matches (F NULL: every record; prepared for R's link
 * type by the caller), written to OUT, each row right after its record is
 * read. Returns 0 at R's clean end, CAPKIT_ENOMEM, CAPKIT_EMISUSE (NULL,
 * bad layout), R's negative code (message in capkit_reader_error()), or
 * CAPKIT_EFILTER when F does not compile for a record's link type
 * (capkit_filter_error()). On an error *RECORD (may be NULL) is set to
 * the number of the record that was being read (the filter's: that
 * record's). The rows before an error are written; errors in
 * writing are OUT's (ferror). Not thread-safe for one exporter. */
CAPKIT_API int capkit_exporter_write(capkit_exporter *x,
                                     const capkit_export_layout *lay,
                                     capkit_reader *r, capkit_filter *f,
                                     FILE *out, uint64_t *record);

/* The last error message, "" when none. */
CAPKIT_API const char *capkit_exporter_error(const capkit_exporter *x);

/* The fields that can be exported, for listings: entry I (0, 1, ... until
 * it returns NULL) gives its name ("ip.src"), its type and a short
 * description. Static strings. */
CAPKIT_API const char *capkit_export_field(size_t i, capkit_export_type *type,
                                           const char **description);
/* Wireshark's names accepted for the same values: entry I gives the
 * Wireshark name and sets *capkit_name; NULL past the end. */
CAPKIT_API const char *capkit_export_alias(size_t i, const char **capkit_name);

#ifdef __cplusplus
}
#endif
#endif
