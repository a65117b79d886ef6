/* test_api.c - the shape and lifetimes of the public handles: sections
 * and interfaces that stay valid until their reader is freed, interfaces
 * told apart by origin rather than address, the one error model of every
 * handle, and the writer's warnings for lossy writes. Inputs are built
 * byte by byte after the pcap and pcapng layouts of their drafts. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <capkit/capkit.h>

#include "tap.h"

/* ---- little-endian byte builder ---- */

typedef struct out {
  uint8_t *p;
  size_t n, cap;
} out;

static void put(out *o, const void *v, size_t n) {
  if (o->n + n > o->cap) {
    o->cap = (o->n + n) * 2 + 256;
    o->p = realloc(o->p, o->cap);
    if (!o->p)
      abort();
  }
  memcpy(o->p + o->n, v, n);
  o->n += n;
}
static void le(out *o, uint64_t v, int bytes) {
  uint8_t b[8];
  for (int i = 0; i < bytes; i++)
    b[i] = (uint8_t)(v >> (8 * i));
  put(o, b, (size_t)bytes);
}
/* A pcapng block: type, total length, body (padded), total length. */
static void block(out *o, uint32_t type, const out *body) {
  size_t padded = (body->n + 3) & ~(size_t)3;
  le(o, type, 4);
  le(o, 12 + padded, 4);
  put(o, body->p, body->n);
  static const uint8_t zero[4];
  put(o, zero, padded - body->n);
  le(o, 12 + padded, 4);
}
static void opt_str(out *o, unsigned code, const char *s) {
  size_t n = strlen(s);
  le(o, code, 2);
  le(o, n, 2);
  put(o, s, n);
  static const uint8_t zero[4];
  put(o, zero, ((n + 3) & ~(size_t)3) - n);
}
static void shb(out *o, const char *comment) {
  out b = {0};
  le(&b, 0x1A2B3C4D, 4);
  le(&b, 1, 2);
  le(&b, 0, 2);
  le(&b, UINT64_MAX, 8);
  opt_str(&b, 1, comment);
  le(&b, 0, 4);
  block(o, 0x0A0D0D0A, &b);
  free(b.p);
}
static void idb(out *o, unsigned linktype, const char *name) {
  out b = {0};
  le(&b, linktype, 2);
  le(&b, 0, 2);
  le(&b, 65535, 4);
  opt_str(&b, 2, name);
  le(&b, 0, 4);
  block(o, 1, &b);
  free(b.p);
}
static void epb(out *o, uint32_t id, uint64_t ts_us, uint32_t len) {
  out b = {0};
  le(&b, id, 4);
  le(&b, ts_us >> 32, 4);
  le(&b, ts_us & 0xffffffffu, 4);
  le(&b, len, 4);
  le(&b, len, 4);
  for (uint32_t i = 0; i < len; i++)
    le(&b, (uint8_t)(i * 7 + id), 1);
  block(o, 6, &b);
  free(b.p);
}
/* A classic pcap file, microseconds: n records of len bytes. */
static void pcap_file(out *o, uint32_t linktype, int n, uint32_t len) {
  le(o, 0xa1b2c3d4, 4);
  le(o, 2, 2);
  le(o, 4, 2);
  le(o, 0, 8);
  le(o, 65535, 4);
  le(o, linktype, 4);
  for (int i = 0; i < n; i++) {
    le(o, 1000 + (uint64_t)i, 4);
    le(o, 5, 4);
    le(o, len, 4);
    le(o, len, 4);
    for (uint32_t k = 0; k < len; k++)
      le(o, (uint8_t)(k + linktype), 1);
  }
}
static void save(const char *path, const out *o) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(o->p, 1, o->n, f) != o->n || fclose(f) != 0)
    abort();
}

/* ---- 3: lifetimes ---- */

/* Sections and interfaces taken early stay valid (and unchanged) while
 * later sections are read: the 5th section used to move the table. */
