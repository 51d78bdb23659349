/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Held verdicts (lib/model/evidence.c): where a trace lost data, and findings
 * waiting until every CPU's stream has passed the end of their evidence
 * (replay.md section 1, "Lost data").  The model hands every finding over
 * with the span of the trace its verdict rests on; a finding goes out only
 * when no loss can still be found inside that span, and inconclusive when
 * one was.  Not installed.
 */
#ifndef SCMWQ_EVIDENCE_H
#define SCMWQ_EVIDENCE_H

#include "model/model.h"

struct scmwq_evidence;

/*
 * A doubt about who slept on the wait-queues.  After a loss, every thread
 * may have changed state unseen until it shows itself again; wakes
 * credited meanwhile may have been for a thread asleep unseen.  Verdicts
 * that rest on them hold a reference and wait until every such thread has
 * shown itself (the doubt is settled), and are inconclusive when one had
 * slept or woken unseen (confirmed).  Reference counted.
 */
struct scmwq_doubt {
	unsigned int refs;
	bool settled;
	bool confirmed;
	uint64_t since;		/* the loss it began with */
	int pid;		/* who confirmed it */
	bool woke;		/* a known sleeper woke unseen (else: slept unseen) */
};

struct scmwq_doubt *scmwq_doubt_new(uint64_t since);
/* Both take NULL. */
struct scmwq_doubt *scmwq_doubt_get(struct scmwq_doubt *d);
void scmwq_doubt_put(struct scmwq_doubt *d);

/*
 * @ncpus: the trace's CPUs (0: unknown, then verdicts wait for the end of
 * the input); @in_order: the source reports every loss before any event
 * after the loss began (trace.dat, live), so the stream's time is every
 * CPU's; otherwise (ftrace text) a loss is seen only after its gap, on
 * that CPU's next event.  @out gets each finding as it is released.
 */
struct scmwq_evidence *scmwq_evidence_alloc(int ncpus, bool in_order, scmwq_finding_fn out,
					    void *arg);
void scmwq_evidence_free(struct scmwq_evidence *e);

/* An event on @cpu at @ts: that CPU's stream has passed @ts; closes its gap. */
void scmwq_evidence_event(struct scmwq_evidence *e, int cpu, uint64_t ts);
/*
 * A loss (an SCMWQ_EV_LOST): on its CPU, or on every CPU (cpu < 0: the
 * trace's start was overwritten, each CPU's data begins at its first event).
 * Returns -1 when out of memory.
 */
int scmwq_evidence_loss(struct scmwq_evidence *e, const struct scmwq_event *ev);
/* Every CPU's stream has passed @now (monitor: the live reader's watermark). */
void scmwq_evidence_advance(struct scmwq_evidence *e, uint64_t now);

/*
 * Does a loss lie in [@start, @end]?  Fills @desc (may be NULL) with the
 * first such loss in words.
 */
bool scmwq_evidence_lost(const struct scmwq_evidence *e, uint64_t start, uint64_t end,
			 char *desc, size_t len);

/*
 * Hold @f, whose evidence spans [@start, @end], until every CPU has passed
 * @end and @doubt (may be NULL) is settled; then it goes to @out,
 * inconclusive (the reason in its message) when a loss lies in its span or
 * the doubt was confirmed, unless it is an info.  Returns -1 when out of
 * memory (@f is then released at once).
 */
int scmwq_evidence_hold(struct scmwq_evidence *e, const struct scmwq_finding *f, uint64_t start,
			uint64_t end, struct scmwq_doubt *doubt);
/* Release what may go now; at the end of the input (@all) everything. */
void scmwq_evidence_release(struct scmwq_evidence *e, bool all);
/* Findings held now, and at most so far. */
size_t scmwq_evidence_held(const struct scmwq_evidence *e, size_t *max);
/* Losses recorded (gaps), for the summary. */
uint64_t scmwq_evidence_losses(const struct scmwq_evidence *e);

#endif /* SCMWQ_EVIDENCE_H */
