/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of lib/view/report.c: per-call tables and summaries of a
 * trace, the SMC ids in words and the streaming percentiles they use.
 */
#ifndef SCMWQ_REPORT_H
#define SCMWQ_REPORT_H

#include <scmwq/filter.h>
#include <scmwq/replay.h>

/*
 * SMC function ids in words, from the service and command ids of the
 * mainline driver (drivers/firmware/qcom/qcom_scm.h).  Only SiP-owned ids
 * (owner 2, bits 29..24) are decoded.
 */
/**
 * scmwq_smc_service_name() - a service id in words
 * @svc: the service id (bits 15..8 of a function id)
 *
 * Return: the service's name ("mp", "waitq"), or NULL when unknown; a
 * static string.
 */
const char *scmwq_smc_service_name(unsigned int svc);
/**
 * scmwq_smc_command_name() - a command id in words
 * @svc: the service id
 * @cmd: the command id (bits 7..0 of a function id)
 *
 * Return: the command's name ("restore_sec_cfg"), or NULL when unknown; a
 * static string.
 */
const char *scmwq_smc_command_name(unsigned int svc, unsigned int cmd);
/**
 * scmwq_smc_describe() - a function id in words
 * @smc_id: the function id
 * @buf: where the text goes (NUL-terminated, cut to @len)
 * @len: size of @buf; 0: nothing is written
 *
 * "service/command" ("mp/restore_sec_cfg"); an unknown part in hex
 * ("mp/0x07", "0x0d/0x01"); the whole id in hex when it is not SiP-owned;
 * "?" for 0 (unknown).
 *
 * Return: @buf.
 */
char *scmwq_smc_describe(uint64_t smc_id, char *buf, size_t len);

/*
 * A streaming distribution: exact min, max and count; percentiles exact
 * while it holds at most SCMWQ_HIST_EXACT values, then from a log-linear
 * histogram (128 buckets per power of two) whose answers are within
 * 1/SCMWQ_HIST_ERR_DIV (0.4%) of the exact ones.  Memory is bounded
 * whatever the number of values.
 */
#define SCMWQ_HIST_EXACT	256
#define SCMWQ_HIST_ERR_DIV	256

struct scmwq_hist;

/**
 * scmwq_hist_alloc() - an empty distribution
 *
 * Return: the distribution, to be freed with scmwq_hist_free(), or NULL
 * when out of memory.
 */
struct scmwq_hist *scmwq_hist_alloc(void);
/**
 * scmwq_hist_free() - free a distribution
 * @h: the distribution, or NULL
 */
void scmwq_hist_free(struct scmwq_hist *h);
/**
 * scmwq_hist_add() - add one value
 * @h: the distribution
 * @v: the value
 *
 * Return: 0, or -1 when out of memory (the value is still counted in
 * min/max/count).
 */
int scmwq_hist_add(struct scmwq_hist *h, uint64_t v);
/**
 * scmwq_hist_count() - how many values were added
 * @h: the distribution
 *
 * Return: the count.
 */
uint64_t scmwq_hist_count(const struct scmwq_hist *h);
/**
 * scmwq_hist_min() - the smallest value
 * @h: the distribution
 *
 * Return: the exact minimum; 0 when empty.
 */
uint64_t scmwq_hist_min(const struct scmwq_hist *h);
/**
 * scmwq_hist_max() - the largest value
 * @h: the distribution
 *
 * Return: the exact maximum; 0 when empty.
 */
uint64_t scmwq_hist_max(const struct scmwq_hist *h);
/**
 * scmwq_hist_exact() - whether the percentiles are exact
 * @h: the distribution
 *
 * Return: true while it holds at most SCMWQ_HIST_EXACT values (and memory
 * for them could be had).
 */
