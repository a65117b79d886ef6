/* filter.c - BPF filters through libpcap: one compiled program per link
 * type and byte order, compiled on first use, run with
 * pcap_offline_filter(). Programs are compiled for a saved file, as
 * `tcpdump -r` does: libpcap's code generator tests some link types
 * differently there (every IPv6 address family of a NULL header, and its
 * byte order when the file's is not the host's), and the record's data is
 * seen as libpcap's reader hands it over (host-order pseudo-header fields
 * swapped into the host's order). */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/pseudo.h"
#include "internal.h"
#include "util/buf.h"
#include "util/bytes.h"
#include <capkit/filter.h>

/* libpcap compiles for a snapshot length; the largest it accepts keeps
 * every "accept" return non-zero whatever the record length. */
#define FILTER_SNAPLEN 262144

typedef struct prog {
  uint32_t linktype;
  int swapped; /* compiled for a file of the other byte order */
  int ok; /* 1 compiled, 0 failed (message in err) */
  struct bpf_program bpf;
} prog;

struct capkit_filter {
  char *expr;
  int match_all;
  uint32_t default_linktype;
  int have_default;
  prog *progs;
  size_t nprogs;
  size_t last; /* index of the last program used */
  capkit__buf scratch; /* a record with its pseudo-header swapped */
  char err[PCAP_ERRBUF_SIZE + 64];
};

capkit_filter *capkit_filter_new(const char *expr) {
  capkit_filter *f = calloc(1, sizeof *f);
  if (!f)
    return NULL;
  f->expr = strdup(expr ? expr : "");
  if (!f->expr) {
    free(f);
    return NULL;
  }
  f->match_all = 1;
  for (const char *p = f->expr; *p; p++)
    if (*p != ' ' && *p != '\t' && *p != '\n')
      f->match_all = 0;
  return f;
}

void capkit_filter_free(capkit_filter *f) {
  if (!f)
    return;
  for (size_t i = 0; i < f->nprogs; i++)
    if (f->progs[i].ok)
      pcap_freecode(&f->progs[i].bpf);
  free(f->progs);
  capkit__buf_free(&f->scratch);
  free(f->expr);
  free(f);
}

const char *capkit_filter_expr(const capkit_filter *f) { return f->expr; }
const char *capkit_filter_error(const capkit_filter *f) { return f->err; }
int capkit_filter_error_code(const capkit_filter *f) {
  return f && f->err[0] ? CAPKIT_EFILTER : 0;
}

/* A pcap_t that libpcap believes reads a saved file of this link type and
 * byte order: the 24-byte file header alone, through a memory stream. */
static pcap_t *open_savefile(uint32_t linktype, int swapped, char *errbuf) {
  uint8_t h[24];
  int sw = swapped;
  capkit__st32(h, 0xa1b2c3d4u, sw);
  capkit__st16(h + 4, 2, sw);
  capkit__st16(h + 6, 4, sw);
  capkit__st32(h + 8, 0, sw);
  capkit__st32(h + 12, 0, sw);
  capkit__st32(h + 16, FILTER_SNAPLEN, sw);
  capkit__st32(h + 20, linktype, sw);
  FILE *fp = fmemopen(h, sizeof h, "rb");
  if (!fp) {
    snprintf(errbuf, PCAP_ERRBUF_SIZE, "cannot open a memory stream");
    return NULL;
  }
  pcap_t *p = pcap_fopen_offline(fp, errbuf);
  if (!p)
    fclose(fp);
  return p; /* pcap_close() closes fp */
}

static prog *find_or_compile(capkit_filter *f, uint32_t linktype,
                             int swapped) {
  if (f->nprogs && f->progs[f->last].linktype == linktype &&
      f->progs[f->last].swapped == swapped)
    return &f->progs[f->last];
  for (size_t i = 0; i < f->nprogs; i++)
    if (f->progs[i].linktype == linktype && f->progs[i].swapped == swapped) {
      f->last = i;
      return &f->progs[i];
    }
  prog *np = realloc(f->progs, (f->nprogs + 1) * sizeof *np);
  if (!np)
    return NULL;
  f->progs = np;
  prog *p = &np[f->nprogs];
  memset(p, 0, sizeof *p);
  p->linktype = linktype;
  p->swapped = swapped;
  char errbuf[PCAP_ERRBUF_SIZE];
  errbuf[0] = 0;
  pcap_t *pc = open_savefile(linktype, swapped, errbuf);
  if (!pc) {
    snprintf(f->err, sizeof f->err, "libpcap cannot take link type %u: %s",
             (unsigned)linktype, errbuf);
  } else {
    if (pcap_compile(pc, &p->bpf, f->expr, 1, PCAP_NETMASK_UNKNOWN) == 0)
      p->ok = 1;
    else
      snprintf(f->err, sizeof f->err, "%s", pcap_geterr(pc));
    pcap_close(pc);
  }
  f->last = f->nprogs++;
  return p;
}

int capkit_filter_prepare(capkit_filter *f, uint32_t linktype) {
  if (!f)
    return CAPKIT_EINVAL;
  f->default_linktype = linktype;
  f->have_default = 1;
  if (f->match_all)
    return 0;
  prog *p = find_or_compile(f, linktype, 0);
  if (!p)
    return CAPKIT_ENOMEM;
  return p->ok ? 0 : CAPKIT_EFILTER;
}

int capkit_filter_match(capkit_filter *f, const capkit_record *rec) {
  if (!f || !rec)
    return CAPKIT_EINVAL;
  if (f->match_all)
    return 1;
  uint32_t lt;
  int src_le = capkit__host_is_le();
  if (rec->iface) {
    lt = rec->iface->linktype;
    if (rec->iface->byte_order == CAPKIT_BO_LITTLE)
      src_le = 1;
    else if (rec->iface->byte_order == CAPKIT_BO_BIG)
      src_le = 0;
  } else if (f->have_default) {
    lt = f->default_linktype;
  } else {
    return CAPKIT_EINVAL;
  }
  int swapped = src_le != capkit__host_is_le();
  prog *p = find_or_compile(f, lt, swapped);
  if (!p)
    return CAPKIT_ENOMEM;
  if (!p->ok)
    return CAPKIT_EFILTER;
  struct pcap_pkthdr h;
  memset(&h, 0, sizeof h);
  h.caplen = rec->caplen;
  h.len = rec->origlen;
  const uint8_t *data = rec->data;
  if (swapped && rec->caplen &&
      capkit__pseudo_swaps(lt, CAPKIT__PSEUDO_READ)) {
    /* libpcap's reader hands these over in the host's order. */
    if (capkit__buf_reserve(&f->scratch, rec->caplen))
      return CAPKIT_ENOMEM;
    memcpy(f->scratch.data, rec->data, rec->caplen);
    capkit__pseudo_swap(lt, CAPKIT__PSEUDO_READ, f->scratch.data,
                        rec->caplen, rec->origlen, src_le);
    data = f->scratch.data;
  }
  return pcap_offline_filter(&p->bpf, &h, data) != 0;
}
