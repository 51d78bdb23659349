// SPDX-License-Identifier: GPL-2.0
/*
 * The firmware model of the deterministic engine (TrustZone): its answer to
 * each smc a call makes, where it parks calls, and how it wakes them when a
 * resource frees up, with the faults that are firmware's doing.
 */
#include <string.h>

#include "sim/det.h"

/*
 * drain-aborted: the release of @wq is held until a call is parked on
 * another wait-queue too, then both go at once.
 */
static void release_two(struct sim *s, uint32_t wq)
{
	struct fwq *q = &s->fwq[wq];
	int other;

	other = sim_other_parked(s, wq);
	if (other < 0) {
		s->force_park = true;
		sim_schedule_release(s, wq, 200 * US);
		return;
	}
	s->force_park = false;
	/* both resources free at once: two wakes pending for one IRQ */
	sim_release_first(s, wq);
	sim_push_pending(s, wq, SCMWQ_WAKE_ONE, SCMWQ_R_DRAIN_ABORTED, false);
	sim_release_first(s, (uint32_t)other);
	s->fwq[other].poisoned = true;
	sim_push_pending(s, (uint32_t)other, SCMWQ_WAKE_ONE, SCMWQ_R__COUNT, false);
	if (q->nparked)
		sim_schedule_release(s, wq, rnd_range(s, 100 * US, 2 * MS));
	sim_raise_irq(s);
}

/*
 * How firmware wakes @wq this time: the flags of the wake (WAKE_ONE,
 * WAKE_ALL, invalid) and the fault it carries.  false: no wake now (held
 * until a fault has the company it needs, or the wake is lost).
 */
static bool release_how(struct sim *s, uint32_t wq, uint32_t *flags, enum scmwq_rule *fault)
{
	struct fwq *q = &s->fwq[wq];

	if ((armed(s, SCMWQ_R_WAKE_ALL_PARTIAL) || armed(s, SCMWQ_R_WAKE_ALL_STUCK)) &&
	    (int)wq == (int)s->force_wq && s->force_park) {
		/*
		 * Every call parked here is in the WAKE_ALL, and no other wake
		 * for this queue is on its way: after it, the queue is retired,
		 * so nothing can wake the waiter the race leaves behind.
		 */
		if (sim_eligible(s, wq) < 2 || sim_eligible(s, wq) != q->nparked || q->nreleased ||
		    sim_pending_for(s, wq)) {
			sim_schedule_release(s, wq, 200 * US);
			return false;
		}
		s->force_park = false;
		if (armed(s, SCMWQ_R_WAKE_ALL_PARTIAL))
			q->poisoned = true;
		*flags = SCMWQ_WAKE_ALL;
	} else if (q->nparked == 1 && !q->nreleased && comp_of(s, wq)->nwait == 1 &&
		   armed(s, SCMWQ_R_STRANDED_SLEEPER)) {
		/* the waitq IRQ is not wired up: the wake never reaches Linux */
		int ti = sim_release_first(s, wq);

		q->poisoned = true;
		sim_happened(s, SCMWQ_R_STRANDED_SLEEPER, ti, s->thr[ti].sleep_ts, true, wq, true,
			     s->thr[ti].ctx, "firmware raised the waitq interrupt, but no handler "
			     "is wired to it (the device tree lacks it): the wake never reaches "
			     "Linux");
		if (s->end_not_before < s->thr[ti].sleep_ts + GRACE_TAIL)
			s->end_not_before = s->thr[ti].sleep_ts + GRACE_TAIL;
		return false;
	} else if (armed(s, SCMWQ_R_WAKE_ALL_REJECTED) && q->nparked == 1 && !s->npend) {
		*flags = SCMWQ_WAKE_ALL;
		*fault = SCMWQ_R_WAKE_ALL_REJECTED;
		s->inflight[*fault] = true;	/* until the drain delivers it */
	} else if (armed(s, SCMWQ_R_INVALID_FLAGS) && q->nparked == 1 && !s->npend) {
		*flags = 5;
		*fault = SCMWQ_R_INVALID_FLAGS;
		s->inflight[*fault] = true;
	} else if (s->o->driver == SCMWQ_DRV_VENDOR && sim_eligible(s, wq) >= 2 && chance(s, 300)) {
		*flags = SCMWQ_WAKE_ALL;
	} else if (s->o->driver == SCMWQ_DRV_MAINLINE_6_3 && chance(s, 200)) {
		/* one sleeper at most (the mutex): 6.3's single complete() is enough */
		*flags = SCMWQ_WAKE_ALL;
	}
	return true;
}

