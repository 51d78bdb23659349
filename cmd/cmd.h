/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command table: each subcommand is one file in cmd/ that exports a
 * struct scmwq_cmd.  Options are argp tables; the completion command
 * generates bash and zsh completion from those same tables.  What several
 * subcommands share is in cmd/options*.c (option tables and parsing) and
 * cmd/util_*.c (argp glue, suggestions, colour, progress, -j).
 */
#ifndef SCMWQ_CMD_H
#define SCMWQ_CMD_H

#include <argp.h>
#include <sys/types.h>
#include <time.h>

#include "scmwq.h"

/*
 * Values an option takes, for completion: "a b c".  Options not listed
 * complete file names if their argument is a FILE, tracefs events if it is
 * an EVENT, else nothing.  long_name "" lists the values of the command's
 * positional arguments.
 */
struct cmd_values {
	const char *long_name;
	const char *values;	/* space-separated words to complete */
};

struct scmwq_cmd {
	const char *name;
	const char *summary;
	const struct argp *argp;		/* NULL: no options */
	const struct cmd_values *values;	/* terminated by { NULL } */
	bool takes_files;			/* positional args are files */
	bool hidden;
	int (*run)(int argc, char **argv);
};

extern const struct scmwq_cmd cmd_replay;
extern const struct scmwq_cmd cmd_report;
extern const struct scmwq_cmd cmd_timeline;
extern const struct scmwq_cmd cmd_model;
extern const struct scmwq_cmd cmd_simulate;
extern const struct scmwq_cmd cmd_completion;
extern const struct scmwq_cmd cmd_record;
extern const struct scmwq_cmd cmd_monitor;
extern const struct scmwq_cmd cmd_version;

extern const struct scmwq_cmd *const scmwq_cmds[];

/* Exit statuses of replay.md section 4. */
enum {
	EXIT_OK = 0,
	EXIT_FINDINGS = 1,
	EXIT_USAGE = 64,
	EXIT_DATAERR = 65,
	EXIT_NOINPUT = 66,
	EXIT_SOFTWARE = 70,
	EXIT_NOPERM = 77,
};

/*
 * The model's options (--driver, --grace, --stall, --skew) as an argp
 * child: point a struct cmd_judge at the command's own fields and hand it
 * over in ARGP_KEY_INIT (state->child_inputs[0]).
 */
struct cmd_judge {
	enum scmwq_driver *driver;
	struct scmwq_model_opts *model;
};

extern const struct argp cmd_judge_argp;
extern const struct argp_child cmd_judge_children[];
extern const struct cmd_values cmd_judge_values[];

/*
 * The filters of replay, report and timeline (--cpu, --pid, --comm,
 * --wq-ctx, --time; cmd/options_filter.c) as an argp child after the model's:
 * state->child_inputs[1] = the command's struct scmwq_filter.
 */
extern const struct argp cmd_filter_argp;
extern const struct argp_child cmd_judge_filter_children[];

struct cmd_diag;
/*
 * Open @file for a command with filter @f, and resolve its --time: a
 * percent window reads the trace once for its span (its malformed lines
 * not said, nor counted, then) and rewinds it, so the file is opened
 * once; a percent of standard input is refused (SCMWQ_E_USAGE: it
 * cannot be read twice).  NULL with @err set.
 */
struct scmwq_source *cmd_open_filtered(const char *file, struct scmwq_filter *f,
				       struct cmd_diag *d, struct scmwq_error *err);

/*
 * -j N (cmd/util_jobs.c): tasks 0..n-1 in forked children, at most N at a time;
 * their standard output and error are printed in task order, as if they
 * ran one after another.  @run does task i (in a child, or here when a
 * child cannot be had) and fills @result; @done gets, in task order, its
 * exit status and that result.
 */
struct cmd_jobs {
	int (*run)(int i, void *result, void *arg);
	void (*done)(int i, int status, const void *result, void *arg);
	void *result;		/* a buffer of @result_len bytes */
	size_t result_len;
	void *arg;
};

/* Return: 0, or -1 when out of memory (nothing was run). */
int cmd_jobs_run(const struct cmd_jobs *c, int ntasks, int jobs);

/* Parse a duration option or fail the argp parse with a usage error. */
int cmd_parse_duration(struct argp_state *state, const char *opt, const char *arg, uint64_t *ns);

/*
 * argp_parse() for a subcommand (cmd/util_parse.c): also takes -h for --help, and
 * answers a mistyped long option with the nearest one ("did you mean").
 * Return: 0, or non-zero after a usage error has been printed.
 */
int cmd_argp_parse(const struct argp *argp, int argc, char **argv, unsigned flags, void *input);

/*
 * The word of @known (@n entries, NULL ones skipped) nearest to @word, if
 * it is close enough to be a typo of it (cmd/util_suggest.c); else NULL.
 */
