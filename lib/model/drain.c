// SPDX-License-Identifier: GPL-2.0
/*
 * The IRQ thread's drain: each GET_WQ_CTX it issues delivers one wake, and
 * more_pending=1 promises another GET_WQ_CTX within --grace (drain-aborted
 * when none follows).
 */
#include <inttypes.h>

#include "model/mdl.h"

/* The IRQ thread asks for the next wake (a GET_WQ_CTX request, not a call). */
void mdl_drain_request(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	struct fbuild b;

	if (ev->smc_id == SCMWQ_SMC_GET_WQ_CTX_STD && !t->stdcall_warned) {
		mdl_fb_init(&b, SCMWQ_R_GET_WQ_CTX_STD_CALL, ev->ts_ns, t);
		mdl_fb_msg(&b, "GET_WQ_CTX issued as a standard call (0x%08" PRIx64 "): firmware "
			   "can park it, and the IRQ thread deadlocks; since 2024 it is a fast "
			   "call (0xc2002403) (further ones on this thread not reported)",
			   ev->smc_id);
		mdl_emit(m, &b, false, NULL);
		t->stdcall_warned = true;
	}
	if (t->expect_more) {
		t->expect_more = false;
		t->gen_drain++;
	}
}

/* GET_WQ_CTX returned a wake to the IRQ thread; more_pending=1 promises another. */
void mdl_on_get_wq_ctx(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev)
{
	uint32_t flags = (ev->have & SCMWQ_HAVE_FLAGS) ? ev->flags : SCMWQ_WAKE_ONE;

	if (t->expect_more) {
		t->expect_more = false;
		t->gen_drain++;
	}
	/* a rejected or invalid wake ends the driver's drain loop there */
	if (mdl_deliver(m, t, ev, ev->wq_ctx, flags, true) && (ev->have & SCMWQ_HAVE_MORE) &&
	    ev->more_pending) {
		t->expect_more = true;
		t->more_ts = ev->ts_ns;
		t->more_wq = ev->wq_ctx;
		t->gen_drain++;
		mdl_timer_add(m, ev->ts_ns + m->o.grace_ns, T_DRAIN, t->gen_drain, t);
	}
}

/* No GET_WQ_CTX followed more_pending=1 within --grace: drain-aborted. */
void mdl_fire_drain(struct scmwq_model *m, struct thr *t, bool at_end, const char *how)
{
	struct fbuild b;
	struct wq *w;
	int n = 0;

	t->expect_more = false;
	mdl_fb_init(&b, SCMWQ_R_DRAIN_ABORTED, t->more_ts, t);
	mdl_fb_wq(&b, t->more_wq);
	mdl_fb_msg(&b, "GET_WQ_CTX for wq_ctx %u said more_pending=1, but %s", t->more_wq, how);
	/* Whoever sleeps uncredited now may be one the drain never reached. */
	for_each_wq(m, w)
		mdl_attribute_sleepers(w, &b, &n);
	if (n) {
		mdl_fb_msg(&b, "; left asleep:");
		mdl_fb_named_list(m, &b, n);
	}
	b.end = t->more_ts + m->o.grace_ns;
	mdl_emit(m, &b, at_end, "the trace ended within --grace of it");
}
