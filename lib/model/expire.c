// SPDX-License-Identifier: GPL-2.0
/*
 * Timers coming due: when the trace's time passes a deadline, the verdict
 * that waited for it is made, or the monitor hears of a stall.
 */
#include <string.h>

#include "model/mdl.h"

/* Asleep for --stall, or woken --grace ago and not resumed: tell the monitor. */
static void stall(struct scmwq_model *m, struct thr *t, uint64_t now)
{
	struct scmwq_stall s = {
		.pid = t->pid,
		.wq_ctx = t->wq_ctx,
		.has_ctx = t->has_ctx,
		.smc_call_ctx = t->ctx,
		.sleep_ns = t->sleep_ts,
		.now_ns = now,
		.woken = t->credit != CR_NONE,
		.wake_ns = t->credit != CR_NONE ? t->wake_ts : 0,
		.waker_pid = t->credit != CR_NONE ? t->waker_pid : -1,
	};

	memcpy(s.comm, t->comm, sizeof(s.comm));
	if (t->wq->last_wake_ts >= t->sleep_ts && t->wq->last_wake_ts) {
		s.wq_wake_ns = t->wq->last_wake_ts;
		s.wq_waker_pid = t->wq->last_waker_pid;
	} else {
		s.wq_waker_pid = -1;
	}
	m->stall_fn(&s, m->stall_arg);
}

void mdl_fire(struct scmwq_model *m, struct timer *tm, bool at_end)
{
	struct thr *t = tm->obj;
	struct wq *w = tm->obj;
	struct group *g = tm->obj;

	switch (tm->kind) {
	case T_LATE:
		/* woken --grace ago and not resumed: the monitor hears it now */
		if (tm->gen == t->gen_wake && t->wq && t->credit == CR_WAKE && !t->resume_pending &&
		    !at_end && m->stall_fn)
			stall(m, t, tm->when);
		break;
	case T_RESUME_SKEW:
		if (tm->gen == t->gen_resume && t->resume_pending && t->wq)
			mdl_nowake_resume(m, t);
		break;
	case T_DRAIN:
		if (tm->gen == t->gen_drain && t->expect_more)
			mdl_fire_drain(m, t, at_end,
				       at_end ? "the trace ended before another one"
					      : "no further GET_WQ_CTX followed within --grace");
		break;
	case T_GROUP:
		g->due = true;
		if (!g->asleep || at_end)
			mdl_group_settle(m, g, at_end);
		break;
	case T_SPUR:
		if (tm->gen == w->gen_spur && w->spur_pending)
			mdl_spurious_confirm(m, w, at_end);
		break;
	case T_STALL:
		if (tm->gen == t->gen_sleep && t->wq && !at_end)
			stall(m, t, tm->when);
		break;
	}
}

void mdl_run_timers(struct scmwq_model *m, uint64_t now)
{
	while (m->hlen && m->heap[0].when < now) {
		struct timer tm = mdl_timer_pop(m);

		/* the trace's time has reached the deadline: the verdict is made there */
		if (tm.when > m->now)
			m->now = tm.when;
		mdl_fire(m, &tm, false);
	}
}
