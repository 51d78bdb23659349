// SPDX-License-Identifier: GPL-2.0
/*
 * Report: one row per SCM call and one per sleep, as the calls end, then a
 * summary by wait-queue and by function id with streaming percentiles.
 * The calls come from the per-call timelines (lib/calls.c), so who woke
 * whom is exactly what replay decided.
 *
 * Layout after perf sched timehist: fixed-width columns with a units row,
 * timestamps in seconds, every duration in one unit.  Memory grows with the
 * number of distinct wait-queues and function ids (both capped), never with
 * the number of calls; findings are spooled to a temporary file until the
 * rows are done.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <scmwq/output.h>
#include <scmwq/report.h>

#include "view/report_int.h"

static const char *const metric_keys[M__COUNT] = {
	[M_DURATION] = "duration_ns",
	[M_WAIT] = "wait_ns",
	[M_WAKE_LAT] = "wake_latency_ns",
	[M_SCHED] = "sched_delay_ns",
};

struct scmwq_report *scmwq_report_alloc(const struct scmwq_report_opts *opts,
					struct scmwq_error *err)
{
	struct scmwq_report *r = calloc(1, sizeof(*r));

	if (!r) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		return NULL;
	}
	r->o = *opts;
	r->out = opts->out ? opts->out : stdout;
	if (r->o.unit_ns != 1 && r->o.unit_ns != 1000)
		r->o.unit_ns = 1000000;
	if (!r->o.rows && !r->o.summary)
		r->o.rows = true;
	return r;
}

void scmwq_report_free(struct scmwq_report *r)
{
	if (!r)
		return;
	rpt_spool_reset(r);
	rpt_groups_clear(&r->by_wq);
	rpt_groups_clear(&r->by_fn);
	free(r);
}

/* Text: 3 decimals in us and ms (perf's msec.usec), none in ns. */
static char *tdur(const struct scmwq_report *r, char *buf, size_t len, int64_t v)
{
	return rpt_fmt_dur(buf, len, v, r->o.unit_ns, r->o.unit_ns == 1 ? 0 : 3);
}

/* CSV: every digit (ns resolution). */
static char *cdur(const struct scmwq_report *r, char *buf, size_t len, int64_t v)
{
	return rpt_fmt_dur(buf, len, v, r->o.unit_ns, r->o.unit_ns == 1 ? 0 :
			   r->o.unit_ns == 1000 ? 3 : 6);
}

static char *ts9(char *buf, size_t len, uint64_t ts)
{
	snprintf(buf, len, "%" PRIu64 ".%09" PRIu64, ts / UINT64_C(1000000000),
		 ts % UINT64_C(1000000000));
	return buf;
}

static void comm_pid(char *buf, size_t len, const char *comm, int pid)
{
	snprintf(buf, len, "%s-%d", comm && comm[0] ? comm : "<...>", pid);
}

/* RFC 4180: quote a field that holds a comma, a quote or a line break. */
static void csv_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* --------------------------------------------------------------- text */

#define TXT_ROW "%15s  %-24s  %-27s %9s %4s %6s %9s %9s %2s %9s  %s\n"

/* One row of the table, without trailing blanks. */
static void text_row(struct scmwq_report *r, const char *time, const char *task, const char *fn,
		     const char *dur, const char *ret, const char *sleeps, const char *wait,
		     const char *lat, const char *st, const char *sch, const char *notes)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), TXT_ROW, time, task, fn, dur, ret, sleeps, wait, lat,
			 st, sch, notes);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\n'))
		n--;
	fprintf(r->out, "%.*s\n", n, line);
}

static void text_header(struct scmwq_report *r)
{
	const char *u = r->o.unit_ns == 1 ? "(ns)" : r->o.unit_ns == 1000 ? "(us)" : "(ms)";
	char dash[4][32];

	text_row(r, "time", "task", "function / waker", "duration", "ret", "sleeps",
		"wait", "wake-lat", "st", "sch-delay", "notes");
	text_row(r, "(s)", "[comm-pid]", "[svc/cmd] / [path waker]", u, "", "", u,
		u, "", u, "");
	memset(dash, '-', sizeof(dash));
	dash[0][15] = dash[1][24] = dash[2][9] = dash[3][27] = '\0';
	text_row(r, dash[0], dash[1], dash[3], dash[2], "----", "------", dash[2],
		dash[2], "--", dash[2], "-----");
}

