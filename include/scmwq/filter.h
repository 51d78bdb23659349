/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of lib/view/filter*.c: which calls, sleeps and findings
 * replay, report and timeline show (--cpu, --pid, --comm, --wq-ctx, --time
 * and report's --min-wait), parsed and matched the same for all three.
 *
 * A filter selects what is shown; it never changes what the model sees:
 * every event still goes through the model, so that a wake on a CPU or a
 * thread left out cannot turn into a lost wakeup.
 */
#ifndef SCMWQ_FILTER_H
#define SCMWQ_FILTER_H

#include <scmwq/calls.h>
#include <scmwq/source.h>

#define SCMWQ_FILTER_MAX_PIDS	64
#define SCMWQ_FILTER_MAX_COMMS	16
#define SCMWQ_FILTER_MAX_WQ	64
#define SCMWQ_FILTER_MAX_RANGES	16

/**
 * enum scmwq_time_base - what the times of a --time side count from
 * @SCMWQ_TIME_ABS: seconds of the trace's clock, as replay prints them
 * @SCMWQ_TIME_REL: seconds after the trace's first event ("+1.5")
 * @SCMWQ_TIME_PCT: percent of the trace's span, first to last event
 */
enum scmwq_time_base {
	SCMWQ_TIME_ABS = 0,
	SCMWQ_TIME_REL,
	SCMWQ_TIME_PCT,
};

/**
 * struct scmwq_time_range - one window of --time
 * @has_start: it has a start (else: from the beginning)
 * @has_end: it has an end (else: to the end)
 * @start_base: what @start counts from
 * @end_base: what @end counts from
 * @start: seconds (ns for SCMWQ_TIME_ABS and SCMWQ_TIME_REL) or
 *         millionths of a percent (SCMWQ_TIME_PCT), as given
 * @end: the same for the end
 * @start_ns: the start on the trace's clock, once resolved
 * @end_ns: the end on the trace's clock, once resolved (inclusive)
 */
struct scmwq_time_range {
	bool has_start, has_end;
	enum scmwq_time_base start_base, end_base;
	uint64_t start, end;
	uint64_t start_ns, end_ns;
};

/**
 * struct scmwq_filter - which calls, sleeps and findings are shown
 * @has_cpus: @cpus is set
 * @cpus: --cpu: a bit per CPU (0 to SCMWQ_MAX_CPUS - 1)
 * @n_pids: how many of @pids are set
 * @pids: --pid: these threads
 * @n_comms: how many of @comms are set
 * @comms: --comm: threads whose name matches one of these fnmatch(3)
 *         patterns
 * @n_wq: how many of @wq are set
 * @wq: --wq-ctx: these wait-queues; a call's sleeps on others are hidden
 * @n_ranges: windows in @ranges (0: no --time)
 * @ranges: --time: calls that overlap, findings made inside, one of these
 * @resolved: @ranges' start_ns and end_ns are set (always, when every side
 *            is absolute)
 * @min_wait_ns: report's --min-wait: calls with a sleep that waited at
 *               least this long (a sleep never woken counts); 0: all
 *
 * All lists empty and no time or wait set: everything.
 */
struct scmwq_filter {
	bool has_cpus;
	uint64_t cpus[SCMWQ_MAX_CPUS / 64];
	int n_pids;
	int pids[SCMWQ_FILTER_MAX_PIDS];
	int n_comms;
	char comms[SCMWQ_FILTER_MAX_COMMS][SCMWQ_COMM_LEN];
	int n_wq;
	uint32_t wq[SCMWQ_FILTER_MAX_WQ];
	int n_ranges;
	struct scmwq_time_range ranges[SCMWQ_FILTER_MAX_RANGES];
	bool resolved;
	uint64_t min_wait_ns;
};

/**
 * scmwq_filter_add_cpus() - add the value of --cpu to a filter
 * @f: the filter
 * @s: "CPU[,CPU...]" where each item is a CPU or a range "FIRST-LAST"
 *     (perf's syntax: "0,2-3"), CPUs from 0 to SCMWQ_MAX_CPUS - 1
 *
 * Return: 0, or -1 for a malformed value (the items before the bad one
 * stay added).
 */
int scmwq_filter_add_cpus(struct scmwq_filter *f, const char *s);
/**
 * scmwq_filter_add_pids() - add the value of --pid to a filter
 * @f: the filter
 * @s: "PID[,PID...]", each in C syntax (decimal, 0x hex, 0 octal)
 *
 * Return: 0, or -1 for a malformed value or a full list (the items before
 * the bad one stay added).
 */
int scmwq_filter_add_pids(struct scmwq_filter *f, const char *s);
/**
 * scmwq_filter_add_comms() - add the value of --comm to a filter
 * @f: the filter
 * @s: "NAME[,NAME...]", each a fnmatch(3) pattern shorter than
 *     SCMWQ_COMM_LEN
 *
 * Return: 0, or -1 for a malformed value or a full list (the items before
 * the bad one stay added).
 */
int scmwq_filter_add_comms(struct scmwq_filter *f, const char *s);
/**
 * scmwq_filter_add_wq() - add the value of --wq-ctx to a filter
 * @f: the filter
 * @s: "N[,N...]", each 32-bit, in C syntax (decimal, 0x hex, 0 octal)
 *
 * Return: 0, or -1 for a malformed value or a full list (the items before
 * the bad one stay added).
 */
int scmwq_filter_add_wq(struct scmwq_filter *f, const char *s);
/**
 * scmwq_filter_set_time() - set the windows of --time in a filter
 * @f: the filter
 * @s: the value, in perf script's syntax (a subset):
 *     "START,STOP": seconds with up to 9 decimals, either side may be
 *     empty ("100.5,", ",200") and "START" alone has no end; a side
 *     written "+S" is S seconds after the trace's first event;
 *     "A%-B%[,C%-D%...]": from A to B percent of the trace's span (first to
 *     last event); "A%/N[,...]": the N-th slice (from 1) of A percent each,
 *     "A%" the first; percents with up to 6 decimals
 *
 * A later call replaces the windows of an earlier one.
 *
 * Return: 0, or -1 for a malformed value, an end before its start, or a
 * slice beyond 100% (@f is then unchanged).
 */
int scmwq_filter_set_time(struct scmwq_filter *f, const char *s);
/**
 * scmwq_filter_time_needs() - what --time needs to know of the trace
 * @f: the filter
 *
 * Return: SCMWQ_TIME_PCT when a side is in percent (the trace's span: a
 * pass over the trace before, see scmwq_filter_prepare()),
 * SCMWQ_TIME_REL when a side is relative (the first event: known as the
 * trace is read, see scmwq_filter_set_origin()), else SCMWQ_TIME_ABS.
 */
enum scmwq_time_base scmwq_filter_time_needs(const struct scmwq_filter *f);
/**
 * scmwq_filter_set_origin() - resolve relative times at the first event
 * @f: the filter
 * @first_ns: the trace's first event
 *
 * Sets the windows' start_ns and end_ns when no side is in percent (for
 * each trace again: a filter may serve several).
 */
void scmwq_filter_set_origin(struct scmwq_filter *f, uint64_t first_ns);
/**
 * scmwq_filter_set_span() - resolve relative and percent times
 * @f: the filter
 * @first_ns: the trace's first event
 * @last_ns: its last event
 *
 * A percent P stands for @first_ns + P% of (@last_ns - @first_ns).
 */
void scmwq_filter_set_span(struct scmwq_filter *f, uint64_t first_ns, uint64_t last_ns);
/**
 * scmwq_source_span() - the first and the last event of a trace
 * @src: the source, read from where it is to its end
 * @first_ns: set to the first event's time (as the reader yields them)
 * @last_ns: set to the latest event's time
 *
 * Events only (no model): loss markers do not count; a trace with no
 * event gives 0 and 0.  For a caller that reads the trace again after
 * (scmwq_source_rewind()): the file is opened once.  A read error ends the
 * span where it is: it shows again when the trace is read again.
 */
void scmwq_source_span(struct scmwq_source *src, uint64_t *first_ns, uint64_t *last_ns);
/**
 * scmwq_filter_prepare() - resolve --time before a trace is read
 * @f: the filter
 * @src: the trace, just opened (scmwq_source_open_rewindable() when
 *       scmwq_filter_time_needs() says SCMWQ_TIME_PCT)
 * @err: set on failure
 *
 * With a percent side, reads @src once for its span (scmwq_source_span())
 * and rewinds it: the file is opened once.  Relative sides are left for
 * scmwq_filter_set_origin() at the first event; absolute ones need
 * nothing, and @src is not read.
 *
 * Return: 0, or -1 with @err set (scmwq_source_rewind()'s errors).
 */
int scmwq_filter_prepare(struct scmwq_filter *f, struct scmwq_source *src,
			 struct scmwq_error *err);

/**
 * scmwq_filter_match_call() - whether a filter selects a call
 * @f: the filter
 * @call: the call
 * @keep: may be NULL; else set, per sleep of the call, to whether that sleep
 *        is shown (--wq-ctx hides the sleeps on other wait-queues)
 *
 * --cpu: an event of the call ran on one of the CPUs; --time: the call
 * overlaps a window (an unresolved relative or percent window selects
 * nothing).
 *
 * Return: true when @call passes every part of @f that is set.
 */
bool scmwq_filter_match_call(const struct scmwq_filter *f, const struct scmwq_call_rec *call,
			     bool keep[SCMWQ_CALL_SLEEPS]);
/**
 * scmwq_filter_match_finding() - whether a filter selects a finding
 * @f: the filter
 * @fd: the finding
 *
 * By its thread or the threads it names (--pid), its thread's name, the
 * CPU its thread last ran on when it was made (--cpu; a finding with no
 * thread passes), its time (inside a window) and its wq_ctx (when it has
 * one).  Notes about the trace itself (trace-note) always pass.
 *
 * Return: true when it passes.
 */
bool scmwq_filter_match_finding(const struct scmwq_filter *f, const struct scmwq_finding *fd);
/**
 * scmwq_filter_match_thread() - whether --pid and --comm select a thread
 * @f: the filter
 * @pid: the thread
 * @comm: its name
 *
 * Return: true when neither is set or the thread passes both.
 */
bool scmwq_filter_match_thread(const struct scmwq_filter *f, int pid, const char *comm);
/**
 * scmwq_filter_active() - whether a filter selects anything less than all
 * @f: the filter
 *
 * Return: true when some part of @f is set.
 */
bool scmwq_filter_active(const struct scmwq_filter *f);

#endif /* SCMWQ_FILTER_H */
