/* test_build_run.c - the one-call gen and import (capkit_gen_run,
 * capkit_import_open_path + capkit_import_write) checked on the bytes of
 * the files they write, read by the layout of draft-ietf-opsawg-pcap (a
 * 24-byte header: magic, version, snaplen at 16, link type at 20; 16-byte
 * record headers) and draft-ietf-opsawg-pcapng (the section header
 * magic); the defaults each output setting implies, seeded settings over
 * precisions, byte orders, snaplens and counts, the error messages
 * naming where a spec is wrong, and no file left behind on an error. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capkit/capkit.h>

#include "hexdump.h"
#include "tap.h"

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return (uint32_t)(rng >> 20) % n;
}

static char dir[300];

static const char *at(const char *name) {
  static char p[2][400];
  static int k;
  k ^= 1;
  snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
  return p[k];
}

/* Files in the scratch directory (temporary ones included). */
static int files_in_dir(void) {
  DIR *d = opendir(dir);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    n += e->d_name[0] != '.' || (e->d_name[1] && e->d_name[1] != '.');
  if (d)
    closedir(d);
  return n;
}

/* A field of a pcap file in the byte order its magic says. */
static uint32_t u32(const uint8_t *f, size_t off, int big) {
  const uint8_t *p = f + off;
  return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
                   (uint32_t)p[2] << 8 | p[3]
             : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
                   (uint32_t)p[1] << 8 | p[0];
}

static void put_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
}

/* gen: one stream of eth/ipv4/udp (42 bytes) under seeded settings; the
 * file's header and records as the settings and the stream say. */
static void gen_settings(void) {
  for (int round = 0; round < 40; round++) {
    capkit_gen_job job = CAPKIT_GEN_JOB_INIT;
    const char *spec = "eth()/ipv4()/udp()";
    job.n_specs = 1;
    job.specs = &spec;
    job.stream.count = 1 + rnd(20);
    job.stream.start = (capkit_time){rnd(100000), rnd(1000000) * 1000};
    int fine = rnd(2);
    job.stream.interval = (capkit_time){rnd(3), rnd(1000000) * 1000 +
                                                    (fine ? 1 + rnd(999) : 0)};
    int big = rnd(2);
    job.out.byte_order = big ? CAPKIT_BO_BIG : CAPKIT_BO_LITTLE;
    unsigned prec = rnd(3) == 0 ? 0 : rnd(2) ? 6 : 9;
    job.out.precision = prec;
    uint32_t snap = rnd(2) ? 0 : 20 + rnd(40);
    job.out.snaplen = snap;
    int32_t lt = rnd(3) == 0 ? 147 : -1;
    job.out.linktype = lt;
    job.path = at("g.pcap");
    capkit_genset *gs = capkit_genset_new(round);
    capkit_writer *w = capkit_writer_new();
    int rc = capkit_gen_run(gs, &job, w);
    CHECK_EQ(rc, 0);
    capkit_writer_free(w);
    capkit_genset_free(gs);
    size_t n;
    uint8_t *f = tap_slurp(job.path, &n);
    unsigned want_prec = prec ? prec : fine ? 9 : 6;
    uint32_t want_snap = snap ? snap : 262144;
    uint32_t cap = want_snap < 42 ? want_snap : 42;
    int ok = f && n == 24 + job.stream.count * (16 + cap) &&
             u32(f, 0, big) == (want_prec == 9 ? 0xa1b23c4du : 0xa1b2c3d4u) &&
             u32(f, 16, big) == want_snap &&
             u32(f, 20, big) == (lt < 0 ? 1u : (uint32_t)lt);
    for (uint64_t k = 0; ok && k < job.stream.count; k++) {
      const uint8_t *r = f + 24 + k * (16 + cap);
      __int128 t = (__int128)job.stream.start.sec * 1000000000 +
                   job.stream.start.nsec +
                   (__int128)k * ((__int128)job.stream.interval.sec *
                                      1000000000 +
                                  job.stream.interval.nsec);
      uint32_t frac = (uint32_t)(t % 1000000000);
      ok = u32(r, 0, big) == (uint32_t)(t / 1000000000) &&
           u32(r, 4, big) == (want_prec == 9 ? frac : frac / 1000) &&
           u32(r, 8, big) == cap && u32(r, 12, big) == 42 &&
           r[16 + 12] == 0x08 && r[16 + 13] == 0x00; /* IPv4 */
    }
    CHECK(ok);
    free(f);
    if (!ok)
      break;
  }
  unlink(at("g.pcap"));
}

/* gen: streams of two link types need pcapng (an interface each); a wrong
 * spec or file is named with its column; nothing is left on error. */
