/* edit.c - editcap's per-record edits (chop, snap with -L, strict time
 * order, random bit errors) in editcap's order, with one growable buffer
 * for the records whose bytes change. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <capkit/capkit.h>

#define CHOP_MAX (1 << 30)

struct capkit_editor {
  /* chop, as editcap sums its -C options: the region chopped from the
   * start (len_begin > 0) and the one from the end (len_end < 0) */
  int64_t len_begin, off_begin_pos, off_begin_neg;
  int64_t len_end, off_end_pos, off_end_neg;
  uint32_t snaplen;
  int adjlen;
  /* strict time order */
  int strict, strict_neg, have_prev;
  capkit_time adj, prev;
  /* errors */
  double prob;
  uint64_t seed;
  uint32_t skip;
  int seeded;
  int opt_seed, opt_errors; /* "seed", "error-prob" given as options */
  uint64_t s[4];
  uint8_t *buf;
  size_t cap;
};

capkit_editor *capkit_editor_new(void) {
  return calloc(1, sizeof(capkit_editor));
}

void capkit_editor_free(capkit_editor *e) {
  if (!e)
    return;
  free(e->buf);
  free(e);
}

int capkit_editor_add_chop(capkit_editor *e, int32_t offset, int32_t len) {
  if (!e || len == 0 || len > CHOP_MAX || len < -CHOP_MAX ||
      offset > CHOP_MAX || offset < -CHOP_MAX)
    return CAPKIT_EINVAL;
  if (len > 0) {
    e->len_begin += len;
    if (offset > 0)
      e->off_begin_pos += offset;
    else
      e->off_begin_neg += offset;
  } else {
    e->len_end += len;
    if (offset > 0)
      e->off_end_pos += offset;
    else
      e->off_end_neg += offset;
  }
  return 0;
}

int capkit_editor_set_snap(capkit_editor *e, uint32_t snaplen) {
  if (!e)
    return CAPKIT_EINVAL;
  e->snaplen = snaplen;
  return 0;
}

int capkit_editor_set_adjust_origlen(capkit_editor *e, int on) {
  if (!e)
    return CAPKIT_EINVAL;
  e->adjlen = on != 0;
  return 0;
}

int capkit_editor_set_strict_time(capkit_editor *e, int64_t sec,
                                  uint32_t nsec, int negative) {
  if (!e || sec < 0 || nsec >= CAPKIT_NSEC_PER_SEC)
    return CAPKIT_EINVAL;
  e->strict = 1;
  e->strict_neg = negative != 0;
  e->adj.sec = sec;
  e->adj.nsec = nsec;
  e->have_prev = 0;
  return 0;
}

int capkit_editor_set_errors(capkit_editor *e, double prob, uint64_t seed,
                             uint32_t skip) {
  if (!e || !(prob >= 0.0 && prob <= 1.0))
    return CAPKIT_EINVAL;
  e->prob = prob;
  e->seed = seed;
  e->skip = skip;
  e->seeded = 0;
  return 0;
}

int capkit_editor_active(const capkit_editor *e) {
  return e && (e->len_begin || e->len_end || e->snaplen || e->strict ||
               e->prob > 0.0);
}

/* ---- option text ---- */

