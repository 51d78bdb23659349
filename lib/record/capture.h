/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to the live capture (lib/capture.c, lib/record.c): the session
 * state behind struct scmwq_capture.
 */
#ifndef SCMWQ_CAPTURE_INT_H
#define SCMWQ_CAPTURE_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include <tracefs.h>

#include <scmwq/capture.h>

#include "base/base.h"

#define CAP_MAX_DEFS	8
#define CAP_MAX_EVENTS	64

/* One dynamic event to create (kprobe, kretprobe or uprobe). */
struct cap_def {
	enum tracefs_dynevent_type type;
	char event[48];
	char target[128];		/* kprobes: the function */
	uint64_t offset;		/* uprobes: file offset in plan->binary */
	char args[512];
	char filter[64];		/* per-instance filter, or "" */
};

/* What a capture sets up: decided without changing tracefs. */
struct cap_plan {
	enum scmwq_cap_source source;
	char why[512];
	char system[64];		/* tracepoint system or dynamic event group */
	char binary[4096];		/* uprobes: the program */
	int ndefs;
	struct cap_def defs[CAP_MAX_DEFS];
	int nevents;			/* "system/event" to enable */
	char events[CAP_MAX_EVENTS][128];
	char missing[256];		/* fields the source cannot give, or "" */
};

struct cap_cpu {
	int cpu;
	struct tracefs_cpu *tcpu;
	int rawfd;			/* per_cpu/cpuN/trace_pipe_raw */
	int fd;				/* record: temporary data file */
	pthread_t thread;
	bool running;
	int err;			/* errno of a failed write */
	_Atomic uint64_t bytes;
	struct scmwq_capture *cap;
};

struct scmwq_live;
struct scmwq_capture;

/*
 * What record and monitor built on a capture is torn down by them: each
 * attaches its teardown, which scmwq_capture_close() calls (last attached
 * first) once tracing is off and before the instance goes.
 */
#define CAP_MAX_PARTS	2
typedef void (*cap_detach_fn)(struct scmwq_capture *c);

struct scmwq_capture {
	struct scmwq_capture_opts o;
	struct cap_plan plan;
	char tracing_dir[4096];
	char name[64];			/* instance */
	struct tracefs_instance *inst;
	struct tracefs_dynevent *dyn[CAP_MAX_DEFS];
	int ndyn;
	int ncpus;
	/* record */
	struct cap_cpu *cpus;
	char path[4096];
	int version;
	int subbuf;			/* ring-buffer sub-buffer (page) size */
	int stopfd;			/* eventfd: wakes the CPU threads */
	atomic_bool stop;
	/* monitor */
	struct scmwq_live *live;
	cap_detach_fn detach[CAP_MAX_PARTS];
	int ndetach;
};

/* Have @fn called by scmwq_capture_close() (once, however often attached). */
void scmwq_capture_attach(struct scmwq_capture *c, cap_detach_fn fn);

int scmwq_elf_func_offsets(const char *path, const char *const *syms, int n, uint64_t *offs,
			   int *machine, struct scmwq_error *err);
/* Sum of the per-CPU stats files of the instance. */
void scmwq_capture_read_stats(const struct scmwq_capture *c, struct scmwq_capture_stats *st);
/* The text of CPU @cpu's stats file (malloc'd), and adding one to a sum. */
char *scmwq_capture_cpu_stats(const struct scmwq_capture *c, int cpu);
void scmwq_capture_stats_add(struct scmwq_capture_stats *st, const char *text);

#endif /* SCMWQ_CAPTURE_INT_H */
