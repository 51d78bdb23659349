// SPDX-License-Identifier: GPL-2.0
/*
 * A wake delivered to a wq_ctx (by the IRQ drain's GET_WQ_CTX or a
 * WAKE/ACK): what the driver makes of its flags, which sleepers it
 * credits, and where a token no sleeper takes is banked.
 */
#include "model/mdl.h"

static void msg_named(struct scmwq_model *m, struct fbuild *b, int n)
{
	if (!n) {
		mdl_fb_msg(b, "; no sleeper was waiting on it");
		return;
	}
	mdl_fb_msg(b, "; stranded sleeper%s:", n == 1 ? "" : "s");
	mdl_fb_named_list(m, b, n);
}

/* A WAKE_ALL: one group of the sleepers it finds; returns the tokens it gives. */
static int wake_all(struct scmwq_model *m, struct thr *waker, struct wq *w, uint64_t ts, bool irq)
{
	int present = mdl_wq_count_uncredited(w);
	int tokens = m->o.driver == SCMWQ_DRV_MAINLINE_6_3 ? (present ? 1 : 0) : present;

	if (present > 1 || (present == 1 && tokens == 0))
		mdl_group_start(m, waker, w, ts, irq, present);
	return tokens;
}

/* A wake for a wq_ctx the driver does not accept: it drops it. */
static bool invalid_ctx(struct scmwq_model *m, struct thr *waker, const struct scmwq_event *ev,
			uint32_t wq_ctx, bool irq)
{
	struct wq *w = mdl_wq_get(m, wq_ctx);
	struct fbuild b;
	int n = 0;

	mdl_fb_init(&b, SCMWQ_R_INVALID_WQ_CTX, ev->ts_ns, waker);
	mdl_fb_wq(&b, wq_ctx);
	mdl_fb_msg(&b, "%s for wq_ctx %u: %s; the driver drops the wake",
		   irq ? "GET_WQ_CTX" : "WAKE", wq_ctx, mdl_wq_ctx_rule_text(m));
	if (w)
		mdl_attribute_sleepers(w, &b, &n);
	if (n)
		msg_named(m, &b, n);
	mdl_emit(m, &b, false, NULL);
	return !irq;
}

/*
 * Flags the driver wakes no one for: WAKE_NONE on vendor, flags out of
 * range, WAKE_ALL on a driver that rejects it.  Returns true when the wake
 * stops here, with *@drains_on whether the driver's IRQ drain goes on.
 */
static bool refused(struct scmwq_model *m, struct thr *waker, const struct scmwq_event *ev,
		    struct wq *w, uint32_t flags, bool *drains_on)
{
	uint32_t wq_ctx = w->wq_ctx;
	struct fbuild b;
	int n = 0;

	if (flags == SCMWQ_WAKE_NONE && m->o.driver == SCMWQ_DRV_VENDOR) {
		if (!m->wake_none_noted) {
			mdl_fb_init(&b, SCMWQ_R_TRACE_NOTE, ev->ts_ns, waker);
			mdl_fb_wq(&b, wq_ctx);
			mdl_fb_msg(&b, "WAKE_NONE (flags 0) on wq_ctx %u: two wakes arrived close "
				   "together; nothing to do (further ones not reported)", wq_ctx);
			mdl_emit(m, &b, false, NULL);
			m->wake_none_noted = true;
		}
		*drains_on = true;
		return true;
	}
	if (flags != SCMWQ_WAKE_ONE && flags != SCMWQ_WAKE_ALL) {
		*drains_on = m->o.driver == SCMWQ_DRV_VENDOR || m->o.driver == SCMWQ_DRV_DRAFT_2022;
		mdl_fb_init(&b, SCMWQ_R_INVALID_FLAGS, ev->ts_ns, waker);
		mdl_fb_wq(&b, wq_ctx);
		mdl_fb_msg(&b, "GET_WQ_CTX returned flags %u for wq_ctx %u (expected 1 WAKE_ONE or "
			   "2 WAKE_ALL); the driver wakes no one%s", flags, wq_ctx,
			   *drains_on ? "" : " and stops draining");
		mdl_attribute_sleepers(w, &b, &n);
		if (n)
			msg_named(m, &b, n);
		b.by_driver = flags == SCMWQ_WAKE_NONE;	/* WAKE_NONE is benign on vendor */
		mdl_emit(m, &b, false, NULL);
		return true;
	}
	if (flags == SCMWQ_WAKE_ALL &&
	    (m->o.driver == SCMWQ_DRV_MAINLINE || m->o.driver == SCMWQ_DRV_MAINLINE_6_11)) {
		mdl_fb_init(&b, SCMWQ_R_WAKE_ALL_REJECTED, ev->ts_ns, waker);
		mdl_fb_wq(&b, wq_ctx);
		mdl_fb_msg(&b, "WAKE_ALL for wq_ctx %u rejected as invalid flags by the %s driver: "
			   "no complete(), the IRQ drain stops", wq_ctx,
			   scmwq_driver_name(m->o.driver));
		mdl_attribute_sleepers(w, &b, &n);
		msg_named(m, &b, n);
		b.by_driver = true;
		mdl_emit(m, &b, false, NULL);
		*drains_on = false;
		return true;
	}
	return false;
}