static int parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out) {
  if (!s || !*s)
    return -1;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || *end || v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

static int opt_chop(capkit_editor *e, const char *arg) {
  const char *colon = strchr(arg, ':');
  int64_t off = 0, len;
  if (colon) {
    char head[32];
    size_t n = (size_t)(colon - arg);
    if (n == 0 || n >= sizeof head)
      return CAPKIT_EINVAL;
    memcpy(head, arg, n);
    head[n] = '\0';
    if (parse_i64(head, -CHOP_MAX, CHOP_MAX, &off))
      return CAPKIT_EINVAL;
    arg = colon + 1;
  }
  if (parse_i64(arg, -CHOP_MAX, CHOP_MAX, &len) || len == 0)
    return CAPKIT_EINVAL;
  return capkit_editor_add_chop(e, (int32_t)off, (int32_t)len);
}

static int opt_strict(capkit_editor *e, const char *arg) {
  int neg = arg[0] == '-';
  const char *p = arg + neg;
  capkit_time t;
  if (*p == '-' || *p == '+' || capkit_time_parse_duration(p, &t) || t.sec < 0)
    return CAPKIT_EINVAL;
  return capkit_editor_set_strict_time(e, t.sec, t.nsec, neg);
}

int capkit_editor_option(capkit_editor *e, const char *name,
                         const char *arg) {
  if (!e || !name)
    return CAPKIT_EINVAL;
  if (!strcmp(name, "adjust-origlen"))
    return capkit_editor_set_adjust_origlen(e, 1);
  if (!arg)
    return CAPKIT_EINVAL;
  int64_t v;
  if (!strcmp(name, "chop"))
    return opt_chop(e, arg);
  if (!strcmp(name, "strict-time"))
    return opt_strict(e, arg);
  if (!strcmp(name, "snap"))
    return parse_i64(arg, 1, UINT32_MAX, &v)
               ? CAPKIT_EINVAL
               : capkit_editor_set_snap(e, (uint32_t)v);
  if (!strcmp(name, "error-offset"))
    return parse_i64(arg, 0, UINT32_MAX, &v)
               ? CAPKIT_EINVAL
               : capkit_editor_set_errors(e, e->prob, e->seed, (uint32_t)v);
  if (!strcmp(name, "seed")) {
    if (!*arg || *arg == '-')
      return CAPKIT_EINVAL;
    char *end;
    errno = 0;
    unsigned long long s = strtoull(arg, &end, 10);
    if (errno || *end)
      return CAPKIT_EINVAL;
    e->opt_seed = 1;
    return capkit_editor_set_errors(e, e->prob, s, e->skip);
  }
  if (!strcmp(name, "error-prob")) {
    char *end;
    errno = 0;
    double p = strtod(arg, &end);
    if (end == arg || *end || errno)
      return CAPKIT_EINVAL;
    int rc = capkit_editor_set_errors(e, p, e->seed, e->skip);
    e->opt_errors |= rc == 0;
    return rc;
  }
  return CAPKIT_ENOTFOUND;
}

int capkit_editor_seed_from_clock(capkit_editor *e, uint64_t *seed) {
  if (!e || e->opt_seed || !e->opt_errors)
    return 0;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint64_t s = ((uint64_t)ts.tv_sec * 1000000007u) ^ (uint64_t)ts.tv_nsec ^
               ((uint64_t)getpid() << 32);
  capkit_editor_set_errors(e, e->prob, s, e->skip);
  e->opt_seed = 1;
  if (seed)
    *seed = s;
  return 1;
}

/* ---- the edits ---- */

/* rec's bytes in the editor's buffer (once per record), so they can be
 * changed without touching the reader's. */
static uint8_t *own_bytes(capkit_editor *e, capkit_record *rec) {
  if (rec->data == e->buf && e->buf)
    return e->buf;
  if (e->cap < rec->caplen) {
    size_t cap = e->cap ? e->cap : 2048;
    while (cap < rec->caplen)
      cap *= 2;
    uint8_t *b = realloc(e->buf, cap);
    if (!b)
      return NULL;
    e->buf = b;
    e->cap = cap;
  }
  if (rec->caplen)
    memmove(e->buf, rec->data, rec->caplen);
  rec->data = e->buf;
  return e->buf;
}

/* editcap's chop of two regions: its arithmetic (signed 64-bit here), then
 * each region clamped to the bytes the packet has (where editcap's own
 * ranges leave the packet it reads or writes out of bounds; an offset
 * past the end of a short packet chops nothing there, as in editcap). */
static int chop(capkit_editor *e, capkit_record *rec) {
  int64_t c = rec->caplen;
  int64_t lb = e->len_begin, le = e->len_end;
  int64_t bp = lb ? e->off_begin_pos : 0, bn = lb ? e->off_begin_neg : 0;
  int64_t ep = le ? e->off_end_pos : 0, en = le ? e->off_end_neg : 0;
  if (bn < 0)
    bp += c + bn;
  if (ep > 0)
    en += ep - c;
  if (lb && le && bp > c + en) { /* the regions crossed: swap them */
    int64_t noff = c + en + le, nlen = -le;
    en = lb + bp - c;
    le = -lb;
    lb = nlen;
    bp = noff;
  }
  int64_t span = bp - en;
  if (span < 0 || span > c)
    return 0;
  if (lb - le > c - span) {
    lb = c - span;
    le = 0;
  }
  if (lb > 0) {
    if (bp < 0)
      bp = 0;
    if (bp + lb > c)
      lb = c - bp > 0 ? c - bp : 0;
  }
  if (lb > 0) {
    if (bp > 0) {
      uint8_t *b = own_bytes(e, rec);
      if (!b)
        return CAPKIT_ENOMEM;
      memmove(b + bp, b + bp + lb, (size_t)(c - bp - lb));
    } else {
      rec->data += lb;
    }
    c -= lb;
    if (e->adjlen)
      rec->origlen = rec->origlen > lb ? rec->origlen - (uint32_t)lb : 0;
  }
  if (le < 0) {
    /* the bytes [hi + le, hi) go, hi = c + en, all within [0, c] */
    int64_t hi = c + (en < 0 ? en : 0);
    if (hi < 0)
      hi = 0;
    if (hi + le < 0)
      le = -hi;
    if (hi < c && le < 0) {
      uint8_t *b = own_bytes(e, rec);
      if (!b)
        return CAPKIT_ENOMEM;
      memmove(b + hi + le, b + hi, (size_t)(c - hi));
    }
    c += le;
    if (e->adjlen)
      rec->origlen = (int64_t)rec->origlen + le > 0
                         ? rec->origlen - (uint32_t)-le
                         : 0;
  }
  rec->caplen = (uint32_t)c;
  return 0;
}

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* xoshiro256** (Blackman and Vigna) */
static uint64_t next_rand(uint64_t *s) {
  uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return r;
}

static int mutate(capkit_editor *e, capkit_record *rec) {
  if (!e->seeded) {
    uint64_t x = e->seed;
    for (int i = 0; i < 4; i++)
      e->s[i] = splitmix64(&x);
    e->seeded = 1;
  }
  if (e->skip >= rec->caplen)
    return 0;
  /* a byte errs when a uniform 53-bit fraction is below prob */
  uint64_t limit = (uint64_t)ldexp(e->prob, 53);
  uint8_t *b = NULL;
  for (uint32_t i = e->skip; i < rec->caplen; i++) {
    uint64_t r = next_rand(e->s);
    if ((r >> 11) >= limit)
      continue;
    if (!b && !(b = own_bytes(e, rec)))
      return CAPKIT_ENOMEM;
    b[i] ^= (uint8_t)(1u << (r & 7));
  }
  return 0;
}

int capkit_editor_apply(capkit_editor *e, capkit_record *rec) {
  if (!e || !rec || (rec->caplen && !rec->data))
    return CAPKIT_EINVAL;
  if (e->strict) {
    capkit_time t = capkit_record_time(rec);
    if (e->have_prev &&
        (e->strict_neg || capkit_time_cmp(t, e->prev) < 0)) {
      if (capkit_time_add(e->prev, e->adj, &t) ||
          capkit_record_set_time(rec, t))
        return CAPKIT_ERANGE;
    }
    e->prev = t;
    e->have_prev = 1;
  }
  if (e->snaplen) {
    if (rec->caplen > e->snaplen)
      rec->caplen = e->snaplen;
    if (e->adjlen && rec->origlen > e->snaplen)
      rec->origlen = e->snaplen;
  }
  if (e->len_begin || e->len_end) {
    int rc = chop(e, rec);
    if (rc)
      return rc;
  }
  if (e->prob > 0.0)
    return mutate(e, rec);
  return 0;
}
