// SPDX-License-Identifier: GPL-2.0
/*
 * The live engine of the protocol simulator (simulate --live).
 *
 * Real threads and real time.  Client threads make SCM calls through a model
 * of the chosen driver variant: its lock (the mainline mutex held across the
 * whole call, or the vendor semaphore), its completions, its WAKE/ACK and
 * INTERRUPTED handling.  A firmware thread plays TrustZone: it holds the
 * resources parked calls wait for, and when one frees it raises the waitq
 * IRQ or queues a WAKE return for the next call to carry.  An IRQ thread
 * drains GET_WQ_CTX; a heartbeat thread makes fast calls so that the trace
 * goes on while every client is blocked.
 *
 * Completions are built on a mutex and condition variables with the
 * kernel's semantics (a FIFO of waiters; complete() wakes the first, which
 * re-checks done; complete_all(); reinit_completion()), so the races of the
 * real drivers, the vendor reinit race above all, happen by timing and not
 * by script.
 *
 * Every event goes through its probe function (lib/probes.c), so that
 * uprobes on them record a real kernel trace, and is written as ftrace text
 * with its timestamp taken under the one output lock: lines come out in
 * time order.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sim/live.h"

/* ------------------------------------------------------------------ */
/* The run                                                             */

/*
 * Move the faults along (fw_lock held): arm the next one after the
 * warm-up, settle the one whose trace has gone on long enough.  @stopping:
 * the run is over; a fault not arranged yet is given up.  Returns true
 * when every fault is settled or given up.
 */
static bool faults_tick(struct live *L, uint64_t now, bool stopping)
{
	struct lfault *f;

	while ((f = cur_fault(L)) != NULL) {
		switch (f->st) {
		case FS_PENDING:
			if (stopping) {
				f->st = FS_ABANDONED;
				break;
			}
			if (atomic_load(&L->calls_done) < L->warm_calls || now - L->t0 < WARM_TIME)
				return false;
			if (f->kind == FK_WAKE_ALL) {
				int w = live_wq_pick_empty(L);

				if (w < 0)
					return false;
				f->wq = (uint32_t)w;
				f->has_wq = true;
				L->wqs[w].gathering = true;
				L->wqs[w].gather = L->group_n;
			}
			f->st = FS_ARMED;
			f->armed_at = now;
			return false;
		case FS_ARMED:
			if (f->target || f->fired ||
			    (!stopping && now - f->armed_at < FAULT_GIVE_UP))
				return false;
			if (f->kind == FK_WAKE_ALL) {
				/* its sleepers are woken one by one, as usual */
				L->wqs[f->wq].gathering = false;
				L->wqs[f->wq].gather = 0;
				pthread_cond_signal(&L->fw_cond);
			}
			f->st = FS_ABANDONED;
			break;
		case FS_HAPPENED:
			if (f->kind == FK_LONG || f->kind == FK_SLOW ? !f->ended : now < f->until)
				return false;
			f->st = FS_SETTLED;
			if (f->kind != FK_WAKE_ALL)
				break;
			/* replay: missed if not resumed within --grace of the WAKE_ALL */
			for (int i = 0; i < f->n_group; i++) {
				struct lthread *s = f->group[i];

				if (!s->group_resume ||
				    s->group_resume / NS_US > f->ts / NS_US + GRACE / NS_US)
					f->n_lost++;
				if (!s->group_resume)
					atomic_store(&s->stuck, true);
			}
			break;
		default:
			break;
		}
		L->cur++;
	}
	return true;
}

static bool fault_needs_calls(struct live *L)
{
	struct lfault *f = cur_fault(L);

	return f && (f->st == FS_PENDING || (f->st == FS_ARMED && !f->fired && !f->target));
}

