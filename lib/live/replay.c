/* replay.c - capture files sent out of an interface (live.h): link-type
 * checks before anything is sent, the paced send loop with optional
 * rewriting, and tcpreplay's counters. */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

struct capkit_replay {
  capkit_live *tx;
  capkit_live *own;  /* opened by capkit_replay_files, closed by free */
  char *iface;       /* capkit_replay_new_iface: the interface to open */
  capkit_replay_msg_fn msg_fn;
  void *msg_user;
  int started;       /* a run began */
  const capkit_iface *ifc;
  capkit_pacer *pace;
  capkit_rewriter *rw;
  capkit_replay_stats st;
  atomic_int stop;
  int done; /* the limit or the duration was reached */
  char err[1200];
  char first_failure[1200];
};

/* A handle with SET, sending through TX (NULL: opened later). */
static capkit_replay *make(capkit_live *tx, const capkit_replay_settings *set) {
  if (!set || set->size < sizeof *set || set->duration_ns < 0)
    return NULL;
  capkit_replay *rp = calloc(1, sizeof *rp);
  if (!rp)
    return NULL;
  rp->tx = tx;
  rp->ifc = capkit_live_iface(tx);
  rp->rw = set->rewriter;
  rp->st.size = sizeof rp->st;
  atomic_init(&rp->stop, 0);
  rp->pace = capkit_pacer_new(set->mode, set->rate);
  if (!rp->pace ||
      capkit_pacer_set_limits(rp->pace, set->limit, set->duration_ns)) {
    capkit_replay_free(rp);
    return NULL;
  }
  return rp;
}

capkit_replay *capkit_replay_new(capkit_live *tx,
                                 const capkit_replay_settings *set) {
  return capkit_live_iface(tx) ? make(tx, set) : NULL;
}

capkit_replay *capkit_replay_new_iface(const char *iface,
                                       const capkit_replay_settings *set) {
  capkit_replay *rp = iface ? make(NULL, set) : NULL;
  if (rp && !(rp->iface = strdup(iface))) {
    capkit_replay_free(rp);
    rp = NULL;
  }
  return rp;
}

void capkit_replay_free(capkit_replay *rp) {
  if (!rp)
    return;
  capkit_pacer_free(rp->pace);
  capkit_live_free(rp->own);
  free(rp->iface);
  free(rp);
}

int capkit_replay_set_msg_fn(capkit_replay *rp, capkit_replay_msg_fn fn,
                             void *user) {
  if (!rp || rp->started)
    return CAPKIT_EMISUSE;
  rp->msg_fn = fn;
  rp->msg_user = user;
  return 0;
}

int capkit_replay_started(const capkit_replay *rp) {
  return rp ? rp->started : 0;
}

/* The interface of a handle made with capkit_replay_new_iface. */
static int open_iface(capkit_replay *rp) {
  if (!rp->own && !(rp->own = capkit_live_new())) {
    snprintf(rp->err, sizeof rp->err, "out of memory");
    return CAPKIT_ENOMEM;
  }
  int rc = capkit_live_open_inject(rp->own, rp->iface);
  if (rc < 0) {
    snprintf(rp->err, sizeof rp->err, "%s", capkit_live_error(rp->own));
    return rc;
  }
  rp->tx = rp->own;
  rp->ifc = capkit_live_iface(rp->tx);
  return 0;
}

int capkit_replay_files(capkit_replay *rp, int n, const char *const *paths,
                        uint64_t loops, unsigned flags) {
  if (!rp || n < 0 || (n && !paths))
    return CAPKIT_EMISUSE;
  int rc;
  if (!rp->tx && (rc = open_iface(rp)) < 0)
    return rc;
  /* Standard input cannot be read twice: it is checked as it is sent. */
  if ((rc = capkit_replay_check(rp, n, paths)) < 0)
    return rc;
  if (flags & CAPKIT_REPLAY_REALTIME) {
    struct sched_param sp;
    memset(&sp, 0, sizeof sp);
    sp.sched_priority = 10;
    if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0 && rp->msg_fn) {
      char m[300];
      snprintf(m, sizeof m,
               "cannot use SCHED_FIFO (%s); timing may suffer on a busy "
               "machine",
               strerror(errno));
      rp->msg_fn(rp->msg_user, m);
    }
  }
  return capkit_replay_run(rp, n, paths, loops);
}

void capkit_replay_stop(capkit_replay *rp) {
  if (!rp)
    return;
  atomic_store(&rp->stop, 1);
  capkit_pacer_interrupt(rp->pace);
}

static int stopped(capkit_replay *rp) { return atomic_load(&rp->stop); }

/* 0 when frames of link type LT can go out of the interface, else
 * CAPKIT_ELINKTYPE with the message. */
static int linktype_ok(capkit_replay *rp, const char *path, uint32_t lt) {
  if (lt == rp->ifc->linktype)
    return 0;
  const char *a = capkit_linktype_name(lt);
  const char *b = capkit_linktype_name(rp->ifc->linktype);
  snprintf(rp->err, sizeof rp->err,
           "%s: link type %s (%" PRIu32 ") cannot be sent on %s, which "
           "carries %s (%" PRIu32 ") frames",
           path, a ? a : "?", lt, rp->ifc->name, b ? b : "?",
           rp->ifc->linktype);
  return CAPKIT_ELINKTYPE;
}

