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

/*
 * A wake for @wq_ctx, by GET_WQ_CTX on the IRQ thread (@irq) or by a
 * WAKE/ACK return (flags unknown: WAKE_ONE).  Returns false when the driver
 * stops its IRQ drain loop here.
 */
bool mdl_deliver(struct scmwq_model *m, struct thr *waker, const struct scmwq_event *ev,
		 uint32_t wq_ctx, uint32_t flags, bool irq)
{
	struct wq *w;
	struct fbuild b;
	int n = 0;
	int tokens;
	bool all = flags == SCMWQ_WAKE_ALL;

	m->st.wakes++;
	if (!mdl_wq_ctx_valid(m, wq_ctx)) {
		w = mdl_wq_get(m, wq_ctx);
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
	w = mdl_wq_get(m, wq_ctx);
	if (!w)
		return true;
	w->last_wake_ts = ev->ts_ns;
	w->last_waker_pid = waker->pid;
	/* sleepers unseen since a loss may be ahead of these in the queue */
	if (m->doubt)
		for (struct thr *t = w->head; t; t = t->wnext)
			mdl_doubt_join(&t->doubt, m->doubt);

	if (flags == SCMWQ_WAKE_NONE && m->o.driver == SCMWQ_DRV_VENDOR) {
		if (!m->wake_none_noted) {
			mdl_fb_init(&b, SCMWQ_R_TRACE_NOTE, ev->ts_ns, waker);
			mdl_fb_wq(&b, wq_ctx);
			mdl_fb_msg(&b, "WAKE_NONE (flags 0) on wq_ctx %u: two wakes arrived close together; "
				   "nothing to do (further ones not reported)", wq_ctx);
			mdl_emit(m, &b, false, NULL);
			m->wake_none_noted = true;
		}
		return true;
	}
	if (flags != SCMWQ_WAKE_ONE && flags != SCMWQ_WAKE_ALL) {
		bool drains_on = m->o.driver == SCMWQ_DRV_VENDOR ||
				 m->o.driver == SCMWQ_DRV_DRAFT_2022;

		mdl_fb_init(&b, SCMWQ_R_INVALID_FLAGS, ev->ts_ns, waker);
		mdl_fb_wq(&b, wq_ctx);
		mdl_fb_msg(&b, "GET_WQ_CTX returned flags %u for wq_ctx %u (expected 1 WAKE_ONE or 2 "
			   "WAKE_ALL); the driver wakes no one%s", flags, wq_ctx,
			   drains_on ? "" : " and stops draining");
		mdl_attribute_sleepers(w, &b, &n);
		if (n)
			msg_named(m, &b, n);
		b.by_driver = flags == SCMWQ_WAKE_NONE;	/* WAKE_NONE is benign on vendor */
		mdl_emit(m, &b, false, NULL);
		return drains_on;
	}
	if (all && (m->o.driver == SCMWQ_DRV_MAINLINE || m->o.driver == SCMWQ_DRV_MAINLINE_6_11)) {
		mdl_fb_init(&b, SCMWQ_R_WAKE_ALL_REJECTED, ev->ts_ns, waker);
		mdl_fb_wq(&b, wq_ctx);
		mdl_fb_msg(&b, "WAKE_ALL for wq_ctx %u rejected as invalid flags by the %s driver: no "
			   "complete(), the IRQ drain stops", wq_ctx, scmwq_driver_name(m->o.driver));
		mdl_attribute_sleepers(w, &b, &n);
		msg_named(m, &b, n);
		b.by_driver = true;
		mdl_emit(m, &b, false, NULL);
		return false;
	}

	/* A real wake: it ends a run of wake-less resumes on this queue. */
	mdl_end_run(m, w);

	if (all) {
		tokens = wake_all(m, waker, w, ev->ts_ns, irq);
		if (!mdl_wq_count_uncredited(w) && !tokens) {
			/*
			 * complete_all() with no sleeper left to take it: nothing
			 * banked (reinit).  A sleeper that has its wake but has
			 * not resumed may have lost it: this one wakes it again.
			 */
			for (struct thr *t = w->head; t; t = t->wnext)
				if (t->credit == CR_WAKE && !t->resume_pending && !t->rewake_ts) {
					t->rewake_ts = ev->ts_ns;
					t->rewaker_pid = waker->pid;
				}
			if (w->head || !w->seen_sleep || m->doubt)
				return true;
			if (!w->spur_pending) {
				w->spur_pending = true;
				w->spur_all = true;
				w->spur_ts = ev->ts_ns;
				w->spur_pid = waker->pid;
				w->gen_spur++;
				mdl_timer_add(m, ev->ts_ns + m->o.skew_ns, T_SPUR, w->gen_spur, w);
			}
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
	if (tokens <= 0)
		return true;
	if (w->head) {
		/*
		 * Every sleeper already has its wake: a double wake, banked.  A
		 * sleeper woken before that has not resumed may have lost its
		 * wake: if it resumes late, it is this one that woke it.
		 */
		for (struct thr *t = w->head; t; t = t->wnext)
			if (t->credit == CR_WAKE && !t->resume_pending && !t->rewake_ts) {
				t->rewake_ts = ev->ts_ns;
				t->rewaker_pid = waker->pid;
			}
		/*
		 * ...unless a thread may sleep unseen, or events were lost while
		 * these sleepers queued (a wake credited then may have been for
		 * a sleeper the trace lost): then its origin is unknown.
		 */
		if (m->doubt || scmwq_evidence_lost(m->ev, w->busy_since, ev->ts_ns, NULL, 0))
			mdl_bank_unknown(w, tokens);
		else
			w->tok_excess += tokens;
		return true;
	}
	if (scmwq_evidence_lost(m->ev, ev->ts_ns, ev->ts_ns, NULL, 0)) {
		/* while events are being lost: its sleeper's events may be among them */
		mdl_bank_unknown(w, tokens);
		return true;
	}
	if (!w->seen_sleep || m->doubt) {
		/* Its sleeper may predate the trace or a loss: bank it, say nothing yet. */
		if (!w->tok_pre) {
			w->pre_claimed = false;
			w->pre_ts = ev->ts_ns;
			w->pre_pid = waker->pid;
			mdl_doubt_drop(&w->pre_doubt);
		}
		mdl_doubt_join(&w->pre_doubt, m->doubt);
		w->tok_pre += tokens;
		return true;
	}
	if (w->spur_pending) {
		w->tok_silent += tokens;	/* one root cause is one finding */
		return true;
	}
	w->spur_pending = true;
	w->spur_all = false;
	w->spur_ts = ev->ts_ns;
	w->spur_pid = waker->pid;
	w->gen_spur++;
	mdl_timer_add(m, ev->ts_ns + m->o.skew_ns, T_SPUR, w->gen_spur, w);
	return true;
}
