/* test_pcap.c - the classic pcap reader and writer through the public API:
 * the seed articles' examples, every variant in both byte orders, damage at
 * every byte, warnings, sources, and byte-identical round trips. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <capkit/capkit.h>

#include "tap.h"

/* ---- building files byte by byte ---- */

typedef struct fb {
  uint8_t b[65536];
  size_t n;
  int be; /* write numbers big-endian */
} fb;

static void put8(fb *f, uint8_t v) { f->b[f->n++] = v; }
static void put16(fb *f, uint16_t v) {
  if (f->be) {
    put8(f, (uint8_t)(v >> 8));
    put8(f, (uint8_t)v);
  } else {
    put8(f, (uint8_t)v);
    put8(f, (uint8_t)(v >> 8));
  }
}
static void put32(fb *f, uint32_t v) {
  if (f->be) {
    put16(f, (uint16_t)(v >> 16));
    put16(f, (uint16_t)v);
  } else {
    put16(f, (uint16_t)v);
    put16(f, (uint16_t)(v >> 16));
  }
}
static void file_hdr(fb *f, uint32_t magic, uint16_t vmaj, uint16_t vmin,
                     uint32_t snaplen, uint32_t network) {
  f->n = 0;
  put32(f, magic);
  put16(f, vmaj);
  put16(f, vmin);
  put32(f, 0);
  put32(f, 0);
  put32(f, snaplen);
  put32(f, network);
}
/* A record with extra header bytes (variants) and len bytes of value fill. */
static void record(fb *f, uint32_t sec, uint32_t frac, uint32_t a, uint32_t b,
                   const uint8_t *extra, size_t extra_len, uint32_t len,
                   uint8_t fill) {
  put32(f, sec);
  put32(f, frac);
  put32(f, a);
  put32(f, b);
  for (size_t i = 0; i < extra_len; i++)
    put8(f, extra[i]);
  for (uint32_t i = 0; i < len; i++)
    put8(f, fill);
}

static capkit_reader *open_mem(const fb *f) {
  capkit_reader *r = capkit_reader_new();
  if (capkit_reader_open_memory(r, f->b, f->n, "test.pcap") != 0) {
    fprintf(stderr, "open: %s\n", capkit_reader_error(r));
  }
  return r;
}

static int count_records(capkit_reader *r, int *last_rc) {
  capkit_record rec = CAPKIT_RECORD_INIT;
  int n = 0, rc;
  while ((rc = capkit_reader_next(r, &rec)) > 0)
    n++;
  *last_rc = rc;
  return n;
}

/* Write all records of r to path with copied settings; 0 on success. */
static int copy_to(capkit_reader *r, const char *path) {
  capkit_writer *w = capkit_writer_new();
  int rc = capkit_writer_copy_settings(w, r);
  if (!rc)
    rc = capkit_writer_open_path(w, path);
  capkit_record rec = CAPKIT_RECORD_INIT;
  while (!rc && (rc = capkit_reader_next(r, &rec)) > 0)
    rc = capkit_writer_write(w, &rec);
  if (rc >= 0)
    rc = capkit_writer_close(w);
  capkit_writer_free(w);
  return rc;
}

static int same_file(const char *path, const uint8_t *b, size_t n) {
  size_t len;
  uint8_t *got = tap_slurp(path, &len);
  int same = got && len == n && memcmp(got, b, n) == 0;
  free(got);
  return same;
}

static const char *tmp(const char *name) {
  static char buf[4][512];
  static int i;
  i = (i + 1) % 4;
  snprintf(buf[i], sizeof buf[i], "%s/%s", tap_tmpdir(), name);
  return buf[i];
}

/* ---- the seed articles ---- */

