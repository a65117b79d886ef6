/* merge.c - the merger: k-way merge of readers by capture time through a
 * binary heap (stable, or mergecap's last-input-first order for equal
 * times), or one input after the other. */
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>
#include <capkit/cut.h>

#include "cut/heap.h"
#include "internal.h"

typedef struct source {
  capkit_reader *r;
  capkit_filter *f;
  capkit_record rec;
  uint64_t first, end; /* record numbers taken: [first, end); end 0: all */
  int ended;
} source;

struct capkit_merger {
  capkit_merge_order order;
  source *in;
  size_t n, cap;
  size_t *heap, hn;
  size_t last;   /* input of the record handed out last; n: none */
  size_t failed;
  int state;     /* 0 adding, 1 merging, 2 done, 3 dead */
  int err;
};

capkit_merger *capkit_merger_new(void) {
  capkit_merger *m = calloc(1, sizeof *m);
  return m;
}

void capkit_merger_free(capkit_merger *m) {
  if (!m)
    return;
  free(m->in);
  free(m->heap);
  free(m);
}

int capkit_merger_set_order(capkit_merger *m, capkit_merge_order order) {
  if (!m || order < CAPKIT_MERGE_STABLE || order > CAPKIT_MERGE_APPEND)
    return CAPKIT_EINVAL;
  if (m->state)
    return CAPKIT_EMISUSE;
  m->order = order;
  return 0;
}

int capkit_merger_add(capkit_merger *m, capkit_reader *r, capkit_filter *f) {
  return capkit_merger_add_range(m, r, f, 0, 0);
}

int capkit_merger_add_range(capkit_merger *m, capkit_reader *r,
                            capkit_filter *f, uint64_t first, uint64_t end) {
  if (!m || !r || (end && end <= first))
    return CAPKIT_EINVAL;
  if (m->state || m->n >= (size_t)INT32_MAX)
    return CAPKIT_EMISUSE;
  if (m->n == m->cap) {
    size_t nc = m->cap ? m->cap * 2 : 8;
    source *ni = realloc(m->in, nc * sizeof *ni);
    if (!ni)
      return CAPKIT_ENOMEM;
    m->in = ni;
    m->cap = nc;
  }
  source *x = &m->in[m->n];
  x->r = r;
  x->f = f;
  x->first = first;
  x->end = end;
  x->ended = 0;
  capkit_record_init(&x->rec);
  return (int)m->n++;
}

size_t capkit_merger_window(size_t n) {
  if (n <= 16)
    return (size_t)1 << 20;
  return ((size_t)16 << 20) / n;
}

static inline int before(const capkit_merger *m, size_t a, size_t b) {
  const capkit_record *x = &m->in[a].rec, *y = &m->in[b].rec;
  if (x->ts_sec != y->ts_sec)
    return x->ts_sec < y->ts_sec;
  if (x->ts_nsec != y->ts_nsec)
    return x->ts_nsec < y->ts_nsec;
  return m->order == CAPKIT_MERGE_TIES_LAST ? a > b : a < b;
}

static void down(capkit_merger *m, size_t i) {
#define BEFORE(a, b) before(m, a, b)
  CAPKIT__HEAP_DOWN(m->heap, m->hn, i, BEFORE);
#undef BEFORE
}

/* The next record of x in its range: 1, 0 past it, or a negative code. */
static int src_next(source *x, capkit_record *rec) {
  if (!x->first && !x->end)
    return capkit_reader_next_match(x->r, x->f, rec);
  if (x->ended)
    return 0;
  int rc;
  while ((rc = capkit_reader_next_match(x->r, x->f, rec)) > 0) {
    if (x->end && rec->number >= x->end)
      break;
    if (rec->number >= x->first)
      return 1;
  }
  if (rc >= 0)
    x->ended = 1;
  return rc > 0 ? 0 : rc;
}

static int fail(capkit_merger *m, size_t i, int rc) {
  m->failed = i;
  m->err = rc;
  m->state = 3;
  return rc;
}

static int start(capkit_merger *m) {
  m->state = 1;
  m->last = m->n;
  if (m->order == CAPKIT_MERGE_APPEND) {
    m->hn = 0; /* the input being read */
    return 0;
  }
  m->heap = malloc((m->n ? m->n : 1) * sizeof *m->heap);
  if (!m->heap)
    return fail(m, 0, CAPKIT_ENOMEM);
  for (size_t i = 0; i < m->n; i++) {
    int rc = src_next(&m->in[i], &m->in[i].rec);
    if (rc < 0)
      return fail(m, i, rc);
    if (rc > 0)
      m->heap[m->hn++] = i;
  }
  for (size_t i = m->hn / 2; i-- > 0;)
    down(m, i);
  return 0;
}

