// SPDX-License-Identifier: GPL-2.0
/*
 * scmwq-trace replay: judge traces against the reference model and say
 * what departs from it, for people (text) and for CI (JSON, exit status).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

enum out_format { OUT_TEXT, OUT_JSON };

struct replay_params {
	enum scmwq_driver driver;
	struct scmwq_model_opts model;
	struct cmd_judge judge;	/* points at the two above */
	struct scmwq_filter filter;
	enum out_format format;
	bool strict;
	bool quiet;
	bool verbose;
	int jobs;		/* -j: files judged at once */
	int progress;		/* -1 auto (stderr is a terminal), 0 off, 1 on */
	enum cmd_color color_when;
	bool color;
	char **files;
	int nfiles;
};

enum {
	OPT_STRICT = 256,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_COLOR,
};

#define MAX_JOBS 1024

static const struct argp_option replay_options[] = {
	{ "format", 'f', "FORMAT", 0, "text (default) or json", 0 },
	{ "strict", OPT_STRICT, NULL, 0,
	  "warnings and inconclusive findings count as errors for the exit status", 0 },
	{ "quiet", 'q', NULL, 0, "do not list malformed lines (they are still counted)", 0 },
	{ "verbose", 'v', NULL, 0, "also print info notes (threads that joined mid-call, ...)", 0 },
	{ "progress", OPT_PROGRESS, NULL, 0,
	  "show progress on stderr (default: when stderr is a terminal)", 0 },
	{ "no-progress", OPT_NO_PROGRESS, NULL, 0, "never show progress", 0 },
	CMD_COLOR_OPTION(OPT_COLOR, 0),
	{ "jobs", 'j', "N", 0,
	  "judge N files at once (default 1); the output is in the order of the files, the "
	  "same as one after another, and so is the exit status", 0 },
	{ 0 }
};

static error_t replay_parse(int key, char *arg, struct argp_state *state)
{
	struct replay_params *p = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		p->judge.driver = &p->driver;
		p->judge.model = &p->model;
		state->child_inputs[0] = &p->judge;
		state->child_inputs[1] = &p->filter;
		break;
	case 'f':
		if (!strcmp(arg, "text"))
			p->format = OUT_TEXT;
		else if (!strcmp(arg, "json"))
			p->format = OUT_JSON;
		else
			argp_error(state, "unknown format '%s' (expected text or json)", arg);
		break;
	case OPT_STRICT:
		p->strict = true;
		break;
	case 'q':
		p->quiet = true;
		break;
	case 'v':
		p->verbose = true;
		break;
	case OPT_PROGRESS:
		p->progress = 1;
		break;
	case OPT_NO_PROGRESS:
		p->progress = 0;
		break;
	case OPT_COLOR:
		cmd_color_parse(state, arg, &p->color_when);
		break;
	case 'j': {
		char *end;
		long v;

		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v < 1 || v > MAX_JOBS)
			argp_error(state, "invalid --jobs '%s' (expected a number from 1 to %d)", arg,
				   MAX_JOBS);
		p->jobs = (int)v;
		break;
	}
	case ARGP_KEY_ARGS:
		p->files = state->argv + state->next;
		p->nfiles = state->argc - state->next;
		break;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "no trace given (a trace.dat or ftrace text file, or - for stdin)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp replay_argp = {
	replay_options, replay_parse, "TRACE...",
	"Judge SCM wait-queue traces against the reference model of the protocol.\v"
	"TRACE is a trace.dat (trace-cmd, versions 6 and 7) or ftrace text (the tracefs 'trace' "
	"file, trace_pipe, 'trace-cmd report' output); '-' reads standard input.  The kind is "
	"told from the content.  Each file is judged on its own.\n\n"
	"With filters (--cpu, --pid, --comm, --wq-ctx, --time) every event is still judged, and "
	"only the findings they select are shown, counted in the summary and decide the exit "
	"status.\n\n"
	"Exit status: 0 no error finding, 1 at least one error finding, 64 bad command line, "
	"65 input is not a readable trace, 66 input cannot be opened, 70 internal error.\n\n"
	"Examples:\n"
	"  scmwq-trace replay trace.dat\n"
	"  scmwq-trace replay --format=json --driver=vendor bug-1234.txt | jq .summary\n"
	"  cat /sys/kernel/tracing/trace | scmwq-trace replay -",
	cmd_judge_filter_children, NULL, NULL
};

