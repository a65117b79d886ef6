/* test_props.c - seeded property tests over the space of inputs:
 *  - writer round trips: random records (lengths up to the bound, times
 *    across each format's whole range) through every writer setting
 *    (pcap/pcapng, both byte orders, us/ns, snaplen, FCS), with link types
 *    whose pseudo-headers hold host-order fields given in either byte
 *    order; read back by capkit and by libpcap, against packets built from
 *    the specifications in the output's (and the host's) byte order;
 *  - classic pcap layout guessing: random standard files with random
 *    oddities and trailing junk, read from a path, from memory and from a
 *    pipe, must all give what libpcap reads;
 *  - every reserved bit of the link-type field is reported.
 * The seed is printed; CAPKIT_PROPS_SEED=N replays a run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mkpkt.h"
#include "tap.h"
#include <capkit/capkit.h>
#ifdef CAPKIT_HAVE_LIBPCAP
#include <pcap/pcap.h>
#endif

static int host_be(void) {
  const uint16_t one = 1;
  uint8_t b;
  memcpy(&b, &one, 1);
  return b == 0;
}

static char *tmp(const char *name) {
  static char buf[512];
  snprintf(buf, sizeof buf, "%s/%s", tap_tmpdir(), name);
  return buf;
}

static int report(int ok, const char *what, unsigned long long c) {
  static int shown;
  if (!ok && shown++ < 10)
    fprintf(stderr, "case %llu: %s\n", c, what);
  return ok;
}

/* ---- writer round trips ---- */

/* Link types: none, NULL, Linux cooked (CAN), USB (both), NFLOG, and the
 * SocketCAN type, whose id is big-endian and must never be swapped. */
static const uint32_t rt_lts[] = {1, 0, 113, 189, 220, 239, 227};

/* libpcap swaps these into the host's order when it reads. */
static int libpcap_swaps(uint32_t lt) {
  return lt == 113 || lt == 189 || lt == 220 || lt == 239;
}

typedef struct rt_rec {
  int64_t sec;
  uint32_t nsec;
  uint32_t len, origlen;
  uint32_t natural; /* length of the packet as built */
  uint64_t seed;    /* the packet's generator state */
} rt_rec;

/* Whether the bytes of r are what the specifications say in any byte
 * order: a record cut short of a field leaves it as it was (libpcap and
 * capkit both swap whole fields only), and bytes past an NFLOG packet's
 * end are walked as TLVs: only whole packets (or, but for NFLOG, packets
 * with bytes after them) are compared byte for byte. */
static int rt_exact(const rt_rec *r, uint32_t lt) {
  return r->len == r->natural || (r->len > r->natural && lt != 239);
}

/* The packet of r in byte order be (1 big), padded or cut to r->len;
 * returns its length before that. */
static uint32_t rt_packet(const rt_rec *r, uint32_t lt, int be,
                          mk_buf *out) {
  uint64_t s = r->seed;
  out->n = 0;
  out->be = be;
  if (lt == 227) { /* SocketCAN: id, length, flags, reserved, data */
    mk_n32(out, (uint32_t)mk_rand(&s));
    uint8_t n = (uint8_t)mk_below(&s, 9);
    mk_u8(out, n);
    mk_u8(out, 0);
    mk_u8(out, 0);
    mk_u8(out, 0);
    for (uint8_t i = 0; i < n; i++)
      mk_u8(out, (uint8_t)mk_rand(&s));
  } else {
    mk_packet(out, &s, lt);
  }
  uint32_t natural = (uint32_t)out->n;
  while (out->n < r->len)
    mk_u8(out, (uint8_t)mk_rand(&s));
  out->n = r->len;
  return natural;
}

/* Largest seconds a format and precision can hold (pcap: 32 bits; pcapng:
 * 64-bit units of the resolution). */
static int64_t rt_max_sec(int ng, unsigned prec) {
  if (!ng)
    return (int64_t)UINT32_MAX;
  return (int64_t)(UINT64_MAX / (prec == 9 ? 1000000000u : 1000000u)) - 1;
}

