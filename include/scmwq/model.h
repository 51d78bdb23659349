/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of lib/model/: the reference model of the SCM wait-queue
 * protocol (replay.md), its drivers, rules and findings.  It judges a stream
 * of events and knows nothing of where they come from or where findings go.
 */
#ifndef SCMWQ_MODEL_H
#define SCMWQ_MODEL_H

#include <scmwq/event.h>

/**
 * enum scmwq_driver - the driver variant a trace is judged against
 * @SCMWQ_DRV_AUTO: decided from the trace (replay only; the model never
 *                  runs with it)
 * @SCMWQ_DRV_MAINLINE: mainline, Linux 6.20+
 * @SCMWQ_DRV_MAINLINE_6_3: mainline 6.3 - 6.10
 * @SCMWQ_DRV_MAINLINE_6_11: mainline 6.11 - 6.19
 * @SCMWQ_DRV_VENDOR: Android vendor kernels
 * @SCMWQ_DRV_DRAFT_2022: the 2022 design
 * @SCMWQ_DRV__COUNT: the number of values, not a driver
 */
enum scmwq_driver {
	SCMWQ_DRV_AUTO = 0,
	SCMWQ_DRV_MAINLINE,
	SCMWQ_DRV_MAINLINE_6_3,
	SCMWQ_DRV_MAINLINE_6_11,
	SCMWQ_DRV_VENDOR,
	SCMWQ_DRV_DRAFT_2022,
	SCMWQ_DRV__COUNT,
};

/**
 * scmwq_driver_name() - the name of a driver, as --driver takes it
 * @drv: the driver
 *
 * Return: "auto", "mainline", "mainline-6.3", "mainline-6.11", "vendor",
 * "draft-2022", or "?" for a value that is none; a static string.
 */
const char *scmwq_driver_name(enum scmwq_driver drv);
/**
 * scmwq_driver_parse() - a driver from its name
 * @name: one of the names scmwq_driver_name() gives, "auto" included
 * @drv: set to the driver on success
 *
 * Return: 0, or -1 for an unknown name.
 */
int scmwq_driver_parse(const char *name, enum scmwq_driver *drv);

/**
 * enum scmwq_severity - how bad a finding is
 * @SCMWQ_SEV_INFO: a note; never counts against the trace
 * @SCMWQ_SEV_WARNING: suspicious, counted as an error only with --strict
 * @SCMWQ_SEV_ERROR: the trace departs from the protocol
 */
enum scmwq_severity {
	SCMWQ_SEV_INFO = 0,
	SCMWQ_SEV_WARNING,
	SCMWQ_SEV_ERROR,
};

/**
 * scmwq_severity_name() - a severity in words
 * @sev: the severity
 *
 * Return: "error", "warning" or "info" (for any other value too); a static
 * string.
 */
const char *scmwq_severity_name(enum scmwq_severity sev);

