// SPDX-License-Identifier: GPL-2.0
/*
 * Report: one row per SCM call and one per sleep, as the calls end, then a
 * summary by wait-queue and by function id with streaming percentiles.
 * The calls come from the per-call timelines (lib/view/calls.c), so who woke
 * whom is exactly what replay decided.
 *
 * Layout after perf sched timehist: fixed-width columns with a units row,
 * timestamps in seconds, every duration in one unit.  Memory grows with the
 * number of distinct wait-queues and function ids (both capped), never with
 * the number of calls; findings are spooled to a temporary file until the
 * rows are done.
 */
#include <stdlib.h>

#include "view/report_int.h"

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

struct scmwq_filter *scmwq_report_filter(struct scmwq_report *r)
{
	return &r->o.filter;
}

void scmwq_report_free(struct scmwq_report *r)
{
	if (!r)
		return;
	rpt_spool_reset(r);
	rpt_rows_reset(r);
	rpt_groups_clear(&r->by_wq);
	rpt_groups_clear(&r->by_fn);
	free(r);
}

void scmwq_report_call(const struct scmwq_call_rec *c, void *arg)
{
	struct scmwq_report *r = arg;
	bool keep[SCMWQ_CALL_SLEEPS];

	r->calls_seen++;
	if (!scmwq_filter_match_call(&r->o.filter, c, keep))
		return;
	r->calls_shown++;
	for (int i = 0; i < c->n_sleeps && i < SCMWQ_CALL_SLEEPS; i++)
		r->sleeps_shown += keep[i];
	rpt_summarise(r, c, keep);
	if (r->o.rows)
		rpt_rows_add(r, c, keep);
}

int scmwq_report_begin(struct scmwq_report *r, const char *path, struct scmwq_error *err)
{
	FILE *out = r->out;

	rpt_spool_reset(r);
	rpt_rows_reset(r);
	rpt_groups_clear(&r->by_wq);
	rpt_groups_clear(&r->by_fn);
	r->calls_seen = r->calls_shown = r->sleeps_shown = r->json_calls = 0;
	r->path = path;
	r->run++;

	switch (r->o.format) {
	case SCMWQ_REPORT_JSON:
		rpt_json_begin(r);
		break;
	case SCMWQ_REPORT_CSV:
		rpt_csv_begin(r);
		break;
	default:
		rpt_text_begin(r);
	}
	return ferror(out) ? scmwq_error_set(err, SCMWQ_E_INTERNAL, "write error") : 0;
}

int scmwq_report_end(struct scmwq_report *r, const struct scmwq_report_input *in)
{
	FILE *out = r->out;
	const struct scmwq_model_stats *st = in->res ? &in->res->stats : NULL;

	rpt_rows_flush(r);
	if (r->rows_late && r->o.format == SCMWQ_REPORT_TEXT)
		fprintf(out, "(%llu rows written before an older call that was still open: more "
			"than %d calls ended while it was)\n", (unsigned long long)r->rows_late,
			RPT_HOLD_MAX);
	rpt_sort_groups(&r->by_wq);
	rpt_sort_groups(&r->by_fn);
	switch (r->o.format) {
	case SCMWQ_REPORT_JSON:
		rpt_json_end(r, in, st);
		break;
	case SCMWQ_REPORT_CSV:
		rpt_csv_end(r);
		break;
	default:
		rpt_text_end(r, in, st);
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
