// SPDX-License-Identifier: GPL-2.0
/*
 * What killed runs left behind: instances "scmwq-trace-PID" and dynamic
 * event groups "scmwq_PID" whose PID is no longer a running scmwq-trace are
 * removed, and the user is told.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/capture.h"

static void note(const struct scmwq_capture_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(const struct scmwq_capture_opts *o, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!o->note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o->note(msg, o->note_arg);
}

/* Is @pid a running scmwq-trace (other than us)? */
static bool owner_alive(int pid)
{
	char p[64], comm[32] = "";
	FILE *f;

	if (pid <= 0)
		return false;
	if (pid == getpid())
		return true;
	snprintf(p, sizeof(p), "/proc/%d/comm", pid);
	f = fopen(p, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = 0;
	fclose(f);
	return !strncmp(comm, "scmwq-trace", 11);
}

/* "PREFIX<digits>" -> the digits as a pid; -1 otherwise. */
static int owner_of(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	char *end;
	long pid;

	if (strncmp(name, prefix, n) || !isdigit((unsigned char)name[n]))
		return -1;
	pid = strtol(name + n, &end, 10);
	return *end || pid <= 0 || pid > INT_MAX ? -1 : (int)pid;
}

void cap_cleanup_stale(const struct scmwq_capture_opts *o, const char *tdir)
{
	struct tracefs_dynevent **dyn;
	char p[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	snprintf(p, sizeof(p), "%s/instances", tdir);
	dir = opendir(p);
	while (dir && (de = readdir(dir))) {
		int pid = owner_of(de->d_name, CAP_INSTANCE_PREFIX);
		struct tracefs_instance *inst;

		if (pid < 0 || owner_alive(pid))
			continue;
		inst = tracefs_instance_alloc(tdir, de->d_name);
		if (!inst)
			continue;
		cap_disable_instance(inst);
		if (tracefs_instance_destroy(inst) == 0)
			note(o, "removed tracefs instance %s left by a run that was killed "
			     "(pid %d)", de->d_name, pid);
		else
			note(o, "could not remove tracefs instance %s left by a killed run: %s",
			     de->d_name, strerror(errno));
		tracefs_instance_free(inst);
	}
	if (dir)
		closedir(dir);

	dyn = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE |
				       TRACEFS_DYNEVENT_UPROBE | TRACEFS_DYNEVENT_URETPROBE, NULL);
	for (int i = 0; dyn && dyn[i]; i++) {
		char *sys = NULL, *ev = NULL;
		int pid;

		tracefs_dynevent_info(dyn[i], &sys, &ev, NULL, NULL, NULL);
		pid = sys ? owner_of(sys, CAP_GROUP_PREFIX) : -1;
		if (pid >= 0 && !owner_alive(pid)) {
			if (cap_destroy_dyn(dyn[i]) == 0)
				note(o, "removed dynamic event %s/%s left by a run that was killed "
				     "(pid %d)", sys, ev, pid);
			else if (errno == ENOENT)
				;	/* listed twice (uprobe_events and dynamic_events) */
			else
				note(o, "could not remove dynamic event %s/%s left by a killed "
				     "run: %s", sys, ev, strerror(errno));
		}
		free(sys);
		free(ev);
	}
	tracefs_dynevent_list_free(dyn);
}