/**
 * enum scmwq_rule - the rules of replay.md section 2, and the info notes
 * @SCMWQ_R_LOST_WAKEUP: lost-wakeup: a wake reached the sleeper's wq_ctx,
 *                       yet it did not resume on it
 * @SCMWQ_R_SLOW_RESUME: slow-resume: resumed on its wake, but more than
 *                       --grace after it
 * @SCMWQ_R_STRANDED_SLEEPER: stranded-sleeper: no wake at all for --stall or
 *                            to the end of the trace
 * @SCMWQ_R_DRAIN_ABORTED: drain-aborted: more_pending=1 and no further
 *                         GET_WQ_CTX
 * @SCMWQ_R_WAKE_ALL_REJECTED: wake-all-rejected: WAKE_ALL to a driver that
 *                             rejects it; its sleepers are stranded
 * @SCMWQ_R_WAKE_ALL_PARTIAL: wake-all-partial: after a WAKE_ALL, fewer
 *                            sleepers resumed than were waiting
 * @SCMWQ_R_WAKE_ALL_STUCK: wake-all-stuck: sleeps on a wq_ctx return at once,
 *                          again and again, with no wake between them
 * @SCMWQ_R_PREMATURE_RESUME: premature-resume: resumed on a banked token,
 *                            not a wake of its own
 * @SCMWQ_R_SPURIOUS_WAKE: spurious-wake: a wake for a wq_ctx with no sleeper
 * @SCMWQ_R_INVALID_FLAGS: invalid-flags: wake flags outside {1, 2}
 * @SCMWQ_R_INVALID_WQ_CTX: invalid-wq-ctx: a wq_ctx the driver does not
 *                          accept
 * @SCMWQ_R_RESUME_CTX_MISMATCH: resume-ctx-mismatch: RESUME's smc_call_ctx
 *                               differs from the sleep's
 * @SCMWQ_R_RESUME_WITHOUT_SLEEP: resume-without-sleep: RESUME with no sleep
 *                                before it on that thread
 * @SCMWQ_R_SLEEP_WHILE_SLEEPING: sleep-while-sleeping: a second sleep on a
 *                                thread already asleep
 * @SCMWQ_R_ACK_CTX_MISMATCH: ack-ctx-mismatch: ACK's smc_call_ctx differs
 *                            from the WAKE's
 * @SCMWQ_R_EBUSY_RETRY_RESUME: ebusy-retry-resume: RESUME re-sent with no
 *                              new sleep
 * @SCMWQ_R_GET_WQ_CTX_STD_CALL: get-wq-ctx-std-call: GET_WQ_CTX as a
 *                               standard call, which can deadlock
 * @SCMWQ_R_SLEEP_IN_ATOMIC_CALL: sleep-in-atomic-call: SLEEP returned to a
 *                                fast (atomic) call
 * @SCMWQ_R_LONG_SLEEP: long-sleep: a sleep that ended, but took longer than
 *                      --stall
 * @SCMWQ_R_UNEXPECTED_EVENT: unexpected-event: an event the model does not
 *                            allow in the thread's state
 * @SCMWQ_R_JOINED_MID_CALL: joined-mid-call (info): a thread first seen
 *                           mid-call, not judged until its call ends
 * @SCMWQ_R_TRACE_NOTE: trace-note (info): the driver picked, a loss,
 *                      WAKE_NONE seen, fields a probe source lacks
 * @SCMWQ_R__COUNT: the number of rules, not a rule
 *
 * Each rule's id, default severity and meaning are declared once, in
 * lib/model/rules.c: see scmwq_rule_info().
 */
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
	SCMWQ_R_JOINED_MID_CALL,
	SCMWQ_R_TRACE_NOTE,
	SCMWQ_R__COUNT,
};

/**
 * struct scmwq_rule_info - what a rule is
 * @id: its stable id, e.g. "lost-wakeup"
 * @severity: the severity of its findings
 * @summary: one line: what it means
 */
struct scmwq_rule_info {
	const char *id;
	enum scmwq_severity severity;
	const char *summary;
};

/**
 * scmwq_rule_info() - the id, severity and meaning of a rule
 * @rule: the rule
 *
 * Return: a static entry, or NULL for a value that is no rule.
 */
const struct scmwq_rule_info *scmwq_rule_info(enum scmwq_rule rule);
/**
 * scmwq_rule_parse() - a rule from its id
 * @id: a rule id, e.g. "lost-wakeup"
 * @rule: set to the rule on success
 *
 * Return: 0, or -1 for an unknown id.
 */
int scmwq_rule_parse(const char *id, enum scmwq_rule *rule);

#define SCMWQ_MAX_NAMED	8	/* sleepers named in one finding */

/**
 * struct scmwq_finding - one verdict of the model
 * @rule: the rule it breaks (or the note it is)
 * @severity: the rule's severity
 * @inconclusive: the trace cannot settle it (the trace ended too soon, data
 *                was lost inside its evidence, the driver is a guess); the
 *                message says why
 * @ts_ns: when its evidence starts
 * @pid: the thread it is about; -1: none
 * @comm: that thread's name
 * @cpu: the CPU of that thread's latest event when the finding was made;
 *       -1: unknown
 * @has_wq_ctx: @wq_ctx is set
 * @has_ctx: @smc_call_ctx is set
 * @wq_ctx: the wait-queue it is about
 * @smc_call_ctx: the call's firmware context it is about
 * @n_named: how many of @named_pid are set
 * @named_pid: the other threads involved (e.g. the sleepers a WAKE_ALL
 *             stranded), at most SCMWQ_MAX_NAMED
 * @message: what happened, in a sentence or two
 */
