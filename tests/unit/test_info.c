/* test_info.c - capkit_info_write through its public API: a seeded property
 * test over classic pcap files built here byte by byte from the format's
 * definition (both byte orders, both precisions, snaplen set or 0, random
 * lengths and times, in and out of order), whose capinfos -T cells must be
 * what capinfos' definitions give for the records written (packets, file
 * and data size, start and end as epoch seconds, duration, inferred
 * snaplen, strict time order); the column letters as capinfos' manual
 * lists them; the JSON object of a file that did not open; the cell
 * separators and quotes; a failing write function; misuse. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>
#include <capkit/info.h>

#include "tap.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* What the write function collected. */
typedef struct sink {
  char buf[1 << 16];
  size_t n;
  int fail;
} sink;

static int to_sink(void *user, const void *p, size_t n) {
  sink *s = user;
  if (s->fail || s->n + n >= sizeof s->buf)
    return -1;
  memcpy(s->buf + s->n, p, n);
  s->n += n;
  s->buf[s->n] = '\0';
  return 0;
}

static void put32(uint8_t *p, uint32_t v, int big) {
  for (int i = 0; i < 4; i++)
    p[big ? i : 3 - i] = (uint8_t)(v >> (24 - 8 * i));
}
static void put16(uint8_t *p, uint16_t v, int big) {
  p[big ? 0 : 1] = (uint8_t)(v >> 8);
  p[big ? 1 : 0] = (uint8_t)v;
}

/* The I-th tab-separated cell of LINE into OUT. */
static void nth_cell(const char *line, int i, char *out, size_t cap) {
  const char *p = line;
  for (; i > 0 && p; i--)
    if ((p = strchr(p, '\t')) != NULL)
      p++;
  size_t k = 0;
  while (p && p[k] && p[k] != '\t' && p[k] != '\n' && k + 1 < cap) {
    out[k] = p[k];
    k++;
  }
  out[k] = '\0';
}

/* A pcap file of N records (pcap's file header and record headers, as
 * draft-ietf-opsawg-pcap defines them), counted with the accumulator and
 * written as a capinfos -T row; the cells against the definitions. */
