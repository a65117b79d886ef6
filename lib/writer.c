/* writer.c - the format-blind front end of writing: settings, a sink that
 * only becomes the named file on a successful close, and the backend. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/format.h"
#include "io/compress.h"
#include "internal.h"
#include "util/buf.h"

capkit_writer *capkit_writer_new(void) {
  capkit_writer *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->sink.fd = -1;
  w->fmt = capkit__format_by_name("pcap");
  w->set.byte_order = CAPKIT_BO_NATIVE;
  w->set.precision = 6;
  w->set.snaplen = 262144;
  w->set.fcs_len = -1;
  return w;
}

void capkit_writer_free(capkit_writer *w) {
  if (!w)
    return;
  if (w->fmt && w->fmt->wfree)
    w->fmt->wfree(w);
  if (w->sink.buf)
    capkit__sink_abort(&w->sink);
  if (w->copy_from)
    w->copy_from->copy_to = NULL;
  free(w->set.comment);
  for (int i = 0; i < 3; i++)
    free(w->set.shb_strs[i]);
  free(w->name);
  free(w);
}

int capkit__writer_fail(capkit_writer *w, int code, const char *fmt, ...) {
  int n = snprintf(w->errmsg, sizeof w->errmsg, "%s: ",
                   w->name ? w->name : "output");
  if (n < 0)
    n = 0;
  va_list ap;
  va_start(ap, fmt);
  if ((size_t)n < sizeof w->errmsg)
    vsnprintf(w->errmsg + n, sizeof w->errmsg - (size_t)n, fmt, ap);
  va_end(ap);
  w->err = code;
  w->err_off = w->sink.total;
  w->state = CAPKIT__DEAD;
  return code;
}

void capkit__writer_warn_(capkit_writer *w, int warning, const char *fmt,
                          ...) {
  char msg[CAPKIT__MSG];
  uint64_t off = w->sink.total, rec = w->nrec + 1;
  int n = snprintf(msg, sizeof msg, "%s: offset %llu, record %llu: ",
                   w->name ? w->name : "output", (unsigned long long)off,
                   (unsigned long long)rec);
  if (n < 0)
    n = 0;
  va_list ap;
  va_start(ap, fmt);
  if ((size_t)n < sizeof msg)
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
  va_end(ap);
  w->warn_fn(w->warn_user, warning, off, rec, msg);
}

#define SETTER_GUARD(w)                                                        \
  do {                                                                         \
    if (!(w))                                                                  \
      return CAPKIT_EINVAL;                                                    \
    if ((w)->state != CAPKIT__NEW)                                             \
      return CAPKIT_EMISUSE;                                                   \
  } while (0)

int capkit_writer_set_warning_fn(capkit_writer *w, capkit_warning_fn fn,
                                 void *user) {
  SETTER_GUARD(w);
  w->warn_fn = fn;
  w->warn_user = user;
  return 0;
}

int capkit_writer_set_format(capkit_writer *w, const char *format) {
  SETTER_GUARD(w);
  const capkit__format *f = format ? capkit__format_by_name(format) : NULL;
  if (!f || !f->write)
    return CAPKIT_EINVAL;
  w->fmt = f;
  return 0;
}

int capkit_writer_set_byte_order(capkit_writer *w, capkit_byte_order bo) {
  SETTER_GUARD(w);
  if (bo != CAPKIT_BO_NATIVE && bo != CAPKIT_BO_LITTLE && bo != CAPKIT_BO_BIG)
    return CAPKIT_EINVAL;
  w->set.byte_order = bo;
  return 0;
}

int capkit_writer_set_precision(capkit_writer *w, unsigned digits) {
  SETTER_GUARD(w);
  if (digits != 6 && digits != 9)
    return CAPKIT_EINVAL;
  w->set.precision = digits;
  w->set.precision_set = 1;
  return 0;
}

int capkit_writer_set_snaplen(capkit_writer *w, uint32_t snaplen) {
  SETTER_GUARD(w);
  if (snaplen == 0)
    return CAPKIT_EINVAL;
  w->set.snaplen = snaplen;
  w->set.truncate = 1;
  return 0;
}

int capkit_writer_set_linktype(capkit_writer *w, uint32_t linktype) {
  SETTER_GUARD(w);
  if (linktype > 0xffff)
    return CAPKIT_EINVAL;
  w->set.linktype = linktype;
  w->set.linktype_set = 1;
  w->set.relabel = 1;
  return 0;
}

int capkit_writer_set_fcs_len(capkit_writer *w, int fcs_len) {
  SETTER_GUARD(w);
  if (fcs_len < -1 || fcs_len > 30 || (fcs_len > 0 && fcs_len % 2))
    return CAPKIT_EINVAL;
  w->set.fcs_len = fcs_len;
  w->set.fcs_set = 1;
  return 0;
}

int capkit_writer_set_compression(capkit_writer *w, const char *codec,
                                  int level) {
  SETTER_GUARD(w);
  int c = capkit__codec_by_name(codec);
  if (c < 0 || level < 0 || level > 22 ||
      (c == CAPKIT__CODEC_GZIP && level > 9))
    return CAPKIT_EINVAL;
  w->set.codec = c;
  w->set.codec_set = 1;
  w->set.codec_level = level;
  return 0;
}

int capkit_writer_set_sync(capkit_writer *w, int sync) {
  SETTER_GUARD(w);
  w->sink.sync = sync;
  return 0;
}

int capkit_writer_copy_settings(capkit_writer *w, const capkit_reader *r) {
  SETTER_GUARD(w);
  const capkit_file_info *in = capkit_reader_info(r);
  if (!in)
    return CAPKIT_EINVAL;
  const capkit__format *f = capkit__format_by_name(in->format);
  if (!f || !f->write)
    return CAPKIT_EINVAL;
  w->fmt = f;
  w->set.info = *in;
  w->set.copied = 1;
  w->set.byte_order = in->byte_order;
  w->set.precision = in->tsresol == 9 ? 9 : 6;
  w->set.snaplen = in->snaplen;
  w->set.truncate = 0;
  w->set.linktype = in->linktype;
  /* A pcapng file with several interfaces has no one link type: a writer
   * holding one (pcap) takes it from the first record instead. */
  w->set.linktype_set = strcmp(in->format, "pcapng") != 0 ||
                        capkit_reader_iface_count(r) <= 1;
  w->set.fcs_len = in->fcs_len;
  /* Link the two so a pcapng writer can take the blocks after the last
   * record (statistics, ...) on close; an earlier link is replaced. */
  capkit_reader *rr = (capkit_reader *)r;
  if (w->copy_from)
    w->copy_from->copy_to = NULL;
  if (rr->copy_to)
    rr->copy_to->copy_from = NULL;
  rr->copy_to = w;
  w->copy_from = rr;
  return 0;
}

