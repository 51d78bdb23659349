// SPDX-License-Identifier: GPL-2.0
/*
 * Held verdicts: where the trace lost data, and findings that wait until no
 * loss can still turn up inside their evidence (replay.md section 1).
 *
 * A loss on CPU c lies between c's previous event and its next one.  In
 * ftrace text the marker comes after the gap, so by then the events of the
 * other CPUs from inside the gap have been judged: a finding is final only
 * once every CPU's stream has passed the end of its evidence (a later loss
 * on a CPU begins at that CPU's latest event, so it cannot reach back
 * before it).  trace.dat and live readers report each loss at its start,
 * so there the stream's own time is every CPU's.
 *
 * Memory: the findings held, one slot per CPU, and the losses as a sorted
 * union of intervals capped at GAPS_MAX (beyond that the two closest are
 * merged: a wider loss only makes more findings inconclusive, never fewer).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/evidence.h"

#define CPUS_MAX	4096		/* CPU ids above share the last slot */
#define GAPS_MAX	4096

struct ecpu {
	uint64_t passed;	/* its latest event */
	uint64_t first;		/* its first event */
	uint64_t open_start;	/* a loss after this, not closed yet */
	uint64_t open_count;
	enum scmwq_loss open_kind;
	bool seen, open;
};

/* A stretch where events were lost: (start, end), both exclusive. */
struct egap {
	uint64_t start, end;
	int cpu;		/* of the first loss in it */
	uint64_t count;		/* events lost, as the markers said (0: unknown) */
	enum scmwq_loss kind;
	unsigned int n;		/* losses merged into it */
};

struct held {
	struct scmwq_finding f;
	uint64_t start, end;
	struct scmwq_doubt *doubt;
};

struct scmwq_evidence {
	scmwq_finding_fn out;
	void *arg;
	int ncpus;		/* from the source; 0: unknown */
	bool in_order;
	uint64_t global;	/* every CPU has passed this */

	struct ecpu *cpu;
	int ncap, nseen, nopen;
	bool start_open;	/* the start was overwritten: unseen CPUs lost their start */
	int min_cpu;		/* the CPU that passed least (text), -1: recompute */
	uint64_t min_passed;

	struct egap *gaps;
	size_t ngaps, gcap;
	uint64_t losses;

	struct held *q;
	size_t qhead, qlen, qcap, qmax;
};

struct scmwq_evidence *scmwq_evidence_alloc(int ncpus, bool in_order, scmwq_finding_fn out,
					    void *arg)
{
	struct scmwq_evidence *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->out = out;
	e->arg = arg;
	e->ncpus = ncpus > 0 ? (ncpus > CPUS_MAX ? CPUS_MAX : ncpus) : 0;
	e->in_order = in_order;
	e->min_cpu = -1;
	return e;
}

struct scmwq_doubt *scmwq_doubt_new(uint64_t since)
{
	struct scmwq_doubt *d = calloc(1, sizeof(*d));

	if (d) {
		d->refs = 1;
		d->since = since;
		d->pid = -1;
	}
	return d;
}

struct scmwq_doubt *scmwq_doubt_get(struct scmwq_doubt *d)
{
	if (d)
		d->refs++;
	return d;
}

void scmwq_doubt_put(struct scmwq_doubt *d)
{
	if (d && !--d->refs)
		free(d);
}

void scmwq_evidence_free(struct scmwq_evidence *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->qlen; i++)
		scmwq_doubt_put(e->q[(e->qhead + i) % e->qcap].doubt);
	free(e->cpu);
	free(e->gaps);
	free(e->q);
	free(e);
}

/* The slot of @cpu, grown on first sight; NULL when out of memory. */
static struct ecpu *cpu_slot(struct scmwq_evidence *e, int cpu)
{
	if (cpu < 0)
		cpu = 0;
	if (cpu >= CPUS_MAX)
		cpu = CPUS_MAX - 1;
	if (cpu >= e->ncap) {
		int ncap = e->ncap ? e->ncap : 8;
		struct ecpu *n;

		while (ncap <= cpu)
			ncap *= 2;
		if (ncap > CPUS_MAX)
			ncap = CPUS_MAX;
		n = realloc(e->cpu, (size_t)ncap * sizeof(*n));
		if (!n)
			return NULL;
		memset(n + e->ncap, 0, (size_t)(ncap - e->ncap) * sizeof(*n));
		e->cpu = n;
		e->ncap = ncap;
	}
	return &e->cpu[cpu];
}

