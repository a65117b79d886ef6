/* cmd_sort.c - capkit sort: records in time order (stable), in bounded
 * memory. At most --memory bytes of records wait (in-order ones in a ring,
 * the rest in a heap) while the input streams to the output; a record
 * older than one already written means the disorder is not local, and the
 * input is sorted again: its sorted stretches merged when there are few,
 * else through the library's external sorter. Inputs that are not regular
 * files go straight to the external sort, as they cannot be read twice.
 * Times are compared as (seconds, nanoseconds): any time a file holds. */
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
    "  -n, --check            like reordercap -n: count the records out of\n"
    "                         order (\"N records, M out of order\" on standard\n"
    "                         error) and write no output when there are none\n"
    "  -v, --verbose          say which method was used\n";

typedef struct item {
  int64_t sec;
  uint64_t seq;
  uint32_t nsec, caplen, origlen, iface_id, flags;
  uint32_t comment_len; /* with the NUL; 0: none */
  uint8_t data[];       /* caplen bytes, then the comment */
} item;

/* Bytes of an item before its data, as written to a run. */
#define HDR offsetof(item, data)

typedef struct sorter {
  uint64_t memory;
  const char *tmpdir;
  int verbose, check;
} sorter;

/* Time a before time b. */
static int t_before(int64_t as, uint32_t an, int64_t bs, uint32_t bn) {
  return as != bs ? as < bs : an < bn;
}

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
  case 'n':
    s->check = 1;
    return 0;
  }
  return cli_usage_error("sort", "invalid option"), -1;
}

static size_t item_cost(const item *it) {
  return sizeof *it + it->caplen + it->comment_len + 32;
}

static void fill_item(item *it, const capkit_record *rec, uint64_t seq) {
  size_t cl = rec->comment ? strlen(rec->comment) + 1 : 0;
  it->sec = rec->ts_sec;
  it->nsec = rec->ts_nsec;
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
  rec->ts_sec = it->sec;
  rec->ts_nsec = it->nsec;
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
  if (a->sec != b->sec || a->nsec != b->nsec)
    return t_before(a->sec, a->nsec, b->sec, b->nsec);
  return a->seq < b->seq;
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
  int64_t last_sec; /* time of the newest record in the ring */
  uint32_t last_nsec;
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
  int64_t last_sec; /* time of the last record written */
  uint32_t last_nsec;
} stream;

