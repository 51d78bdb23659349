// SPDX-License-Identifier: GPL-2.0
/*
 * The live engine of the simulator against replay: a clean run of every
 * driver replays with no finding; an injected fault is reported by replay
 * exactly as the truth file says; the vendor reinit race loses a wakeup by
 * timing in some runs, and replay catches every one the truth records.
 *
 *   SCMWQ_LIVE_RUNS=N  wake-all-partial runs (default: up to 20, fewer once
 *                      three losses have been seen)
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include <scmwq.h>

#include "base/base.h"
#include "model/model.h"
#include "sim/sim.h"
#include "source/source.h"

#define MAXF 256
static struct scmwq_finding found[MAXF];
static int nfound;

static void collect(const struct scmwq_finding *f, void *arg)
{
	if (nfound < MAXF)
		found[nfound++] = *f;
}

/* A finding of the truth file. */
struct tfind {
	enum scmwq_rule rule;
	unsigned long long ts;
	int pid;
	bool has_wq, has_ctx;
	unsigned int wq, ctx;
};

#define MAXT 16

struct run {
	struct scmwq_sim_result res;
	struct scmwq_replay_result rr;
	int rc, replay_rc;
	int n_tf, n_faults;
	struct tfind tf[MAXT];
	char msg[512];
};

static const char *field(const char *item, const char *key)
{
	const char *p = strstr(item, key);

	return p ? p + strlen(key) : NULL;
}

/* "KEY": N or null */
static bool num_field(const char *item, const char *key, unsigned long long *v)
{
	const char *p = field(item, key);

	if (!p || !strncmp(p, "null", 4))
		return false;
	*v = strtoull(p, NULL, 10);
	return true;
}

static void parse_truth(FILE *fp, struct run *r)
{
	static char buf[1 << 16];
	size_t n;
	char *p, *items;

	rewind(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	p = strstr(buf, "\"faults\": [");
	items = strstr(buf, "\"findings\": [");
	for (; p && (p = strstr(p, "{\"rule\"")) && (!items || p < items); p++)
		r->n_faults++;
	for (p = items; p && (p = strstr(p, "{\"rule\": \"")) && r->n_tf < MAXT; p++) {
		struct tfind *t = &r->tf[r->n_tf];
		char id[64], *end = strchr(p, '}');
		unsigned long long v;
		size_t k;

		if (!end)
			break;
		*end = '\0';
		p += strlen("{\"rule\": \"");
		for (k = 0; p[k] && p[k] != '"' && k < sizeof(id) - 1; k++)
			id[k] = p[k];
		id[k] = '\0';
		memset(t, 0, sizeof(*t));
		if (scmwq_rule_parse(id, &t->rule) < 0)
			t->rule = SCMWQ_R__COUNT;
		num_field(p, "\"ts_ns\": ", &t->ts);
		t->pid = num_field(p, "\"pid\": ", &v) ? (int)v : -1;
		t->has_wq = num_field(p, "\"wq_ctx\": ", &v);
		t->wq = (unsigned int)v;
		t->has_ctx = num_field(p, "\"smc_call_ctx\": ", &v);
		t->ctx = (unsigned int)v;
		r->n_tf++;
		p = end;
	}
}

static void run_live(struct run *r, enum scmwq_driver drv, const enum scmwq_rule *inj, int n_inj,
		     unsigned int calls, uint64_t seed)
{
	char path[] = "/tmp/scmwq-live-XXXXXX";
	struct scmwq_sim_opts o;
	struct scmwq_replay_opts ro;
	struct scmwq_source *src;
	struct scmwq_error err = { 0 };
	FILE *out, *truth;
	int fd;

	memset(r, 0, sizeof(*r));
	nfound = 0;
	r->rc = r->replay_rc = -1;
	fd = mkstemp(path);
	out = fd >= 0 ? fdopen(fd, "w") : NULL;
	truth = tmpfile();
	if (!out || !truth) {
		snprintf(r->msg, sizeof(r->msg), "cannot make temporary files");
		return;
	}
	scmwq_sim_opts_init(&o);
	o.driver = drv;
	o.live = true;
	o.seed = seed;
	o.calls = calls;
	o.threads = 4;
	o.queues = 4;
	o.out = out;
	o.truth = truth;
	for (int i = 0; i < n_inj; i++)
		o.inject[o.n_inject++] = inj[i];
	r->rc = scmwq_sim_live_run(&o, &r->res, &err);
	fclose(out);
	if (r->rc < 0) {
		snprintf(r->msg, sizeof(r->msg), "%s", err.msg);
		goto out;
	}
	parse_truth(truth, r);

	src = scmwq_source_open(path, NULL, NULL, &err);
	if (!src) {
		snprintf(r->msg, sizeof(r->msg), "%s", err.msg);
		goto out;
	}
	memset(&ro, 0, sizeof(ro));
	ro.driver = drv;
	scmwq_model_opts_init(&ro.model);
	ro.finding = collect;
	r->replay_rc = scmwq_replay(src, &ro, &r->rr, &err);
	if (r->replay_rc < 0)
		snprintf(r->msg, sizeof(r->msg), "%s", err.msg);
	scmwq_source_free(src);
out:
	fclose(truth);
	unlink(path);
}

/* Findings that are not info notes. */
static int n_judged(void)
{
	int n = 0;

	for (int i = 0; i < nfound; i++)
		if (found[i].severity != SCMWQ_SEV_INFO || found[i].inconclusive)
			n++;
	return n;
}

static void diag_findings(void)
{
	for (int i = 0; i < nfound; i++)
		if (found[i].severity != SCMWQ_SEV_INFO || found[i].inconclusive)
			printf("#   %s%s pid %d: %s\n", scmwq_rule_info(found[i].rule)->id,
			       found[i].inconclusive ? " (inconclusive)" : "", found[i].pid,
			       found[i].message);
}

static bool matches(const struct scmwq_finding *f, const struct tfind *t)
{
	return f->rule == t->rule && !f->inconclusive && f->pid == t->pid &&
	       f->ts_ns == t->ts && f->has_wq_ctx == t->has_wq &&
	       (!t->has_wq || f->wq_ctx == t->wq) && f->has_ctx == t->has_ctx &&
	       (!t->has_ctx || f->smc_call_ctx == t->ctx);
}

/* Every finding of the truth is reported; returns how many were. */
static int n_truth_reported(const struct run *r)
{
	int n = 0;

	for (int i = 0; i < r->n_tf; i++)
		for (int j = 0; j < nfound; j++)
			if (matches(&found[j], &r->tf[i])) {
				n++;
				break;
			}
	return n;
}

static const enum scmwq_driver drivers[] = {
	SCMWQ_DRV_MAINLINE, SCMWQ_DRV_MAINLINE_6_3, SCMWQ_DRV_MAINLINE_6_11, SCMWQ_DRV_VENDOR,
	SCMWQ_DRV_DRAFT_2022,
};

static void test_clean(void)
{
	struct run r;

	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		const char *name = scmwq_driver_name(drivers[i]);

		run_live(&r, drivers[i], NULL, 0, 200, 1 + i);
		is_int(r.rc, 0, "%s: live run", name);
		if (r.rc < 0)
			printf("#   %s\n", r.msg);
		ok(r.res.calls >= 200 && r.res.sleeps > 0 && r.res.wakes >= r.res.sleeps,
		   "%s: %llu calls, %llu sleeps, %llu wakes, %llu events", name,
		   (unsigned long long)r.res.calls, (unsigned long long)r.res.sleeps,
		   (unsigned long long)r.res.wakes, (unsigned long long)r.res.events);
		is_int(r.replay_rc, 0, "%s: replays", name);
		is_int(r.rr.events, r.res.events, "%s: replay read every event", name);
		is_int(r.rr.stats.sleeps, r.res.sleeps, "%s: replay saw every sleep", name);
		is_int(n_judged(), 0, "%s: clean run, no finding", name);
		diag_findings();
		is_int(r.n_faults + r.n_tf, 0, "%s: the truth has no fault", name);
	}
}

