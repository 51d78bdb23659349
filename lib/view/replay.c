// SPDX-License-Identifier: GPL-2.0
/*
 * The view part (lib/view/) turns a trace into what people read: the judge
 * here feeds the reference model and reports its findings, calls.c gathers
 * the per-call timelines it decides, and the report (report*.c) and the
 * timelines (timeline*.c) show them as tables and as pictures.
 *
 * Replay: read a source, decide the driver (--driver=auto), feed the model.
 */
#include <stdlib.h>
#include <string.h>

#include <scmwq/filter.h>
#include <scmwq/replay.h>

#include "base/base.h"

/* Events held back while --driver=auto has not decided. */
#define AUTO_HOLD 4096	/* keep in step with the message in settle_mainline() */

/*
 * replay.md: vendor if the trace has system scm or any scm_waitq_wake_ack,
 * otherwise mainline.  System scm decides at once; otherwise the first
 * events are held back (AUTO_HOLD at most) in case a wake_ack follows.
 */
static bool decide(enum scmwq_system sys, const struct scmwq_event *ev, struct scmwq_replay_result *r)
{
	if (ev && ev->type == SCMWQ_EV_WAKE_ACK) {
		r->driver = SCMWQ_DRV_VENDOR;
		snprintf(r->driver_why, sizeof(r->driver_why), "auto: the trace has scm_waitq_wake_ack");
		return true;
	}
	if (ev && ev->sys != SCMWQ_SYS_UNKNOWN && sys == SCMWQ_SYS_UNKNOWN)
		sys = ev->sys;
	if (sys == SCMWQ_SYS_SCM) {
		r->driver = SCMWQ_DRV_VENDOR;
		snprintf(r->driver_why, sizeof(r->driver_why),
			 "auto: the trace has trace system scm (vendor print formats)");
		return true;
	}
	return false;
}

/* The judge: the bare model, or the model inside the per-call tracker. */
struct judge {
	struct scmwq_model *model;
	struct scmwq_calls *calls;
};

static bool judge_alloc(struct judge *j, const struct scmwq_model_opts *mo,
			const struct scmwq_replay_opts *opts)
{
	if (opts->call_fn)
		j->calls = scmwq_calls_alloc(mo, opts->call_fn, opts->finding, opts->finding_arg);
	else
		j->model = scmwq_model_alloc(mo, opts->finding, opts->finding_arg);
	return j->calls || j->model;
}

static int feed(struct judge *j, const struct scmwq_event *ev, struct scmwq_error *err)
{
	int r = j->calls ? scmwq_calls_feed(j->calls, ev) : scmwq_model_feed(j->model, ev);

	if (r < 0)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory in the model");
	return 0;
}

static void judge_finish(struct judge *j, struct scmwq_replay_result *r)
{
	if (j->calls) {
		scmwq_calls_finish(j->calls);
		r->stats = *scmwq_calls_stats(j->calls);
		scmwq_calls_free(j->calls);
	} else if (j->model) {
		scmwq_model_finish(j->model);
		r->stats = *scmwq_model_stats(j->model);
		scmwq_model_free(j->model);
	}
	j->calls = NULL;
	j->model = NULL;
}

/* ------------------------------------------------------------------ */
/* The judge: events in, findings out, one at a time                   */

struct scmwq_judge {
	struct scmwq_replay_opts opts;
	struct scmwq_model_opts mo;
	enum scmwq_system sys;
	int ncpus;
	bool in_order;
	struct judge j;
	bool started;			/* the model exists: the driver is decided */
	struct scmwq_event *hold;	/* auto: events held back until it is */
	size_t nhold;
	struct scmwq_replay_result r;
};

struct scmwq_judge *scmwq_judge_alloc(const struct scmwq_replay_opts *opts)
{
	struct scmwq_judge *jd = calloc(1, sizeof(*jd));

