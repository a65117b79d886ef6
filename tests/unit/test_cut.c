/* test_cut.c - the cutting engines through the public API (capkit/cut.h):
 * seeded property tests of the sorter (extreme times, tiny memory), the
 * reorder buffer (bounded disorder sorted in one pass, a reversal not), the
 * merger (both tie orders), the duplicate checker (by count and by capture
 * time, against a brute-force reading of the definition), the name
 * template and the rotating writer (empty intervals, no name twice). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "tap.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* ---- records built in memory ---- */

typedef struct trec {
  int64_t sec;
  uint32_t nsec, len;
  uint8_t data[64];
} trec;

static capkit_record as_record(const trec *t, uint64_t number) {
  capkit_record r = CAPKIT_RECORD_INIT;
  r.ts_sec = t->sec;
  r.ts_nsec = t->nsec;
  r.caplen = r.origlen = t->len;
  r.data = t->data;
  r.number = number;
  return r;
}

static int time_before(const trec *a, const trec *b) {
  return a->sec != b->sec ? a->sec < b->sec : a->nsec < b->nsec;
}

/* A nanosecond pcap file (little endian) of n records in memory. */
static uint8_t *mkpcap(const trec *v, size_t n, size_t *out) {
  size_t len = 24;
  for (size_t i = 0; i < n; i++)
    len += 16 + v[i].len;
  uint8_t *b = calloc(1, len), *p = b;
  uint32_t h[6] = {0xa1b23c4d, 2 | (4u << 16), 0, 0, 262144, 1};
  memcpy(p, h, 24);
  p += 24;
  for (size_t i = 0; i < n; i++) {
    uint32_t rh[4] = {(uint32_t)v[i].sec, v[i].nsec, v[i].len, v[i].len};
    memcpy(p, rh, 16);
    memcpy(p + 16, v[i].data, v[i].len);
    p += 16 + v[i].len;
  }
  *out = len;
  return b;
}

static size_t count_files(const char *dir) {
  DIR *d = opendir(dir);
  size_t n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)))
    if (e->d_name[0] != '.')
      n++;
  if (d)
    closedir(d);
  return n;
}

/* ---- sorter ---- */

/* The indices of v in a stable sort by (seconds, nanoseconds): what the
 * definition of every sort here asks for. */
static size_t *stable_order(const trec *v, size_t n) {
  size_t *want = malloc(n * sizeof *want);
  for (size_t i = 0; i < n; i++) {
    size_t j = i;
    while (j > 0 && time_before(&v[i], &v[want[j - 1]])) {
      want[j] = want[j - 1];
      j--;
    }
    want[j] = i;
  }
  return want;
}

static int64_t extreme_sec(void) {
  switch (rnd() % 6) {
  case 0:
    return INT64_MAX - (int64_t)(rnd() % 3);
  case 1:
    return INT64_MIN + (int64_t)(rnd() % 3);
  case 2:
    return (int64_t)(rnd() % 5) - 2; /* around the epoch */
  case 3:
    return (int64_t)rnd(); /* anywhere */
  default:
    return 1700000000 + (int64_t)(rnd() % 4);
  }
}

