/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Turning libtraceevent records into scmwq events (lib/source/tepconv.c), shared
 * by the trace.dat reader and the live tracefs reader.  Internal: not
 * installed.
 */
#ifndef SCMWQ_TEPCONV_H
#define SCMWQ_TEPCONV_H

#include <stdbool.h>

#include <event-parse.h>

#include <scmwq/event.h>

struct scmwq_tepconv;

/*
 * Find our events (the SCM ones by name in any system, the sched ones in
 * "sched") among @tep's formats and resolve their fields by name, once.
 * @tep stays the caller's and must outlive the converter.  NULL with @err
 * set (SCMWQ_E_INTERNAL) when out of memory.
 */
struct scmwq_tepconv *scmwq_tepconv_new(struct tep_handle *tep, struct scmwq_error *err);

/*
 * Fill @ev from @rec: type, system, time, CPU, pid, comm and the fields the
 * format has (with their `have` bits); ev->where is rec->offset.  Returns
 * false, @ev untouched, when @rec is not one of our events.  Never reads
 * outside the record.
 */
bool scmwq_tepconv_event(struct scmwq_tepconv *c, struct tep_record *rec,
			 struct scmwq_event *ev);

/*
 * The SCMWQ_EV_LOST event for the events the ring buffer dropped before
 * @rec (rec->missed_events, non-zero; negative: count unknown, taken as 0).
 */
void scmwq_tepconv_lost(const struct tep_record *rec, struct scmwq_event *ev);

/*
 * The trace system of the SCM events among the formats (the one with more
 * of them), SCMWQ_SYS_UNKNOWN when there are none.
 */
enum scmwq_system scmwq_tepconv_system(const struct scmwq_tepconv *c);

/*
 * A record of one of our events that is garbled (e.g. a vendor `out`
 * argument text that does not parse): @offset is the record's offset
 * (rec->offset: in the file for trace.dat), @what a sentence naming it and
 * saying what was expected.  The record still converts, without what could
 * not be read.
 */
typedef void (*scmwq_tepconv_diag_fn)(uint64_t offset, const char *what, void *arg);
void scmwq_tepconv_set_diag(struct scmwq_tepconv *c, scmwq_tepconv_diag_fn fn, void *arg);

/*
 * Cache each pid's comm once looked up: for a trace whose comms are all
 * known when it is opened (a trace.dat), not for live tracefs.
 */
void scmwq_tepconv_cache_comms(struct scmwq_tepconv *c);

void scmwq_tepconv_free(struct scmwq_tepconv *c);

/* Whether @system/@event is one of the events the converter reads. */
bool scmwq_tepconv_wanted(const char *system, const char *event);

#endif /* SCMWQ_TEPCONV_H */
