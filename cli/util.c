/* util.c - shared helpers of the subcommands: messages, exit codes, number
 * and time formatting, JSON strings. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <capkit/json.h>

#include "cli.h"

void cli_err(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (cmd)
    fprintf(stderr, "%s %s: ", cli_prog, cmd);
  else
    fprintf(stderr, "%s: ", cli_prog);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s %s: ", cli_prog, cmd);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\nTry '%s %s --help'.\n", cli_prog, cmd);
  va_end(ap);
  return EXIT_USAGE;
}

int cli_exit_for(int code) {
  switch (capkit_error_class_of(code)) {
  case CAPKIT_CLASS_NONE:
    return EXIT_OK;
  case CAPKIT_CLASS_DATA:
    return EXIT_DATA;
  case CAPKIT_CLASS_USAGE:
    return EXIT_USAGE;
  default:
    return EXIT_IO;
  }
}

int cli_parse_u64(const char *s, uint64_t *out) {
  if (!s || !isdigit((unsigned char)*s))
    return -1;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end)
    return -1;
  *out = v;
  return 0;
}

int cli_parse_size(const char *s, uint64_t *out) {
  if (!s || !isdigit((unsigned char)*s))
    return -1;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno)
    return -1;
  uint64_t mult = 1;
  if (*end) {
    static const struct {
      const char *suf;
      uint64_t mult;
    } sufs[] = {{"k", 1000ULL},         {"K", 1000ULL},
                {"M", 1000000ULL},      {"G", 1000000000ULL},
                {"KiB", 1ULL << 10},    {"MiB", 1ULL << 20},
                {"GiB", 1ULL << 30},    {"KB", 1000ULL},
                {"MB", 1000000ULL},     {"GB", 1000000000ULL}};
    size_t i;
    for (i = 0; i < sizeof sufs / sizeof sufs[0]; i++)
      if (strcmp(end, sufs[i].suf) == 0)
        break;
    if (i == sizeof sufs / sizeof sufs[0])
      return -1;
    mult = sufs[i].mult;
  }
  if (v > UINT64_MAX / mult)
    return -1;
  *out = v * mult;
  return 0;
}

int cli_parse_byte_order(const char *s, capkit_byte_order *out) {
  if (strcmp(s, "little") == 0 || strcmp(s, "le") == 0)
    *out = CAPKIT_BO_LITTLE;
  else if (strcmp(s, "big") == 0 || strcmp(s, "be") == 0)
    *out = CAPKIT_BO_BIG;
  else if (strcmp(s, "native") == 0)
    *out = CAPKIT_BO_NATIVE;
  else
    return -1;
  return 0;
}

int64_t cli_clock_ns(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void cli_catch_stop_signals(void (*handler)(int), int hup) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  if (hup)
    sigaction(SIGHUP, &sa, NULL);
}

int cli_parse_positive(const char *s, double max, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end || !(v > 0) || v > max)
    return -1;
  *out = v;
  return 0;
}

int cli_parse_precision(const char *s, unsigned *out) {
  if (strcmp(s, "us") == 0 || strcmp(s, "usec") == 0 ||
      strcmp(s, "micro") == 0 || strcmp(s, "6") == 0)
    *out = 6;
  else if (strcmp(s, "ns") == 0 || strcmp(s, "nsec") == 0 ||
           strcmp(s, "nano") == 0 || strcmp(s, "9") == 0)
    *out = 9;
  else
    return -1;
  return 0;
}

static void fmt_common(char *out, size_t cap, int64_t sec, uint32_t nsec,
                       unsigned digits, const char *datefmt, const char *zone) {
  time_t t = (time_t)sec;
  struct tm tm;
  if (!gmtime_r(&t, &tm)) {
    snprintf(out, cap, "%" PRId64 ".%09u", sec, nsec);
    return;
  }
  char base[64];
  strftime(base, sizeof base, datefmt, &tm);
  if (digits == 9)
    snprintf(out, cap, "%s.%09u%s", base, nsec, zone);
  else if (digits == 6)
    snprintf(out, cap, "%s.%06u%s", base, nsec / 1000, zone);
  else
    snprintf(out, cap, "%s%s", base, zone);
}

void cli_fmt_time(char *out, size_t cap, int64_t sec, uint32_t nsec,
                  unsigned digits) {
  fmt_common(out, cap, sec, nsec, digits, "%Y-%m-%d %H:%M:%S", "");
}

void cli_fmt_time_iso(char *out, size_t cap, int64_t sec, uint32_t nsec,
                      unsigned digits) {
  fmt_common(out, cap, sec, nsec, digits, "%Y-%m-%dT%H:%M:%S", "Z");
}

void cli_json_str(FILE *f, const char *s) {
  size_t k = s ? strlen(s) : 0;
  char small[512];
  char *t = small;
  size_t need = CAPKIT_JSON_STRING_MAX(k) + 1;
  if (need > sizeof small && !(t = malloc(need))) {
    fputs("\"\"", f); /* out of memory: an empty string */
    return;
  }
  size_t n = capkit_json_string(t, need, s ? s : "", k);
  fwrite(t, 1, n, f);
  if (t != small)
    free(t);
}

