/* cmd_sort.c - capkit sort: records in time order (stable), in bounded
 * memory. At most --memory bytes of records wait (in-order ones in a ring,
 * the rest in a heap) while the input streams to the output; a record
 * older than one already written means the disorder is not local, and the
 * input is sorted again: its sorted stretches merged when there are few,
 * else through the library's external sorter. Inputs that are not regular
 * files go straight to the external sort, as they cannot be read twice.
 * Times are compared as (seconds, nanoseconds): any time a file holds. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cut.h"

static const char sort_usage[] =
    "usage: capkit sort IN -o OUT [options]\n\n"
    "Sort records by time; records with equal times keep their order (like\n"
    "reordercap). Memory stays bounded for any input: local disorder is\n"
    "sorted on the fly in one pass; otherwise the input is read again and\n"
    "sorted through temporary files (at once for pipes and standard input).\n\n"
    "  -m, --memory SIZE      memory for records (default 16MiB)\n"
    "  -T, --tmpdir DIR       temporary files there (default $TMPDIR or /tmp)\n"
    "  -n, --check            like reordercap -n: count the records out of\n"
    "                         order (\"N records, M out of order\" on standard\n"
    "                         error) and write no output when there are none\n"
    "  -v, --verbose          say which method was used\n";

typedef struct sorter {
  uint64_t memory;
  const char *tmpdir;
  int verbose, check;
} sorter;

static int own(void *ctx, int opt, const char *arg) {
  sorter *s = ctx;
  switch (opt) {
  case 'm':
    if (cli_parse_size(arg, &s->memory) || s->memory < 65536)
      return cli_usage_error("sort", "bad memory size '%s' (at least 64KiB)",
                             arg),
             -1;
    return 0;
  case 'T':
    s->tmpdir = arg;
    return 0;
  case 'v':
    s->verbose = 1;
    return 0;
  case 'n':
    s->check = 1;
    return 0;
  }
  return cli_usage_error("sort", "invalid option"), -1;
}

/* Output settings: like the input for classic pcap; for pcapng our own
 * blocks (records come from memory, not from the input's blocks). */
static int open_out(cut_out *o, const cut_common *c, capkit_reader *r) {
  const capkit_file_info *f = capkit_reader_info(r);
  if (strcmp(f->format, "pcap") == 0 && (!c->format ||
                                          strcmp(c->format, "pcap") == 0))
    return cut_out_open_like("sort", o, c->out, r, c, 0);
  int ns = 0;
  for (size_t i = 0; i < capkit_reader_iface_count(r); i++)
    if (capkit_reader_iface(r, i)->tsresol != 6)
      ns = 1;
  return cut_out_open_spec("sort", o, c->out, c, "pcapng", ns ? 9 : 6, 0, 0, 0,
                           -1);
}

/* Write a sorted record: its values (not the input's record header),
 * with the interface of reader r. */
static int write_sorted(cut_out *o, capkit_reader *r,
                        const capkit_record *rec) {
  capkit_record out = *rec;
  out.iface = capkit_reader_iface(r, rec->iface_id);
  out.extra = NULL;
  out.offset = 0;
  return cut_out_write("sort", o, &out);
}

/* Where the input's sorted stretches start: the numbers of the records
 * that are older than the record before them. An input made of a few long
 * sorted stretches (captures appended to each other) is merged straight
 * from the input, without temporary files. */
#define MAX_STRETCHES 16
typedef struct stretches {
  uint64_t start[MAX_STRETCHES]; /* record number of each stretch's first */
  size_t n;                      /* 0: unknown or too many */
} stretches;

/* Stream pass. Returns an exit code, or -1 when the disorder is not local
 * (nothing is kept of the output then); *sx then tells the sorted
 * stretches of a regular, uncompressed pcap input when there are few. */
