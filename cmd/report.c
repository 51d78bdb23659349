// SPDX-License-Identifier: GPL-2.0
/*
 * scmwq-trace report: per-call sleep/wake tables and a summary, from the
 * same model replay judges with.  The options are parsed here; the rows,
 * the summary and the formats are lib/view/report.c.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct report_params {
	enum scmwq_driver driver;
	struct scmwq_model_opts model;
	struct cmd_judge judge;	/* points at the two above */
	struct scmwq_report_opts ro;
	bool summary_only, with_summary;
	bool quiet;
	enum cmd_color color;
	char **files;
	int nfiles;
};

enum {
	OPT_UNIT = 256,
	OPT_MIN_WAIT,
	OPT_COLOR,
	OPT_SORT,
};

static const struct argp_option report_options[] = {
	{ NULL, 0, NULL, 0, "What to show:", 1 },
	{ "format", 'f', "FORMAT", 0, "text (default), json or csv", 1 },
	{ "summary", 's', NULL, 0,
	  "only the summary by wait-queue and by function id (no rows)", 1 },
	{ "with-summary", 'S', NULL, 0, "the rows, then the summary", 1 },
	{ "sort", OPT_SORT, "KEY[,KEY...]", 0,
	  "order of the rows: start (default), end, duration, pid, comm, wq-ctx, function, "
	  "wait; -KEY for largest first (e.g. -duration)", 1 },
	{ "unit", OPT_UNIT, "UNIT", 0,
	  "durations in ms (default; 3 decimals), us or ns; timestamps are always seconds", 1 },
	{ "min-wait", OPT_MIN_WAIT, "DURATION", 0,
	  "calls with a sleep that waited at least this long for its wake (a sleep never woken "
	  "counts)", 2 },
	{ NULL, 0, NULL, 0, "Other:", 4 },
	{ "quiet", 'q', NULL, 0, "do not list malformed lines (they are still counted)", 4 },
	CMD_COLOR_OPTION(OPT_COLOR, 4),
	{ 0 }
};