struct scmwq_finding {
	enum scmwq_rule rule;
	enum scmwq_severity severity;
	bool inconclusive;
	uint64_t ts_ns;
	int pid;
	int cpu;
	char comm[SCMWQ_COMM_LEN];
	bool has_wq_ctx, has_ctx;
	uint32_t wq_ctx, smc_call_ctx;
	int n_named;
	int named_pid[SCMWQ_MAX_NAMED];
	char message[512];
};

/**
 * struct scmwq_model_opts - how the model judges
 * @driver: the driver variant; resolved, never SCMWQ_DRV_AUTO (the model
 *          takes AUTO as SCMWQ_DRV_MAINLINE)
 * @grace_ns: --grace: how long a woken sleeper may take to resume (default
 *            100 ms)
 * @stall_ns: --stall: how long a sleeper may wait with no wake at all
 *            (default 1 s)
 * @skew_ns: --skew: events on different CPUs closer than this may be out of
 *           order; no verdict rests on an order inside it (default 20 us)
 * @ncpus: the stream's CPUs; 0: unknown
 * @losses_in_order: the stream reports every loss before the events after
 *                   the loss began (trace.dat, live tracefs), not only
 *                   after its gap (ftrace text)
 * @driver_guessed: the driver is a guess (--driver=auto saw neither a trace
 *                  system nor a scm_waitq_wake_ack): findings that another
 *                  driver would not make are inconclusive and name the
 *                  alternative
 *
 * @ncpus and @losses_in_order are set by replay from the source.  A finding
 * is held until no loss can still turn up inside its evidence: with losses
 * reported late, until every CPU has passed it (with the CPUs unknown, the
 * end of the trace).
 */
struct scmwq_model_opts {
	enum scmwq_driver driver;
	uint64_t grace_ns;
	uint64_t stall_ns;
	uint64_t skew_ns;
	int ncpus;
	bool losses_in_order;
	bool driver_guessed;
};

/**
 * scmwq_model_opts_init() - the default options
 * @opts: filled: SCMWQ_DRV_MAINLINE, --grace 100 ms, --stall 1 s, --skew
 *        20 us, the CPUs unknown, losses reported late
 */
void scmwq_model_opts_init(struct scmwq_model_opts *opts);

/**
 * typedef scmwq_finding_fn - given each finding as it is released
 * @f: the finding; valid during the call only: copy what you keep
 * @arg: the callback's argument
 *
 * Findings are released in the order made, once their evidence is
 * complete, so later than the event that decided them.
 */
typedef void (*scmwq_finding_fn)(const struct scmwq_finding *f, void *arg);

struct scmwq_model;

/**
 * struct scmwq_model_stats - what the model has seen and found so far
 * @events: events fed (sched events not counted, loss markers counted)
 * @calls: calls started (judged or not)
 * @sleeps: sleeps seen
 * @wakes: wakes delivered (GET_WQ_CTX drains and WAITQ_WAKE returns)
 * @lost_events: events lost, from the loss markers' counts
 * @losses: loss markers seen
 * @errors: error findings released, not inconclusive
 * @warnings: warning findings released, not inconclusive
 * @infos: info findings released
 * @inconclusive: inconclusive findings released
 * @open_calls_max: peak of calls open at once
 * @scm_events: SCM events (not sched, not loss markers); 0 is nothing to
 *              judge
 * @held_max: peak of findings held for their evidence
 */
struct scmwq_model_stats {
	uint64_t events;
	uint64_t calls;
	uint64_t sleeps;
	uint64_t wakes;
	uint64_t lost_events;
	uint64_t losses;
	uint64_t errors, warnings, infos, inconclusive;
	uint64_t open_calls_max;
	uint64_t scm_events;
	uint64_t held_max;
};

/**
 * scmwq_finding_count() - count a finding as the model counts it
 * @st: the counters: errors and warnings that are not inconclusive,
 *      infos, inconclusive ones
 * @f: the finding
 *
 * What the model does for each finding it releases; for callers that count
 * a selection of them (replay's filters).
 */
void scmwq_finding_count(struct scmwq_model_stats *st, const struct scmwq_finding *f);

/**
 * scmwq_model_alloc() - a reference model, ready for the first event
 * @opts: how to judge (copied)
 * @fn: given each finding as it is released (may be NULL)
 * @arg: passed to @fn
 *
 * Memory grows with the threads, wait-queues and verdicts open at once,
 * never with the length of the trace.
 *
 * Return: the model, to be freed with scmwq_model_free(), or NULL when out
 * of memory.
 */
