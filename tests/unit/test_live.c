/* test_live.c - the live capture API: settings and error paths (missing
 * interface, missing privileges), then, when the test may capture, a real
 * capture and injection on the loopback interface written to pcapng with
 * its interface description and statistics. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <capkit/capkit.h>

#include "tap.h"

static void settings(void) {
  capkit_live *l = capkit_live_new();
  CHECK(l != NULL);
  CHECK_EQ(capkit_live_set_snaplen(l, 0), CAPKIT_EINVAL);
  CHECK_EQ(capkit_live_set_snaplen(l, 262145), CAPKIT_EINVAL);
  CHECK_EQ(capkit_live_set_snaplen(l, 96), 0);
  CHECK_EQ(capkit_live_set_buffer_size(l, 100), CAPKIT_EINVAL);
  CHECK_EQ(capkit_live_set_buffer_size(l, 4 << 20), 0);
  CHECK_EQ(capkit_live_set_timeout(l, 0), CAPKIT_EINVAL);
  CHECK_EQ(capkit_live_set_linktype(l, 0x10000), CAPKIT_EINVAL);
  CHECK(capkit_live_iface(l) == NULL);
  CHECK_EQ(capkit_live_fd(l), -1);
  CHECK_EQ(capkit_live_set_filter(l, "tcp"), CAPKIT_EMISUSE);
  capkit_live_stats st;
  CHECK_EQ(capkit_live_stats_get(l, &st), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_live_inject(l, "x", 1), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_live_open(l, ""), CAPKIT_EINVAL);
  CHECK_EQ(capkit_live_open(l, NULL), CAPKIT_EINVAL);
  capkit_live_break(l); /* harmless before open */
  capkit_live_free(l);
  capkit_live_free(NULL);

  /* The writer additions, on their error paths. */
  capkit_writer *w = capkit_writer_new();
  capkit_iface_stats is;
  memset(&is, 0, sizeof is);
  CHECK_EQ(capkit_writer_write_stats(w, NULL, 0, &is), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_writer_write_stats(w, NULL, 0, NULL), CAPKIT_EINVAL);
  CHECK_EQ(capkit_writer_write_stats(NULL, NULL, 0, &is), CAPKIT_EINVAL);
  CHECK_EQ(capkit_writer_flush(NULL), CAPKIT_EINVAL);
  CHECK_EQ(capkit_writer_set_section_info(NULL, "a", "b", "c"),
           CAPKIT_EINVAL);
  CHECK_EQ(capkit_writer_set_section_info(w, NULL, NULL, "app"), 0);
  char path[512];
  snprintf(path, sizeof path, "%s/settings.pcap", tap_tmpdir());
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  CHECK_EQ(capkit_writer_set_section_info(w, "a", "b", "c"), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_writer_close(w), 0);
  CHECK_EQ(capkit_writer_flush(w), CAPKIT_EMISUSE);
  capkit_writer_free(w);
}

static void missing_interface(void) {
  capkit_live *l = capkit_live_new();
  int rc = capkit_live_open(l, "capkitnosuch0");
  /* Without privileges libpcap may report the permission first. */
  CHECK(rc == CAPKIT_ENOTFOUND || rc == CAPKIT_EPERM);
  CHECK(strstr(capkit_live_error(l), "capkitnosuch0") != NULL);
  CHECK_EQ(capkit_live_open(l, "lo"), CAPKIT_EMISUSE); /* dead handle */
  capkit_live_free(l);
  l = capkit_live_new();
  rc = capkit_live_open_inject(l, "capkitnosuch0");
  CHECK(rc == CAPKIT_ENOTFOUND || rc == CAPKIT_EPERM);
  capkit_live_free(l);
}

/* Open lo as an unprivileged user: EPERM naming what is needed. Run in a
 * child that drops root (when root), or directly (when not). */
static int open_unprivileged(int inject, char *msg, size_t cap) {
  capkit_live *l = capkit_live_new();
  int rc = inject ? capkit_live_open_inject(l, "lo")
                  : capkit_live_open(l, "lo");
  snprintf(msg, cap, "%s", capkit_live_error(l));
  capkit_live_free(l);
  return rc;
}

