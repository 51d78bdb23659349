// SPDX-License-Identifier: GPL-2.0
/*
 * The run of the deterministic engine: its threads set up from the seed,
 * then the actions of the queue taken in virtual time and dispatched to the
 * firmware and driver models until the calls are done and the faults told.
 */
#include <stdlib.h>

#include "sim/det.h"

static const char *const client_names[] = {
	"qseecomd", "kworker/u16:3", "hdcp-svc", "tz-log", "qcrypto-wq", "ice-sec",
	"rmtfs", "cpuhp-scm",
};

static int sim_init(struct sim *s)
{
	uint64_t base;

	s->rng = s->o->seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
	if (!s->rng)
		s->rng = 1;
	rnd(s);
	s->now = START_NS;
	s->lock_holder = -1;
	s->premature_wq = -1;
	s->nthr = (int)s->o->threads + FIRST_CLIENT;
	base = 300 + rnd(s) % 20000;
	snprintf(s->thr[HEARTBEAT].comm, SCMWQ_COMM_LEN, "kworker/0:1H");
	s->thr[HEARTBEAT].pid = (int)base;
	s->thr[HEARTBEAT].cpu = 0;
	snprintf(s->thr[IRQ].comm, SCMWQ_COMM_LEN, "irq/41-qcom-scm");
	s->thr[IRQ].pid = (int)base + 1;
	s->thr[IRQ].cpu = 0;
	for (int i = FIRST_CLIENT; i < s->nthr; i++) {
		struct sthr *t = &s->thr[i];
		int k = i - FIRST_CLIENT;

		if (k < (int)ARRAY_SIZE(client_names))
			snprintf(t->comm, SCMWQ_COMM_LEN, "%s", client_names[k]);
		else
			snprintf(t->comm, SCMWQ_COMM_LEN, "scm-client-%d", k);
		t->pid = (int)base + 40 + k * 7;
		t->cpu = k % 4;
		t->think = rnd_range(s, 200 * US, 1 * MS);
	}
	for (int i = 0; i < s->nthr; i++)
		s->thr[i].tag = SCMWQ_R__COUNT;
	return 0;
}

static void dispatch(struct sim *s, const struct action *a)
{
	switch (a->act) {
	case A_CALL:
		sim_a_call(s, a->thr);
		break;
	case A_ENTER:
		sim_a_enter(s, a->thr);
		break;
	case A_RESP:
		sim_a_resp(s, a->thr);
		break;
	case A_WOKEN:
		sim_a_woken(s, a->thr);
		break;
	case A_RETRY:
		sim_a_retry(s, a->thr);
		break;
	case A_ACK:
		sim_a_ack(s, a->thr);
		break;
	case A_RELEASE:
		sim_fw_release(s, a->arg);
		break;
	case A_IRQ:
		sim_a_irq(s);
		break;
	case A_DRAIN:
		sim_a_drain(s, a->arg);
		break;
	case A_HEARTBEAT:
		sim_a_heartbeat(s, a->arg);
		break;
	case A_FALLBACK:
		sim_fw_fallback(s);
		break;
	}
}

static bool finished(struct sim *s)
{
	bool calls_done = s->res->calls >= s->o->calls;
	bool stalled = s->now > s->last_progress + 2 * GRACE_TAIL;

	if (s->now < s->end_not_before || outstanding(s))
		return false;
	if (s->o->duration_ns && s->now >= START_NS + s->o->duration_ns)
		return true;
	return calls_done || stalled;
}

static int run_deterministic(struct sim *s)
{
	const struct scmwq_sim_opts *o = s->o;

	sim_init(s);
	if (scmwq_text_write_header(o->out, 4, 0) < 0)
		return scmwq_error_set(s->err, SCMWQ_E_INTERNAL, "cannot write the trace");
	sim_faults_init(s);
	s->last_progress = START_NS;

	/* mainline since 2026 asks firmware how many wait-queues it has */
	if (o->driver == SCMWQ_DRV_MAINLINE) {
		sim_ev_request(s, FIRST_CLIENT, SCMWQ_SMC_GET_INFO, 0, 0);
		s->now += 3 * US;
		sim_ev_done(s, FIRST_CLIENT, SCMWQ_SMC_GET_INFO, 0, s->queues);
	}
	for (int i = FIRST_CLIENT; i < s->nthr; i++)
		sim_sched_in(s, rnd_range(s, 10 * US, 500 * US), A_CALL, i, 0);
	sim_sched_in(s, rnd_range(s, 100 * US, 2 * MS), A_HEARTBEAT, HEARTBEAT, 0);

	while (s->queue.n && !s->stop) {
		struct action a;

		scmwq_heap_pop(&s->queue, &a);
		s->now = a.when;
		sim_faults_arm_due(s);
		dispatch(s, &a);
		if (finished(s))
			break;
		if (sim_faults_give_up(s) < 0)
			return -1;
	}
	if (s->write_error || fflush(o->out) || ferror(o->out))
		return scmwq_error_set(s->err, SCMWQ_E_INTERNAL, "cannot write the trace");
	return s->stop && s->err->cls ? -1 : 0;
}

/**
 * scmwq_sim_det_run - the deterministic engine: virtual time, one seeded generator
 * @opts: the options, checked and resolved by scmwq_sim_run()
 * @res: filled with what was written
 * @err: set on failure
 *
 * Writes the trace to @opts->out and, with @opts->truth, the truth JSON:
 * the same options give the same bytes.
 *
 * Return: 0, or -1 with @err (SCMWQ_E_INTERNAL: a write error, or a fault
 * of --inject this run could not set up).
 */
int scmwq_sim_det_run(const struct scmwq_sim_opts *opts, struct scmwq_sim_result *res,
		      struct scmwq_error *err)
{
	struct sim *s;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	s->o = opts;
	s->res = res;
	s->err = err;
	s->sys = opts->format;
	s->queues = opts->queues;
	scmwq_heap_init(&s->queue, sizeof(struct action), sim_action_less);
	ret = run_deterministic(s);
	if (ret == 0 && opts->truth && scmwq_truth_write(opts->truth, &s->truth, opts, res) < 0)
		ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "cannot write the truth file");
	scmwq_heap_free(&s->queue);
	free(s);
	return ret;
}