static void text_call(struct scmwq_report *r, const struct scmwq_call_rec *c, const bool *keep)
{
	char ts[32], task[64], fn[64], dur[32] = "-", ret[16] = "-", sl[16], notes[256];
	size_t nl = 0;

	scmwq_format_ts(ts, sizeof(ts), c->start_ns);
	comm_pid(task, sizeof(task), c->comm, c->pid);
	scmwq_smc_describe(c->smc_id, fn, sizeof(fn));
	if (c->done && !c->joined)
		tdur(r, dur, sizeof(dur), (int64_t)(c->end_ns - c->start_ns));
	if (c->done)
		snprintf(ret, sizeof(ret), "%d", c->ret);
	snprintf(sl, sizeof(sl), "%d", c->n_sleeps + c->sleeps_dropped);
	notes[0] = '\0';
	if (c->joined)
		rpt_append(notes, sizeof(notes), &nl, "joined mid-call ");
	if (!c->done)
		rpt_append(notes, sizeof(notes), &nl, "open at the end ");
	if (c->sleeps_dropped)
		rpt_append(notes, sizeof(notes), &nl, "(%d sleeps not itemised) ",
			   c->sleeps_dropped);
	for (int i = 0; i < c->n_findings; i++)
		rpt_append(notes, sizeof(notes), &nl, "!%s ", scmwq_rule_info(c->findings[i])->id);
	while (nl && notes[nl - 1] == ' ')
		notes[--nl] = '\0';
	text_row(r, ts, task, fn, dur, ret, sl, "", "", "", "", notes);

	for (int i = 0; i < c->n_sleeps && i < SCMWQ_CALL_SLEEPS; i++) {
		const struct scmwq_sleep_rec *s = &c->sleeps[i];
		char wq[64], by[96], wait[32] = "-", lat[32] = "-", st[4] = "", sch[32] = "";
		char t1[32], t2[32];

		if (!keep[i])
			continue;
		scmwq_format_ts(ts, sizeof(ts), s->sleep_ns);
		if (s->has_ctx)
			snprintf(wq, sizeof(wq), "  wq_ctx=%u ctx=%u", s->wq_ctx, s->smc_call_ctx);
		else
			snprintf(wq, sizeof(wq), "  wq_ctx=%u", s->wq_ctx);
		if (s->path == SCMWQ_PATH_NONE)
			snprintf(by, sizeof(by), "-");
		else if (s->waker_pid < 0)
			snprintf(by, sizeof(by), "%s", scmwq_wake_path_name(s->path));
		else {
			comm_pid(task, sizeof(task), s->waker_comm, s->waker_pid);
			snprintf(by, sizeof(by), "%s %s", scmwq_wake_path_name(s->path), task);
		}
		if (rpt_sleep_woken(s))
			tdur(r, wait, sizeof(wait), rpt_wait_of(s));
		if (rpt_sleep_woken(s) && s->resume_ns)
			tdur(r, lat, sizeof(lat), rpt_lat_of(s));
		if (s->state)
			snprintf(st, sizeof(st), "%c", s->state);
		if (s->ran_ns && rpt_sleep_woken(s))
			tdur(r, sch, sizeof(sch), (int64_t)(s->ran_ns - s->wake_ns));
		nl = 0;
		notes[0] = '\0';
		if (rpt_sleep_woken(s)) {
			scmwq_format_ts(t1, sizeof(t1), s->wake_ns);
			rpt_append(notes, sizeof(notes), &nl, "woken %s", t1);
			if (s->ran_ns) {
				scmwq_format_ts(t2, sizeof(t2), s->ran_ns);
				rpt_append(notes, sizeof(notes), &nl, ", ran %s", t2);
			}
			if (!s->resume_ns)
				rpt_append(notes, sizeof(notes), &nl, ", not resumed");
		} else if (s->resume_ns) {
			rpt_append(notes, sizeof(notes), &nl, "resumed with no wake");
		} else {
			rpt_append(notes, sizeof(notes), &nl, "never woken");
		}
		text_row(r, ts, wq, by, "", "", "", wait, lat, st, sch, notes);
	}
}

/* --------------------------------------------------------------- json */

static void json_u64_or_null(FILE *out, const char *key, bool have, uint64_t v)
{
	if (have)
		fprintf(out, ", \"%s\": %" PRIu64, key, v);
	else
		fprintf(out, ", \"%s\": null", key);
}

