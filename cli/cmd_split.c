/* cmd_split.c - capkit split: cut a capture into files of N records, SIZE
 * bytes or S seconds each (the library's rotating writer), or one per
 * interface, named from a template (numbers and/or times). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cut.h"

static const char split_usage[] =
    "usage: capkit split IN (--packets N | --bytes SIZE | --seconds S |\n"
    "                        --interface) [-o TEMPLATE] [options]\n\n"
    "Cut IN into several files, each a valid capture with IN's settings.\n\n"
    "      --packets N        N records per file\n"
    "      --bytes SIZE       files of at most SIZE bytes ('10M', '1GiB'),\n"
    "                         headers included, before compression; a record\n"
    "                         larger than that gets a file of its own\n"
    "      --seconds S        files of S seconds each ('60', '0.5', '5m'),\n"
    "                         counted from the first record: file N holds\n"
    "                         interval N, and an interval without records\n"
    "                         gets an empty file (like editcap -i)\n"
    "      --interface        one file per interface (pcapng)\n"
    "  -o TEMPLATE            output names. '%d' (with printf flags and a\n"
    "                         width up to 64: '%04d') is the file number,\n"
    "                         from 0; '%t' the time the file starts (its\n"
    "                         interval's start with --seconds, else its first\n"
    "                         record's; YYYYmmddTHHMMSSZ); '%%' a '%'. Without\n"
    "                         a number, '-NNNNN' goes before the extension:\n"
    "                         out.pcap -> out-00000.pcap; a '%t' name that\n"
    "                         repeats gets '-1', '-2' ... the same way, so no\n"
    "                         file replaces another. Default: IN's file name,\n"
    "                         in the current directory. With --interface '%d'\n"
    "                         is the interface number.\n"
    "  -v, --verbose          print each file's name as it is completed\n"
    "On damaged input no file is left, unless --keep-partial (then the\n"
    "files up to the damage are kept, the last one ending before it).\n";

typedef struct split {
  capkit_rotate_by by;
  int iface, verbose;
  uint64_t n;
  const cut_common *c;
  capkit_reader *r;
  char **done; /* files completed, removed if the input is bad */
  size_t n_done;
  int nomem;
} split;

static int own(void *ctx, int opt, const char *arg) {
  split *s = ctx;
  capkit_rotate_by by = s->by;
  int iface = s->iface;
  int64_t ns;
  switch (opt) {
  case CUT_OPT_OWN:
    if (cli_parse_size(arg, &s->n) || s->n == 0)
      return cli_usage_error("split", "bad --packets '%s'", arg), -1;
    s->by = CAPKIT_ROTATE_PACKETS;
    break;
  case CUT_OPT_OWN + 1:
    if (cli_parse_size(arg, &s->n) || s->n == 0)
      return cli_usage_error("split", "bad --bytes '%s'", arg), -1;
    s->by = CAPKIT_ROTATE_BYTES;
    break;
  case CUT_OPT_OWN + 2:
    if (cli_parse_duration(arg, &ns) || ns <= 0)
      return cli_usage_error("split", "bad --seconds '%s'", arg), -1;
    s->n = (uint64_t)ns;
    s->by = CAPKIT_ROTATE_TIME;
    break;
  case CUT_OPT_OWN + 3:
    s->iface = 1;
    break;
  case 'v':
    s->verbose = 1;
    return 0;
  default:
    return cli_usage_error("split", "invalid option"), -1;
  }
  if ((by != CAPKIT_ROTATE_NONE && by != s->by) || (iface && s->by) ||
      (s->iface && by))
    return cli_usage_error("split", "choose one of --packets, --bytes, "
                                    "--seconds, --interface"),
           -1;
  return 0;
}

static int setup(void *user, capkit_writer *w, uint64_t file_no) {
  split *s = user;
  (void)file_no;
  return cut_setup_like(w, s->r, s->c, 0);
}

static void done(void *user, const char *path, uint64_t file_no) {
  split *s = user;
  (void)file_no;
  if (s->verbose)
    printf("%s\n", path);
  char **l = realloc(s->done, (s->n_done + 1) * sizeof *l);
  char *copy = l ? strdup(path) : NULL;
  if (l)
    s->done = l;
  if (!copy) {
    s->nomem = 1;
    return;
  }
  s->done[s->n_done++] = copy;
}

/* By records, bytes or time, through the rotating writer. */
static int split_rotating(split *sp, cut_in *in, const char *tmpl) {
  const cut_common *c = sp->c;
  capkit_rotator *o = capkit_rotator_new();
  if (!o) {
    cli_err("split", "out of memory");
    return EXIT_IO;
  }
  const char *fmt = c->format ? c->format : capkit_reader_info(in->r)->format;
  capkit_rotator_set_limit(o, sp->by, sp->n);
  if (strcmp(fmt, "pcapng") == 0)
    capkit_rotator_set_overhead(o, 32, 4);
  capkit_rotator_set_template(o, tmpl);
  capkit_rotator_set_callbacks(o, setup, NULL, done, sp);
  int code = 0, rc;
  capkit_record rec = CAPKIT_RECORD_INIT;
  while ((rc = cut_in_next(in, &rec)) > 0) {
    if (c->strip_fcs)
      capkit_record_strip_fcs(&rec, c->fcs_bytes);
    int e = capkit_rotator_write(o, &rec);
    if (e < 0) {
      cli_err("split", "%s", capkit_rotator_error(o));
      if (e == CAPKIT_ELINKTYPE)
        cli_err("split", "hint: -F pcapng keeps every link type");
      code = cli_exit_for(e);
      break;
    }
    if (sp->nomem) {
      cli_err("split", "out of memory");
      code = EXIT_IO;
      break;
    }
  }
  if (rc < 0 && !code)
    code = cut_in_report("split", in, rc);
  /* Earlier files are complete; the open one follows the damage policy. */
  int keep = code == EXIT_OK || (code == EXIT_DATA && c->keep_partial);
  const char *last = capkit_rotator_path(o);
  if (keep && capkit_rotator_close(o) < 0) {
    cli_err("split", "%s", capkit_rotator_error(o));
    code = EXIT_IO;
  } else if (keep && code && last) {
    cli_err("split", "kept the records before the damage, up to %s", last);
  }
  capkit_rotator_free(o);
  return code;
}

