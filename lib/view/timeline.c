// SPDX-License-Identifier: GPL-2.0
/*
 * Timelines as pictures: the per-call timelines of a trace (lib/view/calls.c,
 * through scmwq_replay(), so that who woke whom is what replay decides)
 * handed to one of four writers: lanes of characters for a terminal
 * (timeline_ascii.c), an SVG picture (timeline_svg.c), a Perfetto protobuf
 * trace (timeline_perfetto.c) or Chrome trace-event JSON
 * (timeline_chrome.c).
 *
 * The ascii and SVG writers need the lanes and the time range before they
 * draw, so the trace is read twice: a cheap first pass over the events
 * (threads, first and last timestamp), then the model.  The file is opened
 * once and rewound for the second pass (scmwq_source_rewind(); standard
 * input is copied to a temporary file to be read again).  The Perfetto and
 * JSON writers need neither and read it once.  Nothing here keeps
 * a call once it is handed on: memory grows with the threads, not the calls.
 */
#include <stdlib.h>
#include <string.h>

#include "view/timeline.h"

int scmwq_tl_format_parse(const char *name, enum scmwq_tl_format *fmt)
{
	if (!strcmp(name, "ascii"))
		*fmt = SCMWQ_TL_ASCII;
	else if (!strcmp(name, "svg"))
		*fmt = SCMWQ_TL_SVG;
	else if (!strcmp(name, "perfetto"))
		*fmt = SCMWQ_TL_PERFETTO;
	else if (!strcmp(name, "chrome-json"))
		*fmt = SCMWQ_TL_CHROME_JSON;
	else
		return -1;
	return 0;
}

