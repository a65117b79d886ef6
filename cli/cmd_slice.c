/* cmd_slice.c - capkit slice: keep records by number ranges, the first or
 * last N, or a time window (like editcap -r, -A, -B), in one pass; --last
 * keeps a ring of N records, nothing more. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cut.h"

static const char slice_usage[] =
    "usage: capkit slice IN -o OUT [RANGES...] [options]\n\n"
    "Keep part of a capture. Records are numbered from 1 in the input.\n"
    "Selections combine: -f first, then ranges, then the time window, then\n"
    "--first/--last among what is left.\n\n"
    "  RANGES, -r, --records RANGES\n"
    "                         record numbers: '1-100,250,1000-' (open ends\n"
    "                         allowed); several operands or -r add up\n"
    "      --first N          the first N records\n"
    "      --last N           the last N records (kept in memory: N records)\n"
    "      --from TIME        records at or after TIME\n"
    "      --to TIME          records before TIME (TIME itself excluded)\n"
    "                         TIME: RFC 3339 ('2024-05-01T10:00:00.5Z',\n"
    "                         '+02:00' offsets), '@SECONDS' since the epoch,\n"
    "                         or '+DURATION' after the first record\n"
    "                         ('+1.5s', '+250ms', '+2m')\n"
    "Record edits, as editcap's (on the records kept):\n";

typedef struct range {
  uint64_t lo, hi; /* inclusive; hi UINT64_MAX: open */
} range;

typedef struct held {
  capkit_record rec;
  uint8_t *buf;
  size_t cap;
  char *comment;
} held;

typedef struct slice {
  range *ranges;
  size_t n_ranges;
  uint64_t max_number; /* beyond it no range matches */
  uint64_t first, last;
  int have_first, have_last;
  capkit_time from, to;
  int have_from, have_to, rel_from, rel_to;
  int have_t0;
  uint64_t kept;
  capkit_editor *ed; /* editcap's record edits, or NULL */
  held *ring;
  size_t ring_n, ring_cap, ring_pos;
} slice;

static int add_ranges(slice *s, const char *spec) {
  const char *p = spec;
  while (*p) {
    char *end;
    range r;
    if (*p == '-') {
      r.lo = 1;
    } else {
      if (*p < '0' || *p > '9')
        return -1;
      r.lo = strtoull(p, &end, 10);
      p = end;
    }
    if (*p == '-') {
      p++;
      if (*p >= '0' && *p <= '9') {
        r.hi = strtoull(p, &end, 10);
        p = end;
      } else {
        r.hi = UINT64_MAX;
      }
    } else {
      r.hi = r.lo;
    }
    if (r.lo == 0 || r.hi < r.lo)
      return -1;
    if (*p == ',')
      p++;
    else if (*p)
      return -1;
    range *n = realloc(s->ranges, (s->n_ranges + 1) * sizeof *n);
    if (!n)
      return -1;
    s->ranges = n;
    s->ranges[s->n_ranges++] = r;
    if (r.hi > s->max_number)
      s->max_number = r.hi;
  }
  return 0;
}

static int own(void *ctx, int opt, const char *arg) {
  slice *s = ctx;
  int e = cli_edit_opt("slice", &s->ed, opt, arg);
  if (e)
    return e < 0 ? -1 : 0;
  switch (opt) {
  case 'r':
    if (add_ranges(s, arg))
      return cli_usage_error("slice", "bad record ranges '%s'", arg), -1;
    return 0;
  case CUT_OPT_OWN:
    if (cli_parse_u64(arg, &s->first))
      return cli_usage_error("slice", "bad --first '%s'", arg), -1;
    s->have_first = 1;
    return 0;
  case CUT_OPT_OWN + 1:
    if (cli_parse_u64(arg, &s->last) || s->last == 0 || s->last > 100000000)
      return cli_usage_error("slice", "bad --last '%s'", arg), -1;
    s->have_last = 1;
    return 0;
  case CUT_OPT_OWN + 2:
  case CUT_OPT_OWN + 3: {
    int is_from = opt == CUT_OPT_OWN + 2;
    capkit_time v;
    /* '+DURATION' is relative; '+10000-01-01' an expanded-year date */
    int rel = arg[0] == '+' && capkit_time_parse_duration(arg, &v) == 0;
    if (!rel && capkit_time_parse(arg, &v))
      return cli_usage_error("slice", "bad time '%s'", arg), -1;
    if (is_from) {
      s->from = v;
      s->have_from = 1;
      s->rel_from = rel;
    } else {
      s->to = v;
      s->have_to = 1;
      s->rel_to = rel;
    }
    return 0;
  }
  }
  return cli_usage_error("slice", "invalid option"), -1;
}

static int in_ranges(const slice *s, uint64_t n) {
  if (!s->n_ranges)
    return 1;
  for (size_t i = 0; i < s->n_ranges; i++)
    if (n >= s->ranges[i].lo && n <= s->ranges[i].hi)
      return 1;
  return 0;
}

