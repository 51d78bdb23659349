// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware's bookkeeping of its wait-queues (the secure side): the calls
 * parked on each, the releases scheduled, and the wakes still to be
 * delivered to Linux through the waitq IRQ.
 */
#include <string.h>

#include "sim/det.h"

/* Firmware raises the waitq IRQ (in vain once it is dead: drain-aborted). */
void sim_raise_irq(struct sim *s)
{
	if (s->irq_dead)
		return;
	sim_sched_in(s, rnd_range(s, 5 * US, 20 * US), A_IRQ, IRQ, 0);
}

/*
 * A wake firmware has to deliver: fetched by GET_WQ_CTX, or with
 * @wake_path returned as WAITQ_WAKE to the next call that comes in.
 */
void sim_push_pending(struct sim *s, uint32_t wq, uint32_t flags, enum scmwq_rule fault,
		      bool wake_path)
{
	if (s->npend >= (int)ARRAY_SIZE(s->pend))
		return;
	s->pend[s->npend++] = (struct pending){ wq, flags, fault, wake_path };
}

/* Take the @i-th wake firmware has to deliver. */
struct pending sim_pop_pending(struct sim *s, int i)
{
	struct pending p = s->pend[i];

	memmove(s->pend + i, s->pend + i + 1, (size_t)(--s->npend - i) * sizeof(p));
	return p;
}

/*
 * Firmware lets the oldest parked call on @wq go.  Linux's completion
 * wakes whichever waiter is first, so a release is a token of the
 * wait-queue: the next RESUME on it takes it (see sim_firmware()).
 */
int sim_release_first(struct sim *s, uint32_t wq)
{
	struct fwq *q = &s->fwq[wq];
	int ti = q->parked[0];

	memmove(q->parked, q->parked + 1, (size_t)--q->nparked * sizeof(int));
	s->thr[ti].parked_fw = false;
	s->thr[ti].released = true;
	q->nreleased++;
	return ti;
}

/* Firmware forgets the call altogether. */
void sim_unpark(struct sim *s, int ti)
{
	struct sthr *t = &s->thr[ti];
	struct fwq *q = &s->fwq[t->wq];

	for (int i = 0; i < q->nparked; i++)
		if (q->parked[i] == ti) {
			memmove(q->parked + i, q->parked + i + 1,
				(size_t)(--q->nparked - i) * sizeof(int));
			break;
		}
	if (t->released)
		q->nreleased--;
	t->parked_fw = false;
	t->released = false;
}

/* Parked long enough ago that its sleep is surely logged (WAKE_ALL). */
int sim_eligible(struct sim *s, uint32_t wq)
{
	struct fwq *q = &s->fwq[wq];
	int n = 0;

	for (int i = 0; i < q->nparked; i++)
		if (s->thr[q->parked[i]].park_ts + 60 * US <= s->now)
			n++;
	return n;
}

/* The resource of @wq frees up in @delay (one release scheduled at a time). */
void sim_schedule_release(struct sim *s, uint32_t wq, uint64_t delay)
{
	if (s->fwq[wq].release_scheduled)
		return;
	s->fwq[wq].release_scheduled = true;
	sim_sched_in(s, delay, A_RELEASE, -1, wq);
}

/* Is a wake for @wq still on its way to Linux? */
bool sim_pending_for(struct sim *s, uint32_t wq)
{
	for (int i = 0; i < s->npend; i++)
		if (s->pend[i].wq == wq)
			return true;
	return false;
}

/* Another wait-queue with a parked call, for drain-aborted. */
int sim_other_parked(struct sim *s, uint32_t wq)
{
	for (unsigned int q = 0; q < s->queues; q++)
		if (q != wq && s->fwq[q].nparked && !s->fwq[q].poisoned)
			return (int)q;
	return -1;
}

/* Drop what firmware still had queued: it thinks it delivered it. */
void sim_drop_pending(struct sim *s)
{
	s->npend = 0;
}
