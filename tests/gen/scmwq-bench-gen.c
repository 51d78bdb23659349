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

static void put(enum scmwq_ev_type type, int pid, const char *comm)
{
	ev.type = type;
	ev.sys = SCMWQ_SYS_QCOM_SCM;
	ev.pid = pid;
	ev.cpu = pid % 4;
	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	now += 5000;
	ev.ts_ns = now;
	scmwq_text_write_event(stdout, &ev, SCMWQ_SYS_QCOM_SCM);
	written++;
}

static void request(int pid, const char *comm, uint64_t id, int nargs, uint64_t arg0)
{
	memset(&ev, 0, sizeof(ev));
	ev.smc_id = id;
	ev.svc_id = scmwq_smc_svc(id);
	ev.cmd_id = scmwq_smc_cmd(id);
	ev.args_cnt = nargs;
	ev.args[0] = arg0;
	ev.have = SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_SVC_CMD | SCMWQ_HAVE_ARGS;
	put(SCMWQ_EV_SMC_REQUEST, pid, comm);
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
		request(pid, comm, id, 1, 0x1000);
		if (sleeps) {
			memset(&ev, 0, sizeof(ev));
			ev.wq_ctx = 0;
			ev.smc_call_ctx = (uint32_t)ctx;
			ev.have = SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX;
			put(SCMWQ_EV_SLEEP, pid, comm);
			request(60, "irq/41-qcom-scm", SCMWQ_SMC_GET_WQ_CTX, 0, 0);
			memset(&ev, 0, sizeof(ev));
			ev.wq_ctx = 0;
			ev.flags = SCMWQ_WAKE_ONE;
			ev.more_pending = 0;
			ev.have = SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_FLAGS | SCMWQ_HAVE_MORE;
			put(SCMWQ_EV_GET_WQ_CTX, 60, "irq/41-qcom-scm");
			memset(&ev, 0, sizeof(ev));
			ev.smc_call_ctx = (uint32_t)ctx;
			ev.have = SCMWQ_HAVE_CTX;
			put(SCMWQ_EV_RESUME, pid, comm);
			request(pid, comm, SCMWQ_SMC_RESUME, 1, ctx);
			ctx++;
		}
		memset(&ev, 0, sizeof(ev));
		ev.smc_id = id;
		ev.have = SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_RET | SCMWQ_HAVE_RES | SCMWQ_HAVE_RES012;
		put(SCMWQ_EV_SMC_DONE, pid, comm);
	}
	if (fflush(stdout) || ferror(stdout)) {
		perror("scmwq-bench-gen");
		return 74;
	}
	return 0;
}
