// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat writer: trace-cmd's file format, version 6 or 7 (uncompressed),
 * from per-CPU ring-buffer pages already captured into files.
 *
 * Layout, as trace-cmd 3.1 writes and reads it (trace-cmd.dat.v6(5),
 * trace-cmd.dat.v7(5), libtracecmd's trace-output.c and trace-input.c);
 * numbers are in host byte order, which the file header declares:
 *
 *   "\027\010\104tracing" "6\0" or "7\0", endianness, sizeof(long), page size
 *   v6: header_page, header_event, ftrace formats, event formats, kallsyms,
 *       printk formats, saved cmdlines, CPU count, "options  \0" options 0,
 *       "flyrecord\0" (offset, size) per CPU, "[clock]", CPU data
 *   v7: "none\0" "\0", offset of the options section, then sections
 *       (id, flags, string id, size) to the end of the file: headers, ftrace
 *       formats, event formats, kallsyms, printk, cmdlines, the buffer's
 *       flyrecord data, one options section (offsets of the sections above,
 *       TRACECLOCK, UNAME, VERSION, CPUSTAT, CPUCOUNT, BUFFER, DONE) and the
 *       strings section with the sections' descriptions.
 *
 * CPU data starts page aligned.  Sizes of copied files are written as 0 and
 * patched once the copy is done, so that every tracefs file is read once,
 * in chunks, and the output must be seekable.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/base.h"
#include "record/tdat_write.h"
#include "source/tdat_format.h"

#define COPY_BUF	(64 * 1024)
#define MAX_CPUS	8192

/* trace-cmd's option ids (enum tracecmd_option_id); sections use the same */
enum {
	OPT_DONE	= 0,
	OPT_CPUSTAT	= 2,
	OPT_BUFFER	= 3,
	OPT_TRACECLOCK	= 4,
	OPT_UNAME	= 5,
	OPT_CPUCOUNT	= 8,
	OPT_VERSION	= 9,
	SEC_STRINGS	= 15,
	SEC_HEADERS	= 16,
	SEC_FTRACE	= 17,
	SEC_EVENTS	= 18,
	SEC_KALLSYMS	= 19,
	SEC_PRINTK	= 20,
	SEC_CMDLINES	= 21,
};

/* One event format file, of system sys[@sys]. */
struct fmt_file {
	char *path;
	int sys;
};

struct fmt_list {
	char **sys;		/* system names, in order of first appearance */
	int nsys;
	struct fmt_file *f;
	size_t n, cap;
};

struct tw {
	int fd;
	const char *name;		/* of the output, for messages */
	const struct scmwq_tdat_meta *m;
	struct scmwq_error *err;
	uint64_t off;			/* where the next byte goes */
	uint64_t end;			/* end of what was written */
	char *buf;			/* COPY_BUF bytes */
	const char *clock;
	uint64_t data, dropped, copied;
	/* version 7 */
	char strs[256];			/* the strings section */
	size_t nstrs;
	uint64_t sec_off[SEC_CMDLINES + 1];	/* section header offsets, by id */
};

/* ------------------------------------------------------------------ */
/* Output                                                              */

static int w_fail(struct tw *w, const char *what, int errnum)
{
	return scmwq_error_set(w->err, SCMWQ_E_INTERNAL, "%s: %s: %s", w->name, what,
			       strerror(errnum));
}

static int w_pwrite(struct tw *w, const void *data, size_t n, uint64_t at)
{
	const char *p = data;

	while (n) {
		ssize_t r = pwrite(w->fd, p, n, (off_t)at);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return w_fail(w, "write", r < 0 ? errno : EIO);
		p += r;
		n -= r;
		at += r;
		if (at > w->end)
			w->end = at;
	}
	return 0;
}

static int w_put(struct tw *w, const void *data, size_t n)
{
	if (w_pwrite(w, data, n, w->off) < 0)
		return -1;
	w->off += n;
	return 0;
}

static int w_u16(struct tw *w, uint16_t v)
{
	return w_put(w, &v, sizeof(v));
}

static int w_u32(struct tw *w, uint32_t v)
{
	return w_put(w, &v, sizeof(v));
}

static int w_u64(struct tw *w, uint64_t v)
{
	return w_put(w, &v, sizeof(v));
}

/* A number of @width (4 or 8) bytes, at @at or (at == UINT64_MAX) appended. */
static int w_num(struct tw *w, uint64_t v, int width, uint64_t at)
{
	uint32_t v4 = (uint32_t)v;
	const void *p = width == 4 ? (const void *)&v4 : (const void *)&v;

	if (at == UINT64_MAX)
		return w_put(w, p, width);
	return w_pwrite(w, p, width, at);
}

static int w_str(struct tw *w, const char *s)
{
	return w_put(w, s, strlen(s) + 1);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* ------------------------------------------------------------------ */
/* Files of tracefs and /proc                                          */

static int path_in(struct tw *w, char *buf, size_t len, const char *dir, const char *rel)
{
	int n = snprintf(buf, len, "%s/%s", dir, rel);

	if (n < 0 || (size_t)n >= len)
		return scmwq_error_set(w->err, SCMWQ_E_USAGE, "%s/%s: path too long", dir, rel);
	return 0;
}

static int path_of(struct tw *w, char *buf, size_t len, const char *rel)
{
	return path_in(w, buf, len, w->m->tracing_dir, rel);
}

/* A file of the instance recorded: header_page, header_event. */
static int inst_path_of(struct tw *w, char *buf, size_t len, const char *rel)
{
	return path_in(w, buf, len, w->m->instance_dir ? w->m->instance_dir : w->m->tracing_dir,
		       rel);
}

/*
 * A file as a sized block: its size in @width bytes, then its content, read
 * in chunks (tracefs files cannot tell their size; the size is patched in
 * after the copy).  An absent @optional file is an empty block.
 */
static int put_file(struct tw *w, const char *path, int width, bool optional)
{
	uint64_t at = w->off, total = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (optional && errno == ENOENT)
			return w_num(w, 0, width, UINT64_MAX);
		return scmwq_error_set(w->err, SCMWQ_E_NOINPUT, "%s: open: %s", path,
				       strerror(errno));
	}
	if (w_num(w, 0, width, UINT64_MAX) < 0)
		goto fail;
	for (;;) {
		ssize_t n = read(fd, w->buf, COPY_BUF);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			scmwq_error_set(w->err, SCMWQ_E_NOINPUT, "%s: read: %s", path,
					strerror(errno));
			goto fail;
		}
		if (!n)
			break;
		if (w_put(w, w->buf, n) < 0)
			goto fail;
		total += n;
	}
	close(fd);
	if (width == 4 && total > UINT32_MAX)
		return scmwq_error_set(w->err, SCMWQ_E_USAGE, "%s: %llu bytes, more than a trace.dat "
				       "can hold there (4 GiB)", path, (unsigned long long)total);
	return w_num(w, total, width, at);
fail:
	close(fd);
	return -1;
}

