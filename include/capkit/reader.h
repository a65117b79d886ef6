/* reader.h - open a capture from a path, stdin, a file descriptor or memory,
 * detect its format from its first bytes, and iterate its records.
 * Threads: one thread at a time per reader (records, interfaces, sections
 * and file information included); different readers are independent. A
 * reader starts no thread; its warning callback runs on the thread that
 * called into the reader. */
#ifndef CAPKIT_READER_H
#define CAPKIT_READER_H

#include <stddef.h>
#include <stdint.h>

#include <capkit/record.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct capkit_reader capkit_reader;

/* Byte orders, for file information and writer settings. */
typedef enum capkit_byte_order {
  CAPKIT_BO_NATIVE = 0,
  CAPKIT_BO_LITTLE = 1,
  CAPKIT_BO_BIG = 2,
} capkit_byte_order;

/* Non-fatal anomalies: the record is still delivered (reader) or written
 * (writer), as best it can be. Values are pinned. The first eleven are a
 * reader's, the rest a writer's: what a write lost. */
#define CAPKIT_WARNINGS(X)                                                     \
  X(CAPLEN_GT_ORIGLEN, 1, "captured length larger than original length")      \
  X(CAPLEN_GT_SNAPLEN, 2, "captured length larger than snaplen")              \
  X(TS_FRAC_RANGE, 3, "timestamp fraction out of range")                      \
  X(TS_BACKWARDS, 4, "time goes backwards")                                   \
  X(RESERVED_NONZERO, 5, "reserved field not zero")                           \
  X(LENGTHS_SWAPPED, 6, "captured and original lengths swapped")              \
  X(TRAILING_BYTES, 7, "unknown trailing data")                               \
  X(OPTION, 8, "malformed option")                                            \
  X(UNKNOWN_BLOCK, 9, "unknown block skipped")                                \
  X(SNAPLEN_ZERO, 10, "snaplen is zero")                                      \
  X(VARIANT_GUESS, 11, "record header layout guessed")                       \
  X(RECORD_CUT, 12, "record cut to the snaplen")                              \
  X(TS_ROUNDED, 13, "timestamp rounded to the output's precision")            \
  X(OPTION_DROPPED, 14, "comment, flags or option cut or left out")           \
  X(BLOCK_DROPPED, 15, "block left out of a copy")

typedef enum capkit_warning {
#define CAPKIT__WENUM(name, val, msg) CAPKIT_W_##name = (val),
  CAPKIT_WARNINGS(CAPKIT__WENUM)
#undef CAPKIT__WENUM
} capkit_warning;

/* Static name of a warning ("CAPLEN_GT_ORIGLEN"), NULL if unknown. */
CAPKIT_API const char *capkit_warning_name(int warning);

/* Called for each anomaly, on the thread that made the call on the
 * handle. message is the full text ("FILE: offset N, record M: ..."),
 * valid only during the call. record is 0 for anomalies of the file
 * header. For a writer, offset and record are those of the output. */
typedef void (*capkit_warning_fn)(void *user, int warning, uint64_t offset,
                                  uint64_t record, const char *message);

/* What the reader learned about the file. Filled by a successful open;
 * valid until the reader is freed. For pcapng it describes the first
 * section and first interface; see capkit_reader_iface() for all. Owned
 * by the reader and only handed out by const pointer: later versions may
 * add fields at its end (never allocate one, nor copy it by value). */
typedef struct capkit_file_info {
  const char *format;      /* "pcap" or "pcapng" */
  const char *variant;     /* "standard", "nanosecond", "modified" ... */
  capkit_byte_order byte_order; /* LITTLE or BIG, never NATIVE */
  uint32_t magic;          /* as a number in the file's byte order */
  uint16_t version_major;
  uint16_t version_minor;
  int32_t thiszone;        /* pcap reserved field 1, kept as is */
  uint32_t sigfigs;        /* pcap reserved field 2, kept as is */
  uint32_t snaplen;
  uint32_t linktype;       /* LINKTYPE_ value: lower 16 bits of the field */
  uint32_t linktype_field; /* the whole 32-bit field of the pcap header */
  int32_t fcs_len;         /* bytes, -1 when not recorded */
  uint32_t tsresol;        /* 6 microseconds, 9 nanoseconds */
  uint32_t header_len;     /* bytes of the file header */
  uint32_t record_header_len; /* pcap: 16, 20, 24 or 28 */
  int lengths_swapped;     /* pcap before 2.3: 1 always, 2 when needed */
} capkit_file_info;

/* A new, unopened reader; NULL if out of memory. */
CAPKIT_API capkit_reader *capkit_reader_new(void);
/* Closes and frees; accepts NULL. Records from it become invalid. */
CAPKIT_API void capkit_reader_free(capkit_reader *r);

/* Before open: receive warnings (NULL to stop). */
CAPKIT_API void capkit_reader_set_warning_fn(capkit_reader *r,
                                             capkit_warning_fn fn, void *user);
/* Before open: records with a captured length above this are damage
 * (CAPKIT_ETOOBIG). 0 restores the default: 256 KiB, or the file's snaplen
 * up to 128 MiB when that is larger, or 128 MiB for D-Bus captures. */
CAPKIT_API int capkit_reader_set_max_caplen(capkit_reader *r, uint32_t max);
/* Before open: 1 to map a regular file into memory instead of reading it
 * through a buffer with read() (the default). Mapping saves a copy but is
 * only safe for files nobody shrinks while they are read: a mapped file
 * that another process truncates kills this process with SIGBUS, where
 * read() gives a clean CAPKIT_ETRUNC after the records before the cut.
 * Returns 0, CAPKIT_EINVAL or CAPKIT_EMISUSE (after open). */
