/* test_genset.c - streams interleaved by time: every packet at start +
 * k * interval (plus a jitter below its bound), in time order with ties
 * to the stream added first (seeded property test over random starts,
 * intervals, counts and stream numbers against times computed here in
 * 128-bit nanoseconds); the spec-file reader's syntax, bounds and errors
 * with their lines; the value parsers; the end of time; misuse; a spec
 * file by name, the output's link type (one, or an interface per stream
 * with the link types build.h gives each first layer) and the whole set
 * written and read back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "mkpkt.h"
#include "tap.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) { return mk_rand(&rng); }

static __int128 ns_of(capkit_time t) {
  return (__int128)t.sec * 1000000000 + t.nsec;
}

static void interleave(int rounds) {
  int ok = 1;
  for (int round = 0; round < rounds && ok; round++) {
    size_t ns = 1 + rnd() % 5;
    capkit_gen_stream st[5];
    uint64_t got[5] = {0};
    capkit_genset *gs = capkit_genset_new(rnd());
    for (size_t i = 0; i < ns; i++) {
      capkit_gen_stream s = CAPKIT_GEN_STREAM_INIT;
      s.count = rnd() % 40;
      s.start.sec = (int64_t)(rnd() % 2000) - 1000;
      s.start.nsec = (uint32_t)(rnd() % 4) * 250000000u;
      s.interval.sec = (int64_t)(rnd() % 3);
      s.interval.nsec = (uint32_t)(rnd() % 1000000000u);
      if (rnd() % 4 == 0)
        s.interval = (capkit_time){0, 0}; /* all at once */
      st[i] = s;
      ok &= capkit_genset_add(gs, i & 1 ? "eth()/ipv4()/udp()" : "ipv6()",
                              &s) == 0;
    }
    ok &= capkit_genset_count(gs) == ns;
    capkit_record rec = CAPKIT_RECORD_INIT;
    __int128 prev = 0;
    size_t prev_stream = 0, total = 0;
    int rc;
    while ((rc = capkit_genset_next(gs, &rec)) > 0) {
      /* which stream: the first whose next time is this one */
      __int128 t = ns_of(capkit_record_time(&rec));
      size_t k = ns;
      for (size_t i = 0; i < ns && k == ns; i++)
        if (got[i] < st[i].count &&
            ns_of(st[i].start) + (__int128)got[i] * ns_of(st[i].interval) ==
                t)
          k = i;
      ok &= k < ns;
      if (k == ns)
        break;
      ok &= total == 0 || t > prev || (t == prev && k >= prev_stream);
      ok &= rec.caplen == (k & 1 ? 42u : 40u);
      got[k]++;
      prev = t;
      prev_stream = k;
      total++;
    }
    ok &= rc == 0;
    for (size_t i = 0; i < ns; i++)
      ok &= got[i] == st[i].count;
    capkit_genset_free(gs);
  }
  CHECK(ok);
}

/* Jitter: each time in [base, base + jitter), the same for the same
 * seed. */
static void jitter(void) {
  capkit_gen_stream s = CAPKIT_GEN_STREAM_INIT;
  s.count = 500;
  s.interval = (capkit_time){0, 1000};
  s.jitter = (capkit_time){0, 700};
  capkit_genset *a = capkit_genset_new(5), *b = capkit_genset_new(5);
  CHECK_EQ(capkit_genset_add(a, "eth()", &s), 0);
  CHECK_EQ(capkit_genset_add(b, "eth()", &s), 0);
  capkit_record ra = CAPKIT_RECORD_INIT, rb = CAPKIT_RECORD_INIT;
  int ok = 1, spread = 0;
  for (int64_t k = 0; k < 500; k++) {
    ok &= capkit_genset_next(a, &ra) == 1 && capkit_genset_next(b, &rb) == 1;
    int64_t off = ra.ts_nsec - k * 1000;
    ok &= ra.ts_sec == 0 && off >= 0 && off < 700;
    ok &= ra.ts_nsec == rb.ts_nsec;
    spread |= off > 350;
  }
  CHECK(ok);
  CHECK(spread);
  CHECK_EQ(capkit_genset_next(a, &ra), 0);
  capkit_genset_free(a);
  capkit_genset_free(b);
}