static int hold(held *h, const capkit_record *rec) {
  if (h->cap < rec->caplen) {
    size_t cap = rec->caplen < 256 ? 256 : rec->caplen;
    uint8_t *b = realloc(h->buf, cap);
    if (!b)
      return -1;
    h->buf = b;
    h->cap = cap;
  }
  if (rec->caplen)
    memcpy(h->buf, rec->data, rec->caplen);
  free(h->comment);
  h->comment = NULL;
  if (rec->comment && !(h->comment = strdup(rec->comment)))
    return -1;
  h->rec = *rec;
  h->rec.data = h->buf;
  h->rec.comment = h->comment;
  h->rec.extra = NULL; /* the input's extras do not outlive the record */
  return 0;
}

/* *v = t0 + the duration *v; past the ends of time it stays the farthest
 * time, which keeps its meaning for the comparisons. */
static void relative(capkit_time *v, capkit_time t0) {
  capkit_time d = *v;
  if (capkit_time_add(t0, d, v)) {
    v->sec = d.sec < 0 ? INT64_MIN : INT64_MAX;
    v->nsec = d.sec < 0 ? 0 : 999999999;
  }
}

static int each(void *ctx, capkit_record *rec) {
  slice *s = ctx;
  if (s->n_ranges && rec->number > s->max_number)
    return 2;
  capkit_time t = capkit_record_time(rec);
  if (!s->have_t0) {
    s->have_t0 = 1; /* the first record of the input sets relative times */
    if (s->rel_from)
      relative(&s->from, t);
    if (s->rel_to)
      relative(&s->to, t);
  }
  if (!in_ranges(s, rec->number))
    return 0;
  if ((s->have_from && capkit_time_cmp(t, s->from) < 0) ||
      (s->have_to && capkit_time_cmp(t, s->to) >= 0))
    return 0;
  if (s->have_last) {
    if (s->ring_n < s->last) {
      if (s->ring_n == s->ring_cap) { /* grow geometrically, up to N */
        size_t cap = s->ring_cap ? s->ring_cap * 2 : 64;
        if (cap > s->last)
          cap = (size_t)s->last;
        held *n = realloc(s->ring, cap * sizeof *n);
        if (!n)
          goto oom;
        s->ring = n;
        s->ring_cap = cap;
      }
      memset(&s->ring[s->ring_n], 0, sizeof *s->ring);
      if (hold(&s->ring[s->ring_n++], rec))
        goto oom;
    } else {
      if (hold(&s->ring[s->ring_pos], rec))
        goto oom;
      s->ring_pos = (s->ring_pos + 1) % s->ring_n;
    }
    return 0;
  }
  if (s->have_first && s->kept >= s->first)
    return 2;
  s->kept++;
  int code = cli_edit_apply("slice", s->ed, rec);
  return code ? -code : 1;
oom:
  cli_err("slice", "out of memory");
  return -EXIT_IO;
}

static int end(void *ctx, const char *cmd, cut_out *o) {
  slice *s = ctx;
  for (size_t i = 0; i < s->ring_n; i++) {
    held *h = &s->ring[(s->ring_pos + i) % s->ring_n];
    if (s->have_first && s->kept >= s->first)
      break;
    s->kept++;
    int code = cli_edit_apply(cmd, s->ed, &h->rec);
    if (!code)
      code = cut_out_write(cmd, o, &h->rec);
    if (code)
      return code;
  }
  return 0;
}

int cmd_slice(int argc, char **argv) {
  static const struct option opts[] = {
      CUT_COMMON_LONGOPTS,
      {"records", required_argument, NULL, 'r'},
      {"first", required_argument, NULL, CUT_OPT_OWN},
      {"last", required_argument, NULL, CUT_OPT_OWN + 1},
      {"from", required_argument, NULL, CUT_OPT_OWN + 2},
      {"to", required_argument, NULL, CUT_OPT_OWN + 3},
      CLI_EDIT_LONGOPTS,
      {NULL, 0, NULL, 0}};
  cut_common c;
  memset(&c, 0, sizeof c);
  slice s;
  memset(&s, 0, sizeof s);
  char help[sizeof slice_usage + 2048];
  snprintf(help, sizeof help, "%s%s", slice_usage, cli_edit_help);
  int code = cut_parse("slice", argc, argv, opts,
                       CUT_COMMON_SHORT "r:" CLI_EDIT_SHORT, &c, help, own, &s);
  if (code == CUT_GO && optind >= argc)
    code = cli_usage_error("slice", "no input file");
  for (int i = optind + 1; code == CUT_GO && i < argc; i++)
    if (add_ranges(&s, argv[i]))
      code = cli_usage_error("slice", "bad record ranges '%s'", argv[i]);
  if (code == CUT_GO) {
    cli_edit_ready("slice", s.ed);
    cut_ops ops = {each, end, 0};
    code = cut_run("slice", &c, argv[optind], &ops, &s);
  }
  for (size_t i = 0; i < s.ring_n; i++) {
    free(s.ring[i].buf);
    free(s.ring[i].comment);
  }
  free(s.ring);
  free(s.ranges);
  capkit_editor_free(s.ed);
  return code;
}