/* Hand input i's record to the caller, in the caller's record size. */
static void give(const capkit_merger *m, size_t i, capkit_record *rec) {
  if (i >= m->n)
    return;
  uint32_t size = rec->size;
  *rec = m->in[i].rec;
  rec->size = size;
}

int capkit_merger_next(capkit_merger *m, capkit_record *rec, size_t *input) {
  if (!m || !rec)
    return CAPKIT_EINVAL;
  if (rec->size < CAPKIT__RECORD_V1_SIZE)
    return CAPKIT_EMISUSE;
  if (m->state == 3)
    return m->err;
  if (m->state == 2)
    return 0;
  if (m->state == 0) {
    int rc = start(m);
    if (rc < 0) {
      give(m, m->failed, rec);
      return rc;
    }
  }
  if (m->order == CAPKIT_MERGE_APPEND) {
    while (m->hn < m->n) {
      source *x = &m->in[m->hn];
      int rc = src_next(x, rec);
      if (rc < 0)
        return fail(m, m->hn, rc);
      if (rc > 0) {
        if (input)
          *input = m->hn;
        return 1;
      }
      m->hn++;
    }
    m->state = 2;
    return 0;
  }
  if (m->last < m->n) {
    /* The record handed out last is done with: that input moves on. */
    size_t i = m->last;
    int rc = src_next(&m->in[i], &m->in[i].rec);
    if (rc < 0) {
      give(m, i, rec);
      return fail(m, i, rc);
    }
    if (rc == 0)
      m->heap[0] = m->heap[--m->hn];
    down(m, 0);
    m->last = m->n;
  }
  if (m->hn == 0) {
    m->state = 2;
    return 0;
  }
  size_t i = m->heap[0];
  m->last = i;
  give(m, i, rec);
  if (input)
    *input = i;
  return 1;
}

size_t capkit_merger_failed(const capkit_merger *m) {
  return m ? m->failed : 0;
}

int capkit_merger_setup_writer(capkit_merger *m, capkit_writer *w,
                               const char *format, uint32_t snaplen,
                               int relabel, size_t *conflict,
                               uint32_t *conflict_lt) {
  if (!m || !w || !m->n)
    return CAPKIT_EINVAL;
  const capkit_file_info *f0 = capkit_reader_info(m->in[0].r);
  int same_lt = 1, all_pcap = 1, ns = 0, same_fcs = 1;
  uint32_t lt = f0->linktype, snap = 0, other_lt = 0;
  size_t other = 0;
  for (size_t i = 0; i < m->n; i++) {
    capkit_reader *r = m->in[i].r;
    const capkit_file_info *f = capkit_reader_info(r);
    all_pcap &= strcmp(f->format, "pcap") == 0;
    same_fcs &= f->fcs_len == f0->fcs_len;
    for (size_t k = 0; k < capkit_reader_iface_count(r); k++) {
      const capkit_iface *ifc = capkit_reader_iface(r, k);
      if (ifc->linktype != lt && same_lt) {
        same_lt = 0;
        other = i;
        other_lt = ifc->linktype;
      }
      ns |= ifc->tsresol != 6;
      snap = ifc->snaplen > snap ? ifc->snaplen : snap;
    }
  }
  same_lt |= relabel != 0; /* everything is relabelled anyway */
  const char *fmt = format ? format : f0->format;
  if (!same_lt && strcmp(fmt, "pcap") == 0) {
    if (format) {
      if (conflict)
        *conflict = other;
      if (conflict_lt)
        *conflict_lt = other_lt;
      return CAPKIT_ELINKTYPE;
    }
    fmt = "pcapng";
  }
  int rc;
  if (m->n == 1 ||
      (all_pcap && same_lt && !strcmp(fmt, "pcap") && same_fcs && !ns)) {
    /* like the first input: one header the others agree with */
    uint32_t cut = snaplen ? snaplen : snap > f0->snaplen ? snap : 0;
    rc = capkit_writer_copy_settings(w, m->in[0].r);
    if (!rc && format)
      rc = capkit_writer_set_format(w, format);
    if (!rc && cut)
      rc = capkit_writer_set_snaplen(w, cut);
    return rc;
  }
  int pcapng = strcmp(fmt, "pcapng") == 0;
  uint32_t cut = snaplen ? snaplen : pcapng ? 0 : snap;
  rc = capkit_writer_set_format(w, fmt);
  if (!rc)
    rc = capkit_writer_set_precision(w, ns ? 9 : 6);
  if (!rc && cut)
    rc = capkit_writer_set_snaplen(w, cut);
  if (!rc && !pcapng && same_lt)
    rc = capkit_writer_set_linktype(w, lt);
  if (!rc && same_fcs && f0->fcs_len >= 0)
    rc = capkit_writer_set_fcs_len(w, f0->fcs_len);
  return rc;
}
