// SPDX-License-Identifier: GPL-2.0
/*
 * The deterministic engine's record of the truth: a fault that happened,
 * the finding replay must report for it, and the span of the trace that
 * finding's evidence covers.
 */
#include <string.h>

#include "sim/det.h"

static struct scmwq_truth_item *fill(struct scmwq_truth_item *it, struct sim *s, int ti,
				     uint64_t ts, bool wq, uint32_t wq_ctx, bool has_ctx,
				     uint32_t ctx)
{
	if (!it)
		return NULL;
	it->ts_ns = ts;
	it->pid = s->thr[ti].pid;
	memcpy(it->comm, s->thr[ti].comm, sizeof(it->comm));
	it->has_wq_ctx = wq;
	it->wq_ctx = wq_ctx;
	it->has_ctx = has_ctx;
	it->smc_call_ctx = ctx;
	return it;
}

/*
 * The evidence of a finding: the span of the trace its verdict rests on,
 * for the loss matrix (tests/unit/test_lossmatrix.c) to tell which losses
 * may hide it.  Generous rather than tight: it starts with the earliest
 * call involved (for IRQ-path findings, every call in progress and the IRQ
 * burst) and ends where the verdict is decided, at the end of the trace for
 * a sleeper that never resumes.
 */
static uint64_t min_nz(uint64_t a, uint64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

/*
 * Where the evidence of @t's call begins: the end of its previous call
 * (what shows that this request starts a new call), or the call's first
 * scm_smc_request when it is the thread's first.  0: not in a call.
 */
uint64_t sim_call_from(const struct sthr *t)
{
	if (!t->call_ts)
		return 0;
	return t->prev_done ? t->prev_done : t->call_ts;
}

/* The earliest start of a client call in progress (0: none), or @from if earlier. */
uint64_t sim_calls_in_progress(struct sim *s, uint64_t from)
{
	for (int i = FIRST_CLIENT; i < s->nthr; i++)
		if (s->thr[i].in_call)
			from = min_nz(from, sim_call_from(&s->thr[i]));
	return from;
}

static void evidence(struct sim *s, struct scmwq_truth_item *it, enum scmwq_rule r, int ti)
{
	struct sthr *t = &s->thr[ti];
	uint64_t from;

	if (ti == IRQ) {
		from = sim_calls_in_progress(s, s->burst_ts);
		if (r == SCMWQ_R_SPURIOUS_WAKE && it->has_wq_ctx) {
			/* "no sleeper": every thread that last slept there has resumed */
			for (int i = 0; i < s->nthr; i++)
				from = min_nz(from, s->slept_call[it->wq_ctx % MAX_QUEUES][i]);
		}
		it->evidence_start_ns = from ? from : s->now;
		/* their sleepers never resume */
		if (r == SCMWQ_R_DRAIN_ABORTED || r == SCMWQ_R_WAKE_ALL_REJECTED ||
		    r == SCMWQ_R_WAKE_ALL_PARTIAL)
			it->evidence_end_ns = SCMWQ_TRUTH_TO_END;
		else
			it->evidence_end_ns = s->now + SCMWQ_TRUTH_SKEW_NS;
		return;
	}
	from = sim_call_from(t);
	if (r == SCMWQ_R_INVALID_WQ_CTX && s->o->driver == SCMWQ_DRV_MAINLINE)
		from = START_NS;	/* the wait-queue count, from GET_INFO */
	else if (r == SCMWQ_R_PREMATURE_RESUME)
		from = min_nz(from, s->premature_from);
	else if (r == SCMWQ_R_WAKE_ALL_STUCK)
		from = min_nz(from, s->stuck_from);
	it->evidence_start_ns = from ? from : s->now;
	/* to the end of its call; a call that never ends: the end of the trace */
	it->evidence_end_ns = SCMWQ_TRUTH_TO_END;
	if (t->in_call && t->n_until_done < (int)ARRAY_SIZE(t->until_done))
		t->until_done[t->n_until_done++] = (int)(it - s->truth.findings);
}

/*
 * A fault happened: record it and the finding replay must report, and
 * keep the trace going long enough for replay to be sure.
 */
void sim_happened(struct sim *s, enum scmwq_rule r, int ti, uint64_t ts, bool wq,
		  uint32_t wq_ctx, bool has_ctx, uint32_t ctx, const char *detail)
{
	struct scmwq_truth_item *f = fill(scmwq_truth_fault(&s->truth, r), s, ti, s->now, wq,
					  wq_ctx, has_ctx, ctx);

	struct scmwq_truth_item *it;

	if (f)
		snprintf(f->detail, sizeof(f->detail), "%s", detail);
	it = fill(scmwq_truth_finding(&s->truth, r), s, ti, ts, wq, wq_ctx, has_ctx, ctx);
	if (it)
		evidence(s, it, r, ti);
	s->fault[r] = F_DONE;
	s->inflight[r] = false;
	s->res->faults++;
	if (s->end_not_before < s->now + GRACE_TAIL)
		s->end_not_before = s->now + GRACE_TAIL;
	/* another injection of the same rule arms once this one is done */
	if (--s->fault_count[r] > 0) {
		s->fault[r] = F_ARMED;
		s->arm_at[r] = s->now + 2 * GRACE_TAIL;
	}
}
