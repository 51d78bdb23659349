/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference model of the SCM wait-queue protocol: drivers, rules,
 * findings, and the model that judges an event stream (replay.md).
 */
#ifndef SCMWQ_MODEL_H
#define SCMWQ_MODEL_H

#include <scmwq/event.h>

enum scmwq_driver {
	SCMWQ_DRV_AUTO = 0,
	SCMWQ_DRV_MAINLINE,		/* Linux 6.20+ */
	SCMWQ_DRV_MAINLINE_6_3,		/* 6.3 - 6.10 */
	SCMWQ_DRV_MAINLINE_6_11,	/* 6.11 - 6.19 */
	SCMWQ_DRV_VENDOR,		/* Android vendor kernels */
	SCMWQ_DRV_DRAFT_2022,		/* the 2022 design */
	SCMWQ_DRV__COUNT,
};

const char *scmwq_driver_name(enum scmwq_driver drv);
/* Returns -1 for an unknown name. */
int scmwq_driver_parse(const char *name, enum scmwq_driver *drv);

enum scmwq_severity {
	SCMWQ_SEV_INFO = 0,
	SCMWQ_SEV_WARNING,
	SCMWQ_SEV_ERROR,
};

const char *scmwq_severity_name(enum scmwq_severity sev);

/* Rule ids of replay.md section 2, plus the info notes. */
enum scmwq_rule {
	SCMWQ_R_LOST_WAKEUP = 0,
	SCMWQ_R_SLOW_RESUME,
	SCMWQ_R_STRANDED_SLEEPER,
	SCMWQ_R_DRAIN_ABORTED,
	SCMWQ_R_WAKE_ALL_REJECTED,
	SCMWQ_R_WAKE_ALL_PARTIAL,
	SCMWQ_R_WAKE_ALL_STUCK,
	SCMWQ_R_PREMATURE_RESUME,
	SCMWQ_R_SPURIOUS_WAKE,
	SCMWQ_R_INVALID_FLAGS,
	SCMWQ_R_INVALID_WQ_CTX,
	SCMWQ_R_RESUME_CTX_MISMATCH,
	SCMWQ_R_RESUME_WITHOUT_SLEEP,
	SCMWQ_R_SLEEP_WHILE_SLEEPING,
	SCMWQ_R_ACK_CTX_MISMATCH,
	SCMWQ_R_EBUSY_RETRY_RESUME,
	SCMWQ_R_GET_WQ_CTX_STD_CALL,
	SCMWQ_R_SLEEP_IN_ATOMIC_CALL,
	SCMWQ_R_LONG_SLEEP,
	SCMWQ_R_UNEXPECTED_EVENT,
	SCMWQ_R_JOINED_MID_CALL,	/* info: thread first seen mid-call */
	SCMWQ_R_TRACE_NOTE,		/* info: driver picked, loss, ... */
	SCMWQ_R__COUNT,
};

struct scmwq_rule_info {
	const char *id;			/* stable id, e.g. "lost-wakeup" */
	enum scmwq_severity severity;	/* default severity */
	const char *summary;		/* one line: what it means */
};

const struct scmwq_rule_info *scmwq_rule_info(enum scmwq_rule rule);
/* Returns -1 for an unknown id. */
int scmwq_rule_parse(const char *id, enum scmwq_rule *rule);

#define SCMWQ_MAX_NAMED	8	/* sleepers named in one finding */

struct scmwq_finding {
	enum scmwq_rule rule;
	enum scmwq_severity severity;
	bool inconclusive;
	uint64_t ts_ns;		/* when the evidence starts */
	int pid;		/* -1: none */
	char comm[SCMWQ_COMM_LEN];
	bool has_wq_ctx, has_ctx;
	uint32_t wq_ctx, smc_call_ctx;
	/* the other threads involved (e.g. the sleepers a WAKE_ALL stranded) */
	int n_named;
	int named_pid[SCMWQ_MAX_NAMED];
	char message[512];
};

struct scmwq_model_opts {
	enum scmwq_driver driver;	/* resolved: never SCMWQ_DRV_AUTO */
	uint64_t grace_ns;		/* default 100 ms */
	uint64_t stall_ns;		/* default 1 s */
	uint64_t skew_ns;		/* default 20 us */
	/*
	 * The event stream (set by replay from the source): its CPUs (0:
	 * unknown) and whether it reports every loss before the events after
	 * the loss began (trace.dat, live tracefs) or only after its gap
	 * (ftrace text).  A finding is held until no loss can still turn up
	 * inside its evidence: with losses reported late, until every CPU has
	 * passed it (with the CPUs unknown, the end of the trace).
	 */
	int ncpus;
	bool losses_in_order;
	/*
	 * The driver is a guess (--driver=auto saw neither a trace system nor a
	 * scm_waitq_wake_ack): findings that another driver would not make
	 * are inconclusive and name the alternative.
	 */
	bool driver_guessed;
};

