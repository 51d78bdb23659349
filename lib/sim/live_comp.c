// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel completions of the live engine, on a mutex and condition
 * variables with the kernel's semantics: a FIFO of waiters, complete()
 * waking the first, which re-checks done; complete_all(); reinit.
 */
#include <limits.h>

#include "sim/live.h"

/* Queue @w last among the waiters (the completion's lock held). */
void live_comp_enqueue(struct completion *x, struct waiter *w)
{
	w->next = NULL;
	w->queued = true;
	if (x->tail)
		x->tail->next = w;
	else
		x->head = w;
	x->tail = w;
}

static struct waiter *comp_dequeue(struct completion *x)
{
	struct waiter *w = x->head;

	if (!w)
		return NULL;
	x->head = w->next;
	if (!x->head)
		x->tail = NULL;
	w->next = NULL;
	w->queued = false;
	return w;
}

/* Take @w out of the waiters wherever it is: a waiter giving up (lock held). */
void live_comp_remove(struct completion *x, struct waiter *w)
{
	struct waiter **pp, *prev = NULL;

	for (pp = &x->head; *pp; prev = *pp, pp = &(*pp)->next) {
		if (*pp != w)
			continue;
		*pp = w->next;
		if (x->tail == w)
			x->tail = prev;
		break;
	}
	w->next = NULL;
	w->queued = false;
}

/* complete(): one more done; the first waiter wakes and re-checks done. */
void live_comp_complete(struct completion *x)
{
	struct waiter *w;

	pthread_mutex_lock(&x->lock);
	if (x->done != UINT_MAX)
		x->done++;
	w = comp_dequeue(x);
	if (w)
		pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&x->lock);
}

/* complete_all(): done for good; every waiter wakes and re-checks done. */
void live_comp_complete_all(struct completion *x)
{
	struct waiter *w;

	pthread_mutex_lock(&x->lock);
	x->done = UINT_MAX;
	while ((w = comp_dequeue(x)) != NULL)
		pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&x->lock);
}

/* reinit_completion(): done back to 0. */
void live_comp_reinit(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	x->done = 0;
	pthread_mutex_unlock(&x->lock);
}
