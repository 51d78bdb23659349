// SPDX-License-Identifier: GPL-2.0
/*
 * The deterministic engine's virtual time: the queue of actions, taken in
 * order of their time, and the trace events written at the current time.
 */
#include <string.h>

#include "sim/det.h"

/* The order of the queue: by time, then in the order scheduled. */
bool sim_action_less(const void *a, const void *b)
{
	const struct action *x = a, *y = b;

	return x->when < y->when || (x->when == y->when && x->seq < y->seq);
}

static void sched_at(struct sim *s, uint64_t when, enum act act, int thr, uint32_t arg)
{
	struct action a = { when, s->seq++, act, thr, arg };

	if (scmwq_heap_push(&s->queue, &a) < 0) {
		s->stop = true;
		scmwq_error_set(s->err, SCMWQ_E_INTERNAL, "out of memory");
	}
}

void sim_sched_in(struct sim *s, uint64_t delay, enum act act, int thr, uint32_t arg)
{
	sched_at(s, s->now + delay, act, thr, arg);
}

/* Write @ev on thread @ti at the current virtual time. */
static void emit(struct sim *s, int ti, struct scmwq_event *ev)
{
	struct sthr *t = &s->thr[ti];

	ev->ts_ns = s->now;
	ev->pid = t->pid;
	ev->cpu = t->cpu;
	ev->sys = s->sys;
	memcpy(ev->comm, t->comm, sizeof(ev->comm));
	if (scmwq_text_write_event(s->o->out, ev, s->sys) < 0 && !s->write_error) {
		s->write_error = true;
		s->stop = true;
	}
	s->res->events++;
	s->res->end_ns = s->now;
	if (s->o->progress && !(s->res->events & 0xfffff))
		s->o->progress(s->res->events, s->o->progress_arg);
}

void sim_ev_request(struct sim *s, int ti, uint64_t smc_id, int nargs, uint64_t arg0)
{
	struct scmwq_event ev;

	scmwq_event_request(&ev, smc_id, (unsigned int)nargs, arg0, 0);
	emit(s, ti, &ev);
}

void sim_ev_wq(struct sim *s, int ti, enum scmwq_ev_type type, uint32_t wq, uint32_t ctx)
{
	struct scmwq_event ev;

	scmwq_event_waitq(&ev, type, wq, ctx);
	emit(s, ti, &ev);
}

void sim_ev_resume(struct sim *s, int ti, uint32_t ctx)
{
	struct scmwq_event ev;

	scmwq_event_resume(&ev, ctx);
	emit(s, ti, &ev);
}

void sim_ev_getwq(struct sim *s, uint32_t wq, uint32_t flags, uint32_t more)
{
	struct scmwq_event ev;

	scmwq_event_get_wq_ctx(&ev, wq, flags, more);
	emit(s, IRQ, &ev);
}

void sim_ev_done(struct sim *s, int ti, uint64_t smc_id, int ret, uint64_t res0)
{
	struct scmwq_event ev;

	scmwq_event_done(&ev, smc_id, ret, 0, res0, 0, 0);
	emit(s, ti, &ev);
}
