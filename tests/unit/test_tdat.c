// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the trace.dat source (lib/source/tdat.c) on the recorded corpus:
 *
 *   traces/clean-vendor.dat       v7, uncompressed, with sched events
 *   traces/clean-vendor.v6.dat    the same recording as file version 6
 *   traces/clean-vendor.zstd.dat  the same recording, v7 zstd-compressed
 *   traces/loss-overwrite.dat     a recording whose ring buffer overflowed
 *
 * (made by tests/gen/make-corpus.sh).  Run from the top of the tree, or give
 * the top as argv[1] or in $SCMWQ_TOP.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scmwq.h>

#include "base/base.h"
#include "model/model.h"
#include "sim/sim.h"
#include "source/source.h"
#include "tap.h"

static char top[2048] = ".";

/*
 * Under AddressSanitizer: libtracecmd 1.3.1 leaks the trace clock string of
 * a buffer instance in a version 6 file (tracecmd_parse_trace_clock() on
 * the instance handle); not ours.  Its frames need the slow unwinder to
 * be seen.  Unused in builds without the sanitizer.
 */
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void);

const char *__lsan_default_suppressions(void)
{
	return "leak:tracecmd_parse_trace_clock\n";
}

const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

static const char *path_of(const char *rel)
{
	static char buf[4][4096];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", top, rel);
	return buf[i];
}

/* ------------------------------------------------------------------ */
/* Reading a whole source into memory (the test files are small)       */

struct evlist {
	struct scmwq_event *ev;
	size_t n, cap;
	int end;		/* last scmwq_source_next() result */
	struct scmwq_error err;
	enum scmwq_system sys;
	uint64_t lost;
	uint64_t malformed;
};

static int read_all(const char *path, struct evlist *l)
{
	struct scmwq_source *src;
	struct scmwq_event ev;

	memset(l, 0, sizeof(*l));
	src = scmwq_source_open(path, NULL, NULL, &l->err);
	if (!src)
		return -1;
	l->sys = scmwq_source_system(src);
	while ((l->end = scmwq_source_next(src, &ev, &l->err)) > 0) {
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 256;
			l->ev = realloc(l->ev, l->cap * sizeof(*l->ev));
			if (!l->ev)
				abort();
		}
		l->ev[l->n++] = ev;
	}
	l->lost = scmwq_source_lost(src);
	l->malformed = scmwq_source_malformed(src);
	scmwq_source_free(src);
	return 0;
}

static bool is_scm(const struct scmwq_event *ev)
{
	return ev->type >= SCMWQ_EV_SMC_REQUEST && ev->type <= SCMWQ_EV_SMC_DONE;
}

/* ------------------------------------------------------------------ */
/* What clean-vendor.scn plays                                         */

enum { T1, T2, T3, IRQ, NTHREADS };

static const char *const comms[NTHREADS] = {
	"qseecom-a", "qseecom-b", "hdcp-c", "irq/41-qcom-scm",
};

