// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline as a Perfetto protobuf trace (--format=perfetto): a stream
 * of TracePackets carrying TrackEvents, Perfetto's native and recommended
 * format, which ui.perfetto.dev loads far beyond what its JSON path can.
 * Written as calls end, in one pass, one packet at a time
 * (lib/output/pb_write.c): memory is the threads and one packet.
 *
 * - each thread is a track (TrackDescriptor with a ThreadDescriptor: pid,
 *   tid, thread_name), in a process of its own named "comm-pid" (the
 *   trace has no thread groups);
 * - each call is a slice (TYPE_SLICE_BEGIN / _END) on its thread's track,
 *   with "in firmware" and "sleep wq_ctx N" slices nested in it and, in
 *   a sleep, "woken, not yet resumed" from the wake to the resume;
 * - each wake an instant "wake wq_ctx N" on the waker's track, with a flow
 *   (flow_ids) that ends (terminating_flow_ids) on the sleeper's "woken"
 *   slice (or a "woken" instant when the sleeper resumed at once);
 * - each finding an instant named by its rule, with debug annotations
 *   (rule, severity, message...), on its thread's track or, when it names
 *   no thread, on the trace's own track, which also ends with a "summary"
 *   instant (driver, counts, complete or not).
 *
 * All packets are on one sequence (trusted_packet_sequence_id 1), the
 * first with SEQ_INCREMENTAL_STATE_CLEARED; event and annotation names are
 * interned.  Timestamps are the trace's, in ns.  Within a call the times
 * only go forward (a slice that would start before the last one ended
 * starts where it ended), so slices always nest.
 */
#include <stdlib.h>
#include <string.h>

#include "output/pb_write.h"
#include "view/timeline.h"

/* Field numbers, from Perfetto's protos (protos/perfetto/trace/...). */
enum {
	TRACE_PACKET = 1,		/* Trace.packet */
	TP_TIMESTAMP = 8,		/* TracePacket */
	TP_SEQ_ID = 10,
	TP_TRACK_EVENT = 11,
	TP_INTERNED = 12,
	TP_SEQ_FLAGS = 13,
	TP_TRACK_DESC = 60,
	SEQ_CLEARED = 1,		/* SequenceFlags */
	SEQ_NEEDS_STATE = 2,
	TE_ANNOTATION = 4,		/* TrackEvent */
	TE_TYPE = 9,
	TE_NAME_IID = 10,
	TE_TRACK = 11,
	TE_NAME = 23,
	TE_FLOW = 47,
	TE_FLOW_END = 48,
	TYPE_BEGIN = 1,			/* TrackEvent.Type */
	TYPE_END = 2,
	TYPE_INSTANT = 3,
	TD_UUID = 1,			/* TrackDescriptor */
	TD_NAME = 2,
	TD_PROCESS = 3,
	TD_THREAD = 4,
	PD_PID = 1,			/* ProcessDescriptor */
	PD_NAME = 6,
	THD_PID = 1,			/* ThreadDescriptor */
	THD_TID = 2,
	THD_NAME = 5,
	ID_EVENT_NAMES = 2,		/* InternedData */
	ID_ANNOTATION_NAMES = 3,
	IN_IID = 1,			/* EventName, DebugAnnotationName */
	IN_NAME = 2,
	DA_NAME_IID = 1,		/* DebugAnnotation */
	DA_BOOL = 2,
	DA_UINT = 3,
	DA_INT = 4,
	DA_STRING = 6,
	DA_POINTER = 7,
};

#define SEQ_ID		1
#define TRACE_TRACK	(1ULL << 33)	/* the trace's own track */
#define THREAD_TRACK(pid)	((uint64_t)(uint32_t)(pid) + 1)
#define PROCESS_TRACK(pid)	(THREAD_TRACK(pid) | 1ULL << 32)

