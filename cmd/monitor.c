// SPDX-License-Identifier: GPL-2.0
/*
 * scmwq-trace monitor: judge the SCM events of the running kernel as they
 * arrive, and raise the alarm while a call is stuck.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

enum out_format { OUT_TEXT, OUT_JSON };

struct monitor_params {
	struct cmd_capture cap;
	enum scmwq_driver driver;
	struct scmwq_model_opts model;
	struct cmd_judge judge;
	uint64_t interval_ns;
	enum out_format format;
	bool strict;
	bool verbose;
};

enum {
	OPT_INTERVAL = 256,
	OPT_FORMAT,
	OPT_STRICT,
	OPT_QUIET,
};

static const struct argp_option monitor_options[] = {
	{ "interval", OPT_INTERVAL, "DURATION", 0,
	  "a one-line summary this often (default 10s; 0: none)", 0 },
	{ "format", OPT_FORMAT, "FORMAT", 0,
	  "text (default) or json: one JSON object per line (NDJSON)", 0 },
	{ "strict", OPT_STRICT, NULL, 0,
	  "warnings and inconclusive findings count as errors in the exit status", 0 },
	{ "verbose", 'v', NULL, 0, "also the info findings (threads joined mid-call)", 0 },
	{ "quiet", OPT_QUIET, NULL, 0, "say nothing on stderr but errors", 0 },
	{ 0 }
};

static error_t monitor_parse(int key, char *arg, struct argp_state *state)
{
	struct monitor_params *p = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		p->judge.driver = &p->driver;
		p->judge.model = &p->model;
		state->child_inputs[0] = &p->judge;
		state->child_inputs[1] = &p->cap;
		break;
	case OPT_INTERVAL:
		if (strcmp(arg, "0"))
			cmd_parse_duration(state, "interval", arg, &p->interval_ns);
		else
			p->interval_ns = 0;
		break;
	case OPT_FORMAT:
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
	case 'v':
		p->verbose = true;
		break;
	case OPT_QUIET:
		p->cap.quiet = true;
		break;
	case ARGP_KEY_ARG:
		cmd_capture_take_command(&p->cap, state);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_child monitor_children[] = {
	{ &cmd_judge_argp, 0, NULL, 0 },
	{ &cmd_capture_argp, 0, NULL, 0 },
	{ 0 }
};

static const struct argp monitor_argp = {
	monitor_options, monitor_parse, "[-- COMMAND [ARG...]]",
	"Judge the SCM events of the running kernel as they arrive: each finding is printed "
	"the moment it is certain, and a call asleep longer than --stall is reported while it "
	"is still asleep.\v"
	"Events come from the same sources as record's, in the same private tracefs instance, "
	"read live from its per-CPU buffers; everything made in tracefs is removed on the way "
	"out.  Monitoring runs until COMMAND exits, --duration is over, or Ctrl-C or SIGTERM, "
	"and ends with the calls still open judged and the full summary.\n\n"
	"Exit status as replay's: 0 no error finding, 1 at least one (with --strict also "
	"warnings and inconclusive ones), 64 bad command line, 65 a ring-buffer page it "
	"cannot read, 66 COMMAND or a tracefs file could not be opened, 70 an error while "
	"monitoring, 77 no root, no tracefs, or the kernel lacks what the "
	"source needs.\n\n"
	"Examples:\n"
	"  # watch a device; alert on a call asleep for 2 s\n"
	"  scmwq-trace monitor --stall=2s\n"
	"  # NDJSON for a log collector, a summary every minute\n"
	"  scmwq-trace monitor --format=json --interval=1m >> /var/log/scmwq.ndjson\n"
	"  # a simulated stranded sleeper, through uprobes\n"
	"  scmwq-trace monitor --stall=300ms -- \\\n"
	"      scmwq-trace simulate --live --inject=stranded-sleeper -o /dev/null",
	monitor_children, NULL, NULL
};

/* ------------------------------------------------------------------ */

