/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loss variants of a trace, for the loss matrix (tests/unit/test_lossmatrix.c): a
 * trace held in memory as its events (and, for ftrace text, its lines),
 * a variant that removes runs of one CPU's events, and writers that put
 * the variant down as the kernel would have written it, with the kernel's
 * loss markers where the kernel puts them.
 *
 * Where a loss shows (traces.md section 3, replay.md section 1): the ring
 * buffer reports dropped events when it hands out that CPU's next event,
 * so the marker comes after the gap, right before that CPU's next event
 * (after the events of other CPUs that happened meanwhile).  A run with
 * no later event on its CPU would never be reported; variants have none.
 */
#ifndef SCMWQ_LOSSVAR_H
#define SCMWQ_LOSSVAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scmwq.h"

#define LV_MAX_CPUS	16
#define LV_MAX_LOSSES	4

/* A trace in memory: its events in order, and the text it was read from. */
struct lv_trace {
	enum scmwq_system sys;		/* print format of the text */
	int ncpus;			/* 1 + the highest CPU with events */
	size_t n;			/* events */
	struct scmwq_event *ev;
	const char *text;		/* the ftrace text (not owned) */
	size_t *line_off;		/* offset of each event's line in @text */
	size_t *line_len;		/* its length, without the newline */
	size_t header_len;		/* bytes of comment lines before the first event */
	size_t cpu_n[LV_MAX_CPUS];	/* events per CPU */
	size_t *cpu_ev[LV_MAX_CPUS];	/* per CPU: indexes into @ev, in order */
};

/*
 * Read ftrace text (@text, @len bytes, kept by the caller) into @t with
 * the library's text source: every line must be an event or a comment.
 * Returns 0, or -1 with @err set.
 */
int lv_trace_read(struct lv_trace *t, const char *text, size_t len, struct scmwq_error *err);
void lv_trace_free(struct lv_trace *t);

/* The index of CPU @cpu's first event at or after @ts (cpu_n[cpu] when none). */
size_t lv_cpu_at(const struct lv_trace *t, int cpu, uint64_t ts);
/* The timestamp of CPU @cpu's @i-th event. */
uint64_t lv_cpu_ts(const struct lv_trace *t, int cpu, size_t i);

/*
 * One loss: events first .. first + count - 1 of CPU @cpu's sequence are
 * gone.  first == 0 is a cut start (that CPU's oldest events overwritten).
 */
struct lv_loss {
	int cpu;
	size_t first, count;
};

struct lv_variant {
	int n;
	struct lv_loss loss[LV_MAX_LOSSES];
	unsigned int salt;		/* varies what the writers may vary (trace.dat version) */
	char what[160];			/* how it was chosen, for messages */
};

/*
 * Add a loss of @count events of @cpu from @first, made valid: at least
 * one event lost, and at least one left after it on that CPU (else no
 * marker would ever show it); at most one loss per CPU.  Returns false
 * when no such loss fits (then @v is unchanged).
 */
bool lv_add_loss(const struct lv_trace *t, struct lv_variant *v, int cpu, size_t first,
		 size_t count);
/* Whether every loss of @v is a cut start. */
bool lv_only_cuts(const struct lv_variant *v);
/* Events the variant keeps. */
size_t lv_kept(const struct lv_trace *t, const struct lv_variant *v);

/*
 * The gap of a loss in trace time: from its CPU's previous kept event (0
 * for a cut start: the start of the trace) to its CPU's next kept event.
 */
void lv_gap(const struct lv_trace *t, const struct lv_loss *l, uint64_t *from, uint64_t *to);

/* What a variant is, in output order: kept events and loss markers. */
struct lv_item {
	enum { LV_EVENT, LV_LOST } kind;
	size_t idx;			/* LV_EVENT: index into t->ev */
	int cpu;			/* LV_LOST: the CPU, the count, and */
	uint64_t count;
	bool cut;			/* whether it is that CPU's cut start */
};

struct lv_iter {
	const struct lv_trace *t;
	const struct lv_variant *v;
	size_t i;
	int pending;			/* loss whose marker is due before event i, -1 none */
};

void lv_iter_init(struct lv_iter *it, const struct lv_trace *t, const struct lv_variant *v);
/* The next item; false at the end. */
bool lv_iter_next(struct lv_iter *it, struct lv_item *item);

/*
 * Writers: the variant as a complete trace in the file @path (created or
 * truncated).  Return 0, or -1 with @err set.
 */
struct lv_writer {
	const char *name;		/* "text", "trace.dat", "perfetto" */
	const char *ext;		/* file name extension */
	int (*write)(const struct lv_trace *t, const struct lv_variant *v, const char *path,
		     struct scmwq_error *err);
	/*
	 * The lost events whose count the file carries, for a source to
	 * report; NULL: all of them (the format counts every loss).
	 */
	uint64_t (*counted)(const struct lv_trace *t, const struct lv_variant *v);
	/*
	 * Gaps the file implies beyond the variant's own, [from, to] in trace
	 * time on every CPU (to UINT64_MAX: the end), into @gap (at most
	 * @max); returns how many, -1 when out of memory.  NULL: none.
	 */
	int (*gaps)(const struct lv_trace *t, const struct lv_variant *v, uint64_t (*gap)[2],
		    int max);
};

/*
 * ftrace text.  A variant of cut starts only is /sys/kernel/tracing/trace
 * after an overrun: the header's entries-in-buffer/entries-written is
 * kept/written, and "##### CPU N buffer started ####" precedes each CPU's
 * first line but the very first line of the output.  Any other variant is
 * trace_pipe: no header, "CPU:N [LOST M EVENTS]" before CPU N's next
 * event.  A variant with no loss is trace_pipe too.
 */
extern const struct lv_writer lv_writer_text;
/*
 * trace.dat, when tests/support/kdat.c is there: a loss makes its CPU's
 * next record start a new page flagged with missed events (with the
 * count), as the kernel does; NULL without it.
 */
extern const struct lv_writer *const lv_writer_tdat;
/*
 * Perfetto, as traced_probes records ftrace (tests/support/lossvar_perfetto.c):
 * a bundle per CPU per read cycle; a loss as lost_events on the bundle of
 * the CPU's next kept event (counted in FtraceStats' overrun), or, for the
 * losses lv_pf_dropped() picks, as a bundle Perfetto's own buffer lost:
 * only the next bundle's previous_bundle_end_timestamp shows it (and, for
 * some, previous_packet_dropped on the next packet), with no count.  A cut start likewise: lost_events, or a nonzero
 * previous_bundle_end_timestamp on the CPU's first bundle.
 */
extern const struct lv_writer lv_writer_perfetto;
/* Whether the Perfetto writer puts @v's loss @i down as a bundle Perfetto lost. */
bool lv_pf_dropped(const struct lv_variant *v, int i);

#endif