struct scmwq_model *scmwq_model_alloc(const struct scmwq_model_opts *opts, scmwq_finding_fn fn,
				      void *arg);

/**
 * typedef scmwq_wake_fn - told of each wake the model credits to a sleeper
 * @sleeper_pid: the sleeper
 * @wq_ctx: its wait-queue
 * @wake_ns: when the wake was delivered
 * @waker_pid: the thread that delivered it; -1 for a token banked before
 *             the sleep
 * @irq: delivered by GET_WQ_CTX on the IRQ thread (else by a WAITQ_WAKE
 *       returned to another call)
 * @banked: a token banked before the sleep, not a wake of its own
 * @arg: the hook's argument
 *
 * The same decision the rules rest on, so a timeline shows exactly what
 * replay judged.
 */
typedef void (*scmwq_wake_fn)(int sleeper_pid, uint32_t wq_ctx, uint64_t wake_ns, int waker_pid,
			      bool irq, bool banked, void *arg);
/**
 * scmwq_model_set_wake_hook() - be told of each wake credited to a sleeper
 * @m: the model
 * @fn: the hook (NULL: none)
 * @arg: passed to @fn
 */
void scmwq_model_set_wake_hook(struct scmwq_model *m, scmwq_wake_fn fn, void *arg);
/**
 * struct scmwq_stall - a sleeper that waits too long (monitor)
 * @pid: the sleeper
 * @comm: its name
 * @wq_ctx: the wait-queue it sleeps on
 * @smc_call_ctx: its call's firmware context
 * @has_ctx: @smc_call_ctx is known
 * @sleep_ns: when it slept
 * @now_ns: the time of the alert: @sleep_ns + --stall, or the wake's time
 *          + --grace
 * @woken: a wake was credited to it (it has not resumed)
 * @wake_ns: that wake; 0: none
 * @waker_pid: who delivered it; -1: none or banked
 * @wq_wake_ns: the latest wake of its wq_ctx since it slept; 0: none
 * @wq_waker_pid: who delivered that one; -1: none
 */
struct scmwq_stall {
	int pid;
	char comm[SCMWQ_COMM_LEN];
	uint32_t wq_ctx, smc_call_ctx;
	bool has_ctx;
	uint64_t sleep_ns;
	uint64_t now_ns;
	bool woken;
	uint64_t wake_ns;
	int waker_pid;
	uint64_t wq_wake_ns;
	int wq_waker_pid;
};

/**
 * typedef scmwq_stall_fn - told of a sleeper that waits too long
 * @s: the sleeper; valid during the call only
 * @arg: the hook's argument
 */
typedef void (*scmwq_stall_fn)(const struct scmwq_stall *s, void *arg);
/**
 * scmwq_model_set_stall_hook() - be told of sleepers that wait too long
 * @m: the model
 * @fn: the hook (NULL: none)
 * @arg: passed to @fn
 *
 * @fn is called once for a sleeper still in its wait-queue --stall after it
 * slept (woken or not), and once for one woken --grace ago by a wake of its
 * own that has not resumed: as soon as the trace's time (an event, or
 * scmwq_model_advance()) passes that moment, before any verdict.  For
 * monitor's early alerts.
 */
void scmwq_model_set_stall_hook(struct scmwq_model *m, scmwq_stall_fn fn, void *arg);
/**
 * scmwq_model_feed() - judge one event
 * @m: the model
 * @ev: the event; events must come in time order (up to --skew)
 *
 * Findings it decides go to the finding callback once their evidence is
 * complete, maybe during a later call.
 *
 * Return: 0, or -1 when out of memory (the model is then of no further
 * use: every later call returns -1).
 */
int scmwq_model_feed(struct scmwq_model *m, const struct scmwq_event *ev);
/**
 * scmwq_model_advance() - the trace's time has reached @now_ns
 * @m: the model
 * @now_ns: a time up to which every event has been fed
 *
 * With no event to show it (monitor): verdicts whose wait is over are made,
 * and held findings whose evidence every CPU has passed are released.
 */
void scmwq_model_advance(struct scmwq_model *m, uint64_t now_ns);
/**
 * scmwq_model_finish() - the end of the trace
 * @m: the model
 *
 * Decides what is still open (stranded sleepers, waits the trace did not
 * reach, inconclusive where the trace ended too soon) and releases every
 * finding held.  Feed no event after it.
 */
