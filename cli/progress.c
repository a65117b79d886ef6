/* progress.c - a one-line progress bar on stderr (bytes done, rate, ETA),
 * drawn only when stderr is a terminal and at most five times a second;
 * never when it is not (logs and pipes stay clean). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cut.h"

struct progress {
  const char *label;
  double start, last;
  int drawn;
  int force; /* CAPKIT_PROGRESS=always: draw from the first update */
};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

progress *progress_new(const char *label) {
  const char *env = getenv("CAPKIT_PROGRESS");
  int force = env && strcmp(env, "always") == 0;
  if (!force && (!isatty(2) || (env && strcmp(env, "never") == 0)))
    return NULL;
  progress *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->label = label;
  p->force = force;
  p->start = now();
  p->last = force ? 0 : p->start;
  return p;
}

static void human(char *out, size_t cap, double v) {
  const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  while (v >= 1024 && i < 4) {
    v /= 1024;
    i++;
  }
  snprintf(out, cap, "%.1f %s", v, u[i]);
}

void progress_update(progress *p, uint64_t done, uint64_t total) {
  if (!p)
    return;
  double t = now();
  if (t - p->last < 0.2)
    return;
  p->last = t;
  double el = t - p->start;
  if (el < 0.5 && !p->force)
    return; /* short jobs show nothing */
  if (el <= 0)
    el = 1e-9;
  double rate = (double)done / el;
  char d[32], r[32];
  human(d, sizeof d, (double)done);
  human(r, sizeof r, rate);
  if (total && done <= total) {
    int pct = (int)((double)done * 100.0 / (double)total);
    int fill = pct * 30 / 100;
    char bar[31];
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, '.', (size_t)(30 - fill));
    bar[30] = 0;
    double eta = rate > 0 ? (double)(total - done) / rate : 0;
    fprintf(stderr, "\r%s [%s] %3d%% %s %s/s ETA %dm%02ds ", p->label, bar,
            pct, d, r, (int)eta / 60, (int)eta % 60);
  } else {
    fprintf(stderr, "\r%s %s %s/s ", p->label, d, r);
  }
  p->drawn = 1;
}

void progress_done(progress *p) {
  if (!p)
    return;
  if (p->drawn)
    fprintf(stderr, "\r%*s\r", 78, "");
  free(p);
}
