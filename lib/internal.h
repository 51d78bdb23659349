/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of libscmwq, shared between lib/ files and the unit
 * tests.  Not installed.
 */
#ifndef SCMWQ_INTERNAL_H
#define SCMWQ_INTERNAL_H

#include "scmwq.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct scmwq_source_ops {
	const char *name;	/* "text", "trace.dat" */
	int (*next)(struct scmwq_source *src, struct scmwq_event *ev, struct scmwq_error *err);
	void (*free)(struct scmwq_source *src);
};

struct scmwq_source {
	const struct scmwq_source_ops *ops;
	char *path;			/* as given; "-" for stdin */
	const char *display;		/* for messages: path or "<stdin>" */
	enum scmwq_source_format fmt;
	enum scmwq_system sys;		/* from header/formats, or UNKNOWN */
	uint64_t malformed;
	uint64_t lost;
	int cpus;			/* from the header or file; 0: unknown */
	bool losses_in_order;		/* each loss reported before the events after its start */
	scmwq_diag_fn diag;
	void *diag_arg;
	void *priv;			/* the backend's state */
};

/* Report one malformed line through the diag callback and count it. */
void scmwq_source_diag(struct scmwq_source *src, uint64_t line, const char *what);

/* ------------------------------------------------------------------ */
/* ftrace text (lib/text.c)                                            */

/*
 * Open a text source on @fp (already open; the source owns it and closes
 * it).  @head/@head_len are bytes already read from @fp by the detector,
 * to be parsed first.  Fails with SCMWQ_E_DATA if the start of the
 * content does not look like ftrace text.
 */
int scmwq_text_open(struct scmwq_source *src, FILE *fp, const char *head, size_t head_len,
		    struct scmwq_error *err);

enum scmwq_line_kind {
	SCMWQ_LINE_EVENT = 0,	/* an SCM or sched event: @ev filled */
	SCMWQ_LINE_SKIP,	/* comment, blank, header, some other event */
	SCMWQ_LINE_LOST,	/* a loss marker: @ev is an SCMWQ_EV_LOST */
	SCMWQ_LINE_MALFORMED,	/* *why says what was expected */
};

#define SCMWQ_TEXT_CPUS	512	/* CPUs whose last line's time is kept */

/* Per-file parsing state (header seen, flag width, units...). */
struct scmwq_text_ctx {
	bool seen_header;	/* "# tracer:" or "cpus=" */
	bool report_layout;	/* trace-cmd report output */
	int cpus;
	uint64_t entries_in_buffer, entries_written;
	uint64_t last_ts;	/* of the last event line: loss markers have none */
	int flag_width;		/* flags column width from the header; 0: unknown */
	/*
	 * The time of each CPU's last line (0: none yet, or a CPU beyond the
	 * table): a loss marker's gap begins there.
	 */
	uint64_t cpu_ts[SCMWQ_TEXT_CPUS];
};

/**
 * scmwq_text_parse_line - parse one line of ftrace text (no newline)
 * @ctx: per-file state, zero-initialised before the first line
 * @line: the line, NUL-terminated
 * @ev: filled for SCMWQ_LINE_EVENT and SCMWQ_LINE_LOST
 * @why: for SCMWQ_LINE_MALFORMED, set to a static description of what was
 *       expected
 */
enum scmwq_line_kind scmwq_text_parse_line(struct scmwq_text_ctx *ctx, const char *line,
					   struct scmwq_event *ev, const char **why);

/* ------------------------------------------------------------------ */
/* The model's hooks for the call tracker (lib/model.c)                */

/*
 * Called when the model makes a verdict, before it is held for its
 * evidence (it is released, maybe inconclusive, through the finding
 * callback later): the call tracker attaches it to the calls still open.
 */
void scmwq_model_set_decided_hook(struct scmwq_model *m, scmwq_finding_fn fn, void *arg);
/* Findings held for their evidence now. */
size_t scmwq_model_held(const struct scmwq_model *m);

/* ------------------------------------------------------------------ */
/* Vendor scm_smc_request arguments (lib/vendor_args.c)                */