static void orchestrate(struct live *L)
{
	const struct scmwq_sim_opts *o = L->o;

	for (;;) {
		uint64_t now, done;
		bool timeup, settled, stranded = false, need;

		sleep_ns(NS_MS);
		now = now_ns();
		done = atomic_load(&L->calls_done);
		timeup = o->duration_ns && now - L->t0 >= o->duration_ns;
		pthread_mutex_lock(&L->fw_lock);
		settled = faults_tick(L, now, timeup);
		for (int i = 0; i < L->nfaults; i++)
			if (L->faults[i].kind == FK_STRAND && L->faults[i].st == FS_SETTLED)
				stranded = true;
		need = !timeup && (done < o->calls || fault_needs_calls(L));
		pthread_mutex_unlock(&L->fw_lock);
		atomic_store(&L->need_calls, need);
		/* after a stranded sleeper on mainline nothing completes: end by time */
		if (settled && (done >= o->calls || timeup || stranded))
			break;
	}
}

/* The end: let the calls in progress finish, then stop every thread. */
static void stop_all(struct live *L)
{
	uint64_t until = now_ns() + DRAIN_MAX;

	atomic_store(&L->stop_calls, true);
	while (now_ns() < until) {
		bool quiet = true;

		for (unsigned int i = 0; i < L->nclients; i++) {
			struct lthread *c = &L->cl[i];

			if (c->running && atomic_load(&c->state) == CS_IN_CALL &&
			    !atomic_load(&c->stuck))
				quiet = false;
		}
		if (quiet)
			break;
		sleep_ns(NS_MS);
	}
	atomic_store(&L->stop_aux, true);
	pthread_mutex_lock(&L->fw_lock);
	pthread_cond_broadcast(&L->fw_cond);
	pthread_cond_broadcast(&L->irq_cond);
	pthread_mutex_unlock(&L->fw_lock);
	if (L->hb.running)
		pthread_join(L->hb.th, NULL);
	if (L->irq.running)
		pthread_join(L->irq.th, NULL);
	if (L->fw.running)
		pthread_join(L->fw.th, NULL);
	pthread_mutex_lock(&L->out_lock);
	L->closed = true;
	pthread_mutex_unlock(&L->out_lock);
	/* whoever is blocked for good (a fault) gives up now */
	atomic_store(&L->abort, true);
	pthread_mutex_lock(&L->drv_lock);
	pthread_cond_broadcast(&L->drv_cond);
	pthread_mutex_unlock(&L->drv_lock);
	for (unsigned int i = 0; i < L->nclients; i++)
		if (L->cl[i].running)
			pthread_join(L->cl[i].th, NULL);
}

static enum fkind fault_kind(enum scmwq_rule rule)
{
	switch (rule) {
	case SCMWQ_R_WAKE_ALL_PARTIAL:
		return FK_WAKE_ALL;
	case SCMWQ_R_LONG_SLEEP:
		return FK_LONG;
	case SCMWQ_R_STRANDED_SLEEPER:
		return FK_STRAND;
	case SCMWQ_R_SLOW_RESUME:
		return FK_SLOW;
	default:
		return FK_NONE;
	}
}

static int setup_faults(struct live *L, struct scmwq_error *err)
{
	const struct scmwq_sim_opts *o = L->o;
	bool want[FK_SLOW + 1] = { false };

	for (int i = 0; i < o->n_inject; i++) {
		enum scmwq_rule r = o->inject[i];
		enum fkind k = fault_kind(r);

		if (k == FK_NONE)
			return scmwq_error_set(err, SCMWQ_E_USAGE,
					       "--inject=%s: the live engine cannot cause it "
					       "(live: stranded-sleeper, long-sleep, slow-resume; "
					       "wake-all-partial with --driver=vendor)",
					       scmwq_rule_info(r)->id);
		if (k == FK_WAKE_ALL && L->drv != SCMWQ_DRV_VENDOR)
			return scmwq_error_set(err, SCMWQ_E_USAGE,
					       "--inject=wake-all-partial needs --driver=vendor "
					       "(not %s)", scmwq_driver_name(L->drv));
		if (k == FK_WAKE_ALL && L->nclients < 2)
			return scmwq_error_set(err, SCMWQ_E_USAGE,
					       "--inject=wake-all-partial needs --threads of 2 or "
					       "more: two calls parked at once");
		want[k] = true;
	}
	if (want[FK_WAKE_ALL] && (want[FK_LONG] || want[FK_STRAND] || want[FK_SLOW]) && L->nq < 2)
		return scmwq_error_set(err, SCMWQ_E_USAGE,
				       "--inject=wake-all-partial with another fault needs "
				       "--queues of 2 or more: the WAKE_ALL's wait-queue is not "
				       "used again");
	/* in this order: a stranded sleeper on mainline stops every later call */
	for (int k = FK_WAKE_ALL; k <= FK_SLOW; k++) {
		struct lfault *f;

		if (!want[k])
			continue;
		f = &L->faults[L->nfaults++];
		f->kind = (enum fkind)k;
		f->rule = k == FK_WAKE_ALL ? SCMWQ_R_WAKE_ALL_PARTIAL :
			  k == FK_LONG ? SCMWQ_R_LONG_SLEEP :
			  k == FK_SLOW ? SCMWQ_R_SLOW_RESUME : SCMWQ_R_STRANDED_SLEEPER;
		f->pid = -1;
	}
	return 0;
}

