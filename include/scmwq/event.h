/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of lib/base/event.c: struct scmwq_event, the one type every
 * source produces and every consumer takes, with its names and builders.
 */
#ifndef SCMWQ_EVENT_H
#define SCMWQ_EVENT_H

#include <scmwq/base.h>

/**
 * enum scmwq_ev_type - what an event is
 * @SCMWQ_EV_NONE: no event (a cleared struct)
 * @SCMWQ_EV_SMC_REQUEST: scm_smc_request: before every smc instruction
 * @SCMWQ_EV_SLEEP: scm_waitq_sleep: firmware returned WAITQ_SLEEP
 * @SCMWQ_EV_RESUME: scm_waitq_resume: the sleeper woke, RESUME follows
 * @SCMWQ_EV_GET_WQ_CTX: scm_waitq_get_wq_ctx: the IRQ thread drained a
 *                       wait-queue
 * @SCMWQ_EV_WAKE_ACK: scm_waitq_wake_ack (vendor only): firmware returned
 *                     WAITQ_WAKE to this call, ACK follows
 * @SCMWQ_EV_SMC_DONE: scm_smc_done: the call returns to its caller
 * @SCMWQ_EV_SCHED_SWITCH: sched:sched_switch
 * @SCMWQ_EV_SCHED_WAKEUP: sched:sched_waking or sched:sched_wakeup
 * @SCMWQ_EV_LOST: a loss marker: events were dropped here
 * @SCMWQ_EV__COUNT: the number of types, not a type
 *
 * The SCM events are the tracepoints of traces.md section 1, whichever
 * trace system (or probe) they came from.
 */
enum scmwq_ev_type {
	SCMWQ_EV_NONE = 0,
	SCMWQ_EV_SMC_REQUEST,
	SCMWQ_EV_SLEEP,
	SCMWQ_EV_RESUME,
	SCMWQ_EV_GET_WQ_CTX,
	SCMWQ_EV_WAKE_ACK,
	SCMWQ_EV_SMC_DONE,
	SCMWQ_EV_SCHED_SWITCH,
	SCMWQ_EV_SCHED_WAKEUP,
	SCMWQ_EV_LOST,
	SCMWQ_EV__COUNT,
};

/**
 * enum scmwq_system - the trace system an SCM event came from
 * @SCMWQ_SYS_UNKNOWN: the source cannot tell (probe events, plain text)
 * @SCMWQ_SYS_QCOM_SCM: qcom_scm, the mainline tracepoints
 * @SCMWQ_SYS_SCM: scm, the vendor (Android) tracepoints
 */
enum scmwq_system {
	SCMWQ_SYS_UNKNOWN = 0,
	SCMWQ_SYS_QCOM_SCM,
	SCMWQ_SYS_SCM,
};

/**
 * enum scmwq_have - which optional fields an event carries
 * @SCMWQ_HAVE_SMC_ID: smc_id
 * @SCMWQ_HAVE_WQ_CTX: wq_ctx
 * @SCMWQ_HAVE_CTX: smc_call_ctx
 * @SCMWQ_HAVE_FLAGS: flags
 * @SCMWQ_HAVE_MORE: more_pending
 * @SCMWQ_HAVE_RET: ret
 * @SCMWQ_HAVE_RES: res (firmware's a0); mainline's scm_smc_done only
 * @SCMWQ_HAVE_RES012: res0, res1 and res2
 * @SCMWQ_HAVE_ARGS: args_cnt and args
 * @SCMWQ_HAVE_SVC_CMD: svc_id and cmd_id
 *
 * Bits of &scmwq_event.have.  Tracepoints give every field of their event;
 * probe events (kprobe, uprobe) may lack some, and a field that is not
 * there must not be judged.
 */
enum scmwq_have {
	SCMWQ_HAVE_SMC_ID	= 1u << 0,
	SCMWQ_HAVE_WQ_CTX	= 1u << 1,
	SCMWQ_HAVE_CTX		= 1u << 2,
	SCMWQ_HAVE_FLAGS	= 1u << 3,
	SCMWQ_HAVE_MORE		= 1u << 4,
	SCMWQ_HAVE_RET		= 1u << 5,
	SCMWQ_HAVE_RES		= 1u << 6,
	SCMWQ_HAVE_RES012	= 1u << 7,
	SCMWQ_HAVE_ARGS		= 1u << 8,
	SCMWQ_HAVE_SVC_CMD	= 1u << 9,
};

