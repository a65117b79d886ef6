/* hexparse.c - hex dumps back to packets: offset/hex lines of od, text2pcap
 * input, hexdump -C, xxd, tcpdump -xx, Wireshark and capkit dump -x. The
 * ASCII column is told apart by where the next line's offset says the line
 * ended, and then by column. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capkit/capkit.h>

#define MAXPKT (1u << 20)       /* a packet */
#define MAXWHOLE (1u << 28)     /* a whole file */
#define MAXLINEB 256

typedef struct qpkt {
  uint8_t *data;
  size_t len;
  int has_time, has_orig;
  int64_t sec;
  uint32_t nsec, orig;
  uint32_t flags; /* direction (CAPKIT_HEX_DIRECTION) */
  unsigned digits;
  uint64_t line;
} qpkt;

struct capkit_hexparse {
  char *fmt;
  unsigned flags;
  char *line;
  size_t nline, capline;
  uint64_t lineno;
  int err;
  char msg[256];
  int finished;
  /* the packet being read */
  qpkt cur;
  size_t cap;
  int in_pkt, base_set;
  uint64_t base;
  size_t prev_start, prev_n;
  int tok_end[MAXLINEB]; /* column after each byte's token, previous line */
  int end_col;           /* tokens starting at or after it are ASCII */
  int cand_col;          /* end_col learned from the previous line */
  int star;
  uint8_t last[MAXLINEB];
  size_t nlast;
  /* a timestamp waiting for the next packet */
  qpkt pend;
  /* finished packets */
  qpkt *q;
  size_t nq, qhead, capq;
  uint8_t *given; /* returned by the last next(), freed on the next call */
  /* capkit_hexparse_record(): the time of the record before */
  int64_t clk_sec;
  uint32_t clk_nsec;
  int clk_started;
};

__attribute__((format(printf, 2, 3))) static int fail(capkit_hexparse *p,
                                                      const char *fmt, ...) {
  int k = snprintf(p->msg, sizeof p->msg, "line %llu: ",
                   (unsigned long long)p->lineno);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->msg + k, sizeof p->msg - (size_t)k, fmt, ap);
  va_end(ap);
  p->err = CAPKIT_EBADREC;
  return p->err;
}

capkit_hexparse *capkit_hexparse_new(const char *time_fmt, unsigned flags) {
  capkit_hexparse *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->flags = flags;
  p->end_col = p->cand_col = -1;
  if (time_fmt && !(p->fmt = strdup(time_fmt))) {
    free(p);
    return NULL;
  }
  return p;
}

void capkit_hexparse_free(capkit_hexparse *p) {
  if (!p)
    return;
  for (size_t i = p->qhead; i < p->nq; i++)
    free(p->q[i].data);
  free(p->q);
  free(p->given);
  free(p->cur.data);
  free(p->line);
  free(p->fmt);
  free(p);
}

const char *capkit_hexparse_error(const capkit_hexparse *p) {
  return p ? p->msg : "";
}