static struct scmwq_truth_item *truth_copy(struct scmwq_truth_item *it, const struct lfault *f,
					   bool with_ctx)
{
	if (!it)
		return NULL;
	it->ts_ns = f->ts / NS_US * NS_US;	/* as the text trace prints it */
	it->pid = f->pid;
	snprintf(it->comm, sizeof(it->comm), "%s", f->comm);
	it->has_wq_ctx = f->has_wq;
	it->wq_ctx = f->wq;
	it->has_ctx = with_ctx;
	it->smc_call_ctx = with_ctx ? f->ctx : 0;
	/* (written for findings only) from the calls involved, to the end unless known */
	it->evidence_start_ns = f->ev_start ? f->ev_start / NS_US * NS_US : it->ts_ns;
	it->evidence_end_ns = (f->kind == FK_LONG || f->kind == FK_SLOW) && f->ev_end ?
			      f->ev_end : SCMWQ_TRUTH_TO_END;
	return it;
}

static void make_truth(struct live *L, struct scmwq_truth *truth, struct scmwq_sim_result *res)
{
	for (int i = 0; i < L->nfaults; i++) {
		const struct lfault *f = &L->faults[i];
		struct scmwq_truth_item *it;

		if (f->st != FS_SETTLED && f->st != FS_HAPPENED)
			continue;
		res->faults++;
		switch (f->kind) {
		case FK_STRAND:
			it = truth_copy(scmwq_truth_fault(truth, f->rule), f, true);
			if (it)
				snprintf(it->detail, sizeof(it->detail), "IRQ not wired: firmware "
					 "parked the call and never raised the waitq IRQ for it; "
					 "its wake was dropped");
			truth_copy(scmwq_truth_finding(truth, f->rule), f, true);
			break;
		case FK_LONG:
			it = truth_copy(scmwq_truth_fault(truth, f->rule), f, true);
			if (it)
				snprintf(it->detail, sizeof(it->detail), "firmware held the parked "
					 "call's resource for %llu ms before raising its wake",
					 (unsigned long long)(LONG_HOLD / NS_MS));
			truth_copy(scmwq_truth_finding(truth, f->rule), f, true);
			break;
		case FK_SLOW:
			it = truth_copy(scmwq_truth_fault(truth, f->rule), f, true);
			if (it)
				snprintf(it->detail, sizeof(it->detail), "the woken task was not "
					 "scheduled again for %llu to %llu ms: it resumed late, on "
					 "its own wake", (unsigned long long)(SLOW_MIN / NS_MS),
					 (unsigned long long)(SLOW_MAX / NS_MS));
			truth_copy(scmwq_truth_finding(truth, f->rule), f, true);
			break;
		case FK_WAKE_ALL:
			it = truth_copy(scmwq_truth_fault(truth, f->rule), f, false);
			if (it)
				snprintf(it->detail, sizeof(it->detail),
					 "firmware sent WAKE_ALL to %d sleepers on wq_ctx %u; the "
					 "vendor driver's complete_all() then reinit_completion() "
					 "lost %d of them (by timing)", f->n_group, f->wq,
					 f->n_lost);
			if (f->n_lost)
				truth_copy(scmwq_truth_finding(truth, f->rule), f, false);
			break;
		default:
			break;
		}
	}
}