typedef struct outf {
  cut_out o;
  int open;
} outf;

/* One file per interface. */
static int split_ifaces(split *sp, cut_in *in, const char *tmpl) {
  const cut_common *c = sp->c;
  outf *outs = NULL;
  size_t n_outs = 0;
  int code = 0, rc;
  capkit_record rec = CAPKIT_RECORD_INIT;
  while ((rc = cut_in_next(in, &rec)) > 0) {
    size_t slot = rec.iface_id;
    if (slot >= n_outs) {
      outf *no = realloc(outs, (slot + 1) * sizeof *no);
      if (!no) {
        cli_err("split", "out of memory");
        code = EXIT_IO;
        break;
      }
      memset(no + n_outs, 0, (slot + 1 - n_outs) * sizeof *no);
      outs = no;
      n_outs = slot + 1;
    }
    if (!outs[slot].open) {
      char *name = capkit_name_template(tmpl, slot, rec.ts_sec, NULL);
      if (!name) {
        cli_err("split", "out of memory");
        code = EXIT_IO;
        break;
      }
      const capkit_iface *f = rec.iface;
      code = cut_out_open_spec(
          "split", &outs[slot].o, name, c, capkit_reader_info(in->r)->format,
          f && f->tsresol == 9 ? 9 : 6, 0, f != NULL, f ? f->linktype : 1,
          f ? f->fcs_len : -1);
      free(name);
      if (code)
        break;
      outs[slot].open = 1;
    }
    if ((code = cut_out_write("split", &outs[slot].o, &rec)))
      break;
  }
  if (rc < 0 && !code)
    code = cut_in_report("split", in, rc);
  for (size_t i = 0; i < n_outs; i++)
    if (outs[i].open) {
      char *name = outs[i].o.path ? strdup(outs[i].o.path) : NULL;
      int e = cut_out_finish("split", &outs[i].o, code);
      if (sp->verbose && (e == EXIT_OK || (e == EXIT_DATA && c->keep_partial)) &&
          name)
        printf("%s\n", name);
      free(name);
      if (!code)
        code = e;
    }
  free(outs);
  return code;
}

int cmd_split(int argc, char **argv) {
  static const struct option opts[] = {
      CUT_COMMON_LONGOPTS,
      {"packets", required_argument, NULL, CUT_OPT_OWN},
      {"bytes", required_argument, NULL, CUT_OPT_OWN + 1},
      {"seconds", required_argument, NULL, CUT_OPT_OWN + 2},
      {"interface", no_argument, NULL, CUT_OPT_OWN + 3},
      {"verbose", no_argument, NULL, 'v'},
      {NULL, 0, NULL, 0}};
  cut_common c;
  memset(&c, 0, sizeof c);
  split sp;
  memset(&sp, 0, sizeof sp);
  sp.c = &c;
  int code = cut_parse("split", argc, argv, opts, CUT_COMMON_SHORT "v", &c,
                       split_usage, own, &sp);
  if (code != CUT_GO)
    return code;
  if (argc - optind != 1)
    return cli_usage_error("split", "expected one input file");
  if (sp.by == CAPKIT_ROTATE_NONE && !sp.iface)
    return cli_usage_error("split", "say how: --packets, --bytes, "
                                    "--seconds or --interface");
  /* By default the parts go in the current directory, named after IN. */
  const char *in_path = argv[optind];
  const char *slash = strrchr(in_path, '/');
  const char *tmpl = c.out ? c.out : slash ? slash + 1 : in_path;
  if (strcmp(tmpl, "-") == 0 || !*tmpl)
    return cli_usage_error("split", "split writes files: -o needs a name");
  int err;
  char *probe = capkit_name_template(tmpl, 0, 0, &err);
  free(probe);
  if (err == CAPKIT_EINVAL)
    return cli_usage_error("split",
                           "bad template '%s' (one %%d with a width up to "
                           "64, %%t, %%%%)",
                           tmpl);
  cut_in in;
  code = cut_in_open("split", &in, in_path, c.filter, 0);
  if (code)
    return code;
  in.pg = progress_new("split");
  sp.r = in.r;
  code = sp.iface ? split_ifaces(&sp, &in, tmpl)
                  : split_rotating(&sp, &in, tmpl);
  progress_done(in.pg);
  if (code && !(code == EXIT_DATA && c.keep_partial))
    for (size_t i = 0; i < sp.n_done; i++)
      unlink(sp.done[i]);
  for (size_t i = 0; i < sp.n_done; i++)
    free(sp.done[i]);
  free(sp.done);
  cut_in_close(&in);
  return code;
}
