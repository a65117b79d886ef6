/* test_copy.c - the copy job (capkit_job_copy, cut.h) through the public
 * API, on classic pcap files built here from the format's specification
 * and compared byte for byte with the file the specification says it
 * must write: a plain copy, a snaplen, the slicer and editor together
 * (editcap -r with -C), the last N held back, stopping before damage that
 * lies past the records wanted, damage with and without keep-partial, and
 * a retimer whose new time is out of range (the record named, the output
 * kept only with keep-partial); a pcapng input of two interfaces split
 * into one pcap file each, set up like its interface, in the input's byte
 * order or the one asked for; packet and section comments as pcapng, and
 * a comment for a record past the end refused with nothing written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capkit/capkit.h>

#include "mkpkt.h"
#include "tap.h"

#define N 10

static uint32_t len_of(int i) { return 20 + (uint32_t)i * 3; }

static void data_of(int i, uint8_t *d) {
  for (uint32_t k = 0; k < len_of(i); k++)
    d[k] = (uint8_t)(i * 31 + (int)k);
}

/* Record i (from 0) as the spec lays it out, with a shift of its seconds,
 * the first CHOP bytes removed and the captured part cut to SNAP (0:
 * none); the original length stays. */
static void record(mk_buf *f, int i, uint32_t shift, uint32_t chop,
                   uint32_t snap) {
  uint8_t d[64];
  data_of(i, d);
  uint32_t cap = len_of(i);
  if (snap && cap > snap)
    cap = snap;
  mk_pcap_record(f, 1000 + (uint32_t)i + shift, (uint32_t)i * 7, cap - chop,
                 len_of(i), d + chop);
}

static mk_buf input(int n) {
  mk_buf f;
  memset(&f, 0, sizeof f);
  mk_pcap_header(&f, 0, 65535, 1);
  for (int i = 0; i < n; i++)
    record(&f, i, 0, 0, 0);
  return f;
}

static char in_path[512], out_path[512];

static void write_file(const char *path, const uint8_t *b, size_t n) {
  FILE *f = fopen(path, "wb");
  if (f) {
    fwrite(b, 1, n, f);
    fclose(f);
  }
}

/* The output equals the expected bytes (NULL: no output file at all). */
static int same(const mk_buf *want) {
  size_t n = 0;
  uint8_t *got = tap_slurp(out_path, &n);
  int ok = want ? got && n == want->n && memcmp(got, want->b, n) == 0 : !got;
  free(got);
  unlink(out_path);
  return ok;
}

/* ---- pcapng, little-endian: blocks as the specification lays them out */

/* Two interfaces: 0 Ethernet, snaplen 100, nanoseconds (if_tsresol 9);
 * 1 raw IP, snaplen 60, microseconds (no option). Records alternate. */
static mk_buf two_ifaces(void) {
  mk_buf f, b;
  memset(&f, 0, sizeof f);
  memset(&b, 0, sizeof b);
  mk_pcapng_shb(&f);
  b.n = 0;
  mk_u16(&b, 1);
  mk_u16(&b, 0);
  mk_u32(&b, 100);
  mk_u16(&b, 9); /* if_tsresol */
  mk_u16(&b, 1);
  mk_u32(&b, 9); /* the value, padded */
  mk_u32(&b, 0); /* opt_endofopt */
  mk_pcapng_block(&f, 1, &b);
  b.n = 0;
  mk_u16(&b, 101);
  mk_u16(&b, 0);
  mk_u32(&b, 60);
  mk_pcapng_block(&f, 1, &b);
  for (int i = 0; i < 6; i++) {
    uint8_t d[64];
    data_of(i, d);
    uint32_t id = (uint32_t)i % 2, len = len_of(i);
    uint64_t ts = id ? 1700000000ull * 1000000 + (uint64_t)i * 3
                     : 1700000000ull * 1000000000 + (uint64_t)i * 3;
    b.n = 0;
    mk_u32(&b, id);
    mk_u32(&b, (uint32_t)(ts >> 32));
    mk_u32(&b, (uint32_t)ts);
    mk_u32(&b, len);
    mk_u32(&b, len);
    mk_bytes(&b, d, len);
    while (b.n & 3)
      mk_u8(&b, 0);
    mk_pcapng_block(&f, 6, &b);
  }
  free(b.b);
  return f;
}

