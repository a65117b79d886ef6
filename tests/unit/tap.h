/* tap.h - a tiny test harness: CHECK macros, a summary line
 * "N passed, N failed" and a non-zero exit when anything failed. */
#ifndef CAPKIT_TAP_H
#define CAPKIT_TAP_H

#include <stddef.h>
#include <stdint.h>

extern int tap_passed, tap_failed;
void tap_check(int ok, const char *expr, const char *file, int line);
int tap_done(void);
/* Path of a fixture in tests/data (static buffer). */
const char *tap_data(const char *name);
/* A fresh temporary directory for the test (static buffer). */
const char *tap_tmpdir(void);
/* Read a whole file; caller frees. NULL on error. */
uint8_t *tap_slurp(const char *path, size_t *len);

#define CHECK(e) tap_check(!!(e), #e, __FILE__, __LINE__)
#define CHECK_EQ(a, b) tap_check((a) == (b), #a " == " #b, __FILE__, __LINE__)

#endif
