/* slice.c - the slicer of cut.h: records kept by number ranges, a time
 * window (absolute, or relative to the first record) and the first or last
 * N of what is left; --last holds a ring of N copies, nothing more. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/cut.h>
#include <capkit/time.h>

#include "util/buf.h"

typedef struct range {
  uint64_t lo, hi; /* inclusive; hi UINT64_MAX: open */
} range;

/* A record held for "last": its own copy of the bytes and the comment. */
typedef struct held {
  capkit_record rec;
  uint8_t *buf;
  size_t cap;
  char *comment;
} held;

struct capkit_slicer {
  range *ranges;
  size_t n_ranges;
  uint64_t max_number; /* beyond it no range matches */
  uint64_t first, last;
  int have_first, have_last;
  capkit_time from, to;
  int have_from, have_to, rel_from, rel_to;
  int have_t0, started;
  uint64_t kept;
  held *ring;
  size_t ring_n, ring_cap, ring_pos, out; /* out: held records handed out */
};

capkit_slicer *capkit_slicer_new(void) {
  return calloc(1, sizeof(capkit_slicer));
}

void capkit_slicer_free(capkit_slicer *s) {
  if (!s)
    return;
  for (size_t i = 0; i < s->ring_n; i++) {
    free(s->ring[i].buf);
    free(s->ring[i].comment);
  }
  free(s->ring);
  free(s->ranges);
  free(s);
}

/* "1-100,250,1000-" and "-5" (from 1), added to s->ranges. */
static int add_ranges(capkit_slicer *s, const char *spec) {
  const char *p = spec;
  while (*p) {
    char *end;
    range r;
    if (*p == '-') {
      r.lo = 1;
    } else {
      if (*p < '0' || *p > '9')
        return CAPKIT_EINVAL;
      r.lo = strtoull(p, &end, 10);
      p = end;
    }
    if (*p == '-') {
      p++;
      if (*p >= '0' && *p <= '9') {
        r.hi = strtoull(p, &end, 10);
        p = end;
      } else {
        r.hi = UINT64_MAX;
      }
    } else {
      r.hi = r.lo;
    }
    if (r.lo == 0 || r.hi < r.lo)
      return CAPKIT_EINVAL;
    if (*p == ',')
      p++;
    else if (*p)
      return CAPKIT_EINVAL;
    range *n = realloc(s->ranges, (s->n_ranges + 1) * sizeof *n);
    if (!n)
      return CAPKIT_ENOMEM;
    s->ranges = n;
    s->ranges[s->n_ranges++] = r;
    if (r.hi > s->max_number)
      s->max_number = r.hi;
  }
  return 0;
}

int capkit_slicer_option(capkit_slicer *s, const char *name, const char *arg) {
  if (!s || !name)
    return CAPKIT_EINVAL;
  if (s->started)
    return CAPKIT_EMISUSE;
  int is_from = strcmp(name, "from") == 0;
  if (strcmp(name, "records") == 0)
    return arg ? add_ranges(s, arg) : CAPKIT_EINVAL;
  if (strcmp(name, "first") == 0) {
    if (capkit__parse_u64(arg, &s->first))
      return CAPKIT_EINVAL;
    s->have_first = 1;
    return 0;
  }
  if (strcmp(name, "last") == 0) {
    uint64_t n;
    if (capkit__parse_u64(arg, &n) || n == 0 || n > 100000000)
      return CAPKIT_EINVAL;
    s->last = n;
    s->have_last = 1;
    return 0;
  }
  if (is_from || strcmp(name, "to") == 0) {
    capkit_time v;
    if (!arg)
      return CAPKIT_EINVAL;
    /* '+DURATION' is relative; '+10000-01-01' an expanded-year date */
    int rel = arg[0] == '+' && capkit_time_parse_duration(arg, &v) == 0;
    if (!rel && capkit_time_parse(arg, &v))
      return CAPKIT_EINVAL;
    if (is_from) {
      s->from = v;
      s->have_from = 1;
      s->rel_from = rel;
    } else {
      s->to = v;
      s->have_to = 1;
      s->rel_to = rel;
    }
    return 0;
  }
  return CAPKIT_ENOTFOUND;
}