static int put_tracefs_file(struct tw *w, const char *rel, int width, bool optional)
{
	char path[PATH_MAX];

	if (path_of(w, path, sizeof(path), rel) < 0)
		return -1;
	return put_file(w, path, width, optional);
}

/* @dir followed by @rest as a glob(3) pattern: @dir's metacharacters escaped. */
static int glob_pattern(struct tw *w, char *buf, size_t len, const char *rest)
{
	const char *d = w->m->tracing_dir;
	size_t n = 0;

	for (; *d; d++) {
		if (n + 2 >= len)
			goto long_path;
		if (strchr("*?[\\", *d))
			buf[n++] = '\\';
		buf[n++] = *d;
	}
	if (n + strlen(rest) + 1 > len)
		goto long_path;
	strcpy(buf + n, rest);
	return 0;
long_path:
	return scmwq_error_set(w->err, SCMWQ_E_USAGE, "%s/%s: path too long",
			       w->m->tracing_dir, rest);
}

/* header_page and header_event of the instance */
static int put_headers(struct tw *w)
{
	char page[PATH_MAX], event[PATH_MAX];

	if (inst_path_of(w, page, sizeof(page), "events/header_page") < 0 ||
	    inst_path_of(w, event, sizeof(event), "events/header_event") < 0)
		return -1;
	if (w_put(w, "header_page", 12) < 0 || put_file(w, page, 8, false) < 0 ||
	    w_put(w, "header_event", 13) < 0 || put_file(w, event, 8, false) < 0)
		return -1;
	return 0;
}