static void gen_errors(void) {
  const char *two[] = {"eth()/ipv4()/udp()", "ipv6()"};
  capkit_gen_job job = CAPKIT_GEN_JOB_INIT;
  job.n_specs = 2;
  job.specs = two;
  job.path = at("two.pcap");
  capkit_genset *gs = capkit_genset_new(1);
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_gen_run(gs, &job, w), CAPKIT_ELINKTYPE);
  CHECK(strncmp(capkit_genset_error(gs), "stream 2 implies link type RAW", 30)
        == 0);
  CHECK(access(job.path, F_OK) != 0);
  /* a second run on the same set: refused */
  CHECK_EQ(capkit_gen_run(gs, &job, w), CAPKIT_EMISUSE);
  capkit_writer_free(w);
  capkit_genset_free(gs);

  job.out.format = "pcapng";
  job.path = at("two.pcapng");
  gs = capkit_genset_new(1);
  w = capkit_writer_new();
  CHECK_EQ(capkit_gen_run(gs, &job, w), 0);
  capkit_writer_free(w);
  capkit_genset_free(gs);
  size_t n;
  uint8_t *f = tap_slurp(job.path, &n);
  CHECK(f && n > 28 && u32(f, 0, 0) == 0x0a0d0d0a); /* section header */
  free(f);
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, job.path), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  uint32_t lts[2] = {0, 0};
  int recs = 0;
  while (capkit_reader_next(r, &rec) > 0)
    lts[recs++ & 1] = rec.iface->linktype;
  CHECK_EQ(recs, 2);
  CHECK(lts[0] == CAPKIT_LINKTYPE_ETHERNET && lts[1] == 101);
  capkit_reader_free(r);
  unlink(at("two.pcapng"));

  struct {
    int n;
    const char *specs[2];
    const char *file_text; /* a spec file instead */
    uint64_t count;
    const char *format;
    int rc;
    const char *msg;
  } bad[] = {
      {1, {"eth()/ipv4(dst=1.2.3)"}, NULL, 1, NULL, CAPKIT_ESPEC,
       "spec, column 16: "},
      {2, {"eth()", "eth()/ipv4(ttl=300)"}, NULL, 1, NULL, CAPKIT_ESPEC,
       "spec 2, column 16: "},
      {1, {"eth()/ipv4()/tcp-session()"}, NULL, UINT64_MAX, NULL,
       CAPKIT_ESPEC, "spec: too many packets"},
      {0, {NULL}, "eth()\n# c\nipv4(tos=x)\n", 1, NULL, CAPKIT_ESPEC,
       "@ line 3, column 10: "},
      {0, {NULL}, NULL, 1, NULL, CAPKIT_EOPEN,
       "@: No such file or directory"},
      {1, {"eth()"}, NULL, 1, "nope", CAPKIT_EINVAL,
       "cannot write format 'nope'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    capkit_gen_job j = CAPKIT_GEN_JOB_INIT;
    j.n_specs = bad[i].n;
    j.specs = bad[i].specs;
    j.stream.count = bad[i].count;
    j.out.format = bad[i].format;
    j.path = at("bad.pcap");
    char want[600];
    const char *m = bad[i].msg;
    if (*m == '@') { /* a spec file: its name first */
      j.spec_file = at(bad[i].file_text ? "bad.spec" : "none.spec");
      snprintf(want, sizeof want, "%s%s", j.spec_file, m + 1);
      if (bad[i].file_text)
        put_text(j.spec_file, bad[i].file_text);
    } else {
      snprintf(want, sizeof want, "%s", m);
    }
    gs = capkit_genset_new(1);
    w = capkit_writer_new();
    int rc = capkit_gen_run(gs, &j, w);
    CHECK_EQ(rc, bad[i].rc);
    const char *e = capkit_genset_error(gs);
    CHECK(strncmp(e, want, strlen(want)) == 0);
    if (strncmp(e, want, strlen(want)))
      fprintf(stderr, "# case %zu: '%s', not '%s'\n", i, e, want);
    if (strstr(want, "column"))
      CHECK(capkit_genset_error_column(gs) > 0 &&
            strstr(bad[i].file_text ? bad[i].file_text
                                    : bad[i].specs[bad[i].n - 1],
                   capkit_genset_error_spec(gs)) != NULL);
    CHECK(access(j.path, F_OK) != 0);
    capkit_writer_free(w);
    capkit_genset_free(gs);
    if (j.spec_file)
      unlink(j.spec_file);
  }
  CHECK_EQ(files_in_dir(), 0);
  capkit_gen_job j = CAPKIT_GEN_JOB_INIT;
  CHECK_EQ(capkit_gen_run(NULL, &j, NULL), CAPKIT_EMISUSE);
  gs = capkit_genset_new(1);
  w = capkit_writer_new();
  j.path = at("x.pcap");
  j.size = 4;
  CHECK_EQ(capkit_gen_run(gs, &j, w), CAPKIT_EMISUSE);
  capkit_writer_free(w);
  capkit_genset_free(gs);
}

