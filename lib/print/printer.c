/* printer.c - the printer handle: settings, time stamps in tcpdump's
 * formats (from seconds and nanoseconds, any 64-bit time), the hex dump,
 * and rendering a record into the handle's own buffer. */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>

#include <capkit/json.h>

#include "../internal.h"
#include "print_int.h"

int capkit__tb_grow(tbuf *o, size_t k) {
  if (o->err || o->fixed) {
    o->err = 1;
    return 0;
  }
  size_t nc = o->cap ? o->cap : 256;
  while (nc - o->n < k) {
    if (nc > SIZE_MAX / 2) {
      o->err = 1;
      return 0;
    }
    nc *= 2;
  }
  char *q = realloc(o->p, nc);
  if (!q) {
    o->err = 1;
    return 0;
  }
  o->p = q;
  o->cap = nc;
  return 1;
}

void capkit__tb_ip6(tbuf *o, const uint8_t *a) {
  uint16_t w[8];
  for (int i = 0; i < 8; i++)
    w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
  /* longest run of zero words (at least 2), first one on ties */
  int best = -1, blen = 0;
  for (int i = 0; i < 8;) {
    if (w[i]) {
      i++;
      continue;
    }
    int j = i;
    while (j < 8 && !w[j])
      j++;
    if (j - i > blen && j - i >= 2) {
      best = i;
      blen = j - i;
    }
    i = j;
  }
  /* IPv4-mapped ::ffff:a.b.c.d */
  if (best == 0 && blen == 5 && w[5] == 0xffff) {
    tb_s(o, "::ffff:");
    tb_ip4(o, a + 12);
    return;
  }
  for (int i = 0; i < 8; i++) {
    if (i == best) {
      tb_s(o, "::");
      i += blen - 1;
      continue;
    }
    if (i && i != best + blen)
      tb_c(o, ':');
    tb_x(o, w[i], 1);
  }
}

size_t capkit_ip6_text(char *out, const uint8_t *a) {
  tbuf t = {out, 0, CAPKIT_IP6_TEXT_MAX, 0, 1}; /* 45 at most */
  tb_ip6(&t, a);
  out[t.n] = '\0';
  return t.n;
}

void capkit__tb_json(tbuf *o, const void *s, size_t k) {
  size_t need = CAPKIT_JSON_STRING_MAX(k) + 1;
  if (!tb_need(o, need))
    return;
  o->n += capkit_json_string(o->p + o->n, o->cap - o->n, s, k);
}

/* What follows each line (tcpdump's -x, -xx, -X, -XX, -A, -AA): from
 * the first byte or from the network layer, in hex, hex and ASCII, or
 * ASCII. */
enum { DUMP_NONE, DUMP_HEX, DUMP_HEX_ASCII, DUMP_ASCII, DUMP_LINK = 4 };

static int dump_mode(unsigned f) {
  int link;
  int kind;
  if (f & (CAPKIT_PRINT_HEX | CAPKIT_PRINT_HEX_NET | CAPKIT_PRINT_HEX_ASCII)) {
    link = !!(f & CAPKIT_PRINT_HEX); /* -xx or -XX */
    kind = (f & CAPKIT_PRINT_HEX_ASCII) ? DUMP_HEX_ASCII : DUMP_HEX;
  } else if (f & (CAPKIT_PRINT_ASCII | CAPKIT_PRINT_ASCII_LINK)) {
    link = !!(f & CAPKIT_PRINT_ASCII_LINK);
    kind = DUMP_ASCII;
  } else
    return DUMP_NONE;
  return kind | (link ? DUMP_LINK : 0);
}

capkit_printer *capkit_printer_new(unsigned flags) {
  capkit_printer *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->flags = flags;
  p->link = !!(flags & CAPKIT_PRINT_LINK);
  p->absolute = !!(flags & CAPKIT_PRINT_ABSOLUTE);
  p->verbose = !!(flags & CAPKIT_PRINT_FIELDS);
  p->json = !!(flags & CAPKIT_PRINT_JSON);
  p->nano = !!(flags & CAPKIT_PRINT_NANO);
  p->quiet = !!(flags & CAPKIT_PRINT_QUIET);
  p->vflag = (flags & CAPKIT_PRINT_VERBOSE2)  ? 2
             : (flags & CAPKIT_PRINT_VERBOSE) ? 1
                                              : 0;
  p->dump = dump_mode(flags);
  p->day_sec = INT64_MIN;
  p->max_tcp = CAPKIT_PRINT_MAX_TCP;
  capkit_packet_init(&p->packet, p->layers, CAPKIT_DECODE_MAX_LAYERS);
  p->pkt = &p->packet;
  if (!tb_need(&p->o, 4096)) {
    free(p);
    return NULL;
  }
  p->o.p[0] = '\0';
  return p;
}

