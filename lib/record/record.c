// SPDX-License-Identifier: GPL-2.0
/*
 * record: the instance's per-CPU ring buffers spliced into temporary files
 * while tracing runs (one thread per CPU, the pages never pass through
 * user space), then assembled into a trace.dat by lib/record/tdat_write.c.
 *
 * The temporary files are O_TMPFILE files in the output's directory: they
 * have no name, so nothing is left behind whatever way the process ends.
 * Splice moves full pages only; after tracing stops each CPU's last,
 * partial page is flushed, so the file holds every event that was read.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record/capture.h"
#include "record/tdat_write.h"

/* A file with no name in @path's directory. */
static int tmpfile_near(const char *path)
{
	char buf[PATH_MAX], dir[PATH_MAX], tmpl[PATH_MAX + 32];
	int fd;

	snprintf(buf, sizeof(buf), "%s", path);
	snprintf(dir, sizeof(dir), "%s", dirname(buf));
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	/* file systems without O_TMPFILE: a named file, unlinked at once */
	snprintf(tmpl, sizeof(tmpl), "%s/.scmwq-record-XXXXXX", dir);
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd >= 0)
		unlink(tmpl);
	return fd;
}

/* Move every full page that is ready; -1 with errno on a write error. */
static int pump(struct cap_cpu *cc)
{
	for (;;) {
		int n = tracefs_cpu_write(cc->tcpu, cc->fd, true);

		if (n > 0) {
			atomic_fetch_add(&cc->bytes, (uint64_t)n);
			continue;
		}
		if (n == 0 || errno == EAGAIN || errno == EINTR)
			return 0;
		return -1;
	}
}

static void *cpu_thread(void *arg)
{
	struct cap_cpu *cc = arg;
	struct scmwq_capture *c = cc->cap;
	struct pollfd pfd[2] = {
		{ .fd = cc->rawfd, .events = POLLIN },
		{ .fd = c->stopfd, .events = POLLIN },
	};

	while (!atomic_load(&c->stop)) {
		/* the ring buffer wakes us at buffer_percent; look anyway now and then */
		poll(pfd, 2, 200);
		if (pump(cc)) {
			cc->err = errno;
			break;
		}
	}
	return NULL;
}

static int open_cpu(struct scmwq_capture *c, struct cap_cpu *cc, struct scmwq_error *err)
{
	char rel[64], *path;

	snprintf(rel, sizeof(rel), "per_cpu/cpu%d/trace_pipe_raw", cc->cpu);
	path = tracefs_instance_get_file(c->inst, rel);
	if (!path)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	cc->rawfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (cc->rawfd < 0) {
		/* an offline CPU has no buffer to read */
		int e = errno;

		tracefs_put_tracing_file(path);
		if (e == ENOENT || e == ENODEV)
			return 1;
		return scmwq_error_set(err, e == EACCES ? SCMWQ_E_NOPERM : SCMWQ_E_INTERNAL,
				       "%s: %s", rel, strerror(e));
	}
	tracefs_put_tracing_file(path);
	cc->tcpu = tracefs_cpu_alloc_fd(cc->rawfd, c->subbuf, true);
	if (!cc->tcpu)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: %s", rel, strerror(errno));
	cc->fd = tmpfile_near(c->path);
	if (cc->fd < 0)
		return scmwq_error_set(err, SCMWQ_E_NOINPUT,
				       "%s: cannot make a temporary file in its directory: %s",
				       c->path, strerror(errno));
	return 0;
}


static void record_free(struct scmwq_capture *c);

int scmwq_capture_record_begin(struct scmwq_capture *c, const char *path, int version,
			       struct scmwq_error *err)
{
	long long kb = 0;

	if (version != 6 && version != 7)
		return scmwq_error_set(err, SCMWQ_E_USAGE,
				       "file version %d: expected 6 or 7", version);
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->version = version;
	/* sub-buffer size: buffer_subbuf_size_kb (Linux 6.8+), else the page size */
	c->subbuf = getpagesize();
	if (tracefs_file_exists(c->inst, "buffer_subbuf_size_kb") &&
	    tracefs_instance_file_read_number(c->inst, "buffer_subbuf_size_kb", &kb) == 0 &&
	    kb > 0)
		c->subbuf = (int)(kb * 1024);
	scmwq_capture_attach(c, record_free);
	c->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	c->cpus = calloc(c->ncpus, sizeof(*c->cpus));
	if (c->stopfd < 0 || !c->cpus)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	for (int i = 0; i < c->ncpus; i++) {
		struct cap_cpu *cc = &c->cpus[i];
		int r;

		cc->cpu = i;
		cc->cap = c;
		cc->fd = cc->rawfd = -1;
		r = open_cpu(c, cc, err);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (pthread_create(&cc->thread, NULL, cpu_thread, cc))
			return scmwq_error_set(err, SCMWQ_E_INTERNAL, "cannot start a thread");
		cc->running = true;
	}
	return 0;
}