static void one_file(int round) {
  int big = (int)(rnd() & 1), ns = (int)(rnd() & 1);
  uint32_t snap = rnd() & 1 ? 0 : 64 + (uint32_t)(rnd() % 2000);
  size_t n = 1 + (size_t)(rnd() % 40);
  size_t cap = 24 + n * (16 + 2048);
  uint8_t *f = calloc(1, cap);
  put32(f, ns ? 0xa1b23c4du : 0xa1b2c3d4u, big);
  put16(f + 4, 2, big);
  put16(f + 6, 4, big);
  put32(f + 16, snap, big);
  put32(f + 20, 1, big);
  size_t off = 24;
  uint64_t data = 0, min_ns = UINT64_MAX, max_ns = 0, prev = 0;
  uint32_t min_cap = UINT32_MAX, max_cap = 0;
  int in_order = 1;
  for (size_t i = 0; i < n; i++) {
    uint64_t sec = 1000000000u + rnd() % 100000u;
    uint32_t frac = (uint32_t)(rnd() % (ns ? 1000000000u : 1000000u));
    uint64_t t = sec * 1000000000u + (ns ? frac : frac * 1000u);
    uint32_t len = 14 + (uint32_t)(rnd() % 1500);
    uint32_t caplen = snap && len > snap ? snap : len;
    if (!snap && rnd() % 4 == 0)
      caplen = len / 2; /* cut without a snaplen: the inferred limit */
    put32(f + off, (uint32_t)sec, big);
    put32(f + off + 4, frac, big);
    put32(f + off + 8, caplen, big);
    put32(f + off + 12, len, big);
    off += 16 + caplen;
    data += len;
    min_ns = t < min_ns ? t : min_ns;
    max_ns = t > max_ns ? t : max_ns;
    min_cap = caplen < min_cap ? caplen : min_cap;
    max_cap = caplen > max_cap ? caplen : max_cap;
    if (i && t < prev)
      in_order = 0;
    prev = t;
  }
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, f, off, "mem.pcap"), 0);
  capkit_stats_settings set = CAPKIT_STATS_SETTINGS_INIT;
  set.what = CAPKIT_STATS_SUMMARY;
  capkit_stats *st = capkit_stats_new(&set);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc;
  while ((rc = capkit_reader_next(r, &rec)) > 0)
    capkit_stats_add(st, &rec, NULL);
  CHECK_EQ(rc, 0);
  capkit_info_options o = CAPKIT_INFO_OPTIONS_INIT;
  o.format = CAPKIT_INFO_TABLE;
  o.epoch = 1;
  o.columns = capkit_info_columns('t') | capkit_info_columns('l') |
              capkit_info_columns('c') | capkit_info_columns('s') |
              capkit_info_columns('d') | capkit_info_columns('u') |
              capkit_info_columns('a') | capkit_info_columns('e') |
              capkit_info_columns('o');
  static sink s;
  s.n = 0;
  s.fail = 0;
  CHECK_EQ(capkit_info_write(r, st, 0, &o, to_sink, &s), 0);
  /* name, type, snaplen, min, max, packets, file size, data size,
   * duration, start, end, order */
  char c[12][64], want[64];
  for (int i = 0; i < 12; i++)
    nth_cell(s.buf, i, c[i], sizeof c[i]);
  int ok = strcmp(c[0], "mem.pcap") == 0;
  ok &= strcmp(c[1], ns ? "nsecpcap" : "pcap") == 0;
  snprintf(want, sizeof want, "%" PRIu32, snap);
  ok &= strcmp(c[2], snap ? want : "(not set)") == 0;
  snprintf(want, sizeof want, "%" PRIu32, min_cap);
  ok &= strcmp(c[3], snap ? "n/a" : want) == 0;
  snprintf(want, sizeof want, "%" PRIu32, max_cap);
  ok &= strcmp(c[4], snap ? "n/a" : want) == 0;
  snprintf(want, sizeof want, "%zu", n);
  ok &= strcmp(c[5], want) == 0;
  snprintf(want, sizeof want, "%zu", off);
  ok &= strcmp(c[6], want) == 0;
  snprintf(want, sizeof want, "%" PRIu64, data);
  ok &= strcmp(c[7], want) == 0;
  double dur = (double)(max_ns - min_ns) / 1e9;
  ok &= fabs(strtod(c[8], NULL) - dur) < 2e-6;
  ok &= strlen(strchr(c[8], '.') + 1) == (ns ? 9u : 6u);
  int digits = ns ? 9 : 6;
  uint32_t div = ns ? 1 : 1000;
  snprintf(want, sizeof want, "%" PRIu64 ".%0*" PRIu64, min_ns / 1000000000u,
           digits, min_ns % 1000000000u / div);
  ok &= strcmp(c[9], want) == 0;
  snprintf(want, sizeof want, "%" PRIu64 ".%0*" PRIu64, max_ns / 1000000000u,
           digits, max_ns % 1000000000u / div);
  ok &= strcmp(c[10], want) == 0;
  ok &= strcmp(c[11], in_order ? "True" : "False") == 0;
  ok &= s.buf[s.n - 1] == '\n' && strchr(s.buf, '\n') == s.buf + s.n - 1;
  if (!ok)
    fprintf(stderr, "# round %d (big %d ns %d snap %u n %zu): %s", round, big,
            ns, snap, n, s.buf);
  CHECK(ok);
  /* JSON: the same counts, one object on one line */
  o.format = CAPKIT_INFO_JSON;
  s.n = 0;
  CHECK_EQ(capkit_info_write(r, st, 0, &o, to_sink, &s), 0);
  snprintf(want, sizeof want, "\"packets\":%zu,", n);
  CHECK(strstr(s.buf, want) != NULL);
  snprintf(want, sizeof want, "\"original_bytes\":%" PRIu64 ",", data);
  CHECK(strstr(s.buf, want) != NULL);
  CHECK(strstr(s.buf, big ? "\"byte_order\":\"big\"" : "\"byte_order\":"
                                                       "\"little\"") != NULL);
  capkit_stats_free(st);
  capkit_reader_free(r);
  free(f);
}