	if (!jd)
		return NULL;
	jd->opts = *opts;
	jd->mo = opts->model;
	jd->r.driver = opts->driver;
	if (opts->driver != SCMWQ_DRV_AUTO)
		snprintf(jd->r.driver_why, sizeof(jd->r.driver_why), "given with --driver");
	return jd;
}

void scmwq_judge_set_system(struct scmwq_judge *jd, enum scmwq_system sys)
{
	jd->sys = sys;
}

void scmwq_judge_set_stream(struct scmwq_judge *jd, int ncpus, bool losses_in_order)
{
	jd->ncpus = ncpus;
	jd->in_order = losses_in_order;
}

/*
 * No scm_waitq_wake_ack: mainline.  With trace system qcom_scm that is what
 * the trace shows (only Linux 6.20+ has those tracepoints); with no trace
 * system at all (probe events) it is a guess, and said as one.
 */
static void settle_mainline(struct scmwq_judge *jd, const char *where)
{
	jd->r.driver = SCMWQ_DRV_MAINLINE;
	jd->r.driver_guessed = jd->sys != SCMWQ_SYS_QCOM_SCM;
	if (jd->r.driver_guessed)
		snprintf(jd->r.driver_why, sizeof(jd->r.driver_why),
			 "auto: a guess: the trace shows no trace system and no "
			 "scm_waitq_wake_ack %s; give --driver unless it is Linux 6.20+", where);
	else
		snprintf(jd->r.driver_why, sizeof(jd->r.driver_why),
			 "auto: trace system qcom_scm and no scm_waitq_wake_ack %s", where);
}

/* The driver is known: make the model and feed it what was held back. */
static int start(struct scmwq_judge *jd, struct scmwq_error *err)
{
	jd->mo.driver = jd->r.driver == SCMWQ_DRV_AUTO ? SCMWQ_DRV_MAINLINE : jd->r.driver;
	jd->mo.ncpus = jd->ncpus;
	jd->mo.losses_in_order = jd->in_order;
	jd->mo.driver_guessed = jd->r.driver_guessed;
	if (!judge_alloc(&jd->j, &jd->mo, &jd->opts))
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	if (jd->opts.stall && jd->j.model)
		scmwq_model_set_stall_hook(jd->j.model, jd->opts.stall, jd->opts.finding_arg);
	jd->started = true;
	for (size_t i = 0; i < jd->nhold; i++)
		if (feed(&jd->j, &jd->hold[i], err) < 0)
			return -1;
	jd->nhold = 0;
	free(jd->hold);
	jd->hold = NULL;
	return 0;
}

int scmwq_judge_feed(struct scmwq_judge *jd, const struct scmwq_event *ev,
		     struct scmwq_error *err)
{
	jd->r.events++;
	if (jd->opts.progress && !(jd->r.events & 0xffff))
		jd->opts.progress(jd->r.events, jd->opts.progress_arg);
	if (jd->started)
		return feed(&jd->j, ev, err);
	if (jd->r.driver == SCMWQ_DRV_AUTO && !decide(jd->sys, NULL, &jd->r)) {
		if (!jd->hold) {
			jd->hold = malloc(AUTO_HOLD * sizeof(*jd->hold));
			if (!jd->hold)
				return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		}
		jd->hold[jd->nhold++] = *ev;
		if (!decide(jd->sys, ev, &jd->r)) {
			uint64_t hold_ns = jd->opts.auto_hold_ns;

			if (hold_ns && ev->ts_ns >= jd->hold[0].ts_ns + hold_ns) {
				char where[64], d[32];

				scmwq_format_duration(d, sizeof(d), hold_ns);
				snprintf(where, sizeof(where), "in the first %s of events", d);
				settle_mainline(jd, where);
			} else if (jd->nhold < AUTO_HOLD) {
				return 0;
			} else {
				settle_mainline(jd, "in the first 4096 events");
			}
		}
		return start(jd, err);
	}
	if (start(jd, err) < 0)
		return -1;
	return feed(&jd->j, ev, err);
}

