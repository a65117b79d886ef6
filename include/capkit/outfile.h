/* outfile.h - a text or other non-capture output that appears whole or not
 * at all: written under a temporary name beside its path and renamed into
 * place when the caller keeps it, so no half-written file is ever left
 * under the final name. (Capture files get the same from capkit_writer.)
 *
 *   capkit_outfile *of = capkit_outfile_new();
 *   if (capkit_outfile_open(of, "out.json") == 0) {
 *     fputs("{}\n", capkit_outfile_stream(of));
 *     rc = capkit_outfile_close(of, 1);          (renamed into place)
 *   }
 *   capkit_outfile_free(of);             (discards an unclosed output)
 *
 * Thread safety: one thread at a time per handle; different handles are
 * independent. No process-wide state (the umask is applied by the kernel,
 * never changed). */
#ifndef CAPKIT_OUTFILE_H
#define CAPKIT_OUTFILE_H

#include <stdio.h>

#include <capkit/capkit.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct capkit_outfile capkit_outfile;

/* A new, unopened handle; NULL when out of memory. */
CAPKIT_API capkit_outfile *capkit_outfile_new(void);

/* Open PATH for writing: a new file ".NAME.XXXXXXXX" in PATH's directory,
 * created exclusively with mode 0666 less the umask. PATH NULL or "-":
 * standard output (nothing is created, renamed or closed). A PATH that
 * exists and is neither a regular file nor a directory (/dev/null, a FIFO,
 * a terminal) is written in place: nothing replaces it. Returns 0,
 * CAPKIT_EOPEN ("PATH: cannot create: why" in capkit_outfile_error),
 * CAPKIT_ENOMEM, or CAPKIT_EMISUSE (NULL handle, or opened before). */
CAPKIT_API int capkit_outfile_open(capkit_outfile *of, const char *path);

/* The stream to write to, owned by the handle: valid from a successful
 * open until close or free; NULL before. */
CAPKIT_API FILE *capkit_outfile_stream(capkit_outfile *of);

/* Finish. KEEP non-zero: flush, close and rename the file into place
 * (replacing what was there); KEEP 0: close and remove the temporary
 * file. For standard output the stream is flushed and stays open (its
 * write errors are the caller's to check). Returns 0, or CAPKIT_EIO
 * ("PATH: cannot write: why"; the temporary file is removed), or
 * CAPKIT_EMISUSE when not open. The handle can then only be freed. */
CAPKIT_API int capkit_outfile_close(capkit_outfile *of, int keep);

/* The message of the last failure ("" when none), valid until the next
 * call on the handle. */
CAPKIT_API const char *capkit_outfile_error(const capkit_outfile *of);

/* Free the handle, discarding an output not closed; NULL is accepted. */
CAPKIT_API void capkit_outfile_free(capkit_outfile *of);

#ifdef __cplusplus
}
#endif
#endif
