// SPDX-License-Identifier: GPL-2.0
/*
 * The protocol simulator: a model of the firmware against a model of one
 * of the real driver variants, with faults injected, writing the trace the
 * kernel's tracepoints would have produced and a record of the truth.
 *
 * This file is its entry: the options, the faults each driver can have,
 * and the engine that runs them: deterministic, in virtual time (det_*.c),
 * or live, on real threads (sim_live.c, live_*.c).
 */
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

/* Can the engine cause each fault of --inject with these options? */
static int check_inject(const struct scmwq_sim_opts *opts, struct scmwq_error *err)
{
	for (int i = 0; i < opts->n_inject; i++) {
		enum scmwq_rule r = opts->inject[i];
		unsigned int mask = scmwq_sim_fault_drivers(r, opts->live);
		char need[128] = "";

		if (!(mask & (1u << opts->driver))) {
			for (int d = SCMWQ_DRV_MAINLINE; d < SCMWQ_DRV__COUNT; d++)
				if (mask & (1u << d))
					snprintf(need + strlen(need), sizeof(need) - strlen(need),
						 "%s--driver=%s", need[0] ? " or " : "",
						 scmwq_driver_name(d));
			if (!mask)
				return scmwq_error_set(err, SCMWQ_E_USAGE, "--inject=%s: no fault of "
						       "the %s engine causes it",
						       scmwq_rule_info(r)->id,
						       opts->live ? "live" : "deterministic");
			return scmwq_error_set(err, SCMWQ_E_USAGE, "--inject=%s needs %s (not %s)",
					       scmwq_rule_info(r)->id, need,
					       scmwq_driver_name(opts->driver));
		}
		if (r == SCMWQ_R_DRAIN_ABORTED && opts->queues < 2)
			return scmwq_error_set(err, SCMWQ_E_USAGE, "--inject=drain-aborted needs "
					       "--queues of 2 or more: two wait-queues ready at once");
		if ((r == SCMWQ_R_WAKE_ALL_PARTIAL || r == SCMWQ_R_WAKE_ALL_STUCK ||
		     r == SCMWQ_R_DRAIN_ABORTED) && opts->threads < 2)
			return scmwq_error_set(err, SCMWQ_E_USAGE, "--inject=%s needs --threads of 2 "
					       "or more: two calls parked at once",
					       scmwq_rule_info(r)->id);
	}
	return 0;
}

int scmwq_sim_run(const struct scmwq_sim_opts *o, struct scmwq_sim_result *res,
		  struct scmwq_error *err)
{
	struct scmwq_sim_opts opts = *o;

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
	if (check_inject(&opts, err) < 0)
		return -1;
	if (opts.live)
		return scmwq_sim_live_run(&opts, res, err);
	return scmwq_sim_det_run(&opts, res, err);
}
