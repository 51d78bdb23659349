// SPDX-License-Identifier: GPL-2.0
/*
 * The driver model of the live engine on its waitq IRQ thread: the
 * handler's GET_WQ_CTX drain loop, and the completions it completes, with
 * the vendor driver's complete_all() then reinit_completion() race.
 */
#include <sched.h>

#include "sim/live.h"

/*
 * vendor: what lies between complete_all() and reinit_completion().  In the
 * kernel nothing: the two calls follow each other.  Here the IRQ thread
 * yields its CPU once, so whether a woken waiter re-checks done before the
 * reset is up to the scheduler: waiters woken onto this CPU may run first,
 * those elsewhere race with the reset.
 */
static void reinit_window(void)
{
	sched_yield();
}

/* The IRQ thread: the handler's drain loop each time the waitq IRQ is raised. */
void *live_irq_main(void *arg)
{
	struct lthread *t = arg;
	struct live *L = t->L;

	thread_start(t);
	pthread_mutex_lock(&L->fw_lock);
	for (;;) {
		bool more;

		while (!L->irq_n && !atomic_load(&L->stop_aux))
			cond_wait_slice(&L->irq_cond, &L->fw_lock);
		if (!L->irq_n)
			break;
		pthread_mutex_unlock(&L->fw_lock);
		/* the handler's drain loop: GET_WQ_CTX while more_pending */
		do {
			struct wake wk;
			struct completion *x;
			struct lfault *f;
			uint64_t ts;

			live_ev_request(t, SCMWQ_SMC_GET_WQ_CTX, 0, 0, 0);
			pthread_mutex_lock(&L->fw_lock);
			wk = live_wake_pop(L, true);
			more = L->irq_n > 0;
			pthread_mutex_unlock(&L->fw_lock);
			ts = live_ev_get_wq_ctx(t, wk.wq, wk.flags, more);
			x = &L->wqs[wk.wq].comp;
			if (wk.flags != SCMWQ_WAKE_ALL) {
				live_comp_complete(x);
				continue;
			}
			pthread_mutex_lock(&L->fw_lock);
			f = cur_fault(L);
			if (f && f->kind == FK_WAKE_ALL && f->fired && f->st == FS_ARMED) {
				live_fault_record(f, t, ts, wk.wq, 0);
				f->until = ts + WAKE_ALL_KEEP;
			}
			pthread_mutex_unlock(&L->fw_lock);
			live_comp_complete_all(x);
			if (L->drv == SCMWQ_DRV_VENDOR) {
				reinit_window();
				live_comp_reinit(x);
			}
		} while (more);
		pthread_mutex_lock(&L->fw_lock);
	}
	pthread_mutex_unlock(&L->fw_lock);
	return NULL;
}