struct mon {
	const struct monitor_params *p;
	struct scmwq_capture *cap;
	uint64_t stalls;
};

static uint64_t mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void finding_cb(const struct scmwq_finding *f, void *arg)
{
	struct mon *m = arg;

	if (m->p->format == OUT_JSON) {
		scmwq_finding_write_json(stdout, f, "\"type\": \"finding\", ");
		fputs("\n", stdout);
	} else {
		if (f->severity == SCMWQ_SEV_INFO && f->rule != SCMWQ_R_TRACE_NOTE &&
		    !m->p->verbose)
			return;
		scmwq_finding_write_text(stdout, f);
	}
	fflush(stdout);
}

static void stall_text(const struct scmwq_stall *s, char *buf, size_t len)
{
	char d[32], t[32];

	scmwq_format_duration(d, sizeof(d), s->now_ns - s->sleep_ns);
	if (s->woken) {
		scmwq_format_ts(t, sizeof(t), s->wake_ns);
		snprintf(buf, len, "asleep on wq_ctx %u for %s: woken at %s (by pid %d) and not "
			 "resumed --grace later; lost-wakeup if it resumes only after a later wake "
			 "or never, slow-resume if it resumes on this one", s->wq_ctx, d, t,
			 s->waker_pid);
	} else if (s->wq_wake_ns) {
		scmwq_format_ts(t, sizeof(t), s->wq_wake_ns);
		snprintf(buf, len, "asleep on wq_ctx %u for %s: wq_ctx %u was woken at %s (by "
			 "pid %d), but not this sleeper", s->wq_ctx, d, s->wq_ctx, t,
			 s->wq_waker_pid);
	} else {
		snprintf(buf, len, "asleep on wq_ctx %u for %s: no wake for wq_ctx %u since it "
			 "slept", s->wq_ctx, d, s->wq_ctx);
	}
}

static void stall_cb(const struct scmwq_stall *s, void *arg)
{
	struct mon *m = arg;
	char msg[256], ts[32];

	m->stalls++;
	stall_text(s, msg, sizeof(msg));
	if (m->p->format == OUT_JSON) {
		printf("{\"type\": \"stall\", \"ts_ns\": %llu, \"alert_ns\": %llu, \"pid\": %d, "
		       "\"comm\": ", (unsigned long long)s->sleep_ns,
		       (unsigned long long)mono_now(), s->pid);
		scmwq_json_str(stdout, s->comm);
		printf(", \"wq_ctx\": %u, \"smc_call_ctx\": ", s->wq_ctx);
		if (s->has_ctx)
			printf("%u", s->smc_call_ctx);
		else
			printf("null");
		printf(", \"asleep_ns\": %llu, \"woken\": %s, \"wq_wake_seen\": %s, \"message\": ",
		       (unsigned long long)(s->now_ns - s->sleep_ns), s->woken ? "true" : "false",
		       s->woken || s->wq_wake_ns ? "true" : "false");
		scmwq_json_str(stdout, msg);
		printf("}\n");
	} else {
		scmwq_format_ts(ts, sizeof(ts), s->sleep_ns);
		printf("%s %-7s %-20s %s-%d wq_ctx=%u", ts, "STALL", "still-asleep",
		       s->comm[0] ? s->comm : "<...>", s->pid, s->wq_ctx);
		if (s->has_ctx)
			printf(" smc_call_ctx=%u", s->smc_call_ctx);
		printf(": %s\n", msg);
	}
	fflush(stdout);
}

