/* test_writer.c - capkit_writer_reserve() through the public API: a file
 * written by filling the room the writer offers is byte for byte the file
 * written the ordinary way from the same records, over seeded random
 * records (lengths from 0 to past the output buffer, times, lengths cut by
 * a snaplen, pseudo-headers that change byte order), formats, byte orders,
 * precisions and compression; and the contract's refusals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "tap.h"

static uint64_t rng = 0x6a09e667f3bcc909ull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 16);
}

/* One way of writing: the writer's settings. */
typedef struct setup {
  const char *format;
  capkit_byte_order bo;
  unsigned precision;
  uint32_t snaplen;  /* 0: none set */
  const char *codec; /* NULL: none */
} setup;

typedef struct recs {
  size_t n;
  capkit_record *r;
  uint8_t **data;
} recs;

static capkit_iface eth = {
    .linktype = 1, .snaplen = 262144, .fcs_len = -1, .tsresol = 6};
/* BSD loopback: a 4-byte address family in the capturing host's order,
 * which a writer of the other byte order swaps. */
static capkit_iface loop_le = {.linktype = 0,
                               .snaplen = 262144,
                               .fcs_len = -1,
                               .tsresol = 6,
                               .byte_order = CAPKIT_BO_LITTLE};

static void make_recs(recs *s, size_t n, capkit_iface *ifc) {
  s->n = n;
  s->r = calloc(n, sizeof *s->r);
  s->data = calloc(n, sizeof *s->data);
  for (size_t i = 0; i < n; i++) {
    uint32_t len;
    switch (rnd() % 8) {
    case 0:
      len = 0;
      break;
    case 1:
      len = rnd() % 16;
      break;
    case 2:
      len = 60000 + rnd() % 200000; /* several records per buffer */
      break;
    case 3:
      /* rarely past the 1 MiB buffer: the writer cannot offer room */
      len = rnd() % 64 == 0 ? (1u << 20) + rnd() % 4096 : 1514;
      break;
    default:
      len = 14 + rnd() % 1500;
    }
    uint8_t *d = malloc(len ? len : 1);
    for (uint32_t k = 0; k < len; k++)
      d[k] = (uint8_t)rnd();
    capkit_record r = CAPKIT_RECORD_INIT;
    r.ts_sec = 1700000000 + (int64_t)i;
    r.ts_nsec = rnd() % 1000000000u;
    r.caplen = len;
    r.origlen = len + (rnd() % 4 == 0 ? rnd() % 100 : 0);
    r.data = d;
    r.iface = ifc;
    s->r[i] = r;
    s->data[i] = d;
  }
}

static void free_recs(recs *s) {
  for (size_t i = 0; i < s->n; i++)
    free(s->data[i]);
  free(s->data);
  free(s->r);
}

/* Write s to path; in place: through capkit_writer_reserve() whenever the
 * writer offers room (*offered counts how often). 0 on success. */
static int write_all(const char *path, const setup *u, const recs *s,
                     int in_place, size_t *offered) {
  capkit_writer *w = capkit_writer_new();
  int rc = capkit_writer_set_format(w, u->format);
  if (!rc)
    rc = capkit_writer_set_byte_order(w, u->bo);
  if (!rc)
    rc = capkit_writer_set_precision(w, u->precision);
  if (!rc && u->snaplen)
    rc = capkit_writer_set_snaplen(w, u->snaplen);
  if (!rc && u->codec)
    rc = capkit_writer_set_compression(w, u->codec, 1);
  if (!rc)
    rc = capkit_writer_open_path(w, path);
  for (size_t i = 0; !rc && i < s->n; i++) {
    capkit_record r = s->r[i];
    /* a bounded record, as a caller cuts it */
    if (!u->snaplen && r.caplen > 262144)
      r.caplen = 262144;
    uint8_t *room = in_place ? capkit_writer_reserve(w, r.caplen) : NULL;
    if (room) {
      (*offered)++;
      memcpy(room, r.data, r.caplen);
      r.data = room;
    }
    rc = capkit_writer_write(w, &r);
  }
  if (!rc)
    rc = capkit_writer_close(w);
  if (rc)
    fprintf(stderr, "write %s: %s\n", path, capkit_writer_error(w));
  capkit_writer_free(w);
  return rc;
}

