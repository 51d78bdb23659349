/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replay: a source judged by the model, with --driver=auto decided from
 * the trace (the judge, one event at a time, for monitor).
 */
#ifndef SCMWQ_REPLAY_H
#define SCMWQ_REPLAY_H

#include <scmwq/calls.h>
#include <scmwq/source.h>

struct scmwq_replay_opts {
	enum scmwq_driver driver;	/* SCMWQ_DRV_AUTO: decided from the trace */
	struct scmwq_model_opts model;	/* .driver is set by scmwq_replay() */
	scmwq_finding_fn finding;
	void *finding_arg;
	/* called every few thousand events (may be NULL) */
	void (*progress)(uint64_t events, void *arg);
	void *progress_arg;
	/*
	 * When set, per-call timelines are rebuilt too (scmwq_calls_alloc)
	 * and each call goes to call_fn, with finding_arg.
	 */
	scmwq_call_fn call_fn;
	/* monitor: sleepers still asleep after --stall (with finding_arg) */
	scmwq_stall_fn stall;
	/*
	 * --driver=auto holds events back until the trace shows the driver;
	 * besides the event limit, decide once the held events span this
	 * much time (monitor; 0: no time limit).
	 */
	uint64_t auto_hold_ns;
};

struct scmwq_replay_result {
	enum scmwq_driver driver;	/* the driver judged */
	bool driver_guessed;		/* auto had no evidence for it */
	char driver_why[192];		/* why auto chose it, or "given" */
	uint64_t events;		/* events read from the source */
	struct scmwq_model_stats stats;
};

/*
 * The judge under scmwq_replay(), one event at a time, for callers that
 * read events themselves (monitor): the --driver=auto hold-back, then the
 * model.  Feed events in time order; advance the time when none come.
 */
struct scmwq_judge;

struct scmwq_judge *scmwq_judge_alloc(const struct scmwq_replay_opts *opts);
/* The trace system as the source knows it (for --driver=auto). */
void scmwq_judge_set_system(struct scmwq_judge *j, enum scmwq_system sys);
/*
 * The stream's CPUs (0: unknown) and whether losses come before the events
 * after their start (see struct scmwq_model_opts); before the first event.
 */
void scmwq_judge_set_stream(struct scmwq_judge *j, int ncpus, bool losses_in_order);
int scmwq_judge_feed(struct scmwq_judge *j, const struct scmwq_event *ev,
		     struct scmwq_error *err);
int scmwq_judge_advance(struct scmwq_judge *j, uint64_t now_ns, struct scmwq_error *err);
/* So far: driver (SCMWQ_DRV_AUTO while undecided), events, model stats. */
const struct scmwq_replay_result *scmwq_judge_result(struct scmwq_judge *j);
/* End of the trace: what is still open is judged; @r gets the totals. */
int scmwq_judge_finish(struct scmwq_judge *j, struct scmwq_replay_result *r,
		       struct scmwq_error *err);
void scmwq_judge_free(struct scmwq_judge *j);

/**
 * scmwq_replay - judge a whole trace
 * @src: an open source
 * @opts: driver, model options, finding callback
 * @res: filled in any case (also on error: what was judged so far)
 * @err: set on failure
 *
 * Streams the source through the model.  With SCMWQ_DRV_AUTO the first
 * events are held back (a bounded number) until the trace shows which
 * tracepoint system it has.  Returns 0, or -1 when reading stopped on an
 * error (e.g. a truncated trace.dat): the findings up to there have been
 * reported and the model finished.  A readable trace with no SCM event
 * at all is an error too (SCMWQ_E_DATA): there was nothing to judge.
 */
int scmwq_replay(struct scmwq_source *src, const struct scmwq_replay_opts *opts,
		 struct scmwq_replay_result *res, struct scmwq_error *err);

#endif /* SCMWQ_REPLAY_H */
