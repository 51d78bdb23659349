/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live engine of the simulator, private to its files: its threads and
 * their shared state (the driver's lock and completions, firmware's
 * wait-queues, the faults, the output), and the steps the files share.
 *
 * Locking: a completion's lock may be held while the firmware lock or the
 * output lock is taken (a sleeper logs its sleep and tells firmware it is
 * asleep in one step with its enqueueing); nothing takes another lock while
 * it holds the firmware lock or the output lock.
 */
#ifndef SCMWQ_LIB_SIM_LIVE_H
#define SCMWQ_LIB_SIM_LIVE_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sim/sim.h"

#define NS_US	1000ULL
#define NS_MS	1000000ULL
#define NS_S	1000000000ULL

/* The firmware and driver models */
#define PARK_PCT	30		/* an original call finds its resource busy */
#define RESLEEP_PCT	10		/* a RESUME finds it busy again */
#define INTR_PCT	2		/* firmware answers INTERRUPTED */
#define RETWAKE_PCT	40		/* WAKE/ACK drivers: wake by a WAKE return */
#define HOLD_MIN	(100 * NS_US)	/* how long a resource stays busy */
#define HOLD_MAX	(2 * NS_MS)
#define RETWAKE_WAIT	(1 * NS_MS)	/* a WAKE return no call carried goes to the IRQ */
#define THINK_MIN	(20 * NS_US)	/* a client between two calls */
#define THINK_MAX	(300 * NS_US)
#define HEARTBEAT	(5 * NS_MS)
#define FW_TICK		(2 * NS_MS)	/* the firmware thread's longest nap */
#define SLICE		(20 * NS_MS)	/* blocking waits look for the end of the run */
#define N_CALL_IDS	8

/* Faults, and how long the trace goes on after one (replay's defaults) */
#define GRACE		(100 * NS_MS)	/* replay --grace */
#define LONG_HOLD	(1200 * NS_MS)	/* long-sleep: more than --stall (1 s) */
#define STRAND_KEEP	(1200 * NS_MS)	/* after a stranded sleep: more than --stall */
#define SLOW_MIN	(150 * NS_MS)	/* slow-resume: not scheduled again for more */
#define SLOW_MAX	(190 * NS_MS)	/* than --grace (100 ms) after its wake */
#define WAKE_ALL_KEEP	(250 * NS_MS)	/* after a WAKE_ALL: more than --grace */
#define WARM_TIME	(10 * NS_MS)
#define FAULT_GIVE_UP	(10 * NS_S)	/* an armed fault that cannot be arranged */
#define DRAIN_MAX	(5 * NS_S)	/* the calls in progress at the end */
#define MAX_GROUP	8

#define SMC_CALL_BASE	0x42000601ULL
#define SMC_HEARTBEAT	0xc2000a01ULL
#define FW_IRQ		41

enum fkind { FK_NONE = 0, FK_WAKE_ALL, FK_LONG, FK_STRAND, FK_SLOW };
enum fstate { FS_PENDING = 0, FS_ARMED, FS_HAPPENED, FS_SETTLED, FS_ABANDONED };
enum cstate { CS_IDLE = 0, CS_LOCK_WAIT, CS_IN_CALL, CS_EXITED };
enum fw_op { OP_CALL, OP_REENTER, OP_RESUME, OP_ACK };
enum body { BODY_CALL, BODY_RESUME };

struct live;

/* A kernel completion: done, and a FIFO of waiters (swait). */
struct waiter {
	struct waiter *next;
	pthread_cond_t cond;
	bool queued;
};

struct completion {
	pthread_mutex_t lock;
	unsigned int done;
	struct waiter *head, *tail;
};

struct lthread {
	struct live *L;
	int idx;
	pthread_t th;
	bool running;
	atomic_int tid;
	char comm[16];
	uint64_t rng;
	struct waiter w;
	atomic_int state;		/* enum cstate */
	atomic_bool stuck;		/* blocked for good by a fault */

	/* the current call as firmware sees it (fw_lock) */
	uint32_t ctx, wq;
	enum body body;			/* what an ACK completes */
	bool asleep;			/* on its wq's list */
	bool woken;			/* a wake for it is on its way */
	uint64_t deadline;		/* its resource frees */
	enum fkind fault;
	uint64_t group_resume;		/* WAKE_ALL member: its resume, 0 none */
	struct lthread *fnext;		/* next sleeper on the same wq */
	/* (fw_lock) its call's evidence begins: its previous scm_smc_done, or its first request */
	uint64_t call_from, prev_done;
};

/* One wait-queue: the driver's completion and firmware's side of it. */
struct fwq {
	struct completion comp;
	struct lthread *head;		/* asleep, in the order they slept (fw_lock) */
	unsigned int parking;		/* parked, not yet asleep */
	unsigned int inflight;		/* woken, not yet resumed */
	unsigned int gather;		/* wake-all-partial: calls still to park here */
	bool gathering;
	bool exclusive;			/* a fault's call owns it: no other parks */
	bool retired;			/* never parked on or woken again */
};

struct wake {
	uint32_t wq, flags;
	uint64_t deadline;		/* WAKE returns: when it goes to the IRQ */
};

struct lfault {
	enum fkind kind;
	enum scmwq_rule rule;
	enum fstate st;
	uint64_t armed_at;
	uint64_t ts;			/* the sleep, or the WAKE_ALL */
	uint64_t until;			/* the trace goes on to here */
	bool ended;			/* long-sleep: the sleeper resumed */
	bool fired;			/* WAKE_ALL queued */
	bool has_wq;
	int pid;
	char comm[SCMWQ_COMM_LEN];
	uint32_t wq, ctx;
	struct lthread *target;
	int n_group, n_lost;
	struct lthread *group[MAX_GROUP];
	/* the truth's evidence span (simtruth.c); end 0: the end of the trace */
	uint64_t ev_start, ev_end;
};

