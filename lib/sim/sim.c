// SPDX-License-Identifier: GPL-2.0
/*
 * The protocol simulator: a model of the firmware against a model of one
 * of the real driver variants, with faults injected, writing the trace the
 * kernel's tracepoints would have produced and a record of the truth.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/det.h"

#define ALL_DRIVERS ((1u << SCMWQ_DRV_MAINLINE) | (1u << SCMWQ_DRV_MAINLINE_6_3) | \
		     (1u << SCMWQ_DRV_MAINLINE_6_11) | (1u << SCMWQ_DRV_VENDOR) | \
		     (1u << SCMWQ_DRV_DRAFT_2022))
#define D(x) (1u << SCMWQ_DRV_##x)

/* Which drivers each fault can happen with (deterministic, live). */
static const struct {
	enum scmwq_rule rule;
	unsigned int drivers;
	unsigned int live;
} faults[] = {
	{ SCMWQ_R_LOST_WAKEUP,		ALL_DRIVERS, 0 },
	{ SCMWQ_R_SLOW_RESUME,		ALL_DRIVERS, ALL_DRIVERS },
	{ SCMWQ_R_STRANDED_SLEEPER,	ALL_DRIVERS, ALL_DRIVERS },
	{ SCMWQ_R_DRAIN_ABORTED,	D(MAINLINE) | D(VENDOR) | D(DRAFT_2022), 0 },
	{ SCMWQ_R_WAKE_ALL_REJECTED,	D(MAINLINE) | D(MAINLINE_6_11), 0 },
	{ SCMWQ_R_WAKE_ALL_PARTIAL,	D(VENDOR), D(VENDOR) },
	{ SCMWQ_R_WAKE_ALL_STUCK,	D(DRAFT_2022), 0 },
	{ SCMWQ_R_PREMATURE_RESUME,	ALL_DRIVERS, 0 },
	{ SCMWQ_R_SPURIOUS_WAKE,	ALL_DRIVERS, 0 },
	{ SCMWQ_R_INVALID_FLAGS,	ALL_DRIVERS, 0 },
	{ SCMWQ_R_INVALID_WQ_CTX,	D(MAINLINE) | D(MAINLINE_6_3) | D(MAINLINE_6_11), 0 },
	{ SCMWQ_R_RESUME_CTX_MISMATCH,	ALL_DRIVERS, 0 },
	{ SCMWQ_R_RESUME_WITHOUT_SLEEP,	ALL_DRIVERS, 0 },
	{ SCMWQ_R_SLEEP_WHILE_SLEEPING,	ALL_DRIVERS, 0 },
	{ SCMWQ_R_ACK_CTX_MISMATCH,	D(VENDOR) | D(DRAFT_2022), 0 },
	{ SCMWQ_R_EBUSY_RETRY_RESUME,	D(DRAFT_2022), 0 },
	{ SCMWQ_R_GET_WQ_CTX_STD_CALL,	D(MAINLINE_6_3) | D(VENDOR) | D(DRAFT_2022), 0 },
	{ SCMWQ_R_SLEEP_IN_ATOMIC_CALL,	ALL_DRIVERS, 0 },
	{ SCMWQ_R_LONG_SLEEP,		ALL_DRIVERS, ALL_DRIVERS },
};

unsigned int scmwq_sim_fault_drivers(enum scmwq_rule rule, bool live)
{
	for (size_t i = 0; i < ARRAY_SIZE(faults); i++)
		if (faults[i].rule == rule)
			return live ? faults[i].live : faults[i].drivers;
	return 0;
}

void scmwq_sim_opts_init(struct scmwq_sim_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->driver = SCMWQ_DRV_MAINLINE;
	o->seed = 1;
	o->calls = 1000;
	o->threads = 4;
	o->queues = 4;
	o->format = SCMWQ_SYS_UNKNOWN;
}

/* ------------------------------------------------------------------ */
/* The driver: client threads                                          */

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

static void a_call(struct sim *s, int ti)
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

static void a_enter(struct sim *s, int ti)
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

static void a_resp(struct sim *s, int ti)
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

static void a_woken(struct sim *s, int ti)
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

static void a_retry(struct sim *s, int ti)
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

static void a_ack(struct sim *s, int ti)
{
	struct sthr *t = &s->thr[ti];

	t->kind = K_ACK;
	sim_sched_in(s, 0, A_ENTER, ti, 0);
}

