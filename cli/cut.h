/* cut.h - what the commands that cut, join and reshape captures share:
 * the common options (-o, -f, -F, --keep-partial, --linktype, --strip-fcs),
 * filtered input, outputs set up like their input, the damage policy, and
 * a driver for the one-input, one-output commands. */
#ifndef CAPKIT_CLI_CUT_H
#define CAPKIT_CLI_CUT_H

#include <getopt.h>
#include <stdint.h>

#include "cli.h"

/* Option codes of the common options; commands number theirs from
 * CUT_OPT_OWN on. */
enum {
  CUT_OPT_KEEP = 1000,
  CUT_OPT_LT,
  CUT_OPT_FCS,
  CUT_OPT_COMPRESS,
  CUT_OPT_OWN = 1100
};

/* The long options every cutting command takes; put first in its table. */
#define CUT_COMMON_LONGOPTS                                                    \
  {"output", required_argument, NULL, 'o'},                                    \
      {"filter", required_argument, NULL, 'f'},                                \
      {"format", required_argument, NULL, 'F'},                                \
      {"keep-partial", no_argument, NULL, CUT_OPT_KEEP},                       \
      {"linktype", required_argument, NULL, CUT_OPT_LT},                       \
      {"strip-fcs", optional_argument, NULL, CUT_OPT_FCS},                     \
      {"compress", required_argument, NULL, CUT_OPT_COMPRESS},                 \
      {"help", no_argument, NULL, 'h'}
#define CUT_COMMON_SHORT "o:f:F:h"

/* Help text of the common options, for the usage texts. */
extern const char cut_common_help[];

typedef struct cut_common {
  const char *out;    /* -o */
  const char *filter; /* -f */
  const char *format; /* -F */
  int keep_partial;
  int have_lt;
  uint32_t lt;
  int strip_fcs; /* --strip-fcs given */
  int fcs_bytes; /* its value, -1: the interface's FCS length, else 4 */
  const char *compress; /* --compress gzip|zstd|none[:LEVEL] */
  int level;
} cut_common;

/* Handle one common option: 1 handled, 0 not a common option, -1 a usage
 * error (already printed; return EXIT_USAGE), 2 help printed ('h'). */
int cut_common_opt(const char *cmd, cut_common *c, int opt, const char *arg,
                   const char *help);

/* The whole option loop: common options into c, the command's own to
 * own(ctx, opt, arg), which returns 0, or -1 after printing a usage error.
 * Returns CUT_GO (go on with the operands at optind) or an exit code to
 * return at once (help printed, usage error). */
#define CUT_GO (-1)
int cut_parse(const char *cmd, int argc, char **argv,
              const struct option *opts, const char *shortopts,
              cut_common *c, const char *help,
              int (*own)(void *ctx, int opt, const char *arg), void *ctx);

/* Progress on stderr, only when it is a terminal (cli/progress.c). */
typedef struct progress progress;
progress *progress_new(const char *label);
/* done and total in bytes (total 0: unknown); cheap, redraws at most a few
 * times a second. */
void progress_update(progress *p, uint64_t done, uint64_t total);
void progress_done(progress *p);

/* One input: a reader, an optional filter, progress. */
typedef struct cut_in {
  capkit_reader *r;
  capkit_filter *f;
  const char *path;
  progress *pg; /* shared, not owned */
  uint32_t tick;
  uint64_t filter_failed_at; /* record whose link type the filter missed */
} cut_in;

/* Open path and prepare the filter expr (NULL: none) for its link type.
 * window 0 is the reader's default. Prints the error; returns an exit
 * code (0 on success). */
int cut_in_open(const char *cmd, cut_in *in, const char *path,
                const char *expr, size_t window);
/* Next record that passes the filter: 1, 0 at the end, or a negative code
 * (printed by cut_in_report). */
int cut_in_next(cut_in *in, capkit_record *rec);
/* Print the error of a failed cut_in_next; returns its exit code. */
int cut_in_report(const char *cmd, const cut_in *in, int rc);
void cut_in_close(cut_in *in);

