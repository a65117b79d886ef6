/* capture.c - a live capture into rotating files (capture.h): file names
 * from a template, the ring of newest files, statistics at each file's
 * end, the per-round dispatch, flush and clock checks. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <capkit/capture.h>

#include "util/buf.h"

enum { C_NEW, C_RUN, C_DONE };

struct capkit_capture {
  capkit_capture_settings set;
  char *tmpl;
  char hw[128], os[160];
  capkit_live *live;
  capkit_live *own; /* opened by capkit_capture_open: freed with the handle */
  const capkit_iface *ifc;
  capkit_rotator *rot;
  int state;
  int failed;           /* a write in the packet callback failed */
  int64_t stop_at;      /* monotonic ns; INT64_MAX: none */
  char **done;          /* ring: completed files, oldest first */
  size_t n_done;
  uint64_t packets, bytes;
  capkit_capture_msg_fn msg_fn;
  void *msg_user;
  atomic_int stop;      /* capkit_capture_stop() was called */
  atomic_int wake_rd, wake_wr; /* a pipe that ends the wait; -1 none */
  char err[1024];
};

static int64_t clock_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  if (ts.tv_sec > INT64_MAX / 1000000000 - 1)
    return INT64_MAX;
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

capkit_capture *capkit_capture_new(void) {
  capkit_capture *c = calloc(1, sizeof(capkit_capture));
  if (c) {
    atomic_init(&c->stop, 0);
    atomic_init(&c->wake_rd, -1);
    atomic_init(&c->wake_wr, -1);
  }
  return c;
}

void capkit_capture_free(capkit_capture *c) {
  if (!c)
    return;
  int rd = atomic_exchange(&c->wake_rd, -1);
  int wr = atomic_exchange(&c->wake_wr, -1);
  if (rd >= 0)
    close(rd);
  if (wr >= 0)
    close(wr);
  capkit_rotator_free(c->rot);
  for (size_t i = 0; i < c->n_done; i++)
    free(c->done[i]);
  free(c->done);
  free(c->tmpl);
  capkit_live_free(c->own);
  free(c);
}

int capkit_capture_set_msg_fn(capkit_capture *c, capkit_capture_msg_fn fn,
                              void *user) {
  if (!c || c->state != C_NEW)
    return CAPKIT_EMISUSE;
  c->msg_fn = fn;
  c->msg_user = user;
  return 0;
}

static int fail(capkit_capture *c, int code, const char *msg) {
  snprintf(c->err, sizeof c->err, "%s", msg);
  return code;
}

/* The name of file number n: %N (the ring slot), then strftime. */
static char *file_name(void *user, uint64_t n, int64_t sec) {
  const capkit_capture *c = user;
  (void)sec; /* strftime takes the local time the file is started */
  const char *t = c->tmpl;
  if (!c->set.file_size && !c->set.rotate_ns)
    return strdup(t);
  uint64_t slot = c->set.ring ? n % c->set.ring : n;
  /* %N first (strftime would not know it), keeping %% pairs as they are */
  size_t cap_len = strlen(t) * 2 + 64;
  char *a = malloc(cap_len);
  if (!a)
    return NULL;
  size_t o = 0;
  int had_n = 0;
  for (const char *p = t; *p && o + 24 < cap_len; p++) {
    if (p[0] == '%' && p[1] == 'N') {
      o += (size_t)snprintf(a + o, cap_len - o, "%" PRIu64, slot);
      p++;
      had_n = 1;
    } else if (p[0] == '%' && p[1] == '%') {
      a[o++] = '%';
      a[o++] = '%';
      p++;
    } else {
      a[o++] = *p;
    }
  }
  a[o] = 0;
  if (!had_n) { /* -N before the extension (the last '.' of the name) */
    const char *slash = strrchr(a, '/');
    const char *dot = strrchr(a, '.');
    if (!dot || (slash && dot < slash) || dot == (slash ? slash + 1 : a))
      dot = a + strlen(a);
    char *b = malloc(cap_len);
    if (!b) {
      free(a);
      return NULL;
    }
    snprintf(b, cap_len, "%.*s-%" PRIu64 "%s", (int)(dot - a), a, slot, dot);
    free(a);
    a = b;
  }
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  size_t out_cap = strlen(a) * 4 + 256;
  char *out = malloc(out_cap);
  if (out && strftime(out, out_cap, a, &tm) == 0)
    out[0] = 0;
  free(a);
  if (out && !out[0]) {
    free(out);
    out = NULL;
  }
  return out;
}

