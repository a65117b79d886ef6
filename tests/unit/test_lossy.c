/* test_lossy.c - a pcapng writer never loses data silently: an option
 * longer than a pcapng option can be (65535 bytes, pcapng spec section
 * 3.5) is cut with a CAPKIT_W_OPTION_DROPPED warning, and a time that the
 * interface's if_tsresol cannot hold is written rounded with a
 * CAPKIT_W_TS_ROUNDED warning naming the record; times an if_tsresol can
 * hold (checked over seeded random times and resolutions) read back exactly
 * and give no warning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capkit/capkit.h>

#include "mkpkt.h"
#include "tap.h"

typedef struct seen {
  int n[32];
  uint64_t first_rec[32];
} seen;

static void on_warn(void *user, int warning, uint64_t off, uint64_t rec,
                    const char *msg) {
  seen *s = user;
  (void)off;
  (void)msg;
  if (warning >= 0 && warning < 32 && s->n[warning]++ == 0)
    s->first_rec[warning] = rec;
}

static char path[64];
static uint8_t pkt[60];

/* Write records with times T[i] (and COMMENT on record 2) through an
 * interface of resolution RES; then read the times back into BACK. */
static void write_read(uint32_t res, const capkit_time *t, size_t n,
                       const char *comment, seen *sw, capkit_time *back,
                       size_t *comment_len) {
  capkit_writer *w = capkit_writer_new();
  capkit_iface ifc;
  memset(&ifc, 0, sizeof ifc);
  ifc.linktype = 1;
  ifc.snaplen = 65535;
  ifc.fcs_len = -1;
  ifc.tsresol = res;
  CHECK_EQ(capkit_writer_set_format(w, "pcapng"), 0);
  CHECK_EQ(capkit_writer_set_warning_fn(w, on_warn, sw), 0);
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  for (size_t i = 0; i < n; i++) {
    capkit_record rec = CAPKIT_RECORD_INIT;
    rec.ts_sec = t[i].sec;
    rec.ts_nsec = t[i].nsec;
    rec.caplen = rec.origlen = sizeof pkt;
    rec.data = pkt;
    rec.iface = &ifc;
    rec.comment = i == 1 ? comment : NULL;
    CHECK_EQ(capkit_writer_write(w, &rec), 0);
  }
  CHECK_EQ(capkit_writer_close(w), 0);
  capkit_writer_free(w);
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, path), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  for (size_t i = 0; i < n && capkit_reader_next(r, &rec) > 0; i++) {
    back[i].sec = rec.ts_sec;
    back[i].nsec = rec.ts_nsec;
    if (i == 1 && comment_len)
      *comment_len = rec.comment ? strlen(rec.comment) : 0;
  }
  capkit_reader_free(r);
}

/* A pcapng file (little-endian, pcapng spec section 4) of one Ethernet
 * interface with if_tsresol RES and N packets of 60 bytes at time 0. */
static void make_source(const char *src, uint32_t res, size_t n) {
  FILE *f = fopen(src, "wb");
  static const uint8_t shb[28] = {0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0,
                                  0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
                                  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                  0xff, 28, 0, 0, 0};
  uint8_t idb[32] = {1, 0, 0, 0, 32, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0, 0,
                     9, 0, 1, 0, (uint8_t)res, 0, 0, 0, 0, 0, 0, 0,
                     32, 0, 0, 0};
  uint8_t epb[32 + 60] = {6, 0, 0, 0, 92, 0, 0, 0};
  epb[20] = epb[24] = 60;
  epb[88] = 92;
  fwrite(shb, 1, sizeof shb, f);
  fwrite(idb, 1, sizeof idb, f);
  for (size_t i = 0; i < n; i++)
    fwrite(epb, 1, sizeof epb, f);
  fclose(f);
}

/* Copy a pcapng source of resolution RES with the times T (as capkit
 * retime does): warnings into SW, the times read back into BACK. */
