// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware's bookkeeping of its wait-queues in the live engine (all under
 * fw_lock): who sleeps on each, which take newly parked calls, and the
 * wakes queued for the waitq IRQ or for a WAKE return.
 */
#include <string.h>

#include "sim/live.h"

/*
 * Queue a wake for Linux: for the waitq IRQ (@irq: raising it), or as a
 * WAKE return for a call to carry, the IRQ's after @deadline.
 */
void live_wake_push(struct live *L, bool irq, uint32_t wq, uint32_t flags, uint64_t deadline)
{
	struct wake *q = irq ? L->irq_q : L->ret_q;
	unsigned int *n = irq ? &L->irq_n : &L->ret_n;

	if (*n >= L->qcap)
		return;		/* cannot happen: one wake per parked call */
	q[(*n)++] = (struct wake){ wq, flags, deadline };
	if (irq)
		pthread_cond_signal(&L->irq_cond);	/* raise the waitq IRQ */
}

/* Take the oldest wake of the IRQ's queue (@irq) or of the WAKE returns. */
struct wake live_wake_pop(struct live *L, bool irq)
{
	struct wake *q = irq ? L->irq_q : L->ret_q;
	unsigned int *n = irq ? &L->irq_n : &L->ret_n;
	struct wake w = q[0];

	memmove(q, q + 1, (size_t)(--*n) * sizeof(*q));
	return w;
}

/* Nothing in firmware waits on @q, or is parked on it. */
static bool wq_empty(const struct fwq *q)
{
	return !q->head && !q->parking && !q->inflight;
}

/*
 * Firmware parks calls on @q: not while a wake for it is on its way (a
 * newcomer could take the token meant for the woken sleeper), nor while a
 * fault has it.
 */
bool live_wq_parkable(const struct fwq *q)
{
	return !q->retired && !q->exclusive && !q->gathering && !q->inflight;
}

/* A wait-queue that takes parked calls and has none, from a random one on; -1: none. */
int live_wq_pick_empty(struct live *L)
{
	unsigned int start = (unsigned int)(rng_next(&L->fw_rng) % L->nq);

	for (unsigned int i = 0; i < L->nq; i++) {
		unsigned int w = (start + i) % L->nq;

		if (live_wq_parkable(&L->wqs[w]) && wq_empty(&L->wqs[w]))
			return (int)w;
	}
	return -1;
}

/* @c sleeps on @q, after those already asleep. */
void live_wq_append(struct fwq *q, struct lthread *c)
{
	struct lthread **pp = &q->head;

	while (*pp)
		pp = &(*pp)->fnext;
	c->fnext = NULL;
	*pp = c;
}

/* @c no longer sleeps on @q. */
void live_wq_unlink(struct fwq *q, struct lthread *c)
{
	for (struct lthread **pp = &q->head; *pp; pp = &(*pp)->fnext) {
		if (*pp == c) {
			*pp = c->fnext;
			break;
		}
	}
	c->fnext = NULL;
}
