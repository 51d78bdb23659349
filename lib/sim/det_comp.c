// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel completions the driver models wait on, with the kernel's
 * semantics, and the faults that strike when one is completed: a lost or
 * late wake, a waiter lost to complete_all() then reinit_completion().
 */
#include <string.h>

#include "sim/det.h"

static void wake_thread(struct sim *s, int ti, uint64_t delay)
{
	s->thr[ti].waiting = false;
	sim_sched_in(s, delay, A_WOKEN, ti, 0);
}

void sim_comp_wait(struct sim *s, struct comp *c, int ti)
{
	if (c->done) {
		if (c->done != DONE_ALL)
			c->done--;
		sim_sched_in(s, rnd_range(s, 1 * US, 3 * US), A_WOKEN, ti, 0);
		return;
	}
	s->thr[ti].waiting = true;
	c->waiters[c->nwait++] = ti;
}

static int comp_pop(struct comp *c)
{
	int ti = c->waiters[0];

	memmove(c->waiters, c->waiters + 1, (size_t)--c->nwait * sizeof(int));
	return ti;
}

void sim_complete_one(struct sim *s, uint32_t wq)
{
	struct comp *c = comp_of(s, wq);
	int ti;

	if (!c->nwait) {
		if (c->done != DONE_ALL)
			c->done++;
		return;
	}
	ti = comp_pop(c);
	if (armed(s, SCMWQ_R_LOST_WAKEUP) && !s->thr[ti].long_sleep) {
		struct sthr *t = &s->thr[ti];

		t->frozen = true;
		t->waiting = false;
		s->fwq[wq].poisoned = true;
		sim_happened(s, SCMWQ_R_LOST_WAKEUP, ti, t->sleep_ts, true, t->wq, true, t->ctx,
			     "the wake completed a stale completion object (the wait-queue's entry "
			     "was replaced), so the woken task never returned from its wait");
		return;
	}
	/*
	 * A busy CPU: the woken task runs again only well after --grace.  Not
	 * while another call waits on this completion, whose wake would come
	 * in between (then the late one could be taken for a lost one).
	 */
	if (!c->nwait && !s->thr[ti].long_sleep && armed(s, SCMWQ_R_SLOW_RESUME)) {
		struct sthr *t = &s->thr[ti];

		sim_happened(s, SCMWQ_R_SLOW_RESUME, ti, t->sleep_ts, true, t->wq, true, t->ctx,
			     "the woken task was not scheduled again for over 150 ms (a busy CPU): "
			     "it resumed late, on its own wake");
		wake_thread(s, ti, rnd_range(s, 150 * MS, 190 * MS));
		return;
	}
	/* later than a drain step, so a second wake finds it still asleep */
	wake_thread(s, ti, rnd_range(s, 20 * US, 60 * US));
}

void sim_complete_all(struct sim *s, uint32_t wq, bool reinit)
{
	struct comp *c = comp_of(s, wq);
	int lost = -1;

	if (reinit && armed(s, SCMWQ_R_WAKE_ALL_PARTIAL) && c->nwait >= 2)
		lost = c->waiters[c->nwait - 1];
	while (c->nwait) {
		int ti = comp_pop(c);

		if (ti == lost)
			continue;
		wake_thread(s, ti, rnd_range(s, 20 * US, 60 * US));
	}
	c->done = DONE_ALL;
	if (reinit)
		c->done = 0;
	if (lost >= 0) {
		/* it saw the completion reset and went back to waiting */
		c->waiters[c->nwait++] = lost;
		s->thr[lost].waiting = true;
		s->fwq[wq].poisoned = true;
		sim_happened(s, SCMWQ_R_WAKE_ALL_PARTIAL, IRQ, s->now, true, wq, false, 0,
			     "complete_all() then reinit_completion() at once: one woken waiter "
			     "had not re-checked the completion, found it reset and went back to "
			     "sleep");
	}
}