int capkit_writer_set_comment(capkit_writer *w, const char *comment) {
  SETTER_GUARD(w);
  char *c = NULL;
  if (comment && !(c = capkit__strdup(comment)))
    return CAPKIT_ENOMEM;
  free(w->set.comment);
  w->set.comment = c;
  w->set.comment_set = 1;
  return 0;
}

int capkit_writer_set_section_info(capkit_writer *w, const char *hardware,
                                   const char *os, const char *userappl) {
  SETTER_GUARD(w);
  const char *in[3] = {hardware, os, userappl};
  char *c[3] = {NULL, NULL, NULL};
  for (int i = 0; i < 3; i++)
    if (in[i] && !(c[i] = capkit__strdup(in[i]))) {
      free(c[0]);
      free(c[1]);
      return CAPKIT_ENOMEM;
    }
  for (int i = 0; i < 3; i++) {
    free(w->set.shb_strs[i]);
    w->set.shb_strs[i] = c[i];
  }
  return 0;
}

static int set_name(capkit_writer *w, const char *name) {
  free(w->name);
  w->name = capkit__strdup(name);
  return w->name ? 0 : CAPKIT_ENOMEM;
}

static int opened(capkit_writer *w, int rc, const char *what) {
  if (!rc && w->set.codec) {
    rc = capkit__sink_compress(&w->sink, w->set.codec, w->set.codec_level);
    if (rc) {
      capkit__sink_abort(&w->sink);
      w->sink.sys_errno = 0;
    }
  }
  if (rc) {
    int e = w->sink.sys_errno;
    return capkit__writer_fail(w, rc, "cannot %s: %s", what,
                               e ? strerror(e) : capkit_strerror(rc));
  }
  w->no_extras = strcmp(w->fmt->name, "pcap") == 0;
  w->state = CAPKIT__OPEN;
  return 0;
}