static void rt_one(uint64_t *s, unsigned long long c) {
  int ng = (int)mk_below(s, 2);
  int out_be = (int)mk_below(s, 2);
  unsigned prec = mk_below(s, 2) ? 9 : 6;
  uint32_t lt = rt_lts[mk_below(s, sizeof rt_lts / sizeof rt_lts[0])];
  int in_bo = (int)mk_below(s, 3); /* native (unknown), little, big */
  uint32_t snap = 0;
  if (mk_below(s, 3) == 0)
    snap = 1 + mk_below(s, mk_below(s, 2) ? 100 : 262144);
  int fcs = mk_below(s, 3) == 0 ? 4 : -1;

  capkit_iface ifc;
  memset(&ifc, 0, sizeof ifc);
  ifc.linktype = lt;
  ifc.snaplen = 262144;
  ifc.fcs_len = -1;
  ifc.tsresol = prec;
  ifc.byte_order = in_bo;
  /* The order the records' host-order fields are in; unknown (native)
   * ones are written as they are, so they are in the output's order. */
  int in_be = in_bo == CAPKIT_BO_BIG      ? 1
              : in_bo == CAPKIT_BO_LITTLE ? 0
                                          : out_be;

  rt_rec recs[8];
  int n = 1 + (int)mk_below(s, 8);
  int64_t maxs = rt_max_sec(ng, prec);
  for (int i = 0; i < n; i++) {
    rt_rec *r = &recs[i];
    uint32_t k = mk_below(s, 10);
    r->len = k < 7 ? mk_below(s, 200) : k < 9 ? mk_below(s, 4000)
                                              : mk_below(s, 262145);
    r->seed = mk_rand(s);
    mk_buf q = {0};
    r->natural = rt_packet(r, lt, 0, &q);
    free(q.b);
    if (mk_below(s, 2)) /* half of them as long as the packet built */
      r->len = r->natural;
    r->origlen = r->len + mk_below(s, 3) * mk_below(s, 1000);
    uint32_t w = mk_below(s, 4);
    r->sec = w == 0 ? 0 : w == 1 ? maxs : (int64_t)(mk_rand(s) % (uint64_t)maxs);
    r->nsec = mk_below(s, 4) == 0 ? 999999999u : mk_below(s, 1000000000u);
  }

  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_writer_set_format(w, ng ? "pcapng" : "pcap"), 0);
  CHECK_EQ(capkit_writer_set_byte_order(w, out_be ? CAPKIT_BO_BIG
                                                  : CAPKIT_BO_LITTLE),
           0);
  CHECK_EQ(capkit_writer_set_precision(w, prec), 0);
  if (snap)
    CHECK_EQ(capkit_writer_set_snaplen(w, snap), 0);
  CHECK_EQ(capkit_writer_set_fcs_len(w, fcs), 0);
  const char *path = tmp(ng ? "rt.pcapng" : "rt.pcap");
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  mk_buf in = {0}, want = {0}, host = {0};
  for (int i = 0; i < n; i++) {
    rt_packet(&recs[i], lt, in_be, &in);
    capkit_record rec = CAPKIT_RECORD_INIT;
    rec.ts_sec = recs[i].sec;
    rec.ts_nsec = recs[i].nsec;
    rec.caplen = recs[i].len;
    rec.origlen = recs[i].origlen;
    rec.data = in.b;
    rec.iface = &ifc;
    int rc = capkit_writer_write(w, &rec);
    if (!report(rc == 0, capkit_writer_error(w), c)) {
      CHECK_EQ(rc, 0);
      capkit_writer_free(w);
      free(in.b);
      return;
    }
  }
  CHECK_EQ(capkit_writer_close(w), 0);
  capkit_writer_free(w);

  /* capkit reads back the records, host-order fields in the output's
   * order, times cut to the precision, data cut to the snaplen. */
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, path), 0);
  const capkit_file_info *fi = capkit_reader_info(r);
  CHECK(fi && fi->byte_order == (out_be ? CAPKIT_BO_BIG : CAPKIT_BO_LITTLE));
  capkit_record rec = CAPKIT_RECORD_INIT;
  for (int i = 0; i < n; i++) {
    const rt_rec *e = &recs[i];
    uint32_t cap = snap && e->len > snap ? snap : e->len;
    uint32_t nsec = prec == 9 ? e->nsec : e->nsec / 1000 * 1000;
    rt_packet(e, lt, out_be, &want);
    int ok = capkit_reader_next(r, &rec) == 1 && rec.ts_sec == e->sec &&
             rec.ts_nsec == nsec && rec.caplen == cap &&
             rec.origlen == e->origlen && rec.iface &&
             rec.iface->linktype == lt &&
             (cap == 0 || !rt_exact(e, lt) ||
              memcmp(rec.data, want.b, cap) == 0);
    report(ok, "capkit reads back another record", c);
    CHECK(ok);
  }
  CHECK_EQ(capkit_reader_next(r, &rec), 0);
  capkit_reader_free(r);

