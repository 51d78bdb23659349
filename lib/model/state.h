/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model's state, private to lib/model/: a thread per pid (its call and
 * its wait), a wait-queue per wq_ctx (its sleepers and tokens), the
 * WAKE_ALL groups, the timers, and the model that holds them all.
 */
#ifndef SCMWQ_MODEL_STATE_H
#define SCMWQ_MODEL_STATE_H

#include "model/evidence.h"

struct wq;
struct group;

enum credit {
	CR_NONE = 0,
	CR_WAKE,	/* a wake of its own */
	CR_EXCESS,	/* a token banked by a double wake: premature-resume */
	CR_SILENT,	/* a banked token already accounted for (spurious-wake) */
};

struct thr {
	struct thr *hnext;
	int pid;
	int cpu;		/* of its latest event; -1: unknown */
	char comm[SCMWQ_COMM_LEN];
	enum scmwq_call_state st;
	bool synced;		/* false: joined mid-call, not judged until idle */
	bool told_joined;
	/*
	 * The model's loss epoch at its last event: behind it, a loss came
	 * since, and the thread may have changed state unseen; its next event
	 * re-joins it (and tells whether it slept or woke unseen).
	 */
	unsigned int loss_epoch;
	/*
	 * ...and at its last event since the losses' gaps ended: behind it,
	 * it may still be asleep or awake unseen (counted in n_unresolved).
	 */
	unsigned int resolved_epoch;
	uint64_t last_ts;
	unsigned int heap_refs;

	/* the call */
	uint64_t call_id;
	uint64_t call_ts;
	enum scmwq_input last_req;
	uint64_t last_req_ts;
	bool slept_since_req;

	/* membership of a wait-queue: from the sleep to the resume */
	struct wq *wq;
	struct thr *wnext, *wprev;
	uint32_t wq_ctx, ctx;
	bool has_ctx;
	uint64_t sleep_ts;
	uint64_t ev_start;	/* its verdicts rest on the trace since then */
	struct scmwq_doubt *doubt;	/* on whom its wakes were credited to */
	uint32_t gen_sleep;	/* bumped at each sleep: the stall timer's */
	enum credit credit;
	uint64_t wake_ts;
	int waker_pid;
	bool wake_irq;
	uint32_t gen_wake;
	uint64_t rewake_ts;	/* a later wake on its wq_ctx while woken, not resumed */
	int rewaker_pid;
	/* the doubt open when its wake was credited (identity only; NULL: none) */
	const struct scmwq_doubt *credit_doubt;
	struct group *group;
	bool attributed;	/* its stranding belongs to another finding */
	bool resume_pending;	/* resumed without a token; waiting --skew for a wake */
	uint64_t resume_ts;
	uint32_t gen_resume;
	bool ctx_reported;

	/* the WAKE it must ACK */
	uint32_t ack_ctx;
	bool ack_has_ctx;

	/* IRQ drain */
	bool expect_more;
	uint64_t more_ts;
	uint32_t more_wq;
	uint32_t gen_drain;
	bool stdcall_warned;
};

struct wq {
	struct wq *hnext;
	uint32_t wq_ctx;
	struct thr *head, *tail;	/* sleepers, oldest first */
	/*
	 * When the sleepers now on it began to queue (it was last empty):
	 * which wake a sleeper gets depends on every credit to those ahead
	 * of it, so its verdicts reach back to there.
	 */
	uint64_t busy_since;
	uint64_t tok_excess, tok_silent;
	uint64_t tok_pre;		/* wakes before any sleep seen: may predate the trace */
	uint64_t pre_ts;		/* the first of them */
	int pre_pid;
	bool pre_claimed;		/* a sleeper of the trace took one: they were spurious */
	struct scmwq_doubt *pre_doubt;
	/*
	 * Tokens whose origin a loss hides: banked before it, or by a wake
	 * while events were being lost (their sleeper's resume may be among
	 * them).  Never taken at a sleep, only by a resume with no wake.
	 */
	uint64_t tok_unk;
	bool seen_sleep;		/* a sleep on it has been seen (since the last loss) */
	uint64_t last_wake_ts;		/* its latest GET_WQ_CTX or WAKE, 0: none */
	int last_waker_pid;
	/* a wake that found no sleeper, within --skew of now */
	bool spur_pending;
	bool spur_all;
	uint64_t spur_ts;
	struct scmwq_doubt *spur_doubt;
	int spur_pid;
	uint32_t gen_spur;
	/* resumes with no wake at all, in a row */
	unsigned int run;
	uint64_t run_ts;
	uint64_t run_ev_start;
	struct scmwq_doubt *run_doubt;
	int run_pid;
	char run_comm[SCMWQ_COMM_LEN];
	uint32_t run_ctx;
	bool run_reported;
	bool invalid_reported;
};

/* How a sleeper that a WAKE_ALL found came out of it. */
enum member {
	M_ASLEEP = 0,
	M_RESUMED,	/* on the WAKE_ALL (in time, or slow) */
	M_LOST,		/* only after a later wake, or never */
	M_LEFT,		/* its call left the wait-queue otherwise */
};

struct group {			/* one WAKE_ALL and the sleepers it found */
	uint64_t ts;
	uint64_t ev_start;
	struct scmwq_doubt *doubt;
	uint32_t wq_ctx;
	int waker_pid;
	bool irq;
	bool due;		/* --grace has passed: settle once every member has */
	int n, asleep;
	int *pids;
	uint64_t *resumed_ns;	/* for M_LOST: when it resumed (0: never) */
	uint64_t *rewake_ns;
	unsigned char *state;	/* enum member */
};

enum timer_kind { T_LATE, T_RESUME_SKEW, T_DRAIN, T_GROUP, T_SPUR, T_STALL };

struct timer {
	uint64_t when;
	enum timer_kind kind;
	uint32_t gen;
	void *obj;
};

struct scmwq_model {
	struct scmwq_model_opts o;
	scmwq_finding_fn fn;
	void *arg;
	scmwq_finding_fn decided_fn;
	void *decided_arg;
	struct scmwq_model_stats st;
	struct scmwq_evidence *ev;

	struct scmwq_pidmap threads;
	struct wq **whash;
	size_t wcap;

	struct timer *heap;
	size_t hlen, hcap;

	uint64_t now;
	bool started;
	/*
	 * Bumped at each loss: every thread may have changed state unseen
	 * until its next event.  While some have not shown themselves again,
	 * the current doubt is open: wakes credited meanwhile may have been
	 * for one asleep unseen.
	 */
	unsigned int loss_epoch;
	unsigned int n_unresolved;
	uint64_t doubt_until;		/* the losses' gaps end here: threads seen after, resolved */
	struct scmwq_doubt *doubt;
	int32_t wq_count;		/* from GET_INFO, -1 unknown */
	bool wake_none_noted;
	unsigned int missing_noted;	/* enum scmwq_have bits already noted */
	scmwq_wake_fn wake_fn;
	void *wake_arg;
	scmwq_stall_fn stall_fn;
	void *stall_arg;
	uint64_t open_calls;
	bool oom;
};

static inline struct thr *mdl_thr_find(struct scmwq_model *m, int pid)
{
	return scmwq_pidmap_find(&m->threads, pid);
}

#define for_each_wq(m, w)						\
	for (size_t _wi = 0; _wi < (m)->wcap; _wi++)			\
		for ((w) = (m)->whash[_wi]; (w); (w) = (w)->hnext)

#endif /* SCMWQ_MODEL_STATE_H */
