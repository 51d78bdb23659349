/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulator, inside the library: the probe points, the truth, the two
 * engines.  Not installed.
 */
#ifndef SCMWQ_LIB_SIM_H
#define SCMWQ_LIB_SIM_H

#include <scmwq/output.h>
#include <scmwq/sim.h>

#include "base/base.h"

/* Probe points (probes.c) */

/*
 * Real functions named after the tracepoints, with the tracepoint's fields
 * as arguments in order: uprobe events named after the tracepoints sit on
 * them (tests/gen/record-uprobe.sh), and the scenario player and the
 * simulator call them where the driver would emit the event.  Never
 * inlined nor elided.
 */
void scm_smc_request(uint64_t smc_id, uint8_t svc_id, uint8_t cmd_id, uint8_t args_cnt,
		     uint64_t arg0, uint64_t arg1);
void scm_waitq_sleep(uint32_t wq_ctx, uint32_t smc_call_ctx);
void scm_waitq_resume(uint32_t smc_call_ctx);
void scm_waitq_get_wq_ctx(uint32_t wq_ctx, uint32_t flags, uint32_t more_pending);
void scm_waitq_wake_ack(uint32_t wq_ctx, uint32_t smc_call_ctx);
void scm_smc_done(int ret, uint64_t smc_id, uint64_t res, uint64_t res0, uint64_t res1,
		  uint64_t res2);

/* The truth (simtruth.c) */

/* One fault that happened, or one finding replay must report. */
struct scmwq_truth_item {
	enum scmwq_rule rule;
	uint64_t ts_ns;
	int pid;
	char comm[SCMWQ_COMM_LEN];
	bool has_wq_ctx, has_ctx;
	uint32_t wq_ctx, smc_call_ctx;
	char detail[200];	/* faults: the mechanism, in a sentence */
	/*
	 * Findings: the span of the trace the verdict rests on, as the
	 * simulator knows it: from the first scm_smc_request of the earliest
	 * call involved to where the verdict is decided (replay's default
	 * --grace, --stall and --skew); SCMWQ_TRUTH_TO_END: the end of the
	 * trace (a sleeper that never resumes).
	 */
	uint64_t evidence_start_ns, evidence_end_ns;
};

#define SCMWQ_TRUTH_TO_END UINT64_MAX
/* How long a verdict at an event waits for events of other CPUs (replay's --skew). */
#define SCMWQ_TRUTH_SKEW_NS (20ULL * 1000)

struct scmwq_truth {
	int n_faults, n_findings;
	struct scmwq_truth_item faults[SCMWQ_SIM_MAX_INJECT];
	struct scmwq_truth_item findings[4 * SCMWQ_SIM_MAX_INJECT];
};

/* Add a fault or an expected finding (silently dropped when full). */
struct scmwq_truth_item *scmwq_truth_fault(struct scmwq_truth *t, enum scmwq_rule rule);
struct scmwq_truth_item *scmwq_truth_finding(struct scmwq_truth *t, enum scmwq_rule rule);

/* Write the truth JSON document (see scmwq-trace-simulate(1)). */
int scmwq_truth_write(FILE *out, const struct scmwq_truth *t, const struct scmwq_sim_opts *o,
		      const struct scmwq_sim_result *res);

/* The engines */

/*
 * The deterministic engine (det_*.c): same contract as scmwq_sim_run(),
 * with the options scmwq_sim_run() checked and resolved.
 */
int scmwq_sim_det_run(const struct scmwq_sim_opts *opts, struct scmwq_sim_result *res,
		      struct scmwq_error *err);

/* The live engine (sim_live.c, live_*.c): same contract as scmwq_sim_run(). */
int scmwq_sim_live_run(const struct scmwq_sim_opts *opts, struct scmwq_sim_result *res,
		       struct scmwq_error *err);

#endif /* SCMWQ_LIB_SIM_H */
