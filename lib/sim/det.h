/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The deterministic engine of the simulator, private to its files: its
 * state in virtual time (the threads, firmware's wait-queues, the faults)
 * and the steps the files share.
 */
#ifndef SCMWQ_LIB_SIM_DET_H
#define SCMWQ_LIB_SIM_DET_H

#include "sim/sim.h"

#define US 1000ULL
#define MS 1000000ULL
#define SEC 1000000000ULL
#define START_NS (100ULL * SEC)
#define DONE_ALL UINT32_MAX
#define MAX_THREADS 64
#define MAX_QUEUES 64
#define HEARTBEAT 0		/* thread index of the atomic-call heartbeat */
#define IRQ 1			/* thread index of the IRQ thread */
#define FIRST_CLIENT 2
#define GRACE_TAIL (SEC + 300 * MS)	/* how long a trace goes on after a fault */

/* Responses of the firmware model */
enum resp { R_DONE, R_SLEEP, R_WAKE, R_INTERRUPTED, R_EBUSY, R_EINVAL, R_BOGUS_RESUME };

/* What a call is doing in firmware */
enum fwkind { K_ORIG, K_RESUME, K_ACK };

/* Actions in the event queue */
enum act {
	A_CALL,		/* client: start a call (or wait for the lock) */
	A_ENTER,	/* client: smc into firmware (request logged) */
	A_RESP,		/* client: firmware's answer arrives */
	A_WOKEN,	/* client: woken from its completion: resume */
	A_RETRY,	/* client: re-send after EBUSY */
	A_ACK,		/* client: send ACK after handling a WAKE */
	A_RELEASE,	/* firmware: a resource frees up: wake its waiters */
	A_IRQ,		/* the waitq IRQ fires */
	A_DRAIN,	/* IRQ thread: next GET_WQ_CTX */
	A_HEARTBEAT,	/* heartbeat: an atomic call */
	A_FALLBACK,	/* firmware: no call took the WAKE: raise the IRQ */
};

struct action {
	uint64_t when;
	uint64_t seq;
	enum act act;
	int thr;
	uint32_t arg;
};

struct sthr {
	int pid;
	char comm[SCMWQ_COMM_LEN];
	int cpu;
	bool frozen;		/* a fault left it blocked for good */
	/* the call */
	uint64_t smc_id;
	bool in_call;
	bool fast;
	uint32_t wq;		/* resource / wait-queue */
	uint32_t ctx;
	enum fwkind kind;
	enum resp resp;
	uint32_t r_wq, r_ctx, r_flags;	/* the response's values */
	int ebusy;
	int loops;		/* wake-all-stuck: SLEEPs answered so far */
	bool waiting;		/* blocked on a completion */
	bool waiting_lock;
	enum scmwq_rule tag;	/* the fault this call carries, SCMWQ_R__COUNT: none */
	bool parked_fw;		/* firmware holds the call parked */
	bool released;		/* firmware let it go; waiting for its RESUME */
	uint64_t park_ts;
	bool reentry;		/* the next request is an INTERRUPTED re-entry */
	uint32_t ack_ctx;
	uint64_t sleep_ts;
	uint64_t think;		/* mean think time */
	bool long_sleep;	/* this call's sleep is the long-sleep fault: it must end */
	/* evidence of the truth */
	uint64_t call_ts;	/* the call's first scm_smc_request; 0: none yet */
	uint64_t prev_done;	/* its previous call's scm_smc_done; 0: none */
	int n_until_done;	/* truth findings whose evidence ends with this call */
	int until_done[4];
};

struct pending {		/* a wake firmware has to deliver */
	uint32_t wq, flags;
	enum scmwq_rule fault;	/* SCMWQ_R__COUNT: none */
	bool wake_path;		/* meant for a WAKE return (vendor, draft) */
};

struct comp {			/* a kernel completion */
	uint32_t done;
	int waiters[MAX_THREADS];
	int nwait;
};

struct fwq {			/* firmware's side of one wait-queue */
	int parked[MAX_THREADS];	/* thread indexes, oldest first */
	int nparked;
	bool release_scheduled;
	bool poisoned;		/* a fault stranded a call here: park no more */
	bool seen_sleep;
	uint64_t no_park_until;
	int in_sleep;		/* threads between their sleep and resume events */
	int nreleased;		/* released calls whose RESUME has not come yet */
	bool stuck;		/* its completion is done for good (WAKE_ALL, 2022) */
};

enum fault_state { F_NONE, F_ARMED, F_DONE };

struct sim {
	const struct scmwq_sim_opts *o;
	struct scmwq_sim_result *res;
	struct scmwq_truth truth;
	struct scmwq_error *err;
	enum scmwq_system sys;
	uint64_t rng;
	uint64_t now, seq;
	int nthr;
	unsigned int queues;
	struct sthr thr[MAX_THREADS + FIRST_CLIENT];
	struct scmwq_heap queue;	/* struct action by (when, seq) */
	struct comp comp[MAX_QUEUES];
	struct fwq fwq[MAX_QUEUES];
	struct pending pend[4 * MAX_THREADS];
	int npend;
	bool irq_busy;
	bool irq_raised;
	int lock_holder;	/* mainline: the global mutex; -1 free */
	int lockq[MAX_THREADS];
	int nlockq;
	uint32_t next_ctx;
	uint64_t started_calls;
	uint64_t end_not_before;
	bool stop;
	bool write_error;
	/* faults */
	enum fault_state fault[SCMWQ_R__COUNT];
	int fault_count[SCMWQ_R__COUNT];
	uint64_t arm_at[SCMWQ_R__COUNT];
	bool irq_dead;		/* drain-aborted: firmware never raises the IRQ again */
	uint32_t force_wq;	/* park forced onto this wq (faults needing it) */
	bool force_park;
	int force_park_left;
	bool std_getwq;
	bool inflight[SCMWQ_R__COUNT];	/* set up, waiting for the drain to deliver */
	bool armed_once[SCMWQ_R__COUNT];
	bool npend_double;	/* premature-resume: the double wake is queued */
	int premature_wq;	/* premature-resume: the banked wq, -1 none */
	uint64_t last_progress;	/* when a client last finished a call */
	uint64_t give_up;	/* a fault that cannot be set up by then: error */
	/* evidence of the truth */
	uint64_t burst_ts;	/* the IRQ burst in progress began */
	uint64_t premature_from;	/* premature-resume: the double wake's evidence */
	uint64_t stuck_from;	/* wake-all-stuck: the WAKE_ALL's evidence */
	/* per wait-queue and thread: its latest call that slept there */
	uint64_t slept_call[MAX_QUEUES][MAX_THREADS + FIRST_CLIENT];
};

/* The run's one seeded generator: every random choice draws from it, in order */
static inline uint64_t rnd(struct sim *s)
{
	/* xorshift64* */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 2685821657736338717ULL;
}

static inline uint64_t rnd_range(struct sim *s, uint64_t lo, uint64_t hi)
{
	return lo + rnd(s) % (hi - lo + 1);
}

static inline bool chance(struct sim *s, unsigned int permille)
{
	return rnd(s) % 1000 < permille;
}

static inline bool is_mainline(const struct sim *s)
{
	return s->o->driver == SCMWQ_DRV_MAINLINE || s->o->driver == SCMWQ_DRV_MAINLINE_6_3 ||
	       s->o->driver == SCMWQ_DRV_MAINLINE_6_11;
}

static inline bool has_global_mutex(const struct sim *s)
{
	return s->o->driver == SCMWQ_DRV_MAINLINE_6_3 || s->o->driver == SCMWQ_DRV_MAINLINE_6_11;
}

static inline bool has_wake_ack(const struct sim *s)
{
	return s->o->driver == SCMWQ_DRV_VENDOR || s->o->driver == SCMWQ_DRV_DRAFT_2022;
}

static inline bool armed(struct sim *s, enum scmwq_rule r)
{
	return s->fault[r] == F_ARMED && s->now >= s->arm_at[r] && !s->inflight[r];
}

/* Take an armed fault for thread @ti: decided now, it happens a little later. */
static inline bool take(struct sim *s, enum scmwq_rule r, int ti)
{
	if (!armed(s, r))
		return false;
	s->inflight[r] = true;
	s->thr[ti].tag = r;
	return true;
}

/* Faults asked for that have not happened yet. */
static inline int outstanding(const struct sim *s)
{
	int n = 0;

	for (int r = 0; r < SCMWQ_R__COUNT; r++)
		if (s->fault[r] == F_ARMED)
			n++;
	return n;
}

static inline struct comp *comp_of(struct sim *s, uint32_t wq)
{
	/* mainline before 2026: one completion for the only wq_ctx, 0 */
	return &s->comp[has_global_mutex(s) ? 0 : wq % MAX_QUEUES];
}

/* Virtual time: the action queue and the trace events (det_engine.c) */
bool sim_action_less(const void *a, const void *b);
void sim_sched_in(struct sim *s, uint64_t delay, enum act act, int thr, uint32_t arg);
void sim_ev_request(struct sim *s, int ti, uint64_t smc_id, int nargs, uint64_t arg0);
void sim_ev_wq(struct sim *s, int ti, enum scmwq_ev_type type, uint32_t wq, uint32_t ctx);
void sim_ev_resume(struct sim *s, int ti, uint32_t ctx);
void sim_ev_getwq(struct sim *s, uint32_t wq, uint32_t flags, uint32_t more);
void sim_ev_done(struct sim *s, int ti, uint64_t smc_id, int ret, uint64_t res0);

/* The truth: faults and the findings they cause (det_truth.c) */
uint64_t sim_call_from(const struct sthr *t);
uint64_t sim_calls_in_progress(struct sim *s, uint64_t from);
void sim_happened(struct sim *s, enum scmwq_rule r, int ti, uint64_t ts, bool wq,
		  uint32_t wq_ctx, bool has_ctx, uint32_t ctx, const char *detail);

/* Kernel completions (det_comp.c) */
void sim_comp_wait(struct sim *s, struct comp *c, int ti);
void sim_complete_one(struct sim *s, uint32_t wq);
void sim_complete_all(struct sim *s, uint32_t wq, bool reinit);

/* Firmware's wait-queues: parked calls, pending wakes (det_fwq.c) */
void sim_raise_irq(struct sim *s);
void sim_push_pending(struct sim *s, uint32_t wq, uint32_t flags, enum scmwq_rule fault,
		      bool wake_path);
struct pending sim_pop_pending(struct sim *s, int i);
void sim_drop_pending(struct sim *s);
bool sim_pending_for(struct sim *s, uint32_t wq);
int sim_release_first(struct sim *s, uint32_t wq);
void sim_schedule_release(struct sim *s, uint32_t wq, uint64_t delay);
void sim_unpark(struct sim *s, int ti);
int sim_eligible(struct sim *s, uint32_t wq);
int sim_other_parked(struct sim *s, uint32_t wq);

/* Firmware's decisions (det_fw.c) */
enum resp sim_firmware(struct sim *s, int ti);
void sim_fw_release(struct sim *s, uint32_t wq);
void sim_fw_fallback(struct sim *s);

/* The driver's client threads and heartbeat (det_client.c) */
void sim_a_call(struct sim *s, int ti);
void sim_a_enter(struct sim *s, int ti);
void sim_a_resp(struct sim *s, int ti);
void sim_a_woken(struct sim *s, int ti);
void sim_a_retry(struct sim *s, int ti);
void sim_a_ack(struct sim *s, int ti);
void sim_a_heartbeat(struct sim *s, uint32_t phase);

/* The driver's waitq IRQ thread (det_irq.c) */
void sim_a_irq(struct sim *s);
void sim_a_drain(struct sim *s, uint32_t phase);

/* Fault injection (det_faults.c) */
void sim_faults_init(struct sim *s);
void sim_faults_arm_due(struct sim *s);
int sim_faults_give_up(struct sim *s);

#endif /* SCMWQ_LIB_SIM_DET_H */
