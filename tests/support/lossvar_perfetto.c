// SPDX-License-Identifier: GPL-2.0
/*
 * The loss matrix's Perfetto writer (lossvar.h): a variant as traced_probes
 * would have recorded it (google/perfetto src/traced/probes/ftrace/
 * cpu_reader.cc), encoded with the library's protobuf wire writer
 * (lib/output/pb_write.c), never with our reader's code.
 *
 * - A Trace of TracePackets (field 1).  First FtraceStats START_OF_TRACE
 *   (overrun 0 on every CPU) and a process_tree with every task's name
 *   (the ps data source's scan at the start, on another sequence); last
 *   FtraceStats END_OF_TRACE with each CPU's overrun.
 * - Read cycles: traced wakes every so many events, reads CPU after CPU
 *   (up or down),
 *   and writes one FtraceEventBundle {cpu, event {timestamp, pid, ...},
 *   previous_bundle_end_timestamp} per CPU that had events: bundles of
 *   several events, in time order per CPU, overlapping across CPUs.
 * - SCM events as ftrace generic events, fields in format-file order:
 *   legacy (FtraceEvent.generic = 327 {event_name; field {name;
 *   str_value | int_value | uint_value}}) or dense (FtraceEvent fields
 *   from 65536, each described by a GenericEventDescriptor at the end of
 *   every bundle using it).  Mainline's `unsigned long args[]` is a type
 *   traced_probes does not know: it copies it as a C string, cut at its
 *   first zero byte.  sched_switch (4) and sched_waking (20) as protos.
 * - A loss, one of two ways (lv_pf_dropped()):
 *   the kernel overwrote the events: the page read next starts a new
 *   bundle with lost_events = true (cpu_reader.cc starts a new packet at a
 *   page with missed events), on the bundle that holds the CPU's next kept
 *   event, and the count goes to END_OF_TRACE's overrun; or Perfetto's own
 *   buffer lost the bundle holding them: no flag, no count, but the next
 *   bundle's previous_bundle_end_timestamp (v47+) is the time of the last
 *   event lost, and in half of them the next packet of the sequence has
 *   previous_packet_dropped (the service saw the gap in its chunks).  A
 *   cut start is lost_events on the CPU's first bundle, or (the trace
 *   buffer overwrote its oldest bundles) a nonzero
 *   previous_bundle_end_timestamp on it.
 *
 * Not imitated: compact_sched; a CPU read a cycle late.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lossvar.h"
#include "pf_events.h"
#include "output/pb_write.h"

/* Field numbers: google/perfetto protos/perfetto/trace/ (tests/perfetto/perfetto_subset.proto) */
enum {
	TRACE_PACKET = 1,
	PKT_FTRACE_EVENTS = 1, PKT_PROCESS_TREE = 2, PKT_SEQ_ID = 10, PKT_FTRACE_STATS = 34,
	PKT_PREV_DROPPED = 42,
	BUNDLE_CPU = 1, BUNDLE_EVENT = 2, BUNDLE_LOST = 3, BUNDLE_PREV_END = 10,
	BUNDLE_DESCRIPTOR = 11,
	EV_TIMESTAMP = 1, EV_PID = 2, EV_SCHED_SWITCH = 4, EV_SCHED_WAKING = 20, EV_GENERIC = 327,
	GEN_EVENT_NAME = 1, GEN_FIELD = 2,
	GF_NAME = 1, GF_STR = 3, GF_INT = 4, GF_UINT = 5,
	DESC_FIELD_ID = 1, DESC_EVENT = 2, DESC_GROUP = 3,
	DP_NAME = 1, DP_FIELD = 2, FDP_NAME = 1, FDP_NUMBER = 3, FDP_TYPE = 5,
	PT_THREADS = 2, TH_TID = 1, TH_NAME = 2, TH_TGID = 3,
	STATS_PHASE = 1, STATS_CPU = 2, CS_CPU = 1, CS_OVERRUN = 3,
};

enum { SEQ_FTRACE = 1, SEQ_PS = 2 };
enum { PHASE_START = 1, PHASE_END = 2 };
/* FieldDescriptorProto.Type */
enum { TYPE_INT64 = 3, TYPE_UINT64 = 4, TYPE_STRING = 9 };

/* ------------------------------------------------------------------ */
/* The writer's state                                                  */

