/* cmd_sort.c - capkit sort: records in time order (stable), in bounded
 * memory. At most --memory bytes of records wait (in-order ones in a ring,
 * the rest in a heap) while the input streams to the output; a record
 * older than one already written means the disorder is not local, and the
 * input is sorted again externally: sorted runs of --memory bytes in
 * temporary files, merged by a heap. Inputs that are not regular files go
 * straight to the external sort, as they cannot be read twice. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cut.h"

static const char sort_usage[] =
    "usage: capkit sort IN -o OUT [options]\n\n"
    "Sort records by time; records with equal times keep their order (like\n"
    "reordercap). Memory stays bounded for any input: local disorder is\n"
    "sorted on the fly in one pass; otherwise the input is read again and\n"
    "sorted through temporary files (at once for pipes and standard input).\n\n"
    "  -m, --memory SIZE      memory for records (default 16MiB)\n"
    "  -T, --tmpdir DIR       temporary files there (default $TMPDIR or /tmp)\n"
    "  -v, --verbose          say which method was used\n";

typedef struct item {
  int64_t t;
  uint64_t seq;
  uint32_t caplen, origlen, iface_id, flags;
  uint32_t comment_len; /* with the NUL; 0: none */
  uint8_t data[];       /* caplen bytes, then the comment */
} item;

/* Bytes of an item before its data, as written to a run. */
#define HDR offsetof(item, data)

typedef struct sorter {
  uint64_t memory;
  const char *tmpdir;
  int verbose;
} sorter;

static int own(void *ctx, int opt, const char *arg) {
  sorter *s = ctx;
  switch (opt) {
  case 'm':
    if (cli_parse_size(arg, &s->memory) || s->memory < 65536)
      return cli_usage_error("sort", "bad memory size '%s' (at least 64KiB)",
                             arg),
             -1;
    return 0;
  case 'T':
    s->tmpdir = arg;
    return 0;
  case 'v':
    s->verbose = 1;
    return 0;
  }
  return cli_usage_error("sort", "invalid option"), -1;
}

static size_t item_cost(const item *it) {
  return sizeof *it + it->caplen + it->comment_len + 32;
}

static void fill_item(item *it, const capkit_record *rec, uint64_t seq) {
  size_t cl = rec->comment ? strlen(rec->comment) + 1 : 0;
  it->t = capkit_record_time_ns(rec);
  it->seq = seq;
  it->caplen = rec->caplen;
  it->origlen = rec->origlen;
  it->iface_id = rec->iface_id;
  it->flags = rec->flags;
  it->comment_len = (uint32_t)cl;
  if (rec->caplen)
    memcpy(it->data, rec->data, rec->caplen);
  if (cl)
    memcpy(it->data + rec->caplen, rec->comment, cl);
}

static item *item_of(const capkit_record *rec, uint64_t seq) {
  size_t cl = rec->comment ? strlen(rec->comment) + 1 : 0;
  item *it = malloc(sizeof *it + rec->caplen + cl);
  if (it)
    fill_item(it, rec, seq);
  return it;
}

static void record_of(const item *it, capkit_reader *r, capkit_record *rec) {
  capkit_record_init(rec);
  cut_set_time(rec, it->t);
  rec->caplen = it->caplen;
  rec->origlen = it->origlen;
  rec->iface_id = it->iface_id;
  rec->iface = capkit_reader_iface(r, it->iface_id);
  rec->flags = it->flags;
  rec->data = it->data;
  rec->comment = it->comment_len ? (const char *)it->data + it->caplen : NULL;
  rec->number = it->seq + 1;
}

static int item_before(const item *a, const item *b) {
  return a->t != b->t ? a->t < b->t : a->seq < b->seq;
}

static void heap_up(item **h, size_t i) {
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!item_before(h[i], h[p]))
      return;
    item *t = h[i];
    h[i] = h[p];
    h[p] = t;
    i = p;
  }
}

