// SPDX-License-Identifier: GPL-2.0
/*
 * Tokens without their pair: a wake that found no sleeper (spurious-wake)
 * and a resume that no wake of its own backs (premature-resume, and
 * wake-all-stuck when they come in a row).
 */
#include <string.h>

#include "model/mdl.h"

void mdl_end_run(struct scmwq_model *m, struct wq *w)
{
	struct fbuild b;
	struct thr fake = { .pid = w->run_pid, .cpu = -1 };

	if (w->run && !w->run_reported) {
		memcpy(fake.comm, w->run_comm, sizeof(fake.comm));
		mdl_fb_init(&b, SCMWQ_R_PREMATURE_RESUME, w->run_ts, &fake);
		mdl_fb_from(&b, w->run_ev_start);
		b.doubt = w->run_doubt;
		mdl_fb_wq(&b, w->wq_ctx);
		mdl_fb_ctx(&b, w->run_ctx);
		mdl_fb_msg(&b, "resumed from wq_ctx %u with no wake delivered to it%s",
			   w->wq_ctx, w->run > 1 ? " (and once more after it)" : "");
		mdl_emit(m, &b, false, NULL);
	}
	w->run = 0;
	w->run_reported = false;
	mdl_doubt_drop(&w->run_doubt);
}

/* A resume on a token from before its sleep whose wake found no sleeper. */
static void pre_resume(struct scmwq_model *m, struct thr *t, struct wq *w)
{
	struct fbuild b;
	char ts[32];

	mdl_fb_init(&b, SCMWQ_R_PREMATURE_RESUME, t->resume_ts, t);
	mdl_fb_from(&b, t->ev_start);
	mdl_fb_from(&b, w->pre_ts);
	b.doubt = t->doubt;
	mdl_fb_wq(&b, w->wq_ctx);
	if (t->has_ctx)
		mdl_fb_ctx(&b, t->ctx);
	mdl_ts_str(ts, sizeof(ts), w->pre_ts);
	mdl_fb_msg(&b, "resumed from wq_ctx %u with no wake of its own, on a token banked before "
		   "it slept: the wake at %s (pid %d) that found no sleeper there, or one from "
		   "before the trace", w->wq_ctx, ts, w->pre_pid);
	mdl_emit(m, &b, false, NULL);
}

/* A resume that no token backs, after --skew found no late wake for it. */
void mdl_nowake_resume(struct scmwq_model *m, struct thr *t)
{
	struct wq *w = t->wq;
	struct fbuild b;
	char ts[32];

	if (w->tok_pre) {
		/*
		 * A sleeper of the trace took it: no sleeper from before the
		 * trace did, so the wake was spurious (replay.md section 1).
		 */
		if (!w->pre_claimed)
			mdl_pre_spurious(m, w, t);
		w->pre_claimed = true;
		w->tok_pre--;
		pre_resume(m, t, w);
		mdl_wq_unlink(m, t);
		return;
	}
	/*
	 * A token a loss hid may back it: taken, but the resume still counts
	 * as one with no wake of its own (wake-all-stuck reaches back to the
	 * trace's start, past any such loss).
	 */
	if (w->tok_unk)
		w->tok_unk--;
	if (!w->run) {
		w->run_ts = t->resume_ts;
		w->run_pid = t->pid;
		memcpy(w->run_comm, t->comm, sizeof(w->run_comm));
		w->run_ctx = t->ctx;
		w->run_ev_start = t->ev_start;
		mdl_doubt_join(&w->run_doubt, t->doubt);
	}
	w->run++;
	if (w->run == 3 && !w->run_reported) {
		struct thr fake = { .pid = w->run_pid, .cpu = -1 };

		memcpy(fake.comm, w->run_comm, sizeof(fake.comm));
		mdl_ts_str(ts, sizeof(ts), w->run_ts);
		mdl_fb_init(&b, SCMWQ_R_WAKE_ALL_STUCK, w->run_ts, &fake);
		/* wakes lost anywhere before could have banked these tokens */
		mdl_fb_from(&b, 0);
		mdl_fb_wq(&b, w->wq_ctx);
		mdl_fb_ctx(&b, w->run_ctx);
		mdl_fb_msg(&b, "sleeps on wq_ctx %u return at once with no wake between them "
			   "(3 in a row since %s): the completion is stuck done, as after a "
			   "complete_all() that is never re-initialised", w->wq_ctx, ts);
		mdl_emit(m, &b, false, NULL);
		w->run_reported = true;
	}
	mdl_wq_unlink(m, t);
}

void mdl_spurious_confirm(struct scmwq_model *m, struct wq *w, bool at_end)
{
	struct thr *waker = mdl_thr_find(m, w->spur_pid);
	struct fbuild b;

	w->spur_pending = false;
	mdl_fb_init(&b, SCMWQ_R_SPURIOUS_WAKE, w->spur_ts, waker);
	b.doubt = w->spur_doubt;
	mdl_fb_wq(&b, w->wq_ctx);
	mdl_fb_msg(&b, "%s delivered to wq_ctx %u, which has no sleeper",
		   w->spur_all ? "WAKE_ALL" : "a wake", w->wq_ctx);
	if (!w->spur_all) {
		mdl_fb_msg(&b, "; the token stays banked and the next sleeper passes straight "
			   "through");
		w->tok_silent++;
	}
	mdl_emit(m, &b, at_end, "the trace ended within --skew of the wake");
	mdl_doubt_drop(&w->spur_doubt);
}

/*
 * Wakes banked at the wq_ctx's first appearance (or since a loss) that no
 * sleeper from before took: @taker, a sleeper of the trace, passed through
 * on one, or (NULL) no one took them to the end of the trace.
 */
void mdl_pre_spurious(struct scmwq_model *m, struct wq *w, const struct thr *taker)
{
	struct thr *waker = mdl_thr_find(m, w->pre_pid);
	struct fbuild b;
	char d[32];

	mdl_fb_init(&b, SCMWQ_R_SPURIOUS_WAKE, w->pre_ts, waker);
	b.doubt = w->pre_doubt;
	mdl_fb_wq(&b, w->wq_ctx);
	if (taker) {
		mdl_fb_msg(&b, "a wake delivered to wq_ctx %u found no sleeper; %s-%d, which "
			   "slept after it, passed straight through on its token, so no sleeper "
			   "from before the trace took it", w->wq_ctx,
			   taker->comm[0] ? taker->comm : "<...>", taker->pid);
		mdl_emit(m, &b, false, NULL);
		return;
	}
	mdl_dur_str(d, sizeof(d), m->now - w->pre_ts);
	mdl_fb_msg(&b, "a wake delivered to wq_ctx %u found no sleeper, and no sleeper from before "
		   "the trace took it in the %s to its end%s", w->wq_ctx, d,
		   w->tok_pre > 1 ? " (nor the wakes banked with it)" : "");
	w->tok_pre = 0;
	mdl_emit(m, &b, m->now - w->pre_ts < m->o.grace_ns,
		 "the trace ended within --grace of the wake");
	mdl_doubt_drop(&w->pre_doubt);
}
