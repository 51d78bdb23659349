// SPDX-License-Identifier: GPL-2.0
/*
 * scmwq-trace record: capture the SCM events of a live kernel into a
 * trace.dat that replay, report, timeline, trace-cmd and KernelShark open.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cmd.h"

struct record_params {
	struct cmd_capture cap;
	const char *output;
	int version;
	int progress;		/* -1 auto (stderr is a terminal), 0 off, 1 on */
};

enum {
	OPT_FILE_VERSION = 256,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_QUIET,
};

static const struct argp_option record_options[] = {
	{ "output", 'o', "FILE", 0, "write the trace to FILE (default trace.dat)", 0 },
	{ "file-version", OPT_FILE_VERSION, "N", 0,
	  "trace.dat version: 6 (default; every trace-cmd and KernelShark reads it) or 7", 0 },
	{ "progress", OPT_PROGRESS, NULL, 0,
	  "show the bytes captured every second (default: when stderr is a terminal)", 0 },
	{ "no-progress", OPT_NO_PROGRESS, NULL, 0, "never show progress", 0 },
	{ "quiet", OPT_QUIET, NULL, 0, "say nothing on stderr but errors", 0 },
	{ 0 }
};

static error_t record_parse(int key, char *arg, struct argp_state *state)
{
	struct record_params *p = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &p->cap;
		break;
	case 'o':
		if (!*arg)
			argp_error(state, "empty file name for --output");
		p->output = arg;
		break;
	case OPT_FILE_VERSION:
		if (strcmp(arg, "6") && strcmp(arg, "7"))
			argp_error(state, "invalid value for --file-version: '%s' (expected 6 or 7)",
				   arg);
		p->version = atoi(arg);
		break;
	case OPT_PROGRESS:
		p->progress = 1;
		break;
	case OPT_NO_PROGRESS:
		p->progress = 0;
		break;
	case OPT_QUIET:
		p->cap.quiet = true;
		p->progress = 0;
		break;
	case ARGP_KEY_ARG:
		cmd_capture_take_command(&p->cap, state);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_child record_children[] = {
	{ &cmd_capture_argp, 0, NULL, 0 },
	{ 0 }
};

static const struct argp record_argp = {
	record_options, record_parse, "[-- COMMAND [ARG...]]",
	"Record the SCM events of the running kernel into a trace.dat file.\v"
	"A private tracefs instance (scmwq-trace-PID) holds the events, so the rest of the "
	"machine's tracing is undisturbed; it and every dynamic event made for it are removed "
	"on the way out, whatever the way out; a later run removes what a killed run left.  "
	"Recording runs until COMMAND exits, --duration is over, or Ctrl-C or SIGTERM; a "
	"second Ctrl-C abandons the file.  The per-CPU data is spliced into the file without "
	"passing through user space.\n\n"
	"SOURCE auto takes the kernel's qcom_scm or scm tracepoints where it has them, kprobes "
	"on the qcom_scm driver where it does not, and otherwise uprobes on the probe functions "
	"of scmwq-trace itself, which 'simulate --live' calls; it says which it took and why.  "
	"Needs root and tracefs (exit status 77 says what is missing).\n\n"
	"Exit status: 0 the file was written, 64 bad command line, 66 the file or COMMAND "
	"could not be opened, 70 an error while recording, 77 no root, no tracefs, or the "
	"kernel lacks what the source needs.\n\n"
	"Examples:\n"
	"  # the SCM tracepoints of a device, until Ctrl-C\n"
	"  scmwq-trace record -o scm.dat\n"
	"  # 30 s with scheduler events, then the findings\n"
	"  scmwq-trace record --sched --duration=30s -o scm.dat &&\n"
	"      scmwq-trace replay scm.dat\n"
	"  # a simulated run through the kernel, with uprobes\n"
	"  scmwq-trace record --source=uprobe -o t.dat -- \\\n"
	"      scmwq-trace simulate --live -d vendor --inject=wake-all-partial \\\n"
	"      -o /dev/null\n"
	"  # what it would set up, changing nothing\n"
	"  scmwq-trace record --source=kprobe --dry-run",
	record_children, NULL, NULL
};

static void show_progress(const struct record_params *p, struct scmwq_capture *cap, bool last)
{
	double mb = scmwq_capture_record_bytes(cap) / 1048576.0;

	fprintf(stderr, "\r\033[K%s: %.1f MB captured, %.0f s%s", cmd_progname, mb,
		cmd_capture_elapsed(&p->cap), last ? "\n" : "");
}

static const char *why_stopped(enum cmd_wake w, const struct cmd_capture *c)
{
	switch (w) {
	case CMD_WAKE_CHILD:
		return "the command exited";
	case CMD_WAKE_DURATION:
		return "--duration is over";
	case CMD_WAKE_SIGNAL:
		return c->stop_signal == SIGINT ? "interrupted" : "terminated by a signal";
	default:
		return "stopped";
	}
}

static int record_run(int argc, char **argv)
{
	struct record_params p = { .output = "trace.dat", .version = 6, .progress = -1 };
	struct scmwq_capture_stats st;
	struct scmwq_capture *cap = NULL;
	struct scmwq_error err = { 0 };
	const volatile int *abort;
	enum cmd_wake w = CMD_WAKE_TIMEOUT;
	char cs[128];
	int ret;

	p.cap.sigfd = -1;
	if (cmd_argp_parse(&record_argp, argc, argv, ARGP_IN_ORDER, &p))
		return EXIT_USAGE;
	if (p.cap.dry_run)
		return cmd_capture_dry_run(&p.cap);
	if (p.progress < 0)
		p.progress = isatty(STDERR_FILENO);
	if (cmd_capture_signals(&p.cap)) {
		cmd_err("cannot set up signal handling: %s", strerror(errno));
		return EXIT_SOFTWARE;
	}
	ret = cmd_capture_open(&p.cap, &cap);
	if (ret)
		return ret;
	if (scmwq_capture_record_begin(cap, p.output, p.version, &err) ||
	    cmd_capture_launch(&p.cap, cap, &err)) {
		cmd_err("%s", err.msg);
		ret = scmwq_errclass_exit(err.cls);
		goto out;
	}
	if (!p.cap.quiet)
		cmd_err("recording into %s (instance %s); Ctrl-C stops", p.output,
			scmwq_capture_instance(cap));
	for (;;) {
		w = cmd_capture_wait(&p.cap, 1000);
		if (w != CMD_WAKE_TIMEOUT)
			break;
		if (p.progress)
			show_progress(&p, cap, false);
	}
	if (p.progress)
		show_progress(&p, cap, true);
	abort = cmd_capture_arm_abort(&p.cap);
	if (scmwq_capture_record_end(cap, abort, &st, &err)) {
		cmd_err("%s", err.msg);
		ret = scmwq_errclass_exit(err.cls);
		goto out;
	}
	if (!p.cap.quiet) {
		double secs = cmd_capture_elapsed(&p.cap), cpu;
		struct rusage ru;

		/* the recorder's own threads, not the traced command */
		getrusage(RUSAGE_SELF, &ru);
		cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
		      ru.ru_stime.tv_usec / 1e6;
		cmd_err("%s: %s after %.1f s: %llu events (%.0f/s), %llu lost (%llu overwritten, "
			"%llu dropped), %.1f MB; recorder CPU %.2f s (%.1f%% of one CPU)",
			p.output, why_stopped(w, &p.cap), secs, (unsigned long long)st.events,
			secs > 0 ? st.events / secs : 0.0,
			(unsigned long long)(st.overrun + st.dropped),
			(unsigned long long)st.overrun, (unsigned long long)st.dropped,
			st.bytes / 1048576.0, cpu, secs > 0 ? 100 * cpu / secs : 0.0);
	}
out:
	cmd_capture_end_command(&p.cap);
	scmwq_capture_close(cap);
	if (!p.cap.quiet && cmd_capture_command_status(&p.cap, cs, sizeof(cs)))
		cmd_err("%s", cs);
	return ret;
}

static const struct cmd_values record_values[] = {
	{ "file-version", "6 7" },
	{ NULL, NULL }
};

const struct scmwq_cmd cmd_record = {
	.name = "record",
	.summary = "capture the SCM events of the running kernel into a trace.dat",
	.argp = &record_argp,
	.values = record_values,
	.takes_files = false,
	.run = record_run,
};
