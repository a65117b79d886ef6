/* test_time.c - the exact time API through <capkit/capkit.h>: arithmetic
 * checked against 128-bit integers over seeded random (sec, nsec) across the
 * whole int64 range, RFC 3339 parsing against Python's datetime for years
 * 1..9999, format/parse round trips, durations, and the writers refusing
 * times their format cannot hold. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capkit/capkit.h>

#include "tap.h"

typedef __int128 i128;

static const i128 NS = 1000000000;

static uint64_t rng = 0x5eed7173u;
static uint64_t rnd(void) {
  uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* A random time: the whole int64 range, near its ends, or near zero. */
static capkit_time rtime(void) {
  capkit_time t;
  switch (rnd() % 4) {
  case 0:
    t.sec = (int64_t)rnd();
    break;
  case 1:
    t.sec = INT64_MAX - (int64_t)(rnd() % 3);
    break;
  case 2:
    t.sec = INT64_MIN + (int64_t)(rnd() % 3);
    break;
  default:
    t.sec = (int64_t)(rnd() % 20000000000ull) - 10000000000;
  }
  t.nsec = rnd() % 3 ? (uint32_t)(rnd() % 1000000000u)
                     : (uint32_t[]){0, 1, 999999999}[rnd() % 3];
  return t;
}

static i128 to128(capkit_time t) { return (i128)t.sec * NS + t.nsec; }

/* The expected capkit_time of v, or 0 when it does not fit. */
static int from128(i128 v, capkit_time *t) {
  i128 s = v / NS, r = v % NS;
  if (r < 0) {
    r += NS;
    s--;
  }
  if (s > INT64_MAX || s < INT64_MIN)
    return 0;
  t->sec = (int64_t)s;
  t->nsec = (uint32_t)r;
  return 1;
}

static int same(capkit_time a, capkit_time b) {
  return a.sec == b.sec && a.nsec == b.nsec;
}

/* Expected result of an operation: rc and value. */
static int agrees(int rc, capkit_time got, i128 want) {
  capkit_time w;
  if (!from128(want, &w))
    return rc == CAPKIT_ERANGE;
  return rc == 0 && same(got, w);
}

/* round(p / d) with halves away from zero, d > 0 */
static i128 div_round(i128 p, i128 d) {
  i128 m = p < 0 ? -p : p;
  i128 q = (2 * m + d) / (2 * d);
  return p < 0 ? -q : q;
}

