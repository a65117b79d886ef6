/* json.h - the one JSON string writer of capkit: any bytes in, a valid JSON
 * string of valid UTF-8 out. */
#ifndef CAPKIT_JSON_H
#define CAPKIT_JSON_H
#include <stddef.h>

#include <capkit/capkit.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The most bytes capkit_json_string() writes for LEN input bytes (quotes
 * included, NUL not). */
#define CAPKIT_JSON_STRING_MAX(len) (6 * (size_t)(len) + 2)

/* Writes the LEN bytes at S as a JSON string, with its quotes, into OUT:
 * at most CAP-1 bytes and a NUL when CAP > 0 (snprintf-style). Returns the
 * length of the whole string (without NUL): the text was cut when that is
 * CAP or more. The output is always valid UTF-8:
 *   - well-formed UTF-8 (RFC 3629: shortest form, no surrogates, at most
 *     U+10FFFF) passes through unchanged, so it decodes back exactly;
 *   - '"' and '\\' are escaped; control characters U+0000..U+001F become
 *     \b \f \n \r \t or \u00XX, and DEL (0x7f) \u007f;
 *   - every byte that is not part of well-formed UTF-8 becomes \u00XX, XX
 *     its value in hex: the byte read as Latin-1, so no byte is lost.
 * Pure function: thread-safe, allocates nothing. */
CAPKIT_API size_t capkit_json_string(char *out, size_t cap, const void *s,
                                     size_t len);

#ifdef __cplusplus
}
#endif
#endif
