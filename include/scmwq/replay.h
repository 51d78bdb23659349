/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of lib/view/replay.c: a source judged by the model, with
 * --driver=auto decided from the trace; and the judge under it, one event at
 * a time, for monitor.
 */
#ifndef SCMWQ_REPLAY_H
#define SCMWQ_REPLAY_H

#include <scmwq/calls.h>
#include <scmwq/source.h>

struct scmwq_filter;

/**
 * struct scmwq_replay_opts - how to judge a trace
 * @driver: the driver; SCMWQ_DRV_AUTO: decided from the trace
 * @model: the model's options; .driver, .ncpus, .losses_in_order and
 *         .driver_guessed are set by replay
 * @finding: given each finding as it is released (may be NULL)
 * @finding_arg: passed to @finding, @call_fn and @stall
 * @progress: called every 65536 events with the count so far (may be NULL)
 * @progress_arg: passed to @progress
 * @call_fn: when set, per-call timelines are rebuilt too
 *           (scmwq_calls_alloc()) and each call goes to @call_fn
 * @stall: monitor: told of sleepers still asleep after --stall (see
 *         scmwq_model_set_stall_hook()); not with @call_fn
 * @auto_hold_ns: --driver=auto holds events back until the trace shows the
 *                driver; besides the limit of 4096 events, decide once the
 *                held events span this much time (monitor; 0: no time
 *                limit)
 * @filter: may be NULL; else its times relative to the first event are
 *          resolved at the trace's first event (scmwq_filter_set_origin());
 *          the filter selects nothing here, every event goes to the model
 */
struct scmwq_replay_opts {
	enum scmwq_driver driver;
	struct scmwq_model_opts model;
	scmwq_finding_fn finding;
	void *finding_arg;
	void (*progress)(uint64_t events, void *arg);
	void *progress_arg;
	scmwq_call_fn call_fn;
	scmwq_stall_fn stall;
	uint64_t auto_hold_ns;
	struct scmwq_filter *filter;
};

/**
 * struct scmwq_replay_result - what a replay judged
 * @driver: the driver judged
 * @driver_guessed: --driver=auto had no evidence for it (no trace system,
 *                  no scm_waitq_wake_ack)
 * @driver_why: why auto chose it, or "given with --driver"
 * @events: events read from the source (loss markers and sched events
 *          included)
 * @stats: the model's counters at the end
 */
struct scmwq_replay_result {
	enum scmwq_driver driver;
	bool driver_guessed;
	char driver_why[192];
	uint64_t events;
	struct scmwq_model_stats stats;
};

/*
 * The judge under scmwq_replay(), one event at a time, for callers that
 * read events themselves (monitor): the --driver=auto hold-back, then the
 * model.  Feed events in time order; advance the time when none come.
 */
struct scmwq_judge;

/**
 * scmwq_judge_alloc() - a judge, the driver undecided with SCMWQ_DRV_AUTO
 * @opts: how to judge (copied)
 *
 * The model is made once the driver is decided: at once for a given
 * driver, at the first event.
 *
 * Return: the judge, to be freed with scmwq_judge_free(), or NULL when out
 * of memory.
 */
struct scmwq_judge *scmwq_judge_alloc(const struct scmwq_replay_opts *opts);
/**
 * scmwq_judge_set_system() - the trace system as the source knows it
 * @j: the judge
 * @sys: the system; SCMWQ_SYS_SCM decides --driver=auto for vendor
 */
void scmwq_judge_set_system(struct scmwq_judge *j, enum scmwq_system sys);
/**
 * scmwq_judge_set_stream() - what the model must know of the event stream
 * @j: the judge
 * @ncpus: the stream's CPUs; 0: unknown
 * @losses_in_order: losses come before the events after their start (see
 *                   struct scmwq_model_opts)
 *
 * Call it before the model is made (before the first event).
 */
void scmwq_judge_set_stream(struct scmwq_judge *j, int ncpus, bool losses_in_order);
/**
 * scmwq_judge_feed() - judge one event
 * @j: the judge
 * @ev: the event; in time order
 * @err: set on failure
 *
 * While --driver=auto is undecided the event is held back (at most 4096,
 * or as many as span &scmwq_replay_opts.auto_hold_ns), then all go to the
 * model in order.
 *
 * Return: 0, or -1 with @err set (SCMWQ_E_INTERNAL: out of memory).
 */
int scmwq_judge_feed(struct scmwq_judge *j, const struct scmwq_event *ev,
		     struct scmwq_error *err);
/**
 * scmwq_judge_advance() - time has reached @now_ns with no event
 * @j: the judge
 * @now_ns: a time up to which every event has been fed
 * @err: set on failure
 *
 * Decides --driver=auto (mainline) when the events held span
 * &scmwq_replay_opts.auto_hold_ns by now, then advances the model (not one
 * with per-call timelines): see scmwq_model_advance().
 *
 * Return: 0, or -1 with @err set (SCMWQ_E_INTERNAL: out of memory).
 */
int scmwq_judge_advance(struct scmwq_judge *j, uint64_t now_ns, struct scmwq_error *err);
/**
 * scmwq_judge_result() - what was judged so far
 * @j: the judge
 *
 * Return: the driver (SCMWQ_DRV_AUTO while undecided), events and model
 * stats; the judge's own, valid until scmwq_judge_free().
 */
const struct scmwq_replay_result *scmwq_judge_result(struct scmwq_judge *j);
/**
 * scmwq_judge_finish() - the end of the trace
 * @j: the judge
 * @r: filled with the totals
 * @err: set on failure
 *
 * Decides the driver if still undecided (mainline), judges what is still
 * open and releases every finding.  Only scmwq_judge_free() may follow.
 *
 * Return: 0, or -1 with @err set (SCMWQ_E_INTERNAL: out of memory).
 */
int scmwq_judge_finish(struct scmwq_judge *j, struct scmwq_replay_result *r,
		       struct scmwq_error *err);
/**
 * scmwq_judge_free() - free a judge and its model
 * @j: the judge, or NULL
 */
void scmwq_judge_free(struct scmwq_judge *j);

/**
 * scmwq_replay() - judge a whole trace
 * @src: an open source (read to its end; the caller frees it)
 * @opts: driver, model options, finding callback
 * @res: filled in any case (also on error: what was judged so far)
 * @err: set on failure
 *
 * Streams the source through the model.  With SCMWQ_DRV_AUTO the first
 * events are held back (a bounded number) until the trace shows which
 * tracepoint system it has.
 *
 * Return: 0, or -1 with @err set.  -1 when reading stopped on an error
 * (e.g. a truncated trace.dat, the source's class): the findings up to
 * there have been reported and the model finished.  A readable trace with
 * no SCM event at all is an error too (SCMWQ_E_DATA): there was nothing to
 * judge.  SCMWQ_E_INTERNAL when out of memory.
 */
int scmwq_replay(struct scmwq_source *src, const struct scmwq_replay_opts *opts,
		 struct scmwq_replay_result *res, struct scmwq_error *err);

#endif /* SCMWQ_REPLAY_H */