static int sort_stream(const char *path, const cut_common *c, const sorter *s,
                       stretches *sx) {
  cut_in in;
  int code = cut_in_open("sort", &in, path, c->filter, 0);
  if (code)
    return code;
  cut_out o;
  code = open_out(&o, c, in.r);
  if (code) {
    cut_in_close(&in);
    return code;
  }
  in.pg = progress_new("sort");
  capkit_reorder *q = capkit_reorder_new((size_t)s->memory);
  if (!q) {
    cli_err("sort", "out of memory");
    code = EXIT_IO;
  }
  capkit_record rec = CAPKIT_RECORD_INIT, out = CAPKIT_RECORD_INIT;
  int rc = 0, k;
  memset(sx, 0, sizeof *sx);
  const char *fmt = capkit_reader_info(in.r)->format;
  int track = strcmp(fmt, "pcap") == 0 && !capkit_reader_compression(in.r);
  capkit_order *ord = capkit_order_new(MAX_STRETCHES);
  if (!ord && !code) {
    cli_err("sort", "out of memory");
    code = EXIT_IO;
  }
  while (!code && (rc = cut_in_next(&in, &rec)) > 0) {
    capkit_order_add(ord, &rec);
    k = capkit_reorder_add(q, &rec);
    if (k == 1) {
      code = -1;
      break;
    }
    if (k < 0) {
      cli_err("sort", "%s", capkit_strerror(k));
      code = cli_exit_for(k);
    }
    while (!code && (k = capkit_reorder_next(q, &out, 0)) > 0)
      code = write_sorted(&o, in.r, &out);
  }
  if (rc < 0 && !code)
    code = cut_in_report("sort", &in, rc);
  /* Drain: everything left is newer than what was written. */
  while ((code == 0 || code == EXIT_DATA) && !o.failed &&
         capkit_reorder_next(q, &out, 1) > 0) {
    int e = write_sorted(&o, in.r, &out);
    if (e)
      code = e;
  }
  capkit_reorder_free(q);
  progress_done(in.pg);
  if (code == -1) {
    cut_out_finish("sort", &o, EXIT_IO); /* discarded */
    /* Find the rest of the stretches: headers only, nothing written. A
     * damaged input is left to the external sort, which reports it. */
    while (track && (rc = cut_in_next(&in, &rec)) > 0)
      capkit_order_add(ord, &rec);
    sx->n = track && rc == 0 ? capkit_order_stretches(ord) : 0;
    for (size_t i = 0; i < sx->n; i++)
      sx->start[i] = capkit_order_stretch(ord, i);
  } else {
    code = cut_out_finish("sort", &o, code);
    if (s->verbose && code == 0)
      fprintf(stderr, "capkit sort: sorted in one pass\n");
  }
  capkit_order_free(ord);
  cut_in_close(&in);
  return code;
}

/* Through the library's external sorter: every record in, then out in
 * order. Times of records as they were, interfaces of this reader. */
static int sort_external(const char *path, const cut_common *c,
                         const sorter *s) {
  cut_in in;
  int code = cut_in_open("sort", &in, path, c->filter, 0);
  if (code)
    return code;
  in.pg = progress_new("sort");
  capkit_sorter *so = capkit_sorter_new();
  if (!so || capkit_sorter_set_memory(so, (size_t)s->memory) ||
      capkit_sorter_set_tmpdir(so, s->tmpdir)) {
    cli_err("sort", "out of memory");
    code = EXIT_IO;
  }
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc = 0;
  capkit_order *ord = capkit_order_new(0);
  if (!ord && !code) {
    cli_err("sort", "out of memory");
    code = EXIT_IO;
  }
  while (!code && (rc = cut_in_next(&in, &rec)) > 0) {
    capkit_order_add(ord, &rec);
    int e = capkit_sorter_add(so, &rec);
    if (e < 0) {
      cli_err("sort", "%s", capkit_sorter_error(so));
      code = cli_exit_for(e);
    }
  }
  if (rc < 0 && !code)
    code = cut_in_report("sort", &in, rc);
  progress_done(in.pg);
  uint64_t late = ord ? capkit_order_late(ord) : 0;
  if (s->check && (code == 0 || code == EXIT_DATA)) {
    fprintf(stderr, "capkit sort: %" PRIu64 " records, %" PRIu64
                    " out of order\n", capkit_order_records(ord), late);
    if (late == 0 && code == 0) {
      fprintf(stderr, "capkit sort: the input is in order: %s not written\n",
              c->out);
      capkit_order_free(ord);
      capkit_sorter_free(so);
      cut_in_close(&in);
      return EXIT_OK;
    }
  }
  capkit_order_free(ord);
  cut_out o;
  memset(&o, 0, sizeof o);
  if (code == 0 || code == EXIT_DATA) {
    int e = open_out(&o, c, in.r);
    if (e)
      code = e;
  }
  while ((code == 0 || code == EXIT_DATA) && o.w &&
         (rc = capkit_sorter_next(so, &rec)) != 0) {
    if (rc < 0) {
      cli_err("sort", "%s", capkit_sorter_error(so));
      code = cli_exit_for(rc);
      break;
    }
    int e = write_sorted(&o, in.r, &rec);
    if (e) {
      code = e;
      break;
    }
  }
  size_t runs = capkit_sorter_runs(so);
  if (s->verbose && code == 0)
    fprintf(stderr, "capkit sort: sorted through %zu temporary run%s\n", runs,
            runs == 1 ? "" : "s");
  code = cut_out_finish("sort", &o, code);
  capkit_sorter_free(so);
  cut_in_close(&in);
  return code;
}

/* Merge the sorted stretches of a pcap input, each read by its own reader
 * of the same file, through the library's merger: equal times keep their
 * order (the earlier stretch first), as in the external sort, whose output
 * this is byte for byte. */
