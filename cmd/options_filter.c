// SPDX-License-Identifier: GPL-2.0
/*
 * The filters replay, report and timeline share (--cpu, --pid, --comm,
 * --wq-ctx, --time) as an argp child: help, parsing and completion the same
 * for all three.  What they select is lib/view/filter.c's.
 */
#include <string.h>

#include "cmd.h"

enum {
	OPT_WQ_CTX = 0x4b01,	/* away from the commands' own keys */
	OPT_TIME,
};

static const struct argp_option filter_options[] = {
	{ NULL, 0, NULL, 0,
	  "Which calls and findings to show (all filters must hold; the model still sees every "
	  "event):", 2 },
	{ "cpu", 'C', "CPU[,CPU...]", 0,
	  "calls with an event on these CPUs, findings whose thread last ran there; ranges "
	  "as in perf: 0,2-3", 2 },
	{ "pid", 'p', "PID[,PID...]", 0, "calls of these threads, findings about or naming them",
	  2 },
	{ "comm", 'c', "NAME[,NAME...]", 0,
	  "threads with these names (shell patterns: 'qseecom*')", 2 },
	{ "wq-ctx", OPT_WQ_CTX, "N[,N...]", 0,
	  "calls that slept on these wait-queues (their other sleeps are hidden), findings "
	  "about them", 2 },
	{ "time", OPT_TIME, "START,STOP", 0,
	  "calls that overlap this window, findings made in it: seconds of the trace's clock "
	  "(100.5,200; either side may be left out), +S: seconds after the first event "
	  "(+1,+2.5), or percents of the trace's span as in perf (10%/2, 0%-10%,30%-40%)", 2 },
	{ 0 }
};

static error_t filter_parse(int key, char *arg, struct argp_state *state)
{
	struct scmwq_filter *f = state->input;

	switch (key) {
	case 'C':
		if (scmwq_filter_add_cpus(f, arg) < 0)
			argp_error(state, "invalid --cpu '%s' (expected CPU[,CPU...] or ranges "
				   "FIRST-LAST, e.g. 0,2-3; CPUs below %d)", arg, SCMWQ_MAX_CPUS);
		break;
	case 'p':
		if (scmwq_filter_add_pids(f, arg) < 0)
			argp_error(state, "invalid --pid '%s' (expected PID[,PID...], at most %d)",
				   arg, SCMWQ_FILTER_MAX_PIDS);
		break;
	case 'c':
		if (scmwq_filter_add_comms(f, arg) < 0)
			argp_error(state, "invalid --comm '%s' (expected NAME[,NAME...], names "
				   "shorter than %d bytes, at most %d)", arg, SCMWQ_COMM_LEN,
				   SCMWQ_FILTER_MAX_COMMS);
		break;
	case OPT_WQ_CTX:
		if (scmwq_filter_add_wq(f, arg) < 0)
			argp_error(state, "invalid --wq-ctx '%s' (expected N[,N...], at most %d)",
				   arg, SCMWQ_FILTER_MAX_WQ);
		break;
	case OPT_TIME:
		if (scmwq_filter_set_time(f, arg) < 0)
			argp_error(state, "invalid --time '%s' (expected START,STOP in seconds, "
				   "e.g. 100.5,200, 100.5, or ,200, STOP not before START; +S for "
				   "seconds after the first event, e.g. +1,+2.5; or percents: 10%%/2 "
				   "(the second 10%% slice), 0%%-10%%[,30%%-40%%...])", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp cmd_filter_argp = { filter_options, filter_parse, NULL, NULL, NULL, NULL,
				      NULL };

const struct argp_child cmd_judge_filter_children[] = {
	{ &cmd_judge_argp, 0, NULL, 0 },
	{ &cmd_filter_argp, 0, NULL, 0 },
	{ 0 }
};

struct scmwq_source *cmd_open_filtered(const char *file, struct scmwq_filter *f,
				       struct cmd_diag *d, struct scmwq_error *err)
{
	bool pct = scmwq_filter_time_needs(f) == SCMWQ_TIME_PCT;
	struct cmd_diag saved = *d;
	struct scmwq_source *src;
	int rc;

	if (pct && !strcmp(file, "-")) {
		scmwq_error_set(err, SCMWQ_E_USAGE,
				"<stdin>: --time in percent needs the trace's span, known only at "
				"the end of standard input: give the trace as a file, or the times "
				"in seconds (absolute, or +S after the first event)");
		return NULL;
	}
	src = pct ? scmwq_source_open_rewindable(file, cmd_diag_cb, d, err) :
		    scmwq_source_open(file, cmd_diag_cb, d, err);
	if (!src)
		return NULL;
	/* the span pass reads what the judged pass reads: say it once, then */
	d->quiet = true;
	rc = scmwq_filter_prepare(f, src, err);
	*d = saved;
	if (rc < 0) {
		scmwq_source_free(src);
		return NULL;
	}
	return src;
}
