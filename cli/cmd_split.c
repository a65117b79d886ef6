/* cmd_split.c - capkit split: cut a capture into files of N records, SIZE
 * bytes or S seconds each, or one per interface, named from a template
 * (numbers and/or the first record's time). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cut.h"

static const char split_usage[] =
    "usage: capkit split IN (--packets N | --bytes SIZE | --seconds S |\n"
    "                        --interface) [-o TEMPLATE] [options]\n\n"
    "Cut IN into several files, each a valid capture with IN's settings.\n\n"
    "      --packets N        N records per file\n"
    "      --bytes SIZE       at most SIZE bytes of records per file ('10M',\n"
    "                         '1GiB'; a record larger than SIZE gets a file)\n"
    "      --seconds S        files of S seconds each ('60', '0.5', '5m'),\n"
    "                         counted from the first record\n"
    "      --interface        one file per interface (pcapng)\n"
    "  -o TEMPLATE            output names. '%d' (with printf flags and width:\n"
    "                         '%04d') is the file number, from 0; '%t' the\n"
    "                         first record's time (YYYYmmddTHHMMSSZ); '%%' a\n"
    "                         '%'. Without either, '-NNNNN' goes before the\n"
    "                         extension: out.pcap -> out-00000.pcap. Default:\n"
    "                         IN's name. With --interface '%d' is the\n"
    "                         interface number.\n"
    "  -v, --verbose          print each file's name as it is completed\n"
    "On damaged input no file is left, unless --keep-partial (then the\n"
    "files up to the damage are kept, the last one ending before it).\n";

enum { BY_NONE, BY_PACKETS, BY_BYTES, BY_SECONDS, BY_IFACE };

typedef struct split {
  int by, verbose;
  uint64_t n;
  int64_t secs;
} split;

static int own(void *ctx, int opt, const char *arg) {
  split *s = ctx;
  int by = s->by;
  switch (opt) {
  case CUT_OPT_OWN:
    if (cli_parse_size(arg, &s->n) || s->n == 0)
      return cli_usage_error("split", "bad --packets '%s'", arg), -1;
    s->by = BY_PACKETS;
    break;
  case CUT_OPT_OWN + 1:
    if (cli_parse_size(arg, &s->n) || s->n == 0)
      return cli_usage_error("split", "bad --bytes '%s'", arg), -1;
    s->by = BY_BYTES;
    break;
  case CUT_OPT_OWN + 2:
    if (cli_parse_duration(arg, &s->secs) || s->secs <= 0)
      return cli_usage_error("split", "bad --seconds '%s'", arg), -1;
    s->by = BY_SECONDS;
    break;
  case CUT_OPT_OWN + 3:
    s->by = BY_IFACE;
    break;
  case 'v':
    s->verbose = 1;
    return 0;
  default:
    return cli_usage_error("split", "invalid option"), -1;
  }
  if (by != BY_NONE && by != s->by)
    return cli_usage_error("split", "choose one of --packets, --bytes, "
                                    "--seconds, --interface"),
           -1;
  return 0;
}

/* Check a template: at most one %d-like conversion, %t, %%. */
static int template_ok(const char *t, int *has_conv) {
  int n = 0;
  *has_conv = 0;
  for (const char *p = t; *p; p++) {
    if (*p != '%')
      continue;
    p++;
    if (*p == '%')
      continue;
    if (*p == 't') {
      *has_conv = 1;
      continue;
    }
    while (*p == '0' || *p == '-' || *p == '+' || *p == ' ')
      p++;
    while (*p >= '0' && *p <= '9')
      p++;
    if (*p != 'd' && *p != 'u')
      return -1;
    n++;
    *has_conv = 1;
  }
  return n > 1 ? -1 : 0;
}

/* The name of file number k whose first record is at time t. */
static char *make_name(const char *tmpl, int has_conv, uint64_t k,
                       int64_t sec) {
  size_t cap = strlen(tmpl) + 64;
  char *out = malloc(cap), *o = out;
  if (!out)
    return NULL;
  if (!has_conv) {
    const char *slash = strrchr(tmpl, '/');
    const char *dot = strrchr(tmpl, '.');
    /* out.pcap.gz -> out-00000.pcap.gz: before the first dot of the
     * file name part. */
    const char *base = slash ? slash + 1 : tmpl;
    const char *first = strchr(base, '.');
    if (first && first != base)
      dot = first;
    if (!dot || dot < base || dot == base)
      dot = tmpl + strlen(tmpl);
    snprintf(out, cap, "%.*s-%05" PRIu64 "%s", (int)(dot - tmpl), tmpl, k,
             dot);
    return out;
  }
  for (const char *p = tmpl; *p; p++) {
    if (*p != '%') {
      *o++ = *p;
      continue;
    }
    const char *start = p++;
    if (*p == '%') {
      *o++ = '%';
      continue;
    }
    if (*p == 't') {
      time_t tt = (time_t)sec;
      struct tm tm;
      if (!gmtime_r(&tt, &tm))
        memset(&tm, 0, sizeof tm);
      o += strftime(o, 20, "%Y%m%dT%H%M%SZ", &tm);
      continue;
    }
    while (*p != 'd' && *p != 'u')
      p++;
    char fmt[32];
    size_t fl = (size_t)(p - start);
    if (fl > 20)
      fl = 20;
    memcpy(fmt, start, fl);
    memcpy(fmt + fl, PRIu64, sizeof PRIu64);
    o += snprintf(o, 32, fmt, k);
  }
  *o = 0;
  return out;
}