static int hexv(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = tolower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int append(capkit_hexparse *p, const uint8_t *b, size_t n) {
  size_t mx = p->flags & CAPKIT_HEX_WHOLE ? MAXWHOLE : MAXPKT;
  if (p->cur.len + n > mx)
    return fail(p, "%s larger than %zu bytes",
                p->flags & CAPKIT_HEX_WHOLE ? "dump" : "packet", mx);
  if (p->cur.len + n > p->cap) {
    size_t nc = p->cap ? p->cap : 256;
    while (nc < p->cur.len + n)
      nc *= 2;
    uint8_t *nd = realloc(p->cur.data, nc);
    if (!nd)
      return p->err = CAPKIT_ENOMEM;
    p->cur.data = nd;
    p->cap = nc;
  }
  if (b)
    memcpy(p->cur.data + p->cur.len, b, n);
  p->cur.len += n;
  return 0;
}

static int emit(capkit_hexparse *p) {
  if (!p->in_pkt)
    return 0;
  p->in_pkt = 0;
  if (p->flags & CAPKIT_HEX_WHOLE)
    return 0;
  if (p->qhead && p->qhead == p->nq)
    p->qhead = p->nq = 0;
  if (p->nq == p->capq) {
    size_t nc = p->capq ? p->capq * 2 : 16;
    qpkt *nq = realloc(p->q, nc * sizeof *nq);
    if (!nq)
      return p->err = CAPKIT_ENOMEM;
    p->q = nq;
    p->capq = nc;
  }
  p->q[p->nq++] = p->cur;
  memset(&p->cur, 0, sizeof p->cur);
  p->cap = 0;
  return 0;
}

static void start(capkit_hexparse *p) {
  uint8_t *d = p->cur.data;
  size_t cap = p->cap;
  p->cur = p->pend;
  p->cur.data = d;
  p->cur.len = 0;
  p->cap = cap;
  p->cur.line = p->lineno;
  memset(&p->pend, 0, sizeof p->pend);
  p->in_pkt = 1;
  p->prev_start = p->prev_n = 0;
  p->star = 0;
  p->nlast = 0;
}

/* Fraction digits at s into nsec; returns the count. */
static unsigned frac(const char **s, uint32_t *nsec) {
  unsigned n = 0;
  uint32_t v = 0;
  while (isdigit((unsigned char)**s)) {
    if (n < 9)
      v = v * 10 + (uint32_t)(**s - '0');
    n++;
    (*s)++;
  }
  for (unsigned k = n; k < 9; k++)
    v *= 10;
  *nsec = v;
  return n;
}

/* "# N YYYY-MM-DD HH:MM:SS.f caplen C origlen O ...", from capkit dump -x. */
static int dump_record_line(capkit_hexparse *p, const char *s) {
  unsigned long long num;
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  int k = 0;
  if (sscanf(s, "# %llu %n", &num, &k) != 1 || !k)
    return 0;
  const char *q = strptime(s + k, "%Y-%m-%d %H:%M:%S", &tm);
  if (!q)
    return 0;
  uint32_t ns = 0;
  unsigned d = 0;
  if (*q == '.') {
    q++;
    d = frac(&q, &ns);
  }
  unsigned long cl, ol;
  if (sscanf(q, " caplen %lu origlen %lu", &cl, &ol) != 2)
    return 0;
  uint32_t dir = p->pend.flags;
  memset(&p->pend, 0, sizeof p->pend);
  p->pend.flags = dir;
  p->pend.has_time = 1;
  p->pend.sec = (int64_t)timegm(&tm);
  p->pend.nsec = ns;
  p->pend.digits = d;
  p->pend.has_orig = 1;
  p->pend.orig = (uint32_t)ol;
  return 1;
}

/* The user's strptime format, with %f (or a format ending in '.') for the
 * fraction of a second. */
static int time_line(capkit_hexparse *p, const char *s) {
  if (!p->fmt)
    return 0;
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  tm.tm_mday = 1;
  tm.tm_year = 70;
  char fmt[256];
  snprintf(fmt, sizeof fmt, "%s", p->fmt);
  char *f = strstr(fmt, "%f"), *rest = NULL;
  size_t fl = strlen(fmt);
  int trailing_dot = !f && fl && fmt[fl - 1] == '.';
  if (f) {
    *f = 0;
    rest = f + 2;
  }
  const char *q = strptime(s, fmt, &tm);
  if (!q)
    return 0;
  uint32_t ns = 0;
  unsigned d = 0;
  if (f || trailing_dot) {
    d = frac(&q, &ns);
    if (!d)
      return 0;
  }
  if (rest && *rest && !strptime(q, rest, &tm))
    return 0;
  uint32_t dir = p->pend.flags;
  memset(&p->pend, 0, sizeof p->pend);
  p->pend.flags = dir;
  p->pend.has_time = 1;
  p->pend.sec = (int64_t)timegm(&tm);
  p->pend.nsec = ns;
  p->pend.digits = d ? d : 6;
  return 1;
}

/* A line at offset off of the packet: the previous line ended there (what
 * followed was its ASCII column, and it tells where that column starts),
 * or a '*' said lines repeat up to it. */
static int at_offset(capkit_hexparse *p, uint64_t off) {
  size_t len = p->cur.len;
  if (off <= len) {
    if (off < p->prev_start)
      return fail(p, "offset 0x%llx goes backwards",
                  (unsigned long long)off);
    size_t w = (size_t)off - p->prev_start;
    p->cur.len = (size_t)off;
    /* taken only if this line has bytes too: the last line of a packet
     * is short and says nothing about where the ASCII column starts */
    if (w > 0 && w <= p->prev_n)
      p->cand_col = p->tok_end[w - 1] + 1;
  } else if (p->star && p->nlast && (off - len) % p->nlast == 0) {
    /* the repeated line once, then the repeated part doubled */
    if (off - len > MAXWHOLE)
      return fail(p, "offset 0x%llx too far", (unsigned long long)off);
    int rc = append(p, p->last, p->nlast);
    while (!rc && p->cur.len < off) {
      size_t have = p->cur.len - len, n = (size_t)off - p->cur.len;
      rc = append(p, NULL, n < have ? n : have);
      if (!rc)
        memmove(p->cur.data + p->cur.len - (n < have ? n : have),
                p->cur.data + len, n < have ? n : have);
    }
    if (rc)
      return rc;
  } else {
    return fail(p, "offset 0x%llx, but 0x%zx bytes so far (a line "
                   "missing?)", (unsigned long long)off, len);
  }
  p->star = 0;
  return 0;
}

static int line(capkit_hexparse *p, char *s, size_t n) {
  int whole = (p->flags & CAPKIT_HEX_WHOLE) != 0;
  p->lineno++;
  s[n] = 0;
  /* text copied from web pages has no-break spaces (UTF-8 c2 a0) */
  for (size_t k = 0; k + 1 < n; k++)
    if ((uint8_t)s[k] == 0xc2 && (uint8_t)s[k + 1] == 0xa0)
      s[k] = s[k + 1] = ' ';
  size_t i = 0;
  while (s[i] == ' ' || s[i] == '\t')
    i++;
  if (!s[i])
    return 0;
  if (s[i] == '#') {
    dump_record_line(p, s + i);
    return 0;
  }
  if (s[i] == '*' && (s[i + 1] == 0 || isspace((unsigned char)s[i + 1]))) {
    /* hexdump: the line before repeats */
    p->star = 1;
    p->nlast = 0;
    if (p->in_pkt && p->cur.len > p->prev_start) {
      size_t k = p->cur.len - p->prev_start;
      p->nlast = k < MAXLINEB ? k : MAXLINEB;
      memcpy(p->last, p->cur.data + p->prev_start, p->nlast);
    }
    return 0;
  }
  /* the offset: digits of its radix (hex: maybe 0x before), maybe ':'
   * after */
  size_t b = i;
  int has_off = 0, le_words = 0;
  uint64_t off = 0;
  {
    unsigned radix = p->flags & CAPKIT_HEX_OFFSET_OCT   ? 8
                     : p->flags & CAPKIT_HEX_OFFSET_DEC ? 10
                                                        : 16;
    size_t k = i;
    int ox = 0;
    if (radix == 16 && s[k] == '0' && (s[k + 1] == 'x' || s[k + 1] == 'X'))
      k += 2, ox = 1;
    size_t h = k;
    while (hexv((unsigned char)s[k]) >= 0 &&
           (unsigned)hexv((unsigned char)s[k]) < radix)
      k++;
    size_t nd = k - h;
    int colon = s[k] == ':';
    if (colon)
      k++;
    int ends = s[k] == 0 || s[k] == ' ' || s[k] == '\t';
    size_t maxd = radix == 16 ? 16 : radix == 10 ? 19 : 21;
    if (nd && nd <= maxd && ends && (!whole || nd > 2 || ox || colon)) {
      has_off = 1;
      /* hexdump's and od -x's default: 7 digits, then host-order words */
      le_words = nd == 7 && !ox && !colon;
      for (size_t t = h; t < h + nd; t++)
        off = off * radix + (uint64_t)hexv((unsigned char)s[t]);
      i = k;
    }
  }
  if (!has_off && !whole) {
    const char *t = s + b;
    if ((p->flags & CAPKIT_HEX_DIRECTION) && *t && strchr("IiOo", *t) &&
        (!t[1] || t[1] == ' ' || t[1] == '\t')) {
      p->pend.flags = *t == 'I' || *t == 'i' ? 1 : 2;
      for (t++; *t == ' ' || *t == '\t'; t++)
        ;
    }
    /* other text between packets: text2pcap ends the packet there too */
    time_line(p, t);
    return 0;
  }
  p->cand_col = -1;
  if (has_off) {
    if (whole && !p->base_set) {
      p->base = off;
      p->base_set = 1;
    }
    if (whole)
      off = off >= p->base ? off - p->base : (uint64_t)-1;
    if (off == 0 && p->in_pkt && p->cur.len && !whole) {
      int rc = emit(p);
      if (rc)
        return rc;
    }
    if (!p->in_pkt && off == 0)
      start(p);
    if (p->in_pkt) {
      int rc = at_offset(p, off);
      if (rc)
        return rc;
    }
  }
  /* the bytes */
  uint8_t bytes[MAXLINEB];
  int ends[MAXLINEB];
  size_t nb = 0;
  int all_hex = 1;
  for (;;) {
    while (s[i] == ' ' || s[i] == '\t')
      i++;
    if (!s[i])
      break;
    size_t t = i;
    while (s[i] && s[i] != ' ' && s[i] != '\t')
      i++;
    size_t tl = i - t;
    int ok = (tl == 2 || tl == 4) && nb + tl / 2 <= MAXLINEB;
    for (size_t c = t; ok && c < i; c++)
      ok = hexv((unsigned char)s[c]) >= 0;
    int lim = p->cand_col >= 0 ? p->cand_col : p->end_col;
    if (ok && has_off && lim >= 0 && (int)t >= lim)
      ok = 0;
    if (!ok) {
      all_hex = 0;
      break;
    }
    for (size_t c = t; c < i; c += 2) {
      /* a little-endian word "6261" holds the bytes 61 62 */
      size_t at = le_words && tl == 4 ? t + 2 - (c - t) : c;
      ends[nb] = (int)i;
      bytes[nb++] = (uint8_t)(hexv((unsigned char)s[at]) * 16 +
                              hexv((unsigned char)s[at + 1]));
    }
  }
  if (!has_off) { /* WHOLE mode: a line of nothing but hex bytes */
    if (!all_hex || !nb)
      return 0;
    if (!p->in_pkt)
      start(p);
    p->prev_start = p->cur.len;
    p->prev_n = nb;
    return append(p, bytes, nb);
  }
  if (!p->in_pkt)
    return nb ? fail(p, "a packet must start at offset 0, not 0x%llx",
                     (unsigned long long)off)
              : 0;
  p->prev_start = p->cur.len;
  p->prev_n = nb;
  memcpy(p->tok_end, ends, nb * sizeof ends[0]);
  if (!nb)
    return 0;
  if (p->cand_col >= 0)
    p->end_col = p->cand_col;
  return append(p, bytes, nb);
}

int capkit_hexparse_feed(capkit_hexparse *p, const char *text, size_t len) {
  if (!p || (!text && len))
    return CAPKIT_EINVAL;
  if (p->err)
    return p->err;
  if (p->finished)
    return CAPKIT_EMISUSE;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < len && text[i + 1] == '\n')
        i++;
      if (p->nline + 1 > p->capline) {
        size_t nc = p->capline ? p->capline * 2 : 256;
        char *nl = realloc(p->line, nc);
        if (!nl)
          return p->err = CAPKIT_ENOMEM;
        p->line = nl;
        p->capline = nc;
      }
      int rc = line(p, p->line, p->nline);
      p->nline = 0;
      if (rc)
        return rc;
      continue;
    }
    if (p->nline + 2 > p->capline) {
      size_t nc = p->capline ? p->capline * 2 : 256;
      if (nc > (1u << 20)) {
        p->lineno++; /* the line being read: its number, from 1 */
        return fail(p, "line longer than 1 MiB");
      }
      char *nl = realloc(p->line, nc);
      if (!nl)
        return p->err = CAPKIT_ENOMEM;
      p->line = nl;
      p->capline = nc;
    }
    p->line[p->nline++] = c ? c : ' ';
  }
  return 0;
}