bool scmwq_hist_exact(const struct scmwq_hist *h);
/**
 * scmwq_hist_percentile() - a percentile by nearest rank
 * @h: the distribution
 * @pct: the percentile, 0 < @pct <= 100
 *
 * Return: the smallest value with at least @pct% of the values at or below
 * it (within 1/SCMWQ_HIST_ERR_DIV when not exact); the minimum for @pct
 * <= 0, the maximum from 100 up, 0 when empty.
 */
uint64_t scmwq_hist_percentile(const struct scmwq_hist *h, double pct);

/**
 * enum scmwq_report_format - what a report is written as
 * @SCMWQ_REPORT_TEXT: tables for a terminal
 * @SCMWQ_REPORT_JSON: one JSON document
 * @SCMWQ_REPORT_CSV: comma-separated rows
 */
enum scmwq_report_format {
	SCMWQ_REPORT_TEXT = 0,
	SCMWQ_REPORT_JSON,
	SCMWQ_REPORT_CSV,
};

/**
 * enum scmwq_report_key - what report rows can be sorted by
 * @SCMWQ_SORT_START: the call's start (the default)
 * @SCMWQ_SORT_END: its scm_smc_done (calls still open last)
 * @SCMWQ_SORT_DURATION: start to done (calls still open last)
 * @SCMWQ_SORT_PID: the caller's pid
 * @SCMWQ_SORT_COMM: the caller's name
 * @SCMWQ_SORT_WQ_CTX: the wait-queue of its first shown sleep (calls with
 *                     none last)
 * @SCMWQ_SORT_FUNCTION: the function id
 * @SCMWQ_SORT_WAIT: the longest wait for a wake of its shown sleeps (never
 *                   woken: longest)
 */
enum scmwq_report_key {
	SCMWQ_SORT_START = 0,
	SCMWQ_SORT_END,
	SCMWQ_SORT_DURATION,
	SCMWQ_SORT_PID,
	SCMWQ_SORT_COMM,
	SCMWQ_SORT_WQ_CTX,
	SCMWQ_SORT_FUNCTION,
	SCMWQ_SORT_WAIT,
};

#define SCMWQ_REPORT_SORT_KEYS	4

/**
 * struct scmwq_report_sort - the order of the rows (--sort)
 * @n: keys in @key; 0: by start
 * @key: the keys, the first deciding first; ties: by start, then in the
 *       order the calls ended
 * @desc: per key, largest first
 */
struct scmwq_report_sort {
	int n;
	enum scmwq_report_key key[SCMWQ_REPORT_SORT_KEYS];
	bool desc[SCMWQ_REPORT_SORT_KEYS];
};

/**
 * scmwq_report_sort_parse() - the value of --sort
 * @s: set on success
 * @arg: "KEY[,KEY...]", at most SCMWQ_REPORT_SORT_KEYS, each start, end,
 *       duration, pid, comm, wq-ctx, function or wait; "-KEY" for largest
 *       first
 *
 * Return: 0, or -1 for a malformed value (@s unchanged).
 */
int scmwq_report_sort_parse(struct scmwq_report_sort *s, const char *arg);

/**
 * struct scmwq_report_opts - what a report shows and how
 * @format: text, JSON or CSV
 * @unit_ns: the unit of durations in text and CSV: 1, 1000, or (any other
 *           value) 1000000
 * @rows: one row per call and per sleep
 * @summary: the summary by wq_ctx and by function (neither set: @rows)
 * @nfiles: traces in this report (JSON: "runs" when > 1)
 * @filter: which calls, sleeps and findings it shows
 * @sort: the order of the rows
 * @out: where it goes; NULL: stdout
 * @color: text: colour the severities of findings (for a terminal)
 */
struct scmwq_report_opts {
	enum scmwq_report_format format;
	uint64_t unit_ns;
	bool rows;
	bool summary;
	int nfiles;
	struct scmwq_filter filter;
	struct scmwq_report_sort sort;
	FILE *out;
	bool color;
};