static int thread_create(struct lthread *t, void *(*fn)(void *))
{
	if (pthread_create(&t->th, NULL, fn, t))
		return -1;
	t->running = true;
	return 0;
}

static void lthread_init(struct live *L, struct lthread *t, int idx, const char *comm)
{
	size_t n = strnlen(comm, sizeof(t->comm) - 1);	/* a task name: 15 characters */

	t->L = L;
	t->idx = idx;
	memcpy(t->comm, comm, n);
	t->comm[n] = '\0';
	t->rng = L->o->seed * 0x2545f4914f6cdd1dULL + (uint64_t)(idx + 7);
	t->rng = rng_next(&t->rng);	/* streams of neighbouring seeds must not overlap */
	cond_init(&t->w.cond);
}

static int copy_out(struct live *L, FILE *out)
{
	char buf[65536];
	size_t n;

	if (scmwq_text_write_header(out, (int)sysconf(_SC_NPROCESSORS_ONLN), L->events) < 0)
		return -1;
	if (fflush(L->fp) || fseek(L->fp, 0, SEEK_SET))
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), L->fp)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			return -1;
	return ferror(L->fp) ? -1 : 0;
}

static void live_free(struct live *L)
{
	if (L->wqs)
		for (unsigned int i = 0; i < L->nq; i++) {
			pthread_mutex_destroy(&L->wqs[i].comp.lock);
		}
	if (L->cl)
		for (unsigned int i = 0; i < L->nclients; i++)
			pthread_cond_destroy(&L->cl[i].w.cond);
	pthread_cond_destroy(&L->irq.w.cond);
	pthread_cond_destroy(&L->fw.w.cond);
	pthread_cond_destroy(&L->hb.w.cond);
	pthread_mutex_destroy(&L->out_lock);
	pthread_mutex_destroy(&L->drv_lock);
	pthread_cond_destroy(&L->drv_cond);
	pthread_mutex_destroy(&L->fw_lock);
	pthread_cond_destroy(&L->fw_cond);
	pthread_cond_destroy(&L->irq_cond);
	if (L->tmp && L->fp)
		fclose(L->fp);
	free(L->wqs);
	free(L->irq_q);
	free(L->ret_q);
	free(L->cl);
	free(L);
}

/**
 * scmwq_sim_live_run - the live engine: real threads, real time
 * @o: the options (driver resolved, never auto)
 * @res: filled with what was written
 * @err: set on failure
 *
 * Writes the trace to @o->out (the standard header first, with the number
 * of entries written) and, with @o->truth, the truth JSON.  Ends when
 * @o->calls calls completed (or @o->duration_ns passed) and every injected
 * fault has happened and the trace has gone on long enough after it for
 * replay to judge it with its default --grace and --stall.
 *
 * Return: 0, or -1 with @err (SCMWQ_E_USAGE for a fault the live engine
 * cannot cause with the driver, SCMWQ_E_INTERNAL for a write error).
 */