static error_t report_parse(int key, char *arg, struct argp_state *state)
{
	struct report_params *p = state->input;
	struct scmwq_filter *f = &p->ro.filter;

	switch (key) {
	case ARGP_KEY_INIT:
		p->judge.driver = &p->driver;
		p->judge.model = &p->model;
		state->child_inputs[0] = &p->judge;
		state->child_inputs[1] = f;
		break;
	case 'f':
		if (!strcmp(arg, "text"))
			p->ro.format = SCMWQ_REPORT_TEXT;
		else if (!strcmp(arg, "json"))
			p->ro.format = SCMWQ_REPORT_JSON;
		else if (!strcmp(arg, "csv"))
			p->ro.format = SCMWQ_REPORT_CSV;
		else
			argp_error(state, "unknown format '%s' (expected text, json or csv)", arg);
		break;
	case 's':
		p->summary_only = true;
		break;
	case 'S':
		p->with_summary = true;
		break;
	case OPT_UNIT:
		if (!strcmp(arg, "ms"))
			p->ro.unit_ns = 1000000;
		else if (!strcmp(arg, "us") || !strcmp(arg, "µs"))
			p->ro.unit_ns = 1000;
		else if (!strcmp(arg, "ns"))
			p->ro.unit_ns = 1;
		else
			argp_error(state, "unknown unit '%s' (expected ms, us or ns)", arg);
		break;
	case OPT_SORT:
		if (scmwq_report_sort_parse(&p->ro.sort, arg) < 0)
			argp_error(state, "invalid --sort '%s' (expected KEY[,KEY...], at most %d, of "
				   "start, end, duration, pid, comm, wq-ctx, function, wait; -KEY "
				   "for largest first)", arg, SCMWQ_REPORT_SORT_KEYS);
		break;
	case OPT_MIN_WAIT:
		cmd_parse_duration(state, "min-wait", arg, &f->min_wait_ns);
		break;
	case 'q':
		p->quiet = true;
		break;
	case OPT_COLOR:
		cmd_color_parse(state, arg, &p->color);
		break;
	case ARGP_KEY_ARGS:
		p->files = state->argv + state->next;
		p->nfiles = state->argc - state->next;
		break;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "no trace given (a trace.dat or ftrace text file, or - for "
			   "stdin)");
		break;
	case ARGP_KEY_END:
		if (p->summary_only && p->with_summary)
			argp_error(state, "--summary and --with-summary exclude each other");
		if (p->ro.format == SCMWQ_REPORT_CSV && p->with_summary)
			argp_error(state, "CSV holds one table: --format=csv takes --summary "
				   "(the summary table) or no summary option (the rows), not "
				   "--with-summary");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The filters ("Which calls", group 2), then the model's options under their own heading. */
static const struct argp_child report_children[] = {
	{ &cmd_judge_argp, 0, NULL, 3 },	/* child_inputs[0] */
	{ &cmd_filter_argp, 0, NULL, 2 },	/* child_inputs[1] */
	{ 0 }
};

static const struct argp report_argp = {
	report_options, report_parse, "TRACE...",
	"Per-call sleep/wake tables of SCM wait-queue traces: one row per call and one per sleep "
	"(who woke it, how long it waited, how long it took to resume), then a summary by "
	"wait-queue and by function id.\v"
	"TRACE is a trace.dat (trace-cmd, versions 6 and 7) or ftrace text (the tracefs 'trace' "
	"file, trace_pipe, 'trace-cmd report' output); '-' reads standard input.  Each file is "
	"reported on its own.  Rows come in the order the calls started (--sort for another).  "
	"Timestamps are in seconds; every duration is in the --unit.\n\n"
	"Exit status: 0 the traces were read (findings do not change it: use replay for a "
	"verdict), 64 bad command line, 65 input is not a readable trace, 66 input cannot be "
	"opened, 70 internal error.\n\n"
	"Examples:\n"
	"  scmwq-trace report trace.dat\n"
	"  scmwq-trace report --with-summary --comm='qseecom*' --min-wait=10ms \\\n"
	"      trace.dat\n"
	"  scmwq-trace report -f json trace.dat |\n"
	"      jq '.calls[] | select(.sleeps | length > 0)'",
	report_children, NULL, NULL
};

/* ------------------------------------------------------------------ */

struct run {
	const struct report_params *p;
	struct scmwq_report *rep;
	struct cmd_diag diag;
};

/* Report one file; returns its exit status. */
static int report_one(const struct report_params *p, struct scmwq_report *rep, const char *file)
{
	const char *path = strcmp(file, "-") ? file : "<stdin>";
	struct run run = { .p = p, .rep = rep };
	struct scmwq_replay_opts ro = {
		.driver = p->driver,
		.model = p->model,
		.finding = scmwq_report_finding,
		.finding_arg = rep,
		.call_fn = scmwq_report_call,
		.filter = scmwq_report_filter(rep),
	};
	struct scmwq_replay_result res = { .driver = p->driver };
	struct scmwq_report_input in = { .path = path, .res = &res };
	struct scmwq_error err = { 0 };
	struct scmwq_source *src;
	int status = EXIT_OK;

	run.diag.quiet = p->quiet;
	src = NULL;
	src = cmd_open_filtered(file, ro.filter, &run.diag, &err);
	if (!src) {
		status = scmwq_errclass_exit(err.cls);
		cmd_err("%s", err.msg);
		if (p->ro.format != SCMWQ_REPORT_JSON)
			return status;	/* text and CSV: nothing to show */
		/* JSON: an entry that says why, as replay's */
		in.error = err.msg;
		in.exit_status = status;
		if (scmwq_report_begin(rep, path, &err) < 0 || scmwq_report_end(rep, &in) < 0)
			return EXIT_SOFTWARE;
		return status;
	}
	if (scmwq_report_begin(rep, path, &err) < 0) {
		cmd_err("%s", err.msg);
		scmwq_source_free(src);
		return EXIT_SOFTWARE;
	}
	if (scmwq_replay(src, &ro, &res, &err) < 0) {
		/* what was read is reported; the counts say it stopped early */
		status = scmwq_errclass_exit(err.cls);
		cmd_err("%s", err.msg);
		in.error = err.msg;
	}
	in.format = scmwq_source_format_name(src);
	in.events = res.events;
	in.lost_events = scmwq_source_lost(src);
	in.malformed = scmwq_source_malformed(src);
	in.exit_status = status;
	if (scmwq_report_end(rep, &in) < 0 && status == EXIT_OK) {
		cmd_err("%s: out of memory or a write error while reporting", path);
		status = EXIT_SOFTWARE;
	}
	scmwq_source_free(src);
	return status;
}

static int report_run(int argc, char **argv)
{
	struct report_params p = {
		.driver = SCMWQ_DRV_AUTO,
		.ro = { .format = SCMWQ_REPORT_TEXT, .unit_ns = 1000000, .out = stdout },
	};
	struct scmwq_error err = { 0 };
	struct scmwq_report *rep;
	int status = EXIT_OK;

	scmwq_model_opts_init(&p.model);
	argp_err_exit_status = EXIT_USAGE;
	if (cmd_argp_parse(&report_argp, argc, argv, 0, &p))
		return EXIT_USAGE;
	p.ro.rows = !p.summary_only;
	p.ro.summary = p.summary_only || p.with_summary;
	p.ro.nfiles = p.nfiles;
	p.ro.color = p.ro.format == SCMWQ_REPORT_TEXT && cmd_color_want(p.color, stdout);

	rep = scmwq_report_alloc(&p.ro, &err);
	if (!rep) {
		cmd_err("%s", err.msg);
		return EXIT_SOFTWARE;
	}
	for (int i = 0; i < p.nfiles; i++) {
		int st = report_one(&p, rep, p.files[i]);

		if (st != EXIT_OK && status == EXIT_OK)
			status = st;	/* the first input error decides */
	}
	if (scmwq_report_close(rep) < 0 && status == EXIT_OK)
		status = EXIT_SOFTWARE;
	scmwq_report_free(rep);
	return status;
}

static const struct cmd_values report_values[] = {
	{ "format", "text json csv" },
	{ "unit", "ms us ns" },
	{ "color", CMD_COLOR_VALUES },
	{ NULL, NULL },
};

const struct scmwq_cmd cmd_report = {
	.name = "report",
	.summary = "per-call sleep/wake tables and a summary: who woke whom, waits, latencies",
	.argp = &report_argp,
	.values = report_values,
	.takes_files = true,
	.run = report_run,
};