void capkit_printer_free(capkit_printer *p) {
  if (!p)
    return;
  free(p->o.p);
  free(p->ts);
  free(p);
}

int capkit_printer_set_time(capkit_printer *p, int fmt) {
  if (!p || fmt < CAPKIT_PRINT_TIME_ABS || fmt > CAPKIT_PRINT_TIME_REL)
    return CAPKIT_EINVAL;
  p->tfmt = fmt;
  p->day_len = 0;
  return 0;
}

/* capkit's names of the formats, in capkit_print_time's order */
static const char *const time_names[] = {"abs",   "none", "epoch",
                                         "delta", "date", "rel"};

int capkit_printer_time_parse(const char *name) {
  for (int i = 0; name && i <= CAPKIT_PRINT_TIME_REL; i++)
    if (!strcmp(name, time_names[i]))
      return i;
  return CAPKIT_EINVAL;
}

int capkit_printer_time_count(unsigned count) {
  /* tcpdump's -t, -tt, -ttt, -tttt, -ttttt, after no -t at all */
  static const int by_count[] = {
      CAPKIT_PRINT_TIME_ABS,   CAPKIT_PRINT_TIME_NONE, CAPKIT_PRINT_TIME_EPOCH,
      CAPKIT_PRINT_TIME_DELTA, CAPKIT_PRINT_TIME_DATE, CAPKIT_PRINT_TIME_REL};
  return count < sizeof by_count / sizeof *by_count ? by_count[count]
                                                     : CAPKIT_EINVAL;
}

unsigned capkit_printer_letter_flags(unsigned x, unsigned X, unsigned A,
                                     unsigned v) {
  unsigned f = 0;
  if (X) /* tcpdump looks at -X first, then -x, then -A */
    f |= CAPKIT_PRINT_HEX_ASCII |
         (X > 1 ? CAPKIT_PRINT_HEX : CAPKIT_PRINT_HEX_NET);
  else if (x)
    f |= x > 1 ? CAPKIT_PRINT_HEX : CAPKIT_PRINT_HEX_NET;
  else if (A)
    f |= A > 1 ? CAPKIT_PRINT_ASCII_LINK : CAPKIT_PRINT_ASCII;
  if (v)
    f |= v > 1 ? CAPKIT_PRINT_VERBOSE2 : CAPKIT_PRINT_VERBOSE;
  return f;
}

int capkit_printer_set_max_tcp(capkit_printer *p, size_t n) {
  if (!p || n == 0)
    return CAPKIT_EINVAL;
  p->max_tcp = n;
  return 0;
}

void capkit_printer_set_ifname(capkit_printer *p, capkit_ifname_fn fn,
                               void *user) {
  if (!p)
    return;
  p->ifname = fn;
  p->ifname_user = user;
}

int capkit_ifname_local(void *user, uint32_t ifindex, char *buf,
                        size_t cap) {
  char nm[IF_NAMESIZE];
  (void)user;
  if (!if_indextoname(ifindex, nm))
    return -1;
  snprintf(buf, cap, "%s", nm);
  return 0;
}

/* ---- time ------------------------------------------------------------- */

static void put_hms(tbuf *o, uint64_t s) {
  tb_uw(o, s / 3600, 2);
  tb_c(o, ':');
  tb_uw(o, s / 60 % 60, 2);
  tb_c(o, ':');
  tb_uw(o, s % 60, 2);
}

static void put_frac(capkit_printer *c, uint32_t ns) {
  tb_c(&c->o, '.');
  if (c->nano)
    tb_uw(&c->o, ns, 9);
  else
    tb_uw(&c->o, ns / 1000, 6);
}

/* Y-M-D of a day count since 1970-01-01 in the proleptic Gregorian
 * calendar, for every int64 day (H. Hinnant's civil_from_days, on 400-year
 * eras, in 64 bits: no overflow for any day a 64-bit second count gives). */