static const struct want {
	int thread;
	enum scmwq_ev_type type;
	uint64_t a;		/* smc_id / wq_ctx / ctx */
	uint64_t b;		/* arg0 / ctx / flags / res0 */
	uint64_t c;		/* arg1 / more_pending */
	int nargs;		/* request: args_cnt */
} want[] = {
	{ T1, SCMWQ_EV_SMC_REQUEST, 0x42000c01, 0x1000, 0x40, 2 },
	{ T1, SCMWQ_EV_SLEEP, 1, 11, 0, 0 },
	{ T2, SCMWQ_EV_SMC_REQUEST, 0x42000c02, 0x2000, 0, 1 },
	{ T2, SCMWQ_EV_WAKE_ACK, 1, 12, 0, 0 },
	{ T2, SCMWQ_EV_SMC_REQUEST, 0x42002401, 12, 0, 1 },
	{ T2, SCMWQ_EV_SMC_DONE, 0x42000c02, 0, 0, 0 },
	{ T1, SCMWQ_EV_RESUME, 11, 0, 0, 0 },
	{ T1, SCMWQ_EV_SMC_REQUEST, 0x42002402, 11, 0, 1 },
	{ T1, SCMWQ_EV_SMC_DONE, 0x42000c01, 5, 0, 0 },
	{ T3, SCMWQ_EV_SMC_REQUEST, 0x42000d01, 0x3000, 0, 1 },
	{ T3, SCMWQ_EV_SLEEP, 2, 13, 0, 0 },
	{ IRQ, SCMWQ_EV_SMC_REQUEST, 0xc2002403, 0, 0, 0 },
	{ IRQ, SCMWQ_EV_GET_WQ_CTX, 2, 1, 0, 0 },
	{ T3, SCMWQ_EV_RESUME, 13, 0, 0, 0 },
	{ T3, SCMWQ_EV_SMC_REQUEST, 0x42002402, 13, 0, 1 },
	{ T3, SCMWQ_EV_SMC_DONE, 0x42000d01, 0, 0, 0 },
	{ T1, SCMWQ_EV_SMC_REQUEST, 0x42000c01, 0x1100, 0x40, 2 },
	{ T1, SCMWQ_EV_SLEEP, 3, 21, 0, 0 },
	{ T2, SCMWQ_EV_SMC_REQUEST, 0x42000c02, 0x2100, 0, 1 },
	{ T2, SCMWQ_EV_SLEEP, 3, 22, 0, 0 },
	{ IRQ, SCMWQ_EV_SMC_REQUEST, 0xc2002403, 0, 0, 0 },
	{ IRQ, SCMWQ_EV_GET_WQ_CTX, 3, 2, 0, 0 },
	{ T1, SCMWQ_EV_RESUME, 21, 0, 0, 0 },
	{ T1, SCMWQ_EV_SMC_REQUEST, 0x42002402, 21, 0, 1 },
	{ T2, SCMWQ_EV_RESUME, 22, 0, 0, 0 },
	{ T2, SCMWQ_EV_SMC_REQUEST, 0x42002402, 22, 0, 1 },
	{ T1, SCMWQ_EV_SMC_DONE, 0x42000c01, 0, 0, 0 },
	{ T2, SCMWQ_EV_SMC_DONE, 0x42000c02, 0, 0, 0 },
};

/* Does @ev carry what @w says?  On mismatch, *why names the field. */
static bool matches(const struct scmwq_event *ev, const struct want *w, const char **why)
{
	*why = "type";
	if (ev->type != w->type)
		return false;
	*why = "sys";
	if (ev->sys != SCMWQ_SYS_SCM)
		return false;
	switch (w->type) {
	case SCMWQ_EV_SMC_REQUEST:
		*why = "request fields";
		return (ev->have & (SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_SVC_CMD | SCMWQ_HAVE_ARGS)) ==
			       (SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_SVC_CMD | SCMWQ_HAVE_ARGS) &&
		       ev->smc_id == w->a && ev->svc_id == scmwq_smc_svc(w->a) &&
		       ev->cmd_id == scmwq_smc_cmd(w->a) && ev->args_cnt == w->nargs &&
		       ev->args[0] == w->b && ev->args[1] == w->c;
	case SCMWQ_EV_SLEEP:
	case SCMWQ_EV_WAKE_ACK:
		*why = "wq_ctx/smc_call_ctx";
		return (ev->have & (SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX)) ==
			       (SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX) &&
		       ev->wq_ctx == w->a && ev->smc_call_ctx == w->b;
	case SCMWQ_EV_RESUME:
		*why = "smc_call_ctx";
		return (ev->have & SCMWQ_HAVE_CTX) && !(ev->have & SCMWQ_HAVE_WQ_CTX) &&
		       ev->smc_call_ctx == w->a;
	case SCMWQ_EV_GET_WQ_CTX:
		*why = "wq_ctx/flags/more_pending";
		return (ev->have & (SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_FLAGS | SCMWQ_HAVE_MORE)) ==
			       (SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_FLAGS | SCMWQ_HAVE_MORE) &&
		       ev->wq_ctx == w->a && ev->flags == w->b && ev->more_pending == w->c;
	case SCMWQ_EV_SMC_DONE:
		/* the vendor tracepoint has no res field */
		*why = "done fields";
		return (ev->have & (SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_RET | SCMWQ_HAVE_RES012)) ==
			       (SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_RET | SCMWQ_HAVE_RES012) &&
		       !(ev->have & SCMWQ_HAVE_RES) && ev->smc_id == w->a && ev->ret == 0 &&
		       ev->res0 == w->b && ev->res1 == 0 && ev->res2 == 0;
	default:
		return false;
	}
}

