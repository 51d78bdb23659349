/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Simulation: firmware and a driver variant, with injected faults.
 */
#ifndef SCMWQ_SIM_H
#define SCMWQ_SIM_H

#include <scmwq/model.h>

#define SCMWQ_SIM_MAX_INJECT	32

struct scmwq_sim_opts {
	enum scmwq_driver driver;	/* never SCMWQ_DRV_AUTO */
	uint64_t seed;
	bool live;			/* real threads and time, not virtual */
	unsigned int calls;		/* calls to complete (default 1000) */
	unsigned int threads;		/* client threads (default 4) */
	unsigned int queues;		/* firmware wait-queues (1 for 6.3/6.11) */
	uint64_t duration_ns;		/* stop after this much (virtual) time; 0: none */
	int n_inject;
	enum scmwq_rule inject[SCMWQ_SIM_MAX_INJECT];	/* one fault each */
	enum scmwq_system format;	/* print format; UNKNOWN: the driver's system */
	FILE *out;			/* the ftrace text */
	FILE *truth;			/* the truth JSON, or NULL */
	void (*progress)(uint64_t events, void *arg);
	void *progress_arg;
};

void scmwq_sim_opts_init(struct scmwq_sim_opts *o);

struct scmwq_sim_result {
	uint64_t events;		/* lines of trace written */
	uint64_t calls;			/* calls completed */
	uint64_t sleeps, wakes;
	uint64_t end_ns;		/* (virtual) time of the last event */
	int faults;			/* faults that happened */
};

/**
 * scmwq_sim_run - simulate and write the trace (and the truth)
 *
 * The deterministic engine (opts->live false) runs in virtual time from
 * opts->seed: the same options give the same bytes.  The live engine runs
 * real threads.  Returns 0, or -1 with @err (SCMWQ_E_USAGE for a fault the
 * driver cannot have, SCMWQ_E_INTERNAL for a write error).
 */
int scmwq_sim_run(const struct scmwq_sim_opts *opts, struct scmwq_sim_result *res,
		  struct scmwq_error *err);

/*
 * The drivers a fault can happen with, as a bitmask of (1u << driver); 0
 * when no fault causes that rule.  @live: for the live engine.
 */
unsigned int scmwq_sim_fault_drivers(enum scmwq_rule rule, bool live);

#endif /* SCMWQ_SIM_H */
