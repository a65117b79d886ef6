/* test_split.c - capkit_split_by_limit and capkit_split_by_interface
 * through the public API, on inputs built here byte by byte from the pcap
 * and pcapng layouts (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng):
 * seeded property tests over record counts, lengths, times and limits
 * whose output files must hold exactly the input's records in order, cut
 * where the definitions say (N records; at most N bytes; interval
 * floor((t - first) / N) as editcap -i, empty intervals included; one file
 * per interface id); damaged input without and with keep_partial; errors
 * through the error function; misuse. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capkit/capkit.h>
#include <capkit/cut.h>

#include "tap.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static void le32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}
static void le16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}

#define MAXREC 200
typedef struct input {
  size_t n;
  uint64_t ns[MAXREC]; /* times */
  uint32_t len[MAXREC];
  uint32_t iface[MAXREC];
  uint8_t fill[MAXREC]; /* every data byte of record i */
} input;

/* A microsecond pcap of IN's records; returns its length. */
static size_t make_pcap(uint8_t *f, const input *in) {
  memset(f, 0, 24);
  le32(f, 0xa1b2c3d4u);
  le16(f + 4, 2);
  le16(f + 6, 4);
  le32(f + 16, 65535);
  le32(f + 20, 1);
  size_t off = 24;
  for (size_t i = 0; i < in->n; i++) {
    le32(f + off, (uint32_t)(in->ns[i] / 1000000000u));
    le32(f + off + 4, (uint32_t)(in->ns[i] % 1000000000u / 1000u));
    le32(f + off + 8, in->len[i]);
    le32(f + off + 12, in->len[i]);
    memset(f + off + 16, in->fill[i], in->len[i]);
    off += 16 + in->len[i];
  }
  return off;
}

/* A pcapng of IN's records over NIF Ethernet interfaces (microseconds):
 * a section header, the interface descriptions, enhanced packet blocks. */
static size_t make_pcapng(uint8_t *f, const input *in, uint32_t nif) {
  size_t off = 0;
  le32(f, 0x0a0d0d0a);
  le32(f + 4, 28);
  le32(f + 8, 0x1a2b3c4d);
  le16(f + 12, 1);
  le16(f + 14, 0);
  memset(f + 16, 0xff, 8); /* section length unknown */
  le32(f + 24, 28);
  off = 28;
  for (uint32_t k = 0; k < nif; k++) {
    le32(f + off, 1);
    le32(f + off + 4, 20);
    le16(f + off + 8, 1);
    le16(f + off + 10, 0);
    le32(f + off + 12, 65535);
    le32(f + off + 16, 20);
    off += 20;
  }
  for (size_t i = 0; i < in->n; i++) {
    uint32_t pad = (4 - in->len[i] % 4) % 4, total = 32 + in->len[i] + pad;
    uint64_t us = in->ns[i] / 1000u;
    le32(f + off, 6);
    le32(f + off + 4, total);
    le32(f + off + 8, in->iface[i]);
    le32(f + off + 12, (uint32_t)(us >> 32));
    le32(f + off + 16, (uint32_t)us);
    le32(f + off + 20, in->len[i]);
    le32(f + off + 24, in->len[i]);
    memset(f + off + 28, in->fill[i], in->len[i]);
    memset(f + off + 28 + in->len[i], 0, pad);
    le32(f + off + 28 + in->len[i] + pad, total);
    off += total;
  }
  return off;
}

static void random_input(input *in, uint32_t nif) {
  in->n = 1 + rnd() % MAXREC;
  uint64_t t = 1700000000ull * 1000000000u + rnd() % 1000000u * 1000u;
  for (size_t i = 0; i < in->n; i++) {
    t += rnd() % 3 == 0 ? rnd() % 3000000000u / 1000u * 1000u : 1000u;
    in->ns[i] = t;
    in->len[i] = 14 + (uint32_t)(rnd() % 300);
    in->iface[i] = (uint32_t)(rnd() % nif);
    in->fill[i] = (uint8_t)rnd();
  }
}

/* What the callbacks saw. */
#define MAXFILES 4096
typedef struct seen {
  char paths[MAXFILES][256];
  uint64_t records[MAXFILES], numbers[MAXFILES];
  int partial[MAXFILES];
  size_t files, errors;
  int first_error;
  const char *format; /* for the writers */
} seen;

static int setup(void *user, capkit_writer *w, uint64_t file_no) {
  seen *s = user;
  (void)file_no;
  int rc = capkit_writer_set_format(w, s->format);
  return rc ? rc : capkit_writer_set_linktype(w, 1);
}

static void done(void *user, const char *path, uint64_t file_no,
                 uint64_t records, int partial) {
  seen *s = user;
  if (s->files < MAXFILES) {
    snprintf(s->paths[s->files], sizeof s->paths[0], "%s", path);
    s->records[s->files] = records;
    s->numbers[s->files] = file_no;
    s->partial[s->files] = partial;
  }
  s->files++;
}

