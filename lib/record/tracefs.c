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
 * tracefs mounted and writable.  libtracefs would mount it on its own; we
 * look first so as to change nothing and say what is missing.
 */
int cap_find_tracefs(char *dir, size_t len, struct scmwq_error *err)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	const char *found = NULL;
	char p[PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(dirs) && !found; i++) {
		snprintf(p, sizeof(p), "%s/instances", dirs[i]);
		if (access(p, F_OK) == 0)
			found = dirs[i];
		else if (errno == EACCES)
			return scmwq_error_set(err, SCMWQ_E_NOPERM,
					       "%s: permission denied: using tracefs needs root "
					       "(run with sudo)", dirs[i]);
	}
	if (!found) {
		if (geteuid() != 0)
			return scmwq_error_set(err, SCMWQ_E_NOPERM,
					       "tracefs is not reachable and this is not root: run "
					       "with sudo; tracefs is mounted with "
					       "'mount -t tracefs nodev /sys/kernel/tracing'");
		return scmwq_error_set(err, SCMWQ_E_NOPERM,
				       "tracefs is not mounted: mount it with "
				       "'mount -t tracefs nodev /sys/kernel/tracing' (the kernel "
				       "needs CONFIG_FTRACE=y and CONFIG_TRACING=y)");
	}
	snprintf(p, sizeof(p), "%s/instances", found);
	if (access(p, W_OK) != 0)
		return scmwq_error_set(err, SCMWQ_E_NOPERM,
				       "%s: cannot create a tracefs instance (%s): record and "
				       "monitor need root (run with sudo)", p, strerror(errno));
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
