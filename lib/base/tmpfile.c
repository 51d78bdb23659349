// SPDX-License-Identifier: GPL-2.0
/*
 * Temporary files where the machine has room for them: $TMPDIR, else Android's
 * /data/local/tmp (a phone has no /tmp), else /tmp; and the one use we have for them,
 * a pipe spooled to an unlinked file that can be seeked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"

const char *scmwq_tmpdir_pick(const char *env, const char *android)
{
	struct stat st;

	if (env && *env)
		return env;
	if (android && stat(android, &st) == 0 && S_ISDIR(st.st_mode))
		return android;
	return "/tmp";
}

const char *scmwq_tmpdir(void)
{
	return scmwq_tmpdir_pick(getenv("TMPDIR"), "/data/local/tmp");
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int scmwq_tmpfd(const char *name, struct scmwq_error *err)
{
	const char *dir = scmwq_tmpdir();
	char tmpl[4096];
	int fd;

	snprintf(tmpl, sizeof(tmpl), "%s/scmwq-spool-XXXXXX", dir);
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL,
				       "%s: cannot create a temporary file in %s: %s (set TMPDIR to "
				       "a writable directory)", name, dir, strerror(errno));
	unlink(tmpl);
	return fd;
}

FILE *scmwq_tmpfile(void)
{
	int fd = scmwq_tmpfd("", NULL);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w+");
	if (!f)
		close(fd);
	return f;
}

int scmwq_spool_from(scmwq_spool_read_fn rd, void *arg, const void *head, size_t head_len,
		     const char *name, struct scmwq_error *err)
{
	const char *dir = scmwq_tmpdir();
	char buf[65536];
	ssize_t n;
	int fd;

	fd = scmwq_tmpfd(name, err);
	if (fd < 0)
		return -1;
	if (write_all(fd, head, head_len) < 0)
		goto fail;
	while ((n = rd(arg, buf, sizeof(buf), err)) > 0)
		if (write_all(fd, buf, (size_t)n) < 0)
			goto fail;
	if (n < 0) {
		close(fd);
		return -1;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		goto fail;
	return fd;
fail:
	scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: cannot spool to a temporary file in %s: %s",
			name, dir, strerror(errno));
	close(fd);
	return -1;
}

struct fd_reader {
	int fd;
	const char *name;
};

static ssize_t fd_read(void *arg, void *buf, size_t len, struct scmwq_error *err)
{
	const struct fd_reader *r = arg;
	ssize_t n;

	do
		n = read(r->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		scmwq_error_set(err, SCMWQ_E_NOINPUT, "%s: cannot read: %s", r->name,
				strerror(errno));
	return n;
}

int scmwq_spool(int in, const void *head, size_t head_len, const char *name,
		struct scmwq_error *err)
{
	struct fd_reader r = { .fd = in, .name = name };

	return scmwq_spool_from(fd_read, &r, head, head_len, name, err);
}
