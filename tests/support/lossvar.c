// SPDX-License-Identifier: GPL-2.0
/*
 * Loss variants of a trace and their writers (see lossvar.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lossvar.h"

/* the trace.dat fixture writer (tests/support/kdat.c), when it is there */
#if __has_include("kdat.h")
#define HAVE_KDAT 1
#include "kdat.h"
#endif

/* ------------------------------------------------------------------ */
/* The trace in memory                                                 */

/* Write @len bytes of @p to @fd from offset 0, the file cut to them. */
static int put_all(int fd, const char *p, size_t len)
{
	size_t done = 0;

	if (ftruncate(fd, 0) < 0)
		return -1;
	while (done < len) {
		ssize_t n = pwrite(fd, p + done, len - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

int lv_trace_read(struct lv_trace *t, const char *text, size_t len, struct scmwq_error *err)
{
	struct scmwq_source *src = NULL;
	struct scmwq_event ev;
	size_t cap = 0, nlines = 0, lcap = 0, *lines = NULL, events_lines = 0;
	char path[64];
	int fd, r;

	memset(t, 0, sizeof(*t));
	t->text = text;
	fd = memfd_create("lossvar-read", MFD_CLOEXEC);
	if (fd < 0 || put_all(fd, text, len) < 0) {
		if (fd >= 0)
			close(fd);
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "cannot put the trace in a memfd: %s",
				       strerror(errno));
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	src = scmwq_source_open(path, NULL, NULL, err);
	if (!src) {
		close(fd);
		return -1;
	}
	while ((r = scmwq_source_next(src, &ev, err)) == 1) {
		if (ev.type == SCMWQ_EV_LOST) {
			r = scmwq_error_set(err, SCMWQ_E_INTERNAL,
					    "the simulated trace reports a loss (line %llu)",
					    (unsigned long long)ev.where);
			break;
		}
		if (ev.cpu < 0 || ev.cpu >= LV_MAX_CPUS) {
			r = scmwq_error_set(err, SCMWQ_E_INTERNAL,
					    "an event on CPU %d: out of range", ev.cpu);
			break;
		}
		if (t->n == cap) {
			size_t ncap = cap ? 2 * cap : 4096;
			struct scmwq_event *nev = realloc(t->ev, ncap * sizeof(*nev));

			if (!nev) {
				r = scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
				break;
			}
			t->ev = nev;
			cap = ncap;
		}
		t->ev[t->n++] = ev;
		if (ev.cpu + 1 > t->ncpus)
			t->ncpus = ev.cpu + 1;
	}
	t->sys = scmwq_source_system(src);
	if (!r && scmwq_source_malformed(src))
		r = scmwq_error_set(err, SCMWQ_E_INTERNAL, "the simulated trace has %llu malformed "
				    "lines", (unsigned long long)scmwq_source_malformed(src));
	scmwq_source_free(src);
	close(fd);
	if (r < 0)
		goto bad;
	if (!t->n) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "the simulated trace has no event");
		goto bad;
	}

	/* the lines: every one is a comment or one of the events, in order */
	for (size_t off = 0; off < len;) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - text) : len;

		if (nlines == lcap) {
			size_t ncap = lcap ? 2 * lcap : 8192;
			size_t *nl2 = realloc(lines, ncap * sizeof(*nl2));

			if (!nl2) {
				scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
				goto bad;
			}
			lines = nl2;
			lcap = ncap;
		}
		lines[nlines++] = off;
		if (text[off] != '#')
			events_lines++;
		off = end + 1;
	}
	t->line_off = malloc(t->n * sizeof(*t->line_off));
	t->line_len = malloc(t->n * sizeof(*t->line_len));
	if (!t->line_off || !t->line_len) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		goto bad;
	}
	if (events_lines != t->n) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "the simulated trace has %zu lines that are "
				"neither comments nor events, %zu events", events_lines, t->n);
		goto bad;
	}
	for (size_t i = 0; i < t->n; i++) {
		size_t ln = t->ev[i].where, off, end;
		const char *nl;

		if (!ln || ln > nlines) {
			scmwq_error_set(err, SCMWQ_E_INTERNAL, "an event at line %zu: no such line",
					ln);
			goto bad;
		}
		off = lines[ln - 1];
		nl = memchr(text + off, '\n', len - off);
		end = nl ? (size_t)(nl - text) : len;
		t->line_off[i] = off;
		t->line_len[i] = end - off;
	}
	t->header_len = t->line_off[0];

	for (int c = 0; c < t->ncpus; c++) {
		t->cpu_ev[c] = malloc((t->n + 1) * sizeof(size_t));
		if (!t->cpu_ev[c]) {
			scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
			goto bad;
		}
	}
	for (size_t i = 0; i < t->n; i++) {
		int c = t->ev[i].cpu;

		t->cpu_ev[c][t->cpu_n[c]++] = i;
	}
	free(lines);
	return 0;
