// SPDX-License-Identifier: GPL-2.0
/*
 * Our trace.dat reader (lib/source/tdat*.c) against libtracecmd, on every
 * trace.dat of the corpus (traces/ *.dat): for each CPU of each buffer,
 * libtracecmd's records (tracecmd_read_data(), fields read by name with
 * libtraceevent's tep_get_field_val()) and our events must be the same,
 * record for record: time, CPU, pid, event, fields, and a loss marker
 * before each record with missed events.  Run from the top of the tree, or
 * give it as argv[1] or $SCMWQ_TOP.
 */
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include <trace-cmd.h>

#include <scmwq.h>

#include "tap.h"

static char top[2048] = ".";

const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void);

/*
 * libtracecmd 1.3.1 leaks an instance's trace clock string (not ours);
 * its frames need the slow unwinder to be seen.
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:tracecmd_parse_trace_clock\n";
}

const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

/* What both sides say of one record. */
struct rec {
	uint64_t ts;
	int cpu, pid;
	char name[32];		/* event name, or "lost" */
	uint64_t f[8];		/* the numeric fields of that event, in the order of fields[] */
	int nf;
	size_t idx;		/* order read */
};

struct recs {
	struct rec *r;
	size_t n, cap;
};

static void push(struct recs *l, const struct rec *r)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->r = realloc(l->r, l->cap * sizeof(*l->r));
		if (!l->r)
			abort();
	}
	l->r[l->n++] = *r;
}

/* The fields compared, per event (all numbers in the formats of traces.md). */
static const struct {
	const char *event;
	const char *fields[6];
} fields[] = {
	{ "scm_smc_request", { "smc_id", "svc_id", "cmd_id", "args_cnt" } },
	{ "scm_waitq_sleep", { "wq_ctx", "smc_call_ctx" } },
	{ "scm_waitq_wake_ack", { "wq_ctx", "smc_call_ctx" } },
	{ "scm_waitq_resume", { "smc_call_ctx" } },
	{ "scm_waitq_get_wq_ctx", { "wq_ctx", "flags", "more_pending" } },
	{ "scm_smc_done", { "smc_id", "ret", "res0", "res1", "res2" } },
	{ "sched_switch", { "prev_pid", "next_pid" } },
	{ "sched_wakeup", { "pid" } },
	{ "sched_waking", { "pid" } },
};

static int fields_of(const char *event)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(fields[i].event, event))
			return i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* libtracecmd's side                                                  */

static void ref_cpu(struct tracecmd_input *h, int cpu, struct recs *out)
{
	struct tep_handle *tep = tracecmd_get_tep(h);
	struct tep_record *r;

	while ((r = tracecmd_read_data(h, cpu))) {
		struct tep_event *e = tep_find_event_by_record(tep, r);
		struct rec x = { .ts = r->ts, .cpu = r->cpu };
		int fi;

		if (r->missed_events) {
			struct rec lost = { .ts = r->ts, .cpu = r->cpu, .pid = -1, .name = "lost" };

			lost.f[0] = r->missed_events > 0 ? r->missed_events : 0;
			lost.nf = 1;
			push(out, &lost);
		}
		fi = e ? fields_of(e->name) : -1;
		if (fi < 0 || (!strncmp(e->name, "sched", 5) && strcmp(e->system, "sched"))) {
			tracecmd_free_record(r);
			continue;
		}
		snprintf(x.name, sizeof(x.name), "%s", !strcmp(e->name, "sched_waking") ?
			 "sched_wakeup" : e->name);
		x.pid = tep_data_pid(tep, r);
		for (int k = 0; fields[fi].fields[k]; k++) {
			unsigned long long v = 0;
			struct trace_seq s;

			trace_seq_init(&s);
			if (tep_find_field(e, fields[fi].fields[k]))
				tep_get_field_val(&s, e, fields[fi].fields[k], r, &v, 0);
			trace_seq_destroy(&s);
			if (!strcmp(fields[fi].fields[k], "ret"))
				v = (uint32_t)v;	/* an int: ours is sign-extended */
			x.f[x.nf++] = v;
		}
		push(out, &x);
		tracecmd_free_record(r);
	}
}

