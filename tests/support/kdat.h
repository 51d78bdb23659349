/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdat: a test fixture writer of trace.dat files in the kernel's exact
 * formats (tests/support/kdat.c): the event format files of the qcom_scm
 * (mainline) or scm (vendor) tracepoints as traces.md section 1 gives
 * them, and ring-buffer pages laid out from those formats, so that a file
 * is what `trace-cmd record -e qcom_scm` or `-e scm` gives on a device.
 * Test support only: not part of libscmwq.
 */
#ifndef SCMWQ_KDAT_H
#define SCMWQ_KDAT_H

#include "scmwq.h"

struct kdat;

/**
 * kdat_open - start a trace.dat fixture
 * @path: the file to write (at kdat_close())
 * @sys: SCMWQ_SYS_QCOM_SCM (mainline formats) or SCMWQ_SYS_SCM (vendor)
 * @ncpus: CPUs of the recording (1 to 256)
 * @version: trace.dat file version, 6 or 7
 * @err: set on failure
 *
 * The formats are parsed with libtraceevent here, and every record is laid
 * out from the parsed fields (offset and size).  The pages of each CPU go
 * to a temporary file as they fill: memory does not grow with the events.
 */
struct kdat *kdat_open(const char *path, enum scmwq_system sys, int ncpus, int version,
		       struct scmwq_error *err);

/**
 * kdat_add - add one event
 * @k: the fixture
 * @ev: an SCM event, sched_switch, sched_waking (SCMWQ_EV_SCHED_WAKEUP) or
 *      SCMWQ_EV_LOST; on CPU @ev->cpu, in time order per CPU
 *
 * The record carries what the tracepoint would: scm_smc_request at most 6
 * arguments (args_cnt is clamped as the kernel does), the vendor ones as
 * the text " x2:(hex:0x%08llx decimal:%llu)..." in `out`, the mainline ones
 * in `args[]`.  An SCMWQ_EV_LOST makes that CPU's next record start a new
 * page flagged with missed events (RB_MISSED_EVENTS, and RB_MISSED_STORED
 * with the count after the data when @ev->lost_count is not 0), as the
 * kernel does; a loss with no record after it on its CPU fails
 * kdat_close(), since the kernel could not report it either.
 *
 * Returns 0, or -1 (the reason: kdat_error(); kdat_close() fails too).
 */
int kdat_add(struct kdat *k, const struct scmwq_event *ev);

/* Why the last kdat_add() failed. */
const char *kdat_error(const struct kdat *k);

/**
 * kdat_close - write the trace.dat file and free @k
 * @k: the fixture (freed in any case; NULL is a no-op returning 0)
 * @err: set on failure (also for an earlier kdat_add() failure)
 *
 * The file is written by the project's trace.dat writer (lib/record/tdat_write.c)
 * from a temporary tracing directory with the formats, header_page,
 * header_event, saved_cmdlines (the comms of the events' pids) and the
 * pages.  Returns 0, or -1 with @err set; the temporary files are removed
 * in any case.
 */
int kdat_close(struct kdat *k, struct scmwq_error *err);

/* The exact format file of @event ("scm_smc_request", "sched_switch", ...) of @sys. */
const char *kdat_format(enum scmwq_system sys, const char *event);

#endif /* SCMWQ_KDAT_H */