static void summary(struct mon *m, struct scmwq_judge *j, double secs, bool final)
{
	const struct scmwq_replay_result *r = scmwq_judge_result(j);
	const struct scmwq_model_stats *s = &r->stats;
	struct scmwq_capture_stats cs;

	scmwq_capture_live_stats(m->cap, &cs);
	if (m->p->format == OUT_JSON) {
		printf("{\"type\": \"summary\", \"final\": %s, \"elapsed_s\": %.3f, "
		       "\"events\": %llu, \"lost_events\": %llu, \"driver\": \"%s\", "
		       "\"calls\": %llu, \"sleeps\": %llu, \"wakes\": %llu, \"stalls\": %llu, "
		       "\"errors\": %llu, \"warnings\": %llu, \"inconclusive\": %llu, "
		       "\"infos\": %llu, \"garbled_records\": %llu}\n", final ? "true" : "false", secs,
		       (unsigned long long)r->events,
		       (unsigned long long)(cs.dropped + s->lost_events),
		       r->driver == SCMWQ_DRV_AUTO ? "undecided" : scmwq_driver_name(r->driver),
		       (unsigned long long)s->calls, (unsigned long long)s->sleeps,
		       (unsigned long long)s->wakes, (unsigned long long)m->stalls,
		       (unsigned long long)s->errors, (unsigned long long)s->warnings,
		       (unsigned long long)s->inconclusive, (unsigned long long)s->infos,
		       (unsigned long long)cs.garbled);
	} else {
		printf("%s %.1f s: %llu event%s, %llu lost; %llu call%s, %llu sleep%s, %llu wake%s; "
		       "%llu stall%s; %llu error%s, %llu warning%s, %llu inconclusive\n",
		       final ? "monitor: total after" : "monitor:", secs,
		       (unsigned long long)r->events, CMD_S(r->events),
		       (unsigned long long)(cs.dropped + s->lost_events),
		       (unsigned long long)s->calls, CMD_S(s->calls),
		       (unsigned long long)s->sleeps, CMD_S(s->sleeps),
		       (unsigned long long)s->wakes, CMD_S(s->wakes),
		       (unsigned long long)m->stalls, CMD_S(m->stalls),
		       (unsigned long long)s->errors, CMD_S(s->errors),
		       (unsigned long long)s->warnings, CMD_S(s->warnings),
		       (unsigned long long)s->inconclusive);
		if (final)
			printf("monitor: driver %s (%s)\n", scmwq_driver_name(r->driver),
			       r->driver_why);
		if (final && cs.garbled)
			printf("monitor: %llu records with fields that could not be read (the "
			       "first: %s)\n", (unsigned long long)cs.garbled,
			       scmwq_capture_live_garbled(m->cap));
	}
	fflush(stdout);
}

static int exit_for(const struct monitor_params *p, const struct scmwq_model_stats *s)
{
	if (s->errors)
		return EXIT_FINDINGS;
	if (p->strict && (s->warnings || s->inconclusive))
		return EXIT_FINDINGS;
	return EXIT_OK;
}

/* Read and judge until a stop; returns the reason, or -1 on an error. */
static int watch(struct monitor_params *p, struct mon *m, struct scmwq_judge *j,
		 struct scmwq_error *err)
{
	double next = p->interval_ns / 1e9;
	uint64_t tick = 0;
	struct scmwq_event ev;

	for (;;) {
		int rc = scmwq_capture_live_next(m->cap, &ev, 100, err);
		enum cmd_wake w;

		if (rc < 0)
			return -1;
		if (rc > 0 && scmwq_judge_feed(j, &ev, err))
			return -1;
		/* ten times a second, events or not: the clock, the signals, the summary */
		if (mono_now() - tick < 100000000ULL)
			continue;
		tick = mono_now();
		if (scmwq_judge_advance(j, scmwq_capture_live_now(m->cap), err))
			return -1;
		w = cmd_capture_wait(&p->cap, 0);
		if (w != CMD_WAKE_TIMEOUT)
			return w;
		if (p->interval_ns && cmd_capture_elapsed(&p->cap) >= next) {
			summary(m, j, cmd_capture_elapsed(&p->cap), false);
			next += p->interval_ns / 1e9;
		}
	}
}

