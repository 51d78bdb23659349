// SPDX-License-Identifier: GPL-2.0
/*
 * Per-call timelines: every SCM call with its sleeps, who woke each one and
 * when it ran again.  The reference model runs inside and says, through its
 * wake hook, which wake it credited to which sleeper, so report and timeline
 * show exactly what replay judged.  A call's record leaves as soon as the
 * call ends: memory grows with the calls open at once.
 */
#include <stdlib.h>
#include <string.h>

#include <scmwq/calls.h>

#include "model/model.h"

struct cthr {
	struct cthr *hnext;
	int pid;
	char comm[SCMWQ_COMM_LEN];
	bool open;
	int cur;		/* the sleep in progress, -1 none */
	int last;		/* the last sleep of the call, -1 none */
	bool want_block;	/* the next sched_switch out is its block */
	uint64_t last_ts;
	struct scmwq_call_rec rec;
};

struct scmwq_calls {
	struct scmwq_model *model;
	scmwq_call_fn call_fn;
	scmwq_finding_fn finding_fn;
	void *arg;
	struct scmwq_pidmap threads;
	uint64_t now;
};

const char *scmwq_wake_path_name(enum scmwq_wake_path p)
{
	switch (p) {
	case SCMWQ_PATH_IRQ:
		return "irq";
	case SCMWQ_PATH_ACK:
		return "ack";
	case SCMWQ_PATH_BANKED:
		return "banked";
	default:
		return "none";
	}
}

static struct cthr *find(struct scmwq_calls *c, int pid)
{
	return scmwq_pidmap_find(&c->threads, pid);
}

/* Threads with no call open that were quiet for long (many pids). */
static bool stale(void *node, void *arg)
{
	struct scmwq_calls *c = arg;
	struct cthr *t = node;

	return !t->open && t->last_ts + 10ULL * 1000000000ULL < c->now;
}

static struct cthr *get(struct scmwq_calls *c, int pid)
{
	struct cthr *t = find(c, pid);

	if (t)
		return t;
	if (c->threads.count >= 65536 && !(c->threads.count % 4096))
		scmwq_pidmap_prune(&c->threads, stale, c);
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->pid = pid;
	t->cur = t->last = -1;
	if (scmwq_pidmap_add(&c->threads, t) < 0) {
		free(t);
		return NULL;
	}
	return t;
}

static void start(struct cthr *t, const struct scmwq_event *ev, bool joined)
{
	memset(&t->rec, 0, sizeof(t->rec));
	t->rec.pid = t->pid;
	memcpy(t->rec.comm, t->comm, sizeof(t->rec.comm));
	t->rec.start_ns = ev->ts_ns;
	t->rec.joined = joined;
	if (!joined)
		t->rec.smc_id = ev->smc_id;
	t->open = true;
	t->cur = t->last = -1;
	t->want_block = false;
}

static void end(struct scmwq_calls *c, struct cthr *t)
{
	struct cthr *o;

	if (!t->open)
		return;
	t->open = false;
	t->rec.settled_ns = c->now;
	scmwq_pidmap_for_each(&c->threads, o)
		if (o->open && o->rec.start_ns < t->rec.settled_ns)
			t->rec.settled_ns = o->rec.start_ns;
	if (c->call_fn)
		c->call_fn(&t->rec, c->arg);
}

static bool is_waitq_cmd(const struct scmwq_event *ev)
{
	unsigned int svc = (ev->have & SCMWQ_HAVE_SVC_CMD) ? ev->svc_id : scmwq_smc_svc(ev->smc_id);

	return svc == SCMWQ_SVC_WAITQ;
}

