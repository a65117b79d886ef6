/* cmd_rewrite.c - capkit rewrite: tcprewrite's job on a capture (MACs,
 * VLAN tags, IP addresses, ports, TTL, MTU, checksums), through the
 * library's rewriter; the same options rewrite packets inside replay. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cut.h"

static const char rewrite_usage[] =
    "usage: capkit rewrite IN -o OUT [rewrite options] [options]\n\n"
    "Rewrite the packets of IN for replay onto a test network, with\n"
    "tcprewrite's option names where they mean the same. Checksums that\n"
    "cover a changed field are recomputed (IPv4 header, TCP, UDP, ICMP,\n"
    "ICMPv6 with pseudo headers, also inside VLAN/QinQ), or updated\n"
    "incrementally when the snaplen cut the segment, so a correct checksum\n"
    "stays correct. Only the outermost IP header and its transport are\n"
    "rewritten. A summary goes to standard error.\n\n";

const char cli_rewrite_help[] =
    "Rewrite options:\n"
    "      --enet-smac MAC[,MAC]  set the source MAC of every Ethernet\n"
    "                         frame (a second MAC is accepted and ignored,\n"
    "                         as tcprewrite does without a cache file)\n"
    "      --enet-dmac MAC[,MAC]  set the destination MAC the same way\n"
    "      --enet-subsmac OLD,NEW  replace MAC OLD by NEW (repeatable)\n"
    "      --skipl2broadcast  leave broadcast/multicast MACs alone\n"
    "      --enet-vlan add|del|edit  add an outer VLAN tag, delete it, or\n"
    "                         edit its fields\n"
    "      --enet-vlan-tag N  VLAN id (0-4095); --enet-vlan-pri N (0-7);\n"
    "      --enet-vlan-cfi N  (0-1); --enet-vlan-proto 802.1q|802.1ad\n"
    "  -S, --srcipmap CIDR:CIDR[,...]  map source addresses: the first\n"
    "                         pair whose first block holds the address\n"
    "                         puts the second block's prefix over it\n"
    "                         (IPv6 blocks in brackets: [2001:db8::/32])\n"
    "  -D, --dstipmap CIDR:CIDR[,...]  the same for destinations\n"
    "  -N, --pnat CIDR:CIDR[,...]  the same for both\n"
    "  -s, --seed N           replace every address by a pseudo-random one\n"
    "                         that depends only on N and keeps subnet\n"
    "                         structure (a shared k-bit prefix stays\n"
    "                         shared)\n"
    "  -b, --skipbroadcast    leave broadcast/multicast IP addresses alone\n"
    "  -r, --portmap P[,P|LO-HI...]:NEW[,...]  map TCP/UDP ports\n"
    "                         (repeatable; the first match wins)\n"
    "      --ttl N|+N|-N      set or adjust the TTL / hop limit (1-255)\n"
    "  -m, --mtu N            MTU for --mtu-trunc (default 1500)\n"
    "      --mtu-trunc        cut packets whose layer 3 exceeds the MTU (IP\n"
    "                         lengths and original length follow)\n"
    "  -C, --fixcsum          recompute every checksum, changed or not\n";

/* The rewriter's option names, by index in CLI_REWRITE_OPTIONS. */
static const char *const rewrite_names[] = {
#define CLI__RW_NAME(i, name, arg, code) name,
    CLI_REWRITE_OPTIONS(CLI__RW_NAME)
#undef CLI__RW_NAME
};

int cli_rewrite_opt(const char *cmd, capkit_rewriter **rw, int opt,
                    const char *arg) {
  size_t i;
  switch (opt) {
#define CLI__RW_CASE(idx, name, has, code)                                     \
  case code:                                                                   \
    i = idx;                                                                   \
    break;
    CLI_REWRITE_OPTIONS(CLI__RW_CASE)
#undef CLI__RW_CASE
  default:
    return 0;
  }
  if (!*rw && !(*rw = capkit_rewriter_new())) {
    cli_err(cmd, "out of memory");
    return -1;
  }
  if (capkit_rewriter_set(*rw, rewrite_names[i], arg) < 0) {
    cli_usage_error(cmd, "--%s: %s", rewrite_names[i],
                    capkit_rewriter_error(*rw));
    return -1;
  }
  return 1;
}

void cli_rewrite_summary(const char *cmd, const capkit_rewriter *rw) {
  if (!rw)
    return;
  uint64_t n = capkit_rewriter_count(rw, CAPKIT_RW_PACKETS);
  fprintf(stderr,
          "capkit %s: %" PRIu64 " packet%s, %" PRIu64 " changed, %" PRIu64
          " cut to the MTU; checksums: %" PRIu64 " recomputed, %" PRIu64
          " updated incrementally\n",
          cmd, n, n == 1 ? "" : "s",
          capkit_rewriter_count(rw, CAPKIT_RW_CHANGED),
          capkit_rewriter_count(rw, CAPKIT_RW_TRUNCATED),
          capkit_rewriter_count(rw, CAPKIT_RW_CSUM_FULL),
          capkit_rewriter_count(rw, CAPKIT_RW_CSUM_INCR));
}

typedef struct rewrite_ctx {
  capkit_rewriter *rw;
  int quiet;
} rewrite_ctx;

static int own_opt(void *ctx, int opt, const char *arg) {
  rewrite_ctx *x = ctx;
  if (opt == 'q') {
    x->quiet = 1;
    return 0;
  }
  int r = cli_rewrite_opt("rewrite", &x->rw, opt, arg);
  if (r == 0)
    return cli_usage_error("rewrite", "invalid option"), -1;
  return r < 0 ? -1 : 0;
}

int cmd_rewrite(int argc, char **argv) {
  static const struct option opts[] = {CUT_COMMON_LONGOPTS,
                                       {"quiet", no_argument, NULL, 'q'},
                                       CLI_REWRITE_LONGOPTS{NULL, 0, NULL, 0}};
  cut_common c;
  memset(&c, 0, sizeof c);
  rewrite_ctx x = {NULL, 0};
  char help[8192];
  snprintf(help, sizeof help, "%s%s  -q, --quiet            no summary\n",
           rewrite_usage, cli_rewrite_help);
  int code =
      cut_parse("rewrite", argc, argv, opts,
                CUT_COMMON_SHORT "q" CLI_REWRITE_SHORT, &c, help, own_opt, &x);
  if (code != CUT_GO) {
    capkit_rewriter_free(x.rw);
    return code;
  }
  if (argc - optind != 1) {
    capkit_rewriter_free(x.rw);
    return cli_usage_error("rewrite", "expected one input file");
  }
  if (!x.rw && !(x.rw = capkit_rewriter_new())) {
    cli_err("rewrite", "out of memory");
    return EXIT_IO;
  }
  code =
      cut_copy("rewrite", &c, argv[optind], 0, NULL, NULL, NULL, x.rw);
  if (!x.quiet)
    cli_rewrite_summary("rewrite", x.rw);
  capkit_rewriter_free(x.rw);
  return code;
}