#ifdef CAPKIT_HAVE_LIBPCAP
  /* libpcap reads the same times and lengths, and the data as its reader
   * hands it over: USB, NFLOG and cooked CAN fields in the host's order,
   * the rest as in the file. A record cut inside one of those fields is
   * left out of the byte comparison (libpcap leaves a cut field alone). */
  char eb[PCAP_ERRBUF_SIZE];
  pcap_t *pc =
      pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO,
                                              eb);
  CHECK(pc != NULL);
  if (!pc)
    return;
  struct pcap_pkthdr *h;
  const u_char *d;
  for (int i = 0; i < n; i++) {
    const rt_rec *e = &recs[i];
    uint32_t cap = snap && e->len > snap ? snap : e->len;
    uint32_t nsec = prec == 9 ? e->nsec : e->nsec / 1000 * 1000;
    int got = pcap_next_ex(pc, &h, &d);
    /* libpcap takes a pcap file's seconds as signed 32 bits */
    int64_t lsec = ng ? (int64_t)h->ts.tv_sec : (int64_t)(uint32_t)h->ts.tv_sec;
    int ok = got == 1 && lsec == e->sec &&
             (uint32_t)h->ts.tv_usec == nsec && h->caplen == cap &&
             h->len == e->origlen;
    report(ok, "libpcap reads another time or length", c);
    CHECK(ok);
    if (got != 1)
      break;
    int sw = libpcap_swaps(lt);
    rt_packet(e, lt, sw ? host_be() : out_be, &host);
    if (rt_exact(e, lt) && (!sw || cap == e->len)) {
      ok = cap == 0 || memcmp(d, host.b, cap) == 0;
      report(ok, "libpcap reads other bytes", c);
      CHECK(ok);
    }
  }
  CHECK_EQ(pcap_next_ex(pc, &h, &d), PCAP_ERROR_BREAK);
  pcap_close(pc);
#endif
  free(in.b);
  free(want.b);
  free(host.b);
}

/* ---- layout guessing ---- */

typedef struct gs_rec {
  uint32_t sec, frac, incl, orig;
  size_t at; /* offset of the data in the file */
} gs_rec;

/* A standard little- or big-endian file of n records, with oddities that
 * are warnings (fractions of a second at or above 1000000 (below 4294967,
 * which libpcap's nanosecond times can hold), captured
 * lengths above the original or the snaplen) and maybe junk at the end. */