static void on_request(struct scmwq_calls *c, struct cthr *t, const struct scmwq_event *ev)
{
	unsigned int cmd = (ev->have & SCMWQ_HAVE_SVC_CMD) ? ev->cmd_id : scmwq_smc_cmd(ev->smc_id);
	bool waitq = is_waitq_cmd(ev);

	if (waitq && cmd == SCMWQ_CMD_GET_WQ_CTX)
		return;		/* the IRQ drain, not a call */
	if (!t->open) {
		/* RESUME, ACK or a re-entry first: the call began before the trace */
		start(t, ev, (waitq && cmd != SCMWQ_CMD_GET_INFO) ||
			     ev->smc_id == SCMWQ_SMC_INTERRUPTED);
		return;
	}
	if (!waitq && ev->smc_id != SCMWQ_SMC_INTERRUPTED && t->rec.smc_id &&
	    ev->smc_id != t->rec.smc_id) {
		/* a new call while one is open: the first never ended */
		end(c, t);
		start(t, ev, false);
	}
}

static void on_sleep(struct cthr *t, const struct scmwq_event *ev)
{
	struct scmwq_sleep_rec *s;

	if (!t->open)
		start(t, ev, true);
	if (t->rec.n_sleeps >= SCMWQ_CALL_SLEEPS) {
		t->rec.sleeps_dropped++;
		t->cur = t->last = -1;
		return;
	}
	t->cur = t->last = t->rec.n_sleeps++;
	s = &t->rec.sleeps[t->cur];
	memset(s, 0, sizeof(*s));
	s->wq_ctx = ev->wq_ctx;
	s->smc_call_ctx = ev->smc_call_ctx;
	s->has_ctx = ev->have & SCMWQ_HAVE_CTX;
	s->sleep_ns = ev->ts_ns;
	s->waker_pid = -1;
	t->want_block = true;
}

static void on_sched(struct scmwq_calls *c, const struct scmwq_event *ev)
{
	struct cthr *prev = find(c, ev->pid), *next;

	if (ev->type == SCMWQ_EV_SCHED_SWITCH) {
		/* preempted before it blocked ('R', 'R+'): not yet the sleep itself */
		if (prev && prev->open && prev->want_block && prev->cur >= 0 &&
		    ev->prev_state != 'R') {
			struct scmwq_sleep_rec *s = &prev->rec.sleeps[prev->cur];

			s->state = ev->prev_state;
			s->blocked_ns = ev->ts_ns;
			prev->want_block = false;
		}
		next = find(c, ev->next_pid);
		if (next && next->open && next->last >= 0) {
			struct scmwq_sleep_rec *s = &next->rec.sleeps[next->last];

			if (s->wake_ns && !s->ran_ns && ev->ts_ns >= s->wake_ns)
				s->ran_ns = ev->ts_ns;
		}
	}
}

/* The model credited a wake: put it on the sleep it belongs to. */
static void wake_hook(int sleeper, uint32_t wq_ctx, uint64_t wake_ns, int waker, bool irq,
		      bool banked, void *arg)
{
	struct scmwq_calls *c = arg;
	struct cthr *t = find(c, sleeper), *w;
	struct scmwq_sleep_rec *s;

	if (!t || !t->open || t->last < 0)
		return;
	s = &t->rec.sleeps[t->last];
	if (s->wake_ns)
		return;
	s->wake_ns = wake_ns;
	s->path = banked ? SCMWQ_PATH_BANKED : irq ? SCMWQ_PATH_IRQ : SCMWQ_PATH_ACK;
	s->waker_pid = waker;
	w = waker >= 0 ? find(c, waker) : NULL;
	if (w)
		memcpy(s->waker_comm, w->comm, sizeof(s->waker_comm));
}

static void attach(struct scmwq_calls *c, int pid, enum scmwq_rule rule)
{
	struct cthr *t = find(c, pid);

	if (!t || !t->open || t->rec.n_findings >= SCMWQ_CALL_FINDINGS)
		return;
	for (int i = 0; i < t->rec.n_findings; i++)
		if (t->rec.findings[i] == rule)
			return;
	t->rec.findings[t->rec.n_findings++] = rule;
}

