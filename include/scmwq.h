/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libscmwq: read Qualcomm SCM wait-queue traces and judge them against the
 * reference model of the protocol (see shared/spec/replay.md).
 *
 * Conventions (after libtracefs/libtraceevent): every public name carries
 * the scmwq_ prefix, handles are opaque, _alloc/_free manage memory, and
 * functions return -1/NULL with an error in struct scmwq_error.  Nothing in
 * the library calls exit(): the caller decides the exit status.
 */
#ifndef SCMWQ_H
#define SCMWQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------------ */
/* Wire constants (protocol.md section 2)                              */

#define SCMWQ_SVC_WAITQ		0x24
#define SCMWQ_CMD_ACK		0x01
#define SCMWQ_CMD_RESUME	0x02
#define SCMWQ_CMD_GET_WQ_CTX	0x03
#define SCMWQ_CMD_GET_INFO	0x04

#define SCMWQ_SMC_INTERRUPTED	0x1ULL	/* smc_id of an INTERRUPTED re-entry */
#define SCMWQ_SMC_FAST_BIT	0x80000000ULL
#define SCMWQ_SMC_RESUME	0x42002402ULL
#define SCMWQ_SMC_ACK		0x42002401ULL
#define SCMWQ_SMC_GET_WQ_CTX_STD 0x42002403ULL
#define SCMWQ_SMC_GET_WQ_CTX	0xC2002403ULL
#define SCMWQ_SMC_GET_INFO	0xC2002404ULL

#define SCMWQ_WAKE_NONE		0
#define SCMWQ_WAKE_ONE		1
#define SCMWQ_WAKE_ALL		2

#define SCMWQ_RET_INTERRUPTED	1
#define SCMWQ_RET_WAITQ_SLEEP	2
#define SCMWQ_RET_WAITQ_WAKE	3
#define SCMWQ_RET_EBUSY		(-12)

/* svc and cmd of a full SMC function id: bits 15..8 and 7..0 */
static inline unsigned int scmwq_smc_svc(uint64_t smc_id)
{
	return (smc_id >> 8) & 0xff;
}

