// SPDX-License-Identifier: GPL-2.0
/*
 * The model on hand-built event streams: each rule fires on its scenario,
 * with the right thread, wq_ctx and smc_call_ctx, and no rule fires on the
 * clean ones.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include <scmwq.h>

#include "base/base.h"
#include "model/model.h"
#include "sim/sim.h"
#include "source/source.h"

#define US 1000ULL
#define MS 1000000ULL
#define S 1000000000ULL

#define MAXF 64
static struct scmwq_finding found[MAXF];
static int nfound;

static void collect(const struct scmwq_finding *f, void *arg)
{
	if (nfound < MAXF)
		found[nfound++] = *f;
}

static struct scmwq_model *model;
static uint64_t base = 100 * S;

/* @ncpus, @in_order: the stream (0, false: the CPUs unknown, losses seen late) */
static void start_stream(enum scmwq_driver drv, int ncpus, bool in_order, bool guessed)
{
	struct scmwq_model_opts o;

	scmwq_model_opts_init(&o);
	o.driver = drv;
	o.ncpus = ncpus;
	o.losses_in_order = in_order;
	o.driver_guessed = guessed;
	nfound = 0;
	model = scmwq_model_alloc(&o, collect, NULL);
}

static void start(enum scmwq_driver drv)
{
	start_stream(drv, 0, false, false);
}

static struct scmwq_event mk(enum scmwq_ev_type type, uint64_t t_us, int pid)
{
	struct scmwq_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.ts_ns = base + t_us * US;
	ev.pid = pid;
	ev.cpu = pid % 4;
	snprintf(ev.comm, sizeof(ev.comm), "t%d", pid);
	return ev;
}

/* an event built by the library's constructor, at @t_us on @pid */
static void feed(struct scmwq_event *ev, uint64_t t_us, int pid)
{
	ev->ts_ns = base + t_us * US;
	ev->pid = pid;
	ev->cpu = pid % 4;
	snprintf(ev->comm, sizeof(ev->comm), "t%d", pid);
	scmwq_model_feed(model, ev);
}

static void req(uint64_t t, int pid, uint64_t id, int nargs, uint64_t arg0)
{
	struct scmwq_event ev;

	scmwq_event_request(&ev, id, (unsigned int)nargs, arg0, 0);
	feed(&ev, t, pid);
}

static void slp(uint64_t t, int pid, uint32_t wq, uint32_t ctx)
{
	struct scmwq_event ev;

	scmwq_event_waitq(&ev, SCMWQ_EV_SLEEP, wq, ctx);
	feed(&ev, t, pid);
}

static void res(uint64_t t, int pid, uint32_t ctx)
{
	struct scmwq_event ev;

	scmwq_event_resume(&ev, ctx);
	feed(&ev, t, pid);
}

static void getwq(uint64_t t, int pid, uint32_t wq, uint32_t flags, uint32_t more)
{
	struct scmwq_event ev;

	scmwq_event_get_wq_ctx(&ev, wq, flags, more);
	feed(&ev, t, pid);
}

static void wakeack(uint64_t t, int pid, uint32_t wq, uint32_t ctx)
{
	struct scmwq_event ev;

	scmwq_event_waitq(&ev, SCMWQ_EV_WAKE_ACK, wq, ctx);
	feed(&ev, t, pid);
}

static void done(uint64_t t, int pid, uint64_t id, int ret)
{
	struct scmwq_event ev;

	scmwq_event_done(&ev, id, ret, 0, 0, 0, 0);
	feed(&ev, t, pid);
}

/*
 * A loss marker at @t in the stream: @n events of @cpu lost after @gap_us
 * (that CPU's previous event), before its next one.
 */
static void lost(uint64_t t, int cpu, uint64_t gap_us, uint64_t n)
{
	struct scmwq_event ev = mk(SCMWQ_EV_LOST, t, -1);

	ev.cpu = cpu;
	ev.gap_start_ns = base + gap_us * US;
	ev.lost_count = n;
	scmwq_model_feed(model, &ev);
}

/* the IRQ drain of one wq_ctx: request + get_wq_ctx */
static void irq(uint64_t t, uint32_t wq, uint32_t flags, uint32_t more)
{
	req(t, 50, SCMWQ_SMC_GET_WQ_CTX, 0, 0);
	getwq(t + 2, 50, wq, flags, more);
}