/*
 * The sub-buffer size header_page gives ("field: char data; offset:16;
 * size:4080;"): readers take pages of the file's page size, so the two must
 * agree.  0 when the file does not say.
 */
static int subbuf_size(struct tw *w, long *size)
{
	char path[PATH_MAX], text[2048];
	const char *p;
	long off, len;
	ssize_t n = -1;
	int fd;

	*size = 0;
	if (inst_path_of(w, path, sizeof(path), "events/header_page") < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return scmwq_error_set(w->err, SCMWQ_E_NOINPUT, "%s: open: %s", path,
				       strerror(errno));
	do
		n = read(fd, text, sizeof(text) - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return scmwq_error_set(w->err, SCMWQ_E_NOINPUT, "%s: read: %s", path,
				       strerror(errno));
	text[n] = '\0';
	p = strstr(text, " data;");
	if (p && sscanf(p, " data; offset:%ld; size:%ld;", &off, &len) == 2 && off > 0 && len > 0)
		*size = off + len;
	return 0;
}

/* Every events/ftrace/NAME/format: readers need them for the ftrace events. */
static int put_ftrace(struct tw *w)
{
	char pat[PATH_MAX];
	glob_t g;
	int ret;

	if (glob_pattern(w, pat, sizeof(pat), "/events/ftrace/*/format") < 0)
		return -1;
	ret = glob(pat, 0, NULL, &g);
	if (ret == GLOB_NOMATCH)
		return w_u32(w, 0);
	if (ret) {
		if (ret == GLOB_NOSPACE)
			return scmwq_error_set(w->err, SCMWQ_E_INTERNAL, "out of memory");
		return scmwq_error_set(w->err, SCMWQ_E_NOINPUT, "%s/events/ftrace: cannot read "
				       "the directory", w->m->tracing_dir);
	}
	ret = w_u32(w, (uint32_t)g.gl_pathc);
	for (size_t i = 0; !ret && i < g.gl_pathc; i++)
		ret = put_file(w, g.gl_pathv[i], 8, false);
	globfree(&g);
	return ret;
}

static void fmt_list_free(struct fmt_list *l)
{
	for (int i = 0; i < l->nsys; i++)
		free(l->sys[i]);
	free(l->sys);
	for (size_t i = 0; i < l->n; i++)
		free(l->f[i].path);
	free(l->f);
}

/* Add the format file @path (of tracing_dir/events/SYS/EV/format) once. */
static int fmt_add(struct tw *w, struct fmt_list *l, const char *path)
{
	const char *sys = path + strlen(w->m->tracing_dir) + strlen("/events/");
	size_t len = strcspn(sys, "/");
	int s;

	if (len == strlen("ftrace") && !strncmp(sys, "ftrace", len))
		return 0;	/* all of ftrace/ is in the file already */
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->f[i].path, path))
			return 0;
	for (s = 0; s < l->nsys; s++)
		if (strlen(l->sys[s]) == len && !strncmp(l->sys[s], sys, len))
			break;
	if (s == l->nsys) {
		char **v = realloc(l->sys, (l->nsys + 1) * sizeof(*v));

		if (!v)
			goto oom;
		l->sys = v;
		v[s] = strndup(sys, len);
		if (!v[s])
			goto oom;
		l->nsys++;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct fmt_file *f = realloc(l->f, cap * sizeof(*f));

		if (!f)
			goto oom;
		l->f = f;
		l->cap = cap;
	}
	l->f[l->n].path = strdup(path);
	if (!l->f[l->n].path)
		goto oom;
	l->f[l->n++].sys = s;
	return 0;
oom:
	return scmwq_error_set(w->err, SCMWQ_E_INTERNAL, "out of memory");
}

