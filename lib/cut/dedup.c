/* dedup.c - the duplicate checker: a 64-bit hash of a record's bytes (minus
 * ignored ranges) and its length identify it. By count, a ring of the last
 * N keys and a counted set of them; by capture time, entries (key, time)
 * in a chained hash, held in time order by a queue (entries that come in
 * order: the common case, O(1)) and a min-heap (the others), from which
 * those the current time has left behind are dropped. */
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>
#include <capkit/cut.h>

#include "internal.h"

typedef struct tent {
  uint64_t key;
  int64_t sec;
  uint32_t nsec;
  uint32_t live; /* in its chain; 0: replaced, waiting to leave */
  uint32_t next; /* next in the bucket's chain, or in the free list */
} tent;

#define NIL UINT32_MAX

struct capkit_dedup {
  uint64_t window;
  int by_time;
  int64_t wsec;
  uint32_t wnsec;
  size_t max_entries;
  uint8_t *ign; /* per byte offset: 1 ignored */
  size_t ign_len;
  uint64_t dropped;
  /* by count: ring of keys, oldest at head, and a counted set */
  uint64_t *ring;
  size_t ring_cap, head, count;
  uint64_t *tkeys;
  uint32_t *tcnt;
  size_t tcap; /* power of two */
  /* by time */
  tent *e;
  size_t e_n, e_cap; /* slots used (live or free), allocated */
  uint32_t free_list;
  uint32_t *bucket;
  size_t n_bucket; /* power of two */
  uint32_t *heap; /* entries that came out of order */
  size_t hn, hcap;
  uint32_t *q; /* entries in time order: a ring */
  size_t qhead, qn, qcap;
};

capkit_dedup *capkit_dedup_new(void) {
  capkit_dedup *d = calloc(1, sizeof *d);
  if (d) {
    d->window = 4;
    d->free_list = NIL;
  }
  return d;
}

void capkit_dedup_free(capkit_dedup *d) {
  if (!d)
    return;
  free(d->ign);
  free(d->ring);
  free(d->tkeys);
  free(d->tcnt);
  free(d->e);
  free(d->bucket);
  free(d->heap);
  free(d->q);
  free(d);
}

static int started(const capkit_dedup *d) {
  return d->count || d->hn || d->qn || d->dropped || d->e_n;
}

int capkit_dedup_set_count(capkit_dedup *d, uint64_t n) {
  if (!d || n > 100000000)
    return CAPKIT_EINVAL;
  if (started(d))
    return CAPKIT_EMISUSE;
  d->window = n;
  d->by_time = 0;
  return 0;
}

int capkit_dedup_set_time(capkit_dedup *d, int64_t sec, uint32_t nsec,
                          size_t max_entries) {
  if (!d || sec < 0 || nsec > 999999999u || max_entries >= NIL)
    return CAPKIT_EINVAL;
  if (started(d))
    return CAPKIT_EMISUSE;
  d->by_time = 1;
  d->wsec = sec;
  d->wnsec = nsec;
  d->max_entries = max_entries ? max_entries : 1000000;
  return 0;
}

int capkit_dedup_set_ignore(capkit_dedup *d, const char *spec) {
  if (!d || !spec)
    return CAPKIT_EINVAL;
  const char *p = spec;
  while (*p) {
    char *end;
    if (*p < '0' || *p > '9')
      return CAPKIT_EINVAL;
    unsigned long long lo = strtoull(p, &end, 10), hi = lo;
    p = end;
    if (*p == '-') {
      p++;
      if (*p < '0' || *p > '9')
        return CAPKIT_EINVAL;
      hi = strtoull(p, &end, 10);
      p = end;
    }
    if (hi < lo || hi > 262143)
      return CAPKIT_EINVAL;
    if (*p == ',')
      p++;
    else if (*p)
      return CAPKIT_EINVAL;
    if (hi + 1 > d->ign_len) {
      uint8_t *n = realloc(d->ign, hi + 1);
      if (!n)
        return CAPKIT_ENOMEM;
      memset(n + d->ign_len, 0, hi + 1 - d->ign_len);
      d->ign = n;
      d->ign_len = hi + 1;
    }
    memset(d->ign + lo, 1, hi - lo + 1);
  }
  return 0;
}

uint64_t capkit_dedup_count(const capkit_dedup *d) {
  return d ? d->dropped : 0;
}

/* ---- the key ---- */

static uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t hash_bytes(const uint8_t *p, size_t n, uint64_t h) {
  const uint64_t m = 0x9e3779b97f4a7c15ULL;
  if (n >= 64) {
    /* Four independent lanes of 8 bytes: the multiplications of one
     * 32-byte step overlap instead of waiting for each other. */
    uint64_t a = h, b = h ^ 0x452821e638d01377ULL,
             c = h ^ 0xbe5466cf34e90c6cULL, e = h ^ 0xc0ac29b7c97c50ddULL;
    while (n >= 32) {
      uint64_t v[4];
      memcpy(v, p, 32);
      a = rotl((a ^ v[0]) * m, 29);
      b = rotl((b ^ v[1]) * m, 29);
      c = rotl((c ^ v[2]) * m, 29);
      e = rotl((e ^ v[3]) * m, 29);
      p += 32;
      n -= 32;
    }
    h = mix(a) ^ rotl(mix(b), 16) ^ rotl(mix(c), 32) ^ rotl(mix(e), 48);
  }
  while (n >= 8) {
    uint64_t v;
    memcpy(&v, p, 8);
    h = (h ^ mix(v)) * m;
    h = (h << 27) | (h >> 37);
    p += 8;
    n -= 8;
  }
  uint64_t v = 0;
  if (n)
    memcpy(&v, p, n);
  h = (h ^ mix(v ^ ((uint64_t)n << 56))) * m;
  return h;
}

static uint64_t key_of(const capkit_dedup *d, const capkit_record *rec) {
  uint64_t h = 0x243f6a8885a308d3ULL ^ rec->caplen;
  if (!d->ign_len) {
    h = hash_bytes(rec->data, rec->caplen, h);
  } else {
    /* Hash the runs of kept bytes, each with its offset. */
    size_t i = 0, n = rec->caplen;
    while (i < n) {
      while (i < n && i < d->ign_len && d->ign[i])
        i++;
      size_t j = i;
      while (j < n && !(j < d->ign_len && d->ign[j]))
        j++;
      if (j > i)
        h = hash_bytes(rec->data + i, j - i, h ^ mix(i));
      i = j;
    }
  }
  h = mix(h ^ rec->caplen);
  return h ? h : 1;
}

/* ---- by count ---- */

static size_t slot(const capkit_dedup *d, uint64_t key) {
  size_t mask = d->tcap - 1, i = (size_t)key & mask;
  while (d->tkeys[i] && d->tkeys[i] != key)
    i = (i + 1) & mask;
  return i;
}

static int grow(capkit_dedup *d) {
  size_t ncap = d->tcap ? d->tcap * 2 : 1024;
  uint64_t *ok = d->tkeys;
  uint32_t *oc = d->tcnt;
  size_t ocap = d->tcap;
  d->tkeys = calloc(ncap, sizeof *d->tkeys);
  d->tcnt = calloc(ncap, sizeof *d->tcnt);
  if (!d->tkeys || !d->tcnt) {
    free(d->tkeys);
    free(d->tcnt);
    d->tkeys = ok;
    d->tcnt = oc;
    return -1;
  }
  d->tcap = ncap;
  for (size_t i = 0; i < ocap; i++)
    if (ok[i] && oc[i]) {
      size_t s = slot(d, ok[i]);
      d->tkeys[s] = ok[i];
      d->tcnt[s] = oc[i];
    }
  free(ok);
  free(oc);
  return 0;
}

/* Remove one occurrence; deletion with backward shift keeps probing
 * chains intact. */
static void tab_del(capkit_dedup *d, uint64_t key) {
  size_t mask = d->tcap - 1, i = slot(d, key);
  if (!d->tkeys[i])
    return;
  if (--d->tcnt[i])
    return;
  d->tkeys[i] = 0;
  size_t j = i;
  for (;;) {
    j = (j + 1) & mask;
    if (!d->tkeys[j])
      break;
    size_t home = (size_t)d->tkeys[j] & mask;
    /* Move j back to i when its home is not in (i, j]. */
    if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
      d->tkeys[i] = d->tkeys[j];
      d->tcnt[i] = d->tcnt[j];
      d->tkeys[j] = 0;
      d->tcnt[j] = 0;
      i = j;
    }
  }
}

