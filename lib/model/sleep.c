// SPDX-License-Identifier: GPL-2.0
/*
 * A call's sleep on a wait-queue and its resume: a sleeper queues and may
 * pass through on a banked token; its resume is judged against the wake it
 * holds (slow-resume, lost-wakeup, premature-resume, long-sleep).
 */
#include <inttypes.h>

#include "model/mdl.h"

/* A sleep while already asleep: sleep-while-sleeping. */
static void second_sleep(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	struct fbuild b;

	mdl_fb_call(&b, SCMWQ_R_SLEEP_WHILE_SLEEPING, ev, t);
	mdl_fb_from(&b, t->sleep_ts);
	mdl_fb_wq(&b, ev->wq_ctx);
	mdl_fb_ctx(&b, ev->smc_call_ctx);
	mdl_fb_msg(&b, "second sleep (wq_ctx %u, smc_call_ctx %u) while already asleep on "
		   "wq_ctx %u, smc_call_ctx %u", ev->wq_ctx, ev->smc_call_ctx, t->wq_ctx, t->ctx);
	mdl_emit(m, &b, false, NULL);
	t->attributed = true;
}

/*
 * A sleep the driver fails with -EINVAL, with no wait: in a fast call
 * (sleep-in-atomic-call), or on a wq_ctx it does not accept.
 */
static bool sleep_fails(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	struct fbuild b;

	if (t->synced && t->st != SCMWQ_ST_SLEEPING && t->st != SCMWQ_ST_WOKEN &&
	    (t->call_id & SCMWQ_SMC_FAST_BIT) && t->st == SCMWQ_ST_IN_FW) {
		mdl_fb_call(&b, SCMWQ_R_SLEEP_IN_ATOMIC_CALL, ev, t);
		mdl_fb_wq(&b, ev->wq_ctx);
		mdl_fb_ctx(&b, ev->smc_call_ctx);
		mdl_fb_msg(&b, "WAITQ_SLEEP returned to fast call 0x%08" PRIx64 ", which cannot "
			   "sleep; the call fails with -EINVAL", t->call_id);
		mdl_emit(m, &b, false, NULL);
		return true;	/* stays in_fw: the call fails */
	}
	if (!mdl_wq_ctx_valid(m, ev->wq_ctx)) {
		mdl_fb_init(&b, SCMWQ_R_INVALID_WQ_CTX, ev->ts_ns, t);
		mdl_fb_wq(&b, ev->wq_ctx);
		mdl_fb_ctx(&b, ev->smc_call_ctx);
		mdl_fb_msg(&b, "WAITQ_SLEEP on wq_ctx %u: %s; the call fails with -EINVAL while "
			   "firmware still holds it queued", ev->wq_ctx, mdl_wq_ctx_rule_text(m));
		mdl_emit(m, &b, false, NULL);
		if (t->synced && t->st == SCMWQ_ST_IN_FW)
			t->slept_since_req = true;
		return true;
	}
	return false;
}

/* @t queues on @w, behind its other sleepers; --stall runs from now. */
static void queue_sleeper(struct scmwq_model *m, struct thr *t, struct wq *w,
			  const struct scmwq_event *ev)
{
	w->seen_sleep = true;
	t->wq_ctx = ev->wq_ctx;
	t->has_ctx = ev->have & SCMWQ_HAVE_CTX;
	t->ctx = ev->smc_call_ctx;
	t->sleep_ts = ev->ts_ns;
	t->ev_start = ev->ts_ns;
	mdl_doubt_drop(&t->doubt);
	t->doubt = scmwq_doubt_get(m->doubt);
	t->gen_sleep++;
	if (m->stall_fn)
		mdl_timer_add(m, ev->ts_ns + m->o.stall_ns, T_STALL, t->gen_sleep, t);
	t->ctx_reported = false;
	t->attributed = false;
	t->rewake_ts = 0;
	mdl_wq_link(w, t);
}

/* A token already on @w is the new sleeper's: its wait returns at once. */
static void take_token(struct scmwq_model *m, struct thr *t, struct wq *w,
		       const struct scmwq_event *ev)
{
	/* A wake that found no sleeper within --skew before: it was for us. */
	if (w->spur_pending && ev->ts_ns <= w->spur_ts + m->o.skew_ns) {
		w->spur_pending = false;
		w->gen_spur++;
		mdl_credit(m, t, CR_WAKE, w->spur_ts, w->spur_pid, true);
		return;
	}
	if (w->tok_silent) {
		w->tok_silent--;
		mdl_credit(m, t, CR_SILENT, ev->ts_ns, -1, false);
	} else if (w->tok_excess) {
		w->tok_excess--;
		mdl_credit(m, t, CR_EXCESS, ev->ts_ns, -1, false);
	}
}

