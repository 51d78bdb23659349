// SPDX-License-Identifier: GPL-2.0
/*
 * --color=auto|always|never, as git reads it, for every command that
 * colours its text (replay, report, timeline): colour on a terminal unless
 * NO_COLOR (https://no-color.org) is set or TERM is dumb; always and never
 * override both.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

int cmd_color_parse(struct argp_state *state, const char *arg, enum cmd_color *c)
{
	if (!strcmp(arg, "auto")) {
		*c = CMD_COLOR_AUTO;
	} else if (!strcmp(arg, "always")) {
		*c = CMD_COLOR_ALWAYS;
	} else if (!strcmp(arg, "never")) {
		*c = CMD_COLOR_NEVER;
	} else {
		argp_error(state, "unknown --color '%s' (expected auto, always or never)", arg);
		return -1;
	}
	return 0;
}

bool cmd_color_want(enum cmd_color c, FILE *out)
{
	const char *term = getenv("TERM");
	const char *no = getenv("NO_COLOR");

	if (c != CMD_COLOR_AUTO)
		return c == CMD_COLOR_ALWAYS;
	if (no && *no)
		return false;
	return isatty(fileno(out)) && !(term && !strcmp(term, "dumb"));
}