static void heap_down(item **h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, m = i;
    if (l < n && item_before(h[l], h[m]))
      m = l;
    if (l + 1 < n && item_before(h[l + 1], h[m]))
      m = l + 1;
    if (m == i)
      return;
    item *t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

/* Output settings: like the input for classic pcap; for pcapng our own
 * blocks (records come from memory, not from the input's blocks). */
static int open_out(cut_out *o, const cut_common *c, capkit_reader *r) {
  const capkit_file_info *f = capkit_reader_info(r);
  if (strcmp(f->format, "pcap") == 0 && (!c->format ||
                                          strcmp(c->format, "pcap") == 0))
    return cut_out_open_like("sort", o, c->out, r, c, 0);
  int ns = 0;
  for (size_t i = 0; i < capkit_reader_iface_count(r); i++)
    if (capkit_reader_iface(r, i)->tsresol != 6)
      ns = 1;
  return cut_out_open_spec("sort", o, c->out, c, "pcapng", ns ? 9 : 6, 0, 0, 0,
                           -1);
}

static int cmp_items(const void *a, const void *b) {
  const item *x = *(item *const *)a, *y = *(item *const *)b;
  if (x->t != y->t)
    return x->t < y->t ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

typedef struct run {
  FILE *f;
  item *cur;
  size_t cur_cap;
  char *buf;
} run;

static int run_write(FILE *f, item **v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const item *it = v[i];
    if (fwrite(it, HDR + it->caplen + it->comment_len, 1, f) != 1)
      return -1;
  }
  return fflush(f) == 0 ? 0 : -1;
}

/* Next item of a run: 1, 0 at its end, -1 on a read error. */
static int run_next(run *r) {
  item h;
  size_t got = fread(&h, HDR, 1, r->f);
  if (got != 1)
    return ferror(r->f) ? -1 : 0;
  size_t need = sizeof h + h.caplen + h.comment_len;
  if (need > r->cur_cap) {
    item *n = realloc(r->cur, need);
    if (!n)
      return -1;
    r->cur = n;
    r->cur_cap = need;
  }
  *r->cur = h;
  if (h.caplen + h.comment_len &&
      fread(r->cur->data, h.caplen + h.comment_len, 1, r->f) != 1)
    return -1;
  return 1;
}

static FILE *tmp_file(const char *dir) {
  const char *d = dir ? dir : getenv("TMPDIR");
  if (!d || !*d)
    d = "/tmp";
  size_t n = strlen(d) + 32;
  char *path = malloc(n);
  if (!path)
    return NULL;
  snprintf(path, n, "%s/capkit-sort-XXXXXX", d);
  int fd = mkstemp(path);
  if (fd < 0) {
    free(path);
    return NULL;
  }
  unlink(path); /* gone when closed, whatever happens */
  free(path);
  FILE *f = fdopen(fd, "w+b");
  if (!f)
    close(fd);
  return f;
}

static void free_items(item **v, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(v[i]);
}

/* Records that arrive in order wait in a ring of bytes (no allocation, no
 * heap work: the common case); the others wait in a heap. The next record
 * out is the earlier of the ring's head and the heap's top. */
typedef struct ring {
  uint8_t *buf;
  size_t cap, head, tail, wrap, count, used;
  int64_t last_t; /* time of the newest record in the ring */
} ring;

static size_t item_size(uint32_t caplen, uint32_t cl) {
  return (HDR + caplen + cl + 7) & ~(size_t)7;
}

/* Room for n bytes at the tail, or NULL. */
static item *ring_alloc(ring *r, size_t n) {
  if (r->count == 0)
    r->head = r->tail = r->wrap = 0;
  size_t at;
  if (r->tail >= r->head) {
    if (r->cap - r->tail >= n) {
      at = r->tail;
    } else if (r->head > n) {
      r->wrap = r->tail; /* the data before it ends here */
      at = 0;
    } else {
      return NULL;
    }
  } else if (r->head - r->tail > n) {
    at = r->tail;
  } else {
    return NULL;
  }
  r->tail = at + n;
  r->count++;
  r->used += n;
  return (item *)(void *)(r->buf + at);
}

static item *ring_head(const ring *r) {
  return r->count ? (item *)(void *)(r->buf + r->head) : NULL;
}

static void ring_pop(ring *r) {
  item *it = ring_head(r);
  size_t n = item_size(it->caplen, it->comment_len);
  r->head += n;
  r->used -= n;
  r->count--;
  if (r->wrap && r->head == r->wrap) {
    r->head = 0;
    r->wrap = 0;
  }
}


typedef struct stream {
  ring r;
  item **heap;
  size_t hn, hcap, hused;
  int64_t last; /* time of the last record written */
} stream;

/* Write the earliest waiting record. */
static int emit_one(stream *st, cut_out *o, capkit_reader *rd) {
  item *a = ring_head(&st->r);
  item *b = st->hn ? st->heap[0] : NULL;
  int from_heap = b && (!a || item_before(b, a));
  item *it = from_heap ? b : a;
  capkit_record out = CAPKIT_RECORD_INIT;
  record_of(it, rd, &out);
  st->last = it->t;
  int code = cut_out_write("sort", o, &out);
  if (from_heap) {
    st->heap[0] = st->heap[--st->hn];
    heap_down(st->heap, st->hn, 0);
    st->hused -= item_cost(it);
    free(it);
  } else {
    ring_pop(&st->r);
  }
  return code;
}

/* Where the input's sorted stretches start: the numbers of the records
 * that are older than the record before them. An input made of a few long
 * sorted stretches (captures appended to each other) is merged straight
 * from the input, without temporary files. */
#define MAX_STRETCHES 16
typedef struct stretches {
  uint64_t start[MAX_STRETCHES]; /* record number of each stretch's first */
  size_t n;                      /* 0: unknown or too many */
} stretches;

/* Stream pass. Returns an exit code, or -1 when the disorder is not local
 * (nothing is kept of the output then); *sx then tells the sorted
 * stretches of a regular, uncompressed pcap input when there are few. */
static int sort_stream(const char *path, const cut_common *c, const sorter *s,
                       stretches *sx) {
  cut_in in;
  int code = cut_in_open("sort", &in, path, c->filter, 0);
  if (code)
    return code;
  cut_out o;
  code = open_out(&o, c, in.r);
  if (code) {
    cut_in_close(&in);
    return code;
  }
  in.pg = progress_new("sort");
  stream st;
  memset(&st, 0, sizeof st);
  st.last = INT64_MIN;
  st.r.last_t = INT64_MIN;
  st.r.cap = (size_t)s->memory;
  st.r.buf = malloc(st.r.cap);
  if (!st.r.buf) {
    cli_err("sort", "out of memory");
    code = EXIT_IO;
  }
  uint64_t seq = 0;
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc = 0;
  int64_t prev = INT64_MIN;
  memset(sx, 0, sizeof *sx);
  const char *fmt = capkit_reader_info(in.r)->format;
  int track = strcmp(fmt, "pcap") == 0 && !capkit_reader_compression(in.r);
  while (!code && (rc = cut_in_next(&in, &rec)) > 0) {
    int64_t t = capkit_record_time_ns(&rec);
    if (track && (sx->n == 0 || t < prev)) {
      if (sx->n < MAX_STRETCHES)
        sx->start[sx->n++] = rec.number;
      else
        track = 0;
    }
    prev = t;
    if (t < st.last) {
      code = -1;
      break;
    }
    size_t need = item_size(rec.caplen,
                            rec.comment ? (uint32_t)strlen(rec.comment) + 1
                                        : 0);
    item *it = NULL;
    if (t >= st.r.last_t && need <= st.r.cap / 4) {
      /* In order: into the ring, making room by writing out. */
      while (!(it = ring_alloc(&st.r, need)) && !code)
        code = emit_one(&st, &o, in.r);
      if (code)
        break;
      fill_item(it, &rec, seq++);
      st.r.last_t = t;
    } else {
      it = item_of(&rec, seq++);
      if (!it || (st.hn == st.hcap &&
                  !(st.heap = realloc(st.heap, (st.hcap = st.hcap ? st.hcap * 2
                                                                  : 1024) *
                                                    sizeof *st.heap)))) {
        free(it);
        cli_err("sort", "out of memory");
        code = EXIT_IO;
        break;
      }
      st.heap[st.hn++] = it;
      heap_up(st.heap, st.hn - 1);
      st.hused += item_cost(it);
    }
    while (!code && st.r.used + st.hused > s->memory)
      code = emit_one(&st, &o, in.r);
  }
  if (rc < 0 && !code)
    code = cut_in_report("sort", &in, rc);
  /* Drain: everything left is newer than what was written. */
  while ((code == 0 || code == EXIT_DATA) && !o.failed &&
         (st.r.count || st.hn)) {
    int e = emit_one(&st, &o, in.r);
    if (e)
      code = e;
  }
  free_items(st.heap, st.hn);
  free(st.heap);
  free(st.r.buf);
  progress_done(in.pg);
  if (code == -1) {
    cut_out_finish("sort", &o, EXIT_IO); /* discarded */
    /* Find the rest of the stretches: headers only, nothing written. A
     * damaged input is left to the external sort, which reports it. */
    while (track && (rc = cut_in_next(&in, &rec)) > 0) {
      int64_t t = capkit_record_time_ns(&rec);
      if (t < prev) {
        if (sx->n < MAX_STRETCHES)
          sx->start[sx->n++] = rec.number;
        else
          track = 0;
      }
      prev = t;
    }
    if (!track || rc < 0)
      sx->n = 0;
  } else {
    code = cut_out_finish("sort", &o, code);
    if (s->verbose && code == 0)
      fprintf(stderr, "capkit sort: sorted in one pass\n");
  }
  cut_in_close(&in);
  return code;
}

static int run_before(const void *ctx, size_t a, size_t b) {
  const run *runs = ctx;
  return item_before(runs[a].cur, runs[b].cur);
}

static int sort_external(const char *path, const cut_common *c,
                         const sorter *s) {
  cut_in in;
  int code = cut_in_open("sort", &in, path, c->filter, 0);
  if (code)
    return code;
  in.pg = progress_new("sort");
  item **v = NULL;
  size_t n = 0, cap = 0, used = 0;
  run *runs = NULL;
  size_t n_runs = 0;
  uint64_t seq = 0;
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc;
  for (;;) {
    rc = cut_in_next(&in, &rec);
    if (rc > 0) {
      item *it = item_of(&rec, seq++);
      if (!it || (n == cap && !(v = realloc(v, (cap = cap ? cap * 2 : 1024) *
                                                   sizeof *v)))) {
        free(it);
        cli_err("sort", "out of memory");
        code = EXIT_IO;
        break;
      }
      v[n++] = it;
      used += item_cost(it);
    }
    if (rc <= 0 && rc != 0 && !code)
      code = cut_in_report("sort", &in, rc);
    int spill = used > s->memory || (rc <= 0 && n_runs > 0 && n > 0);
    if (spill && (code == 0 || code == EXIT_DATA)) {
      qsort(v, n, sizeof *v, cmp_items);
      run *nr = realloc(runs, (n_runs + 1) * sizeof *nr);
      FILE *f = nr ? tmp_file(s->tmpdir) : NULL;
      if (nr)
        runs = nr;
      if (!f || run_write(f, v, n)) {
        cli_err("sort", "cannot write a temporary file in %s: %s",
                s->tmpdir ? s->tmpdir : "$TMPDIR", strerror(errno));
        if (f)
          fclose(f);
        code = EXIT_IO;
        break;
      }
      memset(&runs[n_runs], 0, sizeof *runs);
      runs[n_runs++].f = f;
      free_items(v, n);
      n = 0;
      used = 0;
    }
    if (rc <= 0 || code)
      break;
  }
  progress_done(in.pg);
  cut_out o;
  memset(&o, 0, sizeof o);
  if (code == 0 || code == EXIT_DATA) {
    int e = open_out(&o, c, in.r);
    if (e)
      code = e;
  }
  if ((code == 0 || code == EXIT_DATA) && n_runs == 0) {
    /* It all fitted in memory. */
    qsort(v, n, sizeof *v, cmp_items);
    for (size_t i = 0; i < n && o.w; i++) {
      capkit_record out = CAPKIT_RECORD_INIT;
      record_of(v[i], in.r, &out);
      int e = cut_out_write("sort", &o, &out);
      if (e) {
        code = e;
        break;
      }
    }
  } else if ((code == 0 || code == EXIT_DATA) && o.w) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < n_runs + 64) {
      rl.rlim_cur = rl.rlim_max < n_runs + 64 ? rl.rlim_max : n_runs + 64;
      setrlimit(RLIMIT_NOFILE, &rl);
    }
    size_t bufsz = (size_t)(s->memory / (n_runs + 1));
    if (bufsz < 4096)
      bufsz = 4096;
    if (bufsz > ((size_t)1 << 20))
      bufsz = (size_t)1 << 20;
    size_t *h = calloc(n_runs, sizeof *h);
    size_t hn = 0;
    for (size_t i = 0; h && i < n_runs; i++) {
      rewind(runs[i].f);
      runs[i].buf = malloc(bufsz);
      if (runs[i].buf)
        setvbuf(runs[i].f, runs[i].buf, _IOFBF, bufsz);
      int k = run_next(&runs[i]);
      if (k < 0) {
        code = EXIT_IO;
        break;
      }
      if (k > 0)
        h[hn++] = i;
    }
    if (!h)
      code = EXIT_IO;
    for (size_t i = hn / 2; i-- > 0;)
      cut_heap_down(h, hn, i, run_before, runs);
    while (hn > 0 && code != EXIT_IO) {
      run *r = &runs[h[0]];
      capkit_record out = CAPKIT_RECORD_INIT;
      record_of(r->cur, in.r, &out);
      int e = cut_out_write("sort", &o, &out);
      if (e) {
        code = e;
        break;
      }
      int k = run_next(r);
      if (k < 0) {
        cli_err("sort", "cannot read a temporary file: %s", strerror(errno));
        code = EXIT_IO;
        break;
      }
      if (k == 0)
        h[0] = h[--hn];
      cut_heap_down(h, hn, 0, run_before, runs);
    }
    free(h);
  }
  if (s->verbose && code == 0)
    fprintf(stderr, "capkit sort: sorted through %zu temporary run%s\n",
            n_runs, n_runs == 1 ? "" : "s");
  code = cut_out_finish("sort", &o, code);
  for (size_t i = 0; i < n_runs; i++) {
    fclose(runs[i].f);
    free(runs[i].buf);
    free(runs[i].cur);
  }
  free(runs);
  free_items(v, n);
  free(v);
  cut_in_close(&in);
  return code;
}