/* ------------------------------------------------------------------ */

struct run {
	const struct replay_params *p;
	const char *path;	/* display name */
	bool multi;
	uint64_t nfindings;
	struct scmwq_filter filter;	/* this trace's: --time resolved for it */
	bool filtering;
	struct scmwq_model_stats shown;	/* the findings the filter selects */
	uint64_t hidden;		/* and those it does not */
	struct cmd_diag diag;
	struct timespec last_progress;
	bool progress_shown;
	bool progress_started;	/* a line was printed for this file */
	struct cmd_file_pos pos;
};

static void progress_cb(uint64_t events, void *arg)
{
	struct run *r = arg;
	struct timespec now;
	int pct;

	/* the first line at once (a short replay would show none), then each second */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (r->progress_started && now.tv_sec - r->last_progress.tv_sec < 1)
		return;
	r->progress_started = true;
	r->last_progress = now;
	pct = cmd_file_pos_percent(&r->pos);
	if (pct >= 0)
		fprintf(stderr, "\r%s: %s: %d%% (%.1fM events)...", cmd_progname, r->path, pct,
			events / 1e6);
	else
		fprintf(stderr, "\r%s: %s: %.1fM events...", cmd_progname, r->path, events / 1e6);
	r->progress_shown = true;
}

static void print_finding_text(const struct scmwq_finding *f, struct run *r)
{
	if (r->multi)
		printf("%s: ", r->path);
	scmwq_finding_write_text_color(stdout, f, r->p->color);
}

static void print_finding_json(const struct scmwq_finding *f, struct run *r)
{
	printf("%s\n    ", r->nfindings ? "," : "");
	scmwq_finding_write_json(stdout, f, "");
}

static void finding_cb(const struct scmwq_finding *f, void *arg)
{
	struct run *r = arg;

	if (r->filtering && !scmwq_filter_match_finding(&r->filter, f)) {
		r->hidden++;
		return;
	}
	scmwq_finding_count(&r->shown, f);
	if (r->p->format == OUT_JSON) {
		print_finding_json(f, r);
		r->nfindings++;
		return;
	}
	/* notes about the trace itself always; the rest of the infos with -v */
	if (f->severity == SCMWQ_SEV_INFO && f->rule != SCMWQ_R_TRACE_NOTE && !r->p->verbose)
		return;
	if (r->progress_shown) {
		fprintf(stderr, "\r\033[K");
		r->progress_shown = false;
	}
	print_finding_text(f, r);
	r->nfindings++;
}

static int exit_for(const struct replay_params *p, const struct scmwq_model_stats *s)
{
	if (s->errors)
		return EXIT_FINDINGS;
	if (p->strict && (s->warnings || s->inconclusive))
		return EXIT_FINDINGS;
	return EXIT_OK;
}

static void json_input(struct scmwq_source *src, const char *path, const struct scmwq_replay_result *res,
		       uint64_t malformed, const struct scmwq_error *err, bool failed)
{
	printf("\"input\": {\"path\": ");
	scmwq_json_str(stdout, path);
	printf(", \"format\": ");
	if (src)
		scmwq_json_str(stdout, scmwq_source_format_name(src));
	else
		printf("null");
	printf(", \"events\": %llu, \"lost_events\": %llu, \"malformed_lines\": %llu, "
	       "\"driver\": \"%s\", \"driver_reason\": ",
	       (unsigned long long)res->events,
	       (unsigned long long)(src ? scmwq_source_lost(src) : 0),
	       (unsigned long long)malformed, scmwq_driver_name(res->driver));
	scmwq_json_str(stdout, res->driver_why);
	printf(", \"driver_guessed\": %s", res->driver_guessed ? "true" : "false");
	printf(", \"error\": ");
	if (failed)
		scmwq_json_str(stdout, err->msg);
	else
		printf("null");
	printf("}");
}

