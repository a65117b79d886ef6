/* cmd_convert.c - capkit convert: copy a capture to a new file, changing
 * format settings; with no options an exact, byte-identical copy. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cut.h"

static const char convert_usage[] =
    "usage: capkit convert IN -o OUT [options]\n\n"
    "Copy a capture. With no options the copy keeps every header field, byte\n"
    "order, precision and record layout: the output is byte-identical.\n\n"
    "  -o, --output FILE         output file ('-' for standard output);\n"
    "                            written under a temporary name and renamed\n"
    "                            into place only when complete\n"
    "  -f, --filter EXPR         copy only the records matching EXPR\n"
    "                            (tcpdump's filter language)\n"
    "  -F, --format FMT          output format: pcap or pcapng (default: as\n"
    "                            input). pcapng -> pcap needs one link type\n"
    "                            (or --split-by-interface)\n"
    "      --split-by-interface  one output per interface: OUT with the\n"
    "                            interface number before the extension\n"
    "                            (out.pcap -> out-0.pcap, out-1.pcap, ...)\n"
    "  -b, --byte-order ORDER    little, big or native\n"
    "  -p, --precision P         us or ns\n"
    "  -s, --snaplen N           snaplen; longer records are truncated\n"
    "  -l, --linktype TYPE       relabel the link type (name or number)\n"
    "      --fcs-len N           FCS bytes recorded in the header (-1: none)\n"
    "      --keep-partial        on damaged input, keep the records before\n"
    "                            the damage as a complete, valid output\n"
    "  -h, --help                this help\n"
    "Record edits, as editcap's (after the snaplen, in editcap's order):\n";
static const char convert_usage_end[] =
    "\nExit status: 0 ok, 1 damaged or invalid input, 2 usage, 3 I/O error.\n";

const char cli_edit_help[] =
    "  -C, --chop [OFFSET:]LEN  as editcap -C: remove LEN bytes from the\n"
    "                         start of each packet (LEN < 0: -LEN bytes from\n"
    "                         the end); OFFSET > 0 keeps OFFSET bytes before\n"
    "                         them, OFFSET < 0 counts from the end; repeat\n"
    "                         for a region at each end\n"
    "  -L, --adjust-origlen   the original length shrinks with -C and the\n"
    "                         snaplen (editcap -L)\n"
    "  -S, --strict-time SEC  editcap -S: a record older than the one before\n"
    "                         it gets that record's time + SEC; -SEC sets\n"
    "                         every record to the one before + SEC\n"
    "  -E, --error-prob P     editcap -E: each byte gets an error (one random\n"
    "                         bit flipped) with probability P\n"
    "      --seed N           the generator's seed for -E (xoshiro256**;\n"
    "                         default: from the clock, shown on stderr)\n"
    "      --error-offset N   leave the first N bytes of each packet alone\n"
    "                         (editcap -o)\n";

/* --seed and -E were given (one command per process) */
static int edit_seed_given, edit_errors_given;

int cli_edit_opt(const char *cmd, capkit_editor **e, int opt,
                 const char *arg) {
  const char *name;
  switch (opt) {
  case 'C': name = "chop"; break;
  case 'L': name = "adjust-origlen"; break;
  case 'E': name = "error-prob"; break;
  case 'S': name = "strict-time"; break;
  case CLI_OPT_EDIT: name = "seed"; break;
  case CLI_OPT_EDIT + 1: name = "error-offset"; break;
  default: return 0;
  }
  if (!*e && !(*e = capkit_editor_new())) {
    cli_err(cmd, "out of memory");
    return -1;
  }
  if (capkit_editor_option(*e, name, arg)) {
    cli_usage_error(cmd, "bad --%s '%s'", name, arg ? arg : "");
    return -1;
  }
  if (opt == CLI_OPT_EDIT)
    edit_seed_given = 1;
  if (opt == 'E')
    edit_errors_given = 1;
  return 1;
}

void cli_edit_ready(const char *cmd, capkit_editor *e) {
  if (!e || edit_seed_given || !edit_errors_given)
    return;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint64_t seed = ((uint64_t)ts.tv_sec * 1000000007u) ^ (uint64_t)ts.tv_nsec ^
                  ((uint64_t)getpid() << 32);
  char num[32];
  snprintf(num, sizeof num, "%" PRIu64, seed);
  if (capkit_editor_option(e, "seed", num) == 0)
    cli_err(cmd, "error seed %s (--seed %s repeats this output)", num, num);
}

