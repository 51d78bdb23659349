/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writers: events as the kernel prints them, findings as replay prints them.
 */
#ifndef SCMWQ_OUTPUT_H
#define SCMWQ_OUTPUT_H

#include <scmwq/model.h>

/**
 * scmwq_text_write_header - write the standard ftrace text header
 * @out: stream
 * @cpus: number of CPUs (for "#P:N")
 * @entries: entries-in-buffer and entries-written (both the same: no loss)
 */
int scmwq_text_write_header(FILE *out, int cpus, uint64_t entries);

/**
 * scmwq_text_write_event - print one event the way the kernel prints it
 * @out: stream
 * @ev: the event (SCM events, sched events and SCMWQ_EV_LOST)
 * @sys: which print format: SCMWQ_SYS_QCOM_SCM (mainline) or SCMWQ_SYS_SCM
 *       (vendor); SCMWQ_SYS_UNKNOWN uses @ev->sys
 *
 * The line has the layout of /sys/kernel/tracing/trace with the 5-column
 * flags field ("d..1."), microsecond timestamps and the fields exactly as
 * the tracepoint's TP_printk of traces.md section 1 prints them: an
 * scm_smc_request keeps at most 6 arguments (args_cnt clamped as the
 * kernel does), mainline's as "args:{0x1f,0x2}", the vendor's numbered by
 * register from x2 (" x2:(hex:0x0000001f decimal:31)" is args[0]).
 */
int scmwq_text_write_event(FILE *out, const struct scmwq_event *ev, enum scmwq_system sys);


/* ------------------------------------------------------------------ */
/* Findings                                                            */

/* A finding as replay prints it: one text line, ending in a newline. */
void scmwq_finding_write_text(FILE *out, const struct scmwq_finding *f);
/* As one JSON object with replay.md's keys; @lead: "key": value, pairs first. */
void scmwq_finding_write_json(FILE *out, const struct scmwq_finding *f, const char *lead);

#endif /* SCMWQ_OUTPUT_H */