/* a whole call that sleeps on @wq and is woken by the IRQ path */
static void call_irq(uint64_t t, int pid, uint32_t wq, uint32_t ctx)
{
	req(t, pid, 0x42000601, 1, 0);
	slp(t + 10, pid, wq, ctx);
	irq(t + 20, wq, 1, 0);
	res(t + 40, pid, ctx);
	req(t + 45, pid, SCMWQ_SMC_RESUME, 1, ctx);
	done(t + 60, pid, 0x42000601, 0);
}

static void finish(void)
{
	scmwq_model_finish(model);
	scmwq_model_free(model);
	model = NULL;
}

static int count_rule(const char *id, bool conclusive_only)
{
	int n = 0;

	for (int i = 0; i < nfound; i++)
		if (!strcmp(scmwq_rule_info(found[i].rule)->id, id) &&
		    (!conclusive_only || !found[i].inconclusive))
			n++;
	return n;
}

static int count_sev(enum scmwq_severity sev)
{
	int n = 0;

	for (int i = 0; i < nfound; i++)
		if (found[i].severity == sev && !found[i].inconclusive)
			n++;
	return n;
}

static const struct scmwq_finding *get(const char *id)
{
	for (int i = 0; i < nfound; i++)
		if (!strcmp(scmwq_rule_info(found[i].rule)->id, id))
			return &found[i];
	return NULL;
}

static void dump(void)
{
	for (int i = 0; i < nfound; i++)
		printf("#   %s%s pid %d: %s\n", scmwq_rule_info(found[i].rule)->id,
		       found[i].inconclusive ? " (inconclusive)" : "", found[i].pid, found[i].message);
}

/* exactly one conclusive error/warning of @id, and no other error */
static void expect_only(const char *id, const char *what)
{
	const struct scmwq_finding *f = get(id);
	int errors = count_sev(SCMWQ_SEV_ERROR);
	bool is_err = f && f->severity == SCMWQ_SEV_ERROR;

	ok(count_rule(id, true) == 1 && errors == (is_err ? 1 : 0), "%s: %s", id, what);
	if (!(count_rule(id, true) == 1 && errors == (is_err ? 1 : 0)))
		dump();
}

static void expect_clean(const char *what)
{
	int bad = count_sev(SCMWQ_SEV_ERROR) + count_sev(SCMWQ_SEV_WARNING);

	ok(bad == 0, "clean: %s", what);
	if (bad)
		dump();
}

static void test_clean(void)
{
	for (int d = SCMWQ_DRV_MAINLINE; d < SCMWQ_DRV__COUNT; d++) {
		start(d);
		call_irq(0, 101, 0, 7);
		call_irq(100, 102, 0, 8);
		req(200, 103, 0x42000602, 0, 0);
		done(210, 103, 0x42000602, 0);
		call_irq(300, 101, 0, 9);
		req(2 * S / US, 104, 0x42000603, 0, 0);	/* time passes */
		done(2 * S / US + 5, 104, 0x42000603, 0);
		finish();
		expect_clean(scmwq_driver_name(d));
	}

	/* vendor: WAKE/ACK, WAKE_ALL with two sleepers, several wq_ctx */
	start(SCMWQ_DRV_VENDOR);
	req(0, 101, 0x42000601, 0, 0);
	slp(10, 101, 2, 7);
	req(20, 102, 0x42000602, 0, 0);
	slp(30, 102, 2, 8);
	req(40, 103, 0x42000603, 0, 0);
	wakeack(50, 103, 2, 9);
	req(55, 103, SCMWQ_SMC_ACK, 1, 9);
	res(60, 101, 7);
	req(65, 101, SCMWQ_SMC_RESUME, 1, 7);
	req(70, 104, 0x42000604, 0, 0);
	slp(80, 104, 3, 10);
	req(90, 105, 0x42000605, 0, 0);
	slp(100, 105, 3, 11);
	irq(110, 2, 1, 1);
	irq(115, 3, 2, 0);
	res(130, 102, 8);
	req(131, 102, SCMWQ_SMC_RESUME, 1, 8);
	res(140, 104, 10);
	req(141, 104, SCMWQ_SMC_RESUME, 1, 10);
	res(150, 105, 11);
	req(151, 105, SCMWQ_SMC_RESUME, 1, 11);
	done(160, 101, 0x42000601, 0);
	done(161, 102, 0x42000602, 0);
	done(162, 103, 0x42000603, 0);
	done(163, 104, 0x42000604, 0);
	done(164, 105, 0x42000605, 0);
	finish();
	expect_clean("vendor with WAKE/ACK, WAKE_ALL and a drain of two wait-queues");

	/* the wake logged 5 us before the sleep, on another CPU: within --skew */
	start(SCMWQ_DRV_MAINLINE);
	call_irq(0, 101, 0, 1);
	req(100, 101, 0x42000601, 0, 0);
	irq(105, 0, 1, 0);
	slp(112, 101, 0, 7);
	res(130, 101, 7);
	req(131, 101, SCMWQ_SMC_RESUME, 1, 7);
	done(140, 101, 0x42000601, 0);
	finish();
	expect_clean("a wake within --skew before the sleep it is for");

	/* the trace begins mid-call: judged only from the next call */
	start(SCMWQ_DRV_MAINLINE);
	irq(0, 0, 1, 0);
	res(10, 101, 7);
	req(11, 101, SCMWQ_SMC_RESUME, 1, 7);
	done(20, 101, 0x42000601, 0);
	call_irq(100, 101, 0, 8);
	finish();
	expect_clean("a trace that begins mid-call");
	ok(count_rule("joined-mid-call", false) == 1, "the thread that joined mid-call is noted");
}

