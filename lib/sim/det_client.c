// SPDX-License-Identifier: GPL-2.0
/*
 * The driver model of the deterministic engine, on its client threads: an
 * SCM call from the request to scm_smc_done as each driver variant makes
 * it (lock, re-entry, sleep and resume, WAKE/ACK, -EBUSY), with the faults
 * that are the driver's doing; and the heartbeat's atomic calls.
 */
#include <string.h>

#include "sim/det.h"

static uint64_t smc_latency(struct sim *s)
{
	return rnd_range(s, 5 * US, 40 * US);
}

static void start_lock_holder(struct sim *s, int ti)
{
	s->lock_holder = ti;
	s->thr[ti].waiting_lock = false;
	sim_sched_in(s, rnd_range(s, 1 * US, 5 * US), A_ENTER, ti, 0);
}

static void finish_call(struct sim *s, int ti, int ret)
{
	struct sthr *t = &s->thr[ti];

	sim_ev_done(s, ti, t->smc_id, ret, 0);
	t->in_call = false;
	t->long_sleep = false;
	for (int i = 0; i < t->n_until_done; i++)
		s->truth.findings[t->until_done[i]].evidence_end_ns = s->now + SCMWQ_TRUTH_SKEW_NS;
	t->n_until_done = 0;
	t->call_ts = 0;
	t->prev_done = s->now;
	s->res->calls++;
	s->last_progress = s->now;
	if (has_global_mutex(s) && s->lock_holder == ti) {
		s->lock_holder = -1;
		if (s->nlockq) {
			int next = s->lockq[0];

			memmove(s->lockq, s->lockq + 1, (size_t)--s->nlockq * sizeof(int));
			start_lock_holder(s, next);
		}
	}
	sim_sched_in(s, rnd_range(s, t->think / 4, t->think * 2), A_CALL, ti, 0);
}

static const uint8_t services[] = { 0x01, 0x06, 0x0a, 0x0c, 0x11, 0x14 };

/* A_CALL: the client starts its next call, or waits for the driver's lock. */
void sim_a_call(struct sim *s, int ti)
{
	struct sthr *t = &s->thr[ti];

	if (s->started_calls >= s->o->calls && !outstanding(s))
		return;		/* this thread's work is done */
	s->started_calls++;
	t->tag = SCMWQ_R__COUNT;
	t->fast = take(s, SCMWQ_R_SLEEP_IN_ATOMIC_CALL, ti);
	t->smc_id = 0x42000000ULL | ((uint64_t)services[rnd(s) % sizeof(services)] << 8) |
		    rnd_range(s, 1, 15);
	if (t->fast)
		t->smc_id |= SCMWQ_SMC_FAST_BIT;
	t->wq = (uint32_t)(rnd(s) % s->queues);
	t->kind = K_ORIG;
	t->ebusy = 0;
	t->loops = 0;
	t->reentry = false;
	t->in_call = true;
	if (has_global_mutex(s) && !t->fast) {
		if (s->lock_holder >= 0) {
			t->waiting_lock = true;
			s->lockq[s->nlockq++] = ti;
			return;
		}
		start_lock_holder(s, ti);
		return;
	}
	sim_sched_in(s, rnd_range(s, 1 * US, 5 * US), A_ENTER, ti, 0);
}

/* A_ENTER: the smc into firmware: the request is logged, firmware answers. */
void sim_a_enter(struct sim *s, int ti)
{
	struct sthr *t = &s->thr[ti];

	if (!t->call_ts)
		t->call_ts = s->now;
	if (t->reentry) {
		/* mainline logs 0x1; vendor kernels log the original id again */
		uint64_t id = t->kind == K_RESUME ? SCMWQ_SMC_RESUME :
			      t->kind == K_ACK ? SCMWQ_SMC_ACK : t->smc_id;

		sim_ev_request(s, ti, is_mainline(s) ? SCMWQ_SMC_INTERRUPTED : id, 0, 0);
	} else if (t->kind == K_RESUME) {
		sim_ev_request(s, ti, SCMWQ_SMC_RESUME, 1, t->ctx);
	} else if (t->kind == K_ACK) {
		sim_ev_request(s, ti, SCMWQ_SMC_ACK, 1, t->ack_ctx);
	} else {
		sim_ev_request(s, ti, t->smc_id, 2, 0x1000 + (rnd(s) & 0xff0));
	}
	t->resp = sim_firmware(s, ti);
	t->reentry = false;
	sim_sched_in(s, smc_latency(s), A_RESP, ti, 0);
}