/* The format files of the recorded events, grouped by system. */
static int fmt_collect(struct tw *w, struct fmt_list *l)
{
	const char *const *ev = w->m->events;

	for (; ev && *ev; ev++) {
		char name[256], rest[600], pat[PATH_MAX];
		const char *event = "*";
		char *sep;
		glob_t g;
		int ret;

		if (strlen(*ev) >= sizeof(name) || strstr(*ev, ".."))
			goto bad;
		strcpy(name, *ev);
		sep = strpbrk(name, "/:");
		if (sep) {
			*sep = '\0';
			event = sep + 1;
		}
		if (!*name || !*event || strpbrk(event, "/:"))
			goto bad;
		if (!strcmp(name, "ftrace"))
			continue;
		snprintf(rest, sizeof(rest), "/events/%s/%s/format", name, event);
		if (glob_pattern(w, pat, sizeof(pat), rest) < 0)
			return -1;
		ret = glob(pat, 0, NULL, &g);
		if (ret == GLOB_NOMATCH)
			return scmwq_error_set(w->err, SCMWQ_E_USAGE, "%s/events/%s/%s: no such "
					       "event", w->m->tracing_dir, name, event);
		if (ret)
			return scmwq_error_set(w->err, ret == GLOB_NOSPACE ? SCMWQ_E_INTERNAL :
					       SCMWQ_E_NOINPUT, "%s/events/%s: cannot read the "
					       "event formats", w->m->tracing_dir, name);
		ret = 0;
		for (size_t i = 0; !ret && i < g.gl_pathc; i++)
			ret = fmt_add(w, l, g.gl_pathv[i]);
		globfree(&g);
		if (ret < 0)
			return -1;
		continue;
bad:
		return scmwq_error_set(w->err, SCMWQ_E_USAGE, "event \"%.300s\": expected "
				       "SYSTEM/EVENT or SYSTEM", *ev);
	}
	return 0;
}

/* Event formats: the systems, each with its events' format files. */
static int put_events(struct tw *w)
{
	struct fmt_list l = { 0 };
	int ret = fmt_collect(w, &l);

	if (!ret)
		ret = w_u32(w, (uint32_t)l.nsys);
	for (int s = 0; !ret && s < l.nsys; s++) {
		uint32_t count = 0;

		for (size_t i = 0; i < l.n; i++)
			count += l.f[i].sys == s;
		ret = w_str(w, l.sys[s]);
		if (!ret)
			ret = w_u32(w, count);
		for (size_t i = 0; !ret && i < l.n; i++)
			if (l.f[i].sys == s)
				ret = put_file(w, l.f[i].path, 8, false);
	}
	fmt_list_free(&l);
	return ret;
}

static int put_kallsyms(struct tw *w)
{
	if (!w->m->kallsyms)
		return w_u32(w, 0);
	return put_file(w, "/proc/kallsyms", 4, false);
}

/* ------------------------------------------------------------------ */
/* Options                                                             */

static int put_option(struct tw *w, uint16_t id, const void *data, uint32_t size)
{
	if (w_u16(w, id) < 0 || w_u32(w, size) < 0)
		return -1;
	return w_put(w, data, size);
}

static int put_option_str(struct tw *w, uint16_t id, const char *s)
{
	return put_option(w, id, s, strlen(s) + 1);
}

/*
 * TRACECLOCK: the trace_clock file with our clock in brackets ("local
 * global [mono] ..."); readers take the bracketed one.
 */
