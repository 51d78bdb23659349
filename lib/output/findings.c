// SPDX-License-Identifier: GPL-2.0
/*
 * Findings as replay, report and monitor print them: one text line, or
 * one JSON object with replay.md's keys.
 */
#include <scmwq/output.h>

#include <string.h>

#include "base/base.h"

/* A finding as replay prints it: one text line, or one JSON object. */
/* SGR of a severity on a terminal: errors bold red, warnings yellow, the rest dim */
static const char *severity_sgr(const struct scmwq_finding *f)
{
	if (f->inconclusive)
		return "36";
	switch (f->severity) {
	case SCMWQ_SEV_ERROR:
		return "1;31";
	case SCMWQ_SEV_WARNING:
		return "33";
	default:
		return "2";
	}
}

void scmwq_finding_write_text(FILE *out, const struct scmwq_finding *f)
{
	scmwq_finding_write_text_color(out, f, false);
}

void scmwq_finding_write_text_color(FILE *out, const struct scmwq_finding *f, bool color)
{
	const struct scmwq_rule_info *ri = scmwq_rule_info(f->rule);
	const char *sev = f->inconclusive ? "incon." : scmwq_severity_name(f->severity);
	char ts[32];

	scmwq_format_ts(ts, sizeof(ts), f->ts_ns);
	if (color)	/* the padding outside the colour, so that columns still align */
		fprintf(out, "%s \033[%sm%s\033[0m%*s %-20s", ts, severity_sgr(f), sev,
			7 - (int)strlen(sev), "", ri->id);
	else
		fprintf(out, "%s %-7s %-20s", ts, sev, ri->id);
	if (f->pid >= 0)
		fprintf(out, " %s-%d", f->comm[0] ? f->comm : "<...>", f->pid);
	if (f->has_wq_ctx)
		fprintf(out, " wq_ctx=%u", f->wq_ctx);
	if (f->has_ctx)
		fprintf(out, " smc_call_ctx=%u", f->smc_call_ctx);
	/* about the whole trace (a loss, the driver): no thread, no empty "subject:" */
	if (f->pid < 0 && !f->has_wq_ctx && !f->has_ctx)
		fprintf(out, " %s\n", f->message);
	else
		fprintf(out, ": %s\n", f->message);
}

void scmwq_finding_write_json(FILE *out, const struct scmwq_finding *f, const char *lead)
{
	const struct scmwq_rule_info *ri = scmwq_rule_info(f->rule);

	fprintf(out, "{%s\"rule\": \"%s\", \"severity\": \"%s\", \"inconclusive\": %s, "
		"\"ts_ns\": %llu, \"pid\": ", lead, ri->id, scmwq_severity_name(f->severity),
		f->inconclusive ? "true" : "false", (unsigned long long)f->ts_ns);
	if (f->pid >= 0)
		fprintf(out, "%d", f->pid);
	else
		fprintf(out, "null");
	fprintf(out, ", \"comm\": ");
	scmwq_json_str(out, f->comm);
	if (f->has_wq_ctx)
		fprintf(out, ", \"wq_ctx\": %u", f->wq_ctx);
	else
		fprintf(out, ", \"wq_ctx\": null");
	if (f->has_ctx)
		fprintf(out, ", \"smc_call_ctx\": %u", f->smc_call_ctx);
	else
		fprintf(out, ", \"smc_call_ctx\": null");
	fprintf(out, ", \"pids\": [");
	for (int i = 0; i < f->n_named; i++)
		fprintf(out, "%s%d", i ? ", " : "", f->named_pid[i]);
	fprintf(out, "], \"message\": ");
	scmwq_json_str(out, f->message);
	fprintf(out, "}");
}