static void sleep_on(struct sim *s, int ti)
{
	struct sthr *t = &s->thr[ti];
	struct comp *c;

	sim_ev_wq(s, ti, SCMWQ_EV_SLEEP, t->r_wq, t->r_ctx);
	t->sleep_ts = s->now;
	s->slept_call[t->r_wq % MAX_QUEUES][ti] = sim_call_from(t);
	if (armed(s, SCMWQ_R_SLEEP_WHILE_SLEEPING)) {
		sim_ev_wq(s, ti, SCMWQ_EV_SLEEP, t->r_wq, t->r_ctx);
		sim_happened(s, SCMWQ_R_SLEEP_WHILE_SLEEPING, ti, s->now, true, t->r_wq, true,
			     t->r_ctx, "the driver re-entered its wait after a signal and logged "
			     "the sleep a second time");
	}
	s->fwq[t->wq].in_sleep++;
	c = comp_of(s, t->wq);
	if (c->done && (int)t->wq == s->premature_wq && s->fault[SCMWQ_R_PREMATURE_RESUME] ==
	    F_ARMED) {
		s->premature_wq = -1;
		s->force_park = false;
		sim_happened(s, SCMWQ_R_PREMATURE_RESUME, ti, s->now, true, t->wq, true, t->ctx,
			     "firmware drained the same wait-queue twice for one sleeper; the "
			     "second complete() was banked and this later sleeper passed straight "
			     "through");
	}
	sim_comp_wait(s, c, ti);
}

/* A_RESP: firmware's answer arrives and the driver acts on it. */
void sim_a_resp(struct sim *s, int ti)
{
	struct sthr *t = &s->thr[ti];

	switch (t->resp) {
	case R_DONE:
		finish_call(s, ti, 0);
		break;
	case R_BOGUS_RESUME:
		/* the call returned 0, but the driver acts on a stale WAITQ_SLEEP */
		sim_ev_resume(s, ti, t->ctx);
		sim_happened(s, SCMWQ_R_RESUME_WITHOUT_SLEEP, ti, s->now, false, 0, true, t->ctx,
			     "the driver acted on a stale WAITQ_SLEEP and resumed a call that "
			     "never slept; firmware rejects the RESUME");
		t->kind = K_RESUME;
		sim_ev_request(s, ti, SCMWQ_SMC_RESUME, 1, t->ctx);
		t->resp = R_EINVAL;
		sim_sched_in(s, smc_latency(s), A_RESP, ti, 0);
		break;
	case R_EINVAL:
		finish_call(s, ti, -22);
		break;
	case R_INTERRUPTED:
		t->reentry = true;
		sim_sched_in(s, rnd_range(s, 1 * US, 3 * US), A_ENTER, ti, 0);
		break;
	case R_EBUSY:
		/* the driver sleeps QCOM_SCM_EBUSY_WAIT_MS and sends the call again */
		sim_sched_in(s, 30 * MS + rnd_range(s, 0, 200 * US), A_RETRY, ti, 0);
		break;
	case R_WAKE:
		sim_ev_wq(s, ti, SCMWQ_EV_WAKE_ACK, t->r_wq, t->r_ctx);
		s->res->wakes++;
		sim_complete_one(s, t->r_wq);	/* vendor: wakes before it ACKs */
		t->ack_ctx = t->r_ctx;
		if (armed(s, SCMWQ_R_ACK_CTX_MISMATCH)) {
			t->ack_ctx = t->r_ctx + 1;
			sim_happened(s, SCMWQ_R_ACK_CTX_MISMATCH, ti, s->now, false, 0, true,
				     t->r_ctx, "the driver answered WAITQ_WAKE with the ACK of "
				     "another call's smc_call_ctx");
		}
		sim_sched_in(s, rnd_range(s, 2 * US, 8 * US), A_ACK, ti, 0);
		break;
	case R_SLEEP:
		s->res->sleeps++;
		if (t->fast) {
			sim_ev_wq(s, ti, SCMWQ_EV_SLEEP, t->r_wq, t->r_ctx);
			sim_happened(s, SCMWQ_R_SLEEP_IN_ATOMIC_CALL, ti, s->now, true, t->r_wq,
				     true, t->r_ctx, "firmware parked an atomic (fast) call, which "
				     "cannot sleep");
			sim_unpark(s, ti);
			t->resp = R_EINVAL;
			sim_sched_in(s, rnd_range(s, 1 * US, 3 * US), A_RESP, ti, 0);
			break;
		}
		if (t->tag == SCMWQ_R_INVALID_WQ_CTX) {
			t->tag = SCMWQ_R__COUNT;
			sim_ev_wq(s, ti, SCMWQ_EV_SLEEP, t->r_wq, t->r_ctx);
			sim_happened(s, SCMWQ_R_INVALID_WQ_CTX, ti, s->now, true, t->r_wq, true,
				     t->r_ctx, "firmware parked the call on a wait-queue this "
				     "driver does not accept; the call fails with -EINVAL");
			t->resp = R_EINVAL;
			sim_sched_in(s, rnd_range(s, 1 * US, 3 * US), A_RESP, ti, 0);
			break;
		}
		sleep_on(s, ti);
		break;
	}
}