static void hex_text(const char *path, const uint8_t *b, size_t n) {
  FILE *f = fopen(path, "w");
  od_dump(f, b, n);
  fclose(f);
}

/* The packets of LENS bytes (byte i of packet k: k + i), as od dumps. */
static void od_text(const char *path, const size_t *lens, int n) {
  FILE *f = fopen(path, "w");
  uint8_t b[256];
  for (int k = 0; k < n; k++) {
    for (size_t i = 0; i < lens[k]; i++)
      b[i] = (uint8_t)(k + i);
    od_dump(f, b, lens[k]);
  }
  fclose(f);
}

static int import_to(const char *in, const char *out,
                     const capkit_build_output *bo, capkit_gen *wrap,
                     int keep, int64_t *kept, char *msg, size_t cap) {
  capkit_import_settings set = CAPKIT_IMPORT_SETTINGS_INIT;
  set.wrap = wrap;
  capkit_import *im = capkit_import_new(&set);
  capkit_writer *w = capkit_writer_new();
  int rc = capkit_import_open_path(im, in);
  if (!rc)
    rc = capkit_import_write(im, w, bo, out, keep);
  snprintf(msg, cap, "%s", capkit_import_error(im));
  if (kept)
    *kept = capkit_import_kept(im);
  capkit_writer_free(w);
  capkit_import_free(im);
  return rc;
}

/* import of packets: seeded lengths and output settings; the link type
 * of the wrap spec; an empty dump is an empty capture; a bad dump and a
 * missing input leave nothing. */
static void import_packets(void) {
  char msg[1200];
  for (int round = 0; round < 30; round++) {
    size_t lens[6];
    int n = 1 + (int)rnd(6);
    for (int k = 0; k < n; k++)
      lens[k] = 1 + rnd(200);
    od_text(at("p.txt"), lens, n);
    capkit_build_output bo = CAPKIT_BUILD_OUTPUT_INIT;
    int big = rnd(2);
    bo.byte_order = big ? CAPKIT_BO_BIG : CAPKIT_BO_LITTLE;
    bo.precision = rnd(3) == 0 ? 9 : 0;
    bo.snaplen = rnd(2) ? 0 : 1 + rnd(200);
    capkit_gen *wrap = NULL;
    if (rnd(2))
      capkit_gen_new_wrap("ipv4()/udp()", 1, &wrap, NULL); /* 28 bytes */
    size_t hdr = wrap ? 28 : 0;
    CHECK_EQ(import_to(at("p.txt"), at("p.pcap"), &bo, wrap, 0, NULL, msg,
                       sizeof msg),
             0);
    size_t len;
    uint8_t *f = tap_slurp(at("p.pcap"), &len);
    uint32_t snap = bo.snaplen ? bo.snaplen : 262144;
    int ok = f && len >= 24 &&
             u32(f, 0, big) == (bo.precision ? 0xa1b23c4du : 0xa1b2c3d4u) &&
             u32(f, 16, big) == snap && u32(f, 20, big) == (wrap ? 101u : 1u);
    size_t off = 24;
    for (int k = 0; ok && k < n; k++) {
      uint32_t orig = (uint32_t)(lens[k] + hdr);
      uint32_t cap = orig < snap ? orig : snap;
      ok = off + 16 + cap <= len && u32(f, off + 8, big) == cap &&
           u32(f, off + 12, big) == orig &&
           /* 1 microsecond apart from the epoch */
           u32(f, off, big) == 0 &&
           u32(f, off + 4, big) == (uint32_t)k * (bo.precision ? 1000 : 1);
      for (size_t i = hdr; ok && i < cap; i++)
        ok = f[off + 16 + i] == (uint8_t)(k + i - hdr);
      off += 16 + cap;
    }
    CHECK(ok && off == len);
    free(f);
    capkit_gen_free(wrap);
    if (!ok)
      break;
  }
  unlink(at("p.txt"));
  unlink(at("p.pcap"));

  capkit_build_output bo = CAPKIT_BUILD_OUTPUT_INIT;
  put_text(at("e.txt"), "no dump here\n");
  CHECK_EQ(import_to(at("e.txt"), at("e.pcap"), &bo, NULL, 0, NULL, msg,
                     sizeof msg),
           0);
  size_t len;
  uint8_t *f = tap_slurp(at("e.pcap"), &len);
  CHECK(f && len == 24);
  free(f);
  unlink(at("e.pcap"));

  put_text(at("e.txt"), "000000 61 62\n000010 63\n");
  CHECK_EQ(import_to(at("e.txt"), at("e.pcap"), &bo, NULL, 0, NULL, msg,
                     sizeof msg),
           CAPKIT_EBADREC);
  char want[600];
  snprintf(want, sizeof want, "%s: line ", at("e.txt"));
  CHECK(strncmp(msg, want, strlen(want)) == 0);
  CHECK(access(at("e.pcap"), F_OK) != 0);
  unlink(at("e.txt"));

  CHECK_EQ(import_to(at("none.txt"), at("e.pcap"), &bo, NULL, 0, NULL, msg,
                     sizeof msg),
           CAPKIT_EOPEN);
  snprintf(want, sizeof want, "%s: No such file or directory", at("none.txt"));
  CHECK(strcmp(msg, want) == 0);
  bo.format = "nope";
  put_text(at("e.txt"), "000000 61\n000001\n");
  CHECK_EQ(import_to(at("e.txt"), at("e.pcap"), &bo, NULL, 0, NULL, msg,
                     sizeof msg),
           CAPKIT_EINVAL);
  CHECK(strcmp(msg, "cannot write format 'nope'") == 0);
  unlink(at("e.txt"));
  CHECK_EQ(files_in_dir(), 0);
}