static void test_rules(void)
{
	const struct scmwq_finding *f;

	start(SCMWQ_DRV_MAINLINE);
	call_irq(0, 101, 0, 1);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	irq(120, 0, 1, 0);
	req(300000, 102, 0x42000602, 0, 0);
	done(300010, 102, 0x42000602, 0);
	finish();
	expect_only("lost-wakeup", "woken by the IRQ, never resumed");
	f = get("lost-wakeup");
	ok(f && f->pid == 101 && f->has_wq_ctx && f->wq_ctx == 0 && f->has_ctx &&
	   f->smc_call_ctx == 7, "lost-wakeup names thread, wq_ctx and smc_call_ctx");

	/* the same with events lost after the wake: inconclusive */
	start(SCMWQ_DRV_MAINLINE);
	call_irq(0, 101, 0, 1);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	irq(120, 0, 1, 0);
	lost(150, 101 % 4, 110, 12);	/* on the sleeper's CPU, after its sleep */
	req(300000, 102, 0x42000602, 0, 0);
	finish();
	ok(count_rule("lost-wakeup", false) == 1 && count_rule("lost-wakeup", true) == 0,
	   "lost-wakeup across a loss of events is inconclusive");

	/* the trace ends within --grace of the wake: inconclusive */
	start(SCMWQ_DRV_MAINLINE);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	irq(120, 0, 1, 0);
	finish();
	ok(count_rule("lost-wakeup", false) == 1 && count_sev(SCMWQ_SEV_ERROR) == 0,
	   "lost-wakeup at the very end of a trace is inconclusive");

	start(SCMWQ_DRV_MAINLINE);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	req(2 * S / US, 102, 0x42000602, 0, 0);
	finish();
	expect_only("stranded-sleeper", "no wake at all");
	f = get("stranded-sleeper");
	ok(f && f->pid == 101 && f->smc_call_ctx == 7, "stranded-sleeper names the sleeper");

	start(SCMWQ_DRV_MAINLINE);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	req(500000, 102, 0x42000602, 0, 0);
	finish();
	ok(count_rule("stranded-sleeper", false) == 1 && count_sev(SCMWQ_SEV_ERROR) == 0,
	   "stranded-sleeper shorter than --stall at the end is inconclusive");

	start(SCMWQ_DRV_VENDOR);
	call_irq(0, 101, 0, 1);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	req(120, 102, 0x42000602, 0, 0);
	slp(130, 102, 1, 8);
	irq(140, 0, 1, 1);		/* more pending, but no further GET_WQ_CTX */
	res(160, 101, 7);
	req(161, 101, SCMWQ_SMC_RESUME, 1, 7);
	done(170, 101, 0x42000601, 0);
	req(2 * S / US, 103, 0x42000603, 0, 0);
	finish();
	expect_only("drain-aborted", "more_pending=1 and the drain stopped");
	f = get("drain-aborted");
	ok(f && f->pid == 50 && f->n_named == 1 && f->named_pid[0] == 102,
	   "drain-aborted names the IRQ thread and the sleeper left behind");

	start(SCMWQ_DRV_MAINLINE);
	call_irq(0, 101, 0, 1);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	irq(120, 0, 2, 0);
	req(2 * S / US, 102, 0x42000602, 0, 0);
	finish();
	expect_only("wake-all-rejected", "WAKE_ALL to mainline");
	f = get("wake-all-rejected");
	ok(f && f->n_named == 1 && f->named_pid[0] == 101,
	   "wake-all-rejected names its stranded sleeper (one finding for one root cause)");

	start(SCMWQ_DRV_MAINLINE_6_11);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	irq(120, 0, 2, 1);
	req(2 * S / US, 102, 0x42000602, 0, 0);
	finish();
	expect_only("wake-all-rejected", "WAKE_ALL to mainline-6.11 (drain stops: no drain-aborted)");

	start(SCMWQ_DRV_VENDOR);
	req(0, 101, 0x42000601, 0, 0);
	slp(10, 101, 3, 7);
	req(20, 102, 0x42000602, 0, 0);
	slp(30, 102, 3, 8);
	req(40, 103, 0x42000603, 0, 0);
	slp(50, 103, 3, 9);
	irq(60, 3, 2, 0);
	res(80, 101, 7);
	req(81, 101, SCMWQ_SMC_RESUME, 1, 7);
	res(90, 102, 8);
	req(91, 102, SCMWQ_SMC_RESUME, 1, 8);
	req(2 * S / US, 104, 0x42000604, 0, 0);
	finish();
	expect_only("wake-all-partial", "vendor reinit race");
	f = get("wake-all-partial");
	ok(f && f->n_named == 1 && f->named_pid[0] == 103, "wake-all-partial names the one left");

	start(SCMWQ_DRV_MAINLINE_6_3);
	req(0, 101, 0x42000601, 0, 0);
	slp(10, 101, 0, 7);
	req(20, 102, 0x42000602, 0, 0);
	slp(30, 102, 0, 8);
	irq(60, 0, 2, 0);
	res(80, 101, 7);
	req(81, 101, SCMWQ_SMC_RESUME, 1, 7);
	req(2 * S / US, 104, 0x42000604, 0, 0);
	finish();
	expect_only("wake-all-partial", "mainline-6.3 takes WAKE_ALL as one wake");

	start(SCMWQ_DRV_DRAFT_2022);
	req(0, 101, 0x42000601, 0, 0);
	slp(10, 101, 1, 5);
	for (int i = 0; i < 4; i++) {
		res(20 + i * 40, 101, 5);
		req(25 + i * 40, 101, SCMWQ_SMC_RESUME, 1, 5);
		slp(50 + i * 40, 101, 1, 5);
	}
	irq(400, 1, 1, 0);
	res(420, 101, 5);
	req(421, 101, SCMWQ_SMC_RESUME, 1, 5);
	done(430, 101, 0x42000601, 0);
	finish();
	expect_only("wake-all-stuck", "sleeps return at once again and again");

	start(SCMWQ_DRV_VENDOR);
	req(0, 101, 0x42000601, 0, 0);
	slp(10, 101, 0, 7);
	req(20, 102, 0x42000602, 0, 0);
	wakeack(30, 102, 0, 9);
	req(31, 102, SCMWQ_SMC_ACK, 1, 9);
	irq(40, 0, 1, 0);		/* a second wake for the same sleeper */
	res(60, 101, 7);
	req(61, 101, SCMWQ_SMC_RESUME, 1, 7);
	done(70, 101, 0x42000601, 0);
	done(71, 102, 0x42000602, 0);
	req(200, 103, 0x42000603, 0, 0);
	slp(210, 103, 0, 11);
	res(220, 103, 11);
	req(221, 103, SCMWQ_SMC_RESUME, 1, 11);
	done(230, 103, 0x42000603, 0);
	finish();
	expect_only("premature-resume", "a double wake banked a token");
	f = get("premature-resume");
	ok(f && f->pid == 103 && f->smc_call_ctx == 11, "premature-resume names the sleeper");

	start(SCMWQ_DRV_MAINLINE);
	call_irq(0, 101, 0, 1);
	irq(200, 0, 1, 0);
	req(1000, 102, 0x42000602, 0, 0);
	done(1010, 102, 0x42000602, 0);
	finish();
	expect_only("spurious-wake", "a wake with no sleeper");

	start(SCMWQ_DRV_MAINLINE);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	irq(120, 0, 5, 0);
	req(2 * S / US, 102, 0x42000602, 0, 0);
	finish();
	expect_only("invalid-flags", "flags 5");

	start(SCMWQ_DRV_VENDOR);
	call_irq(0, 101, 0, 1);
	irq(100, 0, 0, 0);
	finish();
	ok(count_sev(SCMWQ_SEV_ERROR) == 0 && count_rule("trace-note", false) == 1,
	   "flags 0 on vendor is WAKE_NONE: an info note, no error");

	start(SCMWQ_DRV_MAINLINE_6_11);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 3, 7);
	done(120, 101, 0x42000601, -22);
	finish();
	expect_only("invalid-wq-ctx", "wq_ctx 3 on a driver that accepts only 0");

	start(SCMWQ_DRV_MAINLINE);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	irq(120, 0, 1, 0);
	res(130, 101, 8);
	req(131, 101, SCMWQ_SMC_RESUME, 1, 8);
	done(140, 101, 0x42000601, 0);
	finish();
	expect_only("resume-ctx-mismatch", "resume with another smc_call_ctx");

	start(SCMWQ_DRV_MAINLINE);
	req(100, 101, 0x42000601, 0, 0);
	res(110, 101, 7);
	req(111, 101, SCMWQ_SMC_RESUME, 1, 7);
	done(140, 101, 0x42000601, 0);
	finish();
	expect_only("resume-without-sleep", "resume in a call that never slept");

	start(SCMWQ_DRV_MAINLINE);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	slp(120, 101, 0, 8);
	irq(130, 0, 1, 0);
	res(140, 101, 8);
	req(141, 101, SCMWQ_SMC_RESUME, 1, 8);
	done(150, 101, 0x42000601, 0);
	finish();
	expect_only("sleep-while-sleeping", "a second sleep");

	start(SCMWQ_DRV_VENDOR);
	req(0, 101, 0x42000601, 0, 0);
	slp(10, 101, 0, 7);
	req(20, 102, 0x42000602, 0, 0);
	wakeack(30, 102, 0, 9);
	req(31, 102, SCMWQ_SMC_ACK, 1, 10);
	res(60, 101, 7);
	req(61, 101, SCMWQ_SMC_RESUME, 1, 7);
	done(70, 101, 0x42000601, 0);
	done(71, 102, 0x42000602, 0);
	finish();
	expect_only("ack-ctx-mismatch", "ACK with another smc_call_ctx");

	start(SCMWQ_DRV_DRAFT_2022);
	req(0, 101, 0x42000601, 0, 0);
	slp(10, 101, 0, 7);
	irq(20, 0, 1, 0);
	res(30, 101, 7);
	req(31, 101, SCMWQ_SMC_RESUME, 1, 7);
	req(30031, 101, SCMWQ_SMC_RESUME, 1, 7);	/* EBUSY, 30 ms, RESUME again */
	done(30040, 101, 0x42000601, 0);
	finish();
	expect_only("ebusy-retry-resume", "RESUME re-sent after EBUSY");

	/* vendor logs the original id again on INTERRUPTED: RESUME twice at once */
	start(SCMWQ_DRV_VENDOR);
	req(0, 101, 0x42000601, 0, 0);
	slp(10, 101, 0, 7);
	irq(20, 0, 1, 0);
	res(30, 101, 7);
	req(31, 101, SCMWQ_SMC_RESUME, 1, 7);
	req(35, 101, SCMWQ_SMC_RESUME, 1, 7);
	done(40, 101, 0x42000601, 0);
	finish();
	expect_clean("a RESUME logged again at once is an INTERRUPTED re-entry, not an EBUSY retry");

	start(SCMWQ_DRV_MAINLINE_6_3);
	call_irq(0, 101, 0, 1);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	req(120, 50, SCMWQ_SMC_GET_WQ_CTX_STD, 0, 0);
	getwq(122, 50, 0, 1, 0);
	res(140, 101, 7);
	req(141, 101, SCMWQ_SMC_RESUME, 1, 7);
	done(150, 101, 0x42000601, 0);
	finish();
	expect_only("get-wq-ctx-std-call", "GET_WQ_CTX as a standard call");

	start(SCMWQ_DRV_MAINLINE);
	req(100, 101, 0xc2000601, 0, 0);
	slp(110, 101, 0, 7);
	done(120, 101, 0xc2000601, -22);
	finish();
	expect_only("sleep-in-atomic-call", "SLEEP to a fast call");

	start(SCMWQ_DRV_MAINLINE);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	irq(1500000, 0, 1, 0);
	res(1500020, 101, 7);
	req(1500021, 101, SCMWQ_SMC_RESUME, 1, 7);
	done(1500030, 101, 0x42000601, 0);
	finish();
	expect_only("long-sleep", "woken after 1.5 s");

	start(SCMWQ_DRV_MAINLINE);
	req(100, 101, 0x42000601, 0, 0);
	done(110, 101, 0x42000601, 0);
	done(120, 101, 0x42000601, 0);
	finish();
	expect_only("unexpected-event", "smc_done while idle");

	start(SCMWQ_DRV_MAINLINE);
	req(100, 101, 0x42000601, 0, 0);
	wakeack(110, 101, 0, 3);
	req(111, 101, SCMWQ_SMC_ACK, 1, 3);
	done(120, 101, 0x42000601, 0);
	finish();
	ok(count_rule("unexpected-event", true) == 1, "WAKE/ACK on mainline is unexpected");
}