static void letters(void) {
  /* capinfos(1): -F gives the precision and the three capture columns, -l
   * the limit and the inferred min and max, -H two hashes */
  static const struct {
    int letter, columns;
  } want[] = {{'t', 1}, {'E', 1}, {'F', 4}, {'l', 3}, {'c', 1}, {'s', 1},
              {'d', 1}, {'u', 1}, {'a', 1}, {'e', 1}, {'y', 1}, {'i', 1},
              {'z', 1}, {'x', 1}, {'H', 2}, {'o', 1}, {'k', 1}};
  uint32_t all = 0;
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    uint32_t m = capkit_info_columns(want[i].letter);
    int bits = 0;
    for (uint32_t k = m; k; k &= k - 1)
      bits++;
    CHECK_EQ(bits, want[i].columns);
    CHECK_EQ(all & m, 0u); /* no column under two letters */
    all |= m;
  }
  CHECK_EQ(all & 1u, 0u); /* the file name has no letter */
  CHECK_EQ(capkit_info_columns(0), 0u);
  CHECK_EQ(capkit_info_columns('T'), 0u);
  CHECK_EQ(capkit_info_columns('?'), 0u);
}

/* A tiny valid file: header, one 14-byte record. */
static size_t tiny(uint8_t *f) {
  memset(f, 0, 24 + 16 + 14);
  put32(f, 0xa1b2c3d4u, 0);
  put16(f + 4, 2, 0);
  put16(f + 6, 4, 0);
  put32(f + 16, 65535, 0);
  put32(f + 20, 1, 0);
  put32(f + 24, 100, 0);
  put32(f + 32, 14, 0);
  put32(f + 36, 14, 0);
  return 24 + 16 + 14;
}

static void layouts(void) {
  uint8_t f[64];
  size_t len = tiny(f);
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, f, len, "a,b"), 0);
  capkit_stats *st = capkit_stats_new(NULL);
  capkit_record rec = CAPKIT_RECORD_INIT;
  while (capkit_reader_next(r, &rec) > 0)
    capkit_stats_add(st, &rec, NULL);
  static sink s;
  capkit_info_options o = CAPKIT_INFO_OPTIONS_INIT;
  o.format = CAPKIT_INFO_TABLE;
  o.columns = capkit_info_columns('c');
  o.header = 1;
  o.separator = ',';
  o.quote = '"';
  CHECK_EQ(capkit_info_write(r, st, 0, &o, to_sink, &s), 0);
  CHECK(strcmp(s.buf, "\"File name\",\"Number of packets\"\n"
                      "\"a,b\",\"1\"\n") == 0);
  /* the name given wins over the reader's */
  s.n = 0;
  o.header = 0;
  o.quote = 0;
  o.separator = 0;
  o.name = "x";
  CHECK_EQ(capkit_info_write(r, st, 0, &o, to_sink, &s), 0);
  CHECK(strcmp(s.buf, "x\t1\n") == 0);
  /* text: one "Key: value" line each, ends with the size line */
  s.n = 0;
  o.format = CAPKIT_INFO_TEXT;
  CHECK_EQ(capkit_info_write(r, st, 0, &o, to_sink, &s), 0);
  CHECK(strncmp(s.buf, "File:               x\n", 22) == 0);
  CHECK(strstr(s.buf, "Packets:            1\n") != NULL);
  CHECK(strstr(s.buf, "First time:         1970-01-01 00:01:40.000000 "
                      "UTC\n") != NULL);
  CHECK(strstr(s.buf, "SHA256") == NULL);
  /* a failing write function */
  s.n = 0;
  s.fail = 1;
  CHECK_EQ(capkit_info_write(r, st, 0, &o, to_sink, &s), CAPKIT_EIO);
  s.fail = 0;
  /* misuse */
  capkit_info_options small = o;
  small.size = 4;
  CHECK_EQ(capkit_info_write(r, st, 0, &small, to_sink, &s), CAPKIT_EMISUSE);
  o.format = 7;
  CHECK_EQ(capkit_info_write(r, st, 0, &o, to_sink, &s), CAPKIT_EMISUSE);
  o.format = CAPKIT_INFO_JSON;
  CHECK_EQ(capkit_info_write(r, NULL, 0, &o, to_sink, &s), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_info_write(NULL, st, 0, &o, to_sink, &s), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_info_write(r, st, 0, &o, NULL, &s), CAPKIT_EMISUSE);
  CHECK_EQ(s.n, 0u);
  capkit_stats_free(st);
  capkit_reader_free(r);

  /* a file that did not open: JSON names it and its error only */
  r = capkit_reader_new();
  f[0] = 'x';
  int rc = capkit_reader_open_memory(r, f, len, "bad");
  CHECK(rc < 0);
  o.name = "bad \"one\"";
  s.n = 0;
  CHECK_EQ(capkit_info_write(r, NULL, rc, &o, to_sink, &s), 0);
  char want[512];
  snprintf(want, sizeof want,
           "{\"file\":\"bad \\\"one\\\"\",\"error\":{\"message\":\"%s\","
           "\"code\":\"%s\",\"offset\":%" PRIu64 ",\"record\":0}}\n",
           capkit_reader_error(r), capkit_errname(rc),
           capkit_reader_error_offset(r));
  CHECK(strcmp(s.buf, want) == 0);
  o.format = CAPKIT_INFO_TEXT;
  s.n = 0;
  CHECK_EQ(capkit_info_write(r, NULL, rc, &o, to_sink, &s), 0);
  CHECK_EQ(s.n, 0u);
  capkit_reader_free(r);
}