static int monitor_run(int argc, char **argv)
{
	struct monitor_params p = { .interval_ns = 10000000000ULL };
	struct scmwq_replay_opts ro = { 0 };
	struct scmwq_replay_result res;
	struct scmwq_error err = { 0 };
	struct scmwq_judge *j = NULL;
	struct scmwq_event ev;
	struct mon m = { .p = &p };
	int ret, w;
	char cs[128];

	p.cap.sigfd = -1;
	scmwq_model_opts_init(&p.model);
	if (cmd_argp_parse(&monitor_argp, argc, argv, ARGP_IN_ORDER, &p))
		return EXIT_USAGE;
	if (p.cap.dry_run)
		return cmd_capture_dry_run(&p.cap);
	if (cmd_capture_signals(&p.cap)) {
		cmd_err("cannot set up signal handling: %s", strerror(errno));
		return EXIT_SOFTWARE;
	}
	ret = cmd_capture_open(&p.cap, &m.cap);
	if (ret)
		return ret;

	ro.driver = p.driver;
	ro.model = p.model;
	ro.finding = finding_cb;
	ro.finding_arg = &m;
	ro.stall = stall_cb;
	/* --driver=auto waits at most this long for a sign of the vendor driver */
	ro.auto_hold_ns = 500000000ULL;
	j = scmwq_judge_alloc(&ro);
	if (!j) {
		cmd_err("out of memory");
		ret = EXIT_SOFTWARE;
		goto out;
	}
	/* the live reader reports each loss where it begins */
	scmwq_judge_set_stream(j, scmwq_capture_cpus(m.cap), true);
	if (scmwq_capture_live_begin(m.cap, &err) || cmd_capture_launch(&p.cap, m.cap, &err)) {
		cmd_err("%s", err.msg);
		ret = scmwq_errclass_exit(err.cls);
		goto out;
	}
	if (p.format == OUT_JSON) {
		printf("{\"type\": \"start\", \"source\": \"%s\", \"why\": ",
		       scmwq_cap_source_name(scmwq_capture_source(m.cap)));
		scmwq_json_str(stdout, scmwq_capture_why(m.cap));
		printf(", \"instance\": ");
		scmwq_json_str(stdout, scmwq_capture_instance(m.cap));
		printf(", \"stall_ns\": %llu}\n", (unsigned long long)p.model.stall_ns);
		fflush(stdout);
	} else if (!p.cap.quiet) {
		cmd_err("watching (instance %s); Ctrl-C ends with the summary",
			scmwq_capture_instance(m.cap));
	}

	w = watch(&p, &m, j, &err);
	if (w < 0) {
		cmd_err("%s", err.msg);
		ret = scmwq_errclass_exit(err.cls);
		goto out;
	}
	/* what is left in the buffers, then the calls still open */
	cmd_capture_arm_abort(&p.cap);
	scmwq_capture_stop(m.cap);
	if (scmwq_capture_live_drain(m.cap, &err) < 0) {
		cmd_err("%s", err.msg);
		ret = scmwq_errclass_exit(err.cls);
		goto out;
	}
	while (scmwq_capture_live_next(m.cap, &ev, 0, &err) > 0)
		if (scmwq_judge_feed(j, &ev, &err))
			break;
	if (scmwq_judge_finish(j, &res, &err)) {
		cmd_err("%s", err.msg);
		ret = scmwq_errclass_exit(err.cls);
		goto out;
	}
	summary(&m, j, cmd_capture_elapsed(&p.cap), true);
	ret = exit_for(&p, &res.stats);
out:
	cmd_capture_end_command(&p.cap);
	scmwq_judge_free(j);
	scmwq_capture_close(m.cap);
	if (!p.cap.quiet && cmd_capture_command_status(&p.cap, cs, sizeof(cs)))
		cmd_err("%s", cs);
	return ret;
}

static const struct cmd_values monitor_values[] = {
	{ "format", "text json" },
	{ NULL, NULL }
};

const struct scmwq_cmd cmd_monitor = {
	.name = "monitor",
	.summary = "judge the running kernel's SCM events live; alert on stuck calls",
	.argp = &monitor_argp,
	.values = monitor_values,
	.takes_files = false,
	.run = monitor_run,
};
