// SPDX-License-Identifier: GPL-2.0
/*
 * The recorder: a private tracefs instance with the SCM events of one source
 * enabled in it (this file), the plan of what that takes (plan.c, kprobe.c,
 * uprobe.c), the ring buffer drained into a trace.dat (record.c,
 * tdat_write.c) or handed to the live judge (monitor.c); nothing else in
 * tracefs is changed.
 *
 * The instance is "scmwq-trace-PID" and the dynamic events it needs live in
 * the group "scmwq_PID", so that a later run can tell what a killed run
 * left behind (its PID is gone) and remove it (stale.c).  Tracing stays off
 * until everything is set up.  Closing disables the events, removes the
 * instance, then the dynamic events (the kernel refuses to remove an event
 * that is enabled somewhere).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record/capture.h"

/* ------------------------------------------------------------------ */
/* Set-up and tear-down                                                */

static int kernel_error(struct scmwq_capture *c, struct scmwq_error *err, const char *what)
{
	char *log = tracefs_error_last(NULL);
	int e = errno;

	scmwq_error_set(err, e == EACCES || e == EPERM ? SCMWQ_E_NOPERM : SCMWQ_E_INTERNAL,
			"%s: %s%s%s", what, strerror(e), log ? "; the kernel says: " : "",
			log ? log : "");
	free(log);
	return -1;
}

static int create_dyn(struct scmwq_capture *c, struct scmwq_error *err)
{
	struct cap_plan *p = &c->plan;
	char line[8192];

	for (int i = 0; i < p->ndefs; i++) {
		struct cap_def *d = &p->defs[i];
		struct tracefs_dynevent *dev = NULL;

		switch (d->type) {
		case TRACEFS_DYNEVENT_UPROBE:
			dev = tracefs_uprobe_alloc(p->system, d->event, p->binary, d->offset,
						   d->args);
			break;
		case TRACEFS_DYNEVENT_KPROBE:
			dev = tracefs_kprobe_alloc(p->system, d->event, d->target, d->args);
			break;
		case TRACEFS_DYNEVENT_KRETPROBE:
			dev = tracefs_kretprobe_alloc(p->system, d->event, d->target, d->args, 0);
			break;
		default:
			break;
		}
		cap_def_line(line, sizeof(line), p, d);
		if (!dev)
			return scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: %s", line,
					       strerror(errno));
		tracefs_error_clear(NULL);
		if (tracefs_dynevent_create(dev)) {
			kernel_error(c, err, line);
			tracefs_dynevent_free(dev);
			return -1;
		}
		c->dyn[c->ndyn++] = dev;
	}
	return 0;
}

static int enable_events(struct scmwq_capture *c, struct scmwq_error *err)
{
	struct cap_plan *p = &c->plan;

	for (int i = 0; i < p->nevents; i++) {
		char sys[64], *ev;

		snprintf(sys, sizeof(sys), "%s", p->events[i]);
		ev = strchr(sys, '/');
		if (!ev)
			continue;
		*ev++ = 0;
		if (tracefs_event_enable(c->inst, sys, ev))
			return kernel_error(c, err, p->events[i]);
	}
	for (int i = 0; i < p->ndefs; i++) {
		char rel[256];

		if (!p->defs[i].filter[0])
			continue;
		snprintf(rel, sizeof(rel), "events/%s/%s/filter", p->system, p->defs[i].event);
		if (tracefs_instance_file_write(c->inst, rel, p->defs[i].filter) < 0)
			return kernel_error(c, err, rel);
	}
	return 0;
}

static int setup_instance(struct scmwq_capture *c, struct scmwq_error *err)
{
	char val[32];

	snprintf(c->name, sizeof(c->name), CAP_INSTANCE_PREFIX "%d", (int)getpid());
	c->inst = tracefs_instance_create(c->name);
	if (!c->inst)
		return kernel_error(c, err, c->name);
	/* a new instance traces at once: off before anything is enabled */
	if (tracefs_trace_off(c->inst))
		return kernel_error(c, err, "tracing_on");
	/* CLOCK_MONOTONIC: comparable with the clock monitor and simulate use */
	if (tracefs_instance_file_write(c->inst, "trace_clock", "mono") < 0)
		return kernel_error(c, err, "trace_clock");
	if (c->o.buffer_kb) {
		snprintf(val, sizeof(val), "%lu", c->o.buffer_kb);
		if (tracefs_instance_file_write(c->inst, "buffer_size_kb", val) < 0)
			return kernel_error(c, err, "buffer_size_kb");
	}
	return 0;
}

struct scmwq_capture *scmwq_capture_open(const struct scmwq_capture_opts *o,
					 struct scmwq_error *err)
{
	struct scmwq_capture *c = calloc(1, sizeof(*c));

	if (!c) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		return NULL;
	}
	c->o = *o;
	c->stopfd = -1;
	c->ncpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	if (c->ncpus < 1)
		c->ncpus = 1;
	if (cap_find_tracefs(c->tracing_dir, sizeof(c->tracing_dir), err))
		goto fail;
	/* let libtracefs use what we found, never mount on its own */
	tracefs_set_tracing_dir(c->tracing_dir);
	cap_cleanup_stale(o, c->tracing_dir);
	if (cap_make_plan(&c->plan, o, c->tracing_dir, err) ||
	    cap_plan_extra(&c->plan, o, c->tracing_dir, err))
		goto fail;
	if (setup_instance(c, err) || create_dyn(c, err) || enable_events(c, err))
		goto fail;
	return c;
