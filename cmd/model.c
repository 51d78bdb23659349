// SPDX-License-Identifier: GPL-2.0
/*
 * scmwq-trace model: print the reference state machine from the very table
 * replay runs on, as a table, as DOT, or the list of rules.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

enum model_format { MODEL_TABLE, MODEL_DOT, MODEL_RULES };

struct model_params {
	enum model_format format;
};

static const struct argp_option model_options[] = {
	{ "format", 'f', "FORMAT", 0, "table (default), dot or rules", 0 },
	{ "dot", 'd', NULL, 0, "same as --format=dot", 0 },
	{ "rules", 'r', NULL, 0, "same as --format=rules: every rule id, severity, meaning", 0 },
	{ 0 }
};

static error_t model_parse(int key, char *arg, struct argp_state *state)
{
	struct model_params *p = state->input;

	switch (key) {
	case 'f':
		if (!strcmp(arg, "table"))
			p->format = MODEL_TABLE;
		else if (!strcmp(arg, "dot"))
			p->format = MODEL_DOT;
		else if (!strcmp(arg, "rules"))
			p->format = MODEL_RULES;
		else
			argp_error(state, "unknown format '%s' (expected table, dot or rules)", arg);
		break;
	case 'd':
		p->format = MODEL_DOT;
		break;
	case 'r':
		p->format = MODEL_RULES;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp model_argp = {
	model_options, model_parse, NULL,
	"Print the reference state machine of the SCM wait-queue protocol.\v"
	"The table is the one replay judges traces with: each row is an allowed transition "
	"of a call (per thread).  Anything else is a finding (see --rules).  "
	"'--format=dot | dot -Tsvg' draws it.",
	NULL, NULL, NULL
};

static void print_table(void)
{
	size_t n;
	const struct scmwq_transition *t = scmwq_transitions(&n);

	printf("%-10s  %-18s  %-10s  %s\n", "FROM", "EVENT", "TO", "NOTE");
	for (size_t i = 0; i < n; i++)
		printf("%-10s  %-18s  %-10s  %s\n", scmwq_state_name(t[i].from),
		       scmwq_input_name(t[i].input),
		       t[i].to == SCMWQ_ST__COUNT ? "(same)" : scmwq_state_name(t[i].to),
		       t[i].note);
}

static void print_dot(void)
{
	size_t n;
	const struct scmwq_transition *t = scmwq_transitions(&n);

	printf("digraph scmwq_call {\n");
	printf("\tlabel=\"SCM call per thread (scmwq-trace reference model)\";\n");
	printf("\trankdir=LR;\n\tnode [shape=ellipse];\n");
	printf("\t__init [shape=point];\n\t__init -> %s;\n", scmwq_state_name(SCMWQ_ST_IDLE));
	for (int s = 0; s < SCMWQ_ST__COUNT; s++)
		printf("\t%s%s;\n", scmwq_state_name(s),
		       s == SCMWQ_ST_IDLE ? " [shape=doublecircle]" : "");
	for (size_t i = 0; i < n; i++) {
		const char *to = t[i].to == SCMWQ_ST__COUNT ? scmwq_state_name(t[i].from)
							     : scmwq_state_name(t[i].to);

		printf("\t%s -> %s [label=\"%s\"];\n", scmwq_state_name(t[i].from), to,
		       scmwq_input_name(t[i].input));
	}
	printf("}\n");
}

static void print_rules(void)
{
	printf("%-22s  %-8s  %s\n", "RULE", "SEVERITY", "MEANING");
	for (int r = 0; r < SCMWQ_R__COUNT; r++) {
		const struct scmwq_rule_info *ri = scmwq_rule_info(r);

		printf("%-22s  %-8s  %s\n", ri->id, scmwq_severity_name(ri->severity), ri->summary);
	}
}

static int model_run(int argc, char **argv)
{
	struct model_params p = { MODEL_TABLE };

	if (cmd_argp_parse(&model_argp, argc, argv, 0, &p))
		return EXIT_USAGE;
	switch (p.format) {
	case MODEL_DOT:
		print_dot();
		break;
	case MODEL_RULES:
		print_rules();
		break;
	default:
		print_table();
	}
	return EXIT_OK;
}

static const struct cmd_values model_values[] = {
	{ "format", "table dot rules" },
	{ NULL, NULL },
};

const struct scmwq_cmd cmd_model = {
	.name = "model",
	.summary = "print the reference state machine (table, DOT) and the rules",
	.argp = &model_argp,
	.values = model_values,
	.run = model_run,
};