static void json_summary(const struct scmwq_model_stats *s, bool filtering, uint64_t hidden)
{
	printf("\"summary\": {");
	if (filtering)
		printf("\"findings_not_shown\": %llu, ", (unsigned long long)hidden);
	printf("\"calls\": %llu, \"sleeps\": %llu, \"wakes\": %llu, \"errors\": %llu, "
	       "\"warnings\": %llu, \"inconclusive\": %llu, \"infos\": %llu, \"losses\": %llu}",
	       (unsigned long long)s->calls, (unsigned long long)s->sleeps,
	       (unsigned long long)s->wakes, (unsigned long long)s->errors,
	       (unsigned long long)s->warnings, (unsigned long long)s->inconclusive,
	       (unsigned long long)s->infos, (unsigned long long)s->losses);
}

static void add_stats(struct scmwq_model_stats *t, const struct scmwq_model_stats *s)
{
	t->calls += s->calls;
	t->sleeps += s->sleeps;
	t->wakes += s->wakes;
	t->errors += s->errors;
	t->warnings += s->warnings;
	t->inconclusive += s->inconclusive;
	t->infos += s->infos;
	t->losses += s->losses;
}

/* Judge one file; returns its exit status, its counts in @stats. */
static int replay_one(const struct replay_params *p, const char *file, bool multi, bool first,
		      struct scmwq_model_stats *stats)
{
	struct run run = {
		.p = p, .path = strcmp(file, "-") ? file : "<stdin>", .multi = multi,
		.filter = p->filter, .filtering = scmwq_filter_active(&p->filter),
	};
	struct scmwq_replay_opts ro = {
		.driver = p->driver,
		.model = p->model,
		.finding = finding_cb,
		.finding_arg = &run,
		.progress = p->progress ? progress_cb : NULL,
		.progress_arg = &run,
		.filter = &run.filter,
	};
	struct scmwq_replay_result res = { .driver = p->driver };
	struct scmwq_error err = { 0 };
	struct scmwq_source *src;
	uint64_t malformed = 0;
	bool failed = false;
	int status;

	clock_gettime(CLOCK_MONOTONIC, &run.last_progress);
	if (p->progress)
		cmd_file_pos_init(&run.pos, file);
	if (p->format == OUT_JSON) {
		if (multi)
			printf("%s\n  {", first ? "" : ",");
		else
			printf("{\"schema\": 1, ");
		printf("\"findings\": [");
	}

	run.diag.quiet = p->quiet;
	src = NULL;
	src = cmd_open_filtered(file, &run.filter, &run.diag, &err);
	if (!src) {
		failed = true;
	} else if (scmwq_replay(src, &ro, &res, &err) < 0) {
		failed = true;
	}
	if (src)
		malformed = scmwq_source_malformed(src);
	if (run.progress_shown)
		fprintf(stderr, "\r\033[K");
	if (run.filtering) {
		/* the verdict is about the findings selected */
		res.stats.errors = run.shown.errors;
		res.stats.warnings = run.shown.warnings;
		res.stats.inconclusive = run.shown.inconclusive;
		res.stats.infos = run.shown.infos;
	}

	status = failed ? scmwq_errclass_exit(err.cls) : exit_for(p, &res.stats);
	if (failed)
		cmd_err("%s", err.msg);

