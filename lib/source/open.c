// SPDX-License-Identifier: GPL-2.0
/*
 * Opening a source: a file or standard input, trace.dat and Perfetto
 * traces told from ftrace text by their first bytes, handed over to that
 * backend.  A gzip, zstd or xz file is read through its decompression
 * (decompress.c) and told by its content the same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/decompress.h"
#include "source/source.h"

#define HEAD_LEN 4096
#define HEAD_DETECT 64	/* read at least this much (or the whole input) to tell */

/* The rest of a (possibly compressed) input, for scmwq_spool_from(). */
static ssize_t instream_read(void *arg, void *buf, size_t len, struct scmwq_error *err)
{
	return scmwq_instream_read(arg, buf, len, err);
}

/*
 * trace.dat from a pipe or a compressed file: the trace.dat reader seeks, so
 * spool it (@head, then the rest of @in) into an unlinked temporary file
 * first (in $TMPDIR, /data/local/tmp or /tmp).
 */
static int spool(const char *display, const char *head, size_t head_len, struct scmwq_instream *in,
		 struct scmwq_error *err)
{
	return scmwq_spool_from(instream_read, in, head, head_len, display, err);
}

struct scmwq_source *scmwq_source_open(const char *path, scmwq_diag_fn diag, void *diag_arg,
				       struct scmwq_error *err)
{
	struct scmwq_source *src;
	bool is_stdin = !strcmp(path, "-");
	char head[HEAD_LEN];
	size_t head_len = 0;
	struct scmwq_instream *in;
	struct stat st;
	int fd;

	src = calloc(1, sizeof(*src));
	if (!src) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		return NULL;
	}
	src->path = strdup(path);
	src->display = is_stdin ? "<stdin>" : src->path;
	src->diag = diag;
	src->diag_arg = diag_arg;
	if (!src->path) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		goto fail;
	}

	if (is_stdin) {
		fd = dup(STDIN_FILENO);
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			scmwq_error_set(err, SCMWQ_E_NOINPUT, "%s: cannot open: %s", path,
					strerror(errno));
			goto fail;
		}
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			close(fd);
			scmwq_error_set(err, SCMWQ_E_NOINPUT, "%s: is a directory, expected a trace file",
					path);
			goto fail;
		}
	}
	if (fd < 0) {
		scmwq_error_set(err, SCMWQ_E_NOINPUT, "%s: cannot open: %s", src->display,
				strerror(errno));
		goto fail;
	}

	/* Read enough to tell the container. */
	while (head_len < HEAD_DETECT) {
		ssize_t n = read(fd, head + head_len, sizeof(head) - head_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			scmwq_error_set(err, SCMWQ_E_NOINPUT, "%s: cannot read: %s", src->display,
					strerror(errno));
			close(fd);
			goto fail;
		}
		if (n == 0)
			break;
		head_len += n;
	}

	in = scmwq_instream_open(fd, src->display, head, &head_len, sizeof(head), err);
	if (!in)
		goto fail;
	if (head_len >= SCMWQ_TDAT_MAGIC_LEN &&
	    !memcmp(head, SCMWQ_TDAT_MAGIC, SCMWQ_TDAT_MAGIC_LEN)) {
		src->fmt = SCMWQ_FMT_TRACE_DAT;
		if (is_stdin || scmwq_instream_compression(in)) {
			fd = spool(src->display, head, head_len, in, err);
			scmwq_instream_free(in);
			if (fd < 0)
				goto fail;
		} else {
			fd = scmwq_instream_release(in);
			if (lseek(fd, 0, SEEK_SET) < 0) {
				scmwq_error_set(err, SCMWQ_E_DATA, "%s: cannot seek: %s",
						src->display, strerror(errno));
				close(fd);
				goto fail;
			}
		}
		if (scmwq_tdat_open(src, fd, err) < 0)
			goto fail;
		return src;
	}

	if (scmwq_perfetto_detect(head, head_len)) {
		src->fmt = SCMWQ_FMT_PERFETTO;
		/* the Perfetto reader reads the file itself: a compressed one spooled */
		if (scmwq_instream_compression(in)) {
			fd = spool(src->display, head, head_len, in, err);
			scmwq_instream_free(in);
			if (fd < 0)
				goto fail;
			head_len = 0;
		} else {
			fd = scmwq_instream_release(in);
		}
		if (scmwq_perfetto_open(src, fd, head, head_len, err) < 0)
			goto fail;
		return src;
	}

	if (head_len == 0) {
		scmwq_error_set(err, SCMWQ_E_DATA, "%s: empty %s, expected ftrace text or a trace.dat "
				"file", src->display,
				scmwq_instream_compression(in) ? "content once decompressed" : "file");
		scmwq_instream_free(in);
		goto fail;
	}

	src->fmt = SCMWQ_FMT_TEXT;
	if (scmwq_text_open(src, in, head, head_len, err) < 0)
		goto fail;
	return src;
fail:
	free(src->path);
	free(src);
	return NULL;
}