static void test_seed_empty_and_five_frames(void) {
  /* Listing 1: the 24-byte empty file; Listing 2: five 60-byte frames with
   * ts_s = i and bytes i. */
  fb f = {.be = 0};
  file_hdr(&f, 0xa1b2c3d4, 2, 4, 65535, 1);
  CHECK_EQ(f.n, 24u);
  capkit_reader *r = open_mem(&f);
  const capkit_file_info *in = capkit_reader_info(r);
  CHECK(in != NULL);
  CHECK(strcmp(in->format, "pcap") == 0);
  CHECK_EQ(in->snaplen, 65535u);
  CHECK_EQ(in->linktype, 1u);
  int rc;
  CHECK_EQ(count_records(r, &rc), 0);
  CHECK_EQ(rc, 0);
  capkit_reader_free(r);

  for (uint32_t i = 0; i < 5; i++)
    record(&f, i, 0, 60, 60, NULL, 0, 60, (uint8_t)i);
  r = open_mem(&f);
  capkit_record rec = CAPKIT_RECORD_INIT;
  for (uint32_t i = 0; i < 5; i++) {
    CHECK_EQ(capkit_reader_next(r, &rec), 1);
    CHECK_EQ(rec.ts_sec, (int64_t)i);
    CHECK_EQ(rec.ts_nsec, 0u);
    CHECK_EQ(rec.caplen, 60u);
    CHECK_EQ(rec.origlen, 60u);
    CHECK_EQ(rec.number, (uint64_t)i + 1);
    CHECK_EQ(rec.offset, 24u + i * 76u);
    CHECK(rec.data[0] == i && rec.data[59] == i);
    CHECK(rec.iface && rec.iface->linktype == 1);
  }
  CHECK_EQ(capkit_reader_next(r, &rec), 0);
  CHECK_EQ(capkit_reader_next(r, &rec), 0);
  capkit_reader_free(r);
}

static void test_seed_connection_termination(void) {
  /* The hexdump of 001_322f2cc6a902d1e4.txt, rebuilt as a fixture. */
  size_t n;
  uint8_t *b = tap_slurp(tap_data("connection_termination.pcap"), &n);
  CHECK(b != NULL);
  if (!b)
    return;
  CHECK_EQ(n, 316u);
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, tap_data("connection_termination.pcap")),
           0);
  const capkit_file_info *in = capkit_reader_info(r);
  CHECK(in->byte_order == CAPKIT_BO_LITTLE);
  CHECK_EQ(in->version_major, 2);
  CHECK_EQ(in->version_minor, 4);
  CHECK_EQ(in->tsresol, 6u);
  CHECK_EQ(in->fcs_len, -1);
  CHECK(strcmp(in->variant, "standard") == 0);
  static const uint32_t lens[] = {54, 60, 60, 54};
  capkit_record rec = CAPKIT_RECORD_INIT;
  for (int i = 0; i < 4; i++) {
    CHECK_EQ(capkit_reader_next(r, &rec), 1);
    CHECK_EQ(rec.caplen, lens[i]);
    CHECK_EQ(rec.origlen, lens[i]);
    if (i == 0) {
      CHECK_EQ(rec.ts_sec, 1338882754);
      CHECK_EQ(rec.ts_nsec, 996790000u);
      static const uint8_t dst[] = {0x00, 0x12, 0xcf, 0xe5, 0x54, 0xa0};
      CHECK(memcmp(rec.data, dst, 6) == 0);
      CHECK(rec.data[12] == 0x08 && rec.data[13] == 0x00);
    }
    if (i == 1) {
      static const uint8_t dst[] = {0x00, 0x1f, 0x3c, 0x23, 0xdb, 0xd3};
      CHECK(memcmp(rec.data, dst, 6) == 0);
    }
  }
  CHECK_EQ(capkit_reader_next(r, &rec), 0);
  capkit_reader_free(r);

  /* byte-identical copy */
  r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, b, n, "ct"), 0);
  CHECK_EQ(copy_to(r, tmp("ct-copy.pcap")), 0);
  CHECK(same_file(tmp("ct-copy.pcap"), b, n));
  capkit_reader_free(r);
  free(b);
}

/* ---- variants ---- */

typedef struct variant_case {
  const char *name;
  uint32_t magic;
  uint16_t vmaj, vmin;
  uint32_t network;
  size_t extra; /* record-header bytes after the 16 */
  const char *variant;
  unsigned tsresol;
  uint32_t linktype;
} variant_case;

