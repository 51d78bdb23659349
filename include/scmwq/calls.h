/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-call timelines: every SCM call with its sleeps and who woke them,
 * as the model credits the wakes.
 */
#ifndef SCMWQ_CALLS_H
#define SCMWQ_CALLS_H

#include <scmwq/model.h>

enum scmwq_wake_path {
	SCMWQ_PATH_NONE = 0,	/* no wake seen for this sleep */
	SCMWQ_PATH_IRQ,		/* GET_WQ_CTX on the IRQ thread */
	SCMWQ_PATH_ACK,		/* WAITQ_WAKE returned to another call (then ACK) */
	SCMWQ_PATH_BANKED,	/* a token banked before the sleep */
};

const char *scmwq_wake_path_name(enum scmwq_wake_path p);

struct scmwq_sleep_rec {
	uint32_t wq_ctx, smc_call_ctx;
	bool has_ctx;
	uint64_t sleep_ns;
	uint64_t wake_ns;	/* 0: no wake */
	uint64_t resume_ns;	/* 0: did not resume */
	enum scmwq_wake_path path;
	int waker_pid;		/* -1: none */
	char waker_comm[SCMWQ_COMM_LEN];
	char state;		/* sched_switch prev_state as it blocked ('D', 'I'); 0: unknown */
	uint64_t blocked_ns;	/* that sched_switch; 0: unknown */
	uint64_t ran_ns;	/* when it ran again after the wake; 0: unknown */
};

#define SCMWQ_CALL_SLEEPS	16	/* sleeps kept per call; more are counted */
#define SCMWQ_CALL_FINDINGS	4

struct scmwq_call_rec {
	int pid;
	char comm[SCMWQ_COMM_LEN];
	uint64_t smc_id;	/* the original function id */
	uint64_t start_ns;	/* its first scm_smc_request seen */
	uint64_t end_ns;	/* scm_smc_done; 0: still open at the end */
	int ret;
	bool done;		/* scm_smc_done seen */
	bool joined;		/* began before the trace: start unknown */
	int n_sleeps;
	int sleeps_dropped;
	struct scmwq_sleep_rec sleeps[SCMWQ_CALL_SLEEPS];
	int n_findings;		/* findings replay attached to this call */
	enum scmwq_rule findings[SCMWQ_CALL_FINDINGS];
};

typedef void (*scmwq_call_fn)(const struct scmwq_call_rec *call, void *arg);

struct scmwq_calls;

/**
 * scmwq_calls_alloc - rebuild per-call timelines from an event stream
 * @opts: model options (the driver must be resolved)
 * @call_fn: called once per call, when it ends (or at scmwq_calls_finish
 *           for calls still open), in the order they end
 * @finding_fn: replay's findings, as they are decided (may be NULL)
 *
 * Runs the reference model inside, so that who woke whom is exactly what
 * replay decides; memory grows with the calls open at once.
 */
struct scmwq_calls *scmwq_calls_alloc(const struct scmwq_model_opts *opts, scmwq_call_fn call_fn,
				      scmwq_finding_fn finding_fn, void *arg);
int scmwq_calls_feed(struct scmwq_calls *c, const struct scmwq_event *ev);
void scmwq_calls_finish(struct scmwq_calls *c);
const struct scmwq_model_stats *scmwq_calls_stats(const struct scmwq_calls *c);
void scmwq_calls_free(struct scmwq_calls *c);

#endif /* SCMWQ_CALLS_H */