static void on_error(void *user, int code, const char *message) {
  seen *s = user;
  if (!s->errors++)
    s->first_error = code;
  CHECK(message && *message);
}

/* Settings writing names from TMPL, the callbacks reporting into S. */
static capkit_split_settings settings(const char *tmpl, seen *s) {
  capkit_split_settings set = CAPKIT_SPLIT_SETTINGS_INIT;
  set.tmpl = tmpl;
  set.setup = setup;
  set.done = done;
  set.error = on_error;
  set.user = s;
  return set;
}

/* Check that the file PATH holds exactly records IDX[0..n) of IN. */
static int holds(const char *path, const input *in, const size_t *idx,
                 size_t n) {
  capkit_reader *r = capkit_reader_new();
  int ok = capkit_reader_open_path(r, path) == 0;
  capkit_record rec = CAPKIT_RECORD_INIT;
  size_t k = 0;
  int rc;
  while (ok && (rc = capkit_reader_next(r, &rec)) > 0) {
    if (k >= n) {
      ok = 0;
      break;
    }
    const input *x = in;
    size_t i = idx[k++];
    uint64_t t = (uint64_t)rec.ts_sec * 1000000000u + rec.ts_nsec;
    ok &= t == x->ns[i] && rec.caplen == x->len[i];
    for (uint32_t b = 0; ok && b < rec.caplen; b++)
      ok &= rec.data[b] == x->fill[i];
  }
  ok &= k == n;
  capkit_reader_free(r);
  return ok;
}

static off_t file_size(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 ? sb.st_size : -1;
}

static uint8_t buf[64 + MAXREC * (32 + 320 + 4)];
static size_t idx[MAXREC];

static void by_limit(int round) {
  static input in;
  static seen s;
  random_input(&in, 1);
  size_t len = make_pcap(buf, &in);
  char dir[512], inpath[600], tmpl[600];
  snprintf(dir, sizeof dir, "%s/l%d", tap_tmpdir(), round);
  mkdir(dir, 0700);
  snprintf(inpath, sizeof inpath, "%s/in.pcap", dir);
  snprintf(tmpl, sizeof tmpl, "%s/out-%%d.pcap", dir);
  FILE *o = fopen(inpath, "wb");
  fwrite(buf, 1, len, o);
  fclose(o);
  memset(&s, 0, sizeof s);
  s.format = "pcap";
  capkit_split_settings set = settings(tmpl, &s);
  int mode = round % 3;
  set.by = mode == 0   ? CAPKIT_ROTATE_PACKETS
           : mode == 1 ? CAPKIT_ROTATE_BYTES
                       : CAPKIT_ROTATE_TIME;
  set.limit = mode == 0   ? 1 + rnd() % 40
              : mode == 1 ? 24 + 16 + rnd() % 3000
                          : 200000000u + rnd() % 4000000000u;
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, inpath), 0);
  CHECK_EQ(capkit_split_by_limit(r, NULL, &set), 0);
  capkit_reader_free(r);
  CHECK_EQ(s.errors, 0u);
  /* the files in order, holding the records in order */
  int ok = 1;
  size_t next = 0;
  for (size_t fno = 0; fno < s.files; fno++) {
    size_t n = 0;
    if (mode == 0) {
      while (next < in.n && n < set.limit)
        idx[n++] = next++;
    } else if (mode == 1) {
      uint64_t size = 24;
      while (next < in.n &&
             (n == 0 || size + 16 + in.len[next] <= set.limit)) {
        size += 16 + in.len[next];
        idx[n++] = next++;
      }
      ok &= (uint64_t)file_size(s.paths[fno]) <= set.limit || n == 1;
    } else {
      while (next < in.n && (in.ns[next] - in.ns[0]) / set.limit == fno)
        idx[n++] = next++;
    }
    ok &= s.numbers[fno] == fno && s.records[fno] == n && !s.partial[fno];
    ok &= holds(s.paths[fno], &in, idx, n);
    remove(s.paths[fno]);
  }
  ok &= next == in.n && s.files <= MAXFILES;
  if (mode == 2) /* every interval up to the last record's has its file */
    ok &= s.files == (in.ns[in.n - 1] - in.ns[0]) / set.limit + 1;
  if (!ok)
    fprintf(stderr, "# by limit round %d: mode %d limit %" PRIu64
                    " records %zu files %zu\n",
            round, mode, set.limit, in.n, s.files);
  CHECK(ok);

  /* the same input cut inside its last record: no file is left, or with
   * keep_partial every file up to it, the last one partial */
  if (in.n < 2) {
    remove(inpath);
    rmdir(dir);
    return;
  }
  o = fopen(inpath, "wb");
  fwrite(buf, 1, len - 1, o);
  fclose(o);
  for (int keep = 0; keep < 2; keep++) {
    memset(&s, 0, sizeof s);
    s.format = "pcap";
    set.keep_partial = keep;
    r = capkit_reader_new();
    CHECK_EQ(capkit_reader_open_path(r, inpath), 0);
    int rc = capkit_split_by_limit(r, NULL, &set);
    capkit_reader_free(r);
    CHECK_EQ(capkit_error_class_of(rc), CAPKIT_CLASS_DATA);
    CHECK_EQ(s.errors, 1u);
    CHECK_EQ(s.first_error, rc);
    uint64_t total = 0;
    for (size_t fno = 0; fno < s.files; fno++) {
      CHECK_EQ(file_size(s.paths[fno]) > 0, keep);
      total += s.records[fno];
      remove(s.paths[fno]);
    }
    if (keep) {
      CHECK(s.files > 0 && s.partial[s.files - 1]);
      CHECK_EQ(total, in.n - 1);
    }
  }
  remove(inpath);
  rmdir(dir);
}