/* WAITQ_SLEEP: firmware parked the call on a wq_ctx. */
void mdl_on_sleep(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	struct wq *w;

	m->st.sleeps++;
	if (t->wq && t->resume_pending)
		mdl_nowake_resume(m, t);	/* settle the previous resume first */
	if (t->synced && (t->st == SCMWQ_ST_SLEEPING || t->st == SCMWQ_ST_WOKEN))
		second_sleep(m, t, ev);
	mdl_drop_sleep(m, t);
	if (sleep_fails(m, t, ev))
		return;

	if (t->synced) {
		enum scmwq_call_state to;

		if (mdl_lookup(t->st, SCMWQ_IN_SLEEP, &to) < 0 && t->st != SCMWQ_ST_SLEEPING &&
		    t->st != SCMWQ_ST_WOKEN)
			mdl_unexpected(m, t, ev, SCMWQ_IN_SLEEP);
	}
	t->st = SCMWQ_ST_SLEEPING;
	t->slept_since_req = true;

	w = mdl_wq_get(m, ev->wq_ctx);
	if (!w)
		return;
	queue_sleeper(m, t, w, ev);
	take_token(m, t, w, ev);
}

/* A sleeper woken and not resumed: lost-wakeup, when the evidence says so. */
void mdl_lost_wakeup(struct scmwq_model *m, struct thr *t, uint64_t resumed, bool at_end)
{
	struct fbuild b;
	char ts[32], ts2[32], d[32];

	mdl_ts_str(ts, sizeof(ts), t->wake_ts);
	mdl_fb_init(&b, SCMWQ_R_LOST_WAKEUP, t->sleep_ts, t);
	mdl_fb_from(&b, t->ev_start);
	b.doubt = t->doubt;
	mdl_fb_wq(&b, t->wq_ctx);
	if (t->has_ctx)
		mdl_fb_ctx(&b, t->ctx);
	if (t->credit == CR_WAKE)
		mdl_fb_msg(&b, "woken on wq_ctx %u at %s by %s (pid %d) but did not resume on it: ",
			   t->wq_ctx, ts, t->wake_irq ? "the IRQ drain (GET_WQ_CTX)" : "a WAKE/ACK",
			   t->waker_pid);
	else
		mdl_fb_msg(&b, "took a token banked on wq_ctx %u when it slept at %s, so its wait "
			   "returned at once, but it did not resume: ", t->wq_ctx, ts);
	if (resumed) {
		mdl_ts_str(ts2, sizeof(ts2), t->rewake_ts);
		mdl_dur_str(d, sizeof(d), resumed - t->wake_ts);
		mdl_fb_msg(&b, "it resumed %s later, only after a later wake at %s (pid %d)", d,
			   ts2, t->rewaker_pid);
	} else {
		mdl_dur_str(d, sizeof(d), m->now - t->wake_ts);
		mdl_fb_msg(&b, "it was still asleep %s later, at the end of the trace", d);
	}
	t->attributed = true;
	mdl_emit(m, &b, at_end && m->now - t->wake_ts < m->o.grace_ns,
		 "the trace ended within --grace of the wake");
}

/* A resume on a wake of its own: on time, slow, or only after a later wake. */
static void resume_woken(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	uint64_t late = ev->ts_ns - t->wake_ts;
	bool relost = t->rewake_ts && late > m->o.grace_ns;
	struct fbuild b;
	char d[32], ts[32];

	if (relost && t->wq->tok_excess)
		t->wq->tok_excess--;	/* the later wake's token: it was this one's */
	if (t->group) {
		struct group *g = t->group;
		bool lost = relost || (t->wake_ts > g->ts && ev->ts_ns - g->ts > m->o.grace_ns);

		if (lost) {
			int i = mdl_group_index(g, t->pid);

			if (i >= 0)
				g->rewake_ns[i] = t->rewake_ts ? t->rewake_ts : t->wake_ts;
			mdl_group_member_left(m, t, M_LOST, ev->ts_ns);
			return;
		}
		mdl_group_member_left(m, t, M_RESUMED, ev->ts_ns);
	} else if (relost) {
		mdl_lost_wakeup(m, t, ev->ts_ns, false);
		return;
	}
	if (late > m->o.grace_ns) {
		mdl_ts_str(ts, sizeof(ts), t->wake_ts);
		mdl_dur_str(d, sizeof(d), late);
		mdl_fb_init(&b, SCMWQ_R_SLOW_RESUME, t->sleep_ts, t);
		mdl_fb_from(&b, t->ev_start);
		b.doubt = t->doubt;
		mdl_fb_wq(&b, t->wq_ctx);
		if (t->has_ctx)
			mdl_fb_ctx(&b, t->ctx);
		mdl_fb_msg(&b, "woken on wq_ctx %u at %s by %s (pid %d); resumed %s later (more "
			   "than --grace), with no further wake in between: slow to run again, "
			   "the wake was not lost", t->wq_ctx, ts,
			   t->wake_irq ? "the IRQ drain (GET_WQ_CTX)" : "a WAKE/ACK", t->waker_pid,
			   d);
		mdl_emit(m, &b, false, NULL);
	}
	if (ev->ts_ns - t->sleep_ts > m->o.stall_ns) {
		mdl_dur_str(d, sizeof(d), ev->ts_ns - t->sleep_ts);
		mdl_fb_init(&b, SCMWQ_R_LONG_SLEEP, t->sleep_ts, t);
		mdl_fb_wq(&b, t->wq_ctx);
		if (t->has_ctx)
			mdl_fb_ctx(&b, t->ctx);
		mdl_fb_msg(&b, "slept %s on wq_ctx %u (longer than --stall)", d, t->wq_ctx);
		mdl_emit(m, &b, false, NULL);
	}
}

