/* writer.h - write records to a capture file: set the options, open (to a
 * temporary name), write, close (flush, check, rename into place).
 * Threads: one thread at a time per writer; different writers are
 * independent. A writer starts one output thread of its own with its first
 * full buffer (1 MiB), which writes while the caller fills the next one and
 * ends with capkit_writer_close() or capkit_writer_free(); zstd output adds
 * compression workers. Callbacks run on the calling thread, never on the
 * output thread. capkit_writer_remove_temp_files() may be called from any
 * thread or signal handler. */
#ifndef CAPKIT_WRITER_H
#define CAPKIT_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include <capkit/reader.h>
#include <capkit/record.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct capkit_writer capkit_writer;

/* A new writer with the defaults: classic pcap, native byte order,
 * microseconds, snaplen 262144 (no truncation), link type taken from the
 * first record's interface (Ethernet if it has none). NULL if out of
 * memory. */
CAPKIT_API capkit_writer *capkit_writer_new(void);
/* Frees; accepts NULL. A writer not closed successfully removes its
 * temporary file: nothing half-written is left. */
CAPKIT_API void capkit_writer_free(capkit_writer *w);

/* Before open: receive a warning (same callback as the reader's) for
 * every write that loses something, so that nothing is lost silently:
 * a record cut to the snaplen (CAPKIT_W_RECORD_CUT), a timestamp rounded
 * to the output's precision (CAPKIT_W_TS_ROUNDED), a comment or flags the
 * format cannot hold or an option too long for it (CAPKIT_W_OPTION_DROPPED),
 * non-packet blocks of a copy left out (CAPKIT_W_BLOCK_DROPPED). Offsets
 * and record numbers are the output's. NULL stops them. Returns 0,
 * CAPKIT_EINVAL or CAPKIT_EMISUSE. */
CAPKIT_API int capkit_writer_set_warning_fn(capkit_writer *w,
                                            capkit_warning_fn fn, void *user);

/* Options, before open; each returns 0 or CAPKIT_EINVAL / CAPKIT_EMISUSE. */
/* "pcap" or "pcapng" (and any other registered output format). */
CAPKIT_API int capkit_writer_set_format(capkit_writer *w, const char *format);
CAPKIT_API int capkit_writer_set_byte_order(capkit_writer *w,
                                            capkit_byte_order bo);
/* 6 (microseconds) or 9 (nanoseconds). Finer times are truncated. */
CAPKIT_API int capkit_writer_set_precision(capkit_writer *w, unsigned digits);
/* The names the tools take for those two settings: "little"/"le",
 * "big"/"be", "native"; "us"/"usec"/"micro"/"6" (6 digits),
 * "ns"/"nsec"/"nano"/"9" (9 digits). Return 0 and *out, or CAPKIT_EINVAL
 * (NULL or another name; *out untouched). Pure functions: any thread. */
CAPKIT_API int capkit_parse_byte_order(const char *s, capkit_byte_order *out);
CAPKIT_API int capkit_parse_precision(const char *s, unsigned *out);
/* Header snaplen; records longer than it are truncated (original length
 * kept). 0 is rejected. */
CAPKIT_API int capkit_writer_set_snaplen(capkit_writer *w, uint32_t snaplen);
/* Link type of the output; records are relabelled, not converted. */
CAPKIT_API int capkit_writer_set_linktype(capkit_writer *w, uint32_t linktype);
/* FCS length in bytes recorded in the header (even, 0..30); -1 none. */
CAPKIT_API int capkit_writer_set_fcs_len(capkit_writer *w, int fcs_len);
/* Take every header setting from an open reader (format, variant, byte
 * order, version, precision, reserved fields, snaplen without truncating,
 * link type field), so that an unchanged copy is byte-identical. For pcapng
 * the writer also re-emits the reader's non-packet blocks (sections,
 * interfaces, name resolution, statistics, secrets, custom blocks) in
 * order, and those after the last record when the reader has reached its
 * end before capkit_writer_close(); the reader may be freed first (those
 * trailing blocks are then left out). */
CAPKIT_API int capkit_writer_copy_settings(capkit_writer *w,
                                           const capkit_reader *r);
/* Section comment (pcapng: opt_comment of the Section Header Block; on a
 * copy it replaces the first section's comments). NULL removes it. The
 * string is copied. Formats without comments ignore it. */
CAPKIT_API int capkit_writer_set_comment(capkit_writer *w,
                                         const char *comment);
/* Compression of the output: "gzip", "zstd" or "none"; level 0 is the
 * codec's default (gzip 6, zstd 3), else 1..9 (gzip) or 1..22 (zstd).
 * Without this call a path ending in ".gz" is written gzip-compressed and
 * one ending in ".zst" zstd-compressed (with a worker thread per processor,
 * up to 8), anything else and descriptors uncompressed. The compressed
 * file is written under a temporary name like any other: a failure leaves
 * nothing behind. Readers recognise both by their first bytes. */
CAPKIT_API int capkit_writer_set_compression(capkit_writer *w,
                                             const char *codec, int level);
/* Strings of the writer's own pcapng section header: shb_hardware,
 * shb_os and shb_userappl (default: none, none, "capkit VERSION"). NULL
 * keeps the default. Copied. Formats without sections ignore them, and a
 * lossless pcapng copy keeps the input's own section headers. */
CAPKIT_API int capkit_writer_set_section_info(capkit_writer *w,
                                              const char *hardware,
                                              const char *os,
                                              const char *userappl);