/* What interface ID's pcap file must hold. */
static mk_buf split_want(uint32_t id, int be) {
  mk_buf f;
  memset(&f, 0, sizeof f);
  f.be = be;
  mk_pcap_header(&f, id == 0, id ? 60 : 100, id ? 101 : 1);
  for (int i = (int)id; i < 6; i += 2) {
    uint8_t d[64];
    data_of(i, d);
    mk_pcap_record(&f, 1700000000, (uint32_t)i * 3, len_of(i), len_of(i), d);
  }
  return f;
}

static void split(void) {
  char out[512], part[512];
  mk_buf in = two_ifaces();
  write_file(in_path, in.b, in.n);
  snprintf(out, sizeof out, "%s/split.pcap", tap_tmpdir());
  for (int be = 0; be < 2; be++) {
    capkit_job *j = capkit_job_new();
    CHECK_EQ(capkit_job_set(j, "split-by-interface", NULL), 0);
    CHECK_EQ(capkit_job_set(j, "format", "pcap"), 0);
    if (be)
      CHECK_EQ(capkit_job_set(j, "byte-order", "big"), 0);
    CHECK_EQ(capkit_job_copy(j, in_path, out), 0);
    CHECK_EQ(capkit_job_records_written(j), 6);
    for (uint32_t id = 0; id < 2; id++) {
      snprintf(part, sizeof part, "%s/split-%u.pcap", tap_tmpdir(), id);
      mk_buf want = split_want(id, be);
      size_t n = 0;
      uint8_t *got = tap_slurp(part, &n);
      CHECK(got && n == want.n && memcmp(got, want.b, n) == 0);
      free(got);
      free(want.b);
      unlink(part);
    }
    /* a slicer does not go with a split */
    capkit_slicer *sl = capkit_slicer_new();
    capkit_job_set_slicer(j, sl);
    CHECK_EQ(capkit_job_copy(j, in_path, out), CAPKIT_EINVAL);
    capkit_slicer_free(sl);
    capkit_job_free(j);
  }
  free(in.b);
}

static void comments(void) {
  mk_buf in = input(N);
  write_file(in_path, in.b, in.n);
  capkit_job *j = capkit_job_new();
  capkit_comments *c = capkit_comments_new();
  CHECK_EQ(capkit_comments_set(c, 2, "hello"), 0);
  CHECK_EQ(capkit_comments_set(c, N, "last one"), 0);
  CHECK_EQ(capkit_job_set(j, "format", "pcapng"), 0);
  CHECK_EQ(capkit_job_set(j, "section-comment", "a section"), 0);
  capkit_job_set_comments(j, c);
  CHECK_EQ(capkit_job_copy(j, in_path, out_path), 0);
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, out_path), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int ok = 1, n = 0;
  while (capkit_reader_next(r, &rec) > 0) {
    const char *want = rec.number == 2 ? "hello"
                       : rec.number == N ? "last one"
                                         : NULL;
    ok &= want ? rec.comment && strcmp(rec.comment, want) == 0 : !rec.comment;
    n++;
  }
  CHECK(ok);
  CHECK_EQ(n, N);
  const capkit_section *sec = capkit_reader_section(r, 0);
  CHECK(sec && sec->comment && strcmp(sec->comment, "a section") == 0);
  capkit_reader_free(r);
  capkit_comments_free(c);
  unlink(out_path);

  /* record N + 1 does not exist: nothing is written */
  c = capkit_comments_new();
  CHECK_EQ(capkit_comments_set(c, N + 1, "past the end"), 0);
  capkit_job_set_comments(j, c);
  CHECK_EQ(capkit_job_copy(j, in_path, out_path), CAPKIT_ENOTFOUND);
  char msg[1024];
  snprintf(msg, sizeof msg, "%s has no record %d (it has %d); nothing written",
           in_path, N + 1, N);
  CHECK(strcmp(capkit_job_error(j), msg) == 0);
  CHECK(same(NULL));
  capkit_comments_free(c);
  capkit_job_free(j);
  free(in.b);
}

