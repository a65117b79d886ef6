/* python_floor.c - what each stage of a columnar read of one capture
 * costs at the least, without the library: getting the bytes (read() into
 * a small buffer used again, into two 2 MiB buffers in turn as the
 * package's read_batch does, or mapping the file: map, fill the page
 * tables, touch, unmap) and walking the record headers in memory already
 * loaded. CPU milliseconds, the best of RUNS. The package's read_batch
 * cannot read the file faster than these floors.
 *   python_floor FILE [RUNS] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double cpu_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static volatile uint8_t sink;

/* read() the whole file into BUFS buffers of CAP bytes, in turn. */
static double by_read(const char *path, uint8_t **bufs, int nbufs,
                      size_t cap, size_t step) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  double t = cpu_ms();
  int k = 0;
  size_t at = 0;
  for (;;) {
    if (at + step > cap) {
      at = 0;
      k = (k + 1) % nbufs;
    }
    ssize_t r = read(fd, bufs[k] + at, step);
    if (r <= 0)
      break;
    sink ^= bufs[k][at];
    at += (size_t)r;
  }
  t = cpu_ms() - t;
  close(fd);
  return t;
}

/* Map, fill the page tables in one call, touch a byte a page, unmap. */
static double by_map(const char *path, size_t len) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  double t = cpu_ms();
  uint8_t *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) {
    close(fd);
    return -1;
  }
#ifdef MADV_POPULATE_READ
  madvise(m, len, MADV_POPULATE_READ);
#endif
  for (size_t o = 0; o < len; o += 4096)
    sink ^= m[o];
  munmap(m, len);
  t = cpu_ms() - t;
  close(fd);
  return t;
}

/* The chain of classic pcap record headers (16 bytes, host order) in
 * memory: the walk's dependent loads, a page prefetched ahead. */
static double walk(const uint8_t *p, size_t len, uint64_t *n) {
  double t = cpu_ms();
  size_t o = 24, pf = 0;
  uint64_t k = 0, sum = 0;
  while (o + 16 <= len) {
    uint32_t caplen;
    memcpy(&caplen, p + o + 8, 4);
    sum += caplen;
    o += 16 + (size_t)caplen;
    k++;
    for (size_t want = o + 4096 < len ? o + 4096 : len; pf < want; pf += 64)
      __builtin_prefetch(p + pf);
  }
  t = cpu_ms() - t;
  sink ^= (uint8_t)sum;
  *n = k;
  return t;
}

static void best(double *b, double v) {
  if (v >= 0 && (*b < 0 || v < *b))
    *b = v;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return fprintf(stderr, "usage: python_floor FILE [RUNS]\n"), 2;
  const char *path = argv[1];
  int runs = argc > 2 ? atoi(argv[2]) : 5;
  struct stat st;
  if (stat(path, &st) != 0 || st.st_size < 24)
    return fprintf(stderr, "%s: cannot use\n", path), 1;
  size_t len = (size_t)st.st_size;
  size_t small = (size_t)128 << 10, two = (size_t)2 << 20;
  uint8_t *s = malloc(small), *b[2] = {malloc(two), malloc(two)};
  uint8_t *whole = malloc(len);
  if (!s || !b[0] || !b[1] || !whole)
    return fprintf(stderr, "out of memory\n"), 3;
  memset(s, 0, small); /* pages in before the timing */
  memset(b[0], 0, two);
  memset(b[1], 0, two);
  int fd = open(path, O_RDONLY);
  size_t got = 0;
  while (fd >= 0 && got < len) {
    ssize_t r = read(fd, whole + got, len - got);
    if (r <= 0)
      break;
    got += (size_t)r;
  }
  if (fd >= 0)
    close(fd);
  double r1 = -1, r2 = -1, m1 = -1, w1 = -1;
  uint64_t n = 0;
  for (int i = 0; i < runs; i++) {
    best(&r1, by_read(path, &s, 1, small, small));
    best(&r2, by_read(path, b, 2, two, small));
    best(&m1, by_map(path, len));
    best(&w1, walk(whole, got, &n));
  }
  printf("%s: %zu bytes, %llu records; CPU ms, best of %d\n", path, len,
         (unsigned long long)n, runs);
  printf("  read() into one 128 KiB buffer          %8.2f\n", r1);
  printf("  read() into two 2 MiB buffers in turn   %8.2f\n", r2);
  printf("  mmap + populate + touch + munmap        %8.2f\n", m1);
  printf("  header walk in memory (prefetched)      %8.2f\n", w1);
  /* The read path walks bytes read() just brought into the cache, where
   * the walk costs less than from memory: its floor is the read() alone. */
  printf("  floors: read path >= %.2f ms (%.1fM records/s, the read() "
         "alone), map path >= %.2f ms (%.1fM records/s, map + walk)\n",
         r2, (double)n / r2 / 1e3, m1 + w1, (double)n / (m1 + w1) / 1e3);
  free(s);
  free(b[0]);
  free(b[1]);
  free(whole);
  return 0;
}