/* A filter for expr prepared for reader r's link type; prints libpcap's
 * message and sets *code on failure (NULL returned). expr NULL or empty:
 * NULL with *code 0. */
capkit_filter *cut_filter_for(const char *cmd, const char *expr,
                              capkit_reader *r, int *code);
/* Next record of r passing f (f may be NULL). */
int cut_filter_next(capkit_reader *r, capkit_filter *f, capkit_record *rec);

/* One output. */
typedef struct cut_out {
  capkit_writer *w;
  const cut_common *c;
  char *path;
  int failed;
} cut_out;

/* Open path ("-": stdout) set up like reader r (a byte-identical copy when
 * nothing changes) with the common options applied; snaplen non-zero
 * truncates. Prints errors; returns an exit code. */
int cut_out_open_like(const char *cmd, cut_out *o, const char *path,
                      capkit_reader *r, const cut_common *c,
                      uint32_t snaplen);
/* The settings of cut_out_open_like() on a new writer, without opening it
 * or printing: 0 or a negative code. */
int cut_setup_like(capkit_writer *w, capkit_reader *r, const cut_common *c,
                   uint32_t snaplen);
/* Open path with explicit settings (for several inputs): format, byte
 * order native, precision, snaplen (0: default), link type (or none:
 * from the records), FCS length. */
int cut_out_open_spec(const char *cmd, cut_out *o, const char *path,
                      const cut_common *c, const char *format,
                      unsigned precision, uint32_t snaplen, int have_lt,
                      uint32_t lt, int fcs_len);
/* Write one record (the common edits applied). Prints errors; returns an
 * exit code. */
int cut_out_write(const char *cmd, cut_out *o, const capkit_record *rec);
/* Finish: with code 0 close it (renamed into place); with a data error
 * (1) close it only under --keep-partial; otherwise discard it. Returns
 * the final exit code. */
int cut_out_finish(const char *cmd, cut_out *o, int code);

/* The driver of one-input, one-output commands: open IN, open OUT like
 * it, pass each filtered record to each(): 1 write rec (it may change the
 * copy it gets), 0 drop, 2 stop reading (the rest is not wanted), a
 * negative exit code to fail (message printed). end() (may be NULL) is
 * called after the last record to write what it held back. */
typedef struct cut_ops {
  int (*each)(void *ctx, capkit_record *rec);
  int (*end)(void *ctx, const char *cmd, cut_out *o);
  uint32_t snaplen; /* non-zero: the output's snaplen, records cut */
} cut_ops;
int cut_run(const char *cmd, const cut_common *c, const char *in_path,
            const cut_ops *ops, void *ctx);

/* The one-input, one-output commands (filter, snap, retime, slice,
 * rewrite) as the library's copy job (capkit_job_copy): c's options,
 * snaplen (0: none), and the engines (each may be NULL, borrowed). Checks
 * -o, prints every error; returns the exit code. */
int cut_copy(const char *cmd, const cut_common *c, const char *in_path,
             uint32_t snaplen, capkit_slicer *sl, capkit_retimer *t,
             capkit_editor *ed, capkit_rewriter *rw);

/* The writer warning callback behind cli_writer_warnings() (util.c). */
void cli_writer_warning(void *user, int warning, uint64_t offset,
                        uint64_t record, const char *msg);

/* The library's whole-file jobs (merge, sort, dedup) with the common
 * options of c, already checked by cut_parse, and the command's writer
 * warnings and progress. NULL (message printed) if out of memory. */
capkit_job *cut_job_new(const char *cmd, const cut_common *c, progress *pg);
/* Set an option the command has checked; 0, or an exit code after
 * printing the library's message as a usage error. */
int cut_job_set(const char *cmd, capkit_job *j, const char *name,
                const char *value);
/* After a run that returned RC: print the error (and, for a kept output,
 * what was kept in c->out) and return the exit code. */
int cut_job_report(const char *cmd, const capkit_job *j, int rc,
                   const cut_common *c);

#endif