int cli_edit_apply(const char *cmd, capkit_editor *e, capkit_record *rec) {
  if (!e)
    return 0;
  int rc = capkit_editor_apply(e, rec);
  if (rc == CAPKIT_ERANGE)
    cli_err(cmd, "record %" PRIu64 ": -S moves its time beyond the range of "
            "time", rec->number);
  else if (rc)
    cli_err(cmd, "%s", capkit_strerror(rc));
  return rc ? cli_exit_for(rc) : 0;
}

typedef struct conv_opts {
  const char *format, *out;
  capkit_filter *flt;
  capkit_editor *ed;
  int have_bo, have_prec, have_snap, have_lt, have_fcs, keep;
  capkit_byte_order bo;
  unsigned prec;
  uint32_t snap, lt;
  int fcs;
} conv_opts;

/* OUT with "-N" before the extension (the last '.' after the last '/'). */
static char *split_name(const char *out, uint32_t n) {
  const char *slash = strrchr(out, '/');
  const char *dot = strrchr(out, '.');
  if (!dot || (slash && dot < slash) || dot == (slash ? slash + 1 : out))
    dot = out + strlen(out);
  size_t len = strlen(out) + 16;
  char *p = malloc(len);
  if (p)
    snprintf(p, len, "%.*s-%" PRIu32 "%s", (int)(dot - out), out, n, dot);
  return p;
}

/* One writer per input interface, each set up like that interface. */
static int convert_split(capkit_reader *r, const conv_opts *o) {
  const capkit_file_info *in = capkit_reader_info(r);
  capkit_writer **ws = NULL;
  size_t n_ws = 0;
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc, code = EXIT_OK;
  while ((rc = cut_filter_next(r, o->flt, &rec)) > 0) {
    if ((code = cli_edit_apply("convert", o->ed, &rec)))
      break;
    uint32_t id = rec.iface_id;
    if (id >= n_ws) {
      size_t n = id + 1;
      capkit_writer **p = realloc(ws, n * sizeof *p);
      if (!p) {
        cli_err("convert", "out of memory");
        code = EXIT_IO;
        break;
      }
      memset(p + n_ws, 0, (n - n_ws) * sizeof *p);
      ws = p;
      n_ws = n;
    }
    if (!ws[id]) {
      capkit_writer *w = ws[id] = capkit_writer_new();
      cli_writer_warnings("convert", w);
      const capkit_iface *f = rec.iface;
      char *name = split_name(o->out, id);
      int e = w && name ? 0 : CAPKIT_ENOMEM;
      if (!e)
        e = capkit_writer_set_format(w, o->format ? o->format : in->format);
      if (!e)
        e = capkit_writer_set_byte_order(w, o->have_bo ? o->bo
                                                       : in->byte_order);
      if (!e)
        e = capkit_writer_set_precision(
            w, o->have_prec ? o->prec : (f && f->tsresol == 9 ? 9 : 6));
      /* Each output takes its interface's snaplen (records longer than
       * it, which the input should not have, are cut to it). */
      if (!e && (o->have_snap || (f && f->snaplen)))
        e = capkit_writer_set_snaplen(w, o->have_snap ? o->snap : f->snaplen);
      if (!e && (o->have_lt || f))
        e = capkit_writer_set_linktype(w, o->have_lt ? o->lt : f->linktype);
      if (!e && (o->have_fcs || (f && f->fcs_len >= 0)))
        e = capkit_writer_set_fcs_len(w, o->have_fcs ? o->fcs : f->fcs_len);
      if (!e && (e = capkit_writer_open_path(w, name)) < 0)
        cli_err("convert", "%s", capkit_writer_error(w));
      else if (e)
        cli_err("convert", "%s: %s", name ? name : o->out,
                capkit_strerror(e));
      free(name);
      if (e) {
        code = cli_exit_for(e);
        break;
      }
    }
    if ((rc = capkit_writer_write(ws[id], &rec)) < 0) {
      cli_err("convert", "%s", capkit_writer_error(ws[id]));
      code = cli_exit_for(rc);
      break;
    }
  }
  if (rc < 0 && code == EXIT_OK) {
    if (rc == CAPKIT_EFILTER)
      cli_filter_failed("convert", r, rec.number, o->flt);
    else
      cli_err("convert", "%s", capkit_reader_error(r));
    code = cli_exit_for(rc);
  }
  int close_all = code == EXIT_OK || (o->keep && rc < 0);
  for (size_t i = 0; i < n_ws; i++) {
    if (ws[i] && close_all && capkit_writer_close(ws[i]) < 0) {
      cli_err("convert", "%s", capkit_writer_error(ws[i]));
      code = code ? code : EXIT_IO;
      close_all = 0;
    }
    capkit_writer_free(ws[i]);
  }
  free(ws);
  return code;
}

