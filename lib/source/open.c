// SPDX-License-Identifier: GPL-2.0
/*
 * Opening a source: a file or standard input, trace.dat and Perfetto
 * traces told from ftrace text by their first bytes, handed over to that
 * backend.  A gzip, zstd or xz file is read through its decompression
 * (decompress.c) and told by its content the same way.  Rewinding opens
 * the same content again, on a descriptor kept for it.
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

/*
 * Keep a descriptor on what @fd reads from its start, for
 * scmwq_source_rewind(): a dup() sharing its offset, and where the content
 * starts in it.  Nothing when @fd cannot seek (a pipe): that source cannot
 * be rewound.
 */
static void keep_rewind(struct scmwq_source *src, int fd)
{
	off_t at = lseek(fd, 0, SEEK_CUR);

	if (src->rewind_fd >= 0)
		close(src->rewind_fd);
	src->rewind_fd = -1;
	if (at < 0)
		return;
	src->rewind_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	src->rewind_at = at;
}

/*
 * Tell the container of the content on @fd (owned from here on, closed on
 * failure too) and open its reader.  @at: where @fd's content starts, or -1
 * when it cannot seek (a pipe).  @copy: a trace.dat is to be copied to a
 * temporary file even if @fd can seek (standard input not copied yet).
 */
static int source_start(struct scmwq_source *src, int fd, off_t at, bool copy,
			struct scmwq_error *err)
{
	char head[HEAD_LEN];
	size_t head_len = 0;
	struct scmwq_instream *in;

	/* Read enough to tell the container. */
	while (head_len < HEAD_DETECT) {
		ssize_t n = read(fd, head + head_len, sizeof(head) - head_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			scmwq_error_set(err, SCMWQ_E_NOINPUT, "%s: cannot read: %s", src->display,
					strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		head_len += n;
	}

	in = scmwq_instream_open(fd, src->display, head, &head_len, sizeof(head), err);
	if (!in)
		return -1;
	if (head_len >= SCMWQ_TDAT_MAGIC_LEN &&
	    !memcmp(head, SCMWQ_TDAT_MAGIC, SCMWQ_TDAT_MAGIC_LEN)) {
		src->fmt = SCMWQ_FMT_TRACE_DAT;
		/* the reader seeks from offset 0: a pipe or a compressed file spooled */
		if (copy || at != 0 || scmwq_instream_compression(in)) {
			fd = spool(src->display, head, head_len, in, err);
			scmwq_instream_free(in);
			if (fd < 0)
				return -1;
			keep_rewind(src, fd);
		} else {
			fd = scmwq_instream_release(in);
			if (lseek(fd, 0, SEEK_SET) < 0) {
				scmwq_error_set(err, SCMWQ_E_DATA, "%s: cannot seek: %s",
						src->display, strerror(errno));
				close(fd);
				return -1;
			}
		}
		return scmwq_tdat_open(src, fd, err);
	}

	if (scmwq_perfetto_detect(head, head_len)) {
		src->fmt = SCMWQ_FMT_PERFETTO;
		/* the Perfetto reader reads the file itself: a compressed one spooled */
		if (scmwq_instream_compression(in)) {
			fd = spool(src->display, head, head_len, in, err);
			scmwq_instream_free(in);
			if (fd < 0)
				return -1;
			keep_rewind(src, fd);
			head_len = 0;
		} else {
			fd = scmwq_instream_release(in);
		}
		return scmwq_perfetto_open(src, fd, head, head_len, err);
	}

	if (head_len == 0) {
		scmwq_error_set(err, SCMWQ_E_DATA, "%s: empty %s, expected ftrace text or a trace.dat "
				"file", src->display,
				scmwq_instream_compression(in) ? "content once decompressed" : "file");
		scmwq_instream_free(in);
		return -1;
	}

	src->fmt = SCMWQ_FMT_TEXT;
	return scmwq_text_open(src, in, head, head_len, err);
}

static struct scmwq_source *source_open(const char *path, bool rewindable, scmwq_diag_fn diag,
					void *diag_arg, struct scmwq_error *err)
{
	struct scmwq_source *src;
	bool is_stdin = !strcmp(path, "-");
	struct stat st;
	off_t at;
	int fd;

	src = calloc(1, sizeof(*src));
	if (!src) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		return NULL;
	}
	src->rewind_fd = -1;
	src->path = strdup(path);
	src->display = is_stdin ? "<stdin>" : src->path;
	src->diag = diag;
	src->diag_arg = diag_arg;
	if (!src->path) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		goto fail;
	}

	if (is_stdin) {
		fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
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
	at = lseek(fd, 0, SEEK_CUR);
	if (is_stdin && rewindable) {
		/* read once into an unlinked file that can seek */
		int sfd = scmwq_spool(fd, NULL, 0, src->display, err);

		close(fd);
		if (sfd < 0)
			goto fail;
		fd = sfd;
		at = 0;
		is_stdin = false;	/* copied already */
	}
	if (at >= 0)
		keep_rewind(src, fd);
	if (source_start(src, fd, at, is_stdin, err) < 0)
		goto fail;
	return src;
fail:
	if (src->rewind_fd >= 0)
		close(src->rewind_fd);
	free(src->path);
	free(src);
	return NULL;
}

struct scmwq_source *scmwq_source_open(const char *path, scmwq_diag_fn diag, void *diag_arg,
				       struct scmwq_error *err)
{
	return source_open(path, false, diag, diag_arg, err);
}

struct scmwq_source *scmwq_source_open_rewindable(const char *path, scmwq_diag_fn diag,
						  void *diag_arg, struct scmwq_error *err)
{
	return source_open(path, true, diag, diag_arg, err);
}

/* A source whose rewind failed: it reads nothing more. */
static int dead_next(struct scmwq_source *src, struct scmwq_event *ev, struct scmwq_error *err)
{
	(void)ev;
	return scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: cannot read after a failed rewind",
			       src->display);
}

static const struct scmwq_source_ops dead_ops = { .name = "rewind failed", .next = dead_next };

int scmwq_source_rewind(struct scmwq_source *src, struct scmwq_error *err)
{
	int fd;

	if (src->rewind_fd < 0)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "%s: cannot read a pipe twice: give the "
				       "trace as a file", src->display);
	if (lseek(src->rewind_fd, src->rewind_at, SEEK_SET) < 0)
		return scmwq_error_set(err, SCMWQ_E_NOINPUT, "%s: cannot seek back to the start: "
				       "%s", src->display, strerror(errno));
	fd = fcntl(src->rewind_fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: cannot read again: %s",
				       src->display, strerror(errno));
	if (src->ops && src->ops->free)
		src->ops->free(src);
	src->ops = &dead_ops;
	src->priv = NULL;
	src->sys = SCMWQ_SYS_UNKNOWN;
	src->malformed = 0;
	src->lost = 0;
	src->cpus = 0;
	src->losses_in_order = false;
	if (source_start(src, fd, src->rewind_at, false, err) < 0) {
		src->ops = &dead_ops;
		src->priv = NULL;
		return -1;
	}
	return 0;
}
