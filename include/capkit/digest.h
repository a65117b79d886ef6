/* digest.h - cryptographic hashes (SHA-256, SHA-1) of a whole file or of
 * bytes fed in, like capinfos -H and sha256sum: fed by the caller, or
 * computed by a background thread that reads the file while the caller
 * reads the same file with a capkit_reader (one pass over the file in
 * wall time). The hashes come from OpenSSL's libcrypto.
 * Threads: one thread at a time per handle; handles are independent. */
#ifndef CAPKIT_DIGEST_H
#define CAPKIT_DIGEST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Algorithms, combined with |. */
#define CAPKIT_DIGEST_SHA256 1u
#define CAPKIT_DIGEST_SHA1 2u

typedef struct capkit_digest capkit_digest;

/* A handle computing the algorithms in algos (at least one, no unknown
 * bit). NULL when algos is invalid or memory is short. */
CAPKIT_API capkit_digest *capkit_digest_new(unsigned algos);
/* Frees; a running background thread is stopped and joined first.
 * Accepts NULL. */
CAPKIT_API void capkit_digest_free(capkit_digest *d);

/* Hash n more bytes. 0, or CAPKIT_EMISUSE after capkit_digest_finish(),
 * while a background thread runs, or with NULL. */
CAPKIT_API int capkit_digest_update(capkit_digest *d, const void *p,
                                    size_t n);

/* Start a thread that reads the file at path from its first byte to its
 * end (the bytes on disk: a compressed capture is hashed compressed, as
 * sha256sum and capinfos do) and hashes them. Returns at once: 0, or
 * CAPKIT_EOPEN (cannot open; message in capkit_digest_error()),
 * CAPKIT_EINVAL (not a regular file: a pipe cannot be read twice),
 * CAPKIT_ENOMEM, CAPKIT_EMISUSE (bytes were fed already, or a thread was
 * started before). */
CAPKIT_API int capkit_digest_start_path(capkit_digest *d, const char *path);

/* Finish: wait for a background thread, then compute the hashes. 0, or
 * the thread's read error (CAPKIT_EIO, message in capkit_digest_error()),
 * or CAPKIT_EMISUSE (called twice, NULL). */
CAPKIT_API int capkit_digest_finish(capkit_digest *d);

/* One hash as lowercase hex ("e3b0c442..."), owned by the handle, valid
 * until capkit_digest_free(); NULL before a successful
 * capkit_digest_finish() or for an algorithm the handle does not compute. */
CAPKIT_API const char *capkit_digest_hex(const capkit_digest *d,
                                         unsigned algo);

/* Bytes hashed, after capkit_digest_finish() (0 before). */
CAPKIT_API unsigned long long capkit_digest_bytes(const capkit_digest *d);

/* "PATH: what went wrong", or "" */
CAPKIT_API const char *capkit_digest_error(const capkit_digest *d);

#ifdef __cplusplus
}
#endif
#endif
