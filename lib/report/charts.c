/* charts.c - the report's inline SVG charts: the I/O graph (packets/s and
 * bits/s per bin, stacked by the top protocols, gaps marked) and the
 * packet-size histogram. Coordinates are in pixels of a 960-wide box; the
 * bars of the I/O graph live in an inner box in bin units, which the
 * page's script narrows to zoom on the time axis. */
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

/* The few bits of arithmetic the charts need, without libm (the shared
 * library links no math library). */
static double absd(double x) { return x < 0 ? -x : x; }
/* The power of ten at or below X (> 0). */
static double mag10(double x) {
  double m = 1;
  while (m * 10 <= x)
    m *= 10;
  while (m > x)
    m /= 10;
  return m;
}
/* The smallest whole number at or above X (|X| well below 2^62). */
static double ceil_to(double x) {
  double c = (double)(int64_t)x;
  return c < x ? c + 1 : c;
}

enum { W = 960, X0 = 72, PW = 872, Y0 = 12, PH = 180, H = 232 };
/* Protocols named in the I/O graph; the rest are "other". */
#define TOP_LAYERS 5
#define CATS CAPKIT_STATS_BIN_LAYERS

/* One bin of the I/O graph: its counts by top layer. */
typedef struct rp_bin {
  uint64_t packets[CATS], bytes[CATS];
} rp_bin;

/* The series of a view as the graph lays it out: N bins of IV seconds,
 * the first starting T0 seconds from the first packet. */
typedef struct rp_grid {
  const capkit_stats *st;
  size_t n;
  double iv, t0;
} rp_grid;

/* A span in ns (as a double past 2^64 ns, some 584 years). */
static double span_ns(capkit_span d, uint64_t *exact, int *fits) {
  *fits = d.sec < 18000000000ull;
  *exact = *fits ? d.sec * 1000000000u + d.nsec : 0;
  return *fits ? (double)*exact : ((double)d.sec * 1e9 + (double)d.nsec);
}

static rp_grid grid(const rp_view *v) {
  rp_grid g = {v->st, 0, 0, 0};
  capkit_span ivs;
  g.n = capkit_stats_series(v->st, &ivs);
  capkit_time origin, start;
  if (!g.n || capkit_stats_origin(v->st, &origin) != 0 ||
      capkit_stats_bin(v->st, 0, &start, NULL, NULL) != 0) {
    g.n = 0;
    return g;
  }
  uint64_t iv, off;
  int ivfits, offfits;
  double ivd = span_ns(ivs, &iv, &ivfits);
  capkit_span d = capkit_time_span(start, origin);
  double offd = span_ns(d, &off, &offfits);
  /* the first bin's grid index: a whole number of widths */
  double lo = ivfits && offfits ? (double)(int64_t)(off / iv) : offd / ivd;
  g.iv = ivd / 1e9;
  g.t0 = (d.negative ? -lo : lo) * g.iv;
  return g;
}

/* Bin I's counts by top layer. */
static void load(const rp_grid *g, size_t i, rp_bin *b) {
  memset(b, 0, sizeof *b);
  size_t pos = 0;
  int c;
  uint64_t p, by;
  while (capkit_stats_bin_layer_next(g->st, i, &pos, &c, &p, &by) == 1) {
    b->packets[c] = p;
    b->bytes[c] = by;
  }
}

static uint64_t bin_packets(const rp_grid *g, size_t i) {
  uint64_t p = 0;
  capkit_stats_bin(g->st, i, NULL, &p, NULL);
  return p;
}

/* A time in seconds as a short label ("1.5 s", "2 min", "3 h"). */
static void dur(tbuf *o, double t) {
  double a = absd(t);
  if (a >= 7200)
    capkit__rp_f(o, "%g h", t / 3600);
  else if (a >= 120)
    capkit__rp_f(o, "%g min", t / 60);
  else if (a != 0 && a < 0.001)
    capkit__rp_f(o, "%g µs", t * 1e6);
  else if (a != 0 && a < 1)
    capkit__rp_f(o, "%g ms", t * 1e3);
  else
    capkit__rp_f(o, "%g s", t);
}

