// SPDX-License-Identifier: GPL-2.0
/*
 * Where tracefs is and what it has, found without changing anything (libtracefs
 * would mount it on its own), and the two removals every tear-down needs.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/capture.h"

bool cap_tfile_exists(const char *dir, const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return access(p, F_OK) == 0;
}

/* The whole of a small text file @dir/@rel (malloc'd), or NULL. */
char *cap_tfile_read(const char *dir, const char *rel)
{
	char p[PATH_MAX], *text = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "re");
	if (!f)
		return NULL;
	if (getdelim(&text, &cap, '\0', f) < 0) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

/*
 * A permission error as root is not a missing privilege: on Android (and other SELinux
 * systems) the policy denies it.  @path: the file that said EACCES.
 */
static int denied(const char *path, const char *what, struct scmwq_error *err)
{
	char *enforce = cap_tfile_read(getenv("SCMWQ_SELINUX") ? getenv("SCMWQ_SELINUX") :
				       "/sys/fs/selinux", "enforce");
	bool selinux = enforce && enforce[0] == '1';

	free(enforce);
	if (geteuid() == 0 && selinux)
		return scmwq_error_set(err, SCMWQ_E_NOPERM,
				       "%s: %s: denied by SELinux (enforcing): the policy does not "
				       "let this domain use tracefs (on Android: adb root, or su from "
				       "a rooted build; 'adb logcat | grep avc:' shows the denial)",
				       path, what);
	if (geteuid() == 0)
		return scmwq_error_set(err, SCMWQ_E_NOPERM, "%s: %s: permission denied although "
				       "root (a security module or a read-only mount?)", path, what);
	return scmwq_error_set(err, SCMWQ_E_NOPERM,
			       "%s: %s: permission denied: using tracefs needs root (run with "
			       "sudo, or su on a device)", path, what);
}

/*
 * tracefs mounted and writable: the first of /sys/kernel/tracing and /sys/kernel/debug/tracing
 * (older kernels, many Android ones) that has instances/, or of $SCMWQ_TRACEFS instead, a list
 * separated by ':' (tests, unusual mounts).  libtracefs would mount it on its own; we look
 * first so as to change nothing and say what is missing.
 */
int cap_find_tracefs(char *dir, size_t len, struct scmwq_error *err)
{
	const char *env = getenv("SCMWQ_TRACEFS");
	char list[PATH_MAX], p[PATH_MAX], *save = NULL, *found = NULL;

	snprintf(list, sizeof(list), "%s",
		 env && *env ? env : "/sys/kernel/tracing:/sys/kernel/debug/tracing");
	for (char *d = strtok_r(list, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		snprintf(p, sizeof(p), "%s/instances", d);
		if (access(p, F_OK) == 0)
			found = d;
		else if (errno == EACCES)
			return denied(d, "cannot look into it", err);
	}
	if (!found) {
		if (geteuid() != 0)
			return scmwq_error_set(err, SCMWQ_E_NOPERM,
					       "tracefs is not reachable and this is not root: run "
					       "with sudo; tracefs is mounted with "
					       "'mount -t tracefs nodev /sys/kernel/tracing'");
		return scmwq_error_set(err, SCMWQ_E_NOPERM,
				       "tracefs is not mounted (looked in %s): mount it with "
				       "'mount -t tracefs nodev /sys/kernel/tracing' (the kernel "
				       "needs CONFIG_FTRACE=y and CONFIG_TRACING=y)",
				       env && *env ? env : "/sys/kernel/tracing, /sys/kernel/debug/tracing");
	}
	snprintf(p, sizeof(p), "%s/instances", found);
	if (access(p, W_OK) != 0) {
		if (errno == EACCES)
			return denied(p, "cannot create a tracefs instance", err);
		return scmwq_error_set(err, SCMWQ_E_NOPERM,
				       "%s: cannot create a tracefs instance (%s): record and "
				       "monitor need root (run with sudo)", p, strerror(errno));
	}
	snprintf(dir, len, "%s", found);
	return 0;
}

void cap_disable_instance(struct tracefs_instance *inst)
{
	tracefs_trace_off(inst);
	tracefs_instance_file_write(inst, "events/enable", "0");
}

int cap_destroy_dyn(struct tracefs_dynevent *d)
{
	/* an event still enabled somewhere cannot go: force disables it */
	if (tracefs_dynevent_destroy(d, false) == 0)
		return 0;
	return tracefs_dynevent_destroy(d, true);
}
