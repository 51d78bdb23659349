// SPDX-License-Identifier: GPL-2.0
/*
 * Compressed traces read as they are: gzip (zlib), zstd (libzstd) and xz
 * (liblzma), told by their magic bytes, decompressed as the reader asks for
 * data, through one input buffer, so memory does not grow with the file.
 * Concatenated members (gzip), frames (zstd) and streams (xz) are one
 * content, as their tools read them.  Damage or a stream cut short is an
 * error naming the offset in the compressed file.
 *
 * This is compression around a whole file (trace.txt.gz).  A trace.dat
 * compressed inside by trace-cmd is the trace.dat reader's business.
 */
#include <errno.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "source/decompress.h"

#define IN_BUF_SIZE	(64 * 1024)
#define HEAD_MIN	16		/* decompressed bytes put in the head on open */
#define XZ_MEMLIMIT	(256ULL << 20)	/* what an xz stream may ask for */

enum codec { C_NONE = 0, C_GZIP, C_ZSTD, C_XZ };

static const struct {
	const char *name;
	const unsigned char *magic;
	size_t len;
} codecs[] = {
	[C_NONE] = { NULL, NULL, 0 },
	[C_GZIP] = { "gzip", (const unsigned char *)"\x1f\x8b", 2 },
	[C_ZSTD] = { "zstd", (const unsigned char *)"\x28\xb5\x2f\xfd", 4 },
	[C_XZ] = { "xz", (const unsigned char *)"\xfd" "7zXZ\0", 6 },
};

struct scmwq_instream {
	int fd;
	const char *display;
	enum codec codec;
	union {
		z_stream z;
		ZSTD_DStream *zs;
		lzma_stream x;
	};
	bool codec_ready;	/* the union is initialised: to be ended */
	unsigned char *ibuf;	/* compressed bytes read, ibuf[ipos..ilen) not yet used */
	size_t ipos, ilen;
	uint64_t ioff;		/* file offset of ibuf[0] */
	bool ieof;		/* the file has no more */
	bool open;		/* inside a member, frame or stream: its end must come */
	bool reset;		/* gzip: a member ended; the next needs a fresh state */
	bool done;
	bool failed;
	struct scmwq_error saved;
};

/* Step results */
enum { STEP_MORE = 0, STEP_END = 1, STEP_ERR = -1 };

