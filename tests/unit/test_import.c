/* test_import.c - hex dumps read as captures through the import API:
 * seeded packets dumped the way od -Ax -tx1 writes them (POSIX od: an
 * offset in hex, then the bytes in hex, 16 a line) and read back across
 * many chunks of text; a hand-made pcap file (the layout of
 * draft-ietf-opsawg-pcap) dumped as hexdump -C writes it and rebuilt
 * record for record; the snaplen cut, --wrap headers, the precision a
 * time implies, an empty dump, bad dumps and bad settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "hexdump.h"
#include "tap.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint32_t next_rand(void) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

/* hexdump -C output of n bytes: offset, two groups of 8, ASCII column. */
static void hexdump_c(FILE *f, const uint8_t *b, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    fprintf(f, "%08zx ", i);
    for (size_t k = i; k < i + 16; k++) {
      if (k == i + 8)
        fputc(' ', f);
      if (k < n)
        fprintf(f, " %02x", b[k]);
      else
        fputs("   ", f);
    }
    fputs("  |", f);
    for (size_t k = i; k < n && k < i + 16; k++)
      fputc(b[k] >= 32 && b[k] < 127 ? b[k] : '.', f);
    fputs("|\n", f);
  }
  fprintf(f, "%08zx\n", n);
}

static int warnings;
static char last_warning[512];
static void on_warn(void *user, const char *msg) {
  (void)user;
  warnings++;
  snprintf(last_warning, sizeof last_warning, "%s", msg);
}

/* A handle over TEXT (len bytes) with SET, opened: NULL when open fails
 * (its code in *rc). */
static capkit_import *open_text(const char *text, size_t len,
                                const capkit_import_settings *set, int *rc,
                                FILE **fp) {
  *fp = fmemopen((void *)text, len, "r");
  capkit_import *im = capkit_import_new(set);
  capkit_import_set_warning_fn(im, on_warn, NULL);
  warnings = 0;
  *rc = capkit_import_open_file(im, *fp, "in.txt");
  return im;
}

/* Seeded packets of 1..1500 bytes, about 1 MB of text (many 64 KiB
 * chunks, lines split between them): every packet comes back, 1 us
 * apart from the epoch, of link type EN10MB, without a warning. */
static void packets(void) {
  enum { N = 400 };
  static uint8_t data[N][1500];
  static uint32_t len[N];
  char *text = NULL;
  size_t tlen = 0;
  FILE *f = open_memstream(&text, &tlen);
  for (int i = 0; i < N; i++) {
    len[i] = 1 + next_rand() % 1500;
    for (uint32_t k = 0; k < len[i]; k++)
      data[i][k] = (uint8_t)next_rand();
    od_dump(f, data[i], len[i]);
  }
  fclose(f);
  CHECK(tlen > 1000000 / 2);
  capkit_import_settings set = CAPKIT_IMPORT_SETTINGS_INIT;
  FILE *in;
  int rc;
  capkit_import *im = open_text(text, tlen, &set, &rc, &in);
  CHECK_EQ(rc, 0);
  CHECK(capkit_import_whole_reader(im) == NULL);
  CHECK_EQ(capkit_import_linktype(im), CAPKIT_LINKTYPE_ETHERNET);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int n = 0, same = 1;
  while ((rc = capkit_import_next(im, &rec)) > 0) {
    if (n < N)
      same &= rec.caplen == len[n] && rec.origlen == len[n] &&
              !memcmp(rec.data, data[n], len[n]) && rec.ts_sec == 0 &&
              rec.ts_nsec == (uint32_t)n * 1000;
    n++;
  }
  CHECK_EQ(rc, 0);
  CHECK_EQ(n, N);
  CHECK(same);
  CHECK_EQ(warnings, 0);
  CHECK_EQ(capkit_import_precision(im), 0u);
  CHECK_EQ(capkit_import_next(im, &rec), 0);
  capkit_import_free(im);
  fclose(in);

  /* the same text cut to a snaplen of 100: each longer packet is cut,
   * with a warning naming its first line */
  set.snaplen = 100;
  im = open_text(text, tlen, &set, &rc, &in);
  int cut = 0, ok = 1;
  n = 0;
  while (capkit_import_next(im, &rec) > 0) {
    cut += len[n] > 100;
    ok &= rec.caplen == (len[n] > 100 ? 100 : len[n]) &&
          rec.origlen == len[n];
    n++;
  }
  CHECK(ok);
  CHECK_EQ(warnings, cut);
  CHECK(strstr(last_warning, "in.txt: line ") == last_warning);
  CHECK(strstr(last_warning, "cut to the snaplen of 100") != NULL);
  capkit_import_free(im);
  fclose(in);
  free(text);
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

/* A pcap file made by hand (native byte order, microseconds, EN10MB, two
 * records), dumped with hexdump -C: read back through the whole-file
 * reader, record for record; cut short, the reader's error. */
static void whole_file(void) {
  uint8_t file[24 + 16 + 5 + 16 + 3];
  put32(file, 0xa1b2c3d4);
  file[4] = 2, file[5] = 0, file[6] = 4, file[7] = 0; /* 2.4, native */
  uint16_t v[2] = {2, 4};
  memcpy(file + 4, v, 4);
  memset(file + 8, 0, 8);
  put32(file + 16, 65535);
  put32(file + 20, 1);
  uint8_t *r = file + 24;
  put32(r, 1000), put32(r + 4, 5), put32(r + 8, 5), put32(r + 12, 60);
  memcpy(r + 16, "hello", 5);
  r += 21;
  put32(r, 1001), put32(r + 4, 999999), put32(r + 8, 3), put32(r + 12, 3);
  memcpy(r + 16, "abc", 3);
  char *text = NULL;
  size_t tlen = 0;
  FILE *f = open_memstream(&text, &tlen);
  hexdump_c(f, file, sizeof file);
  fclose(f);
  capkit_import_settings set = CAPKIT_IMPORT_SETTINGS_INIT;
  FILE *in;
  int rc;
  capkit_import *im = open_text(text, tlen, &set, &rc, &in);
  CHECK_EQ(rc, 0);
  const capkit_reader *rd = capkit_import_whole_reader(im);
  CHECK(rd != NULL);
  CHECK_EQ(capkit_reader_info(rd)->linktype, 1u);
  capkit_record rec = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_import_next(im, &rec), 1);
  CHECK(rec.ts_sec == 1000 && rec.ts_nsec == 5000 && rec.caplen == 5 &&
        rec.origlen == 60 && !memcmp(rec.data, "hello", 5));
  CHECK_EQ(capkit_import_next(im, &rec), 1);
  CHECK(rec.ts_sec == 1001 && rec.ts_nsec == 999999000 && rec.caplen == 3 &&
        !memcmp(rec.data, "abc", 3));
  CHECK_EQ(capkit_import_next(im, &rec), 0);
  capkit_import_free(im);
  fclose(in);
  free(text);

  /* the last record cut short: the reader's error, after the first */
  text = NULL;
  f = open_memstream(&text, &tlen);
  hexdump_c(f, file, sizeof file - 2);
  fclose(f);
  im = open_text(text, tlen, &set, &rc, &in);
  CHECK_EQ(rc, 0);
  CHECK_EQ(capkit_import_next(im, &rec), 1);
  rc = capkit_import_next(im, &rec);
  CHECK(rc < 0 && capkit_error_class_of(rc) == CAPKIT_CLASS_DATA);
  CHECK(strstr(capkit_import_error(im), "in.txt") != NULL);
  CHECK_EQ(capkit_import_next(im, &rec), 0);
  capkit_import_free(im);
  fclose(in);
  free(text);

  /* forced whole, but no hex in it */
  set.mode = CAPKIT_IMPORT_WHOLE;
  const char *none = "nothing here\n";
  im = open_text(none, strlen(none), &set, &rc, &in);
  CHECK_EQ(rc, CAPKIT_EFORMAT);
  CHECK(strcmp(capkit_import_error(im), "in.txt: no hex bytes found") == 0);
  capkit_import_free(im);
  fclose(in);
}