static void test_ns(void) {
  int64_t ns;
  capkit_time t = capkit_time_from_ns(INT64_MAX);
  CHECK(t.sec == 9223372036 && t.nsec == 854775807);
  CHECK_EQ(capkit_time_to_ns(t, &ns), 0);
  CHECK(ns == INT64_MAX);
  t = capkit_time_from_ns(INT64_MIN);
  CHECK(t.sec == -9223372037 && t.nsec == 145224192);
  CHECK_EQ(capkit_time_to_ns(t, &ns), 0);
  CHECK(ns == INT64_MIN);
  t = capkit_time_from_ns(-1);
  CHECK(t.sec == -1 && t.nsec == 999999999);
  capkit_time over = {9223372036, 854775808};
  CHECK_EQ(capkit_time_to_ns(over, &ns), CAPKIT_ERANGE);
  CHECK(capkit_time_to_ns_sat(over) == INT64_MAX);
  capkit_time under = {-9223372037, 145224191};
  CHECK_EQ(capkit_time_to_ns(under, &ns), CAPKIT_ERANGE);
  CHECK(capkit_time_to_ns_sat(under) == INT64_MIN);
  capkit_time bad = {0, 1000000000};
  CHECK_EQ(capkit_time_to_ns(bad, &ns), CAPKIT_EINVAL);
  for (int i = 0; i < 100000; i++) {
    capkit_time a = rtime();
    i128 v = to128(a);
    int fits = v >= INT64_MIN && v <= INT64_MAX;
    int rc = capkit_time_to_ns(a, &ns);
    if (!(fits ? rc == 0 && ns == (int64_t)v : rc == CAPKIT_ERANGE)) {
      CHECK(!"to_ns agrees with 128-bit arithmetic");
      break;
    }
    int64_t sat = capkit_time_to_ns_sat(a);
    if (sat != (fits ? (int64_t)v : v < 0 ? INT64_MIN : INT64_MAX)) {
      CHECK(!"to_ns_sat saturates");
      break;
    }
    int64_t r = (int64_t)rnd();
    if (!same(capkit_time_from_ns(r), (capkit_time){0, 0}) &&
        to128(capkit_time_from_ns(r)) != r) {
      CHECK(!"from_ns is exact");
      break;
    }
  }
  /* the record's time in ns saturates instead of overflowing */
  capkit_record rec = CAPKIT_RECORD_INIT;
  rec.ts_sec = 10413792000; /* 2300-01-01 */
  CHECK(capkit_record_time_ns(&rec) == INT64_MAX);
  rec.ts_sec = -11676096000; /* 1600-01-01 */
  CHECK(capkit_record_time_ns(&rec) == INT64_MIN);
  rec.ts_sec = 1700000000;
  rec.ts_nsec = 5;
  CHECK(capkit_record_time_ns(&rec) == 1700000000000000005);
  CHECK_EQ(capkit_record_set_time(&rec, bad), CAPKIT_EINVAL);
  CHECK(rec.ts_sec == 1700000000 && rec.ts_nsec == 5);
  CHECK_EQ(capkit_record_set_time(&rec, over), 0);
  CHECK(same(capkit_record_time(&rec), over));
}

static void test_arith(void) {
  int bad = 0;
  for (int i = 0; i < 300000 && !bad; i++) {
    capkit_time a = rtime(), b = rtime(), r = {0, 0};
    i128 va = to128(a), vb = to128(b);
    int c = capkit_time_cmp(a, b);
    if (c != (va < vb ? -1 : va > vb))
      bad = 1;
    if (!agrees(capkit_time_add(a, b, &r), r, va + vb))
      bad = 2;
    if (!agrees(capkit_time_sub(a, b, &r), r, va - vb))
      bad = 3;
    int64_t num = (int32_t)rnd(), den = (int32_t)rnd();
    if (!den)
      den = 1;
    int rc = capkit_time_scale_ratio(a, num, den, &r);
    i128 want = div_round(va * num * (den < 0 ? -1 : 1), den < 0 ? -den : den);
    if (!agrees(rc, r, want))
      bad = 4;
    /* a double m * 2^-k is the ratio m / 2^k */
    int k = (int)(rnd() % 63);
    int64_t m = (int64_t)(rnd() >> 34) * (rnd() & 1 ? -1 : 1);
    rc = capkit_time_scale(a, ldexp((double)m, -k), &r);
    if (!agrees(rc, r, div_round(va * m, (i128)1 << k)))
      bad = 5;
    /* and m * 2^k the product m << k */
    k = (int)(rnd() % 30);
    rc = capkit_time_scale(a, ldexp((double)m, k), &r);
    if (!agrees(rc, r, va * m * ((i128)1 << k)))
      bad = 6;
  }
  if (bad)
    fprintf(stderr, "arithmetic check %d disagrees\n", bad);
  CHECK(bad == 0);
  capkit_time r, max = {INT64_MAX, 999999999}, min = {INT64_MIN, 0};
  capkit_time one_ns = {0, 1};
  CHECK_EQ(capkit_time_add(max, one_ns, &r), CAPKIT_ERANGE);
  CHECK_EQ(capkit_time_sub(min, one_ns, &r), CAPKIT_ERANGE);
  CHECK_EQ(capkit_time_sub(max, min, &r), CAPKIT_ERANGE);
  CHECK_EQ(capkit_time_sub(min, min, &r), 0);
  CHECK(r.sec == 0 && r.nsec == 0);
  CHECK_EQ(capkit_time_scale(min, -1.0, &r), CAPKIT_ERANGE);
  CHECK_EQ(capkit_time_scale(min, 1.0, &r), 0);
  CHECK(same(r, min));
  CHECK_EQ(capkit_time_scale(one_ns, 1e300, &r), CAPKIT_ERANGE);
  CHECK_EQ(capkit_time_scale(max, 1e-300, &r), 0);
  CHECK(r.sec == 0 && r.nsec == 0);
  CHECK_EQ(capkit_time_scale(max, NAN, &r), CAPKIT_EINVAL);
  CHECK_EQ(capkit_time_scale(max, INFINITY, &r), CAPKIT_EINVAL);
  CHECK_EQ(capkit_time_scale_ratio(max, 1, 0, &r), CAPKIT_EINVAL);
  capkit_time t = {1, 500000000};
  CHECK_EQ(capkit_time_scale(t, 0.5, &r), 0);
  CHECK(r.sec == 0 && r.nsec == 750000000);
  CHECK_EQ(capkit_time_scale(one_ns, 0.5, &r), 0); /* half: away from 0 */
  CHECK(r.sec == 0 && r.nsec == 1);
  CHECK_EQ(capkit_time_scale(one_ns, -0.5, &r), 0);
  CHECK(r.sec == -1 && r.nsec == 999999999);
  CHECK_EQ(capkit_time_scale_ratio(t, INT64_MIN, INT64_MIN, &r), 0);
  CHECK(same(r, t));
}

