// SPDX-License-Identifier: GPL-2.0
/*
 * The ftrace text writer: events printed as /sys/kernel/tracing/trace
 * prints them, with the tracepoints' print formats of traces.md section 1.
 * Used by the protocol simulator and the test generators.
 */
#include <string.h>

#include <scmwq/output.h>

#include "base/base.h"

/**
 * scmwq_text_write_header - write the standard ftrace text header
 * @out: stream
 * @cpus: number of CPUs (for "#P:N")
 * @entries: entries-in-buffer and entries-written (both the same: no loss)
 *
 * Return: 0, or -1 on a write error.
 */
int scmwq_text_write_header(FILE *out, int cpus, uint64_t entries)
{
	int r;

	r = fprintf(out,
		    "# tracer: nop\n"
		    "#\n"
		    "# entries-in-buffer/entries-written: %llu/%llu   #P:%d\n"
		    "#\n"
		    "#                                _-----=> irqs-off/BH-disabled\n"
		    "#                               / _----=> need-resched\n"
		    "#                              | / _---=> hardirq/softirq\n"
		    "#                              || / _--=> preempt-depth\n"
		    "#                              ||| / _-=> migrate-disable\n"
		    "#                              |||| /     delay\n"
		    "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
		    "#              | |         |   |||||     |         |\n",
		    (unsigned long long)entries, (unsigned long long)entries, cpus);
	return r < 0 ? -1 : 0;
}

/* Both tracepoints keep at most 6 arguments: min_t(u8, smc->args[1] & 0xF, 6). */
#define KERNEL_MAX_ARGS	6

/*
 * "scm_smc_request" fields, mainline or vendor.  args_cnt is what the
 * tracepoint stores, the count clamped to 6.  The vendor arguments are
 * numbered by their register, from x2: the kernel prints smc->args[2 + i]
 * as "x%u" with i + 2, so args[0] is x2.
 */
static int write_request(FILE *out, const struct scmwq_event *ev, bool vendor)
{
	unsigned int n = ev->args_cnt < KERNEL_MAX_ARGS ? ev->args_cnt : KERNEL_MAX_ARGS;

	if (vendor) {
		if (fprintf(out, "smc_id:0x%08llx svc_id:0x%02x, cmd_id:0x%02x, args_cnt:%u",
			    (unsigned long long)ev->smc_id, ev->svc_id, ev->cmd_id, n) < 0)
			return -1;
		for (unsigned int i = 0; i < n; i++)
			if (fprintf(out, " x%u:(hex:0x%08llx decimal:%llu)", i + 2,
				    (unsigned long long)ev->args[i],
				    (unsigned long long)ev->args[i]) < 0)
				return -1;
		return 0;
	}
	/* __print_dynamic_array(args, sizeof(unsigned long)): "{0x1f,0x2}", "{}" */
	if (fprintf(out, "smc_id:0x%08llx svc_id:0x%02x cmd_id:0x%02x args_cnt:%u args:{",
		    (unsigned long long)ev->smc_id, ev->svc_id, ev->cmd_id, n) < 0)
		return -1;
	for (unsigned int i = 0; i < n; i++)
		if (fprintf(out, "%s0x%llx", i ? "," : "", (unsigned long long)ev->args[i]) < 0)
			return -1;
	return fputc('}', out) == EOF ? -1 : 0;
}

static const char *comm_or_unknown(const char *comm)
{
	return comm[0] ? comm : "<...>";
}

/**
 * scmwq_text_write_event - print one event the way the kernel prints it
 * @out: stream
 * @ev: the event (SCM events, sched events and SCMWQ_EV_LOST)
 * @sys: which print format: SCMWQ_SYS_QCOM_SCM (mainline) or SCMWQ_SYS_SCM
 *       (vendor); SCMWQ_SYS_UNKNOWN uses @ev->sys, and mainline if that is
 *       unknown too
 *
 * Lines have the layout of /sys/kernel/tracing/trace: the comm right-aligned
 * in 16 columns, the pid, "[CPU]", the flags "d..1.", a microsecond
 * timestamp, the event name and the fields.  SCMWQ_EV_LOST prints as the
 * kernel's loss marker ("CPU:N [LOST M EVENTS]", or "[LOST EVENTS]" for an
 * unknown count; a CPU_STARTED loss as "##### CPU N buffer started ####").
 *
 * Return: 0, or -1 on a write error (or an event type it cannot print).
 */
