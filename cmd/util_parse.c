// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_argp_parse(): argp_parse() as every subcommand runs it, with what
 * users of git, perf and trace-cmd expect on top of argp: -h is --help, and
 * a mistyped long option gets a "did you mean".
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define MAX_LONG_OPTS 128

struct opt_table {
	const struct argp_option *opt[MAX_LONG_OPTS];
	size_t n;
};

/* Every option with a long name or a short key, children included. */
static void collect(const struct argp *a, struct opt_table *t)
{
	if (!a)
		return;
	for (const struct argp_option *o = a->options; o && (o->name || o->key || o->doc); o++)
		if ((o->name || (o->key > 0 && o->key < 128 && isprint(o->key))) &&
		    !(o->flags & OPTION_DOC) && t->n < MAX_LONG_OPTS)
			t->opt[t->n++] = o;
	for (const struct argp_child *ch = a->children; ch && ch->argp; ch++)
		collect(ch->argp, t);
}

/* argp's own options, which every command has. */
static const struct argp_option builtin_options[] = {
	{ "help", '?', NULL, 0, NULL, 0 },
	{ "usage", -3, NULL, 0, NULL, 0 },
	{ "version", 'V', NULL, 0, NULL, 0 },
	{ NULL, 'h', NULL, 0, NULL, 0 },
	{ 0 }
};

static const struct argp builtin_argp = { builtin_options, NULL, NULL, NULL, NULL, NULL, NULL };

/* The option for --NAME (exact, or a unique prefix as getopt takes it), or NULL. */
static const struct argp_option *find_long(const struct opt_table *t, const char *name, size_t len,
					   bool *ambiguous)
{
	const struct argp_option *hit = NULL;

	*ambiguous = false;
	for (size_t i = 0; i < t->n; i++) {
		const char *o = t->opt[i]->name;

		if (!o || strncmp(o, name, len))
			continue;
		if (!o[len])
			return t->opt[i];
		if (hit)
			*ambiguous = true;
		hit = t->opt[i];
	}
	return hit;
}

static const struct argp_option *find_short(const struct opt_table *t, int key)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->opt[i]->key == key)
			return t->opt[i];
	return NULL;
}

static bool takes_arg(const struct argp_option *o)
{
	return o->arg && !(o->flags & OPTION_ARG_OPTIONAL);
}

/*
 * Walk the command line as getopt will and stop at the first long option
 * that is no option of ours; if one of ours is close to it, say so and
 * return true.  Anything else is left to argp, which reports it.
 */
static bool unknown_long_option(const struct argp *argp, int argc, char **argv, unsigned flags)
{
	struct opt_table t = { .n = 0 };

	collect(argp, &t);
	collect(&builtin_argp, &t);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			return false;
		if (a[0] != '-' || !a[1]) {
			if (flags & ARGP_IN_ORDER)
				return false;	/* the rest may be a command to run */
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2;
			size_t len = strcspn(name, "=");
			const struct argp_option *o;
			const char *known[MAX_LONG_OPTS];
			const char *best;
			char word[80];
			bool ambiguous;

			o = find_long(&t, name, len, &ambiguous);
			if (o) {
				if (!ambiguous && !name[len] && takes_arg(o))
					i++;
				continue;
			}
			snprintf(word, sizeof(word), "%.*s", (int)len, name);
			for (size_t k = 0; k < t.n; k++)
				known[k] = (t.opt[k]->flags & OPTION_HIDDEN) ? NULL : t.opt[k]->name;
			best = cmd_suggest(word, known, t.n);
			if (!best)
				return false;
			fprintf(stderr, "%s: unrecognized option '--%s'; did you mean '--%s'?\n"
				"Try '%s --help' or '%s --usage' for more information.\n",
				cmd_progname, word, best, cmd_progname, cmd_progname);
			return true;
		}
		for (const char *c = a + 1; *c; c++) {
			const struct argp_option *o = find_short(&t, (unsigned char)*c);

			if (!o)
				return false;	/* argp names it */
			if (takes_arg(o)) {
				if (!c[1])
					i++;
				break;
			}
		}
	}
	return false;
}

/* The command's argp is the only child of one that adds -h. */
static const struct argp_option h_options[] = {
	{ NULL, 'h', NULL, OPTION_HIDDEN, "give this help list (as --help)", 0 },
	{ 0 }
};

static error_t h_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'h':
		argp_state_help(state, state->out_stream, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_INIT:
		state->child_inputs[0] = state->input;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int cmd_argp_parse(const struct argp *argp, int argc, char **argv, unsigned flags, void *input)
{
	const struct argp_child children[] = { { argp, 0, NULL, 0 }, { 0 } };
	const struct argp top = { h_options, h_parse, NULL, NULL, children, NULL,
				  argp->argp_domain };

	if (unknown_long_option(argp, argc, argv, flags))
		return EXIT_USAGE;
	return argp_parse(&top, argc, argv, flags, NULL, input);
}
