// SPDX-License-Identifier: GPL-2.0
/*
 * scmwq-gen: play a scenario (.scn) of SCM wait-queue events.
 *
 *   scmwq-gen --text[=qcom_scm|scm] SCENARIO   ftrace text on stdout, virtual time
 *   scmwq-gen --dat=qcom_scm|scm [--dat-version=6|7] FILE SCENARIO
 *                                              a trace.dat in the kernel's exact
 *                                              formats (tests/support/kdat.c), the
 *                                              same events and times as --text
 *   scmwq-gen --run SCENARIO                   real threads call the probe points of
 *                                              lib/sim/probes.c (for uprobes)
 *   scmwq-gen --check SCENARIO                 validate only
 *
 * The scenario language, one step per line ('#' starts a comment):
 *
 *   driver NAME                  mainline|mainline-6.3|mainline-6.11|vendor|draft-2022
 *   thread NAME [COMM]           declare a thread (IRQ is declared on first use)
 *   T request SMC_ID [ARG0 [ARG1]]
 *   T sleep WQ CTX
 *   T resume CTX
 *   T getwq WQ FLAGS MORE
 *   T wakeack WQ CTX
 *   T done SMC_ID RET [RES RES0 RES1 RES2]
 *   T wait DURATION              real sleep (--run) / virtual time (--text, --dat)
 *   lost N                       N events lost on the CPU of the next event step, as
 *                                the kernel reports a loss with that CPU's next
 *                                record: --text prints "CPU:C [LOST N EVENTS]" before
 *                                it, --dat starts its page flagged with N missed
 *                                events (N 0: a count the kernel could not store);
 *                                --run cannot lose events and skips it
 *
 * Steps run strictly in file order.  Errors are reported as FILE:LINE: message
 * and exit with status 65.
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <scmwq.h>

#include "base/base.h"
#include "model/model.h"
#include "sim/sim.h"
#include "source/source.h"
#include "kdat.h"

#define EX_USAGE	64
#define EX_DATAERR	65
#define EX_SOFTWARE	70

#define MAX_THREADS	64
#define MAX_WORDS	12
#define TEXT_CPUS	4
#define START_NS	100000000000ULL	/* virtual time starts at 100 s */
#define STEP_NS		10000ULL	/* +10 us per step */
#define PID_BASE	1000
#define IRQ_NAME	"IRQ"
#define IRQ_COMM	"irq/41-qcom-scm"

enum step_kind {
	ST_REQUEST,
	ST_SLEEP,
	ST_RESUME,
	ST_GETWQ,
	ST_WAKEACK,
	ST_DONE,
	ST_WAIT,
	ST_LOST,
};

struct step {
	enum step_kind kind;
	int line;
	int thread;		/* -1 for "lost" */
	int nargs;		/* request: arguments given; done: results given */
	uint64_t v[6];
	uint64_t wait_ns;
};

struct thread {
	char name[64];
	char comm[16];		/* TASK_COMM_LEN */
	int line;		/* where declared */
	pthread_t tid;
};

struct scenario {
	const char *path;
	enum scmwq_driver driver;
	bool have_driver;
	struct thread threads[MAX_THREADS];
	int nthreads;
	struct step *steps;
	int nsteps, cap;
	int nevents;		/* steps that are events */
};