static void test_sections_stay(void) {
  enum { NSEC = 9 };
  out o = {0};
  char text[64];
  for (int s = 0; s < NSEC; s++) {
    snprintf(text, sizeof text, "section %d", s);
    shb(&o, text);
    snprintf(text, sizeof text, "if%d", s);
    idb(&o, s % 2 ? 101 : 1, text);
    epb(&o, 0, 1000000u * (uint64_t)(s + 1), 20 + (uint32_t)s);
  }
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, o.p, o.n, "sections"), 0);
  const capkit_section *kept[NSEC] = {0};
  const capkit_iface *kifc[NSEC] = {0};
  capkit_record rec = CAPKIT_RECORD_INIT;
  int n = 0, rc;
  while ((rc = capkit_reader_next(r, &rec)) > 0) {
    size_t cnt = capkit_reader_section_count(r);
    CHECK_EQ(cnt, (size_t)n + 1);
    kept[n] = capkit_reader_section(r, cnt - 1);
    kifc[n] = rec.iface;
    /* Every section kept so far is still where it was, and still says
     * what its block said. */
    for (int k = 0; k <= n; k++) {
      CHECK(kept[k] == capkit_reader_section(r, (size_t)k));
      snprintf(text, sizeof text, "section %d", k);
      CHECK(kept[k]->comment && strcmp(kept[k]->comment, text) == 0);
      CHECK_EQ(kept[k]->index, (uint32_t)k);
      CHECK(kifc[k] == capkit_reader_iface(r, (size_t)k));
      snprintf(text, sizeof text, "if%d", k);
      CHECK(kifc[k]->name && strcmp(kifc[k]->name, text) == 0);
    }
    n++;
  }
  CHECK_EQ(rc, 0);
  CHECK_EQ(n, NSEC);
  capkit_reader_free(r);
  free(o.p);
}

/* Two readers feed one pcapng writer; the first is freed before the
 * second opens, so the second's interface may land at the address the
 * first one's had. Its records must still get an interface of their own
 * with their own link type. */
static void test_writer_two_readers(void) {
  const char *dir = tap_tmpdir();
  char a[512], b[512], dst[512];
  snprintf(a, sizeof a, "%s/a.pcap", dir);
  snprintf(b, sizeof b, "%s/b.pcap", dir);
  snprintf(dst, sizeof dst, "%s/ab.pcapng", dir);
  out oa = {0}, ob = {0};
  pcap_file(&oa, 1, 2, 60);   /* Ethernet */
  pcap_file(&ob, 101, 3, 40); /* raw IP */
  save(a, &oa);
  save(b, &ob);
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_writer_set_format(w, "pcapng"), 0);
  CHECK_EQ(capkit_writer_open_path(w, dst), 0);
  const char *srcs[2] = {a, b};
  for (int i = 0; i < 2; i++) {
    capkit_reader *r = capkit_reader_new();
    CHECK_EQ(capkit_reader_open_path(r, srcs[i]), 0);
    capkit_record rec = CAPKIT_RECORD_INIT;
    while (capkit_reader_next(r, &rec) > 0)
      CHECK_EQ(capkit_writer_write(w, &rec), 0);
    capkit_reader_free(r);
  }
  CHECK_EQ(capkit_writer_close(w), 0);
  capkit_writer_free(w);

  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, dst), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  static const uint32_t want_lt[5] = {1, 1, 101, 101, 101};
  static const uint32_t want_len[5] = {60, 60, 40, 40, 40};
  int n = 0;
  while (capkit_reader_next(r, &rec) > 0 && n < 5) {
    CHECK_EQ(rec.iface->linktype, want_lt[n]);
    CHECK_EQ(rec.caplen, want_len[n]);
    CHECK_EQ(rec.iface_id, want_lt[n] == 1 ? 0u : 1u);
    n++;
  }
  CHECK_EQ(n, 5);
  CHECK_EQ(capkit_reader_iface_count(r), (size_t)2);
  capkit_reader_free(r);
  free(oa.p);
  free(ob.p);
}

/* Interfaces of two readers, even of identical files, have different
 * origins; a caller's own interface has none. */
static void test_origins(void) {
  out o = {0};
  pcap_file(&o, 1, 1, 10);
  capkit_reader *r1 = capkit_reader_new(), *r2 = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r1, o.p, o.n, NULL), 0);
  CHECK_EQ(capkit_reader_open_memory(r2, o.p, o.n, NULL), 0);
  const capkit_iface *f1 = capkit_reader_iface(r1, 0);
  const capkit_iface *f2 = capkit_reader_iface(r2, 0);
  CHECK(f1 && f2 && f1->origin && f2->origin && f1->origin != f2->origin);
  capkit_reader_free(r1);
  capkit_reader_free(r2);
  free(o.p);
}