/* The settings of each new file. */
static int setup(void *user, capkit_writer *w, uint64_t file_no) {
  capkit_capture *c = user;
  (void)file_no;
  int rc = capkit_writer_set_format(w, c->set.format);
  if (!rc)
    rc = capkit_writer_set_linktype(w, c->ifc->linktype);
  if (!rc)
    rc = capkit_writer_set_snaplen(w, c->ifc->snaplen ? c->ifc->snaplen
                                                      : 262144);
  if (!rc)
    rc = capkit_writer_set_precision(w, (unsigned)c->set.precision);
  if (!rc)
    rc = capkit_writer_set_section_info(w, c->hw[0] ? c->hw : NULL,
                                        c->os[0] ? c->os : NULL, NULL);
  return rc;
}

/* pcapng: the counters so far, at the end of each file. */
static int write_stats(void *user, capkit_writer *w) {
  capkit_capture *c = user;
  capkit_live_stats st;
  if (capkit_live_stats_get(c->live, &st) != 0)
    return 0;
  capkit_iface_stats is;
  memset(&is, 0, sizeof is);
  int64_t t = clock_ns(CLOCK_REALTIME);
  is.ts_sec = t / 1000000000;
  is.ts_nsec = (uint32_t)(t % 1000000000);
  is.present = CAPKIT_STAT_IFRECV | CAPKIT_STAT_IFDROP | CAPKIT_STAT_OSDROP |
               CAPKIT_STAT_USRDELIV;
  is.ifrecv = st.received;
  is.ifdrop = st.ifdropped;
  is.osdrop = st.dropped;
  is.usrdeliv = c->packets;
  return capkit_writer_write_stats(w, c->ifc, 0, &is);
}

/* The ring: remember a completed file; remove the oldest beyond it. */
static void ring_add(void *user, const char *name, uint64_t file_no) {
  capkit_capture *c = user;
  (void)file_no;
  if (!c->set.ring)
    return;
  for (size_t i = 0; i < c->n_done; i++)
    if (strcmp(c->done[i], name) == 0) { /* replaced by the rename */
      free(c->done[i]);
      memmove(c->done + i, c->done + i + 1,
              (c->n_done - i - 1) * sizeof *c->done);
      c->n_done--;
      break;
    }
  char *n = strdup(name);
  if (!n)
    return;
  c->done[c->n_done++] = n;
  while (c->n_done > c->set.ring) {
    if (unlink(c->done[0]) != 0 && errno != ENOENT && c->msg_fn) {
      char m[1200];
      snprintf(m, sizeof m, "cannot remove %.1000s: %s", c->done[0],
               strerror(errno));
      c->msg_fn(c->msg_user, m);
    }
    free(c->done[0]);
    memmove(c->done, c->done + 1, (c->n_done - 1) * sizeof *c->done);
    c->n_done--;
  }
}

static int rot_fail(capkit_capture *c, int rc) {
  return fail(c, rc, capkit_rotator_error(c->rot));
}

static int reached(const capkit_capture *c) {
  return c->set.count && c->packets >= c->set.count;
}

static void on_packet(void *user, const capkit_record *rec) {
  capkit_capture *c = user;
  if (c->failed || reached(c))
    return;
  int rc = capkit_rotator_write(c->rot, rec);
  if (rc < 0) {
    c->failed = rot_fail(c, rc);
    capkit_live_break(c->live);
    return;
  }
  c->packets++;
  c->bytes += rec->caplen;
  if (reached(c))
    capkit_live_break(c->live);
}

