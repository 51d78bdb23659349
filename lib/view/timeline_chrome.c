// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline as Chrome trace-event JSON (--format=chrome-json), which
 * chrome://tracing and, on its legacy path, ui.perfetto.dev open; the
 * Perfetto protobuf (timeline_perfetto.c) is the smaller, native form.
 * Written as calls end, in one pass:
 *
 * - each thread of the trace is a process of its own (the trace has no
 *   thread groups), named "comm-pid" with "M" metadata events;
 * - each call is an async slice ("b"/"e", cat "scm", a process-scoped id2),
 *   so that its calls are tracks of the thread's process;
 * - on the thread's own track, "X" complete events: "in firmware" pieces,
 *   each sleep ("sleep wq_ctx N") with the time from the wake to the resume
 *   nested in it, and, on the waker, a short "wake wq_ctx N" slice;
 * - a flow ("s" on the waker, "f" with "bp":"e" on the sleeper) from each
 *   wake to the sleep it ended;
 * - each finding an instant event ("i", thread-scoped, or global when it
 *   names no thread) with its message in args.
 *
 * Timestamps are microseconds with three decimals, so no nanosecond is lost.
 */
#include <stdlib.h>
#include <string.h>

#include "view/timeline.h"

struct pf {
	uint64_t nev;		/* events written */
	uint64_t call_id;	/* async slice ids */
	uint64_t flow_id;
	unsigned int sort_index;
};

static void sep(struct tl *t)
{
	struct pf *p = t->priv;

	fputs(p->nev++ ? ",\n" : "\n", t->out);
}

static void put_ts(FILE *out, const char *key, uint64_t ns)
{
	fprintf(out, ",\"%s\":%llu.%03llu", key, (unsigned long long)(ns / 1000),
		(unsigned long long)(ns % 1000));
}

static void put_us(FILE *out, const char *key, uint64_t ns)
{
	put_ts(out, key, ns);
}

/* The "M" events that name a thread's process and its thread. */
static void name_thread(struct tl *t, int pid, const char *comm)
{
	struct pf *p = t->priv;
	struct tl_thread *th;
	char label[64];

	th = tl_thread_to_name(t, pid, comm);
	if (!th)
		return;	/* named, or not yet known: named at the end */
	tl_thread_label(label, sizeof(label), th->comm, pid);
	sep(t);
	fprintf(t->out, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%d,\"tid\":%d,"
		"\"args\":{\"name\":", pid, pid);
	scmwq_json_str(t->out, label);
	fputs("}}", t->out);
	sep(t);
	fprintf(t->out, "{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":%d,\"tid\":%d,"
		"\"args\":{\"sort_index\":%u}}", pid, pid, ++p->sort_index);
	sep(t);
	fprintf(t->out, "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%d,\"tid\":%d,"
		"\"args\":{\"name\":", pid, pid);
	scmwq_json_str(t->out, th->comm);
	fputs("}}", t->out);
}

static int pf_begin(struct tl *t, struct scmwq_error *err)
{
	t->priv = calloc(1, sizeof(struct pf));
	if (!t->priv)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", t->out);
	return 0;
}

/* The function in words, as report names it ("info/is_call_avail"). */
static void call_name(char *buf, size_t len, const struct scmwq_call_rec *r)
{
	if (!r->smc_id)
		snprintf(buf, len, "call (began before the trace)");
	else
		scmwq_smc_describe(r->smc_id, buf, len);
}

/* An "X" slice on thread @pid; args are left open for the caller to close. */
static void x_open(struct tl *t, int pid, const char *name, uint64_t from, uint64_t to)
{
	sep(t);
	fputs("{\"ph\":\"X\",\"cat\":\"scm\",\"name\":", t->out);
	scmwq_json_str(t->out, name);
	fprintf(t->out, ",\"pid\":%d,\"tid\":%d", pid, pid);
	put_ts(t->out, "ts", from);
	put_ts(t->out, "dur", to > from ? to - from : 0);
}

static bool waker_slice_written(struct tl_thread *w, uint64_t ts)
{
	for (int i = 0; i < TL_WAKES_KEPT; i++)
		if (w->wake_ts[i] == ts)
			return true;
	w->wake_ts[w->wake_i] = ts;
	w->wake_i = (w->wake_i + 1) % TL_WAKES_KEPT;
	return false;
}