static void test_clean_vendor(const char *rel)
{
	struct evlist l;
	int pids[NTHREADS] = { 0 };
	size_t k = 0, nsched = 0, nswitch_s = 0, nwake = 0, order_bad = 0, where_bad = 0;
	bool seq_ok = true, pid_ok = true, comm_ok = true, state_ok = true, cpu_ok = true;
	const char *why = "";

	if (read_all(path_of(rel), &l) < 0) {
		ok(0, "%s: opens (%s)", rel, l.err.msg);
		return;
	}
	ok(1, "%s: opens", rel);
	is_int(l.end, 0, "%s: read to the end without error %s", rel, l.end < 0 ? l.err.msg : "");
	is_int(l.sys, SCMWQ_SYS_SCM, "%s: trace system is scm (vendor)", rel);
	is_int(l.lost, 0, "%s: nothing lost", rel);

	for (size_t i = 0; i < l.n; i++) {
		const struct scmwq_event *ev = &l.ev[i];

		if (i && ev->ts_ns < l.ev[i - 1].ts_ns)
			order_bad++;
		if (!ev->where)
			where_bad++;
		if (ev->cpu < 0 || ev->cpu >= 64)
			cpu_ok = false;
		if (ev->type == SCMWQ_EV_SCHED_SWITCH) {
			nsched++;
			if (!strchr("RSDTtXZPI", ev->prev_state))
				state_ok = false;
			for (int t = 0; t < NTHREADS; t++)
				if (!strcmp(ev->comm, comms[t]) && ev->prev_state == 'S')
					nswitch_s++;
			continue;
		}
		if (ev->type == SCMWQ_EV_SCHED_WAKEUP) {
			nwake += ev->target_pid > 0;
			continue;
		}
		if (!is_scm(ev))
			continue;
		if (k >= ARRAY_SIZE(want)) {
			seq_ok = false;
			why = "more SCM events than the scenario has";
			k++;
			continue;
		}
		if (seq_ok && !matches(ev, &want[k], &why)) {
			seq_ok = false;
			printf("# event %zu (SCM event %zu, %s): mismatch in %s\n", i, k,
			       scmwq_ev_type_name(ev->type), why);
		}
		if (!pids[want[k].thread])
			pids[want[k].thread] = ev->pid;
		else if (pids[want[k].thread] != ev->pid)
			pid_ok = false;
		if (strcmp(ev->comm, comms[want[k].thread])) {
			if (comm_ok)
				printf("# event %zu: comm \"%s\", want \"%s\"\n", i, ev->comm,
				       comms[want[k].thread]);
			comm_ok = false;
		}
		k++;
	}
	is_int(k, ARRAY_SIZE(want), "%s: %zu SCM events, as the scenario plays", rel,
	       ARRAY_SIZE(want));
	ok(seq_ok, "%s: SCM events in scenario order with the right types and fields (%s)", rel,
	   seq_ok ? "all" : why);
	ok(pid_ok && pids[T1] > 0 && pids[T1] != pids[T2] && pids[T2] != pids[T3] &&
	   pids[T3] != pids[IRQ] && pids[T1] != pids[IRQ],
	   "%s: one pid per scenario thread, all different", rel);
	ok(comm_ok, "%s: comm of each SCM event is its thread's name (saved cmdlines)", rel);
	is_int(order_bad, 0, "%s: events in time order across CPUs", rel);
	is_int(where_bad, 0, "%s: every event has its record offset", rel);
	ok(cpu_ok, "%s: cpu of every event is a real CPU number", rel);
	ok(nsched > 0 && state_ok, "%s: sched_switch events with a decoded prev_state (%zu)", rel,
	   nsched);
	ok(nswitch_s > 0, "%s: scenario threads switch out sleeping ('S') on the condvar", rel);
	ok(nwake > 0, "%s: sched_waking/sched_wakeup carry the woken pid", rel);
	free(l.ev);
}

/* Two event streams equal, apart from the record offsets. */
static bool same_event(const struct scmwq_event *a, const struct scmwq_event *b)
{
	struct scmwq_event x = *a, y = *b;

	x.where = y.where = 0;
	return !memcmp(&x, &y, sizeof(x));
}

static void test_same_as(const char *rel, const char *other)
{
	struct evlist a, b;
	size_t diff = 0;

	if (read_all(path_of(rel), &a) < 0 || read_all(path_of(other), &b) < 0) {
		ok(0, "%s and %s open", rel, other);
		return;
	}
	is_int(b.end, 0, "%s: read to the end without error", other);
	is_int(b.n, a.n, "%s: as many events as %s", other, rel);
	for (size_t i = 0; i < a.n && i < b.n; i++) {
		/* memcmp needs the padding equal: compare through copies */
		if (!same_event(&a.ev[i], &b.ev[i]))
			diff++;
	}
	is_int(diff, 0, "%s: the same events as %s (all fields but the offsets)", other, rel);
	free(a.ev);
	free(b.ev);
}

