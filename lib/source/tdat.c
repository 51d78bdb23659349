// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat source: trace-cmd's binary file (versions 6 and 7, compressed
 * or not) read through libtracecmd, fields read by name via libtraceevent.
 *
 * Events come out in time order across CPUs and buffer instances through a
 * heap merge of per-CPU cursors: each cursor holds only the next record of
 * its CPU, so memory does not grow with the file.  Records become events
 * in lib/source/tepconv.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <trace-cmd.h>

#include "source/source.h"
#include "source/tepconv.h"

/* One CPU of one buffer, holding its next record. */
struct tdat_cursor {
	struct tracecmd_input *handle;
	int cpu;			/* index for tracecmd_read_data() */
	int order;			/* tie-break: buffer then CPU */
	struct tep_record *rec;
	uint64_t prev_ts;		/* of its previous record; 0: none */
	bool lost_done;			/* LOST for rec->missed_events emitted */
};

struct tdat {
	struct tracecmd_input *top;
	struct tracecmd_input **inst;	/* buffer instances */
	int ninst;
	struct tep_handle *tep;
	struct scmwq_tepconv *conv;
	struct scmwq_heap cursors;	/* struct tdat_cursor by (key, order) */
};

/* ------------------------------------------------------------------ */
/* Heap of cursors                                                     */

/*
 * A record that follows a loss sorts at the loss's start, its CPU's
 * previous record, until the loss is reported: the marker goes out before
 * any event from inside the gap (replay.md: where a loss lies).
 */
static uint64_t cursor_key(const struct tdat_cursor *c)
{
	if (c->rec->missed_events && !c->lost_done)
		return c->prev_ts < c->rec->ts ? c->prev_ts : c->rec->ts;
	return c->rec->ts;
}

static bool cursor_less(const void *x, const void *y)
{
	const struct tdat_cursor *a = x, *b = y;
	uint64_t ka = cursor_key(a), kb = cursor_key(b);

	if (ka != kb)
		return ka < kb;
	return a->order < b->order;
}

/* Replace the top cursor's record by the next one of its CPU. */
static void heap_advance(struct tdat *t)
{
	struct tdat_cursor *c = scmwq_heap_top(&t->cursors);

	c->prev_ts = c->rec->ts;
	tracecmd_free_record(c->rec);
	c->rec = tracecmd_read_data(c->handle, c->cpu);
	c->lost_done = false;
	if (!c->rec)
		scmwq_heap_pop(&t->cursors, NULL);	/* that CPU is done */
	else
		scmwq_heap_fix_top(&t->cursors);
}

/* ------------------------------------------------------------------ */
/* Source operations                                                   */

static int tdat_next(struct scmwq_source *src, struct scmwq_event *ev, struct scmwq_error *err)
{
	struct tdat *t = src->priv;

	struct tdat_cursor *c;

	while ((c = scmwq_heap_top(&t->cursors))) {
		struct tep_record *rec = c->rec;

		if (rec->missed_events && !c->lost_done) {
			scmwq_tepconv_lost(rec, ev);
			ev->ts_ns = cursor_key(c);
			ev->gap_start_ns = c->prev_ts;
			ev->gap_end_ns = rec->ts;
			c->lost_done = true;
			scmwq_heap_fix_top(&t->cursors);
			src->lost += ev->lost_count;
			return 1;
		}
		if (scmwq_tepconv_event(t->conv, rec, ev)) {
			heap_advance(t);
			return 1;
		}
		heap_advance(t);
	}
	return 0;
}

static void tdat_close(struct tdat *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->cursors.n; i++)
		tracecmd_free_record(((struct tdat_cursor *)scmwq_heap_at(&t->cursors, i))->rec);
	scmwq_heap_free(&t->cursors);
	/* instances hold a reference on the top handle: close them first */
	for (int i = 0; i < t->ninst; i++)
		tracecmd_close(t->inst[i]);
	free(t->inst);
	tracecmd_close(t->top);
	scmwq_tepconv_free(t->conv);
	free(t);
}

static void tdat_free(struct scmwq_source *src)
{
	tdat_close(src->priv);
	src->priv = NULL;
}

static const struct scmwq_source_ops tdat_ops = {
	.name = "trace.dat",
	.next = tdat_next,
	.free = tdat_free,
};