static void extra_bytes(uint8_t *x, size_t extra, int be) {
  memset(x, 0, 16);
  if (extra == 8 || extra == 12) { /* ifindex 2, protocol 0x0800, type 0 */
    x[be ? 3 : 0] = 2;
    x[be ? 4 : 5] = 0x08;
    x[be ? 5 : 4] = 0x00;
  } else if (extra == 4) { /* Nokia: 0x9fbfb601 */
    uint32_t v = 0x9fbfb601u;
    for (int i = 0; i < 4; i++)
      x[i] = (uint8_t)(be ? v >> (24 - 8 * i) : v >> (8 * i));
  }
}

static void test_variants(void) {
  static const variant_case cases[] = {
      {"us", 0xa1b2c3d4, 2, 4, 1, 0, "standard", 6, 1},
      {"ns", 0xa1b23c4d, 2, 4, 1, 0, "nanosecond", 9, 1},
      {"kuznetsov", 0xa1b2cd34, 2, 4, 1, 8, "modified (ss991029, Kuznetsov)",
       6, 1},
      {"suse", 0xa1b2cd34, 2, 4, 1, 12, "ss990915 (SuSE 6.3)", 6, 1},
      {"redhat", 0xa1b2c3d4, 2, 4, 1, 8, "ss990417 (Red Hat 6.1)", 6, 1},
      {"nokia", 0xa1b2c3d4, 2, 4, 1, 4, "nokia", 6, 1},
      {"aix", 0xa1b2c3d4, 2, 2, 6, 0, "aix", 9, 1},
      {"v2.2", 0xa1b2c3d4, 2, 2, 1, 0, "standard", 6, 1},
      {"v2.3", 0xa1b2c3d4, 2, 3, 1, 0, "standard", 6, 1},
      {"sll", 0xa1b2c3d4, 2, 4, 113, 0, "standard", 6, 113},
      {"fcs", 0xa1b2c3d4, 2, 4, 1 | 0x04000000u | (2u << 28), 0, "standard",
       6, 1},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    const variant_case *vc = &cases[c];
    for (int be = 0; be <= 1; be++) {
      fb f = {.be = be};
      file_hdr(&f, vc->magic, vc->vmaj, vc->vmin, 65535, vc->network);
      uint8_t x[16];
      extra_bytes(x, vc->extra, be);
      int pre23 = vc->vmaj == 2 && vc->vmin < 3;
      uint32_t frac = vc->tsresol == 9 ? 123456789u : 123456u;
      for (uint32_t i = 0; i < 4; i++) {
        uint32_t cl = 60 + i, ol = 100 + i;
        /* 2.3 files may have either order: one swapped record tests it */
        int swap_len = pre23 || (vc->vmin == 3 && i == 2);
        record(&f, 1000 + i, frac, swap_len ? ol : cl, swap_len ? cl : ol, x,
               vc->extra, cl, (uint8_t)(0x40 + i));
      }
      capkit_reader *r = open_mem(&f);
      const capkit_file_info *in = capkit_reader_info(r);
      int ok = in != NULL;
      CHECK(ok);
      if (!ok) {
        fprintf(stderr, "case %s be=%d: %s\n", vc->name, be,
                capkit_reader_error(r));
        capkit_reader_free(r);
        continue;
      }
      int vok = strcmp(in->variant, vc->variant) == 0;
      CHECK(vok);
      if (!vok)
        fprintf(stderr, "case %s be=%d: variant %s\n", vc->name, be,
                in->variant);
      CHECK_EQ(in->byte_order, be ? CAPKIT_BO_BIG : CAPKIT_BO_LITTLE);
      CHECK_EQ(in->tsresol, vc->tsresol);
      CHECK_EQ(in->linktype, vc->linktype);
      CHECK_EQ(in->record_header_len, 16u + vc->extra);
      if (vc->network & 0x04000000u)
        CHECK_EQ(in->fcs_len, 4);
      capkit_record rec = CAPKIT_RECORD_INIT;
      for (uint32_t i = 0; i < 4; i++) {
        CHECK_EQ(capkit_reader_next(r, &rec), 1);
        CHECK_EQ(rec.ts_sec, 1000 + (int64_t)i);
        CHECK_EQ(rec.ts_nsec, vc->tsresol == 9 ? 123456789u : 123456000u);
        CHECK_EQ(rec.caplen, 60 + i);
        CHECK_EQ(rec.origlen, 100 + i);
        CHECK(rec.data[0] == 0x40 + i && rec.data[rec.caplen - 1] == 0x40 + i);
      }
      CHECK_EQ(capkit_reader_next(r, &rec), 0);
      capkit_reader_free(r);
      /* lossless: an unchanged copy is byte-identical */
      r = open_mem(&f);
      char name[64];
      snprintf(name, sizeof name, "v-%s-%d.pcap", vc->name, be);
      CHECK_EQ(copy_to(r, tmp(name)), 0);
      int same = same_file(tmp(name), f.b, f.n);
      CHECK(same);
      if (!same)
        fprintf(stderr, "case %s be=%d: copy differs\n", vc->name, be);
      capkit_reader_free(r);
    }
  }
}