/* A reader of PATH, or NULL with *rc and the message set. */
static capkit_reader *open_reader(capkit_replay *rp, const char *path,
                                  int *rc) {
  capkit_reader *r = capkit_reader_new();
  if (!r) {
    snprintf(rp->err, sizeof rp->err, "out of memory");
    *rc = CAPKIT_ENOMEM;
    return NULL;
  }
  if ((*rc = capkit_reader_open_path(r, path)) < 0) {
    snprintf(rp->err, sizeof rp->err, "%s", capkit_reader_error(r));
    capkit_reader_free(r);
    return NULL;
  }
  return r;
}

int capkit_replay_check(capkit_replay *rp, int n, const char *const *paths) {
  if (!rp || !rp->tx || n < 0 || (n && !paths))
    return CAPKIT_EMISUSE;
  rp->err[0] = 0;
  for (int i = 0; i < n; i++) {
    if (strcmp(paths[i], "-") == 0)
      continue;
    int rc;
    capkit_reader *rd = open_reader(rp, paths[i], &rc);
    if (!rd)
      return rc;
    const capkit_file_info *in = capkit_reader_info(rd);
    size_t ni = capkit_reader_iface_count(rd);
    rc = 0;
    if (strcmp(in->format, "pcapng") != 0)
      rc = linktype_ok(rp, paths[i], in->linktype);
    /* pcapng: the interfaces are read with the first record. */
    capkit_record rec = CAPKIT_RECORD_INIT;
    if (!rc && ni == 0 && capkit_reader_next(rd, &rec) > 0)
      ni = capkit_reader_iface_count(rd);
    for (size_t k = 0; !rc && k < ni; k++)
      rc = linktype_ok(rp, paths[i], capkit_reader_iface(rd, k)->linktype);
    capkit_reader_free(rd);
    if (rc)
      return rc;
  }
  return 0;
}

/* One packet: rewritten, sent, counted. 0 or a rewriter's code. */
static int send_one(capkit_replay *rp, const char *path,
                    const capkit_record *rec) {
  const capkit_record *send = rec;
  capkit_record edited = CAPKIT_RECORD_INIT;
  if (rp->rw) {
    int k = capkit_rewriter_apply(rp->rw, rec, &edited);
    if (k < 0) {
      snprintf(rp->err, sizeof rp->err, "%s, record %" PRIu64 ": %s", path,
               rec->number, capkit_strerror(k));
      return k;
    }
    send = &edited;
  }
  if (capkit_live_inject(rp->tx, send->data, send->caplen) == 0) {
    rp->st.sent++;
    rp->st.bytes += send->caplen;
    rp->st.truncated += send->caplen < send->origlen;
  } else {
    if (rp->st.failed == 0)
      snprintf(rp->first_failure, sizeof rp->first_failure,
               "%s, record %" PRIu64 ": %s", path, rec->number,
               capkit_live_error(rp->tx));
    rp->st.failed++;
  }
  capkit_pacer_sent(rp->pace, send->caplen);
  return 0;
}

/* The packets of one file: 0 or the first error. */
static int send_file(capkit_replay *rp, const char *path) {
  int rc;
  capkit_reader *rd = open_reader(rp, path, &rc);
  if (!rd)
    return rc;
  capkit_record rec = CAPKIT_RECORD_INIT;
  const capkit_iface *checked = NULL;
  int code = 0;
  while (!stopped(rp) && (rc = capkit_reader_next(rd, &rec)) > 0) {
    if (rec.iface && rec.iface != checked) {
      if ((code = linktype_ok(rp, path, rec.iface->linktype)) < 0)
        break;
      checked = rec.iface;
    }
    int go = capkit_pacer_wait(rp->pace, &rec);
    if (go != 1) {
      rp->done = go == 0;
      break;
    }
    if ((code = send_one(rp, path, &rec)) < 0)
      break;
  }
  if (!code && rc < 0 && !stopped(rp)) {
    snprintf(rp->err, sizeof rp->err, "%s", capkit_reader_error(rd));
    code = rc;
  }
  /* The next file (or loop) starts where this one ended. */
  capkit_pacer_next_file(rp->pace);
  capkit_reader_free(rd);
  return code;
}

int capkit_replay_run(capkit_replay *rp, int n, const char *const *paths,
                      uint64_t loops) {
  if (!rp || !rp->tx || n < 0 || (n && !paths))
    return CAPKIT_EMISUSE;
  rp->started = 1;
  rp->err[0] = 0;
  int code = 0;
  if (n == 0) /* nothing to loop over, even forever */
    return 0;
  for (uint64_t l = 0;
       !code && !stopped(rp) && !rp->done && (loops == 0 || l < loops); l++)
    for (int i = 0; !code && !stopped(rp) && !rp->done && i < n; i++)
      code = send_file(rp, paths[i]);
  return code;
}

int capkit_replay_stats_get(const capkit_replay *rp, capkit_replay_stats *st) {
  if (!rp || !st || st->size < sizeof *st)
    return CAPKIT_EMISUSE;
  uint32_t size = st->size;
  *st = rp->st;
  st->size = size;
  st->elapsed_ns = capkit_pacer_elapsed(rp->pace);
  return 0;
}

const char *capkit_replay_error(const capkit_replay *rp) {
  return rp ? rp->err : "";
}

const char *capkit_replay_first_failure(const capkit_replay *rp) {
  return rp ? rp->first_failure : "";
}
