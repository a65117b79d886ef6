/* test_copy.c - the copy job (capkit_job_copy, cut.h) through the public
 * API, on classic pcap files built here from the format's specification
 * and compared byte for byte with the file the specification says it
 * must write: a plain copy, a snaplen, the slicer and editor together
 * (editcap -r with -C), the last N held back, stopping before damage that
 * lies past the records wanted, damage with and without keep-partial, and
 * a retimer whose new time is out of range (the record named, the output
 * kept only with keep-partial). */
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

  /* snaplen: the header's field and every record cut, origlen kept */
  mk_buf want;
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
  unlink(in_path);
  rmdir(tap_tmpdir());
  return tap_done();
}
