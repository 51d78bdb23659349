// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat source: trace-cmd's binary file (versions 6 and 7, compressed
 * with zlib or zstd or not), read by our own bounded reader: the layout in
 * tdat_layout.c, each CPU's pages in tdat_cpu.c; records become events in
 * tepconv.c, with the formats of our events parsed by libtraceevent.
 *
 * Events come out in time order across CPUs and buffer instances through a
 * heap merge of per-CPU streams: each holds one batch of pages (or one
 * decompressed chunk) and its next record, so memory does not grow with
 * the file.  Damage anywhere is an SCMWQ_E_DATA error naming its offset.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/source.h"
#include "source/tdat_cpu.h"
#include "source/tepconv.h"

/* One CPU of one buffer, holding its next record. */
struct tdat_cursor {
	struct tdat_stream *st;
	int order;			/* tie-break: buffer then CPU */
	uint64_t key;			/* cursor_key(), kept up to date */
	struct tep_record rec;		/* its CPU in rec.cpu; rec.ts with the file's time offset */
	uint64_t prev_ts;		/* of its previous record; 0: none */
	bool lost_done;			/* LOST for rec.missed_events emitted */
};

struct tdat {
	struct tdat_layout l;
	struct scmwq_error *err;	/* the caller's, while reading */
	struct scmwq_tepconv *conv;
	struct tdat_stream *streams;
	int nstreams;
	struct tdat_cursor *cursors;	/* one per stream */
	struct tdat_cursor **heap;	/* those with a record, least (key, order) first */
	int nheap;
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
	if (c->rec.missed_events && !c->lost_done)
		return c->prev_ts < c->rec.ts ? c->prev_ts : c->rec.ts;
	return c->rec.ts;
}

static inline bool cursor_less(const struct tdat_cursor *a, const struct tdat_cursor *b)
{
	return a->key < b->key || (a->key == b->key && a->order < b->order);
}

/*
 * Move heap[i] down to its place.  Keys are unique with the order, so the
 * merge's output does not depend on how the heap is built.  The top whose
 * next record is still the least costs one or two comparisons.
 */
static inline void sift_down(struct tdat *t, int i)
{
	struct tdat_cursor *c = t->heap[i];
	int n = t->nheap;

	for (;;) {
		int l = 2 * i + 1, m;

		if (l >= n)
			break;
		m = l + 1 < n && cursor_less(t->heap[l + 1], t->heap[l]) ? l + 1 : l;
		if (!cursor_less(t->heap[m], c))
			break;
		t->heap[i] = t->heap[m];
		i = m;
	}
	t->heap[i] = c;
}