/* A_WOKEN: woken from its completion, the client resumes its call. */
void sim_a_woken(struct sim *s, int ti)
{
	struct sthr *t = &s->thr[ti];
	uint32_t ctx = t->ctx;

	if (t->frozen)
		return;
	s->fwq[t->wq].in_sleep--;
	if (s->fwq[t->wq].stuck && t->parked_fw && s->fault[SCMWQ_R_WAKE_ALL_STUCK] == F_ARMED)
		sim_happened(s, SCMWQ_R_WAKE_ALL_STUCK, ti, s->now, true, t->wq, true, t->ctx,
			     "complete_all() for a WAKE_ALL was never re-initialised (2022 "
			     "design): every later wait on this wait-queue returns at once");
	if (armed(s, SCMWQ_R_RESUME_CTX_MISMATCH)) {
		ctx = t->ctx + 1000;
		sim_unpark(s, ti);
		sim_happened(s, SCMWQ_R_RESUME_CTX_MISMATCH, ti, s->now, true, t->wq, true, t->ctx,
			     "the driver resumed with the smc_call_ctx of an older call");
		sim_ev_resume(s, ti, ctx);
		t->kind = K_RESUME;
		sim_ev_request(s, ti, SCMWQ_SMC_RESUME, 1, ctx);
		t->resp = R_EINVAL;
		sim_sched_in(s, smc_latency(s), A_RESP, ti, 0);
		return;
	}
	sim_ev_resume(s, ti, ctx);
	t->kind = K_RESUME;
	sim_sched_in(s, rnd_range(s, 1 * US, 3 * US), A_ENTER, ti, 0);
}

/* A_RETRY: the call is sent again after -EBUSY. */
void sim_a_retry(struct sim *s, int ti)
{
	struct sthr *t = &s->thr[ti];

	if (t->kind == K_RESUME && t->tag == SCMWQ_R_EBUSY_RETRY_RESUME) {
		/* the 2022 V3/V4 retry loop: RESUME again, not the original call */
		t->tag = SCMWQ_R__COUNT;
		sim_ev_request(s, ti, SCMWQ_SMC_RESUME, 1, t->ctx);
		sim_happened(s, SCMWQ_R_EBUSY_RETRY_RESUME, ti, s->now, false, 0, false, 0,
			     "RESUME got -EBUSY and the retry loop re-sent RESUME instead of the "
			     "original call");
		t->resp = R_DONE;
		sim_sched_in(s, smc_latency(s), A_RESP, ti, 0);
		return;
	}
	sim_sched_in(s, 0, A_ENTER, ti, 0);
}

/* A_ACK: the client ACKs the WAKE it was handed. */
void sim_a_ack(struct sim *s, int ti)
{
	struct sthr *t = &s->thr[ti];

	t->kind = K_ACK;
	sim_sched_in(s, 0, A_ENTER, ti, 0);
}

/* A_HEARTBEAT: the heartbeat's atomic call, its request (phase 0) then its end. */
void sim_a_heartbeat(struct sim *s, uint32_t phase)
{
	if (phase == 0) {
		sim_ev_request(s, HEARTBEAT, 0xc2000a01ULL, 1, 0);
		sim_sched_in(s, rnd_range(s, 2 * US, 6 * US), A_HEARTBEAT, HEARTBEAT, 1);
		return;
	}
	sim_ev_done(s, HEARTBEAT, 0xc2000a01ULL, 0, 0);
	sim_sched_in(s, rnd_range(s, 2 * MS, 5 * MS), A_HEARTBEAT, HEARTBEAT, 0);
}