static void test_sorter(void) {
  for (int round = 0; round < 6; round++) {
    size_t n = 200 + (size_t)(rnd() % 3000);
    trec *v = calloc(n, sizeof *v);
    for (size_t i = 0; i < n; i++) {
      v[i].sec = extreme_sec();
      v[i].nsec = (uint32_t)(rnd() % 3 ? rnd() % 1000000000u : 999999999u);
      v[i].len = (uint32_t)(rnd() % 65);
      for (uint32_t k = 0; k < v[i].len; k++)
        v[i].data[k] = (uint8_t)rnd();
    }
    capkit_sorter *s = capkit_sorter_new();
    CHECK_EQ(capkit_sorter_set_memory(s, 1024), CAPKIT_EINVAL);
    CHECK_EQ(capkit_sorter_set_memory(s, round % 2 ? 65536 : 1 << 24), 0);
    CHECK_EQ(capkit_sorter_set_tmpdir(s, tap_tmpdir()), 0);
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
      capkit_record r = as_record(&v[i], i + 1);
      ok &= capkit_sorter_add(s, &r) == 0;
    }
    CHECK(ok);
    /* Unlinked at once: nothing in the directory even while in use. */
    CHECK_EQ(count_files(tap_tmpdir()), 0);
    if (round % 2)
      CHECK(capkit_sorter_runs(s) > 0);
    /* Expected: a stable sort by (seconds, nanoseconds). */
    size_t *want = stable_order(v, n);
    capkit_record r = CAPKIT_RECORD_INIT;
    size_t got = 0;
    int same = 1, rc;
    while ((rc = capkit_sorter_next(s, &r)) > 0 && got < n) {
      const trec *e = &v[want[got]];
      same &= r.ts_sec == e->sec && r.ts_nsec == e->nsec &&
              r.caplen == e->len && r.number == want[got] + 1 &&
              (e->len == 0 || memcmp(r.data, e->data, e->len) == 0);
      got++;
    }
    CHECK_EQ(rc, 0);
    CHECK_EQ(got, n);
    CHECK(same);
    capkit_record late = as_record(&v[0], 1);
    CHECK_EQ(capkit_sorter_add(s, &late), CAPKIT_EMISUSE);
    capkit_sorter_free(s);
    free(want);
    free(v);
  }
  capkit_sorter *s = capkit_sorter_new();
  capkit_record zero;
  memset(&zero, 0, sizeof zero);
  CHECK_EQ(capkit_sorter_add(s, &zero), CAPKIT_EMISUSE);
  capkit_record r = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_sorter_next(s, &r), 0);
  capkit_sorter_free(s);
  /* An unusable directory is an I/O error with a message. */
  s = capkit_sorter_new();
  capkit_sorter_set_memory(s, 65536);
  capkit_sorter_set_tmpdir(s, "/nonexistent/dir");
  trec t = {1, 0, 64, {0}};
  int rc = 0;
  for (int i = 0; i < 2000 && rc == 0; i++) {
    r = as_record(&t, 1);
    rc = capkit_sorter_add(s, &r);
  }
  CHECK_EQ(rc, CAPKIT_EIO);
  CHECK(strstr(capkit_sorter_error(s), "/nonexistent/dir") != NULL);
  capkit_sorter_free(s);
}

/* ---- reorder buffer ---- */

static void test_reorder(void) {
  CHECK(capkit_reorder_new(1000) == NULL);
  for (int round = 0; round < 8; round++) {
    size_t n = 2000 + (size_t)(rnd() % 4000);
    size_t reach = round < 6 ? 1 + (size_t)(rnd() % 40) : n; /* disorder */
    trec *v = calloc(n, sizeof *v);
    for (size_t i = 0; i < n; i++) {
      /* times from positions moved by up to `reach`, many equal */
      size_t at = i + (size_t)(rnd() % reach);
      v[i].sec = (int64_t)(at / 3) + (round == 5 ? INT64_MAX - 5000 : 0);
      v[i].nsec = (uint32_t)(at % 3);
      v[i].len = (uint32_t)(rnd() % 65);
      v[i].data[0] = (uint8_t)i;
    }
    capkit_reorder *q = capkit_reorder_new(65536);
    size_t *want = stable_order(v, n);
    capkit_record out = CAPKIT_RECORD_INIT;
    size_t got = 0;
    int same = 1, late = 0, k, bad = 0;
    for (size_t i = 0; i < n && !late; i++) {
      capkit_record r = as_record(&v[i], i + 1);
      k = capkit_reorder_add(q, &r);
      late = k == 1;
      bad |= k < 0;
      while (!late && (k = capkit_reorder_next(q, &out, 0)) > 0)
        same &= got < n && out.number == want[got++] + 1;
    }
    while (!late && capkit_reorder_next(q, &out, 1) > 0)
      same &= got < n && out.number == want[got++] + 1;
    CHECK(!bad);
    /* Small disorder sorts in one pass; a reversal cannot. */
    if (round < 6) {
      CHECK(!late);
      CHECK_EQ(got, n);
    } else {
      for (size_t i = 0; i < n; i++) /* reversed: each one earlier */
        v[i].sec = (int64_t)(n - i);
      capkit_reorder_free(q);
      q = capkit_reorder_new(65536);
      late = 0;
      for (size_t i = 0; i < n && !late; i++) {
        capkit_record r = as_record(&v[i], i + 1);
        late = capkit_reorder_add(q, &r) == 1;
        while (!late && capkit_reorder_next(q, &out, 0) > 0)
          ;
      }
      CHECK(late);
    }
    if (round < 6)
      CHECK(same);
    capkit_reorder_free(q);
    free(want);
    free(v);
  }
}