static void test_loss(void)
{
	const char *rel = "traces/loss-overwrite.dat";
	struct evlist l;
	uint64_t sum = 0;
	size_t nlost = 0, nscm = 0;
	bool where_ok = true, order_ok = true;

	if (read_all(path_of(rel), &l) < 0) {
		ok(0, "%s: opens (%s)", rel, l.err.msg);
		return;
	}
	is_int(l.end, 0, "%s: read to the end", rel);
	for (size_t i = 0; i < l.n; i++) {
		const struct scmwq_event *e = &l.ev[i];
		uint64_t prev = 0;
		size_t j;

		if (i && e->ts_ns < l.ev[i - 1].ts_ns)
			order_ok = false;
		if (e->type != SCMWQ_EV_LOST) {
			if (is_scm(e))
				nscm++;
			continue;
		}
		nlost++;
		sum += e->lost_count;
		/*
		 * replay.md: a loss lies between its CPU's previous record and its
		 * next one; the marker stands at the start of that gap, so no
		 * event from inside the gap comes before it.
		 */
		for (j = i; j-- > 0;)
			if (l.ev[j].cpu == e->cpu && l.ev[j].type != SCMWQ_EV_LOST) {
				prev = l.ev[j].ts_ns;
				break;
			}
		for (j = i + 1; j < l.n; j++)
			if (l.ev[j].cpu == e->cpu)
				break;
		if (e->ts_ns != e->gap_start_ns || e->gap_start_ns != prev || j == l.n ||
		    l.ev[j].ts_ns != e->gap_end_ns || l.ev[j].where != e->where)
			where_ok = false;
	}
	ok(nlost > 0 && l.n && l.ev[0].type == SCMWQ_EV_LOST,
	   "%s: the overwritten start shows as a LOST event first (%zu markers)", rel, nlost);
	ok(sum > 0 && sum == l.lost, "%s: lost counts (%llu) add up to the source's lost (%llu)",
	   rel, (unsigned long long)sum, (unsigned long long)l.lost);
	ok(where_ok, "%s: each LOST marker stands at its gap's start (its CPU's previous record) "
	   "and names the record after the gap", rel);
	ok(order_ok, "%s: markers and events come in time order", rel);
	ok(nscm > 0 && nscm < 6000, "%s: some but not all of the 6000 SCM events survive (%zu)",
	   rel, nscm);
	free(l.ev);
}

/* The same file through standard input (spooled to a temporary file). */
static void test_stdin(void)
{
	const char *rel = "traces/clean-vendor.zstd.dat";
	struct evlist a, b;
	int fd, saved;

	if (read_all(path_of(rel), &a) < 0) {
		ok(0, "%s opens", rel);
		return;
	}
	fd = open(path_of(rel), O_RDONLY);
	saved = dup(STDIN_FILENO);
	if (fd < 0 || saved < 0 || dup2(fd, STDIN_FILENO) < 0) {
		ok(0, "redirect stdin: %s", strerror(errno));
		return;
	}
	close(fd);
	read_all("-", &b);
	dup2(saved, STDIN_FILENO);
	close(saved);
	ok(b.end == 0 && b.n == a.n && b.n > 0 &&
	   b.ev[b.n - 1].ts_ns == a.ev[a.n - 1].ts_ns,
	   "%s through stdin: the same %zu events", rel, a.n);
	free(a.ev);
	free(b.ev);
}

/* ------------------------------------------------------------------ */
/* trace-cmd report text vs trace.dat                                  */

/*
 * trace-cmd report prints sched_switch through libtraceevent's plugin, whose
 * state letters are those of kernels before 3.14 ("SDTtZXxW" for bits 0-7):
 * the kernel's X (EXIT_DEAD, 0x10) shows as Z, Z as X, P (0x40) as x and
 * I (TASK_REPORT_IDLE, 0x80) as W.
 */
static bool same_state(char dat, char text)
{
	static const char kernel[] = "XZPI", plugin[] = "ZXxW";
	const char *p = strchr(kernel, dat);

	return dat == text || (dat && p && plugin[p - kernel] == text);
}

