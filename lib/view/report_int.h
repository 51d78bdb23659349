/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of the report (lib/view/report*.c): the report
 * object, its summary groups, and what the writers of each format share.
 * Not installed.
 */
#ifndef SCMWQ_REPORT_INT_H
#define SCMWQ_REPORT_INT_H

#include <stdio.h>

#include <scmwq/report.h>

#include "base/base.h"

/* ------------------------------------------------------------------ */
/* The summary groups                                                  */

enum metric { M_DURATION, M_WAIT, M_WAKE_LAT, M_SCHED, M__COUNT };

struct group {
	uint64_t key;		/* wq_ctx or smc_id */
	bool other;
	uint64_t calls, sleeps, woken, resumed;
	uint64_t by_path[4];	/* enum scmwq_wake_path */
	struct scmwq_hist *m[M__COUNT];
};

struct groups {
	struct group *v;
	size_t n, cap;
	struct group *other;
	size_t last;
};

/* ------------------------------------------------------------------ */
/* The report (report.c)                                               */

struct scmwq_report {
	struct scmwq_report_opts o;
	FILE *out;
	const char *path;
	int run;			/* traces begun */
	FILE *spool;			/* findings, written after the rows */
	uint64_t spooled;		/* findings in the spool */
	uint64_t calls_seen, calls_shown, sleeps_shown, json_calls;
	struct groups by_wq, by_fn;
	struct scmwq_heap rows;		/* rows held for --sort (report_sort.c) */
	struct rpt_spill *spill;	/* and those written to disk */
	uint64_t row_seq, rows_late;
	bool oom;
};

/* ------------------------------------------------------------------ */
/* The order of the rows (report_sort.c)                               */

/* Rows held at most in the default order (by start), about 200 bytes each. */
#define RPT_HOLD_MAX	32768
/* Rows held in memory in any other order before they go to disk as a sorted run. */
#define RPT_SORT_MEM	16384

/* A row shown: held until its turn, then written by its format's writer. */
void rpt_rows_add(struct scmwq_report *r, const struct scmwq_call_rec *c, const bool *keep);
/* The end of the trace: write every row still held, in order. */
void rpt_rows_flush(struct scmwq_report *r);
void rpt_rows_reset(struct scmwq_report *r);

/* ------------------------------------------------------------------ */
/* Latency statistics (report_stats.c)                                 */

extern const char *const rpt_metric_names[M__COUNT];
/* The percentiles every summary gives. */
extern const double rpt_pcts[3];

bool rpt_sleep_woken(const struct scmwq_sleep_rec *s);
int64_t rpt_wait_of(const struct scmwq_sleep_rec *s);
int64_t rpt_lat_of(const struct scmwq_sleep_rec *s);

/* A call's duration and its sleeps' waits and latencies into the summary groups. */
void rpt_summarise(struct scmwq_report *r, const struct scmwq_call_rec *c, const bool *keep);
void rpt_groups_clear(struct groups *g);
/* Order a table by key, once, before it is written. */
void rpt_sort_groups(struct groups *g);
/* The groups of a table in order, "other" last. */
const struct group *rpt_group_at(const struct groups *g, size_t i);
/* Whether a summary row of metric @m is written for @g. */
bool rpt_metric_applies(bool fn_table, enum metric m, const struct group *g);

/* ------------------------------------------------------------------ */
/* Numbers in columns (report_fmt.c)                                   */

/* "ns", "us" or "ms" */
const char *rpt_unit_name(uint64_t unit);

/*
 * @v ns in the report's unit with @dec decimals, rounded half away from
 * zero, in integers.  @dec is at most log10(unit).
 */
char *rpt_fmt_dur(char *buf, size_t len, int64_t v, uint64_t unit, int dec);
/* snprintf at *@nl, which never runs past @len. */
void __attribute__((format(printf, 4, 5)))
rpt_append(char *buf, size_t len, size_t *nl, const char *fmt, ...);

/* ------------------------------------------------------------------ */
/* Findings, held back until the rows are done (report_findings.c)     */

void rpt_spool_reset(struct scmwq_report *r);
/* Copy the findings held back to the output. */
int rpt_spool_copy(struct scmwq_report *r);

/* ------------------------------------------------------------------ */
/* The writers (report_text.c, report_json.c, report_csv.c)            */

/*
 * Each format's part of a trace: its start, one call with the sleeps
 * @keep selects, and its end (the findings, the summary, what the input
 * was; @st may be NULL).
 */
void rpt_text_begin(struct scmwq_report *r);
void rpt_text_call(struct scmwq_report *r, const struct scmwq_call_rec *c, const bool *keep);
void rpt_text_end(struct scmwq_report *r, const struct scmwq_report_input *in,
		  const struct scmwq_model_stats *st);
void rpt_json_begin(struct scmwq_report *r);
void rpt_json_call(struct scmwq_report *r, const struct scmwq_call_rec *c, const bool *keep);
void rpt_json_end(struct scmwq_report *r, const struct scmwq_report_input *in,
		  const struct scmwq_model_stats *st);
void rpt_csv_begin(struct scmwq_report *r);
void rpt_csv_call(struct scmwq_report *r, const struct scmwq_call_rec *c, const bool *keep);
void rpt_csv_end(struct scmwq_report *r);

#endif
