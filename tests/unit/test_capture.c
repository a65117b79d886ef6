/* test_capture.c - a live capture into rotating files through the public
 * API, on the loopback interface (skipped without the privileges): a file
 * size limit with a ring of 3 files (every file within the limit, the
 * newest three kept under their slot names, the packets of the remaining
 * files as read back), a duration with no traffic, and bad settings;
 * the whole loop (capkit_capture_run) ended by a count, by a stop from a
 * signal handler and by a stop before it starts; tcpdump's -C sizes;
 * the capture that opens its interface itself (capkit_capture_open): the
 * filter words joined as tcpdump joins them, the format its file name
 * implies, LINUX_SLL (113 in the link-type registry) on "any", its
 * counters, and what it refuses. */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <capkit/capkit.h>
#include <capkit/capture.h>

#include "tap.h"

static capkit_live *open_lo(unsigned port) {
  capkit_live *l = capkit_live_new();
  capkit_live_set_timeout(l, 50);
  capkit_live_set_buffer_size(l, 1 << 20);
  int rc = capkit_live_open(l, "lo");
  if (rc) {
    printf("# cannot capture on lo (%s): skipped\n", capkit_live_error(l));
    capkit_live_free(l);
    return NULL;
  }
  char f[64];
  snprintf(f, sizeof f, "udp and dst port %u", port);
  CHECK_EQ(capkit_live_set_filter(l, f), 0);
  return l;
}

static void send_udp(unsigned port, int n) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = htons((uint16_t)port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  char payload[100];
  memset(payload, 'x', sizeof payload);
  for (int i = 0; i < n; i++)
    sendto(s, payload, sizeof payload, 0, (struct sockaddr *)&to, sizeof to);
  close(s);
}

/* Packets in a capture file, -1 if it cannot be read. */
static long packets_in(const char *path) {
  capkit_reader *r = capkit_reader_new();
  if (capkit_reader_open_path(r, path)) {
    capkit_reader_free(r);
    return -1;
  }
  capkit_record rec = CAPKIT_RECORD_INIT;
  long n = 0;
  int rc;
  while ((rc = capkit_reader_next(r, &rec)) > 0)
    n++;
  capkit_reader_free(r);
  return rc == 0 ? n : -1;
}

static void ring(void) {
  capkit_live *l = open_lo(45877);
  if (!l)
    return;
  char dir[512], path[600];
  snprintf(dir, sizeof dir, "%s/ring", tap_tmpdir());
  mkdir(dir, 0700);
  snprintf(path, sizeof path, "%s/cap.pcapng", dir);
  capkit_capture_settings set = CAPKIT_CAPTURE_SETTINGS_INIT;
  set.path = path;
  set.format = "pcapng";
  set.count = 40;
  set.file_size = 2000;
  set.ring = 3;
  set.hardware = "hw";
  set.os = "os";
  capkit_capture *c = capkit_capture_new();
  CHECK_EQ(capkit_capture_start(c, l, &set), 0);
  CHECK_EQ(capkit_capture_start(c, l, &set), CAPKIT_EMISUSE);
  send_udp(45877, 40);
  int rc = 1;
  for (int i = 0; i < 100 && rc > 0; i++)
    rc = capkit_capture_step(c, 1);
  CHECK_EQ(rc, 0);
  CHECK_EQ(capkit_capture_finish(c, 1), 0);
  CHECK_EQ(capkit_capture_packets(c), 40u);
  uint64_t files = capkit_capture_files(c);
  CHECK(files >= 4);
  capkit_capture_free(c);
  capkit_live_free(l);
  /* the newest three files remain, each within the limit, named by
   * their slot (file number modulo 3) */
  DIR *d = opendir(dir);
  int n = 0, ok = 1;
  long kept = 0;
  for (struct dirent *e; d && (e = readdir(d));) {
    if (e->d_name[0] == '.')
      continue;
    char p[1200];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat st;
    ok &= stat(p, &st) == 0 && st.st_size <= 2000;
    ok &= !strcmp(e->d_name, "cap-0.pcapng") ||
          !strcmp(e->d_name, "cap-1.pcapng") ||
          !strcmp(e->d_name, "cap-2.pcapng");
    long k = packets_in(p);
    ok &= k > 0;
    kept += k;
    n++;
  }
  if (d)
    closedir(d);
  CHECK_EQ(n, 3);
  CHECK(ok);
  CHECK(kept > 0 && kept < 40); /* the older files were removed */
}

