/* edit.c - record edits of edit.h: the retimer (exact time arithmetic of
 * time.h) and comments by record number. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/edit.h>

struct capkit_retimer {
  capkit_time shift, start, t0;
  double scale, per; /* per: ns between records at a rate */
  int have_start, have_scale, have_rate, started;
  uint64_t i;
};

capkit_retimer *capkit_retimer_new(void) {
  return calloc(1, sizeof(capkit_retimer));
}

void capkit_retimer_free(capkit_retimer *t) { free(t); }

#define GUARD(t)                                                               \
  do {                                                                         \
    if (!(t))                                                                  \
      return CAPKIT_EINVAL;                                                    \
    if ((t)->started)                                                          \
      return CAPKIT_EMISUSE;                                                   \
  } while (0)

int capkit_retimer_set_shift(capkit_retimer *t, capkit_time shift) {
  GUARD(t);
  if (shift.nsec >= 1000000000u)
    return CAPKIT_EINVAL;
  t->shift = shift;
  return 0;
}

int capkit_retimer_set_start(capkit_retimer *t, capkit_time start) {
  GUARD(t);
  if (start.nsec >= 1000000000u)
    return CAPKIT_EINVAL;
  t->start = start;
  t->have_start = 1;
  return 0;
}

int capkit_retimer_set_scale(capkit_retimer *t, double factor) {
  GUARD(t);
  if (!(factor >= 0) || !isfinite(factor) || t->have_rate)
    return CAPKIT_EINVAL;
  t->scale = factor;
  t->have_scale = 1;
  return 0;
}

int capkit_retimer_set_rate(capkit_retimer *t, double rate) {
  GUARD(t);
  if (!(rate > 0) || !isfinite(1e9 / rate) || t->have_scale)
    return CAPKIT_EINVAL;
  t->per = 1e9 / rate;
  t->have_rate = 1;
  return 0;
}

int capkit_retimer_apply(capkit_retimer *t, capkit_record *rec) {
  if (!t || !rec)
    return CAPKIT_EINVAL;
  capkit_time now = capkit_record_time(rec), d, n;
  if (!t->started) {
    t->t0 = now;
    t->started = 1;
  }
  /* record i at i * per ns; i is below 2^63: records are counted */
  capkit_time i = capkit_time_from_ns((int64_t)t->i);
  int rc = t->have_rate ? capkit_time_scale(i, t->per, &d)
                        : capkit_time_sub(now, t->t0, &d);
  if (!rc && t->have_scale)
    rc = capkit_time_scale(d, t->scale, &d);
  if (!rc)
    rc = capkit_time_add(t->have_start ? t->start : t->t0, d, &n);
  if (!rc)
    rc = capkit_time_add(n, t->shift, &n);
  capkit_record copy = *rec;
  if (!rc)
    rc = capkit_record_set_time(&copy, n);
  t->i++;
  if (rc)
    return CAPKIT_ERANGE;
  rec->ts_sec = copy.ts_sec;
  rec->ts_nsec = copy.ts_nsec;
  return 0;
}

/* ---- comments ---- */

typedef struct edit {
  uint64_t number;
  char *text; /* NULL: delete */
  size_t order;
  int used;
} edit;

struct capkit_comments {
  edit *e;
  size_t n, cap, next;
  int all, sorted;
};

capkit_comments *capkit_comments_new(void) {
  return calloc(1, sizeof(capkit_comments));
}

void capkit_comments_free(capkit_comments *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->n; i++)
    free(c->e[i].text);
  free(c->e);
  free(c);
}

int capkit_comments_set(capkit_comments *c, uint64_t number,
                        const char *text) {
  if (!c || c->sorted)
    return CAPKIT_EMISUSE;
  if (!number || (text && strlen(text) > CAPKIT_COMMENT_MAX))
    return CAPKIT_EINVAL;
  if (c->n == c->cap) {
    size_t nc = c->cap ? 2 * c->cap : 8;
    edit *ne = realloc(c->e, nc * sizeof *ne);
    if (!ne)
      return CAPKIT_ENOMEM;
    c->e = ne;
    c->cap = nc;
  }
  char *t = text ? strdup(text) : NULL;
  if (text && !t)
    return CAPKIT_ENOMEM;
  c->e[c->n] = (edit){number, t, c->n, 0};
  c->n++;
  return 0;
}

int capkit_comments_clear_all(capkit_comments *c, int all) {
  if (!c || c->sorted)
    return CAPKIT_EMISUSE;
  c->all = all != 0;
  return 0;
}

/* By number, then by the order given. */
static int by_number(const void *a, const void *b) {
  const edit *x = a, *y = b;
  if (x->number != y->number)
    return x->number < y->number ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* Sorted, the later edit of a record winning. */
static void sort_edits(capkit_comments *c) {
  if (c->n)
    qsort(c->e, c->n, sizeof *c->e, by_number);
  size_t k = 0;
  for (size_t i = 0; i < c->n; i++) {
    if (k && c->e[k - 1].number == c->e[i].number) {
      free(c->e[k - 1].text);
      c->e[k - 1] = c->e[i];
    } else {
      c->e[k++] = c->e[i];
    }
  }
  c->n = k;
  c->sorted = 1;
}

int capkit_comments_apply(capkit_comments *c, capkit_record *rec) {
  if (!c || !rec)
    return CAPKIT_EINVAL;
  if (!c->sorted)
    sort_edits(c);
  if (c->all)
    rec->comment = NULL;
  while (c->next < c->n && c->e[c->next].number < rec->number)
    c->next++;
  if (c->next < c->n && c->e[c->next].number == rec->number) {
    rec->comment = c->e[c->next].text;
    c->e[c->next].used = 1;
    return 1;
  }
  return 0;
}

uint64_t capkit_comments_missing(const capkit_comments *c) {
  uint64_t first = 0;
  for (size_t i = 0; c && i < c->n; i++)
    if (!c->e[i].used && (!first || c->e[i].number < first))
      first = c->e[i].number;
  return first;
}