/* Debug annotation names: interned once, in the first packet. */
enum ann {
	A_SMC_ID = 1, A_RET, A_SLEEPS, A_OPEN, A_ABANDONED, A_BEFORE, A_NOT_DONE,
	A_FINDINGS, A_WQ_CTX, A_CALL_CTX, A_PATH, A_WAKER_PID, A_STATE, A_RUN_NS,
	A_RESUMED, A_WOKE, A_SEVERITY, A_RULE, A_INCONCLUSIVE, A_THREAD, A_PIDS,
	A_NAMED, A_MESSAGE, A_TRACE, A_DRIVER, A_DRIVER_WHY, A_CALLS, A_WAKES, A_ERRORS,
	A_WARNINGS, A_COMPLETE, A_N
};

static const char *const ann_name[A_N] = {
	[A_SMC_ID] = "smc_id", [A_RET] = "ret",
	[A_SLEEPS] = "sleeps", [A_OPEN] = "open_at_end", [A_ABANDONED] = "abandoned",
	[A_BEFORE] = "began_before_trace", [A_NOT_DONE] = "no_smc_done",
	[A_FINDINGS] = "findings", [A_WQ_CTX] = "wq_ctx", [A_CALL_CTX] = "smc_call_ctx",
	[A_PATH] = "wake_path", [A_WAKER_PID] = "waker_pid",
	[A_STATE] = "sched_state", [A_RUN_NS] = "wake_to_run_ns", [A_RESUMED] = "resumed",
	[A_WOKE] = "woke_pid", [A_SEVERITY] = "severity", [A_RULE] = "rule",
	[A_INCONCLUSIVE] = "inconclusive", [A_THREAD] = "thread", [A_PIDS] = "pids",
	[A_NAMED] = "named_by_finding_on_thread", [A_MESSAGE] = "message",
	[A_TRACE] = "trace", [A_DRIVER] = "driver", [A_DRIVER_WHY] = "driver_reason",
	[A_CALLS] = "calls", [A_WAKES] = "wakes", [A_ERRORS] = "errors",
	[A_WARNINGS] = "warnings", [A_COMPLETE] = "complete",
};

struct pt {
	struct scmwq_pb pb;		/* the packet being built */
	struct scmwq_pb_intern names;	/* event names */
	uint64_t flow_id;
	size_t event;			/* mark of the open TrackEvent */
	bool failed;			/* a packet could not be written */
};

/* ------------------------------------------------------------------ */
/* Packets                                                             */

/* A packet's header; @timed: an event's, at @ts (descriptors have no time). */
static void packet_head(struct pt *p, uint64_t ts, unsigned int flags, bool timed)
{
	if (timed)
		scmwq_pb_varint(&p->pb, TP_TIMESTAMP, ts);
	scmwq_pb_varint(&p->pb, TP_SEQ_ID, SEQ_ID);
	if (flags)
		scmwq_pb_varint(&p->pb, TP_SEQ_FLAGS, flags);
}

static void packet_end(struct tl *t)
{
	struct pt *p = t->priv;

	if (scmwq_pb_emit(&p->pb, TRACE_PACKET, t->out) < 0)
		p->failed = true;
}

/*
 * Open a packet holding a TrackEvent of @type named @name (NULL: an END)
 * on @track at @ts; annotations and flows go in before event_end().
 */
static void event_begin(struct tl *t, uint64_t ts, uint64_t track, unsigned int type,
			const char *name)
{
	struct pt *p = t->priv;
	uint32_t iid = 0;
	bool fresh = false;

	if (name)
		iid = scmwq_pb_intern(&p->names, name, &fresh);
	/* every event names its annotations by interned ids, so needs the state */
	packet_head(p, ts, name ? SEQ_NEEDS_STATE : 0, true);
	if (fresh) {
		size_t in = scmwq_pb_open(&p->pb, TP_INTERNED);
		size_t en = scmwq_pb_open(&p->pb, ID_EVENT_NAMES);

		scmwq_pb_varint(&p->pb, IN_IID, iid);
		scmwq_pb_str(&p->pb, IN_NAME, name);
		scmwq_pb_close(&p->pb, en);
		scmwq_pb_close(&p->pb, in);
	}
	p->event = scmwq_pb_open(&p->pb, TP_TRACK_EVENT);
	scmwq_pb_varint(&p->pb, TE_TYPE, type);
	scmwq_pb_varint(&p->pb, TE_TRACK, track);
	if (iid)
		scmwq_pb_varint(&p->pb, TE_NAME_IID, iid);
	else if (name)
		scmwq_pb_str(&p->pb, TE_NAME, name);
}