/* Fsync the file before renaming it into place (off by default). */
CAPKIT_API int capkit_writer_set_sync(capkit_writer *w, int sync);

/* Open for writing: path (written under a temporary name in the same
 * directory and renamed on close) or "-" for standard output. Returns 0
 * or a negative code (message in capkit_writer_error()). */
CAPKIT_API int capkit_writer_open_path(capkit_writer *w, const char *path);
/* Write to an open descriptor, which the writer does not close. */
CAPKIT_API int capkit_writer_open_fd(capkit_writer *w, int fd,
                                     const char *name);

/* Append one record. Returns 0 or a negative code; after an error the
 * writer is dead. rec->iface may be NULL (the file's interface is used).
 * A record longer than libpcap and Wireshark accept whatever the snaplen
 * (262144 bytes; 128 MiB for D-Bus, link type 231) is refused with
 * CAPKIT_ETOOBIG unless a snaplen was set to cut it. Host-order
 * pseudo-header fields (see capkit_iface.byte_order) are swapped when the
 * output's byte order is not the record's. */
CAPKIT_API int capkit_writer_write(capkit_writer *w, const capkit_record *rec);
/* Room for the data of the next record inside the writer's own output
 * buffer, for a caller that builds or edits each record anyway: fill up to
 * n bytes there, set rec->data to the pointer returned and rec->caplen to
 * at most n, and pass rec to capkit_writer_write() as the next call on w;
 * the writer then puts the record header before the bytes instead of
 * copying them (the output is the same byte for byte). Returns NULL when
 * the writer cannot offer such room: a format other than pcap, no record
 * written yet (the file header needs the first), n larger than the buffer,
 * a writer not open, or a failure handing a full buffer to the file (the
 * writer is then dead: capkit_writer_error_code()). After NULL, write from
 * memory of your own as usual. The room is valid until the next call on
 * w; any other call abandons it. A record whose data is the room but whose
 * caplen is above n is refused with CAPKIT_EINVAL. */
CAPKIT_API uint8_t *capkit_writer_reserve(capkit_writer *w, size_t n);
/* Hand what is buffered to the file now (no fsync), so that a process
 * killed later leaves every record written so far in the temporary file,
 * at most the last one cut short. Before the first record (or statistics)
 * there is nothing to flush. Returns 0 or a negative code (the writer is
 * then dead). */
CAPKIT_API int capkit_writer_flush(capkit_writer *w);

/* Interface statistics, as pcapng's Interface Statistics Block holds them.
 * present says which counters are set (CAPKIT_STAT_* bits). The caller
 * builds it: zero the whole struct first (`= {0}` or memset), so that
 * later versions read their fields from the reserved room as zero. */
#define CAPKIT_STAT_IFRECV 0x01u       /* isb_ifrecv */
#define CAPKIT_STAT_IFDROP 0x02u       /* isb_ifdrop */
#define CAPKIT_STAT_FILTERACCEPT 0x04u /* isb_filteraccept */
#define CAPKIT_STAT_OSDROP 0x08u       /* isb_osdrop */
#define CAPKIT_STAT_USRDELIV 0x10u     /* isb_usrdeliv */
typedef struct capkit_iface_stats {
  int64_t ts_sec; /* when the counters were taken */
  uint32_t ts_nsec;
  uint32_t present;
  uint64_t ifrecv, ifdrop, filteraccept, osdrop, usrdeliv;
  uint64_t reserved[4]; /* zero: room for later counters */
} capkit_iface_stats;
/* Append statistics for an interface, named as in records (iface, or
 * iface_id when iface is NULL); a pcapng writer describes the interface
 * first if no record of it was written yet. Formats without statistics
 * (pcap) accept and ignore them. Returns 0 or a negative code. */
CAPKIT_API int capkit_writer_write_stats(capkit_writer *w,
                                         const capkit_iface *iface,
                                         uint32_t iface_id,
                                         const capkit_iface_stats *st);

/* Flush, check, rename into place. Returns 0 or a negative code; on error
 * the temporary file is removed. */
CAPKIT_API int capkit_writer_close(capkit_writer *w);

/* Remove the temporary file of every writer of this process that is open
 * on a path and not yet closed, and return how many were removed. Meant
 * for a handler of SIGINT, SIGTERM or SIGHUP that then ends the process
 * (re-raising the signal), so that an interrupted program leaves neither
 * a temporary file nor a half-written output behind. Async-signal-safe:
 * it takes no lock and allocates nothing. The writers stay as they are;
 * closing one afterwards fails (its file is gone), freeing one is fine. */
CAPKIT_API int capkit_writer_remove_temp_files(void);

/* Records and bytes (file bytes) written so far. */
CAPKIT_API uint64_t capkit_writer_records(const capkit_writer *w);
CAPKIT_API uint64_t capkit_writer_bytes(const capkit_writer *w);
/* The last error, as for readers: the full message ("FILE: what", "" if
 * none), its code, the output byte offset at the failure, and the number
 * of the record being written (0 when the error is not about a record).
 * Valid until the writer is freed. */
CAPKIT_API const char *capkit_writer_error(const capkit_writer *w);
CAPKIT_API int capkit_writer_error_code(const capkit_writer *w);
CAPKIT_API uint64_t capkit_writer_error_offset(const capkit_writer *w);
CAPKIT_API uint64_t capkit_writer_error_record(const capkit_writer *w);

#ifdef __cplusplus
}
#endif
#endif