static void json_i64_or_null(FILE *out, const char *key, bool have, int64_t v)
{
	if (have)
		fprintf(out, ", \"%s\": %" PRId64, key, v);
	else
		fprintf(out, ", \"%s\": null", key);
}

static void json_call(struct scmwq_report *r, const struct scmwq_call_rec *c, const bool *keep)
{
	FILE *out = r->out;
	char fn[64];
	bool first = true;

	fprintf(out, "%s\n    {\"pid\": %d, \"comm\": ", r->json_calls++ ? "," : "", c->pid);
	scmwq_json_str(out, c->comm);
	fprintf(out, ", \"smc_id\": ");
	if (c->smc_id)
		fprintf(out, "%" PRIu64, c->smc_id);
	else
		fprintf(out, "null");
	fprintf(out, ", \"function\": ");
	scmwq_json_str(out, scmwq_smc_describe(c->smc_id, fn, sizeof(fn)));
	fprintf(out, ", \"start_ns\": %" PRIu64, c->start_ns);
	json_u64_or_null(out, "end_ns", c->done, c->end_ns);
	json_u64_or_null(out, "duration_ns", c->done && !c->joined, c->end_ns - c->start_ns);
	json_i64_or_null(out, "ret", c->done, c->ret);
	fprintf(out, ", \"joined\": %s, \"n_sleeps\": %d, \"sleeps_dropped\": %d, \"findings\": [",
		c->joined ? "true" : "false", c->n_sleeps + c->sleeps_dropped, c->sleeps_dropped);
	for (int i = 0; i < c->n_findings; i++)
		fprintf(out, "%s\"%s\"", i ? ", " : "", scmwq_rule_info(c->findings[i])->id);
	fprintf(out, "], \"sleeps\": [");
	for (int i = 0; i < c->n_sleeps && i < SCMWQ_CALL_SLEEPS; i++) {
		const struct scmwq_sleep_rec *s = &c->sleeps[i];
		bool w = rpt_sleep_woken(s);

		if (!keep[i])
			continue;
		fprintf(out, "%s\n      {\"wq_ctx\": %u", first ? "" : ",", s->wq_ctx);
		first = false;
		json_u64_or_null(out, "smc_call_ctx", s->has_ctx, s->smc_call_ctx);
		fprintf(out, ", \"sleep_ns\": %" PRIu64, s->sleep_ns);
		json_u64_or_null(out, "wake_ns", w, s->wake_ns);
		json_u64_or_null(out, "resume_ns", s->resume_ns, s->resume_ns);
		json_i64_or_null(out, "wait_ns", w, rpt_wait_of(s));
		json_i64_or_null(out, "wake_latency_ns", w && s->resume_ns, rpt_lat_of(s));
		fprintf(out, ", \"waker\": {\"path\": \"%s\", \"pid\": ",
			scmwq_wake_path_name(s->path));
		if (s->waker_pid >= 0) {
			fprintf(out, "%d, \"comm\": ", s->waker_pid);
			scmwq_json_str(out, s->waker_comm);
		} else {
			fprintf(out, "null, \"comm\": null");
		}
		fprintf(out, "}, \"state\": ");
		if (s->state) {
			char st[2] = { s->state, '\0' };

			scmwq_json_str(out, st);
		} else {
			fprintf(out, "null");
		}
		json_u64_or_null(out, "blocked_ns", s->blocked_ns, s->blocked_ns);
		json_u64_or_null(out, "ran_ns", s->ran_ns, s->ran_ns);
		json_i64_or_null(out, "sched_delay_ns", s->ran_ns && w,
				 (int64_t)(s->ran_ns - s->wake_ns));
		fprintf(out, "}");
	}
	fprintf(out, "%s]}", first ? "" : "\n    ");
}

/* ---------------------------------------------------------------- csv */

static void csv_header(struct scmwq_report *r)
{
	const char *u = rpt_unit_name(r->o.unit_ns);

	if (r->o.rows)
		fprintf(r->out, "trace,pid,comm,smc_id,function,start_s,end_s,duration_%s,ret,"
			"sleeps,findings,sleep,wq_ctx,smc_call_ctx,sleep_s,wake_s,path,waker_pid,"
			"waker_comm,wait_%s,resume_s,wake_latency_%s,state,ran_s,sched_delay_%s\n",
			u, u, u, u);
	else
		fprintf(r->out, "trace,group,key,function,calls,sleeps,metric,count,min_%s,p50_%s,"
			"p90_%s,p99_%s,max_%s,exact\n", u, u, u, u, u);
}

