/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of lib/view/calls.c: per-call timelines, every SCM call with
 * its sleeps and who woke them, as the model credits the wakes.
 */
#ifndef SCMWQ_CALLS_H
#define SCMWQ_CALLS_H

#include <scmwq/model.h>

/**
 * enum scmwq_wake_path - how a sleep's wake came
 * @SCMWQ_PATH_NONE: no wake seen for this sleep
 * @SCMWQ_PATH_IRQ: GET_WQ_CTX on the IRQ thread
 * @SCMWQ_PATH_ACK: WAITQ_WAKE returned to another call (then ACK)
 * @SCMWQ_PATH_BANKED: a token banked before the sleep
 */
enum scmwq_wake_path {
	SCMWQ_PATH_NONE = 0,
	SCMWQ_PATH_IRQ,
	SCMWQ_PATH_ACK,
	SCMWQ_PATH_BANKED,
};

/**
 * scmwq_wake_path_name() - a wake path in words
 * @p: the path
 *
 * Return: "irq", "ack", "banked", or "none" (for any other value too); a
 * static string.
 */
const char *scmwq_wake_path_name(enum scmwq_wake_path p);

/**
 * struct scmwq_sleep_rec - one sleep of a call
 * @wq_ctx: the wait-queue it slept on
 * @smc_call_ctx: the call's firmware context
 * @has_ctx: @smc_call_ctx is known
 * @sleep_ns: scm_waitq_sleep
 * @wake_ns: the wake the model credited to it; 0: no wake
 * @resume_ns: scm_waitq_resume; 0: did not resume
 * @path: how the wake came
 * @waker_pid: who delivered it; -1: none (or banked)
 * @waker_comm: the waker's name; "" when unknown
 * @state: sched_switch prev_state as it blocked ('D', 'I'); 0: unknown
 * @blocked_ns: that sched_switch; 0: unknown
 * @ran_ns: when it ran again after the wake (sched_switch in); 0: unknown
 *
 * @state, @blocked_ns and @ran_ns need the sched events in the trace.
 */
struct scmwq_sleep_rec {
	uint32_t wq_ctx, smc_call_ctx;
	bool has_ctx;
	uint64_t sleep_ns;
	uint64_t wake_ns;
	uint64_t resume_ns;
	enum scmwq_wake_path path;
	int waker_pid;
	char waker_comm[SCMWQ_COMM_LEN];
	char state;
	uint64_t blocked_ns;
	uint64_t ran_ns;
};

#define SCMWQ_CALL_SLEEPS	16	/* sleeps kept per call; more are counted */
#define SCMWQ_CALL_FINDINGS	4	/* rules kept per call */
#define SCMWQ_MAX_CPUS		256	/* CPUs a call's events are noted on */

/**
 * struct scmwq_call_rec - one SCM call, from its first request to its done
 * @pid: the thread that made it
 * @comm: its name
 * @smc_id: the original function id; 0 when it began before the trace and
 *          the trace never showed it
 * @start_ns: its first scm_smc_request seen (or first event, if @joined)
 * @end_ns: scm_smc_done; 0: still open at the end
 * @ret: what scm_smc_done returned; valid when @done
 * @done: scm_smc_done seen
 * @joined: began before the trace: its start is unknown
 * @n_sleeps: sleeps in @sleeps
 * @sleeps_dropped: sleeps beyond SCMWQ_CALL_SLEEPS, counted only
 * @sleeps: its sleeps, in order
 * @n_findings: rules in @findings
 * @findings: the rules of replay's findings (errors and warnings) about
 *            this call, each once, at most SCMWQ_CALL_FINDINGS; taken when
 *            made, so one may later come out inconclusive
 * @cpus: the CPUs its events ran on, a bit per CPU (CPUs from
 *        SCMWQ_MAX_CPUS up are not noted)
 * @settled_ns: when it is handed on, no call handed on later starts before
 *              this: the earliest start of the calls still open, or the
 *              time the trace has reached (up to the trace's own order of
 *              events across CPUs)
 */
struct scmwq_call_rec {
	int pid;
	char comm[SCMWQ_COMM_LEN];
	uint64_t smc_id;
	uint64_t start_ns;
	uint64_t end_ns;
	int ret;
	bool done;
	bool joined;
	int n_sleeps;
	int sleeps_dropped;
	struct scmwq_sleep_rec sleeps[SCMWQ_CALL_SLEEPS];
	int n_findings;
	enum scmwq_rule findings[SCMWQ_CALL_FINDINGS];
	uint64_t cpus[SCMWQ_MAX_CPUS / 64];
	uint64_t settled_ns;
};

/**
 * typedef scmwq_call_fn - given each call as it ends
 * @call: the call; valid during the call only: copy what you keep
 * @arg: the callback's argument
 */
typedef void (*scmwq_call_fn)(const struct scmwq_call_rec *call, void *arg);

struct scmwq_calls;

/**
 * scmwq_calls_alloc() - rebuild per-call timelines from an event stream
 * @opts: model options (the driver must be resolved)
 * @call_fn: called once per call, when it ends: at its scm_smc_done, or when
 *           the thread starts another call; calls still open at the end go
 *           at scmwq_calls_finish()
 * @finding_fn: replay's findings, as they are released (may be NULL)
 * @arg: passed to @call_fn and @finding_fn
 *
 * Runs the reference model inside, so that who woke whom is exactly what
 * replay decides; memory grows with the calls open at once.
 *
 * Return: the tracker, to be freed with scmwq_calls_free(), or NULL when
 * out of memory.
 */
struct scmwq_calls *scmwq_calls_alloc(const struct scmwq_model_opts *opts, scmwq_call_fn call_fn,
				      scmwq_finding_fn finding_fn, void *arg);
/**
 * scmwq_calls_feed() - one event, in time order
 * @c: the tracker
 * @ev: the event
 *
 * Return: 0, or -1 when out of memory.
 */
int scmwq_calls_feed(struct scmwq_calls *c, const struct scmwq_event *ev);
/**
 * scmwq_calls_finish() - the end of the trace
 * @c: the tracker
 *
 * Finishes the model (its last findings go out), then hands over the calls
 * still open, in no particular order.
 */
void scmwq_calls_finish(struct scmwq_calls *c);
/**
 * scmwq_calls_stats() - the stats of the model inside
 * @c: the tracker
 *
 * Return: the model's counters, valid until scmwq_calls_free().
 */
const struct scmwq_model_stats *scmwq_calls_stats(const struct scmwq_calls *c);
/**
 * scmwq_calls_free() - free a tracker and the model inside
 * @c: the tracker, or NULL
 */
void scmwq_calls_free(struct scmwq_calls *c);

#endif /* SCMWQ_CALLS_H */
