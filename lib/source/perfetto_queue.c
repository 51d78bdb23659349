// SPDX-License-Identifier: GPL-2.0
/*
 * What the Perfetto reader keeps between packets: the decoded events
 * waiting for their turn in the time-ordered merge (one FIFO per CPU and
 * PF_GLOBAL, in one slab), the task names, and the messages of a garbled
 * trace.  The bottom of the reader: perfetto.c, perfetto_ftrace.c and
 * perfetto_loss.c call it, it calls none of them.  Why a window and how
 * big: perfetto.c.
 */
#include <stdlib.h>
#include <string.h>

#include "source/perfetto.h"

#define PF_NAMES_MAX	(1u << 18)	/* task names kept */

/* ------------------------------------------------------------------ */
/* Errors                                                              */

int pf_garbled(struct scmwq_source *src, struct pf *pf, const uint8_t *at, const char *what,
	       const char *why, struct scmwq_error *err)
{
	uint64_t off = pf->pkt_off + (uint64_t)(at - pf->pkt);

	return scmwq_error_set(err, SCMWQ_E_DATA, "%s: corrupted Perfetto trace: %s at offset %llu "
			       "(in the packet at offset %llu): expected %s", src->display, what,
			       (unsigned long long)off, (unsigned long long)pf->pkt_off, why);
}


/* ------------------------------------------------------------------ */
/* Names                                                               */

void pf_name(struct pf *pf, int pid, const char *name, size_t len)
{
	struct pf_name *n;

	if (pid <= 0 || !len || name[0] == '<')
		return;
	if (len >= SCMWQ_COMM_LEN)
		len = SCMWQ_COMM_LEN - 1;
	n = scmwq_pidmap_find(&pf->names, pid);
	if (!n) {
		if (pf->names.count >= PF_NAMES_MAX)
			return;
		n = calloc(1, sizeof(*n));
		if (!n)
			return;		/* only a name */
		n->pid = pid;
		if (scmwq_pidmap_add(&pf->names, n) < 0) {
			free(n);
			return;
		}
	}
	memcpy(n->comm, name, len);
	n->comm[len] = '\0';
}

static void lookup(const struct pf *pf, int pid, char *comm)
{
	const struct pf_name *n;

	if (comm[0])
		return;
	if (pid == 0) {
		strcpy(comm, "<idle>");
		return;
	}
	n = pid > 0 ? scmwq_pidmap_find(&pf->names, pid) : NULL;
	strcpy(comm, n ? n->comm : "<...>");
}


/* ------------------------------------------------------------------ */
/* The merge                                                           */

void pf_queue_init(struct pf_queue *q)
{
	q->head = q->tail = PF_NONE;
	q->n = 0;
}

int64_t pf_push(struct pf *pf, uint32_t qi, const struct scmwq_event *ev)
{
	struct pf_queue *q = &pf->queue[qi];
	uint32_t s;

	if (pf->free_head == PF_NONE) {
		uint32_t ncap = pf->nslots * 2 + 256;
		struct scmwq_event *ns;
		uint32_t *nn;

		if (ncap <= pf->nslots)
			return -1;
		ns = realloc(pf->slots, (size_t)ncap * sizeof(*ns));
		if (!ns)
			return -1;
		pf->slots = ns;
		nn = realloc(pf->next, (size_t)ncap * sizeof(*nn));
		if (!nn)
			return -1;
		pf->next = nn;
		for (uint32_t i = ncap; i > pf->nslots; i--) {
			nn[i - 1] = pf->free_head;
			pf->free_head = i - 1;
		}
		pf->nslots = ncap;
	}
	s = pf->free_head;
	pf->free_head = pf->next[s];
	pf->slots[s] = *ev;
	pf->next[s] = PF_NONE;
	if (q->tail == PF_NONE) {
		q->head = s;
		q->head_ts = ev->ts_ns;
		q->active_at = pf->nactive;
		pf->active[pf->nactive++] = qi;
	} else {
		pf->next[q->tail] = s;
	}
	q->tail = s;
	q->n++;
	pf->queued++;
	if (ev->type != SCMWQ_EV_LOST && ev->ts_ns > pf->newest)
		pf->newest = ev->ts_ns;
	return s;
}

/* The queue whose first event is the earliest (PF_NONE: all empty). */
uint32_t pf_earliest(const struct pf *pf)
{
	uint32_t best = PF_NONE;
	uint64_t bts = 0;

	for (uint32_t i = 0; i < pf->nactive; i++) {
		uint32_t qi = pf->active[i];
		uint64_t ts = pf->queue[qi].head_ts;

		if (best == PF_NONE || ts < bts || (ts == bts && qi < best)) {
			best = qi;
			bts = ts;
		}
	}
	return best;
}

/* Give out the first event of queue @qi. */
void pf_release(struct scmwq_source *src, struct pf *pf, uint32_t qi, struct scmwq_event *ev)
{
	struct pf_queue *q = &pf->queue[qi];
	uint32_t s = q->head;

	*ev = pf->slots[s];
	q->head = pf->next[s];
	pf->next[s] = pf->free_head;
	pf->free_head = s;
	pf->queued--;
	if (q->n > 1)
		q->head_ts = pf->slots[q->head].ts_ns;
	if (!--q->n) {
		uint32_t last = pf->active[--pf->nactive];

		q->tail = PF_NONE;
		pf->active[q->active_at] = last;
		pf->queue[last].active_at = q->active_at;
	}
	if (ev->type == SCMWQ_EV_LOST) {
		src->lost += ev->lost_count;
		return;
	}
	if (pf->any_released && ev->ts_ns < pf->released) {
		char msg[200], a[32], b[32];

		scmwq_format_ts(a, sizeof(a), ev->ts_ns);
		scmwq_format_ts(b, sizeof(b), pf->released);
		snprintf(msg, sizeof(msg), "an event of CPU %d at %s comes after events up to %s: "
			 "later than the 2 s merge window of the CPUs' bundles; given out of order",
			 ev->cpu, a, b);
		scmwq_source_diag(src, ev->where, msg);
	}
	if (ev->ts_ns > pf->released)
		pf->released = ev->ts_ns;
	pf->any_released = true;
	lookup(pf, ev->pid, ev->comm);
	if (ev->type == SCMWQ_EV_SCHED_SWITCH)
		lookup(pf, ev->next_pid, ev->next_comm);
	else if (ev->type == SCMWQ_EV_SCHED_WAKEUP)
		lookup(pf, ev->target_pid, ev->next_comm);
}

