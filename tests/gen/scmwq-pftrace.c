// SPDX-License-Identifier: GPL-2.0
/*
 * scmwq-pftrace: write a trace (any format scmwq-trace reads) as the
 * Perfetto trace traced_probes would have recorded of the same kernel
 * events, for tests and benchmarks of the Perfetto source.
 *
 *   scmwq-pftrace [--generic=legacy|dense] [--sched=proto|compact]
 *                 [--tick=NS] [--binary] TRACE > out
 *
 * Output: text format of tests/perfetto/perfetto_subset.proto (encode it
 * with `protoc --encode=perfetto.protos.Trace`), or with --binary the
 * encoded bytes directly (for traces too big for protoc; check it against
 * `protoc --decode` on a small one).
 *
 * What it imitates of traced_probes (src/traced/probes/ftrace/cpu_reader.cc):
 * - one FtraceEventBundle per CPU per read cycle: every --tick (default
 *   100 ms, the default drain period) the CPUs' events of that period, CPU
 *   after CPU, so bundles of different CPUs overlap in time;
 * - SCM events as generic events, fields in format-file order:
 *   legacy (FtraceEvent.generic, Field {name; uint_value|int_value|
 *   str_value}) or dense (FtraceEvent fields from 65536, described by
 *   GenericEventDescriptor at the end of each bundle that uses them);
 *   unsigned fields as uint64, signed as int64, __data_loc as a string:
 *   the vendor `out` text, and mainline's `unsigned long args[]` copied as
 *   a C string, so cut at its first zero byte;
 * - sched_switch / sched_waking as protos, or in compact_sched (delta
 *   timestamps, interned comms, no prev_pid nor waker);
 * - a loss as lost_events on that CPU's next bundle (a new bundle starts
 *   there) and in the END_OF_TRACE overrun of FtraceStats; an overwritten
 *   start as lost_events on every CPU's first bundle;
 * - task names in process_tree packets on another sequence, written after
 *   the bundles of the cycle that first shows the task.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scmwq.h"
#include "pf_events.h"

#define MAXCPU		64
#define MAXPIDS		65536

/* ------------------------------------------------------------------ */
/* Emitter: protobuf text format, or the wire format                   */

static bool binary;
static int depth;

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static struct buf stack[16];	/* binary: one buffer per open message */
static unsigned int stack_field[16];
static const char *packed_name;	/* text: the name of the open packed field */

static void buf_put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 256;
		b->p = realloc(b->p, b->cap);
		if (!b->p) {
			perror("scmwq-pftrace");
			exit(70);
		}
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void buf_varint(struct buf *b, uint64_t v)
{
	unsigned char c[10];
	int n = 0;

	do {
		c[n] = v & 0x7f;
		v >>= 7;
		if (v)
			c[n] |= 0x80;
		n++;
	} while (v);
	buf_put(b, c, n);
}

static void indent(void)
{
	for (int i = 0; i < depth; i++)
		fputs("  ", stdout);
}

static void msg_begin(unsigned int field, const char *name)
{
	if (binary) {
		depth++;
		stack[depth].n = 0;
		stack_field[depth] = field;
		return;
	}
	indent();
	printf("%s {\n", name);
	depth++;
}

static void msg_end(void)
{
	if (binary) {
		struct buf *child = &stack[depth];
		struct buf *parent = &stack[depth - 1];

		buf_varint(parent, (uint64_t)stack_field[depth] << 3 | 2);
		buf_varint(parent, child->n);
		buf_put(parent, child->p, child->n);
		depth--;
		if (depth == 0) {
			fwrite(parent->p, 1, parent->n, stdout);
			parent->n = 0;
		}
		return;
	}
	depth--;
	indent();
	puts("}");
}

static void f_uint(unsigned int field, const char *name, uint64_t v)
{
	if (binary) {
		buf_varint(&stack[depth], (uint64_t)field << 3);
		buf_varint(&stack[depth], v);
		return;
	}
	indent();
	printf("%s: %" PRIu64 "\n", name, v);
}

