// SPDX-License-Identifier: GPL-2.0
/*
 * Where a Perfetto trace lost events, as loss marks (replay.md: a loss on
 * CPU N lies between N's previous event and its next one).
 *
 * - FtraceEventBundle.lost_events: the kernel overwrote events of that CPU
 *   between traced_probes' previous read and this bundle's first event.
 * - previous_bundle_end_timestamp (v47+) later than the CPU's last event
 *   read: a bundle of that CPU is missing from the file (Perfetto's own
 *   buffer dropped or overwrote it).  On a CPU's first bundle, a nonzero
 *   one means the trace's start was overwritten: that CPU's data begins
 *   late.
 * - TracePacket.previous_packet_dropped on the ftrace sequence: a bundle of
 *   an unknown CPU is missing: a loss on every CPU from the oldest of their
 *   latest events until each shows an event again.  Not on a sequence's
 *   first packet: the service flags that one in every trace (it has no
 *   previous packet to vouch for: google/perfetto trace_packet.proto,
 *   src/tracing/service/trace_buffer_v1.cc), and Perfetto's trace
 *   processor ignores it there too.  A sequence whose first packet we do
 *   not know (no sequence id, or more than PF_SEQS sequences) keeps the
 *   loss.
 * - FtraceStats: the overrun grown between START_OF_TRACE and END_OF_TRACE
 *   is the count of the losses above.  On a CPU where no loss was located,
 *   it is a loss at an unknown place: marked over that CPU's whole trace.
 *   It comes with the end of the trace, so findings already given out are
 *   not revisited (traced_probes flags every bundle after a kernel
 *   overwrite, so this is the case of a flagged bundle that was itself
 *   lost).
 */
#include <string.h>

#include "source/perfetto.h"

/* Queue a loss mark on @cpu's queue (-1: PF_GLOBAL); its slot, or -1. */
static int64_t push_loss(struct pf *pf, int cpu, bool global, enum scmwq_loss kind,
			 uint64_t count, uint64_t start, uint64_t end)
{
	struct scmwq_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = SCMWQ_EV_LOST;
	ev.loss = kind;
	ev.cpu = cpu;
	ev.pid = -1;
	ev.lost_count = count;
	ev.ts_ns = start;
	ev.gap_start_ns = start;
	ev.gap_end_ns = end;
	ev.where = pf->pkt_off;
	if (cpu >= 0)
		pf->cpu[cpu].lost_seen = true;
	return pf_push(pf, global || cpu < 0 ? PF_GLOBAL : (uint32_t)cpu, &ev);
}

int pf_loss_bundle(struct pf *pf, int cpu, bool lost, uint64_t prev_end, int64_t *mark)
{
	const struct pf_cpu *c = &pf->cpu[cpu];

	*mark = -1;
	if (!c->seen && lost)
		*mark = push_loss(pf, cpu, false, SCMWQ_LOSS_EVENTS, 0, 0, 0);
	else if (!c->seen && prev_end)
		*mark = push_loss(pf, cpu, false, SCMWQ_LOSS_CPU_STARTED, 0, 0, 0);
	else if (c->seen && (lost || prev_end > c->last_ts))
		*mark = push_loss(pf, cpu, false, SCMWQ_LOSS_EVENTS, 0, c->last_ts, 0);
	else
		return 0;
	return *mark < 0 ? -1 : 0;
}

/* Whether this is sequence @seq's first packet (then it is remembered). */
static bool seq_first(struct pf *pf, uint32_t seq)
{
	for (size_t i = 0; i < pf->nseqs; i++)
		if (pf->seqs[i] == seq)
			return false;
	if (pf->nseqs == PF_SEQS)
		return false;
	pf->seqs[pf->nseqs++] = seq;
	return true;
}

int pf_loss_packet(struct pf *pf, bool has_seq, uint32_t seq, bool dropped, bool ftrace)
{
	uint64_t start = UINT64_MAX;
	bool first = has_seq && seq_first(pf, seq);

	if (!dropped || !ftrace || first)
		return 0;

	for (int i = 0; i < PF_CPUS; i++)
		if (pf->cpu[i].seen && pf->cpu[i].last_ts < start)
			start = pf->cpu[i].last_ts;
	return push_loss(pf, -1, true, SCMWQ_LOSS_EVENTS, 0, start == UINT64_MAX ? 0 : start, 0) < 0 ?
	       -1 : 0;
}

/* FtraceCpuStats: cpu (1) and overrun (3). */
static int cpu_stats(struct scmwq_source *src, struct pf *pf, struct pb_msg m, bool end,
		     struct scmwq_error *err)
{
	uint64_t cpu = UINT64_MAX, overrun = 0, delta;
	struct pb_field f;
	const char *why;
	int r;

	while ((r = pb_next(&m, &f, &why)) > 0) {
		if (f.num == 1 && f.wire == PB_VARINT)
			cpu = f.v;
		else if (f.num == 3 && f.wire == PB_VARINT)
			overrun = f.v;
	}
	if (r < 0)
		return pf_garbled(src, pf, m.p, "a FtraceCpuStats", why, err);
	if (cpu >= PF_CPUS)
		return 0;
	if (!end) {
		pf->overrun_start[cpu] = overrun > INT64_MAX ? INT64_MAX : (int64_t)overrun;
		return 0;
	}
	if (pf->overrun_start[cpu] < 0 || overrun <= (uint64_t)pf->overrun_start[cpu])
		return 0;	/* no start to count from, or nothing lost */
	delta = overrun - (uint64_t)pf->overrun_start[cpu];
	pf->overrun_start[cpu] = (int64_t)overrun;
	if (pf->cpu[cpu].lost_seen) {
		src->lost += delta;
		return 0;
	}
	if (push_loss(pf, (int)cpu, true, SCMWQ_LOSS_EVENTS, delta, 0,
		      pf->cpu[cpu].seen ? pf->cpu[cpu].last_ts + 1 : 0) < 0)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	return 0;
}

int pf_stats(struct scmwq_source *src, struct pf *pf, struct pb_msg m, struct scmwq_error *err)
{
	struct pb_msg it = m;
	struct pb_field f;
	uint64_t phase = 0;
	const char *why;
	int r;

	while ((r = pb_next(&it, &f, &why)) > 0)
		if (f.num == 1 && f.wire == PB_VARINT)
			phase = f.v;
	if (r < 0)
		return pf_garbled(src, pf, it.p, "a FtraceStats", why, err);
	if (phase != 1 && phase != 2)
		return 0;
	it = m;
	while (pb_next(&it, &f, &why) > 0)
		if (f.num == 2 && f.wire == PB_LEN &&
		    cpu_stats(src, pf, pb_sub(&f), phase == 2, err) < 0)
			return -1;
	return 0;
}