static int check_count(capkit_dedup *d, uint64_t key) {
  while (d->count > d->window) {
    tab_del(d, d->ring[d->head]);
    d->head = (d->head + 1) % d->ring_cap;
    d->count--;
  }
  int dup = 0;
  if (d->tcap) {
    size_t s = slot(d, key);
    dup = d->tkeys[s] == key && d->tcnt[s] > 0;
  }
  if (d->window == 0)
    return dup;
  if (d->count == d->ring_cap) {
    size_t ncap = d->ring_cap ? d->ring_cap * 2 : 64;
    uint64_t *n = malloc(ncap * sizeof *n);
    if (!n)
      return CAPKIT_ENOMEM;
    for (size_t i = 0; i < d->count; i++)
      n[i] = d->ring[(d->head + i) % d->ring_cap];
    free(d->ring);
    d->ring = n;
    d->ring_cap = ncap;
    d->head = 0;
  }
  d->ring[(d->head + d->count) % d->ring_cap] = key;
  d->count++;
  if ((d->count + 1) * 2 > d->tcap && grow(d))
    return CAPKIT_ENOMEM;
  size_t s = slot(d, key);
  d->tkeys[s] = key;
  d->tcnt[s]++;
  return dup;
}

/* ---- by time ---- */

/* 1 when time a is later than time b by more than the window. Exact for
 * every int64 second count (no overflow). */
static inline int beyond(const capkit_dedup *d, int64_t as, uint32_t an, int64_t bs,
                  uint32_t bn) {
  if (as < bs || (as == bs && an <= bn))
    return 0;
  if (bs < 0 && as > INT64_MAX + bs)
    return 1;
  int64_t ds = as - bs;
  int64_t dn = (int64_t)an - (int64_t)bn;
  if (dn < 0) {
    ds--;
    dn += 1000000000;
  }
  return ds > d->wsec || (ds == d->wsec && dn > (int64_t)d->wnsec);
}

static inline int ent_before(const capkit_dedup *d, uint32_t a, uint32_t b) {
  const tent *x = &d->e[a], *y = &d->e[b];
  return x->sec != y->sec ? x->sec < y->sec : x->nsec < y->nsec;
}

static void hup(capkit_dedup *d, size_t i) {
  uint32_t *h = d->heap;
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!ent_before(d, h[i], h[p]))
      return;
    uint32_t t = h[i];
    h[i] = h[p];
    h[p] = t;
    i = p;
  }
}

