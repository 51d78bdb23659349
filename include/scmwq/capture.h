/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of lib/record/: live capture from tracefs.  A private
 * instance with the SCM events of one source enabled, recorded into a
 * trace.dat (record) or read live for the judge (monitor).
 */
#ifndef SCMWQ_CAPTURE_H
#define SCMWQ_CAPTURE_H

#include <scmwq/event.h>

/**
 * enum scmwq_cap_source - where a capture's SCM events come from
 * @SCMWQ_CAP_AUTO: the tracepoints if the kernel has them, else kprobes if
 *                  the qcom_scm driver is in /proc/kallsyms, else uprobes
 * @SCMWQ_CAP_TRACEPOINT: the kernel's qcom_scm or scm tracepoints
 * @SCMWQ_CAP_KPROBE: kprobe events on the qcom_scm driver
 * @SCMWQ_CAP_UPROBE: uprobe events on a program's probe functions
 *
 * Probe events are named after the tracepoints (traces.md section 1,
 * "Kernels without the tracepoints"), so everything downstream is the same.
 */
enum scmwq_cap_source {
	SCMWQ_CAP_AUTO = 0,
	SCMWQ_CAP_TRACEPOINT,
	SCMWQ_CAP_KPROBE,
	SCMWQ_CAP_UPROBE,
};

/**
 * scmwq_cap_source_name() - a capture source in words, as --source takes it
 * @s: the source
 *
 * Return: "auto", "tracepoint", "kprobe", "uprobe", or "?" for a value that
 * is none; a static string.
 */
const char *scmwq_cap_source_name(enum scmwq_cap_source s);
/**
 * scmwq_cap_source_parse() - a capture source from its name
 * @name: one of the names scmwq_cap_source_name() gives
 * @s: set to the source on success
 *
 * Return: 0, or -1 for an unknown name.
 */
int scmwq_cap_source_parse(const char *name, enum scmwq_cap_source *s);

/**
 * struct scmwq_capture_opts - what a capture sets up
 * @source: where the SCM events come from
 * @uprobe_binary: uprobes: the program; NULL: this program (/proc/self/exe)
 * @sched: also sched_switch, sched_waking, sched_wakeup and
 *         irq_handler_entry (those the kernel has)
 * @events: more events, "SYSTEM:EVENT", NULL-terminated; or NULL
 * @buffer_kb: per-CPU ring buffer size; 0: the kernel's default
 * @note: told of what was cleaned up after killed runs (may be NULL)
 * @note_arg: passed to @note
 */
struct scmwq_capture_opts {
	enum scmwq_cap_source source;
	const char *uprobe_binary;
	bool sched;
	const char *const *events;
	unsigned long buffer_kb;
	void (*note)(const char *msg, void *arg);
	void *note_arg;
};

struct scmwq_capture;

/**
 * scmwq_capture_open() - set up a private tracefs instance, tracing off
 * @o: what to set up (copied)
 * @err: set on failure
 *
 * Checks tracefs and privilege (SCMWQ_E_NOPERM: what is missing and how to
 * get it), removes what killed runs left behind, creates the instance
 * "scmwq-trace-PID", the dynamic events of the source (group "scmwq_PID")
 * and enables the events in the instance only.  Tracing stays off until
 * scmwq_capture_start().  On error everything made so far is removed.
 *
 * Return: the capture, to be closed with scmwq_capture_close(); or NULL
 * with @err set: SCMWQ_E_NOPERM (no tracefs, no privilege, no source of SCM
 * events in this kernel), SCMWQ_E_USAGE (an event of @o->events that does
 * not exist, a uprobe program without the probe functions),
 * SCMWQ_E_NOINPUT (@o->uprobe_binary cannot be found), SCMWQ_E_INTERNAL
 * (what the kernel refused, with its words).
 */
struct scmwq_capture *scmwq_capture_open(const struct scmwq_capture_opts *o,
					 struct scmwq_error *err);
/**
 * scmwq_capture_plan() - print what scmwq_capture_open() would set up
 * @o: what to set up
 * @out: where the plan goes
 * @err: set on failure
 *
 * One line each for the source and why, the instance, each dynamic event
 * definition (and filter), each event enabled and the fields the source
 * cannot give; tracefs is not changed.
 *
 * Return: 0, or -1 with @err set, as scmwq_capture_open() would fail.
 */
