// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection in the live engine: the --inject faults it can cause,
 * each armed after the warm-up, settled once the trace has gone on long
 * enough after it (or given up), and the truth it leaves.
 */
#include "sim/live.h"

/* The live fault behind replay rule @rule; FK_NONE: the live engine cannot cause it. */
static enum fkind fault_kind(enum scmwq_rule rule)
{
	switch (rule) {
	case SCMWQ_R_WAKE_ALL_PARTIAL:
		return FK_WAKE_ALL;
	case SCMWQ_R_LONG_SLEEP:
		return FK_LONG;
	case SCMWQ_R_STRANDED_SLEEPER:
		return FK_STRAND;
	case SCMWQ_R_SLOW_RESUME:
		return FK_SLOW;
	default:
		return FK_NONE;
	}
}

/* The faults of --inject in the order they are armed, or a usage error. */
int live_setup_faults(struct live *L, struct scmwq_error *err)
{
	const struct scmwq_sim_opts *o = L->o;
	bool want[FK_SLOW + 1] = { false };

	for (int i = 0; i < o->n_inject; i++) {
		enum scmwq_rule r = o->inject[i];
		enum fkind k = fault_kind(r);

		if (k == FK_NONE)
			return scmwq_error_set(err, SCMWQ_E_USAGE,
					       "--inject=%s: the live engine cannot cause it "
					       "(live: stranded-sleeper, long-sleep, slow-resume; "
					       "wake-all-partial with --driver=vendor)",
					       scmwq_rule_info(r)->id);
		if (k == FK_WAKE_ALL && L->drv != SCMWQ_DRV_VENDOR)
			return scmwq_error_set(err, SCMWQ_E_USAGE,
					       "--inject=wake-all-partial needs --driver=vendor "
					       "(not %s)", scmwq_driver_name(L->drv));
		if (k == FK_WAKE_ALL && L->nclients < 2)
			return scmwq_error_set(err, SCMWQ_E_USAGE,
					       "--inject=wake-all-partial needs --threads of 2 or "
					       "more: two calls parked at once");
		want[k] = true;
	}
	if (want[FK_WAKE_ALL] && (want[FK_LONG] || want[FK_STRAND] || want[FK_SLOW]) && L->nq < 2)
		return scmwq_error_set(err, SCMWQ_E_USAGE,
				       "--inject=wake-all-partial with another fault needs "
				       "--queues of 2 or more: the WAKE_ALL's wait-queue is not "
				       "used again");
	/* in this order: a stranded sleeper on mainline stops every later call */
	for (int k = FK_WAKE_ALL; k <= FK_SLOW; k++) {
		struct lfault *f;

		if (!want[k])
			continue;
		f = &L->faults[L->nfaults++];
		f->kind = (enum fkind)k;
		f->rule = k == FK_WAKE_ALL ? SCMWQ_R_WAKE_ALL_PARTIAL :
			  k == FK_LONG ? SCMWQ_R_LONG_SLEEP :
			  k == FK_SLOW ? SCMWQ_R_SLOW_RESUME : SCMWQ_R_STRANDED_SLEEPER;
		f->pid = -1;
	}
	return 0;
}

/*
 * Move the faults along (fw_lock held): arm the next one after the
 * warm-up, settle the one whose trace has gone on long enough.  @stopping:
 * the run is over; a fault not arranged yet is given up.  Returns true
 * when every fault is settled or given up.
 */
bool live_faults_tick(struct live *L, uint64_t now, bool stopping)
{
	struct lfault *f;

	while ((f = cur_fault(L)) != NULL) {
		switch (f->st) {
		case FS_PENDING:
			if (stopping) {
				f->st = FS_ABANDONED;
				break;
			}
			if (atomic_load(&L->calls_done) < L->warm_calls || now - L->t0 < WARM_TIME)
				return false;
			if (f->kind == FK_WAKE_ALL) {
				int w = live_wq_pick_empty(L);

				if (w < 0)
					return false;
				f->wq = (uint32_t)w;
				f->has_wq = true;
				L->wqs[w].gathering = true;
				L->wqs[w].gather = L->group_n;
			}
			f->st = FS_ARMED;
			f->armed_at = now;
			return false;
		case FS_ARMED:
			if (f->target || f->fired ||
			    (!stopping && now - f->armed_at < FAULT_GIVE_UP))
				return false;
			if (f->kind == FK_WAKE_ALL) {
				/* its sleepers are woken one by one, as usual */
				L->wqs[f->wq].gathering = false;
				L->wqs[f->wq].gather = 0;
				pthread_cond_signal(&L->fw_cond);
			}
			f->st = FS_ABANDONED;
			break;
		case FS_HAPPENED:
			if (f->kind == FK_LONG || f->kind == FK_SLOW ? !f->ended : now < f->until)
				return false;
			f->st = FS_SETTLED;
			if (f->kind != FK_WAKE_ALL)
				break;
			/* replay: missed if not resumed within --grace of the WAKE_ALL */
			for (int i = 0; i < f->n_group; i++) {
				struct lthread *s = f->group[i];

				if (!s->group_resume ||
				    s->group_resume / NS_US > f->ts / NS_US + GRACE / NS_US)
					f->n_lost++;
				if (!s->group_resume)
					atomic_store(&s->stuck, true);
			}
			break;
		default:
			break;
		}
		L->cur++;
	}
	return true;
}