static int fail(struct scmwq_instream *in, struct scmwq_error *err, enum scmwq_errclass cls,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(struct scmwq_instream *in, struct scmwq_error *err, enum scmwq_errclass cls,
		const char *fmt, ...)
{
	va_list ap;

	in->failed = true;
	in->saved.cls = cls;
	va_start(ap, fmt);
	vsnprintf(in->saved.msg, sizeof(in->saved.msg), fmt, ap);
	va_end(ap);
	if (err)
		*err = in->saved;
	return -1;
}

/* ------------------------------------------------------------------ */
/* The three codecs: one step each, from ibuf into @out                */

static int gzip_step(struct scmwq_instream *in, unsigned char *out, size_t len, size_t *got,
		     const char **what)
{
	z_stream *z = &in->z;
	int rc;

	if (in->reset) {
		inflateReset(z);
		in->reset = false;
	}
	z->next_in = in->ibuf + in->ipos;
	z->avail_in = (uInt)(in->ilen - in->ipos);
	z->next_out = out;
	z->avail_out = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	rc = inflate(z, Z_NO_FLUSH);
	in->ipos = in->ilen - z->avail_in;
	*got = (size_t)(z->next_out - out);
	switch (rc) {
	case Z_OK:
	case Z_BUF_ERROR:
		return STEP_MORE;
	case Z_STREAM_END:
		in->reset = true;
		return STEP_END;
	case Z_MEM_ERROR:
		*what = "out of memory";
		return STEP_ERR;
	default:
		*what = z->msg ? z->msg : "invalid data";
		return STEP_ERR;
	}
}

static int zstd_step(struct scmwq_instream *in, unsigned char *out, size_t len, size_t *got,
		     const char **what)
{
	ZSTD_inBuffer ib = { in->ibuf, in->ilen, in->ipos };
	ZSTD_outBuffer ob = { out, len, 0 };
	size_t rc = ZSTD_decompressStream(in->zs, &ob, &ib);

	in->ipos = ib.pos;
	*got = ob.pos;
	if (ZSTD_isError(rc)) {
		*what = ZSTD_getErrorName(rc);
		return STEP_ERR;
	}
	return rc == 0 ? STEP_END : STEP_MORE;
}

static int xz_step(struct scmwq_instream *in, unsigned char *out, size_t len, size_t *got,
		   const char **what)
{
	lzma_stream *x = &in->x;
	lzma_ret rc;

	x->next_in = in->ibuf + in->ipos;
	x->avail_in = in->ilen - in->ipos;
	x->next_out = out;
	x->avail_out = len;
	rc = lzma_code(x, in->ieof && in->ipos == in->ilen ? LZMA_FINISH : LZMA_RUN);
	in->ipos = in->ilen - x->avail_in;
	*got = len - x->avail_out;
	switch (rc) {
	case LZMA_OK:
		return STEP_MORE;
	case LZMA_STREAM_END:
		return STEP_END;
	case LZMA_BUF_ERROR:
		/* no progress possible: LZMA_FINISH before the stream's end */
		*what = NULL;
		return STEP_ERR;
	case LZMA_MEMLIMIT_ERROR:
		*what = "the stream needs more than 256 MiB to decompress";
		return STEP_ERR;
	case LZMA_MEM_ERROR:
		*what = "out of memory";
		return STEP_ERR;
	case LZMA_FORMAT_ERROR:
		*what = "not an xz stream";
		return STEP_ERR;
	case LZMA_OPTIONS_ERROR:
		*what = "unsupported options";
		return STEP_ERR;
	default:
		*what = "corrupt data";
		return STEP_ERR;
	}
}

static int (*const steps[])(struct scmwq_instream *, unsigned char *, size_t, size_t *,
			    const char **) = {
	[C_GZIP] = gzip_step,
	[C_ZSTD] = zstd_step,
	[C_XZ] = xz_step,
};

/* Read more compressed bytes into ibuf (which has none left to use). */
static int refill(struct scmwq_instream *in, struct scmwq_error *err)
{
	ssize_t n;

	in->ioff += in->ilen;
	in->ipos = in->ilen = 0;
	do
		n = read(in->fd, in->ibuf, IN_BUF_SIZE);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail(in, err, SCMWQ_E_NOINPUT, "%s: cannot read: %s", in->display,
			    strerror(errno));
	if (n == 0)
		in->ieof = true;
	in->ilen = (size_t)n;
	return 0;
}

static int cut_short(struct scmwq_instream *in, struct scmwq_error *err)
{
	const char *name = codecs[in->codec].name;

	return fail(in, err, SCMWQ_E_DATA,
		    "%s: offset %llu: the %s data is cut short (truncated file?); expected more "
		    "compressed data", in->display, (unsigned long long)(in->ioff + in->ilen), name);
}

static ssize_t decompress(struct scmwq_instream *in, unsigned char *out, size_t len,
			  struct scmwq_error *err)
{
	const char *name = codecs[in->codec].name;

	for (;;) {
		const char *what = NULL;
		size_t got = 0, before;
		int r;

		if (in->ipos == in->ilen && !in->ieof && refill(in, err) < 0)
			return -1;
		if (in->ipos == in->ilen && in->ieof && !in->open && in->codec != C_XZ) {
			in->done = true;
			return 0;
		}
		before = in->ipos;
		r = steps[in->codec](in, out, len, &got, &what);
		if (r == STEP_ERR) {
			if (!what)	/* xz: LZMA_FINISH with the stream unfinished */
				return cut_short(in, err);
			return fail(in, err, SCMWQ_E_DATA,
				    "%s: offset %llu: damaged %s data (%s); expected a valid %s "
				    "stream", in->display, (unsigned long long)(in->ioff + in->ipos),
				    name, what, name);
		}
		if (r == STEP_END) {
			in->open = false;
			if (in->codec == C_XZ)
				in->done = true;
			if (got || in->done)
				return (ssize_t)got;
			continue;
		}
		if (got || in->ipos != before)
			in->open = true;
		if (got)
			return (ssize_t)got;
		/* no progress: gzip and zstd need more than the file has (xz says so itself) */
		if (in->codec != C_XZ && in->ipos == in->ilen && in->ieof)
			return cut_short(in, err);
	}
}

/**
 * scmwq_instream_read - up to @len bytes of content
 * @in: the input
 * @buf: filled
 * @len: its size
 * @err: set on failure
 *
 * Return: the bytes read, 0 at the end, or -1 with @err set.
 */
ssize_t scmwq_instream_read(struct scmwq_instream *in, void *buf, size_t len, struct scmwq_error *err)
{
	ssize_t n;

	if (in->failed) {
		if (err)
			*err = in->saved;
		return -1;
	}
	if (in->codec != C_NONE) {
		if (in->done || !len)
			return 0;
		return decompress(in, buf, len, err);
	}
	do
		n = read(in->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail(in, err, SCMWQ_E_NOINPUT, "%s: cannot read: %s", in->display,
			    strerror(errno));
	return n;
}

static enum codec detect(const char *head, size_t len)
{
	for (size_t c = C_GZIP; c < ARRAY_SIZE(codecs); c++)
		if (len >= codecs[c].len && !memcmp(head, codecs[c].magic, codecs[c].len))
			return (enum codec)c;
	return C_NONE;
}

static int codec_init(struct scmwq_instream *in)
{
	switch (in->codec) {
	case C_GZIP:
		memset(&in->z, 0, sizeof(in->z));
		if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK)
			return -1;
		break;
	case C_ZSTD:
		in->zs = ZSTD_createDStream();
		if (!in->zs || ZSTD_isError(ZSTD_initDStream(in->zs)))
			return -1;
		break;
	case C_XZ:
		in->x = (lzma_stream)LZMA_STREAM_INIT;
		if (lzma_stream_decoder(&in->x, XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK)
			return -1;
		break;
	default:
		return 0;
	}
	in->codec_ready = true;
	return 0;
}

static void codec_end(struct scmwq_instream *in)
{
	if (!in->codec_ready)
		return;
	switch (in->codec) {
	case C_GZIP:
		inflateEnd(&in->z);
		break;
	case C_ZSTD:
		ZSTD_freeDStream(in->zs);
		break;
	case C_XZ:
		lzma_end(&in->x);
		break;
	default:
		break;
	}
	in->codec_ready = false;
}

/**
 * scmwq_instream_open - an input, decompressing when @head shows a compressor
 * @fd: the file (owned from here on)
 * @display: the file's name for messages
 * @head: bytes already read from @fd; replaced by decompressed ones
 * @head_len: their number, updated
 * @head_cap: @head's size
 * @err: set on failure
 *
 * Return: the input, or NULL with @err set (and @fd closed).
 */
struct scmwq_instream *scmwq_instream_open(int fd, const char *display, char *head, size_t *head_len,
				     size_t head_cap, struct scmwq_error *err)
{
	struct scmwq_instream *in = calloc(1, sizeof(*in));
	size_t want = head_cap < HEAD_MIN ? head_cap : HEAD_MIN;

	if (!in) {
		close(fd);
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: out of memory", display);
		return NULL;
	}
	in->fd = fd;
	in->display = display;
	in->codec = detect(head, *head_len);
	if (in->codec == C_NONE)
		return in;
	in->ibuf = malloc(IN_BUF_SIZE);
	if (!in->ibuf || *head_len > IN_BUF_SIZE || codec_init(in) < 0) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: out of memory", display);
		goto fail;
	}
	memcpy(in->ibuf, head, *head_len);
	in->ilen = *head_len;
	*head_len = 0;
	while (*head_len < want) {
		ssize_t n = scmwq_instream_read(in, head + *head_len, head_cap - *head_len, err);

		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		*head_len += (size_t)n;
	}
	return in;
fail:
	scmwq_instream_free(in);
	return NULL;
}

/**
 * scmwq_instream_compression - the compression read through
 * @in: the input
 *
 * Return: "gzip", "zstd", "xz", or NULL when the file is read as it is.
 */
const char *scmwq_instream_compression(const struct scmwq_instream *in)
{
	return codecs[in->codec].name;
}

/**
 * scmwq_instream_fd - the file descriptor underneath
 * @in: the input
 *
 * Return: the descriptor, still owned by @in.
 */
int scmwq_instream_fd(const struct scmwq_instream *in)
{
	return in->fd;
}

/**
 * scmwq_instream_release - free the input, keep its file descriptor
 * @in: the input
 *
 * Return: the descriptor, now the caller's.
 */
int scmwq_instream_release(struct scmwq_instream *in)
{
	int fd = in->fd;

	in->fd = -1;
	scmwq_instream_free(in);
	return fd;
}

/**
 * scmwq_instream_free - free the input and close its file descriptor
 * @in: the input, or NULL
 */
void scmwq_instream_free(struct scmwq_instream *in)
{
	if (!in)
		return;
	codec_end(in);
	free(in->ibuf);
	if (in->fd >= 0)
		close(in->fd);
	free(in);
}
