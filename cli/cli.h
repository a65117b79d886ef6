/* cli.h - what the subcommands share: the command type, exit codes, option
 * parsing helpers and output helpers. The tool uses only <capkit/...>. */
#ifndef CAPKIT_CLI_H
#define CAPKIT_CLI_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <capkit/capkit.h>
#include <capkit/input.h>

/* Exit codes, documented in capkit --help and capkit(1). */
enum {
  EXIT_OK = 0,
  EXIT_DATA = 1,  /* invalid or damaged capture data */
  EXIT_USAGE = 2, /* usage error */
  EXIT_IO = 3,    /* I/O or system error */
};

typedef struct cli_command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} cli_command;

/* The program name for messages ("capkit"). */
extern const char *cli_prog;

/* Print "capkit CMD: message" to stderr. */
void cli_err(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The plural ending of a count in a message: "1 record", "2 records". */
static inline const char *cli_s(uint64_t n) { return n == 1 ? "" : "s"; }
/* Exit code for a library error code. */
int cli_exit_for(int code);
/* Usage error: message plus "see capkit CMD --help"; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parse an unsigned number with optional k/M/G (1000s) or KiB/MiB/GiB
 * suffixes (capkit_parse_count). 0 on success. Plain decimals, byte
 * orders and precisions: capkit_parse_decimal, capkit_parse_byte_order,
 * capkit_parse_precision. */
int cli_parse_size(const char *s, uint64_t *out);
/* Parse a plain decimal number above 0 and at most max (fractions and
 * exponents allowed, no suffix). 0 on success. */
int cli_parse_positive(const char *s, double max, double *out);
/* An interval in seconds (cli_parse_positive up to 1e9, fractions
 * allowed) as nanoseconds, rounded; 0 on success, -1 for bad text or an
 * interval that rounds to 0. */
int cli_parse_interval(const char *s, uint64_t *ns);
/* Durations: "1.5", "1.5s", "250ms", "10us", "5ns", "2m", "1h", with an
 * optional sign. 0 ok; -1 for bad text or beyond +-292 years (exact:
 * capkit_time_parse_duration). */
int cli_parse_duration(const char *s, int64_t *ns);

/* clock c now, in nanoseconds (saturated past 2262). */
int64_t cli_clock_ns(clockid_t c);
/* Call handler on SIGINT and SIGTERM (and SIGHUP when hup is set), which
 * then no longer end the process: the command stops cleanly. */
void cli_catch_stop_signals(void (*handler)(int), int hup);

/* Format a timestamp as "YYYY-MM-DD HH:MM:SS.ffffff" UTC with digits
 * fraction digits (0..9), any year (capkit_time_format). */
void cli_fmt_time(char *out, size_t cap, int64_t sec, uint32_t nsec,
                  unsigned digits);
/* A library write function (capkit_stats_write_fn, capkit_printer_write_fn)
 * onto standard output: 0, or -1 when fwrite fell short. */
int cli_write_stdout(void *user, const void *p, size_t n);
/* Write s as a JSON string (with quotes). */
void cli_json_str(FILE *f, const char *s);

/* The output settings of the commands that make captures from scratch
 * (gen, import): -F FORMAT, -b ORDER, -p PRECISION, -s SNAPLEN, -l TYPE. */
typedef struct cli_out_opts {
  const char *format; /* NULL: the writer's default */
  int have_bo, have_prec, have_lt;
  capkit_byte_order bo;
  unsigned prec;
  uint64_t snap; /* 0: the writer's default */
  uint32_t lt;
} cli_out_opts;
/* Take option opt, one of F b p s l, with its argument: 0, or -1 after a
 * usage error was printed (return EXIT_USAGE). */
int cli_out_opt(const char *cmd, cli_out_opts *o, int opt, const char *arg);
/* The settings of o that were set, for the library's gen and import. */
static inline capkit_build_output cli_build_output(const cli_out_opts *o) {
  capkit_build_output b = CAPKIT_BUILD_OUTPUT_INIT;
  b.format = o->format;
  b.byte_order = o->have_bo ? (int)o->bo : -1;
  b.precision = o->have_prec ? o->prec : 0;
  b.snaplen = (uint32_t)o->snap;
  b.linktype = o->have_lt ? (int32_t)o->lt : -1;
  return b;
}

/* Report the lossy writes of w (before it is opened) on standard error,
 * "capkit CMD: warning: ...", the first of each kind (records cut to the
 * snaplen asked for are not reported). */
void cli_writer_warnings(const char *cmd, capkit_writer *w);

/* Usage error (returns EXIT_USAGE) when standard input ('-') is named more
 * than once among the n paths: the second would read nothing; else 0. */
int cli_stdin_once(const char *cmd, int n, char **paths);

/* Open a reader on path, printing the error; returns NULL on failure and
 * sets *code to the exit code. */
capkit_reader *cli_open_reader(const char *cmd, const char *path, int *code);

/* Print the message of IN's failure (capkit_input_error) and return the
 * exit code of its code RC. */
int cli_input_fail(const char *cmd, const capkit_input *in, int rc);
/* Open PATH into IN with FLT (capkit_input_open): 0, or after printing
 * the failure its exit code, also kept in *CODE when that was 0 or the
 * failure is a usage error (a filter that does not compile: stop). */
int cli_input_open(const char *cmd, capkit_input *in, const char *path,
                   capkit_filter *flt, int *code);
/* Print "CMD: FILE: record N: filter 'EXPR': why" for a record of r that
 * flt could not match (CAPKIT_EFILTER); returns EXIT_USAGE. */
int cli_filter_failed(const char *cmd, const capkit_reader *r,
                      uint64_t record, const capkit_filter *flt);

/* The packet-rewriting options (tcprewrite's names), shared by rewrite and
 * replay: X(index, long name, has_arg, short option or 0-free code). The
 * long options get codes CLI_OPT_REWRITE + index. */
#define CLI_OPT_REWRITE 2000
#define CLI_REWRITE_OPTIONS(X)                                                 \
  X(0, "enet-smac", required_argument, CLI_OPT_REWRITE + 0)                    \
  X(1, "enet-dmac", required_argument, CLI_OPT_REWRITE + 1)                    \
  X(2, "enet-subsmac", required_argument, CLI_OPT_REWRITE + 2)                 \
  X(3, "skipl2broadcast", no_argument, CLI_OPT_REWRITE + 3)                    \
  X(4, "enet-vlan", required_argument, CLI_OPT_REWRITE + 4)                    \
  X(5, "enet-vlan-tag", required_argument, CLI_OPT_REWRITE + 5)                \
  X(6, "enet-vlan-pri", required_argument, CLI_OPT_REWRITE + 6)                \
  X(7, "enet-vlan-cfi", required_argument, CLI_OPT_REWRITE + 7)                \
  X(8, "enet-vlan-proto", required_argument, CLI_OPT_REWRITE + 8)              \
  X(9, "srcipmap", required_argument, 'S')                                     \
  X(10, "dstipmap", required_argument, 'D')                                    \
  X(11, "pnat", required_argument, 'N')                                        \
  X(12, "seed", required_argument, 's')                                        \
  X(13, "skipbroadcast", no_argument, 'b')                                     \
  X(14, "portmap", required_argument, 'r')                                     \
  X(15, "ttl", required_argument, CLI_OPT_REWRITE + 15)                        \
  X(16, "mtu", required_argument, 'm')                                         \
  X(17, "mtu-trunc", no_argument, CLI_OPT_REWRITE + 17)                        \
  X(18, "fixcsum", no_argument, 'C')
#define CLI__RW_LONGOPT(i, name, has, code) {name, has, NULL, code},
#define CLI_REWRITE_LONGOPTS CLI_REWRITE_OPTIONS(CLI__RW_LONGOPT)
#define CLI_REWRITE_SHORT "S:D:N:s:br:m:C"
extern const char cli_rewrite_help[];
/* Handle one rewriting option into *rw (created on first use): 1 handled,
 * 0 not a rewriting option, -1 error (printed). */
int cli_rewrite_opt(const char *cmd, capkit_rewriter **rw, int opt,
                    const char *arg);
/* "CMD: N packets, M changed, ..." on standard error; rw may be NULL. */
void cli_rewrite_summary(const char *cmd, const capkit_rewriter *rw);

/* editcap's record edits (-C, -L, -E, --seed, --error-offset, -S), for
 * slice, snap and convert (defined in cmd_convert.c). */
#define CLI_OPT_EDIT 2100
#define CLI_EDIT_LONGOPTS                                                      \
  {"chop", required_argument, NULL, 'C'},                                      \
      {"adjust-origlen", no_argument, NULL, 'L'},                              \
      {"error-prob", required_argument, NULL, 'E'},                            \
      {"seed", required_argument, NULL, CLI_OPT_EDIT},                         \
      {"error-offset", required_argument, NULL, CLI_OPT_EDIT + 1},             \
      {"strict-time", required_argument, NULL, 'S'}
#define CLI_EDIT_SHORT "C:LE:S:"
extern const char cli_edit_help[];
/* Handle one edit option into *e (created on first use): 1 handled, 0 not
 * an edit option, -1 error (printed). */
int cli_edit_opt(const char *cmd, capkit_editor **e, int opt, const char *arg);
/* After the options: -E without --seed gets a seed from the clock, named
 * on standard error so that the run can be repeated. */
void cli_edit_ready(const char *cmd, capkit_editor *e);

/* A text output written whole or not at all (temporary name, renamed
 * into place on success), or standard output for NULL or "-". */
typedef struct cli_outfile {
  FILE *f;
  struct capkit_outfile *h;
} cli_outfile;
/* Prints the error and returns its exit code (0 on success). */
int cli_outfile_open(cli_outfile *of, const char *cmd, const char *path);
/* Finish with the command's exit code so far: the file is renamed into
 * place when it is 0 or 1 (rows before damage kept, like the other
 * outputs of a stream), else removed. Returns the final code. */
int cli_outfile_close(cli_outfile *of, const char *cmd, int code);

#endif
