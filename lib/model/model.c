// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model of the SCM wait-queue protocol (replay.md section 1).
 *
 * Two kinds of state: a call per thread, driven by the transition table
 * below (the only place the allowed transitions are written down; `model`
 * prints it), and a wait-queue per wq_ctx that holds its sleepers and its
 * undelivered wakes (tokens), as a kernel completion does.  Verdicts that
 * wait for something not to happen (--grace, --stall, --skew) sit in a
 * timer heap and are decided when the trace's time passes them, so memory
 * grows with what is open at once, never with the length of the trace.
 */
#include <inttypes.h>
#include <stdarg.h>
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

/* ------------------------------------------------------------------ */
/* Timers firing                                                       */

/* A sleeper woken and not resumed: lost-wakeup, when the evidence says so. */
static void lost_wakeup(struct scmwq_model *m, struct thr *t, uint64_t resumed, bool at_end)
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
		mdl_fb_msg(&b, "it resumed %s later, only after a later wake at %s (pid %d)", d, ts2,
			   t->rewaker_pid);
	} else {
		mdl_dur_str(d, sizeof(d), m->now - t->wake_ts);
		mdl_fb_msg(&b, "it was still asleep %s later, at the end of the trace", d);
	}
	t->attributed = true;
	mdl_emit(m, &b, at_end && m->now - t->wake_ts < m->o.grace_ns,
		 "the trace ended within --grace of the wake");
}

/* Asleep for --stall, or woken --grace ago and not resumed: tell the monitor. */
static void stall(struct scmwq_model *m, struct thr *t, uint64_t now)
{
	struct scmwq_stall s = {
		.pid = t->pid,
		.wq_ctx = t->wq_ctx,
		.has_ctx = t->has_ctx,
		.smc_call_ctx = t->ctx,
		.sleep_ns = t->sleep_ts,
		.now_ns = now,
		.woken = t->credit != CR_NONE,
		.wake_ns = t->credit != CR_NONE ? t->wake_ts : 0,
		.waker_pid = t->credit != CR_NONE ? t->waker_pid : -1,
	};

	memcpy(s.comm, t->comm, sizeof(s.comm));
	if (t->wq->last_wake_ts >= t->sleep_ts && t->wq->last_wake_ts) {
		s.wq_wake_ns = t->wq->last_wake_ts;
		s.wq_waker_pid = t->wq->last_waker_pid;
	} else {
		s.wq_waker_pid = -1;
	}
	m->stall_fn(&s, m->stall_arg);
}

static void fire(struct scmwq_model *m, struct timer *tm, bool at_end)
{
	struct thr *t = tm->obj;
	struct wq *w = tm->obj;
	struct group *g = tm->obj;

	switch (tm->kind) {
	case T_LATE:
		/* woken --grace ago and not resumed: the monitor hears it now */
		if (tm->gen == t->gen_wake && t->wq && t->credit == CR_WAKE && !t->resume_pending &&
		    !at_end && m->stall_fn)
			stall(m, t, tm->when);
		break;
	case T_RESUME_SKEW:
		if (tm->gen == t->gen_resume && t->resume_pending && t->wq)
			mdl_nowake_resume(m, t);
		break;
	case T_DRAIN:
		if (tm->gen == t->gen_drain && t->expect_more)
			mdl_fire_drain(m, t, at_end, at_end ? "the trace ended before another one"
						       : "no further GET_WQ_CTX followed within --grace");
		break;
	case T_GROUP:
		g->due = true;
		if (!g->asleep || at_end)
			mdl_group_settle(m, g, at_end);
		break;
	case T_SPUR:
		if (tm->gen == w->gen_spur && w->spur_pending)
			mdl_spurious_confirm(m, w, at_end);
		break;
	case T_STALL:
		if (tm->gen == t->gen_sleep && t->wq && !at_end)
			stall(m, t, tm->when);
		break;
	}
}

static void run_timers(struct scmwq_model *m, uint64_t now)
{
	while (m->hlen && m->heap[0].when < now) {
		struct timer tm = mdl_timer_pop(m);

		/* the trace's time has reached the deadline: the verdict is made there */
		if (tm.when > m->now)
			m->now = tm.when;
		fire(m, &tm, false);
	}
}

/* ------------------------------------------------------------------ */
/* Per-thread events                                                   */

static enum scmwq_input classify_request(const struct thr *t, const struct scmwq_event *ev)
{
	unsigned int svc, cmd;