static inline unsigned int scmwq_smc_cmd(uint64_t smc_id)
{
	return smc_id & 0xff;
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */

/*
 * Error classes; each maps to one exit status of replay.md section 4.
 * The messages are declared once, in lib/error.c.
 */
enum scmwq_errclass {
	SCMWQ_OK = 0,
	SCMWQ_E_USAGE,		/* 64: bad command line / option value */
	SCMWQ_E_DATA,		/* 65: input is not a trace we can read */
	SCMWQ_E_NOINPUT,	/* 66: input cannot be opened */
	SCMWQ_E_INTERNAL,	/* 70: internal error (out of memory, ...) */
	SCMWQ_E_NOPERM,		/* 77: no privilege for tracefs */
};

struct scmwq_error {
	enum scmwq_errclass cls;
	char msg[512];		/* "FILE:LINE: what was expected" */
};

int scmwq_error_set(struct scmwq_error *err, enum scmwq_errclass cls, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Exit status (replay.md section 4) for an error class. */
int scmwq_errclass_exit(enum scmwq_errclass cls);

/* ------------------------------------------------------------------ */
/* Events: one type for the whole program                             */

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

/* ------------------------------------------------------------------ */
/* Sources: trace.dat or ftrace text, detected from the content        */

struct scmwq_source;

enum scmwq_source_format {
	SCMWQ_FMT_TEXT = 0,	/* ftrace / trace-cmd report text */
	SCMWQ_FMT_TRACE_DAT,	/* trace-cmd trace.dat */
};

/*
 * Called for each line of a text trace that could not be parsed; the
 * source counts them and goes on.  @what says what was expected.
 */
typedef void (*scmwq_diag_fn)(const char *path, uint64_t line, const char *what, void *arg);

/**
 * scmwq_source_open - open a trace file ("-" is standard input)
 * @path: file name, or "-"
 * @diag: called for each malformed text line (may be NULL)
 * @diag_arg: passed to @diag
 * @err: filled on failure
 *
 * Returns a source, or NULL with @err set (SCMWQ_E_NOINPUT when the file
 * cannot be opened, SCMWQ_E_DATA when it is not a trace).
 */
struct scmwq_source *scmwq_source_open(const char *path, scmwq_diag_fn diag, void *diag_arg,
				       struct scmwq_error *err);

/**
 * scmwq_source_next - read the next event
 *
 * Returns 1 with @ev filled, 0 at the end of the trace, -1 on an error that
 * ends reading (e.g. a truncated trace.dat) with @err set.  Events come in
 * time order.  Lines or records that are not SCM or scheduler events are
 * skipped silently; malformed ones go to the diag callback.
 */
int scmwq_source_next(struct scmwq_source *src, struct scmwq_event *ev, struct scmwq_error *err);

enum scmwq_source_format scmwq_source_format(const struct scmwq_source *src);
const char *scmwq_source_format_name(const struct scmwq_source *src);
/* The trace system the trace uses, when known from its header/formats. */
enum scmwq_system scmwq_source_system(const struct scmwq_source *src);
/* Malformed lines seen so far (text only). */
uint64_t scmwq_source_malformed(const struct scmwq_source *src);
/* Events lost, as far as the container tells (loss markers, missed events). */
uint64_t scmwq_source_lost(const struct scmwq_source *src);
/* CPUs of the trace, as its header or file tells (0: unknown). */
int scmwq_source_cpus(const struct scmwq_source *src);
/*
 * Whether the source reports each loss before the events that follow the
 * loss's start (trace.dat: yes; ftrace text: no, the marker follows the gap).
 */
bool scmwq_source_losses_in_order(const struct scmwq_source *src);
const char *scmwq_source_path(const struct scmwq_source *src);
void scmwq_source_free(struct scmwq_source *src);

/* ------------------------------------------------------------------ */
/* Writing ftrace text (what the kernel prints for each tracepoint)    */

/**
 * scmwq_text_write_header - write the standard ftrace text header
 * @out: stream
 * @cpus: number of CPUs (for "#P:N")
 * @entries: entries-in-buffer and entries-written (both the same: no loss)
 */
int scmwq_text_write_header(FILE *out, int cpus, uint64_t entries);

/**
 * scmwq_text_write_event - print one event the way the kernel prints it
 * @out: stream
 * @ev: the event (SCM events, sched events and SCMWQ_EV_LOST)
 * @sys: which print format: SCMWQ_SYS_QCOM_SCM (mainline) or SCMWQ_SYS_SCM
 *       (vendor); SCMWQ_SYS_UNKNOWN uses @ev->sys
 *
 * The line has the layout of /sys/kernel/tracing/trace with the 5-column
 * flags field ("d..1."), microsecond timestamps and the fields exactly as
 * the tracepoint's TP_printk of traces.md section 1 prints them: an
 * scm_smc_request keeps at most 6 arguments (args_cnt clamped as the
 * kernel does), mainline's as "args:{0x1f,0x2}", the vendor's numbered by
 * register from x2 (" x2:(hex:0x0000001f decimal:31)" is args[0]).
 */
int scmwq_text_write_event(FILE *out, const struct scmwq_event *ev, enum scmwq_system sys);

/* ------------------------------------------------------------------ */
/* The reference model                                                 */

enum scmwq_driver {
	SCMWQ_DRV_AUTO = 0,
	SCMWQ_DRV_MAINLINE,		/* Linux 6.20+ */
	SCMWQ_DRV_MAINLINE_6_3,		/* 6.3 - 6.10 */
	SCMWQ_DRV_MAINLINE_6_11,	/* 6.11 - 6.19 */
	SCMWQ_DRV_VENDOR,		/* Android vendor kernels */
	SCMWQ_DRV_DRAFT_2022,		/* the 2022 design */
	SCMWQ_DRV__COUNT,
};

const char *scmwq_driver_name(enum scmwq_driver drv);
/* Returns -1 for an unknown name. */
int scmwq_driver_parse(const char *name, enum scmwq_driver *drv);

enum scmwq_severity {
	SCMWQ_SEV_INFO = 0,
	SCMWQ_SEV_WARNING,
	SCMWQ_SEV_ERROR,
};

const char *scmwq_severity_name(enum scmwq_severity sev);

/* Rule ids of replay.md section 2, plus the info notes. */
enum scmwq_rule {
	SCMWQ_R_LOST_WAKEUP = 0,
	SCMWQ_R_SLOW_RESUME,
	SCMWQ_R_STRANDED_SLEEPER,
	SCMWQ_R_DRAIN_ABORTED,
	SCMWQ_R_WAKE_ALL_REJECTED,
	SCMWQ_R_WAKE_ALL_PARTIAL,
	SCMWQ_R_WAKE_ALL_STUCK,
	SCMWQ_R_PREMATURE_RESUME,
	SCMWQ_R_SPURIOUS_WAKE,
	SCMWQ_R_INVALID_FLAGS,
	SCMWQ_R_INVALID_WQ_CTX,
	SCMWQ_R_RESUME_CTX_MISMATCH,
	SCMWQ_R_RESUME_WITHOUT_SLEEP,
	SCMWQ_R_SLEEP_WHILE_SLEEPING,
	SCMWQ_R_ACK_CTX_MISMATCH,
	SCMWQ_R_EBUSY_RETRY_RESUME,
	SCMWQ_R_GET_WQ_CTX_STD_CALL,
	SCMWQ_R_SLEEP_IN_ATOMIC_CALL,
	SCMWQ_R_LONG_SLEEP,
	SCMWQ_R_UNEXPECTED_EVENT,
	SCMWQ_R_JOINED_MID_CALL,	/* info: thread first seen mid-call */
	SCMWQ_R_TRACE_NOTE,		/* info: driver picked, loss, ... */
	SCMWQ_R__COUNT,
};

struct scmwq_rule_info {
	const char *id;			/* stable id, e.g. "lost-wakeup" */
	enum scmwq_severity severity;	/* default severity */
	const char *summary;		/* one line: what it means */
};

const struct scmwq_rule_info *scmwq_rule_info(enum scmwq_rule rule);
/* Returns -1 for an unknown id. */
int scmwq_rule_parse(const char *id, enum scmwq_rule *rule);

#define SCMWQ_MAX_NAMED	8	/* sleepers named in one finding */

struct scmwq_finding {
	enum scmwq_rule rule;
	enum scmwq_severity severity;
	bool inconclusive;
	uint64_t ts_ns;		/* when the evidence starts */
	int pid;		/* -1: none */
	char comm[SCMWQ_COMM_LEN];
	bool has_wq_ctx, has_ctx;
	uint32_t wq_ctx, smc_call_ctx;
	/* the other threads involved (e.g. the sleepers a WAKE_ALL stranded) */
	int n_named;
	int named_pid[SCMWQ_MAX_NAMED];
	char message[512];
};

struct scmwq_model_opts {
	enum scmwq_driver driver;	/* resolved: never SCMWQ_DRV_AUTO */
	uint64_t grace_ns;		/* default 100 ms */
	uint64_t stall_ns;		/* default 1 s */
	uint64_t skew_ns;		/* default 20 us */
	/*
	 * The event stream (set by replay from the source): its CPUs (0:
	 * unknown) and whether it reports every loss before the events after
	 * the loss began (trace.dat, live tracefs) or only after its gap
	 * (ftrace text).  A finding is held until no loss can still turn up
	 * inside its evidence: with losses reported late, until every CPU has
	 * passed it (with the CPUs unknown, the end of the trace).
	 */
	int ncpus;
	bool losses_in_order;
	/*
	 * The driver is a guess (--driver=auto saw neither a trace system nor a
	 * scm_waitq_wake_ack): findings that another driver would not make
	 * are inconclusive and name the alternative.
	 */
	bool driver_guessed;
};

void scmwq_model_opts_init(struct scmwq_model_opts *opts);

typedef void (*scmwq_finding_fn)(const struct scmwq_finding *f, void *arg);

/* A finding as replay prints it: one text line, ending in a newline. */
void scmwq_finding_write_text(FILE *out, const struct scmwq_finding *f);
/* As one JSON object with replay.md's keys; @lead: "key": value, pairs first. */
void scmwq_finding_write_json(FILE *out, const struct scmwq_finding *f, const char *lead);

struct scmwq_model;

struct scmwq_model_stats {
	uint64_t events;	/* events fed */
	uint64_t calls;		/* calls started (judged or not) */
	uint64_t sleeps;
	uint64_t wakes;
	uint64_t lost_events;	/* from loss markers */
	uint64_t losses;	/* loss markers seen */
	uint64_t errors, warnings, infos, inconclusive;
	uint64_t open_calls_max; /* peak of calls open at once */
	uint64_t scm_events;	/* SCM events (not sched, not loss marks): 0 is nothing to judge */
	uint64_t held_max;	/* peak of findings held for their evidence */
};

struct scmwq_model *scmwq_model_alloc(const struct scmwq_model_opts *opts, scmwq_finding_fn fn,
				      void *arg);

/*
 * Called when the model credits a wake to a sleeper (the same decision its
 * rules rest on): @waker_pid is -1 for a token banked before the sleep.
 */
typedef void (*scmwq_wake_fn)(int sleeper_pid, uint32_t wq_ctx, uint64_t wake_ns, int waker_pid,
			      bool irq, bool banked, void *arg);
void scmwq_model_set_wake_hook(struct scmwq_model *m, scmwq_wake_fn fn, void *arg);
/*
 * A sleeper still in its wait-queue --stall after it slept (monitor): the
 * model calls the stall hook once per sleep, when its time is reached by
 * an event or by scmwq_model_advance().
 */
struct scmwq_stall {
	int pid;
	char comm[SCMWQ_COMM_LEN];
	uint32_t wq_ctx, smc_call_ctx;
	bool has_ctx;
	uint64_t sleep_ns;	/* when it slept */
	uint64_t now_ns;	/* sleep_ns + --stall */
	bool woken;		/* a wake was credited to it (it has not resumed) */
	uint64_t wake_ns;	/* that wake; 0: none */
	int waker_pid;		/* -1: none or banked */
	uint64_t wq_wake_ns;	/* the latest wake of its wq_ctx since it slept; 0: none */
	int wq_waker_pid;
};

typedef void (*scmwq_stall_fn)(const struct scmwq_stall *s, void *arg);
void scmwq_model_set_stall_hook(struct scmwq_model *m, scmwq_stall_fn fn, void *arg);
/* Feed one event; events must come in time order (up to --skew). */
int scmwq_model_feed(struct scmwq_model *m, const struct scmwq_event *ev);
/*
 * Tell the model that time has reached @now_ns without events (monitor);
 * verdicts whose wait is over are emitted.
 */
void scmwq_model_advance(struct scmwq_model *m, uint64_t now_ns);
/* End of trace: emits what is still open (stranded, inconclusive). */
void scmwq_model_finish(struct scmwq_model *m);
const struct scmwq_model_stats *scmwq_model_stats(const struct scmwq_model *m);
void scmwq_model_free(struct scmwq_model *m);

/*
 * The transition table (replay.md section 1), exported so that `model`
 * prints it: each row is one allowed transition.
 */
enum scmwq_call_state {
	SCMWQ_ST_IDLE = 0,
	SCMWQ_ST_IN_FW,
	SCMWQ_ST_SLEEPING,
	SCMWQ_ST_WOKEN,
	SCMWQ_ST_RESUMING,
	SCMWQ_ST_ACKING,
	SCMWQ_ST__COUNT,
};

/* Model inputs: an event as the call state machine classifies it. */
enum scmwq_input {
	SCMWQ_IN_REQ_CALL = 0,	/* scm_smc_request, ordinary function id */
	SCMWQ_IN_REQ_REENTRY,	/* smc_id 0x1 or the same id again */
	SCMWQ_IN_REQ_RESUME,	/* scm_smc_request RESUME */
	SCMWQ_IN_REQ_ACK,	/* scm_smc_request ACK */
	SCMWQ_IN_REQ_GET_WQ_CTX,/* scm_smc_request GET_WQ_CTX */
	SCMWQ_IN_SLEEP,		/* scm_waitq_sleep */
	SCMWQ_IN_WAKE,		/* a wake credited to this sleeper */
	SCMWQ_IN_RESUME,	/* scm_waitq_resume */
	SCMWQ_IN_WAKE_ACK,	/* scm_waitq_wake_ack */
	SCMWQ_IN_DONE,		/* scm_smc_done */
	SCMWQ_IN__COUNT,
};

struct scmwq_transition {
	enum scmwq_call_state from;
	enum scmwq_input input;
	enum scmwq_call_state to;	/* SCMWQ_ST__COUNT: unchanged */
	const char *note;
};

const char *scmwq_state_name(enum scmwq_call_state st);
const char *scmwq_input_name(enum scmwq_input in);
const struct scmwq_transition *scmwq_transitions(size_t *n);

/* ------------------------------------------------------------------ */
/* Per-call timelines (report, timeline)                               */

enum scmwq_wake_path {
	SCMWQ_PATH_NONE = 0,	/* no wake seen for this sleep */
	SCMWQ_PATH_IRQ,		/* GET_WQ_CTX on the IRQ thread */
	SCMWQ_PATH_ACK,		/* WAITQ_WAKE returned to another call (then ACK) */
	SCMWQ_PATH_BANKED,	/* a token banked before the sleep */
};

const char *scmwq_wake_path_name(enum scmwq_wake_path p);

struct scmwq_sleep_rec {
	uint32_t wq_ctx, smc_call_ctx;
	bool has_ctx;
	uint64_t sleep_ns;
	uint64_t wake_ns;	/* 0: no wake */
	uint64_t resume_ns;	/* 0: did not resume */
	enum scmwq_wake_path path;
	int waker_pid;		/* -1: none */
	char waker_comm[SCMWQ_COMM_LEN];
	char state;		/* sched_switch prev_state as it blocked ('D', 'I'); 0: unknown */
	uint64_t blocked_ns;	/* that sched_switch; 0: unknown */
	uint64_t ran_ns;	/* when it ran again after the wake; 0: unknown */
};

#define SCMWQ_CALL_SLEEPS	16	/* sleeps kept per call; more are counted */
#define SCMWQ_CALL_FINDINGS	4

struct scmwq_call_rec {
	int pid;
	char comm[SCMWQ_COMM_LEN];
	uint64_t smc_id;	/* the original function id */
	uint64_t start_ns;	/* its first scm_smc_request seen */
	uint64_t end_ns;	/* scm_smc_done; 0: still open at the end */
	int ret;
	bool done;		/* scm_smc_done seen */
	bool joined;		/* began before the trace: start unknown */
	int n_sleeps;
	int sleeps_dropped;
	struct scmwq_sleep_rec sleeps[SCMWQ_CALL_SLEEPS];
	int n_findings;		/* findings replay attached to this call */
	enum scmwq_rule findings[SCMWQ_CALL_FINDINGS];
};

typedef void (*scmwq_call_fn)(const struct scmwq_call_rec *call, void *arg);

struct scmwq_calls;

/**
 * scmwq_calls_alloc - rebuild per-call timelines from an event stream
 * @opts: model options (the driver must be resolved)
 * @call_fn: called once per call, when it ends (or at scmwq_calls_finish
 *           for calls still open), in the order they end
 * @finding_fn: replay's findings, as they are decided (may be NULL)
 *
 * Runs the reference model inside, so that who woke whom is exactly what
 * replay decides; memory grows with the calls open at once.
 */
struct scmwq_calls *scmwq_calls_alloc(const struct scmwq_model_opts *opts, scmwq_call_fn call_fn,
				      scmwq_finding_fn finding_fn, void *arg);
int scmwq_calls_feed(struct scmwq_calls *c, const struct scmwq_event *ev);
void scmwq_calls_finish(struct scmwq_calls *c);
const struct scmwq_model_stats *scmwq_calls_stats(const struct scmwq_calls *c);
void scmwq_calls_free(struct scmwq_calls *c);

/* ------------------------------------------------------------------ */
/* Replay: a source through the model                                  */

struct scmwq_replay_opts {
	enum scmwq_driver driver;	/* SCMWQ_DRV_AUTO: decided from the trace */
	struct scmwq_model_opts model;	/* .driver is set by scmwq_replay() */
	scmwq_finding_fn finding;
	void *finding_arg;
	/* called every few thousand events (may be NULL) */
	void (*progress)(uint64_t events, void *arg);
	void *progress_arg;
	/*
	 * When set, per-call timelines are rebuilt too (scmwq_calls_alloc)
	 * and each call goes to call_fn, with finding_arg.
	 */
	scmwq_call_fn call_fn;
	/* monitor: sleepers still asleep after --stall (with finding_arg) */
	scmwq_stall_fn stall;
	/*
	 * --driver=auto holds events back until the trace shows the driver;
	 * besides the event limit, decide once the held events span this
	 * much time (monitor; 0: no time limit).
	 */
	uint64_t auto_hold_ns;
};

struct scmwq_replay_result {
	enum scmwq_driver driver;	/* the driver judged */
	bool driver_guessed;		/* auto had no evidence for it */
	char driver_why[192];		/* why auto chose it, or "given" */
	uint64_t events;		/* events read from the source */
	struct scmwq_model_stats stats;
};

/*
 * The judge under scmwq_replay(), one event at a time, for callers that
 * read events themselves (monitor): the --driver=auto hold-back, then the
 * model.  Feed events in time order; advance the time when none come.
 */
struct scmwq_judge;

struct scmwq_judge *scmwq_judge_alloc(const struct scmwq_replay_opts *opts);
/* The trace system as the source knows it (for --driver=auto). */
void scmwq_judge_set_system(struct scmwq_judge *j, enum scmwq_system sys);
/*
 * The stream's CPUs (0: unknown) and whether losses come before the events
 * after their start (see struct scmwq_model_opts); before the first event.
 */
void scmwq_judge_set_stream(struct scmwq_judge *j, int ncpus, bool losses_in_order);
int scmwq_judge_feed(struct scmwq_judge *j, const struct scmwq_event *ev,
		     struct scmwq_error *err);
int scmwq_judge_advance(struct scmwq_judge *j, uint64_t now_ns, struct scmwq_error *err);
/* So far: driver (SCMWQ_DRV_AUTO while undecided), events, model stats. */
const struct scmwq_replay_result *scmwq_judge_result(struct scmwq_judge *j);
/* End of the trace: what is still open is judged; @r gets the totals. */
int scmwq_judge_finish(struct scmwq_judge *j, struct scmwq_replay_result *r,
		       struct scmwq_error *err);
void scmwq_judge_free(struct scmwq_judge *j);

/**
 * scmwq_replay - judge a whole trace
 * @src: an open source
 * @opts: driver, model options, finding callback
 * @res: filled in any case (also on error: what was judged so far)
 * @err: set on failure
 *
 * Streams the source through the model.  With SCMWQ_DRV_AUTO the first
 * events are held back (a bounded number) until the trace shows which
 * tracepoint system it has.  Returns 0, or -1 when reading stopped on an
 * error (e.g. a truncated trace.dat): the findings up to there have been
 * reported and the model finished.  A readable trace with no SCM event
 * at all is an error too (SCMWQ_E_DATA): there was nothing to judge.
 */
int scmwq_replay(struct scmwq_source *src, const struct scmwq_replay_opts *opts,
		 struct scmwq_replay_result *res, struct scmwq_error *err);

/* ------------------------------------------------------------------ */
/* Report: per-call tables and summaries (lib/report.c)                */

/*
 * SMC function ids in words, from the service and command ids of the
 * mainline driver (drivers/firmware/qcom/qcom_scm.h).  Only SiP-owned ids
 * (owner 2, bits 29..24) are decoded.
 */
/* The service's name ("mp", "waitq"), or NULL when unknown. */
const char *scmwq_smc_service_name(unsigned int svc);
/* The command's name ("restore_sec_cfg"), or NULL when unknown. */
const char *scmwq_smc_command_name(unsigned int svc, unsigned int cmd);
/*
 * "service/command" ("mp/restore_sec_cfg"); an unknown part in hex
 * ("mp/0x07", "0x0d/0x01"); the whole id in hex when it is not SiP-owned;
 * "?" for 0 (unknown).  Returns @buf.
 */
char *scmwq_smc_describe(uint64_t smc_id, char *buf, size_t len);

/*
 * A streaming distribution: exact min, max and count; percentiles exact
 * while it holds at most SCMWQ_HIST_EXACT values, then from a log-linear
 * histogram (128 buckets per power of two) whose answers are within
 * 1/SCMWQ_HIST_ERR_DIV (0.4%) of the exact ones.  Memory is bounded
 * whatever the number of values.
 */
#define SCMWQ_HIST_EXACT	256
#define SCMWQ_HIST_ERR_DIV	256

struct scmwq_hist;

struct scmwq_hist *scmwq_hist_alloc(void);
void scmwq_hist_free(struct scmwq_hist *h);
/* Returns 0, or -1 when out of memory (the value is still counted in min/max/count). */
int scmwq_hist_add(struct scmwq_hist *h, uint64_t v);
uint64_t scmwq_hist_count(const struct scmwq_hist *h);
uint64_t scmwq_hist_min(const struct scmwq_hist *h);
uint64_t scmwq_hist_max(const struct scmwq_hist *h);
/* Whether the percentiles are exact (at most SCMWQ_HIST_EXACT values). */
bool scmwq_hist_exact(const struct scmwq_hist *h);
/*
 * The @pct-th percentile (0 < @pct <= 100) by nearest rank: the smallest
 * value with at least @pct% of the values at or below it.  0 when empty.
 */
uint64_t scmwq_hist_percentile(const struct scmwq_hist *h, double pct);

enum scmwq_report_format {
	SCMWQ_REPORT_TEXT = 0,
	SCMWQ_REPORT_JSON,
	SCMWQ_REPORT_CSV,
};

#define SCMWQ_REPORT_MAX_PIDS	64
#define SCMWQ_REPORT_MAX_COMMS	16
#define SCMWQ_REPORT_MAX_WQ	64

/* Which calls and sleeps a report shows; all lists empty: everything. */
struct scmwq_report_filter {
	int n_pids;
	int pids[SCMWQ_REPORT_MAX_PIDS];
	int n_comms;
	char comms[SCMWQ_REPORT_MAX_COMMS][SCMWQ_COMM_LEN];	/* fnmatch(3) patterns */
	int n_wq;
	uint32_t wq[SCMWQ_REPORT_MAX_WQ];
	bool has_start, has_end;
	uint64_t start_ns, end_ns;	/* --time: calls overlapping [start, end] */
	uint64_t min_wait_ns;		/* calls with a sleep waiting at least this; 0: all */
};

/*
 * Parse the value of a filter option and add it to @f: "PID[,PID...]",
 * "NAME[,NAME...]", "N[,N...]", "START,END" (seconds; either side may be
 * empty).  Each returns 0, or -1 for a malformed value or a full list.
 */
int scmwq_report_add_pids(struct scmwq_report_filter *f, const char *s);
int scmwq_report_add_comms(struct scmwq_report_filter *f, const char *s);
int scmwq_report_add_wq(struct scmwq_report_filter *f, const char *s);
int scmwq_report_set_time(struct scmwq_report_filter *f, const char *s);

/*
 * Whether @f selects @call.  @keep (may be NULL) gets, per sleep of the
 * call, whether that sleep is shown (--wq-ctx hides the sleeps on other
 * wait-queues).
 */
bool scmwq_report_match(const struct scmwq_report_filter *f, const struct scmwq_call_rec *call,
			bool keep[SCMWQ_CALL_SLEEPS]);
/* Whether @f selects a finding (by its thread, named threads, time and wq_ctx). */
bool scmwq_report_match_finding(const struct scmwq_report_filter *f,
				const struct scmwq_finding *fd);

struct scmwq_report_opts {
	enum scmwq_report_format format;
	uint64_t unit_ns;		/* durations in text and CSV: 1, 1000 or 1000000 */
	bool rows;			/* one row per call and per sleep */
	bool summary;			/* the summary by wq_ctx and by function */
	int nfiles;			/* traces in this report (JSON: "runs" when > 1) */
	struct scmwq_report_filter filter;
	FILE *out;
};

/* What a report says about its input, at the end of each trace. */
struct scmwq_report_input {
	const char *path;		/* for display; "<stdin>" */
	const char *format;		/* "text", "trace.dat"; NULL: not opened */
	uint64_t events, lost_events, malformed;
	const struct scmwq_replay_result *res;
	const char *error;		/* the error that stopped reading, or NULL */
	int exit_status;
};

struct scmwq_report;

/**
 * scmwq_report_alloc - a report writer
 * @opts: format, units, filters and what to show (copied)
 * @err: set on failure
 *
 * Rows are written as calls are handed in: memory grows with the number
 * of distinct wait-queues and function ids (each capped; the rest are
 * summed in one "other" group), never with the number of calls.
 */
struct scmwq_report *scmwq_report_alloc(const struct scmwq_report_opts *opts,
					struct scmwq_error *err);
/* Start the next trace (@path for display); writes the table's header. */
int scmwq_report_begin(struct scmwq_report *r, const char *path, struct scmwq_error *err);
/* One call, when it ends (an scmwq_call_fn: pass the report as its argument). */
void scmwq_report_call(const struct scmwq_call_rec *call, void *report);
/* One of replay's findings (an scmwq_finding_fn). */
void scmwq_report_finding(const struct scmwq_finding *f, void *report);
/* End the trace: the findings list, the summary, the input line. */
int scmwq_report_end(struct scmwq_report *r, const struct scmwq_report_input *in);
/* After the last trace: close the JSON document.  Returns 0 or -1 on a write error. */
int scmwq_report_close(struct scmwq_report *r);
void scmwq_report_free(struct scmwq_report *r);

/* ------------------------------------------------------------------ */
/* end of the Report block                                             */

/* ------------------------------------------------------------------ */
/* Timeline: the per-call timelines as pictures (terminal, SVG, Perfetto) */

enum scmwq_tl_format {
	SCMWQ_TL_ASCII = 0,	/* lanes of characters for a terminal */
	SCMWQ_TL_SVG,		/* a standalone SVG picture */
	SCMWQ_TL_PERFETTO,	/* Chrome trace-event JSON (ui.perfetto.dev) */
};

/* Returns -1 for an unknown name ("ascii", "svg", "perfetto"). */
int scmwq_tl_format_parse(const char *name, enum scmwq_tl_format *fmt);

struct scmwq_timeline_opts {
	enum scmwq_tl_format format;
	enum scmwq_driver driver;	/* SCMWQ_DRV_AUTO: decided from the trace */
	struct scmwq_model_opts model;	/* .driver is set from the trace */
	unsigned int width;		/* ascii: columns; svg: plot pixels; 0: default */
	bool color;			/* ascii: ANSI colours */
	bool has_from, has_to;		/* a --time window: draw only [from_ns, to_ns] */
	uint64_t from_ns, to_ns;
	const char *title;		/* the picture's name for the input; NULL: the path */
	scmwq_diag_fn diag;		/* malformed text lines (may be NULL) */
	void *diag_arg;
	FILE *out;
};

void scmwq_timeline_opts_init(struct scmwq_timeline_opts *o);

struct scmwq_timeline_result {
	enum scmwq_driver driver;	/* the driver judged */
	char driver_why[192];
	uint64_t events;		/* events read (second pass) */
	uint64_t calls;			/* calls drawn */
	uint64_t aggregated;		/* svg: calls drawn as per-pixel occupancy */
	uint64_t arrows;		/* svg: wake arrows drawn */
	uint64_t arrows_dropped;	/* svg: wake arrows left out (budget, same pixel) */
	unsigned int lanes;		/* thread lanes drawn (ascii, svg) */
	unsigned int threads_merged;	/* threads drawn together in one "others" lane */
	uint64_t malformed;		/* malformed text lines skipped */
	struct scmwq_model_stats stats;	/* of the model: calls, sleeps, findings... */
};

/**
 * scmwq_timeline - draw the per-call timelines of a trace
 * @path: a trace file, or "-" for standard input
 * @opts: format, model options, size, output stream
 * @res: filled in any case (also on error: what was drawn so far)
 * @err: set on failure
 *
 * The calls come from scmwq_replay() with per-call timelines, so wakes are
 * credited exactly as replay credits them and the findings are replay's.
 * ascii and svg read the trace twice (the lanes and the time range first);
 * standard input is spooled to an unlinked temporary file for that.  Memory
 * is bounded by lanes x width (ascii, svg: calls too narrow to draw are
 * aggregated per pixel) or by the threads (perfetto, written as calls end),
 * never by the number of calls.  Returns 0, or -1 with @err set
 * (SCMWQ_E_NOINPUT, SCMWQ_E_DATA, SCMWQ_E_INTERNAL); what was written to
 * @opts->out is then a complete picture of the trace up to the error.
 */
int scmwq_timeline(const char *path, const struct scmwq_timeline_opts *opts,
		   struct scmwq_timeline_result *res, struct scmwq_error *err);

/* ------------------------------------------------------------------ */
/* Simulation: firmware and a driver variant, with injected faults     */

#define SCMWQ_SIM_MAX_INJECT	32

struct scmwq_sim_opts {
	enum scmwq_driver driver;	/* never SCMWQ_DRV_AUTO */
	uint64_t seed;
	bool live;			/* real threads and time, not virtual */
	unsigned int calls;		/* calls to complete (default 1000) */
	unsigned int threads;		/* client threads (default 4) */
	unsigned int queues;		/* firmware wait-queues (1 for 6.3/6.11) */
	uint64_t duration_ns;		/* stop after this much (virtual) time; 0: none */
	int n_inject;
	enum scmwq_rule inject[SCMWQ_SIM_MAX_INJECT];	/* one fault each */
	enum scmwq_system format;	/* print format; UNKNOWN: the driver's system */
	FILE *out;			/* the ftrace text */
	FILE *truth;			/* the truth JSON, or NULL */
	void (*progress)(uint64_t events, void *arg);
	void *progress_arg;
};

void scmwq_sim_opts_init(struct scmwq_sim_opts *o);

struct scmwq_sim_result {
	uint64_t events;		/* lines of trace written */
	uint64_t calls;			/* calls completed */
	uint64_t sleeps, wakes;
	uint64_t end_ns;		/* (virtual) time of the last event */
	int faults;			/* faults that happened */
};

/**
 * scmwq_sim_run - simulate and write the trace (and the truth)
 *
 * The deterministic engine (opts->live false) runs in virtual time from
 * opts->seed: the same options give the same bytes.  The live engine runs
 * real threads.  Returns 0, or -1 with @err (SCMWQ_E_USAGE for a fault the
 * driver cannot have, SCMWQ_E_INTERNAL for a write error).
 */
int scmwq_sim_run(const struct scmwq_sim_opts *opts, struct scmwq_sim_result *res,
		  struct scmwq_error *err);

/*
 * The drivers a fault can happen with, as a bitmask of (1u << driver); 0
 * when no fault causes that rule.  @live: for the live engine.
 */
unsigned int scmwq_sim_fault_drivers(enum scmwq_rule rule, bool live);

/* ------------------------------------------------------------------ */
/* Live capture from tracefs (record, monitor): lib/capture.c          */

enum scmwq_cap_source {
	SCMWQ_CAP_AUTO = 0,
	SCMWQ_CAP_TRACEPOINT,		/* the kernel's qcom_scm or scm tracepoints */
	SCMWQ_CAP_KPROBE,		/* kprobe events on the qcom_scm driver */
	SCMWQ_CAP_UPROBE,		/* uprobe events on a program's probe functions */
};

const char *scmwq_cap_source_name(enum scmwq_cap_source s);
/* Returns -1 for an unknown name. */
int scmwq_cap_source_parse(const char *name, enum scmwq_cap_source *s);

struct scmwq_capture_opts {
	enum scmwq_cap_source source;
	const char *uprobe_binary;	/* NULL: this program (/proc/self/exe) */
	bool sched;			/* sched_switch/waking/wakeup, irq_handler_entry */
	const char *const *events;	/* more "SYSTEM:EVENT", NULL-terminated, or NULL */
	unsigned long buffer_kb;	/* per-CPU ring buffer; 0: the kernel's default */
	/* report what was done (cleanups of killed runs, the source picked) */
	void (*note)(const char *msg, void *arg);
	void *note_arg;
};

struct scmwq_capture;

/**
 * scmwq_capture_open - set up a private tracefs instance, tracing off
 *
 * Checks tracefs and privilege (SCMWQ_E_NOPERM: what is missing and how to
 * get it), removes what killed runs left behind, creates the instance
 * "scmwq-trace-PID", the dynamic events of the source (group "scmwq_PID")
 * and enables the events in the instance only.  Tracing stays off until
 * scmwq_capture_start().  On error everything made so far is removed.
 */
struct scmwq_capture *scmwq_capture_open(const struct scmwq_capture_opts *o,
					 struct scmwq_error *err);
/*
 * Print what scmwq_capture_open() would set up (source, why, dynamic event
 * definitions, events enabled) without changing tracefs.
 */
int scmwq_capture_plan(const struct scmwq_capture_opts *o, FILE *out, struct scmwq_error *err);
enum scmwq_cap_source scmwq_capture_source(const struct scmwq_capture *c);
/* Why that source: "the kernel has the qcom_scm tracepoints", ... */
const char *scmwq_capture_why(const struct scmwq_capture *c);
const char *scmwq_capture_instance(const struct scmwq_capture *c);
/* Fields or events the source cannot give ("" when none). */
const char *scmwq_capture_missing(const struct scmwq_capture *c);
int scmwq_capture_cpus(const struct scmwq_capture *c);
/* Trace only @pid and its children (set_event_pid, event-fork). */
int scmwq_capture_follow_pid(struct scmwq_capture *c, int pid, struct scmwq_error *err);
int scmwq_capture_start(struct scmwq_capture *c, struct scmwq_error *err);
/*
 * Run @argv (PATH searched) with tracing: it is held until tracing is on,
 * and for uprobes only it and its children are traced.  *@pid is the
 * caller's child to wait for.  SCMWQ_E_NOINPUT when it cannot be run.
 */
int scmwq_capture_spawn(struct scmwq_capture *c, char *const *argv, int *pid,
			struct scmwq_error *err);
void scmwq_capture_stop(struct scmwq_capture *c);
/* Tracing off, instance and dynamic events removed; @c freed. */
void scmwq_capture_close(struct scmwq_capture *c);

/* Per-CPU ring-buffer figures, from per_cpu/cpuN/stats. */
struct scmwq_capture_stats {
	uint64_t events;	/* events read out of the buffers ("read events") */
	uint64_t overrun;	/* overwritten before they were read */
	uint64_t dropped;	/* not written (buffer full in non-overwrite mode) */
	uint64_t bytes;		/* bytes captured (record) */
	uint64_t garbled;	/* monitor: records whose fields could not be read */
};

/*
 * Record: per-CPU data spliced into temporary files next to @path while
 * tracing runs, then assembled into a trace.dat (@version 6 or 7).
 */
int scmwq_capture_record_begin(struct scmwq_capture *c, const char *path, int version,
			       struct scmwq_error *err);
/* Bytes captured so far (for progress). */
uint64_t scmwq_capture_record_bytes(const struct scmwq_capture *c);
/*
 * Stop tracing, flush every CPU's last page and write the file.  @abort
 * (may be NULL) is polled: when it becomes true the file is left out.
 */
int scmwq_capture_record_end(struct scmwq_capture *c, const volatile int *abort,
			     struct scmwq_capture_stats *st, struct scmwq_error *err);

/* Monitor: events read live from the per-CPU buffers, in time order. */
int scmwq_capture_live_begin(struct scmwq_capture *c, struct scmwq_error *err);
/* 1: @ev filled; 0: nothing within @timeout_ms; -1: error. */
int scmwq_capture_live_next(struct scmwq_capture *c, struct scmwq_event *ev, int timeout_ms,
			    struct scmwq_error *err);
/* Trace time up to which every event has been delivered (ns). */
uint64_t scmwq_capture_live_now(const struct scmwq_capture *c);
/* After scmwq_capture_stop(): deliver what is left, regardless of time. */
int scmwq_capture_live_drain(struct scmwq_capture *c, struct scmwq_error *err);
void scmwq_capture_live_stats(const struct scmwq_capture *c, struct scmwq_capture_stats *st);
/* Why the first record counted in scmwq_capture_stats.garbled was; NULL: none. */
const char *scmwq_capture_live_garbled(const struct scmwq_capture *c);

/* ------------------------------------------------------------------ */
/* Small helpers shared by the commands                                */

/* Parse "100ms", "1s", "20us", "500ns", "1.5s" (bare number: ms). */
int scmwq_parse_duration(const char *s, uint64_t *ns);
/* "1.500 s", "12.000 ms", "20.0 us": a duration as findings print it. */
void scmwq_format_duration(char *buf, size_t len, uint64_t ns);
/* Format a ns timestamp as seconds with 6 (or 9) decimals. */
void scmwq_format_ts(char *buf, size_t len, uint64_t ts_ns);

/* JSON string escaping onto a stream. */
void scmwq_json_str(FILE *out, const char *s);

#endif /* SCMWQ_H */