/* Firmware lets go the calls parked on @wq that a wake with @flags is for. */
static void release_calls(struct sim *s, uint32_t wq, uint32_t flags)
{
	struct fwq *q = &s->fwq[wq];

	if (flags == SCMWQ_WAKE_ALL && !is_mainline(s)) {
		/* those whose sleep is logged; later ones wait for the next release */
		for (int i = 0; i < q->nparked;) {
			int ti = q->parked[i];

			if (s->thr[ti].park_ts + 60 * US > s->now) {
				i++;
				continue;
			}
			memmove(q->parked + i, q->parked + i + 1,
				(size_t)(--q->nparked - i) * sizeof(int));
			s->thr[ti].parked_fw = false;
			s->thr[ti].released = true;
			q->nreleased++;
		}
	} else if (flags == SCMWQ_WAKE_ALL || flags == 5) {
		while (q->nparked)
			sim_release_first(s, wq);
		if (flags == 5 || s->o->driver == SCMWQ_DRV_MAINLINE ||
		    s->o->driver == SCMWQ_DRV_MAINLINE_6_11)
			q->poisoned = true;	/* its sleepers stay asleep */
	} else {
		sim_release_first(s, wq);
	}
}

/*
 * The wake goes to Linux: by the waitq IRQ, or (WAKE/ACK drivers) as the
 * WAITQ_WAKE return of the next call that comes in.
 */
static void deliver_wake(struct sim *s, uint32_t wq, uint32_t flags, enum scmwq_rule fault)
{
	struct fwq *q = &s->fwq[wq];
	bool wake_path = false;

	if (flags == SCMWQ_WAKE_ONE && fault == SCMWQ_R__COUNT && has_wake_ack(s) &&
	    (armed(s, SCMWQ_R_ACK_CTX_MISMATCH) || chance(s, 400))) {
		/* firmware will return WAITQ_WAKE to the next call that comes in */
		wake_path = true;
		sim_push_pending(s, wq, flags, fault, true);
		sim_sched_in(s, armed(s, SCMWQ_R_ACK_CTX_MISMATCH) ? 50 * MS : 300 * US, A_FALLBACK,
			     IRQ, 0);
		return;
	}
	sim_push_pending(s, wq, flags, fault, wake_path);
	if (flags == SCMWQ_WAKE_ONE && !s->npend_double && !q->nparked && q->nreleased == 1 &&
	    comp_of(s, wq)->nwait == 1 && q->in_sleep == 1 && armed(s, SCMWQ_R_PREMATURE_RESUME)) {
		/* firmware wakes the same wait-queue twice: the second is banked */
		q->no_park_until = s->now + 300 * US;
		sim_push_pending(s, wq, flags, SCMWQ_R_PREMATURE_RESUME, false);
		s->npend_double = true;
	}
	sim_raise_irq(s);
}

/* A resource frees up: firmware wakes what is parked on its wait-queue. */
void sim_fw_release(struct sim *s, uint32_t wq)
{
	struct fwq *q = &s->fwq[wq];
	enum scmwq_rule fault = SCMWQ_R__COUNT;
	uint32_t flags = SCMWQ_WAKE_ONE;

	q->release_scheduled = false;
	if (!q->nparked || q->stuck)
		return;		/* stuck: its callers end by themselves, unwoken */

	/* faults that need company: hold the release until it is there */
	if (armed(s, SCMWQ_R_DRAIN_ABORTED)) {
		release_two(s, wq);
		return;
	}
	if (!release_how(s, wq, &flags, &fault))
		return;
	release_calls(s, wq, flags);
	if (q->nparked)
		sim_schedule_release(s, wq, rnd_range(s, 100 * US, 2 * MS));
	deliver_wake(s, wq, flags, fault);
}