int capkit_capture_start(capkit_capture *c, capkit_live *l,
                         const capkit_capture_settings *set) {
  if (!c || !l || !set || c->state != C_NEW)
    return CAPKIT_EMISUSE;
  if (set->size < sizeof *set || !set->path || set->duration_ns < 0 ||
      set->rotate_ns < 0 || (set->file_size && set->file_size < 256) ||
      (set->precision && set->precision != 6 && set->precision != 9) ||
      ((set->file_size || set->rotate_ns) && !strcmp(set->path, "-")) ||
      (set->ring && !set->file_size && !set->rotate_ns))
    return fail(c, CAPKIT_EINVAL, "invalid capture settings");
  if (!(c->ifc = capkit_live_iface(l)))
    return fail(c, CAPKIT_EMISUSE, "the live handle is not open");
  c->state = C_RUN;
  c->live = l;
  c->set = *set;
  c->set.size = sizeof c->set;
  c->set.format = set->format ? set->format : "pcap";
  c->set.hardware = c->set.os = NULL;
  if (!c->set.precision)
    c->set.precision = c->ifc->tsresol == 9 ? 9 : 6;
  struct utsname u;
  int un = uname(&u) == 0;
  if (set->hardware || un)
    snprintf(c->hw, sizeof c->hw, "%s", set->hardware ? set->hardware
                                                      : u.machine);
  if (set->os)
    snprintf(c->os, sizeof c->os, "%s", set->os);
  else if (un)
    snprintf(c->os, sizeof c->os, "%s %s", u.sysname, u.release);
  c->tmpl = strdup(set->path);
  capkit_rotator *o = c->rot = capkit_rotator_new();
  if (!c->tmpl || !o ||
      (set->ring && !(c->done = calloc(set->ring + 2, sizeof *c->done))))
    return fail(c, CAPKIT_ENOMEM, "out of memory");
  /* size and time together: whichever comes first */
  if (set->rotate_ns)
    capkit_rotator_set_limit(o, CAPKIT_ROTATE_TIME, (uint64_t)set->rotate_ns);
  if (set->file_size)
    capkit_rotator_set_limit(o, CAPKIT_ROTATE_BYTES, set->file_size);
  if (strcmp(c->set.format, "pcapng") == 0) {
    /* an enhanced packet block, and room for the statistics block that
     * ends the file (76 bytes with its four counters) */
    capkit_rotator_set_overhead(o, 32, 4);
    capkit_rotator_set_reserve(o, 76);
  }
  capkit_rotator_set_name_fn(o, file_name, c);
  capkit_rotator_set_callbacks(o, setup, write_stats, ring_add, c);
  /* The pipe that capkit_capture_stop() writes to ends a wait at once;
   * without it (no descriptors left) a stop is seen within the wait's
   * 100 ms. */
  int fds[2];
  if (pipe(fds) == 0) {
    for (int i = 0; i < 2; i++) {
      fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
      fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    atomic_store(&c->wake_rd, fds[0]);
    atomic_store(&c->wake_wr, fds[1]);
  }
  int64_t now = clock_ns(CLOCK_REALTIME);
  capkit_rotator_set_origin(o, now / 1000000000,
                            (uint32_t)(now % 1000000000));
  int rc = capkit_rotator_tick(o, now / 1000000000,
                               (uint32_t)(now % 1000000000));
  int64_t mono = clock_ns(CLOCK_MONOTONIC);
  c->stop_at = set->duration_ns && set->duration_ns < INT64_MAX - mono
                   ? mono + set->duration_ns
                   : INT64_MAX;
  if (rc < 0) {
    c->state = C_DONE;
    return rot_fail(c, rc);
  }
  return 0;
}

static int flush(capkit_capture *c) {
  capkit_writer *w = capkit_rotator_writer(c->rot);
  int rc = capkit_writer_flush(w);
  return rc < 0 ? fail(c, rc, capkit_writer_error(w)) : 0;
}

int capkit_capture_step(capkit_capture *c, int ready) {
  if (!c || c->state != C_RUN)
    return CAPKIT_EMISUSE;
  if (c->failed)
    return c->failed;
  if (reached(c))
    return 0;
  int rc;
  if (ready && (rc = capkit_live_dispatch(c->live, -1, on_packet, c)) < 0)
    return fail(c, rc, capkit_live_error(c->live));
  if (c->failed)
    return c->failed;
  if ((rc = flush(c)) < 0) /* one write per batch */
    return rc;
  if (reached(c) || clock_ns(CLOCK_MONOTONIC) >= c->stop_at)
    return 0;
  /* idle intervals end too (judged by the clock when no packet came) */
  int64_t t = clock_ns(CLOCK_REALTIME);
  if (c->set.rotate_ns &&
      (rc = capkit_rotator_tick(c->rot, t / 1000000000,
                                (uint32_t)(t % 1000000000))) < 0)
    return rot_fail(c, rc);
  return 1;
}

int capkit_capture_finish(capkit_capture *c, int drain) {
  if (!c || c->state != C_RUN)
    return CAPKIT_EMISUSE;
  c->state = C_DONE;
  int code = c->failed;
  /* The kernel hands over a block of the ring when it is full or the
   * timeout has passed: the packets it had at the stop are fetched before
   * closing (a second of waiting at most). */
  capkit_live_stats st;
  if (drain && !code && !reached(c) &&
      capkit_live_stats_get(c->live, &st) == 0) {
    uint64_t want = st.received;
    int64_t until = clock_ns(CLOCK_MONOTONIC) + 1000000000;
    while (st.delivered < want && !c->failed && !reached(c) &&
           clock_ns(CLOCK_MONOTONIC) < until)
      if (capkit_live_dispatch(c->live, -1, on_packet, c) < 0 ||
          capkit_live_stats_get(c->live, &st) != 0)
        break;
    code = c->failed ? c->failed : flush(c);
  }
  if (c->failed)
    return c->failed;
  int cc = capkit_rotator_close(c->rot);
  if (cc < 0 && !code)
    code = rot_fail(c, cc);
  return code;
}

void capkit_capture_stop(capkit_capture *c) {
  if (!c)
    return;
  atomic_store(&c->stop, 1);
  int wr = atomic_load(&c->wake_wr);
  if (wr >= 0) {
    int saved = errno; /* a signal handler must leave errno alone */
    ssize_t n = write(wr, "", 1);
    (void)n; /* a full pipe is already readable */
    errno = saved;
  }
  if (c->live)
    capkit_live_break(c->live);
}

/* Wait up to ms for packets: 1 ready, 0 not (time out, or a stop was
 * asked for), -1 error (errno). The stop flag is checked before the wait
 * and the pipe is watched during it, so a stop that comes in between
 * still ends the wait at once. */
static int wait_packets(capkit_capture *c, int ms) {
  int fd = capkit_live_fd(c->live);
  if (fd < 0)
    return 1; /* capkit_live_dispatch waits itself */
  if (atomic_load(&c->stop))
    return 0;
  int rd = atomic_load(&c->wake_rd);
  struct pollfd pfd[2] = {{fd, POLLIN, 0}, {rd, POLLIN, 0}};
  int r = poll(pfd, rd >= 0 ? 2 : 1, ms);
  if (r < 0)
    return errno == EINTR ? 0 : -1;
  return pfd[0].revents != 0;
}

int capkit_capture_run(capkit_capture *c, int64_t every_ns,
                       capkit_capture_progress_fn fn, void *user) {
  if (!c || c->state != C_RUN)
    return CAPKIT_EMISUSE;
  int64_t next = clock_ns(CLOCK_MONOTONIC);
  for (;;) {
    int ready = wait_packets(c, 100);
    if (ready < 0) {
      snprintf(c->err, sizeof c->err, "%s: %s", c->ifc->name,
               strerror(errno));
      return CAPKIT_EIO;
    }
    if (atomic_load(&c->stop))
      return 0;
    int rc = capkit_capture_step(c, ready);
    if (rc <= 0)
      return rc;
    int64_t mono = fn ? clock_ns(CLOCK_MONOTONIC) : 0;
    if (fn && mono >= next) {
      fn(user, c);
      next = mono + every_ns;
    }
  }
}

int capkit_capture_parse_file_size(const char *s, uint64_t *bytes) {
  if (!s || !bytes)
    return CAPKIT_EINVAL;
  size_t n = strlen(s);
  uint64_t v;
  if (n > 1 && s[n - 1] == 'B' && s[n - 2] >= '0' && s[n - 2] <= '9') {
    char tmp[32];
    if (n >= sizeof tmp)
      return CAPKIT_EINVAL;
    memcpy(tmp, s, n - 1);
    tmp[n - 1] = 0;
    if (capkit__parse_u64(tmp, &v))
      return CAPKIT_EINVAL;
    *bytes = v;
    return 0;
  }
  if (capkit__parse_u64(s, &v) == 0) {
    if (v > UINT64_MAX / 1000000)
      return CAPKIT_EINVAL;
    *bytes = v * 1000000;
    return 0;
  }
  return capkit_parse_count(s, bytes) ? CAPKIT_EINVAL : 0;
}

static int ends_with(const char *s, const char *suf) {
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && strcmp(s + a - b, suf) == 0;
}

/* The N words joined with spaces (tcpdump style); NULL if out of memory. */
static char *join_words(int n, const char *const *words) {
  size_t len = 1;
  for (int i = 0; i < n; i++)
    len += strlen(words[i]) + 1;
  char *s = malloc(len), *p = s;
  for (int i = 0; s && i < n; i++) {
    size_t k = strlen(words[i]);
    if (i)
      *p++ = ' ';
    memcpy(p, words[i], k);
    p += k;
  }
  if (s)
    *p = 0;
  return s;
}

/* The source's settings to the new live handle L, then open and filter. */
static int open_source(capkit_capture *c, capkit_live *l,
                       const capkit_capture_source *src) {
  uint32_t lt = src->linktype;
  if (!lt && strcmp(src->iface, "any") == 0)
    lt = CAPKIT_LINKTYPE_LINUX_SLL;
  if ((src->snaplen && capkit_live_set_snaplen(l, src->snaplen)) ||
      (src->buffer_size &&
       capkit_live_set_buffer_size(l, src->buffer_size)) ||
      capkit_live_set_promisc(l, src->promisc) ||
      capkit_live_set_immediate(l, src->immediate) ||
      capkit_live_set_timeout(l, 100) ||
      (lt && capkit_live_set_linktype(l, lt)))
    return fail(c, CAPKIT_EINVAL, "invalid interface settings");
  int rc = capkit_live_open(l, src->iface);
  if (rc < 0)
    return fail(c, rc, capkit_live_error(l));
  const char *expr = src->filter;
  char *joined = NULL;
  if (src->n_words > 0 && !(expr = joined = join_words(src->n_words,
                                                         src->words)))
    return fail(c, CAPKIT_ENOMEM, "out of memory");
  rc = expr ? capkit_live_set_filter(l, expr) : 0;
  free(joined);
  return rc < 0 ? fail(c, rc, capkit_live_error(l)) : 0;
}

int capkit_capture_open(capkit_capture *c, const capkit_capture_source *src,
                        const capkit_capture_settings *set) {
  if (!c || !src || !set || src->size < sizeof *src || !src->iface ||
      set->size < sizeof *set || (src->n_words > 0 && !src->words) ||
      c->state != C_NEW || c->own)
    return CAPKIT_EMISUSE;
  if (!(c->own = capkit_live_new())) /* (one open per handle) */
    return fail(c, CAPKIT_ENOMEM, "out of memory");
  if (src->filter && src->n_words > 0)
    return fail(c, CAPKIT_EINVAL,
                "a filter given both as an expression and as words");
  int rc = open_source(c, c->own, src);
  if (rc < 0)
    return rc;
  capkit_capture_settings s = *set;
  if (!s.format && s.path)
    s.format = ends_with(s.path, ".pcapng") ? "pcapng" : "pcap";
  return capkit_capture_start(c, c->own, &s);
}

capkit_live *capkit_capture_live(const capkit_capture *c) {
  return c ? c->live ? c->live : c->own : NULL;
}

int capkit_capture_stats_get(const capkit_capture *c,
                             capkit_capture_stats *st) {
  if (!c || !st || st->size < sizeof *st)
    return CAPKIT_EMISUSE;
  uint32_t size = st->size;
  memset(st, 0, sizeof *st);
  st->size = size;
  st->packets = c->packets;
  st->bytes = c->bytes;
  st->files = capkit_capture_files(c);
  capkit_live *l = capkit_capture_live(c);
  capkit_live_stats ls;
  int rc = l ? capkit_live_stats_get(l, &ls) : CAPKIT_EMISUSE;
  if (rc == 0) {
    st->received = ls.received;
    st->dropped = ls.dropped;
    st->ifdropped = ls.ifdropped;
  }
  return rc;
}

uint64_t capkit_capture_packets(const capkit_capture *c) {
  return c ? c->packets : 0;
}
uint64_t capkit_capture_bytes(const capkit_capture *c) {
  return c ? c->bytes : 0;
}
uint64_t capkit_capture_files(const capkit_capture *c) {
  return c && c->rot ? capkit_rotator_files(c->rot) : 0;
}
const char *capkit_capture_path(const capkit_capture *c) {
  return c && c->rot ? capkit_rotator_path(c->rot) : NULL;
}
const char *capkit_capture_error(const capkit_capture *c) {
  return c ? c->err : "";
}