static void hdown(capkit_dedup *d, size_t i) {
  uint32_t *h = d->heap;
  for (;;) {
    size_t l = 2 * i + 1, m = i;
    if (l < d->hn && ent_before(d, h[l], h[m]))
      m = l;
    if (l + 1 < d->hn && ent_before(d, h[l + 1], h[m]))
      m = l + 1;
    if (m == i)
      return;
    uint32_t t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

static size_t bucket_of(const capkit_dedup *d, uint64_t key) {
  return (size_t)(key ^ (key >> 29)) & (d->n_bucket - 1);
}

/* Take entry x out of its bucket's chain. */
static void unlink_ent(capkit_dedup *d, uint32_t x) {
  uint32_t *p = &d->bucket[bucket_of(d, d->e[x].key)];
  while (*p != x)
    p = &d->e[*p].next;
  *p = d->e[x].next;
  d->e[x].live = 0;
}

/* The oldest entry held (queue head or heap top), NIL when none. */
static inline uint32_t oldest(const capkit_dedup *d, int *from_q) {
  uint32_t a = d->qn ? d->q[d->qhead] : NIL;
  uint32_t b = d->hn ? d->heap[0] : NIL;
  *from_q = a != NIL && (b == NIL || !ent_before(d, b, a));
  return *from_q ? a : b;
}

/* Remove the oldest entry. */
static void drop_oldest(capkit_dedup *d) {
  int from_q;
  uint32_t x = oldest(d, &from_q);
  if (from_q) {
    d->qhead = (d->qhead + 1) & (d->qcap - 1);
    d->qn--;
  } else {
    d->heap[0] = d->heap[--d->hn];
    hdown(d, 0);
  }
  if (d->e[x].live)
    unlink_ent(d, x);
  d->e[x].next = d->free_list;
  d->free_list = x;
}

static int rehash(capkit_dedup *d, size_t nb) {
  uint32_t *b = malloc(nb * sizeof *b);
  if (!b)
    return CAPKIT_ENOMEM;
  for (size_t i = 0; i < nb; i++)
    b[i] = NIL;
  free(d->bucket);
  d->bucket = b;
  d->n_bucket = nb;
  for (size_t x = 0; x < d->e_n; x++)
    if (d->e[x].live) {
      size_t k = bucket_of(d, d->e[x].key);
      d->e[x].next = b[k];
      b[k] = (uint32_t)x;
    }
  return 0;
}

/* Room for one more in the queue and in the heap. */
static int reserve(capkit_dedup *d) {
  if (d->qn == d->qcap) {
    size_t nc = d->qcap ? d->qcap * 2 : 256;
    uint32_t *nq = malloc(nc * sizeof *nq);
    if (!nq)
      return CAPKIT_ENOMEM;
    for (size_t i = 0; i < d->qn; i++)
      nq[i] = d->q[(d->qhead + i) & (d->qcap - 1)];
    free(d->q);
    d->q = nq;
    d->qcap = nc;
    d->qhead = 0;
  }
  if (d->hn == d->hcap) {
    size_t nc = d->hcap ? d->hcap * 2 : 256;
    uint32_t *nh = realloc(d->heap, nc * sizeof *nh);
    if (!nh)
      return CAPKIT_ENOMEM;
    d->heap = nh;
    d->hcap = nc;
  }
  return 0;
}

static int add_entry(capkit_dedup *d, uint64_t key, int64_t sec,
                     uint32_t nsec) {
  if (d->qn + d->hn >= d->max_entries)
    drop_oldest(d);
  int rc = reserve(d);
  if (rc < 0)
    return rc;
  uint32_t x;
  if (d->free_list != NIL) {
    x = d->free_list;
    d->free_list = d->e[x].next;
  } else {
    if (d->e_n == d->e_cap) {
      size_t nc = d->e_cap ? d->e_cap * 2 : 256;
      tent *ne = realloc(d->e, nc * sizeof *ne);
      if (!ne)
        return CAPKIT_ENOMEM;
      d->e = ne;
      d->e_cap = nc;
    }
    x = (uint32_t)d->e_n++;
    d->e[x].live = 0;
  }
  tent *t = &d->e[x];
  t->key = key;
  t->sec = sec;
  t->nsec = nsec;
  t->live = 0;
  size_t held = d->qn + d->hn + 1;
  if (held * 2 >= d->n_bucket &&
      (rc = rehash(d, d->n_bucket ? d->n_bucket * 2 : 512)) < 0) {
    t->next = d->free_list;
    d->free_list = x;
    return rc;
  }
  size_t k = bucket_of(d, key);
  t->next = d->bucket[k];
  d->bucket[k] = x;
  t->live = 1;
  uint32_t tail = d->qn ? d->q[(d->qhead + d->qn - 1) & (d->qcap - 1)] : NIL;
  if (tail == NIL || !ent_before(d, x, tail)) {
    d->q[(d->qhead + d->qn) & (d->qcap - 1)] = x;
    d->qn++;
  } else {
    d->heap[d->hn++] = x;
    hup(d, d->hn - 1);
  }
  return 0;
}

static int check_time(capkit_dedup *d, uint64_t key, int64_t sec,
                      uint32_t nsec) {
  /* Entries this record's time has left more than a window behind can
   * match no later record in time order. By time, not the arrival order:
   * a record from the future holds nothing back. */
  for (;;) {
    int from_q;
    uint32_t x = oldest(d, &from_q);
    if (x == NIL || !beyond(d, sec, nsec, d->e[x].sec, d->e[x].nsec))
      break;
    drop_oldest(d);
  }
  int dup = 0;
  uint32_t latest = NIL; /* the newest entry of this key not after sec */
  if (d->n_bucket)
    for (uint32_t x = d->bucket[bucket_of(d, key)]; x != NIL; x = d->e[x].next) {
      tent *t = &d->e[x];
      if (t->key != key)
        continue;
      if (!beyond(d, sec, nsec, t->sec, t->nsec) &&
          !beyond(d, t->sec, t->nsec, sec, nsec))
        dup = 1;
      if ((t->sec < sec || (t->sec == sec && t->nsec <= nsec)) &&
          (latest == NIL || ent_before(d, latest, x)))
        latest = x;
    }
  if (latest != NIL) {
    /* A later time of the same bytes matches every record in time order
     * that the earlier one would: it replaces it (which leaves the chain
     * now and its queue when its time comes). */
    tent *t = &d->e[latest];
    if (t->sec == sec && t->nsec == nsec)
      return dup;
    unlink_ent(d, latest);
  }
  int rc = add_entry(d, key, sec, nsec);
  return rc < 0 ? rc : dup;
}

int capkit_dedup_check(capkit_dedup *d, const capkit_record *rec) {
  if (!d || !rec || (rec->caplen && !rec->data))
    return CAPKIT_EINVAL;
  if (rec->size < CAPKIT__RECORD_V1_SIZE)
    return CAPKIT_EMISUSE;
  uint64_t key = key_of(d, rec);
  int dup = d->by_time ? check_time(d, key, rec->ts_sec, rec->ts_nsec)
                       : check_count(d, key);
  if (dup > 0)
    d->dropped++;
  return dup;
}
