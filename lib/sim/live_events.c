// SPDX-License-Identifier: GPL-2.0
/*
 * The events of the live engine: each through its probe function, then
 * written as ftrace text with its timestamp taken under the one output
 * lock, so that the trace comes out in time order.
 */
#include <sched.h>

#include "sim/live.h"

/* The probe function of @ev's tracepoint (probes.c), for uprobes on it. */
static void probe(const struct scmwq_event *ev)
{
	switch (ev->type) {
	case SCMWQ_EV_SMC_REQUEST:
		scm_smc_request(ev->smc_id, ev->svc_id, ev->cmd_id, ev->args_cnt, ev->args[0],
				ev->args[1]);
		break;
	case SCMWQ_EV_SLEEP:
		scm_waitq_sleep(ev->wq_ctx, ev->smc_call_ctx);
		break;
	case SCMWQ_EV_RESUME:
		scm_waitq_resume(ev->smc_call_ctx);
		break;
	case SCMWQ_EV_GET_WQ_CTX:
		scm_waitq_get_wq_ctx(ev->wq_ctx, ev->flags, ev->more_pending);
		break;
	case SCMWQ_EV_WAKE_ACK:
		scm_waitq_wake_ack(ev->wq_ctx, ev->smc_call_ctx);
		break;
	case SCMWQ_EV_SMC_DONE:
		scm_smc_done(ev->ret, ev->smc_id, ev->res, ev->res0, ev->res1, ev->res2);
		break;
	default:
		break;
	}
}

/*
 * Emit one event on thread @t: the timestamp is taken under the output
 * lock, so the trace is in time order.  Returns the timestamp (0 once the
 * run has closed its output).
 */
static uint64_t emit(struct lthread *t, struct scmwq_event *ev)
{
	struct live *L = t->L;
	uint64_t ts;

	ev->sys = L->sys;
	ev->pid = atomic_load(&t->tid);
	snprintf(ev->comm, sizeof(ev->comm), "%s", t->comm);
	pthread_mutex_lock(&L->out_lock);
	if (L->closed) {
		pthread_mutex_unlock(&L->out_lock);
		return 0;
	}
	ts = now_ns();
	if (ts < L->last_ts)
		ts = L->last_ts;
	ev->ts_ns = ts;
	ev->cpu = sched_getcpu();
	probe(ev);
	if (scmwq_text_write_event(L->fp, ev, L->sys) < 0)
		L->werr = true;
	L->last_ts = ts;
	L->events++;
	if (ev->type == SCMWQ_EV_SLEEP)
		L->sleeps++;
	else if (ev->type == SCMWQ_EV_GET_WQ_CTX || ev->type == SCMWQ_EV_WAKE_ACK)
		L->wakes++;
	if (L->o->progress && !(L->events & 4095))
		L->o->progress(L->events, L->o->progress_arg);
	pthread_mutex_unlock(&L->out_lock);
	return ts;
}

uint64_t live_ev_request(struct lthread *t, uint64_t id, unsigned int nargs, uint64_t a0,
			 uint64_t a1)
{
	struct scmwq_event ev;

	scmwq_event_request(&ev, id, nargs, a0, a1);
	return emit(t, &ev);
}

uint64_t live_ev_done(struct lthread *t, uint64_t id, int ret, uint64_t res0, uint64_t res1)
{
	struct scmwq_event ev;

	scmwq_event_done(&ev, id, ret, 0, res0, res1, 0);
	return emit(t, &ev);
}

uint64_t live_ev_wq(struct lthread *t, enum scmwq_ev_type type, uint32_t wq, uint32_t ctx)
{
	struct scmwq_event ev;

	scmwq_event_waitq(&ev, type, wq, ctx);
	return emit(t, &ev);
}

uint64_t live_ev_resume(struct lthread *t, uint32_t ctx)
{
	struct scmwq_event ev;

	scmwq_event_resume(&ev, ctx);
	return emit(t, &ev);
}

uint64_t live_ev_get_wq_ctx(struct lthread *t, uint32_t wq, uint32_t flags, uint32_t more)
{
	struct scmwq_event ev;

	scmwq_event_get_wq_ctx(&ev, wq, flags, more);
	return emit(t, &ev);
}
