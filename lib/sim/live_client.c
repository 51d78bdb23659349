// SPDX-License-Identifier: GPL-2.0
/*
 * The driver model of the live engine on its client threads: the driver's
 * lock (the mainline mutex or the vendor semaphore) and an SCM call from
 * the request to scm_smc_done as the driver variant makes it; and the
 * heartbeat's fast calls.
 */
#include <limits.h>

#include "sim/live.h"

/* The driver's lock around a call: -1 when the run ends first. */
static int drv_lock(struct live *L)
{
	int ret = 0;

	pthread_mutex_lock(&L->drv_lock);
	while (!L->drv_free && !atomic_load(&L->abort))
		cond_wait_slice(&L->drv_cond, &L->drv_lock);
	if (L->drv_free)
		L->drv_free--;
	else
		ret = -1;
	pthread_mutex_unlock(&L->drv_lock);
	return ret;
}

static void drv_unlock(struct live *L)
{
	pthread_mutex_lock(&L->drv_lock);
	L->drv_free++;
	pthread_cond_signal(&L->drv_cond);
	pthread_mutex_unlock(&L->drv_lock);
}

/*
 * WAITQ_SLEEP: log the sleep and wait for the completion of @wq, as
 * qcom_scm_wait_for_wq_completion() does.  The sleep is logged under the
 * completion's lock, so the order of the sleeps in the trace is the order
 * of the waiters.  Returns -1 when the run ended with the call still asleep.
 */
static int client_sleep(struct lthread *c, uint32_t wq, uint32_t ctx)
{
	struct live *L = c->L;
	struct completion *x = &L->wqs[wq].comp;
	uint64_t ts;
	int ret = 0;

	pthread_mutex_lock(&x->lock);
	ts = live_ev_wq(c, SCMWQ_EV_SLEEP, wq, ctx);
	live_fw_asleep(L, c, ts);
	/* wait_for_completion() */
	while (x->done == 0) {
		live_comp_enqueue(x, &c->w);
		while (c->w.queued && !atomic_load(&L->abort))
			cond_wait_slice(&c->w.cond, &x->lock);
		if (c->w.queued) {
			live_comp_remove(x, &c->w);
			ret = -1;
			goto out;
		}
	}
	if (x->done != UINT_MAX)
		x->done--;
out:
	pthread_mutex_unlock(&x->lock);
	/*
	 * slow-resume: woken, but not scheduled again for a while (a busy
	 * CPU); firmware already gave its resource back and sends no other
	 * wake on this wait-queue, which is its alone
	 */
	if (!ret && c->fault == FK_SLOW)
		sleep_ns(rng_range(&c->rng, SLOW_MIN, SLOW_MAX));
	return ret;
}

/* @c's call ended at @ts: a long sleep's evidence ends with it. */
static void call_done(struct live *L, struct lthread *c, uint64_t ts)
{
	pthread_mutex_lock(&L->fw_lock);
	c->prev_done = ts;
	for (int i = 0; i < L->nfaults; i++) {
		struct lfault *f = &L->faults[i];

		if ((f->kind == FK_LONG || f->kind == FK_SLOW) && f->target == c && f->ended &&
		    !f->ev_end && ts)
			f->ev_end = ts + SCMWQ_TRUTH_SKEW_NS;
	}
	pthread_mutex_unlock(&L->fw_lock);
}

/* One SCM call, from the request to scm_smc_done.  -1: the run ended. */
static int client_call(struct lthread *c)
{
	struct live *L = c->L;
	uint64_t k = rng_next(&c->rng) % N_CALL_IDS;
	uint64_t id = SMC_CALL_BASE + k, a0 = rng_next(&c->rng) & 0xffff, a1 = (uint64_t)c->idx;
	struct fwret r;
	uint64_t ts;

	ts = live_ev_request(c, id, 2, a0, a1);
	r = live_fw_enter(L, c, OP_CALL, ts);
	for (;;) {
		switch (r.ret) {
		case SCMWQ_RET_INTERRUPTED:
			live_ev_request(c, L->mainline ? SCMWQ_SMC_INTERRUPTED : id, 2, a0, a1);
			r = live_fw_enter(L, c, OP_REENTER, 0);
			break;
		case SCMWQ_RET_WAITQ_WAKE: {
			struct fwret w = r;

			live_ev_wq(c, SCMWQ_EV_WAKE_ACK, w.wq, w.ctx);
			if (L->drv == SCMWQ_DRV_VENDOR)	/* wakes right away, then ACKs */
				live_comp_complete(&L->wqs[w.wq].comp);
			live_ev_request(c, SCMWQ_SMC_ACK, 1, w.ctx, 0);
			r = live_fw_enter(L, c, OP_ACK, 0);
			if (L->drv != SCMWQ_DRV_VENDOR)	/* the 2022 design: after the ACK */
				live_comp_complete(&L->wqs[w.wq].comp);
			break;
		}
		case SCMWQ_RET_WAITQ_SLEEP:
			if (client_sleep(c, r.wq, r.ctx) < 0)
				return -1;
			ts = live_ev_resume(c, r.ctx);
			live_ev_request(c, SCMWQ_SMC_RESUME, 1, r.ctx, 0);
			r = live_fw_enter(L, c, OP_RESUME, ts);
			break;
		default:
			ts = live_ev_done(c, id, 0, 0, 0);
			call_done(L, c, ts);
			return 0;
		}
	}
}

/* A client thread: one call after another while the run needs calls. */
void *live_client_main(void *arg)
{
	struct lthread *c = arg;
	struct live *L = c->L;

	thread_start(c);
	if (c->idx == 0) {
		if (L->drv == SCMWQ_DRV_MAINLINE) {
			/* probe: how many wait-queues firmware has, and its IRQ */
			live_ev_request(c, SCMWQ_SMC_GET_INFO, 0, 0, 0);
			live_ev_done(c, SCMWQ_SMC_GET_INFO, 0, L->nq, FW_IRQ);
		}
		atomic_store(&L->go, true);
	}
	while (!atomic_load(&L->go) && !atomic_load(&L->stop_calls))
		sleep_ns(50 * NS_US);
	while (!atomic_load(&L->stop_calls)) {
		if (!atomic_load(&L->need_calls)) {
			sleep_ns(NS_MS);
			continue;
		}
		atomic_store(&c->state, CS_LOCK_WAIT);
		if (drv_lock(L) < 0)
			break;
		/* in_call first, then the check: the end of the run sees one or the other */
		atomic_store(&c->state, CS_IN_CALL);
		if (atomic_load(&L->stop_calls)) {
			drv_unlock(L);
			break;
		}
		if (client_call(c) < 0) {
			drv_unlock(L);
			break;
		}
		drv_unlock(L);
		atomic_store(&c->state, CS_IDLE);
		atomic_fetch_add(&L->calls_done, 1);
		sleep_ns(rng_range(&c->rng, THINK_MIN, THINK_MAX));
	}
	atomic_store(&c->state, CS_EXITED);
	return NULL;
}

/* The heartbeat thread: fast calls, so that the trace goes on while every client is blocked. */
void *live_hb_main(void *arg)
{
	struct lthread *t = arg;
	struct live *L = t->L;

	thread_start(t);
	while (!atomic_load(&L->stop_aux)) {
		live_ev_request(t, SMC_HEARTBEAT, 0, 0, 0);
		live_ev_done(t, SMC_HEARTBEAT, 0, 0, 0);
		sleep_ns(HEARTBEAT);
	}
	return NULL;
}