static void event_end(struct tl *t)
{
	struct pt *p = t->priv;

	scmwq_pb_close(&p->pb, p->event);
	packet_end(t);
}

static void slice_end(struct tl *t, uint64_t ts, uint64_t track)
{
	event_begin(t, ts, track, TYPE_END, NULL);
	event_end(t);
}

/* Debug annotations of the open event. */
static size_t ann_open(struct tl *t, enum ann a)
{
	struct pt *p = t->priv;
	size_t m = scmwq_pb_open(&p->pb, TE_ANNOTATION);

	scmwq_pb_varint(&p->pb, DA_NAME_IID, a);
	return m;
}

static void ann_close(struct tl *t, size_t m)
{
	struct pt *p = t->priv;

	scmwq_pb_close(&p->pb, m);
}

static void ann_uint(struct tl *t, enum ann a, uint64_t v)
{
	struct pt *p = t->priv;
	size_t m = ann_open(t, a);

	scmwq_pb_varint(&p->pb, DA_UINT, v);
	ann_close(t, m);
}

static void ann_int(struct tl *t, enum ann a, int64_t v)
{
	struct pt *p = t->priv;
	size_t m = ann_open(t, a);

	scmwq_pb_int(&p->pb, DA_INT, v);
	ann_close(t, m);
}

static void ann_bool(struct tl *t, enum ann a, bool v)
{
	struct pt *p = t->priv;
	size_t m = ann_open(t, a);

	scmwq_pb_varint(&p->pb, DA_BOOL, v);
	ann_close(t, m);
}

static void ann_str(struct tl *t, enum ann a, const char *s)
{
	struct pt *p = t->priv;
	size_t m = ann_open(t, a);

	scmwq_pb_str(&p->pb, DA_STRING, s);
	ann_close(t, m);
}

static void ann_hex(struct tl *t, enum ann a, uint64_t v)
{
	struct pt *p = t->priv;
	size_t m = ann_open(t, a);

	scmwq_pb_varint(&p->pb, DA_POINTER, v);
	ann_close(t, m);
}

/* ------------------------------------------------------------------ */
/* Tracks                                                              */

/* The tracks of thread @pid, once its comm is known (or at the end). */
static void name_thread(struct tl *t, int pid, const char *comm)
{
	struct pt *p = t->priv;
	struct tl_thread *th;
	char label[64];
	size_t d, s;

	if (pid < 0)
		return;
	th = tl_thread_get(&t->threads, pid);
	if (!th) {
		t->oom = true;
		return;
	}
	if (comm && comm[0] && !th->comm[0])
		memcpy(th->comm, comm, sizeof(th->comm));
	if (th->named || !th->comm[0])
		return;
	th->named = true;
	tl_thread_label(label, sizeof(label), th->comm, pid);

	packet_head(p, 0, 0, false);
	d = scmwq_pb_open(&p->pb, TP_TRACK_DESC);
	scmwq_pb_varint(&p->pb, TD_UUID, PROCESS_TRACK(pid));
	s = scmwq_pb_open(&p->pb, TD_PROCESS);
	scmwq_pb_int(&p->pb, PD_PID, pid);
	scmwq_pb_str(&p->pb, PD_NAME, label);
	scmwq_pb_close(&p->pb, s);
	scmwq_pb_close(&p->pb, d);
	packet_end(t);

	packet_head(p, 0, 0, false);
	d = scmwq_pb_open(&p->pb, TP_TRACK_DESC);
	scmwq_pb_varint(&p->pb, TD_UUID, THREAD_TRACK(pid));
	s = scmwq_pb_open(&p->pb, TD_THREAD);
	scmwq_pb_int(&p->pb, THD_PID, pid);
	scmwq_pb_int(&p->pb, THD_TID, pid);
	scmwq_pb_str(&p->pb, THD_NAME, th->comm);
	scmwq_pb_close(&p->pb, s);
	scmwq_pb_close(&p->pb, d);
	packet_end(t);
}