/* A round step near span / 6: 1, 2 or 5 times a power of ten. */
static double nice_step(double span) {
  double raw = span / 6, mag = mag10(raw);
  return raw <= mag       ? mag
         : raw <= 2 * mag ? 2 * mag
         : raw <= 5 * mag ? 5 * mag
                          : 10 * mag;
}

/* A round top for the y axis, so that its quarter marks are round:
 * 4 x (1, 2, 2.5 or 5 times a power of ten). */
static double nice_top(double ymax) {
  if (ymax <= 0)
    return 0;
  double raw = ymax / 4, mag = mag10(raw);
  static const double m[] = {1, 2, 2.5, 5, 10};
  for (size_t i = 0; i < sizeof m / sizeof *m; i++)
    if (m[i] * mag >= raw * (1 - 1e-12))
      return 4 * m[i] * mag;
  return 40 * mag;
}

/* The layers of the graph: up to TOP_LAYERS categories by bytes, then one
 * for the rest. lay[cat] is a category's layer; names[l] each layer's. */
static int pick_layers(const rp_grid *g, int lay[CATS],
                       const char *names[TOP_LAYERS + 1]) {
  uint64_t by[CATS] = {0}, pk[CATS] = {0};
  for (size_t i = 0; i < g->n; i++) {
    size_t pos = 0;
    int c;
    uint64_t p, b;
    while (capkit_stats_bin_layer_next(g->st, i, &pos, &c, &p, &b) == 1) {
      by[c] += b;
      pk[c] += p;
    }
  }
  int nl = 0, other = 0;
  for (int c = 0; c < CATS; c++)
    lay[c] = -1;
  for (int k = 0; k < TOP_LAYERS; k++) {
    int best = -1;
    for (int c = 1; c < CATS; c++)
      if (lay[c] < 0 && pk[c] &&
          (best < 0 || by[c] > by[best] ||
           (by[c] == by[best] && pk[c] > pk[best])))
        best = c;
    if (best < 0)
      break;
    lay[best] = nl;
    names[nl++] = capkit_layer_name(best);
  }
  for (int c = 0; c < CATS; c++)
    if (lay[c] < 0) {
      lay[c] = nl;
      other |= pk[c] != 0;
    }
  if (other)
    names[nl++] = "other";
  return nl;
}

/* A bin's value of layer L in chart K (0 packets/s, 1 bits/s). */
static double value(const rp_bin *b, const int lay[CATS], int l, int k,
                    double iv) {
  double v = 0;
  for (int c = 0; c < CATS; c++)
    if (lay[c] == l)
      v += k ? 8.0 * (double)b->bytes[c] : (double)b->packets[c];
  return v / iv;
}

/* Empty runs this long (in bins) are gaps: a twentieth of the graph, so
 * that the pauses of periodic traffic are not called gaps. */
static size_t gap_len(size_t n) { return n / 20 > 3 ? n / 20 : 3; }
/* Gaps listed as text (all are drawn). */
#define MAX_GAP_NOTES 20

static void x_axis(tbuf *o, double t0, double span) {
  double st = nice_step(span);
  capkit__rp_f(o, "<g class=\"xax\">");
  for (double t = ceil_to(t0 / st) * st; t <= t0 + span + st * 1e-9; t += st) {
    double x = X0 + (t - t0) / span * PW;
    capkit__rp_f(o, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>", x, x,
                 Y0 + PH, Y0 + PH + 5);
    capkit__rp_f(o, "<text x=\"%.1f\" y=\"%d\">", x, Y0 + PH + 20);
    dur(o, absd(t) < st * 1e-9 ? 0 : t);
    tb_s(o, "</text>");
  }
  tb_s(o, "</g>");
}

static void y_axis(tbuf *o, double ymax, const char *unit) {
  tb_s(o, "<g class=\"yax\">");
  for (int k = 0; k <= 4; k++) {
    double y = Y0 + PH - PH * k / 4.0;
    capkit__rp_f(o, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>", X0,
                 X0 + PW, y, y);
    capkit__rp_f(o, "<text x=\"%d\" y=\"%.1f\">", X0 - 6, y + 4);
    capkit__rp_si(o, ymax * k / 4, unit);
    tb_s(o, "</text>");
  }
  tb_s(o, "</g>");
}