/* Merge the sorted stretches of a pcap input, each read by its own reader
 * of the same file: equal times keep their order (the earlier stretch
 * first), as in the external sort, whose output this is byte for byte. */
typedef struct stretch {
  cut_in in;
  capkit_record rec;
  uint64_t end; /* number of the first record past it; 0: the input's end */
  int64_t t;
} stretch;

/* Next record of stretch x into x->rec: 1, 0 at its end, or a negative
 * code. */
static int stretch_next(stretch *x) {
  int rc = cut_in_next(&x->in, &x->rec);
  if (rc > 0 && x->end && x->rec.number >= x->end)
    return 0;
  if (rc > 0)
    x->t = capkit_record_time_ns(&x->rec);
  return rc;
}

static int stretch_before(const void *ctx, size_t a, size_t b) {
  const stretch *v = ctx;
  return v[a].t != v[b].t ? v[a].t < v[b].t : a < b;
}

static int sort_stretches(const char *path, const cut_common *c,
                          const sorter *s, const stretches *sx) {
  size_t k = sx->n;
  stretch *v = calloc(k, sizeof *v);
  size_t *h = calloc(k, sizeof *h);
  size_t opened = 0, hn = 0;
  int code = v && h ? EXIT_OK : EXIT_IO;
  if (code)
    cli_err("sort", "out of memory");
  /* A small read-ahead each keeps memory bounded. */
  size_t window = ((size_t)4 << 20) / k;
  if (window > ((size_t)2 << 20))
    window = (size_t)2 << 20;
  if (window < ((size_t)256 << 10))
    window = (size_t)256 << 10;
  for (; !code && opened < k; opened++) {
    stretch *x = &v[opened];
    capkit_record_init(&x->rec);
    code = cut_in_open("sort", &x->in, path, c->filter, window);
    if (code)
      break;
    x->end = opened + 1 < k ? sx->start[opened + 1] : 0;
    int rc;
    while ((rc = cut_in_next(&x->in, &x->rec)) > 0 &&
           x->rec.number < sx->start[opened])
      ;
    if (rc < 0) {
      code = cut_in_report("sort", &x->in, rc);
      break;
    }
    if (rc > 0) {
      x->t = capkit_record_time_ns(&x->rec);
      h[hn++] = opened;
    }
  }
  if (code) {
    for (size_t i = 0; i < opened; i++)
      cut_in_close(&v[i].in);
    free(v);
    free(h);
    return code;
  }
  cut_out o;
  code = open_out(&o, c, v[0].in.r);
  for (size_t i = hn / 2; !code && i-- > 0;)
    cut_heap_down(h, hn, i, stretch_before, v);
  v[0].in.pg = code ? NULL : progress_new("sort");
  while (!code && hn > 0) {
    stretch *x = &v[h[0]];
    /* As the external sort writes it: the record's values, not its
     * on-disk header. */
    capkit_record out = CAPKIT_RECORD_INIT;
    out.ts_sec = x->rec.ts_sec;
    out.ts_nsec = x->rec.ts_nsec;
    out.caplen = x->rec.caplen;
    out.origlen = x->rec.origlen;
    out.iface_id = x->rec.iface_id;
    out.iface = capkit_reader_iface(v[0].in.r, x->rec.iface_id);
    out.flags = x->rec.flags;
    out.data = x->rec.data;
    code = cut_out_write("sort", &o, &out);
    if (code)
      break;
    int rc = stretch_next(x);
    if (rc < 0) {
      code = cut_in_report("sort", &x->in, rc);
      break;
    }
    if (rc == 0)
      h[0] = h[--hn];
    cut_heap_down(h, hn, 0, stretch_before, v);
  }
  progress_done(v[0].in.pg);
  code = cut_out_finish("sort", &o, code); /* no writer: code stands */
  if (s->verbose && code == 0)
    fprintf(stderr, "capkit sort: merged %zu sorted stretches of the input\n",
            k);
  for (size_t i = 0; i < k; i++)
    cut_in_close(&v[i].in);
  free(v);
  free(h);
  return code;
}

