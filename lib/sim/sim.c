// SPDX-License-Identifier: GPL-2.0
/*
 * The protocol simulator: a model of the firmware against a model of one
 * of the real driver variants, with faults injected, writing the trace the
 * kernel's tracepoints would have produced and a record of the truth.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/det.h"

#define ALL_DRIVERS ((1u << SCMWQ_DRV_MAINLINE) | (1u << SCMWQ_DRV_MAINLINE_6_3) | \
		     (1u << SCMWQ_DRV_MAINLINE_6_11) | (1u << SCMWQ_DRV_VENDOR) | \
		     (1u << SCMWQ_DRV_DRAFT_2022))
#define D(x) (1u << SCMWQ_DRV_##x)

/* Which drivers each fault can happen with (deterministic, live). */
static const struct {
	enum scmwq_rule rule;
	unsigned int drivers;
	unsigned int live;
} faults[] = {
	{ SCMWQ_R_LOST_WAKEUP,		ALL_DRIVERS, 0 },
	{ SCMWQ_R_SLOW_RESUME,		ALL_DRIVERS, ALL_DRIVERS },
	{ SCMWQ_R_STRANDED_SLEEPER,	ALL_DRIVERS, ALL_DRIVERS },
	{ SCMWQ_R_DRAIN_ABORTED,	D(MAINLINE) | D(VENDOR) | D(DRAFT_2022), 0 },
	{ SCMWQ_R_WAKE_ALL_REJECTED,	D(MAINLINE) | D(MAINLINE_6_11), 0 },
	{ SCMWQ_R_WAKE_ALL_PARTIAL,	D(VENDOR), D(VENDOR) },
	{ SCMWQ_R_WAKE_ALL_STUCK,	D(DRAFT_2022), 0 },
	{ SCMWQ_R_PREMATURE_RESUME,	ALL_DRIVERS, 0 },
	{ SCMWQ_R_SPURIOUS_WAKE,	ALL_DRIVERS, 0 },
	{ SCMWQ_R_INVALID_FLAGS,	ALL_DRIVERS, 0 },
	{ SCMWQ_R_INVALID_WQ_CTX,	D(MAINLINE) | D(MAINLINE_6_3) | D(MAINLINE_6_11), 0 },
	{ SCMWQ_R_RESUME_CTX_MISMATCH,	ALL_DRIVERS, 0 },
	{ SCMWQ_R_RESUME_WITHOUT_SLEEP,	ALL_DRIVERS, 0 },
	{ SCMWQ_R_SLEEP_WHILE_SLEEPING,	ALL_DRIVERS, 0 },
	{ SCMWQ_R_ACK_CTX_MISMATCH,	D(VENDOR) | D(DRAFT_2022), 0 },
	{ SCMWQ_R_EBUSY_RETRY_RESUME,	D(DRAFT_2022), 0 },
	{ SCMWQ_R_GET_WQ_CTX_STD_CALL,	D(MAINLINE_6_3) | D(VENDOR) | D(DRAFT_2022), 0 },
	{ SCMWQ_R_SLEEP_IN_ATOMIC_CALL,	ALL_DRIVERS, 0 },
	{ SCMWQ_R_LONG_SLEEP,		ALL_DRIVERS, ALL_DRIVERS },
};

unsigned int scmwq_sim_fault_drivers(enum scmwq_rule rule, bool live)
{
	for (size_t i = 0; i < ARRAY_SIZE(faults); i++)
		if (faults[i].rule == rule)
			return live ? faults[i].live : faults[i].drivers;
	return 0;
}

void scmwq_sim_opts_init(struct scmwq_sim_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->driver = SCMWQ_DRV_MAINLINE;
	o->seed = 1;
	o->calls = 1000;
	o->threads = 4;
	o->queues = 4;
	o->format = SCMWQ_SYS_UNKNOWN;
}

/* ------------------------------------------------------------------ */
/* The run                                                             */

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

int scmwq_sim_run(const struct scmwq_sim_opts *o, struct scmwq_sim_result *res,
		  struct scmwq_error *err)
{
	struct scmwq_sim_opts opts = *o;
	struct sim *s;
	int ret;

	memset(res, 0, sizeof(*res));
	if (opts.driver <= SCMWQ_DRV_AUTO || opts.driver >= SCMWQ_DRV__COUNT)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "simulate needs a driver, not auto");
	if (opts.threads < 1 || opts.threads > MAX_THREADS)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "--threads must be 1 to %d", MAX_THREADS);
	if (opts.queues < 1 || opts.queues > MAX_QUEUES / 2)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "--queues must be 1 to %d", MAX_QUEUES / 2);
	if (opts.driver == SCMWQ_DRV_MAINLINE_6_3 || opts.driver == SCMWQ_DRV_MAINLINE_6_11)
		opts.queues = 1;	/* wq_ctx must be 0 */
	if (opts.format == SCMWQ_SYS_UNKNOWN)
		opts.format = opts.driver == SCMWQ_DRV_VENDOR || opts.driver == SCMWQ_DRV_DRAFT_2022 ?
			      SCMWQ_SYS_SCM : SCMWQ_SYS_QCOM_SCM;
	for (int i = 0; i < opts.n_inject; i++) {
		enum scmwq_rule r = opts.inject[i];
		unsigned int mask = scmwq_sim_fault_drivers(r, opts.live);
		char need[128] = "";

		if (!(mask & (1u << opts.driver))) {
			for (int d = SCMWQ_DRV_MAINLINE; d < SCMWQ_DRV__COUNT; d++)
				if (mask & (1u << d))
					snprintf(need + strlen(need), sizeof(need) - strlen(need),
						 "%s--driver=%s", need[0] ? " or " : "",
						 scmwq_driver_name(d));
			if (!mask)
				return scmwq_error_set(err, SCMWQ_E_USAGE, "--inject=%s: no fault of "
						       "the %s engine causes it",
						       scmwq_rule_info(r)->id,
						       opts.live ? "live" : "deterministic");
			return scmwq_error_set(err, SCMWQ_E_USAGE, "--inject=%s needs %s (not %s)",
					       scmwq_rule_info(r)->id, need,
					       scmwq_driver_name(opts.driver));
		}
		if (r == SCMWQ_R_DRAIN_ABORTED && opts.queues < 2)
			return scmwq_error_set(err, SCMWQ_E_USAGE, "--inject=drain-aborted needs "
					       "--queues of 2 or more: two wait-queues ready at once");
		if ((r == SCMWQ_R_WAKE_ALL_PARTIAL || r == SCMWQ_R_WAKE_ALL_STUCK ||
		     r == SCMWQ_R_DRAIN_ABORTED) && opts.threads < 2)
			return scmwq_error_set(err, SCMWQ_E_USAGE, "--inject=%s needs --threads of 2 "
					       "or more: two calls parked at once",
					       scmwq_rule_info(r)->id);
	}
	if (opts.live)
		return scmwq_sim_live_run(&opts, res, err);

	s = calloc(1, sizeof(*s));
	if (!s)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	s->o = &opts;
	s->res = res;
	s->err = err;
	s->sys = opts.format;
	s->queues = opts.queues;
	scmwq_heap_init(&s->queue, sizeof(struct action), sim_action_less);
	ret = run_deterministic(s);
	if (ret == 0 && opts.truth && scmwq_truth_write(opts.truth, &s->truth, &opts, res) < 0)
		ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "cannot write the truth file");
	scmwq_heap_free(&s->queue);
	free(s);
	return ret;
}
