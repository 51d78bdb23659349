// SPDX-License-Identifier: GPL-2.0
/*
 * The live tracefs reader (lib/source/live.c) against the machine's own ring
 * buffer: uprobe events named after the SCM tracepoints sit on this
 * program's probe functions (lib/sim/probes.c), enabled in a private instance
 * with the mono clock, and threads call them with known values.
 *
 *   (a) two threads on two CPUs: every event comes back, fields right, in
 *       non-decreasing time order across the CPUs; read as they come, and
 *       from a backlog of more pages than one sweep reads
 *   (b) one event at a time is delivered within 200 ms of being written
 *   (c) after tracing_off and drain, everything left comes back, then 0
 *   (d) a ring buffer that overran gives SCMWQ_EV_LOST events, counted
 *
 * Also prints (not a check) the rate one thread's events are delivered at
 * when it emits as fast as it can for a second.  Needs root, tracefs and
 * uprobe events, x86-64 (for the probes' argument registers); skips with
 * the reason otherwise.  Cleans up what it made, also on a failed check
 * or a fatal signal, and what a killed run of it left behind.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <tracefs.h>

#include "tap.h"
#include <scmwq.h>

#include "base/base.h"
#include "model/model.h"
#include "sim/sim.h"
#include "source/source.h"
#include "source/live.h"
#include "probe_fixture.h"

#define INST_PREFIX	"scmwq-test-live-"
#define GROUP_PREFIX	"scmwq_l"
#define SETS_A		3000		/* per thread in (a): 6 events each */
#define SETS_C		500		/* in (c) */
#define TRIALS_B	5
#define MS		1000000ULL

static struct tracefs_instance *inst;
static struct tracefs_dynevent *probes[6];
static int nprobes;
static char group[32];

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int gettid_(void)
{
	return (int)syscall(SYS_gettid);
}

/* ------------------------------------------------------------------ */
/* Set-up and clean-up                                                 */

static void cleanup(void)
{
	if (inst) {
		tracefs_trace_off(inst);
		tracefs_event_disable(inst, NULL, NULL);
		if (tracefs_instance_destroy(inst) < 0)
			fprintf(stderr, "test_live: cannot remove instance %s\n",
				tracefs_instance_get_name(inst));
		tracefs_instance_free(inst);
		inst = NULL;
	}
	for (int i = nprobes - 1; i >= 0; i--) {
		if (tracefs_dynevent_destroy(probes[i], false) < 0 &&
		    tracefs_dynevent_destroy(probes[i], true) < 0)
			fprintf(stderr, "test_live: cannot remove uprobe %d of %s\n", i, group);
		tracefs_dynevent_free(probes[i]);
	}
	nprobes = 0;
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Whether the process @digits names has exited (a zombie has). */
static bool pid_gone(const char *digits)
{
	char *end, path[64], stat[256], *p;
	long pid = strtol(digits, &end, 10);
	FILE *f;
	size_t n;

	if (!*digits || *end || pid <= 0)
		return false;
	if (kill((pid_t)pid, 0) < 0)
		return errno == ESRCH;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(stat, 1, sizeof(stat) - 1, f);
	fclose(f);
	stat[n] = '\0';
	p = strrchr(stat, ')');
	return p && (p[1] == ' ') && (p[2] == 'Z' || p[2] == 'X');
}

static int remove_stale_instance(const char *name, void *arg)
{
	struct tracefs_instance *old;

	if (strncmp(name, INST_PREFIX, strlen(INST_PREFIX)) ||
	    !pid_gone(name + strlen(INST_PREFIX)))
		return 0;
	old = tracefs_instance_alloc(NULL, name);
	if (!old)
		return 0;
	tracefs_event_disable(old, NULL, NULL);
	if (!tracefs_instance_destroy(old))
		printf("# removed instance %s of a killed run\n", name);
	tracefs_instance_free(old);
	return 0;
}

/* What killed runs of this test left: their instance, then their probes. */
static void cleanup_stale(void)
{
	struct tracefs_dynevent **evs;

	/* (tracefs_instances() of libtracefs 1.6 leaks its regex) */
	tracefs_instances_walk(remove_stale_instance, NULL);

	evs = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_UPROBE, NULL);
	for (int i = 0; evs && evs[i]; i++) {
		char *sys = NULL, *ev = NULL;

		tracefs_dynevent_info(evs[i], &sys, &ev, NULL, NULL, NULL);
		if (sys && !strncmp(sys, GROUP_PREFIX, strlen(GROUP_PREFIX)) &&
		    pid_gone(sys + strlen(GROUP_PREFIX)) &&
		    !tracefs_dynevent_destroy(evs[i], true))
			printf("# removed uprobe %s/%s of a killed run\n", sys, ev);
		free(sys);
		free(ev);
	}
	tracefs_dynevent_list_free(evs);
}

