// SPDX-License-Identifier: GPL-2.0
/*
 * The span of a trace, first to last event, for --time in percent: one
 * pass over the events before the trace is judged (no model, no output).
 */
#include <string.h>

#include <scmwq/filter.h>
#include <scmwq/source.h>

void scmwq_source_span(struct scmwq_source *src, uint64_t *first_ns, uint64_t *last_ns)
{
	struct scmwq_error rerr;
	struct scmwq_event ev;
	bool any = false;

	*first_ns = *last_ns = 0;
	for (;;) {
		memset(&ev, 0, sizeof(ev));
		/* a read error shows again when the trace is judged: stop there */
		if (scmwq_source_next(src, &ev, &rerr) <= 0)
			break;
		if (ev.type == SCMWQ_EV_LOST || ev.type == SCMWQ_EV_NONE)
			continue;
		if (!any)
			*first_ns = ev.ts_ns;
		if (!any || ev.ts_ns > *last_ns)
			*last_ns = ev.ts_ns;
		any = true;
	}
}

int scmwq_trace_span(const char *path, uint64_t *first_ns, uint64_t *last_ns,
		     struct scmwq_error *err)
{
	struct scmwq_source *src;

	*first_ns = *last_ns = 0;
	if (!strcmp(path, "-"))
		return scmwq_error_set(err, SCMWQ_E_USAGE,
				       "<stdin>: --time in percent needs the trace's span, known "
				       "only at the end of standard input: give the trace as a "
				       "file, or the times in seconds (absolute, or +S after the "
				       "first event)");
	src = scmwq_source_open(path, NULL, NULL, err);
	if (!src)
		return -1;
	scmwq_source_span(src, first_ns, last_ns);
	scmwq_source_free(src);
	return 0;
}
