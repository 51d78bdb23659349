// SPDX-License-Identifier: GPL-2.0
/*
 * scmwq-trace: the command table and dispatch.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"

#include "version.h"	/* SCMWQ_VERSION, written by the Makefile (git describe) */

const char *argp_program_version = "scmwq-trace " SCMWQ_VERSION;
const char *argp_program_bug_address = "the project's issue tracker";
const char *cmd_progname = "scmwq-trace";

const struct scmwq_cmd *const scmwq_cmds[] = {
	&cmd_replay,
	&cmd_report,
	&cmd_timeline,
	&cmd_model,
	&cmd_simulate,
	&cmd_record,
	&cmd_monitor,
	&cmd_completion,
	&cmd_version,
	NULL,
};

static int version_run(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: scmwq-trace version\nPrint the version of scmwq-trace.\n");
		return EXIT_OK;
	}
	if (argc > 1) {
		cmd_err("unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	printf("%s\n", argp_program_version);
	return EXIT_OK;
}

const struct scmwq_cmd cmd_version = {
	.name = "version",
	.summary = "print the version (as --version)",
	.run = version_run,
};

void cmd_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cmd_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cmd_diag_cb(const char *path, uint64_t line, const char *what, void *arg)
{
	struct cmd_diag *d = arg;

	d->count++;
	if (d->quiet)
		return;
	if (d->count <= 10)
		fprintf(stderr, "%s: %s:%llu: %s\n", cmd_progname, path, (unsigned long long)line,
			what);
	else if (d->count == 11)
		fprintf(stderr, "%s: %s: more malformed lines follow; only their count is "
			"reported\n", cmd_progname, path);
}

void cmd_remove_output(const char *path)
{
	struct stat st;

	if (path && lstat(path, &st) == 0 && S_ISREG(st.st_mode))
		unlink(path);
}

int cmd_parse_duration(struct argp_state *state, const char *opt, const char *arg, uint64_t *ns)
{
	if (scmwq_parse_duration(arg, ns) < 0) {
		argp_error(state, "invalid duration for --%s: '%s' (expected e.g. 100ms, 1s, 20us)",
			   opt, arg);
		return -1;
	}
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: scmwq-trace COMMAND [OPTION...] [ARG...]\n"
		"Check Qualcomm SCM wait-queue traces for lost wakeups and other protocol faults.\n\n"
		"Commands:\n");
	for (int i = 0; scmwq_cmds[i]; i++)
		if (!scmwq_cmds[i]->hidden)
			fprintf(out, "  %-10s  %s\n", scmwq_cmds[i]->name, scmwq_cmds[i]->summary);
	fprintf(out,
		"\n'scmwq-trace COMMAND --help' describes a command's options; man scmwq-trace-COMMAND\n"
		"has the details.  Example:\n"
		"  scmwq-trace replay trace.dat\n");
}

static int check_stdout(void)
{
	/* As git does: a command that could not write its output failed. */
	if (fflush(stdout) || ferror(stdout)) {
		if (errno == EPIPE)
			return 0;
		cmd_err("write error on standard output: %s", strerror(errno));
		return EXIT_SOFTWARE;
	}
	return 0;
}

static int unknown_command(const char *name)
{
	const size_t max = sizeof(scmwq_cmds) / sizeof(scmwq_cmds[0]);
	const char *known[sizeof(scmwq_cmds) / sizeof(scmwq_cmds[0])] = { NULL };
	const char *best;

	for (size_t i = 0; i < max && scmwq_cmds[i]; i++)
		if (!scmwq_cmds[i]->hidden)
			known[i] = scmwq_cmds[i]->name;
	best = cmd_suggest(name, known, max);
	if (best)
		cmd_err("'%s' is not a command; did you mean '%s'? See 'scmwq-trace --help'", name,
			best);
	else
		cmd_err("'%s' is not a command; see 'scmwq-trace --help'", name);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static char progname[64];
	const char *name;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		if (argc > 2 && strcmp(name, "help") == 0) {
			char *hargv[] = { argv[2], "--help", NULL };

			for (int i = 0; scmwq_cmds[i]; i++)
				if (!strcmp(scmwq_cmds[i]->name, argv[2])) {
					snprintf(progname, sizeof(progname), "scmwq-trace %s", argv[2]);
					cmd_progname = progname;
					hargv[0] = progname;
					return scmwq_cmds[i]->run(2, hargv);
				}
		}
		usage(stdout);
		return check_stdout();
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("%s\n", argp_program_version);
		return check_stdout();
	}
	for (int i = 0; scmwq_cmds[i]; i++) {
		if (strcmp(scmwq_cmds[i]->name, name))
			continue;
		snprintf(progname, sizeof(progname), "scmwq-trace %s", name);
		cmd_progname = progname;
		/* argp prints program_invocation_short_name in its messages. */
		program_invocation_name = progname;
		program_invocation_short_name = progname;
		argv[1] = progname;	/* argp's usage lines name the subcommand */
		ret = scmwq_cmds[i]->run(argc - 1, argv + 1);
		if (check_stdout())
			return EXIT_SOFTWARE;
		return ret;
	}
	return unknown_command(name);
}
