/* cmd_repair.c - capkit repair: recover every intact record of a damaged
 * classic pcap capture into a new file and report each change. The work is
 * the library's (capkit_repair_*); this file parses options and lays out
 * the report. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char repair_usage[] =
    "usage: capkit repair IN -o OUT [options]\n"
    "       capkit repair IN --dry-run [options]\n\n"
    "Recover every intact record of a damaged pcap or pcapng capture (gzip\n"
    "and zstd inputs too) and invent none: a garbled or missing file header is\n"
    "rebuilt (byte order and precision from the records, link type from the\n"
    "packets' content, reported as inferred), records after garbage, holes\n"
    "and inserted bytes are found again, bytes of no record and records\n"
    "whose header or data is damaged are dropped, a truncated last record is\n"
    "cut. pcapng: blocks are checked by type and both lengths (one length\n"
    "damaged is rebuilt from the other when the body and the blocks after\n"
    "it agree), a section header whose type alone is damaged is restored\n"
    "with its options, an interface description missing before its packets\n"
    "is recreated (link type from the packets). FTP ASCII-mode mangling\n"
    "(every 0a written as 0d 0a) is detected and undone for the whole file;\n"
    "the reverse (0d 0a written as 0a), pcap and pcapng, too where the\n"
    "record lengths, the records after and the checksums place each lost\n"
    "0d; a record where they do not is damaged (dropped or kept, marked).\n"
    "Each change is one\n"
    "line on standard error: input offset, length, kind, what and why. An\n"
    "undamaged input is copied byte for byte.\n\n"
    "  -o, --output OUT     the repaired capture (written under a temporary\n"
    "                       name, renamed when complete; .gz/.zst compress)\n"
    "  -n, --dry-run        report what would change, write nothing\n"
    "  -j, --json           the report as one JSON object on standard output\n"
    "  -p, --pad            keep a truncated last record, caplen corrected\n"
    "  -k, --keep-damaged   keep a damaged record (pcapng: packet block)\n"
    "                       that can still be framed, marked with a comment\n"
    "                       (a pcap input is then written as pcapng)\n"
    "  -l, --linktype TYPE  link type for a header that cannot be trusted,\n"
    "                       instead of inferring it (name or number)\n"
    "  -q, --quiet          no change lines, only the summary\n"
    "  -h, --help           this help\n\n"
    "The rare pcap variants (modified, Nokia, Ixia) are not repaired (exit 1\n"
    "with a message).\n\n"
    "Exit status: 0 nothing needed fixing, 1 damage found and repaired (or\n"
    "the input cannot be repaired), 2 usage, 3 I/O error.\n";

typedef struct rstate {
  const char *name;
  int json;
  int quiet;
  uint64_t n;
} rstate;

static void on_event(void *user, const capkit_repair_event *ev) {
  rstate *st = user;
  const char *kind = capkit_repair_kind_name(ev->kind);
  if (st->json) {
    printf("%s\n    {\"offset\":%" PRIu64 ",\"length\":%" PRIu64
           ",\"kind\":",
           st->n ? "," : "", ev->offset, ev->length);
    cli_json_str(stdout, kind ? kind : "UNKNOWN");
    printf(",\"record\":%" PRIu64 ",\"message\":", ev->record);
    cli_json_str(stdout, ev->message);
    fputs("}", stdout);
  } else if (!st->quiet) {
    fprintf(stderr, "%s: offset %" PRIu64 ", length %" PRIu64 ": %s: %s\n",
            st->name, ev->offset, ev->length, kind ? kind : "UNKNOWN",
            ev->message);
  }
  st->n++;
}

int cmd_repair(int argc, char **argv) {
  static const struct option opts[] = {
      {"output", required_argument, NULL, 'o'},
      {"dry-run", no_argument, NULL, 'n'},
      {"json", no_argument, NULL, 'j'},
      {"pad", no_argument, NULL, 'p'},
      {"keep-damaged", no_argument, NULL, 'k'},
      {"linktype", required_argument, NULL, 'l'},
      {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *out = NULL;
  int dry = 0, pad = 0, keep = 0, c;
  uint32_t lt = (uint32_t)-1;
  rstate st;
  memset(&st, 0, sizeof st);
  while ((c = getopt_long(argc, argv, "o:njpkl:qh", opts, NULL)) != -1) {
    switch (c) {
    case 'o':
      out = optarg;
      break;
    case 'n':
      dry = 1;
      break;
    case 'j':
      st.json = 1;
      break;
    case 'p':
      pad = 1;
      break;
    case 'k':
      keep = 1;
      break;
    case 'l':
      if (capkit_linktype_from_name(optarg, &lt) != 0)
        return cli_usage_error("repair", "unknown link type '%s'", optarg);
      break;
    case 'q':
      st.quiet = 1;
      break;
    case 'h':
      fputs(repair_usage, stdout);
      return EXIT_OK;
    default:
      return cli_usage_error("repair", "invalid option");
    }
  }
  if (argc - optind != 1)
    return cli_usage_error("repair", "expected one input file");
  if (!out && !dry)
    return cli_usage_error("repair", "no output: give -o OUT or --dry-run");
  if (out && dry)
    return cli_usage_error("repair", "--dry-run writes nothing: drop -o");
  if (st.json && out && strcmp(out, "-") == 0)
    return cli_usage_error("repair",
                           "--json and -o - would both use standard output");
  const char *in = argv[optind];
  st.name = strcmp(in, "-") ? in : "stdin";
  capkit_repair *rp = capkit_repair_new();
  if (!rp) {
    cli_err("repair", "out of memory");
    return EXIT_IO;
  }
  capkit_repair_set_event_fn(rp, on_event, &st);
  capkit_repair_set_pad(rp, pad);
  capkit_repair_set_keep_damaged(rp, keep);
  capkit_repair_set_linktype(rp, lt);
  if (st.json) {
    fputs("{\"file\":", stdout);
    cli_json_str(stdout, st.name);
    fputs(",\"changes\":[", stdout);
  }
  int rc = capkit_repair_run(rp, in, dry ? NULL : out);
  int code = rc < 0 ? cli_exit_for(rc) : rc > 0 ? EXIT_DATA : EXIT_OK;
  const char *status = rc < 0 ? "failed" : rc > 0 ? "repaired" : "clean";
  if (st.json) {
    printf("%s],\"status\":\"%s\"", st.n ? "\n  " : "", status);
    if (rc >= 0) {
      const capkit_scan_layout *l = capkit_repair_layout(rp);
      printf(",\"records\":%" PRIu64 ",\"dropped_records\":%" PRIu64
             ",\"dropped_bytes\":%" PRIu64 ",\"byte_order\":\"%s\","
             "\"precision\":\"%s\",\"linktype\":%u,\"snaplen\":%u",
             capkit_repair_records(rp), capkit_repair_dropped_records(rp),
             capkit_repair_dropped_bytes(rp),
             l->byte_order == CAPKIT_BO_BIG ? "big" : "little",
             l->precision == 9 ? "ns" : "us", l->linktype, l->snaplen);
    } else {
      fputs(",\"error\":", stdout);
      cli_json_str(stdout, capkit_repair_error(rp));
    }
    fputs("}\n", stdout);
  }
  if (rc < 0) {
    cli_err("repair", "%s", capkit_repair_error(rp));
  } else if (!st.json) {
    fprintf(stderr,
            "%s: %s: %" PRIu64 " records %s, %" PRIu64
            " damaged records and %" PRIu64 " bytes dropped\n",
            st.name, status, capkit_repair_records(rp),
            dry ? "would be written" : "written",
            capkit_repair_dropped_records(rp),
            capkit_repair_dropped_bytes(rp));
  }
  capkit_repair_free(rp);
  return code;
}