static int scn_error(const struct scenario *scn, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int scn_error(const struct scenario *scn, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", scn->path, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static int find_thread(const struct scenario *scn, const char *name)
{
	for (int i = 0; i < scn->nthreads; i++)
		if (!strcmp(scn->threads[i].name, name))
			return i;
	return -1;
}

static int add_thread(struct scenario *scn, int line, const char *name, const char *comm)
{
	struct thread *t;

	if (scn->nthreads >= MAX_THREADS)
		return scn_error(scn, line, "too many threads (at most %d)", MAX_THREADS);
	if (strlen(name) >= sizeof(t->name))
		return scn_error(scn, line, "thread name \"%s\" is too long", name);
	if (strlen(comm) >= sizeof(t->comm))
		return scn_error(scn, line, "comm \"%s\" is longer than 15 characters", comm);
	t = &scn->threads[scn->nthreads];
	strcpy(t->name, name);
	strcpy(t->comm, comm);
	t->line = line;
	return scn->nthreads++;
}

static int parse_u64(const struct scenario *scn, int line, const char *what, const char *s,
		     uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s == '-' || *s == '+') {
		scn_error(scn, line, "%s: expected a non-negative number, got \"%s\"", what, s);
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end) {
		scn_error(scn, line, "%s: expected a number, got \"%s\"", what, s);
		return -1;
	}
	if (v > max) {
		scn_error(scn, line, "%s: %s is out of range (at most %#llx)", what, s,
			  (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_int(const struct scenario *scn, int line, const char *what, const char *s,
		     int *out)
{
	long long v;
	char *end;

	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || end == s || *end) {
		scn_error(scn, line, "%s: expected an integer, got \"%s\"", what, s);
		return -1;
	}
	if (v < INT_MIN || v > INT_MAX) {
		scn_error(scn, line, "%s: %s is out of range for an int", what, s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static struct step *new_step(struct scenario *scn)
{
	if (scn->nsteps == scn->cap) {
		int cap = scn->cap ? scn->cap * 2 : 64;
		struct step *s = realloc(scn->steps, cap * sizeof(*s));

		if (!s)
			return NULL;
		scn->steps = s;
		scn->cap = cap;
	}
	memset(&scn->steps[scn->nsteps], 0, sizeof(struct step));
	return &scn->steps[scn->nsteps++];
}

static const struct {
	const char *word;
	enum step_kind kind;
	int min, max;		/* operands */
	const char *usage;
} verbs[] = {
	{ "request", ST_REQUEST, 1, 3, "T request SMC_ID [ARG0 [ARG1]]" },
	{ "sleep",   ST_SLEEP,   2, 2, "T sleep WQ CTX" },
	{ "resume",  ST_RESUME,  1, 1, "T resume CTX" },
	{ "getwq",   ST_GETWQ,   3, 3, "T getwq WQ FLAGS MORE" },
	{ "wakeack", ST_WAKEACK, 2, 2, "T wakeack WQ CTX" },
	{ "done",    ST_DONE,    2, 6, "T done SMC_ID RET [RES RES0 RES1 RES2]" },
	{ "wait",    ST_WAIT,    1, 1, "T wait DURATION" },
};

static int parse_step(struct scenario *scn, int line, char **w, int nw)
{
	int ti, vi = -1, nops = nw - 2;
	struct step *st;
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (nw >= 2 && !strcmp(w[1], verbs[i].word))
			vi = (int)i;
	if (vi < 0) {
		if (nw < 2)
			return scn_error(scn, line, "expected a keyword (driver, thread, lost) or "
					 "\"THREAD STEP ...\", got \"%s\"", w[0]);
		return scn_error(scn, line, "unknown step \"%s\" (expected request, sleep, resume, "
				 "getwq, wakeack, done or wait)", w[1]);
	}
	if (nops < verbs[vi].min || nops > verbs[vi].max)
		return scn_error(scn, line, "wrong number of operands, expected: %s",
				 verbs[vi].usage);

	ti = find_thread(scn, w[0]);
	if (ti < 0 && !strcmp(w[0], IRQ_NAME))
		ti = add_thread(scn, line, IRQ_NAME, IRQ_COMM);
	else if (ti < 0)
		return scn_error(scn, line,
				 "thread \"%s\" is not declared (use \"thread %s\" first)", w[0],
				 w[0]);
	if (ti < 0)
		return -1;

	st = new_step(scn);
	if (!st)
		return scn_error(scn, line, "out of memory");
	st->kind = verbs[vi].kind;
	st->line = line;
	st->thread = ti;
	st->nargs = nops;
	ret = 0;
	switch (st->kind) {
	case ST_REQUEST:
		ret = parse_u64(scn, line, "SMC_ID", w[2], UINT64_MAX, &st->v[0]);
		for (int i = 3; !ret && i < nw; i++)
			ret = parse_u64(scn, line, "ARG", w[i], UINT64_MAX, &st->v[i - 2]);
		st->nargs = nops - 1;
		break;
	case ST_SLEEP:
	case ST_WAKEACK:
		ret = parse_u64(scn, line, "WQ", w[2], UINT32_MAX, &st->v[0]);
		if (!ret)
			ret = parse_u64(scn, line, "CTX", w[3], UINT32_MAX, &st->v[1]);
		break;
	case ST_RESUME:
		ret = parse_u64(scn, line, "CTX", w[2], UINT32_MAX, &st->v[0]);
		break;
	case ST_GETWQ:
		ret = parse_u64(scn, line, "WQ", w[2], UINT32_MAX, &st->v[0]);
		if (!ret)
			ret = parse_u64(scn, line, "FLAGS", w[3], UINT32_MAX, &st->v[1]);
		if (!ret)
			ret = parse_u64(scn, line, "MORE", w[4], UINT32_MAX, &st->v[2]);
		break;
	case ST_DONE: {
		int r = 0;

		if (nops != 2 && nops != 6)
			return scn_error(scn, line, "wrong number of operands, expected: %s",
					 verbs[vi].usage);
		ret = parse_u64(scn, line, "SMC_ID", w[2], UINT64_MAX, &st->v[0]);
		if (!ret)
			ret = parse_int(scn, line, "RET", w[3], &r);
		st->v[1] = (uint64_t)(int64_t)r;
		for (int i = 4; !ret && i < nw; i++)
			ret = parse_u64(scn, line, "RES", w[i], UINT64_MAX, &st->v[i - 2]);
		break;
	}
	case ST_WAIT:
		if (scmwq_parse_duration(w[2], &st->wait_ns) < 0)
			return scn_error(scn, line, "bad DURATION \"%s\" (e.g. 150ms, 2s, 500us)",
					 w[2]);
		break;
	default:
		break;
	}
	if (ret)
		return -1;
	if (st->kind != ST_WAIT)
		scn->nevents++;
	return 0;
}

static int parse_line(struct scenario *scn, int line, char *buf)
{
	char *w[MAX_WORDS + 1];
	char *p, *save = NULL;
	int nw = 0;

	p = strchr(buf, '#');
	if (p)
		*p = '\0';
	for (p = strtok_r(buf, " \t\r\n", &save); p; p = strtok_r(NULL, " \t\r\n", &save)) {
		if (nw == MAX_WORDS)
			return scn_error(scn, line, "too many words on the line");
		w[nw++] = p;
	}
	if (!nw)
		return 0;

	if (!strcmp(w[0], "driver")) {
		if (nw != 2)
			return scn_error(scn, line, "expected: driver NAME");
		if (scn->have_driver)
			return scn_error(scn, line, "driver given twice");
		if (scmwq_driver_parse(w[1], &scn->driver) < 0 || scn->driver == SCMWQ_DRV_AUTO)
			return scn_error(scn, line,
					 "unknown driver \"%s\" (expected mainline, mainline-6.3, "
					 "mainline-6.11, vendor or draft-2022)", w[1]);
		scn->have_driver = true;
		return 0;
	}
	if (!strcmp(w[0], "thread")) {
		if (nw < 2 || nw > 3)
			return scn_error(scn, line, "expected: thread NAME [COMM]");
		if (find_thread(scn, w[1]) >= 0)
			return scn_error(scn, line, "thread \"%s\" already declared", w[1]);
		if (!strcmp(w[1], "thread") || !strcmp(w[1], "driver") || !strcmp(w[1], "lost"))
			return scn_error(scn, line, "\"%s\" cannot be a thread name", w[1]);
		return add_thread(scn, line, w[1], nw == 3 ? w[2] : w[1]) < 0 ? -1 : 0;
	}
	if (!strcmp(w[0], "lost")) {
		struct step *st;
		uint64_t n;

		if (nw != 2)
			return scn_error(scn, line, "expected: lost N");
		if (parse_u64(scn, line, "N", w[1], UINT64_MAX, &n))
			return -1;
		st = new_step(scn);
		if (!st)
			return scn_error(scn, line, "out of memory");
		st->kind = ST_LOST;
		st->line = line;
		st->thread = -1;
		st->v[0] = n;
		return 0;
	}
	return parse_step(scn, line, w, nw);
}

static int parse_scenario(struct scenario *scn, const char *path)
{
	char *buf = NULL;
	size_t cap = 0;
	int line = 0, errors = 0;
	FILE *fp;

	scn->path = path;
	fp = fopen(path, "r");
	if (!fp) {
		fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
		return -2;
	}
	while (getline(&buf, &cap, fp) >= 0) {
		line++;
		if (parse_line(scn, line, buf) < 0)
			errors++;
	}
	free(buf);
	fclose(fp);
	if (errors)
		return -1;
	if (!scn->nevents)
		return scn_error(scn, line ? line : 1, "the scenario has no events");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

static enum scmwq_system driver_system(enum scmwq_driver drv)
{
	return drv == SCMWQ_DRV_VENDOR || drv == SCMWQ_DRV_DRAFT_2022 ? SCMWQ_SYS_SCM :
								       SCMWQ_SYS_QCOM_SCM;
}

/* Fill the fields of @ev from step @st (pid, cpu, ts, comm left to the caller). */
static void step_event(const struct step *st, enum scmwq_system sys, struct scmwq_event *ev)
{
	switch (st->kind) {
	case ST_REQUEST:
		scmwq_event_request(ev, st->v[0], st->nargs, st->v[1], st->v[2]);
		break;
	case ST_SLEEP:
	case ST_WAKEACK:
		scmwq_event_waitq(ev, st->kind == ST_SLEEP ? SCMWQ_EV_SLEEP : SCMWQ_EV_WAKE_ACK,
				  st->v[0], st->v[1]);
		break;
	case ST_RESUME:
		scmwq_event_resume(ev, st->v[0]);
		break;
	case ST_GETWQ:
		scmwq_event_get_wq_ctx(ev, st->v[0], st->v[1], st->v[2]);
		break;
	case ST_DONE:
		scmwq_event_done(ev, st->v[0], (int)(int64_t)st->v[1], st->v[2], st->v[3], st->v[4],
				 st->v[5]);
		if (sys == SCMWQ_SYS_SCM)
			ev->have &= ~SCMWQ_HAVE_RES;	/* vendor's scm_smc_done has no res */
		break;
	case ST_LOST:
		ev->type = SCMWQ_EV_LOST;
		ev->loss = SCMWQ_LOSS_EVENTS;
		ev->lost_count = st->v[0];
		break;
	default:
		break;
	}
	ev->sys = sys;
}

static int thread_cpu(int thread)
{
	return thread % TEXT_CPUS;
}

/* The CPU a "lost" step at @i applies to: that of the next event step (CPU 0: none). */
static int lost_cpu(const struct scenario *scn, int i)
{
	for (int j = i + 1; j < scn->nsteps; j++)
		if (scn->steps[j].kind != ST_WAIT && scn->steps[j].kind != ST_LOST)
			return thread_cpu(scn->steps[j].thread);
	return 0;
}

/*
 * Play the scenario in virtual time (from 100 s, +10 us per event step,
 * waits added): each event to @out.
 */
static int play_virtual(const struct scenario *scn, enum scmwq_system sys,
			int (*out)(const struct scmwq_event *ev, void *arg), void *arg)
{
	uint64_t ts = START_NS;

	for (int i = 0; i < scn->nsteps; i++) {
		const struct step *st = &scn->steps[i];
		struct scmwq_event ev;

		if (st->kind == ST_WAIT) {
			ts += st->wait_ns;
			continue;
		}
		memset(&ev, 0, sizeof(ev));
		step_event(st, sys, &ev);
		ev.ts_ns = ts;
		ev.where = st->line;
		if (st->thread >= 0) {
			ev.pid = PID_BASE + st->thread;
			ev.cpu = thread_cpu(st->thread);
			snprintf(ev.comm, sizeof(ev.comm), "%s", scn->threads[st->thread].comm);
		} else {
			ev.pid = -1;
			ev.cpu = lost_cpu(scn, i);
		}
		if (out(&ev, arg) < 0)
			return -1;
		ts += STEP_NS;
	}
	return 0;
}

static int text_out(const struct scmwq_event *ev, void *arg)
{
	return scmwq_text_write_event(stdout, ev, *(enum scmwq_system *)arg);
}

static int play_text(const struct scenario *scn, enum scmwq_system sys)
{
	if (scmwq_text_write_header(stdout, TEXT_CPUS, scn->nevents) < 0 ||
	    play_virtual(scn, sys, text_out, &sys) < 0)
		return -1;
	return fflush(stdout) ? -1 : 0;
}

static int dat_out(const struct scmwq_event *ev, void *arg)
{
	return kdat_add(arg, ev);
}

static int play_dat(const struct scenario *scn, enum scmwq_system sys, const char *path,
		    int version)
{
	struct scmwq_error err = { 0 };
	struct kdat *k = kdat_open(path, sys, TEXT_CPUS, version, &err);

	if (!k) {
		fprintf(stderr, "scmwq-gen: %s\n", err.msg);
		return -1;
	}
	/* a failed kdat_add() fails kdat_close() too, with the reason */
	play_virtual(scn, sys, dat_out, k);
	if (kdat_close(k, &err) < 0) {
		fprintf(stderr, "scmwq-gen: %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* --run: real threads, strictly in file order                         */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t turn;
	int next;		/* index of the step to run */
	bool go;		/* every thread is up: start playing */
	const struct scenario *scn;
} run = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.turn = PTHREAD_COND_INITIALIZER,
};

/* Skip the steps no thread runs (lost markers). Called with the lock held. */
static void skip_threadless(void)
{
	while (run.next < run.scn->nsteps && run.scn->steps[run.next].thread < 0)
		run.next++;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ULL, .tv_nsec = ns % 1000000000ULL };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void run_step(const struct step *st)
{
	const uint64_t *v = st->v;

	switch (st->kind) {
	case ST_REQUEST:
		scm_smc_request(v[0], scmwq_smc_svc(v[0]), scmwq_smc_cmd(v[0]), st->nargs, v[1],
				v[2]);
		break;
	case ST_SLEEP:
		scm_waitq_sleep(v[0], v[1]);
		break;
	case ST_RESUME:
		scm_waitq_resume(v[0]);
		break;
	case ST_GETWQ:
		scm_waitq_get_wq_ctx(v[0], v[1], v[2]);
		break;
	case ST_WAKEACK:
		scm_waitq_wake_ack(v[0], v[1]);
		break;
	case ST_DONE:
		scm_smc_done((int)(int64_t)v[1], v[0], v[2], v[3], v[4], v[5]);
		break;
	case ST_WAIT:
		sleep_ns(st->wait_ns);
		break;
	default:
		break;
	}
}

static void *thread_main(void *arg)
{
	int me = (int)(intptr_t)arg;

	pthread_setname_np(pthread_self(), run.scn->threads[me].comm);
	pthread_mutex_lock(&run.lock);
	for (;;) {
		const struct step *st;

		while (!run.go)
			pthread_cond_wait(&run.turn, &run.lock);
		skip_threadless();
		while (run.next < run.scn->nsteps && run.scn->steps[run.next].thread != me) {
			pthread_cond_wait(&run.turn, &run.lock);
			skip_threadless();
		}
		if (run.next >= run.scn->nsteps)
			break;
		st = &run.scn->steps[run.next];
		pthread_mutex_unlock(&run.lock);
		run_step(st);
		pthread_mutex_lock(&run.lock);
		run.next++;
		pthread_cond_broadcast(&run.turn);
	}
	pthread_mutex_unlock(&run.lock);
	return NULL;
}

static int play_run(struct scenario *scn)
{
	int started, ret = 0;

	run.scn = scn;
	/* Hold the turn until every thread exists and has its name. */
	pthread_mutex_lock(&run.lock);
	run.next = 0;
	run.go = false;
	for (started = 0; started < scn->nthreads; started++) {
		int err = pthread_create(&scn->threads[started].tid, NULL, thread_main,
					 (void *)(intptr_t)started);

		if (err) {
			fprintf(stderr, "scmwq-gen: cannot create thread %s: %s\n",
				scn->threads[started].name, strerror(err));
			ret = -1;
			break;
		}
	}
	/* Let them block and get their names into the saved cmdlines. */
	pthread_mutex_unlock(&run.lock);
	sleep_ns(20 * 1000000ULL);
	pthread_mutex_lock(&run.lock);
	run.next = ret ? scn->nsteps : 0;
	run.go = true;
	pthread_cond_broadcast(&run.turn);
	pthread_mutex_unlock(&run.lock);
	for (int i = 0; i < started; i++)
		pthread_join(scn->threads[i].tid, NULL);
	return ret;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: scmwq-gen --text[=qcom_scm|scm] SCENARIO\n"
		"       scmwq-gen --dat=qcom_scm|scm [--dat-version=6|7] FILE SCENARIO\n"
		"       scmwq-gen --run SCENARIO\n"
		"       scmwq-gen --check SCENARIO\n"
		"\n"
		"  --text[=SYS]  write ftrace text to stdout (virtual time from 100 s, +10us per\n"
		"                step); SYS defaults to the scenario's driver: vendor and\n"
		"                draft-2022 print as system scm, others as qcom_scm\n"
		"  --dat=SYS     write FILE, a trace.dat whose event formats are the kernel's\n"
		"                qcom_scm or scm ones, with the events and times of --text;\n"
		"                a \"lost N\" step is a page flagged with N missed events\n"
		"  --dat-version=V  trace.dat file version 6 or 7 (default 7)\n"
		"  --run         play with one real thread per declared thread, calling the\n"
		"                probe functions scm_smc_request() ... (for uprobes)\n"
		"  --check       validate the scenario only\n"
		"  --list-threads  print NAME COMM for each thread (after validation)\n");
}

int main(int argc, char **argv)
{
	enum { M_NONE, M_TEXT, M_DAT, M_RUN, M_CHECK } mode = M_NONE;
	enum scmwq_system sys = SCMWQ_SYS_UNKNOWN;
	static struct scenario scn;
	const char *dat_path = NULL;
	bool list = false;
	int opt, ret, version = 7;
	static const struct option opts[] = {
		{ "text", optional_argument, NULL, 't' },
		{ "dat", required_argument, NULL, 'd' },
		{ "dat-version", required_argument, NULL, 'V' },
		{ "run", no_argument, NULL, 'r' },
		{ "check", no_argument, NULL, 'c' },
		{ "list-threads", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			mode = M_TEXT;
			if (!optarg)
				break;
			if (!strcmp(optarg, "qcom_scm")) {
				sys = SCMWQ_SYS_QCOM_SCM;
			} else if (!strcmp(optarg, "scm")) {
				sys = SCMWQ_SYS_SCM;
			} else {
				fprintf(stderr,
					"scmwq-gen: --text: expected qcom_scm or scm, got \"%s\"\n",
					optarg);
				return EX_USAGE;
			}
			break;
		case 'd':
			mode = M_DAT;
			if (!strcmp(optarg, "qcom_scm")) {
				sys = SCMWQ_SYS_QCOM_SCM;
			} else if (!strcmp(optarg, "scm")) {
				sys = SCMWQ_SYS_SCM;
			} else {
				fprintf(stderr,
					"scmwq-gen: --dat: expected qcom_scm or scm, got \"%s\"\n",
					optarg);
				return EX_USAGE;
			}
			break;
		case 'V':
			if (strcmp(optarg, "6") && strcmp(optarg, "7")) {
				fprintf(stderr, "scmwq-gen: --dat-version: expected 6 or 7, got "
					"\"%s\"\n", optarg);
				return EX_USAGE;
			}
			version = optarg[0] - '0';
			break;
		case 'r':
			mode = M_RUN;
			break;
		case 'c':
			mode = M_CHECK;
			break;
		case 'l':
			list = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (mode == M_DAT && optind == argc - 2)
		dat_path = argv[optind++];
	if ((mode == M_NONE && !list) || optind != argc - 1 || (mode == M_DAT && !dat_path)) {
		usage(stderr);
		return EX_USAGE;
	}

	ret = parse_scenario(&scn, argv[optind]);
	if (ret == -2)
		return 66;
	if (ret < 0)
		return EX_DATAERR;
	if (list)
		for (int i = 0; i < scn.nthreads; i++)
			printf("%s %s\n", scn.threads[i].name, scn.threads[i].comm);

	switch (mode) {
	case M_TEXT:
		if (sys == SCMWQ_SYS_UNKNOWN)
			sys = driver_system(scn.have_driver ? scn.driver : SCMWQ_DRV_MAINLINE);
		if (play_text(&scn, sys) < 0) {
			fprintf(stderr, "scmwq-gen: cannot write the text trace\n");
			return EX_SOFTWARE;
		}
		break;
	case M_DAT:
		if (play_dat(&scn, sys, dat_path, version) < 0)
			return EX_SOFTWARE;
		break;
	case M_RUN:
		if (play_run(&scn) < 0)
			return EX_SOFTWARE;
		break;
	default:
		break;
	}
	free(scn.steps);
	return 0;
}