int scmwq_text_write_event(FILE *out, const struct scmwq_event *ev, enum scmwq_system sys)
{
	unsigned long long sec = ev->ts_ns / 1000000000ULL;
	unsigned long long usec = ev->ts_ns % 1000000000ULL / 1000;
	int cpu = ev->cpu < 0 ? 0 : ev->cpu;
	const char *name;
	bool vendor;
	int r;

	if (sys == SCMWQ_SYS_UNKNOWN)
		sys = ev->sys;
	vendor = sys == SCMWQ_SYS_SCM;

	if (ev->type == SCMWQ_EV_LOST) {
		if (ev->loss == SCMWQ_LOSS_CPU_STARTED)
			r = fprintf(out, "##### CPU %d buffer started ####\n", cpu);
		else if (ev->lost_count)
			r = fprintf(out, "CPU:%d [LOST %llu EVENTS]\n", cpu,
				    (unsigned long long)ev->lost_count);
		else
			r = fprintf(out, "CPU:%d [LOST EVENTS]\n", cpu);
		return r < 0 ? -1 : 0;
	}

	switch (ev->type) {
	case SCMWQ_EV_SMC_REQUEST:
	case SCMWQ_EV_SLEEP:
	case SCMWQ_EV_RESUME:
	case SCMWQ_EV_GET_WQ_CTX:
	case SCMWQ_EV_WAKE_ACK:
	case SCMWQ_EV_SMC_DONE:
	case SCMWQ_EV_SCHED_SWITCH:
	case SCMWQ_EV_SCHED_WAKEUP:
		name = scmwq_ev_type_name(ev->type);
		break;
	default:
		return -1;
	}

	if (fprintf(out, "%16s-%-7d [%03d] d..1. %5llu.%06llu: %s: ", comm_or_unknown(ev->comm),
		    ev->pid, cpu, sec, usec, name) < 0)
		return -1;

	switch (ev->type) {
	case SCMWQ_EV_SMC_REQUEST:
		r = write_request(out, ev, vendor);
		break;
	case SCMWQ_EV_SLEEP:
	case SCMWQ_EV_WAKE_ACK:
		r = fprintf(out, "wq_ctx:%u, smc_call_ctx:%u", ev->wq_ctx, ev->smc_call_ctx);
		break;
	case SCMWQ_EV_RESUME:
		r = fprintf(out, "smc_call_ctx:%u", ev->smc_call_ctx);
		break;
	case SCMWQ_EV_GET_WQ_CTX:
		r = fprintf(out, "wq_ctx:%u, flags:%u, more_pending:%u", ev->wq_ctx, ev->flags,
			    ev->more_pending);
		break;
	case SCMWQ_EV_SMC_DONE:
		if (vendor)
			r = fprintf(out, "smc_id:0x%08llx, ret:%d res0:%llu res1:%llu res2:%llu",
				    (unsigned long long)ev->smc_id, ev->ret,
				    (unsigned long long)ev->res0, (unsigned long long)ev->res1,
				    (unsigned long long)ev->res2);
		else
			r = fprintf(out,
				    "smc_id:0x%08llx, ret:%d res_to_callee:0x%llx "
				    "res0:0x%llx res1:0x%llx res2:0x%llx",
				    (unsigned long long)ev->smc_id, ev->ret,
				    (unsigned long long)ev->res, (unsigned long long)ev->res0,
				    (unsigned long long)ev->res1, (unsigned long long)ev->res2);
		break;
	case SCMWQ_EV_SCHED_SWITCH:
		r = fprintf(out,
			    "prev_comm=%s prev_pid=%d prev_prio=120 prev_state=%c ==> "
			    "next_comm=%s next_pid=%d next_prio=120",
			    ev->comm, ev->pid, ev->prev_state ? ev->prev_state : 'R',
			    ev->next_comm, ev->next_pid);
		break;
	default:	/* SCMWQ_EV_SCHED_WAKEUP: the woken task is target_pid/next_comm */
		r = fprintf(out, "comm=%s pid=%d prio=120 target_cpu=%03d",
			    comm_or_unknown(ev->next_comm), ev->target_pid, cpu);
		break;
	}
	if (r < 0 || fputc('\n', out) == EOF)
		return -1;
	return 0;
}