/* A garbled record of ours: reported like a malformed text line, at its file offset. */
static void tdat_diag(uint64_t offset, const char *what, void *arg)
{
	scmwq_source_diag(arg, offset, what);
}

/* Start a cursor on every CPU of @handle that has data. */
static int add_cursors(struct tdat *t, struct tracecmd_input *handle, int *order,
		       struct scmwq_error *err)
{
	int cpus = tep_get_cpus(t->tep);

	/*
	 * tracecmd_read_data() checks the index against the handle's own CPU
	 * count, so asking for CPUs it does not have is harmless.
	 */
	if (cpus <= 0)
		cpus = 256;
	for (int cpu = 0; cpu < cpus; cpu++) {
		struct tep_record *rec = tracecmd_read_data(handle, cpu);
		struct tdat_cursor c = { .handle = handle, .cpu = cpu, .order = ++*order, .rec = rec };

		if (!rec)
			continue;
		if (scmwq_heap_push(&t->cursors, &c) < 0) {
			tracecmd_free_record(rec);
			return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Checking the file's layout before libtracecmd reads it              */

/*
 * libtracecmd 1.3 notices most truncations, but crashes on some (a buffer
 * instance whose CPU data is cut short makes tracecmd_buffer_instance_handle()
 * free a half-built handle) and does not notice a cut in the trailing
 * sections of a version 7 file.  So walk the layout ourselves first, with
 * bounded reads, and refuse a file that ends before its layout does.
 */
struct layout {
	int fd;
	const char *display;
	uint64_t size;		/* file size */
	bool big_endian;
	struct scmwq_error *err;
};

static int cut(struct layout *l, const char *what, uint64_t off, uint64_t need)
{
	return scmwq_error_set(l->err, SCMWQ_E_DATA,
			       "%s: truncated trace.dat: %s at offset %llu needs %llu bytes, but "
			       "the file ends at %llu", l->display, what, (unsigned long long)off,
			       (unsigned long long)need, (unsigned long long)l->size);
}

static int need(struct layout *l, const char *what, uint64_t off, uint64_t n)
{
	if (off > l->size || n > l->size - off)
		return cut(l, what, off, n);
	return 0;
}

static int rd(struct layout *l, const char *what, uint64_t off, void *buf, size_t n)
{
	if (need(l, what, off, n) < 0)
		return -1;
	if (pread(l->fd, buf, n, off) != (ssize_t)n)
		return scmwq_error_set(l->err, SCMWQ_E_DATA,
				       "%s: cannot read %s at offset %llu: %s", l->display, what,
				       (unsigned long long)off, strerror(errno));
	return 0;
}

static uint64_t num(const struct layout *l, const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[l->big_endian ? n - 1 - i : i] << (8 * i);
	return v;
}

static int rd_num(struct layout *l, const char *what, uint64_t *off, int n, uint64_t *val)
{
	unsigned char b[8];

	if (rd(l, what, *off, b, n) < 0)
		return -1;
	*val = num(l, b, n);
	*off += n;
	return 0;
}

/* Skip a NUL-terminated string at *off (at most @max bytes). */
static int skip_str(struct layout *l, const char *what, uint64_t *off, size_t max)
{
	char b[256];
	size_t n;

	if (max > sizeof(b))
		max = sizeof(b);
	if (*off >= l->size)
		return cut(l, what, *off, 1);
	n = l->size - *off < max ? l->size - *off : max;
	if (rd(l, what, *off, b, n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!b[i]) {
			*off += i + 1;
			return 0;
		}
	}
	if (n < max)
		return cut(l, what, *off, n + 1);
	return scmwq_error_set(l->err, SCMWQ_E_DATA, "%s: not a valid trace.dat: %s at offset %llu "
			       "is not a string", l->display, what, (unsigned long long)*off);
}

/* A block: a size of @n bytes, then that many bytes. */
static int skip_sized(struct layout *l, const char *what, uint64_t *off, int n)
{
	uint64_t size;

	if (rd_num(l, what, off, n, &size) < 0 || need(l, what, *off, size) < 0)
		return -1;
	*off += size;
	return 0;
}

static int expect(struct layout *l, const char *what, uint64_t *off, const char *tag, size_t n)
{
	char b[16];

	if (rd(l, what, *off, b, n) < 0)
		return -1;
	if (memcmp(b, tag, n))
		return scmwq_error_set(l->err, SCMWQ_E_DATA, "%s: not a valid trace.dat: expected "
				       "\"%s\" at offset %llu", l->display, tag,
				       (unsigned long long)*off);
	*off += n;
	return 0;
}

/* "flyrecord": one (offset, size) per CPU, each inside the file. */
static int check_flyrecord(struct layout *l, uint64_t *off, uint64_t cpus, const char *buffer)
{
	char what[96];

	for (uint64_t cpu = 0; cpu < cpus; cpu++) {
		uint64_t data, size;

		if (rd_num(l, "the CPU data table", off, 8, &data) < 0 ||
		    rd_num(l, "the CPU data table", off, 8, &size) < 0)
			return -1;
		snprintf(what, sizeof(what), "the trace data of CPU %llu%s%s",
			 (unsigned long long)cpu, *buffer ? " of buffer " : "", buffer);
		if (size && need(l, what, data, size) < 0)
			return -1;
	}
	return 0;
}

#define OPT_BUFFER	3	/* TRACECMD_OPTION_BUFFER */
#define OPT_CPUCOUNT	8	/* TRACECMD_OPTION_CPUCOUNT */
#define MAX_BUFFERS	64

/*
 * Version 6 options: (id, size, data) until id 0.  Collects the offsets of
 * buffer instances (when @bufs) and follows CPUCOUNT into *cpus.
 */
static int skip_options_v6(struct layout *l, uint64_t *off, uint64_t *cpus, uint64_t *bufs,
			   int *nbufs)
{
	for (;;) {
		uint64_t id, size, v, o;

		if (rd_num(l, "an option", off, 2, &id) < 0)
			return -1;
		if (!id)
			return 0;
		if (rd_num(l, "an option", off, 4, &size) < 0 ||
		    need(l, "an option", *off, size) < 0)
			return -1;
		o = *off;
		if (id == OPT_BUFFER && size >= 8 && bufs && *nbufs < MAX_BUFFERS) {
			if (rd_num(l, "an option", &o, 8, &v) < 0)
				return -1;
			bufs[(*nbufs)++] = v;
		} else if (id == OPT_CPUCOUNT && size >= 4) {
			if (rd_num(l, "an option", &o, 4, cpus) < 0)
				return -1;
		}
		*off += size;
	}
}

/* Version 6: a fixed sequence of blocks, then options and the CPU data. */
static int check_v6(struct layout *l, uint64_t off)
{
	uint64_t count, cpus, bufs[MAX_BUFFERS];
	int nbufs = 0;
	char tag[10];

	if (expect(l, "the header page", &off, "header_page", 12) < 0 ||
	    skip_sized(l, "the header page", &off, 8) < 0 ||
	    expect(l, "the header event", &off, "header_event", 13) < 0 ||
	    skip_sized(l, "the header event", &off, 8) < 0)
		return -1;
	if (rd_num(l, "the ftrace formats", &off, 4, &count) < 0)
		return -1;
	for (uint64_t i = 0; i < count; i++)
		if (skip_sized(l, "an ftrace format", &off, 8) < 0)
			return -1;
	if (rd_num(l, "the event formats", &off, 4, &count) < 0)
		return -1;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t events;

		if (skip_str(l, "a system name", &off, 256) < 0 ||
		    rd_num(l, "the event formats", &off, 4, &events) < 0)
			return -1;
		for (uint64_t e = 0; e < events; e++)
			if (skip_sized(l, "an event format", &off, 8) < 0)
				return -1;
	}
	if (skip_sized(l, "kallsyms", &off, 4) < 0 ||
	    skip_sized(l, "the printk formats", &off, 4) < 0 ||
	    skip_sized(l, "the saved command lines", &off, 8) < 0 ||
	    rd_num(l, "the CPU count", &off, 4, &cpus) < 0 ||
	    rd(l, "the options", off, tag, 10) < 0)
		return -1;
	if (!memcmp(tag, "options  ", 10)) {
		off += 10;
		if (skip_options_v6(l, &off, &cpus, bufs, &nbufs) < 0 ||
		    rd(l, "the data header", off, tag, 10) < 0)
			return -1;
	}
	if (!memcmp(tag, "latency  ", 10))
		return 0;
	if (expect(l, "the data header", &off, "flyrecord", 10) < 0 ||
	    check_flyrecord(l, &off, cpus, "") < 0)
		return -1;
	/* buffer instances: [options] flyrecord again, at their own offset */
	for (int i = 0; i < nbufs; i++) {
		uint64_t o = bufs[i], bcpus = cpus;

		if (rd(l, "a buffer instance", o, tag, 10) < 0)
			return -1;
		if (!memcmp(tag, "options  ", 10)) {
			o += 10;
			if (skip_options_v6(l, &o, &bcpus, NULL, NULL) < 0)
				return -1;
		}
		if (expect(l, "a buffer instance", &o, "flyrecord", 10) < 0 ||
		    check_flyrecord(l, &o, bcpus, "instance") < 0)
			return -1;
	}
	return 0;
}

static const char *section_name(unsigned int id)
{
	switch (id) {
	case 0: return "options";
	case 3: return "buffer data";
	case 4: return "latency data";
	case 15: return "strings";
	case 16: return "headers";
	case 17: return "ftrace formats";
	case 18: return "event formats";
	case 19: return "kallsyms";
	case 20: return "printk formats";
	case 21: return "command lines";
	default: return "a section";
	}
}

/*
 * Version 7: after the initial header, sections follow each other to the
 * end of the file, each a 16-byte header (id, flags, string id, size) and
 * its data.  A chain that runs past the end is a cut file.
 */
static int check_v7(struct layout *l, uint64_t off)
{
	uint64_t opt;

	if (skip_str(l, "the compression name", &off, 64) < 0 ||
	    skip_str(l, "the compression version", &off, 64) < 0 ||
	    rd_num(l, "the options offset", &off, 8, &opt) < 0)
		return -1;
	if (need(l, "the first options section", opt, 16) < 0)
		return -1;
	while (off < l->size) {
		unsigned char h[16];
		uint64_t id, flags, size;
		char what[64];

		if (rd(l, "a section header", off, h, l->size - off < 16 ? l->size - off : 16) < 0)
			return -1;
		if (l->size - off < 16)
			return cut(l, "a section header", off, 16);
		id = num(l, h, 2);
		flags = num(l, h + 2, 2);
		size = num(l, h + 8, 8);
		if (id > 64 || flags > 1)
			return 0;	/* not a layout we know: leave it to libtracecmd */
		snprintf(what, sizeof(what), "section \"%s\" (id %u)", section_name(id),
			 (unsigned int)id);
		if (need(l, what, off + 16, size) < 0)
			return -1;
		off += 16 + size;
	}
	return 0;
}

static int check_layout(struct scmwq_source *src, int fd, struct scmwq_error *err)
{
	struct layout l = { .fd = fd, .display = src->display, .err = err };
	unsigned char b[6];
	char ver[16];
	uint64_t off = SCMWQ_TDAT_MAGIC_LEN;
	struct stat st;
	size_t n;

	if (fstat(fd, &st) < 0)
		return scmwq_error_set(err, SCMWQ_E_DATA, "%s: cannot stat: %s", src->display,
				       strerror(errno));
	l.size = st.st_size;
	if (l.size <= off)
		return cut(&l, "the version", off, 2);
	n = l.size - off < sizeof(ver) ? l.size - off : sizeof(ver);
	if (rd(&l, "the version", off, ver, n) < 0)
		return -1;
	if (!memchr(ver, '\0', n)) {
		if (n < sizeof(ver))
			return cut(&l, "the version", off, n + 1);
		return scmwq_error_set(err, SCMWQ_E_DATA, "%s: not a valid trace.dat: no version "
				       "string after the magic", src->display);
	}
	if (strcmp(ver, "6") && strcmp(ver, "7"))
		return scmwq_error_set(err, SCMWQ_E_DATA,
				       "%s: unsupported trace.dat version \"%.8s\" "
				       "(expected 6 or 7)", src->display, ver);
	off += strlen(ver) + 1;
	if (rd(&l, "the file header", off, b, 6) < 0)
		return -1;
	l.big_endian = b[0];
	off += 6;
	return ver[0] == '6' ? check_v6(&l, off) : check_v7(&l, off);
}

/*
 * libtracecmd prints a few complaints with printf() (e.g. "File possibly
 * truncated") while opening: keep them off our standard output, which may
 * carry JSON.  Its other messages follow the log level set below.
 */
static int quiet_stdout_begin(void)
{
	int saved, null;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (saved < 0)
		return -1;
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, STDOUT_FILENO) < 0) {
		if (null >= 0)
			close(null);
		close(saved);
		return -1;
	}
	close(null);
	return saved;
}