/* The call's columns of a CSV row, up to and with "findings". */
static void csv_call_cols(struct scmwq_report *r, const struct scmwq_call_rec *c)
{
	FILE *out = r->out;
	char b[256];
	size_t nl = 0;

	csv_field(out, r->path);
	fprintf(out, ",%d,", c->pid);
	csv_field(out, c->comm);
	if (c->smc_id)
		fprintf(out, ",0x%08" PRIx64 ",", c->smc_id);
	else
		fprintf(out, ",,");
	csv_field(out, scmwq_smc_describe(c->smc_id, b, sizeof(b)));
	fprintf(out, ",%s,", ts9(b, sizeof(b), c->start_ns));
	if (c->done)
		fputs(ts9(b, sizeof(b), c->end_ns), out);
	fputc(',', out);
	if (c->done && !c->joined)
		fputs(cdur(r, b, sizeof(b), (int64_t)(c->end_ns - c->start_ns)), out);
	fputc(',', out);
	if (c->done)
		fprintf(out, "%d", c->ret);
	fprintf(out, ",%d,", c->n_sleeps + c->sleeps_dropped);
	b[0] = '\0';
	for (int i = 0; i < c->n_findings; i++)
		rpt_append(b, sizeof(b), &nl, "%s%s", i ? " " : "",
			   scmwq_rule_info(c->findings[i])->id);
	csv_field(out, b);
}

static void csv_call(struct scmwq_report *r, const struct scmwq_call_rec *c, const bool *keep)
{
	FILE *out = r->out;
	char b[64];

	if (!c->n_sleeps) {
		csv_call_cols(r, c);
		fputs(",,,,,,,,,,,,,,\n", out);	/* the 14 sleep columns, empty */
		return;
	}
	for (int i = 0; i < c->n_sleeps && i < SCMWQ_CALL_SLEEPS; i++) {
		const struct scmwq_sleep_rec *s = &c->sleeps[i];

		if (!keep[i])
			continue;
		csv_call_cols(r, c);
		fprintf(out, ",%d,%u,", i + 1, s->wq_ctx);
		if (s->has_ctx)
			fprintf(out, "%u", s->smc_call_ctx);
		fprintf(out, ",%s,", ts9(b, sizeof(b), s->sleep_ns));
		if (rpt_sleep_woken(s))
			fputs(ts9(b, sizeof(b), s->wake_ns), out);
		fprintf(out, ",%s,", scmwq_wake_path_name(s->path));
		if (s->waker_pid >= 0)
			fprintf(out, "%d", s->waker_pid);
		fputc(',', out);
		if (s->waker_pid >= 0)
			csv_field(out, s->waker_comm);
		fputc(',', out);
		if (rpt_sleep_woken(s))
			fputs(cdur(r, b, sizeof(b), rpt_wait_of(s)), out);
		fputc(',', out);
		if (s->resume_ns)
			fputs(ts9(b, sizeof(b), s->resume_ns), out);
		fputc(',', out);
		if (rpt_sleep_woken(s) && s->resume_ns)
			fputs(cdur(r, b, sizeof(b), rpt_lat_of(s)), out);
		fputc(',', out);
		if (s->state)
			fputc(s->state, out);
		fputc(',', out);
		if (s->ran_ns)
			fputs(ts9(b, sizeof(b), s->ran_ns), out);
		fputc(',', out);
		if (s->ran_ns && rpt_sleep_woken(s))
			fputs(cdur(r, b, sizeof(b), (int64_t)(s->ran_ns - s->wake_ns)), out);
		fputc('\n', out);
	}
}

void scmwq_report_call(const struct scmwq_call_rec *c, void *arg)
{
	struct scmwq_report *r = arg;
	bool keep[SCMWQ_CALL_SLEEPS];

	r->calls_seen++;
	if (!scmwq_report_match(&r->o.filter, c, keep))
		return;
	r->calls_shown++;
	for (int i = 0; i < c->n_sleeps && i < SCMWQ_CALL_SLEEPS; i++)
		r->sleeps_shown += keep[i];
	rpt_summarise(r, c, keep);
	if (!r->o.rows)
		return;
	switch (r->o.format) {
	case SCMWQ_REPORT_JSON:
		json_call(r, c, keep);
		break;
	case SCMWQ_REPORT_CSV:
		csv_call(r, c, keep);
		break;
	default:
		text_call(r, c, keep);
	}
}