static void test_ixia(void) {
  for (int be = 0; be <= 1; be++) {
    fb f = {.be = be};
    file_hdr(&f, 0x1c0001ac, 2, 4, 65535, 1);
    put32(&f, 0); /* patched below */
    record(&f, 5, 999999999, 30, 30, NULL, 0, 30, 7);
    record(&f, 6, 1, 31, 31, NULL, 0, 31, 8);
    uint32_t total = (uint32_t)(f.n - 28);
    size_t save = f.n;
    f.n = 24;
    put32(&f, total);
    f.n = save;
    capkit_reader *r = open_mem(&f);
    const capkit_file_info *in = capkit_reader_info(r);
    CHECK(in && strcmp(in->variant, "ixia-hw") == 0);
    CHECK(in && in->header_len == 28);
    capkit_record rec = CAPKIT_RECORD_INIT;
    CHECK_EQ(capkit_reader_next(r, &rec), 1);
    CHECK_EQ(rec.ts_nsec, 999999999u);
    CHECK_EQ(rec.caplen, 30u);
    capkit_reader_free(r);
    r = open_mem(&f);
    CHECK_EQ(copy_to(r, tmp("ixia.pcap")), 0);
    CHECK(same_file(tmp("ixia.pcap"), f.b, f.n));
    capkit_reader_free(r);
  }
}

/* ---- warnings and odd values ---- */

typedef struct wlog {
  int count[16];
  char last[512];
  uint64_t last_rec;
} wlog;

static void on_warn(void *u, int w, uint64_t off, uint64_t rec,
                    const char *msg) {
  (void)off;
  wlog *l = u;
  if (w > 0 && w < 16)
    l->count[w]++;
  snprintf(l->last, sizeof l->last, "%s", msg);
  l->last_rec = rec;
}