fail:
	scmwq_capture_close(c);
	return NULL;
}

enum scmwq_cap_source scmwq_capture_source(const struct scmwq_capture *c)
{
	return c->plan.source;
}

const char *scmwq_capture_why(const struct scmwq_capture *c)
{
	return c->plan.why;
}

const char *scmwq_capture_instance(const struct scmwq_capture *c)
{
	return c->name;
}

int scmwq_capture_cpus(const struct scmwq_capture *c)
{
	return c->ncpus;
}

const char *scmwq_capture_missing(const struct scmwq_capture *c)
{
	return c->plan.missing;
}

int scmwq_capture_follow_pid(struct scmwq_capture *c, int pid, struct scmwq_error *err)
{
	char val[32];

	snprintf(val, sizeof(val), "%d", pid);
	if (tracefs_instance_file_write(c->inst, "set_event_pid", val) < 0)
		return kernel_error(c, err, "set_event_pid");
	if (tracefs_instance_file_write(c->inst, "options/event-fork", "1") < 0)
		return kernel_error(c, err, "options/event-fork");
	return 0;
}

int scmwq_capture_start(struct scmwq_capture *c, struct scmwq_error *err)
{
	if (tracefs_trace_on(c->inst))
		return kernel_error(c, err, "tracing_on");
	return 0;
}

void scmwq_capture_stop(struct scmwq_capture *c)
{
	if (c->inst)
		tracefs_trace_off(c->inst);
}

static uint64_t stat_field(const char *text, const char *key)
{
	const char *p = text;
	size_t n = strlen(key);

	while (p && *p) {
		if (!strncmp(p, key, n))
			return strtoull(p + n, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

void scmwq_capture_stats_add(struct scmwq_capture_stats *st, const char *text)
{
	if (!text)
		return;
	st->events += stat_field(text, "read events:");
	st->overrun += stat_field(text, "overrun:");
	st->dropped += stat_field(text, "dropped events:");
}

char *scmwq_capture_cpu_stats(const struct scmwq_capture *c, int cpu)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "per_cpu/cpu%d/stats", cpu);
	return c->inst ? tracefs_instance_file_read(c->inst, rel, NULL) : NULL;
}

void scmwq_capture_read_stats(const struct scmwq_capture *c, struct scmwq_capture_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (int cpu = 0; cpu < c->ncpus; cpu++) {
		char *text = scmwq_capture_cpu_stats(c, cpu);

		scmwq_capture_stats_add(st, text);
		free(text);
	}
}

void scmwq_capture_attach(struct scmwq_capture *c, cap_detach_fn fn)
{
	for (int i = 0; i < c->ndetach; i++)
		if (c->detach[i] == fn)
			return;
	if (c->ndetach < CAP_MAX_PARTS)
		c->detach[c->ndetach++] = fn;
}

void scmwq_capture_close(struct scmwq_capture *c)
{
	sigset_t all, old;

	if (!c)
		return;
	/* nothing may interrupt the tear-down half way */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (c->inst)
		cap_disable_instance(c->inst);
	while (c->ndetach)
		c->detach[--c->ndetach](c);
	if (c->inst) {
		tracefs_instance_destroy(c->inst);
		tracefs_instance_free(c->inst);
	}
	for (int i = c->ndyn - 1; i >= 0; i--) {
		cap_destroy_dyn(c->dyn[i]);
		tracefs_dynevent_free(c->dyn[i]);
	}
	free(c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ------------------------------------------------------------------ */
/* The command to trace                                                */

int scmwq_capture_spawn(struct scmwq_capture *c, char *const *argv, int *pid,
			struct scmwq_error *err)
{
	int go[2], ex[2];
	char b = 0;
	int e = 0;
	pid_t child;

	if (pipe2(go, O_CLOEXEC))
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "pipe: %s", strerror(errno));
	if (pipe2(ex, O_CLOEXEC)) {
		close(go[0]);
		close(go[1]);
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "pipe: %s", strerror(errno));
	}
	child = fork();
	if (child < 0) {
		e = errno;
		close(go[0]);
		close(go[1]);
		close(ex[0]);
		close(ex[1]);
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "fork: %s", strerror(e));
	}
	if (child == 0) {
		sigset_t none;

		sigemptyset(&none);
		pthread_sigmask(SIG_SETMASK, &none, NULL);
		close(go[1]);
		close(ex[0]);
		/* wait until tracing is on */
		if (read(go[0], &b, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		e = errno;
		if (write(ex[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(ex[1]);
	/* uprobes fire in every process of the program: keep to this one */
	if (c->plan.source == SCMWQ_CAP_UPROBE && scmwq_capture_follow_pid(c, child, err))
		goto fail;
	if (scmwq_capture_start(c, err))
		goto fail;
	if (write(go[1], &b, 1) != 1) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "cannot start %s", argv[0]);
		goto fail;
	}
	close(go[1]);
	/* the exec either closes ex (success) or reports its errno */
	if (read(ex[0], &e, sizeof(e)) == sizeof(e)) {
		close(ex[0]);
		waitpid(child, NULL, 0);
		return scmwq_error_set(err, SCMWQ_E_NOINPUT, "cannot run '%s': %s", argv[0],
				       strerror(e));
	}
	close(ex[0]);
	*pid = child;
	return 0;
fail:
	close(go[1]);
	close(ex[0]);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return -1;
}