static void f_int(unsigned int field, const char *name, int64_t v)
{
	if (binary) {
		f_uint(field, name, (uint64_t)v);
		return;
	}
	indent();
	printf("%s: %" PRId64 "\n", name, v);
}

static void f_enum(unsigned int field, const char *name, const char *sym, uint64_t v)
{
	if (binary) {
		f_uint(field, name, v);
		return;
	}
	indent();
	printf("%s: %s\n", name, sym);
}

static void f_bytes(unsigned int field, const char *name, const void *s, size_t len)
{
	const unsigned char *p = s;

	if (binary) {
		buf_varint(&stack[depth], (uint64_t)field << 3 | 2);
		buf_varint(&stack[depth], len);
		buf_put(&stack[depth], s, len);
		return;
	}
	indent();
	printf("%s: \"", name);
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '"' || p[i] == '\\')
			printf("\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			printf("\\%03o", p[i]);
		else
			putchar(p[i]);
	}
	puts("\"");
}

static void f_str(unsigned int field, const char *name, const char *s)
{
	f_bytes(field, name, s, strlen(s));
}

/* A packed repeated varint field: packed_begin, packed_val..., packed_end. */
static void packed_begin(unsigned int field, const char *name)
{
	if (binary) {
		msg_begin(field, name);
		return;
	}
	packed_name = name;
}

static void packed_val(uint64_t v)
{
	if (binary) {
		buf_varint(&stack[depth], v);
		return;
	}
	indent();
	printf("%s: %" PRId64 "\n", packed_name, (int64_t)v);
}

static void packed_end(void)
{
	if (binary)
		msg_end();
}

/* ------------------------------------------------------------------ */
/* The events, as traced_probes writes them                            */

enum genc { GEN_LEGACY, GEN_DENSE };
enum schedc { SCHED_PROTO, SCHED_COMPACT };

static enum genc generic = GEN_LEGACY;
static enum schedc sched = SCHED_PROTO;
static enum scmwq_system sys;
static struct scmwq_source *src;

static bool event_vals(const struct scmwq_event *ev, struct pf_evals *x)
{
	if (!sys)
		sys = scmwq_source_system(src);
	return pf_event_vals(ev, sys == SCMWQ_SYS_SCM, x);
}

static void write_generic(const struct pf_evals *x)
{
	const struct pf_edesc *d = x->d;

	if (generic == GEN_DENSE) {
		msg_begin(d->dense_id, d->dense_name);
		for (int i = 0; i < 8 && d->f[i].name; i++) {
			if (d->f[i].type == PF_T_STR)
				f_bytes(i + 1, d->f[i].name, x->s, x->slen);
			else if (d->f[i].type == PF_T_S)
				f_int(i + 1, d->f[i].name, (int64_t)x->v[i]);
			else
				f_uint(i + 1, d->f[i].name, x->v[i]);
		}
		msg_end();
		return;
	}
	msg_begin(327, "generic");
	f_str(1, "event_name", d->name);
	for (int i = 0; i < 8 && d->f[i].name; i++) {
		msg_begin(2, "field");
		f_str(1, "name", d->f[i].name);
		if (d->f[i].type == PF_T_STR)
			f_bytes(3, "str_value", x->s, x->slen);
		else if (d->f[i].type == PF_T_S)
			f_int(4, "int_value", (int64_t)x->v[i]);
		else
			f_uint(5, "uint_value", x->v[i]);
		msg_end();
	}
	msg_end();
}

static void write_descriptor(const struct pf_edesc *d)
{
	static const char *const tsym[] = { "TYPE_UINT64", "TYPE_INT64", "TYPE_STRING" };
	static const unsigned int tnum[] = { 4, 3, 9 };

	msg_begin(11, "generic_event_descriptors");
	f_int(1, "field_id", d->dense_id);
	f_str(3, "group_name", scmwq_system_name(sys));
	msg_begin(2, "event_descriptor");
	f_str(1, "name", d->name);
	for (int i = 0; i < 8 && d->f[i].name; i++) {
		msg_begin(2, "field");
		f_str(1, "name", d->f[i].name);
		f_int(3, "number", i + 1);
		f_enum(5, "type", tsym[d->f[i].type], tnum[d->f[i].type]);
		msg_end();
	}
	msg_end();
	msg_end();
}