static int same_files(const char *a, const char *b) {
  size_t na, nb;
  uint8_t *x = tap_slurp(a, &na), *y = tap_slurp(b, &nb);
  int same = x && y && na == nb && memcmp(x, y, na) == 0;
  free(x);
  free(y);
  return same;
}

/* The property: over seeded random setups and records, the in-place file
 * equals the ordinary one, and pcap writers offer room. */
static void prop_same_bytes(void) {
  static const char *formats[] = {"pcap", "pcapng"};
  static const char *codecs[] = {NULL, NULL, NULL, "gzip"};
  char a[512], b[512];
  snprintf(a, sizeof a, "%s/plain", tap_tmpdir());
  snprintf(b, sizeof b, "%s/inplace", tap_tmpdir());
  int all_same = 1, pcap_offered = 1, pcapng_none = 1;
  for (int round = 0; round < 40; round++) {
    setup u;
    u.format = formats[rnd() % 2];
    u.bo = (capkit_byte_order)(rnd() % 3);
    u.precision = rnd() % 2 ? 6 : 9;
    u.snaplen = rnd() % 4 == 0 ? 1 + rnd() % 3000 : 0;
    u.codec = codecs[rnd() % 4];
    recs s;
    make_recs(&s, 1 + rnd() % 120, rnd() % 3 == 0 ? &loop_le : &eth);
    size_t offered = 0;
    int ok = write_all(a, &u, &s, 0, &offered) == 0 &&
             write_all(b, &u, &s, 1, &offered) == 0 && same_files(a, b);
    if (!ok) {
      fprintf(stderr,
              "round %d: %s bo %d precision %u snaplen %u codec %s, %zu "
              "records: the files differ\n",
              round, u.format, (int)u.bo, u.precision, u.snaplen,
              u.codec ? u.codec : "none", s.n);
      all_same = 0;
    }
    int pcap = strcmp(u.format, "pcap") == 0;
    if (pcap && s.n > 1 && offered == 0)
      pcap_offered = 0;
    if (!pcap && offered)
      pcapng_none = 0;
    free_recs(&s);
  }
  CHECK(all_same);
  CHECK(pcap_offered);
  CHECK(pcapng_none);
}

/* What the contract refuses or declines. */
static void contract(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/contract", tap_tmpdir());
  capkit_writer *w = capkit_writer_new();
  CHECK(capkit_writer_reserve(NULL, 10) == NULL);
  CHECK(capkit_writer_reserve(w, 10) == NULL); /* not open */
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  CHECK(capkit_writer_reserve(w, 10) == NULL); /* no record yet */
  uint8_t data[100] = {0};
  capkit_record r = CAPKIT_RECORD_INIT;
  r.caplen = r.origlen = sizeof data;
  r.data = data;
  CHECK_EQ(capkit_writer_write(w, &r), 0);
  CHECK(capkit_writer_reserve(w, (size_t)2 << 20) == NULL); /* too big */
  uint8_t *room = capkit_writer_reserve(w, 50);
  CHECK(room != NULL);
  /* more bytes than reserved: refused, the writer lives on */
  r.data = room;
  CHECK_EQ(capkit_writer_write(w, &r), CAPKIT_EINVAL);
  /* a write from elsewhere abandons the room */
  room = capkit_writer_reserve(w, 100);
  CHECK(room != NULL);
  r.data = data;
  CHECK_EQ(capkit_writer_write(w, &r), 0);
  /* filled room is taken where it is */
  room = capkit_writer_reserve(w, 100);
  CHECK(room != NULL);
  memset(room, 7, 100);
  r.data = room;
  CHECK_EQ(capkit_writer_write(w, &r), 0);
  CHECK_EQ(capkit_writer_close(w), 0);
  CHECK_EQ(capkit_writer_records(w), 3u);
  CHECK(capkit_writer_reserve(w, 10) == NULL); /* closed */
  capkit_writer_free(w);
  size_t n;
  uint8_t *f = tap_slurp(path, &n);
  CHECK(f && n == 24 + 3 * (16 + 100));
  CHECK(f && f[24 + 16] == 0 && f[n - 1] == 7);
  free(f);
}

int main(void) {
  prop_same_bytes();
  contract();
  return tap_done();
}
