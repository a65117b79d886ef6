/* time.h - exact timestamps and durations as (seconds, nanoseconds) pairs:
 * checked arithmetic that reports overflow instead of wrapping, RFC 3339
 * parsing and formatting over the whole int64 range of seconds, durations
 * and fractions. Times far outside 1678..2262 (the range of an int64
 * nanosecond count) are ordinary values here. */
#ifndef CAPKIT_TIME_H
#define CAPKIT_TIME_H

#include <stddef.h>
#include <stdint.h>

#include <capkit/record.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A point in time (seconds since 1970-01-01T00:00:00Z, leap seconds not
 * counted, as POSIX) or a signed duration. Normalized: nsec is always
 * 0..999999999 and counts forward from sec, so -1.5 s is {-2, 500000000}.
 * Every value of sec is valid. Functions below refuse a value whose nsec
 * is out of range with CAPKIT_EINVAL. A plain value: copy it freely. */
typedef struct capkit_time {
  int64_t sec;
  uint32_t nsec;
} capkit_time;

#define CAPKIT_NSEC_PER_SEC 1000000000

/* Buffer size that holds any result of capkit_time_format(). */
#define CAPKIT_TIME_FMT_MAX 48

/* All functions here are pure (no state, no allocation): safe from any
 * thread. Those returning int return 0 on success or a negative code:
 * CAPKIT_ERANGE when the exact result does not fit a capkit_time (or an
 * int64 count of nanoseconds for capkit_time_to_ns), CAPKIT_EINVAL for an
 * argument out of its domain (nsec >= 10^9, NULL pointer, bad text). On
 * error *out is left unchanged. */

/* The time ns nanoseconds after the epoch (negative: before). Any int64
 * converts exactly. */
CAPKIT_API capkit_time capkit_time_from_ns(int64_t ns);
/* t as nanoseconds since the epoch into *ns; CAPKIT_ERANGE outside
 * 1677-09-21T00:12:43.145224192Z .. 2262-04-11T23:47:16.854775807Z. */
CAPKIT_API int capkit_time_to_ns(capkit_time t, int64_t *ns);
/* t as nanoseconds, saturated to INT64_MIN / INT64_MAX outside that range
 * (order is kept, the exact value is not; an nsec of 10^9 or more counts
 * as 999999999). */
CAPKIT_API int64_t capkit_time_to_ns_sat(capkit_time t);

/* -1, 0 or 1 as a is before, equal to or after b. Both must be normalized
 * (a value with nsec >= 10^9 compares by its fields as they are). */
CAPKIT_API int capkit_time_cmp(capkit_time a, capkit_time b);
/* *out = a + b, exactly. */
CAPKIT_API int capkit_time_add(capkit_time a, capkit_time b, capkit_time *out);
/* *out = a - b, exactly. */
CAPKIT_API int capkit_time_sub(capkit_time a, capkit_time b, capkit_time *out);
/* *out = t * num / den, exactly, rounded to the nearest nanosecond (halves
 * away from zero). den must not be 0 (CAPKIT_EINVAL). */
CAPKIT_API int capkit_time_scale_ratio(capkit_time t, int64_t num,
                                       int64_t den, capkit_time *out);
/* *out = t * f with f taken as the exact binary value it holds, rounded to
 * the nearest nanosecond (halves away from zero). f must be finite
 * (CAPKIT_EINVAL); CAPKIT_ERANGE when the product does not fit. */
CAPKIT_API int capkit_time_scale(capkit_time t, double f, capkit_time *out);

/* A record's timestamp; its ts_nsec is taken as it is. */
CAPKIT_API capkit_time capkit_record_time(const capkit_record *r);
/* Set a record's ts_sec and ts_nsec to t (CAPKIT_EINVAL when t.nsec is out
 * of range; then r is unchanged). */
CAPKIT_API int capkit_record_set_time(capkit_record *r, capkit_time t);

/* Parse a time, the whole string s:
 *   RFC 3339 date-time  "2024-05-01T10:00:00Z", "2024-05-01t10:00:00.5+02:00",
 *                       "2024-05-01 10:00:00" (space for 'T'); without an
 *                       offset the time is UTC;
 *   a date alone        "2024-05-01" (midnight UTC);
 *   "@" and a duration  "@1714557600.25" seconds since the epoch (see
 *                       capkit_time_parse_duration; "@-1.5" is allowed).
 * The year has four digits (0000..9999), or a sign and four or more digits
 * for years beyond ("+10000-01-01", "-0001-12-31": ISO 8601 expanded
 * years, the form capkit_time_format writes for them). Fractions take any
 * number of digits; digits past the nanosecond are dropped (truncation).
 * Second 60 (a leap second) reads as the first second of the next minute.
 * Month, day (against the month's length), hour 00..23, minute 00..59 and
 * offsets up to +-23:59 are checked. CAPKIT_EINVAL for anything else;
 * CAPKIT_ERANGE when the time does not fit in int64 seconds. */
CAPKIT_API int capkit_time_parse(const char *s, capkit_time *out);

/* Parse a duration, the whole string s: an optional sign, decimal digits,
 * an optional fraction, then an optional unit: ns, us, ms, s (the
 * default), m or min, h. "1.5s", "250ms", "2m", "+1h", "-0.5". Exact to the
 * nanosecond (finer digits are dropped). CAPKIT_EINVAL for bad text,
 * CAPKIT_ERANGE for a duration beyond int64 seconds. */
CAPKIT_API int capkit_time_parse_duration(const char *s, capkit_time *out);

/* Parse the fraction of a second at *p: '.' then one or more digits
 * (".25" -> 250000000; past nine digits truncated). On success *p moves
 * past it and *nsec holds it. When *p does not start with '.', returns 0
 * with *nsec = 0 and *p unchanged. CAPKIT_EINVAL for '.' without a digit
 * (then *p is unchanged). */
CAPKIT_API int capkit_time_parse_frac(const char **p, uint32_t *nsec);

/* Flags of capkit_time_format. */
enum {
  CAPKIT_TIME_FMT_SPACE = 1, /* "YYYY-MM-DD HH:MM:SS" without a zone, not
                                "YYYY-MM-DDTHH:MM:SSZ" */
};

/* Write t into buf as RFC 3339 UTC, "2024-05-01T10:00:00.123456Z", with
 * digits fraction digits (0..9; truncated, not rounded; 0: no '.').
 * Years 0000..9999 take four digits; years beyond take a sign and at least
 * four digits (ISO 8601 expanded: "-0001-...", "+10000-..."), which
 * capkit_time_parse reads back: parse(format(t, 9)) == t for every t.
 * Like snprintf: writes at most cap bytes including the NUL and returns the
 * length the whole text needs (below CAPKIT_TIME_FMT_MAX), or CAPKIT_EINVAL
 * for digits > 9 or t.nsec out of range (then buf gets "" if cap > 0). */
CAPKIT_API int capkit_time_format(char *buf, size_t cap, capkit_time t,
                                  unsigned digits, unsigned flags);

#ifdef __cplusplus
}
#endif
#endif