	if (ev->smc_id == SCMWQ_SMC_INTERRUPTED)
		return SCMWQ_IN_REQ_REENTRY;
	if (ev->have & SCMWQ_HAVE_SVC_CMD) {
		svc = ev->svc_id;
		cmd = ev->cmd_id;
	} else {
		svc = scmwq_smc_svc(ev->smc_id);
		cmd = scmwq_smc_cmd(ev->smc_id);
	}
	if (svc == SCMWQ_SVC_WAITQ) {
		switch (cmd) {
		case SCMWQ_CMD_GET_WQ_CTX:
			return SCMWQ_IN_REQ_GET_WQ_CTX;
		case SCMWQ_CMD_RESUME:
			return SCMWQ_IN_REQ_RESUME;
		case SCMWQ_CMD_ACK:
			return SCMWQ_IN_REQ_ACK;
		default:
			break;
		}
	}
	if (t->st == SCMWQ_ST_IN_FW && ev->smc_id == t->call_id)
		return SCMWQ_IN_REQ_REENTRY;
	return SCMWQ_IN_REQ_CALL;
}

/*
 * The driver retries after -EBUSY only after sleeping QCOM_SCM_EBUSY_WAIT_MS
 * (30 ms); vendor kernels log the original id again on an INTERRUPTED
 * re-entry at once.  A RESUME (or ACK) logged again sooner than this, with
 * no sleep between, is such a re-entry.
 */
#define EBUSY_MIN_GAP_NS (20ULL * 1000 * 1000)

static enum scmwq_input classify(const struct thr *t, const struct scmwq_event *ev)
{
	enum scmwq_input in = classify_request(t, ev);

	if (t->st != SCMWQ_ST_IN_FW || t->slept_since_req || t->last_req != in)
		return in;
	if (in == SCMWQ_IN_REQ_ACK ||
	    (in == SCMWQ_IN_REQ_RESUME && ev->ts_ns - t->last_req_ts < EBUSY_MIN_GAP_NS))
		return SCMWQ_IN_REQ_REENTRY;
	return in;
}

static void unexpected(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev,
		       enum scmwq_input in)
{
	struct fbuild b;

	mdl_fb_call(&b, SCMWQ_R_UNEXPECTED_EVENT, ev, t);
	if (t->wq) {
		mdl_fb_wq(&b, t->wq_ctx);
		if (t->has_ctx)
			mdl_fb_ctx(&b, t->ctx);
		mdl_fb_from(&b, t->ev_start);
	}
	mdl_fb_msg(&b, "%s (%s) not allowed in state %s", scmwq_ev_type_name(ev->type),
		   scmwq_input_name(in), scmwq_state_name(t->st));
	if (ev->type == SCMWQ_EV_SMC_REQUEST)
		mdl_fb_msg(&b, " (smc_id 0x%08" PRIx64 ")", ev->smc_id);
	if (in == SCMWQ_IN_WAKE_ACK && (m->o.driver == SCMWQ_DRV_MAINLINE ||
					m->o.driver == SCMWQ_DRV_MAINLINE_6_3 ||
					m->o.driver == SCMWQ_DRV_MAINLINE_6_11))
		mdl_fb_msg(&b, "; mainline drivers have no WAKE/ACK (try --driver=vendor)");
	mdl_emit(m, &b, false, NULL);
}

