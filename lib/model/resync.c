// SPDX-License-Identifier: GPL-2.0
/*
 * When a thread can be judged: from the first call it is seen to begin,
 * and again after a loss (replay.md section 1, "Lost data"), when every
 * thread may have slept or woken unseen until it shows itself again; the
 * doubt that this casts on the wakes credited meanwhile.
 */
#include "model/mdl.h"

/*
 * A loss: the findings whose evidence it lies in become inconclusive as
 * they are released (lib/model/evidence.c).  The model resynchronises as at a
 * trace's start: banked tokens lose their origin, a wake that finds no
 * sleeper is banked for one that may predate the loss, and every thread
 * is judged again from its next call.  Until each has shown itself again
 * it may be asleep unseen, ahead of those that sleep after it.
 */
void mdl_on_loss(struct scmwq_model *m, const struct scmwq_event *ev)
{
	uint64_t start = ev->loss == SCMWQ_LOSS_EVENTS ? ev->gap_start_ns : 0, end;
	struct wq *w;

	m->st.losses++;
	m->st.lost_events += ev->lost_count;
	if (scmwq_evidence_loss(m->ev, ev) < 0)
		m->oom = true;
	if (m->st.losses == 1) {
		struct fbuild b;
		char ts[32];

		mdl_ts_str(ts, sizeof(ts), start);
		mdl_fb_init(&b, SCMWQ_R_TRACE_NOTE, ev->ts_ns, NULL);
		if (ev->loss == SCMWQ_LOSS_EVENTS)
			mdl_fb_msg(&b, "the trace lost data (first on CPU %d, after %s); findings "
				   "whose evidence spans a loss are inconclusive", ev->cpu, ts);
		else
			mdl_fb_msg(&b, "the trace's start was overwritten; findings whose evidence "
				   "reaches back before a CPU's first event are inconclusive");
		mdl_emit(m, &b, false, NULL);
	}
	for_each_wq(m, w) {
		mdl_end_run(m, w);
		/* a wake that found no sleeper just before: settle it now, its token too */
		if (w->spur_pending)
			mdl_spurious_confirm(m, w, false);
		if (w->tok_excess + w->tok_silent)
			mdl_bank_unknown(w, w->tok_excess + w->tok_silent);
		w->tok_excess = w->tok_silent = 0;
		w->seen_sleep = false;
		/*
		 * A sleeper that passed through on a banked token since the loss
		 * began may have taken one a lost sleeper left: it waits again.
		 */
		for (struct thr *t = w->head; t; t = t->wnext) {
			if ((t->credit == CR_SILENT || t->credit == CR_EXCESS) && t->wake_ts >= start &&
			    !t->resume_pending) {
				/* and out of the WAKE_ALL group that wake made it part of */
				if (t->group)
					mdl_group_member_left(m, t, M_LEFT, 0);
				t->credit = CR_NONE;
				if (t->st == SCMWQ_ST_WOKEN)
					t->st = SCMWQ_ST_SLEEPING;
				mdl_bank_unknown(w, 1);
			}
		}
	}
	/*
	 * Every thread now may have changed state unseen, until it shows
	 * itself after the gap (ftrace text reports a loss at its end; the
	 * others know where it ends).
	 */
	m->loss_epoch++;
	end = ev->gap_end_ns > ev->ts_ns ? ev->gap_end_ns : ev->ts_ns;
	if (end > m->doubt_until)
		m->doubt_until = end;
	m->n_unresolved = (unsigned int)m->threads.count;
	if (!m->n_unresolved)
		return;
	if (!m->doubt) {
		m->doubt = scmwq_doubt_new(start);
		if (!m->doubt)
			m->oom = true;
	} else if (start < m->doubt->since) {
		m->doubt->since = start;
	}
}

/* Does @ev begin a call (or the IRQ drain), so that the thread can be judged from it? */
static bool starts_call(const struct thr *t, const struct scmwq_event *ev)
{
	enum scmwq_input in;

	switch (ev->type) {
	case SCMWQ_EV_SMC_REQUEST:
		in = mdl_classify_request(t, ev);
		return in == SCMWQ_IN_REQ_CALL || in == SCMWQ_IN_REQ_GET_WQ_CTX;
	case SCMWQ_EV_GET_WQ_CTX:
		return true;
	default:
		return false;
	}
}

