// SPDX-License-Identifier: GPL-2.0
/*
 * How the model makes a verdict: a finding is built with the span of the
 * trace it rests on (and the doubt about who slept then), and handed to
 * evidence.c, which holds it until no loss can still turn up in that span.
 */
#include <stdarg.h>
#include <string.h>

#include "model/mdl.h"

#define NO_TIME UINT64_MAX

void mdl_fb_init(struct fbuild *b, enum scmwq_rule rule, uint64_t ts, const struct thr *t)
{
	memset(b, 0, sizeof(*b));
	b->f.rule = rule;
	b->f.severity = scmwq_rule_info(rule)->severity;
	b->f.ts_ns = ts;
	b->f.pid = t ? t->pid : -1;
	b->f.cpu = t ? t->cpu : -1;
	if (t)
		memcpy(b->f.comm, t->comm, sizeof(b->f.comm));
	b->start = ts;
	b->end = NO_TIME;
}

/* The evidence begins at @start (and ends when the verdict is made). */
void mdl_fb_from(struct fbuild *b, uint64_t start)
{
	if (start < b->start)
		b->start = start;
}

void mdl_fb_wq(struct fbuild *b, uint32_t wq)
{
	b->f.has_wq_ctx = true;
	b->f.wq_ctx = wq;
}

void mdl_fb_ctx(struct fbuild *b, uint32_t ctx)
{
	b->f.has_ctx = true;
	b->f.smc_call_ctx = ctx;
}

__attribute__((format(printf, 2, 3)))
void mdl_fb_msg(struct fbuild *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len >= sizeof(b->f.message) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->f.message + b->len, sizeof(b->f.message) - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
	if (b->len > sizeof(b->f.message) - 1)
		b->len = sizeof(b->f.message) - 1;
}

void mdl_fb_name(struct fbuild *b, int pid)
{
	if (b->f.n_named < SCMWQ_MAX_NAMED)
		b->f.named_pid[b->f.n_named++] = pid;
}

/* " comm-pid" for each thread the finding names, and how many more */
void mdl_fb_named_list(struct scmwq_model *m, struct fbuild *b, int total)
{
	for (int i = 0; i < b->f.n_named; i++) {
		struct thr *t = mdl_thr_find(m, b->f.named_pid[i]);

		mdl_fb_msg(b, " %s-%d", t && t->comm[0] ? t->comm : "<...>", b->f.named_pid[i]);
	}
	if (total > b->f.n_named)
		mdl_fb_msg(b, " and %d more", total - b->f.n_named);
}

void mdl_ts_str(char *buf, size_t len, uint64_t ts)
{
	scmwq_format_ts(buf, len, ts);
}

void mdl_dur_str(char *buf, size_t len, uint64_t ns)
{
	scmwq_format_duration(buf, len, ns);
}

void scmwq_finding_count(struct scmwq_model_stats *st, const struct scmwq_finding *f)
{
	if (f->severity == SCMWQ_SEV_ERROR && !f->inconclusive)
		st->errors++;
	else if (f->severity == SCMWQ_SEV_WARNING && !f->inconclusive)
		st->warnings++;
	else if (f->severity == SCMWQ_SEV_INFO)
		st->infos++;
	if (f->inconclusive)
		st->inconclusive++;
}

/* A released verdict: count it and hand it on. */
void mdl_finding_out(const struct scmwq_finding *f, void *arg)
{
	struct scmwq_model *m = arg;

	scmwq_finding_count(&m->st, f);
	if (m->fn)
		m->fn(f, m->arg);
}

/*
 * A verdict is made: it waits for its evidence to be complete (a loss may
 * still turn up in it) and goes out from there, in the order made.
 * @inconclusive with @why: the trace cannot settle it for another reason.
 */
void mdl_emit(struct scmwq_model *m, struct fbuild *b, bool inconclusive, const char *why)
{
	struct scmwq_finding *f = &b->f;

	if (b->end == NO_TIME || b->end < b->start)
		b->end = m->now > b->start ? m->now : b->start;
	if (!inconclusive && b->by_driver && m->o.driver_guessed && f->severity != SCMWQ_SEV_INFO) {
		inconclusive = true;
		why = "the driver is a guess (the trace shows no trace system and no "
		      "scm_waitq_wake_ack); with --driver=vendor, draft-2022 or mainline-6.3 this "
		      "is no error: give --driver";
	}
	if (inconclusive && why)
		mdl_fb_msg(b, " [inconclusive: %s]", why);
	f->inconclusive = inconclusive;
	if (m->decided_fn)
		m->decided_fn(f, m->decided_arg);
	if (scmwq_evidence_hold(m->ev, f, b->start, b->end, b->doubt) < 0)
		m->oom = true;
}

/*
 * @slot (a sleeper's, a banked wake's) now also rests on the current doubt.
 * Only one doubt is open at a time; a settled one that was confirmed is
 * kept, it already makes the verdict inconclusive.
 */
void mdl_doubt_join(struct scmwq_doubt **slot, struct scmwq_doubt *cur)
{
	if (!cur || *slot == cur)
		return;
	if (*slot && (*slot)->confirmed)
		return;
	scmwq_doubt_put(*slot);
	*slot = scmwq_doubt_get(cur);
}

void mdl_doubt_drop(struct scmwq_doubt **slot)
{
	scmwq_doubt_put(*slot);
	*slot = NULL;
}

/*
 * A thread's verdicts about its call rest on the trace since the call
 * began; an idle thread's, since its last event.
 */
static uint64_t call_start(const struct thr *t, uint64_t now)
{
	if (t->st != SCMWQ_ST_IDLE && t->call_ts)
		return t->call_ts;
	return t->last_ts ? t->last_ts : now;
}

/* A finding about @t's call, from what its call has shown so far. */
void mdl_fb_call(struct fbuild *b, enum scmwq_rule rule, const struct scmwq_event *ev,
		 const struct thr *t)
{
	mdl_fb_init(b, rule, ev->ts_ns, t);
	mdl_fb_from(b, call_start(t, ev->ts_ns));
}