void scmwq_model_finish(struct scmwq_model *m);
/**
 * scmwq_model_stats() - what the model has seen and found so far
 * @m: the model
 *
 * Return: the model's own counters, valid until scmwq_model_free().
 */
const struct scmwq_model_stats *scmwq_model_stats(const struct scmwq_model *m);
/**
 * scmwq_model_free() - free a model
 * @m: the model, or NULL
 *
 * Findings still held are dropped: call scmwq_model_finish() first.
 */
void scmwq_model_free(struct scmwq_model *m);

/**
 * enum scmwq_call_state - the state of a thread's call (replay.md section 1)
 * @SCMWQ_ST_IDLE: no call in firmware
 * @SCMWQ_ST_IN_FW: the call is in firmware
 * @SCMWQ_ST_SLEEPING: firmware returned WAITQ_SLEEP; the thread waits
 * @SCMWQ_ST_WOKEN: a wake on its wq_ctx was credited to it
 * @SCMWQ_ST_RESUMING: it woke (scm_waitq_resume); RESUME follows
 * @SCMWQ_ST_ACKING: firmware returned WAITQ_WAKE; ACK follows
 * @SCMWQ_ST__COUNT: the number of states; as &scmwq_transition.to: unchanged
 *
 * With enum scmwq_input and struct scmwq_transition, the transition table
 * is exported so that `model` prints it.
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

/**
 * enum scmwq_input - an event as the call state machine classifies it
 * @SCMWQ_IN_REQ_CALL: scm_smc_request of an ordinary function id
 * @SCMWQ_IN_REQ_REENTRY: scm_smc_request of smc_id 0x1 (INTERRUPTED
 *                        re-entry) or of the same id again (EBUSY retry)
 * @SCMWQ_IN_REQ_RESUME: scm_smc_request of RESUME
 * @SCMWQ_IN_REQ_ACK: scm_smc_request of ACK
 * @SCMWQ_IN_REQ_GET_WQ_CTX: scm_smc_request of GET_WQ_CTX (the IRQ drain)
 * @SCMWQ_IN_SLEEP: scm_waitq_sleep
 * @SCMWQ_IN_WAKE: a wake credited to this sleeper
 * @SCMWQ_IN_RESUME: scm_waitq_resume
 * @SCMWQ_IN_WAKE_ACK: scm_waitq_wake_ack
 * @SCMWQ_IN_DONE: scm_smc_done
 * @SCMWQ_IN__COUNT: the number of inputs, not an input
 */
enum scmwq_input {
	SCMWQ_IN_REQ_CALL = 0,
	SCMWQ_IN_REQ_REENTRY,
	SCMWQ_IN_REQ_RESUME,
	SCMWQ_IN_REQ_ACK,
	SCMWQ_IN_REQ_GET_WQ_CTX,
	SCMWQ_IN_SLEEP,
	SCMWQ_IN_WAKE,
	SCMWQ_IN_RESUME,
	SCMWQ_IN_WAKE_ACK,
	SCMWQ_IN_DONE,
	SCMWQ_IN__COUNT,
};

/**
 * struct scmwq_transition - one allowed transition of a thread's call
 * @from: the state it leaves
 * @input: the event that takes it
 * @to: the state it enters; SCMWQ_ST__COUNT: unchanged
 * @note: what happens, in words
 *
 * An event no row allows is an unexpected-event finding.
 */
struct scmwq_transition {
	enum scmwq_call_state from;
	enum scmwq_input input;
	enum scmwq_call_state to;
	const char *note;
};

/**
 * scmwq_state_name() - a call state in words
 * @st: the state
 *
 * Return: "idle", "in_fw", "sleeping", "woken", "resuming", "acking", or
 * "?" for a value that is none; a static string.
 */
const char *scmwq_state_name(enum scmwq_call_state st);
/**
 * scmwq_input_name() - a model input in words
 * @in: the input
 *
 * Return: "request", "waitq_sleep", "smc_done", ..., or "?" for a value
 * that is none; a static string.
 */
const char *scmwq_input_name(enum scmwq_input in);
/**
 * scmwq_transitions() - the transition table
 * @n: set to the number of rows
 *
 * Return: the model's own static table, the only place the allowed
 * transitions are written down.
 */
const struct scmwq_transition *scmwq_transitions(size_t *n);

#endif /* SCMWQ_MODEL_H */
