/* range.c - a reader started at a byte offset: in a classic pcap file the
 * first true record boundary at or after it, found with the scanner from
 * a place far enough before it that the walk is on the capture's own
 * chain of records when it enters the range (how a big file is read as
 * independent byte ranges); other inputs are read up to it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/format.h"
#include "internal.h"
#include "io/compress.h"
#include "scan/scan_int.h"

/* Bytes read at once around the offset, and the most kept in memory. */
#define STEP ((size_t)4 << 20)

/* Bytes [off, off + n) of the source into buf (mapping and memory: a
 * pointer into them; files: pread). Returns how many (short at the end),
 * or a negative CAPKIT_E*. */
static long bytes_at(capkit__src *s, uint64_t off, size_t n, uint8_t *buf,
                     const uint8_t **p) {
  if (s->kind == CAPKIT__SRC_MAP || s->kind == CAPKIT__SRC_MEM) {
    uint64_t size = (uint64_t)(s->end - s->start) + s->base;
    if (off >= size) {
      *p = s->start;
      return 0;
    }
    *p = s->start + (off - s->base);
    return (long)(size - off < n ? size - off : n);
  }
  size_t got = 0;
  while (got < n) {
    ssize_t k = pread(s->fd, buf + got, n - got, (off_t)(off + got));
    if (k < 0 && errno == EINTR)
      continue;
    if (k < 0) {
      s->sys_errno = errno;
      return CAPKIT_EIO;
    }
    if (k == 0)
      break;
    got += (size_t)k;
  }
  *p = buf;
  return (long)got;
}

/* Move the source to offset off (a record boundary, or its size). */
static int move_to(capkit__src *s, uint64_t off) {
  if (s->kind == CAPKIT__SRC_MAP || s->kind == CAPKIT__SRC_MEM) {
    s->cur = s->start + (off - s->base);
    if (s->kind == CAPKIT__SRC_MAP) {
      /* The window maintenance starts again from here. */
      s->released = s->populated = s->pf = s->cur;
      s->maint_at = (uintptr_t)s->cur;
    }
    return 0;
  }
  if (lseek(s->fd, (off_t)off, SEEK_SET) < 0) {
    s->sys_errno = errno;
    return CAPKIT_EIO;
  }
  s->base = off;
  s->start = s->cur = s->end = s->pf = s->buf;
  s->eof = 0;
  return 0;
}

/* Inputs the scanner does not start in the middle of: pcapng (whose
 * packets need the interfaces described before them, anywhere in their
 * section), compressed streams (no byte of the decompressed stream can be
 * reached without those before it), pipes and the rare pcap variants.
 * They are read from the start through the backend, every block's framing
 * checked, the records before offset passed over; the first one at or
 * after it is handed out next. */
static int walk_to(capkit_reader *r, uint64_t offset) {
  capkit_record *h = &r->held;
  for (;;) {
    capkit_record_init(h);
    int rc = r->fmt->next(r, h);
    if (rc < 0)
      return rc; /* the backend has killed the reader with its message */
    if (rc == 0) {
      r->state = CAPKIT__END;
      r->nrec = 0;
      return 0;
    }
    if (h->offset >= offset)
      break;
    r->nrec++; /* messages name the records by their number in the file */
  }
  r->nrec = 0;
  if (strcmp(r->info.format, "pcap") == 0) {
    /* Its record is still in the window: read it again, as the batch
     * walk over classic pcap reads from the window itself. */
    r->src.cur = r->src.start + (h->offset - r->src.base);
    return 1;
  }
  h->number = 1;
  r->have_held = 1;
  return 1;
}