int scmwq_capture_plan(const struct scmwq_capture_opts *o, FILE *out, struct scmwq_error *err);
/**
 * scmwq_capture_source() - the source the capture uses
 * @c: the capture
 *
 * Return: the source picked; never SCMWQ_CAP_AUTO.
 */
enum scmwq_cap_source scmwq_capture_source(const struct scmwq_capture *c);
/**
 * scmwq_capture_why() - why that source
 * @c: the capture
 *
 * Return: "the kernel has the qcom_scm tracepoints (events/qcom_scm)",
 * "given with --source", ...; owned by @c.
 */
const char *scmwq_capture_why(const struct scmwq_capture *c);
/**
 * scmwq_capture_instance() - the tracefs instance's name
 * @c: the capture
 *
 * Return: "scmwq-trace-PID"; owned by @c.
 */
const char *scmwq_capture_instance(const struct scmwq_capture *c);
/**
 * scmwq_capture_missing() - what the source cannot give
 * @c: the capture
 *
 * Return: the fields or events the source lacks, "" when none; owned by
 * @c.
 */
const char *scmwq_capture_missing(const struct scmwq_capture *c);
/**
 * scmwq_capture_cpus() - the CPUs the capture reads
 * @c: the capture
 *
 * Return: the CPUs configured in the system.
 */
int scmwq_capture_cpus(const struct scmwq_capture *c);
/**
 * scmwq_capture_follow_pid() - trace only one process and its children
 * @c: the capture
 * @pid: the process
 * @err: set on failure
 *
 * Sets set_event_pid and event-fork in the instance.
 *
 * Return: 0, or -1 with @err set (SCMWQ_E_NOPERM or SCMWQ_E_INTERNAL, with
 * the kernel's words).
 */
int scmwq_capture_follow_pid(struct scmwq_capture *c, int pid, struct scmwq_error *err);
/**
 * scmwq_capture_start() - turn tracing on in the instance
 * @c: the capture
 * @err: set on failure
 *
 * Return: 0, or -1 with @err set (SCMWQ_E_NOPERM or SCMWQ_E_INTERNAL).
 */
int scmwq_capture_start(struct scmwq_capture *c, struct scmwq_error *err);
/**
 * scmwq_capture_spawn() - run a command with tracing on
 * @c: the capture
 * @argv: the command and its arguments, NULL-terminated (PATH searched)
 * @pid: set to the child's pid, for the caller to wait for
 * @err: set on failure
 *
 * The command is held until tracing is on (this turns it on), and for
 * uprobes only it and its children are traced.
 *
 * Return: 0, or -1 with @err set: SCMWQ_E_NOINPUT when the command cannot
 * be run, else as scmwq_capture_start().
 */
int scmwq_capture_spawn(struct scmwq_capture *c, char *const *argv, int *pid,
			struct scmwq_error *err);
/**
 * scmwq_capture_stop() - turn tracing off in the instance
 * @c: the capture
 */
void scmwq_capture_stop(struct scmwq_capture *c);
/**
 * scmwq_capture_close() - remove everything the capture set up, and free it
 * @c: the capture, or NULL
 *
 * Tracing off, events disabled, what record or monitor built torn down,
 * then the instance and the dynamic events removed.  Signals are blocked
 * meanwhile, so the tear-down is never left half done.
 */
void scmwq_capture_close(struct scmwq_capture *c);

/**
 * struct scmwq_capture_stats - per-CPU ring-buffer figures, summed
 * @events: record: events read out of the buffers ("read events" of
 *          per_cpu/cpuN/stats); monitor: events delivered
 * @overrun: overwritten before they were read
 * @dropped: record: not written (buffer full in non-overwrite mode);
 *           monitor: events the ring buffer reported dropped
 * @bytes: record: bytes captured
 * @garbled: monitor: records whose fields could not be read
 */
struct scmwq_capture_stats {
	uint64_t events;
	uint64_t overrun;
	uint64_t dropped;
	uint64_t bytes;
	uint64_t garbled;
};

