/* test_replay.c - capture files sent out of the loopback interface through
 * the replay API (skipped without the privileges), captured back with a
 * live handle: the frames arrive as they are in the file (or as the
 * rewriter's enet-dmac defines them), counted as tcpreplay counts them;
 * packet-rate pacing, the packet limit over loops, a stop, the link-type
 * check, and bad settings; the one call that opens the interface itself
 * (capkit_replay_new_iface + capkit_replay_files): files after each
 * other, real-time priority, and what stops it before sending. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "tap.h"

#define PORT 45881
#define NPKT 20

typedef struct got {
  int n;
  uint8_t frame[64][256];
  uint32_t len[64];
} got;

static void on_rec(void *user, const capkit_record *rec) {
  got *g = user;
  if (g->n >= 64)
    return;
  uint32_t k = rec->caplen < 256 ? rec->caplen : 256;
  memcpy(g->frame[g->n], rec->data, k);
  g->len[g->n++] = k;
}

/* Frames and their lengths as written into the file. */
static uint8_t want[NPKT][256];
static uint32_t want_len[NPKT];
static uint64_t want_bytes, want_trunc;

/* A pcap file of NPKT UDP frames to PORT of LINKTYPE, each third written
 * with an original length above its captured one; 0 or -1. */
static int write_file(const char *path, uint32_t linktype) {
  capkit_writer *w = capkit_writer_new();
  int rc = capkit_writer_set_linktype(w, linktype);
  if (!rc)
    rc = capkit_writer_open_path(w, path);
  want_bytes = want_trunc = 0;
  for (int i = 0; i < NPKT && !rc; i++) {
    char spec[160];
    snprintf(spec, sizeof spec,
             "eth()/ipv4(src=127.0.0.1,dst=127.0.0.1)/udp(sport=%d,"
             "dport=%d)/payload(len=%d)",
             1000 + i, PORT, 10 + 7 * i);
    long n = capkit_build(spec, want[i], sizeof want[i], NULL);
    if (n <= 0 || n > 256)
      return -1;
    want_len[i] = (uint32_t)n;
    capkit_record rec = CAPKIT_RECORD_INIT;
    rec.ts_sec = 1700000000 + i;
    rec.caplen = (uint32_t)n;
    rec.origlen = (uint32_t)n + (i % 3 == 0 ? 10 : 0);
    rec.data = want[i];
    want_bytes += (uint64_t)n;
    want_trunc += i % 3 == 0;
    rc = capkit_writer_write(w, &rec);
  }
  if (!rc)
    rc = capkit_writer_close(w);
  capkit_writer_free(w);
  return rc ? -1 : 0;
}

static capkit_live *open_capture(void) {
  capkit_live *l = capkit_live_new();
  capkit_live_set_timeout(l, 50);
  capkit_live_set_immediate(l, 1);
  if (capkit_live_open(l, "lo")) {
    printf("# cannot capture on lo (%s): skipped\n", capkit_live_error(l));
    capkit_live_free(l);
    return NULL;
  }
  char f[64];
  snprintf(f, sizeof f, "udp and dst port %d", PORT);
  CHECK_EQ(capkit_live_set_filter(l, f), 0);
  return l;
}

static void pump(capkit_live *l, got *g, int want_n) {
  for (int i = 0; i < 40 && g->n < want_n; i++)
    if (capkit_live_dispatch(l, -1, on_rec, g) < 0)
      break;
}

static void settings(capkit_live *tx) {
  capkit_replay_settings set = CAPKIT_REPLAY_SETTINGS_INIT;
  capkit_live *closed = capkit_live_new();
  CHECK(capkit_replay_new(closed, &set) == NULL);
  CHECK(capkit_replay_new(NULL, &set) == NULL);
  capkit_live_free(closed);
  CHECK(capkit_replay_new(tx, NULL) == NULL);
  set.rate = 0;
  CHECK(capkit_replay_new(tx, &set) == NULL);
  set.mode = CAPKIT_PACE_TOP; /* the rate is ignored */
  capkit_replay *rp = capkit_replay_new(tx, &set);
  CHECK(rp != NULL);
  capkit_replay_free(rp);
  set.duration_ns = -1;
  CHECK(capkit_replay_new(tx, &set) == NULL);
  set.duration_ns = 0;
  set.size = 4;
  CHECK(capkit_replay_new(tx, &set) == NULL);
  capkit_replay_free(NULL);
  capkit_replay_stop(NULL);
  CHECK_EQ(capkit_replay_run(NULL, 0, NULL, 1), CAPKIT_EMISUSE);
  CHECK(strcmp(capkit_replay_error(NULL), "") == 0);
}

/* Every frame of the file arrives as written, in order, spaced by the
 * packet rate; the counters say what was sent and truncated. */