/* a kprobe-made trace: no smc_call_ctx anywhere */
static void test_missing_fields(void)
{
	struct scmwq_event ev;

	start(SCMWQ_DRV_MAINLINE);
	req(0, 101, 0x42000601, 0, 0);
	ev = mk(SCMWQ_EV_SLEEP, 10, 101);
	ev.wq_ctx = 0;
	ev.have = SCMWQ_HAVE_WQ_CTX;
	scmwq_model_feed(model, &ev);
	irq(20, 0, 1, 0);
	ev = mk(SCMWQ_EV_RESUME, 30, 101);
	scmwq_model_feed(model, &ev);
	req(31, 101, SCMWQ_SMC_RESUME, 1, 99);
	done(40, 101, 0x42000601, 0);
	finish();
	expect_clean("a trace without smc_call_ctx judges what it can");
	ok(count_rule("trace-note", false) == 1 && get("trace-note") &&
	   strstr(get("trace-note")->message, "resume-ctx-mismatch cannot be checked"),
	   "it says what it could not check");
}

/* Woken but late, or woken and lost (replay.md section 1). */
static void test_late_or_lost(void)
{
	const struct scmwq_finding *f;

	/* woken at 122 us, scheduled 150 ms later, no other wake: slow */
	start(SCMWQ_DRV_MAINLINE);
	call_irq(0, 101, 0, 1);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	irq(120, 0, 1, 0);
	res(150120, 101, 7);
	req(150121, 101, SCMWQ_SMC_RESUME, 1, 7);
	done(150130, 101, 0x42000601, 0);
	call_irq(160000, 102, 0, 8);
	finish();
	expect_only("slow-resume", "woken once, resumed 150 ms later: a late wake, not a lost one");
	f = get("slow-resume");
	ok(f && f->severity == SCMWQ_SEV_WARNING && f->pid == 101 && f->wq_ctx == 0 &&
	   f->smc_call_ctx == 7 && strstr(f->message, "149.998 ms later"),
	   "slow-resume is a warning on the sleeper, with how late");
	ok(!get("lost-wakeup"), "no lost-wakeup for a late resume");

	/* woken, not resumed; a later wake; resumed only after it: re-lost */
	start(SCMWQ_DRV_MAINLINE);
	call_irq(0, 101, 0, 1);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	irq(120, 0, 1, 0);
	irq(300000, 0, 1, 0);
	res(300020, 101, 7);
	req(300021, 101, SCMWQ_SMC_RESUME, 1, 7);
	done(300030, 101, 0x42000601, 0);
	call_irq(310000, 102, 0, 8);	/* the next sleeper: its own wake, no banked one */
	finish();
	expect_only("lost-wakeup", "resumed only after a later wake");
	f = get("lost-wakeup");
	ok(f && f->pid == 101 && strstr(f->message, "only after a later wake at 100.300002"),
	   "the message names the later wake that woke it");
	ok(!get("premature-resume") && !get("spurious-wake"),
	   "the later wake was the sleeper's: no token is left banked for the next one");

	/* two sleepers: the second wake is the second sleeper's, not a re-wake */
	start(SCMWQ_DRV_VENDOR);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 0, 7);
	req(111, 102, 0x42000602, 0, 0);
	slp(112, 102, 0, 8);
	irq(120, 0, 1, 0);
	irq(130, 0, 1, 0);
	res(140, 102, 8);
	req(141, 102, SCMWQ_SMC_RESUME, 1, 8);
	done(150, 102, 0x42000602, 0);
	res(200120, 101, 7);
	req(200121, 101, SCMWQ_SMC_RESUME, 1, 7);
	done(200130, 101, 0x42000601, 0);
	finish();
	expect_only("slow-resume", "a later wake taken by another sleeper does not make it lost");

	/* WAKE_ALL: one member slow, one lost (re-woken later), one on time */
	start(SCMWQ_DRV_VENDOR);
	req(100, 101, 0x42000601, 0, 0);
	slp(110, 101, 3, 7);
	req(111, 102, 0x42000602, 0, 0);
	slp(112, 102, 3, 8);
	req(113, 103, 0x42000603, 0, 0);
	slp(114, 103, 3, 9);
	irq(120, 3, 2, 0);
	res(140, 103, 9);
	req(141, 103, SCMWQ_SMC_RESUME, 1, 9);
	done(150, 103, 0x42000603, 0);
	res(180000, 101, 7);		/* 180 ms late, nothing in between */
	req(180001, 101, SCMWQ_SMC_RESUME, 1, 7);
	done(180010, 101, 0x42000601, 0);
	irq(400000, 3, 1, 0);		/* 102 went back to sleep: this wakes it */
	res(400010, 102, 8);
	req(400011, 102, SCMWQ_SMC_RESUME, 1, 8);
	done(400020, 102, 0x42000602, 0);
	finish();
	f = get("wake-all-partial");
	ok(count_rule("wake-all-partial", true) == 1 && f && f->n_named == 1 &&
	   f->named_pid[0] == 102 && strstr(f->message, "resumed only after a later wake"),
	   "wake-all-partial names only the member that resumed after a later wake");
	ok(count_rule("slow-resume", true) == 1 && get("slow-resume")->pid == 101,
	   "the slow member is a slow-resume");
	ok(!get("lost-wakeup"), "the lost member gets no lost-wakeup of its own");
}

