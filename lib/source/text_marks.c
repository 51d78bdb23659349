// SPDX-License-Identifier: GPL-2.0
/*
 * The lines of ftrace text that are not events: the header (CPU count,
 * flags width, entries overwritten), the markers of events lost, and what
 * trace-cmd report prints around the events.
 */
#include "source/text.h"

/*
 * A loss marker.  The kernel prints it before the CPU's next event, after
 * the other CPUs' events from meanwhile: the gap began at that CPU's last
 * line (the trace's start for a CPU not seen yet); the marker sits in the
 * stream at the last line's time.
 */
static void lost_event(struct scmwq_text_ctx *ctx, struct scmwq_event *ev, enum scmwq_loss loss,
		       int cpu, uint64_t count)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = SCMWQ_EV_LOST;
	ev->pid = -1;
	ev->cpu = cpu;
	ev->loss = loss;
	ev->lost_count = count;
	ev->ts_ns = ctx->last_ts;
	if (loss == SCMWQ_LOSS_EVENTS && cpu >= 0 && cpu < SCMWQ_TEXT_CPUS)
		ev->gap_start_ns = ctx->cpu_ts[cpu];
}

/* "CPU:N [LOST M EVENTS]", "CPU:N [LOST EVENTS]", "CPU:N [M EVENTS DROPPED]" */
static bool parse_lost_marker(struct scmwq_text_ctx *ctx, const char *p, struct scmwq_event *ev)
{
	uint64_t count = 0;
	int cpu;

	p = txt_parse_dec_int(p + 4, &cpu);
	if (!p || *p != ' ')
		return false;
	while (*p == ' ')
		p++;
	if (*p++ != '[')
		return false;
	if (STARTS(p, "LOST ")) {
		p += 5;
		if (txt_is_digit(*p)) {
			p = txt_parse_uint(p, &count);
			if (!p || *p++ != ' ')
				return false;
		}
		if (!STARTS(p, "EVENTS]"))
			return false;
		p += 7;
	} else {
		if (txt_is_digit(*p)) {
			p = txt_parse_uint(p, &count);
			if (!p || *p++ != ' ')
				return false;
		}
		if (!STARTS(p, "EVENTS DROPPED]"))
			return false;
		p += 15;
	}
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if (*p)
		return false;
	lost_event(ctx, ev, SCMWQ_LOSS_EVENTS, cpu, count);
	return true;
}

/* Comment lines: the header tells the CPU count, the flags width and overwrites. */
static enum scmwq_line_kind parse_comment(struct scmwq_text_ctx *ctx, const char *p,
					  struct scmwq_event *ev)
{
	const char *c;
	uint64_t in, written;
	int n;

	if (STARTS(p, "##### CPU ")) {
		c = txt_parse_dec_int(p + 10, &n);
		if (c && STARTS(c, " buffer started")) {
			lost_event(ctx, ev, SCMWQ_LOSS_CPU_STARTED, n, 0);
			return SCMWQ_LINE_LOST;
		}
		return SCMWQ_LINE_SKIP;
	}
	p++;
	while (*p == ' ')
		p++;
	if (STARTS(p, "tracer:")) {
		ctx->seen_header = true;
	} else if (STARTS(p, "entries-in-buffer/entries-written:")) {
		c = p + 34;
		while (*c == ' ')
			c++;
		c = txt_parse_uint(c, &in);
		if (!c || *c != '/')
			return SCMWQ_LINE_SKIP;
		c = txt_parse_uint(c + 1, &written);
		if (!c)
			return SCMWQ_LINE_SKIP;
		ctx->entries_in_buffer = in;
		ctx->entries_written = written;
		while (*c == ' ')
			c++;
		if (STARTS(c, "#P:") && txt_parse_dec_int(c + 3, &n))
			ctx->cpus = n;
		if (written > in) {
			lost_event(ctx, ev, SCMWQ_LOSS_OVERWRITTEN, -1, written - in);
			return SCMWQ_LINE_LOST;
		}
	} else if ((c = strstr(p, "CPU#")) != NULL) {
		/* "#  TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION" */
		c += 4;
		while (*c == ' ')
			c++;
		for (n = 0; c[n] == '|'; n++)
			;
		if (n >= 4)
			ctx->flag_width = n;
	}
	return SCMWQ_LINE_SKIP;
}

/**
 * txt_parse_mark - a line that is not an event
 * @ctx: per-file state: the header's lines update it
 * @p: the line, after leading blanks (and trace-cmd report's instance name)
 * @ev: filled for a loss marker
 * @kind: set when true is returned: SCMWQ_LINE_SKIP or SCMWQ_LINE_LOST
 *
 * Blank lines, the header's comments, loss markers, and what trace-cmd
 * report prints around the events ("cpus=N", "version = N", "CPU N is
 * empty").
 *
 * Return: true if @p is one of these; false for a line to be read as an
 * event.
 */
bool txt_parse_mark(struct scmwq_text_ctx *ctx, const char *p, struct scmwq_event *ev,
		    enum scmwq_line_kind *kind)
{
	const char *q;

	*kind = SCMWQ_LINE_SKIP;
	switch (*p) {
	case '\0':
	case '\r':
		return true;
	case '#':
		*kind = parse_comment(ctx, p, ev);
		return true;
	case 'C':
		if (STARTS(p, "CPU:") && parse_lost_marker(ctx, p, ev)) {
			*kind = SCMWQ_LINE_LOST;
			return true;
		}
		if (STARTS(p, "CPU ") && strstr(p, " is empty"))
			return true;
		break;
	case 'c':
		if (STARTS(p, "cpus=")) {
			int n;

			q = txt_parse_dec_int(p + 5, &n);
			if (q && (!*q || *q == '\r')) {
				ctx->cpus = n;
				ctx->seen_header = true;
				ctx->report_layout = true;
				return true;
			}
		}
		break;
	case 'v':
		if (STARTS(p, "version = ") && txt_is_digit(p[10]))
			return true;
		break;
	}
	return false;
}
