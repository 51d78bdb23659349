// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline as a Perfetto protobuf trace (--format=perfetto): a stream
 * of TracePackets carrying TrackEvents, Perfetto's native and recommended
 * format, which ui.perfetto.dev loads far beyond what its JSON path can.
 * Written as calls end, in one pass, one packet at a time
 * (lib/output/pf_write.c): memory is the threads and one packet.
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
 * Timestamps are the trace's, in ns.  Within a call the times only go
 * forward (a slice that would start before the last one ended starts where
 * it ended) and a thread's calls are handed on in order, so each track's
 * slices are in time order in the file and always nest.
 */
#include <stdlib.h>
#include <string.h>

#include "output/pf_write.h"
#include "view/timeline.h"

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
	struct scmwq_pf pf;
	uint64_t flow_id;
};

#define PF(t)	(&((struct pt *)(t)->priv)->pf)

/* ------------------------------------------------------------------ */
/* Tracks                                                              */

/* The tracks of thread @pid, once its comm is known (or at the end). */
static void name_thread(struct tl *t, int pid, const char *comm)
{
	struct tl_thread *th;
	char label[64];

	th = tl_thread_to_name(t, pid, comm);
	if (!th)
		return;	/* named, or not yet known: named at the end */
	tl_thread_label(label, sizeof(label), th->comm, pid);
	scmwq_pf_thread(PF(t), PROCESS_TRACK(pid), THREAD_TRACK(pid), pid, th->comm, label);
}

/* The first packet: clears the sequence's state, names the annotations. */
static int pt_begin(struct tl *t, struct scmwq_error *err)
{
	struct pt *p = calloc(1, sizeof(*p));
	char name[300];

	if (!p)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	t->priv = p;
	snprintf(name, sizeof(name), "scmwq-trace: %s", t->title);
	scmwq_pf_start(&p->pf, t->out, ann_name, A_N, TRACE_TRACK, name);
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
	scmwq_pf_event(PF(t), from, track, SCMWQ_PF_BEGIN, "in firmware");
	scmwq_pf_event_end(PF(t));
	scmwq_pf_slice_end(PF(t), to, track);
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
	scmwq_pf_event(PF(t), s->wake_ns, THREAD_TRACK(s->waker_pid), SCMWQ_PF_INSTANT, name);
	scmwq_pf_flow(PF(t), ++p->flow_id, false);
	scmwq_pf_ann_str(PF(t), A_PATH, scmwq_wake_path_name(s->path));
	scmwq_pf_ann_int(PF(t), A_WOKE, r->pid);
	scmwq_pf_event_end(PF(t));
	return p->flow_id;
}

/* What the slice's name (wq_ctx) and the wake's flow (the waker) do not say. */
static void sleep_args(struct tl *t, const struct scmwq_sleep_rec *s)
{
	if (s->has_ctx)
		scmwq_pf_ann_uint(PF(t), A_CALL_CTX, s->smc_call_ctx);
	scmwq_pf_ann_str(PF(t), A_PATH, scmwq_wake_path_name(s->path));
	if (s->waker_pid >= 0)
		scmwq_pf_ann_int(PF(t), A_WAKER_PID, s->waker_pid);
	if (s->state) {
		char st[2] = { s->state, 0 };

		scmwq_pf_ann_str(PF(t), A_STATE, st);
	}
	if (s->ran_ns && s->wake_ns && s->ran_ns >= s->wake_ns)
		scmwq_pf_ann_uint(PF(t), A_RUN_NS, s->ran_ns - s->wake_ns);
	if (!s->resume_ns)
		scmwq_pf_ann_bool(PF(t), A_RESUMED, false);
}

/* One sleep of a call, from *@at on; *@at ends where it does. */
static void sleep_slices(struct tl *t, const struct tl_call *c, const struct scmwq_sleep_rec *s,
			 uint64_t *at)
{
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
	scmwq_pf_event(PF(t), fwd(at, s->sleep_ns), track, SCMWQ_PF_BEGIN, name);
	sleep_args(t, s);
	scmwq_pf_event_end(PF(t));
	if (s->wake_ns && back > s->wake_ns && s->path != SCMWQ_PATH_BANKED) {
		from = fwd(at, s->wake_ns);
		scmwq_pf_event(PF(t), from, track, SCMWQ_PF_BEGIN, "woken, not yet resumed");
		if (flow)
			scmwq_pf_flow(PF(t), flow, true);
		scmwq_pf_event_end(PF(t));
		scmwq_pf_slice_end(PF(t), fwd(at, back), track);
	} else if (flow) {
		scmwq_pf_event(PF(t), fwd(at, s->wake_ns), track, SCMWQ_PF_INSTANT, "woken");
		scmwq_pf_flow(PF(t), flow, true);
		scmwq_pf_event_end(PF(t));
	}
	scmwq_pf_slice_end(PF(t), fwd(at, back), track);
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
	scmwq_pf_ann_hex(PF(t), A_SMC_ID, r->smc_id);
	if (r->done)
		scmwq_pf_ann_int(PF(t), A_RET, r->ret);
	else
		scmwq_pf_ann_bool(PF(t), A_NOT_DONE, true);
	scmwq_pf_ann_uint(PF(t), A_SLEEPS, (uint64_t)(r->n_sleeps + r->sleeps_dropped));
	if (c->open)
		scmwq_pf_ann_bool(PF(t), A_OPEN, true);
	if (c->abandoned)
		scmwq_pf_ann_bool(PF(t), A_ABANDONED, true);
	if (r->joined)
		scmwq_pf_ann_bool(PF(t), A_BEFORE, true);
	for (int i = 0; i < r->n_findings && n < sizeof(rules); i++)
		n += (size_t)snprintf(rules + n, sizeof(rules) - n, "%s%s", i ? "," : "",
				      scmwq_rule_info(r->findings[i])->id);
	if (r->n_findings)
		scmwq_pf_ann_str(PF(t), A_FINDINGS, rules);
}