static void quiet_stdout_end(int saved)
{
	if (saved < 0)
		return;
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
}

/**
 * scmwq_tdat_open - open a trace.dat source
 * @src: the source being opened (display name and format already set)
 * @fd: descriptor of the file at offset 0; owned from here on, closed on
 *      failure too
 * @err: filled on failure
 *
 * Checks the file's layout (a cut file is refused with where it ends),
 * opens it with libtracecmd, opens every buffer instance, resolves the
 * fields of the SCM and sched events once, and primes one cursor per CPU.
 * Sets libtracecmd's and libtraceevent's log levels to none: their warnings
 * would only repeat ours.
 *
 * Returns 0, or -1 with @err set: SCMWQ_E_DATA when the file is not a
 * readable trace.dat, SCMWQ_E_INTERNAL when out of memory.
 */
int scmwq_tdat_open(struct scmwq_source *src, int fd, struct scmwq_error *err)
{
	struct tdat *t;
	int saved, lfd, order = 0, ret = -1;

	t = calloc(1, sizeof(*t));
	if (!t) {
		close(fd);
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	}
	scmwq_heap_init(&t->cursors, sizeof(struct tdat_cursor), cursor_less);

	if (check_layout(src, fd, err) < 0) {
		close(fd);
		free(t);
		return -1;
	}
	/*
	 * libtracecmd closes the descriptor on some failures and not on
	 * others: give it a copy, and keep ours until we know.
	 */
	lfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (lfd < 0) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: %s", src->display, strerror(errno));
		close(fd);
		free(t);
		return -1;
	}

	tracecmd_set_loglevel(TEP_LOG_NONE);
	tep_set_loglevel(TEP_LOG_NONE);
	saved = quiet_stdout_begin();
	t->top = tracecmd_open_fd(lfd, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!t->top) {
		quiet_stdout_end(saved);
		scmwq_error_set(err, SCMWQ_E_DATA,
				"%s: not a valid trace.dat: libtracecmd could not read its headers "
				"or CPU data", src->display);
		if (fcntl(lfd, F_GETFD) != -1)
			close(lfd);
		close(fd);
		free(t);
		return -1;
	}
	close(fd);
	t->tep = tracecmd_get_tep(t->top);

	/* tracefs instances (trace-cmd -B) are separate buffers of the file */
	t->ninst = tracecmd_buffer_instances(t->top);
	if (t->ninst > 0) {
		t->inst = calloc(t->ninst, sizeof(*t->inst));
		if (!t->inst) {
			t->ninst = 0;
			scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
			goto out;
		}
	} else {
		t->ninst = 0;
	}
	for (int i = 0; i < t->ninst; i++) {
		t->inst[i] = tracecmd_buffer_instance_handle(t->top, i);
		if (!t->inst[i]) {
			const char *name = tracecmd_buffer_instance_name(t->top, i);

			scmwq_error_set(err, SCMWQ_E_DATA,
					"%s: cannot read the data of buffer instance \"%s\" "
					"(truncated trace.dat?)", src->display, name ? name : "?");
			goto out;
		}
	}

	t->conv = scmwq_tepconv_new(t->tep, err);
	if (!t->conv)
		goto out;
	scmwq_tepconv_set_diag(t->conv, tdat_diag, src);
	src->sys = scmwq_tepconv_system(t->conv);
	src->cpus = tep_get_cpus(t->tep);
	src->losses_in_order = true;
	if (add_cursors(t, t->top, &order, err) < 0)
		goto out;
	for (int i = 0; i < t->ninst; i++)
		if (add_cursors(t, t->inst[i], &order, err) < 0)
			goto out;
	ret = 0;
out:
	quiet_stdout_end(saved);
	if (ret < 0) {
		tdat_close(t);
		return -1;
	}
	src->ops = &tdat_ops;
	src->priv = t;
	return 0;
}
