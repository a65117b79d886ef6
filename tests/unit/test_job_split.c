/* test_job_split.c - the split job (capkit_job_split, cut.h) through the
 * public API, on files built here from the pcap and pcapng layouts
 * (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng). Seeded property
 * tests over record counts, lengths, times and limits: by records, bytes
 * and time each file must be, byte for byte, the input's header followed
 * by the records the definitions give it (N records, editcap -c; at most
 * N bytes as written, a larger record alone, as cut.h defines it; interval
 * floor((t - first) / N) with empty intervals as empty files, editcap -i),
 * with the job's filter, strip-fcs and format applied; by interface each
 * file holds its interface's records with its link type and precision.
 * Also: the warning function on every file (a comment pcap cannot hold),
 * errors through the error function before and during the split (no
 * input, a bad template, damage) and keep-partial. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capkit/capkit.h>

#include "mkpkt.h"
#include "tap.h"

static uint64_t seed = 0x5917175eedull;

#define MAXREC 300
typedef struct rec {
  uint32_t sec, usec, len;
  uint8_t data[200];
} rec;
static rec recs[MAXREC];

static char dir[512], in_path[600], tmpl[600];

static void write_file(const char *path, const mk_buf *b) {
  FILE *f = fopen(path, "wb");
  if (f) {
    fwrite(b->b, 1, b->n, f);
    fclose(f);
  }
}

/* What the callbacks saw. */
typedef struct seen {
  char paths[1024][600];
  uint64_t records[1024];
  size_t files, errors, warnings;
  int partial, first_error;
} seen;

static void done(void *user, const char *path, uint64_t file_no,
                 uint64_t records, int partial) {
  seen *s = user;
  (void)file_no;
  if (s->files < 1024) {
    snprintf(s->paths[s->files], sizeof s->paths[0], "%s", path);
    s->records[s->files] = records;
  }
  s->files++;
  s->partial |= partial;
}

static void on_error(void *user, int code, const char *message) {
  seen *s = user;
  if (!s->errors++)
    s->first_error = code;
  CHECK(message && *message);
}

static void on_warning(void *user, int warning, uint64_t offset,
                       uint64_t record, const char *msg) {
  seen *s = user;
  (void)offset;
  (void)record;
  (void)msg;
  if (warning == CAPKIT_W_OPTION_DROPPED)
    s->warnings++;
}

static void remove_all(const seen *s) {
  for (size_t i = 0; i < s->files && i < 1024; i++)
    unlink(s->paths[i]);
}

/* The pcap header of the tests' inputs. */
static void header(mk_buf *f) { mk_pcap_header(f, 0, 65535, 1); }

/* Record i as written, its last STRIP bytes removed. */
static void put_rec(mk_buf *f, int i, uint32_t strip) {
  const rec *r = &recs[i];
  mk_pcap_record(f, r->sec, r->usec, r->len - strip, r->len - strip, r->data);
}

/* Does file PATH hold exactly the input's header and records FROM..TO-1
 * (those passing KEEP, if set), STRIP bytes shorter? */
static int holds(const char *path, int from, int to, const int *keep,
                 uint32_t strip) {
  mk_buf want;
  memset(&want, 0, sizeof want);
  header(&want);
  for (int i = from; i < to; i++)
    if (!keep || keep[i])
      put_rec(&want, i, strip);
  size_t n = 0;
  uint8_t *got = tap_slurp(path, &n);
  int ok = got && n == want.n && memcmp(got, want.b, n) == 0;
  free(got);
  free(want.b);
  return ok;
}

/* N random records, times increasing by up to 0.7 s; UDP-looking bytes
 * in about half (Ethernet type 0x0800, protocol 17), for the filter. */