static bool same_fields(const struct scmwq_event *d, const struct scmwq_event *t, bool usec,
			const char **why)
{
	/* trace-cmd report rounds to the microsecond */
	uint64_t dts = usec ? (d->ts_ns + 500) / 1000 * 1000 : d->ts_ns;

	*why = "type";
	if (d->type != t->type)
		return false;
	/* a text loss marker has no time of its own */
	*why = "ts";
	if (dts != t->ts_ns && d->type != SCMWQ_EV_LOST)
		return false;
	*why = "cpu";
	if (d->cpu != t->cpu)
		return false;
	*why = "pid";
	if (d->type != SCMWQ_EV_LOST && d->pid != t->pid)
		return false;
	switch (d->type) {
	case SCMWQ_EV_LOST:
		*why = "lost_count";
		return d->lost_count == t->lost_count;
	case SCMWQ_EV_SCHED_SWITCH:
		*why = "sched_switch fields";
		return same_state(d->prev_state, t->prev_state) && d->next_pid == t->next_pid &&
		       !strcmp(d->next_comm, t->next_comm);
	case SCMWQ_EV_SCHED_WAKEUP:
		*why = "target_pid";
		return d->target_pid == t->target_pid && !strcmp(d->next_comm, t->next_comm);
	default:
		break;
	}
	*why = "comm";
	if (strcmp(d->comm, t->comm))
		return false;
	*why = "have";
	if ((d->have & ~SCMWQ_HAVE_ARGS) != (t->have & ~SCMWQ_HAVE_ARGS))
		return false;
	*why = "fields";
	if (d->smc_id != t->smc_id || d->svc_id != t->svc_id || d->cmd_id != t->cmd_id ||
	    d->wq_ctx != t->wq_ctx || d->smc_call_ctx != t->smc_call_ctx ||
	    d->flags != t->flags || d->more_pending != t->more_pending || d->ret != t->ret ||
	    d->res != t->res || d->res0 != t->res0 || d->res1 != t->res1 || d->res2 != t->res2)
		return false;
	*why = "args";
	if (d->type == SCMWQ_EV_SMC_REQUEST) {
		if (d->args_cnt != t->args_cnt)
			return false;
		for (int i = 0; i < 2; i++)
			if (d->args[i] != t->args[i])
				return false;
	}
	return true;
}

static void test_report_text(const char *rel, const char *flags, bool usec)
{
	char cmd[8192], tmpl[] = "/tmp/scmwq-test-report-XXXXXX";
	struct evlist d, t;
	char buf[65536];
	size_t n, diff = 0, first = (size_t)-1;
	const char *why = "", *first_why = "";
	FILE *p, *out;
	int fd;

	if (system("command -v trace-cmd >/dev/null 2>&1") != 0) {
		printf("ok %d # skip trace-cmd is not installed\n", ++tap_n);
		return;
	}
	fd = mkstemp(tmpl);
	out = fd >= 0 ? fdopen(fd, "w") : NULL;
	snprintf(cmd, sizeof(cmd), "trace-cmd report %s -i '%s' 2>/dev/null", flags, path_of(rel));
	p = popen(cmd, "r");
	if (!out || !p) {
		ok(0, "run %s", cmd);
		return;
	}
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, out);
	pclose(p);
	fclose(out);

	if (read_all(path_of(rel), &d) < 0) {
		ok(0, "%s opens", rel);
		unlink(tmpl);
		return;
	}
	if (read_all(tmpl, &t) < 0) {
		ok(0, "`trace-cmd report %s` of %s opens as text (%s)", flags, rel, t.err.msg);
		unlink(tmpl);
		free(d.ev);
		return;
	}
	unlink(tmpl);
	ok(t.end == 0 && t.malformed == 0,
	   "`trace-cmd report %s` of %s: read as text to the end, no malformed line (%llu)",
	   flags, rel, (unsigned long long)t.malformed);
	is_int(t.n, d.n, "`trace-cmd report %s` of %s: as many events as the trace.dat", flags,
	       rel);
	for (size_t i = 0; i < d.n && i < t.n; i++) {
		if (!same_fields(&d.ev[i], &t.ev[i], usec, &why)) {
			if (!diff++) {
				first = i;
				first_why = why;
			}
		}
	}
	ok(diff == 0, "`trace-cmd report %s` of %s: the same events, fields and times (%zu differ)",
	   flags, rel, diff);
	if (diff)
		printf("#   first difference: event %zu (%s), in %s\n", first,
		       scmwq_ev_type_name(d.ev[first].type), first_why);
	ok(t.lost == d.lost, "`trace-cmd report %s` of %s: the same loss count (%llu)", flags, rel,
	   (unsigned long long)d.lost);
	free(d.ev);
	free(t.ev);
}