int capkit_writer_open_path(capkit_writer *w, const char *path) {
  if (!w || !path)
    return CAPKIT_EINVAL;
  if (w->state != CAPKIT__NEW)
    return CAPKIT_EMISUSE;
  if (set_name(w, strcmp(path, "-") == 0 ? "stdout" : path))
    return CAPKIT_ENOMEM;
  if (!w->set.codec_set)
    w->set.codec = capkit__codec_of_name(path);
  return opened(w, capkit__sink_open_path(&w->sink, path), "create");
}

int capkit_writer_open_fd(capkit_writer *w, int fd, const char *name) {
  if (!w)
    return CAPKIT_EINVAL;
  if (w->state != CAPKIT__NEW)
    return CAPKIT_EMISUSE;
  char tmp[32];
  if (!name) {
    snprintf(tmp, sizeof tmp, "fd %d", fd);
    name = tmp;
  }
  if (set_name(w, name))
    return CAPKIT_ENOMEM;
  return opened(w, capkit__sink_open_fd(&w->sink, fd), "write");
}

static int header(capkit_writer *w, const capkit_record *first) {
  int rc = w->fmt->wopen(w, first);
  if (rc < 0)
    return rc;
  w->header_done = 1;
  return 0;
}

/* Refuses (CAPKIT_ETOOBIG) a record longer than libpcap and Wireshark
 * accept whatever the file's snaplen: 262144 bytes, 128 MiB for D-Bus
 * (libpcap's max_snaplen_for_dlt), after the cut to a snaplen set on w. */
static int over_bound(capkit_writer *w, const capkit_record *rec) {
  uint32_t caplen = rec->caplen;
  if (w->set.truncate && caplen > w->set.snaplen)
    caplen = w->set.snaplen;
  uint32_t lt = rec->iface && !w->set.relabel ? rec->iface->linktype
                                              : w->set.linktype;
  uint32_t bound = lt == 231 ? 128u << 20 : 262144;
  if (caplen <= bound)
    return 0;
  return capkit__writer_fail(
      w, CAPKIT_ETOOBIG,
      "record %llu: captured length %u is above the %u bytes readers accept "
      "(a snaplen of at most %u cuts it)",
      (unsigned long long)(w->nrec + 1), caplen, bound, bound);
}

/* What any format loses of a record: the bytes past the snaplen, and in
 * a format without them, its comment and flags. */
static void lossy_record(capkit_writer *w, const capkit_record *rec) {
  if (w->set.truncate && rec->caplen > w->set.snaplen)
    capkit__writer_warn(w, CAPKIT_W_RECORD_CUT,
                        "%u captured bytes cut to the snaplen, %u",
                        rec->caplen, w->set.snaplen);
  if (w->no_extras && (rec->comment || rec->flags))
    capkit__writer_warn(w, CAPKIT_W_OPTION_DROPPED,
                        "%s left out: the %s format has no place for it",
                        rec->comment ? "comment" : "flags", w->fmt->name);
}

uint8_t *capkit_writer_reserve(capkit_writer *w, size_t n) {
  if (!w)
    return NULL;
  w->resv = NULL;
  if (w->state != CAPKIT__OPEN || !w->header_done || !w->inplace_hdr ||
      n > SIZE_MAX - w->inplace_hdr)
    return NULL;
  uint8_t *p;
  int rc = capkit__sink_reserve(&w->sink, w->inplace_hdr + n, &p);
  if (rc) {
    int e = w->sink.sys_errno;
    capkit__writer_fail(w, rc, "write failed: %s",
                        e ? strerror(e) : capkit_strerror(rc));
    return NULL;
  }
  if (!p)
    return NULL;
  w->resv = p + w->inplace_hdr;
  w->resv_len = n;
  return w->resv;
}