bad:
	free(lines);
	lv_trace_free(t);
	return -1;
}

void lv_trace_free(struct lv_trace *t)
{
	free(t->ev);
	free(t->line_off);
	free(t->line_len);
	for (int c = 0; c < LV_MAX_CPUS; c++)
		free(t->cpu_ev[c]);
	memset(t, 0, sizeof(*t));
}

uint64_t lv_cpu_ts(const struct lv_trace *t, int cpu, size_t i)
{
	return t->ev[t->cpu_ev[cpu][i]].ts_ns;
}

size_t lv_cpu_at(const struct lv_trace *t, int cpu, uint64_t ts)
{
	size_t lo = 0, hi = t->cpu_n[cpu];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lv_cpu_ts(t, cpu, mid) < ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ------------------------------------------------------------------ */
/* Variants                                                            */

static const struct lv_loss *loss_on(const struct lv_variant *v, int cpu)
{
	for (int i = 0; i < v->n; i++)
		if (v->loss[i].cpu == cpu)
			return &v->loss[i];
	return NULL;
}

bool lv_add_loss(const struct lv_trace *t, struct lv_variant *v, int cpu, size_t first,
		 size_t count)
{
	size_t n;

	if (cpu < 0 || cpu >= t->ncpus || v->n >= LV_MAX_LOSSES || loss_on(v, cpu))
		return false;
	n = t->cpu_n[cpu];
	if (n < 2 || first >= n - 1)
		return false;
	if (count > n - 1 - first)
		count = n - 1 - first;
	if (!count)
		return false;
	v->loss[v->n++] = (struct lv_loss){ cpu, first, count };
	return true;
}

bool lv_only_cuts(const struct lv_variant *v)
{
	for (int i = 0; i < v->n; i++)
		if (v->loss[i].first)
			return false;
	return v->n > 0;
}

size_t lv_kept(const struct lv_trace *t, const struct lv_variant *v)
{
	size_t n = t->n;

	for (int i = 0; i < v->n; i++)
		n -= v->loss[i].count;
	return n;
}

void lv_gap(const struct lv_trace *t, const struct lv_loss *l, uint64_t *from, uint64_t *to)
{
	*from = l->first ? lv_cpu_ts(t, l->cpu, l->first - 1) : 0;
	*to = lv_cpu_ts(t, l->cpu, l->first + l->count);
}

void lv_iter_init(struct lv_iter *it, const struct lv_trace *t, const struct lv_variant *v)
{
	it->t = t;
	it->v = v;
	it->i = 0;
	it->pending = -1;
}

/* The place of event @i in its CPU's sequence. */
static size_t cpu_pos(const struct lv_trace *t, size_t i)
{
	int c = t->ev[i].cpu;
	size_t lo = 0, hi = t->cpu_n[c];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->cpu_ev[c][mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool lv_iter_next(struct lv_iter *it, struct lv_item *item)
{
	const struct lv_trace *t = it->t;

	for (; it->i < t->n; it->i++) {
		const struct lv_loss *l = loss_on(it->v, t->ev[it->i].cpu);
		size_t pos;

		if (!l) {
			item->kind = LV_EVENT;
			item->idx = it->i++;
			return true;
		}
		pos = cpu_pos(t, it->i);
		if (pos >= l->first && pos < l->first + l->count)
			continue;	/* lost */
		if (pos == l->first + l->count && it->pending != (int)it->i) {
			/* the ring buffer reports the loss with the CPU's next event */
			it->pending = (int)it->i;
			item->kind = LV_LOST;
			item->cpu = l->cpu;
			item->count = l->count;
			item->cut = l->first == 0;
			return true;
		}
		item->kind = LV_EVENT;
		item->idx = it->i++;
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* ftrace text                                                         */

struct buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 1 << 16;
		char *np;

		while (b->len + n + 1 > ncap)
			ncap *= 2;
		np = realloc(b->p, ncap);
		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

__attribute__((format(printf, 2, 3)))
static void putf(struct buf *b, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(b, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/*
 * The header of the trace file, with entries-in-buffer/entries-written
 * as the kernel prints them ("%lu/%lu   #P:%d").
 */
static void put_header(struct buf *b, const struct lv_trace *t, size_t in, size_t written)
{
	static const char key[] = "# entries-in-buffer/entries-written:";
	const char *p = t->text, *end = t->text + t->header_len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if (!strncmp(p, key, sizeof(key) - 1)) {
			const char *cpus = memmem(p, n, "#P:", 3);

			putf(b, "%s %zu/%zu   #P:%d\n", key, in, written,
			     cpus ? atoi(cpus + 3) : t->ncpus);
		} else {
			put(b, p, n);
		}
		p += n;
	}
}

static int write_text(const struct lv_trace *t, const struct lv_variant *v, const char *path,
		      struct scmwq_error *err)
{
	bool trace_file = lv_only_cuts(v);
	bool started[LV_MAX_CPUS] = { false }, first_line = true;
	struct buf b = { 0 };
	struct lv_iter it;
	struct lv_item item;
	int fd, ret = 0;

	if (trace_file)
		put_header(&b, t, lv_kept(t, v), t->n);
	lv_iter_init(&it, t, v);
	while (lv_iter_next(&it, &item)) {
		if (item.kind == LV_LOST) {
			if (!trace_file)
				putf(&b, "CPU:%d [LOST %llu EVENTS]\n", item.cpu,
				     (unsigned long long)item.count);
			continue;
		}
		if (trace_file) {
			/* the trace file annotates every CPU's start once buffers overran */
			int c = t->ev[item.idx].cpu;

			if (!started[c] && !first_line)
				putf(&b, "##### CPU %d buffer started ####\n", c);
			started[c] = true;
		}
		first_line = false;
		put(&b, t->text + t->line_off[item.idx], t->line_len[item.idx]);
		put(&b, "\n", 1);
	}
	if (b.oom) {
		free(b.p);
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || put_all(fd, b.p, b.len) < 0)
		ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: cannot write: %s", path,
				      strerror(errno));
	if (fd >= 0)
		close(fd);
	free(b.p);
	return ret;
}

const struct lv_writer lv_writer_text = { "text", "txt", write_text, NULL, NULL };

/* ------------------------------------------------------------------ */
/* trace.dat                                                           */

#ifdef HAVE_KDAT
static int write_tdat(const struct lv_trace *t, const struct lv_variant *v, const char *path,
		      struct scmwq_error *err)
{
	struct kdat *k = kdat_open(path, t->sys, t->ncpus, 6 + (int)(v->salt & 1), err);
	struct lv_iter it;
	struct lv_item item;

	if (!k)
		return -1;
	lv_iter_init(&it, t, v);
	while (lv_iter_next(&it, &item)) {
		struct scmwq_event lost = { .type = SCMWQ_EV_LOST };
		const struct scmwq_event *ev = &lost;

		/* a loss item has no index into the events */
		if (item.kind == LV_LOST) {
			lost.cpu = item.cpu;
			lost.pid = -1;
			lost.lost_count = item.count;
		} else {
			ev = &t->ev[item.idx];
		}
		if (kdat_add(k, ev) < 0) {
			kdat_close(k, NULL);
			return scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: kdat_add failed", path);
		}
	}
	return kdat_close(k, err);
}

static const struct lv_writer tdat = { "trace.dat", "dat", write_tdat, NULL, NULL };
const struct lv_writer *const lv_writer_tdat = &tdat;
#else
const struct lv_writer *const lv_writer_tdat;
#endif