static void send_all(capkit_live *tx, capkit_live *rx, const char *path) {
  capkit_replay_settings set = CAPKIT_REPLAY_SETTINGS_INIT;
  set.mode = CAPKIT_PACE_PPS;
  set.rate = 400;
  capkit_replay *rp = capkit_replay_new(tx, &set);
  const char *paths[] = {path};
  CHECK_EQ(capkit_replay_check(rp, 1, paths), 0);
  CHECK_EQ(capkit_replay_run(rp, 1, paths, 1), 0);
  capkit_replay_stats st = CAPKIT_REPLAY_STATS_INIT;
  CHECK_EQ(capkit_replay_stats_get(rp, &st), 0);
  CHECK_EQ(st.sent, (uint64_t)NPKT);
  CHECK_EQ(st.bytes, want_bytes);
  CHECK_EQ(st.failed, 0u);
  CHECK_EQ(st.truncated, want_trunc);
  /* the last of 20 packets is due 19/400 s after the first */
  CHECK(st.elapsed_ns >= 47500000 && st.elapsed_ns < 2000000000);
  CHECK(strcmp(capkit_replay_first_failure(rp), "") == 0);
  static got g;
  memset(&g, 0, sizeof g);
  pump(rx, &g, NPKT);
  CHECK_EQ(g.n, NPKT);
  int same = 1;
  for (int i = 0; i < NPKT && i < g.n; i++)
    same &= g.len[i] == want_len[i] && !memcmp(g.frame[i], want[i], g.len[i]);
  CHECK(same);
  capkit_replay_stats small = {.size = 4};
  CHECK_EQ(capkit_replay_stats_get(rp, &small), CAPKIT_EMISUSE);
  capkit_replay_free(rp);
}

/* The limit counts over loops; the rewriter changes each frame. */
static void limit_and_rewrite(capkit_live *tx, capkit_live *rx,
                              const char *path) {
  capkit_rewriter *rw = capkit_rewriter_new();
  CHECK_EQ(capkit_rewriter_set(rw, "enet-dmac", "02:00:00:00:00:99"), 0);
  capkit_replay_settings set = CAPKIT_REPLAY_SETTINGS_INIT;
  set.mode = CAPKIT_PACE_TOP;
  set.limit = NPKT + 5;
  set.rewriter = rw;
  capkit_replay *rp = capkit_replay_new(tx, &set);
  const char *paths[] = {path};
  CHECK_EQ(capkit_replay_run(rp, 1, paths, 3), 0);
  capkit_replay_stats st = CAPKIT_REPLAY_STATS_INIT;
  capkit_replay_stats_get(rp, &st);
  CHECK_EQ(st.sent, (uint64_t)NPKT + 5);
  static got g;
  memset(&g, 0, sizeof g);
  pump(rx, &g, NPKT + 5);
  CHECK_EQ(g.n, NPKT + 5);
  static const uint8_t mac[6] = {2, 0, 0, 0, 0, 0x99};
  int ok = 1;
  for (int i = 0; i < g.n; i++) {
    int k = i % NPKT;
    ok &= g.len[i] == want_len[k] && !memcmp(g.frame[i], mac, 6) &&
          !memcmp(g.frame[i] + 6, want[k] + 6, want_len[k] - 6);
  }
  CHECK(ok);
  capkit_replay_free(rp);
  capkit_rewriter_free(rw);
}

/* A stop before the run sends nothing; forever (loops 0) over no file
 * ends at once. */
static void stop_first(capkit_live *tx, const char *path) {
  capkit_replay_settings set = CAPKIT_REPLAY_SETTINGS_INIT;
  capkit_replay *rp = capkit_replay_new(tx, &set);
  const char *paths[] = {path};
  CHECK_EQ(capkit_replay_run(rp, 0, paths, 0), 0);
  capkit_replay_stop(rp);
  CHECK_EQ(capkit_replay_run(rp, 1, paths, 0), 0);
  capkit_replay_stats st = CAPKIT_REPLAY_STATS_INIT;
  capkit_replay_stats_get(rp, &st);
  CHECK_EQ(st.sent, 0u);
  capkit_replay_free(rp);
}

/* A file of raw IP frames cannot go out of an Ethernet interface; a
 * missing file is named. */
static void check_files(capkit_live *tx, const char *dir) {
  char raw[600], missing[600];
  snprintf(raw, sizeof raw, "%s/raw.pcap", dir);
  snprintf(missing, sizeof missing, "%s/none.pcap", dir);
  CHECK_EQ(write_file(raw, CAPKIT_LINKTYPE_RAW), 0);
  capkit_replay_settings set = CAPKIT_REPLAY_SETTINGS_INIT;
  capkit_replay *rp = capkit_replay_new(tx, &set);
  const char *p1[] = {"-", raw};
  CHECK_EQ(capkit_replay_check(rp, 2, p1), CAPKIT_ELINKTYPE);
  char msg[700];
  snprintf(msg, sizeof msg,
           "%s: link type RAW (101) cannot be sent on lo, which carries "
           "EN10MB (1) frames",
           raw);
  CHECK(strcmp(capkit_replay_error(rp), msg) == 0);
  CHECK_EQ(capkit_replay_run(rp, 1, p1 + 1, 1), CAPKIT_ELINKTYPE);
  const char *p2[] = {missing};
  int rc = capkit_replay_check(rp, 1, p2);
  CHECK(rc < 0);
  CHECK(strstr(capkit_replay_error(rp), "none.pcap") != NULL);
  CHECK_EQ(capkit_replay_run(rp, 1, p2, 1), rc);
  capkit_replay_stats st = CAPKIT_REPLAY_STATS_INIT;
  capkit_replay_stats_get(rp, &st);
  CHECK_EQ(st.sent, 0u);
  capkit_replay_free(rp);
}

