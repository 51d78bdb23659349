// SPDX-License-Identifier: GPL-2.0
/*
 * Latency statistics: what a sleep's wait and wake latency are, and the
 * distributions of them (and of call durations) by wait-queue and by
 * function id, capped in number of groups.
 */
#include <stdlib.h>
#include <string.h>

#include "view/report_int.h"

#define MAX_GROUPS	256	/* per table; the rest go to one "other" group */

const char *const rpt_metric_names[M__COUNT] = {
	[M_DURATION] = "duration",
	[M_WAIT] = "wait",
	[M_WAKE_LAT] = "wake-lat",
	[M_SCHED] = "sch-delay",
};

void rpt_groups_clear(struct groups *g)
{
	for (size_t i = 0; i < g->n; i++)
		for (int m = 0; m < M__COUNT; m++)
			scmwq_hist_free(g->v[i].m[m]);
	if (g->other)
		for (int m = 0; m < M__COUNT; m++)
			scmwq_hist_free(g->other->m[m]);
	free(g->v);
	free(g->other);
	memset(g, 0, sizeof(*g));
}

static int group_init(struct group *gr, uint64_t key)
{
	memset(gr, 0, sizeof(*gr));
	gr->key = key;
	for (int m = 0; m < M__COUNT; m++) {
		gr->m[m] = scmwq_hist_alloc();
		if (!gr->m[m])
			return -1;
	}
	return 0;
}

static struct group *group_get(struct groups *g, uint64_t key)
{
	if (g->last < g->n && g->v[g->last].key == key)
		return &g->v[g->last];
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].key == key) {
			g->last = i;
			return &g->v[i];
		}
	if (g->n >= MAX_GROUPS) {
		if (!g->other) {
			g->other = malloc(sizeof(*g->other));
			if (!g->other || group_init(g->other, 0) < 0)
				return NULL;
			g->other->other = true;
		}
		return g->other;
	}
	if (g->n == g->cap) {
		size_t ncap = g->cap ? g->cap * 2 : 8;
		struct group *nv = realloc(g->v, ncap * sizeof(*nv));

		if (!nv)
			return NULL;
		g->v = nv;
		g->cap = ncap;
	}
	if (group_init(&g->v[g->n], key) < 0) {
		for (int m = 0; m < M__COUNT; m++)
			scmwq_hist_free(g->v[g->n].m[m]);
		return NULL;
	}
	g->last = g->n;
	return &g->v[g->n++];
}

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

bool rpt_sleep_woken(const struct scmwq_sleep_rec *s)
{
	return s->wake_ns != 0;
}

int64_t rpt_wait_of(const struct scmwq_sleep_rec *s)
{
	return (int64_t)(s->wake_ns - s->sleep_ns);
}

int64_t rpt_lat_of(const struct scmwq_sleep_rec *s)
{
	return (int64_t)(s->resume_ns - s->wake_ns);
}

static uint64_t clamp0(int64_t v)
{
	return v < 0 ? 0 : (uint64_t)v;
}

static void add_metric(struct scmwq_report *r, struct group *g, enum metric m, int64_t v)
{
	if (g && scmwq_hist_add(g->m[m], clamp0(v)) < 0)
		r->oom = true;
}

void rpt_summarise(struct scmwq_report *r, const struct scmwq_call_rec *c, const bool *keep)
{
	struct group *fg = group_get(&r->by_fn, c->smc_id);

	if (!fg)
		r->oom = true;
	if (fg) {
		fg->calls++;
		if (c->done && !c->joined)
			add_metric(r, fg, M_DURATION, (int64_t)(c->end_ns - c->start_ns));
	}
	for (int i = 0; i < c->n_sleeps && i < SCMWQ_CALL_SLEEPS; i++) {
		const struct scmwq_sleep_rec *s = &c->sleeps[i];
		struct group *wg;
		struct group *gs[2];

		if (!keep[i])
			continue;
		wg = group_get(&r->by_wq, s->wq_ctx);
		if (!wg)
			r->oom = true;
		gs[0] = wg;
		gs[1] = fg;
		for (int k = 0; k < 2; k++) {
			struct group *g = gs[k];

			if (!g)
				continue;
			g->sleeps++;
			g->by_path[s->path & 3]++;
			if (rpt_sleep_woken(s)) {
				g->woken++;
				add_metric(r, g, M_WAIT, rpt_wait_of(s));
				if (s->ran_ns)
					add_metric(r, g, M_SCHED,
						   (int64_t)(s->ran_ns - s->wake_ns));
			}
			if (s->resume_ns)
				g->resumed++;
			if (rpt_sleep_woken(s) && s->resume_ns)
				add_metric(r, g, M_WAKE_LAT, rpt_lat_of(s));
		}
	}
}

void rpt_sort_groups(struct groups *g)
{
	if (g->n > 1)
		qsort(g->v, g->n, sizeof(*g->v), cmp_group);
	g->last = g->n;
}

/* The groups of a table in order, "other" last. */
const struct group *rpt_group_at(const struct groups *g, size_t i)
{
	if (i < g->n)
		return &g->v[i];
	if (i == g->n && g->other)
		return g->other;
	return NULL;
}

const double rpt_pcts[3] = { 50, 90, 99 };

bool rpt_metric_applies(bool fn_table, enum metric m, const struct group *g)
{
	if (m == M_DURATION)
		return fn_table;
	if (m == M_SCHED)
		return scmwq_hist_count(g->m[m]) > 0;	/* only with scheduler events */
	return g->sleeps > 0;
}