static void random_records(int n) {
  uint64_t t = 1700000000ull * 1000000 + mk_below(&seed, 1000000);
  for (int i = 0; i < n; i++) {
    rec *r = &recs[i];
    t += mk_below(&seed, 700000);
    r->sec = (uint32_t)(t / 1000000);
    r->usec = (uint32_t)(t % 1000000);
    r->len = 40 + mk_below(&seed, 160);
    for (uint32_t k = 0; k < r->len; k++)
      r->data[k] = (uint8_t)mk_rand(&seed);
    r->data[12] = 8;
    r->data[13] = 0;
    r->data[14] = 0x45;
    r->data[23] = mk_below(&seed, 2) ? 17 : 6;
  }
}

/* By records, bytes and time, with and without the filter "udp" and
 * strip-fcs 4: the files cut where the definitions say. */
static void by_limit(int round) {
  int n = 1 + (int)mk_below(&seed, MAXREC - 1);
  random_records(n);
  mk_buf in;
  memset(&in, 0, sizeof in);
  header(&in);
  for (int i = 0; i < n; i++)
    put_rec(&in, i, 0);
  write_file(in_path, &in);
  free(in.b);
  int filter = round % 4 == 1, strip = round % 4 == 2;
  static int keep[MAXREC];
  for (int i = 0; i < n; i++)
    keep[i] = !filter || recs[i].data[23] == 17;
  uint32_t cut = strip ? 4 : 0;
  capkit_rotate_by by = (capkit_rotate_by)(1 + round % 3);
  uint64_t limit = by == CAPKIT_ROTATE_PACKETS ? 1 + mk_below(&seed, 40)
                   : by == CAPKIT_ROTATE_BYTES ? 200 + mk_below(&seed, 3000)
                                               : 1000000000ull / 4 +
                                                     mk_below(&seed, 4) *
                                                         1000000000ull;
  seen *s = calloc(1, sizeof *s);
  capkit_job *j = capkit_job_new();
  if (filter)
    CHECK_EQ(capkit_job_set(j, "filter", "udp"), 0);
  if (strip)
    CHECK_EQ(capkit_job_set(j, "strip-fcs", "4"), 0);
  capkit_job_set_split_fns(j, done, on_error, s);
  CHECK_EQ(capkit_job_split(j, in_path, tmpl, by, limit), 0);
  CHECK_EQ(s->errors, 0);
  /* The expected files, from the definitions. */
  size_t file = 0;
  int ok = 1, first = -1, start = 0;
  uint64_t in_file = 0, bytes = 24, total = 0;
  int64_t t0 = 0, k = 0;
  for (int i = 0; i < n; i++) {
    if (!keep[i])
      continue;
    int64_t t = (int64_t)recs[i].sec * 1000000 + recs[i].usec;
    uint64_t sz = 16 + recs[i].len - cut;
    if (first < 0) {
      first = i;
      t0 = t;
    } else {
      int next = 0;
      if (by == CAPKIT_ROTATE_PACKETS)
        next = in_file == limit;
      else if (by == CAPKIT_ROTATE_BYTES)
        next = bytes + sz > limit;
      else
        next = (t - t0) * 1000 / (int64_t)limit > k;
      while (next) { /* file `file` ends before record i */
        ok &= file < s->files &&
              holds(s->paths[file], start, i, keep, cut) &&
              s->records[file] == in_file;
        file++;
        start = i;
        in_file = 0;
        bytes = 24;
        k++;
        /* by time an interval without records is an empty file */
        next = by == CAPKIT_ROTATE_TIME &&
               (t - t0) * 1000 / (int64_t)limit > k;
      }
    }
    in_file++;
    bytes += sz;
    total++;
  }
  if (first >= 0) {
    ok &= file < s->files && holds(s->paths[file], start, n, keep, cut) &&
          s->records[file] == in_file;
    file++;
  }
  CHECK(ok);
  CHECK_EQ(s->files, file);
  CHECK_EQ(capkit_job_records_written(j), total);
  CHECK_EQ(capkit_job_output_kept(j), 0);
  remove_all(s);
  capkit_job_free(j);
  free(s);
}

/* ---- pcapng ---- */

/* Interfaces 0 Ethernet in microseconds, 1 raw IP in nanoseconds; the
 * records alternate, record 1 with a comment. */