/* ------------------------------------------------------------ begin/end */

int scmwq_report_begin(struct scmwq_report *r, const char *path, struct scmwq_error *err)
{
	FILE *out = r->out;

	rpt_spool_reset(r);
	rpt_groups_clear(&r->by_wq);
	rpt_groups_clear(&r->by_fn);
	r->calls_seen = r->calls_shown = r->sleeps_shown = r->json_calls = 0;
	r->path = path;
	r->run++;

	switch (r->o.format) {
	case SCMWQ_REPORT_JSON:
		if (r->o.nfiles > 1)
			fprintf(out, "%s\n  {\"path\": ",
				r->run == 1 ? "{\"schema\": 1, \"runs\": [" : ",");
		else
			fprintf(out, "{\"schema\": 1, \"path\": ");
		scmwq_json_str(out, path);
		fprintf(out, ", \"units\": {\"timestamps\": \"ns\", \"durations\": \"ns\"}");
		if (r->o.rows)
			fprintf(out, ",\n  \"calls\": [");
		break;
	case SCMWQ_REPORT_CSV:
		if (r->run == 1)
			csv_header(r);
		break;
	default:
		if (r->o.nfiles > 1)
			fprintf(out, "%s%s:\n", r->run == 1 ? "" : "\n", path);
		if (r->o.rows)
			text_header(r);
	}
	return ferror(out) ? scmwq_error_set(err, SCMWQ_E_INTERNAL, "write error") : 0;
}

#define SUM_FN_KEY	"%-24s  %-10s %7s %7s"
#define SUM_WQ_KEY	"%6s %7s %6s %6s %6s %6s"
#define SUM_METRIC	"  %-9s %7s %10s %10s %10s %10s %10s\n"

/* The key columns of a summary row: the group's on its first line, blank after. */
static void text_summary_key(struct scmwq_report *r, bool fn_table, const struct group *g,
			     bool first)
{
	char k[6][64];

	if (!first) {
		if (fn_table)
			fprintf(r->out, SUM_FN_KEY, "", "", "", "");
		else
			fprintf(r->out, SUM_WQ_KEY, "", "", "", "", "", "");
		return;
	}
	if (fn_table) {
		if (g->other)
			snprintf(k[0], sizeof(k[0]), "(other)");
		else
			scmwq_smc_describe(g->key, k[0], sizeof(k[0]));
		if (g->other || !g->key)
			snprintf(k[1], sizeof(k[1]), "-");
		else
			snprintf(k[1], sizeof(k[1]), "0x%08" PRIx64, g->key);
		snprintf(k[2], sizeof(k[2]), "%" PRIu64, g->calls);
		snprintf(k[3], sizeof(k[3]), "%" PRIu64, g->sleeps);
		fprintf(r->out, SUM_FN_KEY, k[0], k[1], k[2], k[3]);
		return;
	}
	if (g->other)
		snprintf(k[0], sizeof(k[0]), "other");
	else
		snprintf(k[0], sizeof(k[0]), "%" PRIu64, g->key);
	snprintf(k[1], sizeof(k[1]), "%" PRIu64, g->sleeps);
	snprintf(k[2], sizeof(k[2]), "%" PRIu64, g->by_path[SCMWQ_PATH_IRQ]);
	snprintf(k[3], sizeof(k[3]), "%" PRIu64, g->by_path[SCMWQ_PATH_ACK]);
	snprintf(k[4], sizeof(k[4]), "%" PRIu64, g->by_path[SCMWQ_PATH_BANKED]);
	snprintf(k[5], sizeof(k[5]), "%" PRIu64, g->by_path[SCMWQ_PATH_NONE]);
	fprintf(r->out, SUM_WQ_KEY, k[0], k[1], k[2], k[3], k[4], k[5]);
}

