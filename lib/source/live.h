/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live reader of a tracefs instance (lib/source/live.c), for `monitor`: reads the
 * per-CPU ring buffers while tracing runs and hands out our events in time
 * order across CPUs.  Internal: not installed.
 */
#ifndef SCMWQ_LIVE_H
#define SCMWQ_LIVE_H

#include <stdint.h>

#include <tracefs.h>

#include <scmwq/event.h>

struct scmwq_live;

/**
 * scmwq_live_open - start reading a tracefs instance
 * @inst: the instance; its events (uprobes, tracepoints) must exist
 *        already: formats made later are not known to the reader
 * @err: set on failure
 *
 * Opens every CPU's trace_pipe_raw of @inst nonblocking and loads the
 * formats of the event systems that hold our events (and "sched").  The
 * instance's trace_clock must be one a system clock reads ("mono", as the
 * caller sets it, or mono_raw, boot, tai): timestamps are then in that
 * clock's nanoseconds, CLOCK_MONOTONIC for "mono".  Any other clock is
 * refused (SCMWQ_E_INTERNAL), since the time watermark needs it.
 *
 * Returns the reader, or NULL with @err set: SCMWQ_E_NOPERM without the
 * privilege to read the buffers, SCMWQ_E_NOINPUT when the instance's files
 * cannot be read, SCMWQ_E_INTERNAL otherwise.  Messages name the instance
 * (and the CPU).
 */
struct scmwq_live *scmwq_live_open(struct tracefs_instance *inst, struct scmwq_error *err);

/**
 * scmwq_live_next - the next event in time order across CPUs
 * @l: the reader
 * @ev: filled when 1 is returned
 * @timeout_ms: how long to wait for one; 0: do not wait; negative: no limit
 * @err: set on -1
 *
 * Pages are read from every CPU in sweeps, partial pages too, about every
 * 20 ms (sooner when a ring buffer fills up to the instance's
 * buffer_percent).  Only events older than the time taken before a sweep
 * (less a few ms for events being written) are handed out, in time order,
 * so an event read later from another CPU cannot be older than one already
 * delivered.  An event is delivered about 25 ms after the kernel wrote it.
 * Events the ring buffer dropped come as an SCMWQ_EV_LOST before the first
 * event after them on that CPU; ev->where is the event's 1-based number
 * among those delivered.
 *
 * Returns 1 with @ev filled, 0 when none was ready within @timeout_ms, or a
 * signal interrupted the wait (and always once the reader was drained and
 * is empty), -1 on an error reading the buffers (@err names the instance
 * and CPU).  Not thread-safe: one caller at a time.
 */
int scmwq_live_next(struct scmwq_live *l, struct scmwq_event *ev, int timeout_ms,
		    struct scmwq_error *err);

/*
 * The time (trace clock ns) the reader has seen up to: once
 * scmwq_live_next() returned 0, every event with an older timestamp has
 * been delivered, so the model may be advanced to it.  Never goes back;
 * 0 before the first sweep.
 */
uint64_t scmwq_live_now(const struct scmwq_live *l);

/*
 * After tracing was turned off: read everything left in the buffers,
 * partial pages too.  The following scmwq_live_next() calls return the
 * rest in time order regardless of the watermark, then 0 without waiting.
 * Returns 0, or -1 with @err set.
 */
int scmwq_live_drain(struct scmwq_live *l, struct scmwq_error *err);

/*
 * @events: events delivered (not counting SCMWQ_EV_LOST markers); @lost:
 * events the ring buffer reported dropped (a drop whose count the kernel
 * did not store counts 0, like in a trace.dat); @pages: sub-buffer pages
 * read.  Any pointer may be NULL.
 */
/* @garbled (may be NULL): records whose fields could not be read; @first: the first why */
void scmwq_live_garbled(const struct scmwq_live *l, uint64_t *garbled, const char **first);
void scmwq_live_stats(const struct scmwq_live *l, uint64_t *events, uint64_t *lost,
		      uint64_t *pages);

void scmwq_live_free(struct scmwq_live *l);

#endif /* SCMWQ_LIVE_H */
