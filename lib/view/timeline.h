/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of the timeline writers (lib/timeline*.c): the
 * threads and lanes found by the first pass, the calls as the second pass
 * hands them on, and the writer operations.  Not installed.
 */
#ifndef SCMWQ_TIMELINE_INT_H
#define SCMWQ_TIMELINE_INT_H

#include <scmwq/report.h>
#include <scmwq/timeline.h>

#include "base/base.h"

#define TL_MAX_LANES	48	/* lanes drawn; more threads share an "others" lane */
#define TL_WAKES_KEPT	4	/* chrome-json: waker slices remembered per thread */

struct tl_thread {
	struct tl_thread *hnext;
	int pid;
	char comm[SCMWQ_COMM_LEN];
	uint64_t first_ts;
	uint64_t events;	/* SCM events (first pass) */
	bool irq;		/* issues GET_WQ_CTX: the wait-queue IRQ thread */
	bool calls;		/* makes calls of its own */
	bool in_call;		/* first pass: inside a call (for --time) */
	bool in_window;		/* first pass: shows in the --time window */
	int lane;		/* row drawn in; -1: none */
	bool named;		/* perfetto, chrome-json: its name is written */
	struct scmwq_call_rec *pending;	/* a call that ended with no scm_smc_done */
	uint64_t wake_ts[TL_WAKES_KEPT];	/* chrome-json: waker slices written */
	int wake_i;
};

struct tl_thread *tl_thread_find(const struct scmwq_pidmap *threads, int pid);
struct tl_thread *tl_thread_get(struct scmwq_pidmap *threads, int pid);

struct tl_lane {
	int pid;		/* -1: the lane of the other threads */
	char label[48];		/* "comm-pid" */
	bool irq;
	unsigned int threads;	/* threads drawn in it */
};

/* A call ready to draw. */
struct tl_call {
	const struct scmwq_call_rec *rec;
	uint64_t end_ns;	/* scm_smc_done, or where it is taken to end */
	bool open;		/* no scm_smc_done: still running at the end of the trace */
	bool abandoned;		/* no scm_smc_done: the thread began another call */
	int lane;		/* -1: not drawn in a lane (perfetto) */
};

struct tl;

struct tl_ops {
	bool two_pass;		/* needs the lanes and the time range first */
	int (*begin)(struct tl *t, struct scmwq_error *err);
	void (*call)(struct tl *t, const struct tl_call *c);
	void (*finding)(struct tl *t, const struct scmwq_finding *f);
	/* @failed: reading stopped on an error; the picture is still closed */
	int (*end)(struct tl *t, bool failed, struct scmwq_error *err);
	void (*free)(struct tl *t);
};

/* How long one lane spent in each state within one column (pixel, cell). */
struct tl;

/* A finding as the pictures list it under the legend. */
struct tl_listed {
	uint64_t ts;
	enum scmwq_severity sev;
	bool inconclusive;
	enum scmwq_rule rule;
	char who[48];
	char msg[400];
};

void tl_listed_set(struct tl_listed *l, const struct scmwq_finding *f);

enum tl_kind { TL_FW, TL_SLEEP, TL_WOKEN };

struct tl_occ {
	float fw, sl, wk;	/* ns in firmware, asleep, woken */
	float ctx_ns;		/* the longest sleep piece in it... */
	uint32_t ctx;		/* ...and its wq_ctx */
};

/*
 * Spread [from, to) of state @k, clipped to the drawn range, over the
 * columns of one lane: @col gives a time's column, @at a column's tally;
 * column c covers [t0 + c * col_ns, t0 + (c + 1) * col_ns).  A zero-length
 * piece counts as @zero ns in its column.
 */
void tl_occ_add(struct tl *t, int (*col)(struct tl *t, uint64_t ts),
		struct tl_occ *(*at)(struct tl *t, int col), double col_ns, uint64_t from,
		uint64_t to, enum tl_kind k, uint32_t ctx, float zero);

struct tl {
	const struct scmwq_timeline_opts *o;
	struct scmwq_timeline_result *res;
	const struct tl_ops *ops;
	void *priv;
	FILE *out;
	const char *title;	/* the input's name */
	struct scmwq_pidmap threads;	/* struct tl_thread by pid */
	/* first pass */
	struct tl_lane *lanes;
	int nlanes;
	int others;		/* the lane of the other threads, or -1 */
	uint64_t first_ts, last_ts;	/* of the trace's SCM events */
	uint64_t t0, t1;	/* the time drawn (first/last ts, or --time) */
	bool empty;		/* no SCM event (in the window) */
	/* second pass */
	uint64_t seen_max;	/* the latest time any call or finding mentions */
	uint64_t errors, warnings, infos;	/* findings handed on */
	struct scmwq_replay_result replay;
	bool oom;
};

extern const struct tl_ops tl_ascii_ops;
extern const struct tl_ops tl_svg_ops;
extern const struct tl_ops tl_perfetto_ops;
extern const struct tl_ops tl_chrome_ops;

/* The last time a call mentions (its end if it has one). */
uint64_t tl_call_last(const struct scmwq_call_rec *r);
/* "comm-pid", with "<...>" for an unknown comm. */
void tl_thread_label(char *buf, size_t len, const char *comm, int pid);
/*
 * For writers that name each thread once (perfetto, chrome-json): the
 * thread @pid to name now, its comm taken from @comm if not known yet;
 * NULL when it is named already, its comm is not known yet (named at the
 * end by tl_threads_name_rest()), @pid < 0, or out of memory (t->oom).
 */
struct tl_thread *tl_thread_to_name(struct tl *t, int pid, const char *comm);
/* Name, with @name, the threads whose comm never showed, as "<...>". */
void tl_threads_name_rest(struct tl *t, void (*name)(struct tl *t, int pid, const char *comm));
/*
 * @mark for finding @f on its thread, then on each other thread it names
 * (@named set): perfetto and chrome-json show it on all of them.
 */
void tl_finding_each(struct tl *t, const struct scmwq_finding *f,
		     void (*mark)(struct tl *t, const struct scmwq_finding *f, int pid, bool named));
/* The lane of @pid, or -1. */
int tl_lane_of(const struct tl *t, int pid);

/*
 * A time axis: a 1-2-5 step for about @max_ticks ticks over @span_ns, and
 * the unit to print it in.
 */
struct tl_axis {
	uint64_t step;		/* ns between ticks */
	uint64_t unit;		/* 1, 1000, 1000000 or 1000000000 */
	const char *uname;	/* "ns", "us", "ms", "s" */
};

void tl_axis_pick(struct tl_axis *ax, uint64_t span_ns, unsigned int max_ticks);
/* A tick's label: @ns in the axis unit, shortest form ("0", "2.5", "100"). */
void tl_axis_label(const struct tl_axis *ax, uint64_t ns, char *buf, size_t len);
/* A duration for people: "850 ns", "12.4 us", "3.20 ms", "1.100 s". */
void tl_fmt_dur(char *buf, size_t len, uint64_t ns, bool ascii);
/* The wq_ctx digit of the ascii picture: 0-9 a-z, then '#'. */
char tl_ctx_char(uint32_t wq_ctx);

#endif
