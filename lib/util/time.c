/* time.c - exact (seconds, nanoseconds) arithmetic, RFC 3339 and duration
 * text, over the whole int64 range of seconds. Products go through a small
 * 256-bit unsigned integer of 32-bit limbs so that no step can overflow;
 * every result is range-checked before it is stored. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <capkit/capkit.h>
#include <capkit/time.h>

#define NS 1000000000
#define NS_U ((uint32_t)NS)

/* ---- checked int64 steps ---- */

static int add64(int64_t a, int64_t b, int64_t *r) {
  if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
    return -1;
  *r = a + b;
  return 0;
}

static int mul64(int64_t a, int64_t b, int64_t *r) {
  if (a && b) {
    if (a > 0 ? (b > 0 ? a > INT64_MAX / b : b < INT64_MIN / a)
              : (b > 0 ? a < INT64_MIN / b : b < INT64_MAX / a))
      return -1;
  }
  *r = a * b;
  return 0;
}

/* a + b + c with c 0 or 1, exactly. */
static int add3(int64_t a, int64_t b, int c, int64_t *r) {
  if (c && b == INT64_MAX) {
    if (a >= 0)
      return -1;
    *r = a + INT64_MAX + 1;
    return 0;
  }
  return add64(a, b + c, r);
}

/* ---- conversions ---- */

capkit_time capkit_time_from_ns(int64_t ns) {
  capkit_time t;
  int64_t r = ns % NS;
  t.sec = ns / NS;
  if (r < 0) {
    r += NS;
    t.sec--;
  }
  t.nsec = (uint32_t)r;
  return t;
}

/* INT64_MAX ns = 9223372036 s + 854775807 ns; INT64_MIN ns = -9223372037 s
 * + 145224192 ns. */
#define NS_MAX_SEC INT64_C(9223372036)
#define NS_MAX_NSEC 854775807u
#define NS_MIN_SEC INT64_C(-9223372037)
#define NS_MIN_NSEC 145224192u

int capkit_time_to_ns(capkit_time t, int64_t *ns) {
  if (!ns || t.nsec >= NS_U)
    return CAPKIT_EINVAL;
  if (t.sec > NS_MAX_SEC || (t.sec == NS_MAX_SEC && t.nsec > NS_MAX_NSEC) ||
      t.sec < NS_MIN_SEC || (t.sec == NS_MIN_SEC && t.nsec < NS_MIN_NSEC))
    return CAPKIT_ERANGE;
  if (t.sec < 0) /* (sec + 1) * 10^9 - (10^9 - nsec): no step leaves int64 */
    *ns = (t.sec + 1) * NS - (int64_t)(NS_U - t.nsec);
  else
    *ns = t.sec * NS + (int64_t)t.nsec;
  return 0;
}

int64_t capkit_time_to_ns_sat(capkit_time t) {
  int64_t ns;
  if (t.nsec >= NS_U) /* compare by fields, as capkit_time_cmp does */
    t.nsec = NS_U - 1;
  if (capkit_time_to_ns(t, &ns) == 0)
    return ns;
  return t.sec < 0 ? INT64_MIN : INT64_MAX;
}

capkit_time capkit_record_time(const capkit_record *r) {
  capkit_time t = {r->ts_sec, r->ts_nsec};
  return t;
}

int capkit_record_set_time(capkit_record *r, capkit_time t) {
  if (!r || t.nsec >= NS_U)
    return CAPKIT_EINVAL;
  r->ts_sec = t.sec;
  r->ts_nsec = t.nsec;
  return 0;
}

int64_t capkit_record_time_ns(const capkit_record *r) {
  return capkit_time_to_ns_sat(capkit_record_time(r));
}

/* ---- comparison, sum, difference ---- */

int capkit_time_cmp(capkit_time a, capkit_time b) {
  if (a.sec != b.sec)
    return a.sec < b.sec ? -1 : 1;
  if (a.nsec != b.nsec)
    return a.nsec < b.nsec ? -1 : 1;
  return 0;
}

int capkit_time_add(capkit_time a, capkit_time b, capkit_time *out) {
  if (!out || a.nsec >= NS_U || b.nsec >= NS_U)
    return CAPKIT_EINVAL;
  uint32_t ns = a.nsec + b.nsec; /* below 2 * 10^9 < 2^32 */
  int carry = ns >= NS_U;
  capkit_time r;
  if (add3(a.sec, b.sec, carry, &r.sec))
    return CAPKIT_ERANGE;
  r.nsec = carry ? ns - NS_U : ns;
  *out = r;
  return 0;
}