struct pfw {
	const struct lv_trace *t;
	const struct lv_variant *v;
	enum scmwq_system sys;
	bool dense;
	FILE *out;
	struct scmwq_pb pb;
	int err;			/* errno of the first failure, or -1: out of memory */
	bool dropped_next;		/* the next packet: previous_packet_dropped */
	bool dry;			/* no file: only the gaps below */
	/*
	 * The gaps previous_packet_dropped implies to a reader: every CPU
	 * from the oldest of their last events written until each writes an
	 * event again (to: the latest of those; UINT64_MAX while one has not).
	 */
	uint64_t (*gap)[2];
	int ngaps, maxgaps;
	bool waiting[LV_MAX_CPUS];	/* the open gap waits for this CPU's next event */
	bool written[LV_MAX_CPUS];
	uint64_t last_ts[LV_MAX_CPUS];	/* of its last event written */
	struct {
		size_t first, n;	/* the bundle being filled: cpu_ev[] indexes */
		bool lost;		/* it carries lost_events */
		uint64_t prev_end;	/* previous_bundle_end_timestamp */
		uint64_t overrun;
		size_t pos;		/* the CPU's next event in cpu_ev[] */
	} cpu[LV_MAX_CPUS];
};

static void emit(struct pfw *w)
{
	if (w->dry) {
		w->pb.len = 0;
		return;
	}
	if (scmwq_pb_emit(&w->pb, TRACE_PACKET, w->out) < 0 && !w->err)
		w->err = w->pb.oom ? -1 : (errno ? errno : EIO);
	w->pb.oom = false;
}

static void write_stats(struct pfw *w, bool end)
{
	size_t m;

	scmwq_pb_varint(&w->pb, PKT_SEQ_ID, SEQ_FTRACE);
	/* the service flags every sequence's first packet (trace_buffer.cc) */
	if (!end)
		scmwq_pb_varint(&w->pb, PKT_PREV_DROPPED, 1);
	m = scmwq_pb_open(&w->pb, PKT_FTRACE_STATS);
	scmwq_pb_varint(&w->pb, STATS_PHASE, end ? PHASE_END : PHASE_START);
	for (int c = 0; c < w->t->ncpus; c++) {
		size_t cs = scmwq_pb_open(&w->pb, STATS_CPU);

		scmwq_pb_varint(&w->pb, CS_CPU, (uint64_t)c);
		scmwq_pb_varint(&w->pb, CS_OVERRUN, end ? w->cpu[c].overrun : 0);
		scmwq_pb_close(&w->pb, cs);
	}
	scmwq_pb_close(&w->pb, m);
	emit(w);
}

/* Every task's name once, as the ps data source's first scan gives them. */
static void write_names(struct pfw *w)
{
	const struct lv_trace *t = w->t;
	size_t m;
	bool any = false;

	scmwq_pb_varint(&w->pb, PKT_SEQ_ID, SEQ_PS);
	scmwq_pb_varint(&w->pb, PKT_PREV_DROPPED, 1);
	m = scmwq_pb_open(&w->pb, PKT_PROCESS_TREE);
	for (size_t i = 0; i < t->n; i++) {
		const struct scmwq_event *ev = &t->ev[i];
		size_t th, j;

		if (ev->pid <= 0 || !ev->comm[0] || ev->comm[0] == '<')
			continue;
		for (j = 0; j < i && t->ev[j].pid != ev->pid; j++)
			;
		if (j < i)
			continue;	/* named already */
		th = scmwq_pb_open(&w->pb, PT_THREADS);
		scmwq_pb_int(&w->pb, TH_TID, ev->pid);
		scmwq_pb_int(&w->pb, TH_TGID, ev->pid);
		scmwq_pb_str(&w->pb, TH_NAME, ev->comm);
		scmwq_pb_close(&w->pb, th);
		any = true;
	}
	scmwq_pb_close(&w->pb, m);
	if (any)
		emit(w);
	else
		w->pb.len = 0;
}