/* Tokens from before the trace (replay.md section 1). */
static void test_pre_trace_tokens(void)
{
	const struct scmwq_finding *f;

	/* a wake at wq_ctx 5's first appearance, then a sleeper passes through on it */
	start(SCMWQ_DRV_VENDOR);
	irq(100, 5, 1, 0);
	req(200, 101, 0x42000601, 0, 0);
	slp(210, 101, 5, 7);
	res(215, 101, 7);
	req(216, 101, SCMWQ_SMC_RESUME, 1, 7);
	done(230, 101, 0x42000601, 0);
	finish();
	expect_only("premature-resume", "a sleeper took the token banked at the trace's start");
	f = get("premature-resume");
	ok(f && f->pid == 101 && strstr(f->message, "no wake of its own") &&
	   strstr(f->message, "100.000102"), "it names the wake that banked the token");
	f = get("spurious-wake");
	ok(f && !f->inconclusive && f->pid == 50 && strstr(f->message, "t101-101") &&
	   strstr(f->message, "passed straight through"),
	   "and the wake is spurious-wake once a sleeper of the trace took it (replay.md 1)");

	/* ...taken by a sleeper from before the trace: nothing to say */
	start(SCMWQ_DRV_VENDOR);
	irq(100, 5, 1, 0);
	res(150, 101, 7);
	req(151, 101, SCMWQ_SMC_RESUME, 1, 7);
	done(160, 101, 0x42000601, 0);
	finish();
	expect_clean("the wake at the start was for a sleeper from before the trace");

	/* ...taken by no one to the end: a spurious wake after all */
	start(SCMWQ_DRV_VENDOR);
	irq(100, 5, 1, 0);
	call_irq(200, 102, 1, 8);
	req(300000, 103, 0x42000603, 0, 0);
	done(300010, 103, 0x42000603, 0);
	finish();
	expect_only("spurious-wake", "no sleeper from before the trace took the early wake");
}