static void civil(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  uint64_t doe = (uint64_t)(z - era * 146097);
  uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  uint64_t mp = (5 * doy + 2) / 153;
  *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
  *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* The text of second SEC: "HH:MM:SS" or "YYYY-MM-DD HH:MM:SS". */
static size_t day_text(char *out, int64_t sec, int date) {
  int64_t days = sec / 86400, rem = sec % 86400;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  tbuf t = {out, 0, 47, 0, 1};
  if (date) {
    int64_t y;
    unsigned m, d;
    civil(days, &y, &m, &d);
    if (y < 0) {
      tb_c(&t, '-');
      tb_uw(&t, (uint64_t)0 - (uint64_t)y, 4);
    } else
      tb_uw(&t, (uint64_t)y, 4);
    tb_c(&t, '-');
    tb_uw(&t, m, 2);
    tb_c(&t, '-');
    tb_uw(&t, d, 2);
    tb_c(&t, ' ');
  }
  put_hms(&t, (uint64_t)rem);
  return t.n;
}

static void put_time(capkit_printer *c, const capkit_record *rec) {
  tbuf *o = &c->o;
  if (!c->have_first) {
    c->first_sec = c->prev_sec = rec->ts_sec;
    c->first_nsec = c->prev_nsec = rec->ts_nsec;
    c->have_first = 1;
  }
  switch (c->tfmt) {
  case CAPKIT_PRINT_TIME_NONE:
    return;
  case CAPKIT_PRINT_TIME_EPOCH:
    tb_i(o, rec->ts_sec);
    put_frac(c, rec->ts_nsec);
    break;
  case CAPKIT_PRINT_TIME_REL:
  case CAPKIT_PRINT_TIME_DELTA: {
    int rel = c->tfmt == CAPKIT_PRINT_TIME_REL;
    int64_t bs = rel ? c->first_sec : c->prev_sec;
    uint32_t bn = rel ? c->first_nsec : c->prev_nsec;
    /* |a - b| of two (seconds, nanoseconds) times: the difference of two
     * int64 fits in a uint64 */
    int neg = rec->ts_sec < bs || (rec->ts_sec == bs && rec->ts_nsec < bn);
    int64_t hs = neg ? bs : rec->ts_sec, ls = neg ? rec->ts_sec : bs;
    uint32_t hn = neg ? bn : rec->ts_nsec, ln = neg ? rec->ts_nsec : bn;
    uint64_t ds = (uint64_t)hs - (uint64_t)ls;
    uint32_t dn;
    if (hn >= ln)
      dn = hn - ln;
    else {
      dn = hn + 1000000000u - ln;
      ds--;
    }
    tb_c(o, neg ? '-' : ' '); /* tcpdump's sign column */
    put_hms(o, ds);
    put_frac(c, dn);
    break;
  }
  default:
    if (rec->ts_sec != c->day_sec || !c->day_len) {
      /* the text of a second is made once per second of capture */
      c->day_len = day_text(c->day_text, rec->ts_sec,
                            c->tfmt == CAPKIT_PRINT_TIME_DATE);
      c->day_sec = rec->ts_sec;
    }
    tb_mem(o, c->day_text, c->day_len);
    put_frac(c, rec->ts_nsec);
    break;
  }
  c->prev_sec = rec->ts_sec;
  c->prev_nsec = rec->ts_nsec;
  tb_c(o, ' ');
}

/* Where the network layer starts, as tcpdump counts the link header: after
 * the leading link-layer headers (Ethernet with its VLAN tags and LLC/SNAP,
 * SLL, SLL2, BSD loopback); 0 for link types not decoded. */
static uint32_t net_start(const capkit_packet *p) {
  uint32_t off = 0;
  for (size_t i = 0; i < p->count; i++) {
    const capkit_layer *l = &p->layers[i];
    switch (l->type) {
    case CAPKIT_LAYER_ETH:
    case CAPKIT_LAYER_VLAN:
    case CAPKIT_LAYER_LLC:
    case CAPKIT_LAYER_SLL:
    case CAPKIT_LAYER_SLL2:
    case CAPKIT_LAYER_NULL:
      /* a link header cut short: tcpdump dumps from where it starts (an
       * Ethernet header: nothing) */
      if (l->status & CAPKIT_LAYER_TRUNCATED)
        return l->type == CAPKIT_LAYER_ETH ? p->caplen : l->offset;
      off = l->offset + l->len;
      continue;
    default:
      break;
    }
    break;
  }
  return off < p->caplen ? off : p->caplen;
}

/* tcpdump -x / -xx / -X / -XX: 16 bytes a line, "\t0x0010:  " then groups
 * of two bytes, and with ASCII the printable characters in a column after
 * the hex (padded to where a full line's would end; spaces too are '.'). */
static void hex_lines(tbuf *o, const uint8_t *d, uint32_t n, int ascii) {
  static const char hx[] = "0123456789abcdef";
  for (uint32_t off = 0; off < n; off += 16) {
    if (!tb_need(o, 96))
      return;
    tb_s(o, "\t0x");
    tb_x(o, off, 4);
    tb_s(o, ": ");
    uint32_t k = 0;
    for (; k < 16 && off + k < n; k++) {
      if (!(k & 1))
        o->p[o->n++] = ' ';
      o->p[o->n++] = hx[d[off + k] >> 4];
      o->p[o->n++] = hx[d[off + k] & 15];
    }
    if (ascii) {
      /* 5 characters a full group of two, 3 a lone byte */
      for (uint32_t w = k / 2 * 5 + (k & 1) * 3; w < 40; w++)
        o->p[o->n++] = ' ';
      o->p[o->n++] = ' ';
      o->p[o->n++] = ' ';
      for (uint32_t j = 0; j < k; j++) {
        uint8_t ch = d[off + j];
        o->p[o->n++] = (ch > 0x20 && ch < 0x7f) ? (char)ch : '.';
      }
    }
    o->p[o->n++] = '\n';
  }
}

/* tcpdump -A: the bytes as text on the lines after the packet's. Tabs, spaces and line
 * feeds stay, a CR is left out when a line feed or the last byte follows
 * it ('.' elsewhere), other bytes that are not printable are '.'. */
static void ascii_text(tbuf *o, const uint8_t *d, uint32_t n) {
  if (!tb_need(o, (size_t)n + 1))
    return;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t ch = d[i];
    if (ch == '\r') {
      if (n - i > 2 && d[i + 1] != '\n')
        o->p[o->n++] = '.';
    } else if ((ch > 0x20 && ch < 0x7f) || ch == '\t' || ch == ' ' ||
               ch == '\n')
      o->p[o->n++] = (char)ch;
    else
      o->p[o->n++] = '.';
  }
  o->p[o->n++] = '\n';
}