int main(void) {
  snprintf(in_path, sizeof in_path, "%s/in.pcap", tap_tmpdir());
  snprintf(out_path, sizeof out_path, "%s/out.pcap", tap_tmpdir());
  mk_buf in = input(N);
  write_file(in_path, in.b, in.n);
  capkit_job *j = capkit_job_new();
  CHECK(j != NULL);

  /* a plain copy is the same file */
  CHECK_EQ(capkit_job_copy(j, in_path, out_path), 0);
  CHECK_EQ(capkit_job_records_written(j), N);
  CHECK(same(&in));

  /* nanoseconds, big-endian, FCS length 4 (libpcap's
   * LT_FCS_DATALINK_EXT: flag 0x04000000, the length in 16-bit words in
   * bits 28-31) */
  mk_buf want;
  memset(&want, 0, sizeof want);
  want.be = 1;
  mk_pcap_header(&want, 1, 65535, 1 | 0x04000000u | 2u << 28);
  for (int i = 0; i < N; i++) {
    uint8_t d[64];
    data_of(i, d);
    mk_pcap_record(&want, 1000 + (uint32_t)i, (uint32_t)i * 7000, len_of(i),
                   len_of(i), d);
  }
  capkit_job *k = capkit_job_new();
  CHECK_EQ(capkit_job_set(k, "precision", "ns"), 0);
  CHECK_EQ(capkit_job_set(k, "byte-order", "be"), 0);
  CHECK_EQ(capkit_job_set(k, "fcs-len", "4"), 0);
  CHECK_EQ(capkit_job_set(k, "fcs-len", "3"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_job_set(k, "precision", "ps"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_job_copy(k, in_path, out_path), 0);
  CHECK(same(&want));
  capkit_job_free(k);
  free(want.b);

  /* snaplen: the header's field and every record cut, origlen kept */
  memset(&want, 0, sizeof want);
  mk_pcap_header(&want, 0, 24, 1);
  for (int i = 0; i < N; i++)
    record(&want, i, 0, 0, 24);
  CHECK_EQ(capkit_job_set(j, "snaplen", "24"), 0);
  CHECK_EQ(capkit_job_copy(j, in_path, out_path), 0);
  CHECK(same(&want));
  capkit_job_free(j);
  free(want.b);

  /* records 3-5, each with its first 4 bytes chopped (editcap -r -C 4) */
  j = capkit_job_new();
  capkit_slicer *sl = capkit_slicer_new();
  capkit_editor *ed = capkit_editor_new();
  CHECK_EQ(capkit_slicer_option(sl, "records", "3-5"), 0);
  CHECK_EQ(capkit_editor_option(ed, "chop", "4"), 0);
  capkit_job_set_slicer(j, sl);
  capkit_job_set_editor(j, ed);
  memset(&want, 0, sizeof want);
  mk_pcap_header(&want, 0, 65535, 1);
  for (int i = 2; i <= 4; i++)
    record(&want, i, 0, 4, 0);
  CHECK_EQ(capkit_job_copy(j, in_path, out_path), 0);
  CHECK_EQ(capkit_job_records_written(j), 3);
  CHECK(same(&want));
  capkit_slicer_free(sl);
  free(want.b);

  /* the first 2 of the last 3, held back until the end, chopped too */
  sl = capkit_slicer_new();
  CHECK_EQ(capkit_slicer_option(sl, "last", "3"), 0);
  CHECK_EQ(capkit_slicer_option(sl, "first", "2"), 0);
  capkit_job_set_slicer(j, sl);
  memset(&want, 0, sizeof want);
  mk_pcap_header(&want, 0, 65535, 1);
  for (int i = N - 3; i < N - 1; i++)
    record(&want, i, 0, 4, 0);
  CHECK_EQ(capkit_job_copy(j, in_path, out_path), 0);
  CHECK(same(&want));
  capkit_slicer_free(sl);
  capkit_editor_free(ed);
  capkit_job_set_editor(j, NULL);
  free(want.b);

  /* damage in record 5: records 1-2 are copied without reaching it */
  mk_buf dam = input(5);
  dam.n -= 3;
  write_file(in_path, dam.b, dam.n);
  sl = capkit_slicer_new();
  CHECK_EQ(capkit_slicer_option(sl, "records", "1-2"), 0);
  capkit_job_set_slicer(j, sl);
  memset(&want, 0, sizeof want);
  mk_pcap_header(&want, 0, 65535, 1);
  for (int i = 0; i < 2; i++)
    record(&want, i, 0, 0, 0);
  CHECK_EQ(capkit_job_copy(j, in_path, out_path), 0);
  CHECK(same(&want));
  capkit_slicer_free(sl);
  capkit_job_set_slicer(j, NULL);

  /* a whole copy meets it: no output, or the four before with
   * keep-partial; the record and its offset named */
  int rc = capkit_job_copy(j, in_path, out_path);
  CHECK(rc < 0 && capkit_error_class_of(rc) == CAPKIT_CLASS_DATA);
  CHECK_EQ(capkit_job_error_record(j), 5);
  CHECK(same(NULL));
  CHECK_EQ(capkit_job_output_kept(j), 0);
  for (int i = 2; i < 4; i++)
    record(&want, i, 0, 0, 0);
  CHECK_EQ(capkit_job_set(j, "keep-partial", NULL), 0);
  CHECK_EQ(capkit_job_copy(j, in_path, out_path), rc);
  CHECK_EQ(capkit_job_output_kept(j), 1);
  CHECK_EQ(capkit_job_records_written(j), 4);
  CHECK(same(&want));
  capkit_job_free(j);
  free(dam.b);
  free(want.b);

  /* every time an hour later */
  write_file(in_path, in.b, in.n);
  j = capkit_job_new();
  capkit_retimer *t = capkit_retimer_new();
  CHECK_EQ(capkit_retimer_set_shift(t, (capkit_time){3600, 0}), 0);
  capkit_job_set_retimer(j, t);
  memset(&want, 0, sizeof want);
  mk_pcap_header(&want, 0, 65535, 1);
  for (int i = 0; i < N; i++)
    record(&want, i, 3600, 0, 0);
  CHECK_EQ(capkit_job_copy(j, in_path, out_path), 0);
  CHECK(same(&want));
  capkit_retimer_free(t);
  free(want.b);

  /* intervals times 10^19: the second record's new time is beyond any
   * int64 count of seconds; it starts at byte 24 + 16 + 20 */
  t = capkit_retimer_new();
  CHECK_EQ(capkit_retimer_set_scale(t, 1e19), 0);
  capkit_job_set_retimer(j, t);
  CHECK_EQ(capkit_job_copy(j, in_path, out_path), CAPKIT_ERANGE);
  char msg[1024];
  snprintf(msg, sizeof msg,
           "%s: offset 60, record 2: the new time of "
           "1970-01-01T00:16:41.000007000Z is out of range",
           in_path);
  CHECK(strcmp(capkit_job_error(j), msg) == 0);
  CHECK(same(NULL));
  capkit_retimer_free(t);
  t = capkit_retimer_new();
  CHECK_EQ(capkit_retimer_set_scale(t, 1e19), 0);
  capkit_job_set_retimer(j, t);
  CHECK_EQ(capkit_job_set(j, "keep-partial", NULL), 0);
  CHECK_EQ(capkit_job_copy(j, in_path, out_path), CAPKIT_ERANGE);
  memset(&want, 0, sizeof want);
  mk_pcap_header(&want, 0, 65535, 1);
  record(&want, 0, 0, 0, 0);
  CHECK(same(&want));
  capkit_retimer_free(t);
  capkit_job_free(j);
  free(want.b);
  free(in.b);
  split();
  comments();
  unlink(in_path);
  rmdir(tap_tmpdir());
  return tap_done();
}
