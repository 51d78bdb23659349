// SPDX-License-Identifier: GPL-2.0
/*
 * The firmware model of the live engine (all under fw_lock): its answer to
 * each smc of a client, and its own thread, which frees the resources
 * parked calls wait for and sends their wakes; with the faults that are
 * firmware's doing.
 */
#include <string.h>

#include "sim/live.h"

/* Firmware's answers: the call is done, or it sleeps on @wq. */
static struct fwret ret_done(void)
{
	return (struct fwret){ 0, 0, 0, 0 };
}

static struct fwret park(struct live *L, struct lthread *c, uint32_t wq)
{
	c->wq = wq;
	L->wqs[wq].parking++;
	return (struct fwret){ SCMWQ_RET_WAITQ_SLEEP, wq, c->ctx, 0 };
}

/* The work of an original call: done, or parked on a busy resource. */
static struct fwret body_call(struct live *L, struct lthread *c)
{
	struct lfault *f = cur_fault(L);
	int w;

	if (f && f->st == FS_ARMED) {
		if ((f->kind == FK_STRAND || f->kind == FK_LONG || f->kind == FK_SLOW) &&
		    !f->target) {
			w = live_wq_pick_empty(L);
			if (w >= 0) {
				f->target = c;
				c->fault = f->kind;
				L->wqs[w].exclusive = true;
				if (f->kind == FK_STRAND)
					L->wqs[w].retired = true;
				return park(L, c, (uint32_t)w);
			}
		} else if (f->kind == FK_WAKE_ALL && f->has_wq && L->wqs[f->wq].gather) {
			L->wqs[f->wq].gather--;
			c->fault = FK_WAKE_ALL;
			c->group_resume = 0;
			return park(L, c, f->wq);
		}
	}
	if (rng_pct(&L->fw_rng, PARK_PCT)) {
		w = (int)(rng_next(&L->fw_rng) % L->nq);
		if (live_wq_parkable(&L->wqs[w]))
			return park(L, c, (uint32_t)w);
	}
	return ret_done();
}

/* A RESUME's work: done, or its resource is busy again. */
static struct fwret body_resume(struct live *L, struct lthread *c)
{
	if (live_wq_parkable(&L->wqs[c->wq]) && rng_pct(&L->fw_rng, RESLEEP_PCT))
		return park(L, c, c->wq);
	return ret_done();
}

/* WAKE/ACK drivers: a call entering firmware carries a pending wake back. */
static bool carry_wake(struct live *L, struct lthread *c, enum body body, struct fwret *r)
{
	struct wake w;

	if (!L->wake_ack || !L->ret_n)
		return false;
	w = live_wake_pop(L, false);
	c->body = body;
	*r = (struct fwret){ SCMWQ_RET_WAITQ_WAKE, w.wq, c->ctx, w.flags };
	return true;
}

/* The call @c got woken: it re-entered firmware with RESUME. */
static void fw_resumed(struct live *L, struct lthread *c, uint64_t ts)
{
	struct fwq *q = &L->wqs[c->wq];
	struct lfault *f = cur_fault(L);

	if (c->asleep)
		live_wq_unlink(q, c);
	c->asleep = false;
	if (c->woken && q->inflight)
		q->inflight--;
	c->woken = false;
	if ((c->fault == FK_LONG || c->fault == FK_SLOW) && f && f->target == c) {
		q->exclusive = false;
		f->ended = true;
	}
	if (c->fault == FK_WAKE_ALL && !c->group_resume)
		c->group_resume = ts;
	c->fault = FK_NONE;
	pthread_cond_signal(&L->fw_cond);
}

/* An smc instruction of client @c into firmware. */
struct fwret live_fw_enter(struct live *L, struct lthread *c, enum fw_op op, uint64_t ts)
{
	struct fwret r;

	pthread_mutex_lock(&L->fw_lock);
	switch (op) {
	case OP_CALL:
		c->ctx = ++L->next_ctx;
		c->fault = FK_NONE;
		c->call_from = c->prev_done ? c->prev_done : ts;
		if (rng_pct(&L->fw_rng, INTR_PCT)) {
			r = (struct fwret){ SCMWQ_RET_INTERRUPTED, 0, 0, 0 };
			break;
		}
		if (!carry_wake(L, c, BODY_CALL, &r))
			r = body_call(L, c);
		break;
	case OP_REENTER:
		r = body_call(L, c);
		break;
	case OP_RESUME:
		fw_resumed(L, c, ts);
		if (!carry_wake(L, c, BODY_RESUME, &r))
			r = body_resume(L, c);
		break;
	default:	/* OP_ACK: the work of the call the WAKE came back to */
		r = c->body == BODY_CALL ? body_call(L, c) : body_resume(L, c);
		break;
	}
	pthread_mutex_unlock(&L->fw_lock);
	return r;
}