/* Write the earliest waiting record. */
static int emit_one(stream *st, cut_out *o, capkit_reader *rd) {
  item *a = ring_head(&st->r);
  item *b = st->hn ? st->heap[0] : NULL;
  int from_heap = b && (!a || item_before(b, a));
  item *it = from_heap ? b : a;
  capkit_record out = CAPKIT_RECORD_INIT;
  record_of(it, rd, &out);
  st->last_sec = it->sec;
  st->last_nsec = it->nsec;
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
  st.last_sec = INT64_MIN;
  st.r.last_sec = INT64_MIN;
  st.r.cap = (size_t)s->memory;
  st.r.buf = malloc(st.r.cap);
  if (!st.r.buf) {
    cli_err("sort", "out of memory");
    code = EXIT_IO;
  }
  uint64_t seq = 0;
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc = 0;
  int64_t prev_sec = INT64_MIN;
  uint32_t prev_nsec = 0;
  memset(sx, 0, sizeof *sx);
  const char *fmt = capkit_reader_info(in.r)->format;
  int track = strcmp(fmt, "pcap") == 0 && !capkit_reader_compression(in.r);
  while (!code && (rc = cut_in_next(&in, &rec)) > 0) {
    int64_t ts = rec.ts_sec;
    uint32_t tn = rec.ts_nsec;
    if (track && (sx->n == 0 || t_before(ts, tn, prev_sec, prev_nsec))) {
      if (sx->n < MAX_STRETCHES)
        sx->start[sx->n++] = rec.number;
      else
        track = 0;
    }
    prev_sec = ts;
    prev_nsec = tn;
    if (t_before(ts, tn, st.last_sec, st.last_nsec)) {
      code = -1;
      break;
    }
    size_t need = item_size(rec.caplen,
                            rec.comment ? (uint32_t)strlen(rec.comment) + 1
                                        : 0);
    item *it = NULL;
    if (!t_before(ts, tn, st.r.last_sec, st.r.last_nsec) &&
        need <= st.r.cap / 4) {
      /* In order: into the ring, making room by writing out. */
      while (!(it = ring_alloc(&st.r, need)) && !code)
        code = emit_one(&st, &o, in.r);
      if (code)
        break;
      fill_item(it, &rec, seq++);
      st.r.last_sec = ts;
      st.r.last_nsec = tn;
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
      if (t_before(rec.ts_sec, rec.ts_nsec, prev_sec, prev_nsec)) {
        if (sx->n < MAX_STRETCHES)
          sx->start[sx->n++] = rec.number;
        else
          track = 0;
      }
      prev_sec = rec.ts_sec;
      prev_nsec = rec.ts_nsec;
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

/* Through the library's external sorter: every record in, then out in
 * order. Times of records as they were, interfaces of this reader. */
static int sort_external(const char *path, const cut_common *c,
                         const sorter *s) {
  cut_in in;
  int code = cut_in_open("sort", &in, path, c->filter, 0);
  if (code)
    return code;
  in.pg = progress_new("sort");
  capkit_sorter *so = capkit_sorter_new();
  if (!so || capkit_sorter_set_memory(so, (size_t)s->memory) ||
      capkit_sorter_set_tmpdir(so, s->tmpdir)) {
    cli_err("sort", "out of memory");
    code = EXIT_IO;
  }
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc = 0;
  uint64_t n = 0, late = 0;
  int64_t ps = INT64_MIN;
  uint32_t pn = 0;
  while (!code && (rc = cut_in_next(&in, &rec)) > 0) {
    n++;
    if (t_before(rec.ts_sec, rec.ts_nsec, ps, pn))
      late++;
    ps = rec.ts_sec;
    pn = rec.ts_nsec;
    int e = capkit_sorter_add(so, &rec);
    if (e < 0) {
      cli_err("sort", "%s", capkit_sorter_error(so));
      code = cli_exit_for(e);
    }
  }
  if (rc < 0 && !code)
    code = cut_in_report("sort", &in, rc);
  progress_done(in.pg);
  if (s->check && (code == 0 || code == EXIT_DATA)) {
    fprintf(stderr, "capkit sort: %" PRIu64 " records, %" PRIu64
                    " out of order\n", n, late);
    if (late == 0 && code == 0) {
      fprintf(stderr, "capkit sort: the input is in order: %s not written\n",
              c->out);
      capkit_sorter_free(so);
      cut_in_close(&in);
      return EXIT_OK;
    }
  }
  cut_out o;
  memset(&o, 0, sizeof o);
  if (code == 0 || code == EXIT_DATA) {
    int e = open_out(&o, c, in.r);
    if (e)
      code = e;
  }
  while ((code == 0 || code == EXIT_DATA) && o.w &&
         (rc = capkit_sorter_next(so, &rec)) != 0) {
    if (rc < 0) {
      cli_err("sort", "%s", capkit_sorter_error(so));
      code = cli_exit_for(rc);
      break;
    }
    capkit_record out = CAPKIT_RECORD_INIT;
    out.ts_sec = rec.ts_sec;
    out.ts_nsec = rec.ts_nsec;
    out.caplen = rec.caplen;
    out.origlen = rec.origlen;
    out.iface_id = rec.iface_id;
    out.iface = capkit_reader_iface(in.r, rec.iface_id);
    out.flags = rec.flags;
    out.data = rec.data;
    out.comment = rec.comment;
    out.number = rec.number;
    int e = cut_out_write("sort", &o, &out);
    if (e) {
      code = e;
      break;
    }
  }
  size_t runs = capkit_sorter_runs(so);
  if (s->verbose && code == 0)
    fprintf(stderr, "capkit sort: sorted through %zu temporary run%s\n", runs,
            runs == 1 ? "" : "s");
  code = cut_out_finish("sort", &o, code);
  capkit_sorter_free(so);
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
} stretch;

/* Next record of stretch x into x->rec: 1, 0 at its end, or a negative
 * code. */
static int stretch_next(stretch *x) {
  int rc = cut_in_next(&x->in, &x->rec);
  if (rc > 0 && x->end && x->rec.number >= x->end)
    return 0;
  return rc;
}

static int stretch_before(const void *ctx, size_t a, size_t b) {
  const stretch *v = ctx;
  int c = capkit_record_time_cmp(&v[a].rec, &v[b].rec);
  return c ? c < 0 : a < b;
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
    if (rc > 0)
      h[hn++] = opened;
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

/* -n on a file that can be read twice: count the records out of order
 * (older than the one before, as reordercap counts). Returns an exit code,
 * or -1 when the input is in order and nothing is to be written. */
static int check_order(const char *path, const cut_common *c) {
  cut_in in;
  int code = cut_in_open("sort", &in, path, c->filter, 0);
  if (code)
    return code;
  capkit_record rec = CAPKIT_RECORD_INIT;
  uint64_t n = 0, late = 0;
  int64_t ps = INT64_MIN;
  uint32_t pn = 0;
  int rc;
  while ((rc = cut_in_next(&in, &rec)) > 0) {
    n++;
    if (t_before(rec.ts_sec, rec.ts_nsec, ps, pn))
      late++;
    ps = rec.ts_sec;
    pn = rec.ts_nsec;
  }
  if (rc < 0)
    code = cut_in_report("sort", &in, rc);
  cut_in_close(&in);
  if (code)
    return code;
  fprintf(stderr, "capkit sort: %" PRIu64 " records, %" PRIu64
                  " out of order\n", n, late);
  if (late)
    return 0;
  fprintf(stderr, "capkit sort: the input is in order: %s not written\n",
          c->out);
  return -1;
}

int cmd_sort(int argc, char **argv) {
  static const struct option opts[] = {
      CUT_COMMON_LONGOPTS,
      {"memory", required_argument, NULL, 'm'},
      {"tmpdir", required_argument, NULL, 'T'},
      {"verbose", no_argument, NULL, 'v'},
      {"check", no_argument, NULL, 'n'},
      {NULL, 0, NULL, 0}};
  cut_common c;
  memset(&c, 0, sizeof c);
  sorter s = {(uint64_t)16 << 20, NULL, 0, 0};
  int code = cut_parse("sort", argc, argv, opts, CUT_COMMON_SHORT "m:T:vn", &c,
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
    if (s.check) {
      code = check_order(path, &c);
      if (code)
        return code == -1 ? EXIT_OK : code;
      s.check = 0;
    }
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
