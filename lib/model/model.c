// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model of the SCM wait-queue protocol (replay.md section 1):
 * trace events go in, verdicts come out, and memory grows with what is
 * open at once, never with the length of the trace.
 *
 * Two kinds of state (state.h): a call per thread, driven by the
 * transition table, and a wait-queue per wq_ctx that holds its sleepers and
 * its undelivered wakes (tokens), as a kernel completion does.  Verdicts
 * that wait for something not to happen (--grace, --stall, --skew) sit in
 * a timer heap and are decided when the trace's time passes them.
 *
 * This file feeds each event through the model and ends it.  The rest:
 *   table.c   the transition table        call.c    requests and returns
 *   sleep.c   a sleep and its resume      drain.c   the IRQ drain (GET_WQ_CTX)
 *   wake.c    delivering a wake           waitq.c   threads, wait-queues, credits
 *   group.c   WAKE_ALL groups             tokens.c  wakes and resumes without a pair
 *   timers.c  the timer heap              expire.c  timers coming due
 *   resync.c  joining threads, losses     verdict.c building a finding
 *   evidence.c  verdicts held until their evidence is complete
 *   rules.c     the rule ids, their severities and meanings
 */
#include <stdlib.h>
#include <string.h>

#include "model/mdl.h"

void scmwq_model_opts_init(struct scmwq_model_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->driver = SCMWQ_DRV_MAINLINE;
	opts->grace_ns = 100ULL * 1000 * 1000;
	opts->stall_ns = 1000ULL * 1000 * 1000;
	opts->skew_ns = 20ULL * 1000;
}

/*
 * Probe-made traces (kprobes on kernels without the tracepoints) may lack
 * fields: say once what could therefore not be checked.
 */
static void note_missing(struct scmwq_model *m, const struct scmwq_event *ev)
{
	static const struct {
		enum scmwq_ev_type type;
		unsigned int have;
		const char *what;
	} needs[] = {
		{ SCMWQ_EV_SLEEP, SCMWQ_HAVE_CTX, "scm_waitq_sleep has no smc_call_ctx: "
		  "resume-ctx-mismatch cannot be checked" },
		{ SCMWQ_EV_WAKE_ACK, SCMWQ_HAVE_CTX, "scm_waitq_wake_ack has no smc_call_ctx: "
		  "ack-ctx-mismatch cannot be checked" },
		{ SCMWQ_EV_GET_WQ_CTX, SCMWQ_HAVE_FLAGS, "scm_waitq_get_wq_ctx has no flags: "
		  "every wake is taken as WAKE_ONE; WAKE_ALL and flag rules cannot be checked" },
		{ SCMWQ_EV_GET_WQ_CTX, SCMWQ_HAVE_MORE, "scm_waitq_get_wq_ctx has no more_pending: "
		  "drain-aborted cannot be checked" },
		{ SCMWQ_EV_SMC_REQUEST, SCMWQ_HAVE_ARGS, "scm_smc_request has no arguments: the "
		  "smc_call_ctx of RESUME and ACK requests cannot be checked" },
	};
	/* the fields some event types need, to skip the table for the rest */
	static const unsigned int needed[SCMWQ_EV__COUNT] = {
		[SCMWQ_EV_SLEEP] = SCMWQ_HAVE_CTX,
		[SCMWQ_EV_WAKE_ACK] = SCMWQ_HAVE_CTX,
		[SCMWQ_EV_GET_WQ_CTX] = SCMWQ_HAVE_FLAGS | SCMWQ_HAVE_MORE,
		[SCMWQ_EV_SMC_REQUEST] = SCMWQ_HAVE_ARGS,
	};
	struct fbuild b;

	if (!(needed[ev->type] & ~ev->have))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(needs); i++) {
		unsigned int key = 1u << i;

		if (ev->type != needs[i].type || (ev->have & needs[i].have) ||
		    (m->missing_noted & key))
			continue;
		m->missing_noted |= key;
		mdl_fb_init(&b, SCMWQ_R_TRACE_NOTE, ev->ts_ns, NULL);
		mdl_fb_msg(&b, "%s", needs[i].what);
		mdl_emit(m, &b, false, NULL);
	}
}

