/* sort.c - the external sorter: records are copied into memory until the
 * limit, then sorted and written to an unlinked temporary file (a run);
 * the runs are merged through a heap. Order: (seconds, nanoseconds), then
 * the order of adding. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <capkit/capkit.h>
#include <capkit/cut.h>

#include "cut/heap.h"
#include "cut/item.h"
#include "internal.h"

#include "util/buf.h"

typedef capkit__item item;
#define HDR CAPKIT__ITEM_HDR

typedef struct run {
  FILE *f;
  item *cur;
  size_t cur_cap;
  char *buf;
} run;

struct capkit_sorter {
  size_t memory;
  char *tmpdir;
  item **v;
  size_t n, cap, used, pos;
  run *runs;
  size_t n_runs;
  size_t *heap, hn;
  uint64_t seq;
  int state; /* 0 adding, 1 reading, 2 dead */
  int err;
  char msg[512];
};

#define item_before capkit__item_before

static int cmp_items(const void *a, const void *b) {
  const item *x = *(item *const *)a, *y = *(item *const *)b;
  return item_before(x, y) ? -1 : item_before(y, x);
}

static int fail(capkit_sorter *s, int rc, const char *what) {
  snprintf(s->msg, sizeof s->msg, "%s", what);
  s->err = rc;
  s->state = 2;
  return rc;
}

capkit_sorter *capkit_sorter_new(void) {
  capkit_sorter *s = calloc(1, sizeof *s);
  if (s)
    s->memory = (size_t)16 << 20;
  return s;
}

static void free_items(capkit_sorter *s) {
  for (size_t i = 0; i < s->n; i++)
    free(s->v[i]); /* those handed out and done with are NULL */
  s->n = s->pos = s->used = 0;
}

void capkit_sorter_free(capkit_sorter *s) {
  if (!s)
    return;
  free_items(s);
  free(s->v);
  for (size_t i = 0; i < s->n_runs; i++) {
    if (s->runs[i].f)
      fclose(s->runs[i].f);
    free(s->runs[i].buf);
    free(s->runs[i].cur);
  }
  free(s->runs);
  free(s->heap);
  free(s->tmpdir);
  free(s);
}

int capkit_sorter_set_memory(capkit_sorter *s, size_t bytes) {
  if (!s || bytes < 65536)
    return CAPKIT_EINVAL;
  if (s->state || s->n || s->n_runs)
    return CAPKIT_EMISUSE;
  s->memory = bytes;
  return 0;
}

int capkit_sorter_set_tmpdir(capkit_sorter *s, const char *dir) {
  if (!s)
    return CAPKIT_EINVAL;
  if (s->state || s->n || s->n_runs)
    return CAPKIT_EMISUSE;
  char *d = NULL;
  if (dir && !(d = capkit__strdup(dir)))
    return CAPKIT_ENOMEM;
  free(s->tmpdir);
  s->tmpdir = d;
  return 0;
}

