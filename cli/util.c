/* util.c - shared helpers of the subcommands: messages, exit codes, number
 * and time formatting, JSON strings. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
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
  /* getopt has already said which option and why (see main.c) */
  if (strcmp(fmt, "invalid option") != 0) {
    fprintf(stderr, "%s %s: ", cli_prog, cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
  }
  fprintf(stderr, "Try '%s %s --help'.\n", cli_prog, cmd);
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

int cli_parse_size(const char *s, uint64_t *out) {
  return capkit_parse_count(s, out) ? -1 : 0;
}

int64_t cli_clock_ns(clockid_t c) {
  struct timespec ts;
  if (clock_gettime(c, &ts))
    return 0;
  capkit_time t = {(int64_t)ts.tv_sec, (uint32_t)ts.tv_nsec};
  return capkit_time_to_ns_sat(t);
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

int cli_parse_interval(const char *s, uint64_t *ns) {
  double v;
  if (cli_parse_positive(s, 1e9, &v))
    return -1;
  *ns = (uint64_t)llround(v * 1e9);
  return *ns > 0 ? 0 : -1;
}

void cli_fmt_time(char *out, size_t cap, int64_t sec, uint32_t nsec,
                  unsigned digits) {
  capkit_time t = {sec, nsec};
  capkit_time_format(out, cap, t, digits, CAPKIT_TIME_FMT_SPACE);
}

int cli_write_stdout(void *user, const void *p, size_t n) {
  (void)user;
  return fwrite(p, 1, n, stdout) == n ? 0 : -1;
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

int cli_input_fail(const char *cmd, const capkit_input *in, int rc) {
  cli_err(cmd, "%s", capkit_input_error(in));
  return cli_exit_for(rc);
}

int cli_input_open(const char *cmd, capkit_input *in, const char *path,
                   capkit_filter *flt, int *code) {
  int rc = capkit_input_open(in, path, flt);
  if (rc == 0)
    return 0;
  int e = cli_input_fail(cmd, in, rc);
  if (!*code || e == EXIT_USAGE)
    *code = e;
  return e;
}

int cli_out_opt(const char *cmd, cli_out_opts *o, int opt, const char *arg) {
  switch (opt) {
  case 'F':
    o->format = arg;
    return 0;
  case 'b':
    if (capkit_parse_byte_order(arg, &o->bo))
      return cli_usage_error(cmd, "bad byte order '%s'", arg), -1;
    o->have_bo = 1;
    return 0;
  case 'p':
    if (capkit_parse_precision(arg, &o->prec))
      return cli_usage_error(cmd, "bad precision '%s'", arg), -1;
    o->have_prec = 1;
    return 0;
  case 's':
    if (capkit_parse_decimal(arg, &o->snap) || o->snap == 0 ||
        o->snap > UINT32_MAX)
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

/* The first warning of each kind a writer gives; a record cut to the
 * snaplen is what the options asked for and is not reported. */
void cli_writer_warning(void *user, int warning, uint64_t offset,
                        uint64_t record, const char *msg) {
  static uint64_t seen;
  (void)offset;
  (void)record;
  if (warning == CAPKIT_W_RECORD_CUT ||
      (warning >= 0 && warning < 64 && (seen >> warning & 1)))
    return;
  if (warning >= 0 && warning < 64)
    seen |= (uint64_t)1 << warning;
  cli_err((const char *)user, "warning: %s (not repeated for later records)",
          msg);
}

void cli_writer_warnings(const char *cmd, capkit_writer *w) {
  if (w)
    capkit_writer_set_warning_fn(w, cli_writer_warning, (void *)(uintptr_t)cmd);
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

/* ---- times: wrappers over <capkit/time.h> for nanosecond counts ---- */

int cli_parse_duration(const char *s, int64_t *ns) {
  capkit_time t;
  return capkit_time_parse_duration(s, &t) || capkit_time_to_ns(t, ns) ? -1
                                                                       : 0;
}