static void gs_file(uint64_t *s, mk_buf *f, gs_rec *recs, int n) {
  f->n = 0;
  f->be = (int)mk_below(s, 2);
  mk_pcap_header(f, 0, 65535, 1);
  int odd_first = mk_below(s, 2) == 0;
  for (int i = 0; i < n; i++) {
    gs_rec *r = &recs[i];
    r->sec = 1000000000u + (uint32_t)i;
    r->frac = mk_below(s, 1000000);
    if ((odd_first && i < 3) || mk_below(s, 8) == 0)
      r->frac = 1000000u + mk_below(s, 3) * mk_below(s, 1600000);
    uint32_t k = mk_below(s, 10);
    r->incl = k < 4 ? mk_below(s, 8) : k < 9 ? mk_below(s, 200)
                                             : 65535 + mk_below(s, 2000);
    r->orig = mk_below(s, 6) == 0 ? r->incl / 2 : r->incl + mk_below(s, 50);
    mk_u32(f, r->sec);
    mk_u32(f, r->frac);
    mk_u32(f, r->incl);
    mk_u32(f, r->orig);
    r->at = f->n;
    /* zeros often: they look like the other layouts' extra fields */
    int zeros = mk_below(s, 2) == 0;
    for (uint32_t j = 0; j < r->incl; j++)
      mk_u8(f, zeros ? 0 : (uint8_t)mk_rand(s));
  }
  if (mk_below(s, 3) == 0) {
    uint32_t junk = 1 + mk_below(s, 40);
    for (uint32_t j = 0; j < junk; j++)
      mk_u8(f, mk_below(s, 2) ? 0 : (uint8_t)mk_rand(s));
  }
}

/* What a reader delivered: count, and whether every record matched
 * libpcap's (times in ns, lengths, bytes). */
typedef struct gs_seen {
  int n;
  int same;
} gs_seen;

#ifdef CAPKIT_HAVE_LIBPCAP
typedef struct lp_rec {
  int64_t ns;
  uint32_t caplen, len;
  const uint8_t *data;
} lp_rec;

/* libpcap's reading of f: records until the end or its first error. */
static int lp_read(const mk_buf *f, lp_rec *out, int max, uint8_t *copy) {
  FILE *fp = fmemopen(f->b, f->n, "rb");
  char eb[PCAP_ERRBUF_SIZE];
  pcap_t *pc = fp ? pcap_fopen_offline_with_tstamp_precision(
                        fp, PCAP_TSTAMP_PRECISION_NANO, eb)
                  : NULL;
  if (!pc)
    return -1;
  struct pcap_pkthdr *h;
  const u_char *d;
  int n = 0;
  size_t used = 0;
  while (n < max && pcap_next_ex(pc, &h, &d) == 1) {
    out[n].ns = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;
    out[n].caplen = h->caplen;
    out[n].len = h->len;
    memcpy(copy + used, d, h->caplen);
    out[n].data = copy + used;
    used += h->caplen;
    n++;
  }
  pcap_close(pc);
  return n;
}

/* libpcap cuts a record above the snaplen to the snaplen; capkit keeps
 * it whole (with a warning): the first bytes must agree. Records after
 * the n written (made of junk) are compared without their times: libpcap
 * cannot hold every fraction in nanoseconds. */
static gs_seen gs_compare(capkit_reader *r, const lp_rec *lp, int nlp,
                          int n) {
  gs_seen v = {0, 1};
  capkit_record rec = CAPKIT_RECORD_INIT;
  while (capkit_reader_next(r, &rec) > 0) {
    if (v.n >= nlp) {
      v.same = 0;
      v.n++;
      continue;
    }
    const lp_rec *e = &lp[v.n++];
    uint32_t cut = rec.caplen > 65535 ? 65535 : rec.caplen;
    if ((v.n <= n && capkit_record_time_ns(&rec) != e->ns) ||
        cut != e->caplen ||
        rec.origlen != e->len || memcmp(rec.data, e->data, cut) != 0)
      v.same = 0;
  }
  return v;
}

/* capkit reading f from a pipe that a child process fills. */
static gs_seen gs_pipe(const mk_buf *f, const lp_rec *lp, int nlp, int n) {
  gs_seen v = {0, 0};
  int fds[2];
  if (pipe(fds))
    return v;
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    size_t off = 0;
    while (off < f->n) {
      /* small writes: the reader sees the bytes arrive in pieces */
      size_t k = f->n - off < 100 ? f->n - off : 100;
      ssize_t w = write(fds[1], f->b + off, k);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        _exit(1);
      off += (size_t)w;
    }
    _exit(0);
  }
  close(fds[1]);
  capkit_reader *r = capkit_reader_new();
  if (capkit_reader_open_fd(r, fds[0], "pipe") == 0)
    v = gs_compare(r, lp, nlp, n);
  capkit_reader_free(r);
  close(fds[0]);
  int st;
  waitpid(pid, &st, 0);
  return v;
}