static void permissions(void) {
  for (int inject = 0; inject < 2; inject++) {
    int p[2];
    if (pipe(p) != 0)
      return;
    pid_t pid = fork();
    if (pid == 0) {
      close(p[0]);
      if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
        _exit(99);
      char msg[512];
      int rc = open_unprivileged(inject, msg, sizeof msg);
      ssize_t n = write(p[1], msg, strlen(msg));
      (void)n;
      _exit(rc == CAPKIT_EPERM ? 0 : rc == 0 ? 98 : 97);
    }
    close(p[1]);
    char msg[512] = "";
    ssize_t n = read(p[0], msg, sizeof msg - 1);
    if (n > 0)
      msg[n] = 0;
    close(p[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 98) {
      /* The unprivileged user may capture (file capabilities, a user
       * namespace that owns the network): nothing to check here. */
      printf("# unprivileged open succeeded: permission test skipped\n");
      continue;
    }
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(strstr(msg, "CAP_NET_RAW") != NULL);
    CHECK(strstr(msg, "root") != NULL);
    CHECK(strstr(msg, inject ? "injecting" : "capturing") != NULL);
  }
}

typedef struct got {
  int n;
  uint8_t last[256];
  uint32_t last_len;
  capkit_writer *w;
  int wrc;
  int64_t prev_ns;
  int ordered;
} got;

static void on_rec(void *user, const capkit_record *rec) {
  got *g = user;
  g->n++;
  g->last_len = rec->caplen < sizeof g->last ? rec->caplen : sizeof g->last;
  memcpy(g->last, rec->data, g->last_len);
  if (capkit_record_time_ns(rec) < g->prev_ns)
    g->ordered = 0;
  g->prev_ns = capkit_record_time_ns(rec);
  if (g->w && !g->wrc)
    g->wrc = capkit_writer_write(g->w, rec);
}

static int find(const uint8_t *hay, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(hay + i, needle, k) == 0)
      return 1;
  return 0;
}

/* Wait (up to ~2 s) until g->n reaches want. */
static void pump(capkit_live *l, got *g, int want) {
  for (int i = 0; i < 20 && g->n < want; i++)
    if (capkit_live_dispatch(l, -1, on_rec, g) < 0)
      break;
}