/* ------------------------------------------------------------------ */
/* The driver: the waitq IRQ thread                                    */

static void end_drain(struct sim *s)
{
	if (s->irq_raised && s->npend) {
		s->irq_raised = false;
		sim_sched_in(s, rnd_range(s, 3 * US, 8 * US), A_DRAIN, IRQ, 0);
		return;
	}
	s->irq_raised = false;
	s->irq_busy = false;
}

static void a_drain(struct sim *s, uint32_t phase)
{
	struct pending p;
	bool more, go_on = true;

	if (phase == 0) {
		uint64_t id = s->std_getwq ? SCMWQ_SMC_GET_WQ_CTX_STD : SCMWQ_SMC_GET_WQ_CTX;

		sim_ev_request(s, IRQ, id, 0, 0);
		if (s->std_getwq && s->fault[SCMWQ_R_GET_WQ_CTX_STD_CALL] == F_ARMED)
			sim_happened(s, SCMWQ_R_GET_WQ_CTX_STD_CALL, IRQ, s->now, false, 0, false,
				     0, "this driver issues GET_WQ_CTX as a standard call "
				     "(0x42002403), which firmware may park: the fix of 2024 made "
				     "it a fast call");
		if (!s->npend) {
			end_drain(s);	/* GET_WQ_CTX failed: nothing ready */
			return;
		}
		sim_sched_in(s, rnd_range(s, 2 * US, 4 * US), A_DRAIN, IRQ, 1);
		return;
	}
	if (!s->npend) {
		end_drain(s);
		return;
	}
	p = sim_pop_pending(s, 0);
	more = s->npend > 0;
	sim_ev_getwq(s, p.wq, p.flags, more);
	s->res->wakes++;

	switch (p.flags) {
	case SCMWQ_WAKE_ONE:
		sim_complete_one(s, p.wq);
		break;
	case SCMWQ_WAKE_ALL:
		switch (s->o->driver) {
		case SCMWQ_DRV_VENDOR:
			sim_complete_all(s, p.wq, true);
			break;
		case SCMWQ_DRV_DRAFT_2022:
			sim_complete_all(s, p.wq, false);
			if (s->fault[SCMWQ_R_WAKE_ALL_STUCK] == F_ARMED) {
				s->stuck_from = sim_calls_in_progress(s, s->burst_ts);
				/* the next call parked here finds the completion done */
				s->fwq[p.wq].stuck = true;
				s->force_park = true;
				s->force_wq = p.wq;
				s->force_park_left = 1;
			}
			break;
		case SCMWQ_DRV_MAINLINE_6_3:
			sim_complete_one(s, p.wq);	/* 6.3-6.10: WAKE_ALL is one complete() */
			break;
		default:
			/* since 2024: invalid flags; no complete(), the loop stops */
			if (p.fault == SCMWQ_R_WAKE_ALL_REJECTED)
				sim_happened(s, p.fault, IRQ, s->now, true, p.wq, false, 0,
					     "firmware sent WAKE_ALL, which this driver rejects as "
					     "invalid flags: no complete(), the drain stops");
			go_on = false;
		}
		break;
	default:
		if (p.fault == SCMWQ_R_INVALID_FLAGS)
			sim_happened(s, p.fault, IRQ, s->now, true, p.wq, false, 0, "firmware "
				     "returned flags outside WAKE_ONE/WAKE_ALL: the driver wakes "
				     "no one");
		if (is_mainline(s))
			go_on = false;
	}

	switch (p.fault) {
	case SCMWQ_R_DRAIN_ABORTED:
		sim_happened(s, p.fault, IRQ, s->now, true, p.wq, false, 0,
			     "the IRQ handler's drain loop returned after one GET_WQ_CTX although "
			     "more_pending was set: the other wait-queue is never woken");
		/*
		 * Firmware raises the IRQ on an edge; with a queue still ready it
		 * never raises it again: whatever parks from now on would be
		 * stranded too.  Firmware parks nothing more.
		 */
		for (unsigned int q = 0; q < s->queues; q++)
			s->fwq[q].poisoned = true;
		s->irq_dead = true;
		go_on = false;
		break;
	case SCMWQ_R_PREMATURE_RESUME:
		/* the second wake was banked: the next sleeper here passes through */
		s->premature_from = sim_calls_in_progress(s, s->burst_ts);
		s->premature_wq = (int)p.wq;
		s->force_park = true;
		s->force_wq = p.wq;
		s->force_park_left = 1;
		break;
	case SCMWQ_R_SPURIOUS_WAKE:
		sim_happened(s, p.fault, IRQ, s->now, true, p.wq, false, 0,
			     "firmware drained a wait-queue no call was parked on; the token stays "
			     "banked in the completion");
		break;
	default:
		break;
	}
	if (!go_on) {
		sim_drop_pending(s);
		end_drain(s);
		return;
	}
	if (more)
		sim_sched_in(s, rnd_range(s, 3 * US, 8 * US), A_DRAIN, IRQ, 0);
	else
		end_drain(s);
}