/* Where firmware parks an original call, or -1 to let it through. */
static int fw_park_wq(struct sim *s, struct sthr *t)
{
	unsigned int wq = t->wq;

	if (s->force_park) {
		if (armed(s, SCMWQ_R_DRAIN_ABORTED)) {
			/* the second one on another wait-queue than the first */
			for (unsigned int i = 0; i < s->queues; i++) {
				unsigned int q = (wq + i) % s->queues;

				if (!s->fwq[q].poisoned && !s->fwq[q].nparked)
					return (int)q;
			}
			return -1;
		}
		if (!s->fwq[s->force_wq].poisoned)
			return (int)s->force_wq;
	}
	if (s->fwq[wq].poisoned || s->now < s->fwq[wq].no_park_until)
		return -1;
	return chance(s, 300) ? (int)wq : -1;
}

static enum resp fw_park(struct sim *s, int ti, int wq)
{
	struct sthr *t = &s->thr[ti];
	struct fwq *q = &s->fwq[wq];
	uint64_t hold = rnd_range(s, 100 * US, 2 * MS);

	t->wq = (uint32_t)wq;
	t->ctx = ++s->next_ctx;
	t->parked_fw = true;
	t->released = false;
	t->park_ts = s->now;
	t->r_wq = t->wq;
	t->r_ctx = t->ctx;
	q->parked[q->nparked++] = ti;
	q->seen_sleep = true;
	if (!t->fast && q->nparked == 1 && !q->nreleased && !q->in_sleep &&
	    !comp_of(s, (uint32_t)wq)->nwait && armed(s, SCMWQ_R_LONG_SLEEP)) {
		hold = SEC + 200 * MS;
		t->long_sleep = true;
		q->no_park_until = s->now + hold + MS;	/* no one else shares the queue */
		sim_happened(s, SCMWQ_R_LONG_SLEEP, ti, s->now + 10 * US, true, t->wq, true, t->ctx,
			     "the resource stayed busy for 1.2 s: firmware woke the call only "
			     "then");
		/* replay needs the sleep to end: the truth tail starts after it */
		s->end_not_before = s->now + hold + GRACE_TAIL;
	}
	if (s->force_park && --s->force_park_left <= 0 && !armed(s, SCMWQ_R_DRAIN_ABORTED) &&
	    !armed(s, SCMWQ_R_WAKE_ALL_PARTIAL) && !armed(s, SCMWQ_R_WAKE_ALL_STUCK))
		s->force_park = false;
	sim_schedule_release(s, (uint32_t)wq, hold);
	return R_SLEEP;
}

/* A RESUME: done once firmware let the call go, SLEEP again while it holds it. */
static enum resp fw_resume(struct sim *s, int ti)
{
	struct sthr *t = &s->thr[ti];