static void retime_copy(uint32_t res, const capkit_time *t, size_t n,
                        seen *sw, capkit_time *back) {
  char src[80];
  snprintf(src, sizeof src, "%s.src", path);
  make_source(src, res, n);
  capkit_reader *r = capkit_reader_new();
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_reader_open_path(r, src), 0);
  CHECK_EQ(capkit_writer_copy_settings(w, r), 0);
  CHECK_EQ(capkit_writer_set_warning_fn(w, on_warn, sw), 0);
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  for (size_t i = 0; i < n && capkit_reader_next(r, &rec) > 0; i++) {
    rec.ts_sec = t[i].sec;
    rec.ts_nsec = t[i].nsec;
    CHECK_EQ(capkit_writer_write(w, &rec), 0);
  }
  CHECK_EQ(capkit_writer_close(w), 0);
  capkit_writer_free(w);
  capkit_reader_free(r);
  unlink(src);
  r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, path), 0);
  for (size_t i = 0; i < n && capkit_reader_next(r, &rec) > 0; i++) {
    back[i].sec = rec.ts_sec;
    back[i].nsec = rec.ts_nsec;
    CHECK_EQ(rec.iface->tsresol, res);
  }
  capkit_reader_free(r);
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint64_t rnd(void) { return mk_rand(&rng); }

int main(void) {
  snprintf(path, sizeof path, "/tmp/capkit_lossy_%ld.pcapng", (long)getpid());

  /* a comment of 70000 bytes: cut to 65535, warned once, record 2 */
  char *big = malloc(70001);
  memset(big, 'c', 70000);
  big[70000] = '\0';
  capkit_time t3[3] = {{100, 0}, {101, 0}, {102, 0}};
  capkit_time back[64];
  seen s;
  memset(&s, 0, sizeof s);
  size_t clen = 0;
  write_read(6, t3, 3, big, &s, back, &clen);
  CHECK_EQ(clen, 65535u);
  CHECK_EQ(s.n[CAPKIT_W_OPTION_DROPPED], 1);
  CHECK_EQ(s.first_rec[CAPKIT_W_OPTION_DROPPED], 2u);
  CHECK_EQ(s.n[CAPKIT_W_TS_ROUNDED], 0);
  free(big);

  /* microsecond interface, nanosecond times on records 2 and 3 */
  capkit_time tn[3] = {{100, 5000}, {101, 123456789}, {102, 1}};
  memset(&s, 0, sizeof s);
  write_read(6, tn, 3, NULL, &s, back, NULL);
  CHECK_EQ(s.n[CAPKIT_W_TS_ROUNDED], 2);
  CHECK_EQ(s.first_rec[CAPKIT_W_TS_ROUNDED], 2u);
  CHECK(back[1].sec == 101 && back[1].nsec == 123456000);

  /* seeded: decimal 10^-0..10^-9 and binary 2^-1..2^-40 resolutions; a
   * time is exact when the resolution can hold it (spec: if_tsresol), and
   * a warning comes exactly for the records whose time read back differs */
  int ok = 1;
  for (int round = 0; round < 60; round++) {
    uint32_t res = round & 1 ? 0x80u | (uint32_t)(1 + rnd() % 40)
                             : (uint32_t)(rnd() % 10);
    capkit_time t[16];
    for (size_t i = 0; i < 16; i++) {
      uint32_t ns = (uint32_t)(rnd() % 1000000000u);
      if (rnd() % 3 == 0) /* a time the resolution holds exactly */
        ns = 0;
      if (!(res & 0x80) && rnd() % 3 == 0) {
        uint32_t unit = 1;
        for (uint32_t k = res; k < 9; k++)
          unit *= 10;
        ns -= ns % unit;
      }
      t[i].sec = 1000000 + (int64_t)i;
      t[i].nsec = ns;
    }
    memset(&s, 0, sizeof s);
    retime_copy(res, t, 16, &s, back);
    int differ = 0;
    for (size_t i = 0; i < 16; i++) {
      int exact = back[i].sec == t[i].sec && back[i].nsec == t[i].nsec;
      differ += !exact;
      if (res & 0x80 && (res & 0x7f) >= 30)
        ok &= exact; /* finer than a nanosecond: always exact */
      if (!(res & 0x80)) { /* decimal: exact iff a whole number of units */
        uint32_t unit = 1;
        for (uint32_t k = res; k < 9; k++)
          unit *= 10;
        ok &= exact == (t[i].nsec % unit == 0);
        if (!exact) /* truncated to the unit */
          ok &= back[i].sec == t[i].sec &&
                back[i].nsec == t[i].nsec - t[i].nsec % unit;
      }
    }
    ok &= s.n[CAPKIT_W_TS_ROUNDED] == differ;
  }
  CHECK(ok);
  unlink(path);
  return tap_done();
}