/* --wrap: 42 bytes of eth/ipv4/udp before each packet, lengths counting
 * them; a time with 9 fraction digits asks for nanoseconds; no packet at
 * all warns; a bad dump names its line. */
static void wrap_time_empty_bad(void) {
  capkit_gen *g = NULL;
  CHECK_EQ(capkit_gen_new_wrap("eth()/ipv4()/udp(dport=53)", 1, &g, NULL), 0);
  capkit_import_settings set = CAPKIT_IMPORT_SETTINGS_INIT;
  set.wrap = g;
  set.time_fmt = "%H:%M:%S.";
  const char *t = "10:00:00.123456789\n000000 61 62 63\n000003\n";
  FILE *in;
  int rc;
  capkit_import *im = open_text(t, strlen(t), &set, &rc, &in);
  CHECK_EQ(rc, 0);
  CHECK_EQ(capkit_import_linktype(im), CAPKIT_LINKTYPE_ETHERNET);
  capkit_record rec = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_import_next(im, &rec), 1);
  CHECK_EQ(rec.caplen, 42u + 3);
  CHECK_EQ(rec.origlen, 42u + 3);
  CHECK(!memcmp(rec.data + 42, "abc", 3));
  CHECK_EQ(rec.data[12], 0x08); /* IPv4 */
  CHECK_EQ(rec.data[37], 53);   /* UDP destination port */
  CHECK_EQ(rec.ts_sec, 36000);
  CHECK_EQ(rec.ts_nsec, 123456789u);
  CHECK_EQ(capkit_import_precision(im), 9u);
  capkit_import_free(im);
  fclose(in);
  set.mode = CAPKIT_IMPORT_WHOLE; /* wrap is for packets */
  CHECK(capkit_import_new(&set) == NULL);
  capkit_gen_free(g);

  capkit_import_settings plain = CAPKIT_IMPORT_SETTINGS_INIT;
  const char *empty = "no dump\n";
  im = open_text(empty, strlen(empty), &plain, &rc, &in);
  CHECK_EQ(rc, 0);
  CHECK_EQ(capkit_import_next(im, &rec), 0);
  CHECK_EQ(warnings, 1);
  CHECK(strcmp(last_warning, "in.txt: warning: no hex dump found") == 0);
  capkit_import_free(im);
  fclose(in);

  const char *bad = "000000 61 62\n000010 63\n";
  im = open_text(bad, strlen(bad), &plain, &rc, &in);
  if (rc == 0) /* found at open (in the head) or when read */
    rc = capkit_import_next(im, &rec);
  CHECK_EQ(rc, CAPKIT_EBADREC);
  CHECK(strstr(capkit_import_error(im), "in.txt: line ") ==
        capkit_import_error(im));
  capkit_import_free(im);
  fclose(in);

  plain.size = 4;
  CHECK(capkit_import_new(&plain) == NULL);
  plain.size = sizeof plain;
  plain.mode = 3;
  CHECK(capkit_import_new(&plain) == NULL);
  plain.mode = 0;
  im = capkit_import_new(&plain);
  CHECK_EQ(capkit_import_next(im, &rec), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_import_open_file(im, NULL, "x"), CAPKIT_EMISUSE);
  capkit_import_free(im);
  capkit_import_free(NULL);
}

int main(void) {
  packets();
  whole_file();
  wrap_time_empty_bad();
  return tap_done();
}