/* The first packet: clears the sequence's state, names the annotations. */
static int pt_begin(struct tl *t, struct scmwq_error *err)
{
	struct pt *p = calloc(1, sizeof(*p));
	char name[300];
	size_t in, d;

	if (!p)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	t->priv = p;
	packet_head(p, 0, SEQ_CLEARED, false);
	in = scmwq_pb_open(&p->pb, TP_INTERNED);
	for (int a = 1; a < A_N; a++) {
		size_t e = scmwq_pb_open(&p->pb, ID_ANNOTATION_NAMES);

		scmwq_pb_varint(&p->pb, IN_IID, (uint64_t)a);
		scmwq_pb_str(&p->pb, IN_NAME, ann_name[a]);
		scmwq_pb_close(&p->pb, e);
	}
	scmwq_pb_close(&p->pb, in);
	d = scmwq_pb_open(&p->pb, TP_TRACK_DESC);
	scmwq_pb_varint(&p->pb, TD_UUID, TRACE_TRACK);
	snprintf(name, sizeof(name), "scmwq-trace: %s", t->title);
	scmwq_pb_str(&p->pb, TD_NAME, name);
	scmwq_pb_close(&p->pb, d);
	packet_end(t);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Calls                                                               */

/* @ts, but never before *@at; *@at moves on to it. */
static uint64_t fwd(uint64_t *at, uint64_t ts)
{
	if (ts < *at)
		ts = *at;
	*at = ts;
	return ts;
}

static void firmware(struct tl *t, uint64_t track, uint64_t from, uint64_t to)
{
	event_begin(t, from, track, TYPE_BEGIN, "in firmware");
	event_end(t);
	slice_end(t, to, track);
}

/* The wake of @s as an instant on the waker's track; the id of its flow, or 0. */
static uint64_t wake(struct tl *t, const struct scmwq_call_rec *r,
		     const struct scmwq_sleep_rec *s)
{
	struct pt *p = t->priv;
	char name[64];

	if (s->waker_pid < 0 || !s->wake_ns || s->path == SCMWQ_PATH_BANKED)
		return 0;
	name_thread(t, s->waker_pid, s->waker_comm);
	/* the flow names the sleeper: only what it does not say, for size */
	snprintf(name, sizeof(name), "wake wq_ctx %u", s->wq_ctx);
	event_begin(t, s->wake_ns, THREAD_TRACK(s->waker_pid), TYPE_INSTANT, name);
	scmwq_pb_fixed64(&p->pb, TE_FLOW, ++p->flow_id);
	ann_str(t, A_PATH, scmwq_wake_path_name(s->path));
	ann_int(t, A_WOKE, r->pid);
	event_end(t);
	return p->flow_id;
}

/* What the slice's name (wq_ctx) and the wake's flow (the waker) do not say. */
static void sleep_args(struct tl *t, const struct scmwq_sleep_rec *s)
{
	if (s->has_ctx)
		ann_uint(t, A_CALL_CTX, s->smc_call_ctx);
	ann_str(t, A_PATH, scmwq_wake_path_name(s->path));
	if (s->waker_pid >= 0)
		ann_int(t, A_WAKER_PID, s->waker_pid);
	if (s->state) {
		char st[2] = { s->state, 0 };

		ann_str(t, A_STATE, st);
	}
	if (s->ran_ns && s->wake_ns && s->ran_ns >= s->wake_ns)
		ann_uint(t, A_RUN_NS, s->ran_ns - s->wake_ns);
	if (!s->resume_ns)
		ann_bool(t, A_RESUMED, false);
}

/* One sleep of a call, from *@at on; *@at ends where it does. */
static void sleep_slices(struct tl *t, const struct tl_call *c, const struct scmwq_sleep_rec *s,
			 uint64_t *at)
{
	struct pt *p = t->priv;
	const struct scmwq_call_rec *r = c->rec;
	uint64_t track = THREAD_TRACK(r->pid), back, flow, from;
	char name[64];

	back = s->resume_ns ? s->resume_ns : c->end_ns;
	if (back < s->sleep_ns)
		back = s->sleep_ns;
	if (s->sleep_ns > *at)
		firmware(t, track, *at, s->sleep_ns);
	/* the flow's start is written before its end: same time, file order */
	flow = wake(t, r, s);
	snprintf(name, sizeof(name), "sleep wq_ctx %u", s->wq_ctx);
	event_begin(t, fwd(at, s->sleep_ns), track, TYPE_BEGIN, name);
	sleep_args(t, s);
	event_end(t);
	if (s->wake_ns && back > s->wake_ns && s->path != SCMWQ_PATH_BANKED) {
		from = fwd(at, s->wake_ns);
		event_begin(t, from, track, TYPE_BEGIN, "woken, not yet resumed");
		if (flow)
			scmwq_pb_fixed64(&p->pb, TE_FLOW_END, flow);
		event_end(t);
		slice_end(t, fwd(at, back), track);
	} else if (flow) {
		event_begin(t, fwd(at, s->wake_ns), track, TYPE_INSTANT, "woken");
		scmwq_pb_fixed64(&p->pb, TE_FLOW_END, flow);
		event_end(t);
	}
	slice_end(t, fwd(at, back), track);
}

/* The function in words, as report names it ("info/is_call_avail"). */
static void call_name(char *buf, size_t len, const struct scmwq_call_rec *r)
{
	if (!r->smc_id)
		snprintf(buf, len, "call (began before the trace)");
	else
		scmwq_smc_describe(r->smc_id, buf, len);
}

static void call_args(struct tl *t, const struct tl_call *c)
{
	const struct scmwq_call_rec *r = c->rec;
	char rules[160] = "";
	size_t n = 0;

	/* the track says the thread */
	ann_hex(t, A_SMC_ID, r->smc_id);
	if (r->done)
		ann_int(t, A_RET, r->ret);
	else
		ann_bool(t, A_NOT_DONE, true);
	ann_uint(t, A_SLEEPS, (uint64_t)(r->n_sleeps + r->sleeps_dropped));
	if (c->open)
		ann_bool(t, A_OPEN, true);
	if (c->abandoned)
		ann_bool(t, A_ABANDONED, true);
	if (r->joined)
		ann_bool(t, A_BEFORE, true);
	for (int i = 0; i < r->n_findings && n < sizeof(rules); i++)
		n += (size_t)snprintf(rules + n, sizeof(rules) - n, "%s%s", i ? "," : "",
				      scmwq_rule_info(r->findings[i])->id);
	if (r->n_findings)
		ann_str(t, A_FINDINGS, rules);
}

static void pt_call(struct tl *t, const struct tl_call *c)
{
	const struct scmwq_call_rec *r = c->rec;
	uint64_t track = THREAD_TRACK(r->pid), at = r->start_ns;
	char name[96];

	name_thread(t, r->pid, r->comm);
	call_name(name, sizeof(name), r);
	event_begin(t, r->start_ns, track, TYPE_BEGIN, name);
	call_args(t, c);
	event_end(t);
	for (int i = 0; i < r->n_sleeps; i++)
		sleep_slices(t, c, &r->sleeps[i], &at);
	if (c->end_ns > at || !r->n_sleeps) {
		uint64_t from = at;

		firmware(t, track, from, fwd(&at, c->end_ns));
	}
	slice_end(t, fwd(&at, c->end_ns), track);
}

/* ------------------------------------------------------------------ */
/* Findings and the end                                                */

static void instant(struct tl *t, const struct scmwq_finding *f, int pid, bool named)
{
	const struct scmwq_rule_info *ri = scmwq_rule_info(f->rule);

	event_begin(t, f->ts_ns, pid >= 0 ? THREAD_TRACK(pid) : TRACE_TRACK, TYPE_INSTANT,
		    ri->id);
	ann_str(t, A_RULE, ri->id);
	ann_str(t, A_SEVERITY, scmwq_severity_name(f->severity));
	if (f->inconclusive)
		ann_bool(t, A_INCONCLUSIVE, true);
	if (named)
		ann_bool(t, A_NAMED, true);
	if (f->pid >= 0) {
		char who[64];

		tl_thread_label(who, sizeof(who), f->comm, f->pid);
		ann_str(t, A_THREAD, who);
	}
	if (f->has_wq_ctx)
		ann_uint(t, A_WQ_CTX, f->wq_ctx);
	if (f->has_ctx)
		ann_uint(t, A_CALL_CTX, f->smc_call_ctx);
	if (f->n_named) {
		char pids[SCMWQ_MAX_NAMED * 12] = "";
		size_t n = 0;

		for (int i = 0; i < f->n_named && n < sizeof(pids); i++)
			n += (size_t)snprintf(pids + n, sizeof(pids) - n, "%s%d", i ? "," : "",
					      f->named_pid[i]);
		ann_str(t, A_PIDS, pids);
	}
	ann_str(t, A_MESSAGE, f->message);
	event_end(t);
}

static void pt_finding(struct tl *t, const struct scmwq_finding *f)
{
	name_thread(t, f->pid, f->comm);
	instant(t, f, f->pid, false);
	for (int i = 0; i < f->n_named; i++) {
		if (f->named_pid[i] == f->pid)
			continue;
		name_thread(t, f->named_pid[i], NULL);
		instant(t, f, f->named_pid[i], true);
	}
}

static int pt_end(struct tl *t, bool failed, struct scmwq_error *err)
{
	const struct scmwq_model_stats *s = &t->replay.stats;
	struct pt *p = t->priv;
	struct tl_thread *th;

	/* threads whose comm never showed */
	scmwq_pidmap_for_each(&t->threads, th)
		if (!th->named) {
			snprintf(th->comm, sizeof(th->comm), "<...>");
			name_thread(t, th->pid, NULL);
		}
	event_begin(t, t->seen_max, TRACE_TRACK, TYPE_INSTANT, "summary");
	ann_str(t, A_TRACE, t->title);
	ann_str(t, A_DRIVER, scmwq_driver_name(t->replay.driver));
	ann_str(t, A_DRIVER_WHY, t->replay.driver_why);
	ann_uint(t, A_CALLS, s->calls);
	ann_uint(t, A_SLEEPS, s->sleeps);
	ann_uint(t, A_WAKES, s->wakes);
	ann_uint(t, A_ERRORS, s->errors);
	ann_uint(t, A_WARNINGS, s->warnings);
	ann_bool(t, A_COMPLETE, !failed);
	event_end(t);
	if (p->failed && err)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL,
				       "out of memory or write error writing the Perfetto trace");
	return 0;
}

static void pt_free(struct tl *t)
{
	struct pt *p = t->priv;

	if (!p)
		return;
	scmwq_pb_free(&p->pb);
	scmwq_pb_intern_free(&p->names);
	free(p);
	t->priv = NULL;
}

const struct tl_ops tl_perfetto_ops = {
	.two_pass = false,
	.begin = pt_begin,
	.call = pt_call,
	.finding = pt_finding,
	.end = pt_end,
	.free = pt_free,
};