int capkit_time_sub(capkit_time a, capkit_time b, capkit_time *out) {
  if (!out || a.nsec >= NS_U || b.nsec >= NS_U)
    return CAPKIT_EINVAL;
  /* a - b = a + (-b); -b = {-b.sec - 1, 10^9 - b.nsec} when b.nsec != 0. */
  int borrow = a.nsec < b.nsec;
  capkit_time r;
  r.nsec = borrow ? a.nsec + NS_U - b.nsec : a.nsec - b.nsec;
  /* r.sec = a.sec - b.sec - borrow, computed without leaving int64. */
  if (b.sec == INT64_MIN) {
    /* -b.sec = 2^63: a.sec + 2^63 - borrow fits when a.sec < 0 or the
     * borrow brings it back. */
    if (a.sec >= 0 && !(a.sec == 0 && borrow))
      return CAPKIT_ERANGE;
    r.sec = a.sec + INT64_MAX + (1 - borrow); /* a.sec <= 0 here */
  } else if (add3(a.sec, -b.sec - borrow, 0, &r.sec)) {
    /* -b.sec - borrow never overflows: b.sec > INT64_MIN. */
    return CAPKIT_ERANGE;
  }
  *out = r;
  return 0;
}

/* ---- wide unsigned integers for exact products ---- */

#define WL 8 /* 256 bits: |t| < 2^94, times a 64-bit factor < 2^158 */

typedef struct wide {
  uint32_t l[WL]; /* little-endian limbs */
} wide;

static void w_set(wide *w, uint64_t v) {
  memset(w, 0, sizeof *w);
  w->l[0] = (uint32_t)v;
  w->l[1] = (uint32_t)(v >> 32);
}

/* w = w * m + a (bits past 256 are dropped; callers stay far below). */
static void w_muladd32(wide *w, uint32_t m, uint32_t a) {
  uint64_t carry = a;
  for (int i = 0; i < WL; i++) {
    uint64_t x = (uint64_t)w->l[i] * m + carry;
    w->l[i] = (uint32_t)x;
    carry = x >> 32;
  }
}

static void w_mul64(wide *w, uint64_t m) {
  wide hi = *w;
  w_muladd32(w, (uint32_t)m, 0);
  w_muladd32(&hi, (uint32_t)(m >> 32), 0);
  uint64_t carry = 0;
  for (int i = 1; i < WL; i++) {
    uint64_t x = (uint64_t)w->l[i] + hi.l[i - 1] + carry;
    w->l[i] = (uint32_t)x;
    carry = x >> 32;
  }
}

/* w = w / d, returning the remainder. */
static uint32_t w_div32(wide *w, uint32_t d) {
  uint64_t r = 0;
  for (int i = WL - 1; i >= 0; i--) {
    uint64_t x = (r << 32) | w->l[i];
    w->l[i] = (uint32_t)(x / d);
    r = x % d;
  }
  return (uint32_t)r;
}

static int w_bit(const wide *w, int i) { return (w->l[i / 32] >> (i % 32)) & 1; }

static int w_bits(const wide *w) {
  for (int i = WL - 1; i >= 0; i--)
    if (w->l[i]) {
      int b = 32;
      while (!(w->l[i] >> (b - 1)))
        b--;
      return i * 32 + b;
    }
  return 0;
}

static void w_inc(wide *w) {
  for (int i = 0; i < WL && ++w->l[i] == 0; i++)
    ;
}

/* w = w >> k (k < 256). */
static void w_shr(wide *w, int k) {
  int limbs = k / 32, bits = k % 32;
  for (int i = 0; i < WL; i++) {
    uint64_t lo = i + limbs < WL ? w->l[i + limbs] : 0;
    uint64_t hi = i + limbs + 1 < WL ? w->l[i + limbs + 1] : 0;
    w->l[i] = (uint32_t)(((hi << 32) | lo) >> bits);
  }
}

/* w = w << k, when w has fewer than 256 - k bits. */
static void w_shl(wide *w, int k) {
  int limbs = k / 32, bits = k % 32;
  for (int i = WL - 1; i >= 0; i--) {
    uint64_t lo = i - limbs - 1 >= 0 ? w->l[i - limbs - 1] : 0;
    uint64_t hi = i - limbs >= 0 ? w->l[i - limbs] : 0;
    w->l[i] = (uint32_t)((((hi << 32) | lo) << bits) >> 32);
  }
}

