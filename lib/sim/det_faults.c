// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection in the deterministic engine: the --inject faults armed at
 * their time, the firmware set-up some need before they can happen, and
 * the error when a run cannot arrange one.
 */
#include "sim/det.h"

/*
 * Fault @r's time has come: set up in firmware what it needs to happen
 * (calls parked together, a wake for a quiet wait-queue).
 */
static void arm(struct sim *s, enum scmwq_rule r)
{
	switch (r) {
	case SCMWQ_R_WAKE_ALL_PARTIAL:
	case SCMWQ_R_WAKE_ALL_STUCK:
		s->force_park = true;
		s->force_wq = (uint32_t)(rnd(s) % s->queues);
		for (unsigned int i = 0; i < s->queues && s->fwq[s->force_wq].poisoned; i++)
			s->force_wq = (s->force_wq + 1) % s->queues;
		s->force_park_left = 1000;
		break;
	case SCMWQ_R_DRAIN_ABORTED:
		s->force_park = true;
		s->force_park_left = 1000;
		break;
	case SCMWQ_R_SPURIOUS_WAKE:
		for (unsigned int q = 0; q < s->queues; q++) {
			struct fwq *f = &s->fwq[q];

			if (!f->seen_sleep || f->nparked || f->in_sleep || f->poisoned ||
			    comp_of(s, q)->nwait || comp_of(s, q)->done)
				continue;
			f->no_park_until = s->now + 500 * US;
			sim_push_pending(s, q, SCMWQ_WAKE_ONE, SCMWQ_R_SPURIOUS_WAKE, false);
			s->inflight[r] = true;
			sim_raise_irq(s);
			return;
		}
		s->arm_at[r] = s->now + MS;	/* no quiet wait-queue yet: later */
		return;
	default:
		break;
	}
}

/* Arm the faults of --inject: each at its time, a little after the start. */
void sim_faults_init(struct sim *s)
{
	const struct scmwq_sim_opts *o = s->o;

	for (int i = 0; i < o->n_inject; i++) {
		enum scmwq_rule r = o->inject[i];

		s->fault_count[r]++;
		s->fault[r] = F_ARMED;
		s->arm_at[r] = START_NS + rnd_range(s, 2 * MS, 20 * MS);
		if (r == SCMWQ_R_GET_WQ_CTX_STD_CALL) {
			s->std_getwq = true;
			s->arm_at[r] = START_NS;
		}
	}
	s->give_up = START_NS + 120 * SEC;
}

/* Arm, at the current time, the faults whose time has come. */
void sim_faults_arm_due(struct sim *s)
{
	for (int r = 0; r < SCMWQ_R__COUNT; r++)
		if (s->fault[r] == F_ARMED && !s->inflight[r] && s->now >= s->arm_at[r] &&
		    !s->armed_once[r]) {
			s->armed_once[r] = true;
			arm(s, r);
		} else if (s->fault[r] == F_ARMED && r == SCMWQ_R_SPURIOUS_WAKE &&
			   !s->inflight[r] && s->now >= s->arm_at[r]) {
			arm(s, r);
		}
}

/* A fault the run could not set up in two virtual minutes: -1 with the error. */
int sim_faults_give_up(struct sim *s)
{
	if (outstanding(s) && s->now > s->give_up) {
		for (int r = 0; r < SCMWQ_R__COUNT; r++)
			if (s->fault[r] == F_ARMED)
				return scmwq_error_set(s->err, SCMWQ_E_INTERNAL,
						       "could not set up --inject=%s in this "
						       "run (seed %llu); try another seed",
						       scmwq_rule_info(r)->id,
						       (unsigned long long)s->o->seed);
	}
	return 0;
}