/* A verdict as the model makes it: onto the calls it concerns, still open. */
static void decided_hook(const struct scmwq_finding *f, void *arg)
{
	struct scmwq_calls *c = arg;

	if (f->severity != SCMWQ_SEV_INFO) {
		if (f->pid >= 0)
			attach(c, f->pid, f->rule);
		for (int i = 0; i < f->n_named; i++)
			attach(c, f->named_pid[i], f->rule);
	}
}

/* ...and as it is released, once its evidence is complete. */
static void finding_hook(const struct scmwq_finding *f, void *arg)
{
	struct scmwq_calls *c = arg;

	if (c->finding_fn)
		c->finding_fn(f, c->arg);
}

int scmwq_calls_feed(struct scmwq_calls *c, const struct scmwq_event *ev)
{
	struct cthr *t = NULL;

	if (ev->ts_ns > c->now)
		c->now = ev->ts_ns;
	switch (ev->type) {
	case SCMWQ_EV_SCHED_SWITCH:
	case SCMWQ_EV_SCHED_WAKEUP:
		on_sched(c, ev);
		break;
	case SCMWQ_EV_LOST:
	case SCMWQ_EV_NONE:
		break;
	default:
		t = get(c, ev->pid);
		if (!t)
			return -1;
		if (ev->comm[0])
			memcpy(t->comm, ev->comm, sizeof(t->comm));
		t->last_ts = ev->ts_ns;
	}
	if (t) {
		switch (ev->type) {
		case SCMWQ_EV_SMC_REQUEST:
			on_request(c, t, ev);
			break;
		case SCMWQ_EV_SLEEP:
			on_sleep(t, ev);
			break;
		case SCMWQ_EV_RESUME:
			if (!t->open)
				start(t, ev, true);
			if (t->cur >= 0)
				t->rec.sleeps[t->cur].resume_ns = ev->ts_ns;
			t->cur = -1;
			break;
		case SCMWQ_EV_WAKE_ACK:
			if (!t->open)
				start(t, ev, true);
			break;
		case SCMWQ_EV_SMC_DONE:
			if (!t->open)
				start(t, ev, true);
			t->rec.end_ns = ev->ts_ns;
			t->rec.ret = ev->ret;
			t->rec.done = true;
			if (!t->rec.smc_id)
				t->rec.smc_id = ev->smc_id;
			break;
		default:
			break;
		}
		if (t->open && ev->cpu >= 0 && ev->cpu < SCMWQ_MAX_CPUS)
			t->rec.cpus[ev->cpu / 64] |= 1ULL << (ev->cpu % 64);
	}
	if (scmwq_model_feed(c->model, ev) < 0)
		return -1;
	if (t && ev->type == SCMWQ_EV_SMC_DONE)
		end(c, t);
	return 0;
}

void scmwq_calls_finish(struct scmwq_calls *c)
{
	struct cthr *t;

	scmwq_model_finish(c->model);
	scmwq_pidmap_for_each(&c->threads, t)
		end(c, t);
}

const struct scmwq_model_stats *scmwq_calls_stats(const struct scmwq_calls *c)
{
	return scmwq_model_stats(c->model);
}

struct scmwq_calls *scmwq_calls_alloc(const struct scmwq_model_opts *opts, scmwq_call_fn call_fn,
				      scmwq_finding_fn finding_fn, void *arg)
{
	struct scmwq_calls *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->call_fn = call_fn;
	c->finding_fn = finding_fn;
	c->arg = arg;
	c->threads = (struct scmwq_pidmap)SCMWQ_PIDMAP_OF(struct cthr);
	c->model = scmwq_model_alloc(opts, finding_hook, c);
	if (scmwq_pidmap_init(&c->threads, 256) < 0 || !c->model) {
		scmwq_calls_free(c);
		return NULL;
	}
	scmwq_model_set_wake_hook(c->model, wake_hook, c);
	scmwq_model_set_decided_hook(c->model, decided_hook, c);
	return c;
}

void scmwq_calls_free(struct scmwq_calls *c)
{
	if (!c)
		return;
	scmwq_model_free(c->model);
	scmwq_pidmap_free(&c->threads);
	free(c);
}
