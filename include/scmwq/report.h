/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Report: per-call tables, summaries and streaming percentiles.
 */
#ifndef SCMWQ_REPORT_H
#define SCMWQ_REPORT_H

#include <scmwq/replay.h>

/*
 * SMC function ids in words, from the service and command ids of the
 * mainline driver (drivers/firmware/qcom/qcom_scm.h).  Only SiP-owned ids
 * (owner 2, bits 29..24) are decoded.
 */
/* The service's name ("mp", "waitq"), or NULL when unknown. */
const char *scmwq_smc_service_name(unsigned int svc);
/* The command's name ("restore_sec_cfg"), or NULL when unknown. */
const char *scmwq_smc_command_name(unsigned int svc, unsigned int cmd);
/*
 * "service/command" ("mp/restore_sec_cfg"); an unknown part in hex
 * ("mp/0x07", "0x0d/0x01"); the whole id in hex when it is not SiP-owned;
 * "?" for 0 (unknown).  Returns @buf.
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

struct scmwq_hist *scmwq_hist_alloc(void);
void scmwq_hist_free(struct scmwq_hist *h);
/* Returns 0, or -1 when out of memory (the value is still counted in min/max/count). */
int scmwq_hist_add(struct scmwq_hist *h, uint64_t v);
uint64_t scmwq_hist_count(const struct scmwq_hist *h);
uint64_t scmwq_hist_min(const struct scmwq_hist *h);
uint64_t scmwq_hist_max(const struct scmwq_hist *h);
/* Whether the percentiles are exact (at most SCMWQ_HIST_EXACT values). */
bool scmwq_hist_exact(const struct scmwq_hist *h);
/*
 * The @pct-th percentile (0 < @pct <= 100) by nearest rank: the smallest
 * value with at least @pct% of the values at or below it.  0 when empty.
 */
uint64_t scmwq_hist_percentile(const struct scmwq_hist *h, double pct);

enum scmwq_report_format {
	SCMWQ_REPORT_TEXT = 0,
	SCMWQ_REPORT_JSON,
	SCMWQ_REPORT_CSV,
};

#define SCMWQ_REPORT_MAX_PIDS	64
#define SCMWQ_REPORT_MAX_COMMS	16
#define SCMWQ_REPORT_MAX_WQ	64

/* Which calls and sleeps a report shows; all lists empty: everything. */
struct scmwq_report_filter {
	int n_pids;
	int pids[SCMWQ_REPORT_MAX_PIDS];
	int n_comms;
	char comms[SCMWQ_REPORT_MAX_COMMS][SCMWQ_COMM_LEN];	/* fnmatch(3) patterns */
	int n_wq;
	uint32_t wq[SCMWQ_REPORT_MAX_WQ];
	bool has_start, has_end;
	uint64_t start_ns, end_ns;	/* --time: calls overlapping [start, end] */
	uint64_t min_wait_ns;		/* calls with a sleep waiting at least this; 0: all */
};

/*
 * Parse the value of a filter option and add it to @f: "PID[,PID...]",
 * "NAME[,NAME...]", "N[,N...]", "START,END" (seconds; either side may be
 * empty).  Each returns 0, or -1 for a malformed value or a full list.
 */
int scmwq_report_add_pids(struct scmwq_report_filter *f, const char *s);
int scmwq_report_add_comms(struct scmwq_report_filter *f, const char *s);
int scmwq_report_add_wq(struct scmwq_report_filter *f, const char *s);
int scmwq_report_set_time(struct scmwq_report_filter *f, const char *s);

/*
 * Whether @f selects @call.  @keep (may be NULL) gets, per sleep of the
 * call, whether that sleep is shown (--wq-ctx hides the sleeps on other
 * wait-queues).
 */
bool scmwq_report_match(const struct scmwq_report_filter *f, const struct scmwq_call_rec *call,
			bool keep[SCMWQ_CALL_SLEEPS]);
/* Whether @f selects a finding (by its thread, named threads, time and wq_ctx). */
bool scmwq_report_match_finding(const struct scmwq_report_filter *f,
				const struct scmwq_finding *fd);

struct scmwq_report_opts {
	enum scmwq_report_format format;
	uint64_t unit_ns;		/* durations in text and CSV: 1, 1000 or 1000000 */
	bool rows;			/* one row per call and per sleep */
	bool summary;			/* the summary by wq_ctx and by function */
	int nfiles;			/* traces in this report (JSON: "runs" when > 1) */
	struct scmwq_report_filter filter;
	FILE *out;
};

/* What a report says about its input, at the end of each trace. */
struct scmwq_report_input {
	const char *path;		/* for display; "<stdin>" */
	const char *format;		/* "text", "trace.dat"; NULL: not opened */
	uint64_t events, lost_events, malformed;
	const struct scmwq_replay_result *res;
	const char *error;		/* the error that stopped reading, or NULL */
	int exit_status;
};

struct scmwq_report;

/**
 * scmwq_report_alloc - a report writer
 * @opts: format, units, filters and what to show (copied)
 * @err: set on failure
 *
 * Rows are written as calls are handed in: memory grows with the number
 * of distinct wait-queues and function ids (each capped; the rest are
 * summed in one "other" group), never with the number of calls.
 */
struct scmwq_report *scmwq_report_alloc(const struct scmwq_report_opts *opts,
					struct scmwq_error *err);
/* Start the next trace (@path for display); writes the table's header. */
int scmwq_report_begin(struct scmwq_report *r, const char *path, struct scmwq_error *err);
/* One call, when it ends (an scmwq_call_fn: pass the report as its argument). */
void scmwq_report_call(const struct scmwq_call_rec *call, void *report);
/* One of replay's findings (an scmwq_finding_fn). */
void scmwq_report_finding(const struct scmwq_finding *f, void *report);
/* End the trace: the findings list, the summary, the input line. */
int scmwq_report_end(struct scmwq_report *r, const struct scmwq_report_input *in);
/* After the last trace: close the JSON document.  Returns 0 or -1 on a write error. */
int scmwq_report_close(struct scmwq_report *r);
void scmwq_report_free(struct scmwq_report *r);

#endif /* SCMWQ_REPORT_H */
