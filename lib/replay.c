// SPDX-License-Identifier: GPL-2.0
/*
 * Replay: read a source, decide the driver (--driver=auto), feed the model.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

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

/* No sign of the vendor driver within @where: mainline. */
static void settle_mainline(struct scmwq_source *src, struct scmwq_replay_result *r,
			    const char *where)
{
	r->driver = SCMWQ_DRV_MAINLINE;
	snprintf(r->driver_why, sizeof(r->driver_why), "auto: %s and no scm_waitq_wake_ack %s",
		 scmwq_source_system(src) == SCMWQ_SYS_QCOM_SCM ? "trace system qcom_scm" :
		 "no trace system scm", where);
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

int scmwq_replay(struct scmwq_source *src, const struct scmwq_replay_opts *opts,
		 struct scmwq_replay_result *r, struct scmwq_error *err)
{
	struct scmwq_model_opts mo = opts->model;
	struct judge j = { 0 };
	bool m = false;
	struct scmwq_event *hold = NULL;
	struct scmwq_event ev;
	size_t nhold = 0;
	int ret = 0, rc;

	memset(r, 0, sizeof(*r));
	r->driver = opts->driver;
	if (opts->driver != SCMWQ_DRV_AUTO) {
		snprintf(r->driver_why, sizeof(r->driver_why), "given with --driver");
	} else if (!decide(scmwq_source_system(src), NULL, r)) {
		hold = malloc(AUTO_HOLD * sizeof(*hold));
		if (!hold)
			return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	}

	for (;;) {
		memset(&ev, 0, sizeof(ev));
		rc = scmwq_source_next(src, &ev, err);
		if (rc < 0) {
			ret = -1;
			break;
		}
		if (rc == 0)
			break;
		r->events++;
		if (opts->progress && !(r->events & 0xffff))
			opts->progress(r->events, opts->progress_arg);

		if (!m && r->driver == SCMWQ_DRV_AUTO) {
			hold[nhold++] = ev;
			if (!decide(scmwq_source_system(src), &ev, r)) {
				if (nhold < AUTO_HOLD)
					continue;
				settle_mainline(src, r, "in the first 4096 events");
			}
		}
		if (!m) {
			mo.driver = r->driver;
			m = judge_alloc(&j, &mo, opts);
			if (!m) {
				ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
				break;
			}
			for (size_t i = 0; i < nhold; i++)
				if (feed(&j, &hold[i], err) < 0)
					goto out;
			if (nhold) {
				nhold = 0;
				continue;	/* ev was the last one held */
			}
		}
		if (feed(&j, &ev, err) < 0) {
			ret = -1;
			break;
		}
	}
	if (!m) {
		if (r->driver == SCMWQ_DRV_AUTO)
			settle_mainline(src, r, "in the trace");
		mo.driver = r->driver;
		m = judge_alloc(&j, &mo, opts);
		if (!m) {
			ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < nhold; i++)
			if (feed(&j, &hold[i], err) < 0)
				goto out;
	}
	if (r->driver == SCMWQ_DRV_AUTO)
		r->driver = SCMWQ_DRV_MAINLINE;
	judge_finish(&j, r);
	free(hold);
	return ret;
out:
	judge_finish(&j, r);
	free(hold);
	return -1;
}