static void test_warnings_and_odd_values(void) {
  fb f = {.be = 0};
  file_hdr(&f, 0xa1b2c3d4, 2, 4, 50, 1);
  f.b[8] = 1;  /* thiszone = 1 */
  f.b[12] = 2; /* sigfigs = 2 */
  record(&f, 10, 1500000, 40, 40, NULL, 0, 40, 1); /* usec >= 1e6 */
  record(&f, 9, 0, 60, 50, NULL, 0, 60, 2);        /* back, cap>orig,snap */
  capkit_reader *r = capkit_reader_new();
  wlog l;
  memset(&l, 0, sizeof l);
  capkit_reader_set_warning_fn(r, on_warn, &l);
  CHECK_EQ(capkit_reader_open_memory(r, f.b, f.n, "odd.pcap"), 0);
  CHECK_EQ(capkit_reader_info(r)->thiszone, 1);
  CHECK_EQ(capkit_reader_info(r)->sigfigs, 2u);
  capkit_record rec = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_reader_next(r, &rec), 1);
  CHECK_EQ(rec.ts_sec, 11); /* exact: 10 s + 1 500 000 us */
  CHECK_EQ(rec.ts_nsec, 500000000u);
  CHECK_EQ(capkit_reader_next(r, &rec), 1);
  CHECK_EQ(rec.caplen, 60u); /* caplen above snaplen is delivered whole */
  CHECK_EQ(capkit_reader_next(r, &rec), 0);
  CHECK_EQ(l.count[CAPKIT_W_RESERVED_NONZERO], 1);
  CHECK_EQ(l.count[CAPKIT_W_TS_FRAC_RANGE], 1);
  CHECK_EQ(l.count[CAPKIT_W_TS_BACKWARDS], 1);
  CHECK_EQ(l.count[CAPKIT_W_CAPLEN_GT_ORIGLEN], 1);
  CHECK_EQ(l.count[CAPKIT_W_CAPLEN_GT_SNAPLEN], 1);
  CHECK(strstr(l.last, "odd.pcap: offset 80, record 2: ") == l.last);
  capkit_reader_free(r);
  /* the odd values survive an unchanged copy byte for byte */
  r = open_mem(&f);
  CHECK_EQ(copy_to(r, tmp("odd.pcap")), 0);
  CHECK(same_file(tmp("odd.pcap"), f.b, f.n));
  capkit_reader_free(r);

  /* snaplen 0 and a snaplen far above any record */
  for (int k = 0; k < 2; k++) {
    file_hdr(&f, 0xa1b2c3d4, 2, 4, k ? 0xffffffffu : 0, 1);
    record(&f, 1, 2, 10, 10, NULL, 0, 10, 3);
    r = open_mem(&f);
    int rc;
    CHECK_EQ(count_records(r, &rc), 1);
    CHECK_EQ(rc, 0);
    capkit_reader_free(r);
  }
}

/* ---- damage ---- */

static void test_truncation_everywhere(void) {
  size_t n;
  uint8_t *b = tap_slurp(tap_data("connection_termination.pcap"), &n);
  if (!b)
    return;
  /* record boundaries */
  static const size_t ends[] = {24, 94, 170, 246, 316};
  for (size_t len = 0; len <= n; len++) {
    capkit_reader *r = capkit_reader_new();
    int rc = capkit_reader_open_memory(r, b, len, "cut.pcap");
    int whole = 0;
    for (int k = 0; k < 5; k++)
      if (ends[k] <= len)
        whole = k;
    if (len < 24) {
      CHECK(rc < 0);
      CHECK(len < 4 ? rc == CAPKIT_EFORMAT : rc == CAPKIT_ETRUNC);
      capkit_reader_free(r);
      continue;
    }
    CHECK_EQ(rc, 0);
    int last;
    int got = count_records(r, &last);
    CHECK_EQ(got, whole);
    int boundary = len == ends[whole];
    if (boundary) {
      CHECK_EQ(last, 0);
    } else {
      CHECK_EQ(last, CAPKIT_ETRUNC);
      CHECK_EQ(capkit_reader_error_offset(r), ends[whole]);
      CHECK_EQ(capkit_reader_error_record(r), (uint64_t)whole + 1);
      char want[64];
      snprintf(want, sizeof want, "cut.pcap: offset %zu, record %d: ",
               ends[whole], whole + 1);
      CHECK(strncmp(capkit_reader_error(r), want, strlen(want)) == 0);
      capkit_record rec = CAPKIT_RECORD_INIT;
      CHECK_EQ(capkit_reader_next(r, &rec), CAPKIT_ETRUNC); /* stays dead */
    }
    capkit_reader_free(r);
  }
  free(b);
}