uint64_t scmwq_capture_record_bytes(const struct scmwq_capture *c)
{
	uint64_t n = 0;

	for (int i = 0; c->cpus && i < c->ncpus; i++)
		n += atomic_load(&c->cpus[i].bytes);
	return n;
}

static void join_threads(struct scmwq_capture *c)
{
	uint64_t one = 1;

	atomic_store(&c->stop, true);
	if (c->stopfd >= 0 && write(c->stopfd, &one, sizeof(one)) < 0)
		(void)0;	/* the 200 ms poll timeout ends them anyway */
	for (int i = 0; c->cpus && i < c->ncpus; i++) {
		if (c->cpus[i].running)
			pthread_join(c->cpus[i].thread, NULL);
		c->cpus[i].running = false;
	}
}

int scmwq_capture_record_end(struct scmwq_capture *c, const volatile int *abort,
			     struct scmwq_capture_stats *st, struct scmwq_error *err)
{
	struct scmwq_tdat_cpu *tc = NULL;
	char **stats = NULL;
	const char **events = NULL;
	struct scmwq_tdat_meta meta = { 0 };
	char *idir = NULL;
	int out = -1, ret = -1;

	scmwq_capture_stop(c);
	join_threads(c);
	memset(st, 0, sizeof(*st));

	/* the last, partial page of every CPU */
	for (int i = 0; i < c->ncpus; i++) {
		struct cap_cpu *cc = &c->cpus[i];

		if (!cc->tcpu)
			continue;
		if (cc->err) {
			errno = cc->err;
			return scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: writing CPU %d's data: %s",
					       c->path, i, strerror(cc->err));
		}
		if (pump(cc) < 0)
			return scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: CPU %d: %s", c->path, i,
					       strerror(errno));
		for (;;) {
			int n = tracefs_cpu_flush_write(cc->tcpu, cc->fd);

			if (n <= 0)
				break;
			atomic_fetch_add(&cc->bytes, (uint64_t)n);
		}
	}
	/* read once: the sums for the caller, the texts for the file's CPUSTAT */
	tc = calloc(c->ncpus, sizeof(*tc));
	stats = calloc(c->ncpus, sizeof(*stats));
	events = calloc(c->plan.nevents + 1, sizeof(*events));
	if (!tc || !stats || !events) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		goto out;
	}
	for (int i = 0; i < c->ncpus; i++) {
		stats[i] = scmwq_capture_cpu_stats(c, i);
		scmwq_capture_stats_add(st, stats[i]);
	}
	st->bytes = scmwq_capture_record_bytes(c);
	if (abort && *abort) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: not written (aborted)", c->path);
		goto out;
	}
	for (int i = 0; i < c->ncpus; i++) {
		tc[i].fd = c->cpus[i].fd;
		tc[i].size = atomic_load(&c->cpus[i].bytes);
		tc[i].stats = stats[i];
	}
	for (int i = 0; i < c->plan.nevents; i++)
		events[i] = c->plan.events[i];
	meta.tracing_dir = c->tracing_dir;
	meta.events = events;
	meta.ncpus = c->ncpus;
	meta.cpu = tc;
	meta.page_size = c->subbuf;
	meta.trace_clock = "mono";
	meta.version = c->version;
	meta.kallsyms = c->plan.source != SCMWQ_CAP_UPROBE;
	meta.out_name = c->path;
	/* the instance's header_page: its sub-buffer layout, not the top's */
	idir = tracefs_instance_get_dir(c->inst);
	meta.instance_dir = idir;

	out = open(c->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		scmwq_error_set(err, SCMWQ_E_NOINPUT, "%s: %s", c->path, strerror(errno));
		goto out;
	}
	ret = scmwq_tdat_write(out, &meta, err);
	if (close(out) && !ret)
		ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: %s", c->path, strerror(errno));
	if (ret)
		unlink(c->path);
out:
	for (int i = 0; stats && i < c->ncpus; i++)
		free(stats[i]);
	free(stats);
	free(tc);
	free(events);
	free(idir);
	return ret;
}

/* Stop the CPU threads and free what record_begin made (tracing is off). */
static void record_free(struct scmwq_capture *c)
{
	if (!c->cpus)
		return;
	join_threads(c);
	for (int i = 0; i < c->ncpus; i++) {
		struct cap_cpu *cc = &c->cpus[i];

		if (cc->tcpu)
			tracefs_cpu_free_fd(cc->tcpu);
		if (cc->rawfd >= 0)
			close(cc->rawfd);
		if (cc->fd >= 0)
			close(cc->fd);
	}
	free(c->cpus);
	c->cpus = NULL;
	if (c->stopfd >= 0)
		close(c->stopfd);
	c->stopfd = -1;
}
