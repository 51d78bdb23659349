// SPDX-License-Identifier: GPL-2.0
/*
 * Options more than one command shares, as argp children: the reference
 * model's (--driver, --grace, --stall, --skew) for replay, report and
 * timeline.  Defined once, so help, parsing and completion agree.
 */
#include <string.h>

#include "cmd.h"

enum {
	OPT_GRACE = 0x4a01,	/* away from the commands' own keys */
	OPT_STALL,
	OPT_SKEW,
};

static const struct argp_option judge_options[] = {
	{ NULL, 0, NULL, 0, "How to judge (the reference model, as replay does):", 1 },
	{ "driver", 'd', "DRIVER", 0,
	  "judge as this driver: auto (default), mainline, mainline-6.3, mainline-6.11, vendor, "
	  "draft-2022", 1 },
	{ "grace", OPT_GRACE, "DURATION", 0,
	  "how long a woken sleeper may take to resume (default 100ms)", 1 },
	{ "stall", OPT_STALL, "DURATION", 0,
	  "how long a sleeper may wait with no wake at all (default 1s)", 1 },
	{ "skew", OPT_SKEW, "DURATION", 0,
	  "events on different CPUs closer than this may be out of order (default 20us)", 1 },
	{ 0 }
};

static error_t judge_parse(int key, char *arg, struct argp_state *state)
{
	struct cmd_judge *j = state->input;

	switch (key) {
	case 'd':
		if (scmwq_driver_parse(arg, j->driver) < 0)
			argp_error(state, "unknown driver '%s' (expected auto, mainline, mainline-6.3, "
				   "mainline-6.11, vendor or draft-2022)", arg);
		break;
	case OPT_GRACE:
		cmd_parse_duration(state, "grace", arg, &j->model->grace_ns);
		break;
	case OPT_STALL:
		cmd_parse_duration(state, "stall", arg, &j->model->stall_ns);
		break;
	case OPT_SKEW:
		cmd_parse_duration(state, "skew", arg, &j->model->skew_ns);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp cmd_judge_argp = { judge_options, judge_parse, NULL, NULL, NULL, NULL, NULL };

/* Their values, for completion (completion.c looks here after the command's own). */
const struct cmd_values cmd_judge_values[] = {
	{ "driver", "auto mainline mainline-6.3 mainline-6.11 vendor draft-2022" },
	{ NULL, NULL },
};

const struct argp_child cmd_judge_children[] = {
	{ &cmd_judge_argp, 0, NULL, 0 },
	{ 0 }
};

void cmd_finding_text(FILE *out, const struct scmwq_finding *f)
{
	const struct scmwq_rule_info *ri = scmwq_rule_info(f->rule);
	char ts[32];

	scmwq_format_ts(ts, sizeof(ts), f->ts_ns);
	fprintf(out, "%s %-7s %-20s", ts,
		f->inconclusive ? "incon." : scmwq_severity_name(f->severity), ri->id);
	if (f->pid >= 0)
		fprintf(out, " %s-%d", f->comm[0] ? f->comm : "<...>", f->pid);
	if (f->has_wq_ctx)
		fprintf(out, " wq_ctx=%u", f->wq_ctx);
	if (f->has_ctx)
		fprintf(out, " smc_call_ctx=%u", f->smc_call_ctx);
	fprintf(out, ": %s\n", f->message);
}

void cmd_finding_json(FILE *out, const struct scmwq_finding *f, const char *lead)
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