static void by_interface(int round) {
  static input in;
  static seen s;
  uint32_t nif = 1 + (uint32_t)(rnd() % 4);
  random_input(&in, nif);
  size_t len = make_pcapng(buf, &in, nif);
  char dir[512], tmpl[600];
  snprintf(dir, sizeof dir, "%s/i%d", tap_tmpdir(), round);
  mkdir(dir, 0700);
  snprintf(tmpl, sizeof tmpl, "%s/if%%d.pcapng", dir);
  memset(&s, 0, sizeof s);
  s.format = "pcapng";
  capkit_split_settings set = settings(tmpl, &s);
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, buf, len, NULL), 0);
  CHECK_EQ(capkit_split_by_interface(r, NULL, &set), 0);
  capkit_reader_free(r);
  CHECK_EQ(s.errors, 0u);
  int ok = 1;
  size_t used = 0;
  for (uint32_t k = 0; k < nif; k++) {
    size_t n = 0;
    for (size_t i = 0; i < in.n; i++)
      if (in.iface[i] == k)
        idx[n++] = i;
    used += n != 0;
    size_t f = 0;
    while (f < s.files && s.numbers[f] != k)
      f++;
    if (!n) {
      ok &= f == s.files; /* no record, no file */
      continue;
    }
    char want[700];
    snprintf(want, sizeof want, "%s/if%u.pcapng", dir, k);
    ok &= f < s.files && strcmp(s.paths[f], want) == 0 &&
          s.records[f] == n && holds(want, &in, idx, n);
    remove(want);
  }
  ok &= s.files == used;
  CHECK(ok);
  rmdir(dir);
}

static void errors_and_misuse(void) {
  static input in;
  static seen s;
  random_input(&in, 1);
  size_t len = make_pcap(buf, &in);
  char tmpl[600];
  snprintf(tmpl, sizeof tmpl, "%s/no/such/dir/x.pcap", tap_tmpdir());
  capkit_split_settings set = settings(tmpl, &s);
  set.by = CAPKIT_ROTATE_PACKETS;
  set.limit = 10;
  for (int iface = 0; iface < 2; iface++) {
    memset(&s, 0, sizeof s);
    s.format = "pcap";
    capkit_reader *r = capkit_reader_new();
    CHECK_EQ(capkit_reader_open_memory(r, buf, len, NULL), 0);
    int rc = iface ? capkit_split_by_interface(r, NULL, &set)
                   : capkit_split_by_limit(r, NULL, &set);
    CHECK(rc < 0);
    CHECK_EQ(s.errors, 1u);
    CHECK_EQ(s.first_error, rc);
    CHECK_EQ(s.files, 0u);
    /* misuse */
    capkit_split_settings bad = set;
    bad.setup = NULL;
    CHECK_EQ(capkit_split_by_limit(r, NULL, &bad), CAPKIT_EMISUSE);
    CHECK_EQ(capkit_split_by_interface(r, NULL, &bad), CAPKIT_EMISUSE);
    bad = set;
    bad.size = 4;
    CHECK_EQ(capkit_split_by_limit(r, NULL, &bad), CAPKIT_EMISUSE);
    bad = set;
    bad.limit = 0;
    CHECK_EQ(capkit_split_by_limit(r, NULL, &bad), CAPKIT_EMISUSE);
    CHECK_EQ(capkit_split_by_limit(NULL, NULL, &set), CAPKIT_EMISUSE);
    CHECK_EQ(capkit_split_by_interface(r, NULL, NULL), CAPKIT_EMISUSE);
    capkit_reader_free(r);
  }
}

int main(void) {
  for (int i = 0; i < 60; i++)
    by_limit(i);
  for (int i = 0; i < 30; i++)
    by_interface(i);
  errors_and_misuse();
  return tap_done();
}
