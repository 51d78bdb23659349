/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to the recorder (lib/record/): the session state behind struct
 * scmwq_capture, the plan of what it sets up, and the tracefs helpers.
 */
#ifndef SCMWQ_CAPTURE_INT_H
#define SCMWQ_CAPTURE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <tracefs.h>

#include <scmwq/capture.h>

#include "base/base.h"

#define CAP_INSTANCE_PREFIX	"scmwq-trace-"
#define CAP_GROUP_PREFIX	"scmwq_"

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

/* --- the plan (plan.c, kprobe.c, uprobe.c) --- */

/* Add "@system/@event" to the events the plan enables. */
static inline int cap_plan_add_event(struct cap_plan *p, const char *system, const char *event,
			  struct scmwq_error *err)
{
	char one[sizeof(p->events[0])];

	if (p->nevents >= CAP_MAX_EVENTS)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "too many events (at most %d)",
				       CAP_MAX_EVENTS);
	snprintf(one, sizeof(one), "%s/%s", system, event);
	memcpy(p->events[p->nevents++], one, sizeof(one));
	return 0;
}

/* Add @what to the fields the plan's source cannot give. */
static inline void cap_plan_missing(struct cap_plan *p, const char *what)
{
	size_t n = strlen(p->missing);

	snprintf(p->missing + n, sizeof(p->missing) - n, "%s%s", n ? ", " : "", what);
}

/* Decide the source and what it needs, and the sched/irq and -e events. */
int cap_make_plan(struct cap_plan *p, const struct scmwq_capture_opts *o, const char *tdir,
		  struct scmwq_error *err);
int cap_plan_extra(struct cap_plan *p, const struct scmwq_capture_opts *o, const char *tdir,
		   struct scmwq_error *err);
/* The line written to dynamic_events for @d. */
void cap_def_line(char *buf, size_t len, const struct cap_plan *p, const struct cap_def *d);

/* The qcom_scm driver's functions the kprobe source probes. */
enum ksym { KS_SMC_CALL, KS_WAIT_WQ, KS_GET_WQ_CTX, KS__COUNT };
/* Which of them /proc/kallsyms has. */
void cap_kallsyms_find(bool found[KS__COUNT]);
int cap_plan_kprobe(struct cap_plan *p, const char *tdir, const bool ks[KS__COUNT],
		    struct scmwq_error *err);
int cap_plan_uprobe(struct cap_plan *p, const struct scmwq_capture_opts *o,
		    struct scmwq_error *err);

/* --- tracefs (tracefs.c, stale.c) --- */

/* The tracefs folder into @dir, or an error saying what is missing. */
int cap_find_tracefs(char *dir, size_t len, struct scmwq_error *err);
bool cap_tfile_exists(const char *dir, const char *rel);
/* The whole of a small text file @dir/@rel (malloc'd), or NULL. */
char *cap_tfile_read(const char *dir, const char *rel);
void cap_disable_instance(struct tracefs_instance *inst);
int cap_destroy_dyn(struct tracefs_dynevent *d);
/* Remove the instances and dynamic events of runs that were killed. */
void cap_cleanup_stale(const struct scmwq_capture_opts *o, const char *tdir);

#endif /* SCMWQ_CAPTURE_INT_H */