static void a_irq(struct sim *s)
{
	if (s->irq_dead)
		return;		/* raised before the drain was aborted: gone */
	if (s->irq_busy) {
		s->irq_raised = true;
		return;
	}
	s->irq_busy = true;
	s->burst_ts = s->now;
	sim_sched_in(s, rnd_range(s, 1 * US, 3 * US), A_DRAIN, IRQ, 0);
}

static void a_heartbeat(struct sim *s, uint32_t phase)
{
	if (phase == 0) {
		sim_ev_request(s, HEARTBEAT, 0xc2000a01ULL, 1, 0);
		sim_sched_in(s, rnd_range(s, 2 * US, 6 * US), A_HEARTBEAT, HEARTBEAT, 1);
		return;
	}
	sim_ev_done(s, HEARTBEAT, 0xc2000a01ULL, 0, 0);
	sim_sched_in(s, rnd_range(s, 2 * MS, 5 * MS), A_HEARTBEAT, HEARTBEAT, 0);
}

/* ------------------------------------------------------------------ */
/* Arming the faults                                                   */

static void arm(struct sim *s, enum scmwq_rule r)
{
	switch (r) {
	case SCMWQ_R_WAKE_ALL_PARTIAL:
	case SCMWQ_R_WAKE_ALL_STUCK:
		s->force_park = true;
		s->force_wq = (uint32_t)(rnd(s) % s->queues);
		for (unsigned int i = 0; i < s->queues && s->fwq[s->force_wq].poisoned; i++)
			s->force_wq = (s->force_wq + 1) % s->queues;
		s->force_park_left = 1000;
		break;
	case SCMWQ_R_DRAIN_ABORTED:
		s->force_park = true;
		s->force_park_left = 1000;
		break;
	case SCMWQ_R_SPURIOUS_WAKE:
		for (unsigned int q = 0; q < s->queues; q++) {
			struct fwq *f = &s->fwq[q];

			if (!f->seen_sleep || f->nparked || f->in_sleep || f->poisoned ||
			    comp_of(s, q)->nwait || comp_of(s, q)->done)
				continue;
			f->no_park_until = s->now + 500 * US;
			sim_push_pending(s, q, SCMWQ_WAKE_ONE, SCMWQ_R_SPURIOUS_WAKE, false);
			s->inflight[r] = true;
			sim_raise_irq(s);
			return;
		}
		s->arm_at[r] = s->now + MS;	/* no quiet wait-queue yet: later */
		return;
	default:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* The run                                                             */

static const char *const client_names[] = {
	"qseecomd", "kworker/u16:3", "hdcp-svc", "tz-log", "qcrypto-wq", "ice-sec",
	"rmtfs", "cpuhp-scm",
};

static int sim_init(struct sim *s)
{
	uint64_t base;

	s->rng = s->o->seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
	if (!s->rng)
		s->rng = 1;
	rnd(s);
	s->now = START_NS;
	s->lock_holder = -1;
	s->premature_wq = -1;
	s->nthr = (int)s->o->threads + FIRST_CLIENT;
	base = 300 + rnd(s) % 20000;
	snprintf(s->thr[HEARTBEAT].comm, SCMWQ_COMM_LEN, "kworker/0:1H");
	s->thr[HEARTBEAT].pid = (int)base;
	s->thr[HEARTBEAT].cpu = 0;
	snprintf(s->thr[IRQ].comm, SCMWQ_COMM_LEN, "irq/41-qcom-scm");
	s->thr[IRQ].pid = (int)base + 1;
	s->thr[IRQ].cpu = 0;
	for (int i = FIRST_CLIENT; i < s->nthr; i++) {
		struct sthr *t = &s->thr[i];
		int k = i - FIRST_CLIENT;

		if (k < (int)ARRAY_SIZE(client_names))
			snprintf(t->comm, SCMWQ_COMM_LEN, "%s", client_names[k]);
		else
			snprintf(t->comm, SCMWQ_COMM_LEN, "scm-client-%d", k);
		t->pid = (int)base + 40 + k * 7;
		t->cpu = k % 4;
		t->think = rnd_range(s, 200 * US, 1 * MS);
	}
	for (int i = 0; i < s->nthr; i++)
		s->thr[i].tag = SCMWQ_R__COUNT;
	return 0;
}

static void dispatch(struct sim *s, const struct action *a)
{
	switch (a->act) {
	case A_CALL:
		a_call(s, a->thr);
		break;
	case A_ENTER:
		a_enter(s, a->thr);
		break;
	case A_RESP:
		a_resp(s, a->thr);
		break;
	case A_WOKEN:
		a_woken(s, a->thr);
		break;
	case A_RETRY:
		a_retry(s, a->thr);
		break;
	case A_ACK:
		a_ack(s, a->thr);
		break;
	case A_RELEASE:
		sim_fw_release(s, a->arg);
		break;
	case A_IRQ:
		a_irq(s);
		break;
	case A_DRAIN:
		a_drain(s, a->arg);
		break;
	case A_HEARTBEAT:
		a_heartbeat(s, a->arg);
		break;
	case A_FALLBACK:
		sim_fw_fallback(s);
		break;
	}
}

static bool finished(struct sim *s)
{
	bool calls_done = s->res->calls >= s->o->calls;
	bool stalled = s->now > s->last_progress + 2 * GRACE_TAIL;

	if (s->now < s->end_not_before || outstanding(s))
		return false;
	if (s->o->duration_ns && s->now >= START_NS + s->o->duration_ns)
		return true;
	return calls_done || stalled;
}

static int run_deterministic(struct sim *s)
{
	const struct scmwq_sim_opts *o = s->o;

	sim_init(s);
	if (scmwq_text_write_header(o->out, 4, 0) < 0)
		return scmwq_error_set(s->err, SCMWQ_E_INTERNAL, "cannot write the trace");
	for (int i = 0; i < o->n_inject; i++) {
		enum scmwq_rule r = o->inject[i];

		s->fault_count[r]++;
		s->fault[r] = F_ARMED;
		s->arm_at[r] = START_NS + rnd_range(s, 2 * MS, 20 * MS);
		if (r == SCMWQ_R_GET_WQ_CTX_STD_CALL) {
			s->std_getwq = true;
			s->arm_at[r] = START_NS;
		}
	}
	s->give_up = START_NS + 120 * SEC;
	s->last_progress = START_NS;

	/* mainline since 2026 asks firmware how many wait-queues it has */
	if (o->driver == SCMWQ_DRV_MAINLINE) {
		sim_ev_request(s, FIRST_CLIENT, SCMWQ_SMC_GET_INFO, 0, 0);
		s->now += 3 * US;
		sim_ev_done(s, FIRST_CLIENT, SCMWQ_SMC_GET_INFO, 0, s->queues);
	}
	for (int i = FIRST_CLIENT; i < s->nthr; i++)
		sim_sched_in(s, rnd_range(s, 10 * US, 500 * US), A_CALL, i, 0);
	sim_sched_in(s, rnd_range(s, 100 * US, 2 * MS), A_HEARTBEAT, HEARTBEAT, 0);

	while (s->queue.n && !s->stop) {
		struct action a;

		scmwq_heap_pop(&s->queue, &a);
		s->now = a.when;
		for (int r = 0; r < SCMWQ_R__COUNT; r++)
			if (s->fault[r] == F_ARMED && !s->inflight[r] && s->now >= s->arm_at[r] &&
			    !s->armed_once[r]) {
				s->armed_once[r] = true;
				arm(s, r);
			} else if (s->fault[r] == F_ARMED && r == SCMWQ_R_SPURIOUS_WAKE &&
				   !s->inflight[r] && s->now >= s->arm_at[r]) {
				arm(s, r);
			}
		dispatch(s, &a);
		if (finished(s))
			break;
		/* a fault the run could not set up in two virtual minutes */
		if (outstanding(s) && s->now > s->give_up) {
			for (int r = 0; r < SCMWQ_R__COUNT; r++)
				if (s->fault[r] == F_ARMED)
					return scmwq_error_set(s->err, SCMWQ_E_INTERNAL,
							       "could not set up --inject=%s in this "
							       "run (seed %llu); try another seed",
							       scmwq_rule_info(r)->id,
							       (unsigned long long)o->seed);
		}
	}
	if (s->write_error || fflush(o->out) || ferror(o->out))
		return scmwq_error_set(s->err, SCMWQ_E_INTERNAL, "cannot write the trace");
	return s->stop && s->err->cls ? -1 : 0;
}

int scmwq_sim_run(const struct scmwq_sim_opts *o, struct scmwq_sim_result *res,
		  struct scmwq_error *err)
{
	struct scmwq_sim_opts opts = *o;
	struct sim *s;
	int ret;

	memset(res, 0, sizeof(*res));
	if (opts.driver <= SCMWQ_DRV_AUTO || opts.driver >= SCMWQ_DRV__COUNT)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "simulate needs a driver, not auto");
	if (opts.threads < 1 || opts.threads > MAX_THREADS)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "--threads must be 1 to %d", MAX_THREADS);
	if (opts.queues < 1 || opts.queues > MAX_QUEUES / 2)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "--queues must be 1 to %d", MAX_QUEUES / 2);
	if (opts.driver == SCMWQ_DRV_MAINLINE_6_3 || opts.driver == SCMWQ_DRV_MAINLINE_6_11)
		opts.queues = 1;	/* wq_ctx must be 0 */
	if (opts.format == SCMWQ_SYS_UNKNOWN)
		opts.format = opts.driver == SCMWQ_DRV_VENDOR || opts.driver == SCMWQ_DRV_DRAFT_2022 ?
			      SCMWQ_SYS_SCM : SCMWQ_SYS_QCOM_SCM;
	for (int i = 0; i < opts.n_inject; i++) {
		enum scmwq_rule r = opts.inject[i];
		unsigned int mask = scmwq_sim_fault_drivers(r, opts.live);
		char need[128] = "";

		if (!(mask & (1u << opts.driver))) {
			for (int d = SCMWQ_DRV_MAINLINE; d < SCMWQ_DRV__COUNT; d++)
				if (mask & (1u << d))
					snprintf(need + strlen(need), sizeof(need) - strlen(need),
						 "%s--driver=%s", need[0] ? " or " : "",
						 scmwq_driver_name(d));
			if (!mask)
				return scmwq_error_set(err, SCMWQ_E_USAGE, "--inject=%s: no fault of "
						       "the %s engine causes it",
						       scmwq_rule_info(r)->id,
						       opts.live ? "live" : "deterministic");
			return scmwq_error_set(err, SCMWQ_E_USAGE, "--inject=%s needs %s (not %s)",
					       scmwq_rule_info(r)->id, need,
					       scmwq_driver_name(opts.driver));
		}
		if (r == SCMWQ_R_DRAIN_ABORTED && opts.queues < 2)
			return scmwq_error_set(err, SCMWQ_E_USAGE, "--inject=drain-aborted needs "
					       "--queues of 2 or more: two wait-queues ready at once");
		if ((r == SCMWQ_R_WAKE_ALL_PARTIAL || r == SCMWQ_R_WAKE_ALL_STUCK ||
		     r == SCMWQ_R_DRAIN_ABORTED) && opts.threads < 2)
			return scmwq_error_set(err, SCMWQ_E_USAGE, "--inject=%s needs --threads of 2 "
					       "or more: two calls parked at once",
					       scmwq_rule_info(r)->id);
	}
	if (opts.live)
		return scmwq_sim_live_run(&opts, res, err);

	s = calloc(1, sizeof(*s));
	if (!s)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	s->o = &opts;
	s->res = res;
	s->err = err;
	s->sys = opts.format;
	s->queues = opts.queues;
	scmwq_heap_init(&s->queue, sizeof(struct action), sim_action_less);
	ret = run_deterministic(s);
	if (ret == 0 && opts.truth && scmwq_truth_write(opts.truth, &s->truth, &opts, res) < 0)
		ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "cannot write the truth file");
	scmwq_heap_free(&s->queue);
	free(s);
	return ret;
}
