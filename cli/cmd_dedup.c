/* cmd_dedup.c - capkit dedup: drop records whose bytes repeat a record
 * seen shortly before (within N records or T seconds), like editcap -D /
 * -w; a 64-bit hash of the bytes (minus ignored ranges) and the length
 * identify a record, a hash table over the window finds repeats. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cut.h"

static const char dedup_usage[] =
    "usage: capkit dedup IN -o OUT [options]\n\n"
    "Drop duplicate records: a record is a duplicate when a record among\n"
    "the previous N (or within the previous T seconds) had the same\n"
    "captured length and the same bytes. Every record read enters the\n"
    "window, duplicates included (as editcap does).\n\n"
    "  -w, --window N         compare with the previous N records (default\n"
    "                         4; 'editcap -D N+1' does the same)\n"
    "  -t, --time T           compare with the records of the previous T\n"
    "                         seconds instead ('1', '0.5', '250ms'; like\n"
    "                         editcap -w); the input should be in time order\n"
    "  -I, --ignore RANGES    byte offsets left out of the comparison, e.g.\n"
    "                         '0-13' (the Ethernet header), '22,24-25' (IPv4\n"
    "                         TTL and checksum after Ethernet)\n"
    "  -v, --verbose          report how many records were dropped\n";

typedef struct entry {
  uint64_t key; /* hash mixed with the length; never 0 */
  int64_t t;
} entry;

typedef struct dedup {
  uint64_t window;
  int64_t twin;
  int by_time, verbose;
  uint8_t *ign; /* per byte offset: 1 ignored */
  size_t ign_len;
  /* the window: a ring of entries, oldest at head */
  entry *ring;
  size_t ring_cap, head, count;
  /* multiset of keys in the window: open addressing with counts */
  uint64_t *tkeys;
  uint32_t *tcnt;
  size_t tcap; /* power of two */
  uint64_t dropped;
} dedup;

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
             c = h ^ 0xbe5466cf34e90c6cULL, d = h ^ 0xc0ac29b7c97c50ddULL;
    while (n >= 32) {
      uint64_t v[4];
      memcpy(v, p, 32);
      a = rotl((a ^ v[0]) * m, 29);
      b = rotl((b ^ v[1]) * m, 29);
      c = rotl((c ^ v[2]) * m, 29);
      d = rotl((d ^ v[3]) * m, 29);
      p += 32;
      n -= 32;
    }
    h = mix(a) ^ rotl(mix(b), 16) ^ rotl(mix(c), 32) ^ rotl(mix(d), 48);
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
  memcpy(&v, p, n);
  h = (h ^ mix(v ^ ((uint64_t)n << 56))) * m;
  return h;
}

