/* reader.c - the format-blind front end of reading: open a source, let the
 * backends bid on its first bytes, hand out records, keep the error. */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/format.h"
#include "io/compress.h"
#include "internal.h"
#include "util/buf.h"

uint64_t capkit__new_origin(void) {
  static atomic_uint_fast64_t next = 1;
  return (uint64_t)atomic_fetch_add(&next, 1);
}

capkit_reader *capkit_reader_new(void) {
  capkit_reader *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  r->src.fd = -1;
  r->origin = capkit__new_origin();
  return r;
}

static void free_ifaces(capkit_reader *r) {
  for (size_t i = 0; i < r->n_ifaces; i++) {
    capkit_iface *f = r->ifaces[i];
    free((char *)f->name);
    free((char *)f->description);
    free((char *)f->filter);
    free((char *)f->os);
    free(f);
  }
  free(r->ifaces);
  r->ifaces = NULL;
  r->n_ifaces = r->cap_ifaces = 0;
}

void capkit_reader_free(capkit_reader *r) {
  if (!r)
    return;
  if (r->copy_to)
    r->copy_to->copy_from = NULL;
  if (r->fmt && r->fmt->close)
    r->fmt->close(r);
  capkit__src_close(&r->src);
  free_ifaces(r);
  free(r->name);
  free(r);
}

void capkit_reader_set_warning_fn(capkit_reader *r, capkit_warning_fn fn,
                                  void *user) {
  if (!r)
    return;
  r->warn_fn = fn;
  r->warn_user = user;
}

int capkit_reader_set_max_caplen(capkit_reader *r, uint32_t max) {
  if (!r)
    return CAPKIT_EINVAL;
  if (r->state != CAPKIT__NEW)
    return CAPKIT_EMISUSE;
  r->max_caplen = max;
  r->max_caplen_set = max != 0;
  return 0;
}

int capkit_reader_set_window(capkit_reader *r, size_t bytes) {
  if (!r)
    return CAPKIT_EINVAL;
  if (r->state != CAPKIT__NEW)
    return CAPKIT_EMISUSE;
  r->window = bytes ? (bytes < 16384 ? 16384 : bytes) : 0;
  return 0;
}

int capkit_reader_set_mmap(capkit_reader *r, int on) {
  if (!r)
    return CAPKIT_EINVAL;
  if (r->state != CAPKIT__NEW)
    return CAPKIT_EMISUSE;
  r->map = !!on;
  return 0;
}

int capkit_reader_set_no_mmap(capkit_reader *r, int no_mmap) {
  return capkit_reader_set_mmap(r, !no_mmap);
}

static void vformat(capkit_reader *r, char *out, size_t cap, uint64_t offset,
                    uint64_t record, const char *fmt, va_list ap) {
  int n;
  if (record)
    n = snprintf(out, cap, "%s: offset %llu, record %llu: ",
                 r->name ? r->name : "input", (unsigned long long)offset,
                 (unsigned long long)record);
  else
    n = snprintf(out, cap, "%s: offset %llu: ", r->name ? r->name : "input",
                 (unsigned long long)offset);
  if (n < 0)
    n = 0;
  if ((size_t)n < cap)
    vsnprintf(out + n, cap - (size_t)n, fmt, ap);
}

int capkit__reader_fail(capkit_reader *r, int code, uint64_t offset,
                        uint64_t record, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vformat(r, r->errmsg, sizeof r->errmsg, offset, record, fmt, ap);
  va_end(ap);
  r->err = code;
  r->err_off = offset;
  r->err_rec = record;
  r->state = CAPKIT__DEAD;
  return code;
}

void capkit__reader_warn(capkit_reader *r, int warning, uint64_t offset,
                         uint64_t record, const char *fmt, ...) {
  if (!r->warn_fn)
    return;
  char msg[CAPKIT__MSG];
  va_list ap;
  va_start(ap, fmt);
  vformat(r, msg, sizeof msg, offset, record, fmt, ap);
  va_end(ap);
  r->warn_fn(r->warn_user, warning, offset, record, msg);
}

