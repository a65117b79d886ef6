/* live.c - live capture and injection over libpcap (pcap_create, then the
 * settings, then pcap_activate; TPACKET_V3 rings underneath on Linux). Each
 * packet becomes a capkit_record, so the writer takes it like any other. */
#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "internal.h"
#include "util/buf.h"
#include "util/bytes.h"
#include <capkit/live.h>

struct capkit_live {
  pcap_t *p;
  int state;
  /* settings */
  uint32_t snaplen;
  size_t bufsize;
  int immediate, promisc, timeout_ms;
  uint32_t want_linktype;
  /* the open interface as records name it */
  capkit_iface iface;
  char *name, *filter;
  char os[160];
  int nano;
  /* dispatch */
  volatile sig_atomic_t breaking; /* set by capkit_live_break */
  int nonblock;                   /* we wait in poll(), not libpcap */
  capkit_live_fn fn;
  void *user;
  uint64_t delivered;
  /* statistics: libpcap's 32-bit counters widened */
  unsigned last[3];
  uint64_t total[3];
  int err; /* code of the last failure */
  char errmsg[CAPKIT__MSG];
};

capkit_live *capkit_live_new(void) {
  capkit_live *l = calloc(1, sizeof *l);
  if (!l)
    return NULL;
  l->snaplen = 262144;
  l->bufsize = (size_t)32 << 20;
  l->immediate = 0;
  l->promisc = 1;
  l->timeout_ms = 100;
  return l;
}

void capkit_live_free(capkit_live *l) {
  if (!l)
    return;
  if (l->p)
    pcap_close(l->p);
  free(l->name);
  free(l->filter);
  free(l);
}