static int msgs;
static void on_msg(void *user, const char *msg) {
  (void)user;
  msgs += strstr(msg, "SCHED_FIFO") != NULL;
}

static void one_call(capkit_live *rx, const char *path, const char *dir) {
  capkit_replay_settings set = CAPKIT_REPLAY_SETTINGS_INIT;
  set.mode = CAPKIT_PACE_PPS;
  set.rate = 1000;
  CHECK(capkit_replay_new_iface(NULL, &set) == NULL);
  capkit_replay *rp = capkit_replay_new_iface("lo", &set);
  const char *paths[] = {path, path};
  CHECK_EQ(capkit_replay_check(rp, 1, paths), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_replay_run(rp, 1, paths, 1), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_replay_started(rp), 0);
  CHECK_EQ(capkit_replay_set_msg_fn(rp, on_msg, NULL), 0);
  msgs = 0;
  CHECK_EQ(capkit_replay_files(rp, 2, paths, 1, CAPKIT_REPLAY_REALTIME), 0);
  /* real-time priority, or a message saying why not */
  CHECK(sched_getscheduler(0) == SCHED_FIFO || msgs == 1);
  struct sched_param sp;
  memset(&sp, 0, sizeof sp);
  sched_setscheduler(0, SCHED_OTHER, &sp);
  CHECK_EQ(capkit_replay_started(rp), 1);
  CHECK_EQ(capkit_replay_set_msg_fn(rp, on_msg, NULL), CAPKIT_EMISUSE);
  capkit_replay_stats st = CAPKIT_REPLAY_STATS_INIT;
  capkit_replay_stats_get(rp, &st);
  CHECK(st.sent == 2 * NPKT && st.bytes == 2 * want_bytes && !st.failed);
  static got g;
  memset(&g, 0, sizeof g);
  pump(rx, &g, 2 * NPKT);
  CHECK_EQ(g.n, 2 * NPKT);
  int same = 1;
  for (int i = 0; i < 2 * NPKT && i < g.n; i++)
    same &= g.len[i] == want_len[i % NPKT] &&
            !memcmp(g.frame[i], want[i % NPKT], g.len[i]);
  CHECK(same);
  capkit_replay_free(rp);

  rp = capkit_replay_new_iface("nosuch0", &set);
  CHECK_EQ(capkit_replay_files(rp, 1, paths, 1, 0), CAPKIT_ENOTFOUND);
  CHECK(strncmp(capkit_replay_error(rp), "nosuch0: no such interface", 26) ==
        0);
  CHECK_EQ(capkit_replay_started(rp), 0);
  capkit_replay_free(rp);

  char raw[600];
  snprintf(raw, sizeof raw, "%s/raw1.pcap", dir);
  uint8_t keep[NPKT][256]; /* write_file sets the expected frames */
  memcpy(keep, want, sizeof keep);
  CHECK_EQ(write_file(raw, CAPKIT_LINKTYPE_RAW), 0);
  memcpy(want, keep, sizeof keep);
  const char *bad[] = {path, raw};
  rp = capkit_replay_new_iface("lo", &set);
  CHECK_EQ(capkit_replay_files(rp, 2, bad, 1, 0), CAPKIT_ELINKTYPE);
  CHECK_EQ(capkit_replay_started(rp), 0);
  capkit_replay_stats_get(rp, &st);
  CHECK_EQ(st.sent, 0u);
  CHECK_EQ(capkit_replay_files(NULL, 1, bad, 1, 0), CAPKIT_EMISUSE);
  capkit_replay_free(rp);
}

int main(void) {
  capkit_live *rx = open_capture();
  if (!rx)
    return tap_done();
  capkit_live *tx = capkit_live_new();
  CHECK_EQ(capkit_live_open_inject(tx, "lo"), 0);
  char path[600];
  snprintf(path, sizeof path, "%s/eth.pcap", tap_tmpdir());
  CHECK_EQ(write_file(path, CAPKIT_LINKTYPE_ETHERNET), 0);
  settings(tx);
  send_all(tx, rx, path);
  limit_and_rewrite(tx, rx, path);
  stop_first(tx, path);
  check_files(tx, tap_tmpdir());
  one_call(rx, path, tap_tmpdir());
  capkit_live_free(tx);
  capkit_live_free(rx);
  return tap_done();
}