typedef struct pv {
  const char *s;
  int64_t sec;
  uint32_t nsec;
} pv;

static void test_parse(void) {
  /* expected values from Python's datetime (and RFC 3339's examples) */
  static const pv good[] = {
      {"1970-01-01T00:00:00Z", 0, 0},
      {"1985-04-12T23:20:50.52Z", 482196050, 520000000},
      {"1996-12-19T16:39:57-08:00", 851042397, 0},
      {"1990-12-31T23:59:60Z", 662688000, 0},
      {"1937-01-01T12:00:27.87+00:20", -1041337173, 870000000},
      {"0001-01-01T00:00:00Z", -62135596800, 0},
      {"9999-12-31T23:59:59Z", 253402300799, 0},
      {"2300-01-01T00:00:00Z", 10413792000, 0},
      {"1600-01-01", -11676096000, 0},
      {"2300-01-01 00:00:00.123456789123", 10413792000, 123456789},
      {"2300-01-01t00:00:00.5z", 10413792000, 500000000},
      {"2024-02-29T12:00:00", 1709208000, 0},
      {"@1700000000.25", 1700000000, 250000000},
      {"@-1.5", -2, 500000000},
      {"+10000-01-01T00:00:00Z", 253402300800, 0},
      {"0000-12-31T23:59:59Z", -62135596801, 0}, /* year 0 is 1 BC */
      {"-0001-12-31T23:59:59Z", -62167219201, 0}, /* year 0 has 366 days */
      {"+0001-01-01T00:00:00Z", -62135596800, 0},
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    capkit_time t = {7, 7};
    int rc = capkit_time_parse(good[i].s, &t);
    if (rc || t.sec != good[i].sec || t.nsec != good[i].nsec)
      fprintf(stderr, "parse %s: rc %d, %lld.%09u\n", good[i].s, rc,
              (long long)t.sec, t.nsec);
    CHECK(rc == 0 && t.sec == good[i].sec && t.nsec == good[i].nsec);
  }
  static const char *const bad[] = {
      "", "2024", "2024-02-30", "2023-02-29", "1900-02-29", "2024-13-01",
      "2024-00-10", "24-01-01", "2024-1-01", "2024-01-01T25:00:00Z",
      "2024-01-01T10:00Z", "2024-01-01T10:60:00Z", "2024-01-01T10:00:61Z",
      "2024-01-01T10:00:00+2:00", "2024-01-01T10:00:00+24:00",
      "2024-01-01T10:00:00.Z", "2024-01-01T10:00:00Zx", "2024-01-01T",
      "+024-01-01", "@", "@x", "2024-01-01T10:00:00+0100", "yesterday"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    capkit_time t = {7, 7};
    int rc = capkit_time_parse(bad[i], &t);
    if (rc != CAPKIT_EINVAL)
      fprintf(stderr, "parse '%s' accepted (rc %d)\n", bad[i], rc);
    CHECK(rc == CAPKIT_EINVAL && t.sec == 7 && t.nsec == 7);
  }
  capkit_time t;
  CHECK_EQ(capkit_time_parse("+999999999999999-01-01", &t), CAPKIT_ERANGE);
  CHECK_EQ(capkit_time_parse(NULL, &t), CAPKIT_EINVAL);
}