static FILE *tmp_file(capkit_sorter *s) {
  const char *d = s->tmpdir ? s->tmpdir : getenv("TMPDIR");
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

static int tmp_error(capkit_sorter *s, const char *doing) {
  char m[400];
  snprintf(m, sizeof m, "cannot %s a temporary file in %s: %s", doing,
           s->tmpdir ? s->tmpdir : "$TMPDIR", strerror(errno));
  return fail(s, CAPKIT_EIO, m);
}

/* Sort what is in memory and write it as a run. */
static int spill(capkit_sorter *s) {
  qsort(s->v, s->n, sizeof *s->v, cmp_items);
  run *nr = realloc(s->runs, (s->n_runs + 1) * sizeof *nr);
  if (!nr)
    return fail(s, CAPKIT_ENOMEM, "out of memory");
  s->runs = nr;
  FILE *f = tmp_file(s);
  if (!f)
    return tmp_error(s, "make");
  memset(&s->runs[s->n_runs], 0, sizeof *s->runs);
  s->runs[s->n_runs++].f = f;
  for (size_t i = 0; i < s->n; i++) {
    const item *it = s->v[i];
    if (fwrite(it, HDR + it->caplen + it->comment_len, 1, f) != 1)
      return tmp_error(s, "write");
  }
  if (fflush(f) != 0)
    return tmp_error(s, "write");
  free_items(s);
  return 0;
}

int capkit_sorter_add(capkit_sorter *s, const capkit_record *rec) {
  if (!s || !rec)
    return CAPKIT_EINVAL;
  if (rec->size < CAPKIT__RECORD_V1_SIZE)
    return CAPKIT_EMISUSE;
  if (s->state == 2)
    return s->err;
  if (s->state)
    return CAPKIT_EMISUSE;
  size_t cl = capkit__item_comment_len(rec);
  if (cl > UINT32_MAX)
    return CAPKIT_EINVAL;
  item *it = malloc(sizeof *it + rec->caplen + cl);
  if (!it)
    return fail(s, CAPKIT_ENOMEM, "out of memory");
  capkit__item_fill(it, rec, s->seq++, cl);
  if (s->n == s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 1024;
    item **nv = realloc(s->v, nc * sizeof *nv);
    if (!nv) {
      free(it);
      return fail(s, CAPKIT_ENOMEM, "out of memory");
    }
    s->v = nv;
    s->cap = nc;
  }
  s->v[s->n++] = it;
  s->used += sizeof *it + rec->caplen + cl + 32;
  if (s->used > s->memory)
    return spill(s);
  return 0;
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

static void heap_down(capkit_sorter *s, size_t i) {
#define BEFORE(a, b) item_before(s->runs[a].cur, s->runs[b].cur)
  CAPKIT__HEAP_DOWN(s->heap, s->hn, i, BEFORE);
#undef BEFORE
}

static int finish_input(capkit_sorter *s) {
  s->state = 1;
  if (s->n_runs == 0) {
    if (s->n)
      qsort(s->v, s->n, sizeof *s->v, cmp_items);
    return 0;
  }
  if (s->n) {
    int rc = spill(s);
    if (rc < 0)
      return rc;
  }
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < s->n_runs + 64) {
    rl.rlim_cur = rl.rlim_max < s->n_runs + 64 ? rl.rlim_max : s->n_runs + 64;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  size_t bufsz = s->memory / (s->n_runs + 1);
  if (bufsz < 4096)
    bufsz = 4096;
  if (bufsz > ((size_t)1 << 20))
    bufsz = (size_t)1 << 20;
  s->heap = calloc(s->n_runs, sizeof *s->heap);
  if (!s->heap)
    return fail(s, CAPKIT_ENOMEM, "out of memory");
  for (size_t i = 0; i < s->n_runs; i++) {
    run *r = &s->runs[i];
    rewind(r->f);
    r->buf = malloc(bufsz);
    if (r->buf)
      setvbuf(r->f, r->buf, _IOFBF, bufsz);
    int k = run_next(r);
    if (k < 0)
      return tmp_error(s, "read");
    if (k > 0)
      s->heap[s->hn++] = i;
  }
  for (size_t i = s->hn / 2; i-- > 0;)
    heap_down(s, i);
  return 0;
}

#define to_record capkit__item_record

int capkit_sorter_next(capkit_sorter *s, capkit_record *rec) {
  if (!s || !rec)
    return CAPKIT_EINVAL;
  if (rec->size < CAPKIT__RECORD_V1_SIZE)
    return CAPKIT_EMISUSE;
  if (s->state == 2)
    return s->err;
  if (s->state == 0) {
    int rc = finish_input(s);
    if (rc < 0)
      return rc;
  }
  if (s->n_runs == 0) {
    if (s->pos > 0) {
      /* The record handed out last is done with. */
      free(s->v[s->pos - 1]);
      s->v[s->pos - 1] = NULL;
    }
    if (s->pos == s->n)
      return 0;
    to_record(s->v[s->pos++], rec);
    return 1;
  }
  if (s->hn == 0)
    return 0;
  if (s->pos) {
    /* The record handed out last is done with: its run moves on. */
    run *r = &s->runs[s->heap[0]];
    int k = run_next(r);
    if (k < 0)
      return tmp_error(s, "read");
    if (k == 0)
      s->heap[0] = s->heap[--s->hn];
    heap_down(s, 0);
    if (s->hn == 0)
      return 0;
  }
  s->pos = 1; /* from now on each call first moves past the last */
  to_record(s->runs[s->heap[0]].cur, rec);
  return 1;
}

size_t capkit_sorter_runs(const capkit_sorter *s) { return s ? s->n_runs : 0; }

const char *capkit_sorter_error(const capkit_sorter *s) {
  return s ? s->msg : "";
}

/* ---- order of records ---- */

struct capkit_order {
  uint64_t records, late;
  int64_t sec;
  uint32_t nsec;
  size_t n, max;
  int many;
  uint64_t start[]; /* max entries */
};

capkit_order *capkit_order_new(size_t max_stretches) {
  if (max_stretches > (SIZE_MAX - sizeof(capkit_order)) / sizeof(uint64_t))
    return NULL;
  capkit_order *o =
      calloc(1, sizeof *o + max_stretches * sizeof o->start[0]);
  if (o)
    o->max = max_stretches;
  return o;
}

void capkit_order_free(capkit_order *o) { free(o); }

void capkit_order_add(capkit_order *o, const capkit_record *rec) {
  int older = o->records && (rec->ts_sec != o->sec ? rec->ts_sec < o->sec
                                                   : rec->ts_nsec < o->nsec);
  o->late += (uint64_t)older;
  if (!o->records || older) {
    if (o->n < o->max)
      o->start[o->n++] = rec->number;
    else
      o->many = 1;
  }
  o->records++;
  o->sec = rec->ts_sec;
  o->nsec = rec->ts_nsec;
}

uint64_t capkit_order_records(const capkit_order *o) { return o->records; }
uint64_t capkit_order_late(const capkit_order *o) { return o->late; }
size_t capkit_order_stretches(const capkit_order *o) {
  return o->many ? 0 : o->n;
}
uint64_t capkit_order_stretch(const capkit_order *o, size_t i) {
  return !o->many && i < o->n ? o->start[i] : 0;
}