/* The metric columns: its name, count, min, p50, p90, p99, max ("~": approximate). */
static void text_summary_metric(struct scmwq_report *r, enum metric m, const struct scmwq_hist *h)
{
	char n[32], v[5][40], t[32];
	const char *approx = scmwq_hist_exact(h) ? "" : "~";

	snprintf(n, sizeof(n), "%" PRIu64, scmwq_hist_count(h));
	if (!scmwq_hist_count(h)) {
		for (int k = 0; k < 5; k++)
			snprintf(v[k], sizeof(v[k]), "-");
	} else {
		tdur(r, v[0], sizeof(v[0]), (int64_t)scmwq_hist_min(h));
		for (int k = 0; k < 3; k++) {
			tdur(r, t, sizeof(t), (int64_t)scmwq_hist_percentile(h, rpt_pcts[k]));
			snprintf(v[k + 1], sizeof(v[k + 1]), "%s%s", approx, t);
		}
		tdur(r, v[4], sizeof(v[4]), (int64_t)scmwq_hist_max(h));
	}
	fprintf(r->out, SUM_METRIC, rpt_metric_names[m], n, v[0], v[1], v[2], v[3], v[4]);
}

static void text_summary_table(struct scmwq_report *r, bool fn_table)
{
	FILE *out = r->out;
	const struct groups *gs = fn_table ? &r->by_fn : &r->by_wq;
	const char *u = rpt_unit_name(r->o.unit_ns);
	const struct group *g;

	if (fn_table) {
		fprintf(out, "\nSummary by function id (durations in %s)\n\n", u);
		fprintf(out, SUM_FN_KEY, "function", "smc_id", "calls", "sleeps");
		fprintf(out, SUM_METRIC, "metric", "count", "min", "p50", "p90", "p99", "max");
		fprintf(out, SUM_FN_KEY, "------------------------", "----------", "-------",
			"-------");
	} else {
		/* a blank line after what came before, if anything did */
		fprintf(out, "%sSummary by wait-queue (durations in %s)\n\n",
			r->o.rows || r->o.nfiles > 1 ? "\n" : "", u);
		fprintf(out, SUM_WQ_KEY, "wq_ctx", "sleeps", "irq", "ack", "banked", "none");
		fprintf(out, SUM_METRIC, "metric", "count", "min", "p50", "p90", "p99", "max");
		fprintf(out, SUM_WQ_KEY, "------", "-------", "------", "------", "------",
			"------");
	}
	fprintf(out, SUM_METRIC, "---------", "-------", "----------", "----------",
		"----------", "----------", "----------");
	for (size_t i = 0; (g = rpt_group_at(gs, i)); i++) {
		bool first = true;

		for (int m = 0; m < M__COUNT; m++) {
			if (!rpt_metric_applies(fn_table, m, g))
				continue;
			text_summary_key(r, fn_table, g, first);
			text_summary_metric(r, m, g->m[m]);
			first = false;
		}
	}
	if (!rpt_group_at(gs, 0))
		fprintf(out, "(none)\n");
}

static void json_dist(FILE *out, const struct scmwq_hist *h)
{
	if (!scmwq_hist_count(h)) {
		fprintf(out, "{\"count\": 0, \"min\": null, \"p50\": null, \"p90\": null, "
			"\"p99\": null, \"max\": null, \"exact\": true}");
		return;
	}
	fprintf(out, "{\"count\": %" PRIu64 ", \"min\": %" PRIu64, scmwq_hist_count(h),
		scmwq_hist_min(h));
	for (int k = 0; k < 3; k++)
		fprintf(out, ", \"p%d\": %" PRIu64, (int)rpt_pcts[k],
			scmwq_hist_percentile(h, rpt_pcts[k]));
	fprintf(out, ", \"max\": %" PRIu64 ", \"exact\": %s}", scmwq_hist_max(h),
		scmwq_hist_exact(h) ? "true" : "false");
}