static void heap_push(struct tdat *t, struct tdat_cursor *c)
{
	int i = t->nheap++;

	while (i > 0 && cursor_less(c, t->heap[(i - 1) / 2])) {
		t->heap[i] = t->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	t->heap[i] = c;
}

/* The next record of @c's CPU: 1, 0 (none), -1. */
static int cursor_read(struct tdat *t, struct tdat_cursor *c)
{
	int r = tdat_stream_next(c->st, &c->rec);

	if (r > 0) {
		c->rec.ts += t->l.ts_offset;
		c->key = cursor_key(c);
	}
	return r;
}

/* Replace the top cursor's record by the next one of its CPU. */
static int heap_advance(struct tdat *t)
{
	struct tdat_cursor *c = t->heap[0];
	int r;

	c->prev_ts = c->rec.ts;
	c->lost_done = false;
	r = cursor_read(t, c);
	if (r < 0)
		return -1;
	if (!r) {
		/* that CPU is done */
		if (!--t->nheap)
			return 0;
		t->heap[0] = t->heap[t->nheap];
	}
	sift_down(t, 0);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Source operations                                                   */

static int tdat_next(struct scmwq_source *src, struct scmwq_event *ev, struct scmwq_error *err)
{
	struct tdat *t = src->priv;
	struct tdat_cursor *c;

	t->l.io.err = err;
	while (t->nheap) {
		struct tep_record *rec;
		bool ours;

		c = t->heap[0];
		rec = &c->rec;
		if (c->rec.missed_events && !c->lost_done) {
			scmwq_tepconv_lost(rec, ev);
			ev->ts_ns = c->key;
			ev->gap_start_ns = c->prev_ts;
			ev->gap_end_ns = c->rec.ts;
			c->lost_done = true;
			c->key = cursor_key(c);
			sift_down(t, 0);
			src->lost += ev->lost_count;
			return 1;
		}
		ours = t->l.nformats && rec->size > 0 && scmwq_tepconv_event(t->conv, rec, ev);
		if (heap_advance(t) < 0)
			return -1;
		if (ours)
			return 1;
	}
	return 0;
}

static void tdat_close(struct tdat *t)
{
	if (!t)
		return;
	free(t->heap);
	free(t->cursors);
	for (int i = 0; i < t->nstreams; i++)
		tdat_stream_free(&t->streams[i]);
	free(t->streams);
	scmwq_tepconv_free(t->conv);
	tdat_layout_free(&t->l);
	if (t->l.io.fd >= 0)
		close(t->l.io.fd);
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

/* A stream and a primed cursor for every CPU of every buffer that has data. */
static int add_cursors(struct tdat *t)
{
	int n = 0, order = 0;

	for (int b = 0; b < t->l.nbufs; b++)
		n += t->l.bufs[b].latency ? 0 : t->l.bufs[b].ncpus;
	t->streams = calloc(n ? n : 1, sizeof(*t->streams));
	t->cursors = calloc(n ? n : 1, sizeof(*t->cursors));
	t->heap = calloc(n ? n : 1, sizeof(*t->heap));
	if (!t->streams || !t->cursors || !t->heap)
		return scmwq_error_set(t->err, SCMWQ_E_INTERNAL, "out of memory");
	for (int b = 0; b < t->l.nbufs; b++) {
		const struct tdat_buffer *buf = &t->l.bufs[b];

		for (int i = 0; !buf->latency && i < buf->ncpus; i++) {
			struct tdat_cursor *c = &t->cursors[t->nstreams];
			int r;

			++order;
			if (!buf->cpus[i].size)
				continue;
			*c = (struct tdat_cursor){ .rec.cpu = buf->cpus[i].cpu, .order = order,
						   .st = &t->streams[t->nstreams++] };
			tdat_stream_init(c->st, &t->l, buf->page_size, buf->compressed, &buf->cpus[i]);
			r = cursor_read(t, c);
			if (r < 0)
				return -1;
			if (r)
				heap_push(t, c);
		}
	}
	return 0;
}

/**
 * scmwq_tdat_open - open a trace.dat source
 * @src: the source being opened (display name and format already set)
 * @fd: descriptor of the file; owned from here on, closed on failure too
 * @err: filled on failure
 *
 * Reads the file's layout (every offset and size checked against the
 * file: a cut or damaged file is refused with the offset where it is
 * damaged), the formats of the SCM and sched events and the saved comms,
 * and primes one cursor per CPU of every buffer.
 *
 * Returns 0, or -1 with @err set: SCMWQ_E_DATA when the file is not a
 * readable trace.dat, SCMWQ_E_INTERNAL when out of memory.
 */
int scmwq_tdat_open(struct scmwq_source *src, int fd, struct scmwq_error *err)
{
	struct tdat *t;
	struct stat st;

	t = calloc(1, sizeof(*t));
	if (!t) {
		close(fd);
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	}
	t->err = err;
	t->l.io = (struct tdat_io){ .fd = fd, .display = src->display, .err = err };
	if (fstat(fd, &st) < 0) {
		scmwq_error_set(err, SCMWQ_E_DATA, "%s: cannot stat: %s", src->display,
				strerror(errno));
		goto fail;
	}
	t->l.io.size = st.st_size;
	tep_set_loglevel(TEP_LOG_NONE);
	if (tdat_layout_read(&t->l) < 0)
		goto fail;
	t->conv = scmwq_tepconv_new(t->l.tep, err);
	if (!t->conv)
		goto fail;
	scmwq_tepconv_set_diag(t->conv, tdat_diag, src);
	scmwq_tepconv_cache_comms(t->conv);
	src->sys = scmwq_tepconv_system(t->conv);
	src->cpus = t->l.cpus;
	src->losses_in_order = true;
	if (add_cursors(t) < 0)
		goto fail;
	src->ops = &tdat_ops;
	src->priv = t;
	return 0;
fail:
	tdat_close(t);
	return -1;
}