/**
 * struct scmwq_report_input - what a report says about its input
 * @path: its name, for display ("<stdin>")
 * @format: "text", "trace.dat"; NULL: not opened
 * @events: events read
 * @lost_events: events lost, as the source tells
 * @malformed: malformed lines skipped
 * @res: what replay judged, or NULL
 * @error: the error that stopped reading, or NULL
 * @exit_status: the exit status for this trace (JSON "exit_status")
 *
 * Given at the end of each trace, to scmwq_report_end().
 */
struct scmwq_report_input {
	const char *path;
	const char *format;
	uint64_t events, lost_events, malformed;
	const struct scmwq_replay_result *res;
	const char *error;
	int exit_status;
};

struct scmwq_report;

/**
 * scmwq_report_alloc() - a report writer
 * @opts: format, units, filters and what to show (copied)
 * @err: set on failure
 *
 * Rows are written in order of start as soon as no call still open
 * started before them: memory grows with the number of distinct
 * wait-queues and function ids (each capped; the rest are summed in one
 * "other" group) and with the calls that end while an older one is still
 * open (at most 32768 held, about 200 bytes each), never with the number
 * of calls.  Sorted by another key (@opts->sort), every row shown is held
 * to the end of its trace.  Findings wait in a temporary file until the
 * end of their trace.
 *
 * Return: the writer, to be freed with scmwq_report_free(), or NULL with
 * @err set (SCMWQ_E_INTERNAL: out of memory).
 */
struct scmwq_report *scmwq_report_alloc(const struct scmwq_report_opts *opts,
					struct scmwq_error *err);
/**
 * scmwq_report_filter() - the report's own filter
 * @r: the report
 *
 * Its --time is resolved for each trace: scmwq_filter_prepare() before the
 * trace, and &scmwq_replay_opts.filter for times after its first event.
 *
 * Return: the filter the report matches calls and findings with.
 */
struct scmwq_filter *scmwq_report_filter(struct scmwq_report *r);
/**
 * scmwq_report_begin() - start the next trace
 * @r: the report
 * @path: the trace's name for display; CSV rows name it too, so it must
 *        live until scmwq_report_end()
 * @err: set on failure
 *
 * Writes the table's header (JSON: the trace's object; CSV: the header row
 * for the first trace only).
 *
 * Return: 0, or -1 with @err set (SCMWQ_E_INTERNAL: a write error).
 */
int scmwq_report_begin(struct scmwq_report *r, const char *path, struct scmwq_error *err);
/**
 * scmwq_report_call() - one call, when it ends
 * @call: the call
 * @report: the report (this is an scmwq_call_fn: pass the report as its
 *          argument)
 *
 * Counts it, and when the filter selects it adds it to the summary and
 * writes its rows.
 */
void scmwq_report_call(const struct scmwq_call_rec *call, void *report);
/**
 * scmwq_report_finding() - one of replay's findings
 * @f: the finding
 * @report: the report (this is an scmwq_finding_fn)
 *
 * Kept for the findings list at scmwq_report_end() when the filter selects
 * it.  Text shows the warnings, errors and trace notes, and only with rows;
 * CSV shows none (they are per call).
 */
void scmwq_report_finding(const struct scmwq_finding *f, void *report);
/**
 * scmwq_report_end() - end the trace
 * @r: the report
 * @in: what to say about the input
 *
 * Writes the findings list, the summary and the input line.
 *
 * Return: 0, or -1 on a write error or when out of memory (a finding could
 * not be kept).
 */
int scmwq_report_end(struct scmwq_report *r, const struct scmwq_report_input *in);
/**
 * scmwq_report_close() - after the last trace
 * @r: the report
 *
 * Closes the JSON document of several traces.
 *
 * Return: 0, or -1 on a write error.
 */
int scmwq_report_close(struct scmwq_report *r);
/**
 * scmwq_report_free() - free a report writer
 * @r: the report, or NULL
 *
 * Does not close @r's output stream.
 */
void scmwq_report_free(struct scmwq_report *r);

#endif /* SCMWQ_REPORT_H */