int capkit_hexparse_finish(capkit_hexparse *p) {
  if (!p)
    return CAPKIT_EINVAL;
  if (p->err)
    return p->err;
  if (p->finished)
    return 0;
  if (p->nline) {
    char *nl = realloc(p->line, p->nline + 1);
    if (!nl)
      return p->err = CAPKIT_ENOMEM;
    p->line = nl;
    p->capline = p->nline + 1;
    int rc = line(p, p->line, p->nline);
    p->nline = 0;
    if (rc)
      return rc;
  }
  p->finished = 1;
  return emit(p);
}

int capkit_hexparse_next(capkit_hexparse *p, capkit_hex_packet *pkt) {
  if (!p || !pkt)
    return CAPKIT_EINVAL;
  free(p->given);
  p->given = NULL;
  if (p->qhead == p->nq)
    return p->err ? p->err : 0;
  qpkt *q = &p->q[p->qhead++];
  p->given = q->data;
  memset(pkt, 0, sizeof *pkt);
  pkt->data = q->data ? q->data : (const uint8_t *)"";
  pkt->len = q->len;
  pkt->has_time = q->has_time;
  pkt->ts_sec = q->sec;
  pkt->ts_nsec = q->nsec;
  pkt->ts_digits = q->digits;
  pkt->has_origlen = q->has_orig;
  pkt->origlen = q->orig;
  pkt->line = q->line;
  pkt->flags = q->flags;
  return 1;
}

