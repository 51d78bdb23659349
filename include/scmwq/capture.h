/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live capture from tracefs: the private instance, record, monitor.
 */
#ifndef SCMWQ_CAPTURE_H
#define SCMWQ_CAPTURE_H

#include <scmwq/event.h>

enum scmwq_cap_source {
	SCMWQ_CAP_AUTO = 0,
	SCMWQ_CAP_TRACEPOINT,		/* the kernel's qcom_scm or scm tracepoints */
	SCMWQ_CAP_KPROBE,		/* kprobe events on the qcom_scm driver */
	SCMWQ_CAP_UPROBE,		/* uprobe events on a program's probe functions */
};

const char *scmwq_cap_source_name(enum scmwq_cap_source s);
/* Returns -1 for an unknown name. */
int scmwq_cap_source_parse(const char *name, enum scmwq_cap_source *s);

struct scmwq_capture_opts {
	enum scmwq_cap_source source;
	const char *uprobe_binary;	/* NULL: this program (/proc/self/exe) */
	bool sched;			/* sched_switch/waking/wakeup, irq_handler_entry */
	const char *const *events;	/* more "SYSTEM:EVENT", NULL-terminated, or NULL */
	unsigned long buffer_kb;	/* per-CPU ring buffer; 0: the kernel's default */
	/* report what was done (cleanups of killed runs, the source picked) */
	void (*note)(const char *msg, void *arg);
	void *note_arg;
};

struct scmwq_capture;

/**
 * scmwq_capture_open - set up a private tracefs instance, tracing off
 *
 * Checks tracefs and privilege (SCMWQ_E_NOPERM: what is missing and how to
 * get it), removes what killed runs left behind, creates the instance
 * "scmwq-trace-PID", the dynamic events of the source (group "scmwq_PID")
 * and enables the events in the instance only.  Tracing stays off until
 * scmwq_capture_start().  On error everything made so far is removed.
 */
struct scmwq_capture *scmwq_capture_open(const struct scmwq_capture_opts *o,
					 struct scmwq_error *err);
/*
 * Print what scmwq_capture_open() would set up (source, why, dynamic event
 * definitions, events enabled) without changing tracefs.
 */
int scmwq_capture_plan(const struct scmwq_capture_opts *o, FILE *out, struct scmwq_error *err);
enum scmwq_cap_source scmwq_capture_source(const struct scmwq_capture *c);
/* Why that source: "the kernel has the qcom_scm tracepoints", ... */
const char *scmwq_capture_why(const struct scmwq_capture *c);
const char *scmwq_capture_instance(const struct scmwq_capture *c);
/* Fields or events the source cannot give ("" when none). */
const char *scmwq_capture_missing(const struct scmwq_capture *c);
int scmwq_capture_cpus(const struct scmwq_capture *c);
/* Trace only @pid and its children (set_event_pid, event-fork). */
int scmwq_capture_follow_pid(struct scmwq_capture *c, int pid, struct scmwq_error *err);
int scmwq_capture_start(struct scmwq_capture *c, struct scmwq_error *err);
/*
 * Run @argv (PATH searched) with tracing: it is held until tracing is on,
 * and for uprobes only it and its children are traced.  *@pid is the
 * caller's child to wait for.  SCMWQ_E_NOINPUT when it cannot be run.
 */
int scmwq_capture_spawn(struct scmwq_capture *c, char *const *argv, int *pid,
			struct scmwq_error *err);
void scmwq_capture_stop(struct scmwq_capture *c);
/* Tracing off, instance and dynamic events removed; @c freed. */
void scmwq_capture_close(struct scmwq_capture *c);

/* Per-CPU ring-buffer figures, from per_cpu/cpuN/stats. */
struct scmwq_capture_stats {
	uint64_t events;	/* events read out of the buffers ("read events") */
	uint64_t overrun;	/* overwritten before they were read */
	uint64_t dropped;	/* not written (buffer full in non-overwrite mode) */
	uint64_t bytes;		/* bytes captured (record) */
	uint64_t garbled;	/* monitor: records whose fields could not be read */
};

/*
 * Record: per-CPU data spliced into temporary files next to @path while
 * tracing runs, then assembled into a trace.dat (@version 6 or 7).
 */
int scmwq_capture_record_begin(struct scmwq_capture *c, const char *path, int version,
			       struct scmwq_error *err);
/* Bytes captured so far (for progress). */
uint64_t scmwq_capture_record_bytes(const struct scmwq_capture *c);
/*
 * Stop tracing, flush every CPU's last page and write the file.  @abort
 * (may be NULL) is polled: when it becomes true the file is left out.
 */
int scmwq_capture_record_end(struct scmwq_capture *c, const volatile int *abort,
			     struct scmwq_capture_stats *st, struct scmwq_error *err);

/* Monitor: events read live from the per-CPU buffers, in time order. */
int scmwq_capture_live_begin(struct scmwq_capture *c, struct scmwq_error *err);
/* 1: @ev filled; 0: nothing within @timeout_ms; -1: error. */
int scmwq_capture_live_next(struct scmwq_capture *c, struct scmwq_event *ev, int timeout_ms,
			    struct scmwq_error *err);
/* Trace time up to which every event has been delivered (ns). */
uint64_t scmwq_capture_live_now(const struct scmwq_capture *c);
/* After scmwq_capture_stop(): deliver what is left, regardless of time. */
int scmwq_capture_live_drain(struct scmwq_capture *c, struct scmwq_error *err);
void scmwq_capture_live_stats(const struct scmwq_capture *c, struct scmwq_capture_stats *st);
/* Why the first record counted in scmwq_capture_stats.garbled was; NULL: none. */
const char *scmwq_capture_live_garbled(const struct scmwq_capture *c);

#endif /* SCMWQ_CAPTURE_H */
