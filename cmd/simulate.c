// SPDX-License-Identifier: GPL-2.0
/*
 * scmwq-trace simulate: run a model of the firmware against a model of one
 * driver variant, optionally with faults injected, and write the trace the
 * kernel's tracepoints would have produced, plus a record of the truth.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cmd.h"

struct simulate_params {
	struct scmwq_sim_opts o;
	const char *output;	/* NULL or "-": standard output */
	const char *truth;	/* NULL: no truth file */
	bool queues_given;
	int progress;		/* -1 auto (stderr is a terminal), 0 off, 1 on */
	const char *inject_arg[SCMWQ_SIM_MAX_INJECT];	/* as given, for messages */
};

enum {
	OPT_SEED = 256,
	OPT_LIVE,
	OPT_INJECT,
	OPT_CALLS,
	OPT_THREADS,
	OPT_QUEUES,
	OPT_DURATION,
	OPT_TRUTH,
	OPT_FORMAT,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
};

#define MAX_THREADS	64
#define MAX_QUEUES	32	/* the firmware model keeps room for invalid wq_ctx values */

/* Every driver simulate can run (all but auto), as a mask of (1u << driver). */
#define ALL_DRIVERS	(((1u << SCMWQ_DRV__COUNT) - 1) & ~(1u << SCMWQ_DRV_AUTO))

static const struct argp_option simulate_options[] = {
	{ "driver", 'd', "DRIVER", 0,
	  "the driver variant to simulate: mainline (default), mainline-6.3, mainline-6.11, "
	  "vendor, draft-2022", 0 },
	{ "seed", OPT_SEED, "N", 0,
	  "seed of the deterministic engine (default 1); the same seed gives the same bytes", 0 },
	{ "live", OPT_LIVE, NULL, 0,
	  "the live engine: real threads, real time and real synchronisation; races happen by "
	  "timing", 0 },
	{ "inject", OPT_INJECT, "RULE", 0,
	  "make the fault behind replay rule RULE happen (repeatable); see the man page for the "
	  "rules and the drivers each needs", 0 },
	{ "calls", OPT_CALLS, "N", 0, "SCM calls to complete (default 1000)", 0 },
	{ "threads", OPT_THREADS, "N", 0, "client threads making calls, 1 to 64 (default 4)", 0 },
	{ "queues", OPT_QUEUES, "N", 0,
	  "firmware wait-queues, 1 to 32 (default 4; mainline-6.3 and mainline-6.11 have 1)", 0 },
	{ "duration", OPT_DURATION, "DURATION", 0,
	  "stop after this much (virtual) time, even if fewer calls are done", 0 },
	{ "output", 'o', "FILE", 0, "write the trace to FILE (default: standard output)", 0 },
	{ "truth", OPT_TRUTH, "FILE", 0,
	  "write the truth, JSON: the faults that happened and the findings replay must "
	  "report", 0 },
	{ "format", OPT_FORMAT, "SYSTEM", 0,
	  "print format of the trace: qcom_scm (mainline) or scm (vendor); default: the "
	  "driver's own", 0 },
	{ "progress", OPT_PROGRESS, NULL, 0,
	  "show progress and a summary on stderr (default: when stderr is a terminal)", 0 },
	{ "no-progress", OPT_NO_PROGRESS, NULL, 0, "never show progress", 0 },
	{ 0 }
};

/* Parse a decimal unsigned number within [min, max]; -1 when it is not one. */
static int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end || x < min || x > max)
		return -1;
	*v = x;
	return 0;
}

static unsigned int parse_count(struct argp_state *state, const char *opt, const char *arg,
				uint64_t min, uint64_t max)
{
	uint64_t v = min;

	if (parse_uint(arg, min, max, &v) < 0)
		argp_error(state, "invalid value for --%s: '%s' (expected a whole number from %"
			   PRIu64 " to %" PRIu64 ")", opt, arg, min, max);
	return (unsigned int)v;
}

/* "vendor" or "mainline, mainline-6.11" or ...: the drivers in @mask. */
static void driver_list(char *buf, size_t len, unsigned int mask, const char *sep,
			const char *last_sep)
{
	int n = 0, k = 0;

	buf[0] = '\0';
	for (int d = SCMWQ_DRV_AUTO + 1; d < SCMWQ_DRV__COUNT; d++)
		n += !!(mask & (1u << d));
	for (int d = SCMWQ_DRV_AUTO + 1; d < SCMWQ_DRV__COUNT; d++) {
		size_t used = strlen(buf);

		if (!(mask & (1u << d)))
			continue;
		snprintf(buf + used, len - used, "%s%s", k == 0 ? "" : k == n - 1 ? last_sep : sep,
			 scmwq_driver_name(d));
		k++;
	}
}