static void test_bad_files(void) {
  fb f = {.be = 0};
  /* garbage magic */
  memcpy(f.b, "GARBAGE-GARBAGE-GARBAGE-", 24);
  f.n = 24;
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, f.b, f.n, "g"), CAPKIT_EFORMAT);
  CHECK(strstr(capkit_reader_error(r), "g: offset 0: ") != NULL);
  capkit_record rec = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_reader_next(r, &rec), CAPKIT_EFORMAT);
  capkit_reader_free(r);
  /* caplen beyond the bound, after a good record */
  file_hdr(&f, 0xa1b2c3d4, 2, 4, 65535, 1);
  record(&f, 1, 0, 10, 10, NULL, 0, 10, 1);
  record(&f, 2, 0, 0x7fffffff, 10, NULL, 0, 10, 1);
  r = open_mem(&f);
  CHECK_EQ(capkit_reader_next(r, &rec), 1);
  CHECK_EQ(capkit_reader_next(r, &rec), CAPKIT_ETOOBIG);
  CHECK_EQ(capkit_reader_error_record(r), 2u);
  CHECK_EQ(capkit_reader_error_offset(r), 24u + 26u + 8u);
  capkit_reader_free(r);
  /* the bound can be raised */
  r = capkit_reader_new();
  CHECK_EQ(capkit_reader_set_max_caplen(r, 5), 0);
  CHECK_EQ(capkit_reader_open_memory(r, f.b, f.n, "m"), 0);
  CHECK_EQ(capkit_reader_next(r, &rec), CAPKIT_ETOOBIG);
  CHECK_EQ(capkit_reader_set_max_caplen(r, 5), CAPKIT_EMISUSE);
  capkit_reader_free(r);
  /* version 1 is refused */
  file_hdr(&f, 0xa1b2c3d4, 1, 0, 65535, 1);
  r = open_mem(&f);
  CHECK(capkit_reader_info(r) == NULL);
  CHECK_EQ(capkit_reader_error_code(r), CAPKIT_EUNSUPPORTED);
  capkit_reader_free(r);
  /* calls in the wrong state */
  r = capkit_reader_new();
  CHECK_EQ(capkit_reader_next(r, &rec), CAPKIT_EMISUSE);
  capkit_reader_free(r);
  capkit_reader_free(NULL);
  CHECK(capkit_error_class_of(CAPKIT_ETRUNC) == CAPKIT_CLASS_DATA);
  CHECK(capkit_error_class_of(CAPKIT_EOPEN) == CAPKIT_CLASS_SYSTEM);
  CHECK(strcmp(capkit_errname(CAPKIT_ETRUNC), "CAPKIT_ETRUNC") == 0);
  CHECK(strcmp(capkit_strerror(CAPKIT_ETRUNC), "truncated capture file") == 0);
  CHECK(strcmp(capkit_version(), CAPKIT_VERSION_STRING) == 0);
}

/* ---- sources ---- */

static void test_sources(void) {
  const char *path = tap_data("connection_termination.pcap");
  int rc;
  /* path, fd, no-mmap */
  for (int mode = 0; mode < 3; mode++) {
    capkit_reader *r = capkit_reader_new();
    int fd = -1;
    if (mode == 0) {
      CHECK_EQ(capkit_reader_open_path(r, path), 0);
    } else if (mode == 1) {
      fd = open(path, O_RDONLY);
      CHECK_EQ(capkit_reader_open_fd(r, fd, NULL), 0);
    } else {
      capkit_reader_set_no_mmap(r, 1);
      CHECK_EQ(capkit_reader_open_path(r, path), 0);
    }
    CHECK_EQ(count_records(r, &rc), 4);
    CHECK_EQ(rc, 0);
    CHECK_EQ(capkit_reader_size(r), 316u);
    capkit_reader_free(r);
    if (fd >= 0)
      close(fd);
  }
  /* a pipe, fed in small pieces by a child */
  size_t n;
  uint8_t *b = tap_slurp(path, &n);
  int p[2];
  CHECK_EQ(pipe(p), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    for (size_t off = 0; off < n; off += 7) {
      size_t k = n - off < 7 ? n - off : 7;
      if (write(p[1], b + off, k) != (ssize_t)k)
        _exit(1);
      usleep(100);
    }
    _exit(0);
  }
  close(p[1]);
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_fd(r, p[0], "pipe"), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_reader_next(r, &rec), 1);
  CHECK_EQ(rec.ts_nsec, 996790000u);
  CHECK_EQ(count_records(r, &rc), 3);
  CHECK_EQ(rc, 0);
  capkit_reader_free(r);
  close(p[0]);
  waitpid(pid, NULL, 0);
  free(b);
  /* a missing file and a directory */
  r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, tmp("does-not-exist")), CAPKIT_EOPEN);
  CHECK(strstr(capkit_reader_error(r), "cannot open") != NULL);
  capkit_reader_free(r);
  r = capkit_reader_new();
  CHECK(capkit_reader_open_path(r, tap_tmpdir()) < 0);
  capkit_reader_free(r);
}