/* The fault @f happened to thread @t at @ts: what the truth will say. */
void live_fault_record(struct lfault *f, struct lthread *t, uint64_t ts, uint32_t wq,
		       uint32_t ctx)
{
	f->st = FS_HAPPENED;
	f->ts = ts;
	f->pid = atomic_load(&t->tid);
	snprintf(f->comm, sizeof(f->comm), "%s", t->comm);
	f->wq = wq;
	f->ctx = ctx;
	f->has_wq = true;
}

/* All the calls gathered on @q are asleep: one WAKE_ALL for all of them. */
static void wake_all_fire(struct live *L, struct lfault *f, struct fwq *q)
{
	q->gathering = false;
	q->retired = true;	/* a lost waiter must stay lost: nothing else here */
	for (struct lthread *s = q->head; s; s = s->fnext) {
		if (s->woken)
			continue;
		s->woken = true;
		q->inflight++;
		if (f->n_group < MAX_GROUP)
			f->group[f->n_group++] = s;
		if (!f->ev_start || (s->call_from && s->call_from < f->ev_start))
			f->ev_start = s->call_from;
	}
	f->fired = true;
	live_wake_push(L, true, f->wq, SCMWQ_WAKE_ALL, 0);
}

/*
 * Client @c has logged its sleep at @ts (it holds its completion's lock):
 * firmware may wake it from now on.
 */
void live_fw_asleep(struct live *L, struct lthread *c, uint64_t ts)
{
	struct fwq *q = &L->wqs[c->wq];
	struct lfault *f;
	uint64_t now = now_ns();

	pthread_mutex_lock(&L->fw_lock);
	f = cur_fault(L);
	if (q->parking)
		q->parking--;
	c->asleep = true;
	c->woken = false;
	live_wq_append(q, c);
	c->deadline = now + rng_range(&L->fw_rng, HOLD_MIN, HOLD_MAX);
	if (f && (c->fault == FK_STRAND || c->fault == FK_LONG || c->fault == FK_SLOW) &&
	    f->target == c) {
		live_fault_record(f, c, ts, c->wq, c->ctx);
		f->ev_start = c->call_from;
		if (c->fault == FK_STRAND) {
			c->deadline = UINT64_MAX;	/* its IRQ is never raised */
			f->until = ts + STRAND_KEEP;
			atomic_store(&c->stuck, true);
		} else if (c->fault == FK_LONG) {
			c->deadline = now + LONG_HOLD;
		}
	} else if (f && c->fault == FK_WAKE_ALL && f->kind == FK_WAKE_ALL && q->gathering &&
		   !q->gather && !q->parking) {
		wake_all_fire(L, f, q);
	}
	pthread_cond_signal(&L->fw_cond);
	pthread_mutex_unlock(&L->fw_lock);
}

/* A resource freed: wake the sleeper the driver will wake (the first). */
static void fw_wake(struct live *L, struct fwq *q, uint32_t wq, struct lthread *s, uint64_t now)
{
	s->woken = true;
	q->inflight++;
	if (L->wake_ack && s->fault == FK_NONE && rng_pct(&L->fw_rng, RETWAKE_PCT))
		live_wake_push(L, false, wq, SCMWQ_WAKE_ONE, now + RETWAKE_WAIT);
	else
		live_wake_push(L, true, wq, SCMWQ_WAKE_ONE, 0);
}

/*
 * The firmware thread: frees the resources of the sleeping calls in the
 * order they slept and sends their wakes; a WAKE return no call carried
 * goes to the IRQ after all.
 */
void *live_fw_main(void *arg)
{
	struct lthread *t = arg;
	struct live *L = t->L;

	thread_start(t);
	pthread_mutex_lock(&L->fw_lock);
	while (!atomic_load(&L->stop_aux)) {
		uint64_t now = now_ns(), next = now + FW_TICK;

		for (uint32_t w = 0; w < L->nq; w++) {
			struct fwq *q = &L->wqs[w];

			if (q->retired || q->gathering)
				continue;
			/* resources free in the order the calls slept (FIFO) */
			for (struct lthread *s = q->head; s; s = s->fnext) {
				if (s->woken)
					continue;
				if (s->deadline > now) {
					if (s->deadline < next)
						next = s->deadline;
					break;
				}
				fw_wake(L, q, w, s, now);
			}
		}
		/* WAKE returns no call came to carry: by the IRQ after all */
		for (unsigned int i = 0; i < L->ret_n;) {
			if (L->ret_q[i].deadline <= now) {
				struct wake wk = L->ret_q[i];

				memmove(&L->ret_q[i], &L->ret_q[i + 1],
					(size_t)(L->ret_n - i - 1) * sizeof(wk));
				L->ret_n--;
				live_wake_push(L, true, wk.wq, wk.flags, 0);
				continue;
			}
			if (L->ret_q[i].deadline < next)
				next = L->ret_q[i].deadline;
			i++;
		}
		cond_wait_until(&L->fw_cond, &L->fw_lock, next);
	}
	pthread_mutex_unlock(&L->fw_lock);
	return NULL;
}