static void write_generic(struct pfw *w, const struct pf_evals *x)
{
	const struct pf_edesc *d = x->d;
	size_t m;

	if (w->dense) {
		m = scmwq_pb_open(&w->pb, d->dense_id);
		for (uint32_t i = 0; i < 7 && d->f[i].name; i++) {
			if (d->f[i].type == PF_T_STR)
				scmwq_pb_bytes(&w->pb, i + 1, x->s, x->slen);
			else if (d->f[i].type == PF_T_S)
				scmwq_pb_int(&w->pb, i + 1, (int64_t)x->v[i]);
			else
				scmwq_pb_varint(&w->pb, i + 1, x->v[i]);
		}
		scmwq_pb_close(&w->pb, m);
		return;
	}
	m = scmwq_pb_open(&w->pb, EV_GENERIC);
	scmwq_pb_str(&w->pb, GEN_EVENT_NAME, d->name);
	for (int i = 0; i < 7 && d->f[i].name; i++) {
		size_t f = scmwq_pb_open(&w->pb, GEN_FIELD);

		scmwq_pb_str(&w->pb, GF_NAME, d->f[i].name);
		if (d->f[i].type == PF_T_STR)
			scmwq_pb_bytes(&w->pb, GF_STR, x->s, x->slen);
		else if (d->f[i].type == PF_T_S)
			scmwq_pb_int(&w->pb, GF_INT, (int64_t)x->v[i]);
		else
			scmwq_pb_varint(&w->pb, GF_UINT, x->v[i]);
		scmwq_pb_close(&w->pb, f);
	}
	scmwq_pb_close(&w->pb, m);
}

/* GenericEventDescriptor: event_descriptor is a serialised DescriptorProto. */
static void write_descriptor(struct pfw *w, const struct pf_edesc *d)
{
	static const unsigned int tnum[] = { [PF_T_U] = TYPE_UINT64, [PF_T_S] = TYPE_INT64,
					     [PF_T_STR] = TYPE_STRING };
	size_t m = scmwq_pb_open(&w->pb, BUNDLE_DESCRIPTOR), dp;

	scmwq_pb_int(&w->pb, DESC_FIELD_ID, d->dense_id);
	scmwq_pb_str(&w->pb, DESC_GROUP, scmwq_system_name(w->sys));
	dp = scmwq_pb_open(&w->pb, DESC_EVENT);
	scmwq_pb_str(&w->pb, DP_NAME, d->name);
	for (int i = 0; i < 7 && d->f[i].name; i++) {
		size_t f = scmwq_pb_open(&w->pb, DP_FIELD);

		scmwq_pb_str(&w->pb, FDP_NAME, d->f[i].name);
		scmwq_pb_int(&w->pb, FDP_NUMBER, i + 1);
		scmwq_pb_varint(&w->pb, FDP_TYPE, tnum[d->f[i].type]);
		scmwq_pb_close(&w->pb, f);
	}
	scmwq_pb_close(&w->pb, dp);
	scmwq_pb_close(&w->pb, m);
}

/* sched_switch prev_state as the kernel records it (the state letters' bits). */
static int64_t state_bits(char c)
{
	const char *letters = "SDTtXZPI", *p = c ? strchr(letters, c) : NULL;

	return p ? 1 << (p - letters) : 0;
}

static void write_sched(struct pfw *w, const struct scmwq_event *ev)
{
	size_t m;

	if (ev->type == SCMWQ_EV_SCHED_SWITCH) {
		m = scmwq_pb_open(&w->pb, EV_SCHED_SWITCH);
		scmwq_pb_str(&w->pb, 1, ev->comm);		/* prev_comm */
		scmwq_pb_int(&w->pb, 2, ev->pid);		/* prev_pid */
		scmwq_pb_int(&w->pb, 3, 120);			/* prev_prio */
		scmwq_pb_int(&w->pb, 4, state_bits(ev->prev_state));
		scmwq_pb_str(&w->pb, 5, ev->next_comm);
		scmwq_pb_int(&w->pb, 6, ev->next_pid);
		scmwq_pb_int(&w->pb, 7, 120);			/* next_prio */
	} else {
		m = scmwq_pb_open(&w->pb, EV_SCHED_WAKING);
		scmwq_pb_str(&w->pb, 1, ev->next_comm);		/* comm */
		scmwq_pb_int(&w->pb, 2, ev->target_pid);	/* pid */
		scmwq_pb_int(&w->pb, 3, 120);			/* prio */
		scmwq_pb_int(&w->pb, 4, 1);			/* success */
		scmwq_pb_int(&w->pb, 5, ev->cpu);		/* target_cpu */
	}
	scmwq_pb_close(&w->pb, m);
}

