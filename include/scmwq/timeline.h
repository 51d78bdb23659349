/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timeline: the per-call timelines as pictures (terminal, SVG, Perfetto).
 */
#ifndef SCMWQ_TIMELINE_H
#define SCMWQ_TIMELINE_H

#include <scmwq/replay.h>

enum scmwq_tl_format {
	SCMWQ_TL_ASCII = 0,	/* lanes of characters for a terminal */
	SCMWQ_TL_SVG,		/* a standalone SVG picture */
	SCMWQ_TL_PERFETTO,	/* Chrome trace-event JSON (ui.perfetto.dev) */
};

/* Returns -1 for an unknown name ("ascii", "svg", "perfetto"). */
int scmwq_tl_format_parse(const char *name, enum scmwq_tl_format *fmt);

struct scmwq_timeline_opts {
	enum scmwq_tl_format format;
	enum scmwq_driver driver;	/* SCMWQ_DRV_AUTO: decided from the trace */
	struct scmwq_model_opts model;	/* .driver is set from the trace */
	unsigned int width;		/* ascii: columns; svg: plot pixels; 0: default */
	bool color;			/* ascii: ANSI colours */
	bool has_from, has_to;		/* a --time window: draw only [from_ns, to_ns] */
	uint64_t from_ns, to_ns;
	const char *title;		/* the picture's name for the input; NULL: the path */
	scmwq_diag_fn diag;		/* malformed text lines (may be NULL) */
	void *diag_arg;
	FILE *out;
};

void scmwq_timeline_opts_init(struct scmwq_timeline_opts *o);

struct scmwq_timeline_result {
	enum scmwq_driver driver;	/* the driver judged */
	char driver_why[192];
	uint64_t events;		/* events read (second pass) */
	uint64_t calls;			/* calls drawn */
	uint64_t aggregated;		/* svg: calls drawn as per-pixel occupancy */
	uint64_t arrows;		/* svg: wake arrows drawn */
	uint64_t arrows_dropped;	/* svg: wake arrows left out (budget, same pixel) */
	unsigned int lanes;		/* thread lanes drawn (ascii, svg) */
	unsigned int threads_merged;	/* threads drawn together in one "others" lane */
	uint64_t malformed;		/* malformed text lines skipped */
	struct scmwq_model_stats stats;	/* of the model: calls, sleeps, findings... */
};

/**
 * scmwq_timeline - draw the per-call timelines of a trace
 * @path: a trace file, or "-" for standard input
 * @opts: format, model options, size, output stream
 * @res: filled in any case (also on error: what was drawn so far)
 * @err: set on failure
 *
 * The calls come from scmwq_replay() with per-call timelines, so wakes are
 * credited exactly as replay credits them and the findings are replay's.
 * ascii and svg read the trace twice (the lanes and the time range first);
 * standard input is spooled to an unlinked temporary file for that.  Memory
 * is bounded by lanes x width (ascii, svg: calls too narrow to draw are
 * aggregated per pixel) or by the threads (perfetto, written as calls end),
 * never by the number of calls.  Returns 0, or -1 with @err set
 * (SCMWQ_E_NOINPUT, SCMWQ_E_DATA, SCMWQ_E_INTERNAL); what was written to
 * @opts->out is then a complete picture of the trace up to the error.
 */
int scmwq_timeline(const char *path, const struct scmwq_timeline_opts *opts,
		   struct scmwq_timeline_result *res, struct scmwq_error *err);

#endif /* SCMWQ_TIMELINE_H */