static void json_summary(struct scmwq_report *r, const struct scmwq_model_stats *st)
{
	FILE *out = r->out;
	const struct group *g;
	char name[64];

	fprintf(out, "  \"summary\": {\"calls\": %" PRIu64 ", \"sleeps\": %" PRIu64
		", \"calls_in_trace\": %" PRIu64 ", \"sleeps_in_trace\": %" PRIu64
		", \"wakes\": %" PRIu64 ", \"errors\": %" PRIu64 ", \"warnings\": %" PRIu64
		", \"inconclusive\": %" PRIu64 ", \"infos\": %" PRIu64 ", \"losses\": %" PRIu64
		",\n    \"by_wq_ctx\": [", r->calls_shown, r->sleeps_shown, r->calls_seen,
		st ? st->sleeps : 0, st ? st->wakes : 0, st ? st->errors : 0,
		st ? st->warnings : 0, st ? st->inconclusive : 0, st ? st->infos : 0,
		st ? st->losses : 0);
	for (size_t i = 0; (g = rpt_group_at(&r->by_wq, i)); i++) {
		fprintf(out, "%s\n      {\"wq_ctx\": ", i ? "," : "");
		if (g->other)
			fprintf(out, "null, \"other\": true");
		else
			fprintf(out, "%" PRIu64, g->key);
		fprintf(out, ", \"sleeps\": %" PRIu64 ", \"woken\": %" PRIu64
			", \"resumed\": %" PRIu64 ", \"by_path\": {\"irq\": %" PRIu64
			", \"ack\": %" PRIu64 ", \"banked\": %" PRIu64 ", \"none\": %" PRIu64 "}",
			g->sleeps, g->woken, g->resumed,
			g->by_path[SCMWQ_PATH_IRQ], g->by_path[SCMWQ_PATH_ACK],
			g->by_path[SCMWQ_PATH_BANKED], g->by_path[SCMWQ_PATH_NONE]);
		for (int m = M_WAIT; m < M__COUNT; m++) {
			fprintf(out, ",\n       \"%s\": ", metric_keys[m]);
			json_dist(out, g->m[m]);
		}
		fprintf(out, "}");
	}
	fprintf(out, "%s],\n    \"by_function\": [", rpt_group_at(&r->by_wq, 0) ? "\n    " : "");
	for (size_t i = 0; (g = rpt_group_at(&r->by_fn, i)); i++) {
		fprintf(out, "%s\n      {\"smc_id\": ", i ? "," : "");
		if (g->other || !g->key)
			fprintf(out, "null");
		else
			fprintf(out, "%" PRIu64, g->key);
		fprintf(out, ", \"function\": ");
		if (g->other)
			scmwq_json_str(out, "(other)");
		else
			scmwq_json_str(out, scmwq_smc_describe(g->key, name, sizeof(name)));
		fprintf(out, ", \"calls\": %" PRIu64 ", \"sleeps\": %" PRIu64
			", \"woken\": %" PRIu64 ", \"resumed\": %" PRIu64, g->calls, g->sleeps,
			g->woken, g->resumed);
		for (int m = 0; m < M__COUNT; m++) {
			fprintf(out, ",\n       \"%s\": ", metric_keys[m]);
			json_dist(out, g->m[m]);
		}
		fprintf(out, "}");
	}
	fprintf(out, "%s]}", rpt_group_at(&r->by_fn, 0) ? "\n    " : "");
}

static void csv_summary(struct scmwq_report *r)
{
	FILE *out = r->out;
	char b[64];
	const struct group *g;

	for (int t = 0; t < 2; t++) {
		const struct groups *gs = t ? &r->by_fn : &r->by_wq;

		for (size_t i = 0; (g = rpt_group_at(gs, i)); i++) {
			for (int m = 0; m < M__COUNT; m++) {
				const struct scmwq_hist *h = g->m[m];

				if (!rpt_metric_applies(t == 1, m, g))
					continue;
				csv_field(out, r->path);
				fprintf(out, ",%s,", t ? "function" : "wq_ctx");
				if (g->other)
					fputs("other", out);
				else if (t && g->key)
					fprintf(out, "0x%08" PRIx64, g->key);
				else if (!t)
					fprintf(out, "%" PRIu64, g->key);
				fputc(',', out);
				if (t)
					csv_field(out, g->other ? "(other)" :
						  scmwq_smc_describe(g->key, b, sizeof(b)));
				fputc(',', out);
				if (t)
					fprintf(out, "%" PRIu64, g->calls);
				fprintf(out, ",%" PRIu64 ",%s,%" PRIu64, g->sleeps,
					rpt_metric_names[m], scmwq_hist_count(h));
				if (!scmwq_hist_count(h)) {
					fputs(",,,,,,\n", out);
					continue;
				}
				fprintf(out, ",%s",
					cdur(r, b, sizeof(b), (int64_t)scmwq_hist_min(h)));
				for (int k = 0; k < 3; k++)
					fprintf(out, ",%s", cdur(r, b, sizeof(b),
						(int64_t)scmwq_hist_percentile(h, rpt_pcts[k])));
				fprintf(out, ",%s,%s\n", cdur(r, b, sizeof(b),
					(int64_t)scmwq_hist_max(h)),
					scmwq_hist_exact(h) ? "true" : "false");
			}
		}
	}
}

