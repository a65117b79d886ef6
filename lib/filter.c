/* filter.c - BPF filters through libpcap: one compiled program per link
 * type, compiled on first use, run with pcap_offline_filter(). */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include <capkit/filter.h>

/* libpcap compiles for a snapshot length; the largest it accepts keeps
 * every "accept" return non-zero whatever the record length. */
#define FILTER_SNAPLEN 262144

/* The few LINKTYPE_ values that differ from this platform's DLT_ values
 * (libpcap's own table, public in the link-type registry). */
static int to_dlt(uint32_t lt) {
  switch (lt) {
#ifdef DLT_ATM_RFC1483
  case 100: return DLT_ATM_RFC1483;
#endif
  case 101: return DLT_RAW;
#ifdef DLT_SLIP_BSDOS
  case 102: return DLT_SLIP_BSDOS;
#endif
#ifdef DLT_PPP_BSDOS
  case 103: return DLT_PPP_BSDOS;
#endif
#ifdef DLT_PPP_SERIAL
  case 50: return DLT_PPP_SERIAL;
#endif
#ifdef DLT_PPP_ETHER
  case 51: return DLT_PPP_ETHER;
#endif
#ifdef DLT_ATM_CLIP
  case 106: return DLT_ATM_CLIP;
#endif
#ifdef DLT_LOOP
  case 108: return DLT_LOOP;
#endif
  default: return (int)(lt & 0x0fffffffu);
  }
}

typedef struct prog {
  uint32_t linktype;
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
  free(f->expr);
  free(f);
}

const char *capkit_filter_expr(const capkit_filter *f) { return f->expr; }
const char *capkit_filter_error(const capkit_filter *f) { return f->err; }
int capkit_filter_error_code(const capkit_filter *f) {
  return f && f->err[0] ? CAPKIT_EFILTER : 0;
}

static prog *find_or_compile(capkit_filter *f, uint32_t linktype) {
  if (f->nprogs && f->progs[f->last].linktype == linktype)
    return &f->progs[f->last];
  for (size_t i = 0; i < f->nprogs; i++)
    if (f->progs[i].linktype == linktype) {
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
  pcap_t *dead = pcap_open_dead(to_dlt(linktype), FILTER_SNAPLEN);
  if (!dead) {
    snprintf(f->err, sizeof f->err, "libpcap cannot open link type %u",
             (unsigned)linktype);
  } else {
    if (pcap_compile(dead, &p->bpf, f->expr, 1, PCAP_NETMASK_UNKNOWN) == 0)
      p->ok = 1;
    else
      snprintf(f->err, sizeof f->err, "%s", pcap_geterr(dead));
    pcap_close(dead);
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
  prog *p = find_or_compile(f, linktype);
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
  if (rec->iface)
    lt = rec->iface->linktype;
  else if (f->have_default)
    lt = f->default_linktype;
  else
    return CAPKIT_EINVAL;
  prog *p = find_or_compile(f, lt);
  if (!p)
    return CAPKIT_ENOMEM;
  if (!p->ok)
    return CAPKIT_EFILTER;
  struct pcap_pkthdr h;
  memset(&h, 0, sizeof h);
  h.caplen = rec->caplen;
  h.len = rec->origlen;
  return pcap_offline_filter(&p->bpf, &h, rec->data) != 0;
}
