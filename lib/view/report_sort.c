// SPDX-License-Identifier: GPL-2.0
/*
 * The order of a report's rows (--sort).  Calls are handed on as they end,
 * not as they start; rows are held in a heap of compact copies (the call
 * without its unused sleep slots) and written in order:
 * - by start (the default, as perf sched timehist): streaming.  A row goes
 *   out once no call still open started before it (the call's
 *   settled_ns), so only the calls that end while an older one is still
 *   open are held, at most RPT_HOLD_MAX; past that the earliest goes out
 *   anyway and the report says how many rows came out of order;
 * - by any other key: every row shown waits for the end of the trace, in
 *   memory up to RPT_SORT_MEM rows; past that each RPT_SORT_MEM rows are
 *   written in order to a temporary file as a run, and the end merges the
 *   runs (memory: a buffer and a row per run).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "view/report_int.h"

#define HEAD_LEN	offsetof(struct scmwq_call_rec, sleeps)
#define TAIL_OFF	offsetof(struct scmwq_call_rec, n_findings)
#define TAIL_LEN	(sizeof(struct scmwq_call_rec) - TAIL_OFF)

struct row {
	const struct scmwq_report_sort *spec;
	int run;			/* the spilled run it was read from (merge) */
	uint64_t seq;			/* arrival: the last tie-break */
	uint64_t start;			/* the call's start_ns */
	bool keep[SCMWQ_CALL_SLEEPS];
	int nsleeps;			/* kept in @sleeps */
	unsigned char head[HEAD_LEN];	/* the call up to its sleeps */
	unsigned char tail[TAIL_LEN];	/* and after them */
	struct scmwq_sleep_rec sleeps[];
};

static const struct {
	const char *name;
	enum scmwq_report_key key;
} key_names[] = {
	{ "start", SCMWQ_SORT_START },
	{ "end", SCMWQ_SORT_END },
	{ "duration", SCMWQ_SORT_DURATION },
	{ "pid", SCMWQ_SORT_PID },
	{ "comm", SCMWQ_SORT_COMM },
	{ "wq-ctx", SCMWQ_SORT_WQ_CTX },
	{ "function", SCMWQ_SORT_FUNCTION },
	{ "wait", SCMWQ_SORT_WAIT },
};

int scmwq_report_sort_parse(struct scmwq_report_sort *s, const char *arg)
{
	struct scmwq_report_sort t = { 0 };
	char item[32];

	if (!arg || !*arg)
		return -1;
	for (;;) {
		const char *c = strchr(arg, ',');
		size_t n = c ? (size_t)(c - arg) : strlen(arg);
		const char *name = item;
		bool found = false;

		if (!n || n >= sizeof(item) || t.n >= SCMWQ_REPORT_SORT_KEYS)
			return -1;
		memcpy(item, arg, n);
		item[n] = '\0';
		t.desc[t.n] = *name == '-';
		name += t.desc[t.n];
		for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
			if (!strcmp(name, key_names[i].name)) {
				t.key[t.n] = key_names[i].key;
				found = true;
			}
		if (!found)
			return -1;
		t.n++;
		if (!c)
			break;
		arg = c + 1;
	}
	*s = t;
	return 0;
}

/* The default order streams: by start, ascending, and nothing else first. */
static bool streaming(const struct scmwq_report_sort *s)
{
	return !s->n || (s->key[0] == SCMWQ_SORT_START && !s->desc[0]);
}

static void unpack(const struct row *w, struct scmwq_call_rec *c)
{
	memcpy(c, w->head, HEAD_LEN);
	memcpy((char *)c + TAIL_OFF, w->tail, TAIL_LEN);
	memcpy(c->sleeps, w->sleeps, (size_t)w->nsleeps * sizeof(w->sleeps[0]));
}

/* The first shown sleep's wq_ctx, or the longest shown wait; none: last. */
static uint64_t wq_key(const struct row *w)
{
	for (int i = 0; i < w->nsleeps; i++)
		if (w->keep[i])
			return w->sleeps[i].wq_ctx;
	return UINT64_MAX;
}

