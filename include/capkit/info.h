/* info.h - what `capkit info` shows of one capture file: its format
 * details (from the reader), its summary (from a statistics accumulator,
 * stats.h), its pcapng sections and interfaces and, when given, its hashes
 * (digest.h), as text, as one JSON object, or as a row of capinfos -T's
 * table. Every front end gets the same bytes from here.
 *
 *   capkit_stats *st = capkit_stats_new(NULL);
 *   while ((rc = capkit_reader_next(r, &rec)) > 0)
 *     capkit_stats_add(st, &rec, NULL);
 *   capkit_info_options o = CAPKIT_INFO_OPTIONS_INIT;
 *   o.format = CAPKIT_INFO_JSON;
 *   o.name = path;
 *   capkit_info_write(r, st, rc < 0 ? rc : 0, &o, fn, user);
 *
 * Thread safety: capkit_info_write only reads the reader, the accumulator
 * and the digest; it may run beside other calls that only read them. */
#ifndef CAPKIT_INFO_H
#define CAPKIT_INFO_H
#include <stddef.h>
#include <stdint.h>

#include <capkit/capkit.h>
#include <capkit/reader.h>
#include <capkit/stats.h>

#ifdef __cplusplus
extern "C" {
#endif

struct capkit_digest;                     /* digest.h */
typedef struct capkit_stats capkit_stats; /* stats.h */
/* stats.h's write function, repeated (the same type) for when this header
 * is read from within stats.h's own includes. */
typedef int (*capkit_stats_write_fn)(void *user, const void *data,
                                     size_t len);

/* Layouts of capkit_info_write(). */
#define CAPKIT_INFO_TEXT 0  /* "Key:   value" lines, as capkit info */
#define CAPKIT_INFO_JSON 1  /* one JSON object and a newline (info --json) */
#define CAPKIT_INFO_TABLE 2 /* one row of capinfos -T's table (info -T) */

/* What to write; start from CAPKIT_INFO_OPTIONS_INIT. */
typedef struct capkit_info_options {
  uint32_t size; /* sizeof(capkit_info_options) of the caller */
  int format;    /* CAPKIT_INFO_TEXT, _JSON or _TABLE */
  const char *name; /* the file's name as shown (NULL: the reader's) */
  /* The hashes (SHA-256 and SHA-1 of a finished digest) or NULL: none
   * (TEXT and JSON leave them out, TABLE writes "n/a"). */
  const struct capkit_digest *digest;
  /* TABLE only. The columns, capinfos' letters combined with
   * capkit_info_columns(); 0: every column. The file name always comes
   * first. */
  uint32_t columns;
  int header;     /* write the header line (column names) before the row */
  int epoch;      /* start and end time as seconds since the epoch (-S) */
  char separator; /* between cells: 0 or '\t' (default), ',' or ' ' */
  char quote;     /* around cells: 0 (none), '"' or '\'' */
} capkit_info_options;

#define CAPKIT_INFO_OPTIONS_INIT                                               \
  { .size = (uint32_t)sizeof(capkit_info_options) }

/* The table columns capinfos' option letter LETTER selects (t type, E link
 * type, F precision and capture hardware/OS/application, l snaplen and the
 * inferred min/max, c packets, s file size, d data size, u duration,
 * a start, e end, y byte rate, i bit rate, z mean packet size, x packet
 * rate, H SHA256 and SHA1, o strict time order, k comment), as bits for
 * capkit_info_options.columns; 0 for any other character. */
CAPKIT_API uint32_t capkit_info_columns(int letter);

/* Write what is known of R's file through FN(USER, ...) (stats.h's write
 * function: called with blocks of text, returns non-zero on a write
 * error). ST is the accumulator of its records (counted by original
 * length; its summary and interface counts are used). ERROR is 0, or the
 * negative code that ended the reading: the text then ends with the
 * reader's message, the JSON object holds it with its code, offset and
 * record. A reader whose open failed (no file information) gives, in JSON,
 * the object of the name and the error only (ST may then be NULL), and
 * nothing in TEXT and TABLE. Times are UTC with the file's precision
 * (microseconds or nanoseconds). Returns 0, CAPKIT_EMISUSE (a NULL
 * argument, a size too small, an unknown format), CAPKIT_ENOMEM, or
 * CAPKIT_EIO when FN reported an error. */
CAPKIT_API int capkit_info_write(const capkit_reader *r,
                                 const capkit_stats *st, int error,
                                 const capkit_info_options *opt,
                                 capkit_stats_write_fn fn, void *user);

/* ---- one call per file: what capkit info does ---- */

/* capkit_info_path() flags. */
#define CAPKIT_INFO_HASHES 1u /* SHA-256 and SHA-1 of the file as stored */

/* A handle for capkit_info_path(): it keeps the messages of the last call
 * and whether the table's header line was written. One thread at a time
 * per handle; handles are independent. */
typedef struct capkit_info capkit_info;

/* A new handle; NULL when memory runs out. */
CAPKIT_API capkit_info *capkit_info_new(void);
/* Frees INFO and its messages; NULL is fine. */
CAPKIT_API void capkit_info_free(capkit_info *info);

/* Reads the capture file PATH ("-": standard input) to its end and writes
 * what `capkit info` shows of it through FN(USER, ...) with capkit_info_write
 * and OPT (its name NULL: PATH is shown; its digest is not used). FILTER
 * (NULL or "": every record) is a tcpdump filter expression: only the
 * records it matches are counted. With CAPKIT_INFO_HASHES in FLAGS a second
 * thread hashes the file during the same pass (not for standard input or
 * a pipe: CAPKIT_EINVAL, after the summary). In TABLE layout the header
 * line (OPT->header) is written once, before the first row the handle
 * writes. A file whose open fails is shown as capkit_info_write shows
 * it (in JSON, its name and error). Nothing is written when FILTER does
 * not compile for the file's link type or memory runs out.
 *
 * Returns 0, or a negative code: the hashing's when it failed (always of
 * CAPKIT_CLASS_SYSTEM: CAPKIT_EIO stands for its usage errors), else the
 * one that ended the reading (the reader's; CAPKIT_EFILTER for a filter
 * that does not compile; CAPKIT_ENOMEM), the records before it counted
 * and shown. Every failure, and a layout that ran out of memory, leaves
 * a message: capkit_info_error(). CAPKIT_EMISUSE (and no message) for a
 * NULL INFO, PATH, OPT or FN, or OPT->size too small. */
CAPKIT_API int capkit_info_path(capkit_info *info, const char *path,
                                const char *filter, unsigned flags,
                                const capkit_info_options *opt,
                                capkit_stats_write_fn fn, void *user);
/* The messages of the last capkit_info_path() call in the order they
 * arose, I = 0, 1, ...: "FILE: offset N, record M: what", "bad filter
 * 'EXPR': why", "FILE: record N: filter 'EXPR': why", the hashing's
 * "FILE: what", "out of memory"; NULL past the last (and for a NULL
 * INFO). Valid until the next call on INFO. */
CAPKIT_API const char *capkit_info_error(const capkit_info *info, size_t i);

#ifdef __cplusplus
}
#endif
#endif
