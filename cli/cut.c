/* cut.c - what the cutting commands share: the common options, a filter
 * for a reader, and running the library's jobs with those options and
 * reporting their outcome. */
#include "cut.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char cut_output_help[] =
    "  -o, --output FILE      output ('-': standard output); written under a\n"
    "                         temporary name, renamed into place when complete;\n"
    "                         a name ending .gz or .zst is compressed\n";
const char cut_common_help[] =
    "  -f, --filter EXPR      only records matching EXPR (tcpdump's filter\n"
    "                         language, compiled by libpcap per link type)\n"
    "  -F, --format FMT       output format pcap or pcapng (default: as input)\n"
    "      --linktype TYPE    relabel records with link type TYPE (name or\n"
    "                         number); the bytes are not converted\n"
    "      --strip-fcs[=N]    remove N FCS bytes from the end of each record\n"
    "                         (default: the interface's FCS length, else 4)\n"
    "      --compress C[:L]   compress the output: gzip, zstd or none, level L\n"
    "                         (default: by the output name)\n"
    "      --keep-partial     on damaged input, keep the output up to the\n"
    "                         damage (complete and valid); default: none\n"
    "  -h, --help             this help\n";

/* Handle one common option: 1 handled, 0 not a common option, -1 a usage
 * error (already printed), 2 help printed ('h'). */
static int common_opt(const char *cmd, cut_common *c, int opt,
                      const char *arg, const char *help) {
  switch (opt) {
  case 'o':
    c->out = arg;
    return 1;
  case 'f':
    c->filter = arg;
    return 1;
  case 'F':
    if (strcmp(arg, "pcap") != 0 && strcmp(arg, "pcapng") != 0) {
      cli_usage_error(cmd, "unknown output format '%s' (pcap or pcapng)", arg);
      return -1;
    }
    c->format = arg;
    return 1;
  case CUT_OPT_KEEP:
    c->keep_partial = 1;
    return 1;
  case CUT_OPT_LT:
    if (capkit_linktype_from_name(arg, &c->lt)) {
      cli_usage_error(cmd, "unknown link type '%s'", arg);
      return -1;
    }
    c->have_lt = 1;
    return 1;
  case CUT_OPT_FCS:
    c->strip_fcs = 1;
    c->fcs_bytes = -1;
    if (arg) {
      uint64_t v;
      if (capkit_parse_decimal(arg, &v) || v > 64) {
        cli_usage_error(cmd, "bad FCS length '%s'", arg);
        return -1;
      }
      c->fcs_bytes = (int)v;
    }
    return 1;
  case CUT_OPT_COMPRESS: {
    static char name[16];
    const char *colon = strchr(arg, ':');
    size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
    uint64_t lv = 0;
    if (n >= sizeof name || (colon && capkit_parse_decimal(colon + 1, &lv)) ||
        lv > 22) {
      cli_usage_error(cmd, "bad compression '%s'", arg);
      return -1;
    }
    memcpy(name, arg, n);
    name[n] = 0;
    if (strcmp(name, "gzip") && strcmp(name, "zstd") && strcmp(name, "none")) {
      cli_usage_error(cmd, "unknown compression '%s' (gzip, zstd, none)",
                      name);
      return -1;
    }
    if (strcmp(name, "gzip") == 0 && lv > 9) {
      cli_usage_error(cmd, "gzip levels are 1 to 9");
      return -1;
    }
    c->compress = name;
    c->level = (int)lv;
    return 1;
  }
  case 'h':
    fputs(help, stdout);
    /* split describes its own -o (a name template, files only) */
    if (!strstr(help, "  -o TEMPLATE"))
      fputs(cut_output_help, stdout);
    fputs(cut_common_help, stdout);
    fputs("\nExit status: 0 ok, 1 damaged or invalid input, 2 usage, 3 I/O "
          "error.\n",
          stdout);
    return 2;
  }
  return 0;
}

