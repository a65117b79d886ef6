/* cut.c - shared machinery of the cutting commands: common options,
 * filtered input, outputs like their input, the damage policy (stop at
 * the damage; keep the output only with --keep-partial) and the driver of
 * the one-input, one-output commands. */
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

int cut_common_opt(const char *cmd, cut_common *c, int opt, const char *arg,
                   const char *help) {
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
      if (cli_parse_u64(arg, &v) || v > 64) {
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
    if (n >= sizeof name || (colon && cli_parse_u64(colon + 1, &lv)) ||
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
    int k = cut_common_opt(cmd, c, ch, optarg, help);
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

int cut_in_open(const char *cmd, cut_in *in, const char *path,
                const char *expr, size_t window) {
  memset(in, 0, sizeof *in);
  in->path = path;
  in->r = capkit_reader_new();
  if (!in->r) {
    cli_err(cmd, "out of memory");
    return EXIT_IO;
  }
  if (window)
    capkit_reader_set_window(in->r, window);
  /* Buffered reads, not a mapping: copying each window once into a buffer
   * that stays in the cache costs less than filling and dropping the page
   * tables of a mapping (a quarter of the time of a filter or a merge),
   * and memory is exactly one window per input. */
  capkit_reader_set_no_mmap(in->r, 1);
  int rc = capkit_reader_open_path(in->r, path);
  if (rc < 0) {
    cli_err(cmd, "%s", capkit_reader_error(in->r));
    capkit_reader_free(in->r);
    in->r = NULL;
    return cli_exit_for(rc);
  }
  int code;
  in->f = cut_filter_for(cmd, expr, in->r, &code);
  if (code) {
    capkit_reader_free(in->r);
    in->r = NULL;
  }
  return code;
}

int cut_in_next(cut_in *in, capkit_record *rec) {
  if (in->pg && (++in->tick & 1023) == 0) {
    uint64_t size, done = capkit_reader_input_offset(in->r, &size);
    progress_update(in->pg, done, size);
  }
  int rc = cut_filter_next(in->r, in->f, rec);
  if (rc == CAPKIT_EFILTER)
    in->filter_failed_at = rec->number;
  return rc;
}

int cut_in_report(const char *cmd, const cut_in *in, int rc) {
  if (rc == CAPKIT_EFILTER)
    return cli_filter_failed(cmd, in->r, in->filter_failed_at, in->f);
  cli_err(cmd, "%s", capkit_reader_error(in->r));
  return cli_exit_for(rc);
}

void cut_in_close(cut_in *in) {
  capkit_filter_free(in->f);
  capkit_reader_free(in->r);
  in->f = NULL;
  in->r = NULL;
}

/* ---- output ---- */

static int out_fail(const char *cmd, cut_out *o, int rc) {
  cli_err(cmd, "%s", o->w && *capkit_writer_error(o->w)
                         ? capkit_writer_error(o->w)
                         : capkit_strerror(rc));
  capkit_writer_free(o->w);
  o->w = NULL;
  free(o->path);
  o->path = NULL;
  return cli_exit_for(rc);
}

/* Finish opening o->w (set up by the caller; RC the result of that, a
 * failure printed here): the common options applied, opened on path.
 * Returns an exit code. */
static int open_common(const char *cmd, cut_out *o, const char *path,
                       const cut_common *c, int rc) {
  if (!rc && c->have_lt)
    rc = capkit_writer_set_linktype(o->w, c->lt);
  if (!rc && c->strip_fcs)
    rc = capkit_writer_set_fcs_len(o->w, -1);
  if (!rc && c->compress)
    rc = capkit_writer_set_compression(o->w, c->compress, c->level);
  if (rc)
    return out_fail(cmd, o, rc);
  cli_writer_warnings(cmd, o->w);
  rc = capkit_writer_open_path(o->w, path);
  if (rc < 0)
    return out_fail(cmd, o, rc);
  o->path = strdup(path);
  return EXIT_OK;
}

int cut_setup_like(capkit_writer *w, capkit_reader *r, const cut_common *c,
                   uint32_t snaplen) {
  int rc = capkit_writer_copy_settings(w, r);
  if (!rc && c->format)
    rc = capkit_writer_set_format(w, c->format);
  if (!rc && snaplen)
    rc = capkit_writer_set_snaplen(w, snaplen);
  if (!rc && c->have_lt)
    rc = capkit_writer_set_linktype(w, c->lt);
  if (!rc && c->strip_fcs)
    rc = capkit_writer_set_fcs_len(w, -1);
  if (!rc && c->compress)
    rc = capkit_writer_set_compression(w, c->compress, c->level);
  return rc;
}

int cut_out_open_like(const char *cmd, cut_out *o, const char *path,
                      capkit_reader *r, const cut_common *c,
                      uint32_t snaplen) {
  memset(o, 0, sizeof *o);
  o->c = c;
  o->w = capkit_writer_new();
  if (!o->w)
    return out_fail(cmd, o, CAPKIT_ENOMEM);
  int rc = capkit_writer_copy_settings(o->w, r);
  if (!rc && c->format && (rc = capkit_writer_set_format(o->w, c->format)))
    cli_err(cmd, "cannot write format '%s'", c->format);
  if (!rc && snaplen)
    rc = capkit_writer_set_snaplen(o->w, snaplen);
  return open_common(cmd, o, path, c, rc);
}

int cut_out_open_spec(const char *cmd, cut_out *o, const char *path,
                      const cut_common *c, const char *format,
                      unsigned precision, uint32_t snaplen, int have_lt,
                      uint32_t lt, int fcs_len) {
  memset(o, 0, sizeof *o);
  o->c = c;
  o->w = capkit_writer_new();
  if (!o->w)
    return out_fail(cmd, o, CAPKIT_ENOMEM);
  int rc = capkit_writer_set_format(o->w, c->format ? c->format : format);
  if (!rc)
    rc = capkit_writer_set_precision(o->w, precision);
  if (!rc && snaplen)
    rc = capkit_writer_set_snaplen(o->w, snaplen);
  if (!rc && have_lt)
    rc = capkit_writer_set_linktype(o->w, lt);
  if (!rc && fcs_len >= 0)
    rc = capkit_writer_set_fcs_len(o->w, fcs_len);
  return open_common(cmd, o, path, c, rc);
}

int cut_out_write(const char *cmd, cut_out *o, const capkit_record *rec) {
  int rc;
  if (o->c->strip_fcs) {
    capkit_record r2 = *rec;
    capkit_record_strip_fcs(&r2, o->c->fcs_bytes);
    rc = capkit_writer_write(o->w, &r2);
  } else {
    rc = capkit_writer_write(o->w, rec);
  }
  if (rc < 0) {
    cli_err(cmd, "%s", capkit_writer_error(o->w));
    if (rc == CAPKIT_ELINKTYPE)
      cli_err(cmd, "hint: -F pcapng keeps every link type");
    o->failed = 1;
    return cli_exit_for(rc);
  }
  return EXIT_OK;
}

int cut_out_finish(const char *cmd, cut_out *o, int code) {
  if (!o->w)
    return code;
  int keep = code == EXIT_OK || (code == EXIT_DATA && o->c->keep_partial &&
                                 !o->failed);
  if (keep && capkit_writer_close(o->w) < 0) {
    cli_err(cmd, "%s", capkit_writer_error(o->w));
    code = code ? code : EXIT_IO;
  } else if (keep && code) {
    cli_err(cmd, "kept %" PRIu64 " record%s before the damage in %s",
            capkit_writer_records(o->w), cli_s(capkit_writer_records(o->w)),
            o->path);
  }
  capkit_writer_free(o->w);
  o->w = NULL;
  free(o->path);
  o->path = NULL;
  return code;
}

/* ---- the driver ---- */

int cut_run(const char *cmd, const cut_common *c, const char *in_path,
            const cut_ops *ops, void *ctx) {
  if (!c->out)
    return cli_usage_error(cmd, "no output file (-o)");
  cut_in in;
  int code = cut_in_open(cmd, &in, in_path, c->filter, 0);
  if (code)
    return code;
  cut_out o;
  code = cut_out_open_like(cmd, &o, c->out, in.r, c, ops->snaplen);
  if (code) {
    cut_in_close(&in);
    return code;
  }
  in.pg = progress_new(cmd);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc;
  while ((rc = cut_in_next(&in, &rec)) > 0) {
    int k = ops->each(ctx, &rec);
    if (k < 0) {
      code = -k;
      break;
    }
    if (k == 1 && (code = cut_out_write(cmd, &o, &rec)))
      break;
    if (k == 2)
      break;
  }
  if (rc < 0 && !code)
    code = cut_in_report(cmd, &in, rc);
  if (ops->end && (code == EXIT_OK || code == EXIT_DATA) && !o.failed) {
    int e = ops->end(ctx, cmd, &o);
    if (e)
      code = e;
  }
  progress_done(in.pg);
  code = cut_out_finish(cmd, &o, code);
  cut_in_close(&in);
  return code;
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