/* ------------------------------------------------------------------ */
/* Losses                                                              */

/* Add (start, end) to the sorted union of gaps. */
static void gap_add(struct scmwq_evidence *e, uint64_t start, uint64_t end, int cpu,
		    uint64_t count, enum scmwq_loss kind)
{
	size_t lo = 0, hi, i;
	struct egap g = { start, end, cpu, count, kind, 1 };

	if (end <= start)
		end = start + 1;	/* events lost between two events at one time */
	g.end = end;
	/* first gap whose end reaches our start */
	hi = e->ngaps;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (e->gaps[mid].end < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	i = lo;
	if (i < e->ngaps && e->gaps[i].start <= end) {
		/* merge with every gap it touches */
		size_t j = i;
		struct egap *m = &e->gaps[i];

		while (j + 1 < e->ngaps && e->gaps[j + 1].start <= end)
			j++;
		if (start < m->start) {
			m->start = start;
			m->cpu = cpu;
			m->kind = kind;
		}
		for (size_t k = i + 1; k <= j; k++) {
			m->n += e->gaps[k].n;
			m->count += e->gaps[k].count;
			if (e->gaps[k].end > m->end)
				m->end = e->gaps[k].end;
		}
		if (end > m->end)
			m->end = end;
		m->n++;
		m->count += count;
		memmove(&e->gaps[i + 1], &e->gaps[j + 1], (e->ngaps - j - 1) * sizeof(*e->gaps));
		e->ngaps -= j - i;
		return;
	}
	if (e->ngaps == e->gcap) {
		size_t ncap = e->gcap ? e->gcap * 2 : 16;
		struct egap *n = ncap <= GAPS_MAX ? realloc(e->gaps, ncap * sizeof(*n)) : NULL;

		if (n) {
			e->gaps = n;
			e->gcap = ncap;
		} else if (e->ngaps >= 2) {
			/* full: merge the two closest neighbours into one wider gap */
			size_t best = 0;

			for (size_t k = 1; k + 1 < e->ngaps; k++)
				if (e->gaps[k + 1].start - e->gaps[k].end <
				    e->gaps[best + 1].start - e->gaps[best].end)
					best = k;
			e->gaps[best].end = e->gaps[best + 1].end;
			e->gaps[best].n += e->gaps[best + 1].n;
			e->gaps[best].count += e->gaps[best + 1].count;
			memmove(&e->gaps[best + 1], &e->gaps[best + 2],
				(e->ngaps - best - 2) * sizeof(*e->gaps));
			e->ngaps--;
			gap_add(e, start, end, cpu, count, kind);
			return;
		} else {
			return;		/* out of memory with almost nothing held */
		}
	}
	memmove(&e->gaps[i + 1], &e->gaps[i], (e->ngaps - i) * sizeof(*e->gaps));
	e->gaps[i] = g;
	e->ngaps++;
}

static void close_open(struct scmwq_evidence *e, int idx, uint64_t ts)
{
	struct ecpu *c = &e->cpu[idx];

	gap_add(e, c->open_start, ts, idx, c->open_count, c->open_kind);
	c->open = false;
	e->nopen--;
}

void scmwq_evidence_event(struct scmwq_evidence *e, int cpu, uint64_t ts)
{
	struct ecpu *c = cpu_slot(e, cpu);

	if (!c)
		return;
	if (!c->seen) {
		c->seen = true;
		c->first = ts;
		c->passed = ts;
		e->nseen++;
		e->min_cpu = -1;
		if (e->start_open)
			gap_add(e, 0, ts, (int)(c - e->cpu), 0, SCMWQ_LOSS_OVERWRITTEN);
	}
	if (c->open)
		close_open(e, (int)(c - e->cpu), ts);
	if (ts > c->passed) {
		c->passed = ts;
		if (e->min_cpu == (int)(c - e->cpu))
			e->min_cpu = -1;
	}
	if (e->in_order && ts > e->global)
		e->global = ts;
	if (e->qlen)
		scmwq_evidence_release(e, false);
}

int scmwq_evidence_loss(struct scmwq_evidence *e, const struct scmwq_event *ev)
{
	struct ecpu *c;
	uint64_t start = ev->gap_start_ns;

	e->losses++;
	if (ev->loss == SCMWQ_LOSS_EVENTS && ev->cpu < 0) {
		/* on a CPU not named: on any, until each has shown an event again */
		for (int i = 0; i < e->ncap; i++) {
			struct ecpu *o = &e->cpu[i];

			if (!o->seen)
				continue;
			if (!o->open) {
				o->open = true;
				o->open_start = start;
				o->open_count = ev->lost_count;
				o->open_kind = ev->loss;
				e->nopen++;
			} else if (start < o->open_start) {
				o->open_start = start;
			}
		}
		return 0;
	}
	if (ev->loss == SCMWQ_LOSS_OVERWRITTEN || ev->cpu < 0) {
		/* every CPU's data begins late: (0, its first event) */
		e->start_open = true;
		for (int i = 0; i < e->ncap; i++)
			if (e->cpu[i].seen)
				gap_add(e, 0, e->cpu[i].first, i, 0, SCMWQ_LOSS_OVERWRITTEN);
		return 0;
	}
	c = cpu_slot(e, ev->cpu);
	if (!c)
		return -1;
	if (ev->loss == SCMWQ_LOSS_CPU_STARTED)
		start = 0;
	if (ev->gap_end_ns > start) {
		gap_add(e, start, ev->gap_end_ns, ev->cpu, ev->lost_count, ev->loss);
		return 0;
	}
	if (c->open) {
		if (start < c->open_start)
			c->open_start = start;
		c->open_count += ev->lost_count;
		return 0;
	}
	c->open = true;
	c->open_start = start;
	c->open_count = ev->lost_count;
	c->open_kind = ev->loss;
	e->nopen++;
	return 0;
}

void scmwq_evidence_advance(struct scmwq_evidence *e, uint64_t now)
{
	if (now > e->global)
		e->global = now;
	if (e->qlen)
		scmwq_evidence_release(e, false);
}

static void describe(char *buf, size_t len, int cpu, uint64_t start, uint64_t end, bool open,
		     uint64_t count, enum scmwq_loss kind, unsigned int n)
{
	char a[32], b[32], what[48];

	scmwq_format_ts(a, sizeof(a), start);
	scmwq_format_ts(b, sizeof(b), end);
	if (n > 1) {
		snprintf(buf, len, "%u losses between %s and %s", n, a, b);
		return;
	}
	if (kind == SCMWQ_LOSS_OVERWRITTEN || kind == SCMWQ_LOSS_CPU_STARTED) {
		if (open)
			snprintf(buf, len, "the trace's start was overwritten: CPU %d's data begins "
				 "later", cpu);
		else
			snprintf(buf, len, "the trace's start was overwritten: CPU %d's data begins "
				 "at %s", cpu, b);
		return;
	}
	if (count)
		snprintf(what, sizeof(what), "lost %" PRIu64 " events", count);
	else
		snprintf(what, sizeof(what), "lost events");
	if (!start && open)
		snprintf(buf, len, "CPU %d %s, with no event of its own after them", cpu, what);
	else if (!start)
		snprintf(buf, len, "CPU %d %s before %s", cpu, what, b);
	else if (open)
		snprintf(buf, len, "CPU %d %s after %s", cpu, what, a);
	else
		snprintf(buf, len, "CPU %d %s between %s and %s", cpu, what, a, b);
}

bool scmwq_evidence_lost(const struct scmwq_evidence *e, uint64_t start, uint64_t end,
			 char *desc, size_t len)
{
	size_t lo = 0, hi = e->ngaps;

	/* the first gap that ends after @start; gaps are disjoint and sorted */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (e->gaps[mid].end <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < e->ngaps && e->gaps[lo].start < end) {
		const struct egap *g = &e->gaps[lo];

		if (desc)
			describe(desc, len, g->cpu, g->start, g->end, false, g->count, g->kind, g->n);
		return true;
	}
	for (int i = 0; e->nopen && i < e->ncap; i++) {
		const struct ecpu *c = &e->cpu[i];

		if (c->open && c->open_start < end) {
			if (desc)
				describe(desc, len, i, c->open_start, 0, true, c->open_count,
					 c->open_kind, 1);
			return true;
		}
	}
	if (e->start_open && end > 0 && (!e->ncpus || e->nseen < e->ncpus)) {
		if (desc)
			snprintf(desc, len, "the trace's start was overwritten (a CPU whose data "
				 "begins later)");
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Held findings                                                       */

/* The time every CPU's stream has passed. */
static uint64_t passed(struct scmwq_evidence *e)
{
	int n;

	if (e->in_order)
		return e->global;
	n = e->ncpus > e->ncap ? e->ncpus : e->ncap;
	if (!e->ncpus || n > e->ncap)
		return e->global;	/* a CPU not seen yet (or not known) holds everything */
	if (e->min_cpu < 0) {
		e->min_cpu = 0;
		for (int i = 0; i < e->ncap; i++) {
			if (i >= e->ncpus && !e->cpu[i].seen)
				continue;
			if (!e->cpu[i].seen) {
				e->min_cpu = i;
				e->min_passed = 0;
				break;
			}
			if (i == 0 || e->cpu[i].passed < e->min_passed) {
				e->min_cpu = i;
				e->min_passed = e->cpu[i].passed;
			}
		}
	}
	return e->min_passed > e->global ? e->min_passed : e->global;
}

static void release_one(struct scmwq_evidence *e, struct held *h)
{
	struct scmwq_finding *f = &h->f;
	const struct scmwq_doubt *d = h->doubt;
	size_t n = strlen(f->message);
	char desc[160], ts[32];

	if (f->severity != SCMWQ_SEV_INFO && !f->inconclusive &&
	    scmwq_evidence_lost(e, h->start, h->end, desc, sizeof(desc))) {
		f->inconclusive = true;
		snprintf(f->message + n, sizeof(f->message) - n,
			 " [inconclusive: events were lost in its evidence: %s]", desc);
	} else if (f->severity != SCMWQ_SEV_INFO && !f->inconclusive && d && d->confirmed) {
		scmwq_format_ts(ts, sizeof(ts), d->since);
		f->inconclusive = true;
		snprintf(f->message + n, sizeof(f->message) - n,
			 " [inconclusive: pid %d %s after events were lost at %s, so a wake "
			 "credited meanwhile may have been its]", d->pid,
			 d->woke ? "had woken unseen" : "had slept unseen", ts);
	}
	e->out(f, e->arg);
	scmwq_doubt_put(h->doubt);
	h->doubt = NULL;
}

int scmwq_evidence_hold(struct scmwq_evidence *e, const struct scmwq_finding *f, uint64_t start,
			uint64_t end, struct scmwq_doubt *doubt)
{
	struct held *h;

	if (e->qlen == e->qcap) {
		size_t ncap = e->qcap ? e->qcap * 2 : 16;
		struct held *n = malloc(ncap * sizeof(*n));

		if (!n) {
			struct held tmp = { *f, start, end, scmwq_doubt_get(doubt) };

			release_one(e, &tmp);
			return -1;
		}
		for (size_t i = 0; i < e->qlen; i++)
			n[i] = e->q[(e->qhead + i) % e->qcap];
		free(e->q);
		e->q = n;
		e->qcap = ncap;
		e->qhead = 0;
	}
	h = &e->q[(e->qhead + e->qlen) % e->qcap];
	h->f = *f;
	h->start = start;
	h->end = end;
	h->doubt = scmwq_doubt_get(doubt);
	e->qlen++;
	if (e->qlen > e->qmax)
		e->qmax = e->qlen;
	return 0;
}

void scmwq_evidence_release(struct scmwq_evidence *e, bool all)
{
	uint64_t now = all ? UINT64_MAX : passed(e);

	if (all) {
		/* no CPU can begin later any more; open losses stay open to the end */
		e->start_open = false;
	}
	while (e->qlen) {
		struct held *h = &e->q[e->qhead];

		if (!all && (h->end > now || (h->doubt && !h->doubt->settled)))
			break;
		release_one(e, h);
		e->qhead = (e->qhead + 1) % e->qcap;
		e->qlen--;
	}
}

size_t scmwq_evidence_held(const struct scmwq_evidence *e, size_t *max)
{
	if (max)
		*max = e->qmax;
	return e->qlen;
}

uint64_t scmwq_evidence_losses(const struct scmwq_evidence *e)
{
	return e->losses;
}