/* ---- merger ---- */

static void test_merger(void) {
  for (int round = 0; round < 8; round++) {
    size_t k = 1 + (size_t)(rnd() % 5);
    trec *in[5];
    size_t n[5], total = 0;
    uint8_t *buf[5];
    capkit_reader *r[5];
    capkit_merger *m = capkit_merger_new();
    int order = round % 3;
    CHECK_EQ(capkit_merger_set_order(m, (capkit_merge_order)order), 0);
    for (size_t i = 0; i < k; i++) {
      n[i] = (size_t)(rnd() % 200);
      in[i] = calloc(n[i] + 1, sizeof(trec));
      int64_t half = 2000; /* half seconds: many equal times */
      for (size_t j = 0; j < n[i]; j++) {
        half += (int64_t)(rnd() % 2);
        in[i][j].sec = half / 2;
        in[i][j].nsec = (uint32_t)(half % 2) * 500000000u;
        in[i][j].len = 8;
        in[i][j].data[0] = (uint8_t)i;
        memcpy(in[i][j].data + 1, &j, 4);
      }
      size_t len;
      buf[i] = mkpcap(in[i], n[i], &len);
      r[i] = capkit_reader_new();
      CHECK_EQ(capkit_reader_open_memory(r[i], buf[i], len, "m"), 0);
      CHECK_EQ(capkit_merger_add(m, r[i], NULL), (int)i);
      total += n[i];
    }
    CHECK_EQ(capkit_merger_set_order(m, CAPKIT_MERGE_STABLE), 0);
    CHECK_EQ(capkit_merger_set_order(m, (capkit_merge_order)order), 0);
    capkit_record rec = CAPKIT_RECORD_INIT;
    size_t got = 0, from, pos[5] = {0};
    int ok = 1, rc;
    trec prev = {INT64_MIN, 0, 0, {0}};
    size_t prev_from = 0;
    while ((rc = capkit_merger_next(m, &rec, &from)) > 0) {
      got++;
      trec cur = {rec.ts_sec, rec.ts_nsec, 0, {0}};
      /* Each input's records come out in their order. */
      uint32_t j;
      memcpy(&j, rec.data + 1, 4);
      ok &= rec.data[0] == from && j == pos[from]++;
      if (order == CAPKIT_MERGE_APPEND) {
        ok &= got == 1 || from >= prev_from;
      } else if (got > 1) {
        ok &= !time_before(&cur, &prev);
        if (!time_before(&prev, &cur) && from != prev_from)
          ok &= order == CAPKIT_MERGE_STABLE ? from > prev_from
                                             : from < prev_from;
      }
      prev = cur;
      prev_from = from;
    }
    CHECK_EQ(rc, 0);
    CHECK_EQ(got, total);
    CHECK(ok);
    CHECK_EQ(capkit_merger_next(m, &rec, NULL), 0);
    capkit_merger_free(m);
    for (size_t i = 0; i < k; i++) {
      capkit_reader_free(r[i]);
      free(buf[i]);
      free(in[i]);
    }
  }
  /* Ranges of one file: its two sorted halves, each by its own reader. */
  {
    trec h[6] = {{3, 0, 1, {1}}, {5, 0, 1, {2}}, {9, 0, 1, {3}},
                 {1, 0, 1, {4}}, {5, 0, 1, {5}}, {7, 0, 1, {6}}};
    size_t len;
    uint8_t *b = mkpcap(h, 6, &len);
    capkit_reader *r1 = capkit_reader_new(), *r2 = capkit_reader_new();
    capkit_reader_open_memory(r1, b, len, "h");
    capkit_reader_open_memory(r2, b, len, "h");
    capkit_merger *m = capkit_merger_new();
    CHECK_EQ(capkit_merger_add_range(m, r1, NULL, 4, 4), CAPKIT_EINVAL);
    CHECK_EQ(capkit_merger_add_range(m, r1, NULL, 1, 4), 0);
    CHECK_EQ(capkit_merger_add_range(m, r2, NULL, 4, 0), 1);
    capkit_record rec = CAPKIT_RECORD_INIT;
    char order[8] = {0};
    size_t n = 0;
    while (n < 7 && capkit_merger_next(m, &rec, NULL) > 0)
      order[n++] = (char)('0' + rec.data[0]);
    CHECK(strcmp(order, "412563") == 0);
    capkit_merger_free(m);
    capkit_reader_free(r1);
    capkit_reader_free(r2);
    free(b);
  }
  CHECK_EQ(capkit_merger_window(2), (size_t)1 << 20);
  CHECK_EQ(capkit_merger_window(1000), ((size_t)16 << 20) / 1000);
  /* Damage in one input: its index, and the records before it. */
  trec v[3] = {{5, 0, 4, {1}}, {6, 0, 4, {2}}, {7, 0, 4, {3}}};
  size_t len;
  uint8_t *good = mkpcap(v, 3, &len);
  uint8_t *bad = mkpcap(v, 3, &len);
  capkit_reader *a = capkit_reader_new(), *b = capkit_reader_new();
  capkit_reader_open_memory(a, good, len, "good");
  capkit_reader_open_memory(b, bad, len - 2, "bad"); /* cut short */
  capkit_merger *m = capkit_merger_new();
  capkit_merger_add(m, a, NULL);
  capkit_merger_add(m, b, NULL);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc, got = 0;
  while ((rc = capkit_merger_next(m, &rec, NULL)) > 0)
    got++;
  CHECK(rc < 0);
  CHECK_EQ(capkit_merger_failed(m), 1);
  CHECK(got >= 4);
  CHECK_EQ(capkit_merger_next(m, &rec, NULL), rc);
  capkit_merger_free(m);
  capkit_reader_free(a);
  capkit_reader_free(b);
  free(good);
  free(bad);
}

