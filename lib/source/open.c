// SPDX-License-Identifier: GPL-2.0
/*
 * Opening a source: a file or standard input, trace.dat told from ftrace
 * text by its first bytes, handed over to that backend.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/source.h"

#define HEAD_LEN 4096

struct scmwq_source *scmwq_source_open(const char *path, scmwq_diag_fn diag, void *diag_arg,
				       struct scmwq_error *err)
{
	struct scmwq_source *src;
	bool is_stdin = !strcmp(path, "-");
	char head[HEAD_LEN];
	size_t head_len = 0;
	struct stat st;
	FILE *fp = NULL;
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
	while (head_len < SCMWQ_TDAT_MAGIC_LEN) {
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

	if (head_len >= SCMWQ_TDAT_MAGIC_LEN &&
	    !memcmp(head, SCMWQ_TDAT_MAGIC, SCMWQ_TDAT_MAGIC_LEN)) {
		src->fmt = SCMWQ_FMT_TRACE_DAT;
		if (is_stdin) {
			/* trace.dat from a pipe: the reader seeks, so spool it to a file first */
			int tfd = scmwq_spool(fd, head, head_len, "<stdin>", err);

			close(fd);
			if (tfd < 0)
				goto fail;
			fd = tfd;
		} else if (lseek(fd, 0, SEEK_SET) < 0) {
			scmwq_error_set(err, SCMWQ_E_DATA, "%s: cannot seek: %s", src->display,
					strerror(errno));
			close(fd);
			goto fail;
		}
		if (scmwq_tdat_open(src, fd, err) < 0)
			goto fail;
		return src;
	}

	if (head_len == 0) {
		close(fd);
		scmwq_error_set(err, SCMWQ_E_DATA,
				"%s: empty file, expected ftrace text or a trace.dat file",
				src->display);
		goto fail;
	}

	src->fmt = SCMWQ_FMT_TEXT;
	fp = fdopen(fd, "r");
	if (!fp) {
		close(fd);
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: %s", src->display, strerror(errno));
		goto fail;
	}
	if (scmwq_text_open(src, fp, head, head_len, err) < 0)
		goto fail;
	return src;
fail:
	free(src->path);
	free(src);
	return NULL;
}
