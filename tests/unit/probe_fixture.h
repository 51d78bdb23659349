/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the unit tests that put uprobe events on their own copies of the
 * probe functions (lib/sim/probes.c) and emit events from threads on chosen
 * CPUs: test_live and test_tdat_write.
 */
#ifndef PROBE_FIXTURE_H
#define PROBE_FIXTURE_H

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include "record/capture.h"

#define FIXTURE_NPROBES 6

/* Each probe function and its uprobe arguments (x86-64, record's shapes). */
static const struct {
	const char *name;
	const char *args;
} fixture_probes[FIXTURE_NPROBES] = {
	{ "scm_smc_request",
	  "smc_id=%di:x64 svc_id=%si:x8 cmd_id=%dx:x8 args_cnt=%cx:u8 arg0=%r8:x64 arg1=%r9:x64" },
	{ "scm_waitq_sleep", "wq_ctx=%di:u32 smc_call_ctx=%si:u32" },
	{ "scm_waitq_resume", "smc_call_ctx=%di:u32" },
	{ "scm_waitq_get_wq_ctx", "wq_ctx=%di:u32 flags=%si:u32 more_pending=%dx:u32" },
	{ "scm_waitq_wake_ack", "wq_ctx=%di:u32 smc_call_ctx=%si:u32" },
	{ "scm_smc_done",
	  "ret=%di:s32 smc_id=%si:x64 res=%dx:x64 res0=%cx:x64 res1=%r8:x64 res2=%r9:x64" },
};

/*
 * This test program's path (@exe) and the file offsets of its probe
 * functions, as record finds them (libelf).  0, or -1 with @why.
 */
static inline int fixture_probe_offsets(char *exe, size_t exelen, uint64_t off[FIXTURE_NPROBES],
					char *why, size_t len)
{
	const char *names[FIXTURE_NPROBES];
	struct scmwq_error err;
	ssize_t n = readlink("/proc/self/exe", exe, exelen - 1);

	if (n <= 0) {
		snprintf(why, len, "cannot read /proc/self/exe");
		return -1;
	}
	exe[n] = '\0';
	for (int i = 0; i < FIXTURE_NPROBES; i++)
		names[i] = fixture_probes[i].name;
	if (scmwq_elf_func_offsets(exe, names, FIXTURE_NPROBES, off, NULL, &err)) {
		snprintf(why, len, "%.200s", err.msg);
		return -1;
	}
	for (int i = 0; i < FIXTURE_NPROBES; i++) {
		if (!off[i]) {
			snprintf(why, len, "cannot find %s in %.180s", names[i], exe);
			return -1;
		}
	}
	return 0;
}

/* The CPUs this process may run on, up to two, to spread events over. */
static inline int fixture_pick_cpus(int *cpus)
{
	cpu_set_t set;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 0;
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

/* Keep the calling thread on @cpu (< 0: leave it); false if refused. */
static inline bool fixture_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return true;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return !pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

#endif