static void gs_one(uint64_t *s, unsigned long long c, uint8_t *copy) {
  gs_rec recs[16];
  mk_buf f = {0};
  int n = 1 + (int)mk_below(s, 16);
  gs_file(s, &f, recs, n);
  lp_rec lp[20];
  int nlp = lp_read(&f, lp, 20, copy);
  CHECK(nlp >= n); /* libpcap reads every record (junk may add one) */

  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, f.b, f.n, "memory"), 0);
  gs_seen m = gs_compare(r, lp, nlp, n);
  capkit_reader_free(r);
  report(m.n == nlp && m.same, "memory reading differs from libpcap's", c);
  CHECK(m.n == nlp && m.same);

  FILE *fp = fopen(tmp("gs.pcap"), "wb");
  CHECK(fp && fwrite(f.b, 1, f.n, fp) == f.n);
  if (fp)
    fclose(fp);
  for (int no_mmap = 0; no_mmap <= 1; no_mmap++) {
    r = capkit_reader_new();
    capkit_reader_set_no_mmap(r, no_mmap);
    CHECK_EQ(capkit_reader_open_path(r, tmp("gs.pcap")), 0);
    gs_seen p = gs_compare(r, lp, nlp, n);
    capkit_reader_free(r);
    report(p.n == nlp && p.same, "file reading differs from libpcap's", c);
    CHECK(p.n == nlp && p.same);
  }
  if (c % 4 == 0) { /* a pipe per case would be slow */
    gs_seen p = gs_pipe(&f, lp, nlp, n);
    report(p.n == nlp && p.same, "pipe reading differs from libpcap's", c);
    CHECK(p.n == nlp && p.same);
  }
  free(f.b);
}
#endif

/* ---- reserved bits of the link-type field ---- */

static void on_warn(void *user, int warning, uint64_t offset, uint64_t record,
                    const char *message) {
  (void)offset;
  (void)record;
  (void)message;
  if (warning == CAPKIT_W_RESERVED_NONZERO)
    ++*(int *)user;
}

static void test_linktype_bits(void) {
  for (int bit = 16; bit < 32; bit++) {
    uint32_t field = 1u | (1u << bit);
    mk_buf f = {0};
    mk_pcap_header(&f, 0, 65535, field);
    static const uint8_t pkt[60];
    mk_pcap_record(&f, 1, 0, 60, 60, pkt);
    capkit_reader *r = capkit_reader_new();
    int warned = 0;
    capkit_reader_set_warning_fn(r, on_warn, &warned);
    CHECK_EQ(capkit_reader_open_memory(r, f.b, f.n, "bits"), 0);
    /* libpcap's LINKTYPE field: type, FCS-present bit 26, FCS length in
     * bits 28-31; every other bit is reserved */
    int reserved = !((0xf400ffffu >> bit) & 1);
    CHECK_EQ(warned, reserved);
    const capkit_file_info *in = capkit_reader_info(r);
    CHECK(in && in->linktype == 1 && in->linktype_field == field);
    capkit_reader_free(r);
    free(f.b);
  }
}

int main(void) {
  uint64_t seed = 0x5eed2026;
  const char *e = getenv("CAPKIT_PROPS_SEED");
  if (e)
    seed = strtoull(e, NULL, 0);
  fprintf(stderr, "seed %llu\n", (unsigned long long)seed);
  uint64_t s = seed;
  for (unsigned long long c = 0; c < 1500; c++)
    rt_one(&s, c);
#ifdef CAPKIT_HAVE_LIBPCAP
  uint8_t *copy = malloc(16 * 70000);
  for (unsigned long long c = 0; c < 2000; c++)
    gs_one(&s, c, copy);
  free(copy);
#endif
  test_linktype_bits();
  remove(tmp("rt.pcap"));
  remove(tmp("rt.pcapng"));
  remove(tmp("gs.pcap"));
  rmdir(tap_tmpdir());
  return tap_done();
}