#define SCMWQ_COMM_LEN	32	/* task names, NUL included */
#define SCMWQ_MAX_ARGS	10	/* scm_smc_request arguments kept */

/**
 * enum scmwq_loss - the kind of loss an SCMWQ_EV_LOST stands for
 * @SCMWQ_LOSS_EVENTS: events were lost; &scmwq_event.lost_count says how
 *                     many (0: unknown)
 * @SCMWQ_LOSS_OVERWRITTEN: the trace's start was overwritten
 * @SCMWQ_LOSS_CPU_STARTED: "CPU N buffer started": that CPU's data begins
 *                          late
 */
enum scmwq_loss {
	SCMWQ_LOSS_EVENTS = 0,
	SCMWQ_LOSS_OVERWRITTEN,
	SCMWQ_LOSS_CPU_STARTED,
};

/**
 * struct scmwq_event - one event of a trace
 * @type: what it is
 * @sys: the trace system it came from, when the source can tell
 * @ts_ns: timestamp in ns, in the clock of the trace
 * @pid: the thread it happened on (sched_switch: the task switched out)
 * @cpu: the CPU; -1 when unknown
 * @comm: that thread's name, as the trace gives it
 * @have: the optional fields it carries, bits of enum scmwq_have
 * @smc_id: scm_smc_request, scm_smc_done: the SMC function id (0x1 for an
 *          INTERRUPTED re-entry)
 * @svc_id: scm_smc_request: the service id
 * @cmd_id: scm_smc_request: the command id
 * @args_cnt: scm_smc_request: the number of arguments, as the event says
 * @args: scm_smc_request: the first SCMWQ_MAX_ARGS arguments; vendor
 *        traces number them from x2, which is args[0]
 * @ret: scm_smc_done: what the call returned
 * @res: scm_smc_done: firmware's a0 (res_to_callee); mainline only
 * @res0: scm_smc_done: res0
 * @res1: scm_smc_done: res1
 * @res2: scm_smc_done: res2
 * @wq_ctx: scm_waitq_sleep, scm_waitq_get_wq_ctx, scm_waitq_wake_ack: the
 *          wait-queue
 * @smc_call_ctx: scm_waitq_sleep, scm_waitq_resume, scm_waitq_wake_ack: the
 *                call's firmware context
 * @flags: scm_waitq_get_wq_ctx: SCMWQ_WAKE_ONE, SCMWQ_WAKE_ALL, ...
 * @more_pending: scm_waitq_get_wq_ctx: firmware has more wait-queues to
 *                drain
 * @prev_state: sched_switch: the state the task left in ('R', 'S', 'D',
 *              'I', ...)
 * @next_pid: sched_switch: the task switched in
 * @next_comm: sched_switch: its name; sched_wakeup: the woken task's name
 * @target_pid: sched_wakeup: the woken task (@pid is the waker)
 * @loss: SCMWQ_EV_LOST: the kind of loss
 * @lost_count: SCMWQ_EV_LOST: events lost; 0: unknown
 * @gap_start_ns: SCMWQ_EV_LOST: where the gap begins (see below)
 * @gap_end_ns: SCMWQ_EV_LOST: where the gap ends (see below)
 * @where: where it came from: text line number, trace.dat record offset,
 *         or (live) its 1-based number among the events delivered
 *
 * A loss lies on its CPU between @gap_start_ns (that CPU's previous event;
 * 0: the trace's start) and @gap_end_ns (its next event; 0: not known yet,
 * the CPU's next event in the stream).  The marker itself may come later
 * in the stream than @gap_start_ns: ftrace text prints it after the gap.
 * @cpu -1 (SCMWQ_LOSS_OVERWRITTEN): every CPU's data begins at its first
 * event.
 */
struct scmwq_event {
	enum scmwq_ev_type type;
	enum scmwq_system sys;
	uint64_t ts_ns;
	int pid;
	int cpu;
	char comm[SCMWQ_COMM_LEN];
	unsigned int have;

