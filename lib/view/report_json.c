// SPDX-License-Identifier: GPL-2.0
/*
 * The report as one JSON document for programs: per trace, the calls with
 * their sleeps, the findings, the summary distributions and the input,
 * every time and duration in ns.
 */
#include <inttypes.h>

#include <scmwq/output.h>

#include "view/report_int.h"

static const char *const metric_keys[M__COUNT] = {
	[M_DURATION] = "duration_ns",
	[M_WAIT] = "wait_ns",
	[M_WAKE_LAT] = "wake_latency_ns",
	[M_SCHED] = "sched_delay_ns",
};

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

void rpt_json_call(struct scmwq_report *r, const struct scmwq_call_rec *c, const bool *keep)
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

/* The start of a trace: the document (or the next run), its path, the calls. */
void rpt_json_begin(struct scmwq_report *r)
{
	FILE *out = r->out;
	const char *path = r->path;

	if (r->o.nfiles > 1)
		fprintf(out, "%s\n  {\"path\": ",
			r->run == 1 ? "{\"schema\": 1, \"runs\": [" : ",");
	else
		fprintf(out, "{\"schema\": 1, \"path\": ");
	scmwq_json_str(out, path);
	fprintf(out, ", \"units\": {\"timestamps\": \"ns\", \"durations\": \"ns\"}");
	if (r->o.rows)
		fprintf(out, ",\n  \"calls\": [");
}

/* The end of a trace: the calls closed, the findings, the summary, the input. */
void rpt_json_end(struct scmwq_report *r, const struct scmwq_report_input *in,
		  const struct scmwq_model_stats *st)
{
	FILE *out = r->out;

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
}