/* w = w / d rounded half up (the magnitude: halves away from zero). */
static void w_div_round(wide *w, uint64_t d) {
  if (d <= UINT32_MAX) {
    uint32_t r = w_div32(w, (uint32_t)d);
    if ((uint64_t)r * 2 >= d)
      w_inc(w);
    return;
  }
  /* Bit by bit; d < 2^64 and the remainder stays below d. */
  wide q;
  memset(&q, 0, sizeof q);
  uint64_t r = 0;
  for (int i = WL * 32 - 1; i >= 0; i--) {
    int top = (int)(r >> 63);
    r = (r << 1) | (uint64_t)w_bit(w, i);
    if (top || r >= d) {
      r -= d;
      q.l[i / 32] |= 1u << (i % 32);
    }
  }
  *w = q;
  if (r >= d - r) /* 2r >= d without overflow */
    w_inc(w);
}

/* Sign and magnitude of t in nanoseconds. */
static void w_from_time(capkit_time t, wide *w, int *neg) {
  *neg = t.sec < 0;
  if (!*neg) {
    w_set(w, (uint64_t)t.sec);
    w_muladd32(w, NS_U, t.nsec);
  } else {
    /* -(sec * 10^9 + nsec) = (-sec - 1) * 10^9 + (10^9 - nsec) */
    w_set(w, (uint64_t)(-(t.sec + 1)));
    w_muladd32(w, NS_U, NS_U - t.nsec);
  }
}

/* The time of sign neg and magnitude q * 10^9 + r nanoseconds. */
static int qr_to_time(uint64_t q, uint32_t r, int neg, capkit_time *out) {
  capkit_time t;
  if (!neg || (q == 0 && r == 0)) {
    if (q > (uint64_t)INT64_MAX)
      return CAPKIT_ERANGE;
    t.sec = (int64_t)q;
    t.nsec = r;
  } else {
    if (r) {
      if (q == UINT64_MAX)
        return CAPKIT_ERANGE;
      q++;
    }
    if (q > (uint64_t)INT64_MAX + 1)
      return CAPKIT_ERANGE;
    t.sec = q == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)q;
    t.nsec = r ? NS_U - r : 0;
  }
  *out = t;
  return 0;
}

static int w_to_time(wide *w, int neg, capkit_time *out) {
  if (w_bits(w) > 128)
    return CAPKIT_ERANGE;
  uint32_t r = w_div32(w, NS_U);
  if (w_bits(w) > 64)
    return CAPKIT_ERANGE;
  return qr_to_time((uint64_t)w->l[0] | (uint64_t)w->l[1] << 32, r, neg,
                    out);
}

#ifdef __SIZEOF_INT128__
/* The common case, a time within int64 nanoseconds, in the compiler's
 * 128-bit integers: the same results, several times faster. */
typedef unsigned __int128 u128;

static int u128_to_time(u128 p, int neg, capkit_time *out) {
  if (!(p >> 64)) /* a 64-bit division is much cheaper */
    return qr_to_time((uint64_t)p / NS_U, (uint32_t)((uint64_t)p % NS_U),
                      neg, out);
  u128 q = p / NS_U;
  if (q > UINT64_MAX)
    return CAPKIT_ERANGE;
  return qr_to_time((uint64_t)q, (uint32_t)(p % NS_U), neg, out);
}
#endif