/* ---- 4: a file that shrinks while it is read ---- */

/* Another process cuts the file in the middle of a record while it is
 * read: the records before the cut come out, then CAPKIT_ETRUNC; no
 * SIGBUS (which a mapping of the file gave). */
static void test_truncated_while_read(void) {
  enum { NREC = 40000, LEN = 200 };
  char path[512];
  snprintf(path, sizeof path, "%s/shrink.pcap", tap_tmpdir());
  out o = {0};
  pcap_file(&o, 1, NREC, LEN);
  save(path, &o);
  free(o.p);
  const uint64_t keep = 30000; /* complete records left by the cut */
  const off_t cut = (off_t)(24 + keep * (16 + LEN) + 10);
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, path), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  uint64_t n = 0;
  int rc;
  while ((rc = capkit_reader_next(r, &rec)) > 0) {
    if (++n == 10) {
      pid_t pid = fork();
      if (pid == 0)
        _exit(truncate(path, cut) == 0 ? 0 : 1);
      int status = 1;
      CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
      CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
  }
  CHECK_EQ(rc, CAPKIT_ETRUNC);
  CHECK_EQ(n, keep);
  CHECK_EQ(capkit_reader_error_code(r), CAPKIT_ETRUNC);
  CHECK_EQ(capkit_reader_error_record(r), keep + 1);
  CHECK_EQ(capkit_reader_error_offset(r), (uint64_t)24 + keep * (16 + LEN));
  CHECK(strstr(capkit_reader_error(r), "shrink.pcap: offset ") != NULL);
  capkit_reader_free(r);
}

/* ---- 6: file modes without touching the process umask ---- */

static volatile int umask_stop;
static int umask_seen_zero;
/* Reads this process's umask from the kernel (Linux 4.7+) until told to
 * stop; notes whether it ever was 0 (the sink used to set it to 0 for a
 * moment, which another thread creating files then suffered). */
static void *umask_poller(void *arg) {
  (void)arg;
  char line[256];
  while (!umask_stop) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
      return NULL;
    while (fgets(line, sizeof line, f))
      if (strncmp(line, "Umask:", 6) == 0 && strtol(line + 6, NULL, 8) == 0)
        umask_seen_zero = 1;
    fclose(f);
  }
  return NULL;
}

static void test_umask(void) {
  mode_t old = umask(027);
  char path[512];
  snprintf(path, sizeof path, "%s/mode.pcap", tap_tmpdir());
  pthread_t th;
  CHECK_EQ(pthread_create(&th, NULL, umask_poller, NULL), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  static const uint8_t data[60];
  rec.caplen = rec.origlen = sizeof data;
  rec.data = data;
  for (int i = 0; i < 3000 && !umask_seen_zero; i++) {
    capkit_writer *w = capkit_writer_new();
    CHECK_EQ(capkit_writer_open_path(w, path), 0);
    CHECK_EQ(capkit_writer_write(w, &rec), 0);
    CHECK_EQ(capkit_writer_close(w), 0);
    capkit_writer_free(w);
  }
  umask_stop = 1;
  pthread_join(th, NULL);
  CHECK(!umask_seen_zero);
  struct stat st;
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
  umask(0);
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  CHECK_EQ(capkit_writer_close(w), 0);
  capkit_writer_free(w);
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0666);
  umask(old);
}

/* ---- 2: one error model; warnings for lossy writes ---- */

typedef struct wlog {
  int n, kinds[8];
  uint64_t recs[8];
  char last[512];
} wlog;
static void on_wwarn(void *user, int warning, uint64_t off, uint64_t rec,
                     const char *msg) {
  wlog *l = user;
  (void)off;
  if (l->n < 8) {
    l->kinds[l->n] = warning;
    l->recs[l->n] = rec;
  }
  l->n++;
  snprintf(l->last, sizeof l->last, "%s", msg);
}

/* A pcap writer with a snaplen of 30, microseconds: a nanosecond time, a
 * 60-byte record and a comment are each reported; the file says what
 * the pcap layout says they become (time truncated to the microsecond,
 * caplen 30, original length 60, no comment). */