static int sort_stretches(const char *path, const cut_common *c,
                          const sorter *s, const stretches *sx) {
  size_t k = sx->n, opened = 0;
  cut_in *v = calloc(k, sizeof *v);
  capkit_merger *m = capkit_merger_new();
  int code = v && m ? EXIT_OK : EXIT_IO;
  if (code)
    cli_err("sort", "out of memory");
  /* A small read-ahead each keeps memory bounded. */
  size_t window = ((size_t)4 << 20) / k;
  if (window > ((size_t)2 << 20))
    window = (size_t)2 << 20;
  if (window < ((size_t)256 << 10))
    window = (size_t)256 << 10;
  for (; !code && opened < k; opened++) {
    code = cut_in_open("sort", &v[opened], path, c->filter, window);
    if (!code &&
        capkit_merger_add_range(m, v[opened].r, v[opened].f, sx->start[opened],
                                opened + 1 < k ? sx->start[opened + 1] : 0) < 0) {
      cli_err("sort", "out of memory");
      code = EXIT_IO;
    }
  }
  cut_out o;
  memset(&o, 0, sizeof o);
  if (!code)
    code = open_out(&o, c, v[0].r);
  progress *pg = code ? NULL : progress_new("sort");
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc = 0;
  uint64_t ticks = 0;
  while (!code && (rc = capkit_merger_next(m, &rec, NULL)) > 0) {
    code = write_sorted(&o, v[0].r, &rec);
    if (pg && (++ticks & 4095) == 0) {
      uint64_t size, done = capkit_reader_input_offset(v[0].r, &size);
      progress_update(pg, done, size);
    }
  }
  if (rc < 0 && !code) {
    cut_in *bad = &v[capkit_merger_failed(m)];
    if (rc == CAPKIT_EFILTER)
      bad->filter_failed_at = rec.number;
    code = cut_in_report("sort", bad, rc);
  }
  progress_done(pg);
  code = cut_out_finish("sort", &o, code); /* no writer: code stands */
  if (s->verbose && code == 0)
    fprintf(stderr, "capkit sort: merged %zu sorted stretches of the input\n",
            k);
  capkit_merger_free(m);
  for (size_t i = 0; i < opened; i++)
    cut_in_close(&v[i]);
  free(v);
  return code;
}

/* -n on a file that can be read twice: count the records out of order
 * (older than the one before, as reordercap counts). Returns an exit code,
 * or -1 when the input is in order and nothing is to be written. */
static int check_order(const char *path, const cut_common *c) {
  cut_in in;
  int code = cut_in_open("sort", &in, path, c->filter, 0);
  if (code)
    return code;
  capkit_record rec = CAPKIT_RECORD_INIT;
  capkit_order *ord = capkit_order_new(0);
  int rc = ord ? 0 : CAPKIT_ENOMEM;
  while (ord && (rc = cut_in_next(&in, &rec)) > 0)
    capkit_order_add(ord, &rec);
  uint64_t n = ord ? capkit_order_records(ord) : 0;
  uint64_t late = ord ? capkit_order_late(ord) : 0;
  capkit_order_free(ord);
  if (rc == CAPKIT_ENOMEM)
    cli_err("sort", "out of memory");
  code = rc == CAPKIT_ENOMEM ? EXIT_IO
         : rc < 0            ? cut_in_report("sort", &in, rc)
                             : 0;
  cut_in_close(&in);
  if (code)
    return code;
  fprintf(stderr, "capkit sort: %" PRIu64 " records, %" PRIu64
                  " out of order\n", n, late);
  if (late)
    return 0;
  fprintf(stderr, "capkit sort: the input is in order: %s not written\n",
          c->out);
  return -1;
}

int cmd_sort(int argc, char **argv) {
  static const struct option opts[] = {
      CUT_COMMON_LONGOPTS,
      {"memory", required_argument, NULL, 'm'},
      {"tmpdir", required_argument, NULL, 'T'},
      {"verbose", no_argument, NULL, 'v'},
      {"check", no_argument, NULL, 'n'},
      {NULL, 0, NULL, 0}};
  cut_common c;
  memset(&c, 0, sizeof c);
  sorter s = {(uint64_t)16 << 20, NULL, 0, 0};
  int code = cut_parse("sort", argc, argv, opts, CUT_COMMON_SHORT "m:T:vn", &c,
                       sort_usage, own, &s);
  if (code != CUT_GO)
    return code;
  if (argc - optind != 1)
    return cli_usage_error("sort", "expected one input file");
  if (!c.out)
    return cli_usage_error("sort", "no output file (-o)");
  const char *path = argv[optind];
  /* Only a regular file can be read a second time; pipes, process
   * substitutions and standard input go to the external sort at once. */
  struct stat st;
  if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
    if (s.check) {
      code = check_order(path, &c);
      if (code)
        return code == -1 ? EXIT_OK : code;
      s.check = 0;
    }
    stretches sx;
    code = sort_stream(path, &c, &s, &sx);
    if (code != -1)
      return code;
    if (sx.n > 1) {
      if (s.verbose)
        fprintf(stderr, "capkit sort: disorder beyond %" PRIu64
                        " bytes: merging the input's sorted stretches\n",
                s.memory);
      return sort_stretches(path, &c, &s, &sx);
    }
    if (s.verbose)
      fprintf(stderr, "capkit sort: disorder beyond %" PRIu64
                      " bytes: sorting through temporary files\n",
              s.memory);
  }
  return sort_external(path, &c, &s);
}