/* After all options: is every fault possible with the chosen driver and engine? */
static void check_injects(struct argp_state *state, struct simulate_params *p)
{
	for (int i = 0; i < p->o.n_inject; i++) {
		enum scmwq_rule r = p->o.inject[i];
		unsigned int mask = scmwq_sim_fault_drivers(r, p->o.live);
		char list[160];

		if (!mask && p->o.live && scmwq_sim_fault_drivers(r, false)) {
			unsigned int det = scmwq_sim_fault_drivers(r, false);

			driver_list(list, sizeof(list), det, ", ", " or ");
			argp_error(state, "%s: no fault of the live engine causes it; the "
				   "deterministic engine (without --live) does, with %s%s",
				   p->inject_arg[i],
				   det == ALL_DRIVERS ? "any driver" : "--driver=",
				   det == ALL_DRIVERS ? "" : list);
		}
		if (!mask)
			argp_error(state, "%s: no fault causes it (it is a finding replay makes, "
				   "not one the simulator can inject)", p->inject_arg[i]);
		if (!(mask & (1u << p->o.driver))) {
			driver_list(list, sizeof(list), mask, ", --driver=", " or --driver=");
			argp_error(state, "--inject=%s needs --driver=%s%s (not %s)",
				   p->inject_arg[i], list, p->o.live ? " with --live" : "",
				   scmwq_driver_name(p->o.driver));
		}
		/* faults that need two calls parked at once, or two wait-queues */
		if ((r == SCMWQ_R_WAKE_ALL_PARTIAL || r == SCMWQ_R_WAKE_ALL_STUCK ||
		     r == SCMWQ_R_DRAIN_ABORTED) && p->o.threads < 2)
			argp_error(state, "--inject=%s needs --threads of 2 or more: two calls "
				   "parked at once", p->inject_arg[i]);
		if (r == SCMWQ_R_DRAIN_ABORTED && p->o.queues < 2)
			argp_error(state, "--inject=%s needs --queues of 2 or more: two "
				   "wait-queues ready at once", p->inject_arg[i]);
	}
}

/* mainline before 6.20 accepts only wq_ctx 0. */
static void one_queue_drivers(struct simulate_params *p)
{
	if (p->o.driver != SCMWQ_DRV_MAINLINE_6_3 && p->o.driver != SCMWQ_DRV_MAINLINE_6_11)
		return;
	if (p->queues_given && p->o.queues > 1)
		cmd_err("note: %s has a single wait-queue (wq_ctx 0); --queues=%u ignored",
			scmwq_driver_name(p->o.driver), p->o.queues);
	p->o.queues = 1;
}

