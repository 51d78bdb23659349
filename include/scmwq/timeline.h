/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of lib/view/timeline*.c: the per-call timelines of a trace
 * drawn as pictures (terminal, SVG, Perfetto, Chrome JSON).
 */
#ifndef SCMWQ_TIMELINE_H
#define SCMWQ_TIMELINE_H

#include <scmwq/filter.h>
#include <scmwq/replay.h>

/**
 * enum scmwq_tl_format - what a timeline is drawn as
 * @SCMWQ_TL_ASCII: lanes of characters for a terminal
 * @SCMWQ_TL_SVG: a standalone SVG picture
 * @SCMWQ_TL_PERFETTO: a Perfetto protobuf trace of TrackEvents (ui.perfetto.dev)
 * @SCMWQ_TL_CHROME_JSON: Chrome trace-event JSON (chrome://tracing)
 */
enum scmwq_tl_format {
	SCMWQ_TL_ASCII = 0,
	SCMWQ_TL_SVG,
	SCMWQ_TL_PERFETTO,
	SCMWQ_TL_CHROME_JSON,
};

/**
 * scmwq_tl_format_parse() - a timeline format from its name
 * @name: "ascii", "svg", "perfetto" or "chrome-json"
 * @fmt: set to the format on success
 *
 * Return: 0, or -1 for an unknown name.
 */
int scmwq_tl_format_parse(const char *name, enum scmwq_tl_format *fmt);

/**
 * struct scmwq_timeline_opts - what to draw and how
 * @format: ascii, svg, perfetto or chrome-json
 * @driver: the driver; SCMWQ_DRV_AUTO: decided from the trace
 * @model: the model's options; .driver is set from the trace
 * @width: ascii: columns (default 100); svg: plot pixels (default 1200);
 *         0: the default
 * @color: ascii: ANSI colours
 * @has_from: @from_ns is set
 * @has_to: @to_ns is set
 * @from_ns: --time: draw only from here
 * @to_ns: --time: draw only up to here
 * @filter: which calls and findings are drawn (--cpu, --pid, --comm,
 *          --wq-ctx; a call is drawn whole); --pid and --comm also choose
 *          the lanes; its --time, one window, sets @has_from, @from_ns,
 *          @has_to and @to_ns once resolved for the trace
 * @title: the picture's name for the input; NULL: the path
 * @diag: told of malformed text lines (may be NULL)
 * @diag_arg: passed to @diag
 * @out: where the picture goes; NULL: stdout
 */
struct scmwq_timeline_opts {
	enum scmwq_tl_format format;
	enum scmwq_driver driver;
	struct scmwq_model_opts model;
	unsigned int width;
	bool color;
	bool has_from, has_to;
	uint64_t from_ns, to_ns;
	struct scmwq_filter filter;
	const char *title;
	scmwq_diag_fn diag;
	void *diag_arg;
	FILE *out;
};

/**
 * scmwq_timeline_opts_init() - the default options
 * @o: filled: ascii, SCMWQ_DRV_AUTO, the model's defaults
 *     (scmwq_model_opts_init()), default width, no colour, the whole
 *     trace, stdout
 */
void scmwq_timeline_opts_init(struct scmwq_timeline_opts *o);

/**
 * struct scmwq_timeline_result - what was drawn
 * @driver: the driver judged
 * @driver_why: why --driver=auto chose it, or "given with --driver"
 * @events: events read (in the second pass)
 * @calls: calls drawn
 * @aggregated: svg: calls drawn as per-pixel occupancy
 * @arrows: svg: wake arrows drawn
 * @arrows_dropped: svg: wake arrows left out (budget, same pixel)
 * @lanes: thread lanes drawn (ascii, svg)
 * @threads_merged: threads drawn together in one "others" lane
 * @malformed: malformed text lines skipped
 * @stats: the model's counters: calls, sleeps, findings...
 */
struct scmwq_timeline_result {
	enum scmwq_driver driver;
	char driver_why[192];
	uint64_t events;
	uint64_t calls;
	uint64_t aggregated;
	uint64_t arrows;
	uint64_t arrows_dropped;
	unsigned int lanes;
	unsigned int threads_merged;
	uint64_t malformed;
	struct scmwq_model_stats stats;
};

/**
 * scmwq_timeline() - draw the per-call timelines of a trace
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
 * aggregated per pixel) or by the threads (perfetto and chrome-json,
 * written as calls end, reading the trace once), never by the number of
 * calls.
 *
 * Return: 0, or -1 with @err set (SCMWQ_E_NOINPUT, SCMWQ_E_DATA,
 * SCMWQ_E_INTERNAL); what was written to @opts->out is then a complete
 * picture of the trace up to the error.
 */
int scmwq_timeline(const char *path, const struct scmwq_timeline_opts *opts,
		   struct scmwq_timeline_result *res, struct scmwq_error *err);

#endif /* SCMWQ_TIMELINE_H */