	if (p->format == OUT_JSON) {
		printf("%s], ", run.nfindings ? "\n  " : "");
		json_input(src, run.path, &res, malformed, &err, failed);
		printf(", ");
		json_summary(&res.stats, run.filtering, run.hidden);
		printf(", \"exit_status\": %d}", status);
		if (!multi)
			printf("\n");
	} else if (src) {
		const struct scmwq_model_stats *s = &res.stats;

		printf("%s: %s, %llu event%s", run.path, scmwq_source_format_name(src),
		       (unsigned long long)res.events, CMD_S(res.events));
		if (s->losses)
			printf(" (%llu loss mark%s, %llu event%s lost)",
			       (unsigned long long)s->losses, CMD_S(s->losses),
			       (unsigned long long)scmwq_source_lost(src),
			       CMD_S(scmwq_source_lost(src)));
		if (malformed)
			printf(", %llu malformed line%s skipped", (unsigned long long)malformed,
			       CMD_S(malformed));
		printf("; driver %s (%s)\n", scmwq_driver_name(res.driver), res.driver_why);
		printf("%s: %llu call%s, %llu sleep%s, %llu wake%s: %llu error%s, %llu warning%s, "
		       "%llu inconclusive%s\n", run.path, (unsigned long long)s->calls,
		       CMD_S(s->calls), (unsigned long long)s->sleeps, CMD_S(s->sleeps),
		       (unsigned long long)s->wakes, CMD_S(s->wakes),
		       (unsigned long long)s->errors, CMD_S(s->errors),
		       (unsigned long long)s->warnings, CMD_S(s->warnings),
		       (unsigned long long)s->inconclusive,
		       failed ? " (judged up to the error above)" : "");
		if (run.filtering)
			printf("%s: the filters select these; %llu other finding%s not shown\n",
			       run.path, (unsigned long long)run.hidden, run.hidden == 1 ? "" : "s");
	}
	*stats = res.stats;
	scmwq_source_free(src);
	return status;
}

struct replay_all {
	const struct replay_params *p;
	struct scmwq_model_stats total, one;
	int worst, data_status;
};

static int replay_task(int i, void *stats, void *arg)
{
	struct replay_all *a = arg;

	memset(stats, 0, sizeof(struct scmwq_model_stats));
	return replay_one(a->p, a->p->files[i], a->p->nfiles > 1, i == 0, stats);
}

static void replay_done(int i, int st, const void *stats, void *arg)
{
	struct replay_all *a = arg;

	add_stats(&a->total, stats);
	if (st == EXIT_FINDINGS)
		a->worst = EXIT_FINDINGS;
	else if (st != EXIT_OK && !a->data_status)
		a->data_status = st;	/* the first input error decides */
}

static int replay_run(int argc, char **argv)
{
	struct replay_params p = { .driver = SCMWQ_DRV_AUTO, .progress = -1, .jobs = 1 };
	struct replay_all all = { .p = &p };
	struct cmd_jobs jobs = {
		.run = replay_task, .done = replay_done,
		.result = &all.one, .result_len = sizeof(all.one), .arg = &all,
	};
	bool multi;

	scmwq_model_opts_init(&p.model);
	argp_err_exit_status = EXIT_USAGE;
	if (cmd_argp_parse(&replay_argp, argc, argv, 0, &p))
		return EXIT_USAGE;
	if (p.progress < 0)
		p.progress = isatty(STDERR_FILENO);
	p.color = p.format == OUT_TEXT && cmd_color_want(p.color_when, stdout);
	if (p.jobs > 1 && p.nfiles > 1)
		p.progress = 0;		/* the children's stderr is not a terminal's */
	multi = p.nfiles > 1;
	if (p.format == OUT_JSON && multi)
		printf("{\"schema\": 1, \"runs\": [");

	if (cmd_jobs_run(&jobs, p.nfiles, p.jobs) < 0) {
		cmd_err("out of memory");
		return EXIT_SOFTWARE;
	}
	if (p.format == OUT_JSON && multi) {
		printf("\n  ], ");
		json_summary(&all.total, false, 0);
		printf("}\n");
	}
	return all.data_status ? all.data_status : all.worst;
}

static const struct cmd_values replay_values[] = {
	{ "format", "text json" },
	{ "color", CMD_COLOR_VALUES },
	{ NULL, NULL },
};

const struct scmwq_cmd cmd_replay = {
	.name = "replay",
	.summary = "judge traces against the reference model; findings and an exit status",
	.argp = &replay_argp,
	.values = replay_values,
	.takes_files = true,
	.run = replay_run,
};