int capkit_writer_write(capkit_writer *w, const capkit_record *rec) {
  if (!w || !rec || (rec->caplen && !rec->data))
    return CAPKIT_EINVAL;
  /* The room of capkit_writer_reserve, if rec's data is in it and nothing
   * was written since (so the bytes are still there, at the buffer's
   * end). */
  uint8_t *resv = w->resv;
  w->resv = NULL;
  w->inplace = NULL;
  if (resv && rec->data == resv) {
    if (rec->caplen > w->resv_len)
      return CAPKIT_EINVAL;
    if (resv - w->inplace_hdr != w->sink.buf + w->sink.len)
      return CAPKIT_EMISUSE;
    w->inplace = resv;
  }
  if (rec->size < CAPKIT__RECORD_V1_SIZE)
    return CAPKIT_EMISUSE;
  if (w->state != CAPKIT__OPEN)
    return w->state == CAPKIT__DEAD && w->err ? w->err : CAPKIT_EMISUSE;
  if (over_bound(w, rec))
    return w->err;
  if (!w->header_done) {
    int rc = header(w, rec);
    if (rc < 0)
      return rc;
  }
  if (w->warn_fn)
    lossy_record(w, rec);
  int rc = w->fmt->write(w, rec);
  w->inplace = NULL;
  if (rc < 0) {
    w->err_rec = w->nrec + 1;
    return rc;
  }
  w->nrec++;
  return 0;
}

int capkit_writer_flush(capkit_writer *w) {
  if (!w)
    return CAPKIT_EINVAL;
  w->resv = NULL;
  if (w->state != CAPKIT__OPEN)
    return w->state == CAPKIT__DEAD && w->err ? w->err : CAPKIT_EMISUSE;
  if (!w->header_done)
    return 0;
  int rc = capkit__sink_flush(&w->sink);
  if (rc) {
    int e = w->sink.sys_errno;
    return capkit__writer_fail(w, rc, "write failed: %s",
                               e ? strerror(e) : capkit_strerror(rc));
  }
  return 0;
}

int capkit_writer_write_stats(capkit_writer *w, const capkit_iface *iface,
                              uint32_t iface_id,
                              const capkit_iface_stats *st) {
  if (!w || !st)
    return CAPKIT_EINVAL;
  w->resv = NULL;
  if (w->state != CAPKIT__OPEN)
    return w->state == CAPKIT__DEAD && w->err ? w->err : CAPKIT_EMISUSE;
  if (!w->fmt->wstats)
    return 0;
  if (!w->header_done) {
    /* The header as if a record of this interface came first, so that no
     * anonymous interface is described before it. */
    capkit_record first = CAPKIT_RECORD_INIT;
    first.iface = iface;
    first.iface_id = iface_id;
    int rc = header(w, &first);
    if (rc < 0)
      return rc;
  }
  return w->fmt->wstats(w, iface, iface_id, st);
}

int capkit_writer_close(capkit_writer *w) {
  if (!w)
    return CAPKIT_EINVAL;
  w->resv = NULL;
  if (w->state != CAPKIT__OPEN)
    return w->state == CAPKIT__DEAD && w->err ? w->err : CAPKIT_EMISUSE;
  int rc = 0;
  if (!w->header_done)
    rc = header(w, NULL);
  if (!rc && w->fmt->wclose)
    rc = w->fmt->wclose(w);
  if (rc < 0) {
    capkit__sink_abort(&w->sink);
    return rc;
  }
  rc = capkit__sink_close(&w->sink);
  if (rc) {
    int e = w->sink.sys_errno;
    return capkit__writer_fail(w, rc, "cannot finish writing: %s",
                               e ? strerror(e) : capkit_strerror(rc));
  }
  w->state = CAPKIT__END;
  return 0;
}

int capkit_writer_remove_temp_files(void) { return capkit__sink_unlink_all(); }

uint64_t capkit_writer_records(const capkit_writer *w) {
  return w ? w->nrec : 0;
}
uint64_t capkit_writer_bytes(const capkit_writer *w) {
  return w ? w->sink.total : 0;
}
const char *capkit_writer_error(const capkit_writer *w) {
  return w ? w->errmsg : "";
}
int capkit_writer_error_code(const capkit_writer *w) { return w ? w->err : 0; }
uint64_t capkit_writer_error_offset(const capkit_writer *w) {
  return w ? w->err_off : 0;
}
uint64_t capkit_writer_error_record(const capkit_writer *w) {
  return w ? w->err_rec : 0;
}