static uint64_t mag64(int64_t v) {
  return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

int capkit_time_scale_ratio(capkit_time t, int64_t num, int64_t den,
                            capkit_time *out) {
  if (!out || den == 0 || t.nsec >= NS_U)
    return CAPKIT_EINVAL;
  int neg = (num < 0) ^ (den < 0);
#ifdef __SIZEOF_INT128__
  int64_t ns;
  if (capkit_time_to_ns(t, &ns) == 0) {
    u128 p = (u128)mag64(ns) * mag64(num); /* below 2^126 */
    uint64_t d = mag64(den);
    if (d != 1) {
      u128 r = p % d;
      p = p / d + (r >= d - r); /* halves away from zero */
    }
    return u128_to_time(p, neg ^ (ns < 0), out);
  }
#endif
  wide w;
  int tneg;
  w_from_time(t, &w, &tneg);
  w_mul64(&w, mag64(num));
  if (den != 1 && den != -1)
    w_div_round(&w, mag64(den));
  return w_to_time(&w, neg ^ tneg, out);
}

int capkit_time_scale(capkit_time t, double f, capkit_time *out) {
  if (!out || !isfinite(f) || t.nsec >= NS_U)
    return CAPKIT_EINVAL;
  int e;
  double m = frexp(fabs(f), &e); /* |f| = m * 2^e, 0.5 <= m < 1 */
  uint64_t mi = (uint64_t)(m * 9007199254740992.0); /* m * 2^53, exact */
  e -= 53;
#ifdef __SIZEOF_INT128__
  int64_t ns;
  if (e <= 0 && e > -127 && capkit_time_to_ns(t, &ns) == 0) {
    u128 p = (u128)mag64(ns) * mi; /* below 2^116 */
    if (e < 0) {
      int half = (int)(p >> (-e - 1)) & 1;
      p = (p >> -e) + (unsigned)half;
    }
    return u128_to_time(p, (ns < 0) ^ (f < 0), out);
  }
#endif
  wide w;
  int neg;
  w_from_time(t, &w, &neg);
  w_mul64(&w, mi);
  if (e > 0) {
    if (w_bits(&w) && w_bits(&w) + e > 128)
      return CAPKIT_ERANGE;
    w_shl(&w, e);
  } else if (e < 0) {
    int k = -e;
    if (k > WL * 32) {
      w_set(&w, 0); /* below 2^(k-1): rounds to zero */
    } else {
      int half = w_bit(&w, k - 1);
      if (k == WL * 32)
        w_set(&w, 0);
      else
        w_shr(&w, k);
      if (half)
        w_inc(&w);
    }
  }
  return w_to_time(&w, neg ^ (f < 0), out);
}

/* ---- text ---- */

int capkit_time_parse_frac(const char **pp, uint32_t *nsec) {
  if (!pp || !*pp || !nsec)
    return CAPKIT_EINVAL;
  const char *p = *pp;
  if (*p != '.') {
    *nsec = 0;
    return 0;
  }
  p++;
  if (!isdigit((unsigned char)*p))
    return CAPKIT_EINVAL;
  uint32_t v = 0, scale = 100000000;
  for (; isdigit((unsigned char)*p); p++) {
    v += (uint32_t)(*p - '0') * scale;
    scale /= 10;
  }
  *nsec = v;
  *pp = p;
  return 0;
}

/* Decimal digits at *pp into *v: their count (at least one, at most
 * max_digits), -1 when there is none, -2 for too many or beyond int64. */
static int digits(const char **pp, int max_digits, int64_t *v) {
  const char *p = *pp;
  int64_t x = 0;
  int n = 0;
  while (isdigit((unsigned char)*p)) {
    int dg = *p++ - '0';
    if (++n > max_digits || x > (INT64_MAX - dg) / 10)
      return -2;
    x = x * 10 + dg;
  }
  if (!n)
    return -1;
  *v = x;
  *pp = p;
  return n;
}

int capkit_time_parse_duration(const char *s, capkit_time *out) {
  if (!s || !out)
    return CAPKIT_EINVAL;
  const char *p = s;
  int neg = 0;
  if (*p == '+' || *p == '-')
    neg = *p++ == '-';
  int64_t whole;
  int n = digits(&p, INT32_MAX, &whole);
  if (n < 0)
    return n == -2 ? CAPKIT_ERANGE : CAPKIT_EINVAL;
  uint32_t frac;
  if (capkit_time_parse_frac(&p, &frac))
    return CAPKIT_EINVAL;
  /* unit in seconds (mul) or, below a second, in nanoseconds (sub) */
  int64_t mul = 1, sub = 0;
  if (strcmp(p, "ns") == 0)
    sub = 1;
  else if (strcmp(p, "us") == 0)
    sub = 1000;
  else if (strcmp(p, "ms") == 0)
    sub = 1000000;
  else if (strcmp(p, "s") == 0 || !*p)
    mul = 1;
  else if (strcmp(p, "m") == 0 || strcmp(p, "min") == 0)
    mul = 60;
  else if (strcmp(p, "h") == 0)
    mul = 3600;
  else
    return CAPKIT_EINVAL;
  capkit_time t;
  if (sub) {
    /* whole * sub ns: split so that nothing overflows */
    int64_t per = NS / sub; /* units per second */
    t.sec = whole / per;
    int64_t ns = whole % per * sub + (int64_t)frac * sub / NS;
    t.nsec = (uint32_t)ns; /* below 10^9 */
  } else {
    int64_t fs = (int64_t)frac * mul; /* below 3600 * 10^9 */
    if (mul64(whole, mul, &t.sec) || add64(t.sec, fs / NS, &t.sec))
      return CAPKIT_ERANGE;
    t.nsec = (uint32_t)(fs % NS);
  }
  if (neg && (t.sec || t.nsec)) {
    /* -(s + n) = (-s - 1) + (10^9 - n); s >= 0 so neither step wraps */
    if (t.nsec) {
      t.sec = -t.sec - 1;
      t.nsec = NS_U - t.nsec;
    } else {
      t.sec = -t.sec;
    }
  }
  *out = t;
  return 0;
}

static int is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m) {
  static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (after Howard
 * Hinnant's days_from_civil); |y| below 10^15 keeps every step in int64. */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

/* Exactly n digits into *v. */
static int fixed(const char **pp, int n, int *v) {
  int64_t x;
  const char *p = *pp;
  for (int i = 0; i < n; i++)
    if (!isdigit((unsigned char)p[i]))
      return -1;
  if (digits(&p, n, &x) != n)
    return -1;
  *v = (int)x;
  *pp = p;
  return 0;
}

int capkit_time_parse(const char *s, capkit_time *out) {
  if (!s || !out)
    return CAPKIT_EINVAL;
  if (*s == '@')
    return capkit_time_parse_duration(s + 1, out);
  const char *p = s;
  int64_t year;
  int neg = 0, n;
  if (*p == '+' || *p == '-') {
    neg = *p++ == '-';
    n = digits(&p, 15, &year);
    if (n < 4)
      return CAPKIT_EINVAL;
    if (neg)
      year = -year;
  } else {
    int y4;
    if (fixed(&p, 4, &y4))
      return CAPKIT_EINVAL;
    year = y4;
  }
  int mon, day, h = 0, mi = 0, sec = 0;
  uint32_t frac = 0;
  if (*p++ != '-' || fixed(&p, 2, &mon) || *p++ != '-' || fixed(&p, 2, &day))
    return CAPKIT_EINVAL;
  if (*p == 'T' || *p == 't' || *p == ' ') {
    p++;
    if (fixed(&p, 2, &h) || *p++ != ':' || fixed(&p, 2, &mi) ||
        *p++ != ':' || fixed(&p, 2, &sec) ||
        capkit_time_parse_frac(&p, &frac))
      return CAPKIT_EINVAL;
  }
  int off = 0;
  if (*p == 'Z' || *p == 'z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    int sign = *p++ == '-' ? -1 : 1, oh, om;
    if (fixed(&p, 2, &oh) || *p++ != ':' || fixed(&p, 2, &om) || oh > 23 ||
        om > 59)
      return CAPKIT_EINVAL;
    off = sign * (oh * 3600 + om * 60);
  }
  if (*p || mon < 1 || mon > 12 || day < 1 || day > month_days(year, mon) ||
      h > 23 || mi > 59 || sec > 60)
    return CAPKIT_EINVAL;
  int64_t days = days_from_civil(year, mon, day), base, t;
  int64_t tod = (int64_t)h * 3600 + mi * 60 + sec - off;
  if (days < 0) { /* keep the day product in range for the earliest days */
    days++;
    tod -= 86400;
  }
  if (mul64(days, 86400, &base) || add64(base, tod, &t))
    return CAPKIT_ERANGE;
  out->sec = t;
  out->nsec = frac;
  return 0;
}

int capkit_time_format(char *buf, size_t cap, capkit_time t, unsigned ndig,
                       unsigned flags) {
  if (ndig > 9 || t.nsec >= NS_U) {
    if (buf && cap)
      buf[0] = 0;
    return CAPKIT_EINVAL;
  }
  int64_t days = t.sec / 86400, rem = t.sec % 86400, y;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  int m, d;
  civil_from_days(days, &y, &m, &d);
  int space = flags & CAPKIT_TIME_FMT_SPACE;
  char year[24], frac[12] = "";
  snprintf(year, sizeof year, y >= 0 && y <= 9999 ? "%04lld" : "%+05lld",
           (long long)y);
  if (ndig) {
    uint32_t f = t.nsec;
    for (unsigned i = ndig; i < 9; i++)
      f /= 10;
    snprintf(frac, sizeof frac, ".%0*u", (int)ndig, (unsigned)f);
  }
  return snprintf(buf, buf ? cap : 0, "%s-%02d-%02d%c%02d:%02d:%02d%s%s",
                  year, m, d, space ? ' ' : 'T', (int)(rem / 3600),
                  (int)(rem / 60 % 60), (int)(rem % 60), frac,
                  space ? "" : "Z");
}