static int convert_run(const char *in_path, const char *expr,
                       capkit_editor *ed, int split, conv_opts o);

int cmd_convert(int argc, char **argv) {
  enum { OPT_FCS = 256, OPT_KEEP, OPT_SPLIT };
  static const struct option opts[] = {
      {"output", required_argument, NULL, 'o'},
      {"format", required_argument, NULL, 'F'},
      {"filter", required_argument, NULL, 'f'},
      {"byte-order", required_argument, NULL, 'b'},
      {"precision", required_argument, NULL, 'p'},
      {"snaplen", required_argument, NULL, 's'},
      {"linktype", required_argument, NULL, 'l'},
      {"fcs-len", required_argument, NULL, OPT_FCS},
      {"keep-partial", no_argument, NULL, OPT_KEEP},
      {"split-by-interface", no_argument, NULL, OPT_SPLIT},
      {"help", no_argument, NULL, 'h'},
      CLI_EDIT_LONGOPTS,
      {NULL, 0, NULL, 0}};
  const char *out = NULL, *format = NULL, *expr = NULL;
  int have_bo = 0, have_prec = 0, have_snap = 0, have_lt = 0, have_fcs = 0;
  int keep = 0, split = 0, fcs = -1, c;
  capkit_byte_order bo = CAPKIT_BO_NATIVE;
  unsigned prec = 6;
  uint64_t snap = 0;
  uint32_t lt = 0;
  capkit_editor *ed = NULL;
  while ((c = getopt_long(argc, argv, "o:F:f:b:p:s:l:h" CLI_EDIT_SHORT, opts,
                          NULL)) != -1) {
    switch (c) {
    case 'f':
      expr = optarg;
      break;
    case 'o':
      out = optarg;
      break;
    case 'F':
      format = optarg;
      break;
    case 'b':
      if (cli_parse_byte_order(optarg, &bo))
        return cli_usage_error("convert", "bad byte order '%s'", optarg);
      have_bo = 1;
      break;
    case 'p':
      if (cli_parse_precision(optarg, &prec))
        return cli_usage_error("convert", "bad precision '%s'", optarg);
      have_prec = 1;
      break;
    case 's':
      if (cli_parse_u64(optarg, &snap) || snap == 0 || snap > UINT32_MAX)
        return cli_usage_error("convert", "bad snaplen '%s'", optarg);
      have_snap = 1;
      break;
    case 'l':
      if (capkit_linktype_from_name(optarg, &lt))
        return cli_usage_error("convert", "unknown link type '%s'", optarg);
      have_lt = 1;
      break;
    case OPT_FCS: {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*end || v < -1 || v > 30 || (v > 0 && v % 2))
        return cli_usage_error("convert", "bad FCS length '%s'", optarg);
      fcs = (int)v;
      have_fcs = 1;
      break;
    }
    case OPT_KEEP:
      keep = 1;
      break;
    case OPT_SPLIT:
      split = 1;
      break;
    case 'h':
      fputs(convert_usage, stdout);
      fputs(cli_edit_help, stdout);
      fputs(convert_usage_end, stdout);
      capkit_editor_free(ed);
      return EXIT_OK;
    default: {
      int e = cli_edit_opt("convert", &ed, c, optarg);
      if (e == 1)
        break;
      capkit_editor_free(ed);
      return e < 0 ? EXIT_USAGE : cli_usage_error("convert", "invalid option");
    }
    }
  }
  const char *bad = optind != argc - 1 ? "expected exactly one input file"
                    : !out             ? "no output file (-o)"
                    : split && strcmp(out, "-") == 0
                        ? "--split-by-interface needs an output file name"
                        : NULL;
  if (bad) {
    capkit_editor_free(ed);
    return cli_usage_error("convert", "%s", bad);
  }
  if (ed && have_snap)
    capkit_editor_set_snap(ed, (uint32_t)snap); /* before the chop */
  cli_edit_ready("convert", ed);
  int code = convert_run(argv[optind], expr, ed, split,
                         (conv_opts){format, out, NULL, ed, have_bo, have_prec,
                                     have_snap, have_lt, have_fcs, keep, bo,
                                     prec, (uint32_t)snap, lt, fcs});
  capkit_editor_free(ed);
  return code;
}

