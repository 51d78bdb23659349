// SPDX-License-Identifier: GPL-2.0
/*
 * scmwq-bench-gen: write a clean mainline ftrace text trace of about N
 * events, for benchmarks and memory tests.  Calls from several threads, half
 * of them parked and woken through the IRQ drain, one at a time as the
 * mainline mutex has it.
 *
 *   scmwq-bench-gen EVENTS [THREADS] > trace.txt
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scmwq.h"

static struct scmwq_event ev;
static uint64_t now = 100ULL * 1000000000ULL;
static uint64_t written;

static void put(int pid, const char *comm)
{
	ev.sys = SCMWQ_SYS_QCOM_SCM;
	ev.pid = pid;
	ev.cpu = pid % 4;
	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	now += 5000;
	ev.ts_ns = now;
	scmwq_text_write_event(stdout, &ev, SCMWQ_SYS_QCOM_SCM);
	written++;
}

int main(int argc, char **argv)
{
	uint64_t target, ctx = 1;
	int threads = 8;
	unsigned int seed = 1;
	static char buf[1 << 20];

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: scmwq-bench-gen EVENTS [THREADS]\n");
		return 64;
	}
	target = strtoull(argv[1], NULL, 0);
	if (argc == 3)
		threads = atoi(argv[2]);
	if (threads < 1)
		threads = 1;
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	scmwq_text_write_header(stdout, 4, target);

	while (written < target) {
		int pid = 2000 + (int)(rand_r(&seed) % threads);
		char comm[24];
		uint64_t id = 0x42000600 + (rand_r(&seed) % 16);
		bool sleeps = rand_r(&seed) & 1;

		snprintf(comm, sizeof(comm), "worker-%d", pid - 2000);
		scmwq_event_request(&ev, id, 1, 0x1000, 0);
		put(pid, comm);
		if (sleeps) {
			scmwq_event_waitq(&ev, SCMWQ_EV_SLEEP, 0, (uint32_t)ctx);
			put(pid, comm);
			scmwq_event_request(&ev, SCMWQ_SMC_GET_WQ_CTX, 0, 0, 0);
			put(60, "irq/41-qcom-scm");
			scmwq_event_get_wq_ctx(&ev, 0, SCMWQ_WAKE_ONE, 0);
			put(60, "irq/41-qcom-scm");
			scmwq_event_resume(&ev, (uint32_t)ctx);
			put(pid, comm);
			scmwq_event_request(&ev, SCMWQ_SMC_RESUME, 1, ctx, 0);
			put(pid, comm);
			ctx++;
		}
		scmwq_event_done(&ev, id, 0, 0, 0, 0, 0);
		put(pid, comm);
	}
	if (fflush(stdout) || ferror(stdout)) {
		perror("scmwq-bench-gen");
		return 74;
	}
	return 0;
}