/*
 * Parse " x2:(hex:0xH decimal:D) x3:(...)..." (at most @len bytes, up to a
 * NUL): the argument text the vendor kernel prints after args_cnt and
 * keeps in the string field `out`.  args[0] is x2.  @expect: args_cnt, or
 * -1.  Returns the number of arguments listed (only the first
 * SCMWQ_MAX_ARGS are stored), or -1 with *@why saying what was expected.
 */
int scmwq_vendor_args_parse(const char *s, size_t len, int expect, uint64_t *args,
			    const char **why);

/* ------------------------------------------------------------------ */
/* trace.dat (lib/tdat.c)                                              */

/*
 * Open a trace.dat source.  @fd is open on the file (owned by the source
 * from here on; for standard input it may be a spooled temporary file).
 */
int scmwq_tdat_open(struct scmwq_source *src, int fd, struct scmwq_error *err);

/* The first bytes of every trace.dat file. */
#define SCMWQ_TDAT_MAGIC	"\027\010\104tracing"
#define SCMWQ_TDAT_MAGIC_LEN	10

/* ------------------------------------------------------------------ */
/* Probe points (lib/probes.c) -- block added by the trace.dat/probes  */
/* developer.                                                          */

/*
 * Real functions named after the tracepoints, with the tracepoint's fields
 * as arguments in order: uprobe events named after the tracepoints sit on
 * them (tests/gen/record-uprobe.sh), and the scenario player and the
 * simulator call them where the driver would emit the event.  Never
 * inlined nor elided.
 */
void scm_smc_request(uint64_t smc_id, uint8_t svc_id, uint8_t cmd_id, uint8_t args_cnt,
		     uint64_t arg0, uint64_t arg1);
void scm_waitq_sleep(uint32_t wq_ctx, uint32_t smc_call_ctx);
void scm_waitq_resume(uint32_t smc_call_ctx);
void scm_waitq_get_wq_ctx(uint32_t wq_ctx, uint32_t flags, uint32_t more_pending);
void scm_waitq_wake_ack(uint32_t wq_ctx, uint32_t smc_call_ctx);
void scm_smc_done(int ret, uint64_t smc_id, uint64_t res, uint64_t res0, uint64_t res1,
		  uint64_t res2);

/* ------------------------------------------------------------------ */
/* end of the probe-point block                                        */

/* ------------------------------------------------------------------ */
/* Simulation internals (lib/sim.c, lib/sim_live.c, lib/simtruth.c)    */

/* One fault that happened, or one finding replay must report. */
struct scmwq_truth_item {
	enum scmwq_rule rule;
	uint64_t ts_ns;
	int pid;
	char comm[SCMWQ_COMM_LEN];
	bool has_wq_ctx, has_ctx;
	uint32_t wq_ctx, smc_call_ctx;
	char detail[200];	/* faults: the mechanism, in a sentence */
	/*
	 * Findings: the span of the trace the verdict rests on, as the
	 * simulator knows it: from the first scm_smc_request of the earliest
	 * call involved to where the verdict is decided (replay's default
	 * --grace, --stall and --skew); SCMWQ_TRUTH_TO_END: the end of the
	 * trace (a sleeper that never resumes).
	 */
	uint64_t evidence_start_ns, evidence_end_ns;
};

#define SCMWQ_TRUTH_TO_END UINT64_MAX
/* How long a verdict at an event waits for events of other CPUs (replay's --skew). */
#define SCMWQ_TRUTH_SKEW_NS (20ULL * 1000)

struct scmwq_truth {
	int n_faults, n_findings;
	struct scmwq_truth_item faults[SCMWQ_SIM_MAX_INJECT];
	struct scmwq_truth_item findings[4 * SCMWQ_SIM_MAX_INJECT];
};

/* Add a fault or an expected finding (silently dropped when full). */
struct scmwq_truth_item *scmwq_truth_fault(struct scmwq_truth *t, enum scmwq_rule rule);
struct scmwq_truth_item *scmwq_truth_finding(struct scmwq_truth *t, enum scmwq_rule rule);