const char *cmd_suggest(const char *word, const char *const *known, size_t n);

/* Common argp flags for subcommands: errors exit 64, --help exits 0. */
#define CMD_ARGP_FLAGS 0

extern const char *cmd_progname;	/* "scmwq-trace replay" etc. */

/*
 * Remove an output file this run created and must not leave behind; never
 * anything but a regular file (not /dev/null, a fifo, a link).
 */
void cmd_remove_output(const char *path);

/*
 * Malformed lines of a text trace, as every reading command reports them:
 * the first ten on stderr with FILE:LINE, then only a count.  Pass a
 * struct cmd_diag as the source's diag argument.
 */
struct cmd_diag {
	bool quiet;
	uint64_t count;
};

void cmd_diag_cb(const char *path, uint64_t line, const char *what, void *arg);

/*
 * record and monitor (cmd/session.c): the capture options as an argp
 * child (state->child_inputs[i] = the struct cmd_capture), the signals,
 * and the command to trace after "--".
 */
#define CMD_MAX_EVENTS 32

struct cmd_capture {
	struct scmwq_capture_opts o;
	const char *events[CMD_MAX_EVENTS + 1];
	int nevents;
	uint64_t duration_ns;
	bool dry_run;
	bool quiet;
	char **command;			/* NULL-terminated, or NULL */
	/* at run time */
	int sigfd;
	int stop_signal;
	struct timespec t0;		/* tracing started */
	int child;
	bool child_done;
	int child_status;
};

enum cmd_wake {
	CMD_WAKE_TIMEOUT = 0,
	CMD_WAKE_SIGNAL,		/* Ctrl-C, SIGTERM, SIGHUP */
	CMD_WAKE_CHILD,			/* the traced command ended */
	CMD_WAKE_DURATION,		/* --duration is over */
};

extern const struct argp cmd_capture_argp;
extern const struct cmd_values cmd_capture_values[];

void cmd_capture_take_command(struct cmd_capture *c, struct argp_state *state);
/* Block the stop signals (before any thread starts) into a signalfd. */
int cmd_capture_signals(struct cmd_capture *c);
int cmd_capture_open(struct cmd_capture *c, struct scmwq_capture **cap);
int cmd_capture_dry_run(struct cmd_capture *c);
/* Start the command (held until tracing is on) and tracing. */
int cmd_capture_launch(struct cmd_capture *c, struct scmwq_capture *cap,
		       struct scmwq_error *err);
enum cmd_wake cmd_capture_wait(struct cmd_capture *c, int timeout_ms);
/* After the stop: a second Ctrl-C or SIGTERM sets the returned flag. */
const volatile int *cmd_capture_arm_abort(struct cmd_capture *c);
/* Seconds since tracing started. */
double cmd_capture_elapsed(const struct cmd_capture *c);
/* End the command if it still runs (SIGTERM, then SIGKILL). */
void cmd_capture_end_command(struct cmd_capture *c);
const char *cmd_capture_command_status(const struct cmd_capture *c, char *buf, size_t len);

/*
 * --color=WHEN (cmd/util_color.c): auto (on a terminal, unless NO_COLOR is set or
 * TERM=dumb), always, never.  Each colouring command has CMD_COLOR_OPTION in
 * its table and { "color", CMD_COLOR_VALUES } in its completion values.
 */
enum cmd_color { CMD_COLOR_AUTO, CMD_COLOR_ALWAYS, CMD_COLOR_NEVER };

#define CMD_COLOR_OPTION(key, group) \
	{ "color", key, "WHEN", 0, "colour severities: auto (default: on a terminal, unless " \
	  "NO_COLOR is set), always, never", group }
#define CMD_COLOR_VALUES "auto always never"

/* Parse --color's value or fail the argp parse with a usage error. */
int cmd_color_parse(struct argp_state *state, const char *arg, enum cmd_color *c);
/* Whether to colour what goes to @out. */
bool cmd_color_want(enum cmd_color c, FILE *out);

/*
 * Progress through an input file (cmd/util_progress.c): init with the path
 * given ("-": standard input) before the source reads it; percent is
 * 0-100, or -1 when not known (a pipe, a file read by mapping it).
 */
struct cmd_file_pos {
	off_t size;		/* 0: not a regular file */
	dev_t dev;
	ino_t ino;
	int fd;
};

void cmd_file_pos_init(struct cmd_file_pos *p, const char *path);
int cmd_file_pos_percent(struct cmd_file_pos *p);

/* The "s" of a plural: printf("%llu call%s", n, CMD_S(n)). */
#define CMD_S(n) ((n) == 1 ? "" : "s")

/* Print "scmwq-trace: msg" to stderr. */
void cmd_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