static int in_ranges(const capkit_slicer *s, uint64_t n) {
  if (!s->n_ranges)
    return 1;
  for (size_t i = 0; i < s->n_ranges; i++)
    if (n >= s->ranges[i].lo && n <= s->ranges[i].hi)
      return 1;
  return 0;
}

static int hold(held *h, const capkit_record *rec) {
  if (h->cap < rec->caplen) {
    size_t cap = rec->caplen < 256 ? 256 : rec->caplen;
    uint8_t *b = realloc(h->buf, cap);
    if (!b)
      return CAPKIT_ENOMEM;
    h->buf = b;
    h->cap = cap;
  }
  if (rec->caplen)
    memcpy(h->buf, rec->data, rec->caplen);
  free(h->comment);
  h->comment = NULL;
  if (rec->comment && !(h->comment = strdup(rec->comment)))
    return CAPKIT_ENOMEM;
  h->rec = *rec;
  h->rec.data = h->buf;
  h->rec.comment = h->comment;
  h->rec.extra = NULL; /* the input's extras do not outlive the record */
  return 0;
}

/* *v = t0 + the duration *v; past the ends of time it stays the farthest
 * time, which keeps its meaning for the comparisons. */
static void relative(capkit_time *v, capkit_time t0) {
  capkit_time d = *v;
  if (capkit_time_add(t0, d, v)) {
    v->sec = d.sec < 0 ? INT64_MIN : INT64_MAX;
    v->nsec = d.sec < 0 ? 0 : 999999999;
  }
}

/* Hold a copy of rec in the ring of the last N. */
static int ring_add(capkit_slicer *s, const capkit_record *rec) {
  if (s->ring_n < s->last) {
    if (s->ring_n == s->ring_cap) { /* grow geometrically, up to N */
      size_t cap = s->ring_cap ? s->ring_cap * 2 : 64;
      if (cap > s->last)
        cap = (size_t)s->last;
      held *n = realloc(s->ring, cap * sizeof *n);
      if (!n)
        return CAPKIT_ENOMEM;
      s->ring = n;
      s->ring_cap = cap;
    }
    memset(&s->ring[s->ring_n], 0, sizeof *s->ring);
    return hold(&s->ring[s->ring_n++], rec);
  }
  int rc = hold(&s->ring[s->ring_pos], rec);
  s->ring_pos = (s->ring_pos + 1) % s->ring_n;
  return rc;
}

int capkit_slicer_add(capkit_slicer *s, const capkit_record *rec) {
  if (!s || !rec)
    return CAPKIT_EINVAL;
  s->started = 1;
  if (s->n_ranges && rec->number > s->max_number)
    return 2;
  capkit_time t = capkit_record_time(rec);
  if (!s->have_t0) {
    s->have_t0 = 1; /* the first record offered sets relative times */
    if (s->rel_from)
      relative(&s->from, t);
    if (s->rel_to)
      relative(&s->to, t);
  }
  if (!in_ranges(s, rec->number))
    return 0;
  if ((s->have_from && capkit_time_cmp(t, s->from) < 0) ||
      (s->have_to && capkit_time_cmp(t, s->to) >= 0))
    return 0;
  if (s->have_last) {
    int rc = ring_add(s, rec);
    return rc < 0 ? rc : 0;
  }
  if (s->have_first && s->kept >= s->first)
    return 2;
  s->kept++;
  return 1;
}

int capkit_slicer_next_held(capkit_slicer *s, capkit_record *rec) {
  if (!s || !rec)
    return CAPKIT_EINVAL;
  s->started = 1;
  if (s->out >= s->ring_n || (s->have_first && s->kept >= s->first))
    return 0;
  *rec = s->ring[(s->ring_pos + s->out++) % s->ring_n].rec;
  s->kept++;
  return 1;
}