static error_t simulate_parse(int key, char *arg, struct argp_state *state)
{
	struct simulate_params *p = state->input;
	enum scmwq_driver drv;
	enum scmwq_rule rule;
	uint64_t v;

	switch (key) {
	case 'd':
		if (!strcmp(arg, "auto"))
			argp_error(state, "--driver=auto is for replay; simulate needs a driver: "
				   "mainline, mainline-6.3, mainline-6.11, vendor or draft-2022");
		else if (scmwq_driver_parse(arg, &drv) < 0 || drv == SCMWQ_DRV_AUTO)
			argp_error(state, "unknown driver '%s' (expected mainline, mainline-6.3, "
				   "mainline-6.11, vendor or draft-2022)", arg);
		else
			p->o.driver = drv;
		break;
	case OPT_SEED:
		if (parse_uint(arg, 0, UINT64_MAX, &v) < 0)
			argp_error(state, "invalid value for --seed: '%s' (expected a whole number "
				   "from 0 to %" PRIu64 ")", arg, UINT64_MAX);
		p->o.seed = v;
		break;
	case OPT_LIVE:
		p->o.live = true;
		break;
	case OPT_INJECT:
		if (scmwq_rule_parse(arg, &rule) < 0)
			argp_error(state, "unknown rule '%s' for --inject (see 'scmwq-trace model "
				   "--rules' and scmwq-trace-simulate(1))", arg);
		if (p->o.n_inject >= SCMWQ_SIM_MAX_INJECT)
			argp_error(state, "too many --inject options (at most %d)",
				   SCMWQ_SIM_MAX_INJECT);
		p->inject_arg[p->o.n_inject] = arg;
		p->o.inject[p->o.n_inject++] = rule;
		break;
	case OPT_CALLS:
		p->o.calls = parse_count(state, "calls", arg, 1, UINT_MAX);
		break;
	case OPT_THREADS:
		p->o.threads = parse_count(state, "threads", arg, 1, MAX_THREADS);
		break;
	case OPT_QUEUES:
		p->o.queues = parse_count(state, "queues", arg, 1, MAX_QUEUES);
		p->queues_given = true;
		break;
	case OPT_DURATION:
		cmd_parse_duration(state, "duration", arg, &p->o.duration_ns);
		if (p->o.duration_ns == 0)
			argp_error(state, "invalid duration for --duration: '%s' (must be more "
				   "than 0)", arg);
		break;
	case 'o':
		if (!*arg)
			argp_error(state, "empty file name for --output");
		p->output = arg;
		break;
	case OPT_TRUTH:
		if (!*arg)
			argp_error(state, "empty file name for --truth");
		p->truth = arg;
		break;
	case OPT_FORMAT:
		if (!strcmp(arg, "qcom_scm"))
			p->o.format = SCMWQ_SYS_QCOM_SCM;
		else if (!strcmp(arg, "scm"))
			p->o.format = SCMWQ_SYS_SCM;
		else
			argp_error(state, "unknown format '%s' (expected qcom_scm or scm)", arg);
		break;
	case OPT_PROGRESS:
		p->progress = 1;
		break;
	case OPT_NO_PROGRESS:
		p->progress = 0;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s' (simulate reads no files; -o names "
			   "the output)", arg);
		break;
	case ARGP_KEY_END:
		one_queue_drivers(p);
		check_injects(state, p);
		if (p->output && p->truth && strcmp(p->output, "-") &&
		    !strcmp(p->output, p->truth))
			argp_error(state, "--output and --truth name the same file '%s'", p->truth);
		if (p->truth && !strcmp(p->truth, "-") && (!p->output || !strcmp(p->output, "-")))
			argp_error(state, "--truth=- and the trace cannot both go to standard "
				   "output; give -o FILE");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp simulate_argp = {
	simulate_options, simulate_parse, NULL,
	"Simulate the SCM wait-queue protocol: a firmware model against a model of one Linux "
	"driver variant, with faults injected on request.  Writes the ftrace text the kernel's "
	"tracepoints would have printed, and with --truth what really happened.\v"
	"The deterministic engine (the default) runs in virtual time: the same options and "
	"--seed give the same bytes.  --live runs real threads whose probe functions carry the "
	"tracepoints' names, so uprobes can capture the run through the kernel.  RULE is a "
	"replay rule id (scmwq-trace model --rules) that a fault can cause; a fault the driver "
	"cannot have is a command-line error that names the drivers it needs.\n\n"
	"Exit status: 0 the trace (and truth) were written, 64 bad command line, 70 a file could "
	"not be created or written, a fault could not be set up, or an internal error.\n\n"
	"Examples:\n"
	"  # a clean mainline run; a long vendor one from another seed\n"
	"  scmwq-trace simulate -o clean.txt\n"
	"  scmwq-trace simulate -d vendor --seed=7 --calls=100000 -o vendor.txt\n"
	"  # a fault, with the truth replay must agree with\n"
	"  scmwq-trace simulate -d vendor --inject=wake-all-partial -o t.txt \\\n"
	"      --truth=truth.json\n"
	"  # straight into replay\n"
	"  scmwq-trace simulate -d mainline-6.11 --inject=wake-all-rejected |\n"
	"      scmwq-trace replay -d mainline-6.11 -\n"
	"  # the live engine: the reinit race by timing alone\n"
	"  scmwq-trace simulate --live -d vendor --inject=wake-all-partial -o t.txt \\\n"
	"      --truth=truth.json",
	NULL, NULL, NULL
};

/* ------------------------------------------------------------------ */

struct progress {
	struct timespec start, last;
	bool shown;
};

static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress_cb(uint64_t events, void *arg)
{
	struct progress *pr = arg;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (elapsed(&pr->last, &now) < 1.0)
		return;
	pr->last = now;
	fprintf(stderr, "\r%s: %.1fM events...", cmd_progname, events / 1e6);
	pr->shown = true;
}

/*
 * Open @path for writing; "-" (or NULL for the trace) is standard output.
 * *@created tells whether the file is new (and may be removed again).
 */
static FILE *open_out(const char *path, const char *what, bool *created)
{
	struct stat st;
	FILE *f;

	*created = false;
	if (!path || !strcmp(path, "-"))
		return stdout;
	*created = stat(path, &st) < 0 && errno == ENOENT;
	f = fopen(path, "w");
	if (!f) {
		cmd_err("cannot create %s %s: %s", what, path, strerror(errno));
		*created = false;
	}
	return f;
}

/*
 * Flush and close; 0, or -1 after a message naming the file.  Standard
 * output is only flushed: main() checks it and reports its errors.
 */
static int close_out(FILE *f, const char *path, const char *what, int run_errno)
{
	int bad, saved;

	if (!f)
		return 0;
	errno = 0;
	bad = fflush(f) || ferror(f);
	saved = errno;
	if (f == stdout)
		return bad ? -1 : 0;
	if (fclose(f) && !bad) {
		bad = 1;
		saved = errno;
	}
	if (bad) {
		if (!saved)
			saved = run_errno;
		cmd_err("write error on %s %s: %s", what, path,
			saved ? strerror(saved) : "I/O error");
		return -1;
	}
	return 0;
}

static int simulate_run(int argc, char **argv)
{
	struct simulate_params p = { .progress = -1 };
	struct scmwq_sim_result res = { 0 };
	struct scmwq_error err = { 0 };
	struct progress pr = { 0 };
	FILE *out, *truth = NULL;
	struct timespec end;
	double secs;
	int status = EXIT_OK, run_errno = 0;
	bool out_created = false, truth_created = false;

	scmwq_sim_opts_init(&p.o);
	argp_err_exit_status = EXIT_USAGE;
	if (cmd_argp_parse(&simulate_argp, argc, argv, 0, &p))
		return EXIT_USAGE;
	if (p.progress < 0)
		p.progress = isatty(STDERR_FILENO);

	out = open_out(p.output, "trace file", &out_created);
	if (!out)
		return EXIT_SOFTWARE;
	if (p.truth) {
		truth = open_out(p.truth, "truth file", &truth_created);
		if (!truth) {
			if (out != stdout) {
				fclose(out);
				if (out_created)
					cmd_remove_output(p.output);
			}
			return EXIT_SOFTWARE;
		}
	}
	p.o.out = out;
	p.o.truth = truth;
	if (p.progress) {
		clock_gettime(CLOCK_MONOTONIC, &pr.start);
		pr.last = pr.start;
		p.o.progress = progress_cb;
		p.o.progress_arg = &pr;
	}

	errno = 0;
	if (scmwq_sim_run(&p.o, &res, &err) < 0) {
		run_errno = errno;
		if (pr.shown)
			fprintf(stderr, "\r\033[K");
		pr.shown = false;
		/* a write error is reported below, with the file's name */
		if (!ferror(out) && !(truth && ferror(truth)))
			cmd_err("%s", err.msg);
		status = scmwq_errclass_exit(err.cls);
	}
	if (close_out(out, p.output, "trace file", run_errno) < 0)
		status = EXIT_SOFTWARE;
	if (close_out(truth, p.truth, "truth file", run_errno) < 0)
		status = EXIT_SOFTWARE;
	if (status == EXIT_USAGE) {
		/* refused before it began (e.g. no live engine): leave no empty files */
		if (out_created)
			cmd_remove_output(p.output);
		if (truth_created)
			cmd_remove_output(p.truth);
	}
	if (status != EXIT_OK)
		return status;

	if (pr.shown)
		fprintf(stderr, "\r\033[K");
	if (p.o.n_inject && res.faults < p.o.n_inject)
		cmd_err("note: only %d of the %d injected faults happened%s", res.faults,
			p.o.n_inject, p.o.live ? " (races depend on timing: run it again)" : "");
	if (p.progress) {
		clock_gettime(CLOCK_MONOTONIC, &end);
		secs = elapsed(&pr.start, &end);
		fprintf(stderr, "%s: %s, %s engine: %" PRIu64 " events, %" PRIu64 " calls, %"
			PRIu64 " sleeps, %" PRIu64 " wakes, %d fault%s; last event at %.6f; "
			"%.2f s (%.2fM events/s)\n", cmd_progname, scmwq_driver_name(p.o.driver),
			p.o.live ? "live" : "deterministic", res.events, res.calls, res.sleeps,
			res.wakes, res.faults, res.faults == 1 ? "" : "s", res.end_ns / 1e9, secs,
			secs > 0 ? res.events / secs / 1e6 : 0.0);
	}
	return EXIT_OK;
}

static const struct cmd_values simulate_values[] = {
	{ "driver", "mainline mainline-6.3 mainline-6.11 vendor draft-2022" },
	{ "inject", "lost-wakeup slow-resume stranded-sleeper drain-aborted wake-all-rejected "
		    "wake-all-partial wake-all-stuck premature-resume spurious-wake invalid-flags "
		    "invalid-wq-ctx resume-ctx-mismatch resume-without-sleep sleep-while-sleeping "
		    "ack-ctx-mismatch ebusy-retry-resume get-wq-ctx-std-call sleep-in-atomic-call "
		    "long-sleep" },
	{ "format", "qcom_scm scm" },
	{ NULL, NULL },
};

const struct scmwq_cmd cmd_simulate = {
	.name = "simulate",
	.summary = "simulate the protocol with a driver variant and injected faults; write a trace",
	.argp = &simulate_argp,
	.values = simulate_values,
	.run = simulate_run,
};