int scmwq_model_feed(struct scmwq_model *m, const struct scmwq_event *ev)
{
	struct thr *t;
	bool created;

	if (m->oom)
		return -1;
	if (ev->type == SCMWQ_EV_NONE || ev->type >= SCMWQ_EV__COUNT)
		return 0;
	if (ev->ts_ns > m->now || !m->started) {
		mdl_run_timers(m, ev->ts_ns);
		m->now = ev->ts_ns;
		m->started = true;
	}
	if (ev->type == SCMWQ_EV_LOST) {
		m->st.events++;
		mdl_on_loss(m, ev);
		return m->oom ? -1 : 0;
	}
	scmwq_evidence_event(m->ev, ev->cpu, ev->ts_ns);
	if (ev->type == SCMWQ_EV_SCHED_SWITCH || ev->type == SCMWQ_EV_SCHED_WAKEUP)
		return 0;
	m->st.events++;
	m->st.scm_events++;

	note_missing(m, ev);
	t = mdl_thr_get(m, ev, &created);
	if (!t)
		return -1;
	if (ev->comm[0])
		memcpy(t->comm, ev->comm, sizeof(t->comm));
	t->comm[sizeof(t->comm) - 1] = '\0';
	t->cpu = ev->cpu;
	if (m->doubt)
		mdl_check_unseen(m, t, ev);
	if (created)
		mdl_join(m, t, ev);
	else if (t->loss_epoch != m->loss_epoch)
		mdl_rejoin(m, t, ev);
	if (t->resolved_epoch != m->loss_epoch && ev->ts_ns >= m->doubt_until)
		mdl_resolve(m, t);

	switch (ev->type) {
	case SCMWQ_EV_SMC_REQUEST:
		mdl_on_request(m, t, ev, mdl_classify(t, ev));
		break;
	case SCMWQ_EV_SLEEP:
		mdl_on_sleep(m, t, ev);
		break;
	case SCMWQ_EV_RESUME:
		mdl_on_resume(m, t, ev);
		break;
	case SCMWQ_EV_GET_WQ_CTX:
		mdl_on_get_wq_ctx(m, t, ev);
		break;
	case SCMWQ_EV_WAKE_ACK:
		mdl_on_wake_ack(m, t, ev);
		break;
	case SCMWQ_EV_SMC_DONE:
		mdl_on_done(m, t, ev);
		break;
	default:
		break;
	}
	t->last_ts = ev->ts_ns;
	return m->oom ? -1 : 0;
}

void scmwq_model_advance(struct scmwq_model *m, uint64_t now_ns)
{
	if (now_ns > m->now) {
		mdl_run_timers(m, now_ns);
		m->now = now_ns;
	}
	scmwq_evidence_advance(m->ev, now_ns);
}

static void strand(struct scmwq_model *m, struct thr *t)
{
	struct fbuild b;
	uint64_t waited = m->now - t->sleep_ts;
	char d[32], s[32];

	mdl_dur_str(d, sizeof(d), waited);
	mdl_dur_str(s, sizeof(s), m->o.stall_ns);
	mdl_fb_init(&b, SCMWQ_R_STRANDED_SLEEPER, t->sleep_ts, t);
	mdl_fb_from(&b, t->ev_start);
	b.doubt = t->doubt;
	mdl_fb_wq(&b, t->wq_ctx);
	if (t->has_ctx)
		mdl_fb_ctx(&b, t->ctx);
	mdl_fb_msg(&b, "asleep on wq_ctx %u for %s to the end of the trace; no wake for its wq_ctx "
		   "arrived", t->wq_ctx, d);
	if (m->o.driver == SCMWQ_DRV_MAINLINE_6_3 || m->o.driver == SCMWQ_DRV_MAINLINE_6_11)
		mdl_fb_msg(&b, "; every later SCM caller queues behind it on the global mutex");
	if (waited < m->o.stall_ns) {
		char why[96];

		snprintf(why, sizeof(why), "the trace ended before --stall (%s) was over", s);
		mdl_emit(m, &b, true, why);
	} else {
		mdl_emit(m, &b, false, NULL);
	}
}

static uint64_t held_max(const struct scmwq_model *m)
{
	size_t max;

	scmwq_evidence_held(m->ev, &max);
	return max;
}

