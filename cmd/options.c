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