static void test_writer_warnings(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/lossy.pcap", tap_tmpdir());
  wlog log;
  memset(&log, 0, sizeof log);
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_writer_set_warning_fn(w, on_wwarn, &log), 0);
  CHECK_EQ(capkit_writer_set_snaplen(w, 30), 0);
  CHECK_EQ(capkit_writer_set_precision(w, 6), 0);
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  CHECK_EQ(capkit_writer_set_warning_fn(w, NULL, NULL), CAPKIT_EMISUSE);
  static uint8_t data[60];
  capkit_record rec = CAPKIT_RECORD_INIT;
  rec.ts_sec = 1700000000;
  rec.ts_nsec = 5000; /* exact in microseconds: no warning */
  rec.caplen = rec.origlen = 20;
  rec.data = data;
  CHECK_EQ(capkit_writer_write(w, &rec), 0);
  CHECK_EQ(log.n, 0);
  rec.ts_nsec = 123456789;
  CHECK_EQ(capkit_writer_write(w, &rec), 0);
  CHECK_EQ(log.n, 1);
  CHECK_EQ(log.kinds[0], CAPKIT_W_TS_ROUNDED);
  CHECK_EQ(log.recs[0], (uint64_t)2);
  CHECK(strstr(log.last, "lossy.pcap: offset 60, record 2: ") != NULL);
  rec.ts_nsec = 0;
  rec.caplen = rec.origlen = 60;
  CHECK_EQ(capkit_writer_write(w, &rec), 0);
  CHECK_EQ(log.n, 2);
  CHECK_EQ(log.kinds[1], CAPKIT_W_RECORD_CUT);
  rec.caplen = rec.origlen = 10;
  rec.comment = "a comment";
  CHECK_EQ(capkit_writer_write(w, &rec), 0);
  CHECK_EQ(log.n, 3);
  CHECK_EQ(log.kinds[2], CAPKIT_W_OPTION_DROPPED);
  CHECK_EQ(log.recs[2], (uint64_t)4);
  CHECK_EQ(capkit_writer_close(w), 0);
  CHECK_EQ(capkit_writer_error_code(w), 0);
  capkit_writer_free(w);
  for (int k = 12; k <= 15; k++)
    CHECK(capkit_warning_name(k) != NULL);

  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, path), 0);
  capkit_record in = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_reader_next(r, &in), 1);
  CHECK_EQ(capkit_reader_next(r, &in), 1);
  CHECK_EQ(in.ts_nsec, 123456000u);
  CHECK_EQ(capkit_reader_next(r, &in), 1);
  CHECK_EQ(in.caplen, 30u);
  CHECK_EQ(in.origlen, 60u);
  CHECK_EQ(capkit_reader_next(r, &in), 1);
  CHECK(in.comment == NULL);
  capkit_reader_free(r);
}

/* A writer's error has a code, the output offset and the record number,
 * as a reader's has. */
static void test_writer_error(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/err.pcap", tap_tmpdir());
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  static uint8_t data[16];
  capkit_record rec = CAPKIT_RECORD_INIT;
  rec.caplen = rec.origlen = sizeof data;
  rec.data = data;
  CHECK_EQ(capkit_writer_write(w, &rec), 0);
  rec.ts_sec = -5; /* before 1970: a pcap timestamp cannot hold it */
  CHECK_EQ(capkit_writer_write(w, &rec), CAPKIT_ERANGE);
  CHECK_EQ(capkit_writer_error_code(w), CAPKIT_ERANGE);
  CHECK_EQ(capkit_writer_error_record(w), (uint64_t)2);
  CHECK_EQ(capkit_writer_error_offset(w), (uint64_t)(24 + 16 + 16));
  CHECK(strstr(capkit_writer_error(w), "err.pcap: ") != NULL);
  capkit_writer_free(w);
  CHECK_EQ(capkit_writer_error_code(NULL), 0);
}

