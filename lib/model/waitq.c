// SPDX-License-Identifier: GPL-2.0
/*
 * Threads and wait-queues: the thread of each pid, the wait-queue of each
 * wq_ctx with its sleepers in order, and which wake (token) each sleeper
 * holds, as a kernel completion does.
 */
#include <stdlib.h>

#include "model/mdl.h"

static size_t hash_int(uint32_t v, size_t cap)
{
	return (size_t)((v * 2654435761u) & (cap - 1));
}

/*
 * Threads that are idle and have nothing pending are forgotten once there
 * are many of them, so that a trace with endless new pids stays in bounded
 * memory.  A forgotten thread that comes back mid-call is treated as one
 * that joined mid-call.
 */
#define THR_KEEP 65536

static bool thr_quiet(const struct scmwq_model *m, const struct thr *t)
{
	return t->st == SCMWQ_ST_IDLE && !t->wq && !t->expect_more && !t->heap_refs && !t->group &&
	       t->loss_epoch == m->loss_epoch && t->resolved_epoch == m->loss_epoch;
}

static bool thr_stale(void *node, void *arg)
{
	struct scmwq_model *m = arg;
	struct thr *t = node;

	return thr_quiet(m, t) && t->last_ts + 10ULL * 1000000000ULL < m->now;
}

struct thr *mdl_thr_get(struct scmwq_model *m, const struct scmwq_event *ev, bool *created)
{
	struct thr *t = mdl_thr_find(m, ev->pid);

	*created = false;
	if (t)
		return t;
	if (m->threads.count >= THR_KEEP && m->threads.count % 4096 == 0)
		scmwq_pidmap_prune(&m->threads, thr_stale, m);
	t = calloc(1, sizeof(*t));
	if (!t) {
		m->oom = true;
		return NULL;
	}
	t->pid = ev->pid;
	t->st = SCMWQ_ST_IDLE;
	t->loss_epoch = m->loss_epoch;
	t->resolved_epoch = m->loss_epoch;
	if (scmwq_pidmap_add(&m->threads, t) < 0) {
		free(t);
		m->oom = true;
		return NULL;
	}
	*created = true;
	return t;
}

struct wq *mdl_wq_get(struct scmwq_model *m, uint32_t wq_ctx)
{
	size_t h = hash_int(wq_ctx, m->wcap);
	struct wq *w;

	for (w = m->whash[h]; w; w = w->hnext)
		if (w->wq_ctx == wq_ctx)
			return w;
	w = calloc(1, sizeof(*w));
	if (!w) {
		m->oom = true;
		return NULL;
	}
	w->wq_ctx = wq_ctx;
	w->hnext = m->whash[h];
	m->whash[h] = w;
	return w;
}

void mdl_wq_link(struct wq *w, struct thr *t)
{
	if (!w->head)
		w->busy_since = t->ev_start;
	else if (w->busy_since < t->ev_start)
		t->ev_start = w->busy_since;
	t->wq = w;
	t->wnext = NULL;
	t->wprev = w->tail;
	if (w->tail)
		w->tail->wnext = t;
	else
		w->head = t;
	w->tail = t;
}

void mdl_wq_unlink(struct scmwq_model *m, struct thr *t)
{
	struct wq *w = t->wq;

	if (!w)
		return;
	if (t->group)
		mdl_group_member_left(m, t, M_LEFT, 0);
	if (t->wprev)
		t->wprev->wnext = t->wnext;
	else
		w->head = t->wnext;
	if (t->wnext)
		t->wnext->wprev = t->wprev;
	else
		w->tail = t->wprev;
	t->wq = NULL;
	t->wnext = t->wprev = NULL;
	t->credit = CR_NONE;
	t->resume_pending = false;
	t->attributed = false;
	t->rewake_ts = 0;
	mdl_doubt_drop(&t->doubt);
}

/* Leave a sleep abnormally (the call failed, or the model resynchronises). */
void mdl_drop_sleep(struct scmwq_model *m, struct thr *t)
{
	if (t->wq)
		mdl_wq_unlink(m, t);
}

bool mdl_wq_ctx_valid(struct scmwq_model *m, uint32_t wq_ctx)
{
	switch (m->o.driver) {
	case SCMWQ_DRV_MAINLINE_6_3:
	case SCMWQ_DRV_MAINLINE_6_11:
		return wq_ctx == 0;
	case SCMWQ_DRV_MAINLINE:
		return m->wq_count < 0 || wq_ctx < (uint32_t)m->wq_count;
	default:
		return true;
	}
}

const char *mdl_wq_ctx_rule_text(struct scmwq_model *m)
{
	switch (m->o.driver) {
	case SCMWQ_DRV_MAINLINE_6_3:
	case SCMWQ_DRV_MAINLINE_6_11:
		return "this driver accepts only wq_ctx 0";
	default:
		return "wq_ctx must be below the count GET_INFO reported";
	}
}

void mdl_credit(struct scmwq_model *m, struct thr *t, enum credit kind, uint64_t ts, int waker,
		bool irq)
{
	if (m->wake_fn)
		m->wake_fn(t->pid, t->wq_ctx, ts, waker, irq, kind != CR_WAKE, m->wake_arg);
	t->credit = kind;
	t->wake_ts = ts;
	t->waker_pid = waker;
	t->wake_irq = irq;
	t->credit_doubt = m->doubt;
	if (t->st == SCMWQ_ST_SLEEPING)
		t->st = SCMWQ_ST_WOKEN;
	if (t->resume_pending) {
		/* It had already resumed, within --skew: the wake came first. */
		mdl_wq_unlink(m, t);
		return;
	}
	t->gen_wake++;
	if (kind == CR_WAKE && m->stall_fn)
		mdl_timer_add(m, ts + m->o.grace_ns, T_LATE, t->gen_wake, t);
}

/* The oldest sleeper of @w with no token yet, resumers within --skew first. */
struct thr *mdl_wq_uncredited(struct wq *w)
{
	struct thr *t;

	for (t = w->head; t; t = t->wnext)
		if (t->resume_pending)
			return t;
	for (t = w->head; t; t = t->wnext)
		if (t->credit == CR_NONE && !t->attributed)
			return t;
	return NULL;
}

int mdl_wq_count_uncredited(struct wq *w)
{
	int n = 0;

	for (struct thr *t = w->head; t; t = t->wnext)
		if (t->credit == CR_NONE && !t->attributed)
			n++;
	return n;
}

/* Sleepers of @w are stranded by the finding being built: name them. */
void mdl_attribute_sleepers(struct wq *w, struct fbuild *b, int *n)
{
	for (struct thr *t = w->head; t; t = t->wnext) {
		if (t->credit != CR_NONE || t->attributed)
			continue;
		t->attributed = true;
		mdl_fb_name(b, t->pid);
		(*n)++;
	}
}

void mdl_bank_unknown(struct wq *w, uint64_t tokens)
{
	w->tok_unk += tokens;
}