static void pf_wake(struct tl *t, const struct scmwq_call_rec *r, const struct scmwq_sleep_rec *s)
{
	struct pf *p = t->priv;
	char name[64], label[64];
	struct tl_thread *w;
	uint64_t id;

	if (s->waker_pid < 0 || !s->wake_ns || s->path == SCMWQ_PATH_BANKED)
		return;
	name_thread(t, s->waker_pid, s->waker_comm);
	w = tl_thread_find(&t->threads, s->waker_pid);
	if (w && !waker_slice_written(w, s->wake_ns)) {
		snprintf(name, sizeof(name), "wake wq_ctx %u", s->wq_ctx);
		x_open(t, s->waker_pid, name, s->wake_ns, s->wake_ns + 1);
		fprintf(t->out, ",\"args\":{\"wq_ctx\":%u,\"path\":\"%s\",\"by\":\"%s\"}}",
			s->wq_ctx, scmwq_wake_path_name(s->path),
			s->path == SCMWQ_PATH_IRQ ? "GET_WQ_CTX (IRQ drain)"
						  : "WAITQ_WAKE, then ACK");
	}
	id = ++p->flow_id;
	tl_thread_label(label, sizeof(label), r->comm, r->pid);
	sep(t);
	fprintf(t->out, "{\"ph\":\"s\",\"cat\":\"wake\",\"name\":\"wake\",\"id\":%llu,"
		"\"pid\":%d,\"tid\":%d", (unsigned long long)id, s->waker_pid, s->waker_pid);
	put_ts(t->out, "ts", s->wake_ns);
	fputs("}", t->out);
	sep(t);
	fprintf(t->out, "{\"ph\":\"f\",\"bp\":\"e\",\"cat\":\"wake\",\"name\":\"wake\","
		"\"id\":%llu,\"pid\":%d,\"tid\":%d", (unsigned long long)id, r->pid, r->pid);
	put_ts(t->out, "ts", s->wake_ns);
	fputs("}", t->out);
}

static void pf_sleep(struct tl *t, const struct tl_call *c, const struct scmwq_sleep_rec *s,
		     uint64_t back)
{
	const struct scmwq_call_rec *r = c->rec;
	char name[64], waker[64];

	snprintf(name, sizeof(name), "sleep wq_ctx %u", s->wq_ctx);
	x_open(t, r->pid, name, s->sleep_ns, back);
	fprintf(t->out, ",\"args\":{\"wq_ctx\":%u", s->wq_ctx);
	if (s->has_ctx)
		fprintf(t->out, ",\"smc_call_ctx\":%u", s->smc_call_ctx);
	fprintf(t->out, ",\"wake_path\":\"%s\"", scmwq_wake_path_name(s->path));
	if (s->wake_ns) {
		put_us(t->out, "wait_us", s->wake_ns > s->sleep_ns ? s->wake_ns - s->sleep_ns : 0);
		if (s->resume_ns)
			put_us(t->out, "wake_to_resume_us",
			       s->resume_ns > s->wake_ns ? s->resume_ns - s->wake_ns : 0);
	}
	if (s->waker_pid >= 0) {
		tl_thread_label(waker, sizeof(waker), s->waker_comm, s->waker_pid);
		fputs(",\"waker\":", t->out);
		scmwq_json_str(t->out, waker);
		fprintf(t->out, ",\"waker_pid\":%d", s->waker_pid);
	}
	if (s->state)
		fprintf(t->out, ",\"sched_state\":\"%c\"", s->state);
	if (s->ran_ns && s->wake_ns && s->ran_ns >= s->wake_ns)
		put_us(t->out, "wake_to_run_us", s->ran_ns - s->wake_ns);
	fprintf(t->out, ",\"resumed\":%s}}", s->resume_ns ? "true" : "false");
	if (s->wake_ns && back > s->wake_ns && s->path != SCMWQ_PATH_BANKED) {
		x_open(t, r->pid, "woken, not yet resumed", s->wake_ns, back);
		fprintf(t->out, ",\"args\":{\"wq_ctx\":%u}}", s->wq_ctx);
	}
}