static void test_one_fault(enum scmwq_driver drv, enum scmwq_rule rule)
{
	const char *name = scmwq_driver_name(drv), *id = scmwq_rule_info(rule)->id;
	struct run r;

	run_live(&r, drv, &rule, 1, 50, 7);
	is_int(r.rc, 0, "%s %s: live run", name, id);
	if (r.rc < 0)
		printf("#   %s\n", r.msg);
	is_int(r.res.faults, 1, "%s %s: the fault happened", name, id);
	is_int(r.n_faults, 1, "%s %s: the truth records it", name, id);
	is_int(r.n_tf, 1, "%s %s: the truth has one finding", name, id);
	is_int(n_judged(), 1, "%s %s: replay reports one finding", name, id);
	is_int(n_truth_reported(&r), r.n_tf, "%s %s: it is the truth's, at the injected place",
	       name, id);
	diag_findings();
}

static void test_wake_all_partial(void)
{
	const enum scmwq_rule rule = SCMWQ_R_WAKE_ALL_PARTIAL;
	const char *env = getenv("SCMWQ_LIVE_RUNS");
	int runs = env ? atoi(env) : 20, done = 0, lost = 0, bad = 0, happened = 0;
	struct run r;

	for (int i = 0; i < runs; i++) {
		run_live(&r, SCMWQ_DRV_VENDOR, &rule, 1, 50, 100 + i);
		done++;
		if (r.rc < 0 || r.replay_rc < 0) {
			printf("# run %d: %s\n", i, r.msg);
			bad++;
			continue;
		}
		happened += r.res.faults;
		lost += r.n_tf > 0;
		/* every finding of the truth is reported, and nothing else */
		if (n_truth_reported(&r) != r.n_tf || n_judged() != r.n_tf) {
			printf("# run %d: truth has %d finding(s), replay reported:\n", i, r.n_tf);
			diag_findings();
			bad++;
		}
		if (!env && lost >= 3)
			break;
	}
	is_int(bad, 0, "wake-all-partial: replay agrees with the truth in %d runs", done);
	is_int(happened, done, "wake-all-partial: WAKE_ALL sent in every run");
	printf("# the reinit race lost a wakeup in %d of %d runs\n", lost, done);
}

int main(void)
{
	test_clean();
	test_one_fault(SCMWQ_DRV_MAINLINE, SCMWQ_R_STRANDED_SLEEPER);
	test_one_fault(SCMWQ_DRV_VENDOR, SCMWQ_R_STRANDED_SLEEPER);
	test_one_fault(SCMWQ_DRV_MAINLINE_6_3, SCMWQ_R_LONG_SLEEP);
	test_wake_all_partial();
	return tap_done();
}