/* Write the truth JSON document (see scmwq-trace-simulate(1)). */
int scmwq_truth_write(FILE *out, const struct scmwq_truth *t, const struct scmwq_sim_opts *o,
		      const struct scmwq_sim_result *res);

/* The live engine (lib/sim_live.c): same contract as scmwq_sim_run(). */
int scmwq_sim_live_run(const struct scmwq_sim_opts *opts, struct scmwq_sim_result *res,
		       struct scmwq_error *err);

/* ------------------------------------------------------------------ */
/* Threads by pid (lib/pidmap.c)                                       */

/*
 * An intrusive hash of structs keyed by pid: each node has a `struct X
 * *hnext` link and an `int pid`; the map knows where they are.  The model,
 * the call tracker and the timeline keep their threads in one.
 */
struct scmwq_pidmap {
	void **hash;
	size_t cap, count;
	size_t next_off, pid_off;
};

#define SCMWQ_PIDMAP_OF(type) \
	{ .next_off = offsetof(type, hnext), .pid_off = offsetof(type, pid) }

/* Allocate the table (a power of two); -1 when out of memory. */
int scmwq_pidmap_init(struct scmwq_pidmap *m, size_t cap);

static inline size_t scmwq_pidmap_slot(int pid, size_t cap)
{
	return ((uint32_t)pid * 2654435761u) & (cap - 1);
}

/* Inline: every event looks its thread up. */
static inline void *scmwq_pidmap_find(const struct scmwq_pidmap *m, int pid)
{
	if (!m->cap)
		return NULL;
	for (void *n = m->hash[scmwq_pidmap_slot(pid, m->cap)]; n;
	     n = *(void **)((char *)n + m->next_off))
		if (*(const int *)((const char *)n + m->pid_off) == pid)
			return n;
	return NULL;
}

/* Link a new node (its pid set); grows the table when half full.  -1: no table. */
int scmwq_pidmap_add(struct scmwq_pidmap *m, void *node);
/* Unlink and free() every node @drop says yes to. */
void scmwq_pidmap_prune(struct scmwq_pidmap *m, bool (*drop)(void *node, void *arg), void *arg);
/* free() every node and the table. */
void scmwq_pidmap_free(struct scmwq_pidmap *m);

/* Every node of @map in @var (a pointer to the node type). */
#define scmwq_pidmap_for_each(map, var)						\
	for (size_t _pm_i = 0; _pm_i < (map)->cap; _pm_i++)			\
		for ((var) = (map)->hash[_pm_i]; (var); (var) = (var)->hnext)

/* ------------------------------------------------------------------ */
/* A binary min-heap of fixed-size elements (lib/heap.c)               */

/*
 * The simulator's actions and the trace.dat reader's per-CPU cursors.
 * Ties are left in the order the sift rules give, the same for the same
 * sequence of operations.  (The model keeps its own timer heap with an
 * inline compare: it runs on replay's per-event path, where the indirect
 * compare of this one cost 7% of replay's time.)
 */
struct scmwq_heap {
	char *v;		/* cap + 1 elements: the last is scratch */
	size_t n, cap, size;
	bool (*less)(const void *a, const void *b);
};

void scmwq_heap_init(struct scmwq_heap *h, size_t size, bool (*less)(const void *a, const void *b));
/* -1 when out of memory */
int scmwq_heap_push(struct scmwq_heap *h, const void *elem);
/* The least element; NULL when empty. */
void *scmwq_heap_top(const struct scmwq_heap *h);
/* Remove the least element, copying it to @out unless NULL. */
void scmwq_heap_pop(struct scmwq_heap *h, void *out);
/* The top element was changed in place: restore the order. */
void scmwq_heap_fix_top(struct scmwq_heap *h);
void *scmwq_heap_at(const struct scmwq_heap *h, size_t i);
void scmwq_heap_free(struct scmwq_heap *h);

#endif /* SCMWQ_INTERNAL_H */
