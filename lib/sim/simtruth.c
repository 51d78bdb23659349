// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator's record of the truth: what faults happened, and which
 * findings replay must therefore report.  Written as one JSON document.
 */
#include <inttypes.h>
#include <string.h>

#include "sim/sim.h"

static struct scmwq_truth_item *add(struct scmwq_truth_item *arr, int *n, int cap,
				    enum scmwq_rule rule)
{
	struct scmwq_truth_item *it;

	if (*n >= cap)
		return NULL;
	it = &arr[(*n)++];
	memset(it, 0, sizeof(*it));
	it->rule = rule;
	it->pid = -1;
	it->evidence_end_ns = SCMWQ_TRUTH_TO_END;	/* until told: the whole trace */
	return it;
}

struct scmwq_truth_item *scmwq_truth_fault(struct scmwq_truth *t, enum scmwq_rule rule)
{
	return add(t->faults, &t->n_faults, (int)ARRAY_SIZE(t->faults), rule);
}

struct scmwq_truth_item *scmwq_truth_finding(struct scmwq_truth *t, enum scmwq_rule rule)
{
	return add(t->findings, &t->n_findings, (int)ARRAY_SIZE(t->findings), rule);
}

/* @end_ns: the trace's last event, where a span "to the end" ends */
static void item(FILE *out, const struct scmwq_truth_item *it, bool fault, uint64_t end_ns)
{
	const struct scmwq_rule_info *ri = scmwq_rule_info(it->rule);

	fprintf(out, "{\"rule\": \"%s\", ", ri->id);
	if (!fault)
		fprintf(out, "\"severity\": \"%s\", ", scmwq_severity_name(ri->severity));
	fprintf(out, "\"ts_ns\": %" PRIu64 ", \"pid\": ", it->ts_ns);
	if (it->pid >= 0)
		fprintf(out, "%d", it->pid);
	else
		fputs("null", out);
	fputs(", \"comm\": ", out);
	scmwq_json_str(out, it->comm);
	if (it->has_wq_ctx)
		fprintf(out, ", \"wq_ctx\": %u", it->wq_ctx);
	else
		fputs(", \"wq_ctx\": null", out);
	if (it->has_ctx)
		fprintf(out, ", \"smc_call_ctx\": %u", it->smc_call_ctx);
	else
		fputs(", \"smc_call_ctx\": null", out);
	if (fault) {
		fputs(", \"detail\": ", out);
		scmwq_json_str(out, it->detail);
	} else {
		uint64_t end = it->evidence_end_ns < end_ns ? it->evidence_end_ns : end_ns;
		uint64_t start = it->evidence_start_ns < end ? it->evidence_start_ns : end;

		fprintf(out, ", \"evidence_start_ns\": %" PRIu64 ", \"evidence_end_ns\": %" PRIu64,
			start, end);
	}
	fputc('}', out);
}

int scmwq_truth_write(FILE *out, const struct scmwq_truth *t, const struct scmwq_sim_opts *o,
		      const struct scmwq_sim_result *res)
{
	fprintf(out, "{\"schema\": 1, \"engine\": \"%s\", \"driver\": \"%s\", \"seed\": %" PRIu64
		", \"format\": \"%s\", \"threads\": %u, \"queues\": %u, \"calls\": %" PRIu64
		", \"events\": %" PRIu64 ", \"end_ns\": %" PRIu64 ",\n \"faults\": [",
		o->live ? "live" : "deterministic", scmwq_driver_name(o->driver), o->seed,
		scmwq_system_name(o->format), o->threads, o->queues, res->calls, res->events,
		res->end_ns);
	for (int i = 0; i < t->n_faults; i++) {
		fputs(i ? ",\n  " : "\n  ", out);
		item(out, &t->faults[i], true, res->end_ns);
	}
	fputs("],\n \"findings\": [", out);
	for (int i = 0; i < t->n_findings; i++) {
		fputs(i ? ",\n  " : "\n  ", out);
		item(out, &t->findings[i], false, res->end_ns);
	}
	fputs("]}\n", out);
	return fflush(out) || ferror(out) ? -1 : 0;
}