static void two_ifaces(int n) {
  mk_buf f, b;
  memset(&f, 0, sizeof f);
  memset(&b, 0, sizeof b);
  mk_pcapng_shb(&f);
  b.n = 0;
  mk_u16(&b, 1);
  mk_u16(&b, 0);
  mk_u32(&b, 0);
  mk_pcapng_block(&f, 1, &b);
  b.n = 0;
  mk_u16(&b, 101);
  mk_u16(&b, 0);
  mk_u32(&b, 0);
  mk_u16(&b, 9); /* if_tsresol: nanoseconds */
  mk_u16(&b, 1);
  mk_u32(&b, 9);
  mk_u32(&b, 0);
  mk_pcapng_block(&f, 1, &b);
  for (int i = 0; i < n; i++) {
    uint32_t id = (uint32_t)i % 2;
    uint64_t ts = (uint64_t)recs[i].sec * (id ? 1000000000u : 1000000u) +
                  recs[i].usec * (id ? 1000u : 1u);
    b.n = 0;
    mk_u32(&b, id);
    mk_u32(&b, (uint32_t)(ts >> 32));
    mk_u32(&b, (uint32_t)ts);
    mk_u32(&b, recs[i].len);
    mk_u32(&b, recs[i].len);
    mk_bytes(&b, recs[i].data, recs[i].len);
    while (b.n & 3)
      mk_u8(&b, 0);
    if (i == 1) { /* opt_comment "hello" */
      mk_u16(&b, 1);
      mk_u16(&b, 5);
      mk_bytes(&b, "hello\0\0\0", 8);
      mk_u32(&b, 0);
    }
    mk_pcapng_block(&f, 6, &b);
  }
  write_file(in_path, &f);
  free(f.b);
  free(b.b);
}

/* File PATH is pcap of link type LT, precision PREC, holding records
 * FIRST, FIRST + 2, ... below N. */
static int iface_file(const char *path, uint32_t lt, unsigned prec,
                      int first, int n) {
  capkit_reader *r = capkit_reader_new();
  int ok = capkit_reader_open_path(r, path) == 0;
  const capkit_file_info *info = ok ? capkit_reader_info(r) : NULL;
  ok = ok && strcmp(info->format, "pcap") == 0 && info->linktype == lt &&
       info->tsresol == prec;
  capkit_record rc = CAPKIT_RECORD_INIT;
  for (int i = first; ok && i < n; i += 2)
    ok = capkit_reader_next(r, &rc) == 1 && rc.caplen == recs[i].len &&
         memcmp(rc.data, recs[i].data, rc.caplen) == 0 &&
         rc.ts_sec == recs[i].sec && rc.ts_nsec == recs[i].usec * 1000u;
  ok = ok && capkit_reader_next(r, &rc) == 0;
  capkit_reader_free(r);
  return ok;
}

static void by_interface(void) {
  int n = 20;
  random_records(n);
  two_ifaces(n);
  seen *s = calloc(1, sizeof *s);
  capkit_job *j = capkit_job_new();
  CHECK_EQ(capkit_job_set(j, "format", "pcap"), 0);
  capkit_job_set_split_fns(j, done, on_error, s);
  capkit_job_set_warning_fn(j, on_warning, s);
  snprintf(tmpl, sizeof tmpl, "%s/if-%%d.pcap", dir);
  CHECK_EQ(capkit_job_split(j, in_path, tmpl, CAPKIT_ROTATE_NONE, 0), 0);
  CHECK_EQ(s->files, 2);
  if (s->files == 2) {
    CHECK(iface_file(s->paths[0], 1, 6, 0, n));
    CHECK(iface_file(s->paths[1], 101, 9, 1, n));
  }
  CHECK_EQ(s->warnings, 1); /* record 1's comment, which pcap cannot hold */
  CHECK_EQ(capkit_job_records_written(j), (uint64_t)n);
  remove_all(s);
  /* By records the same warning: every file's writer has the function. */
  memset(s, 0, sizeof *s);
  snprintf(tmpl, sizeof tmpl, "%s/p.pcap", dir);
  CHECK_EQ(capkit_job_set(j, "linktype", "1"), 0); /* one link type */
  CHECK_EQ(capkit_job_split(j, in_path, tmpl, CAPKIT_ROTATE_PACKETS, 7), 0);
  CHECK_EQ(s->files, 3);
  CHECK_EQ(s->warnings, 1);
  remove_all(s);
  capkit_job_free(j);
  free(s);
}