void scmwq_timeline_opts_init(struct scmwq_timeline_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->driver = SCMWQ_DRV_AUTO;
	scmwq_model_opts_init(&o->model);
	o->out = stdout;
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */

static void threads_free(struct scmwq_pidmap *threads)
{
	struct tl_thread *th;

	scmwq_pidmap_for_each(threads, th)
		free(th->pending);
	scmwq_pidmap_free(threads);
}

/* Threads inside a call when the --time window opens are in the window. */
static void mark_in_call(struct tl *t)
{
	struct tl_thread *th;

	scmwq_pidmap_for_each(&t->threads, th)
		if (th->in_call)
			th->in_window = true;
}

uint64_t tl_call_last(const struct scmwq_call_rec *r)
{
	uint64_t m = r->start_ns;

	if (r->end_ns > m)
		m = r->end_ns;
	for (int i = 0; i < r->n_sleeps; i++) {
		const struct scmwq_sleep_rec *s = &r->sleeps[i];

		if (s->sleep_ns > m)
			m = s->sleep_ns;
		if (s->wake_ns > m)
			m = s->wake_ns;
		if (s->resume_ns > m)
			m = s->resume_ns;
	}
	return m;
}

/* First pass: threads and the time range                              */

static bool is_scm_event(enum scmwq_ev_type type)
{
	switch (type) {
	case SCMWQ_EV_SMC_REQUEST:
	case SCMWQ_EV_SLEEP:
	case SCMWQ_EV_RESUME:
	case SCMWQ_EV_GET_WQ_CTX:
	case SCMWQ_EV_WAKE_ACK:
	case SCMWQ_EV_SMC_DONE:
		return true;
	default:
		return false;
	}
}

/* An event of the IRQ drain (GET_WQ_CTX), not of a call. */
static bool is_drain(const struct scmwq_event *ev)
{
	unsigned int svc, cmd;

	if (ev->type == SCMWQ_EV_GET_WQ_CTX)
		return true;
	if (ev->type != SCMWQ_EV_SMC_REQUEST && ev->type != SCMWQ_EV_SMC_DONE)
		return false;
	if (ev->type == SCMWQ_EV_SMC_REQUEST && (ev->have & SCMWQ_HAVE_SVC_CMD)) {
		svc = ev->svc_id;
		cmd = ev->cmd_id;
	} else {
		svc = scmwq_smc_svc(ev->smc_id);
		cmd = scmwq_smc_cmd(ev->smc_id);
	}
	return svc == SCMWQ_SVC_WAITQ && cmd == SCMWQ_CMD_GET_WQ_CTX;
}

/* Drain-only threads first (the arrows start there), then by first event. */
static int lane_cmp(const void *a, const void *b)
{
	const struct tl_thread *x = *(struct tl_thread *const *)a;
	const struct tl_thread *y = *(struct tl_thread *const *)b;
	bool xi = x->irq && !x->calls, yi = y->irq && !y->calls;

	if (xi != yi)
		return xi ? -1 : 1;
	if (x->first_ts != y->first_ts)
		return x->first_ts < y->first_ts ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Which threads keep a lane of their own: drain threads, then the busiest. */
static int keep_cmp(const void *a, const void *b)
{
	const struct tl_thread *x = *(struct tl_thread *const *)a;
	const struct tl_thread *y = *(struct tl_thread *const *)b;
	bool xi = x->irq && !x->calls, yi = y->irq && !y->calls;

	if (xi != yi)
		return xi ? -1 : 1;
	if (x->events != y->events)
		return x->events > y->events ? -1 : 1;
	return lane_cmp(a, b);
}

static int make_lanes(struct tl *t, struct scmwq_error *err)
{
	struct tl_thread **v, *th;
	size_t n = 0, keep;

	v = calloc(t->threads.count ? t->threads.count : 1, sizeof(*v));
	if (!v)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	scmwq_pidmap_for_each(&t->threads, th)
		if (th->in_window && scmwq_filter_match_thread(&t->o->filter, th->pid, th->comm))
			v[n++] = th;
	keep = n;
	if (n > TL_MAX_LANES) {
		qsort(v, n, sizeof(*v), keep_cmp);
		keep = TL_MAX_LANES - 1;
	}
	qsort(v, keep, sizeof(*v), lane_cmp);
	t->nlanes = (int)keep + (n > keep);
	t->lanes = calloc(t->nlanes ? t->nlanes : 1, sizeof(*t->lanes));
	if (!t->lanes) {
		free(v);
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	}
	for (size_t i = 0; i < keep; i++) {
		struct tl_lane *l = &t->lanes[i];

		v[i]->lane = (int)i;
		l->pid = v[i]->pid;
		l->irq = v[i]->irq && !v[i]->calls;
		l->threads = 1;
		tl_thread_label(l->label, sizeof(l->label), v[i]->comm, v[i]->pid);
	}
	if (n > keep) {
		struct tl_lane *l = &t->lanes[keep];

		t->others = (int)keep;
		l->pid = -1;
		l->threads = (unsigned int)(n - keep);
		for (size_t i = keep; i < n; i++)
			v[i]->lane = t->others;
		snprintf(l->label, sizeof(l->label), "(%u other threads)", l->threads);
		t->res->threads_merged = l->threads;
	}
	t->res->lanes = (unsigned int)keep;
	free(v);
	return 0;
}

static int scan(struct tl *t, struct scmwq_source *src, struct scmwq_error *err)
{
	const struct scmwq_timeline_opts *o = t->o;
	struct scmwq_error rerr;
	struct scmwq_event ev;
	bool crossed = !o->has_from, any = false;
	int rc;

	for (;;) {
		struct tl_thread *th;

		rc = scmwq_source_next(src, &ev, &rerr);
		if (rc <= 0)
			break;	/* an error shows again in the second pass */
		if (!is_scm_event(ev.type))
			continue;
		if (o->has_to && ev.ts_ns > o->to_ns)
			break;
		if (!crossed && ev.ts_ns >= o->from_ns) {
			/* threads inside a call when the window opens are in it */
			crossed = true;
			mark_in_call(t);
		}
		th = tl_thread_get(&t->threads, ev.pid);
		if (!th)
			return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		if (ev.comm[0])
			memcpy(th->comm, ev.comm, sizeof(th->comm));
		if (!th->events++)
			th->first_ts = ev.ts_ns;
		if (is_drain(&ev)) {
			th->irq = true;
		} else {
			th->calls = true;
			th->in_call = ev.type != SCMWQ_EV_SMC_DONE;
		}
		if (!crossed)
			continue;
		th->in_window = true;
		if (!any || ev.ts_ns < t->first_ts)
			t->first_ts = ev.ts_ns;
		if (!any || ev.ts_ns > t->last_ts)
			t->last_ts = ev.ts_ns;
		any = true;
	}
	if (!crossed)
		mark_in_call(t);

	t->empty = !any;
	t->t0 = o->has_from ? o->from_ns : t->first_ts;
	t->t1 = o->has_to ? o->to_ns : t->last_ts;
	if (!any && !o->has_from && !o->has_to)
		t->t0 = t->t1 = 0;
	if (t->t1 <= t->t0)
		t->t1 = t->t0 + 1000;
	return make_lanes(t, err);
}

/* ------------------------------------------------------------------ */
/* Second pass: the calls and findings from replay                     */

static void hand_on(struct tl *t, const struct scmwq_call_rec *r, uint64_t end, bool open,
		    bool abandoned)
{
	struct tl_call c = {
		.rec = r, .end_ns = end, .open = open, .abandoned = abandoned,
		.lane = tl_lane_of(t, r->pid),
	};

	if (t->o->has_from && end < t->o->from_ns)
		return;
	if (t->o->has_to && r->start_ns > t->o->to_ns)
		return;
	if (!scmwq_filter_match_call(&t->o->filter, r, NULL))
		return;
	t->res->calls++;
	t->ops->call(t, &c);
}

static void on_call(const struct scmwq_call_rec *rec, void *arg)
{
	struct tl *t = arg;
	struct tl_thread *th = tl_thread_get(&t->threads, rec->pid);
	uint64_t last = tl_call_last(rec);

	if (last > t->seen_max)
		t->seen_max = last;
	if (!th) {
		t->oom = true;
		return;
	}
	if (rec->comm[0] && !th->comm[0])
		memcpy(th->comm, rec->comm, sizeof(th->comm));
	if (th->pending) {
		/* it ended with no scm_smc_done: the thread began this call */
		uint64_t end = tl_call_last(th->pending);

		if (rec->start_ns > end)
			end = rec->start_ns;
		hand_on(t, th->pending, end, false, true);
		free(th->pending);
		th->pending = NULL;
	}
	if (!rec->done) {
		/* kept until we know whether another call follows on the thread */
		th->pending = malloc(sizeof(*th->pending));
		if (!th->pending) {
			t->oom = true;
			return;
		}
		*th->pending = *rec;
		return;
	}
	hand_on(t, rec, rec->end_ns, false, false);
}

/* Calls that never ended run to the end of the trace. */
static void flush_pending(struct tl *t)
{
	uint64_t end = t->ops->two_pass ? t->last_ts : t->seen_max;
	struct tl_thread *th;

	scmwq_pidmap_for_each(&t->threads, th) {
		uint64_t e;

		if (!th->pending)
			continue;
		e = tl_call_last(th->pending);
		if (end > e)
			e = end;
		hand_on(t, th->pending, e, true, false);
		free(th->pending);
		th->pending = NULL;
	}
}

static void on_finding(const struct scmwq_finding *f, void *arg)
{
	struct tl *t = arg;

	if (f->ts_ns > t->seen_max)
		t->seen_max = f->ts_ns;
	if (f->severity == SCMWQ_SEV_ERROR)
		t->errors++;
	else if (f->severity == SCMWQ_SEV_WARNING)
		t->warnings++;
	else
		t->infos++;
	if (t->o->has_from && f->ts_ns < t->o->from_ns)
		return;
	if (t->o->has_to && f->ts_ns > t->o->to_ns)
		return;
	if (!scmwq_filter_match_finding(&t->o->filter, f))
		return;
	t->ops->finding(t, f);
}

/* ------------------------------------------------------------------ */
/* Reading the trace more than once                                    */

/* Malformed lines are told in the pass that draws, not in those before. */
struct diag_gate {
	const struct scmwq_timeline_opts *o;
	bool quiet;
};

static void diag_cb(const char *path, uint64_t line, const char *what, void *arg)
{
	struct diag_gate *d = arg;

	if (!d->quiet && d->o->diag)
		d->o->diag(path, line, what, d->o->diag_arg);
}

/*
 * --time in the filter, one window, onto the trace's clock: from the
 * trace's first event (+S) or its span (percent), read once more for them
 * (@src is rewound after).
 */
static int resolve_time(struct scmwq_timeline_opts *o, struct scmwq_source *src,
			struct scmwq_error *err)
{
	const struct scmwq_time_range *r = &o->filter.ranges[0];
	uint64_t first, last;

	if (!o->filter.n_ranges)
		return 0;
	if (o->filter.n_ranges > 1)
		return scmwq_error_set(err, SCMWQ_E_USAGE,
				       "--time: a timeline draws one window, not %d",
				       o->filter.n_ranges);
	if (scmwq_filter_time_needs(&o->filter) != SCMWQ_TIME_ABS) {
		scmwq_source_span(src, &first, &last);
		if (scmwq_source_rewind(src, err) < 0)
			return -1;
		scmwq_filter_set_span(&o->filter, first, last);
	}
	o->has_from = r->has_start;
	o->from_ns = r->start_ns;
	o->has_to = r->has_end;
	o->to_ns = r->end_ns;
	return 0;
}

/* ------------------------------------------------------------------ */

int scmwq_timeline(const char *path, const struct scmwq_timeline_opts *opts,
		   struct scmwq_timeline_result *res, struct scmwq_error *err)
{
	struct scmwq_timeline_opts oc = *opts, *o = &oc;
	struct tl t = { .threads = SCMWQ_PIDMAP_OF(struct tl_thread) };
	struct scmwq_replay_opts ro = { 0 };
	struct scmwq_source *src = NULL;
	struct diag_gate gate = { .o = o, .quiet = true };
	bool is_stdin = !strcmp(path, "-"), failed = false, again;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	res->driver = o->driver;
	t.o = o;
	t.res = res;
	t.out = o->out ? o->out : stdout;
	t.others = -1;
	t.title = o->title ? o->title : is_stdin ? "<stdin>" : path;
	switch (o->format) {
	case SCMWQ_TL_SVG:
		t.ops = &tl_svg_ops;
		break;
	case SCMWQ_TL_PERFETTO:
		t.ops = &tl_perfetto_ops;
		break;
	case SCMWQ_TL_CHROME_JSON:
		t.ops = &tl_chrome_ops;
		break;
	default:
		t.ops = &tl_ascii_ops;
	}

	/* opened once, read again from its start for each pass before the last */
	again = t.ops->two_pass || scmwq_filter_time_needs(&o->filter) != SCMWQ_TIME_ABS;
	if (again)
		src = scmwq_source_open_rewindable(path, diag_cb, &gate, err);
	else
		src = scmwq_source_open(path, diag_cb, &gate, err);
	if (!src)
		goto out;
	if (resolve_time(o, src, err) < 0)
		goto out;
	if (t.ops->two_pass && (scan(&t, src, err) < 0 || scmwq_source_rewind(src, err) < 0))
		goto out;
	gate.quiet = false;
	if (t.ops->begin(&t, err) < 0)
		goto out;

	ro.driver = o->driver;
	ro.model = o->model;
	ro.finding = on_finding;
	ro.finding_arg = &t;
	ro.call_fn = on_call;
	if (scmwq_replay(src, &ro, &t.replay, err) < 0)
		failed = true;
	flush_pending(&t);
	res->driver = t.replay.driver;
	memcpy(res->driver_why, t.replay.driver_why, sizeof(res->driver_why));
	res->events = t.replay.events;
	res->stats = t.replay.stats;
	res->malformed = scmwq_source_malformed(src);
	if (t.oom && !failed) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		failed = true;
	}
	if (t.ops->end(&t, failed, failed ? NULL : err) < 0)
		failed = true;
	ret = failed ? -1 : 0;
out:
	if (t.ops->free)
		t.ops->free(&t);
	scmwq_source_free(src);
	threads_free(&t.threads);
	free(t.lanes);
	return ret;
}
