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