static void pf_call(struct tl *t, const struct tl_call *c)
{
	struct pf *p = t->priv;
	const struct scmwq_call_rec *r = c->rec;
	char name[96];
	uint64_t id = ++p->call_id, at = r->start_ns;

	name_thread(t, r->pid, r->comm);
	call_name(name, sizeof(name), r);
	sep(t);
	fputs("{\"ph\":\"b\",\"cat\":\"scm\",\"name\":", t->out);
	scmwq_json_str(t->out, name);
	fprintf(t->out, ",\"id2\":{\"local\":\"0x%llx\"},\"pid\":%d,\"tid\":%d",
		(unsigned long long)id, r->pid, r->pid);
	put_ts(t->out, "ts", r->start_ns);
	fputs(",\"args\":{\"comm\":", t->out);
	scmwq_json_str(t->out, r->comm);
	fprintf(t->out, ",\"pid\":%d,\"smc_id\":\"0x%llx\",\"ret\":%d,\"sleeps\":%d,"
		"\"done\":%s,\"open_at_end\":%s,\"abandoned\":%s,\"began_before_trace\":%s",
		r->pid, (unsigned long long)r->smc_id, r->ret, r->n_sleeps + r->sleeps_dropped,
		r->done ? "true" : "false", c->open ? "true" : "false",
		c->abandoned ? "true" : "false", r->joined ? "true" : "false");
	if (r->n_findings) {
		fputs(",\"findings\":[", t->out);
		for (int i = 0; i < r->n_findings; i++)
			fprintf(t->out, "%s\"%s\"", i ? "," : "",
				scmwq_rule_info(r->findings[i])->id);
		fputs("]", t->out);
	}
	fputs("}}", t->out);

	for (int i = 0; i < r->n_sleeps; i++) {
		const struct scmwq_sleep_rec *s = &r->sleeps[i];
		uint64_t back = s->resume_ns ? s->resume_ns : c->end_ns;

		if (back < s->sleep_ns)
			back = s->sleep_ns;
		if (s->sleep_ns > at) {
			x_open(t, r->pid, "in firmware", at, s->sleep_ns);
			fputs("}", t->out);
		}
		pf_sleep(t, c, s, back);
		pf_wake(t, r, s);
		at = back;
	}
	if (c->end_ns > at || !r->n_sleeps) {
		x_open(t, r->pid, "in firmware", at, c->end_ns);
		fputs("}", t->out);
	}

	sep(t);
	fputs("{\"ph\":\"e\",\"cat\":\"scm\",\"name\":", t->out);
	scmwq_json_str(t->out, name);
	fprintf(t->out, ",\"id2\":{\"local\":\"0x%llx\"},\"pid\":%d,\"tid\":%d",
		(unsigned long long)id, r->pid, r->pid);
	put_ts(t->out, "ts", c->end_ns > r->start_ns ? c->end_ns : r->start_ns);
	fputs("}", t->out);
}

static void instant(struct tl *t, const struct scmwq_finding *f, int pid, bool named)
{
	const struct scmwq_rule_info *ri = scmwq_rule_info(f->rule);

	name_thread(t, pid, named ? NULL : f->comm);
	sep(t);
	fputs("{\"ph\":\"i\",\"cat\":\"finding\",\"name\":", t->out);
	scmwq_json_str(t->out, ri->id);
	if (pid >= 0)
		fprintf(t->out, ",\"s\":\"t\",\"pid\":%d,\"tid\":%d", pid, pid);
	else
		fputs(",\"s\":\"g\"", t->out);
	put_ts(t->out, "ts", f->ts_ns);
	fprintf(t->out, ",\"args\":{\"severity\":\"%s\",\"inconclusive\":%s,\"rule\":\"%s\"",
		scmwq_severity_name(f->severity), f->inconclusive ? "true" : "false", ri->id);
	if (named)
		fputs(",\"named_by_finding_on_thread\":true", t->out);
	if (f->pid >= 0) {
		char who[64];

		tl_thread_label(who, sizeof(who), f->comm, f->pid);
		fputs(",\"thread\":", t->out);
		scmwq_json_str(t->out, who);
	}
	if (f->has_wq_ctx)
		fprintf(t->out, ",\"wq_ctx\":%u", f->wq_ctx);
	if (f->has_ctx)
		fprintf(t->out, ",\"smc_call_ctx\":%u", f->smc_call_ctx);
	if (f->n_named) {
		fputs(",\"pids\":[", t->out);
		for (int i = 0; i < f->n_named; i++)
			fprintf(t->out, "%s%d", i ? "," : "", f->named_pid[i]);
		fputs("]", t->out);
	}
	fputs(",\"message\":", t->out);
	scmwq_json_str(t->out, f->message);
	fputs("}}", t->out);
}

static void pf_finding(struct tl *t, const struct scmwq_finding *f)
{
	tl_finding_each(t, f, instant);
}

static int pf_end(struct tl *t, bool failed, struct scmwq_error *err)
{
	const struct scmwq_model_stats *s = &t->replay.stats;

	tl_threads_name_rest(t, name_thread);
	fputs("\n],\"otherData\":{\"tool\":\"scmwq-trace timeline\",\"trace\":", t->out);
	scmwq_json_str(t->out, t->title);
	fprintf(t->out,
		",\"driver\":\"%s\",\"driver_reason\":", scmwq_driver_name(t->replay.driver));
	scmwq_json_str(t->out, t->replay.driver_why);
	fprintf(t->out, ",\"calls\":%llu,\"sleeps\":%llu,\"wakes\":%llu,\"errors\":%llu,"
		"\"warnings\":%llu,\"complete\":%s}}\n",
		(unsigned long long)s->calls, (unsigned long long)s->sleeps,
		(unsigned long long)s->wakes, (unsigned long long)s->errors,
		(unsigned long long)s->warnings, failed ? "false" : "true");
	return 0;
}

static void pf_free(struct tl *t)
{
	free(t->priv);
	t->priv = NULL;
}

const struct tl_ops tl_chrome_ops = {
	.two_pass = false,
	.begin = pf_begin,
	.call = pf_call,
	.finding = pf_finding,
	.end = pf_end,
	.free = pf_free,
};