int scmwq_sim_live_run(const struct scmwq_sim_opts *o, struct scmwq_sim_result *res,
		       struct scmwq_error *err)
{
	struct scmwq_truth *truth = NULL;
	struct live *L;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	if (o->driver <= SCMWQ_DRV_AUTO || o->driver >= SCMWQ_DRV__COUNT)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "simulate needs a driver, not auto");
	if (!o->out)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "simulate: no output stream");
	L = calloc(1, sizeof(*L));
	if (!L)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	L->o = o;
	L->drv = o->driver;
	L->mainline = L->drv == SCMWQ_DRV_MAINLINE || L->drv == SCMWQ_DRV_MAINLINE_6_3 ||
		      L->drv == SCMWQ_DRV_MAINLINE_6_11;
	L->wake_ack = !L->mainline;
	L->sys = o->format != SCMWQ_SYS_UNKNOWN ? o->format :
		 L->mainline ? SCMWQ_SYS_QCOM_SCM : SCMWQ_SYS_SCM;
	L->nq = o->queues ? o->queues : 1;
	if (L->drv == SCMWQ_DRV_MAINLINE_6_3 || L->drv == SCMWQ_DRV_MAINLINE_6_11)
		L->nq = 1;	/* one completion; wq_ctx must be 0 */
	L->nclients = o->threads ? o->threads : 1;
	L->group_n = L->nclients >= 3 ? 3 : 2;
	L->warm_calls = o->calls / 10 > 3 ? o->calls / 10 : 3;
	if (L->warm_calls > o->calls)
		L->warm_calls = o->calls;
	L->qcap = 2 * L->nclients + 8;
	L->fw_rng = o->seed ^ 0x6a09e667f3bcc909ULL;
	L->drv_free = L->mainline ? 1 : L->nclients;
	pthread_mutex_init(&L->out_lock, NULL);
	pthread_mutex_init(&L->drv_lock, NULL);
	pthread_mutex_init(&L->fw_lock, NULL);
	cond_init(&L->drv_cond);
	cond_init(&L->fw_cond);
	cond_init(&L->irq_cond);
	L->wqs = calloc(L->nq, sizeof(*L->wqs));
	L->irq_q = calloc(L->qcap, sizeof(*L->irq_q));
	L->ret_q = calloc(L->qcap, sizeof(*L->ret_q));
	L->cl = calloc(L->nclients, sizeof(*L->cl));
	truth = calloc(1, sizeof(*truth));
	if (!L->wqs || !L->irq_q || !L->ret_q || !L->cl || !truth) {
		ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		goto out_free;
	}
	for (unsigned int i = 0; i < L->nq; i++)
		pthread_mutex_init(&L->wqs[i].comp.lock, NULL);
	lthread_init(L, &L->irq, -1, "irq/41-qcom-scm");
	lthread_init(L, &L->fw, -2, "scm-firmware");
	lthread_init(L, &L->hb, -3, "scm-heartbeat");
	for (unsigned int i = 0; i < L->nclients; i++) {
		char name[32];

		snprintf(name, sizeof(name), "scm-client-%u", i);
		lthread_init(L, &L->cl[i], (int)i, name);
	}
	if (setup_faults(L, err) < 0) {
		ret = -1;
		goto out_free;
	}

	/* the text goes to a temporary file first: the header counts the entries */
	L->fp = tmpfile();
	L->tmp = L->fp != NULL;
	if (!L->fp) {
		L->fp = o->out;
		if (scmwq_text_write_header(o->out, (int)sysconf(_SC_NPROCESSORS_ONLN), 0) < 0) {
			ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "cannot write the trace");
			goto out_free;
		}
	}

	L->t0 = now_ns();
	atomic_store(&L->need_calls, true);
	if (thread_create(&L->fw, live_fw_main) || thread_create(&L->irq, live_irq_main) ||
	    thread_create(&L->hb, live_hb_main)) {
		ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "cannot start a thread");
		goto out_stop;
	}
	for (unsigned int i = 0; i < L->nclients; i++) {
		if (thread_create(&L->cl[i], live_client_main)) {
			ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "cannot start a thread");
			atomic_store(&L->go, true);
			goto out_stop;
		}
	}
	orchestrate(L);
out_stop:
	stop_all(L);

	res->events = L->events;
	res->calls = atomic_load(&L->calls_done);
	res->sleeps = L->sleeps;
	res->wakes = L->wakes;
	res->end_ns = L->last_ts;
	make_truth(L, truth, res);
	if (ret < 0)
		goto out_free;
	if (L->werr || (L->tmp && copy_out(L, o->out) < 0) || fflush(o->out) || ferror(o->out)) {
		ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "cannot write the trace");
		goto out_free;
	}
	if (o->truth) {
		struct scmwq_sim_opts eff = *o;	/* what was run */

		eff.live = true;
		eff.format = L->sys;
		eff.queues = L->nq;
		eff.threads = L->nclients;
		if (scmwq_truth_write(o->truth, truth, &eff, res) < 0)
			ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "cannot write the truth file");
	}
out_free:
	free(truth);
	live_free(L);
	return ret;
}
