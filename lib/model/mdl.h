/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the model share inside the part (prefix mdl_), grouped
 * by the file that defines it, from the bottom up: each file calls only
 * the files above it here (keep it so: no circles between files).  Not
 * installed; only lib/model/ includes it.
 */
#ifndef SCMWQ_MODEL_MDL_H
#define SCMWQ_MODEL_MDL_H

#include "model/state.h"

/* table.c: the call machine's transitions */

/* The state @in leads to from @from; -1 when the table does not allow it. */
int mdl_lookup(enum scmwq_call_state from, enum scmwq_input in, enum scmwq_call_state *to);
/* Where @in leads when it is not allowed: the model resynchronises there. */
enum scmwq_call_state mdl_natural_target(enum scmwq_input in);

/* verdict.c: a finding under construction, and making it a verdict */

struct fbuild {
	struct scmwq_finding f;
	size_t len;
	uint64_t start, end;	/* the evidence: the span of the trace it rests on */
	struct scmwq_doubt *doubt;	/* ...and who slept on the wait-queue then */
	bool by_driver;		/* another driver would not make it (a guessed driver) */
};

/* A finding of @rule at @ts about @t (NULL: no thread); its evidence starts at @ts. */
void mdl_fb_init(struct fbuild *b, enum scmwq_rule rule, uint64_t ts, const struct thr *t);
/* ...about @t's call: its evidence starts where the call began. */
void mdl_fb_call(struct fbuild *b, enum scmwq_rule rule, const struct scmwq_event *ev,
		 const struct thr *t);
void mdl_fb_from(struct fbuild *b, uint64_t start);
void mdl_fb_wq(struct fbuild *b, uint32_t wq);
void mdl_fb_ctx(struct fbuild *b, uint32_t ctx);
__attribute__((format(printf, 2, 3)))
void mdl_fb_msg(struct fbuild *b, const char *fmt, ...);
void mdl_fb_name(struct fbuild *b, int pid);
void mdl_fb_named_list(struct scmwq_model *m, struct fbuild *b, int total);
void mdl_ts_str(char *buf, size_t len, uint64_t ts);
void mdl_dur_str(char *buf, size_t len, uint64_t ns);
/* Make the verdict: held by evidence.c until its evidence is complete. */
void mdl_emit(struct scmwq_model *m, struct fbuild *b, bool inconclusive, const char *why);
/* evidence.c's callback: a released verdict is counted and handed on. */
void mdl_finding_out(const struct scmwq_finding *f, void *arg);
void mdl_doubt_join(struct scmwq_doubt **slot, struct scmwq_doubt *cur);
void mdl_doubt_drop(struct scmwq_doubt **slot);

/* timers.c: the timer heap */

/* Fire @kind on @obj (a struct thr, group or wq) when the trace passes @when. */
void mdl_timer_add(struct scmwq_model *m, uint64_t when, enum timer_kind kind, uint32_t gen,
		   void *obj);
/* The earliest timer, off the heap (m->hlen > 0). */
struct timer mdl_timer_pop(struct scmwq_model *m);

/* group.c: WAKE_ALL groups */

/* A WAKE_ALL found @present sleepers of @w with no wake yet: follow them as one group. */
void mdl_group_start(struct scmwq_model *m, struct thr *waker, struct wq *w, uint64_t ts, bool irq,
		     int present);
/* A member of the group leaves its wait: resumed on it, lost, or left otherwise. */
void mdl_group_member_left(struct scmwq_model *m, struct thr *t, enum member how,
			   uint64_t resumed);
/* The verdict on the group (wake-all-partial); frees it. */
void mdl_group_settle(struct scmwq_model *m, struct group *g, bool at_end);
/* @pid's place in the group, -1: not in it. */
int mdl_group_index(const struct group *g, int pid);
void mdl_group_free(struct group *g);

/* waitq.c: threads, wait-queues and the wakes their sleepers hold */

/* @ev's thread, new (*@created) at its first event; NULL when out of memory. */
struct thr *mdl_thr_get(struct scmwq_model *m, const struct scmwq_event *ev, bool *created);
/* @wq_ctx's wait-queue, new at its first use; NULL when out of memory. */
struct wq *mdl_wq_get(struct scmwq_model *m, uint32_t wq_ctx);
/* @t sleeps on @w, behind its other sleepers. */
void mdl_wq_link(struct wq *w, struct thr *t);
/* @t leaves its wait-queue (and its WAKE_ALL group). */
void mdl_wq_unlink(struct scmwq_model *m, struct thr *t);
/* Leave a sleep abnormally (the call failed, or the model resynchronises). */
void mdl_drop_sleep(struct scmwq_model *m, struct thr *t);
/* Does the driver accept @wq_ctx?  And its rule in words. */
bool mdl_wq_ctx_valid(struct scmwq_model *m, uint32_t wq_ctx);
const char *mdl_wq_ctx_rule_text(struct scmwq_model *m);
/* A wake (or banked token, @kind) at @ts by @waker is @t's. */
void mdl_credit(struct scmwq_model *m, struct thr *t, enum credit kind, uint64_t ts, int waker,
		bool irq);
