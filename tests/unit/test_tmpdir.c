// SPDX-License-Identifier: GPL-2.0
/*
 * Where temporary files go: $TMPDIR when set, else Android's /data/local/tmp when the
 * machine has it, else /tmp.  The Android directory is played by one made here.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "tap.h"

int main(void)
{
	char android[] = "/tmp/scmwq-test-android-XXXXXX";
	char gone[64];

	if (!mkdtemp(android)) {
		ok(0, "mkdtemp");
		return tap_done();
	}
	snprintf(gone, sizeof(gone), "%s/none", android);
	is_str(scmwq_tmpdir_pick("/sdcard/t", android), "/sdcard/t", "TMPDIR set: it");
	is_str(scmwq_tmpdir_pick("", android), android, "TMPDIR empty, Android's exists: it");
	is_str(scmwq_tmpdir_pick(NULL, android), android, "no TMPDIR, Android's exists: it");
	is_str(scmwq_tmpdir_pick(NULL, gone), "/tmp", "no TMPDIR, no Android directory: /tmp");
	is_str(scmwq_tmpdir_pick(NULL, "/etc/hostname"), "/tmp",
	       "the Android path is a file, not a directory: /tmp");
	rmdir(android);
	return tap_done();
}
