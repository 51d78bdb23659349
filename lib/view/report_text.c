// SPDX-License-Identifier: GPL-2.0
/*
 * The report as a text table for people, after perf sched timehist: a row
 * per call and per sleep in fixed-width columns under a units row, then
 * the summary tables by wait-queue and by function id.
 */
#include <inttypes.h>
#include <string.h>

#include "view/report_int.h"

/* Text: 3 decimals in us and ms (perf's msec.usec), none in ns. */
static char *tdur(const struct scmwq_report *r, char *buf, size_t len, int64_t v)
{
	return rpt_fmt_dur(buf, len, v, r->o.unit_ns, r->o.unit_ns == 1 ? 0 : 3);
}

static void comm_pid(char *buf, size_t len, const char *comm, int pid)
{
	snprintf(buf, len, "%s-%d", comm && comm[0] ? comm : "<...>", pid);
}

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

/* The call's row: when, who, what, how long, what it returned, notes. */
static void text_call_row(struct scmwq_report *r, const struct scmwq_call_rec *c)
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
}

/* A sleep's row under its call: the wait-queue, who woke it, how long it took. */
static void text_sleep_row(struct scmwq_report *r, const struct scmwq_sleep_rec *s)
{
	char ts[32], task[64], notes[256];
	char wq[64], by[96], wait[32] = "-", lat[32] = "-", st[4] = "", sch[32] = "";
	char t1[32], t2[32];
	size_t nl = 0;

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

void rpt_text_call(struct scmwq_report *r, const struct scmwq_call_rec *c, const bool *keep)
{
	text_call_row(r, c);
	for (int i = 0; i < c->n_sleeps && i < SCMWQ_CALL_SLEEPS; i++)
		if (keep[i])
			text_sleep_row(r, &c->sleeps[i]);
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

/* The start of a trace: its name when the report has several, the header. */
void rpt_text_begin(struct scmwq_report *r)
{
	FILE *out = r->out;
	const char *path = r->path;

	if (r->o.nfiles > 1)
		fprintf(out, "%s%s:\n", r->run == 1 ? "" : "\n", path);
	if (r->o.rows)
		text_header(r);
}

/* The last two lines: what the input was, and what was shown of it. */
static void text_input(struct scmwq_report *r, const struct scmwq_report_input *in,
		       const struct scmwq_model_stats *st)
{
	FILE *out = r->out;

	if (in->format) {
		fprintf(out, "%s: %s, %" PRIu64 " event%s", in->path, in->format,
			in->events, in->events == 1 ? "" : "s");
		if (st && st->losses)
			fprintf(out, " (%" PRIu64 " loss mark%s, %" PRIu64 " event%s lost)",
				st->losses, st->losses == 1 ? "" : "s", in->lost_events,
				in->lost_events == 1 ? "" : "s");
		if (in->malformed)
			fprintf(out, ", %" PRIu64 " malformed line%s skipped",
				in->malformed, in->malformed == 1 ? "" : "s");
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

/* The end of a trace: the findings, the summary tables, the input. */
void rpt_text_end(struct scmwq_report *r, const struct scmwq_report_input *in,
		  const struct scmwq_model_stats *st)
{
	FILE *out = r->out;

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
	text_input(r, in, st);
}