static void test_format(void) {
  char b[CAPKIT_TIME_FMT_MAX];
  capkit_time t = {482196050, 520000000};
  CHECK_EQ(capkit_time_format(b, sizeof b, t, 2, 0), 23);
  CHECK(strcmp(b, "1985-04-12T23:20:50.52Z") == 0);
  capkit_time_format(b, sizeof b, t, 0, CAPKIT_TIME_FMT_SPACE);
  CHECK(strcmp(b, "1985-04-12 23:20:50") == 0);
  capkit_time n = {-1, 999999999};
  capkit_time_format(b, sizeof b, n, 9, 0);
  CHECK(strcmp(b, "1969-12-31T23:59:59.999999999Z") == 0);
  capkit_time_format(b, sizeof b, n, 6, 0); /* truncated, not rounded */
  CHECK(strcmp(b, "1969-12-31T23:59:59.999999Z") == 0);
  capkit_time y0 = {-62135596801, 0}, ym1 = {-62167219201, 0};
  capkit_time_format(b, sizeof b, y0, 0, 0);
  CHECK(strcmp(b, "0000-12-31T23:59:59Z") == 0);
  capkit_time_format(b, sizeof b, ym1, 0, 0);
  CHECK(strcmp(b, "-0001-12-31T23:59:59Z") == 0);
  capkit_time y10k = {253402300800, 0};
  capkit_time_format(b, sizeof b, y10k, 0, 0);
  CHECK(strcmp(b, "+10000-01-01T00:00:00Z") == 0);
  CHECK_EQ(capkit_time_format(b, sizeof b, t, 10, 0), CAPKIT_EINVAL);
  CHECK(b[0] == 0);
  CHECK_EQ(capkit_time_format(b, 5, t, 9, 0), 30); /* like snprintf */
  CHECK(strcmp(b, "1985") == 0);
  /* parse(format(t)) == t over the whole range, and the length bound */
  int bad = 0;
  for (int i = 0; i < 200000 && !bad; i++) {
    capkit_time a = rtime(), r;
    unsigned fl = rnd() & 1 ? CAPKIT_TIME_FMT_SPACE : 0;
    int len = capkit_time_format(b, sizeof b, a, 9, fl);
    if (len <= 0 || len >= CAPKIT_TIME_FMT_MAX)
      bad = 1;
    else if (capkit_time_parse(b, &r) || !same(a, r))
      bad = 2;
    if (bad)
      fprintf(stderr, "round trip of %lld.%09u: '%s'\n", (long long)a.sec,
              a.nsec, b);
  }
  CHECK(bad == 0);
  capkit_time max = {INT64_MAX, 999999999}, r;
  CHECK(capkit_time_format(b, sizeof b, max, 9, 0) > 0);
  CHECK(capkit_time_parse(b, &r) == 0 && same(r, max));
}

/* RFC 3339 texts for years 1..9999 with offsets and fractions, and their
 * times as Python's datetime computes them. */