/* Errors before the split (no input, a bad template, no limit) and damage
 * during it, with and without keep-partial. */
static void errors(void) {
  seen *s = calloc(1, sizeof *s);
  capkit_job *j = capkit_job_new();
  capkit_job_set_split_fns(j, done, on_error, s);
  char missing[700];
  snprintf(missing, sizeof missing, "%s/none.pcap", dir);
  snprintf(tmpl, sizeof tmpl, "%s/x.pcap", dir);
  int rc = capkit_job_split(j, missing, tmpl, CAPKIT_ROTATE_PACKETS, 5);
  CHECK(rc < 0 && capkit_error_class_of(rc) != CAPKIT_CLASS_DATA);
  CHECK_EQ(s->errors, 1);
  CHECK_EQ(s->first_error, rc);
  CHECK(strstr(capkit_job_error(j), "none.pcap") != NULL);
  memset(s, 0, sizeof *s);
  random_records(30);
  mk_buf in;
  memset(&in, 0, sizeof in);
  header(&in);
  for (int i = 0; i < 30; i++)
    put_rec(&in, i, 0);
  rc = capkit_job_split(j, in_path, "x%d%d.pcap", CAPKIT_ROTATE_PACKETS, 5);
  CHECK_EQ(rc, CAPKIT_EINVAL);
  CHECK_EQ(s->errors, 1);
  CHECK_EQ(capkit_job_split(j, in_path, tmpl, CAPKIT_ROTATE_BYTES, 0),
           CAPKIT_EINVAL);
  /* record 31 cut short */
  mk_u32(&in, 1800000000);
  mk_u32(&in, 0);
  mk_u32(&in, 100);
  mk_u32(&in, 100);
  mk_bytes(&in, recs[0].data, 10);
  write_file(in_path, &in);
  free(in.b);
  for (int keep = 0; keep < 2; keep++) {
    memset(s, 0, sizeof *s);
    if (keep)
      CHECK_EQ(capkit_job_set(j, "keep-partial", NULL), 0);
    rc = capkit_job_split(j, in_path, tmpl, CAPKIT_ROTATE_PACKETS, 8);
    CHECK(rc < 0 && capkit_error_class_of(rc) == CAPKIT_CLASS_DATA);
    CHECK_EQ(s->errors, 1);
    CHECK_EQ(capkit_job_error_record(j), 31);
    CHECK_EQ(capkit_job_output_kept(j), keep);
    if (keep) { /* 8, 8, 8 and the 6 before the damage */
      CHECK_EQ(s->files, 4);
      CHECK_EQ(s->partial, 1);
      CHECK_EQ(capkit_job_records_written(j), 30);
      if (s->files == 4)
        CHECK(holds(s->paths[3], 24, 30, NULL, 0));
      remove_all(s);
    } else { /* files completed before the damage are removed too */
      char p[700];
      snprintf(p, sizeof p, "%s/x-00000.pcap", dir);
      CHECK(access(p, F_OK) != 0);
    }
  }
  capkit_job_free(j);
  free(s);
}

int main(void) {
  snprintf(dir, sizeof dir, "%s", tap_tmpdir());
  snprintf(in_path, sizeof in_path, "%s/in.pcap", dir);
  snprintf(tmpl, sizeof tmpl, "%s/part-%%04d.pcap", dir);
  for (int round = 0; round < 48; round++)
    by_limit(round);
  by_interface();
  errors();
  unlink(in_path);
  rmdir(dir);
  return tap_done();
}