	if (t->ebusy == 0 && take(s, SCMWQ_R_EBUSY_RETRY_RESUME, ti)) {
		t->ebusy++;
		return R_EBUSY;
	}
	if (s->fwq[t->wq].stuck && t->parked_fw) {
		/* still busy: SLEEP again, and the wait returns at once again */
		if (t->loops++ < 4)
			return R_SLEEP;
		sim_unpark(s, ti);
		s->fwq[t->wq].poisoned = true;
		return R_DONE;
	}
	if (t->released) {
		t->released = false;
		s->fwq[t->wq].nreleased--;
		return R_DONE;
	}
	if (t->parked_fw && s->fwq[t->wq].nreleased > 0) {
		/*
		 * Linux woke this one, not the one firmware released:
		 * the release is this one's, the other waits again.
		 */
		for (int i = FIRST_CLIENT; i < s->nthr; i++) {
			struct sthr *r = &s->thr[i];
			struct fwq *q = &s->fwq[t->wq];

			if (i == ti || !r->released || r->wq != t->wq)
				continue;
			sim_unpark(s, ti);
			r->released = false;
			r->parked_fw = true;
			q->nreleased--;
			memmove(q->parked + 1, q->parked, (size_t)q->nparked * sizeof(int));
			q->parked[0] = i;
			q->nparked++;
			sim_schedule_release(s, t->wq, rnd_range(s, 100 * US, 2 * MS));
			return R_DONE;
		}
	}
	if (t->parked_fw)		/* woken early: firmware parks it again */
		return R_SLEEP;
	return R_DONE;
}

/*
 * The work of a call (an original call, or the one a WAKE came back to with
 * its ACK): done, or parked on a busy resource.
 */
static enum resp fw_work(struct sim *s, int ti)
{
	struct sthr *t = &s->thr[ti];
	int wq;

	if (t->fast && t->tag != SCMWQ_R_SLEEP_IN_ATOMIC_CALL)
		return R_DONE;
	if (!t->fast && take(s, SCMWQ_R_INVALID_WQ_CTX, ti)) {
		t->ctx = ++s->next_ctx;
		t->r_ctx = t->ctx;
		t->r_wq = has_global_mutex(s) ? 1 + (uint32_t)rnd_range(s, 0, 2) :
			  s->queues + (uint32_t)rnd_range(s, 0, 3);
		t->wq = t->r_wq;
		return R_SLEEP;		/* on a wait-queue Linux rejects */
	}
	if (t->fast) {
		wq = (int)t->wq;
		if (s->fwq[wq].poisoned)
			wq = 0;
		return fw_park(s, ti, wq);
	}
	wq = fw_park_wq(s, t);
	if (wq >= 0)
		return fw_park(s, ti, wq);
	if (t->kind == K_ORIG && take(s, SCMWQ_R_RESUME_WITHOUT_SLEEP, ti)) {
		t->ctx = ++s->next_ctx;
		return R_BOGUS_RESUME;
	}
	return R_DONE;
}

/*
 * An original call: a pending wake goes back with it (WAKE/ACK drivers),
 * or it is interrupted, or busy, or firmware does its work.
 */
static enum resp fw_orig(struct sim *s, int ti)
{
	struct sthr *t = &s->thr[ti];

	if (has_wake_ack(s) && !t->fast) {
		for (int i = 0; i < s->npend; i++) {
			if (!s->pend[i].wake_path)
				continue;
			struct pending p = sim_pop_pending(s, i);

			t->r_wq = p.wq;
			t->r_ctx = ++s->next_ctx;	/* firmware's id for this call */
			t->r_flags = p.flags;
			return R_WAKE;
		}
	}
	if (!t->fast && !t->reentry && chance(s, 15))
		return R_INTERRUPTED;
	if (!t->fast && t->ebusy == 0 && chance(s, 5)) {
		t->ebusy++;
		return R_EBUSY;
	}
	/* the call itself */
	return fw_work(s, ti);
}

/* Firmware's answer to the smc a client just made. */
enum resp sim_firmware(struct sim *s, int ti)
{
	switch (s->thr[ti].kind) {
	case K_RESUME:
		return fw_resume(s, ti);
	case K_ORIG:
		return fw_orig(s, ti);
	case K_ACK:
		return fw_work(s, ti);
	}
	return R_DONE;
}

/* No call came to carry a WAITQ_WAKE return: firmware raises the IRQ for it. */
void sim_fw_fallback(struct sim *s)
{
	bool any = false;

	for (int i = 0; i < s->npend; i++)
		if (s->pend[i].wake_path) {
			s->pend[i].wake_path = false;
			any = true;
		}
	if (any)
		sim_raise_irq(s);
}
