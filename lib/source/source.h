/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sources, inside the library: the source object the backends fill in
 * (text, trace.dat) and what they share.  Not installed.
 */
#ifndef SCMWQ_LIB_SOURCE_H
#define SCMWQ_LIB_SOURCE_H

#include <sys/types.h>

#include <scmwq/source.h>

#include "base/base.h"
#include "source/tdat_format.h"

struct scmwq_source_ops {
	const char *name;	/* "text", "trace.dat" */
	int (*next)(struct scmwq_source *src, struct scmwq_event *ev, struct scmwq_error *err);
	void (*free)(struct scmwq_source *src);
};

struct scmwq_source {
	const struct scmwq_source_ops *ops;
	char *path;			/* as given; "-" for stdin */
	const char *display;		/* for messages: path or "<stdin>" */
	enum scmwq_source_format fmt;
	enum scmwq_system sys;		/* from header/formats, or UNKNOWN */
	uint64_t malformed;
	uint64_t lost;
	int cpus;			/* from the header or file; 0: unknown */
	bool losses_in_order;		/* each loss reported before the events after its start */
	scmwq_diag_fn diag;
	void *diag_arg;
	void *priv;			/* the backend's state */
	int rewind_fd;			/* the content from rewind_at; -1: a pipe */
	off_t rewind_at;		/* (scmwq_source_rewind()) */
};

/* Report one malformed line through the diag callback and count it. */
void scmwq_source_diag(struct scmwq_source *src, uint64_t line, const char *what);

/* ------------------------------------------------------------------ */
/* ftrace text (text.c; the lines: text_line.c and text.h)         */

struct scmwq_instream;

/*
 * Open a text source on @in (decompress.h; the source owns it and frees
 * it, also on failure).  @head/@head_len are the content's first bytes,
 * already read from @in by the detector, to be parsed first.  Fails with
 * SCMWQ_E_DATA if the start of the content does not look like ftrace text.
 */
int scmwq_text_open(struct scmwq_source *src, struct scmwq_instream *in, const char *head,
		    size_t head_len, struct scmwq_error *err);

enum scmwq_line_kind {
	SCMWQ_LINE_EVENT = 0,	/* an SCM or sched event: @ev filled */
	SCMWQ_LINE_SKIP,	/* comment, blank, header, some other event */
	SCMWQ_LINE_LOST,	/* a loss marker: @ev is an SCMWQ_EV_LOST */
	SCMWQ_LINE_MALFORMED,	/* *why says what was expected */
};

#define SCMWQ_TEXT_CPUS	512	/* CPUs whose last line's time is kept */

/* Per-file parsing state (header seen, flag width, units...). */
struct scmwq_text_ctx {
	bool seen_header;	/* "# tracer:" or "cpus=" */
	bool report_layout;	/* trace-cmd report output */
	int cpus;
	uint64_t entries_in_buffer, entries_written;
	uint64_t last_ts;	/* of the last event line: loss markers have none */
	int flag_width;		/* flags column width from the header; 0: unknown */
	/*
	 * The time of each CPU's last line (0: none yet, or a CPU beyond the
	 * table): a loss marker's gap begins there.
	 */
	uint64_t cpu_ts[SCMWQ_TEXT_CPUS];
	/*
	 * Read every line the general way, without the shortcuts for the
	 * kernel's exact layout (text_fast.c, text_line.c): what the tests
	 * compare the shortcuts with.
	 */
	bool general;
};

/**
 * scmwq_text_parse_line - parse one line of ftrace text (no newline)
 * @ctx: per-file state, zero-initialised before the first line
 * @line: the line, NUL-terminated
 * @ev: filled for SCMWQ_LINE_EVENT and SCMWQ_LINE_LOST
 * @why: for SCMWQ_LINE_MALFORMED, set to a static description of what was
 *       expected
 */
enum scmwq_line_kind scmwq_text_parse_line(struct scmwq_text_ctx *ctx, const char *line,
					   struct scmwq_event *ev, const char **why);

/* ------------------------------------------------------------------ */
/* Vendor scm_smc_request arguments (vendor_args.c)                */

/*
 * Parse " x2:(hex:0xH decimal:D) x3:(...)..." (at most @len bytes, up to a
 * NUL): the argument text the vendor kernel prints after args_cnt and
 * keeps in the string field `out`.  args[0] is x2.  @expect: args_cnt, or
 * -1.  Returns the number of arguments listed (only the first
 * SCMWQ_MAX_ARGS are stored), or -1 with *@why saying what was expected.
 */
int scmwq_vendor_args_parse(const char *s, size_t len, int expect, uint64_t *args,
			    const char **why);

/*
 * sched_switch's prev_state as the kernel prints it ('R', 'S', 'D', 'I',
 * ...) from the number it records (tepconv.c; the Perfetto reader's
 * sched_switch protos carry the same number).
 */
char scmwq_prev_state_char(uint64_t state);

/* ------------------------------------------------------------------ */
/* Perfetto (perfetto*.c; the wire format: pb_read.c)               */

/*
 * Whether the @len bytes at @head begin a Perfetto trace: a TracePacket
 * (tag 0x0a, a varint length) whose first field is well formed, and control
 * bytes no ftrace text has.
 */
bool scmwq_perfetto_detect(const void *head, size_t len);
/*
 * Open a Perfetto source on @fd (owned by the source from here on), whose
 * first @head_len bytes were already read into @head.
 */
int scmwq_perfetto_open(struct scmwq_source *src, int fd, const void *head, size_t head_len,
			struct scmwq_error *err);

/* ------------------------------------------------------------------ */
/* trace.dat (tdat.c)                                              */

/*
 * Open a trace.dat source.  @fd is open on the file (owned by the source
 * from here on; for standard input it may be a spooled temporary file).
 */
int scmwq_tdat_open(struct scmwq_source *src, int fd, struct scmwq_error *err);


#endif /* SCMWQ_LIB_SOURCE_H */
