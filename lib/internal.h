/* internal.h - the reader and writer handles as the library sees them, and
 * the helpers backends use to report errors and warnings. */
#ifndef CAPKIT_INTERNAL_H
#define CAPKIT_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <capkit/capkit.h>

#include "io/sink.h"
#include "io/src.h"

struct capkit__format;

enum { CAPKIT__NEW, CAPKIT__OPEN, CAPKIT__END, CAPKIT__DEAD };

#define CAPKIT__MSG 512

/* The size of the first version of capkit_record: the smallest a caller
 * may pass (see record.h). Fields added later lie beyond it and are read
 * or filled only when rec->size covers them. */
#define CAPKIT__RECORD_V1_SIZE                                                 \
  (offsetof(capkit_record, extra) + sizeof(const struct capkit_extra *))

struct capkit_reader {
  capkit__src src;
  const struct capkit__format *fmt;
  void *fstate;
  capkit_file_info info;
  capkit_iface **ifaces;
  size_t n_ifaces;
  size_t cap_ifaces;
  char *name;
  int state;
  int opened; /* the header was parsed: info is valid */
  int err;
  uint64_t err_off;
  uint64_t err_rec;
  char errmsg[CAPKIT__MSG];
  capkit_warning_fn warn_fn;
  void *warn_user;
  uint32_t max_caplen;
  uint32_t max_caplen_set;
  int map; /* map regular files (capkit_reader_set_mmap) */
  size_t window; /* read-ahead setting, 0: default */
  int codec;     /* CAPKIT__CODEC_* of the input */
  uint64_t nrec; /* records delivered so far */
  uint64_t origin; /* capkit_iface.origin of its interfaces */
  /* The writer whose settings were copied from this reader (see
   * capkit_writer_copy_settings): a lossless copy of a pcapng file needs
   * the blocks that follow the last record. Cleared when either is freed. */
  struct capkit_writer *copy_to;
  /* capkit_reader_open_at on an input walked from its start: the first
   * record at or after the offset, read already, handed out by the next
   * capkit_reader_next (its bytes stay valid until then). */
  capkit_record held;
  int have_held;
};

/* Record an error: message "NAME: offset N, record M: <fmt>" (", record M"
 * left out when record is 0). Kills the reader; returns code. */
int capkit__reader_fail(capkit_reader *r, int code, uint64_t offset,
                        uint64_t record, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Report a warning to the callback, if any (formatted only then). */
void capkit__reader_warn(capkit_reader *r, int warning, uint64_t offset,
                         uint64_t record, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static inline int capkit__reader_wants_warnings(const capkit_reader *r) {
  return r->warn_fn != NULL;
}
/* A new capkit_iface.origin: unique in the process, never 0, never
 * reused. Thread-safe. */
uint64_t capkit__new_origin(void);
/* Add an interface (copied, strings duplicated, origin set); returns it or
 * NULL. It stays at the same address until the reader is freed. */
capkit_iface *capkit__reader_add_iface(capkit_reader *r,
                                       const capkit_iface *ifc);
/* The caplen bound for a link type and snaplen, unless the caller set one. */
uint32_t capkit__reader_caplen_bound(const capkit_reader *r, uint32_t linktype,
                                     uint32_t snaplen);
/* The default of that bound (libpcap's): 256 KiB, or the snaplen up to
 * 128 MiB, or 128 MiB for D-Bus. */
uint32_t capkit__caplen_bound(uint32_t linktype, uint32_t snaplen);

/* Writer settings, as set by the caller or copied from a reader. */
typedef struct capkit__wsettings {
  capkit_byte_order byte_order;
  unsigned precision; /* 6 or 9 */
  uint32_t snaplen;
  int truncate;     /* snaplen was set: cut longer records */
  int linktype_set; /* linktype known before the first record */
  int relabel;      /* set by the caller: records of any type relabelled */
  uint32_t linktype;
  int fcs_len; /* -1 none */
  int copied;  /* settings copied from a reader: info is valid */
  capkit_file_info info;
  int precision_set; /* set explicitly by the caller (not copied) */
  int fcs_set;       /* set explicitly by the caller (not copied) */
  char *comment;     /* section comment (pcapng), owned, or NULL */
  int comment_set;   /* capkit_writer_set_comment was called */
  int codec;         /* compression, CAPKIT__CODEC_* */
  int codec_set;     /* set by the caller, not told by the name */
  int codec_level;   /* 0: the codec's default */
  char *shb_strs[3]; /* shb_hardware, shb_os, shb_userappl, owned, or NULL */
} capkit__wsettings;

struct capkit_writer {
  capkit__sink sink;
  const struct capkit__format *fmt;
  void *fstate;
  capkit__wsettings set;
  int state;
  int header_done;
  char *name;
  int err;
  uint64_t err_off;
  uint64_t err_rec;
  char errmsg[CAPKIT__MSG];
  capkit_warning_fn warn_fn;
  void *warn_user;
  int no_extras; /* the format keeps no comments or flags (pcap) */
  uint64_t nrec;
  /* capkit_writer_reserve: how many bytes the format puts before a
   * record's data (0: it cannot take records in place); the room handed
   * out (NULL: none) and its size; during a write, the room when the
   * record's data is in it (else NULL). */
  uint32_t inplace_hdr;
  uint8_t *resv;
  size_t resv_len;
  uint8_t *inplace;
  /* The reader the settings were copied from while both are alive (the
   * back link is capkit_reader.copy_to); a pcapng writer takes the blocks
   * after the reader's last record from it on close. */
  capkit_reader *copy_from;
};

/* Fill a spec error (err may be NULL): the column and a message formatted
 * into the calling thread's message storage; append adds to that message;
 * clear sets no error. */
void capkit__spec_error_vset(capkit_spec_error *err, size_t column,
                             const char *fmt, va_list ap);
void capkit__spec_error_set(capkit_spec_error *err, size_t column,
                            const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void capkit__spec_error_append(capkit_spec_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void capkit__spec_error_clear(capkit_spec_error *err);

int capkit__writer_fail(capkit_writer *w, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Report what a write of record number w->nrec + 1 lost to the warning
 * callback, if any (formatted only then): "NAME: offset N, record M:
 * <fmt>". */
void capkit__writer_warn_(capkit_writer *w, int warning, const char *fmt,
                          ...) __attribute__((format(printf, 3, 4)));
/* Nothing is formatted or called when nobody listens. */
#define capkit__writer_warn(w, ...)                                            \
  do {                                                                         \
    if ((w)->warn_fn)                                                          \
      capkit__writer_warn_((w), __VA_ARGS__);                                  \
  } while (0)

#endif
