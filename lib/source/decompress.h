/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An input stream for the readers, inside the source part: a file
 * descriptor read as it is, or through gzip, zstd or xz decompression when
 * its first bytes are one of those formats' magic (decompress.c).  Not
 * installed.
 */
#ifndef SCMWQ_LIB_SOURCE_DECOMPRESS_H
#define SCMWQ_LIB_SOURCE_DECOMPRESS_H

#include <sys/types.h>

#include "base/base.h"

struct scmwq_instream;

/*
 * An input on @fd (owned from here on, closed by scmwq_instream_free(), also
 * on failure), of which @head (*@head_len bytes, @head_cap its size) has
 * already been read.  When @head starts with the magic of gzip, zstd or
 * xz, the input decompresses, and @head is replaced by the first
 * decompressed bytes (as many as needed for a trace.dat's magic, unless
 * the content is shorter); otherwise @head stays and the input reads the
 * rest of @fd as it is.  Either way the content is @head, then what
 * scmwq_instream_read() gives.  @display names the file in messages and must
 * outlive the input.  Returns NULL with @err set on failure (SCMWQ_E_DATA:
 * damaged compressed data; SCMWQ_E_INTERNAL: out of memory).
 */
struct scmwq_instream *scmwq_instream_open(int fd, const char *display, char *head, size_t *head_len,
				     size_t head_cap, struct scmwq_error *err);

/*
 * Up to @len bytes of content into @buf.  Returns their number, 0 at the
 * end, or -1 with @err set: SCMWQ_E_NOINPUT when the file cannot be read,
 * SCMWQ_E_DATA when compressed data is damaged or cut short (the message
 * names the file and the offset in it).  After an error every call fails
 * the same way.
 */
ssize_t scmwq_instream_read(struct scmwq_instream *in, void *buf, size_t len, struct scmwq_error *err);

/* The compression read through: "gzip", "zstd", "xz", or NULL for none. */
const char *scmwq_instream_compression(const struct scmwq_instream *in);

/* The file descriptor underneath (for fstat). */
int scmwq_instream_fd(const struct scmwq_instream *in);

/*
 * Free the input but keep its file descriptor open, and return it (for a
 * reader that wants the file itself: an uncompressed trace.dat).
 */
int scmwq_instream_release(struct scmwq_instream *in);

/* Free the input and close its file descriptor.  NULL is allowed. */
void scmwq_instream_free(struct scmwq_instream *in);

#endif /* SCMWQ_LIB_SOURCE_DECOMPRESS_H */