/* ---- duplicate checker ---- */

/* |a - b| <= w, all in nanoseconds of small times. */
static int within(const trec *a, const trec *b, int64_t w) {
  int64_t d = (a->sec - b->sec) * 1000000000 + (int64_t)a->nsec -
              (int64_t)b->nsec;
  return (d < 0 ? -d : d) <= w;
}

static void test_dedup(void) {
  for (int round = 0; round < 12; round++) {
    size_t n = 500 + (size_t)(rnd() % 2000);
    int in_order = round % 2 == 0;
    int by_time = round % 3 != 0;
    int64_t w = (int64_t)(rnd() % 3000000000u);
    uint64_t wn = rnd() % 8;
    trec *v = calloc(n, sizeof *v);
    int64_t t = 0;
    for (size_t i = 0; i < n; i++) {
      t += (int64_t)(rnd() % 400000000u);
      int64_t tt = in_order ? t : t + (int64_t)(rnd() % 5000000000u) - 2500000000;
      if (tt < 0)
        tt = 0;
      v[i].sec = 100 + tt / 1000000000;
      v[i].nsec = (uint32_t)(tt % 1000000000);
      v[i].len = (uint32_t)(rnd() % 3);
      v[i].data[0] = (uint8_t)(rnd() % 4); /* few distinct records */
      v[i].data[1] = 7;
    }
    capkit_dedup *d = capkit_dedup_new();
    if (by_time)
      CHECK_EQ(capkit_dedup_set_time(d, w / 1000000000,
                                     (uint32_t)(w % 1000000000), 0),
               0);
    else
      CHECK_EQ(capkit_dedup_set_count(d, wn), 0);
    int exact = 1, no_false = 1;
    uint64_t dups = 0;
    for (size_t i = 0; i < n; i++) {
      capkit_record r = as_record(&v[i], i + 1);
      int got = capkit_dedup_check(d, &r);
      int want = 0;
      for (size_t j = 0; j < i && !want; j++) {
        if (v[j].len != v[i].len ||
            memcmp(v[j].data, v[i].data, v[i].len) != 0)
          continue;
        want = by_time ? within(&v[i], &v[j], w) : i - j <= wn;
      }
      exact &= got == want;
      no_false &= !got || want;
      dups += got == 1;
    }
    /* Never a record dropped without a twin; exact on ordered input and
     * by count. */
    CHECK(no_false);
    if (in_order || !by_time)
      CHECK(exact);
    CHECK_EQ(capkit_dedup_count(d), dups);
    capkit_dedup_free(d);
    free(v);
  }
  /* The twin 1000 s later is no duplicate, whatever came in between. */
  capkit_dedup *d = capkit_dedup_new();
  CHECK_EQ(capkit_dedup_set_time(d, 1, 0, 0), 0);
  trec a = {1000, 0, 2, {1, 2}}, fut = {999999, 0, 2, {9, 9}},
       twin = {2000, 0, 2, {1, 2}}, near = {2000, 900000000, 2, {1, 2}};
  capkit_record r = as_record(&a, 1);
  CHECK_EQ(capkit_dedup_check(d, &r), 0);
  r = as_record(&fut, 2);
  CHECK_EQ(capkit_dedup_check(d, &r), 0);
  r = as_record(&twin, 3);
  CHECK_EQ(capkit_dedup_check(d, &r), 0);
  r = as_record(&near, 4);
  CHECK_EQ(capkit_dedup_check(d, &r), 1);
  capkit_dedup_free(d);
  /* An older twin out of order, more than the window away: kept. */
  d = capkit_dedup_new();
  capkit_dedup_set_time(d, 1, 0, 0);
  trec late = {10, 0, 2, {1, 2}}, early = {5, 0, 2, {1, 2}};
  r = as_record(&late, 1);
  CHECK_EQ(capkit_dedup_check(d, &r), 0);
  r = as_record(&early, 2);
  CHECK_EQ(capkit_dedup_check(d, &r), 0);
  capkit_dedup_free(d);
  /* Ignored bytes. */
  d = capkit_dedup_new();
  CHECK_EQ(capkit_dedup_set_ignore(d, "5-1"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_dedup_set_ignore(d, "1"), 0);
  trec x = {1, 0, 3, {1, 2, 3}}, y = {1, 0, 3, {1, 9, 3}}, z = {1, 0, 3, {2, 9, 3}};
  r = as_record(&x, 1);
  CHECK_EQ(capkit_dedup_check(d, &r), 0);
  r = as_record(&y, 2);
  CHECK_EQ(capkit_dedup_check(d, &r), 1);
  r = as_record(&z, 3);
  CHECK_EQ(capkit_dedup_check(d, &r), 0);
  CHECK_EQ(capkit_dedup_set_count(d, 100000001), CAPKIT_EINVAL);
  capkit_dedup_free(d);
}

/* ---- names and the rotating writer ---- */

static void test_names(void) {
  int err;
  char *s = capkit_name_template("out.pcap", 7, 0, &err);
  CHECK(s && strcmp(s, "out-00007.pcap") == 0);
  free(s);
  s = capkit_name_template("dir.d/out.pcap.gz", 3, 0, &err);
  CHECK(s && strcmp(s, "dir.d/out-00003.pcap.gz") == 0);
  free(s);
  s = capkit_name_template("a%%b.pcap", 1, 0, &err);
  CHECK(s && strcmp(s, "a%b-00001.pcap") == 0);
  free(s);
  s = capkit_name_template("p-%03d-%t.pcap", 12, 1700000000, &err);
  CHECK(s && strcmp(s, "p-012-20231114T221320Z.pcap") == 0);
  free(s);
  s = capkit_name_template("%064d", 5, 0, &err);
  CHECK(s && strlen(s) == 64 && s[63] == '5');
  free(s);
  CHECK(capkit_name_template("%0100d", 5, 0, &err) == NULL);
  CHECK_EQ(err, CAPKIT_EINVAL);
  CHECK(capkit_name_template("%d%d", 5, 0, &err) == NULL);
  CHECK(capkit_name_template("%s", 5, 0, &err) == NULL);
  CHECK(capkit_name_template("x%", 5, 0, &err) == NULL);
  /* Any number of %t: the buffer grows. */
  char big[3001];
  for (int i = 0; i < 3000; i += 2)
    memcpy(big + i, "%t", 2);
  big[3000] = 0;
  s = capkit_name_template(big, 0, 0, &err);
  CHECK(s && strlen(s) == 1500 * 16);
  free(s);
}

static size_t records_in(const char *path) {
  capkit_reader *r = capkit_reader_new();
  size_t n = 0;
  if (capkit_reader_open_path(r, path) == 0) {
    capkit_record rec = CAPKIT_RECORD_INIT;
    while (capkit_reader_next(r, &rec) > 0)
      n++;
  } else {
    n = (size_t)-1;
  }
  capkit_reader_free(r);
  return n;
}

static void done_count(void *user, const char *path, uint64_t no) {
  (void)path;
  (void)no;
  ++*(int *)user;
}

static void test_rotator(void) {
  char tmpl[512], p[600];
  /* By time: empty intervals get their files; file N is interval N. */
  snprintf(tmpl, sizeof tmpl, "%s/t-%%d.pcap", tap_tmpdir());
  capkit_rotator *o = capkit_rotator_new();
  CHECK_EQ(capkit_rotator_set_template(o, "%0100d"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_rotator_set_template(o, tmpl), 0);
  CHECK_EQ(capkit_rotator_set_limit(o, CAPKIT_ROTATE_TIME, 1000000000), 0);
  int done = 0;
  capkit_rotator_set_callbacks(o, NULL, NULL, done_count, &done);
  trec t[4] = {{100, 500000000, 4, {1}},
               {101, 400000000, 4, {2}},
               {101, 500000000, 4, {3}},
               {104, 600000000, 4, {4}}};
  for (int i = 0; i < 4; i++) {
    capkit_record r = as_record(&t[i], (uint64_t)i + 1);
    CHECK_EQ(capkit_rotator_write(o, &r), 0);
  }
  CHECK_EQ(capkit_rotator_close(o), 0);
  CHECK_EQ(capkit_rotator_files(o), 5);
  CHECK_EQ(done, 5);
  size_t want[5] = {2, 1, 0, 0, 1};
  for (int i = 0; i < 5; i++) {
    snprintf(p, sizeof p, "%s/t-%d.pcap", tap_tmpdir(), i);
    CHECK_EQ(records_in(p), want[i]);
    remove(p);
  }
  capkit_rotator_free(o);
  /* A %t name that repeats gets a counter: nothing replaced. */
  snprintf(tmpl, sizeof tmpl, "%s/s-%%t.pcap", tap_tmpdir());
  o = capkit_rotator_new();
  CHECK_EQ(capkit_rotator_set_template(o, tmpl), 0);
  CHECK_EQ(capkit_rotator_set_limit(o, CAPKIT_ROTATE_PACKETS, 1), 0);
  for (int i = 0; i < 3; i++) {
    capkit_record r = as_record(&t[1], 1);
    CHECK_EQ(capkit_rotator_write(o, &r), 0);
  }
  CHECK_EQ(capkit_rotator_close(o), 0);
  const char *suf[3] = {"", "-1", "-2"};
  for (int i = 0; i < 3; i++) {
    snprintf(p, sizeof p, "%s/s-19700101T000141Z%s.pcap", tap_tmpdir(), suf[i]);
    CHECK_EQ(records_in(p), 1);
    remove(p);
  }
  capkit_rotator_free(o);
  /* By bytes: no file past the limit but one of a single larger record. */
  snprintf(tmpl, sizeof tmpl, "%s/b.pcap", tap_tmpdir());
  o = capkit_rotator_new();
  capkit_rotator_set_template(o, tmpl);
  CHECK_EQ(capkit_rotator_set_limit(o, CAPKIT_ROTATE_BYTES, 100), 0);
  for (int i = 0; i < 10; i++) {
    trec x = {1, 0, (uint32_t)(i == 5 ? 64 : 20), {0}};
    capkit_record r = as_record(&x, 1);
    CHECK_EQ(capkit_rotator_write(o, &r), 0);
  }
  CHECK_EQ(capkit_rotator_close(o), 0);
  /* 24 + 2 * 36 = 96 per file of small records; the 64-byte one alone. */
  size_t files = capkit_rotator_files(o);
  CHECK_EQ(files, 6);
  size_t sum = 0;
  for (size_t i = 0; i < files; i++) {
    snprintf(p, sizeof p, "%s/b-%05zu.pcap", tap_tmpdir(), i);
    size_t len = 0;
    uint8_t *b = tap_slurp(p, &len);
    CHECK(b && (len <= 100 || len == 24 + 16 + 64));
    free(b);
    sum += records_in(p);
    remove(p);
  }
  CHECK_EQ(sum, 10);
  capkit_rotator_free(o);
  /* Nothing written: no file. */
  o = capkit_rotator_new();
  capkit_rotator_set_template(o, tmpl);
  CHECK_EQ(capkit_rotator_close(o), 0);
  CHECK_EQ(capkit_rotator_files(o), 0);
  capkit_rotator_free(o);
  CHECK_EQ(count_files(tap_tmpdir()), 0);
}

static void test_fcs(void) {
  trec t = {1, 0, 64, {0}};
  capkit_record r = as_record(&t, 1);
  capkit_record_strip_fcs(&r, -1);
  CHECK(r.caplen == 60 && r.origlen == 60);
  r.origlen = 100; /* cut short: the FCS was not captured */
  capkit_record_strip_fcs(&r, 4);
  CHECK(r.caplen == 60 && r.origlen == 96);
  r.caplen = r.origlen = 2;
  capkit_record_strip_fcs(&r, 4);
  CHECK(r.caplen == 0 && r.origlen == 0);
  capkit_iface ifc;
  memset(&ifc, 0, sizeof ifc);
  ifc.fcs_len = 2;
  r.iface = &ifc;
  r.caplen = r.origlen = 10;
  capkit_record_strip_fcs(&r, -1);
  CHECK(r.caplen == 8 && r.origlen == 8);
}

int main(void) {
  test_sorter();
  test_reorder();
  test_merger();
  test_dedup();
  test_names();
  test_rotator();
  test_fcs();
  return tap_done();
}
