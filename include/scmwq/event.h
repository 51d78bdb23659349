/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events: the one type every source produces and every consumer takes.
 */
#ifndef SCMWQ_EVENT_H
#define SCMWQ_EVENT_H

#include <scmwq/base.h>

enum scmwq_ev_type {
	SCMWQ_EV_NONE = 0,
	SCMWQ_EV_SMC_REQUEST,	/* scm_smc_request */
	SCMWQ_EV_SLEEP,		/* scm_waitq_sleep */
	SCMWQ_EV_RESUME,	/* scm_waitq_resume */
	SCMWQ_EV_GET_WQ_CTX,	/* scm_waitq_get_wq_ctx */
	SCMWQ_EV_WAKE_ACK,	/* scm_waitq_wake_ack (vendor) */
	SCMWQ_EV_SMC_DONE,	/* scm_smc_done */
	SCMWQ_EV_SCHED_SWITCH,	/* sched:sched_switch */
	SCMWQ_EV_SCHED_WAKEUP,	/* sched:sched_waking / sched_wakeup */
	SCMWQ_EV_LOST,		/* a loss marker: events were dropped here */
	SCMWQ_EV__COUNT,
};

/* Trace system an SCM event came from, when the source can tell. */
enum scmwq_system {
	SCMWQ_SYS_UNKNOWN = 0,
	SCMWQ_SYS_QCOM_SCM,	/* mainline tracepoints */
	SCMWQ_SYS_SCM,		/* vendor (Android) tracepoints */
};

/* Which optional fields an event carries (probe events may lack some). */
enum scmwq_have {
	SCMWQ_HAVE_SMC_ID	= 1u << 0,
	SCMWQ_HAVE_WQ_CTX	= 1u << 1,
	SCMWQ_HAVE_CTX		= 1u << 2,	/* smc_call_ctx */
	SCMWQ_HAVE_FLAGS	= 1u << 3,
	SCMWQ_HAVE_MORE		= 1u << 4,	/* more_pending */
	SCMWQ_HAVE_RET		= 1u << 5,
	SCMWQ_HAVE_RES		= 1u << 6,	/* res (a0), mainline smc_done only */
	SCMWQ_HAVE_RES012	= 1u << 7,
	SCMWQ_HAVE_ARGS		= 1u << 8,
	SCMWQ_HAVE_SVC_CMD	= 1u << 9,
};

#define SCMWQ_COMM_LEN	32
#define SCMWQ_MAX_ARGS	10

/* Kinds of loss an SCMWQ_EV_LOST stands for. */
enum scmwq_loss {
	SCMWQ_LOSS_EVENTS = 0,	/* N events lost (count may be 0 = unknown) */
	SCMWQ_LOSS_OVERWRITTEN,	/* the trace's start was overwritten */
	SCMWQ_LOSS_CPU_STARTED,	/* "CPU N buffer started": data begins late */
};

struct scmwq_event {
	enum scmwq_ev_type type;
	enum scmwq_system sys;
	uint64_t ts_ns;		/* timestamp in ns (clock of the trace) */
	int pid;
	int cpu;		/* -1 when unknown */
	char comm[SCMWQ_COMM_LEN];
	unsigned int have;	/* enum scmwq_have bits */

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

	/* sched events (SCHED_SWITCH: prev = pid/comm above, next below) */
	char prev_state;	/* 'R', 'S', 'D', 'I', ... */
	int next_pid;
	char next_comm[SCMWQ_COMM_LEN];
	int target_pid;		/* SCHED_WAKEUP: the woken task */

	/*
	 * SCMWQ_EV_LOST.  A loss lies on its CPU between gap_start_ns (that
	 * CPU's previous event; 0: the trace's start) and gap_end_ns (its next
	 * event; 0: not known yet, the CPU's next event in the stream).  The
	 * marker itself may come later in the stream than gap_start_ns: ftrace
	 * text prints it after the gap.  cpu -1 (SCMWQ_LOSS_OVERWRITTEN): every
	 * CPU's data begins at its first event.
	 */
	enum scmwq_loss loss;
	uint64_t lost_count;	/* 0: unknown */
	uint64_t gap_start_ns, gap_end_ns;

	/* where it came from: text line number or trace.dat record offset */
	uint64_t where;
};

const char *scmwq_ev_type_name(enum scmwq_ev_type type);

/*
 * Build an SCM event as its tracepoint fills it: the struct is cleared and
 * the fields and their `have` bits set; pid, comm, cpu and time are the
 * caller's.  For the simulator and the generators.
 */
void scmwq_event_request(struct scmwq_event *ev, uint64_t smc_id, unsigned int nargs,
			 uint64_t arg0, uint64_t arg1);
/* scm_waitq_sleep or scm_waitq_wake_ack (@type) */
void scmwq_event_waitq(struct scmwq_event *ev, enum scmwq_ev_type type, uint32_t wq_ctx,
		       uint32_t smc_call_ctx);
void scmwq_event_resume(struct scmwq_event *ev, uint32_t smc_call_ctx);
void scmwq_event_get_wq_ctx(struct scmwq_event *ev, uint32_t wq_ctx, uint32_t flags,
			    uint32_t more_pending);
/* mainline's scm_smc_done (with res); vendor's has no res: clear SCMWQ_HAVE_RES */
void scmwq_event_done(struct scmwq_event *ev, uint64_t smc_id, int ret, uint64_t res,
		      uint64_t res0, uint64_t res1, uint64_t res2);
const char *scmwq_system_name(enum scmwq_system sys);

#endif /* SCMWQ_EVENT_H */