CAPKIT_API int capkit_reader_set_mmap(capkit_reader *r, int on);
/* The same as capkit_reader_set_mmap(r, !no_mmap), from version 0.1 (when
 * mapping was the default). */
CAPKIT_API int capkit_reader_set_no_mmap(capkit_reader *r, int no_mmap);
/* Before open: how far ahead the reader keeps input ready, in bytes (0:
 * the default, 2 MiB; values below 16 KiB count as 16 KiB). A mapped file
 * holds about three windows resident at most; files, pipes and compressed
 * inputs use a buffer of at most this size (1 MiB by default). A program reading hundreds of files at once
 * (a merge) sets it small to keep its memory bounded. */
CAPKIT_API int capkit_reader_set_window(capkit_reader *r, size_t bytes);

/* Compressed input: a gzip (first bytes 1f 8b) or zstd (28 b5 2f fd)
 * stream, from any kind of source, is decompressed as it is read, whatever
 * the file's name; concatenated gzip members and zstd frames are one
 * stream. Offsets in records and messages then count decompressed bytes;
 * damage in the compressed data is an error (CAPKIT_EBADREC, or
 * CAPKIT_ETRUNC for a stream cut short) whose message also gives the
 * compressed byte offset, and the records before it are delivered first.
 * Compressed inputs are never mapped whole: memory stays bounded. */

/* Open a file ("-" is standard input). Files and pipes are read through a
 * buffer (regular files mapped only after capkit_reader_set_mmap). Returns 0, or a negative CAPKIT_E* code with the
 * message in capkit_reader_error(). The format is told from the first bytes,
 * never from the name. */
CAPKIT_API int capkit_reader_open_path(capkit_reader *r, const char *path);
/* Open an already open descriptor; the reader does not close it. name is
 * used in messages (NULL: "fd N"). */
CAPKIT_API int capkit_reader_open_fd(capkit_reader *r, int fd,
                                     const char *name);
/* Read a capture held in memory; buf must stay valid while the reader is
 * used. name is used in messages (NULL: "memory"). */
CAPKIT_API int capkit_reader_open_memory(capkit_reader *r, const void *buf,
                                         size_t len, const char *name);

/* Right after open, before the first record: go to the first true record
 * boundary at or after byte offset of the input, so that a big file can be
 * read as independent byte ranges [a, b) (open at a, read while the
 * record's offset is below b: every record is read by exactly one range).
 * Record numbers then count from there (the first record read is 1).
 * Classic pcap (standard and nanosecond) in a regular file or memory,
 * uncompressed: the boundary is found with the record-boundary scanner of
 * scan.h from two caplen bounds before the offset, so that a header-like
 * pattern in a payload (captures that carry pcap) is not taken for one;
 * the cost does not grow with the offset. Every other input (pcapng,
 * whose packets need the interfaces described before them anywhere in
 * their section; gzip and zstd, decompressed from the start with the
 * bytes before the offset discarded; pipes; the rare pcap variants) is
 * read from its start up to the offset, every block checked as a plain
 * read checks it: the cost is that of reading the bytes before the
 * offset, damage before it is an error and the warnings of the records
 * passed over are reported, as in a plain read. Returns 1
 * (capkit_reader_offset is the boundary; the reader may hold that record,
 * read already, until the next capkit_reader_next), 0 when no record
 * starts at or after offset (next then returns 0), CAPKIT_EMISUSE after a
 * record was read or a second time, or another negative code (the reader
 * is then dead, its message says where). */
CAPKIT_API int capkit_reader_open_at(capkit_reader *r, uint64_t offset);

/* Next record: 1 and *rec filled (valid until the next call), 0 at the clean
 * end, or a negative CAPKIT_E* code. After an error the reader is dead:
 * every later call returns the same code. Every complete record before
 * damage is delivered before the error is returned. */
CAPKIT_API int capkit_reader_next(capkit_reader *r, capkit_record *rec);

/* File information; NULL before a successful open. */
CAPKIT_API const capkit_file_info *capkit_reader_info(const capkit_reader *r);
/* Interfaces seen so far (pcap: 1 once open). */
CAPKIT_API size_t capkit_reader_iface_count(const capkit_reader *r);
CAPKIT_API const capkit_iface *capkit_reader_iface(const capkit_reader *r,
                                                   size_t i);
/* Name used in messages (the path, "stdin", ...). */
CAPKIT_API const char *capkit_reader_name(const capkit_reader *r);
/* Byte offset just after the last record delivered (or the header). */
CAPKIT_API uint64_t capkit_reader_offset(const capkit_reader *r);
/* Size of the input when known (regular files, memory), else 0; 0 for
 * compressed inputs (the decompressed size is not known). */
CAPKIT_API uint64_t capkit_reader_size(const capkit_reader *r);
/* "gzip" or "zstd" when the input is compressed, else NULL. */
CAPKIT_API const char *capkit_reader_compression(const capkit_reader *r);
/* Progress through the input as stored: bytes of the file consumed so far
 * (compressed bytes for a compressed input), and in *size (may be NULL)
 * the file's size, 0 when unknown (pipes). */
CAPKIT_API uint64_t capkit_reader_input_offset(const capkit_reader *r,
                                               uint64_t *size);

/* The last error: full message "FILE: offset N, record M: what", its code,
 * byte offset and record number (0 when the error is not about a record).
 * "" / 0 when there was none. Valid until the reader is freed. */
CAPKIT_API const char *capkit_reader_error(const capkit_reader *r);
CAPKIT_API int capkit_reader_error_code(const capkit_reader *r);
CAPKIT_API uint64_t capkit_reader_error_offset(const capkit_reader *r);
CAPKIT_API uint64_t capkit_reader_error_record(const capkit_reader *r);

#ifdef __cplusplus
}
#endif
#endif
