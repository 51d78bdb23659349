// SPDX-License-Identifier: GPL-2.0
/*
 * The report as CSV (RFC 4180) for spreadsheets: one row per sleep (or per
 * call without one) with the call's columns repeated, or one row per
 * summary group and metric.
 */
#include <inttypes.h>
#include <string.h>

#include "view/report_int.h"

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

void rpt_csv_call(struct scmwq_report *r, const struct scmwq_call_rec *c, const bool *keep)
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

/* The start of a trace: the header, before the first trace only. */
void rpt_csv_begin(struct scmwq_report *r)
{
	if (r->run == 1)
		csv_header(r);
}

/* The end of a trace: the summary rows, when they are all the report shows. */
void rpt_csv_end(struct scmwq_report *r)
{
	if (r->o.summary && !r->o.rows)
		csv_summary(r);
}