int scmwq_judge_advance(struct scmwq_judge *jd, uint64_t now_ns, struct scmwq_error *err)
{
	if (!jd->started) {
		uint64_t hold_ns = jd->opts.auto_hold_ns;

		if (!jd->nhold || !hold_ns || now_ns < jd->hold[0].ts_ns + hold_ns)
			return 0;
		if (jd->r.driver == SCMWQ_DRV_AUTO) {
			char where[64];
			char d[32];

			scmwq_format_duration(d, sizeof(d), hold_ns);
			snprintf(where, sizeof(where), "in the first %s of events", d);
			settle_mainline(jd, where);
		}
		if (start(jd, err) < 0)
			return -1;
	}
	if (jd->j.model)
		scmwq_model_advance(jd->j.model, now_ns);
	return 0;
}

const struct scmwq_replay_result *scmwq_judge_result(struct scmwq_judge *jd)
{
	if (jd->j.model)
		jd->r.stats = *scmwq_model_stats(jd->j.model);
	else if (jd->j.calls)
		jd->r.stats = *scmwq_calls_stats(jd->j.calls);
	return &jd->r;
}

int scmwq_judge_finish(struct scmwq_judge *jd, struct scmwq_replay_result *r,
		       struct scmwq_error *err)
{
	int ret = 0;

	if (!jd->started) {
		if (jd->r.driver == SCMWQ_DRV_AUTO)
			settle_mainline(jd, "in the trace");
		ret = start(jd, err);
	}
	if (jd->r.driver == SCMWQ_DRV_AUTO)
		jd->r.driver = SCMWQ_DRV_MAINLINE;
	judge_finish(&jd->j, &jd->r);
	*r = jd->r;
	return ret;
}

void scmwq_judge_free(struct scmwq_judge *jd)
{
	if (!jd)
		return;
	if (jd->j.model)
		scmwq_model_free(jd->j.model);
	if (jd->j.calls)
		scmwq_calls_free(jd->j.calls);
	free(jd->hold);
	free(jd);
}

int scmwq_replay(struct scmwq_source *src, const struct scmwq_replay_opts *opts,
		 struct scmwq_replay_result *r, struct scmwq_error *err)
{
	struct scmwq_judge *jd = scmwq_judge_alloc(opts);
	struct scmwq_error ferr;
	struct scmwq_event ev;
	bool origin = !opts->filter;
	int ret = 0, rc;

	memset(r, 0, sizeof(*r));
	if (!jd)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	for (;;) {
		rc = scmwq_source_next(src, &ev, err);
		if (rc < 0) {
			ret = -1;
			break;
		}
		if (rc == 0)
			break;
		if (!origin && ev.type != SCMWQ_EV_LOST) {
			/* before the model sees it: no finding can come before */
			scmwq_filter_set_origin(opts->filter, ev.ts_ns);
			origin = true;
		}
		scmwq_judge_set_system(jd, scmwq_source_system(src));
		scmwq_judge_set_stream(jd, scmwq_source_cpus(src), scmwq_source_losses_in_order(src));
		if (scmwq_judge_feed(jd, &ev, err) < 0) {
			ret = -1;
			break;
		}
	}
	scmwq_judge_set_system(jd, scmwq_source_system(src));
	if (scmwq_judge_finish(jd, r, ret ? &ferr : err) < 0)
		ret = -1;
	scmwq_judge_free(jd);
	/* nothing to judge is not a pass (replay.md section 1) */
	if (!ret && !r->stats.scm_events)
		ret = scmwq_error_set(err, SCMWQ_E_DATA,
				      "%s: no SCM event (scm_smc_request, scm_waitq_*, scm_smc_done) "
				      "in %llu event%s read: nothing to judge; were the qcom_scm or "
				      "scm events recorded?", scmwq_source_path(src),
				      (unsigned long long)r->events, r->events == 1 ? "" : "s");
	return ret;
}
