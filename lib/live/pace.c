/* pace.c - deadlines for sending packets at their recorded times, a
 * packet rate or a bit rate, and the wait for them (live.h). */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include <capkit/capkit.h>

struct capkit_pacer {
  int mode;
  double rate;
  uint64_t limit;
  int64_t duration;
  int64_t start;   /* monotonic ns at the first packet; 0 before */
  int64_t base;    /* timed: when the current file's first is due */
  int64_t file_t0; /* its time stamp */
  int64_t last_due;
  int have_t0;
  uint64_t index, bits;
  volatile sig_atomic_t stop;
};

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

capkit_pacer *capkit_pacer_new(int mode, double rate) {
  if (mode < CAPKIT_PACE_TIMED || mode > CAPKIT_PACE_TOP ||
      (mode != CAPKIT_PACE_TOP && !(rate > 0 && isfinite(rate))))
    return NULL;
  capkit_pacer *p = calloc(1, sizeof *p);
  if (p) {
    p->mode = mode;
    p->rate = rate;
  }
  return p;
}

void capkit_pacer_free(capkit_pacer *p) { free(p); }

int capkit_pacer_set_limits(capkit_pacer *p, uint64_t packets,
                            int64_t duration_ns) {
  if (!p || duration_ns < 0)
    return CAPKIT_EINVAL;
  p->limit = packets;
  p->duration = duration_ns;
  return 0;
}

int64_t capkit_pacer_due(capkit_pacer *p, const capkit_record *rec) {
  if (p->start == 0)
    p->start = p->base = p->last_due = now_ns();
  switch (p->mode) {
  case CAPKIT_PACE_TOP:
    return 0;
  case CAPKIT_PACE_PPS:
    return p->start + (int64_t)((double)p->index * 1e9 / p->rate);
  case CAPKIT_PACE_MBPS:
    return p->start + (int64_t)((double)p->bits * 1e3 / p->rate);
  default: {
    int64_t t = capkit_record_time_ns(rec);
    if (!p->have_t0) {
      p->file_t0 = t;
      p->have_t0 = 1;
    }
    int64_t due = p->base + (int64_t)((double)(t - p->file_t0) / p->rate);
    if (due < p->last_due) /* times going back: at once, not before */
      due = p->last_due;
    p->last_due = due;
    return due;
  }
  }
}

/* Sleep to a little before the deadline, then spin the rest. */
#define SPIN_NS 60000
static void wait_until(capkit_pacer *p, int64_t due) {
  int64_t now = now_ns();
  if (due - now > SPIN_NS) {
    int64_t t = due - SPIN_NS;
    struct timespec ts = {(time_t)(t / 1000000000), (long)(t % 1000000000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
               EINTR &&
           !p->stop) {
    }
  }
  while (!p->stop && now_ns() < due) {
  }
}

int capkit_pacer_wait(capkit_pacer *p, const capkit_record *rec) {
  if (p->stop)
    return 2;
  if (p->limit && p->index >= p->limit)
    return 0;
  int64_t due = capkit_pacer_due(p, rec);
  if (p->duration && (due ? due : now_ns()) >= p->start + p->duration) {
    if (due) /* the packet would leave after the end: wait for the end */
      wait_until(p, p->start + p->duration);
    return p->stop ? 2 : 0;
  }
  if (due)
    wait_until(p, due);
  return p->stop ? 2 : 1;
}

void capkit_pacer_sent(capkit_pacer *p, uint32_t bytes) {
  p->index++;
  p->bits += (uint64_t)bytes * 8;
}

void capkit_pacer_next_file(capkit_pacer *p) {
  if (p->mode == CAPKIT_PACE_TIMED && p->have_t0)
    p->base = p->last_due;
  p->have_t0 = 0;
}

void capkit_pacer_interrupt(capkit_pacer *p) {
  if (p)
    p->stop = 1;
}

int64_t capkit_pacer_elapsed(const capkit_pacer *p) {
  return p->start ? now_ns() - p->start : 0;
}
