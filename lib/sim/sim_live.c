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
 * Every event goes through its probe function (probes.c), so that
 * uprobes on them record a real kernel trace, and is written as ftrace text
 * with its timestamp taken under the one output lock: lines come out in
 * time order.
 *
 * This file is the run: its set-up, the threads started and orchestrated
 * until the calls are done and the faults settled, and the end.  The
 * threads' work is in live_client.c, live_irq.c and live_fw.c (with
 * live_fwq.c), the faults in live_faults.c, the completions and events in
 * live_comp.c and live_events.c; their shared state in live.h.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/live.h"

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
		settled = live_faults_tick(L, now, timeup);
		for (int i = 0; i < L->nfaults; i++)
			if (L->faults[i].kind == FK_STRAND && L->faults[i].st == FS_SETTLED)
				stranded = true;
		need = !timeup && (done < o->calls || live_fault_needs_calls(L));
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

/* The settings of the run from the options, and its locks. */
static void live_configure(struct live *L, const struct scmwq_sim_opts *o)
{
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
}

/* The wait-queues, the queues of wakes and the clients: -1 when out of memory. */
static int live_alloc(struct live *L)
{
	L->wqs = calloc(L->nq, sizeof(*L->wqs));
	L->irq_q = calloc(L->qcap, sizeof(*L->irq_q));
	L->ret_q = calloc(L->qcap, sizeof(*L->ret_q));
	L->cl = calloc(L->nclients, sizeof(*L->cl));
	if (!L->wqs || !L->irq_q || !L->ret_q || !L->cl)
		return -1;
	return 0;
}

/* The completions' locks, and every thread's name, seed and condition. */
static void live_init_threads(struct live *L)
{
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
}

/* The text goes to a temporary file first: the header counts the entries. */
static int open_output(struct live *L, struct scmwq_error *err)
{
	const struct scmwq_sim_opts *o = L->o;

	L->fp = tmpfile();
	L->tmp = L->fp != NULL;
	if (!L->fp) {
		L->fp = o->out;
		if (scmwq_text_write_header(o->out, (int)sysconf(_SC_NPROCESSORS_ONLN), 0) < 0)
			return scmwq_error_set(err, SCMWQ_E_INTERNAL, "cannot write the trace");
	}
	return 0;
}

/* Start every thread, let the run go on to its end, then stop them all. */
static int run_threads(struct live *L, struct scmwq_error *err)
{
	int ret = 0;

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
	return ret;
}

/* The trace (copied from the temporary file) and the truth, to their streams. */
static int write_out(struct live *L, struct scmwq_truth *truth, struct scmwq_sim_result *res,
		     struct scmwq_error *err)
{
	const struct scmwq_sim_opts *o = L->o;

	if (L->werr || (L->tmp && copy_out(L, o->out) < 0) || fflush(o->out) || ferror(o->out))
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "cannot write the trace");
	if (o->truth) {
		struct scmwq_sim_opts eff = *o;	/* what was run */

		eff.live = true;
		eff.format = L->sys;
		eff.queues = L->nq;
		eff.threads = L->nclients;
		if (scmwq_truth_write(o->truth, truth, &eff, res) < 0)
			return scmwq_error_set(err, SCMWQ_E_INTERNAL,
					       "cannot write the truth file");
	}
	return 0;
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
	live_configure(L, o);
	ret = live_alloc(L);
	truth = calloc(1, sizeof(*truth));
	if (ret < 0 || !truth) {
		ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		goto out_free;
	}
	live_init_threads(L);
	if (live_setup_faults(L, err) < 0 || open_output(L, err) < 0) {
		ret = -1;
		goto out_free;
	}

	ret = run_threads(L, err);
	res->events = L->events;
	res->calls = atomic_load(&L->calls_done);
	res->sleeps = L->sleeps;
	res->wakes = L->wakes;
	res->end_ns = L->last_ts;
	live_make_truth(L, truth, res);
	if (ret == 0)
		ret = write_out(L, truth, res, err);
out_free:
	free(truth);
	live_free(L);
	return ret;
}