/* The digest of PATH as /usr/bin/sha256sum or sha1sum (TOOL) prints it. */
static void sum_of(const char *tool, const char *path, char *out, size_t cap) {
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "/usr/bin/%s '%s'", tool, path);
  out[0] = '\0';
  FILE *p = popen(cmd, "r");
  if (!p)
    return;
  if (fgets(out, (int)cap, p))
    out[strcspn(out, " \n")] = '\0';
  pclose(p);
}

/* capkit_info_path, one call a file: seeded Ethernet/IPv4 files whose
 * records carry UDP or TCP (pcap as draft-ietf-opsawg-pcap defines it),
 * counted through the filter "udp": the packets and data size cells are
 * those of the UDP records written; the hashes are sha256sum's and
 * sha1sum's; the header line comes once for the handle; a missing file,
 * a filter that does not compile, misuse. */
static void path_calls(void) {
  capkit_info *info = capkit_info_new();
  CHECK(info != NULL);
  capkit_info_options o = CAPKIT_INFO_OPTIONS_INIT;
  o.format = CAPKIT_INFO_TABLE;
  o.header = 1;
  o.columns = capkit_info_columns('c') | capkit_info_columns('d') |
              capkit_info_columns('H');
  sink s;
  memset(&s, 0, sizeof s);
  char path[512];
  snprintf(path, sizeof path, "%s/info.pcap", tap_tmpdir());
  for (int round = 0; round < 20; round++) {
    int big = (int)(rnd() & 1);
    size_t n = (size_t)(rnd() % 30);
    uint8_t *f = calloc(1, 24 + n * (16 + 34 + 300));
    put32(f, 0xa1b2c3d4u, big);
    put16(f + 4, 2, big);
    put16(f + 6, 4, big);
    put32(f + 16, 65535, big);
    put32(f + 20, 1, big);
    size_t off = 24;
    uint64_t udp = 0, bytes = 0;
    for (size_t i = 0; i < n; i++) {
      uint32_t caplen = 34 + (uint32_t)(rnd() % 300);
      uint32_t len = caplen + (uint32_t)(rnd() % 3 ? 0 : rnd() % 1000);
      put32(f + off, 1700000000u + (uint32_t)i, big);
      put32(f + off + 8, caplen, big);
      put32(f + off + 12, len, big);
      uint8_t *p = f + off + 16;
      memset(p, 0x02, 12);             /* MAC addresses */
      p[12] = 0x08;                    /* IPv4 */
      p[14] = 0x45;                    /* version 4, 20-byte header */
      put16(p + 16, (uint16_t)(len - 14), 1);
      p[22] = 64;
      p[23] = rnd() & 1 ? 17 : 6;      /* UDP or TCP */
      put32(p + 26, 0x0a000001u, 1);
      put32(p + 30, 0x0a000002u, 1);
      if (p[23] == 17) {
        udp++;
        bytes += len;
      }
      off += 16 + caplen;
    }
    FILE *fp = fopen(path, "wb");
    CHECK(fp && fwrite(f, 1, off, fp) == off);
    if (fp)
      fclose(fp);
    free(f);
    size_t before = s.n;
    CHECK_EQ(capkit_info_path(info, path, "udp", CAPKIT_INFO_HASHES, &o,
                              to_sink, &s),
             0);
    CHECK(capkit_info_error(info, 0) == NULL);
    const char *row = s.buf + before;
    if (round == 0) { /* the header line, then the row */
      CHECK(!strncmp(row, "File name\t", 10));
      row = strchr(row, '\n');
      row = row ? row + 1 : s.buf + s.n;
    }
    char cell[200], want[200];
    nth_cell(row, 0, cell, sizeof cell);
    CHECK(!strcmp(cell, path));
    nth_cell(row, 1, cell, sizeof cell);
    snprintf(want, sizeof want, "%" PRIu64, udp);
    CHECK(!strcmp(cell, want));
    nth_cell(row, 2, cell, sizeof cell);
    snprintf(want, sizeof want, "%" PRIu64, bytes);
    CHECK(!strcmp(cell, want));
    nth_cell(row, 3, cell, sizeof cell);
    sum_of("sha256sum", path, want, sizeof want);
    CHECK(want[0] && !strcmp(cell, want));
    nth_cell(row, 4, cell, sizeof cell);
    sum_of("sha1sum", path, want, sizeof want);
    CHECK(want[0] && !strcmp(cell, want));
    CHECK_EQ(strchr(row, '\n') - row + 1, s.buf + s.n - row); /* one row */
    if (s.n > sizeof s.buf / 2)
      s.n = 0;
  }

  /* a missing file: the reader's message; in JSON its name and error */
  char missing[600];
  snprintf(missing, sizeof missing, "%s/no-such.pcap", tap_tmpdir());
  capkit_reader *r = capkit_reader_new();
  int want = capkit_reader_open_path(r, missing);
  s.n = 0;
  o.format = CAPKIT_INFO_JSON;
  CHECK_EQ(capkit_info_path(info, missing, NULL, 0, &o, to_sink, &s), want);
  CHECK(capkit_info_error(info, 0) &&
        !strcmp(capkit_info_error(info, 0), capkit_reader_error(r)));
  CHECK(capkit_info_error(info, 1) == NULL);
  CHECK(!strncmp(s.buf, "{\"file\":\"", 9) && strstr(s.buf, missing));
  capkit_reader_free(r);

  /* a filter that does not compile: its message, nothing written */
  s.n = 0;
  s.buf[0] = '\0';
  CHECK_EQ(capkit_info_path(info, path, "udp((", 0, &o, to_sink, &s),
           CAPKIT_EFILTER);
  CHECK(capkit_info_error(info, 0) &&
        !strncmp(capkit_info_error(info, 0), "bad filter 'udp((': ", 20));
  CHECK_EQ(s.n, 0u);

  /* the hashes in JSON: sha256sum's */
  s.n = 0;
  char sha[200];
  sum_of("sha256sum", path, sha, sizeof sha);
  CHECK_EQ(capkit_info_path(info, path, NULL, CAPKIT_INFO_HASHES, &o,
                            to_sink, &s),
           0);
  CHECK(sha[0] && strstr(s.buf, sha) != NULL);
  CHECK_EQ(capkit_info_path(NULL, path, NULL, 0, &o, to_sink, &s),
           CAPKIT_EMISUSE);
  CHECK_EQ(capkit_info_path(info, NULL, NULL, 0, &o, to_sink, &s),
           CAPKIT_EMISUSE);
  CHECK_EQ(capkit_info_path(info, path, NULL, 0, NULL, to_sink, &s),
           CAPKIT_EMISUSE);
  capkit_info_options small = o;
  small.size = 4;
  CHECK_EQ(capkit_info_path(info, path, NULL, 0, &small, to_sink, &s),
           CAPKIT_EMISUSE);
  CHECK(capkit_info_error(NULL, 0) == NULL);
  capkit_info_free(info);
  capkit_info_free(NULL);
}

int main(void) {
  letters();
  layouts();
  for (int i = 0; i < 300; i++)
    one_file(i);
  path_calls();
  return tap_done();
}