static void one_io(tbuf *o, const rp_grid *s, size_t vi, int k,
                   const int lay[CATS], int nl) {
  double iv = s->iv, t0 = s->t0;
  double ymax = 0;
  rp_bin bin;
  for (size_t i = 0; i < s->n; i++) {
    double sum = 0;
    load(s, i, &bin);
    for (int l = 0; l < nl; l++)
      sum += value(&bin, lay, l, k, iv);
    ymax = sum > ymax ? sum : ymax;
  }
  ymax = nice_top(ymax);
  capkit__rp_f(o,
               "<figure class=\"io\"><figcaption>%s</figcaption>"
               "<svg class=\"chart io\" data-view=\"%zu\" data-k=\"%s\" "
               "data-n=\"%zu\" data-iv=\"%.9g\" data-t0=\"%.9g\" "
               "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">",
               k ? "Bits per second" : "Packets per second", vi,
               k ? "bps" : "pps", s->n, iv, t0, W, H,
               k ? "bits per second over time"
                 : "packets per second over time");
  y_axis(o, ymax, k ? "bit/s" : "/s");
  capkit__rp_f(o,
               "<svg class=\"plot\" x=\"%d\" y=\"%d\" width=\"%d\" "
               "height=\"%d\" viewBox=\"0 0 %zu %d\" "
               "preserveAspectRatio=\"none\">",
               X0, Y0, PW, PH, s->n, PH);
  /* gaps first, under the bars */
  size_t gl = gap_len(s->n);
  for (size_t i = 0; i < s->n;) {
    size_t j = i;
    while (j < s->n && !bin_packets(s, j))
      j++;
    if (j - i >= gl)
      capkit__rp_f(o,
                   "<rect class=\"gap\" x=\"%zu\" y=\"0\" width=\"%zu\" "
                   "height=\"%d\" data-from=\"%.9g\" data-to=\"%.9g\"/>",
                   i, j - i, PH, t0 + (double)i * iv, t0 + (double)j * iv);
    i = j > i ? j : i + 1;
  }
  for (size_t i = 0; i < s->n; i++) {
    const rp_bin *b = &bin;
    uint64_t p = 0, by = 0;
    capkit_stats_bin(s->st, i, NULL, &p, &by);
    if (!p)
      continue;
    load(s, i, &bin);
    capkit__rp_f(o,
                 "<g class=\"bin\" data-t=\"%.9g\" data-p=\"%llu\" "
                 "data-b=\"%llu\" data-l=\"",
                 t0 + (double)i * iv, (unsigned long long)p,
                 (unsigned long long)by);
    for (int l = 0; l < nl; l++)
      capkit__rp_f(o, l ? ",%.0f" : "%.0f", value(b, lay, l, k, 1.0));
    tb_s(o, "\">");
    double y = PH;
    for (int l = 0; l < nl; l++) {
      double h = ymax > 0 ? value(b, lay, l, k, iv) / ymax * PH : 0;
      if (h <= 0)
        continue;
      y -= h;
      capkit__rp_f(o,
                   "<rect class=\"c%d\" x=\"%zu.05\" y=\"%.2f\" width=\".9\" "
                   "height=\"%.2f\"/>",
                   l, i, y, h);
    }
    tb_s(o, "</g>");
  }
  tb_s(o, "<rect class=\"sel\" x=\"0\" y=\"0\" width=\"0\" height=\"180\"/>"
          "</svg>");
  x_axis(o, t0, (double)s->n * iv);
  tb_s(o, "</svg></figure>");
}

