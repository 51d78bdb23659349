// SPDX-License-Identifier: GPL-2.0
/*
 * The call machine: each thread's SMC requests and returns, classified and
 * judged against the transition table (table.c); an event the table does
 * not allow is a finding, and the thread resynchronises where it leads.
 */
#include <inttypes.h>

#include "model/mdl.h"

enum scmwq_input mdl_classify_request(const struct thr *t, const struct scmwq_event *ev)
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

enum scmwq_input mdl_classify(const struct thr *t, const struct scmwq_event *ev)
{
	enum scmwq_input in = mdl_classify_request(t, ev);

	if (t->st != SCMWQ_ST_IN_FW || t->slept_since_req || t->last_req != in)
		return in;
	if (in == SCMWQ_IN_REQ_ACK ||
	    (in == SCMWQ_IN_REQ_RESUME && ev->ts_ns - t->last_req_ts < EBUSY_MIN_GAP_NS))
		return SCMWQ_IN_REQ_REENTRY;
	return in;
}

void mdl_unexpected(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev,
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

/* RESUME and ACK carry the smc_call_ctx of the sleep or WAKE they answer: do they match? */
static void check_ctx(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev,
		      enum scmwq_input in)
{
	struct fbuild b;

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
}

/*
 * A request the table does not allow in @t's state: a RESUME with no
 * sleep before it (or an EBUSY retry of one), else unexpected-event, and
 * the thread resynchronises where the request leads.
 */
static void not_allowed(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev,
			enum scmwq_input in)
{
	struct fbuild b;

	if (in == SCMWQ_IN_REQ_RESUME && t->st == SCMWQ_ST_IN_FW) {
		bool retry = t->last_req == SCMWQ_IN_REQ_RESUME && !t->slept_since_req;

		mdl_fb_call(&b, retry ? SCMWQ_R_EBUSY_RETRY_RESUME : SCMWQ_R_RESUME_WITHOUT_SLEEP,
			    ev, t);
		if (retry)
			mdl_fb_msg(&b, "RESUME re-sent with no new sleep since the last RESUME: "
				   "the EBUSY retry must re-send the original call 0x%08" PRIx64 "",
				   t->call_id);
		else
			mdl_fb_msg(&b, "RESUME request in call 0x%08" PRIx64 " with no sleep "
				   "before it", t->call_id);
		mdl_emit(m, &b, false, NULL);
	} else if (in == SCMWQ_IN_REQ_RESUME && t->st == SCMWQ_ST_IDLE) {
		mdl_fb_call(&b, SCMWQ_R_RESUME_WITHOUT_SLEEP, ev, t);
		mdl_fb_msg(&b, "RESUME request outside any call, with no sleep before it");
		mdl_emit(m, &b, false, NULL);
		t->st = SCMWQ_ST_IN_FW;
	} else {
		mdl_unexpected(m, t, ev, in);
		mdl_drop_sleep(m, t);
		t->st = mdl_natural_target(in);
		if (in == SCMWQ_IN_REQ_CALL) {
			t->call_id = ev->smc_id;
			t->call_ts = ev->ts_ns;
			m->st.calls++;
		}
	}
}

/* scm_smc_request: a call, a re-entry, a RESUME or ACK, or the IRQ drain's GET_WQ_CTX. */
void mdl_on_request(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev,
		    enum scmwq_input in)
{
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
		check_ctx(m, t, ev, in);
		t->st = to;
	} else {
		not_allowed(m, t, ev, in);
	}
	if (in != SCMWQ_IN_REQ_REENTRY) {
		t->last_req = in;
		t->last_req_ts = ev->ts_ns;
	}
	t->slept_since_req = false;
}

void mdl_on_wake_ack(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	enum scmwq_call_state to;

	if (t->synced) {
		if (mdl_lookup(t->st, SCMWQ_IN_WAKE_ACK, &to) == 0 &&
		    m->o.driver != SCMWQ_DRV_MAINLINE && m->o.driver != SCMWQ_DRV_MAINLINE_6_3 &&
		    m->o.driver != SCMWQ_DRV_MAINLINE_6_11) {
			t->st = to;
		} else {
			mdl_unexpected(m, t, ev, SCMWQ_IN_WAKE_ACK);
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

void mdl_on_done(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
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
		mdl_unexpected(m, t, ev, SCMWQ_IN_DONE);
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