capkit_reader *cli_open_reader(const char *cmd, const char *path, int *code) {
  capkit_reader *r = capkit_reader_new();
  if (!r) {
    cli_err(cmd, "out of memory");
    *code = EXIT_IO;
    return NULL;
  }
  int rc = capkit_reader_open_path(r, path);
  if (rc < 0) {
    cli_err(cmd, "%s", capkit_reader_error(r));
    *code = cli_exit_for(rc);
    capkit_reader_free(r);
    return NULL;
  }
  *code = EXIT_OK;
  return r;
}

int cli_input_open(cli_input *in, const char *cmd, const char *path,
                   capkit_filter *flt) {
  int code;
  in->cmd = cmd;
  in->flt = flt;
  in->r = cli_open_reader(cmd, path, &code);
  if (!in->r)
    return code;
  if (flt) {
    const capkit_file_info *inf = capkit_reader_info(in->r);
    if (capkit_filter_prepare(flt, inf ? inf->linktype : 1) != 0) {
      cli_err(cmd, "bad filter '%s': %s", capkit_filter_expr(flt),
              capkit_filter_error(flt));
      cli_input_close(in);
      return EXIT_USAGE;
    }
  }
  return EXIT_OK;
}

int cli_input_next(cli_input *in, capkit_record *rec) {
  int rc;
  while ((rc = capkit_reader_next(in->r, rec)) > 0) {
    if (!in->flt)
      return 1;
    int m = capkit_filter_match(in->flt, rec);
    if (m != 0)
      return m;
  }
  return rc;
}

int cli_input_report(const cli_input *in, const capkit_record *rec, int rc) {
  if (rc == CAPKIT_EFILTER)
    return cli_filter_failed(in->cmd, in->r, rec->number, in->flt);
  cli_err(in->cmd, "%s", capkit_reader_error(in->r));
  return cli_exit_for(rc);
}

void cli_input_close(cli_input *in) {
  capkit_reader_free(in->r);
  in->r = NULL;
}

int cli_out_opt(const char *cmd, cli_out_opts *o, int opt, const char *arg) {
  switch (opt) {
  case 'F':
    o->format = arg;
    return 0;
  case 'b':
    if (cli_parse_byte_order(arg, &o->bo))
      return cli_usage_error(cmd, "bad byte order '%s'", arg), -1;
    o->have_bo = 1;
    return 0;
  case 'p':
    if (cli_parse_precision(arg, &o->prec))
      return cli_usage_error(cmd, "bad precision '%s'", arg), -1;
    o->have_prec = 1;
    return 0;
  case 's':
    if (cli_parse_u64(arg, &o->snap) || o->snap == 0 || o->snap > UINT32_MAX)
      return cli_usage_error(cmd, "bad snaplen '%s'", arg), -1;
    return 0;
  case 'l':
    if (capkit_linktype_from_name(arg, &o->lt))
      return cli_usage_error(cmd, "unknown link type '%s'", arg), -1;
    o->have_lt = 1;
    return 0;
  }
  return cli_usage_error(cmd, "invalid option"), -1;
}

int cli_out_open(const char *cmd, capkit_writer *w, const cli_out_opts *o,
                 const char *path) {
  int rc = 0;
  if (o->format && (rc = capkit_writer_set_format(w, o->format)))
    cli_err(cmd, "cannot write format '%s'", o->format);
  if (!rc && o->have_bo)
    rc = capkit_writer_set_byte_order(w, o->bo);
  if (!rc && o->have_prec)
    rc = capkit_writer_set_precision(w, o->prec);
  if (!rc && o->snap)
    rc = capkit_writer_set_snaplen(w, (uint32_t)o->snap);
  if (!rc && o->have_lt)
    rc = capkit_writer_set_linktype(w, o->lt);
  if (!rc && (rc = capkit_writer_open_path(w, path)) < 0)
    cli_err(cmd, "%s", capkit_writer_error(w));
  return rc;
}

