// SPDX-License-Identifier: GPL-2.0
/*
 * scmwq-trace timeline: the per-call timelines of a trace as pictures: in
 * the terminal, as an SVG, as a Perfetto trace, or as Chrome JSON.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"

struct timeline_params {
	struct scmwq_timeline_opts tl;
	struct cmd_judge judge;
	bool format_given;
	enum cmd_color color;
	const char *output;	/* NULL or "-": standard output */
	unsigned int width;	/* 0: default */
	bool quiet;
	const char *file;
};

enum {
	OPT_COLOR = 256,
};

static const struct argp_option timeline_options[] = {
	{ "format", 'f', "FORMAT", 0,
	  "ascii (default), svg, perfetto or chrome-json; with -o FILE.svg, FILE.pftrace or "
	  "FILE.json the default follows the name", 0 },
	{ "output", 'o', "FILE", 0, "write to FILE (default: standard output)", 0 },
	{ "width", 'w', "N", 0,
	  "ascii: columns (default: the terminal's, $COLUMNS or 80); svg: pixels of the time "
	  "axis (default 1200)", 0 },
	{ "color", OPT_COLOR, "WHEN", 0,
	  "ascii: colour the lanes: auto (default: when writing to a terminal), always, never",
	  0 },
	{ "quiet", 'q', NULL, 0, "do not list malformed lines (they are still counted)", 0 },
	{ 0 }
};

static error_t timeline_parse(int key, char *arg, struct argp_state *state)
{
	struct timeline_params *p = state->input;
	char *end;
	unsigned long v;

	if (key == ARGP_KEY_INIT) {
		p->judge.driver = &p->tl.driver;
		p->judge.model = &p->tl.model;
		state->child_inputs[0] = &p->judge;
		state->child_inputs[1] = &p->tl.filter;
		return 0;
	}
	switch (key) {
	case 'f':
		if (scmwq_tl_format_parse(arg, &p->tl.format) < 0)
			argp_error(state, "unknown format '%s' (expected ascii, svg, perfetto or "
				   "chrome-json)", arg);
		p->format_given = true;
		break;
	case 'o':
		if (!*arg)
			argp_error(state, "empty file name for --output");
		p->output = arg;
		break;
	case 'w':
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || v < 30 || v > 20000)
			argp_error(state, "bad --width '%s' (expected a number from 30 to 20000)",
				   arg);
		p->width = (unsigned int)v;
		break;
	case OPT_COLOR:
		cmd_color_parse(state, arg, &p->color);
		break;
	case 'q':
		p->quiet = true;
		break;
	case ARGP_KEY_ARG:
		if (p->file)
			argp_error(state, "one trace at a time (got '%s' and '%s')", p->file, arg);
		p->file = arg;
		break;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "no trace given (a trace.dat or ftrace text file, or - for "
				  "stdin)");
		break;
	case ARGP_KEY_END:
		if (p->tl.filter.n_ranges > 1)
			argp_error(state, "--time: a timeline draws one window (got %d)",
				   p->tl.filter.n_ranges);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp timeline_argp = {
	timeline_options, timeline_parse, "TRACE",
	"Draw the per-call timelines of an SCM wait-queue trace: one lane per thread, each call "
	"with its sleeps (by wq_ctx), the wakes and who gave them, and replay's findings.\v"
	"TRACE is a trace.dat or ftrace text file; '-' reads standard input (spooled to a "
	"temporary file for ascii and svg, which read the trace twice, and for --time in percent "
	"or after the first event).  --time draws that window; the other filters choose the "
	"calls and findings drawn, --pid and --comm the lanes too.\n\n"
	"Formats: ascii, lanes of characters fitted to the width (the default, also when not "
	"writing to a terminal; colour only on a terminal unless --color=always); svg, a "
	"standalone picture for a browser, with a tooltip on every call and sleep; perfetto, "
	"a Perfetto protobuf trace (TrackEvent) for ui.perfetto.dev; chrome-json, Chrome "
	"trace-event JSON for chrome://tracing.\n\n"
	"Exit status: 0 the picture was written (findings do not change it: use replay for a "
	"verdict), 64 bad command line, 65 input is not a readable trace, 66 input cannot be "
	"opened, 70 internal error or write error.\n\n"
	"Examples:\n"
	"  scmwq-trace timeline trace.dat\n"
	"  scmwq-trace timeline -o bug-1234.svg bug-1234.dat\n"
	"  scmwq-trace timeline -o trace.pftrace trace.dat",
	cmd_judge_filter_children, NULL, NULL
};

/* ------------------------------------------------------------------ */

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcasecmp(s + a - b, suffix);
}

/*
 * The format an output file's name asks for: .svg, .json, or text (.txt,
 * .log, .out, no extension) for ascii; -1 for any other extension (out.png
 * must not get ASCII art).
 */