/* ------------------------------------------------------------------ */
/* Truncated copies                                                    */

static void test_truncated(const char *rel, size_t fine_until, size_t fine_step, size_t step)
{
	char dir[] = "/tmp/scmwq-test-trunc-XXXXXX", cut[4200];
	size_t size, tried = 0, bad = 0, opened = 0;
	struct stat st;
	char *data;
	int fd;

	fd = open(path_of(rel), O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0 || !mkdtemp(dir)) {
		ok(0, "%s: read it for the truncation test", rel);
		return;
	}
	size = st.st_size;
	data = malloc(size);
	if (!data || read(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	snprintf(cut, sizeof(cut), "%s/cut.dat", dir);

	for (size_t off = SCMWQ_TDAT_MAGIC_LEN; off < size;) {
		struct scmwq_source *src;
		struct scmwq_error err = { 0 };
		struct scmwq_event ev;
		int r = 0;

		fd = open(cut, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, data, off) != (ssize_t)off)
			abort();
		close(fd);
		tried++;
		src = scmwq_source_open(cut, NULL, NULL, &err);
		if (src) {
			opened++;
			while ((r = scmwq_source_next(src, &ev, &err)) > 0)
				;
			scmwq_source_free(src);
		}
		if ((src && r != -1) || err.cls != SCMWQ_E_DATA || !strstr(err.msg, cut)) {
			if (!bad++)
				printf("#   cut at %zu: %s (class %d) \"%s\"\n", off,
				       src ? "read without error" : "open failed", err.cls,
				       err.msg);
		}
		if (off < fine_until)
			off += fine_step;
		else if (off + step < size)
			off += step;
		else if (off < size - 1)
			off = size - 1;
		else
			break;
	}
	unlink(cut);
	rmdir(dir);
	free(data);
	ok(bad == 0, "%s: %zu truncated copies (header every %zu bytes, then every %zu) all end in "
	   "SCMWQ_E_DATA naming the file, none crashes (%zu opened, %zu wrong)", rel, tried,
	   fine_step, step, opened, bad);
}

static void test_not_tdat(void)
{
	char dir[] = "/tmp/scmwq-test-bad-XXXXXX", f[4200];
	static const char bad_version[] = "\027\010\104tracing" "9\0" "\0\010\0\020\0\0";
	struct scmwq_error err = { 0 };
	struct scmwq_source *src;
	int fd;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(f, sizeof(f), "%s/v9.dat", dir);
	fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, bad_version, sizeof(bad_version) - 1) < 0)
		abort();
	close(fd);
	src = scmwq_source_open(f, NULL, NULL, &err);
	ok(!src && err.cls == SCMWQ_E_DATA && strstr(err.msg, "version"),
	   "a trace.dat of version 9 is refused as unsupported (%s)", err.msg);
	scmwq_source_free(src);
	unlink(f);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	const char *env = getenv("SCMWQ_TOP");

	if (argc > 1)
		snprintf(top, sizeof(top), "%s", argv[1]);
	else if (env && *env)
		snprintf(top, sizeof(top), "%s", env);

	if (access(path_of("traces/clean-vendor.dat"), R_OK) < 0) {
		printf("1..0 # skip %s missing: run tests/gen/make-corpus.sh as root\n",
		       path_of("traces/clean-vendor.dat"));
		return 0;
	}

	test_clean_vendor("traces/clean-vendor.dat");
	test_clean_vendor("traces/clean-vendor.v6.dat");
	test_clean_vendor("traces/clean-vendor.zstd.dat");
	test_same_as("traces/clean-vendor.dat", "traces/clean-vendor.v6.dat");
	test_same_as("traces/clean-vendor.dat", "traces/clean-vendor.zstd.dat");
	test_loss();
	test_stdin();
	test_not_tdat();

	test_report_text("traces/clean-vendor.dat", "", true);
	test_report_text("traces/clean-vendor.dat", "-t", false);
	test_report_text("traces/clean-mainline.dat", "", true);
	test_report_text("traces/loss-overwrite.dat", "", true);

	test_truncated("traces/clean-vendor.dat", 4096, 7, 512);
	test_truncated("traces/clean-vendor.v6.dat", 0, 1, 512);
	test_truncated("traces/clean-vendor.zstd.dat", 0, 1, 97);
	return tap_done();
}