/**
 * scmwq_capture_record_begin() - start recording into a trace.dat
 * @c: the capture, tracing still off
 * @path: the trace.dat to write
 * @version: its file version, 6 or 7
 * @err: set on failure
 *
 * One thread per CPU splices the ring buffer's pages into nameless
 * temporary files in @path's folder while tracing runs (start it with
 * scmwq_capture_start() or scmwq_capture_spawn()).
 *
 * Return: 0, or -1 with @err set: SCMWQ_E_USAGE for another version,
 * SCMWQ_E_NOINPUT when no temporary file can be made next to @path,
 * SCMWQ_E_INTERNAL otherwise.
 */
int scmwq_capture_record_begin(struct scmwq_capture *c, const char *path, int version,
			       struct scmwq_error *err);
/**
 * scmwq_capture_record_bytes() - bytes captured so far, for progress
 * @c: the capture
 *
 * Return: the bytes spliced so far, all CPUs together.
 */
uint64_t scmwq_capture_record_bytes(const struct scmwq_capture *c);
/**
 * scmwq_capture_record_end() - stop tracing and write the trace.dat
 * @c: the capture
 * @abort: may be NULL; when *@abort is set once every CPU's data is in,
 *         the file is not written
 * @st: filled with the ring buffers' figures
 * @err: set on failure
 *
 * Flushes every CPU's last, partial page, then assembles the file.
 *
 * Return: 0, or -1 with @err set (an aborted run is SCMWQ_E_INTERNAL "not
 * written"; SCMWQ_E_NOINPUT when the trace.dat cannot be created); no
 * partial file is left behind.
 */
int scmwq_capture_record_end(struct scmwq_capture *c, const volatile int *abort,
			     struct scmwq_capture_stats *st, struct scmwq_error *err);

/**
 * scmwq_capture_live_begin() - start reading the buffers live (monitor)
 * @c: the capture, its events set up
 * @err: set on failure
 *
 * Return: 0, or -1 with @err set: SCMWQ_E_NOPERM without the privilege to
 * read the buffers, SCMWQ_E_NOINPUT when the instance's files cannot be
 * read, SCMWQ_E_INTERNAL otherwise.
 */
int scmwq_capture_live_begin(struct scmwq_capture *c, struct scmwq_error *err);
/**
 * scmwq_capture_live_next() - the next event, in time order across CPUs
 * @c: the capture
 * @ev: filled when 1 is returned
 * @timeout_ms: how long to wait for one; 0: do not wait; negative: no limit
 * @err: set when -1 is returned
 *
 * An event is delivered some 25 ms after the kernel wrote it, never before
 * an older one of another CPU.  Dropped events come as an SCMWQ_EV_LOST
 * before the first event after them on that CPU.
 *
 * Return: 1 with @ev filled; 0 when none was ready within @timeout_ms, a
 * signal interrupted the wait, or (after scmwq_capture_live_drain()) all
 * was delivered; -1 on an error reading the buffers.
 */
int scmwq_capture_live_next(struct scmwq_capture *c, struct scmwq_event *ev, int timeout_ms,
			    struct scmwq_error *err);
/**
 * scmwq_capture_live_now() - the trace time every event has been delivered up to
 * @c: the capture
 *
 * Once scmwq_capture_live_next() returned 0, no event older than this will
 * come: the judge may be advanced to it.
 *
 * Return: that time in ns (trace clock); never goes back; 0 before the
 * first read.
 */
uint64_t scmwq_capture_live_now(const struct scmwq_capture *c);
/**
 * scmwq_capture_live_drain() - read what is left, after scmwq_capture_stop()
 * @c: the capture
 * @err: set on failure
 *
 * The following scmwq_capture_live_next() calls deliver the rest in time
 * order, regardless of time, then return 0 without waiting.
 *
 * Return: 0, or -1 with @err set.
 */
int scmwq_capture_live_drain(struct scmwq_capture *c, struct scmwq_error *err);
/**
 * scmwq_capture_live_stats() - the ring buffers' figures, for monitor
 * @c: the capture
 * @st: filled (see struct scmwq_capture_stats)
 */
void scmwq_capture_live_stats(const struct scmwq_capture *c, struct scmwq_capture_stats *st);
/**
 * scmwq_capture_live_garbled() - why the first garbled record was
 * @c: the capture
 *
 * Return: why the first record counted in &scmwq_capture_stats.garbled
 * could not be read, or NULL when none was; owned by @c.
 */
const char *scmwq_capture_live_garbled(const struct scmwq_capture *c);

#endif /* SCMWQ_CAPTURE_H */