static FILE *text(const char *s, size_t n) {
  FILE *f = tmpfile();
  fwrite(s, 1, n, f);
  rewind(f);
  return f;
}

static int read_text(capkit_genset *gs, const char *s, size_t n) {
  capkit_gen_stream d = CAPKIT_GEN_STREAM_INIT;
  FILE *f = text(s, n);
  int rc = capkit_genset_read(gs, f, &d);
  fclose(f);
  return rc;
}

static void spec_file(void) {
  capkit_genset *gs = capkit_genset_new(1);
  static const char good[] =
      "# two streams\n"
      "\n"
      "count=2 rate=10k start=@5 eth()/ipv4()/udp()\r\n"
      "  count=1k interval=1ms start=1970-01-01T00:00:06Z ipv6()\n"
      "count=1KiB jitter=0 ipv6()";
  CHECK_EQ(read_text(gs, good, sizeof good - 1), 0);
  CHECK_EQ(capkit_genset_count(gs), 3u);
  CHECK_EQ(capkit_genset_linktype(gs, 0), 1u);
  CHECK_EQ(capkit_genset_linktype(gs, 1), 101u);
  capkit_record rec = CAPKIT_RECORD_INIT;
  size_t n = 0, n5 = 0;
  while (capkit_genset_next(gs, &rec) > 0) {
    n++;
    n5 += rec.ts_sec == 5;
  }
  CHECK_EQ(n, 2u + 1000u + 1024u);
  CHECK_EQ(n5, 2u);
  capkit_genset_free(gs);

  struct {
    const char *text;
    size_t len;
    int rc;
    size_t line, column;
    const char *msg;
  } bad[] = {
      {"eth()\nrate=0.00000000000000000001 eth()\n", 0, CAPKIT_ESPEC, 2, 0,
       "bad rate'0.00000000000000000001': too low"},
      {"count=x eth()\n", 0, CAPKIT_ESPEC, 1, 0, "bad count'x'"},
      {"eth()\n\n  eth()/ipv4(foo=1)\n", 0, CAPKIT_ESPEC, 3, 12, ""},
      {"# only\n", 0, CAPKIT_ESPEC, 0, 0, "no stream in the file"},
      {"eth()\na\0b\n", 10, CAPKIT_ESPEC, 2, 0, "a NUL byte"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    gs = capkit_genset_new(1);
    size_t len = bad[i].len ? bad[i].len : strlen(bad[i].text);
    CHECK_EQ(read_text(gs, bad[i].text, len), bad[i].rc);
    CHECK_EQ(capkit_genset_error_line(gs), bad[i].line);
    CHECK_EQ(capkit_genset_error_column(gs), bad[i].column);
    CHECK(strstr(capkit_genset_error(gs), bad[i].msg) != NULL);
    capkit_genset_free(gs);
  }
  gs = capkit_genset_new(1);
  CHECK_EQ(read_text(gs, "eth()/x()\n", 10), CAPKIT_ESPEC);
  CHECK(!strcmp(capkit_genset_error_spec(gs), "eth()/x()"));
  capkit_genset_free(gs);

  /* bounds: a line of 1 MiB + 1, a file over 16 MiB */
  size_t big = CAPKIT_GENSET_LINE_MAX + 1;
  char *s = malloc(CAPKIT_GENSET_FILE_MAX + 2);
  memset(s, '#', big);
  gs = capkit_genset_new(1);
  CHECK_EQ(read_text(gs, s, big), CAPKIT_ESPEC);
  CHECK(strstr(capkit_genset_error(gs), "longer than 1 MiB") != NULL);
  capkit_genset_free(gs);
  for (size_t i = 0; i < CAPKIT_GENSET_FILE_MAX + 2; i++)
    s[i] = i % 1000 == 999 ? '\n' : '#';
  gs = capkit_genset_new(1);
  CHECK_EQ(read_text(gs, s, CAPKIT_GENSET_FILE_MAX + 2), CAPKIT_ESPEC);
  CHECK(strstr(capkit_genset_error(gs), "longer than 16 MiB") != NULL);
  capkit_genset_free(gs);
  free(s);
}

static void values(void) {
  uint64_t v = 0;
  CHECK(capkit_parse_count("10k", &v) == 0 && v == 10000);
  CHECK(capkit_parse_count("2MiB", &v) == 0 && v == 2u << 20);
  CHECK(capkit_parse_count("3GB", &v) == 0 && v == 3000000000u);
  CHECK_EQ(capkit_parse_count("1x", &v), CAPKIT_EINVAL);
  CHECK_EQ(capkit_parse_count("-1", &v), CAPKIT_EINVAL);
  CHECK_EQ(capkit_parse_count("18446744073709551615k", &v), CAPKIT_EINVAL);
  capkit_time t;
  CHECK(capkit_gen_parse_rate("10k", &t) == 0 && t.sec == 0 &&
        t.nsec == 100000);
  CHECK(capkit_gen_parse_rate("3", &t) == 0 && t.sec == 0 &&
        t.nsec == 333333333);
  CHECK_EQ(capkit_gen_parse_rate("0", &t), CAPKIT_EINVAL);
  CHECK_EQ(capkit_gen_parse_rate("2G", &t), CAPKIT_EINVAL);
  CHECK_EQ(capkit_gen_parse_rate("1e-20", &t), CAPKIT_ERANGE);
  CHECK(capkit_gen_parse_interval("1.5ms", &t) == 0 && t.nsec == 1500000);
  CHECK_EQ(capkit_gen_parse_interval("-1s", &t), CAPKIT_EINVAL);
  CHECK(capkit_gen_parse_start("2024-05-01T12:00:00.25+02:00", &t) == 0 &&
        t.sec == 1714557600 && t.nsec == 250000000);
  CHECK(capkit_gen_parse_start("1714564800.5", &t) == 0 &&
        t.sec == 1714564800 && t.nsec == 500000000);
  CHECK_EQ(capkit_gen_parse_start("tomorrow", &t), CAPKIT_EINVAL);
}

static void limits_and_misuse(void) {
  capkit_genset *gs = capkit_genset_new(1);
  capkit_gen_stream s = CAPKIT_GEN_STREAM_INIT;
  s.count = 3;
  s.start = (capkit_time){INT64_MAX, 0};
  s.interval = (capkit_time){1, 0};
  CHECK_EQ(capkit_genset_add(gs, "eth()", &s), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_genset_next(gs, &rec), 1);
  CHECK_EQ(capkit_genset_next(gs, &rec), CAPKIT_ERANGE);
  CHECK(strstr(capkit_genset_error(gs), "out of range") != NULL);
  capkit_genset_free(gs);

  gs = capkit_genset_new(1);
  s = (capkit_gen_stream)CAPKIT_GEN_STREAM_INIT;
  s.count = UINT64_MAX;
  CHECK_EQ(capkit_genset_add(gs, "eth()/ipv4()/tcp-session()", &s),
           CAPKIT_ERANGE);
  s.count = 1;
  s.jitter = (capkit_time){INT64_MAX / 2, 0};
  CHECK_EQ(capkit_genset_add(gs, "eth()", &s), CAPKIT_ERANGE);
  CHECK_EQ(capkit_genset_count(gs), 0u);
  s.size = 4;
  CHECK_EQ(capkit_genset_add(gs, "eth()", &s), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_genset_add(NULL, "eth()", &s), CAPKIT_EMISUSE);
  capkit_record zero;
  memset(&zero, 0, sizeof zero);
  CHECK_EQ(capkit_genset_next(gs, &zero), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_genset_linktype(gs, 9), 0u);
  capkit_genset_free(gs);
  capkit_genset_free(NULL);
}

static void path_plan_write(void) {
  char path[600], out[600];
  snprintf(path, sizeof path, "%s/none.spec", tap_tmpdir());
  capkit_gen_stream d = CAPKIT_GEN_STREAM_INIT;
  capkit_genset *gs = capkit_genset_new(1);
  CHECK_EQ(capkit_genset_read_path(gs, path, &d), CAPKIT_EOPEN);
  CHECK(strcmp(capkit_genset_error(gs), strerror(ENOENT)) == 0);
  CHECK_EQ(capkit_genset_error_line(gs), 0u);
  snprintf(path, sizeof path, "%s/two.spec", tap_tmpdir());
  FILE *f = fopen(path, "w");
  fputs("count=3 eth()/ipv4()/udp()\n# two link types\n"
        "count=2 interval=1ns ipv6()/udp()\n", f);
  fclose(f);
  CHECK_EQ(capkit_genset_read_path(gs, path, &d), 0);
  CHECK_EQ(capkit_genset_count(gs), 2u);

  uint32_t lt = 7;
  CHECK_EQ(capkit_genset_plan(gs, 0, 0, 7, &lt), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_genset_plan(gs, 0, 0, 9, &lt), CAPKIT_ELINKTYPE);
  CHECK(strstr(capkit_genset_error(gs),
               "stream 2 implies link type RAW but stream 1 EN10MB") ==
        capkit_genset_error(gs));
  CHECK_EQ(lt, 7u);
  CHECK_EQ(capkit_genset_plan(gs, 1, 1000, 9, &lt), 1);

  /* written to pcapng and read back: 5 packets, the first stream's on an
   * Ethernet interface, the second's on a raw IP one (LINKTYPE_RAW 101) */
  snprintf(out, sizeof out, "%s/two.pcapng", tap_tmpdir());
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_writer_set_format(w, "pcapng"), 0);
  CHECK_EQ(capkit_writer_set_precision(w, 9), 0);
  CHECK_EQ(capkit_writer_open_path(w, out), 0);
  CHECK_EQ(capkit_genset_write(gs, w, "two.pcapng"), 0);
  CHECK_EQ(capkit_writer_close(w), 0);
  capkit_writer_free(w);
  capkit_genset_free(gs);
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, out), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int n = 0, eth = 0, raw = 0, snap = 1;
  while (capkit_reader_next(r, &rec) > 0) {
    n++;
    eth += rec.iface->linktype == 1;
    raw += rec.iface->linktype == 101;
    snap &= rec.iface->snaplen == 1000;
  }
  CHECK_EQ(n, 5);
  CHECK_EQ(eth, 3);
  CHECK_EQ(raw, 2);
  CHECK(snap);
  capkit_reader_free(r);

  /* one link type; a writer's error is the set's message */
  gs = capkit_genset_new(1);
  d.start = (capkit_time){INT64_MAX / 2, 0};
  CHECK_EQ(capkit_genset_add(gs, "eth()/ipv4()", &d), 0);
  lt = 0;
  CHECK_EQ(capkit_genset_plan(gs, 1, 0, 6, &lt), 0);
  CHECK_EQ(lt, 1u);
  snprintf(out, sizeof out, "%s/late.pcap", tap_tmpdir());
  w = capkit_writer_new();
  CHECK_EQ(capkit_writer_open_path(w, out), 0);
  int rc = capkit_genset_write(gs, w, "late.pcap");
  CHECK(rc < 0);
  CHECK(strcmp(capkit_genset_error(gs), capkit_writer_error(w)) == 0);
  capkit_writer_free(w);
  CHECK_EQ(capkit_genset_write(NULL, NULL, "x"), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_genset_read_path(gs, NULL, &d), CAPKIT_EMISUSE);
  capkit_genset_free(gs);
}

int main(void) {
  path_plan_write();
  interleave(300);
  jitter();
  spec_file();
  values();
  limits_and_misuse();
  return tap_done();
}