static uint64_t key_of(const dedup *d, const capkit_record *rec) {
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

static size_t slot(const dedup *d, uint64_t key) {
  size_t mask = d->tcap - 1, i = (size_t)key & mask;
  while (d->tkeys[i] && d->tkeys[i] != key)
    i = (i + 1) & mask;
  return i;
}

static int grow(dedup *d) {
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
static void tab_del(dedup *d, uint64_t key) {
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

static void pop_oldest(dedup *d) {
  tab_del(d, d->ring[d->head].key);
  d->head = (d->head + 1) % d->ring_cap;
  d->count--;
}

static int push(dedup *d, uint64_t key, int64_t t) {
  if (d->count == d->ring_cap) {
    size_t ncap = d->ring_cap ? d->ring_cap * 2 : 64;
    entry *n = malloc(ncap * sizeof *n);
    if (!n)
      return -1;
    for (size_t i = 0; i < d->count; i++)
      n[i] = d->ring[(d->head + i) % d->ring_cap];
    free(d->ring);
    d->ring = n;
    d->ring_cap = ncap;
    d->head = 0;
  }
  d->ring[(d->head + d->count) % d->ring_cap] = (entry){key, t};
  d->count++;
  if ((d->count + 1) * 2 > d->tcap && grow(d))
    return -1;
  size_t s = slot(d, key);
  d->tkeys[s] = key;
  d->tcnt[s]++;
  return 0;
}

static int each(void *ctx, capkit_record *rec) {
  dedup *d = ctx;
  uint64_t key = key_of(d, rec);
  int64_t t = capkit_record_time_ns(rec);
  if (d->by_time) {
    /* Entries older than the window (by this record's time) leave. */
    while (d->count && t - d->ring[d->head].t > d->twin)
      pop_oldest(d);
  } else {
    while (d->count > d->window)
      pop_oldest(d);
  }
  int dup = 0;
  if (d->tcap) {
    size_t s = slot(d, key);
    dup = d->tkeys[s] == key && d->tcnt[s] > 0;
  }
  if ((d->by_time || d->window > 0) && push(d, key, t)) {
    cli_err("dedup", "out of memory");
    return -EXIT_IO;
  }
  if (dup)
    d->dropped++;
  return dup ? 0 : 1;
}

static int set_ignore(dedup *d, const char *spec) {
  const char *p = spec;
  while (*p) {
    char *end;
    if (*p < '0' || *p > '9')
      return -1;
    unsigned long long lo = strtoull(p, &end, 10), hi = lo;
    p = end;
    if (*p == '-') {
      p++;
      if (*p < '0' || *p > '9')
        return -1;
      hi = strtoull(p, &end, 10);
      p = end;
    }
    if (hi < lo || hi > 262143)
      return -1;
    if (*p == ',')
      p++;
    else if (*p)
      return -1;
    if (hi + 1 > d->ign_len) {
      uint8_t *n = realloc(d->ign, hi + 1);
      if (!n)
        return -1;
      memset(n + d->ign_len, 0, hi + 1 - d->ign_len);
      d->ign = n;
      d->ign_len = hi + 1;
    }
    memset(d->ign + lo, 1, hi - lo + 1);
  }
  return 0;
}

static int own(void *ctx, int opt, const char *arg) {
  dedup *d = ctx;
  switch (opt) {
  case 'w':
    if (cli_parse_u64(arg, &d->window) || d->window > 100000000)
      return cli_usage_error("dedup", "bad window '%s'", arg), -1;
    d->by_time = 0;
    return 0;
  case 't':
    if (cli_parse_duration(arg, &d->twin) || d->twin < 0)
      return cli_usage_error("dedup", "bad time window '%s'", arg), -1;
    d->by_time = 1;
    return 0;
  case 'I':
    if (set_ignore(d, arg))
      return cli_usage_error("dedup", "bad byte ranges '%s'", arg), -1;
    return 0;
  case 'v':
    d->verbose = 1;
    return 0;
  }
  return cli_usage_error("dedup", "invalid option"), -1;
}

int cmd_dedup(int argc, char **argv) {
  static const struct option opts[] = {
      CUT_COMMON_LONGOPTS,
      {"window", required_argument, NULL, 'w'},
      {"time", required_argument, NULL, 't'},
      {"ignore", required_argument, NULL, 'I'},
      {"verbose", no_argument, NULL, 'v'},
      {NULL, 0, NULL, 0}};
  cut_common c;
  memset(&c, 0, sizeof c);
  dedup d;
  memset(&d, 0, sizeof d);
  d.window = 4;
  int code = cut_parse("dedup", argc, argv, opts, CUT_COMMON_SHORT "w:t:I:v",
                       &c, dedup_usage, own, &d);
  if (code == CUT_GO && argc - optind != 1)
    code = cli_usage_error("dedup", "expected one input file");
  if (code == CUT_GO) {
    cut_ops ops = {each, NULL, 0};
    code = cut_run("dedup", &c, argv[optind], &ops, &d);
    if (d.verbose)
      fprintf(stderr, "capkit dedup: %" PRIu64 " duplicate records dropped\n",
              d.dropped);
  }
  free(d.ring);
  free(d.tkeys);
  free(d.tcnt);
  free(d.ign);
  return code;
}