/* ---- writer ---- */

static void test_writer_options(void) {
  uint8_t data[100];
  for (int i = 0; i < 100; i++)
    data[i] = (uint8_t)i;
  capkit_record rec = CAPKIT_RECORD_INIT;
  capkit_record_init(&rec);
  rec.data = data;
  rec.caplen = 100;
  rec.origlen = 120;
  rec.ts_sec = 1700000000;
  rec.ts_nsec = 123456789;
  for (int be = 0; be <= 1; be++)
    for (int ns = 0; ns <= 1; ns++) {
      capkit_writer *w = capkit_writer_new();
      CHECK_EQ(capkit_writer_set_byte_order(
                   w, be ? CAPKIT_BO_BIG : CAPKIT_BO_LITTLE),
               0);
      CHECK_EQ(capkit_writer_set_precision(w, ns ? 9 : 6), 0);
      CHECK_EQ(capkit_writer_set_snaplen(w, 64), 0);
      CHECK_EQ(capkit_writer_set_linktype(w, 113), 0);
      CHECK_EQ(capkit_writer_set_fcs_len(w, 4), 0);
      CHECK_EQ(capkit_writer_open_path(w, tmp("w.pcap")), 0);
      CHECK_EQ(capkit_writer_write(w, &rec), 0);
      CHECK_EQ(capkit_writer_set_snaplen(w, 10), CAPKIT_EMISUSE);
      CHECK_EQ(capkit_writer_close(w), 0);
      CHECK_EQ(capkit_writer_records(w), 1u);
      CHECK_EQ(capkit_writer_bytes(w), 24u + 16u + 64u);
      capkit_writer_free(w);
      capkit_reader *r = capkit_reader_new();
      CHECK_EQ(capkit_reader_open_path(r, tmp("w.pcap")), 0);
      const capkit_file_info *in = capkit_reader_info(r);
      CHECK_EQ(in->byte_order, be ? CAPKIT_BO_BIG : CAPKIT_BO_LITTLE);
      CHECK_EQ(in->tsresol, ns ? 9u : 6u);
      CHECK_EQ(in->snaplen, 64u);
      CHECK_EQ(in->linktype, 113u);
      CHECK_EQ(in->fcs_len, 4);
      capkit_record got = CAPKIT_RECORD_INIT;
      CHECK_EQ(capkit_reader_next(r, &got), 1);
      CHECK_EQ(got.caplen, 64u);
      CHECK_EQ(got.origlen, 120u);
      CHECK_EQ(got.ts_sec, 1700000000);
      CHECK_EQ(got.ts_nsec, ns ? 123456789u : 123456000u);
      CHECK(memcmp(got.data, data, 64) == 0);
      capkit_reader_free(r);
    }
  /* bad settings, bad times, link-type mismatch */
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_writer_set_precision(w, 7), CAPKIT_EINVAL);
  CHECK_EQ(capkit_writer_set_snaplen(w, 0), CAPKIT_EINVAL);
  CHECK_EQ(capkit_writer_set_fcs_len(w, 3), CAPKIT_EINVAL);
  CHECK_EQ(capkit_writer_set_format(w, "nosuch"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_writer_write(w, &rec), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_writer_open_path(w, tmp("bad.pcap")), 0);
  capkit_iface eth = {.linktype = 1}, sll = {.linktype = 113};
  rec.iface = &eth;
  CHECK_EQ(capkit_writer_write(w, &rec), 0);
  rec.iface = &sll;
  CHECK_EQ(capkit_writer_write(w, &rec), CAPKIT_ELINKTYPE);
  CHECK(strstr(capkit_writer_error(w), "link type 113") != NULL);
  capkit_writer_free(w); /* never closed: nothing is left */
  struct stat st;
  CHECK(stat(tmp("bad.pcap"), &st) != 0);
  w = capkit_writer_new();
  CHECK_EQ(capkit_writer_open_path(w, tmp("neg.pcap")), 0);
  rec.iface = NULL;
  rec.ts_sec = -1;
  CHECK_EQ(capkit_writer_write(w, &rec), CAPKIT_ERANGE);
  CHECK_EQ(capkit_writer_close(w), CAPKIT_ERANGE);
  capkit_writer_free(w);
  CHECK(stat(tmp("neg.pcap"), &st) != 0);
  /* unwritable place */
  w = capkit_writer_new();
  CHECK(capkit_writer_open_path(w, tmp("no/such/dir.pcap")) < 0);
  CHECK(strstr(capkit_writer_error(w), "no/such/dir.pcap") != NULL);
  capkit_writer_free(w);
  /* an empty file gets a valid header */
  w = capkit_writer_new();
  CHECK_EQ(capkit_writer_open_path(w, tmp("empty.pcap")), 0);
  CHECK_EQ(capkit_writer_close(w), 0);
  capkit_writer_free(w);
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, tmp("empty.pcap")), 0);
  CHECK_EQ(capkit_reader_info(r)->linktype, 1u);
  int rc;
  CHECK_EQ(count_records(r, &rc), 0);
  capkit_reader_free(r);
  capkit_writer_free(NULL);
}