/* NULL when ready; else why the test cannot run here. */
static const char *setup(char *why, size_t len)
{
	char exe[1024], name[64];
	uint64_t off[FIXTURE_NPROBES];

#if !defined(__x86_64__)
	return "the probes' argument registers are known for x86-64 only";
#endif
	if (geteuid() != 0)
		return "needs root to use tracefs";
	if (!tracefs_tracing_dir() || !tracefs_file_exists(NULL, "uprobe_events"))
		return "no tracefs with uprobe events (CONFIG_UPROBE_EVENTS)";
	if (fixture_probe_offsets(exe, sizeof(exe), off, why, len))
		return why;

	cleanup_stale();
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGSEGV, on_signal);
	signal(SIGABRT, on_signal);
	signal(SIGBUS, on_signal);

	snprintf(group, sizeof(group), GROUP_PREFIX "%d", (int)getpid());
	for (int i = 0; i < FIXTURE_NPROBES; i++) {
		probes[nprobes] = tracefs_uprobe_alloc(group, fixture_probes[i].name, exe, off[i],
						       fixture_probes[i].args);
		if (!probes[nprobes] || tracefs_dynevent_create(probes[nprobes]) < 0) {
			tracefs_dynevent_free(probes[nprobes]);
			snprintf(why, len, "cannot add uprobe %s/%s at %s:0x%llx (%s)", group,
				 fixture_probes[i].name, exe, (unsigned long long)off[i],
				 strerror(errno));
			return why;
		}
		nprobes++;
	}

	snprintf(name, sizeof(name), INST_PREFIX "%d", (int)getpid());
	inst = tracefs_instance_create(name);
	if (!inst) {
		snprintf(why, len, "cannot create instance %s: %s", name, strerror(errno));
		return why;
	}
	if (tracefs_instance_file_write(inst, "trace_clock", "mono") < 0 ||
	    tracefs_instance_file_write(inst, "buffer_size_kb", "4096") < 0 ||
	    tracefs_event_enable(inst, group, NULL) < 0 || tracefs_trace_on(inst) < 0) {
		snprintf(why, len, "cannot set up instance %s: %s", name, strerror(errno));
		return why;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Emitting and checking                                               */

#define SMC_BASE 0x42000600ULL

/* Six events, one of each probe, with values from @t and @i. */
static void emit_set(unsigned int t, unsigned int i)
{
	scm_smc_request(SMC_BASE | t, 0x06, t, 2, i, ((uint64_t)t << 32) | i);
	scm_waitq_sleep(t + 1, i);
	scm_waitq_get_wq_ctx(t + 1, 1, i & 1);
	scm_waitq_wake_ack(t + 1, i);
	scm_waitq_resume(i);
	scm_smc_done(-(int)(i % 5), SMC_BASE | t, i, i + 1, i + 2, i + 3);
}

/* Whether @ev is event number @k of emit_set(t, ...); *why when not. */
static bool check_event(const struct scmwq_event *ev, unsigned int t, uint64_t k,
			const char **why)
{
	unsigned int i = k / 6;
	uint64_t smc = SMC_BASE | t;

	*why = "type";
	switch (k % 6) {
	case 0:
		if (ev->type != SCMWQ_EV_SMC_REQUEST)
			return false;
		*why = "scm_smc_request fields";
		return ev->smc_id == smc && ev->svc_id == 6 && ev->cmd_id == t &&
		       ev->args_cnt == 2 && ev->args[0] == i &&
		       ev->args[1] == (((uint64_t)t << 32) | i) &&
		       (ev->have & (SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_SVC_CMD | SCMWQ_HAVE_ARGS)) ==
		       (SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_SVC_CMD | SCMWQ_HAVE_ARGS);
	case 1:
		if (ev->type != SCMWQ_EV_SLEEP)
			return false;
		*why = "scm_waitq_sleep fields";
		return ev->wq_ctx == t + 1 && ev->smc_call_ctx == i &&
		       (ev->have & SCMWQ_HAVE_WQ_CTX) && (ev->have & SCMWQ_HAVE_CTX);
	case 2:
		if (ev->type != SCMWQ_EV_GET_WQ_CTX)
			return false;
		*why = "scm_waitq_get_wq_ctx fields";
		return ev->wq_ctx == t + 1 && ev->flags == 1 && ev->more_pending == (i & 1) &&
		       (ev->have & SCMWQ_HAVE_FLAGS) && (ev->have & SCMWQ_HAVE_MORE);
	case 3:
		if (ev->type != SCMWQ_EV_WAKE_ACK)
			return false;
		*why = "scm_waitq_wake_ack fields";
		return ev->wq_ctx == t + 1 && ev->smc_call_ctx == i;
	case 4:
		if (ev->type != SCMWQ_EV_RESUME)
			return false;
		*why = "scm_waitq_resume fields";
		return ev->smc_call_ctx == i && (ev->have & SCMWQ_HAVE_CTX);
	default:
		if (ev->type != SCMWQ_EV_SMC_DONE)
			return false;
		*why = "scm_smc_done fields";
		return ev->ret == -(int)(i % 5) && ev->smc_id == smc && ev->res == i &&
		       ev->res0 == i + 1 && ev->res1 == i + 2 && ev->res2 == i + 3 &&
		       (ev->have & SCMWQ_HAVE_RET) && (ev->have & SCMWQ_HAVE_RES) &&
		       (ev->have & SCMWQ_HAVE_RES012);
	}
}

/* What came back from one emitting thread. */
struct stream {
	unsigned int t;		/* emit_set()'s thread number */
	int tid, cpu;		/* cpu: pinned to, -1 when not */
	const char *comm;
	uint64_t got, bad, wrong_cpu, wrong_comm;
	char first_bad[200];
};

static void stream_take(struct stream *s, const struct scmwq_event *ev)
{
	const char *why;

	if (!check_event(ev, s->t, s->got, &why)) {
		if (!s->bad++)
			snprintf(s->first_bad, sizeof(s->first_bad),
				 "event %llu: %s (type %s, ctx %u, smc_id 0x%llx)",
				 (unsigned long long)s->got, why, scmwq_ev_type_name(ev->type),
				 ev->smc_call_ctx, (unsigned long long)ev->smc_id);
	}
	if (s->cpu >= 0 && ev->cpu != s->cpu)
		s->wrong_cpu++;
	if (s->comm && strcmp(ev->comm, s->comm))
		s->wrong_comm++;
	s->got++;
}

static void stream_report(const struct stream *s, uint64_t want, const char *what)
{
	is_int(s->got, want, "%s: every event of thread %s comes back (%llu)", what, s->comm,
	       (unsigned long long)want);
	ok(!s->bad, "%s: thread %s's events in its order with the values it passed", what,
	   s->comm);
	if (s->bad)
		printf("#   %llu wrong; first: %s\n", (unsigned long long)s->bad, s->first_bad);
	ok(!s->wrong_cpu, "%s: thread %s's events carry its CPU %d", what, s->comm, s->cpu);
	ok(!s->wrong_comm, "%s: thread %s's events carry its comm", what, s->comm);
}

/* ------------------------------------------------------------------ */
/* (a) two threads, two CPUs                                           */

struct emitter {
	pthread_t th;
	struct stream *s;
	pthread_barrier_t *go;
	unsigned int sets;
	volatile int tid;
};

static void *emit_thread(void *arg)
{
	struct emitter *e = arg;

	pthread_setname_np(pthread_self(), e->s->comm);
	if (e->s->cpu >= 0 && !fixture_pin(e->s->cpu))
		e->s->cpu = -1;
	e->tid = gettid_();
	pthread_barrier_wait(e->go);
	for (unsigned int i = 0; i < e->sets; i++)
		emit_set(e->s->t, i);
	return NULL;
}

/*
 * @backlog: the reader waits until both threads are done, so that it meets
 * more pages per CPU than one sweep takes; the time it then needs gives
 * its own rate.
 */
static void test_two_cpus(struct scmwq_live *l, bool backlog)
{
	struct stream s[2] = {
		{ .t = 1, .comm = "live-a", .cpu = -1 },
		{ .t = 2, .comm = "live-b", .cpu = -1 },
	};
	const char *what = backlog ? "(a, backlog)" : "(a)";
	struct emitter e[2];
	pthread_barrier_t go;
	struct scmwq_error err = { 0 };
	struct scmwq_event ev;
	uint64_t deadline, last_ts = 0, backwards = 0, others = 0, lost = 0, n = 0;
	uint64_t switches = 0, t0 = 0, t1 = 0;
	int cpu[2], ncpu = fixture_pick_cpus(cpu), rc = 0, last_cpu = -1;

	if (ncpu == 2) {
		s[0].cpu = cpu[0];
		s[1].cpu = cpu[1];
	} else {
		printf("# only one CPU to run on: both threads share it\n");
	}
	pthread_barrier_init(&go, NULL, 3);
	for (int i = 0; i < 2; i++) {
		e[i] = (struct emitter){ .s = &s[i], .go = &go, .sets = SETS_A };
		pthread_create(&e[i].th, NULL, emit_thread, &e[i]);
	}
	pthread_barrier_wait(&go);
	s[0].tid = e[0].tid;
	s[1].tid = e[1].tid;
	if (backlog) {
		for (int i = 0; i < 2; i++)
			pthread_join(e[i].th, NULL);
		t0 = mono_ns();
	}

	deadline = mono_ns() + 20000 * MS;
	while (s[0].got + s[1].got < 2ULL * SETS_A * 6 && mono_ns() < deadline) {
		rc = scmwq_live_next(l, &ev, 200, &err);
		if (rc < 0)
			break;
		if (!rc)
			continue;
		n++;
		if (ev.ts_ns < last_ts)
			backwards++;
		last_ts = ev.ts_ns;
		if (ev.cpu != last_cpu)
			switches++;
		last_cpu = ev.cpu;
		if (ev.type == SCMWQ_EV_LOST)
			lost++;
		else if (ev.pid == s[0].tid)
			stream_take(&s[0], &ev);
		else if (ev.pid == s[1].tid)
			stream_take(&s[1], &ev);
		else
			others++;
	}
	t1 = mono_ns();
	if (!backlog)
		for (int i = 0; i < 2; i++)
			pthread_join(e[i].th, NULL);
	pthread_barrier_destroy(&go);

	ok(rc >= 0, "%s scmwq_live_next reads without error%s%s", what, rc < 0 ? ": " : "",
	   rc < 0 ? err.msg : "");
	is_int(lost, 0, "%s no loss markers (the buffer is large enough)", what);
	for (int i = 0; i < 2; i++)
		stream_report(&s[i], SETS_A * 6ULL, what);
	is_int(backwards, 0, "%s %llu events across %d CPUs in non-decreasing time order", what,
	       (unsigned long long)n, ncpu);
	printf("# %s the delivered stream changed CPU %llu times\n", what,
	       (unsigned long long)switches);
	if (backlog && t1 > t0)
		printf("# rate: the reader alone, from a backlog: %llu events in %.3f s "
		       "(%.0f events/s)\n", (unsigned long long)n, (t1 - t0) / 1e9,
		       n / ((t1 - t0) / 1e9));
	if (others)
		printf("# %s %llu events of other threads ignored\n", what,
		       (unsigned long long)others);
}

/* ------------------------------------------------------------------ */
/* (b) latency at a low rate                                          */

struct single {
	pthread_barrier_t go;
	volatile uint64_t emitted_ns;
	volatile int tid;
	int trials;
};

static void *single_thread(void *arg)
{
	struct single *sg = arg;

	pthread_setname_np(pthread_self(), "live-slow");
	sg->tid = gettid_();
	for (int k = 0; k < sg->trials; k++) {
		pthread_barrier_wait(&sg->go);
		usleep(50000 + 37000 * k);	/* not in step with the reader's sweeps */
		sg->emitted_ns = mono_ns();
		scm_waitq_resume(0xc0ffee00 + k);
		pthread_barrier_wait(&sg->go);
	}
	return NULL;
}

static void test_latency(struct scmwq_live *l)
{
	struct single sg = { .trials = TRIALS_B };
	struct scmwq_error err = { 0 };
	uint64_t worst = 0, t0, now;
	int late = 0, missing = 0, off_clock = 0, rc;
	pthread_t th;

	pthread_barrier_init(&sg.go, NULL, 2);
	pthread_create(&th, NULL, single_thread, &sg);
	for (int k = 0; k < TRIALS_B; k++) {
		struct scmwq_event ev;
		uint64_t got_ns = 0, deadline;
		bool found = false;

		pthread_barrier_wait(&sg.go);
		deadline = mono_ns() + 2000 * MS;
		while (!found && mono_ns() < deadline) {
			rc = scmwq_live_next(l, &ev, 100, &err);
			if (rc < 0)
				break;
			if (rc && ev.type == SCMWQ_EV_RESUME && ev.pid == sg.tid &&
			    ev.smc_call_ctx == 0xc0ffee00u + k) {
				got_ns = mono_ns();
				found = true;
			}
		}
		pthread_barrier_wait(&sg.go);
		if (!found) {
			missing++;
			continue;
		}
		/* the kernel's timestamp is CLOCK_MONOTONIC: between the call and now */
		if (ev.ts_ns < sg.emitted_ns || ev.ts_ns > got_ns)
			off_clock++;
		if (got_ns - sg.emitted_ns > worst)
			worst = got_ns - sg.emitted_ns;
		if (got_ns - sg.emitted_ns > 200 * MS)
			late++;
	}
	pthread_join(th, NULL);
	pthread_barrier_destroy(&sg.go);

	is_int(missing, 0, "(b) each of %d single events comes back", TRIALS_B);
	is_int(late, 0, "(b) each within 200 ms of the call (worst %.1f ms)", worst / 1e6);
	is_int(off_clock, 0, "(b) event times are CLOCK_MONOTONIC: between the call and delivery");

	/* nothing pending: next returns 0, and the watermark has moved past t0 */
	t0 = mono_ns();
	rc = scmwq_live_next(l, &(struct scmwq_event){ 0 }, 60, &err);
	now = scmwq_live_now(l);
	is_int(rc, 0, "(b) with nothing written, scmwq_live_next returns 0 after its timeout");
	ok(now >= t0 && now <= mono_ns(), "(b) scmwq_live_now() passed the time the wait began "
	   "(%.1f ms after it)", ((double)now - (double)t0) / 1e6);
}

/* ------------------------------------------------------------------ */
/* The rate (printed, not checked)                                    */

struct flood {
	volatile bool stop;
	volatile int tid;
	uint64_t emitted;
	int cpu;
};

static void *flood_thread(void *arg)
{
	struct flood *f = arg;
	uint64_t end;

	pthread_setname_np(pthread_self(), "live-flood");
	if (f->cpu >= 0)
		fixture_pin(f->cpu);
	f->tid = gettid_();
	end = mono_ns() + 1000 * MS;
	do {
		for (int i = 0; i < 256; i++)
			scm_waitq_resume((uint32_t)f->emitted++);
	} while (mono_ns() < end);
	f->stop = true;
	return NULL;
}

static void measure_rate(struct scmwq_live *l)
{
	struct flood f = { .cpu = -1 };
	struct scmwq_error err = { 0 };
	struct scmwq_event ev;
	uint64_t got = 0, lost0, lost1, pages0, pages1, t0, t_last = 0;
	int cpu[2], rc;
	cpu_set_t mine;
	pthread_t th;

	pthread_getaffinity_np(pthread_self(), sizeof(mine), &mine);
	if (fixture_pick_cpus(cpu) == 2) {
		fixture_pin(cpu[0]);
		f.cpu = cpu[1];
	}
	scmwq_live_stats(l, NULL, &lost0, &pages0);
	t0 = mono_ns();
	pthread_create(&th, NULL, flood_thread, &f);
	for (;;) {
		rc = scmwq_live_next(l, &ev, 100, &err);
		if (rc < 0 || (!rc && f.stop))
			break;
		if (rc && ev.type == SCMWQ_EV_RESUME && f.tid && ev.pid == f.tid) {
			got++;
			t_last = mono_ns();
		}
	}
	pthread_join(th, NULL);
	scmwq_live_stats(l, NULL, &lost1, &pages1);
	ok(rc >= 0, "rate: the reader keeps up without error%s%s", rc < 0 ? ": " : "",
	   rc < 0 ? err.msg : "");
	printf("# rate: one thread emitted %llu events in 1 s; %llu delivered in %.2f s "
	       "(%.0f events/s), %llu reported lost, %llu pages read\n",
	       (unsigned long long)f.emitted, (unsigned long long)got,
	       t_last > t0 ? (t_last - t0) / 1e9 : 0.0,
	       t_last > t0 ? got / ((t_last - t0) / 1e9) : 0.0,
	       (unsigned long long)(lost1 - lost0), (unsigned long long)(pages1 - pages0));
	pthread_setaffinity_np(pthread_self(), sizeof(mine), &mine);
}

/* ------------------------------------------------------------------ */
/* (d) a ring buffer too small: losses come as SCMWQ_EV_LOST          */

struct burst {
	volatile int tid;
	unsigned int sets;
	int cpu;
};

static void *burst_thread(void *arg)
{
	struct burst *b = arg;

	pthread_setname_np(pthread_self(), "live-burst");
	if (b->cpu >= 0)
		fixture_pin(b->cpu);
	b->tid = gettid_();
	for (unsigned int i = 0; i < b->sets; i++)
		emit_set(4, i);
	return NULL;
}

static void test_loss(struct scmwq_live *l)
{
	struct burst b = { .sets = 20000, .cpu = -1 };
	struct scmwq_error err = { 0 };
	struct scmwq_event ev;
	uint64_t lost0, lost1, got = 0, markers = 0, counted = 0, backwards = 0, last_ts = 0;
	int cpu[2], rc;
	pthread_t th;

	if (fixture_pick_cpus(cpu) >= 1)
		b.cpu = cpu[0];
	if (tracefs_instance_set_buffer_size(inst, 64, -1) < 0) {
		printf("# cannot shrink the buffer: loss check left out\n");
		return;
	}
	scmwq_live_stats(l, NULL, &lost0, NULL);
	/* the reader is not reading: 120000 events overrun 64 KB */
	pthread_create(&th, NULL, burst_thread, &b);
	pthread_join(th, NULL);
	while ((rc = scmwq_live_next(l, &ev, 100, &err)) == 1) {
		if (ev.ts_ns < last_ts)
			backwards++;
		last_ts = ev.ts_ns;
		if (ev.type == SCMWQ_EV_LOST) {
			markers++;
			counted += ev.lost_count;
		} else if (ev.pid == b.tid) {
			got++;
		}
	}
	scmwq_live_stats(l, NULL, &lost1, NULL);
	tracefs_instance_set_buffer_size(inst, 4096, -1);

	ok(rc == 0, "(d) reading an overrun buffer%s%s", rc ? ": " : "", rc ? err.msg : "");
	ok(markers > 0 && got < b.sets * 6ULL, "(d) an overrun buffer gives SCMWQ_EV_LOST events "
	   "(%llu markers, %llu of %u events read)", (unsigned long long)markers,
	   (unsigned long long)got, b.sets * 6);
	is_int(lost1 - lost0, counted, "(d) scmwq_live_stats counts the events they say were lost");
	is_int(backwards, 0, "(d) markers and events in non-decreasing time order");
	ok(got + counted <= b.sets * 6ULL, "(d) no more events read and reported lost than "
	   "were written");
	printf("# (d) %llu read + %llu reported lost = %llu of %u written\n",
	       (unsigned long long)got, (unsigned long long)counted,
	       (unsigned long long)(got + counted), b.sets * 6);
}

/* ------------------------------------------------------------------ */
/* (c) drain after tracing_off                                        */

static void test_drain(struct scmwq_live *l)
{
	struct stream s = { .t = 3, .comm = "test_live", .cpu = -1, .tid = gettid_() };
	struct scmwq_error err = { 0 };
	struct scmwq_event ev;
	uint64_t t0, t1, ev0, ev1;
	int rc;

	for (unsigned int i = 0; i < SETS_C; i++)
		emit_set(s.t, i);
	tracefs_trace_off(inst);
	scmwq_live_stats(l, &ev0, NULL, NULL);
	rc = scmwq_live_drain(l, &err);
	ok(rc == 0, "(c) scmwq_live_drain after tracing_off%s%s", rc ? ": " : "",
	   rc ? err.msg : "");
	t0 = mono_ns();
	while ((rc = scmwq_live_next(l, &ev, 1000, &err)) == 1)
		if (ev.pid == s.tid && ev.type != SCMWQ_EV_LOST)
			stream_take(&s, &ev);
	t1 = mono_ns();
	scmwq_live_stats(l, &ev1, NULL, NULL);
	is_int(rc, 0, "(c) then scmwq_live_next returns 0");
	ok(t1 - t0 < 500 * MS, "(c) at once, not after its timeout (%.1f ms)", (t1 - t0) / 1e6);
	is_int(s.got, SETS_C * 6ULL, "(c) every event written before tracing_off comes back");
	ok(!s.bad, "(c) in order with the values passed");
	if (s.bad)
		printf("#   %llu wrong; first: %s\n", (unsigned long long)s.bad, s.first_bad);
	ok(ev1 - ev0 >= s.got, "(c) scmwq_live_stats counts them (%llu)",
	   (unsigned long long)(ev1 - ev0));
	rc = scmwq_live_next(l, &ev, 1000, &err);
	is_int(rc, 0, "(c) and keeps returning 0");
}

/* ------------------------------------------------------------------ */

/* A trace clock no system clock reads is refused, naming the instance. */
static void test_bad_clock(void)
{
	struct scmwq_error err = { 0 };
	struct scmwq_live *l;

	if (tracefs_instance_file_write(inst, "trace_clock", "local") < 0) {
		printf("# cannot set trace_clock local: bad-clock check left out\n");
		return;
	}
	l = scmwq_live_open(inst, &err);
	ok(!l && strstr(err.msg, tracefs_instance_get_name(inst)) &&
	   strstr(err.msg, "trace_clock"),
	   "scmwq_live_open refuses the \"local\" trace clock, naming the instance");
	if (l)
		scmwq_live_free(l);
	else
		printf("#   %s\n", err.msg);
	tracefs_instance_file_write(inst, "trace_clock", "mono");
}

int main(void)
{
	struct scmwq_error err = { 0 };
	struct scmwq_live *l;
	char why[2048];
	const char *skip;
	uint64_t events, lost, pages;

	setvbuf(stdout, NULL, _IOLBF, 0);
	skip = setup(why, sizeof(why));
	if (skip) {
		cleanup();
		printf("ok 1 - live tracefs reader # skip %s\n", skip);
		printf("1..1\n");
		return 0;
	}
	printf("# instance %s, uprobes in group %s\n", tracefs_instance_get_name(inst), group);

	test_bad_clock();
	l = scmwq_live_open(inst, &err);
	ok(l != NULL, "scmwq_live_open on instance %s%s%s", tracefs_instance_get_name(inst),
	   l ? "" : ": ", l ? "" : err.msg);
	if (l) {
		test_two_cpus(l, false);
		test_two_cpus(l, true);
		test_latency(l);
		measure_rate(l);
		test_loss(l);
		test_drain(l);
		scmwq_live_stats(l, &events, &lost, &pages);
		printf("# totals: %llu events delivered, %llu lost, %llu pages read\n",
		       (unsigned long long)events, (unsigned long long)lost,
		       (unsigned long long)pages);
		scmwq_live_free(l);
	}
	cleanup();
	return tap_done();
}