static int fail(capkit_live *l, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(capkit_live *l, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(l->errmsg, sizeof l->errmsg, fmt, ap);
  va_end(ap);
  l->err = code;
  return code;
}

#define SETTER_GUARD(l)                                                        \
  do {                                                                         \
    if (!(l))                                                                  \
      return CAPKIT_EINVAL;                                                    \
    if ((l)->state != CAPKIT__NEW)                                             \
      return CAPKIT_EMISUSE;                                                   \
  } while (0)

int capkit_live_set_snaplen(capkit_live *l, uint32_t snaplen) {
  SETTER_GUARD(l);
  if (snaplen == 0 || snaplen > 262144)
    return CAPKIT_EINVAL;
  l->snaplen = snaplen;
  return 0;
}

int capkit_live_set_buffer_size(capkit_live *l, size_t bytes) {
  SETTER_GUARD(l);
  if (bytes < 65536 || bytes > INT32_MAX)
    return CAPKIT_EINVAL;
  l->bufsize = bytes;
  return 0;
}

int capkit_live_set_immediate(capkit_live *l, int on) {
  SETTER_GUARD(l);
  l->immediate = !!on;
  return 0;
}

int capkit_live_set_promisc(capkit_live *l, int on) {
  SETTER_GUARD(l);
  l->promisc = !!on;
  return 0;
}

int capkit_live_set_timeout(capkit_live *l, int ms) {
  SETTER_GUARD(l);
  if (ms <= 0)
    return CAPKIT_EINVAL;
  l->timeout_ms = ms;
  return 0;
}

int capkit_live_set_linktype(capkit_live *l, uint32_t linktype) {
  SETTER_GUARD(l);
  if (linktype > 0xffff)
    return CAPKIT_EINVAL;
  l->want_linktype = linktype;
  return 0;
}

/* LINKTYPE_ values for the few DLT_ values that differ on this platform
 * (the rest are the same numbers). */
static uint32_t from_dlt(int dlt) {
  switch (dlt) {
#ifdef DLT_RAW
  case DLT_RAW:
    return CAPKIT_LINKTYPE_RAW;
#endif
#if defined(DLT_ATM_RFC1483) && DLT_ATM_RFC1483 != 100
  case DLT_ATM_RFC1483:
    return 100;
#endif
#if defined(DLT_LOOP) && DLT_LOOP != 108
  case DLT_LOOP:
    return CAPKIT_LINKTYPE_LOOP;
#endif
  default:
    return (uint32_t)dlt;
  }
}

static int to_dlt(uint32_t lt) {
  if (lt == CAPKIT_LINKTYPE_RAW)
    return DLT_RAW;
  return (int)lt;
}

static const char *what_of(int inject) {
  return inject ? "injecting packets" : "capturing packets";
}

/* A pcap_activate() or pcap_create() failure as a capkit code. */
static int activate_error(capkit_live *l, int rc, const char *iface,
                          int inject) {
  const char *msg = pcap_geterr(l->p);
  switch (rc) {
  case PCAP_ERROR_NO_SUCH_DEVICE:
    return fail(l, CAPKIT_ENOTFOUND, "%s: no such interface (%s)", iface,
                msg && *msg ? msg : "not found");
  case PCAP_ERROR_PERM_DENIED:
  case PCAP_ERROR_PROMISC_PERM_DENIED:
    return fail(l, CAPKIT_EPERM,
                "%s: %s needs root or the CAP_NET_RAW and CAP_NET_ADMIN "
                "capabilities (%s)",
                iface, what_of(inject),
                msg && *msg ? msg : "permission denied");
  case PCAP_ERROR_IFACE_NOT_UP:
    return fail(l, CAPKIT_EIO, "%s: interface is down", iface);
  default:
    return fail(l, CAPKIT_EIO, "%s: cannot open for %s: %s", iface,
                what_of(inject), msg && *msg ? msg : pcap_statustostr(rc));
  }
}

static int do_open(capkit_live *l, const char *iface, int inject) {
  if (!l || !iface || !*iface)
    return CAPKIT_EINVAL;
  if (l->state != CAPKIT__NEW)
    return CAPKIT_EMISUSE;
  char eb[PCAP_ERRBUF_SIZE];
  eb[0] = 0;
  l->p = pcap_create(iface, eb);
  if (!l->p) {
    l->state = CAPKIT__DEAD;
    return fail(l, CAPKIT_EIO, "%s: %s", iface, eb[0] ? eb : "cannot open");
  }
  int is_any = strcmp(iface, "any") == 0;
  /* Injection reads nothing: a small ring is enough. */
  int snap = inject ? 256 : (int)l->snaplen;
  int buf = inject ? 1 << 20 : (int)l->bufsize;
  pcap_set_snaplen(l->p, snap);
  pcap_set_buffer_size(l->p, buf);
  pcap_set_immediate_mode(l->p, inject ? 1 : l->immediate);
  pcap_set_timeout(l->p, l->timeout_ms);
  if (!inject && l->promisc && !is_any)
    pcap_set_promisc(l->p, 1);
#ifdef PCAP_TSTAMP_PRECISION_NANO
  if (!inject)
    (void)pcap_set_tstamp_precision(l->p, PCAP_TSTAMP_PRECISION_NANO);
#endif
  int rc = pcap_activate(l->p);
  if (rc < 0) {
    rc = activate_error(l, rc, iface, inject);
    pcap_close(l->p);
    l->p = NULL;
    l->state = CAPKIT__DEAD;
    return rc;
  }
  /* rc > 0 is a warning (e.g. promiscuous mode not supported): go on. */
  if (l->want_linktype && !inject &&
      pcap_set_datalink(l->p, to_dlt(l->want_linktype)) != 0) {
    const char *n = capkit_linktype_name(l->want_linktype);
    rc = fail(l, CAPKIT_ELINKTYPE, "%s: cannot capture as link type %s (%s)",
              iface, n ? n : "?", pcap_geterr(l->p));
    pcap_close(l->p);
    l->p = NULL;
    l->state = CAPKIT__DEAD;
    return rc;
  }
  if (inject) {
    /* A kernel filter that accepts nothing: the ring stays empty, so the
     * sender pays nothing for the traffic it does not read. */
    struct bpf_insn none = BPF_STMT(BPF_RET | BPF_K, 0);
    struct bpf_program prog = {1, &none};
    (void)pcap_setfilter(l->p, &prog);
  }
  /* With a TPACKET_V3 ring libpcap waits in poll() without a timeout
   * (the kernel retires a block after the timeout, but only a block that
   * holds packets), so an idle interface would never return. We wait
   * ourselves, up to the timeout, and let libpcap read without blocking. */
  if (!inject && pcap_get_selectable_fd(l->p) >= 0 &&
      pcap_setnonblock(l->p, 1, eb) == 0)
    l->nonblock = 1;
#ifdef PCAP_TSTAMP_PRECISION_NANO
  l->nano = pcap_get_tstamp_precision(l->p) == PCAP_TSTAMP_PRECISION_NANO;
#endif
  l->name = capkit__strdup(iface);
  if (!l->name) {
    pcap_close(l->p);
    l->p = NULL;
    l->state = CAPKIT__DEAD;
    return fail(l, CAPKIT_ENOMEM, "out of memory");
  }
  struct utsname u;
  if (uname(&u) == 0)
    snprintf(l->os, sizeof l->os, "%s %s", u.sysname, u.release);
  memset(&l->iface, 0, sizeof l->iface);
  l->iface.linktype = from_dlt(pcap_datalink(l->p));
  l->iface.snaplen = (uint32_t)pcap_snapshot(l->p);
  l->iface.fcs_len = -1;
  l->iface.tsresol = l->nano ? 9 : 6;
  l->iface.name = l->name;
  l->iface.origin = capkit__new_origin();
  /* a live packet's host-order pseudo-header fields are this host's */
  l->iface.byte_order = capkit__host_is_le() ? CAPKIT_BO_LITTLE : CAPKIT_BO_BIG;
  l->iface.os = l->os[0] ? l->os : NULL;
  l->state = CAPKIT__OPEN;
  return 0;
}

int capkit_live_open(capkit_live *l, const char *iface) {
  return do_open(l, iface, 0);
}

int capkit_live_open_inject(capkit_live *l, const char *iface) {
  return do_open(l, iface, 1);
}

int capkit_live_set_filter(capkit_live *l, const char *expr) {
  if (!l)
    return CAPKIT_EINVAL;
  if (l->state != CAPKIT__OPEN)
    return CAPKIT_EMISUSE;
  int blank = 1;
  for (const char *c = expr; c && *c; c++)
    if (*c != ' ' && *c != '\t' && *c != '\n')
      blank = 0;
  if (blank)
    expr = "";
  struct bpf_program prog;
  if (pcap_compile(l->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0)
    return fail(l, CAPKIT_EFILTER, "filter '%s': %s", expr, pcap_geterr(l->p));
  int rc = pcap_setfilter(l->p, &prog);
  pcap_freecode(&prog);
  if (rc != 0)
    return fail(l, CAPKIT_EFILTER, "filter '%s': %s", expr, pcap_geterr(l->p));
  char *f = NULL;
  if (!blank && !(f = capkit__strdup(expr)))
    return fail(l, CAPKIT_ENOMEM, "out of memory");
  free(l->filter);
  l->filter = f;
  l->iface.filter = f;
  return 0;
}

static void on_packet(u_char *u, const struct pcap_pkthdr *h,
                      const u_char *bytes) {
  capkit_live *l = (capkit_live *)(void *)u;
  capkit_record rec = CAPKIT_RECORD_INIT;
  capkit_record_init(&rec);
  rec.ts_sec = (int64_t)h->ts.tv_sec;
  uint64_t frac = (uint64_t)h->ts.tv_usec;
  rec.ts_nsec = (uint32_t)(l->nano ? frac : frac * 1000);
  if (rec.ts_nsec > 999999999u)
    rec.ts_nsec = 999999999u;
  rec.caplen = h->caplen;
  rec.origlen = h->len;
  rec.iface = &l->iface;
  rec.data = bytes;
  rec.number = ++l->delivered;
  l->fn(l->user, &rec);
}

int capkit_live_dispatch(capkit_live *l, int max, capkit_live_fn fn,
                         void *user) {
  if (!l || !fn)
    return CAPKIT_EINVAL;
  if (l->state != CAPKIT__OPEN)
    return CAPKIT_EMISUSE;
  l->fn = fn;
  l->user = user;
  if (l->breaking) {
    l->breaking = 0;
    return 0;
  }
  int n =
      pcap_dispatch(l->p, max > 0 ? max : -1, on_packet, (u_char *)(void *)l);
  if (n == 0 && l->nonblock) {
    struct pollfd pfd = {pcap_get_selectable_fd(l->p), POLLIN, 0};
    int pr = poll(&pfd, 1, l->timeout_ms);
    if (pr < 0 && errno != EINTR)
      return fail(l, CAPKIT_EIO, "%s: capture failed: %s", l->name,
                  strerror(errno));
    if (l->breaking) {
      l->breaking = 0;
      return 0;
    }
    if (pr > 0)
      n = pcap_dispatch(l->p, max > 0 ? max : -1, on_packet,
                        (u_char *)(void *)l);
  }
  if (n == PCAP_ERROR_BREAK) {
    l->breaking = 0;
    return 0;
  }
  if (n < 0)
    return fail(l, CAPKIT_EIO, "%s: capture failed: %s", l->name,
                pcap_geterr(l->p));
  return n;
}

void capkit_live_break(capkit_live *l) {
  if (l && l->p) {
    l->breaking = 1;
    pcap_breakloop(l->p);
  }
}

int capkit_live_stats_get(capkit_live *l, capkit_live_stats *st) {
  if (!l || !st)
    return CAPKIT_EINVAL;
  if (l->state != CAPKIT__OPEN)
    return CAPKIT_EMISUSE;
  struct pcap_stat ps;
  if (pcap_stats(l->p, &ps) != 0)
    return fail(l, CAPKIT_EIO, "%s: statistics: %s", l->name,
                pcap_geterr(l->p));
  unsigned now[3] = {ps.ps_recv, ps.ps_drop, ps.ps_ifdrop};
  memset(st, 0, sizeof *st);
  for (int i = 0; i < 3; i++) {
    l->total[i] += (unsigned)(now[i] - l->last[i]); /* wraps at 2^32 */
    l->last[i] = now[i];
  }
  st->received = l->total[0];
  st->dropped = l->total[1];
  st->ifdropped = l->total[2];
  st->delivered = l->delivered;
  return 0;
}

int capkit_live_inject(capkit_live *l, const void *frame, size_t len) {
  if (!l || (!frame && len))
    return CAPKIT_EINVAL;
  if (l->state != CAPKIT__OPEN)
    return CAPKIT_EMISUSE;
  if (len > INT32_MAX)
    return fail(l, CAPKIT_EINVAL, "%s: frame of %zu bytes too large", l->name,
                len);
  /* A full device queue (ENOBUFS, EAGAIN) empties quickly: retry for up to
   * about a second before calling it a failure. */
  for (int tries = 0;; tries++) {
    errno = 0;
    if (pcap_inject(l->p, frame, len) >= 0)
      return 0;
    int e = errno;
    if ((e == ENOBUFS || e == EAGAIN) && tries < 20000) {
      if (tries < 100) {
        sched_yield();
      } else {
        struct timespec ts = {0, 50000};
        nanosleep(&ts, NULL);
      }
      continue;
    }
    return fail(l, e == EPERM || e == EACCES ? CAPKIT_EPERM : CAPKIT_EIO,
                "%s: cannot send a frame of %zu bytes: %s", l->name, len,
                pcap_geterr(l->p));
  }
}

const capkit_iface *capkit_live_iface(const capkit_live *l) {
  return l && l->state == CAPKIT__OPEN ? &l->iface : NULL;
}

int capkit_live_fd(const capkit_live *l) {
  return l && l->p ? pcap_get_selectable_fd(l->p) : -1;
}

const char *capkit_live_error(const capkit_live *l) {
  return l ? l->errmsg : "";
}
int capkit_live_error_code(const capkit_live *l) { return l ? l->err : 0; }