/* sched_switch prev_state as the kernel records it (report state bits). */
static int64_t state_bits(char c)
{
	const char *letters = "SDTtXZPI", *p = c ? strchr(letters, c) : NULL;

	return p ? 1 << (p - letters) : 0;
}

static void write_sched(const struct scmwq_event *ev)
{
	if (ev->type == SCMWQ_EV_SCHED_SWITCH) {
		msg_begin(4, "sched_switch");
		f_str(1, "prev_comm", ev->comm);
		f_int(2, "prev_pid", ev->pid);
		f_int(3, "prev_prio", 120);
		f_int(4, "prev_state", state_bits(ev->prev_state));
		f_str(5, "next_comm", ev->next_comm);
		f_int(6, "next_pid", ev->next_pid);
		f_int(7, "next_prio", 120);
		msg_end();
		return;
	}
	msg_begin(20, "sched_waking");
	f_str(1, "comm", ev->next_comm);
	f_int(2, "pid", ev->target_pid);
	f_int(3, "prio", 120);
	f_int(4, "success", 1);
	f_int(5, "target_cpu", ev->cpu);
	msg_end();
}

/* ------------------------------------------------------------------ */
/* Bundles                                                             */

struct cpubuf {
	struct scmwq_event *ev;
	size_t n, cap;
	bool lost_next;		/* the next bundle carries lost_events */
	bool started;
	uint64_t last_ts;	/* of the last event written */
	uint64_t overrun;
};

static struct cpubuf cpus[MAXCPU];
static int ncpus = 1;
static bool pid_named[MAXPIDS];
static struct { int pid; char comm[SCMWQ_COMM_LEN]; } newpids[4096];
static int nnew;

static bool is_sched(const struct scmwq_event *ev)
{
	return ev->type == SCMWQ_EV_SCHED_SWITCH || ev->type == SCMWQ_EV_SCHED_WAKEUP;
}

static void write_compact(const struct cpubuf *c)
{
	const char *tab[256];
	unsigned int ntab = 0;
	uint64_t prev;
	bool any_sw = false, any_wk = false;

	for (size_t i = 0; i < c->n; i++) {
		any_sw |= c->ev[i].type == SCMWQ_EV_SCHED_SWITCH;
		any_wk |= c->ev[i].type == SCMWQ_EV_SCHED_WAKEUP;
	}
	if (!any_sw && !any_wk)
		return;
	msg_begin(4, "compact_sched");

	/* the intern table: every comm of the bundle's compact events (<= 256) */
	for (size_t i = 0; i < c->n; i++) {
		const char *s = c->ev[i].next_comm;
		unsigned int k;

		if (!is_sched(&c->ev[i]))
			continue;
		for (k = 0; k < ntab && strcmp(tab[k], s); k++)
			;
		if (k == ntab && ntab < 256)
			tab[ntab++] = s;
	}
	for (unsigned int k = 0; k < ntab; k++)
		f_str(5, "intern_table", tab[k]);

#define COLUMN(want, field, name, expr)						\
	do {									\
		packed_begin(field, name);					\
		prev = 0;							\
		for (size_t i = 0; i < c->n; i++) {				\
			const struct scmwq_event *e = &c->ev[i];		\
			if (e->type != (want))					\
				continue;					\
			packed_val(expr);					\
			(void)prev;						\
		}								\
		packed_end();							\
	} while (0)
#define COMM_INDEX(e) ({ unsigned int k_ = 0; \
		while (k_ < ntab && strcmp(tab[k_], (e)->next_comm)) k_++; k_; })