int cmd_sort(int argc, char **argv) {
  static const struct option opts[] = {
      CUT_COMMON_LONGOPTS,
      {"memory", required_argument, NULL, 'm'},
      {"tmpdir", required_argument, NULL, 'T'},
      {"verbose", no_argument, NULL, 'v'},
      {NULL, 0, NULL, 0}};
  cut_common c;
  memset(&c, 0, sizeof c);
  sorter s = {(uint64_t)16 << 20, NULL, 0};
  int code = cut_parse("sort", argc, argv, opts, CUT_COMMON_SHORT "m:T:v", &c,
                       sort_usage, own, &s);
  if (code != CUT_GO)
    return code;
  if (argc - optind != 1)
    return cli_usage_error("sort", "expected one input file");
  if (!c.out)
    return cli_usage_error("sort", "no output file (-o)");
  const char *path = argv[optind];
  /* Only a regular file can be read a second time; pipes, process
   * substitutions and standard input go to the external sort at once. */
  struct stat st;
  if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
    stretches sx;
    code = sort_stream(path, &c, &s, &sx);
    if (code != -1)
      return code;
    if (sx.n > 1) {
      if (s.verbose)
        fprintf(stderr, "capkit sort: disorder beyond %" PRIu64
                        " bytes: merging the input's sorted stretches\n",
                s.memory);
      return sort_stretches(path, &c, &s, &sx);
    }
    if (s.verbose)
      fprintf(stderr, "capkit sort: disorder beyond %" PRIu64
                      " bytes: sorting through temporary files\n",
              s.memory);
  }
  return sort_external(path, &c, &s);
}
