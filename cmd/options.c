// SPDX-License-Identifier: GPL-2.0
/*
 * What more than one command shares.  Options as argp children, defined
 * once so that help, parsing and completion agree: the reference model's
 * (--driver, --grace, --stall, --skew) for replay, report, timeline and
 * monitor; the capture's (--source, --sched, ...) for record and monitor.
 * For record and monitor also the signals (the first Ctrl-C or SIGTERM
 * stops, a second aborts) and the command traced after "--".
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

enum {
	OPT_GRACE = 0x4a01,	/* away from the commands' own keys */
	OPT_STALL,
	OPT_SKEW,
};

static const struct argp_option judge_options[] = {
	{ NULL, 0, NULL, 0, "How to judge (the reference model, as replay does; a DURATION is e.g. 100ms, 1.5s, 2m, "
	  "a bare number is seconds):", 1 },
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

/* ------------------------------------------------------------------ */
/* record and monitor: the capture options                             */

enum {
	OPT_SOURCE = 700,
	OPT_UPROBE_BINARY,
	OPT_SCHED,
	OPT_BUFFER_SIZE,
	OPT_DURATION,
	OPT_DRY_RUN,
};

static const struct argp_option capture_options[] = {
	{ NULL, 0, NULL, 0, "Capture:", 20 },
	{ "source", OPT_SOURCE, "SOURCE", 0,
	  "where the SCM events come from: auto (default), tracepoint, kprobe, uprobe", 20 },
	{ "uprobe-binary", OPT_UPROBE_BINARY, "FILE", 0,
	  "the program whose probe functions --source=uprobe traces (default: scmwq-trace "
	  "itself, whose 'simulate --live' calls them)", 20 },
	{ "sched", OPT_SCHED, NULL, 0,
	  "also the scheduler events (sched_switch, sched_waking, sched_wakeup, "
	  "irq_handler_entry) that report correlates", 20 },
	{ "event", 'e', "SYSTEM:EVENT", 0, "also this event (repeatable)", 20 },
	{ "buffer-size", OPT_BUFFER_SIZE, "KB", 0,
	  "ring buffer per CPU, in KiB (default: the kernel's)", 20 },
	{ "duration", OPT_DURATION, "DURATION", 0, "stop after this long (e.g. 30s, 5m)", 20 },
	{ "dry-run", OPT_DRY_RUN, NULL, 0,
	  "print the source, the dynamic events and the events it would set up, and change "
	  "nothing", 20 },
	{ 0 }
};

static error_t capture_parse(int key, char *arg, struct argp_state *state)
{
	struct cmd_capture *c = state->input;
	unsigned long long kb;
	char *end;

	switch (key) {
	case OPT_SOURCE:
		if (scmwq_cap_source_parse(arg, &c->o.source) < 0)
			argp_error(state, "unknown source '%s' for --source (expected auto, "
				   "tracepoint, kprobe or uprobe)", arg);
		break;
	case OPT_UPROBE_BINARY:
		if (!*arg)
			argp_error(state, "empty file name for --uprobe-binary");
		c->o.uprobe_binary = arg;
		break;
	case OPT_SCHED:
		c->o.sched = true;
		break;
	case 'e':
		if (c->nevents >= CMD_MAX_EVENTS)
			argp_error(state, "too many -e options (at most %d)", CMD_MAX_EVENTS);
		if (!strpbrk(arg, ":/"))
			argp_error(state, "-e %s: expected SYSTEM:EVENT, e.g. irq:irq_handler_entry",
				   arg);
		c->events[c->nevents++] = arg;
		break;
	case OPT_BUFFER_SIZE:
		errno = 0;
		kb = strtoull(arg, &end, 10);
		if (errno || end == arg || *end || kb < 4 || kb > (1ULL << 30))
			argp_error(state, "invalid value for --buffer-size: '%s' (expected KiB per "
				   "CPU, from 4 to 1073741824)", arg);
		c->o.buffer_kb = kb;
		break;
	case OPT_DURATION:
		cmd_parse_duration(state, "duration", arg, &c->duration_ns);
		if (!c->duration_ns)
			argp_error(state, "invalid duration for --duration: '%s' (must be more "
				   "than 0)", arg);
		break;
	case OPT_DRY_RUN:
		c->dry_run = true;
		break;
	case ARGP_KEY_END:
		c->events[c->nevents] = NULL;
		c->o.events = c->events;
		if (c->o.uprobe_binary && c->o.source != SCMWQ_CAP_UPROBE &&
		    c->o.source != SCMWQ_CAP_AUTO)
			argp_error(state, "--uprobe-binary needs --source=uprobe");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp cmd_capture_argp = { capture_options, capture_parse, NULL, NULL, NULL, NULL,
				       NULL };

const struct cmd_values cmd_capture_values[] = {
	{ "source", "auto tracepoint kprobe uprobe" },
	{ NULL, NULL }
};

/* The first non-option argument and all after it: the command to trace. */
void cmd_capture_take_command(struct cmd_capture *c, struct argp_state *state)
{
	c->command = &state->argv[state->next - 1];
	state->next = state->argc;
}

/* ------------------------------------------------------------------ */
/* Signals                                                             */

static sigset_t handled;
static volatile sig_atomic_t abort_flag;

int cmd_capture_signals(struct cmd_capture *c)
{
	sigemptyset(&handled);
	sigaddset(&handled, SIGINT);
	sigaddset(&handled, SIGTERM);
	sigaddset(&handled, SIGHUP);
	sigaddset(&handled, SIGCHLD);
	/* blocked before any thread starts: only signalfd sees them */
	if (pthread_sigmask(SIG_BLOCK, &handled, NULL))
		return -1;
	c->sigfd = signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	return c->sigfd < 0 ? -1 : 0;
}

static void on_abort(int sig)
{
	abort_flag = 1;
}

const volatile int *cmd_capture_arm_abort(struct cmd_capture *c)
{
	struct sigaction sa = { .sa_handler = on_abort };
	sigset_t stop;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a stop signal already queued is the first one, not a second */
	while (c->sigfd >= 0) {
		struct signalfd_siginfo si;

		if (read(c->sigfd, &si, sizeof(si)) != sizeof(si))
			break;
	}
	pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
	return (const volatile int *)&abort_flag;
}

double cmd_capture_elapsed(const struct cmd_capture *c)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - c->t0.tv_sec) + (now.tv_nsec - c->t0.tv_nsec) / 1e9;
}

/* ------------------------------------------------------------------ */
/* The traced command                                                  */

static void reap(struct cmd_capture *c)
{
	int status;

	if (c->child <= 0 || c->child_done)
		return;
	if (waitpid(c->child, &status, WNOHANG) == c->child) {
		c->child_done = true;
		c->child_status = status;
	}
}

int cmd_capture_launch(struct cmd_capture *c, struct scmwq_capture *cap,
		       struct scmwq_error *err)
{
	int ret;

	if (!c->command || !c->command[0])
		ret = scmwq_capture_start(cap, err);
	else
		ret = scmwq_capture_spawn(cap, c->command, &c->child, err);
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	return ret;
}

enum cmd_wake cmd_capture_wait(struct cmd_capture *c, int timeout_ms)
{
	struct pollfd pfd = { .fd = c->sigfd, .events = POLLIN };
	struct signalfd_siginfo si;

	if (c->duration_ns) {
		double left = c->duration_ns / 1e9 - cmd_capture_elapsed(c);

		if (left <= 0)
			return CMD_WAKE_DURATION;
		if (left * 1000 < timeout_ms)
			timeout_ms = (int)(left * 1000) + 1;
	}
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return c->duration_ns && cmd_capture_elapsed(c) >= c->duration_ns / 1e9 ?
		       CMD_WAKE_DURATION : CMD_WAKE_TIMEOUT;
	while (read(c->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			reap(c);
			if (c->child_done)
				return CMD_WAKE_CHILD;
			continue;
		}
		c->stop_signal = (int)si.ssi_signo;
		return CMD_WAKE_SIGNAL;
	}
	return CMD_WAKE_TIMEOUT;
}

void cmd_capture_end_command(struct cmd_capture *c)
{
	if (c->child <= 0 || c->child_done)
		return;
	kill(c->child, SIGTERM);
	for (int i = 0; i < 40; i++) {
		reap(c);
		if (c->child_done)
			return;
		usleep(50000);
	}
	kill(c->child, SIGKILL);
	waitpid(c->child, &c->child_status, 0);
	c->child_done = true;
}

static void cmd_capture_note(const char *msg, void *arg)
{
	cmd_err("%s", msg);
}

/* Open the capture, saying which source it picked and why. */
int cmd_capture_open(struct cmd_capture *c, struct scmwq_capture **cap)
{
	struct scmwq_error err = { 0 };

	c->o.note = cmd_capture_note;
	*cap = scmwq_capture_open(&c->o, &err);
	if (!*cap) {
		cmd_err("%s", err.msg);
		return scmwq_errclass_exit(err.cls);
	}
	if (!c->quiet) {
		cmd_err("source %s: %s", scmwq_cap_source_name(scmwq_capture_source(*cap)),
			scmwq_capture_why(*cap));
		if (scmwq_capture_missing(*cap)[0])
			cmd_err("not available from this source: %s", scmwq_capture_missing(*cap));
	}
	return 0;
}

int cmd_capture_dry_run(struct cmd_capture *c)
{
	struct scmwq_error err = { 0 };

	if (scmwq_capture_plan(&c->o, stdout, &err)) {
		cmd_err("%s", err.msg);
		return scmwq_errclass_exit(err.cls);
	}
	return 0;
}

/* "the command exited with status 3" etc., or NULL when it is still running. */
const char *cmd_capture_command_status(const struct cmd_capture *c, char *buf, size_t len)
{
	if (c->child <= 0 || !c->child_done)
		return NULL;
	if (WIFEXITED(c->child_status))
		snprintf(buf, len, "'%s' exited with status %d", c->command[0],
			 WEXITSTATUS(c->child_status));
	else if (WIFSIGNALED(c->child_status))
		snprintf(buf, len, "'%s' was killed by signal %d (%s)", c->command[0],
			 WTERMSIG(c->child_status), strsignal(WTERMSIG(c->child_status)));
	else
		return NULL;
	return buf;
}
