// SPDX-License-Identifier: GPL-2.0
/*
 * The driver model of the deterministic engine, on its waitq IRQ thread:
 * the handler's GET_WQ_CTX drain loop and what each driver variant does
 * with the wake it fetches (WAKE_ONE, WAKE_ALL, invalid flags).
 */
#include "sim/det.h"

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

/* The handler's GET_WQ_CTX: the answer comes next, if firmware has a wake ready. */
static void drain_request(struct sim *s)
{
	uint64_t id = s->std_getwq ? SCMWQ_SMC_GET_WQ_CTX_STD : SCMWQ_SMC_GET_WQ_CTX;

	sim_ev_request(s, IRQ, id, 0, 0);
	if (s->std_getwq && s->fault[SCMWQ_R_GET_WQ_CTX_STD_CALL] == F_ARMED)
		sim_happened(s, SCMWQ_R_GET_WQ_CTX_STD_CALL, IRQ, s->now, false, 0, false, 0,
			     "this driver issues GET_WQ_CTX as a standard call (0x42002403), "
			     "which firmware may park: the fix of 2024 made it a fast call");
	if (!s->npend) {
		end_drain(s);	/* GET_WQ_CTX failed: nothing ready */
		return;
	}
	sim_sched_in(s, rnd_range(s, 2 * US, 4 * US), A_DRAIN, IRQ, 1);
}

/* What the driver does with the wake @p it fetched.  false: the drain stops. */
static bool drain_wake(struct sim *s, struct pending p)
{
	bool go_on = true;

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
	return go_on;
}

/* The fault the wake @p carries, once the driver has acted on it.  false: the drain stops. */
static bool drain_fault(struct sim *s, struct pending p)
{
	bool go_on = true;

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
	return go_on;
}

/* A_DRAIN: the handler's GET_WQ_CTX (phase 0), then what it does with the answer. */
void sim_a_drain(struct sim *s, uint32_t phase)
{
	struct pending p;
	bool more, go_on;

	if (phase == 0) {
		drain_request(s);
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

	go_on = drain_wake(s, p);
	if (!drain_fault(s, p))
		go_on = false;
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

/* A_IRQ: the waitq IRQ fires; a handler already draining only notes it. */
void sim_a_irq(struct sim *s)
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