int capkit_hexparse_record(capkit_hexparse *p, const capkit_hex_packet *pkt,
                           capkit_record *rec) {
  if (!p || !pkt || !rec)
    return CAPKIT_EINVAL;
  if (pkt->len > UINT32_MAX)
    return CAPKIT_ETOOBIG;
  if (pkt->has_time) {
    p->clk_sec = pkt->ts_sec;
    p->clk_nsec = pkt->ts_nsec;
  } else if (p->clk_started && (p->clk_nsec += 1000) >= 1000000000) {
    p->clk_nsec -= 1000000000;
    p->clk_sec++;
  }
  p->clk_started = 1;
  rec->ts_sec = p->clk_sec;
  rec->ts_nsec = p->clk_nsec;
  rec->caplen = (uint32_t)pkt->len;
  rec->origlen = pkt->has_origlen && pkt->origlen >= pkt->len
                     ? pkt->origlen
                     : (uint32_t)pkt->len;
  rec->data = pkt->data;
  rec->flags = pkt->flags;
  return 0;
}

int capkit_hexparse_probe(const char *text, size_t len, unsigned flags) {
  unsigned radix = flags & (CAPKIT_HEX_OFFSET_OCT | CAPKIT_HEX_OFFSET_DEC);
  capkit_hexparse *p = capkit_hexparse_new(NULL, CAPKIT_HEX_WHOLE | radix);
  if (!p)
    return CAPKIT_ENOMEM;
  int rc = capkit_hexparse_feed(p, text, len);
  if (!rc)
    rc = capkit_hexparse_finish(p);
  size_t n = 0;
  const uint8_t *b = rc ? NULL : capkit_hexparse_bytes(p, &n);
  static const uint8_t magic[][4] = {
      {0xa1, 0xb2, 0xc3, 0xd4}, {0xd4, 0xc3, 0xb2, 0xa1},
      {0xa1, 0xb2, 0x3c, 0x4d}, {0x4d, 0x3c, 0xb2, 0xa1},
      {0x0a, 0x0d, 0x0d, 0x0a}};
  int whole = 0;
  for (size_t i = 0; b && n >= 4 && i < sizeof magic / sizeof magic[0]; i++)
    whole |= memcmp(b, magic[i], 4) == 0;
  capkit_hexparse_free(p);
  return rc == CAPKIT_ENOMEM ? rc : whole;
}