/*
 * A sleeper of @w woken before that has not resumed may have lost its
 * wake: if it resumes late, it is this one, at @ts by @waker, that woke it.
 */
static void rewake(struct wq *w, const struct thr *waker, uint64_t ts)
{
	for (struct thr *t = w->head; t; t = t->wnext)
		if (t->credit == CR_WAKE && !t->resume_pending && !t->rewake_ts) {
			t->rewake_ts = ts;
			t->rewaker_pid = waker->pid;
		}
}

/* A wake found no sleeper on @w: spurious-wake, unless one sleeps within --skew. */
static void spur_arm(struct scmwq_model *m, struct wq *w, const struct thr *waker, uint64_t ts,
		     bool all)
{
	w->spur_pending = true;
	w->spur_all = all;
	w->spur_ts = ts;
	w->spur_pid = waker->pid;
	w->gen_spur++;
	mdl_timer_add(m, ts + m->o.skew_ns, T_SPUR, w->gen_spur, w);
}

/*
 * complete_all() with no sleeper left to take it: nothing banked (reinit).
 * A sleeper that has its wake but has not resumed may have lost it: this
 * one wakes it again.
 */
static void wake_all_unused(struct scmwq_model *m, struct thr *waker, struct wq *w, uint64_t ts)
{
	rewake(w, waker, ts);
	if (w->head || !w->seen_sleep || m->doubt)
		return;
	if (!w->spur_pending)
		spur_arm(m, w, waker, ts, true);
}

/* @tokens of a wake that no sleeper of @w took: banked, and how. */
static void bank(struct scmwq_model *m, struct thr *waker, struct wq *w, uint64_t ts, int tokens)
{
	if (w->head) {
		/* Every sleeper already has its wake: a double wake, banked. */
		rewake(w, waker, ts);
		/*
		 * ...unless a thread may sleep unseen, or events were lost while
		 * these sleepers queued (a wake credited then may have been for
		 * a sleeper the trace lost): then its origin is unknown.
		 */
		if (m->doubt || scmwq_evidence_lost(m->ev, w->busy_since, ts, NULL, 0))
			mdl_bank_unknown(w, tokens);
		else
			w->tok_excess += tokens;
		return;
	}
	if (scmwq_evidence_lost(m->ev, ts, ts, NULL, 0)) {
		/* while events are being lost: its sleeper's events may be among them */
		mdl_bank_unknown(w, tokens);
		return;
	}
	if (!w->seen_sleep || m->doubt) {
		/* Its sleeper may predate the trace or a loss: bank it, say nothing yet. */
		if (!w->tok_pre) {
			w->pre_claimed = false;
			w->pre_ts = ts;
			w->pre_pid = waker->pid;
			mdl_doubt_drop(&w->pre_doubt);
		}
		mdl_doubt_join(&w->pre_doubt, m->doubt);
		w->tok_pre += tokens;
		return;
	}
	if (w->spur_pending) {
		w->tok_silent += tokens;	/* one root cause is one finding */
		return;
	}
	spur_arm(m, w, waker, ts, false);
}

/*
 * A wake for @wq_ctx, by GET_WQ_CTX on the IRQ thread (@irq) or by a
 * WAKE/ACK return (flags unknown: WAKE_ONE).  Returns false when the driver
 * stops its IRQ drain loop here.
 */
bool mdl_deliver(struct scmwq_model *m, struct thr *waker, const struct scmwq_event *ev,
		 uint32_t wq_ctx, uint32_t flags, bool irq)
{
	struct wq *w;
	int tokens;
	bool drains_on;

	m->st.wakes++;
	if (!mdl_wq_ctx_valid(m, wq_ctx))
		return invalid_ctx(m, waker, ev, wq_ctx, irq);
	w = mdl_wq_get(m, wq_ctx);
	if (!w)
		return true;
	w->last_wake_ts = ev->ts_ns;
	w->last_waker_pid = waker->pid;
	/* sleepers unseen since a loss may be ahead of these in the queue */
	if (m->doubt)
		for (struct thr *t = w->head; t; t = t->wnext)
			mdl_doubt_join(&t->doubt, m->doubt);
	if (refused(m, waker, ev, w, flags, &drains_on))
		return drains_on;

	/* A real wake: it ends a run of wake-less resumes on this queue. */
	mdl_end_run(m, w);

	if (flags == SCMWQ_WAKE_ALL) {
		tokens = wake_all(m, waker, w, ev->ts_ns, irq);
		if (!mdl_wq_count_uncredited(w) && !tokens) {
			wake_all_unused(m, waker, w, ev->ts_ns);
			return true;
		}
	} else {
		tokens = 1;
	}

	while (tokens > 0) {
		struct thr *t = mdl_wq_uncredited(w);

		if (!t)
			break;
		mdl_credit(m, t, CR_WAKE, ev->ts_ns, waker->pid, irq);
		tokens--;
	}
	if (tokens > 0)
		bank(m, waker, w, ev->ts_ns, tokens);
	return true;
}