static int format_from_name(const char *path, enum scmwq_tl_format *f)
{
	static const char *const text[] = { ".txt", ".text", ".ascii", ".log", ".out" };
	const char *base = strrchr(path, '/');
	const char *dot;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (ends_with(base, ".svg")) {
		*f = SCMWQ_TL_SVG;
		return 0;
	}
	if (ends_with(base, ".json")) {
		*f = SCMWQ_TL_CHROME_JSON;
		return 0;
	}
	if (ends_with(base, ".pftrace") || ends_with(base, ".perfetto-trace")) {
		*f = SCMWQ_TL_PERFETTO;
		return 0;
	}
	if (!dot || dot == base)
		return 0;	/* no extension, or a dot file */
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		if (!strcasecmp(dot, text[i]))
			return 0;
	return -1;
}

/* Columns of the terminal on @fd, or 0. */
static unsigned int term_cols(int fd)
{
	struct winsize ws;

	if (isatty(fd) && !ioctl(fd, TIOCGWINSZ, &ws) && ws.ws_col >= 30)
		return ws.ws_col;
	return 0;
}

static unsigned int ascii_width(FILE *out)
{
	const char *cols = getenv("COLUMNS");
	unsigned int w = term_cols(fileno(out));
	char *end;
	unsigned long v;

	if (w)
		return w;
	if (cols && *cols) {
		v = strtoul(cols, &end, 10);
		if (!*end && v >= 30 && v <= 20000)
			return (unsigned int)v;
	}
	return 80;	/* as a terminal's, where COLUMNS is not exported */
}

static int timeline_run(int argc, char **argv)
{
	struct timeline_params p = { .color = CMD_COLOR_AUTO };
	struct cmd_diag diag = { 0 };
	struct scmwq_timeline_result res;
	struct scmwq_error err = { 0 };
	bool to_file, created = false;
	struct stat st;
	FILE *out;
	int status, rc, bad, saved;

	scmwq_timeline_opts_init(&p.tl);
	argp_err_exit_status = EXIT_USAGE;
	if (cmd_argp_parse(&timeline_argp, argc, argv, 0, &p))
		return EXIT_USAGE;
	to_file = p.output && strcmp(p.output, "-");
	if (!p.format_given && to_file && format_from_name(p.output, &p.tl.format) < 0) {
		cmd_err("%s: no format of timeline has that extension: it writes ascii (.txt), "
			"svg (.svg), perfetto (.pftrace) or chrome-json (.json); --format=FORMAT "
			"writes one to any name", p.output);
		return EXIT_USAGE;
	}
	if (p.tl.format == SCMWQ_TL_PERFETTO && !to_file && isatty(STDOUT_FILENO)) {
		cmd_err("timeline: a Perfetto trace is binary: not written to a terminal (use -o "
			"FILE.pftrace)");
		return EXIT_USAGE;
	}
	if (to_file && p.file && strcmp(p.file, "-") && !strcmp(p.file, p.output)) {
		cmd_err("timeline: --output '%s' is the trace itself", p.output);
		return EXIT_USAGE;
	}

	out = stdout;
	if (to_file) {
		created = stat(p.output, &st) < 0 && errno == ENOENT;
		out = fopen(p.output, "w");
		if (!out) {
			cmd_err("cannot create %s: %s", p.output, strerror(errno));
			return EXIT_SOFTWARE;
		}
	}
	p.tl.out = out;
	diag.quiet = p.quiet;
	p.tl.diag = cmd_diag_cb;
	p.tl.diag_arg = &diag;
	p.tl.width = p.width;
	if (p.tl.format == SCMWQ_TL_ASCII) {
		if (!p.width)
			p.tl.width = ascii_width(out);
		p.tl.color = cmd_color_want(p.color, out);
	}

	rc = scmwq_timeline(p.file, &p.tl, &res, &err);
	status = EXIT_OK;
	if (rc < 0) {
		cmd_err("%s", err.msg);
		status = scmwq_errclass_exit(err.cls);
	}

	if (out == stdout)
		return status;	/* main() checks standard output */
	errno = 0;
	bad = fflush(out) || ferror(out);
	saved = errno;
	if (fclose(out) && !bad) {
		bad = 1;
		saved = errno;
	}
	if (bad) {
		cmd_err("write error on %s: %s", p.output, saved ? strerror(saved) : "I/O error");
		if (status == EXIT_OK)
			status = EXIT_SOFTWARE;
	}
	/* nothing was drawn (the input could not be read): leave no empty file */
	if (created && rc < 0 && stat(p.output, &st) == 0 && st.st_size == 0)
		cmd_remove_output(p.output);
	return status;
}

static const struct cmd_values timeline_values[] = {
	{ "format", "ascii svg perfetto chrome-json" },
	{ "color", CMD_COLOR_VALUES },
	{ NULL, NULL },
};

const struct scmwq_cmd cmd_timeline = {
	.name = "timeline",
	.summary = "draw per-call sleep/wake timelines: terminal, SVG, Perfetto or JSON",
	.argp = &timeline_argp,
	.values = timeline_values,
	.takes_files = true,
	.run = timeline_run,
};