static int convert_run(const char *in_path, const char *expr,
                       capkit_editor *ed, int split, conv_opts o) {
  const char *format = o.format, *out = o.out;
  int have_bo = o.have_bo, have_prec = o.have_prec, have_snap = o.have_snap;
  int have_lt = o.have_lt, have_fcs = o.have_fcs, keep = o.keep;
  int code;
  capkit_reader *r = cli_open_reader("convert", in_path, &code);
  if (!r)
    return code;
  capkit_filter *flt = cut_filter_for("convert", expr, r, &code);
  if (code) {
    capkit_reader_free(r);
    return code;
  }
  if (split) {
    o.flt = flt;
    code = convert_split(r, &o);
    capkit_filter_free(flt);
    capkit_reader_free(r);
    return code;
  }
  capkit_writer *w = capkit_writer_new();
  cli_writer_warnings("convert", w);
  int rc = w ? capkit_writer_copy_settings(w, r) : CAPKIT_ENOMEM;
  if (!rc && format && (rc = capkit_writer_set_format(w, format)))
    cli_err("convert", "cannot write format '%s'", format);
  else if (!rc && have_bo)
    rc = capkit_writer_set_byte_order(w, o.bo);
  if (!rc && have_prec)
    rc = capkit_writer_set_precision(w, o.prec);
  if (!rc && have_snap)
    rc = capkit_writer_set_snaplen(w, o.snap);
  if (!rc && have_lt)
    rc = capkit_writer_set_linktype(w, o.lt);
  if (!rc && have_fcs)
    rc = capkit_writer_set_fcs_len(w, o.fcs);
  if (rc) {
    capkit_filter_free(flt);
    capkit_writer_free(w);
    capkit_reader_free(r);
    return cli_exit_for(rc);
  }
  rc = capkit_writer_open_path(w, out);
  if (rc < 0) {
    cli_err("convert", "%s", capkit_writer_error(w));
    capkit_filter_free(flt);
    capkit_writer_free(w);
    capkit_reader_free(r);
    return cli_exit_for(rc);
  }
  capkit_record rec = CAPKIT_RECORD_INIT;
  int wrc = 0;
  code = EXIT_OK;
  while ((rc = cut_filter_next(r, flt, &rec)) > 0)
    if ((code = cli_edit_apply("convert", ed, &rec)) ||
        (wrc = capkit_writer_write(w, &rec)) < 0)
      break;
  if (code) {
    rc = 0;
  } else if (wrc < 0) {
    cli_err("convert", "%s", capkit_writer_error(w));
    if (wrc == CAPKIT_ELINKTYPE)
      cli_err("convert", "hint: --format pcapng keeps every link type, "
                         "--split-by-interface writes one file each");
    code = cli_exit_for(wrc);
  } else if (rc == CAPKIT_EFILTER) {
    cli_filter_failed("convert", r, rec.number, flt);
    code = cli_exit_for(rc);
  } else if (rc < 0) {
    cli_err("convert", "%s", capkit_reader_error(r));
    code = cli_exit_for(rc);
    if (keep && capkit_writer_close(w) < 0)
      cli_err("convert", "%s", capkit_writer_error(w));
    else if (keep)
      cli_err("convert", "kept %" PRIu64 " record%s before the damage in %s",
              capkit_writer_records(w), cli_s(capkit_writer_records(w)), out);
  } else if (capkit_writer_close(w) < 0) {
    cli_err("convert", "%s", capkit_writer_error(w));
    code = EXIT_IO;
  }
  capkit_filter_free(flt);
  capkit_writer_free(w);
  capkit_reader_free(r);
  return code;
}