/* It slept before the trace (or a loss) began: its wake may be banked anywhere. */
static void resume_unseen(struct scmwq_model *m)
{
	struct wq *w;

	for_each_wq(m, w) {
		if (w->tok_pre) {
			w->tok_pre--;
			return;
		}
	}
	for_each_wq(m, w) {
		if (w->tok_unk) {
			w->tok_unk--;
			return;
		}
	}
}

void mdl_on_resume(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	struct fbuild b;

	if (!t->wq && !t->synced) {
		resume_unseen(m);
		t->st = SCMWQ_ST_RESUMING;
		return;
	}
	if (!t->wq) {
		bool retry = t->st == SCMWQ_ST_IN_FW && t->last_req == SCMWQ_IN_REQ_RESUME &&
			     !t->slept_since_req;

		mdl_fb_call(&b, retry ? SCMWQ_R_EBUSY_RETRY_RESUME : SCMWQ_R_RESUME_WITHOUT_SLEEP,
			    ev, t);
		mdl_fb_ctx(&b, ev->smc_call_ctx);
		mdl_fb_msg(&b, "scm_waitq_resume(smc_call_ctx %u) with no sleep before it "
			   "(state %s)", ev->smc_call_ctx, scmwq_state_name(t->st));
		mdl_emit(m, &b, false, NULL);
		t->has_ctx = false;	/* no sleep of its own to compare the RESUME with */
		t->st = SCMWQ_ST_RESUMING;
		return;
	}

	if (t->synced && (ev->have & SCMWQ_HAVE_CTX) && t->has_ctx && ev->smc_call_ctx != t->ctx) {
		mdl_fb_init(&b, SCMWQ_R_RESUME_CTX_MISMATCH, ev->ts_ns, t);
		mdl_fb_from(&b, t->sleep_ts);
		mdl_fb_wq(&b, t->wq_ctx);
		mdl_fb_ctx(&b, t->ctx);
		mdl_fb_msg(&b, "resumes with smc_call_ctx %u, but it slept with smc_call_ctx %u on "
			   "wq_ctx %u", ev->smc_call_ctx, t->ctx, t->wq_ctx);
		mdl_emit(m, &b, false, NULL);
		t->ctx_reported = true;
	}
	t->st = SCMWQ_ST_RESUMING;

	switch (t->credit) {
	case CR_WAKE:
		resume_woken(m, t, ev);
		break;
	case CR_EXCESS:
		mdl_fb_init(&b, SCMWQ_R_PREMATURE_RESUME, ev->ts_ns, t);
		mdl_fb_from(&b, t->ev_start);
		b.doubt = t->doubt;
		mdl_fb_wq(&b, t->wq_ctx);
		if (t->has_ctx)
			mdl_fb_ctx(&b, t->ctx);
		mdl_fb_msg(&b, "resumed on a token banked on wq_ctx %u before it slept (a double "
			   "wake), not on a wake of its own", t->wq_ctx);
		mdl_emit(m, &b, false, NULL);
		break;
	case CR_SILENT:
		break;
	case CR_NONE:
		if (t->attributed)
			break;
		/* Wait --skew for a wake that other CPUs may have logged later. */
		t->resume_pending = true;
		t->resume_ts = ev->ts_ns;
		t->gen_resume++;
		mdl_timer_add(m, ev->ts_ns + m->o.skew_ns, T_RESUME_SKEW, t->gen_resume, t);
		return;
	}
	mdl_wq_unlink(m, t);
}