static void loopback(void) {
  capkit_live *l = capkit_live_new();
  capkit_live_set_timeout(l, 100);
  capkit_live_set_buffer_size(l, 1 << 20);
  int rc = capkit_live_open(l, "lo");
  if (rc == CAPKIT_EPERM || rc == CAPKIT_ENOTFOUND || rc == CAPKIT_EIO) {
    printf("# cannot capture on lo (%s): live capture test skipped\n",
           capkit_live_error(l));
    capkit_live_free(l);
    return;
  }
  CHECK_EQ(rc, 0);
  const capkit_iface *f = capkit_live_iface(l);
  CHECK(f != NULL);
  CHECK_EQ(f->linktype, CAPKIT_LINKTYPE_ETHERNET);
  CHECK(f->name && strcmp(f->name, "lo") == 0);
  CHECK(f->tsresol == 9 || f->tsresol == 6);
  CHECK(capkit_live_fd(l) >= 0);
  CHECK_EQ(capkit_live_set_filter(l, "udp port 4 and"), CAPKIT_EFILTER);
  CHECK(strstr(capkit_live_error(l), "udp port 4 and") != NULL);
  CHECK_EQ(capkit_live_set_filter(l, "udp and dst port 45871"), 0);
  CHECK(f->filter && strcmp(f->filter, "udp and dst port 45871") == 0);

  /* Write what arrives to a pcapng file with stats at the end. */
  char path[512];
  snprintf(path, sizeof path, "%s/live.pcapng", tap_tmpdir());
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_writer_flush(w), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_writer_set_format(w, "pcapng"), 0);
  CHECK_EQ(capkit_writer_set_precision(w, f->tsresol), 0);
  CHECK_EQ(capkit_writer_set_section_info(w, "testhw", "testos", NULL), 0);
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  CHECK_EQ(capkit_writer_flush(w), 0); /* nothing yet: fine */

  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = htons(45871);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  got g;
  memset(&g, 0, sizeof g);
  g.w = w;
  g.ordered = 1;
  for (int i = 0; i < 5; i++) {
    char msg[32];
    snprintf(msg, sizeof msg, "capkit-live-%d", i);
    CHECK(sendto(s, msg, strlen(msg), 0, (struct sockaddr *)&to, sizeof to) >
          0);
  }
  close(s);
  pump(l, &g, 5);
  CHECK_EQ(g.n, 5);
  CHECK(g.ordered);
  CHECK(find(g.last, g.last_len, "capkit-live-4"));
  CHECK_EQ(g.wrc, 0);
  CHECK_EQ(capkit_writer_flush(w), 0);

  /* Injection: a broadcast Ethernet frame carrying a UDP datagram to the
   * filtered port is seen by the capture on the same interface. */
  capkit_live *tx = capkit_live_new();
  CHECK_EQ(capkit_live_open_inject(tx, "lo"), 0);
  uint8_t fr[64];
  memset(fr, 0, sizeof fr);
  memset(fr, 0xff, 6);                  /* dst */
  fr[6] = 0x02;                         /* src 02:00:00:00:00:01 */
  fr[11] = 0x01;
  fr[12] = 0x08;                        /* IPv4 */
  uint8_t *ip = fr + 14;
  ip[0] = 0x45;
  ip[3] = 50;                           /* total length 20+8+22 */
  ip[8] = 64;
  ip[9] = 17;                           /* UDP */
  ip[12] = 127, ip[15] = 1, ip[16] = 127, ip[19] = 1;
  uint8_t *udp = ip + 20;
  udp[0] = 0x30, udp[1] = 0x39;         /* 12345 */
  udp[2] = 45871 >> 8, udp[3] = 45871 & 0xff;
  udp[5] = 30;
  memcpy(udp + 8, "capkit-inject-frame...", 22);
  CHECK_EQ(capkit_live_inject(tx, fr, sizeof fr), 0);
  pump(l, &g, 6);
  CHECK_EQ(g.n, 6);
  CHECK_EQ(g.last_len, sizeof fr);
  CHECK(memcmp(g.last, fr, sizeof fr) == 0);
  capkit_live_free(tx);

  capkit_live_stats st;
  CHECK_EQ(capkit_live_stats_get(l, &st), 0);
  CHECK_EQ(st.delivered, 6);
  CHECK(st.received >= 6);
  CHECK_EQ(st.dropped, 0);
  capkit_iface_stats is;
  memset(&is, 0, sizeof is);
  is.ts_sec = (int64_t)time(NULL);
  is.present = CAPKIT_STAT_IFRECV | CAPKIT_STAT_OSDROP | CAPKIT_STAT_IFDROP;
  is.ifrecv = st.received;
  is.osdrop = st.dropped;
  is.ifdrop = st.ifdropped;
  CHECK_EQ(capkit_writer_write_stats(w, f, 0, &is), 0);
  CHECK_EQ(capkit_writer_close(w), 0);
  capkit_writer_free(w);

  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, path), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int n = 0;
  while ((rc = capkit_reader_next(r, &rec)) > 0)
    n++;
  CHECK_EQ(rc, 0);
  CHECK_EQ(n, 6);
  CHECK_EQ(capkit_reader_iface_count(r), 1);
  const capkit_iface *ri = capkit_reader_iface(r, 0);
  CHECK(ri && ri->name && strcmp(ri->name, "lo") == 0);
  CHECK(ri && ri->filter && strcmp(ri->filter, "udp and dst port 45871") == 0);
  CHECK(ri && ri->os && strncmp(ri->os, "Linux", 5) == 0);
  const capkit_section *sec = capkit_reader_section(r, 0);
  CHECK(sec && sec->os && strcmp(sec->os, "testos") == 0);
  CHECK(sec && sec->hardware && strcmp(sec->hardware, "testhw") == 0);
  CHECK(sec && sec->userappl && strncmp(sec->userappl, "capkit", 6) == 0);
  capkit_reader_free(r);

  /* The ISB is in the file, after the last packet: its block type (5) and
   * the isb_ifrecv option code (4) with the counter. */
  size_t len = 0;
  uint8_t *all = tap_slurp(path, &len);
  CHECK(all != NULL);
  int isb = 0;
  for (size_t off = 0; all && off + 12 <= len;) {
    uint32_t type, blen;
    memcpy(&type, all + off, 4);
    memcpy(&blen, all + off + 4, 4);
    if (blen < 12 || off + blen > len)
      break;
    if (type == 5) {
      isb++;
      uint16_t code;
      uint64_t v;
      memcpy(&code, all + off + 20, 2);
      memcpy(&v, all + off + 24, 8);
      CHECK_EQ(code, 4);
      CHECK_EQ(v, st.received);
    }
    off += blen;
  }
  CHECK_EQ(isb, 1);
  free(all);

  /* An empty pcapng capture still names its interface, with stats. */
  snprintf(path, sizeof path, "%s/empty.pcapng", tap_tmpdir());
  w = capkit_writer_new();
  capkit_writer_set_format(w, "pcapng");
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  CHECK_EQ(capkit_writer_write_stats(w, f, 0, &is), 0);
  CHECK_EQ(capkit_writer_close(w), 0);
  capkit_writer_free(w);
  r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, path), 0);
  CHECK_EQ(capkit_reader_next(r, &rec), 0);
  CHECK_EQ(capkit_reader_iface_count(r), 1);
  ri = capkit_reader_iface(r, 0);
  CHECK(ri && ri->name && strcmp(ri->name, "lo") == 0);
  capkit_reader_free(r);

  /* A pcap writer accepts statistics and ignores them. */
  snprintf(path, sizeof path, "%s/stats.pcap", tap_tmpdir());
  w = capkit_writer_new();
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  CHECK_EQ(capkit_writer_write_stats(w, f, 0, &is), 0);
  CHECK_EQ(capkit_writer_close(w), 0);
  capkit_writer_free(w);

  /* "any" as LINUX_SLL2 when asked. */
  capkit_live *a = capkit_live_new();
  capkit_live_set_buffer_size(a, 1 << 20);
  CHECK_EQ(capkit_live_set_linktype(a, CAPKIT_LINKTYPE_LINUX_SLL2), 0);
  rc = capkit_live_open(a, "any");
  if (rc == 0) {
    CHECK_EQ(capkit_live_iface(a)->linktype, CAPKIT_LINKTYPE_LINUX_SLL2);
  } else {
    printf("# no 'any' device: %s\n", capkit_live_error(a));
  }
  capkit_live_free(a);
  /* An interface that cannot give the link type asked for. */
  a = capkit_live_new();
  capkit_live_set_buffer_size(a, 1 << 20);
  capkit_live_set_linktype(a, CAPKIT_LINKTYPE_IEEE802_11);
  CHECK_EQ(capkit_live_open(a, "lo"), CAPKIT_ELINKTYPE);
  CHECK(strstr(capkit_live_error(a), "IEEE802_11") != NULL);
  capkit_live_free(a);

  /* Nothing arrives: dispatch returns 0 after about the timeout. */
  CHECK_EQ(capkit_live_set_filter(l, "udp and dst port 45873"), 0);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  CHECK_EQ(capkit_live_dispatch(l, -1, on_rec, &g), 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double el = (double)(t1.tv_sec - t0.tv_sec) +
              (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  CHECK(el > 0.05 && el < 2.0);
  CHECK_EQ(capkit_live_set_filter(l, NULL), 0); /* removed */
  CHECK(capkit_live_iface(l)->filter == NULL);
  capkit_live_break(l);
  CHECK_EQ(capkit_live_dispatch(l, -1, on_rec, &g), 0); /* broken: returns */
  capkit_live_free(l);
}

int main(void) {
  settings();
  missing_interface();
  permissions();
  loopback();
  return tap_done();
}