/* Live capture and filters keep their last code beside the message. */
static void test_other_error_codes(void) {
  capkit_filter *f = capkit_filter_new("tcp port");
  CHECK_EQ(capkit_filter_error_code(f), 0);
  CHECK_EQ(capkit_filter_prepare(f, 1), CAPKIT_EFILTER);
  CHECK_EQ(capkit_filter_error_code(f), CAPKIT_EFILTER);
  CHECK(capkit_filter_error(f)[0] != 0);
  capkit_filter_free(f);
  capkit_live *l = capkit_live_new();
  CHECK_EQ(capkit_live_error_code(l), 0);
  int rc = capkit_live_open(l, "capkitnosuch0");
  CHECK(rc < 0);
  CHECK_EQ(capkit_live_error_code(l), rc);
  capkit_live_free(l);
}

/* ---- 1: structs that can grow ---- */

/* A spec error's message is the library's: a pointer, "" when nothing is
 * wrong, each thread's own. */
typedef struct spec_job {
  const char *spec;
  int rc;
  size_t column;
  char msg[300];
} spec_job;
static void *spec_thread(void *arg) {
  spec_job *j = arg;
  for (int i = 0; i < 200; i++) {
    capkit_spec_error e;
    capkit_gen *g = NULL;
    j->rc = capkit_gen_new(j->spec, 1, &g, &e);
    capkit_gen_free(g);
    if (!e.message)
      return NULL;
    snprintf(j->msg, sizeof j->msg, "%s", e.message);
    j->column = e.column;
  }
  return NULL;
}

static void test_shapes(void) {
  capkit_spec_error e;
  const char *const *mp = &e.message; /* a pointer, not an array */
  (void)mp;
  capkit_gen *g = NULL;
  CHECK_EQ(capkit_gen_new("eth()/ipv4()/udp()", 1, &g, &e), 0);
  CHECK(e.message && e.message[0] == 0);
  CHECK_EQ(e.column, (size_t)0);
  capkit_gen_free(g);
  spec_job a = {"eth()/ipv4(nosuch=1)", 0, 0, ""};
  spec_job b = {"eth()/bogus()", 0, 0, ""};
  pthread_t ta, tb;
  CHECK_EQ(pthread_create(&ta, NULL, spec_thread, &a), 0);
  CHECK_EQ(pthread_create(&tb, NULL, spec_thread, &b), 0);
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);
  CHECK_EQ(a.rc, CAPKIT_ESPEC);
  CHECK_EQ(b.rc, CAPKIT_ESPEC);
  CHECK(strstr(a.msg, "nosuch") != NULL);
  CHECK(strstr(b.msg, "bogus") != NULL);
  CHECK_EQ(a.column, (size_t)12);
  CHECK_EQ(b.column, (size_t)7);
  /* Room to grow in what callers hold in arrays or fill for the library. */
  capkit_layer l;
  CHECK(sizeof l.u >= 96);
  CHECK(sizeof(capkit_layer) >= offsetof(capkit_layer, u) + 96 + 8);
  CHECK(offsetof(capkit_iface, reserved) > offsetof(capkit_iface, origin));
  CHECK(sizeof(((capkit_iface_stats *)0)->reserved) >= 32);
  CHECK(sizeof(((capkit_live_stats *)0)->reserved) >= 32);
  CHECK(sizeof(((capkit_packet *)0)->reserved) >= 32);
  CHECK(sizeof(((capkit_hex_packet *)0)->reserved) >= 32);
}

static void test_version(void) {
  CHECK(CAPKIT_VERSION_AT_LEAST(0, 0, 0));
  CHECK(CAPKIT_VERSION_AT_LEAST(CAPKIT_VERSION_MAJOR, CAPKIT_VERSION_MINOR,
                                CAPKIT_VERSION_PATCH));
  CHECK(!CAPKIT_VERSION_AT_LEAST(CAPKIT_VERSION_MAJOR + 1, 0, 0));
  CHECK(!CAPKIT_VERSION_AT_LEAST(CAPKIT_VERSION_MAJOR, CAPKIT_VERSION_MINOR,
                                 CAPKIT_VERSION_PATCH + 1));
  CHECK_EQ(capkit_version_number(), CAPKIT_VERSION_NUMBER);
  CHECK(strcmp(capkit_version(), CAPKIT_VERSION_STRING) == 0);
}

int main(void) {
  test_sections_stay();
  test_writer_two_readers();
  test_origins();
  test_truncated_while_read();
  test_umask();
  test_writer_warnings();
  test_writer_error();
  test_other_error_codes();
  test_shapes();
  test_version();
  return tap_done();
}