void capkit__rp_io_chart(tbuf *o, const rp_view *v, size_t vi) {
  rp_grid g = grid(v);
  const rp_grid *s = &g;
  if (!s->n) {
    tb_s(o, "<p class=\"none\">No packets.</p>");
    return;
  }
  int lay[CATS];
  const char *names[TOP_LAYERS + 1];
  int nl = pick_layers(s, lay, names);
  double iv = s->iv, t0 = s->t0;
  tb_s(o, "<p class=\"note\">Bins of ");
  dur(o, iv);
  tb_s(o, " from the first packet; shaded bands are gaps (no packet for ");
  dur(o, (double)gap_len(s->n) * iv);
  tb_s(o, " or more). Drag across a chart to zoom, double-click to reset."
          "</p><ul class=\"legend\">");
  for (int l = 0; l < nl; l++) {
    capkit__rp_f(o, "<li><i class=\"c%d\"></i>", l);
    capkit__rp_esc(o, names[l]);
    tb_s(o, "</li>");
  }
  tb_s(o, "</ul>");
  for (int k = 0; k < 2; k++)
    one_io(o, s, vi, k, lay, nl);
  /* the gaps as text too */
  size_t gl = gap_len(s->n), ng = 0;
  for (size_t i = 0; i < s->n;) {
    size_t j = i;
    while (j < s->n && !bin_packets(s, j))
      j++;
    if (j - i >= gl && ++ng > MAX_GAP_NOTES) {
      i = j;
      continue;
    }
    if (j - i >= gl) {
      double a = t0 + (double)i * iv, b = t0 + (double)j * iv;
      tb_s(o, ng > 1 ? "<li" : "<ul class=\"gaps\"><li");
      capkit__rp_f(o,
                   " class=\"gapnote\" data-from=\"%.9g\" data-to=\"%.9g\">"
                   "Gap: no packet from ",
                   a, b);
      dur(o, a);
      tb_s(o, " to ");
      dur(o, b);
      tb_s(o, " (");
      dur(o, b - a);
      tb_s(o, ")</li>");
    }
    i = j > i ? j : i + 1;
  }
  if (ng > MAX_GAP_NOTES)
    capkit__rp_f(o, "<li>and %zu more</li>", ng - MAX_GAP_NOTES);
  if (ng)
    tb_s(o, "</ul>");
}

void capkit__rp_size_chart(tbuf *o, const rp_view *v) {
  uint64_t p[CAPKIT_STATS_SIZE_BINS], b[CAPKIT_STATS_SIZE_BINS], pmax = 0;
  uint32_t lo[CAPKIT_STATS_SIZE_BINS], hi[CAPKIT_STATS_SIZE_BINS];
  for (int i = 0; i < CAPKIT_STATS_SIZE_BINS; i++) {
    capkit_stats_size_bin(v->st, i, &lo[i], &hi[i], &p[i], &b[i]);
    pmax = p[i] > pmax ? p[i] : pmax;
  }
  const int h = 200, ph = 150, bw = PW / CAPKIT_STATS_SIZE_BINS;
  capkit__rp_f(o,
               "<figure class=\"sizes\"><figcaption>Packets by original "
               "length (bytes)</figcaption><svg class=\"chart hist\" "
               "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"packet size "
               "histogram\">",
               W, h);
  for (int i = 0; i < CAPKIT_STATS_SIZE_BINS; i++) {
    double bh = pmax ? (double)p[i] / (double)pmax * ph : 0;
    int x = X0 + i * bw;
    capkit__rp_f(o,
                 "<rect class=\"bar c0\" x=\"%d\" y=\"%.2f\" width=\"%d\" "
                 "height=\"%.2f\" data-p=\"%llu\" data-b=\"%llu\" "
                 "data-r=\"%u-%u\"/>",
                 x + 4, Y0 + ph - bh, bw - 8, bh, (unsigned long long)p[i],
                 (unsigned long long)b[i], lo[i], hi[i]);
    if (p[i]) {
      capkit__rp_f(o, "<text class=\"val\" x=\"%d\" y=\"%.2f\">", x + bw / 2,
                   Y0 + ph - bh - 4);
      capkit__rp_count(o, p[i]);
      tb_s(o, "</text>");
    }
    /* the range on two lines, so that wide numbers do not collide */
    capkit__rp_f(o, "<text x=\"%d\" y=\"%d\">%u%s", x + bw / 2, Y0 + ph + 16,
                 lo[i], hi[i] == UINT32_MAX ? "+" : "–");
    if (hi[i] != UINT32_MAX)
      capkit__rp_f(o, "<tspan x=\"%d\" dy=\"13\">%u</tspan>", x + bw / 2,
                   hi[i]);
    tb_s(o, "</text>");
  }
  capkit__rp_f(o,
               "<line class=\"base\" x1=\"%d\" x2=\"%d\" y1=\"%d\" "
               "y2=\"%d\"/></svg></figure>",
               X0, X0 + PW, Y0 + ph, Y0 + ph);
}