/* Here rather than in gen.c: it is what capkit import's --wrap needs, built
 * on the generator's public functions. */
int capkit_gen_new_wrap(const char *spec, uint64_t seed, capkit_gen **out,
                        capkit_spec_error *err) {
  capkit_gen *g = NULL;
  int rc = capkit_gen_new(spec, seed, &g, err);
  const uint8_t *d;
  size_t n;
  if (!rc && (capkit_gen_round_packets(g) != 1 ||
              capkit_gen_wrap(g, NULL, 0, &d, &n))) {
    rc = CAPKIT_ESPEC;
    if (err) {
      err->column = 1;
      err->message = "a --wrap spec cannot end in payload or tcp-session";
    }
  }
  capkit_gen_free(g); /* fresh, so that varying fields start over */
  g = NULL;
  if (!rc)
    rc = capkit_gen_new(spec, seed, &g, err);
  if (out)
    *out = rc ? NULL : g;
  else
    capkit_gen_free(g);
  return rc;
}

const uint8_t *capkit_hexparse_bytes(const capkit_hexparse *p, size_t *len) {
  if (!p || !(p->flags & CAPKIT_HEX_WHOLE)) {
    if (len)
      *len = 0;
    return NULL;
  }
  if (len)
    *len = p->cur.len;
  return p->cur.data ? p->cur.data : (const uint8_t *)"";
}