/* A packet with previous_packet_dropped: the loss a reader puts on every CPU. */
static void open_gap(struct pfw *w)
{
	uint64_t from = UINT64_MAX;
	int k;

	for (k = 0; k < w->t->ncpus; k++)
		if (w->written[k] && w->last_ts[k] < from)
			from = w->last_ts[k];
	if (w->ngaps == w->maxgaps)
		return;
	w->gap[w->ngaps][0] = from == UINT64_MAX ? 0 : from;
	w->gap[w->ngaps][1] = UINT64_MAX;
	w->ngaps++;
	for (k = 0; k < w->t->ncpus; k++)
		w->waiting[k] = true;
}

/* Write CPU @c's bundle being filled, if it has events. */
static void flush_cpu(struct pfw *w, int c)
{
	const struct lv_trace *t = w->t;
	bool used[PF_NDESCS] = { false };
	uint64_t first_ts;
	size_t m;

	if (!w->cpu[c].n)
		return;
	first_ts = t->ev[t->cpu_ev[c][w->cpu[c].first]].ts_ns;
	scmwq_pb_varint(&w->pb, PKT_SEQ_ID, SEQ_FTRACE);
	if (w->dropped_next) {
		scmwq_pb_varint(&w->pb, PKT_PREV_DROPPED, 1);
		open_gap(w);
	}
	w->dropped_next = false;
	if (w->ngaps && w->waiting[c]) {
		uint64_t *to = &w->gap[w->ngaps - 1][1];

		w->waiting[c] = false;
		*to = *to == UINT64_MAX || *to < first_ts ? first_ts : *to;
		for (int k = 0; k < t->ncpus; k++)
			if (w->waiting[k])
				*to = UINT64_MAX;
	}
	m = scmwq_pb_open(&w->pb, PKT_FTRACE_EVENTS);
	scmwq_pb_varint(&w->pb, BUNDLE_CPU, (uint64_t)c);
	for (size_t k = 0; k < w->cpu[c].n; k++) {
		const struct scmwq_event *ev = &t->ev[t->cpu_ev[c][w->cpu[c].first + k]];
		size_t e = scmwq_pb_open(&w->pb, BUNDLE_EVENT);
		struct pf_evals x;

		scmwq_pb_varint(&w->pb, EV_TIMESTAMP, ev->ts_ns);
		scmwq_pb_varint(&w->pb, EV_PID, (uint64_t)(ev->pid < 0 ? 0 : ev->pid));
		if (ev->type == SCMWQ_EV_SCHED_SWITCH || ev->type == SCMWQ_EV_SCHED_WAKEUP) {
			write_sched(w, ev);
		} else if (pf_event_vals(ev, w->sys == SCMWQ_SYS_SCM, &x)) {
			write_generic(w, &x);
			for (size_t d = 0; d < PF_NDESCS; d++)
				used[d] |= pf_all_descs[d] == x.d;
		}
		scmwq_pb_close(&w->pb, e);
	}
	if (w->cpu[c].lost)
		scmwq_pb_varint(&w->pb, BUNDLE_LOST, 1);
	scmwq_pb_varint(&w->pb, BUNDLE_PREV_END, w->cpu[c].prev_end);
	if (w->dense)
		for (size_t d = 0; d < PF_NDESCS; d++)
			if (used[d])
				write_descriptor(w, pf_all_descs[d]);
	scmwq_pb_close(&w->pb, m);
	emit(w);
	w->cpu[c].prev_end = t->ev[t->cpu_ev[c][w->cpu[c].first + w->cpu[c].n - 1]].ts_ns;
	w->written[c] = true;
	w->last_ts[c] = w->cpu[c].prev_end;
	w->cpu[c].lost = false;
	w->cpu[c].n = 0;
}

/* ------------------------------------------------------------------ */

bool lv_pf_dropped(const struct lv_variant *v, int i)
{
	/* one loss in four is a bundle Perfetto's buffer lost */
	return ((v->salt >> (4 + 2 * i)) & 3) == 3;
}

static const struct lv_loss *loss_of(const struct lv_variant *v, int cpu, int *i)
{
	for (*i = 0; *i < v->n; (*i)++)
		if (v->loss[*i].cpu == cpu)
			return &v->loss[*i];
	return NULL;
}