static void duration_and_settings(void) {
  capkit_live *l = open_lo(45878);
  if (!l)
    return;
  char path[600];
  snprintf(path, sizeof path, "%s/quiet.pcap", tap_tmpdir());
  capkit_capture_settings set = CAPKIT_CAPTURE_SETTINGS_INIT;
  capkit_capture *c = capkit_capture_new();
  set.path = path;
  set.ring = 2; /* without a size or time limit */
  CHECK_EQ(capkit_capture_start(c, l, &set), CAPKIT_EINVAL);
  capkit_capture_free(c);
  c = capkit_capture_new();
  set.ring = 0;
  set.file_size = 100; /* below 256 bytes */
  CHECK_EQ(capkit_capture_start(c, l, &set), CAPKIT_EINVAL);
  capkit_capture_free(c);
  c = capkit_capture_new();
  set.file_size = 0;
  set.duration_ns = 300000000;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  CHECK_EQ(capkit_capture_start(c, l, &set), 0);
  int rc = 1;
  for (int i = 0; i < 200 && rc > 0; i++)
    rc = capkit_capture_step(c, 1);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double secs = (double)(t1.tv_sec - t0.tv_sec) +
                (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  CHECK_EQ(rc, 0);
  CHECK(secs >= 0.3 && secs < 3);
  CHECK_EQ(capkit_capture_finish(c, 1), 0);
  CHECK_EQ(capkit_capture_finish(c, 1), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_capture_packets(c), 0u);
  CHECK_EQ(packets_in(path), 0);
  capkit_capture_free(c);
  capkit_live_free(l);
  CHECK_EQ(capkit_capture_step(NULL, 1), CAPKIT_EMISUSE);
  capkit_capture_free(NULL);
}

static int progress_calls;
static void on_progress(void *user, const capkit_capture *c) {
  (void)c;
  progress_calls += user == (void *)&progress_calls;
}

static capkit_capture *alarm_cc;
static void on_alarm(int sig) {
  (void)sig;
  capkit_capture_stop(alarm_cc);
}

static double since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) +
         (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The loop to a count: every packet sent is in the file. Then a stop
 * from a signal handler ends a 20 s capture within a short time of the
 * signal, the progress callback having run with its user pointer after
 * the rounds (100 ms each without packets) until then; a stop asked for
 * before the loop ends it at once. */
static void run_loop(void) {
  capkit_live *l = open_lo(45879);
  if (!l)
    return;
  char path[600];
  snprintf(path, sizeof path, "%s/run.pcap", tap_tmpdir());
  capkit_capture_settings set = CAPKIT_CAPTURE_SETTINGS_INIT;
  set.path = path;
  set.count = 25;
  set.duration_ns = 10000000000; /* a safety net only */
  capkit_capture *c = capkit_capture_new();
  CHECK_EQ(capkit_capture_run(c, 0, NULL, NULL), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_capture_start(c, l, &set), 0);
  send_udp(45879, 25);
  CHECK_EQ(capkit_capture_run(c, 0, NULL, NULL), 0);
  CHECK_EQ(capkit_capture_finish(c, 1), 0);
  CHECK_EQ(capkit_capture_packets(c), 25u);
  CHECK_EQ(capkit_capture_bytes(c), 25u * (14 + 20 + 8 + 100));
  CHECK_EQ(packets_in(path), 25);
  CHECK_EQ(capkit_capture_run(c, 0, NULL, NULL), CAPKIT_EMISUSE);
  capkit_capture_free(c);

  snprintf(path, sizeof path, "%s/stop.pcap", tap_tmpdir());
  set.count = 0;
  set.duration_ns = 20000000000;
  c = alarm_cc = capkit_capture_new();
  CHECK_EQ(capkit_capture_start(c, l, &set), 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, NULL);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  alarm(1);
  progress_calls = 0;
  CHECK_EQ(capkit_capture_run(c, 0, on_progress, &progress_calls), 0);
  double secs = since(&t0);
  CHECK(secs >= 0.9 && secs < 5);
  CHECK(progress_calls >= 3 && progress_calls <= 50);
  CHECK_EQ(capkit_capture_finish(c, 1), 0);
  CHECK_EQ(packets_in(path), 0);
  capkit_capture_free(c);
  alarm_cc = NULL;
  signal(SIGALRM, SIG_DFL);

  snprintf(path, sizeof path, "%s/stop2.pcap", tap_tmpdir());
  c = capkit_capture_new();
  capkit_capture_stop(c); /* before start */
  CHECK_EQ(capkit_capture_start(c, l, &set), 0);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  CHECK_EQ(capkit_capture_run(c, 0, NULL, NULL), 0);
  CHECK(since(&t0) < 0.5);
  CHECK_EQ(capkit_capture_finish(c, 0), 0);
  CHECK_EQ(packets_in(path), 0);
  capkit_capture_free(c);
  capkit_live_free(l);
  capkit_capture_stop(NULL);
}

/* -C values as tcpdump(1) defines them: a plain number counts millions of
 * bytes; the units are capkit_parse_count's (k = 1000, KiB = 1024). */
static void file_sizes(void) {
  static const struct {
    const char *s;
    int rc;
    uint64_t v;
  } t[] = {
      {"1", 0, 1000000},
      {"0", 0, 0},
      {"250", 0, 250000000},
      {"4096B", 0, 4096},
      {"1B", 0, 1},
      {"500k", 0, 500000},
      {"64MiB", 0, 64u << 20},
      {"18446744073709", 0, 18446744073709000000u},
      {"18446744073710", CAPKIT_EINVAL, 0}, /* past 2^64 - 1 bytes */
      {"18446744073709551615B", 0, UINT64_MAX},
      {"18446744073709551616B", CAPKIT_EINVAL, 0},
      {"B", CAPKIT_EINVAL, 0},
      {"", CAPKIT_EINVAL, 0},
      {"-1", CAPKIT_EINVAL, 0},
      {"x1", CAPKIT_EINVAL, 0},
      {"12 ", CAPKIT_EINVAL, 0},
      {"00000000000000000000000000000001B", CAPKIT_EINVAL, 0}, /* long */
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    uint64_t v = 12345;
    int rc = capkit_capture_parse_file_size(t[i].s, &v);
    int ok = rc == t[i].rc && (rc || v == t[i].v);
    tap_check(ok, t[i].s, __FILE__, __LINE__);
    if (!ok)
      printf("# '%s': rc %d value %llu\n", t[i].s, rc,
             (unsigned long long)v);
  }
  /* property: every N (no unit) is N * 10^6 bytes, every NB is N bytes */
  uint64_t x = 88172645463325252u;
  for (int i = 0; i < 2000; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    uint64_t n = x >> (x % 64);
    char s[40];
    uint64_t v = 0;
    snprintf(s, sizeof s, "%llu", (unsigned long long)n);
    int rc = capkit_capture_parse_file_size(s, &v);
    int ok = n > UINT64_MAX / 1000000 ? rc == CAPKIT_EINVAL
                                      : rc == 0 && v == n * 1000000;
    snprintf(s, sizeof s, "%lluB", (unsigned long long)n);
    ok &= capkit_capture_parse_file_size(s, &v) == 0 && v == n;
    if (!ok) {
      CHECK(ok);
      break;
    }
  }
  CHECK_EQ(capkit_capture_parse_file_size(NULL, &x), CAPKIT_EINVAL);
}

/* The first 4 bytes of a file, native order (0 if unreadable). */
static uint32_t magic_of(const char *path, uint32_t *linktype) {
  size_t n;
  uint8_t *f = tap_slurp(path, &n);
  uint32_t m = 0;
  if (f && n >= 24) {
    memcpy(&m, f, 4);
    memcpy(linktype, f + 20, 4);
  }
  free(f);
  return m;
}

static void open_itself(void) {
  capkit_capture_source src = CAPKIT_CAPTURE_SOURCE_INIT;
  capkit_capture_settings set = CAPKIT_CAPTURE_SETTINGS_INIT;
  char path[600];
  snprintf(path, sizeof path, "%s/open.pcapng", tap_tmpdir());
  set.path = path;
  set.count = 5;
  set.duration_ns = 10000000000; /* a safety net only */
  const char *words[] = {"udp", "and", "dst", "port", "45881"};
  src.iface = "lo";
  src.buffer_size = 1 << 20;
  src.n_words = 5;
  src.words = words;
  capkit_capture *c = capkit_capture_new();
  capkit_capture_stats st = CAPKIT_CAPTURE_STATS_INIT;
  CHECK(capkit_capture_live(c) == NULL);
  CHECK_EQ(capkit_capture_stats_get(c, &st), CAPKIT_EMISUSE);
  int rc = capkit_capture_open(c, &src, &set);
  if (rc == CAPKIT_EPERM) {
    printf("# cannot capture on lo: skipped\n");
    capkit_capture_free(c);
    return;
  }
  CHECK_EQ(rc, 0);
  const capkit_iface *ifc = capkit_live_iface(capkit_capture_live(c));
  CHECK(ifc && ifc->filter &&
        strcmp(ifc->filter, "udp and dst port 45881") == 0);
  send_udp(45881, 5);
  send_udp(45882, 3); /* not for the filter */
  CHECK_EQ(capkit_capture_run(c, 0, NULL, NULL), 0);
  CHECK_EQ(capkit_capture_finish(c, 1), 0);
  CHECK_EQ(capkit_capture_stats_get(c, &st), 0);
  CHECK(st.packets == 5 && st.bytes == 5u * (14 + 20 + 8 + 100) &&
        st.files == 1 && st.received >= 5);
  CHECK_EQ(packets_in(path), 5);
  uint32_t lt = 0;
  CHECK_EQ(magic_of(path, &lt), 0x0a0d0d0au); /* a pcapng section */
  capkit_capture_free(c);

  /* "any": LINUX_SLL; a .pcap name: pcap */
  snprintf(path, sizeof path, "%s/any.pcap", tap_tmpdir());
  src.iface = "any";
  set.count = 0;
  set.duration_ns = 100000000;
  c = capkit_capture_new();
  CHECK_EQ(capkit_capture_open(c, &src, &set), 0);
  CHECK_EQ(capkit_capture_run(c, 0, NULL, NULL), 0);
  CHECK_EQ(capkit_capture_finish(c, 0), 0);
  uint32_t m = magic_of(path, &lt);
  CHECK(m == 0xa1b2c3d4u || m == 0xa1b23c4du);
  CHECK_EQ(lt, 113u);
  capkit_capture_free(c);

  struct {
    const char *iface, *filter;
    int words, rc;
    const char *msg;
  } bad[] = {
      {"nosuch0", NULL, 0, CAPKIT_ENOTFOUND, "nosuch0: no such interface"},
      {"lo", "udp port", 0, CAPKIT_EFILTER, "filter 'udp port': "},
      {"lo", "udp", 5, CAPKIT_EINVAL, "a filter given both"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    capkit_capture_source s2 = CAPKIT_CAPTURE_SOURCE_INIT;
    s2.iface = bad[i].iface;
    s2.filter = bad[i].filter;
    s2.n_words = bad[i].words;
    s2.words = words;
    c = capkit_capture_new();
    CHECK_EQ(capkit_capture_open(c, &s2, &set), bad[i].rc);
    CHECK(strncmp(capkit_capture_error(c), bad[i].msg, strlen(bad[i].msg))
          == 0);
    CHECK_EQ(capkit_capture_open(c, &s2, &set), CAPKIT_EMISUSE);
    capkit_capture_free(c);
  }
  src.size = 4;
  c = capkit_capture_new();
  CHECK_EQ(capkit_capture_open(c, &src, &set), CAPKIT_EMISUSE);
  capkit_capture_free(c);
}

int main(void) {
  file_sizes();
  open_itself();
  run_loop();
  ring();
  duration_and_settings();
  return tap_done();
}
