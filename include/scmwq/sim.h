/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of lib/sim/: the protocol simulator, a model of the
 * firmware against one driver variant, with injected faults, writing the
 * trace the kernel's tracepoints would give and a record of the truth.
 */
#ifndef SCMWQ_SIM_H
#define SCMWQ_SIM_H

#include <scmwq/model.h>

#define SCMWQ_SIM_MAX_INJECT	32

/**
 * struct scmwq_sim_opts - what to simulate
 * @driver: the driver variant; never SCMWQ_DRV_AUTO
 * @seed: the deterministic engine's seed (default 1)
 * @live: real threads and time, not virtual
 * @calls: calls to complete (default 1000)
 * @threads: client threads, 1 to 64 (default 4)
 * @queues: firmware wait-queues, 1 to 32 (default 4; always 1 for
 *          mainline-6.3 and 6.11, whose wq_ctx must be 0)
 * @duration_ns: stop after this much (virtual) time; 0: none
 * @n_inject: how many of @inject are set
 * @inject: faults to inject, one each, named by the rule each breaks
 * @format: print format; SCMWQ_SYS_UNKNOWN: the driver's system (scm for
 *          vendor and draft-2022, qcom_scm otherwise)
 * @out: where the ftrace text goes, header first
 * @truth: where the truth JSON goes, or NULL
 * @progress: called now and then with the lines written so far (may be
 *            NULL)
 * @progress_arg: passed to @progress
 */
struct scmwq_sim_opts {
	enum scmwq_driver driver;
	uint64_t seed;
	bool live;
	unsigned int calls;
	unsigned int threads;
	unsigned int queues;
	uint64_t duration_ns;
	int n_inject;
	enum scmwq_rule inject[SCMWQ_SIM_MAX_INJECT];
	enum scmwq_system format;
	FILE *out;
	FILE *truth;
	void (*progress)(uint64_t events, void *arg);
	void *progress_arg;
};

/**
 * scmwq_sim_opts_init() - the default options
 * @o: filled: mainline, seed 1, deterministic, 1000 calls, 4 threads, 4
 *     wait-queues, no fault, the driver's print format; @o->out is the
 *     caller's to set
 */
void scmwq_sim_opts_init(struct scmwq_sim_opts *o);

/**
 * struct scmwq_sim_result - what a simulation wrote
 * @events: lines of trace written
 * @calls: calls completed
 * @sleeps: sleeps
 * @wakes: wakes
 * @end_ns: (virtual) time of the last event
 * @faults: faults that happened
 */
struct scmwq_sim_result {
	uint64_t events;
	uint64_t calls;
	uint64_t sleeps, wakes;
	uint64_t end_ns;
	int faults;
};

/**
 * scmwq_sim_run() - simulate and write the trace (and the truth)
 * @opts: what to simulate
 * @res: filled with what was written
 * @err: set on failure
 *
 * The deterministic engine (opts->live false) runs in virtual time from
 * opts->seed: the same options give the same bytes.  The live engine runs
 * real threads.  The trace goes on after each injected fault long enough
 * for replay to judge it with its default --grace and --stall.
 *
 * Return: 0, or -1 with @err set: SCMWQ_E_USAGE for options it cannot run
 * (no driver, --threads or --queues out of range, a fault the driver or
 * the engine cannot have, or one that needs more threads or queues),
 * SCMWQ_E_INTERNAL for out of memory or a write error.
 */
int scmwq_sim_run(const struct scmwq_sim_opts *opts, struct scmwq_sim_result *res,
		  struct scmwq_error *err);

/**
 * scmwq_sim_fault_drivers() - the drivers a fault can happen with
 * @rule: the rule the fault breaks
 * @live: for the live engine (else the deterministic one)
 *
 * Return: a bitmask of (1u << driver); 0 when no fault causes that rule.
 */
unsigned int scmwq_sim_fault_drivers(enum scmwq_rule rule, bool live);

#endif /* SCMWQ_SIM_H */