static const char py_script[] =
    "import random\n"
    "from datetime import datetime, timedelta\n"
    "random.seed(20261202)\n"
    "E = datetime(1970, 1, 1)\n"
    "n = 0\n"
    "while n < 20000:\n"
    "    y = random.randint(1, 9999); mo = random.randint(1, 12)\n"
    "    try:\n"
    "        d = datetime(y, mo, random.randint(1, 31), random.randint(0, 23),\n"
    "                     random.randint(0, 59), random.randint(0, 59))\n"
    "    except ValueError:\n"
    "        continue\n"
    "    fd = random.choice([0, 0, 1, 3, 6, 9, 12])\n"
    "    frac = ''.join(random.choice('0123456789') for _ in range(fd))\n"
    "    k = random.randint(0, 3)\n"
    "    off = 0\n"
    "    if k == 0: z = ''\n"
    "    elif k == 1: z = random.choice('Zz')\n"
    "    else:\n"
    "        off = random.randint(-1439, 1439)\n"
    "        z = '%s%02d:%02d' % ('-' if off < 0 else '+', abs(off) // 60,\n"
    "                              abs(off) % 60)\n"
    "    sep = random.choice('Tt ')\n"
    "    s = d.isoformat(sep=sep) + ('.' + frac if fd else '') + z\n"
    "    td = d - E\n"
    "    sec = td.days * 86400 + td.seconds - off * 60\n"
    "    ns = int((frac + '000000000')[:9])\n"
    "    try:\n"
    "        u = (E + timedelta(seconds=sec)).isoformat()\n"
    "    except OverflowError:\n"
    "        u = '-'\n"
    "    print(s.replace(' ', '_'), sec, ns, u)\n"
    "    n += 1\n";

static void test_python(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/dates.py", tap_tmpdir());
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (!f)
    return;
  fputs(py_script, f);
  fclose(f);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s", path);
  FILE *p = popen(cmd, "r");
  CHECK(p != NULL);
  if (!p)
    return;
  char s[128], iso[64];
  long long sec;
  unsigned ns;
  int n = 0, bad = 0;
  while (fscanf(p, "%127s %lld %u %63s", s, &sec, &ns, iso) == 4) {
    n++;
    for (char *c = s; *c; c++)
      if (*c == '_')
        *c = ' ';
    capkit_time t;
    int rc = capkit_time_parse(s, &t);
    if (rc || t.sec != sec || t.nsec != ns) {
      if (bad++ < 5)
        fprintf(stderr, "'%s': python %lld.%09u, capkit rc %d %lld.%09u\n",
                s, sec, ns, rc, (long long)t.sec, t.nsec);
      continue;
    }
    char b[CAPKIT_TIME_FMT_MAX];
    capkit_time_format(b, sizeof b, t, 0, 0);
    b[strlen(b) - 1] = 0; /* Python's isoformat has no 'Z' */
    if (strcmp(iso, "-") && strcmp(b, iso) && bad++ < 5)
      fprintf(stderr, "format %lld: python %s, capkit %s\n", sec, iso, b);
  }
  CHECK_EQ(pclose(p), 0);
  CHECK_EQ(n, 20000);
  CHECK_EQ(bad, 0);
}

typedef struct dv {
  const char *s;
  int rc;
  int64_t sec;
  uint32_t nsec;
} dv;