void scmwq_model_finish(struct scmwq_model *m)
{
	struct wq *w;

	/* What waits on time that the trace never reached. */
	while (m->hlen) {
		struct timer tm = mdl_timer_pop(m);

		mdl_fire(m, &tm, true);
	}
	for_each_wq(m, w) {
		mdl_end_run(m, w);
		for (struct thr *t = w->head, *next; t; t = next) {
			next = t->wnext;
			/* a WAKE_ALL past --grace still waiting for a member: settle it */
			if (t->group && t->group->due)
				mdl_group_settle(m, t->group, true);
			if (t->resume_pending || t->attributed || t->group)
				continue;
			if (t->credit != CR_NONE)
				mdl_lost_wakeup(m, t, 0, true);
			else
				strand(m, t);
		}
		if (w->tok_pre && !w->pre_claimed)
			mdl_pre_spurious(m, w, NULL);
	}
	/* threads not seen again since a loss never showed they slept unseen */
	if (m->doubt) {
		m->doubt->settled = true;
		mdl_doubt_drop(&m->doubt);
	}
	scmwq_evidence_release(m->ev, true);
	m->st.held_max = held_max(m);
}

void scmwq_model_set_stall_hook(struct scmwq_model *m, scmwq_stall_fn fn, void *arg)
{
	m->stall_fn = fn;
	m->stall_arg = arg;
}

void scmwq_model_set_wake_hook(struct scmwq_model *m, scmwq_wake_fn fn, void *arg)
{
	m->wake_fn = fn;
	m->wake_arg = arg;
}

void scmwq_model_set_decided_hook(struct scmwq_model *m, scmwq_finding_fn fn, void *arg)
{
	m->decided_fn = fn;
	m->decided_arg = arg;
}

const struct scmwq_model_stats *scmwq_model_stats(const struct scmwq_model *m)
{
	return &m->st;
}

size_t scmwq_model_held(const struct scmwq_model *m)
{
	return scmwq_evidence_held(m->ev, NULL);
}

struct scmwq_model *scmwq_model_alloc(const struct scmwq_model_opts *opts, scmwq_finding_fn fn,
				      void *arg)
{
	struct scmwq_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->o = *opts;
	if (m->o.driver == SCMWQ_DRV_AUTO)
		m->o.driver = SCMWQ_DRV_MAINLINE;
	m->fn = fn;
	m->arg = arg;
	m->wcap = 64;
	m->wq_count = -1;
	m->threads = (struct scmwq_pidmap)SCMWQ_PIDMAP_OF(struct thr);
	m->whash = calloc(m->wcap, sizeof(*m->whash));
	m->ev = scmwq_evidence_alloc(opts->ncpus, opts->losses_in_order, mdl_finding_out, m);
	if (scmwq_pidmap_init(&m->threads, 256) < 0 || !m->whash || !m->ev) {
		scmwq_model_free(m);
		return NULL;
	}
	return m;
}

void scmwq_model_free(struct scmwq_model *m)
{
	struct thr *t;

	if (!m)
		return;
	/* groups are reached through their timer, or, when due, through a member */
	while (m->hlen) {
		struct timer tm = mdl_timer_pop(m);
		struct group *g = tm.obj;

		if (tm.kind != T_GROUP)
			continue;
		if (g->asleep)
			g->due = true;
		else
			mdl_group_free(g);
	}
	if (m->threads.hash) {
		scmwq_pidmap_for_each(&m->threads, t) {
			struct group *g = t->group;

			mdl_doubt_drop(&t->doubt);
			if (!g)
				continue;
			for (int i = 0; i < g->n; i++) {
				struct thr *o = mdl_thr_find(m, g->pids[i]);

				if (o && o->group == g)
					o->group = NULL;
			}
			mdl_group_free(g);
		}
	}
	scmwq_pidmap_free(&m->threads);
	for (size_t i = 0; m->whash && i < m->wcap; i++)
		for (struct wq *w = m->whash[i], *n; w; w = n) {
			n = w->hnext;
			scmwq_doubt_put(w->pre_doubt);
			scmwq_doubt_put(w->spur_doubt);
			scmwq_doubt_put(w->run_doubt);
			free(w);
		}
	scmwq_doubt_put(m->doubt);
	free(m->whash);
	free(m->heap);
	scmwq_evidence_free(m->ev);
	free(m);
}
