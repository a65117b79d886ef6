/* cmd_split.c - capkit split: cut a capture into files of N records, SIZE
 * bytes or S seconds each, or one per interface, named from a template
 * (numbers and/or times): options and messages here, the files and
 * their settings in the library's split job (capkit_job_split, cut.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

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
  char *kept; /* by limit: the last file, kept up to the damage */
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

static void done(void *user, const char *path, uint64_t file_no,
                 uint64_t records, int partial) {
  split *s = user;
  (void)file_no;
  if (partial && s->iface)
    cli_err("split", "kept %" PRIu64 " record%s before the damage in %s",
            records, cli_s(records), path);
  if (partial && !s->iface) {
    free(s->kept); /* the last file: named once the split is over */
    s->kept = strdup(path);
  }
  if (s->verbose)
    printf("%s\n", path);
}

static void error(void *user, int code, const char *message) {
  (void)user;
  (void)code;
  cli_err("split", "%s", message);
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
  progress *pg = progress_new("split");
  capkit_job *j = cut_job_new("split", &c, pg);
  int rc = CAPKIT_ENOMEM;
  if (j) {
    capkit_job_set_split_fns(j, done, error, &sp);
    rc = capkit_job_split(j, in_path, tmpl, sp.by, sp.n); /* NONE: iface */
  }
  if (rc == CAPKIT_ELINKTYPE)
    cli_err("split", "hint: -F pcapng keeps every link type");
  if (sp.kept)
    cli_err("split", "kept the records before the damage, up to %s", sp.kept);
  free(sp.kept);
  progress_done(pg);
  capkit_job_free(j);
  return cli_exit_for(rc);
}