static void test_duration(void) {
  static const dv v[] = {
      {"1.5s", 0, 1, 500000000},
      {"1.5", 0, 1, 500000000},
      {"250ms", 0, 0, 250000000},
      {"2m", 0, 120, 0},
      {"1.5min", 0, 90, 0},
      {"+1h", 0, 3600, 0},
      {"0.0001h", 0, 0, 360000000},
      {"-0.5", 0, -1, 500000000},
      {"-2h", 0, -7200, 0},
      {"-0", 0, 0, 0},
      {"10us", 0, 0, 10000},
      {"1.5us", 0, 0, 1500},
      {"5ns", 0, 0, 5},
      {"5.9ns", 0, 0, 5},
      {"1234567890123ms", 0, 1234567890, 123000000},
      {"1.0000000009s", 0, 1, 0},
      {"9223372036854775807", 0, INT64_MAX, 0},
      {"-9223372036854775807.5", 0, INT64_MIN, 500000000},
      {"9223372036854775808", CAPKIT_ERANGE, 0, 0},
      {"153722867280912931m", CAPKIT_ERANGE, 0, 0},
      {"", CAPKIT_EINVAL, 0, 0},
      {"s", CAPKIT_EINVAL, 0, 0},
      {"1x", CAPKIT_EINVAL, 0, 0},
      {"--1", CAPKIT_EINVAL, 0, 0},
      {"1.s", CAPKIT_EINVAL, 0, 0},
      {".5", CAPKIT_EINVAL, 0, 0},
      {"1 s", CAPKIT_EINVAL, 0, 0},
      {"3parsecs", CAPKIT_EINVAL, 0, 0},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    capkit_time t = {7, 7};
    int rc = capkit_time_parse_duration(v[i].s, &t);
    int ok = rc == v[i].rc &&
             (rc ? t.sec == 7 && t.nsec == 7
                 : t.sec == v[i].sec && t.nsec == v[i].nsec);
    if (!ok)
      fprintf(stderr, "duration '%s': rc %d, %lld.%09u\n", v[i].s, rc,
              (long long)t.sec, t.nsec);
    CHECK(ok);
  }
  /* every unit against 128-bit arithmetic, over seeded random values */
  static const char *const unit[] = {"ns", "us", "ms", "s", "m", "h"};
  static const int64_t per[] = {1, 1000, 1000000, 1000000000, 60000000000,
                                3600000000000};
  int bad = 0;
  for (int i = 0; i < 50000 && !bad; i++) {
    int u = (int)(rnd() % 6);
    uint64_t whole = rnd() >> (rnd() % 64);
    if (whole > INT64_MAX)
      whole >>= 1;
    unsigned fd = (unsigned)(rnd() % 12);
    char frac[16] = "";
    uint64_t fr = 0;
    for (unsigned k = 0; k < fd; k++) {
      frac[k] = (char)('0' + rnd() % 10);
      if (k < 9)
        fr = fr * 10 + (uint64_t)(frac[k] - '0');
    }
    for (unsigned k = fd; k < 9; k++)
      fr *= 10;
    int neg = rnd() & 1;
    char s[64];
    snprintf(s, sizeof s, "%s%llu%s%s%s", neg ? "-" : "",
             (unsigned long long)whole, fd ? "." : "", frac, unit[u]);
    /* whole units, plus the fraction's whole nanoseconds */
    i128 want = (i128)whole * per[u] + (i128)fr * per[u] / NS;
    capkit_time t;
    if (!agrees(capkit_time_parse_duration(s, &t), t, neg ? -want : want)) {
      fprintf(stderr, "duration '%s'\n", s);
      bad = 1;
    }
  }
  CHECK(bad == 0);
  const char *p = ".25x";
  uint32_t ns = 7;
  CHECK_EQ(capkit_time_parse_frac(&p, &ns), 0);
  CHECK(ns == 250000000 && *p == 'x');
  p = "x";
  CHECK_EQ(capkit_time_parse_frac(&p, &ns), 0);
  CHECK(ns == 0 && *p == 'x');
  p = ".x";
  CHECK_EQ(capkit_time_parse_frac(&p, &ns), CAPKIT_EINVAL);
  CHECK(*p == '.');
  p = ".0000000019";
  CHECK_EQ(capkit_time_parse_frac(&p, &ns), 0);
  CHECK(ns == 1 && *p == 0);
}

