/* cmd_import.c - capkit import: hex dumps (od, text2pcap input, hexdump -C,
 * xxd, tcpdump -xx, Wireshark, capkit dump -x) back to a capture file, or a
 * whole capture file rebuilt from a dump of its own bytes. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char import_usage[] =
    "usage: capkit import [options] -o OUT [IN]\n\n"
    "Read hex dumps (IN, or standard input) and write a capture. Each packet\n"
    "is a run of lines 'OFFSET HEX-BYTES [ASCII]' starting at offset 0, as\n"
    "written by od -Ax -tx1 (text2pcap's input), hexdump -C, xxd, tcpdump\n"
    "-xx, Wireshark's \"copy as hex dump\" and capkit dump -x, or hexdump's\n"
    "default 16-bit words (little-endian, as hexdump prints them here); the\n"
    "ASCII column and other text are ignored. capkit dump -x output imports back\n"
    "to the same packets, timestamps and original lengths.\n\n"
    "When the bytes of the dump start with a pcap or pcapng magic number the\n"
    "dump is of a whole capture file (like 'hexdump -C file.pcap', with or\n"
    "without the offsets): the file is rebuilt from it and checked.\n\n"
    "  -o, --output FILE       output file ('-' for standard output)\n"
    "  -l, --linktype TYPE     link type of the packets (default EN10MB, or\n"
    "                          the one --wrap implies)\n"
    "      --wrap SPEC         put headers built from a capkit gen spec\n"
    "                          before each packet, lengths and checksums\n"
    "                          computed (like text2pcap -e/-i/-u/-T/-4):\n"
    "                          --wrap 'eth()/ipv4()/udp(dport=53)'\n"
    "  -t, --time-format FMT   a line before a packet starting with a time in\n"
    "                          this strptime(3) format stamps it; %f (or a\n"
    "                          format ending in '.') reads the fraction of a\n"
    "                          second, as text2pcap -t. Times are UTC.\n"
    "                          Packets without a time follow the one before\n"
    "                          by 1 microsecond (the first at the epoch)\n"
    "      --whole-file        the dump is of a whole capture file\n"
    "      --offsets R         offsets in hex (default), oct or dec, as\n"
    "                          text2pcap -o and od -A x|o|d write them\n"
    "  -D, --direction         a line before a packet starting with I or O\n"
    "                          marks it inbound or outbound (text2pcap -D;\n"
    "                          kept by -F pcapng as epb_flags)\n"
    "  -a, --ascii             accepted for text2pcap -a: the ASCII column\n"
    "                          is always told apart from the bytes\n"
    "      --packets           the dump is of packets (no detection)\n"
    "      --keep-partial      a damaged whole file: keep the records before\n"
    "                          the damage (exit status still 1)\n"
    "  -F, --format FMT        pcap (default) or pcapng\n"
    "  -b, --byte-order ORDER  little, big or native\n"
    "  -p, --precision P       us or ns (default: ns when the times have\n"
    "                          more than 6 fraction digits)\n"
    "  -s, --snaplen N         snaplen (default 262144); longer packets are\n"
    "                          cut, with a warning naming the line\n"
    "  -h, --help              this help\n\n"
    "Exit status: 0 ok, 1 the text is not a valid dump (nothing written),\n"
    "2 usage, 3 I/O error.\n";

static void on_warning(void *user, const char *msg) {
  (void)user;
  cli_err("import", "%s", msg);
}

int cmd_import(int argc, char **argv) {
  enum { OPT_WHOLE = 256, OPT_PACKETS, OPT_KEEP, OPT_WRAP, OPT_OFFSETS };
  static const struct option opts[] = {
      {"output", required_argument, NULL, 'o'},
      {"linktype", required_argument, NULL, 'l'},
      {"time-format", required_argument, NULL, 't'},
      {"whole-file", no_argument, NULL, OPT_WHOLE},
      {"packets", no_argument, NULL, OPT_PACKETS},
      {"keep-partial", no_argument, NULL, OPT_KEEP},
      {"wrap", required_argument, NULL, OPT_WRAP},
      {"offsets", required_argument, NULL, OPT_OFFSETS},
      {"ascii", no_argument, NULL, 'a'},
      {"direction", no_argument, NULL, 'D'},
      {"format", required_argument, NULL, 'F'},
      {"byte-order", required_argument, NULL, 'b'},
      {"precision", required_argument, NULL, 'p'},
      {"snaplen", required_argument, NULL, 's'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *out = NULL;
  int keep = 0;
  cli_out_opts wo;
  memset(&wo, 0, sizeof wo);
  capkit_import_settings set = CAPKIT_IMPORT_SETTINGS_INIT;
  const char *wrap = NULL;
  int c;
  while ((c = getopt_long(argc, argv, "o:l:t:F:b:p:s:aDh", opts, NULL)) != -1) {
    switch (c) {
    case 'o': out = optarg; break;
    case 't': set.time_fmt = optarg; break;
    case OPT_WHOLE: set.mode = CAPKIT_IMPORT_WHOLE; break;
    case OPT_PACKETS: set.mode = CAPKIT_IMPORT_PACKETS; break;
    case OPT_KEEP: keep = 1; break;
    case OPT_WRAP: wrap = optarg; break;
    case OPT_OFFSETS:
      set.flags &= ~(CAPKIT_HEX_OFFSET_OCT | CAPKIT_HEX_OFFSET_DEC);
      if (!strcmp(optarg, "oct"))
        set.flags |= CAPKIT_HEX_OFFSET_OCT;
      else if (!strcmp(optarg, "dec"))
        set.flags |= CAPKIT_HEX_OFFSET_DEC;
      else if (strcmp(optarg, "hex"))
        return cli_usage_error("import", "--offsets: hex, oct or dec, not "
                                         "'%s'", optarg);
      break;
    case 'a': /* text2pcap -a: the ASCII column is always told apart */
      break;
    case 'D':
      set.flags |= CAPKIT_HEX_DIRECTION;
      break;
    case 'F':
    case 'b':
    case 'p':
    case 's':
    case 'l':
      if (cli_out_opt("import", &wo, c, optarg))
        return EXIT_USAGE;
      break;
    case 'h':
      fputs(import_usage, stdout);
      return EXIT_OK;
    default:
      return cli_usage_error("import", "invalid option");
    }
  }
  if (optind < argc - 1)
    return cli_usage_error("import", "expected at most one input file");
  if (!out)
    return cli_usage_error("import", "no output file (-o)");
  if (wrap && set.mode == CAPKIT_IMPORT_WHOLE)
    return cli_usage_error("import", "--wrap is for packets, not --whole-file");
  if (wrap) {
    capkit_spec_error e;
    int rc = capkit_gen_new_wrap(wrap, 1, &set.wrap, &e);
    if (rc) {
      cli_err("import", "--wrap, column %zu: %s", e.column, e.message);
      return rc == CAPKIT_ESPEC ? EXIT_USAGE : cli_exit_for(rc);
    }
  }
  const char *in = optind < argc ? argv[optind] : "-";
  set.snaplen = (uint32_t)wo.snap;
  capkit_build_output bo = cli_build_output(&wo);
  capkit_import *im = capkit_import_new(&set);
  capkit_writer *w = im ? capkit_writer_new() : NULL;
  int code = EXIT_OK, rc;
  if (!w) {
    cli_err("import", "out of memory");
    code = EXIT_IO;
  } else {
    cli_writer_warnings("import", w);
    if (!(rc = capkit_import_set_warning_fn(im, on_warning, NULL)) &&
        !(rc = capkit_import_open_path(im, in)))
      rc = capkit_import_write(im, w, &bo, out, keep);
    if (rc < 0) {
      cli_err("import", "%s", capkit_import_error(im));
      code = cli_exit_for(rc);
    }
    int64_t kept = capkit_import_kept(im);
    if (kept >= 0)
      cli_err("import", "kept %llu record%s before the damage in %s",
              (unsigned long long)kept, cli_s((uint64_t)kept), out);
  }
  capkit_writer_free(w);
  capkit_import_free(im);
  capkit_gen_free(set.wrap);
  return code;
}
