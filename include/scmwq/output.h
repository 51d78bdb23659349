/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of lib/output/: the writers.  Events as the kernel prints
 * them (textout.c), findings as replay prints them (findings.c).
 */
#ifndef SCMWQ_OUTPUT_H
#define SCMWQ_OUTPUT_H

#include <scmwq/model.h>

/**
 * scmwq_text_write_header() - write the standard ftrace text header
 * @out: stream
 * @cpus: number of CPUs (for "#P:N")
 * @entries: entries-in-buffer and entries-written (both the same: no loss)
 *
 * The header of /sys/kernel/tracing/trace with tracer nop and the 5-column
 * flags legend.
 *
 * Return: 0, or -1 on a write error.
 */
int scmwq_text_write_header(FILE *out, int cpus, uint64_t entries);

/**
 * scmwq_text_write_event() - print one event the way the kernel prints it
 * @out: stream
 * @ev: the event (SCM events, sched events and SCMWQ_EV_LOST)
 * @sys: which print format: SCMWQ_SYS_QCOM_SCM (mainline) or SCMWQ_SYS_SCM
 *       (vendor); SCMWQ_SYS_UNKNOWN uses @ev->sys, and mainline if that is
 *       unknown too
 *
 * The line has the layout of /sys/kernel/tracing/trace with the 5-column
 * flags field ("d..1."), microsecond timestamps and the fields exactly as
 * the tracepoint's TP_printk of traces.md section 1 prints them: an
 * scm_smc_request keeps at most 6 arguments (args_cnt clamped as the
 * kernel does), mainline's as "args:{0x1f,0x2}", the vendor's numbered by
 * register from x2 (" x2:(hex:0x0000001f decimal:31)" is args[0]).
 * SCMWQ_EV_LOST prints as the kernel's loss marker ("CPU:N [LOST M
 * EVENTS]", "[LOST EVENTS]" for an unknown count, "##### CPU N buffer
 * started ####").
 *
 * Return: 0, or -1 on a write error or for an event type it cannot print.
 */
int scmwq_text_write_event(FILE *out, const struct scmwq_event *ev, enum scmwq_system sys);


/* ------------------------------------------------------------------ */
/* Findings                                                            */

/**
 * scmwq_finding_write_text() - a finding as replay prints it
 * @out: stream
 * @f: the finding
 *
 * One line: "TS SEVERITY RULE COMM-PID wq_ctx=N smc_call_ctx=N: MESSAGE"
 * (severity "incon." when inconclusive; the thread and contexts only when
 * set; "TS SEVERITY RULE MESSAGE" when none is), ending in a newline.  Write errors show in ferror(@out).
 */
void scmwq_finding_write_text(FILE *out, const struct scmwq_finding *f);
/**
 * scmwq_finding_write_text_color() - a finding as replay prints it on a terminal
 * @out: stream
 * @f: the finding
 * @color: colour the severity with ANSI SGR codes (errors bold red, warnings
 *         yellow, inconclusive cyan, info dim); false: as
 *         scmwq_finding_write_text()
 *
 * The same line as scmwq_finding_write_text(), the columns aligned alike.
 */
void scmwq_finding_write_text_color(FILE *out, const struct scmwq_finding *f, bool color);
/**
 * scmwq_finding_write_json() - a finding as one JSON object
 * @out: stream
 * @f: the finding
 * @lead: text written first inside the object ("\"key\": value, " pairs),
 *        or ""
 *
 * The keys of replay.md: rule, severity, inconclusive, ts_ns, pid, comm,
 * wq_ctx, smc_call_ctx (null when unset), pids (the named threads) and
 * message.  No newline.  Write errors show in ferror(@out).
 */
void scmwq_finding_write_json(FILE *out, const struct scmwq_finding *f, const char *lead);

#endif /* SCMWQ_OUTPUT_H */