int capkit_reader_open_at(capkit_reader *r, uint64_t offset) {
  if (!r)
    return CAPKIT_EINVAL;
  if (r->state != CAPKIT__OPEN || r->nrec != 0 || r->have_held)
    return CAPKIT_EMISUSE;
  capkit__src *s = &r->src;
  const capkit_file_info *in = &r->info;
  int seekable = s->kind == CAPKIT__SRC_MAP || s->kind == CAPKIT__SRC_MEM ||
                 capkit__src_file_fd(s) >= 0;
  if (strcmp(in->format, "pcap") != 0 || in->record_header_len != 16 ||
      in->lengths_swapped || r->codec != CAPKIT__CODEC_NONE || !seekable ||
      (strcmp(in->variant, "standard") != 0 &&
       strcmp(in->variant, "nanosecond") != 0))
    return walk_to(r, offset);
  uint64_t first = in->header_len;
  if (offset <= first)
    return 1; /* the records start there anyway */
  capkit_scan_layout l = {in->byte_order, in->tsresol, in->linktype,
                          in->snaplen,
                          capkit__reader_caplen_bound(r, in->linktype,
                                                      in->snaplen)};
  capkit_scanner sc;
  capkit__scan_setup(&sc, &l);
  uint64_t reach = (uint64_t)sc.bound + CAPKIT__RHDR;
  /* Start two record lengths' reach before the offset: the true record
   * that covers the offset starts after offset - reach, so the walk from
   * the first boundary found is on the true chain (or has merged into it,
   * when it started on a header-like pattern inside a payload) before it
   * reaches the offset. */
  uint64_t from = offset - first > 2 * reach ? offset - 2 * reach : first;
  uint64_t w64 = (offset - from) + (uint64_t)(sc.chain + 2) * reach;
  if (w64 > STEP + (offset - from))
    w64 = STEP + (offset - from);
  size_t win = (size_t)w64;
  uint64_t size = s->kind == CAPKIT__SRC_BUF
                      ? s->size
                      : (uint64_t)(s->end - s->start) + s->base;
  uint8_t *buf = NULL;
  if (s->kind == CAPKIT__SRC_BUF && !(buf = malloc(win)))
    return capkit__reader_fail(r, CAPKIT_ENOMEM, offset, 0, "out of memory");
  uint64_t at_off = 0;
  int found = 0, rc = 0;
  /* Windows from `from` on, until a boundary at or after offset. */
  while (!found) {
    const uint8_t *p;
    long k = bytes_at(s, from, win, buf, &p);
    if (k < 0) {
      rc = (int)k;
      break;
    }
    size_t n = (size_t)k;
    int at_end = n < win || from + n >= size;
    size_t at;
    if (n == 0 || capkit_scanner_find(&sc, p, n, 0, at_end, &at) != 1) {
      if (at_end)
        break; /* no record starts after offset */
      /* Not in this window: the next one overlaps it by a chain. */
      uint64_t keep = (uint64_t)reach * (sc.chain + 1);
      from += n > keep ? n - keep : n / 2 + 1;
      continue;
    }
    /* Follow the chain by its lengths up to the offset. */
    size_t q = at;
    int broke = 0;
    while (from + q < offset && q <= n && n - q >= CAPKIT__RHDR) {
      capkit__rhdr rh;
      capkit__scan_ld(&sc, p + q, &rh);
      if (!capkit__scan_plausible(&sc, &rh)) {
        broke = 1;
        break;
      }
      q += CAPKIT__RHDR + (size_t)rh.incl;
    }
    if (from + q >= offset) {
      found = from + q < size;
      at_off = found ? from + q : size;
      break;
    }
    if (broke || at_end)
      from += at + 1; /* not the capture's chain after all: look again */
    else
      from += q; /* on the chain still, at the window's end: go on */
  }
  free(buf);
  if (rc)
    return capkit__reader_fail(r, rc, from, 0, "read error: %s",
                               capkit__src_errtext(s, rc));
  if (!found)
    at_off = size;
  if ((rc = move_to(s, at_off)) != 0)
    return capkit__reader_fail(r, rc, at_off, 0, "seek failed: %s",
                               capkit__src_errtext(s, rc));
  return found ? 1 : 0;
}