static int add_done(char ***list, size_t *n, char *name) {
  char **l = realloc(*list, (*n + 1) * sizeof *l);
  if (!l)
    return -1;
  l[(*n)++] = name;
  *list = l;
  return 0;
}

typedef struct outf {
  cut_out o;
  int open;
} outf;

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
  if (sp.by == BY_NONE)
    return cli_usage_error("split", "say how: --packets, --bytes, "
                                    "--seconds or --interface");
  const char *tmpl = c.out ? c.out : argv[optind];
  if (strcmp(tmpl, "-") == 0)
    return cli_usage_error("split", "split writes files: -o needs a name");
  int has_conv;
  if (template_ok(tmpl, &has_conv))
    return cli_usage_error("split", "bad template '%s' (one %%d, %%t, %%%%)",
                           tmpl);
  cut_in in;
  code = cut_in_open("split", &in, argv[optind], c.filter, 0);
  if (code)
    return code;
  in.pg = progress_new("split");
  outf *outs = NULL; /* one, or one per interface */
  size_t n_outs = 0;
  char **done = NULL; /* files completed, removed if the input is bad */
  size_t n_done = 0;
  uint64_t k = 0, count = 0, bytes = 0;
  int64_t t_start = 0;
  int have_start = 0;
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc;
  while ((rc = cut_in_next(&in, &rec)) > 0) {
    size_t slot = 0;
    int64_t t = capkit_record_time_ns(&rec);
    uint64_t rbytes = 16 + (uint64_t)rec.caplen;
    if (sp.by == BY_IFACE) {
      slot = rec.iface_id;
    } else if (n_outs && outs[0].open) {
      int roll = 0;
      if (sp.by == BY_PACKETS)
        roll = count >= sp.n;
      else if (sp.by == BY_BYTES)
        roll = bytes + rbytes > sp.n && count > 0;
      else
        roll = t - t_start >= sp.secs;
      if (roll) {
        char *name = outs[0].o.path ? strdup(outs[0].o.path) : NULL;
        code = cut_out_finish("split", &outs[0].o, EXIT_OK);
        if (!code && sp.verbose && name)
          printf("%s\n", name);
        if (!code && name && add_done(&done, &n_done, name) == 0)
          name = NULL;
        free(name);
        outs[0].open = 0;
        if (code)
          break;
        k++;
        count = bytes = 0;
        if (sp.by == BY_SECONDS) {
          /* Files keep to the grid from the first record; empty periods
           * make no files. */
          t_start += (t - t_start) / sp.secs * sp.secs;
        }
      }
    }
    if (!have_start) {
      t_start = t;
      have_start = 1;
    }
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
      char *name = make_name(tmpl, has_conv, sp.by == BY_IFACE ? slot : k,
                             rec.ts_sec);
      if (!name) {
        cli_err("split", "out of memory");
        code = EXIT_IO;
        break;
      }
      if (sp.by == BY_IFACE) {
        const capkit_iface *f = rec.iface;
        code = cut_out_open_spec(
            "split", &outs[slot].o, name, &c, capkit_reader_info(in.r)->format,
            f && f->tsresol == 9 ? 9 : 6, 0, f != NULL, f ? f->linktype : 1,
            f ? f->fcs_len : -1);
      } else {
        code = cut_out_open_like("split", &outs[slot].o, name, in.r, &c, 0);
      }
      free(name);
      if (code)
        break;
      outs[slot].open = 1;
    }
    if ((code = cut_out_write("split", &outs[slot].o, &rec)))
      break;
    count++;
    bytes += rbytes;
  }
  if (rc < 0 && !code)
    code = cut_in_report("split", &in, rc);
  progress_done(in.pg);
  /* Earlier files are complete; the open ones follow the damage policy. */
  for (size_t i = 0; i < n_outs; i++)
    if (outs[i].open) {
      char *name = outs[i].o.path ? strdup(outs[i].o.path) : NULL;
      int e = cut_out_finish("split", &outs[i].o, code);
      if (sp.verbose && (e == EXIT_OK || (e == EXIT_DATA && c.keep_partial)) &&
          name)
        printf("%s\n", name);
      free(name);
      if (!code)
        code = e;
    }
  if (code && !(code == EXIT_DATA && c.keep_partial))
    for (size_t i = 0; i < n_done; i++)
      unlink(done[i]);
  for (size_t i = 0; i < n_done; i++)
    free(done[i]);
  free(done);
  free(outs);
  cut_in_close(&in);
  return code;
}