capkit_iface *capkit__reader_add_iface(capkit_reader *r,
                                       const capkit_iface *ifc) {
  if (r->n_ifaces == r->cap_ifaces) {
    size_t cap = r->cap_ifaces ? r->cap_ifaces * 2 : 4;
    capkit_iface **n = realloc(r->ifaces, cap * sizeof *n);
    if (!n)
      return NULL;
    r->ifaces = n;
    r->cap_ifaces = cap;
  }
  capkit_iface *f = malloc(sizeof *f);
  if (!f)
    return NULL;
  *f = *ifc;
  f->id = (uint32_t)r->n_ifaces;
  f->origin = r->origin;
  f->name = capkit__strdup(ifc->name);
  f->description = capkit__strdup(ifc->description);
  f->filter = capkit__strdup(ifc->filter);
  f->os = capkit__strdup(ifc->os);
  r->ifaces[r->n_ifaces++] = f;
  return f;
}

uint32_t capkit__reader_caplen_bound(const capkit_reader *r, uint32_t linktype,
                                     uint32_t snaplen) {
  if (r->max_caplen_set)
    return r->max_caplen;
  return capkit__caplen_bound(linktype, snaplen);
}

uint32_t capkit__caplen_bound(uint32_t linktype, uint32_t snaplen) {
  const uint32_t big = 128u << 20;
  if (linktype == 231) /* D-Bus messages can be up to 128 MiB */
    return big;
  uint32_t bound = 262144;
  if (snaplen > bound)
    bound = snaplen < big ? snaplen : big;
  return bound;
}

static int open_common(capkit_reader *r, int rc) {
  if (rc) {
    int e = r->src.sys_errno;
    return capkit__reader_fail(r, rc, 0, 0, "%s",
                               e ? strerror(e) : capkit_strerror(rc));
  }
  int fr = capkit__src_fill(&r->src, 4);
  int codec = fr < 0 ? CAPKIT__CODEC_NONE
                     : capkit__codec_of_magic(
                           r->src.cur, (size_t)(r->src.end - r->src.cur));
  if (codec != CAPKIT__CODEC_NONE) {
    /* Compressed: the backends read the decompressed stream. */
    int e = capkit__src_decompress(&r->src, codec);
    if (e)
      return capkit__reader_fail(r, e, 0, 0, "%s", capkit_strerror(e));
    r->codec = codec;
  }
  if (fr >= 0)
    fr = capkit__src_fill(&r->src, CAPKIT__PROBE_BYTES);
  if (fr < 0)
    return capkit__reader_fail(r, fr, 0, 0, "cannot read: %s",
                               capkit__src_errtext(&r->src, fr));
  size_t n = (size_t)(r->src.end - r->src.cur);
  if (n > CAPKIT__PROBE_BYTES)
    n = CAPKIT__PROBE_BYTES;
  const capkit__format *best = NULL;
  int best_bid = 0;
  for (size_t i = 0; capkit__formats[i]; i++) {
    int bid = capkit__formats[i]->probe(r->src.cur, n);
    if (bid > best_bid) {
      best_bid = bid;
      best = capkit__formats[i];
    }
  }
  if (!best) {
    if (n == 0)
      return capkit__reader_fail(r, CAPKIT_EFORMAT, 0, 0,
                                 "empty file: not a capture file");
    if (n < 4) /* no magic to show; padding it with zeros would mislead */
      return capkit__reader_fail(r, CAPKIT_EFORMAT, 0, 0,
                                 "only %zu byte%s: too short for a capture "
                                 "file", n, n == 1 ? "" : "s");
    uint8_t m[4] = {0, 0, 0, 0};
    memcpy(m, r->src.cur, n < 4 ? n : 4);
    return capkit__reader_fail(
        r, CAPKIT_EFORMAT, 0, 0,
        "not a capture file of a known format (first bytes %02x %02x %02x "
        "%02x)",
        m[0], m[1], m[2], m[3]);
  }
  r->fmt = best;
  r->state = CAPKIT__OPEN;
  rc = best->open(r);
  if (rc < 0) {
    r->state = CAPKIT__DEAD;
    return rc;
  }
  r->opened = 1;
  return 0;
}

/* Apply the settings that live in the source before it is opened. */
static capkit__src *src_of(capkit_reader *r) {
  r->src.window = r->window;
  return &r->src;
}

static int set_name(capkit_reader *r, const char *name) {
  free(r->name);
  r->name = capkit__strdup(name);
  return r->name ? 0 : CAPKIT_ENOMEM;
}

int capkit_reader_open_fd(capkit_reader *r, int fd, const char *name) {
  if (!r)
    return CAPKIT_EINVAL;
  if (r->state != CAPKIT__NEW)
    return CAPKIT_EMISUSE;
  char tmp[32];
  if (!name) {
    snprintf(tmp, sizeof tmp, "fd %d", fd);
    name = tmp;
  }
  if (set_name(r, name))
    return CAPKIT_ENOMEM;
  return open_common(r, capkit__src_open_fd(src_of(r), fd, 0, r->map));
}