int cut_parse(const char *cmd, int argc, char **argv,
              const struct option *opts, const char *shortopts,
              cut_common *c, const char *help,
              int (*own)(void *ctx, int opt, const char *arg), void *ctx) {
  int ch;
  while ((ch = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
    int k = common_opt(cmd, c, ch, optarg, help);
    if (k == 2)
      return EXIT_OK;
    if (k < 0)
      return EXIT_USAGE;
    if (k == 1)
      continue;
    if (ch == '?' || ch == ':' || !own)
      return cli_usage_error(cmd, "invalid option");
    if (own(ctx, ch, optarg) < 0)
      return EXIT_USAGE;
  }
  return CUT_GO;
}

/* ---- input ---- */

capkit_filter *cut_filter_for(const char *cmd, const char *expr,
                              capkit_reader *r, int *code) {
  *code = EXIT_OK;
  if (!expr || !*expr)
    return NULL;
  capkit_filter *f = capkit_filter_new(expr);
  if (!f) {
    cli_err(cmd, "out of memory");
    *code = EXIT_IO;
    return NULL;
  }
  const capkit_iface *ifc = capkit_reader_iface(r, 0);
  const capkit_file_info *in = capkit_reader_info(r);
  uint32_t lt = ifc ? ifc->linktype : in ? in->linktype : 1;
  int rc = capkit_filter_prepare(f, lt);
  if (rc < 0) {
    cli_err(cmd, "bad filter '%s': %s", expr, capkit_filter_error(f));
    *code = cli_exit_for(rc);
    capkit_filter_free(f);
    return NULL;
  }
  return f;
}

int cut_filter_next(capkit_reader *r, capkit_filter *f, capkit_record *rec) {
  return capkit_reader_next_match(r, f, rec);
}

/* ---- the library's jobs ---- */

static void job_progress(void *user, uint64_t done, uint64_t total) {
  progress_update(user, done, total);
}

int cut_job_set(const char *cmd, capkit_job *j, const char *name,
                const char *value) {
  if (capkit_job_set(j, name, value) == 0)
    return EXIT_OK;
  return cli_usage_error(cmd, "%s", capkit_job_error(j));
}

capkit_job *cut_job_new(const char *cmd, const cut_common *c, progress *pg) {
  capkit_job *j = capkit_job_new();
  if (!j) {
    cli_err(cmd, "out of memory");
    return NULL;
  }
  char num[32];
  int code = EXIT_OK;
  if (c->filter)
    code = cut_job_set(cmd, j, "filter", c->filter);
  if (!code && c->format)
    code = cut_job_set(cmd, j, "format", c->format);
  if (!code && c->keep_partial)
    code = cut_job_set(cmd, j, "keep-partial", NULL);
  if (!code && c->have_lt) {
    snprintf(num, sizeof num, "%" PRIu32, c->lt);
    code = cut_job_set(cmd, j, "linktype", num);
  }
  if (!code && c->strip_fcs) {
    snprintf(num, sizeof num, "%d", c->fcs_bytes);
    code = cut_job_set(cmd, j, "strip-fcs", c->fcs_bytes < 0 ? NULL : num);
  }
  if (!code && c->compress) {
    char v[48];
    snprintf(v, sizeof v, "%s:%d", c->compress, c->level);
    code = cut_job_set(cmd, j, "compress", v);
  }
  if (code) {
    capkit_job_free(j);
    return NULL;
  }
  capkit_job_set_warning_fn(j, cli_writer_warning, (void *)(uintptr_t)cmd);
  if (pg)
    capkit_job_set_progress_fn(j, job_progress, pg);
  return j;
}

int cut_job_report(const char *cmd, const capkit_job *j, int rc,
                   const cut_common *c) {
  if (rc >= 0)
    return EXIT_OK;
  cli_err(cmd, "%s", capkit_job_error(j));
  if (rc == CAPKIT_ELINKTYPE) /* a record the output cannot hold */
    cli_err(cmd, "hint: -F pcapng keeps every link type");
  if (capkit_job_output_kept(j))
    cli_err(cmd, "kept %" PRIu64 " record%s before the damage in %s",
            capkit_job_records_written(j),
            cli_s(capkit_job_records_written(j)), c->out);
  return rc == CAPKIT_EFILTER ? EXIT_USAGE : cli_exit_for(rc);
}

int cut_copy(const char *cmd, const cut_common *c, const char *in_path,
             uint32_t snaplen, capkit_slicer *sl, capkit_retimer *t,
             capkit_editor *ed, capkit_rewriter *rw) {
  if (!c->out)
    return cli_usage_error(cmd, "no output file (-o)");
  progress *pg = progress_new(cmd);
  capkit_job *j = cut_job_new(cmd, c, pg);
  int code = j ? EXIT_OK : EXIT_IO;
  if (!code && snaplen) {
    char num[16];
    snprintf(num, sizeof num, "%" PRIu32, snaplen);
    code = cut_job_set(cmd, j, "snaplen", num);
  }
  if (!code) {
    capkit_job_set_slicer(j, sl);
    capkit_job_set_retimer(j, t);
    capkit_job_set_editor(j, ed);
    capkit_job_set_rewriter(j, rw);
    code = cut_job_report(cmd, j, capkit_job_copy(j, in_path, c->out), c);
  }
  progress_done(pg);
  capkit_job_free(j);
  return code;
}