static void test_convert_changes(void) {
  /* copy with changed byte order and precision: records stay equal */
  const char *path = tap_data("connection_termination.pcap");
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, path), 0);
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_writer_copy_settings(w, r), 0);
  CHECK_EQ(capkit_writer_set_byte_order(w, CAPKIT_BO_BIG), 0);
  CHECK_EQ(capkit_writer_set_precision(w, 9), 0);
  CHECK_EQ(capkit_writer_open_path(w, tmp("be-ns.pcap")), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  while (capkit_reader_next(r, &rec) > 0)
    CHECK_EQ(capkit_writer_write(w, &rec), 0);
  CHECK_EQ(capkit_writer_close(w), 0);
  capkit_writer_free(w);
  capkit_reader_free(r);
  capkit_reader *a = capkit_reader_new(), *b = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(a, path), 0);
  CHECK_EQ(capkit_reader_open_path(b, tmp("be-ns.pcap")), 0);
  CHECK_EQ(capkit_reader_info(b)->byte_order, CAPKIT_BO_BIG);
  CHECK_EQ(capkit_reader_info(b)->magic, 0xa1b23c4du);
  capkit_record ra = CAPKIT_RECORD_INIT, rb = CAPKIT_RECORD_INIT;
  int n = 0;
  while (capkit_reader_next(a, &ra) > 0) {
    CHECK_EQ(capkit_reader_next(b, &rb), 1);
    CHECK(ra.ts_sec == rb.ts_sec && ra.ts_nsec == rb.ts_nsec);
    CHECK(ra.caplen == rb.caplen && ra.origlen == rb.origlen);
    CHECK(memcmp(ra.data, rb.data, ra.caplen) == 0);
    n++;
  }
  CHECK_EQ(n, 4);
  CHECK_EQ(capkit_reader_next(b, &rb), 0);
  capkit_reader_free(a);
  capkit_reader_free(b);
}

static void test_linktype_basics(void) {
  uint32_t v;
  CHECK_EQ(capkit_linktype_from_name("LINUX_SLL", &v), 0);
  CHECK_EQ(v, 113u);
  CHECK_EQ(capkit_linktype_from_name("linktype_linux_sll2", &v), 0);
  CHECK_EQ(v, 276u);
  CHECK_EQ(capkit_linktype_from_name("147", &v), 0);
  CHECK_EQ(v, 147u);
  CHECK_EQ(capkit_linktype_from_name("no-such-type", &v), CAPKIT_ENOTFOUND);
  CHECK(capkit_linktype_name(101) != NULL);
  CHECK(capkit_linktype_name(65000) == NULL);
}

int main(void) {
  test_seed_empty_and_five_frames();
  test_seed_connection_termination();
  test_variants();
  test_ixia();
  test_warnings_and_odd_values();
  test_truncation_everywhere();
  test_bad_files();
  test_sources();
  test_writer_options();
  test_convert_changes();
  test_linktype_basics();
  return tap_done();
}