static void on_sleep(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	struct wq *w;
	struct fbuild b;

	m->st.sleeps++;
	if (t->wq && t->resume_pending)
		mdl_nowake_resume(m, t);	/* settle the previous resume first */
	if (t->synced && (t->st == SCMWQ_ST_SLEEPING || t->st == SCMWQ_ST_WOKEN)) {
		mdl_fb_call(&b, SCMWQ_R_SLEEP_WHILE_SLEEPING, ev, t);
		mdl_fb_from(&b, t->sleep_ts);
		mdl_fb_wq(&b, ev->wq_ctx);
		mdl_fb_ctx(&b, ev->smc_call_ctx);
		mdl_fb_msg(&b, "second sleep (wq_ctx %u, smc_call_ctx %u) while already asleep on "
			   "wq_ctx %u, smc_call_ctx %u", ev->wq_ctx, ev->smc_call_ctx, t->wq_ctx, t->ctx);
		mdl_emit(m, &b, false, NULL);
		t->attributed = true;
	}
	mdl_drop_sleep(m, t);
	if (t->synced && t->st != SCMWQ_ST_SLEEPING && t->st != SCMWQ_ST_WOKEN &&
	    (t->call_id & SCMWQ_SMC_FAST_BIT) && t->st == SCMWQ_ST_IN_FW) {
		mdl_fb_call(&b, SCMWQ_R_SLEEP_IN_ATOMIC_CALL, ev, t);
		mdl_fb_wq(&b, ev->wq_ctx);
		mdl_fb_ctx(&b, ev->smc_call_ctx);
		mdl_fb_msg(&b, "WAITQ_SLEEP returned to fast call 0x%08" PRIx64 ", which cannot sleep; "
			   "the call fails with -EINVAL", t->call_id);
		mdl_emit(m, &b, false, NULL);
		return;		/* stays in_fw: the call fails */
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
		return;
	}

	if (t->synced) {
		enum scmwq_call_state to;

		if (mdl_lookup(t->st, SCMWQ_IN_SLEEP, &to) < 0 && t->st != SCMWQ_ST_SLEEPING &&
		    t->st != SCMWQ_ST_WOKEN)
			unexpected(m, t, ev, SCMWQ_IN_SLEEP);
	}
	t->st = SCMWQ_ST_SLEEPING;
	t->slept_since_req = true;

	w = mdl_wq_get(m, ev->wq_ctx);
	if (!w)
		return;
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
		lost_wakeup(m, t, ev->ts_ns, false);
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
		mdl_fb_msg(&b, "woken on wq_ctx %u at %s by %s (pid %d); resumed %s later (more than "
			   "--grace), with no further wake in between: slow to run again, the wake "
			   "was not lost", t->wq_ctx, ts,
			   t->wake_irq ? "the IRQ drain (GET_WQ_CTX)" : "a WAKE/ACK", t->waker_pid, d);
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

static void on_resume(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
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

		mdl_fb_call(&b, retry ? SCMWQ_R_EBUSY_RETRY_RESUME : SCMWQ_R_RESUME_WITHOUT_SLEEP, ev, t);
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
		mdl_fb_msg(&b, "resumed on a token banked on wq_ctx %u before it slept (a double wake), "
			   "not on a wake of its own", t->wq_ctx);
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

static void on_request(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev,
		       enum scmwq_input in)
{
	struct fbuild b;
	enum scmwq_call_state to;

	if (in == SCMWQ_IN_REQ_GET_WQ_CTX) {
		mdl_drain_request(m, t, ev);
		return;
	}
	if (!t->synced)
		return;

	if (mdl_lookup(t->st, in, &to) == 0) {
		if (in == SCMWQ_IN_REQ_CALL) {
			t->call_id = ev->smc_id;
			t->call_ts = ev->ts_ns;
			m->st.calls++;
			if (++m->open_calls > m->st.open_calls_max)
				m->st.open_calls_max = m->open_calls;
		}
		if (in == SCMWQ_IN_REQ_RESUME && t->has_ctx && (ev->have & SCMWQ_HAVE_ARGS) &&
		    ev->args_cnt >= 1 && ev->args[0] != t->ctx && !t->ctx_reported) {
			mdl_fb_init(&b, SCMWQ_R_RESUME_CTX_MISMATCH, ev->ts_ns, t);
			mdl_fb_from(&b, t->sleep_ts);
			mdl_fb_wq(&b, t->wq_ctx);
			mdl_fb_ctx(&b, t->ctx);
			mdl_fb_msg(&b, "RESUME carries smc_call_ctx %" PRIu64 ", but the call slept with "
				   "smc_call_ctx %u on wq_ctx %u", ev->args[0], t->ctx, t->wq_ctx);
			mdl_emit(m, &b, false, NULL);
		}
		if (in == SCMWQ_IN_REQ_ACK && t->ack_has_ctx && (ev->have & SCMWQ_HAVE_ARGS) &&
		    ev->args_cnt >= 1 && ev->args[0] != t->ack_ctx) {
			mdl_fb_call(&b, SCMWQ_R_ACK_CTX_MISMATCH, ev, t);
			mdl_fb_ctx(&b, t->ack_ctx);
			mdl_fb_msg(&b, "ACK carries smc_call_ctx %" PRIu64 ", but the WAKE returned "
				   "smc_call_ctx %u", ev->args[0], t->ack_ctx);
			mdl_emit(m, &b, false, NULL);
		}
		t->st = to;
	} else if (in == SCMWQ_IN_REQ_RESUME && t->st == SCMWQ_ST_IN_FW) {
		bool retry = t->last_req == SCMWQ_IN_REQ_RESUME && !t->slept_since_req;

		mdl_fb_call(&b, retry ? SCMWQ_R_EBUSY_RETRY_RESUME : SCMWQ_R_RESUME_WITHOUT_SLEEP, ev, t);
		if (retry)
			mdl_fb_msg(&b, "RESUME re-sent with no new sleep since the last RESUME: the "
				   "EBUSY retry must re-send the original call 0x%08" PRIx64 "",
				   t->call_id);
		else
			mdl_fb_msg(&b, "RESUME request in call 0x%08" PRIx64 " with no sleep before it",
				   t->call_id);
		mdl_emit(m, &b, false, NULL);
	} else if (in == SCMWQ_IN_REQ_RESUME && t->st == SCMWQ_ST_IDLE) {
		mdl_fb_call(&b, SCMWQ_R_RESUME_WITHOUT_SLEEP, ev, t);
		mdl_fb_msg(&b, "RESUME request outside any call, with no sleep before it");
		mdl_emit(m, &b, false, NULL);
		t->st = SCMWQ_ST_IN_FW;
	} else {
		unexpected(m, t, ev, in);
		mdl_drop_sleep(m, t);
		t->st = mdl_natural_target(in);
		if (in == SCMWQ_IN_REQ_CALL) {
			t->call_id = ev->smc_id;
			t->call_ts = ev->ts_ns;
			m->st.calls++;
		}
	}
	if (in != SCMWQ_IN_REQ_REENTRY) {
		t->last_req = in;
		t->last_req_ts = ev->ts_ns;
	}
	t->slept_since_req = false;
}

static void on_wake_ack(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	enum scmwq_call_state to;

	if (t->synced) {
		if (mdl_lookup(t->st, SCMWQ_IN_WAKE_ACK, &to) == 0 &&
		    m->o.driver != SCMWQ_DRV_MAINLINE && m->o.driver != SCMWQ_DRV_MAINLINE_6_3 &&
		    m->o.driver != SCMWQ_DRV_MAINLINE_6_11) {
			t->st = to;
		} else {
			unexpected(m, t, ev, SCMWQ_IN_WAKE_ACK);
			mdl_drop_sleep(m, t);
			t->st = SCMWQ_ST_ACKING;
		}
	}
	t->ack_ctx = ev->smc_call_ctx;
	t->ack_has_ctx = ev->have & SCMWQ_HAVE_CTX;
	mdl_deliver(m, t, ev, ev->wq_ctx, SCMWQ_WAKE_ONE, false);
}

#define RET_EINVAL (-22)

/*
 * Linux 6.20+ checks wq_ctx against the GET_INFO count, which a trace
 * rarely shows (GET_INFO runs at probe time): a call that fails with
 * -EINVAL right after its WAITQ_SLEEP, with no resume, was rejected there.
 */
static bool rejected_sleep(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	struct fbuild b;

	/* wq_ctx 0 is below any count */
	if (m->o.driver != SCMWQ_DRV_MAINLINE || m->wq_count >= 0 || !t->wq || !t->wq_ctx ||
	    t->st != SCMWQ_ST_SLEEPING || !(ev->have & SCMWQ_HAVE_RET) || ev->ret != RET_EINVAL)
		return false;
	mdl_fb_call(&b, SCMWQ_R_INVALID_WQ_CTX, ev, t);
	b.f.ts_ns = t->sleep_ts;
	mdl_fb_wq(&b, t->wq_ctx);
	if (t->has_ctx)
		mdl_fb_ctx(&b, t->ctx);
	mdl_fb_msg(&b, "WAITQ_SLEEP on wq_ctx %u, and the call failed with -EINVAL with no wake or "
		   "resume: the driver rejected wq_ctx %u (not below the count GET_INFO reported; "
		   "the GET_INFO is not in the trace) while firmware still holds the call queued",
		   t->wq_ctx, t->wq_ctx);
	mdl_emit(m, &b, false, NULL);
	return true;
}

static void on_done(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	enum scmwq_call_state to;

	if (!t->synced) {
		mdl_drop_sleep(m, t);
		t->synced = true;
		t->st = SCMWQ_ST_IDLE;
		return;
	}
	if (rejected_sleep(m, t, ev)) {
		mdl_drop_sleep(m, t);
		to = SCMWQ_ST_IDLE;
	} else if (mdl_lookup(t->st, SCMWQ_IN_DONE, &to) < 0) {
		unexpected(m, t, ev, SCMWQ_IN_DONE);
		mdl_drop_sleep(m, t);
		to = SCMWQ_ST_IDLE;
	}
	if (t->call_id == SCMWQ_SMC_GET_INFO && ev->ret == 0 && (ev->have & SCMWQ_HAVE_RES012) &&
	    m->o.driver == SCMWQ_DRV_MAINLINE)
		m->wq_count = (int32_t)(ev->res0 & 0x7fffffff);
	if (m->open_calls)
		m->open_calls--;
	t->st = to;
}

/*
 * A loss: the findings whose evidence it lies in become inconclusive as
 * they are released (lib/evidence.c).  The model resynchronises as at a
 * trace's start: banked tokens lose their origin, a wake that finds no
 * sleeper is banked for one that may predate the loss, and every thread
 * is judged again from its next call.  Until each has shown itself again
 * it may be asleep unseen, ahead of those that sleep after it.
 */
static void on_loss(struct scmwq_model *m, const struct scmwq_event *ev)
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
			mdl_fb_msg(&b, "the trace lost data (first on CPU %d, after %s); findings whose "
				   "evidence spans a loss are inconclusive", ev->cpu, ts);
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
	struct fbuild b;

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

/* Does @ev begin a call (or the IRQ drain), so that the thread can be judged from it? */
static bool starts_call(const struct thr *t, const struct scmwq_event *ev)
{
	enum scmwq_input in;

	switch (ev->type) {
	case SCMWQ_EV_SMC_REQUEST:
		in = classify_request(t, ev);
		return in == SCMWQ_IN_REQ_CALL || in == SCMWQ_IN_REQ_GET_WQ_CTX;
	case SCMWQ_EV_GET_WQ_CTX:
		return true;
	default:
		return false;
	}
}

/* First sight of a thread: is it at the start of a call or in the middle? */
static void join(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	struct fbuild b;

	t->synced = starts_call(t, ev);
	if (!t->synced && !t->told_joined) {
		t->told_joined = true;
		mdl_fb_init(&b, SCMWQ_R_JOINED_MID_CALL, ev->ts_ns, t);
		mdl_fb_msg(&b, "first seen in the middle of a call (%s); not judged until that call ends",
			   scmwq_ev_type_name(ev->type));
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
	       (ev->type == SCMWQ_EV_SMC_REQUEST && classify_request(t, ev) == SCMWQ_IN_REQ_RESUME);
}

/*
 * While a doubt is open: a known sleeper whose next event is no resume woke
 * unseen; a thread not known asleep that resumes slept unseen.  Either way
 * a wake credited meanwhile may have been misplaced.
 */
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

static void check_unseen(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
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
static void rejoin(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
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
static void resolve(struct scmwq_model *m, struct thr *t)
{
	t->resolved_epoch = m->loss_epoch;
	if (m->n_unresolved && !--m->n_unresolved)
		settle_doubt(m);
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
		run_timers(m, ev->ts_ns);
		m->now = ev->ts_ns;
		m->started = true;
	}
	if (ev->type == SCMWQ_EV_LOST) {
		m->st.events++;
		on_loss(m, ev);
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
	if (m->doubt)
		check_unseen(m, t, ev);
	if (created)
		join(m, t, ev);
	else if (t->loss_epoch != m->loss_epoch)
		rejoin(m, t, ev);
	if (t->resolved_epoch != m->loss_epoch && ev->ts_ns >= m->doubt_until)
		resolve(m, t);

	switch (ev->type) {
	case SCMWQ_EV_SMC_REQUEST:
		on_request(m, t, ev, classify(t, ev));
		break;
	case SCMWQ_EV_SLEEP:
		on_sleep(m, t, ev);
		break;
	case SCMWQ_EV_RESUME:
		on_resume(m, t, ev);
		break;
	case SCMWQ_EV_GET_WQ_CTX:
		mdl_on_get_wq_ctx(m, t, ev);
		break;
	case SCMWQ_EV_WAKE_ACK:
		on_wake_ack(m, t, ev);
		break;
	case SCMWQ_EV_SMC_DONE:
		on_done(m, t, ev);
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
		run_timers(m, now_ns);
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

		fire(m, &tm, true);
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
				lost_wakeup(m, t, 0, true);
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