/* --driver=auto without evidence: driver-dependent findings are inconclusive */
static void test_guessed_driver(void)
{
	const struct scmwq_finding *f;

	for (int guessed = 0; guessed < 2; guessed++) {
		start_stream(SCMWQ_DRV_MAINLINE, 0, false, guessed);
		req(100, 101, 0x42000601, 0, 0);
		slp(110, 101, 0, 7);
		irq(120, 0, 2, 0);
		req(2 * S / US, 104, 0x42000603, 0, 0);
		finish();
		f = get("wake-all-rejected");
		if (!guessed)
			ok(f && !f->inconclusive, "wake-all-rejected on a given mainline driver");
		else
			ok(f && f->inconclusive && strstr(f->message, "the driver is a guess") &&
			   strstr(f->message, "--driver=vendor"),
			   "on a guessed one it is inconclusive and names the alternative");
	}
}

/* Losses, with their markers after the gap (ftrace text) or at its start. */
static void test_losses(void)
{
	int before;

	/*
	 * The IRQ thread (pid 50, CPU 2) said more_pending=1 at 42 us; its next
	 * GET_WQ_CTX was lost.  The text marker comes only before CPU 2's next
	 * event, at 300 ms, long after drain-aborted's --grace: the verdict
	 * must wait for it.
	 */
	for (int marker = 0; marker < 2; marker++) {
		start_stream(SCMWQ_DRV_MAINLINE, 4, false, false);
		req(0, 100, 0x42000601, 0, 0);
		done(5, 100, 0x42000601, 0);
		req(10, 103, 0x42000601, 0, 0);
		done(15, 103, 0x42000601, 0);
		req(20, 101, 0x42000601, 0, 0);
		slp(30, 101, 0, 7);
		irq(40, 0, 1, 1);
		res(60, 101, 7);
		req(61, 101, SCMWQ_SMC_RESUME, 1, 7);
		done(70, 101, 0x42000601, 0);
		for (uint64_t t = 1000; t < 300000; t += 50000) {
			req(t, 100, 0x42000601, 0, 0);
			done(t + 5, 100, 0x42000601, 0);
			req(t + 10, 101, 0x42000601, 0, 0);
			done(t + 15, 101, 0x42000601, 0);
			req(t + 20, 103, 0x42000601, 0, 0);
			done(t + 25, 103, 0x42000601, 0);
		}
		before = nfound;
		if (marker) {
			ok(before == 0 && scmwq_model_held(model) == 1,
			   "drain-aborted is held while CPU 2 has not passed its evidence");
			lost(300000, 2, 42, 5);
		}
		req(300001, 50, SCMWQ_SMC_GET_WQ_CTX, 0, 0);
		getwq(300003, 50, 1, 1, 0);
		finish();
		if (marker)
			ok(count_rule("drain-aborted", true) == 0 &&
			   count_rule("drain-aborted", false) == 1,
			   "a loss marked after the gap makes the held verdict inconclusive");
		else
			ok(count_rule("drain-aborted", true) == 1, "without the loss it is an error");
	}

	/* losses at their start (trace.dat): released as soon as time has passed */
	start_stream(SCMWQ_DRV_MAINLINE, 4, true, false);
	req(20, 101, 0x42000601, 0, 0);
	slp(30, 101, 0, 7);
	irq(40, 0, 1, 1);
	res(60, 101, 7);
	req(200000, 100, 0x42000601, 0, 0);
	ok(nfound == 1 && scmwq_model_held(model) == 0,
	   "with losses in order a verdict goes out once the stream passed it");
	finish();

	/*
	 * A thread asleep unseen: 106 (CPU 2) began a call and slept while CPU
	 * 2 lost its events; 107 sleeps on wq_ctx 0 after the marker and the
	 * next wake is credited to it; 106 then resumes: that wake may have
	 * been 106's.  Or 106 shows up with a new call: it did not sleep unseen.
	 */
	for (int unseen = 0; unseen < 2; unseen++) {
		start_stream(SCMWQ_DRV_VENDOR, 4, false, false);
		req(0, 106, 0x42000601, 0, 0);
		done(5, 106, 0x42000601, 0);
		req(10, 104, 0x42000601, 0, 0);
		done(15, 104, 0x42000601, 0);
		lost(100, 2, 5, 3);
		req(101, 110, 0x42000602, 0, 0);	/* CPU 2's next event */
		done(102, 110, 0x42000602, 0);
		req(200, 107, 0x42000602, 0, 0);
		slp(210, 107, 0, 8);
		irq(300, 0, 1, 0);
		if (unseen) {
			res(320, 106, 3);
			req(321, 106, SCMWQ_SMC_RESUME, 1, 3);
		} else {
			req(320, 106, 0x42000603, 0, 0);
		}
		req(400, 104, 0x42000601, 0, 0);
		req(1500000, 105, 0x42000601, 0, 0);	/* past --stall */
		finish();
		if (unseen)
			ok(!get("lost-wakeup") && count_rule("stranded-sleeper", true) == 0 &&
			   count_rule("stranded-sleeper", false) == 1 &&
			   strstr(get("stranded-sleeper")->message, "had slept unseen"),
			   "a thread that slept unseen took the wake back: 107 waits on, and its "
			   "stranding is inconclusive");
		else
			ok(count_rule("lost-wakeup", true) == 1,
			   "when every thread shows it did not sleep unseen, the verdict stands");
	}
}

int main(void)
{
	test_missing_fields();
	test_clean();
	test_rules();
	test_late_or_lost();
	test_pre_trace_tokens();
	test_guessed_driver();
	test_losses();
	return tap_done();
}