/* Does the fault in progress still need calls to happen? (fw_lock) */
bool live_fault_needs_calls(struct live *L)
{
	struct lfault *f = cur_fault(L);

	return f && (f->st == FS_PENDING || (f->st == FS_ARMED && !f->fired && !f->target));
}

/* Fill @it from the record of fault @f; @with_ctx: it names the call. */
static struct scmwq_truth_item *truth_copy(struct scmwq_truth_item *it, const struct lfault *f,
					   bool with_ctx)
{
	if (!it)
		return NULL;
	it->ts_ns = f->ts / NS_US * NS_US;	/* as the text trace prints it */
	it->pid = f->pid;
	snprintf(it->comm, sizeof(it->comm), "%s", f->comm);
	it->has_wq_ctx = f->has_wq;
	it->wq_ctx = f->wq;
	it->has_ctx = with_ctx;
	it->smc_call_ctx = with_ctx ? f->ctx : 0;
	/* (written for findings only) from the calls involved, to the end unless known */
	it->evidence_start_ns = f->ev_start ? f->ev_start / NS_US * NS_US : it->ts_ns;
	it->evidence_end_ns = (f->kind == FK_LONG || f->kind == FK_SLOW) && f->ev_end ?
			      f->ev_end : SCMWQ_TRUTH_TO_END;
	return it;
}

/* The truth of the run: each fault that happened and the finding it causes. */
void live_make_truth(struct live *L, struct scmwq_truth *truth, struct scmwq_sim_result *res)
{
	for (int i = 0; i < L->nfaults; i++) {
		const struct lfault *f = &L->faults[i];
		struct scmwq_truth_item *it;

		if (f->st != FS_SETTLED && f->st != FS_HAPPENED)
			continue;
		res->faults++;
		switch (f->kind) {
		case FK_STRAND:
			it = truth_copy(scmwq_truth_fault(truth, f->rule), f, true);
			if (it)
				snprintf(it->detail, sizeof(it->detail), "IRQ not wired: firmware "
					 "parked the call and never raised the waitq IRQ for it; "
					 "its wake was dropped");
			truth_copy(scmwq_truth_finding(truth, f->rule), f, true);
			break;
		case FK_LONG:
			it = truth_copy(scmwq_truth_fault(truth, f->rule), f, true);
			if (it)
				snprintf(it->detail, sizeof(it->detail), "firmware held the parked "
					 "call's resource for %llu ms before raising its wake",
					 (unsigned long long)(LONG_HOLD / NS_MS));
			truth_copy(scmwq_truth_finding(truth, f->rule), f, true);
			break;
		case FK_SLOW:
			it = truth_copy(scmwq_truth_fault(truth, f->rule), f, true);
			if (it)
				snprintf(it->detail, sizeof(it->detail), "the woken task was not "
					 "scheduled again for %llu to %llu ms: it resumed late, on "
					 "its own wake", (unsigned long long)(SLOW_MIN / NS_MS),
					 (unsigned long long)(SLOW_MAX / NS_MS));
			truth_copy(scmwq_truth_finding(truth, f->rule), f, true);
			break;
		case FK_WAKE_ALL:
			it = truth_copy(scmwq_truth_fault(truth, f->rule), f, false);
			if (it)
				snprintf(it->detail, sizeof(it->detail),
					 "firmware sent WAKE_ALL to %d sleepers on wq_ctx %u; the "
					 "vendor driver's complete_all() then reinit_completion() "
					 "lost %d of them (by timing)", f->n_group, f->wq,
					 f->n_lost);
			if (f->n_lost)
				truth_copy(scmwq_truth_finding(truth, f->rule), f, false);
			break;
		default:
			break;
		}
	}
}
