/* test_capture.c - a live capture into rotating files through the public
 * API, on the loopback interface (skipped without the privileges): a file
 * size limit with a ring of 3 files (every file within the limit, the
 * newest three kept under their slot names, the packets of the remaining
 * files as read back), a duration with no traffic, and bad settings. */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
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

int main(void) {
  ring();
  duration_and_settings();
  return tap_done();
}