static void dump(capkit_printer *c) {
  const capkit_packet *p = c->pkt;
  /* (tcpdump itself starts from the first byte after some of the headers
   * it finds cut short, an accident of how it stops; not copied) */
  uint32_t from = (c->dump & DUMP_LINK) ? 0 : net_start(p);
  if (p->caplen <= from)
    return; /* tcpdump: nothing past the link header, no dump */
  if ((c->dump & 3) == DUMP_ASCII)
    ascii_text(&c->o, p->data + from, p->caplen - from);
  else
    hex_lines(&c->o, p->data + from, p->caplen - from,
              (c->dump & 3) == DUMP_HEX_ASCII);
}

/* Renders REC after the first START bytes of text kept. */
static int render_at(capkit_printer *p, const capkit_record *rec,
                     size_t start) {
  if (!p || !rec)
    return CAPKIT_EINVAL;
  if (rec->size < CAPKIT__RECORD_V1_SIZE)
    return CAPKIT_EMISUSE;
  tbuf *o = &p->o;
  o->n = start;
  o->err = 0;
  capkit_decode_record(&p->packet, rec,
                       (p->verbose || p->json || p->vflag) ? CAPKIT_DECODE_CHECKSUMS
                                                          : 0);
  if (p->json) {
    capkit__print_json(p, rec);
  } else {
    put_time(p, rec);
    capkit__print_line(p, rec);
    if (p->verbose)
      capkit__print_fields(p);
    if (p->dump)
      dump(p);
  }
  tb_c(o, '\0');
  if (o->err) { /* the text kept before stays */
    o->n = start;
    o->p[start] = '\0';
    return CAPKIT_ENOMEM;
  }
  o->n--;
  return 0;
}

int capkit_printer_render(capkit_printer *p, const capkit_record *rec,
                          const char **text, size_t *len) {
  static const char empty[] = "";
  if (!text || !len)
    return CAPKIT_EINVAL;
  *text = empty;
  *len = 0;
  int rc = render_at(p, rec, 0);
  if (rc < 0)
    return rc;
  *text = p->o.p;
  *len = p->o.n;
  return 0;
}

int capkit_printer_append(capkit_printer *p, const capkit_record *rec) {
  return render_at(p, rec, p ? p->o.n : 0);
}

void capkit_printer_clear(capkit_printer *p) {
  if (!p)
    return;
  p->o.n = 0;
  p->o.p[0] = '\0';
}

size_t capkit_printer_line(capkit_printer *p, const capkit_record *rec,
                           char *buf, size_t cap) {
  const char *t;
  size_t n;
  capkit_printer_render(p, rec, &t, &n);
  if (cap) {
    size_t k = n < cap ? n : cap - 1;
    memcpy(buf, t, k);
    buf[k] = '\0';
  }
  return n;
}

const char *capkit_printer_text(const capkit_printer *p, size_t *len) {
  int have = p && p->o.p;
  if (len)
    *len = have ? p->o.n : 0;
  return have ? p->o.p : "";
}