static uint64_t counted_pf(const struct lv_trace *t, const struct lv_variant *v)
{
	uint64_t n = 0;

	(void)t;
	for (int i = 0; i < v->n; i++)
		if (!lv_pf_dropped(v, i))
			n += v->loss[i].count;
	return n;
}

/* Write @w->v (or, dry, go through it for the gaps). */
static void run(struct pfw *w)
{
	const struct lv_trace *t = w->t;
	const struct lv_variant *v = w->v;
	/* a read cycle every 3 to 6 events per CPU */
	size_t cycle = (size_t)t->ncpus * (3 + ((v->salt >> 2) & 3)), kept = 0;
	bool reverse = (v->salt >> 16) & 1;
	struct lv_iter it;
	struct lv_item item;

	w->sys = t->sys ? t->sys : SCMWQ_SYS_QCOM_SCM;
	w->dense = ((v->salt >> 1) ^ t->n) & 1;
	write_stats(w, false);
	write_names(w);
	lv_iter_init(&it, t, v);
	while (lv_iter_next(&it, &item)) {
		const struct scmwq_event *ev;
		int c, i;

		if (item.kind == LV_LOST) {
			const struct lv_loss *l = loss_of(v, item.cpu, &i);

			c = item.cpu;
			/* the page after the gap starts a new bundle */
			flush_cpu(w, c);
			if (l && lv_pf_dropped(v, i)) {
				w->cpu[c].prev_end = lv_cpu_ts(t, c, l->first + l->count - 1);
				/* the service saw the gap in the sequence's chunks, or not */
				w->dropped_next |= l->first && ((v->salt >> (12 + i)) & 1);
			} else {
				w->cpu[c].lost = true;
				w->cpu[c].overrun += item.count;
			}
			w->cpu[c].pos = l ? l->first + l->count : w->cpu[c].pos;
			continue;
		}
		ev = &t->ev[item.idx];
		c = ev->cpu;
		/* the CPU's events in cpu_ev[] order: skip to this one (after a gap) */
		while (w->cpu[c].pos < t->cpu_n[c] && t->cpu_ev[c][w->cpu[c].pos] != item.idx)
			w->cpu[c].pos++;
		if (!w->cpu[c].n)
			w->cpu[c].first = w->cpu[c].pos;
		w->cpu[c].n++;
		w->cpu[c].pos++;
		if (++kept % cycle == 0)
			for (int k = 0; k < t->ncpus; k++)
				flush_cpu(w, reverse ? t->ncpus - 1 - k : k);
	}
	for (int k = 0; k < t->ncpus; k++)
		flush_cpu(w, k);
	write_stats(w, true);
}

static int write_pf(const struct lv_trace *t, const struct lv_variant *v, const char *path,
		    struct scmwq_error *err)
{
	struct pfw *w = calloc(1, sizeof(*w));
	int ret = 0;

	if (!w)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	w->t = t;
	w->v = v;
	w->out = fopen(path, "w");
	if (!w->out) {
		ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: cannot write: %s", path,
				      strerror(errno));
		free(w);
		return ret;
	}
	run(w);
	if (fclose(w->out) != 0 && !w->err)
		w->err = errno ? errno : EIO;
	if (w->err)
		ret = scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: cannot write: %s", path,
				      w->err < 0 ? "out of memory" : strerror(w->err));
	scmwq_pb_free(&w->pb);
	free(w);
	return ret;
}

static int gaps_pf(const struct lv_trace *t, const struct lv_variant *v, uint64_t (*gap)[2],
		   int max)
{
	struct pfw *w;
	bool any = false;
	int n;

	for (int i = 0; i < v->n; i++)
		any |= lv_pf_dropped(v, i) && v->loss[i].first && ((v->salt >> (12 + i)) & 1);
	if (!any)
		return 0;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -1;
	w->t = t;
	w->v = v;
	w->dry = true;
	w->gap = gap;
	w->maxgaps = max;
	run(w);
	n = w->ngaps;
	scmwq_pb_free(&w->pb);
	free(w);
	return n;
}

const struct lv_writer lv_writer_perfetto = { "perfetto", "pftrace", write_pf, counted_pf,
					      gaps_pf };