	/* scm_smc_request / scm_smc_done */
	uint64_t smc_id;
	uint8_t svc_id, cmd_id;
	uint8_t args_cnt;
	uint64_t args[SCMWQ_MAX_ARGS];
	int ret;
	uint64_t res, res0, res1, res2;

	/* waitq events */
	uint32_t wq_ctx;
	uint32_t smc_call_ctx;
	uint32_t flags;
	uint32_t more_pending;

	/* sched events */
	char prev_state;
	int next_pid;
	char next_comm[SCMWQ_COMM_LEN];
	int target_pid;

	/* SCMWQ_EV_LOST */
	enum scmwq_loss loss;
	uint64_t lost_count;
	uint64_t gap_start_ns, gap_end_ns;

	uint64_t where;
};

/**
 * scmwq_ev_type_name() - the name of an event type
 * @type: the type
 *
 * Return: the tracepoint's name ("scm_waitq_sleep", "sched_switch",
 * "sched_wakeup" for both wake-up events), "lost", "none", or "?" for a
 * value that is no type.  A static string.
 */
const char *scmwq_ev_type_name(enum scmwq_ev_type type);

/**
 * scmwq_event_request() - build an scm_smc_request as its tracepoint fills it
 * @ev: the event; cleared first
 * @smc_id: the function id; svc_id and cmd_id are decoded from it
 * @nargs: args_cnt
 * @arg0: the first argument (vendor: x2)
 * @arg1: the second argument
 *
 * Sets the fields and their &scmwq_event.have bits; pid, comm, cpu and time
 * are the caller's.  This and the other builders are for the simulator and
 * the generators.
 */
void scmwq_event_request(struct scmwq_event *ev, uint64_t smc_id, unsigned int nargs,
			 uint64_t arg0, uint64_t arg1);
/**
 * scmwq_event_waitq() - build an scm_waitq_sleep or scm_waitq_wake_ack
 * @ev: the event; cleared first
 * @type: SCMWQ_EV_SLEEP or SCMWQ_EV_WAKE_ACK
 * @wq_ctx: the wait-queue
 * @smc_call_ctx: the call's firmware context
 *
 * Like scmwq_event_request(): pid, comm, cpu and time are the caller's.
 */
void scmwq_event_waitq(struct scmwq_event *ev, enum scmwq_ev_type type, uint32_t wq_ctx,
		       uint32_t smc_call_ctx);
/**
 * scmwq_event_resume() - build an scm_waitq_resume
 * @ev: the event; cleared first
 * @smc_call_ctx: the call's firmware context
 *
 * Like scmwq_event_request(): pid, comm, cpu and time are the caller's.
 */
void scmwq_event_resume(struct scmwq_event *ev, uint32_t smc_call_ctx);
/**
 * scmwq_event_get_wq_ctx() - build an scm_waitq_get_wq_ctx
 * @ev: the event; cleared first
 * @wq_ctx: the wait-queue drained
 * @flags: the wake flags (SCMWQ_WAKE_ONE, SCMWQ_WAKE_ALL, ...)
 * @more_pending: whether firmware has more to drain
 *
 * Like scmwq_event_request(): pid, comm, cpu and time are the caller's.
 */
void scmwq_event_get_wq_ctx(struct scmwq_event *ev, uint32_t wq_ctx, uint32_t flags,
			    uint32_t more_pending);
/**
 * scmwq_event_done() - build an scm_smc_done
 * @ev: the event; cleared first
 * @smc_id: the function id
 * @ret: what the call returned
 * @res: firmware's a0 (mainline's res_to_callee)
 * @res0: res0
 * @res1: res1
 * @res2: res2
 *
 * Builds mainline's event, with res; the vendor's has none: clear
 * SCMWQ_HAVE_RES in &scmwq_event.have.  Like scmwq_event_request(): pid,
 * comm, cpu and time are the caller's.
 */
void scmwq_event_done(struct scmwq_event *ev, uint64_t smc_id, int ret, uint64_t res,
		      uint64_t res0, uint64_t res1, uint64_t res2);
/**
 * scmwq_system_name() - the name of a trace system
 * @sys: the system
 *
 * Return: "qcom_scm", "scm", or "unknown".  A static string.
 */
const char *scmwq_system_name(enum scmwq_system sys);

#endif /* SCMWQ_EVENT_H */
