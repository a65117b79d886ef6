/* python_rate.c - the C library's own rates on one capture, beside which
 * bench/python.sh puts the Python package's: records per second of a
 * capkit_reader_next loop (sum of caplen), of capkit_reader_read_batch
 * (records copied into the batch), of capkit_reader_view_batch (records
 * left in place), of capkit_reader_fill_batch (read() straight into two
 * batch buffers of 2 MiB used in turn, as the package does), and of read_batch plus
 * capkit_batch_flows (5-tuples).
 * The rates are of wall-clock time, and of CPU time in brackets. The
 * input is read with read(), mapped (mmap), or first loaded into memory
 * (mem: the walk's own speed, without the cost of getting the bytes).
 *   python_rate FILE [read|mmap|mem] */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capkit/capkit.h>

static double clock_of(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}
static double now(void) { return clock_of(CLOCK_MONOTONIC); }
static double cpu(void) { return clock_of(CLOCK_PROCESS_CPUTIME_ID); }

enum { READ, MMAP, MEM };

/* The whole file, for MEM (loaded once, before any timing). */
static uint8_t *whole;
static size_t whole_len;

static void load(const char *path) {
  FILE *f = fopen(path, "rb");
  size_t cap = (size_t)1 << 20;
  whole = malloc(cap);
  while (f && whole) {
    if (whole_len == cap) {
      uint8_t *n = realloc(whole, cap *= 2);
      if (!n)
        break;
      whole = n;
    }
    size_t got = fread(whole + whole_len, 1, cap - whole_len, f);
    whole_len += got;
    if (got == 0)
      break;
  }
  if (!f || !whole || ferror(f)) {
    fprintf(stderr, "%s: cannot load\n", path);
    exit(1);
  }
  fclose(f);
}

static capkit_reader *open_or_die(const char *path, int mode) {
  capkit_reader *r = capkit_reader_new();
  if (!r || (mode == MMAP && capkit_reader_set_mmap(r, 1)) ||
      (mode == MEM ? capkit_reader_open_memory(r, whole, whole_len, path)
                   : capkit_reader_open_path(r, path)) < 0) {
    fprintf(stderr, "%s\n", r ? capkit_reader_error(r) : "out of memory");
    exit(1);
  }
  return r;
}

enum { N = 65536 };

int main(int argc, char **argv) {
  if (argc < 2)
    return fprintf(stderr, "usage: python_rate FILE [read|mmap|mem]\n"), 2;
  const char *how = argc > 2 ? argv[2] : "read";
  int map = strcmp(how, "mmap") == 0  ? MMAP
            : strcmp(how, "mem") == 0 ? MEM
                                      : READ;
  if (map == READ)
    how = "read";
  if (map == MEM)
    load(argv[1]);
  capkit_reader *r = open_or_die(argv[1], map);
  capkit_record rec = CAPKIT_RECORD_INIT;
  uint64_t n = 0, sum = 0;
  double t = now(), c = cpu();
  while (capkit_reader_next(r, &rec) > 0) {
    n++;
    sum += rec.caplen;
  }
  t = now() - t;
  c = cpu() - c;
  printf("C %s next loop       %10.0f records/s (%10.0f CPU; %llu records, "
         "%llu bytes)\n",
         how, (double)n / t, (double)n / c, (unsigned long long)n,
         (unsigned long long)sum);
  capkit_reader_free(r);

  static int64_t ts[N];
  static uint32_t cap[N], orig[N], lt[N];
  static uint64_t off[N];
  static uint8_t ver[N], proto[N], src[16 * N], dst[16 * N];
  static uint16_t sp[N], dp[N];
  size_t dcap = (size_t)16 << 20; /* as the package's read_batch */
  /* fill_batch: two buffers of 2 MiB used in turn, as the package does */
  size_t fcap = (size_t)2 << 20;
  uint8_t *data = malloc(dcap), *data2 = malloc(fcap);
  /* 0: read_batch, 1: view_batch, 2: read_batch + flows, 3: fill_batch */
  for (int pass = 0; pass < 4 && data && data2; pass++) {
    int flows = pass == 2, view = pass == 1, fill = pass == 3;
    r = open_or_die(argv[1], map);
    capkit_batch b = CAPKIT_BATCH_INIT;
    b.max = N;
    b.data = data;
    b.data_cap = fill ? fcap : dcap;
    b.ts_ns = ts;
    b.caplen = cap;
    b.origlen = orig;
    b.offset = off;
    b.linktype = lt;
    capkit_flow_columns fc = {sizeof fc, ver, proto, src, dst, sp, dp, {0}};
    n = sum = 0;
    uint64_t tcp = 0; /* consumed: printed below */
    t = now();
    c = cpu();
    int k;
    const uint8_t *at;
    while ((k = fill   ? capkit_reader_fill_batch(r, NULL, &b, &at)
                : view ? capkit_reader_view_batch(r, NULL, &b, &at)
                       : capkit_reader_read_batch(r, NULL, &b)) > 0) {
      if (fill) /* the batch keeps its buffer: the next one gets the other */
        b.data = b.data == data ? data2 : data;
      b.data_cap = fill ? fcap : dcap;
      n += (uint64_t)k;
      for (int i = 0; i < k; i++)
        sum += cap[i];
      if (flows) {
        capkit_batch_flows(&b, 1, &fc);
        for (int i = 0; i < k; i++)
          tcp += proto[i] == 6;
      }
    }
    t = now() - t;
    c = cpu() - c;
    printf("C %s %s %10.0f records/s (%10.0f CPU; %llu records, %llu "
           "bytes%s)\n",
           how,
           flows  ? "read_batch+flows"
           : view ? "view_batch      "
           : fill ? "fill_batch      "
                  : "read_batch      ",
           (double)n / t, (double)n / c, (unsigned long long)n,
           (unsigned long long)sum, flows ? ", 5-tuples" : "");
    if (flows)
      printf("  (%llu TCP)\n", (unsigned long long)tcp);
    capkit_reader_free(r);
  }
  free(data);
  free(data2);
  free(whole);
  return 0;
}