static uint64_t wait_key(const struct row *w)
{
	uint64_t m = 0;

	for (int i = 0; i < w->nsleeps; i++) {
		const struct scmwq_sleep_rec *s = &w->sleeps[i];
		uint64_t v;

		if (!w->keep[i])
			continue;
		v = s->wake_ns ? s->wake_ns - s->sleep_ns : UINT64_MAX;
		if (v > m)
			m = v;
	}
	return m;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_key(const struct row *a, const struct row *b, enum scmwq_report_key k)
{
	/* the head is a byte copy of the call's start: read it as such */
	struct scmwq_call_rec x, y;

	memcpy(&x, a->head, HEAD_LEN);
	memcpy(&y, b->head, HEAD_LEN);
	switch (k) {
	case SCMWQ_SORT_END:
		return cmp_u64(x.done ? x.end_ns : UINT64_MAX, y.done ? y.end_ns : UINT64_MAX);
	case SCMWQ_SORT_DURATION:
		return cmp_u64(x.done ? x.end_ns - x.start_ns : UINT64_MAX,
			       y.done ? y.end_ns - y.start_ns : UINT64_MAX);
	case SCMWQ_SORT_PID:
		return cmp_u64((uint64_t)(int64_t)x.pid, (uint64_t)(int64_t)y.pid);
	case SCMWQ_SORT_COMM:
		return strcmp(x.comm, y.comm);
	case SCMWQ_SORT_WQ_CTX:
		return cmp_u64(wq_key(a), wq_key(b));
	case SCMWQ_SORT_FUNCTION:
		return cmp_u64(x.smc_id, y.smc_id);
	case SCMWQ_SORT_WAIT:
		return cmp_u64(wait_key(a), wait_key(b));
	default:
		return cmp_u64(x.start_ns, y.start_ns);
	}
}

static bool row_less(const void *pa, const void *pb)
{
	const struct row *a = *(struct row *const *)pa, *b = *(struct row *const *)pb;
	const struct scmwq_report_sort *s = a->spec;
	int c;

	for (int i = 0; i < s->n; i++) {
		c = cmp_key(a, b, s->key[i]);
		if (c)
			return s->desc[i] ? c > 0 : c < 0;
	}
	c = cmp_key(a, b, SCMWQ_SORT_START);
	if (c)
		return c < 0;
	return a->seq < b->seq;
}

static void row_out(struct scmwq_report *r, const struct scmwq_call_rec *c, const bool *keep)
{
	switch (r->o.format) {
	case SCMWQ_REPORT_JSON:
		rpt_json_call(r, c, keep);
		break;
	case SCMWQ_REPORT_CSV:
		rpt_csv_call(r, c, keep);
		break;
	default:
		rpt_text_call(r, c, keep);
	}
}

static void write_row(struct scmwq_report *r, struct row *w)
{
	struct scmwq_call_rec c;

	unpack(w, &c);
	row_out(r, &c, w->keep);
	free(w);
}

static void write_top(struct scmwq_report *r)
{
	struct row *w;

	scmwq_heap_pop(&r->rows, &w);
	write_row(r, w);
}

/* ------------------------------------------------------------------ */
/* Rows spilled to disk: sorted runs, merged at the end                 */

#define SPILL_BUF	16384

struct run_cursor {
	uint64_t off, end;	/* what is left of the run in the file */
	char *buf;
	size_t len, pos;	/* bytes in @buf, the next one */
};

struct rpt_spill {
	int fd;
	FILE *w;		/* writing the runs */
	uint64_t *start;	/* offset where each run begins; start[nruns] the end */
	int nruns, cap;
	struct run_cursor *cur;
};

static size_t row_size(int nsleeps)
{
	return sizeof(struct row) + (size_t)nsleeps * sizeof(((struct row *)0)->sleeps[0]);
}

/* Write the rows held, in order, as one more run.  False on failure. */
static bool spill_run(struct scmwq_report *r)
{
	struct rpt_spill *sp = r->spill;

	if (!sp) {
		sp = calloc(1, sizeof(*sp));
		if (!sp)
			return false;
		sp->fd = scmwq_tmpfd("report", NULL);
		sp->w = sp->fd >= 0 ? fdopen(sp->fd, "w") : NULL;
		r->spill = sp;
		if (!sp->w)
			return false;
	}
	if (sp->nruns + 2 > sp->cap) {
		int cap = sp->cap ? sp->cap * 2 : 16;
		uint64_t *v = realloc(sp->start, (size_t)cap * sizeof(*v));

		if (!v)
			return false;
		sp->start = v;
		sp->cap = cap;
	}
	sp->start[sp->nruns] = (uint64_t)ftello(sp->w);
	while (r->rows.n) {
		struct row *w;

		scmwq_heap_pop(&r->rows, &w);
		if (fwrite(w, row_size(w->nsleeps), 1, sp->w) != 1) {
			free(w);
			return false;
		}
		free(w);
	}
	sp->nruns++;
	sp->start[sp->nruns] = (uint64_t)ftello(sp->w);
	return !ferror(sp->w);
}

/* @n bytes of run @c into @dst; false at its end or on a read error. */
static bool cursor_read(int fd, struct run_cursor *c, void *dst, size_t n)
{
	char *d = dst;

	while (n) {
		size_t k;

		if (c->pos == c->len) {
			size_t want = c->end - c->off < SPILL_BUF ? c->end - c->off : SPILL_BUF;
			ssize_t got;

			if (!want)
				return false;
			do
				got = pread(fd, c->buf, want, (off_t)c->off);
			while (got < 0 && errno == EINTR);
			if (got <= 0)
				return false;
			c->off += (uint64_t)got;
			c->len = (size_t)got;
			c->pos = 0;
		}
		k = c->len - c->pos < n ? c->len - c->pos : n;
		memcpy(d, c->buf + c->pos, k);
		c->pos += k;
		d += k;
		n -= k;
	}
	return true;
}

/* The next row of run @i, or NULL at its end (*@bad on a damaged spill). */
static struct row *cursor_next(struct scmwq_report *r, int i, bool *bad)
{
	struct rpt_spill *sp = r->spill;
	struct run_cursor *c = &sp->cur[i];
	struct row head, *w;

	if (c->off == c->end && c->pos == c->len)
		return NULL;
	if (!cursor_read(sp->fd, c, &head, sizeof(head)) || head.nsleeps < 0 ||
	    head.nsleeps > SCMWQ_CALL_SLEEPS) {
		*bad = true;
		return NULL;
	}
	w = malloc(row_size(head.nsleeps));
	if (!w) {
		*bad = true;
		return NULL;
	}
	*w = head;
	if (!cursor_read(sp->fd, c, w->sleeps, row_size(head.nsleeps) - sizeof(head))) {
		free(w);
		*bad = true;
		return NULL;
	}
	w->spec = &r->o.sort;
	w->run = i;
	return w;
}

/* All rows, from the runs on disk (the last one what memory held), in order. */
static bool spill_merge(struct scmwq_report *r)
{
	struct rpt_spill *sp = r->spill;
	bool bad = false;

	if (!spill_run(r) || fflush(sp->w))
		return false;
	sp->cur = calloc((size_t)sp->nruns, sizeof(*sp->cur));
	if (!sp->cur)
		return false;
	for (int i = 0; i < sp->nruns && !bad; i++) {
		struct row *w;

		sp->cur[i].off = sp->start[i];
		sp->cur[i].end = sp->start[i + 1];
		sp->cur[i].buf = malloc(SPILL_BUF);
		if (!sp->cur[i].buf)
			return false;
		w = cursor_next(r, i, &bad);
		if (w && scmwq_heap_push(&r->rows, &w) < 0) {
			free(w);
			return false;
		}
	}
	while (r->rows.n && !bad) {
		struct row *w, *next;

		scmwq_heap_pop(&r->rows, &w);
		next = cursor_next(r, w->run, &bad);
		write_row(r, w);
		if (next && scmwq_heap_push(&r->rows, &next) < 0) {
			free(next);
			return false;
		}
	}
	return !bad;
}

static void spill_free(struct scmwq_report *r)
{
	struct rpt_spill *sp = r->spill;

	if (!sp)
		return;
	if (sp->w)
		fclose(sp->w);
	else if (sp->fd >= 0)
		close(sp->fd);
	for (int i = 0; sp->cur && i < sp->nruns; i++)
		free(sp->cur[i].buf);
	free(sp->cur);
	free(sp->start);
	free(sp);
	r->spill = NULL;
}

void rpt_rows_add(struct scmwq_report *r, const struct scmwq_call_rec *c, const bool *keep)
{
	int n = c->n_sleeps < SCMWQ_CALL_SLEEPS ? c->n_sleeps : SCMWQ_CALL_SLEEPS;
	struct row *w = malloc(sizeof(*w) + (size_t)n * sizeof(w->sleeps[0]));

	if (!r->rows.less)
		scmwq_heap_init(&r->rows, sizeof(struct row *), row_less);
	if (!w) {
		r->oom = true;
		return;
	}
	w->spec = &r->o.sort;
	w->seq = r->row_seq++;
	w->start = c->start_ns;
	memcpy(w->keep, keep, sizeof(w->keep));
	w->nsleeps = n;
	memcpy(w->head, c, HEAD_LEN);
	memcpy(w->tail, (const char *)c + TAIL_OFF, TAIL_LEN);
	memcpy(w->sleeps, c->sleeps, (size_t)n * sizeof(w->sleeps[0]));
	if (scmwq_heap_push(&r->rows, &w) < 0) {
		free(w);
		r->oom = true;
		return;
	}
	if (!streaming(&r->o.sort)) {
		if (r->rows.n >= RPT_SORT_MEM && !spill_run(r))
			r->oom = true;
		return;
	}
	while (r->rows.n) {
		struct row *top = *(struct row **)scmwq_heap_top(&r->rows);

		if (top->start > c->settled_ns)
			break;
		write_top(r);
	}
	while (r->rows.n > RPT_HOLD_MAX) {
		r->rows_late++;
		write_top(r);
	}
}

void rpt_rows_flush(struct scmwq_report *r)
{
	if (r->spill && !spill_merge(r))
		r->oom = true;
	while (r->rows.n)
		write_top(r);
	spill_free(r);
}

void rpt_rows_reset(struct scmwq_report *r)
{
	while (r->rows.n) {
		struct row *w;

		scmwq_heap_pop(&r->rows, &w);
		free(w);
	}
	scmwq_heap_free(&r->rows);
	spill_free(r);
	r->rows.less = NULL;
	r->row_seq = 0;
	r->rows_late = 0;
}
