/* build_int.h - the packet builder's insides: layer and field tables, the
 * parsed spec (layers with field values), and the compiled generator. */
#ifndef CAPKIT_BUILD_INT_H
#define CAPKIT_BUILD_INT_H

#include <stddef.h>
#include <stdint.h>

#include <capkit/capkit.h>

#define BF_MAXF 16    /* fields per layer */
#define BF_MAXL 32    /* layers per spec */
#define BF_MAXPKT 262144

enum { K_INT, K_MAC, K_IP4, K_IP6, K_FLAGS, K_MAC8 };
enum {
  A_NONE, A_ETYPE, A_IHL, A_IPLEN, A_PROTO, A_CHK, A_PLEN6, A_EXTLEN,
  A_UDPLEN, A_TCPOFF, A_VIRT /* a value, not a header field */
};
enum {
  L_ETH, L_VLAN, L_QINQ, L_SLL, L_SLL2, L_ARP, L_IP4, L_IP6, L_HBH, L_RT,
  L_FRAG6, L_DST, L_ICMP, L_ICMP6, L_UDP, L_TCP, L_PAYLOAD, L_SESSION
};

typedef struct bfield {
  const char *name;
  uint16_t bit;  /* offset from the start of the layer's header */
  uint8_t bits;  /* width: 1..64, or 128 (IPv6 addresses) */
  uint8_t kind;
  uint8_t autok;
  uint64_t def_hi, def_lo;
} bfield;

typedef struct blayer_desc {
  const char *name, *alias;
  int type;
  const bfield *fields;
  int nfields;
} blayer_desc;

/* A field's value as written in the spec. */
enum { M_FIX, M_INC, M_LIST, M_RAND };
typedef struct fval {
  uint8_t set, mode;
  uint64_t hi, lo;          /* fixed value, or first value of M_INC */
  uint64_t step, count, idx;
  uint64_t rlo, rhi;        /* M_RAND range (on lo) */
  uint64_t *list;           /* M_LIST: nlist (hi, lo) pairs */
  size_t nlist;
} fval;

/* One layer of a spec, and its current values. */
typedef struct blayer {
  const blayer_desc *d;
  size_t col;
  fval f[BF_MAXF];
  uint64_t cur_hi[BF_MAXF], cur_lo[BF_MAXF];
  /* options (ipv4, tcp, hbh, dstopts) as raw bytes */
  uint8_t *opts;
  size_t nopts;
  int mss, wscale, sackok, has_ts; /* tcp; -1 = absent */
  uint32_t tsval, tsecr;
  uint8_t (*addrs)[16]; /* rthdr */
  size_t naddrs;
  /* payload: src bytes repeated to len; rnd: random bytes per packet */
  uint8_t *src;
  size_t nsrc;
  int rnd, has_len;
  /* tcp-session */
  uint8_t *req, *resp;
  size_t nreq, nresp, reqlen, resplen;
  int close_rst, close_none;
  size_t pad; /* eth: zero bytes after the packet up to this frame length */
  /* filled by assembly */
  size_t off, hlen;
} blayer;

/* A parsed spec: layers, outermost first (n of them, allocated to fit: a
 * stream costs what its spec needs, not BF_MAXL layers). */
typedef struct bspec {
  blayer *l;
  int n;
} bspec;

/* Parse spec text. 0, or CAPKIT_ESPEC/CAPKIT_EOPEN/CAPKIT_ENOMEM with err. */
int capkit__spec_parse(const char *text, bspec *s, capkit_spec_error *err);
void capkit__spec_free(bspec *s);
int capkit__field_index(const blayer_desc *d, const char *name);
const blayer_desc *capkit__layer_desc(int type);

/* Give W the settings of O that are not defaults and open it on PATH:
 * 0, or a negative code with the message in ERR (CAP bytes). */
int capkit__build_open(capkit_writer *w, const capkit_build_output *o,
                       const char *path, char *err, size_t cap);

#endif