static void pt_call(struct tl *t, const struct tl_call *c)
{
	const struct scmwq_call_rec *r = c->rec;
	uint64_t track = THREAD_TRACK(r->pid), at = r->start_ns;
	char name[96];

	name_thread(t, r->pid, r->comm);
	call_name(name, sizeof(name), r);
	scmwq_pf_event(PF(t), r->start_ns, track, SCMWQ_PF_BEGIN, name);
	call_args(t, c);
	scmwq_pf_event_end(PF(t));
	for (int i = 0; i < r->n_sleeps; i++)
		sleep_slices(t, c, &r->sleeps[i], &at);
	if (c->end_ns > at || !r->n_sleeps) {
		uint64_t from = at;

		firmware(t, track, from, fwd(&at, c->end_ns));
	}
	scmwq_pf_slice_end(PF(t), fwd(&at, c->end_ns), track);
}

/* ------------------------------------------------------------------ */
/* Findings and the end                                                */

static void instant(struct tl *t, const struct scmwq_finding *f, int pid, bool named)
{
	const struct scmwq_rule_info *ri = scmwq_rule_info(f->rule);

	name_thread(t, pid, named ? NULL : f->comm);
	scmwq_pf_event(PF(t), f->ts_ns, pid >= 0 ? THREAD_TRACK(pid) : TRACE_TRACK, SCMWQ_PF_INSTANT,
		    ri->id);
	scmwq_pf_ann_str(PF(t), A_RULE, ri->id);
	scmwq_pf_ann_str(PF(t), A_SEVERITY, scmwq_severity_name(f->severity));
	if (f->inconclusive)
		scmwq_pf_ann_bool(PF(t), A_INCONCLUSIVE, true);
	if (named)
		scmwq_pf_ann_bool(PF(t), A_NAMED, true);
	if (f->pid >= 0) {
		char who[64];

		tl_thread_label(who, sizeof(who), f->comm, f->pid);
		scmwq_pf_ann_str(PF(t), A_THREAD, who);
	}
	if (f->has_wq_ctx)
		scmwq_pf_ann_uint(PF(t), A_WQ_CTX, f->wq_ctx);
	if (f->has_ctx)
		scmwq_pf_ann_uint(PF(t), A_CALL_CTX, f->smc_call_ctx);
	if (f->n_named) {
		char pids[SCMWQ_MAX_NAMED * 12] = "";
		size_t n = 0;

		for (int i = 0; i < f->n_named && n < sizeof(pids); i++)
			n += (size_t)snprintf(pids + n, sizeof(pids) - n, "%s%d", i ? "," : "",
					      f->named_pid[i]);
		scmwq_pf_ann_str(PF(t), A_PIDS, pids);
	}
	scmwq_pf_ann_str(PF(t), A_MESSAGE, f->message);
	scmwq_pf_event_end(PF(t));
}

static void pt_finding(struct tl *t, const struct scmwq_finding *f)
{
	tl_finding_each(t, f, instant);
}

static int pt_end(struct tl *t, bool failed, struct scmwq_error *err)
{
	const struct scmwq_model_stats *s = &t->replay.stats;
	struct pt *p = t->priv;

	tl_threads_name_rest(t, name_thread);
	scmwq_pf_event(PF(t), t->seen_max, TRACE_TRACK, SCMWQ_PF_INSTANT, "summary");
	scmwq_pf_ann_str(PF(t), A_TRACE, t->title);
	scmwq_pf_ann_str(PF(t), A_DRIVER, scmwq_driver_name(t->replay.driver));
	scmwq_pf_ann_str(PF(t), A_DRIVER_WHY, t->replay.driver_why);
	scmwq_pf_ann_uint(PF(t), A_CALLS, s->calls);
	scmwq_pf_ann_uint(PF(t), A_SLEEPS, s->sleeps);
	scmwq_pf_ann_uint(PF(t), A_WAKES, s->wakes);
	scmwq_pf_ann_uint(PF(t), A_ERRORS, s->errors);
	scmwq_pf_ann_uint(PF(t), A_WARNINGS, s->warnings);
	scmwq_pf_ann_bool(PF(t), A_COMPLETE, !failed);
	scmwq_pf_event_end(PF(t));
	if (p->pf.failed && err)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL,
				       "out of memory or write error writing the Perfetto trace");
	return 0;
}

static void pt_free(struct tl *t)
{
	struct pt *p = t->priv;

	if (!p)
		return;
	scmwq_pf_free(&p->pf);
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