/* Write one record at time t: the writer's return code, and its message. */
static int write_at(const char *fmt, uint32_t prec, capkit_time t,
                    char *msg, size_t cap) {
  char path[512];
  snprintf(path, sizeof path, "%s/t.%s", tap_tmpdir(), fmt);
  capkit_writer *w = capkit_writer_new();
  capkit_writer_set_format(w, fmt);
  capkit_writer_set_precision(w, prec);
  int rc = capkit_writer_open_path(w, path);
  static const uint8_t data[14];
  capkit_record rec = CAPKIT_RECORD_INIT;
  rec.caplen = rec.origlen = sizeof data;
  rec.data = data;
  capkit_record_set_time(&rec, t);
  if (!rc)
    rc = capkit_writer_write(w, &rec);
  snprintf(msg, cap, "%s", capkit_writer_error(w));
  if (!rc)
    rc = capkit_writer_close(w);
  capkit_writer_free(w);
  struct stat st;
  if (rc && stat(path, &st) == 0)
    return 1; /* a failed write leaves no file */
  unlink(path);
  return rc;
}

static void test_writers(void) {
  char m[512];
  capkit_time t2106 = {4294967295, 999999999}, t2107 = {4294967296, 0};
  capkit_time neg = {-1, 999999999};
  CHECK_EQ(write_at("pcap", 9, t2106, m, sizeof m), 0);
  CHECK_EQ(write_at("pcap", 6, t2107, m, sizeof m), CAPKIT_ERANGE);
  CHECK(strstr(m, "record 1: time 2106-02-07T06:28:16.000000000Z") != NULL);
  CHECK_EQ(write_at("pcap", 6, neg, m, sizeof m), CAPKIT_ERANGE);
  CHECK(strstr(m, "record 1") != NULL);
  /* pcapng: 64-bit units of the interface; nanoseconds reach 2554 */
  capkit_time t2300 = {10413792000, 123456789};
  capkit_time top = {18446744073, 709551615}, past = {18446744073, 709551616};
  CHECK_EQ(write_at("pcapng", 9, t2300, m, sizeof m), 0);
  CHECK_EQ(write_at("pcapng", 9, top, m, sizeof m), 0);
  CHECK_EQ(write_at("pcapng", 9, past, m, sizeof m), CAPKIT_ERANGE);
  CHECK(strstr(m, "record 1: time 2554-07-21T23:34:33.709551616Z") != NULL);
  CHECK_EQ(write_at("pcapng", 6, past, m, sizeof m), 0);
  CHECK_EQ(write_at("pcapng", 6, neg, m, sizeof m), CAPKIT_ERANGE);
  CHECK(capkit_error_class_of(CAPKIT_ERANGE) == CAPKIT_CLASS_DATA);

  /* An interface's if_tsoffset is written with it, so that its times
   * before 1970 fit the unsigned pcapng timestamp and read back exact. */
  char path[512];
  snprintf(path, sizeof path, "%s/off.pcapng", tap_tmpdir());
  capkit_iface old = {.linktype = 1, .fcs_len = -1, .tsresol = 6,
                      .tsoffset = -12000000000};
  capkit_time t1600 = {-11670969600, 1000}; /* 1600-02-29T08:00:00.000001Z */
  static const uint8_t data[14];
  capkit_record rec = CAPKIT_RECORD_INIT;
  rec.caplen = rec.origlen = sizeof data;
  rec.data = data;
  rec.iface = &old;
  capkit_record_set_time(&rec, t1600);
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_writer_set_format(w, "pcapng"), 0);
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  int rc = capkit_writer_write(w, &rec);
  if (rc)
    fprintf(stderr, "%s\n", capkit_writer_error(w));
  CHECK_EQ(rc, 0);
  CHECK_EQ(capkit_writer_close(w), 0);
  capkit_writer_free(w);
  capkit_reader *r = capkit_reader_new();
  capkit_record back = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_reader_open_path(r, path), 0);
  CHECK_EQ(capkit_reader_next(r, &back), 1);
  CHECK(same(capkit_record_time(&back), t1600));
  CHECK(back.iface && back.iface->tsoffset == -12000000000);
  capkit_reader_free(r);
}

int main(void) {
  test_ns();
  test_arith();
  test_parse();
  test_format();
  test_python();
  test_duration();
  test_writers();
  return tap_done();
}