#define DELTA(e) ({ uint64_t d_ = (e)->ts_ns - prev; prev = (e)->ts_ns; d_; })

	if (any_sw) {
		COLUMN(SCMWQ_EV_SCHED_SWITCH, 1, "switch_timestamp", DELTA(e));
		COLUMN(SCMWQ_EV_SCHED_SWITCH, 2, "switch_prev_state",
		       (uint64_t)state_bits(e->prev_state));
		COLUMN(SCMWQ_EV_SCHED_SWITCH, 3, "switch_next_pid", (uint64_t)(int64_t)e->next_pid);
		COLUMN(SCMWQ_EV_SCHED_SWITCH, 4, "switch_next_prio", 120);
		COLUMN(SCMWQ_EV_SCHED_SWITCH, 6, "switch_next_comm_index", COMM_INDEX(e));
	}
	if (any_wk) {
		COLUMN(SCMWQ_EV_SCHED_WAKEUP, 7, "waking_timestamp", DELTA(e));
		COLUMN(SCMWQ_EV_SCHED_WAKEUP, 8, "waking_pid", (uint64_t)(int64_t)e->target_pid);
		COLUMN(SCMWQ_EV_SCHED_WAKEUP, 9, "waking_target_cpu", (uint64_t)(int64_t)e->cpu);
		COLUMN(SCMWQ_EV_SCHED_WAKEUP, 10, "waking_prio", 120);
		COLUMN(SCMWQ_EV_SCHED_WAKEUP, 11, "waking_comm_index", COMM_INDEX(e));
		COLUMN(SCMWQ_EV_SCHED_WAKEUP, 12, "waking_common_flags", 1);
	}
	msg_end();
}

static void flush_cpu(int cpu)
{
	struct cpubuf *c = &cpus[cpu];
	const struct pf_edesc *used[8];
	int nused = 0;

	if (!c->n && !c->lost_next)
		return;
	if (!c->n)
		return;		/* a loss waits for the CPU's next bundle */
	msg_begin(1, "packet");
	f_uint(10, "trusted_packet_sequence_id", 1);
	msg_begin(1, "ftrace_events");
	f_uint(1, "cpu", cpu);
	for (size_t i = 0; i < c->n; i++) {
		const struct scmwq_event *ev = &c->ev[i];
		struct pf_evals x;

		if (sched == SCHED_COMPACT && is_sched(ev))
			continue;
		msg_begin(2, "event");
		f_uint(1, "timestamp", ev->ts_ns);
		f_uint(2, "pid", (uint64_t)ev->pid);
		if (is_sched(ev)) {
			write_sched(ev);
		} else if (event_vals(ev, &x)) {
			int k;

			write_generic(&x);
			for (k = 0; k < nused && used[k] != x.d; k++)
				;
			if (k == nused)
				used[nused++] = x.d;
		}
		msg_end();
	}
	if (c->lost_next)
		f_enum(3, "lost_events", "true", 1);
	if (sched == SCHED_COMPACT)
		write_compact(c);
	f_uint(10, "previous_bundle_end_timestamp", c->last_ts);
	if (generic == GEN_DENSE)
		for (int k = 0; k < nused; k++)
			write_descriptor(used[k]);
	msg_end();
	msg_end();
	c->last_ts = c->ev[c->n - 1].ts_ns;
	c->lost_next = false;
	c->started = true;
	c->n = 0;
}

static void write_names(void)
{
	if (!nnew)
		return;
	msg_begin(1, "packet");
	f_uint(10, "trusted_packet_sequence_id", 2);
	msg_begin(2, "process_tree");
	for (int i = 0; i < nnew; i++) {
		msg_begin(2, "threads");
		f_int(1, "tid", newpids[i].pid);
		f_int(3, "tgid", newpids[i].pid);
		f_str(2, "name", newpids[i].comm);
		msg_end();
	}
	msg_end();
	msg_end();
	nnew = 0;
}

static void flush_all(void)
{
	for (int cpu = 0; cpu < ncpus; cpu++)
		flush_cpu(cpu);
	write_names();
}

static void name_pid(int pid, const char *comm)
{
	if (pid <= 0 || pid >= MAXPIDS || pid_named[pid] || !comm[0] || comm[0] == '<')
		return;
	if (nnew == (int)(sizeof(newpids) / sizeof(newpids[0])))
		write_names();
	pid_named[pid] = true;
	newpids[nnew].pid = pid;
	snprintf(newpids[nnew].comm, sizeof(newpids[nnew].comm), "%s", comm);
	nnew++;
}

