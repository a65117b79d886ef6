/* compress.h - transparent compression: gzip (zlib) and zstd (libzstd)
 * inputs told by their magic bytes and read as a stream, outputs compressed
 * through the sink's codec stage. */
#ifndef CAPKIT_IO_COMPRESS_H
#define CAPKIT_IO_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "io/sink.h"
#include "io/src.h"

enum { CAPKIT__CODEC_NONE = 0, CAPKIT__CODEC_GZIP = 1, CAPKIT__CODEC_ZSTD = 2 };

/* The codec whose magic starts p (n bytes available), or NONE. */
int capkit__codec_of_magic(const uint8_t *p, size_t n);
/* The codec a file name asks for by its suffix (".gz", ".zst"), or NONE. */
int capkit__codec_of_name(const char *path);
/* "gzip", "zstd", or NULL for NONE. */
const char *capkit__codec_name(int codec);
/* The codec named "gzip"/"gz", "zstd"/"zst", "none"; -1 if unknown. */
int capkit__codec_by_name(const char *name);

/* Turn s into a decompressing stream over its current bytes: the old
 * source (mapping or buffer, with its descriptor) is kept inside and read
 * from its cursor on. Returns 0 or a negative CAPKIT_E*; on failure s is
 * unchanged. */
int capkit__src_decompress(capkit__src *s, int codec);
/* The compressed source inside a decompressing stream, NULL for others. */
const capkit__src *capkit__src_inner(const capkit__src *s);

/* Compress everything written to s from now on. level 0 is the codec's
 * default (gzip 6, zstd 3). zstd uses one worker thread per processor
 * (up to 8) when the library supports it. 0 or a negative CAPKIT_E*. */
int capkit__sink_compress(capkit__sink *s, int codec, int level);

#endif