/* import of a whole file: the same bytes back (big-endian kept); other
 * settings on request; a damaged file keeps what came before the damage
 * only when asked. */
static void import_whole(void) {
  uint8_t file[24 + 16 + 5 + 16 + 3] = {
      0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0,
      0,    0,    0xff, 0xff, 0, 0, 0, 1, /* snaplen 65535, EN10MB */
      0,    0,    3,    0xe8, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 60,
      'h',  'e',  'l',  'l',  'o',
      0,    0,    3,    0xe9, 0, 0, 0, 6, 0, 0, 0, 3, 0, 0, 0, 3,
      'a',  'b',  'c'};
  hex_text(at("w.txt"), file, sizeof file);
  char msg[1200];
  capkit_build_output bo = CAPKIT_BUILD_OUTPUT_INIT;
  CHECK_EQ(import_to(at("w.txt"), at("w.pcap"), &bo, NULL, 0, NULL, msg,
                     sizeof msg),
           0);
  size_t len;
  uint8_t *f = tap_slurp(at("w.pcap"), &len);
  CHECK(f && len == sizeof file && memcmp(f, file, len) == 0);
  free(f);
  bo.format = "pcapng";
  CHECK_EQ(import_to(at("w.txt"), at("w.pcapng"), &bo, NULL, 0, NULL, msg,
                     sizeof msg),
           0);
  f = tap_slurp(at("w.pcapng"), &len);
  CHECK(f && len > 28 && u32(f, 0, 0) == 0x0a0d0d0a);
  free(f);
  unlink(at("w.pcap"));
  unlink(at("w.pcapng"));

  /* the last record cut short */
  hex_text(at("w.txt"), file, sizeof file - 2);
  bo.format = NULL;
  int64_t kept;
  int rc = import_to(at("w.txt"), at("k.pcap"), &bo, NULL, 0, &kept, msg,
                     sizeof msg);
  CHECK(rc < 0 && capkit_error_class_of(rc) == CAPKIT_CLASS_DATA);
  CHECK_EQ(kept, -1);
  CHECK(access(at("k.pcap"), F_OK) != 0);
  rc = import_to(at("w.txt"), at("k.pcap"), &bo, NULL, 1, &kept, msg,
                 sizeof msg);
  CHECK(rc < 0 && capkit_error_class_of(rc) == CAPKIT_CLASS_DATA);
  CHECK_EQ(kept, 1);
  f = tap_slurp(at("k.pcap"), &len);
  CHECK(f && len == 24 + 16 + 5 && memcmp(f, file, len) == 0);
  free(f);
  unlink(at("k.pcap"));
  unlink(at("w.txt"));

  capkit_import_settings set = CAPKIT_IMPORT_SETTINGS_INIT;
  capkit_import *im = capkit_import_new(&set);
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_import_write(im, w, &bo, at("x.pcap"), 0), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_import_kept(im), -1);
  capkit_writer_free(w);
  capkit_import_free(im);
  CHECK_EQ(files_in_dir(), 0);
}

int main(void) {
  snprintf(dir, sizeof dir, "%s", tap_tmpdir());
  gen_settings();
  gen_errors();
  import_packets();
  import_whole();
  rmdir(dir);
  return tap_done();
}