/* The oldest sleeper of @w with no token yet (resumers within --skew first); how many. */
struct thr *mdl_wq_uncredited(struct wq *w);
int mdl_wq_count_uncredited(struct wq *w);
/* Name in @b the sleepers of @w with no wake, counted in *@n; they are its. */
void mdl_attribute_sleepers(struct wq *w, struct fbuild *b, int *n);
/* @tokens banked on @w whose origin a loss hides. */
void mdl_bank_unknown(struct wq *w, uint64_t tokens);

/* tokens.c: wakes no sleeper took, resumes no wake backs */

/* A run of resumes with no wake on @w ends (a wake, a loss, the end): premature-resume. */
void mdl_end_run(struct scmwq_model *m, struct wq *w);
/* @t resumed, and --skew brought no wake for it. */
void mdl_nowake_resume(struct scmwq_model *m, struct thr *t);
/* The wake that found no sleeper on @w got none within --skew: spurious-wake. */
void mdl_spurious_confirm(struct scmwq_model *m, struct wq *w, bool at_end);
/* Wakes banked before any sleep that no sleeper from before the trace took. */
void mdl_pre_spurious(struct scmwq_model *m, struct wq *w, const struct thr *taker);

/* wake.c: delivering a wake */

/*
 * A wake for @wq_ctx by @waker with @flags, from GET_WQ_CTX (@irq) or a
 * WAKE/ACK return.  Returns false when the driver stops its IRQ drain loop.
 */
bool mdl_deliver(struct scmwq_model *m, struct thr *waker, const struct scmwq_event *ev,
		 uint32_t wq_ctx, uint32_t flags, bool irq);

/* drain.c: the IRQ thread's drain */

/* A GET_WQ_CTX request (the IRQ thread asks for the next wake). */
void mdl_drain_request(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev);
/* scm_waitq_get_wq_ctx: the wake it returned, and whether more are pending. */
void mdl_on_get_wq_ctx(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev);
/* No GET_WQ_CTX followed more_pending=1 (@how says what happened instead). */
void mdl_fire_drain(struct scmwq_model *m, struct thr *t, bool at_end, const char *how);

/* expire.c: timers coming due */

/* Fire @tm; @at_end: the trace ended before its deadline. */
void mdl_fire(struct scmwq_model *m, struct timer *tm, bool at_end);
/* Fire every timer due before @now. */
void mdl_run_timers(struct scmwq_model *m, uint64_t now);

/* call.c: the call machine */

/* What an smc request is, from its id alone. */
enum scmwq_input mdl_classify_request(const struct thr *t, const struct scmwq_event *ev);
/* ...and from what the thread did before (an INTERRUPTED re-entry). */
enum scmwq_input mdl_classify(const struct thr *t, const struct scmwq_event *ev);
/* @ev (@in) is not allowed in @t's state: unexpected-event. */
void mdl_unexpected(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev,
		    enum scmwq_input in);
/* The handlers of scm_smc_request, scm_waitq_wake_ack and scm_smc_done. */
void mdl_on_request(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev,
		    enum scmwq_input in);
void mdl_on_wake_ack(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev);
void mdl_on_done(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev);

/* sleep.c: a sleep and its resume */

/* The handlers of scm_waitq_sleep and scm_waitq_resume. */
void mdl_on_sleep(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev);
void mdl_on_resume(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev);
/* @t was woken and did not resume on it: it resumed at @resumed, or never (0). */
void mdl_lost_wakeup(struct scmwq_model *m, struct thr *t, uint64_t resumed, bool at_end);

/* resync.c: joining threads, and resynchronising after a loss */

/* An SCMWQ_EV_LOST: every thread may now change state unseen. */
void mdl_on_loss(struct scmwq_model *m, const struct scmwq_event *ev);
/* First sight of @t: is it at the start of a call or in the middle? */
void mdl_join(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev);
/* While a doubt is open: did @t sleep or wake unseen? */
void mdl_check_unseen(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev);
/* @t's first event since a loss. */
void mdl_rejoin(struct scmwq_model *m, struct thr *t, const struct scmwq_event *ev);
/* @t shows itself after the losses' gaps. */
void mdl_resolve(struct scmwq_model *m, struct thr *t);

#endif /* SCMWQ_MODEL_MDL_H */