int capkit_reader_open_path(capkit_reader *r, const char *path) {
  if (!r || !path)
    return CAPKIT_EINVAL;
  if (r->state != CAPKIT__NEW)
    return CAPKIT_EMISUSE;
  if (strcmp(path, "-") == 0) {
    if (set_name(r, "stdin"))
      return CAPKIT_ENOMEM;
    return open_common(r, capkit__src_open_fd(src_of(r), 0, 0, r->map));
  }
  if (set_name(r, path))
    return CAPKIT_ENOMEM;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    return capkit__reader_fail(r, e == ENOMEM ? CAPKIT_ENOMEM : CAPKIT_EOPEN,
                               0, 0, "cannot open: %s", strerror(e));
  }
  return open_common(r, capkit__src_open_fd(src_of(r), fd, 1, r->map));
}

int capkit_reader_open_memory(capkit_reader *r, const void *buf, size_t len,
                              const char *name) {
  if (!r || (!buf && len))
    return CAPKIT_EINVAL;
  if (r->state != CAPKIT__NEW)
    return CAPKIT_EMISUSE;
  if (set_name(r, name ? name : "memory"))
    return CAPKIT_ENOMEM;
  return open_common(r, capkit__src_open_mem(&r->src, buf, len));
}

int capkit_reader_next(capkit_reader *r, capkit_record *rec) {
  if (!r || !rec)
    return CAPKIT_EINVAL;
  if (rec->size < CAPKIT__RECORD_V1_SIZE)
    return CAPKIT_EMISUSE;
  switch (r->state) {
  case CAPKIT__OPEN:
    break;
  case CAPKIT__END:
    return 0;
  case CAPKIT__DEAD:
    return r->err ? r->err : CAPKIT_EMISUSE;
  default:
    return CAPKIT_EMISUSE;
  }
  if (r->have_held) {
    /* The record capkit_reader_open_at stopped at, in the caller's
     * record of its size. */
    uint32_t size = rec->size;
    memcpy(rec, &r->held, size < sizeof r->held ? size : sizeof r->held);
    rec->size = size;
    r->have_held = 0;
    r->nrec++;
    return 1;
  }
  int rc = r->fmt->next(r, rec);
  if (rc > 0) {
    r->nrec++;
    return 1;
  }
  if (rc == 0)
    r->state = CAPKIT__END;
  return rc;
}

const capkit_file_info *capkit_reader_info(const capkit_reader *r) {
  if (!r || !r->opened)
    return NULL;
  return &r->info;
}

size_t capkit_reader_iface_count(const capkit_reader *r) {
  return r ? r->n_ifaces : 0;
}

const capkit_iface *capkit_reader_iface(const capkit_reader *r, size_t i) {
  if (!r || i >= r->n_ifaces)
    return NULL;
  return r->ifaces[i];
}

const char *capkit_reader_name(const capkit_reader *r) {
  return r && r->name ? r->name : "";
}

uint64_t capkit_reader_offset(const capkit_reader *r) {
  if (r && r->have_held)
    return r->held.offset;
  return r ? capkit__src_offset(&r->src) : 0;
}

uint64_t capkit_reader_size(const capkit_reader *r) {
  return r ? r->src.size : 0;
}

const char *capkit_reader_compression(const capkit_reader *r) {
  return r ? capkit__codec_name(r->codec) : NULL;
}

uint64_t capkit_reader_input_offset(const capkit_reader *r,
                                    uint64_t *size) {
  if (!r) {
    if (size)
      *size = 0;
    return 0;
  }
  const capkit__src *s = &r->src;
  if (r->codec) {
    /* The compressed source sits inside the stream stage. */
    const capkit__src *in = capkit__src_inner(s);
    if (size)
      *size = in ? in->size : 0;
    return in ? capkit__src_offset(in) : 0;
  }
  if (size)
    *size = s->size;
  return capkit__src_offset(s);
}

const char *capkit_reader_error(const capkit_reader *r) {
  return r ? r->errmsg : "";
}
int capkit_reader_error_code(const capkit_reader *r) { return r ? r->err : 0; }
uint64_t capkit_reader_error_offset(const capkit_reader *r) {
  return r ? r->err_off : 0;
}
uint64_t capkit_reader_error_record(const capkit_reader *r) {
  return r ? r->err_rec : 0;
}