/* First sight of a thread: is it at the start of a call or in the middle? */
void mdl_join(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	struct fbuild b;

	t->synced = starts_call(t, ev);
	if (!t->synced && !t->told_joined) {
		t->told_joined = true;
		mdl_fb_init(&b, SCMWQ_R_JOINED_MID_CALL, ev->ts_ns, t);
		mdl_fb_msg(&b, "first seen in the middle of a call (%s); not judged until that "
			   "call ends", scmwq_ev_type_name(ev->type));
		mdl_emit(m, &b, false, NULL);
	}
}

/* Every thread has shown itself since the losses: the doubt is settled. */
static void settle_doubt(struct scmwq_model *m)
{
	if (!m->doubt)
		return;
	m->doubt->settled = true;
	mdl_doubt_drop(&m->doubt);
	scmwq_evidence_release(m->ev, false);
}

/* @t slept or woke unseen during the losses: the doubt is confirmed. */
static void confirm_doubt(struct scmwq_model *m, const struct thr *t, bool woke)
{
	if (!m->doubt || m->doubt->confirmed)
		return;
	m->doubt->confirmed = true;
	m->doubt->pid = t->pid;
	m->doubt->woke = woke;
}

/* Is @ev the resume of a sleep (its resume, or its RESUME)? */
static bool resumes(const struct thr *t, const struct scmwq_event *ev)
{
	return ev->type == SCMWQ_EV_RESUME ||
	       (ev->type == SCMWQ_EV_SMC_REQUEST &&
		mdl_classify_request(t, ev) == SCMWQ_IN_REQ_RESUME);
}

/*
 * A thread that slept unseen resumed: it took a wake.  The latest one
 * credited to a known sleeper while the doubt was open was likely its (it
 * slept first): that sleeper waits again.  Returns whether one was found.
 */
static bool take_back_credit(struct scmwq_model *m)
{
	struct thr *best = NULL;
	struct wq *w;

	for_each_wq(m, w)
		for (struct thr *t = w->head; t; t = t->wnext)
			if (t->credit == CR_WAKE && t->credit_doubt == m->doubt &&
			    !t->resume_pending && !t->group && (!best || t->wake_ts > best->wake_ts))
				best = t;
	if (!best)
		return false;
	best->credit = CR_NONE;
	best->rewake_ts = 0;
	best->gen_wake++;
	if (best->st == SCMWQ_ST_WOKEN)
		best->st = SCMWQ_ST_SLEEPING;
	return true;
}

/*
 * While a doubt is open: a known sleeper whose next event is no resume woke
 * unseen; a thread not known asleep that resumes slept unseen.  Either way
 * a wake credited meanwhile may have been misplaced.
 */
void mdl_check_unseen(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	if (t->wq && !resumes(t, ev)) {
		confirm_doubt(m, t, true);
	} else if (!t->wq && (ev->type == SCMWQ_EV_RESUME ||
			      (resumes(t, ev) && t->st != SCMWQ_ST_RESUMING))) {
		confirm_doubt(m, t, false);
		take_back_credit(m);
	}
}

/*
 * The first event of a thread since a loss: judge it again from a call it
 * is seen to begin; a sleeper whose next event is no resume left its
 * wait-queue unseen.
 */
void mdl_rejoin(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	t->loss_epoch = m->loss_epoch;
	if (t->wq && !resumes(t, ev))
		mdl_drop_sleep(m, t);
	if (t->expect_more && ev->type != SCMWQ_EV_SMC_REQUEST && ev->type != SCMWQ_EV_GET_WQ_CTX) {
		t->expect_more = false;
		t->gen_drain++;
	}
	if (starts_call(t, ev)) {
		if (t->st != SCMWQ_ST_IDLE && m->open_calls)
			m->open_calls--;
		t->st = SCMWQ_ST_IDLE;
		t->synced = true;
	} else {
		t->synced = false;
	}
}

/* A thread seen after the losses' gaps: it is no longer unseen. */
void mdl_resolve(struct scmwq_model *m, struct thr *t)
{
	t->resolved_epoch = m->loss_epoch;
	if (m->n_unresolved && !--m->n_unresolved)
		settle_doubt(m);
}