static void write_stats(bool end)
{
	msg_begin(1, "packet");
	f_uint(10, "trusted_packet_sequence_id", 1);
	msg_begin(34, "ftrace_stats");
	f_enum(1, "phase", end ? "END_OF_TRACE" : "START_OF_TRACE", end ? 2 : 1);
	for (int cpu = 0; cpu < ncpus; cpu++) {
		msg_begin(2, "cpu_stats");
		f_uint(1, "cpu", cpu);
		f_uint(3, "overrun", end ? cpus[cpu].overrun : 0);
		msg_end();
	}
	msg_end();
	msg_end();
}

static void usage(void)
{
	fprintf(stderr, "usage: scmwq-pftrace [--generic=legacy|dense] [--sched=proto|compact] "
		"[--tick=NS] [--binary] TRACE\n");
	exit(64);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "generic", required_argument, NULL, 'g' },
		{ "sched", required_argument, NULL, 's' },
		{ "tick", required_argument, NULL, 't' },
		{ "binary", no_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	static char obuf[1 << 20];
	uint64_t tick = 100000000, cur = UINT64_MAX;
	struct scmwq_error err = { 0 };
	struct scmwq_event ev;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'g' && !strcmp(optarg, "legacy"))
			generic = GEN_LEGACY;
		else if (c == 'g' && !strcmp(optarg, "dense"))
			generic = GEN_DENSE;
		else if (c == 's' && !strcmp(optarg, "proto"))
			sched = SCHED_PROTO;
		else if (c == 's' && !strcmp(optarg, "compact"))
			sched = SCHED_COMPACT;
		else if (c == 't')
			tick = strtoull(optarg, NULL, 0);
		else if (c == 'b')
			binary = true;
		else
			usage();
	}
	if (optind != argc - 1 || !tick)
		usage();
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	src = scmwq_source_open(argv[optind], NULL, NULL, &err);
	if (!src) {
		fprintf(stderr, "scmwq-pftrace: %s\n", err.msg);
		return 66;
	}
	ncpus = scmwq_source_cpus(src);
	if (ncpus < 1 || ncpus > MAXCPU)
		ncpus = 4;
	write_stats(false);
	while ((rc = scmwq_source_next(src, &ev, &err)) > 0) {
		struct cpubuf *cb;

		if (!sys && ev.sys)
			sys = ev.sys;
		if (ev.type == SCMWQ_EV_LOST) {
			if (ev.cpu < 0 || ev.loss == SCMWQ_LOSS_OVERWRITTEN) {
				for (int i = 0; i < ncpus; i++)
					cpus[i].lost_next = !cpus[i].started;
				continue;
			}
			if (ev.cpu >= MAXCPU)
				continue;
			flush_cpu(ev.cpu);	/* the loss starts a new bundle */
			cpus[ev.cpu].lost_next = true;
			cpus[ev.cpu].overrun += ev.lost_count;
			continue;
		}
		if (ev.cpu < 0 || ev.cpu >= MAXCPU)
			ev.cpu = 0;
		if (ev.cpu >= ncpus)
			ncpus = ev.cpu + 1;
		if (cur == UINT64_MAX)
			cur = ev.ts_ns / tick;
		if (ev.ts_ns / tick != cur) {
			flush_all();
			cur = ev.ts_ns / tick;
		}
		cb = &cpus[ev.cpu];
		if (cb->n == cb->cap) {
			cb->cap = cb->cap * 2 + 64;
			cb->ev = realloc(cb->ev, cb->cap * sizeof(*cb->ev));
			if (!cb->ev) {
				perror("scmwq-pftrace");
				return 70;
			}
		}
		cb->ev[cb->n++] = ev;
		name_pid(ev.pid, ev.comm);
		if (ev.type == SCMWQ_EV_SCHED_SWITCH)
			name_pid(ev.next_pid, ev.next_comm);
	}
	if (rc < 0) {
		fprintf(stderr, "scmwq-pftrace: %s\n", err.msg);
		return 65;
	}
	flush_all();
	if (!sys)
		sys = scmwq_source_system(src);
	write_stats(true);
	scmwq_source_free(src);
	return 0;
}