struct live {
	const struct scmwq_sim_opts *o;
	enum scmwq_driver drv;
	enum scmwq_system sys;
	bool mainline;			/* global mutex, 0x1 re-entry, no WAKE/ACK */
	bool wake_ack;			/* vendor, draft-2022 */
	unsigned int nq, nclients, group_n;
	uint64_t warm_calls;
	uint64_t t0;

	/* output */
	pthread_mutex_t out_lock;
	FILE *fp;
	bool tmp, closed, werr;
	uint64_t events, sleeps, wakes, last_ts;

	/* the driver's lock: a mutex (capacity 1) or a semaphore */
	pthread_mutex_t drv_lock;
	pthread_cond_t drv_cond;
	unsigned int drv_free;

	/* firmware */
	pthread_mutex_t fw_lock;
	pthread_cond_t fw_cond, irq_cond;
	uint64_t fw_rng;
	uint32_t next_ctx;
	struct fwq *wqs;
	struct wake *irq_q, *ret_q;
	unsigned int irq_n, ret_n, qcap;
	struct lfault faults[3];
	int nfaults, cur;

	atomic_bool go, need_calls, stop_calls, stop_aux, abort;
	atomic_uint_fast64_t calls_done;

	struct lthread *cl;
	struct lthread irq, fw, hb;
};

struct fwret {
	int ret;
	uint32_t wq, ctx, flags;
};

/* Time, randomness, waiting */

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_S + (uint64_t)ts.tv_nsec;
}

static inline void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / NS_S), (long)(ns % NS_S) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static inline uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* in [lo, hi) */
static inline uint64_t rng_range(uint64_t *s, uint64_t lo, uint64_t hi)
{
	return hi > lo ? lo + rng_next(s) % (hi - lo) : lo;
}

static inline bool rng_pct(uint64_t *s, unsigned int pct)
{
	return rng_next(s) % 100 < pct;
}

static inline int cond_init(pthread_cond_t *c)
{
	pthread_condattr_t a;
	int r;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	r = pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
	return r;
}

/* Wait on @c until @deadline (CLOCK_MONOTONIC ns) at most. */
static inline void cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline)
{
	struct timespec ts = { (time_t)(deadline / NS_S), (long)(deadline % NS_S) };

	pthread_cond_timedwait(c, m, &ts);
}

/* Wait on @c for a while: the caller re-checks its condition and the end. */
static inline void cond_wait_slice(pthread_cond_t *c, pthread_mutex_t *m)
{
	cond_wait_until(c, m, now_ns() + SLICE);
}

/* The fault in progress, or NULL (fw_lock) */
static inline struct lfault *cur_fault(struct live *L)
{
	return L->cur < L->nfaults ? &L->faults[L->cur] : NULL;
}

/* Every thread of the run: its pid and its name (the comm of its events). */
static inline void thread_start(struct lthread *t)
{
	atomic_store(&t->tid, (int)syscall(SYS_gettid));
	pthread_setname_np(pthread_self(), t->comm);
}

/* Kernel completions (live_comp.c) */
void live_comp_enqueue(struct completion *x, struct waiter *w);
void live_comp_remove(struct completion *x, struct waiter *w);
void live_comp_complete(struct completion *x);
void live_comp_complete_all(struct completion *x);
void live_comp_reinit(struct completion *x);

/* Events, each timestamped under the output lock (live_events.c); 0: output closed */
uint64_t live_ev_request(struct lthread *t, uint64_t id, unsigned int nargs, uint64_t a0,
			 uint64_t a1);
uint64_t live_ev_done(struct lthread *t, uint64_t id, int ret, uint64_t res0, uint64_t res1);
uint64_t live_ev_wq(struct lthread *t, enum scmwq_ev_type type, uint32_t wq, uint32_t ctx);
uint64_t live_ev_resume(struct lthread *t, uint32_t ctx);
uint64_t live_ev_get_wq_ctx(struct lthread *t, uint32_t wq, uint32_t flags, uint32_t more);

/* Firmware's wait-queues and queued wakes (live_fwq.c; fw_lock held) */
void live_wake_push(struct live *L, bool irq, uint32_t wq, uint32_t flags, uint64_t deadline);
struct wake live_wake_pop(struct live *L, bool irq);
bool live_wq_parkable(const struct fwq *q);
int live_wq_pick_empty(struct live *L);
void live_wq_append(struct fwq *q, struct lthread *c);
void live_wq_unlink(struct fwq *q, struct lthread *c);

/* Firmware (live_fw.c) */
struct fwret live_fw_enter(struct live *L, struct lthread *c, enum fw_op op, uint64_t ts);
void live_fw_asleep(struct live *L, struct lthread *c, uint64_t ts);
void live_fault_record(struct lfault *f, struct lthread *t, uint64_t ts, uint32_t wq,
		       uint32_t ctx);
void *live_fw_main(void *arg);

/* The threads of the driver model (live_irq.c, live_client.c) */
void *live_irq_main(void *arg);
void *live_client_main(void *arg);
void *live_hb_main(void *arg);

/* Fault injection and its truth (live_faults.c) */
int live_setup_faults(struct live *L, struct scmwq_error *err);
bool live_faults_tick(struct live *L, uint64_t now, bool stopping);
bool live_fault_needs_calls(struct live *L);
void live_make_truth(struct live *L, struct scmwq_truth *truth, struct scmwq_sim_result *res);

#endif /* SCMWQ_LIB_SIM_LIVE_H */