int cli_filter_failed(const char *cmd, const capkit_reader *r,
                      uint64_t record, const capkit_filter *flt) {
  cli_err(cmd, "%s: record %" PRIu64 ": filter '%s': %s",
          capkit_reader_name(r), record, capkit_filter_expr(flt),
          capkit_filter_error(flt));
  return EXIT_USAGE;
}

int cli_stdin_once(const char *cmd, int n, char **paths) {
  int seen = 0;
  for (int i = 0; i < n; i++)
    if (!strcmp(paths[i], "-") && seen++)
      return cli_usage_error(cmd, "standard input ('-') named twice");
  return 0;
}

/* ---- times ---- */

int cli_parse_frac(const char **pp, int64_t *ns) {
  const char *p = *pp;
  *ns = 0;
  if (*p != '.')
    return 0;
  p++;
  if (!isdigit((unsigned char)*p))
    return -1;
  int64_t scale = 100000000;
  while (isdigit((unsigned char)*p)) {
    *ns += (*p - '0') * scale;
    scale /= 10;
    p++;
  }
  *pp = p;
  return 0;
}

int cli_parse_time(const char *s, int64_t *ns) {
  if (*s == '@') {
    int64_t d;
    if (cli_parse_duration(s + 1, &d))
      return -1;
    *ns = d;
    return 0;
  }
  int Y, M, D, h, m, sec, n = 0;
  if (sscanf(s, "%4d-%2d-%2d%n", &Y, &M, &D, &n) != 3 || n != 10)
    return -1;
  const char *p = s + 10;
  h = m = sec = 0;
  int64_t frac = 0;
  if (*p == 'T' || *p == 't' || *p == ' ') {
    n = 0;
    if (sscanf(p + 1, "%2d:%2d:%2d%n", &h, &m, &sec, &n) != 3 || n != 8)
      return -1;
    p += 9;
    if (cli_parse_frac(&p, &frac))
      return -1;
  }
  int64_t off = 0;
  if (*p == 'Z' || *p == 'z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    int oh, om;
    n = 0;
    if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5)
      return -1;
    off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
    p += 6;
  }
  if (*p || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 ||
      sec > 60)
    return -1;
  /* Days from the civil date (Howard Hinnant's algorithm). */
  int y = Y - (M <= 2);
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (M + (M > 2 ? -3 : 9)) + 2) / 5 + D - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = (int64_t)era * 146097 + doe - 719468;
  int64_t t = days * 86400 + h * 3600 + m * 60 + sec - off;
  *ns = t * 1000000000 + frac;
  return 0;
}


int cli_parse_duration(const char *s, int64_t *ns) {
  const char *p = s;
  int neg = 0;
  if (*p == '+' || *p == '-')
    neg = *p++ == '-';
  if (!isdigit((unsigned char)*p))
    return -1;
  errno = 0;
  char *end;
  unsigned long long whole = strtoull(p, &end, 10);
  if (errno || whole > 9000000000ULL)
    return -1;
  p = end;
  int64_t frac;
  if (cli_parse_frac(&p, &frac))
    return -1;
  int64_t mult = 1000000000; /* seconds by default */
  if (strcmp(p, "ns") == 0)
    mult = 1;
  else if (strcmp(p, "us") == 0)
    mult = 1000;
  else if (strcmp(p, "ms") == 0)
    mult = 1000000;
  else if (strcmp(p, "s") == 0 || !*p)
    mult = 1000000000;
  else if (strcmp(p, "m") == 0 || strcmp(p, "min") == 0)
    mult = 60LL * 1000000000;
  else if (strcmp(p, "h") == 0)
    mult = 3600LL * 1000000000;
  else
    return -1;
  if (whole > (unsigned long long)(INT64_MAX / mult) - 1)
    return -1;
  int64_t v = (int64_t)whole * mult + (int64_t)((double)frac / 1e9 * mult);
  *ns = neg ? -v : v;
  return 0;
}
