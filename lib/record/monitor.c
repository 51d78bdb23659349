// SPDX-License-Identifier: GPL-2.0
/*
 * monitor: the capture's events read live from its per-CPU buffers
 * (lib/source/live.c), in time order, for the model.
 */
#include "record/capture.h"
#include "source/live.h"

static void live_free(struct scmwq_capture *c)
{
	scmwq_live_free(c->live);
	c->live = NULL;
}

int scmwq_capture_live_begin(struct scmwq_capture *c, struct scmwq_error *err)
{
	scmwq_capture_attach(c, live_free);
	c->live = scmwq_live_open(c->inst, err);
	return c->live ? 0 : -1;
}

int scmwq_capture_live_next(struct scmwq_capture *c, struct scmwq_event *ev, int timeout_ms,
			    struct scmwq_error *err)
{
	return scmwq_live_next(c->live, ev, timeout_ms, err);
}

uint64_t scmwq_capture_live_now(const struct scmwq_capture *c)
{
	return scmwq_live_now(c->live);
}

int scmwq_capture_live_drain(struct scmwq_capture *c, struct scmwq_error *err)
{
	return scmwq_live_drain(c->live, err);
}

void scmwq_capture_live_stats(const struct scmwq_capture *c, struct scmwq_capture_stats *st)
{
	uint64_t pages = 0;

	scmwq_capture_read_stats(c, st);
	if (c->live) {
		scmwq_live_stats(c->live, &st->events, &st->dropped, &pages);
		scmwq_live_garbled(c->live, &st->garbled, NULL);
	}
}

const char *scmwq_capture_live_garbled(const struct scmwq_capture *c)
{
	const char *first = NULL;

	if (c->live)
		scmwq_live_garbled(c->live, NULL, &first);
	return first;
}