static int ref_read(const char *path, struct recs *out)
{
	struct tracecmd_input *h = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	int n, cpus;

	if (!h)
		return -1;
	/* tracecmd_read_data() checks the CPU against the handle's own count */
	cpus = tep_get_cpus(tracecmd_get_tep(h));
	if (cpus <= 0)
		cpus = 256;
	for (int c = 0; c < cpus; c++)
		ref_cpu(h, c, out);
	n = tracecmd_buffer_instances(h);
	for (int i = 0; i < n; i++) {
		struct tracecmd_input *ih = tracecmd_buffer_instance_handle(h, i);

		if (!ih)
			continue;
		for (int c = 0; c < cpus; c++)
			ref_cpu(ih, c, out);
		tracecmd_close(ih);
	}
	tracecmd_close(h);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Ours                                                                */

static void our_fields(const struct scmwq_event *ev, int fi, struct rec *x)
{
	const char *const *f = fields[fi].fields;

	for (int k = 0; f[k]; k++) {
		uint64_t v = 0;

		if (!strcmp(f[k], "smc_id"))
			v = ev->smc_id;
		else if (!strcmp(f[k], "svc_id"))
			v = ev->svc_id;
		else if (!strcmp(f[k], "cmd_id"))
			v = ev->cmd_id;
		else if (!strcmp(f[k], "args_cnt"))
			v = ev->args_cnt;
		else if (!strcmp(f[k], "wq_ctx"))
			v = ev->wq_ctx;
		else if (!strcmp(f[k], "smc_call_ctx"))
			v = ev->smc_call_ctx;
		else if (!strcmp(f[k], "flags"))
			v = ev->flags;
		else if (!strcmp(f[k], "more_pending"))
			v = ev->more_pending;
		else if (!strcmp(f[k], "ret"))
			v = (uint32_t)ev->ret;
		else if (!strcmp(f[k], "res0"))
			v = ev->res0;
		else if (!strcmp(f[k], "res1"))
			v = ev->res1;
		else if (!strcmp(f[k], "res2"))
			v = ev->res2;
		else if (!strcmp(f[k], "prev_pid"))
			v = ev->pid;
		else if (!strcmp(f[k], "next_pid"))
			v = ev->next_pid;
		else if (!strcmp(f[k], "pid"))
			v = ev->target_pid;
		x->f[x->nf++] = v;
	}
}

static int our_read(const char *path, struct recs *out, struct scmwq_error *err)
{
	struct scmwq_source *src = scmwq_source_open(path, NULL, NULL, err);
	struct scmwq_event ev;
	int r;

	if (!src)
		return -1;
	while ((r = scmwq_source_next(src, &ev, err)) > 0) {
		struct rec x = { .ts = ev.ts_ns, .cpu = ev.cpu, .pid = ev.pid };
		int fi;

		if (ev.type == SCMWQ_EV_LOST) {
			/* the marker stands at the gap's start; libtracecmd's at the record */
			x.ts = ev.gap_end_ns;
			x.pid = -1;
			snprintf(x.name, sizeof(x.name), "lost");
			x.f[x.nf++] = ev.lost_count;
			push(out, &x);
			continue;
		}
		snprintf(x.name, sizeof(x.name), "%s", scmwq_ev_type_name(ev.type));
		fi = fields_of(x.name);
		if (fi >= 0)
			our_fields(&ev, fi, &x);
		push(out, &x);
	}
	scmwq_source_free(src);
	return r;
}

/* ------------------------------------------------------------------ */

static int by_cpu(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu - y->cpu;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* By CPU, each CPU's records in the order read. */
static void sort_cpu(struct recs *l)
{
	for (size_t i = 0; i < l->n; i++)
		l->r[i].idx = i;
	qsort(l->r, l->n, sizeof(*l->r), by_cpu);
}

static bool same(const struct rec *a, const struct rec *b)
{
	return a->ts == b->ts && a->cpu == b->cpu && a->pid == b->pid &&
	       !strcmp(a->name, b->name) && a->nf == b->nf &&
	       !memcmp(a->f, b->f, sizeof(a->f[0]) * a->nf);
}

static void check_file(const char *path)
{
	struct recs ref = { 0 }, ours = { 0 };
	struct scmwq_error err = { 0 };
	size_t i, diff = 0;
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if (ref_read(path, &ref) < 0) {
		ok(0, "%s: libtracecmd opens it", name);
		return;
	}
	if (our_read(path, &ours, &err) < 0) {
		ok(0, "%s: we read it (%s)", name, err.msg);
		goto out;
	}
	sort_cpu(&ref);
	sort_cpu(&ours);
	for (i = 0; i < ref.n && i < ours.n; i++) {
		if (same(&ref.r[i], &ours.r[i]))
			continue;
		if (!diff++)
			printf("#   first difference at %zu: libtracecmd %s cpu %d ts %llu pid %d, "
			       "ours %s cpu %d ts %llu pid %d\n", i, ref.r[i].name, ref.r[i].cpu,
			       (unsigned long long)ref.r[i].ts, ref.r[i].pid, ours.r[i].name,
			       ours.r[i].cpu, (unsigned long long)ours.r[i].ts, ours.r[i].pid);
	}
	ok(ref.n == ours.n && !diff && ref.n > 0,
	   "%s: %zu records of libtracecmd, %zu of ours, %zu differ", name, ref.n, ours.n, diff);
out:
	free(ref.r);
	free(ours.r);
}

int main(int argc, char **argv)
{
	const char *env = getenv("SCMWQ_TOP");
	char pat[2100];
	glob_t g;

	if (argc > 1)
		snprintf(top, sizeof(top), "%s", argv[1]);
	else if (env && *env)
		snprintf(top, sizeof(top), "%s", env);
	tracecmd_set_loglevel(TEP_LOG_NONE);
	tep_set_loglevel(TEP_LOG_NONE);
	snprintf(pat, sizeof(pat), "%s/traces/*.dat", top);
	if (glob(pat, 0, NULL, &g) || !g.gl_pathc) {
		printf("1..0 # skip no trace.dat in %s/traces\n", top);
		return 0;
	}
	for (size_t i = 0; i < g.gl_pathc; i++)
		check_file(g.gl_pathv[i]);
	globfree(&g);
	return tap_done();
}
