/* cut.h - what the commands that cut, join and reshape captures share:
 * the common options (-o, -f, -F, --keep-partial, --linktype, --strip-fcs,
 * --compress), a filter for a reader, and the library's jobs run with
 * those options, their outcome reported. */
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

/* A filter for expr prepared for reader r's link type; prints libpcap's
 * message and sets *code on failure (NULL returned). expr NULL or empty:
 * NULL with *code 0. */
capkit_filter *cut_filter_for(const char *cmd, const char *expr,
                              capkit_reader *r, int *code);
/* Next record of r passing f (f may be NULL). */
int cut_filter_next(capkit_reader *r, capkit_filter *f, capkit_record *rec);

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

/* The library's whole-file jobs (merge, sort, dedup, split) with the
 * common options of c, already checked by cut_parse, and the command's
 * writer warnings and progress. NULL (message printed) if out of memory. */
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