static void json_input(struct scmwq_report *r, const struct scmwq_report_input *in)
{
	FILE *out = r->out;
	const struct scmwq_replay_result *res = in->res;

	fprintf(out, "  \"input\": {\"path\": ");
	scmwq_json_str(out, in->path);
	fprintf(out, ", \"format\": ");
	if (in->format)
		scmwq_json_str(out, in->format);
	else
		fprintf(out, "null");
	fprintf(out, ", \"events\": %" PRIu64 ", \"lost_events\": %" PRIu64
		", \"malformed_lines\": %" PRIu64 ", \"driver\": \"%s\", \"driver_reason\": ",
		in->events, in->lost_events, in->malformed,
		scmwq_driver_name(res ? res->driver : SCMWQ_DRV_AUTO));
	scmwq_json_str(out, res ? res->driver_why : "");
	fprintf(out, ", \"error\": ");
	if (in->error)
		scmwq_json_str(out, in->error);
	else
		fprintf(out, "null");
	fprintf(out, "}");
}

int scmwq_report_end(struct scmwq_report *r, const struct scmwq_report_input *in)
{
	FILE *out = r->out;
	const struct scmwq_model_stats *st = in->res ? &in->res->stats : NULL;

	rpt_sort_groups(&r->by_wq);
	rpt_sort_groups(&r->by_fn);
	switch (r->o.format) {
	case SCMWQ_REPORT_JSON:
		if (r->o.rows)
			fprintf(out, "%s]", r->json_calls ? "\n  " : "");
		fprintf(out, ",\n  \"findings\": [");
		if (rpt_spool_copy(r) < 0)
			r->oom = true;
		fprintf(out, "%s],\n", r->spooled ? "\n  " : "");
		json_summary(r, st);
		fprintf(out, ",\n");
		json_input(r, in);
		fprintf(out, ",\n  \"exit_status\": %d}", in->exit_status);
		if (r->o.nfiles <= 1)
			fputc('\n', out);
		break;
	case SCMWQ_REPORT_CSV:
		if (r->o.summary && !r->o.rows)
			csv_summary(r);
		break;
	default:
		if (r->spooled) {
			fprintf(out, "\nFindings:\n");
			if (rpt_spool_copy(r) < 0)
				r->oom = true;
		}
		if (r->o.summary) {
			text_summary_table(r, false);
			text_summary_table(r, true);
			fprintf(out, "\nPercentiles by nearest rank: exact up to %d values, "
				"otherwise within %.1f%% (marked ~); min and max always exact.\n",
				SCMWQ_HIST_EXACT, 100.0 / SCMWQ_HIST_ERR_DIV);
		}
		fputc('\n', out);
		if (in->format) {
			fprintf(out, "%s: %s, %" PRIu64 " events", in->path, in->format,
				in->events);
			if (st && st->losses)
				fprintf(out, " (%" PRIu64 " loss marks, %" PRIu64 " events lost)",
					st->losses, in->lost_events);
			if (in->malformed)
				fprintf(out, ", %" PRIu64 " malformed lines skipped",
					in->malformed);
			if (in->res)
				fprintf(out, "; driver %s (%s)", scmwq_driver_name(in->res->driver),
					in->res->driver_why);
			fputc('\n', out);
		}
		fprintf(out, "%s: %" PRIu64 " of %" PRIu64 " calls shown, %" PRIu64
			" sleeps; %" PRIu64 " error%s, %" PRIu64 " warning%s, %" PRIu64
			" inconclusive%s\n", in->path, r->calls_shown, r->calls_seen,
			r->sleeps_shown,
			st ? st->errors : 0, st && st->errors == 1 ? "" : "s",
			st ? st->warnings : 0, st && st->warnings == 1 ? "" : "s",
			st ? st->inconclusive : 0,
			in->error ? " (reported up to the error above)" : "");
	}
	rpt_spool_reset(r);
	return ferror(out) || r->oom ? -1 : 0;
}

int scmwq_report_close(struct scmwq_report *r)
{
	if (r->o.format == SCMWQ_REPORT_JSON && r->o.nfiles > 1 && r->run)
		fprintf(r->out, "\n]}\n");
	return ferror(r->out) ? -1 : 0;
}