void scmwq_model_opts_init(struct scmwq_model_opts *opts);

typedef void (*scmwq_finding_fn)(const struct scmwq_finding *f, void *arg);

struct scmwq_model;

struct scmwq_model_stats {
	uint64_t events;	/* events fed */
	uint64_t calls;		/* calls started (judged or not) */
	uint64_t sleeps;
	uint64_t wakes;
	uint64_t lost_events;	/* from loss markers */
	uint64_t losses;	/* loss markers seen */
	uint64_t errors, warnings, infos, inconclusive;
	uint64_t open_calls_max; /* peak of calls open at once */
	uint64_t scm_events;	/* SCM events (not sched, not loss marks): 0 is nothing to judge */
	uint64_t held_max;	/* peak of findings held for their evidence */
};

struct scmwq_model *scmwq_model_alloc(const struct scmwq_model_opts *opts, scmwq_finding_fn fn,
				      void *arg);

/*
 * Called when the model credits a wake to a sleeper (the same decision its
 * rules rest on): @waker_pid is -1 for a token banked before the sleep.
 */
typedef void (*scmwq_wake_fn)(int sleeper_pid, uint32_t wq_ctx, uint64_t wake_ns, int waker_pid,
			      bool irq, bool banked, void *arg);
void scmwq_model_set_wake_hook(struct scmwq_model *m, scmwq_wake_fn fn, void *arg);
/*
 * A sleeper still in its wait-queue --stall after it slept (monitor): the
 * model calls the stall hook once per sleep, when its time is reached by
 * an event or by scmwq_model_advance().
 */
struct scmwq_stall {
	int pid;
	char comm[SCMWQ_COMM_LEN];
	uint32_t wq_ctx, smc_call_ctx;
	bool has_ctx;
	uint64_t sleep_ns;	/* when it slept */
	uint64_t now_ns;	/* sleep_ns + --stall */
	bool woken;		/* a wake was credited to it (it has not resumed) */
	uint64_t wake_ns;	/* that wake; 0: none */
	int waker_pid;		/* -1: none or banked */
	uint64_t wq_wake_ns;	/* the latest wake of its wq_ctx since it slept; 0: none */
	int wq_waker_pid;
};

typedef void (*scmwq_stall_fn)(const struct scmwq_stall *s, void *arg);
void scmwq_model_set_stall_hook(struct scmwq_model *m, scmwq_stall_fn fn, void *arg);
/* Feed one event; events must come in time order (up to --skew). */
int scmwq_model_feed(struct scmwq_model *m, const struct scmwq_event *ev);
/*
 * Tell the model that time has reached @now_ns without events (monitor);
 * verdicts whose wait is over are emitted.
 */
void scmwq_model_advance(struct scmwq_model *m, uint64_t now_ns);
/* End of trace: emits what is still open (stranded, inconclusive). */
void scmwq_model_finish(struct scmwq_model *m);
const struct scmwq_model_stats *scmwq_model_stats(const struct scmwq_model *m);
void scmwq_model_free(struct scmwq_model *m);

/*
 * The transition table (replay.md section 1), exported so that `model`
 * prints it: each row is one allowed transition.
 */
enum scmwq_call_state {
	SCMWQ_ST_IDLE = 0,
	SCMWQ_ST_IN_FW,
	SCMWQ_ST_SLEEPING,
	SCMWQ_ST_WOKEN,
	SCMWQ_ST_RESUMING,
	SCMWQ_ST_ACKING,
	SCMWQ_ST__COUNT,
};

/* Model inputs: an event as the call state machine classifies it. */
enum scmwq_input {
	SCMWQ_IN_REQ_CALL = 0,	/* scm_smc_request, ordinary function id */
	SCMWQ_IN_REQ_REENTRY,	/* smc_id 0x1 or the same id again */
	SCMWQ_IN_REQ_RESUME,	/* scm_smc_request RESUME */
	SCMWQ_IN_REQ_ACK,	/* scm_smc_request ACK */
	SCMWQ_IN_REQ_GET_WQ_CTX,/* scm_smc_request GET_WQ_CTX */
	SCMWQ_IN_SLEEP,		/* scm_waitq_sleep */
	SCMWQ_IN_WAKE,		/* a wake credited to this sleeper */
	SCMWQ_IN_RESUME,	/* scm_waitq_resume */
	SCMWQ_IN_WAKE_ACK,	/* scm_waitq_wake_ack */
	SCMWQ_IN_DONE,		/* scm_smc_done */
	SCMWQ_IN__COUNT,
};

struct scmwq_transition {
	enum scmwq_call_state from;
	enum scmwq_input input;
	enum scmwq_call_state to;	/* SCMWQ_ST__COUNT: unchanged */
	const char *note;
};

const char *scmwq_state_name(enum scmwq_call_state st);
const char *scmwq_input_name(enum scmwq_input in);
const struct scmwq_transition *scmwq_transitions(size_t *n);

#endif /* SCMWQ_MODEL_H */