static int put_clock_option(struct tw *w)
{
	char file[512], path[PATH_MAX], out[600];
	size_t n = 0, len = 0;
	bool found = false;
	int fd = -1;

	if (inst_path_of(w, path, sizeof(path), "trace_clock") == 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd >= 0 && n < sizeof(file) - 1) {
		ssize_t r = read(fd, file + n, sizeof(file) - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	if (fd >= 0)
		close(fd);
	file[n] = '\0';
	out[0] = '\0';
	for (char *save = NULL, *tok = strtok_r(file, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		bool ours;

		tok += *tok == '[';
		tok[strcspn(tok, "]")] = '\0';
		if (!*tok)
			continue;
		ours = !found && !strcmp(tok, w->clock);
		found |= ours;
		len += snprintf(out + len, sizeof(out) - len, "%s%s%s%s", len ? " " : "",
				ours ? "[" : "", tok, ours ? "]" : "");
		if (len >= sizeof(out))
			return scmwq_error_set(w->err, SCMWQ_E_NOINPUT, "%s: too long", path);
	}
	if (!found)
		len += snprintf(out + len, sizeof(out) - len, "%s[%s]", len ? " " : "",
				w->clock);
	if (len + 1 >= sizeof(out))
		return scmwq_error_set(w->err, SCMWQ_E_USAGE, "trace clock \"%.64s\": too long",
				       w->clock);
	strcat(out, "\n");
	return put_option_str(w, OPT_TRACECLOCK, out);
}

static int put_uname_option(struct tw *w)
{
	struct utsname u;
	char s[4 * sizeof(u.release) + 4];

	if (uname(&u) < 0)
		return 0;
	snprintf(s, sizeof(s), "%s %s %s %s", u.sysname, u.nodename, u.release, u.machine);
	return put_option_str(w, OPT_UNAME, s);
}

/* CPUSTAT: "CPU: N\n" and the stats file, as trace-cmd stores them. */
static int put_cpustat_options(struct tw *w)
{
	for (int i = 0; i < w->m->ncpus; i++) {
		const char *stats = w->m->cpu[i].stats;
		char head[32];
		size_t hl, sl;

		if (!stats)
			continue;
		hl = snprintf(head, sizeof(head), "CPU: %d\n", i);
		sl = strlen(stats);
		if (sl > UINT32_MAX - hl - 1)
			return scmwq_error_set(w->err, SCMWQ_E_USAGE, "CPU %d stats: too long", i);
		if (w_u16(w, OPT_CPUSTAT) < 0 || w_u32(w, (uint32_t)(hl + sl + 1)) < 0 ||
		    w_put(w, head, hl) < 0 || w_put(w, stats, sl + 1) < 0)
			return -1;
	}
	return 0;
}

/* The options both versions have. */
static int put_common_options(struct tw *w)
{
	if (put_clock_option(w) < 0 || put_uname_option(w) < 0 ||
	    put_option_str(w, OPT_VERSION, "scmwq-trace") < 0)
		return -1;
	return put_cpustat_options(w);
}

/* ------------------------------------------------------------------ */
/* CPU data                                                            */

static uint64_t cpu_bytes(const struct tw *w, int cpu)
{
	uint64_t size = w->m->cpu[cpu].size;

	return size - size % (uint64_t)w->m->page_size;
}

/*
 * Where @cpu's data goes when the data before it ends at @pos: page
 * aligned.  With @skip_empty, a CPU without data takes no place.
 */
static uint64_t cpu_offset(const struct tw *w, uint64_t pos, int cpu, bool skip_empty)
{
	if (skip_empty && !cpu_bytes(w, cpu))
		return pos;
	return align_up(pos, w->m->page_size);
}

static int cpu_fail(struct tw *w, int cpu, const char *what, int errnum)
{
	return scmwq_error_set(w->err, SCMWQ_E_NOINPUT, "%s: CPU %d data: %s: %s", w->name, cpu,
			       what, strerror(errnum));
}

/* Errors of copy_file_range(2) that mean "not between these two files". */
static bool copy_refused(int errnum)
{
	return errnum == EXDEV || errnum == EINVAL || errnum == ENOSYS || errnum == EOPNOTSUPP ||
	       errnum == EBADF || errnum == ESPIPE || errnum == ETXTBSY || errnum == EPERM;
}

/*
 * Copy @len bytes of @cpu's data to @at: in the kernel with
 * copy_file_range(2); where it refuses, or stops short, read and write
 * through the buffer, which also tells a short file from a refusal.
 */
static int copy_cpu(struct tw *w, int cpu, uint64_t at, uint64_t len)
{
	int in = w->m->cpu[cpu].fd;
	off_t ioff = 0, ooff = (off_t)at;
	bool plain = false;

	while (len) {
		size_t chunk = len > (1u << 30) ? (1u << 30) : (size_t)len;
		ssize_t n;

		if (!plain) {
			n = copy_file_range(in, &ioff, w->fd, &ooff, chunk, 0);
			if (n > 0) {
				len -= n;
				w->copied += n;
				if ((uint64_t)ooff > w->end)
					w->end = ooff;
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == ENOSPC || errno == EFBIG || errno == EDQUOT ||
				      errno == EIO))
				return w_fail(w, "write", errno);
			if (n < 0 && !copy_refused(errno))
				return cpu_fail(w, cpu, "copy_file_range", errno);
			plain = true;
			continue;
		}
		if (chunk > COPY_BUF)
			chunk = COPY_BUF;
		n = pread(in, w->buf, chunk, ioff);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cpu_fail(w, cpu, "read", errno);
		if (!n)
			return scmwq_error_set(w->err, SCMWQ_E_NOINPUT, "%s: CPU %d data: ends at "
					       "%llu bytes, %llu expected", w->name, cpu,
					       (unsigned long long)ioff,
					       (unsigned long long)cpu_bytes(w, cpu));
		if (w_pwrite(w, w->buf, n, (uint64_t)ooff) < 0)
			return -1;
		ioff += n;
		ooff += n;
		len -= n;
	}
	return 0;
}

/* The data of every CPU, placed from @start on as cpu_offset() says. */
static int put_cpu_data(struct tw *w, uint64_t start, bool skip_empty)
{
	uint64_t pos = start;

	for (int i = 0; i < w->m->ncpus; i++) {
		uint64_t len = cpu_bytes(w, i);

		pos = cpu_offset(w, pos, i, skip_empty);
		if (len && copy_cpu(w, i, pos, len) < 0)
			return -1;
		pos += len;
		w->data += len;
	}
	w->off = pos;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The two versions                                                    */

static int put_init(struct tw *w)
{
	const union { uint16_t v; uint8_t b[2]; } probe = { .v = 1 };
	char head[16];
	uint8_t b[2] = { probe.b[0] ? 0 : 1, sizeof(long) };

	memcpy(head, SCMWQ_TDAT_MAGIC, SCMWQ_TDAT_MAGIC_LEN);
	if (w_put(w, head, SCMWQ_TDAT_MAGIC_LEN) < 0 ||
	    w_str(w, w->m->version == 6 ? "6" : "7") < 0 || w_put(w, b, 2) < 0 ||
	    w_u32(w, (uint32_t)w->m->page_size) < 0)
		return -1;
	return 0;
}

static int write_v6(struct tw *w)
{
	char clock[80];
	uint64_t start, pos;
	size_t clen;

	if (put_init(w) < 0 || put_headers(w) < 0 || put_ftrace(w) < 0 || put_events(w) < 0 ||
	    put_kallsyms(w) < 0 || put_tracefs_file(w, "printk_formats", 4, true) < 0 ||
	    put_tracefs_file(w, "saved_cmdlines", 8, true) < 0 ||
	    w_u32(w, (uint32_t)w->m->ncpus) < 0)
		return -1;
	if (w_put(w, "options  ", 10) < 0 || put_common_options(w) < 0 || w_u16(w, OPT_DONE) < 0)
		return -1;

	/* "flyrecord", then (offset, size) per CPU, the clock, and the data */
	clen = snprintf(clock, sizeof(clock), "[%s]", w->clock);
	start = w->off + 10 + 16 * (uint64_t)w->m->ncpus + 8 + clen;
	if (w_put(w, "flyrecord", 10) < 0)
		return -1;
	pos = start;
	for (int i = 0; i < w->m->ncpus; i++) {
		pos = cpu_offset(w, pos, i, false);
		if (w_u64(w, pos) < 0 || w_u64(w, cpu_bytes(w, i)) < 0)
			return -1;
		pos += cpu_bytes(w, i);
	}
	if (w_u64(w, clen) < 0 || w_put(w, clock, clen) < 0)
		return -1;
	if (put_cpu_data(w, start, false) < 0)
		return -1;
	/* a last CPU without data may point past the end: nothing to pad */
	w->off = w->end;
	return 0;
}

static uint32_t add_string(struct tw *w, const char *s)
{
	uint32_t at = (uint32_t)w->nstrs;

	/* fixed descriptions only: they fit */
	memcpy(w->strs + w->nstrs, s, strlen(s) + 1);
	w->nstrs += strlen(s) + 1;
	return at;
}

/* A section header; *size_at is where its size goes (sec_end()). */
static int sec_begin(struct tw *w, uint16_t id, const char *desc, uint64_t *size_at)
{
	uint32_t d = add_string(w, desc);

	if (id < ARRAY_SIZE(w->sec_off))
		w->sec_off[id] = w->off;
	if (w_u16(w, id) < 0 || w_u16(w, 0) < 0 || w_u32(w, d) < 0)
		return -1;
	*size_at = w->off;
	return w_u64(w, 0);
}

static int sec_end(struct tw *w, uint64_t size_at)
{
	return w_num(w, w->off - size_at - 8, 8, size_at);
}

/* BUFFER: the top buffer's flyrecord section and where each CPU's data is. */
static int put_buffer_option(struct tw *w, uint64_t sec, uint64_t start)
{
	uint32_t count = 0, size;
	uint64_t pos = start;

	for (int i = 0; i < w->m->ncpus; i++)
		count += cpu_bytes(w, i) != 0;
	size = 8 + 1 + strlen(w->clock) + 1 + 4 + 4 + count * (4 + 8 + 8);
	if (w_u16(w, OPT_BUFFER) < 0 || w_u32(w, size) < 0 || w_u64(w, sec) < 0 ||
	    w_str(w, "") < 0 || w_str(w, w->clock) < 0 ||
	    w_u32(w, (uint32_t)w->m->page_size) < 0 || w_u32(w, count) < 0)
		return -1;
	for (int i = 0; i < w->m->ncpus; i++) {
		if (!cpu_bytes(w, i))
			continue;
		pos = cpu_offset(w, pos, i, true);
		if (w_u32(w, (uint32_t)i) < 0 || w_u64(w, pos) < 0 || w_u64(w, cpu_bytes(w, i)) < 0)
			return -1;
		pos += cpu_bytes(w, i);
	}
	return 0;
}

static int write_v7(struct tw *w)
{
	static const struct {
		uint16_t id;
		const char *desc;
	} secs[] = {
		{ SEC_HEADERS, "headers" },
		{ SEC_FTRACE, "ftrace events" },
		{ SEC_EVENTS, "events format" },
		{ SEC_KALLSYMS, "kallsyms" },
		{ SEC_PRINTK, "printk" },
		{ SEC_CMDLINES, "command lines" },
	};
	uint64_t opt_ptr, size_at, buf_sec, start;
	int ret = 0;

	if (put_init(w) < 0 || w_str(w, "none") < 0 || w_str(w, "") < 0)
		return -1;
	opt_ptr = w->off;
	if (w_u64(w, 0) < 0)
		return -1;

	for (size_t i = 0; i < ARRAY_SIZE(secs); i++) {
		if (sec_begin(w, secs[i].id, secs[i].desc, &size_at) < 0)
			return -1;
		switch (secs[i].id) {
		case SEC_HEADERS:
			ret = put_headers(w);
			break;
		case SEC_FTRACE:
			ret = put_ftrace(w);
			break;
		case SEC_EVENTS:
			ret = put_events(w);
			break;
		case SEC_KALLSYMS:
			ret = put_kallsyms(w);
			break;
		case SEC_PRINTK:
			ret = put_tracefs_file(w, "printk_formats", 4, true);
			break;
		case SEC_CMDLINES:
			ret = put_tracefs_file(w, "saved_cmdlines", 8, true);
			break;
		}
		if (ret < 0 || sec_end(w, size_at) < 0)
			return -1;
	}

	/* the top buffer's data: its section, then the CPUs page aligned */
	buf_sec = w->off;
	if (sec_begin(w, OPT_BUFFER, "buffer flyrecord ", &size_at) < 0)
		return -1;
	start = w->off;
	if (put_cpu_data(w, start, true) < 0 || sec_end(w, size_at) < 0)
		return -1;

	/* one options section, pointed to by the file header */
	if (w_num(w, w->off, 8, opt_ptr) < 0 || sec_begin(w, OPT_DONE, "options", &size_at) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(secs); i++)
		if (put_option(w, secs[i].id, &w->sec_off[secs[i].id], 8) < 0)
			return -1;
	if (put_common_options(w) < 0)
		return -1;
	if (w_u16(w, OPT_CPUCOUNT) < 0 || w_u32(w, 4) < 0 ||
	    w_u32(w, (uint32_t)w->m->ncpus) < 0 || put_buffer_option(w, buf_sec, start) < 0)
		return -1;
	/* DONE: no next options section */
	if (w_u16(w, OPT_DONE) < 0 || w_u32(w, 8) < 0 || w_u64(w, 0) < 0 ||
	    sec_end(w, size_at) < 0)
		return -1;

	/* the descriptions of the sections, this one's included */
	if (sec_begin(w, SEC_STRINGS, "strings", &size_at) < 0 ||
	    w_put(w, w->strs, w->nstrs) < 0 || sec_end(w, size_at) < 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */

static int check_meta(const struct scmwq_tdat_meta *m, const char *name, struct scmwq_error *err)
{
	if (!m || !m->tracing_dir || !*m->tracing_dir)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "%s: no tracing directory given", name);
	if (m->version != 6 && m->version != 7)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "%s: trace.dat version %d: only 6 and 7 "
				       "can be written", name, m->version);
	if (m->ncpus < 1 || m->ncpus > MAX_CPUS || !m->cpu)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "%s: %d CPUs: expected 1 to %d", name,
				       m->ncpus, MAX_CPUS);
	if (m->page_size < 512 || m->page_size > (1 << 30) ||
	    (m->page_size & (m->page_size - 1)))
		return scmwq_error_set(err, SCMWQ_E_USAGE, "%s: page size %d: not a power of two "
				       "from 512 bytes to 1 GiB", name, m->page_size);
	if (m->trace_clock && (!*m->trace_clock || strlen(m->trace_clock) > 64 ||
			       strpbrk(m->trace_clock, " \t\n[]")))
		return scmwq_error_set(err, SCMWQ_E_USAGE, "%s: bad trace clock \"%.64s\"", name,
				       m->trace_clock);
	for (int i = 0; i < m->ncpus; i++)
		if (m->cpu[i].fd < 0 && m->cpu[i].size >= (uint64_t)m->page_size)
			return scmwq_error_set(err, SCMWQ_E_USAGE, "%s: CPU %d has %llu bytes of "
					       "data but no file", name, i,
					       (unsigned long long)m->cpu[i].size);
	return 0;
}

int scmwq_tdat_write(int out_fd, const struct scmwq_tdat_meta *m, struct scmwq_error *err)
{
	struct tw w = { .fd = out_fd, .m = m, .err = err };
	struct stat st;
	long subbuf;
	int flags, ret;

	w.name = m && m->out_name ? m->out_name : "trace.dat";
	if (check_meta(m, w.name, err) < 0)
		return -1;
	w.clock = m->trace_clock ? m->trace_clock : "local";
	if (subbuf_size(&w, &subbuf) < 0)
		return -1;
	if (subbuf && subbuf != m->page_size)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "%s: page size %d, but the sub-buffers "
				       "of %s are %ld bytes (events/header_page)", w.name,
				       m->page_size, m->instance_dir ? m->instance_dir :
				       m->tracing_dir, subbuf);
	if (fstat(out_fd, &st) < 0)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "%s: %s", w.name, strerror(errno));
	if (lseek(out_fd, 0, SEEK_CUR) < 0)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "%s: not seekable (%s): a trace.dat is "
				       "written with offsets", w.name, strerror(errno));
	flags = fcntl(out_fd, F_GETFL);
	if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY || (flags & O_APPEND))
		return scmwq_error_set(err, SCMWQ_E_USAGE, "%s: not open for writing at offsets "
				       "(read-only or O_APPEND)", w.name);
	if (S_ISREG(st.st_mode) && ftruncate(out_fd, 0) < 0)
		return w_fail(&w, "truncate", errno);

	w.buf = malloc(COPY_BUF);
	if (!w.buf)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	for (int i = 0; i < m->ncpus; i++)
		w.dropped += m->cpu[i].size - cpu_bytes(&w, i);

	ret = m->version == 6 ? write_v6(&w) : write_v7(&w);
	free(w.buf);
	if (ret < 0)
		return -1;
	/* nothing past our end: the v7 reader walks sections to the end of the file */
	if (S_ISREG(st.st_mode) && ftruncate(out_fd, (off_t)w.end) < 0)
		return w_fail(&w, "truncate", errno);
	lseek(out_fd, (off_t)w.end, SEEK_SET);
	if (m->result) {
		m->result->size = w.end;
		m->result->data = w.data;
		m->result->dropped = w.dropped;
		m->result->copied = w.copied;
	}
	return 0;
}
