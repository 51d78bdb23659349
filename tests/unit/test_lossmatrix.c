// SPDX-License-Identifier: GPL-2.0
/*
 * The loss matrix (issue 9): does replay stay truthful when a trace lost
 * events?  For every driver, clean runs and every fault `simulate --inject`
 * accepts for it, over a few seeds: simulate in process, read the trace
 * back with the library's text source, and make variants that lose events
 * the way a ring buffer does, written as the kernel writes them
 * (tests/support/lossvar.h):
 *
 *   spread    one run of K events of one CPU, over the whole trace;
 *   evidence  the same just before, over and just after each truth
 *             finding's evidence span (the truth's evidence_start_ns ..
 *             evidence_end_ns), on the finding's CPU and on another;
 *   irq       the same on the CPU of the IRQ thread (irq/NN-qcom-scm),
 *             over a GET_WQ_CTX burst;
 *   cut       an overwritten start: the oldest events of some CPUs gone;
 *   multi     two or three losses on different CPUs.
 *
 * K is 1, a few or many.  Each variant is replayed (the simulator's
 * driver, replay's defaults) as ftrace text, when the trace.dat fixture
 * writer is there as trace.dat (by default every other variant of the
 * first seed's runs), and as a Perfetto trace (by default every fifth
 * variant of the first seed's runs: a Perfetto variant costs about two
 * texts, its writer as much as the reader), and judged against the truth as
 * tests/sim-matrix.tap.sh does: a replay finding matches a truth finding
 * when rule and pid agree, and wq_ctx and smc_call_ctx wherever the truth
 * gives them.  The lossless trace is replayed too, through each writer:
 * it must give exactly the truth, or the harness is at fault.
 *
 *   - a conclusive (not inconclusive) error finding that matches no truth
 *     finding is a false error: there must be none;
 *   - a truth finding whose evidence span no gap touched (a gap of CPU c
 *     runs from c's previous kept event to its next one; a cut start from
 *     the start of the trace) must be reported, conclusive or not (recall);
 *   - truth findings a gap touched are counted apart, reported or not.
 *
 * One TAP line per (driver, fault), ok when it has no false error and
 * misses no untouched truth finding; then the summary, also written to
 * $SCMWQ_BUILD/loss-matrix.txt, and every failing variant's trace with a
 * .why file in $SCMWQ_BUILD/loss-matrix-failures/ to replay by hand.
 * The same environment gives the same variants, so one run's can be had
 * again alone, e.g. SCMWQ_LOSS_ONLY=mainline/clean/1 SCMWQ_BUILD=/tmp
 * build/tests/test_lossmatrix.
 *
 *   SCMWQ_LOSS_SEEDS=N        seeds 1..N for each fault (default 2)
 *   SCMWQ_LOSS_CLEAN_SEEDS=N  seeds 1..N of clean runs (default 3)
 *   SCMWQ_LOSS_DAT_SEEDS=N    the runs of seeds 1..N as trace.dat too (default 1)
 *   SCMWQ_LOSS_DAT_EVERY=N    of those, every Nth variant (default 2; a trace.dat
 *                             costs 30 texts under make check-sanitize)
 *   SCMWQ_LOSS_PF_SEEDS=N     the runs of seeds 1..N as Perfetto too (default 1)
 *   SCMWQ_LOSS_PF_EVERY=N     of those, every Nth variant, the Nth first (default 5;
 *                             2: with trace.dat's, every variant in a binary format)
 *   SCMWQ_LOSS_SPREAD=N       spread positions per run (default 3)
 *   SCMWQ_LOSS_FINDINGS=N     truth findings per run with evidence positions (default 2)
 *   SCMWQ_LOSS_IRQ=N          positions on the IRQ thread's CPU (default 2)
 *   SCMWQ_LOSS_CUTS=N         cut starts per run (default 2)
 *   SCMWQ_LOSS_MULTI=N        variants with several losses per run (default 2)
 *   SCMWQ_LOSS_CALLS=N        --calls of each simulation (default 300)
 *   SCMWQ_LOSS_TOL_US=N       slack around evidence spans, us (default 20: --skew)
 *   SCMWQ_LOSS_ONLY=DRIVER[/FAULT[/SEED]]  only those runs (FAULT "clean")
 *   SCMWQ_LOSS_FORMATS=text,trace.dat,perfetto  which writers (default all)
 *   SCMWQ_LOSS_KEEP=N         failing variants kept on disk (default 0: all)
 *   SCMWQ_LOSS_VERBOSE=1      a line per failing variant
 *   TMPDIR                    where trace.dat variants are staged (default /dev/shm)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include <scmwq.h>

#include "base/base.h"
#include "model/model.h"
#include "sim/sim.h"
#include "source/source.h"
#include "lossvar.h"

/* ------------------------------------------------------------------ */
/* Settings                                                            */

static struct {
	unsigned int seeds, clean_seeds, dat_seeds, dat_every, pf_seeds, pf_every;
	unsigned int spread, findings, irq, cuts, multi, calls, keep;
	uint64_t tol_ns;
	const char *only;
	bool text, tdat, pf, verbose;
	const char *build;
} cfg;

static unsigned int env_uint(const char *name, unsigned int def)
{
	const char *s = getenv(name);
	char *end;
	unsigned long v;

	if (!s || !*s)
		return def;
	v = strtoul(s, &end, 10);
	return *end ? def : (unsigned int)v;
}

static void config(void)
{
	const char *fmts = getenv("SCMWQ_LOSS_FORMATS");

	cfg.seeds = env_uint("SCMWQ_LOSS_SEEDS", 2);
	cfg.clean_seeds = env_uint("SCMWQ_LOSS_CLEAN_SEEDS", 3);
	cfg.dat_seeds = env_uint("SCMWQ_LOSS_DAT_SEEDS", 1);
	cfg.dat_every = env_uint("SCMWQ_LOSS_DAT_EVERY", 2);
	if (!cfg.dat_every)
		cfg.dat_every = 1;
	cfg.pf_seeds = env_uint("SCMWQ_LOSS_PF_SEEDS", 1);
	cfg.pf_every = env_uint("SCMWQ_LOSS_PF_EVERY", 5);
	if (!cfg.pf_every)
		cfg.pf_every = 1;
	cfg.spread = env_uint("SCMWQ_LOSS_SPREAD", 3);
	cfg.findings = env_uint("SCMWQ_LOSS_FINDINGS", 2);
	cfg.irq = env_uint("SCMWQ_LOSS_IRQ", 2);
	cfg.cuts = env_uint("SCMWQ_LOSS_CUTS", 2);
	cfg.multi = env_uint("SCMWQ_LOSS_MULTI", 2);
	cfg.calls = env_uint("SCMWQ_LOSS_CALLS", 300);
	cfg.keep = env_uint("SCMWQ_LOSS_KEEP", 0);
	cfg.tol_ns = (uint64_t)env_uint("SCMWQ_LOSS_TOL_US", 20) * 1000;
	cfg.only = getenv("SCMWQ_LOSS_ONLY");
	cfg.verbose = env_uint("SCMWQ_LOSS_VERBOSE", 0);
	cfg.text = !fmts || strstr(fmts, "text");
	cfg.tdat = !fmts || strstr(fmts, "trace.dat") || strstr(fmts, "dat");
	cfg.pf = !fmts || strstr(fmts, "perfetto");
	cfg.build = getenv("SCMWQ_BUILD");
	if (cfg.build && !*cfg.build)
		cfg.build = NULL;
}

/* SCMWQ_LOSS_ONLY: "DRIVER", "DRIVER/FAULT" or "DRIVER/FAULT/SEED" */
static bool wanted(const char *drv, const char *fault, uint64_t seed)
{
	char want[160], *f, *s;

	if (!cfg.only || !*cfg.only)
		return true;
	snprintf(want, sizeof(want), "%s", cfg.only);
	f = strchr(want, '/');
	if (f)
		*f++ = '\0';
	s = f ? strchr(f, '/') : NULL;
	if (s)
		*s++ = '\0';
	if (strcmp(want, drv) || (f && *f && strcmp(f, fault)))
		return false;
	return !s || !*s || strtoull(s, NULL, 10) == seed;
}

/* ------------------------------------------------------------------ */
/* Deterministic choices                                               */

static uint64_t mix(uint64_t x)
{
	/* splitmix64 */
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

static uint64_t rnd(uint64_t *s)
{
	*s = mix(*s);
	return *s;
}

static uint64_t rnd_below(uint64_t *s, uint64_t n)
{
	return n ? rnd(s) % n : 0;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	while (*s)
		h = mix(h ^ (unsigned char)*s++);
	return h;
}

/* ------------------------------------------------------------------ */
/* The truth                                                           */

#define MAX_TRUTH 64

struct tfind {
	enum scmwq_rule rule;
	int pid;
	bool has_wq, has_ctx, has_span;
	uint32_t wq, ctx;
	uint64_t ts, e0, e1;
	int cpu;			/* where its thread runs */
};

struct truth {
	int n, n_faults;
	enum scmwq_rule faults[MAX_TRUTH];
	struct tfind f[MAX_TRUTH];
	uint64_t end_ns;
};

/* "KEY": N, or null (false) within [p, end) */
static bool num_field(const char *p, const char *end, const char *key, uint64_t *v)
{
	const char *q = memmem(p, (size_t)(end - p), key, strlen(key));

	if (!q)
		return false;
	q += strlen(key);
	if (!strncmp(q, "null", 4))
		return false;
	*v = strtoull(q, NULL, 10);
	return true;
}

static bool rule_field(const char *p, const char *end, enum scmwq_rule *rule)
{
	static const char key[] = "{\"rule\": \"";
	char id[64];
	size_t k;

	if ((size_t)(end - p) < sizeof(key) || strncmp(p, key, sizeof(key) - 1))
		return false;
	p += sizeof(key) - 1;
	for (k = 0; p + k < end && p[k] != '"' && k < sizeof(id) - 1; k++)
		id[k] = p[k];
	id[k] = '\0';
	return scmwq_rule_parse(id, rule) == 0;
}

/* The truth JSON of scmwq-trace-simulate(1); -1 when it is not that. */
static int parse_truth(const char *buf, struct truth *tr)
{
	const char *faults = strstr(buf, "\"faults\": ["), *finds = strstr(buf, "\"findings\": [");
	const char *p;
	uint64_t v;

	memset(tr, 0, sizeof(*tr));
	if (!faults || !finds || finds < faults)
		return -1;
	if (!num_field(buf, faults, "\"end_ns\": ", &tr->end_ns))
		return -1;
	for (p = faults; (p = strstr(p, "{\"rule\"")) && p < finds; p++) {
		const char *end = strchr(p, '}');

		if (!end || tr->n_faults >= MAX_TRUTH)
			return -1;
		if (!rule_field(p, end, &tr->faults[tr->n_faults]))
			return -1;
		tr->n_faults++;
	}
	for (p = finds; (p = strstr(p, "{\"rule\"")); p++) {
		const char *end = strchr(p, '}');
		struct tfind *f = &tr->f[tr->n];

		if (!end || tr->n >= MAX_TRUTH || !rule_field(p, end, &f->rule))
			return -1;
		f->pid = num_field(p, end, "\"pid\": ", &v) ? (int)v : -1;
		f->has_wq = num_field(p, end, "\"wq_ctx\": ", &v);
		f->wq = (uint32_t)v;
		f->has_ctx = num_field(p, end, "\"smc_call_ctx\": ", &v);
		f->ctx = (uint32_t)v;
		num_field(p, end, "\"ts_ns\": ", &f->ts);
		f->has_span = num_field(p, end, "\"evidence_start_ns\": ", &f->e0) &&
			      num_field(p, end, "\"evidence_end_ns\": ", &f->e1);
		if (!f->has_span)
			return -1;
		tr->n++;
	}
	return 0;
}

static bool truth_has_fault(const struct truth *tr, enum scmwq_rule r)
{
	for (int i = 0; i < tr->n_faults; i++)
		if (tr->faults[i] == r)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* Replay                                                              */

struct found {
	int n, cap;
	struct scmwq_finding *f;
	bool oom;
};

static void collect(const struct scmwq_finding *f, void *arg)
{
	struct found *fd = arg;

	if (fd->n == fd->cap) {
		int ncap = fd->cap ? 2 * fd->cap : 64;
		struct scmwq_finding *nf = realloc(fd->f, (size_t)ncap * sizeof(*nf));

		if (!nf) {
			fd->oom = true;
			return;
		}
		fd->f = nf;
		fd->cap = ncap;
	}
	fd->f[fd->n++] = *f;
}

/* Replay @path as @drv: its findings in @fd, the events its source says were lost in @lost. */
static int replay_file(const char *path, enum scmwq_driver drv, struct found *fd, uint64_t *lost,
		       struct scmwq_error *err)
{
	struct scmwq_replay_opts ro;
	struct scmwq_replay_result rr;
	struct scmwq_source *src;
	int r;

	fd->n = 0;
	src = scmwq_source_open(path, NULL, NULL, err);
	if (!src)
		return -1;
	memset(&ro, 0, sizeof(ro));
	ro.driver = drv;
	scmwq_model_opts_init(&ro.model);
	ro.finding = collect;
	ro.finding_arg = fd;
	r = scmwq_replay(src, &ro, &rr, err);
	*lost = scmwq_source_lost(src);
	scmwq_source_free(src);
	if (!r && fd->oom)
		r = scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	return r;
}

static bool same(const struct scmwq_finding *f, const struct tfind *t)
{
	return f->rule == t->rule && f->pid == t->pid &&
	       (!t->has_wq || (f->has_wq_ctx && f->wq_ctx == t->wq)) &&
	       (!t->has_ctx || (f->has_ctx && f->smc_call_ctx == t->ctx));
}

/* ------------------------------------------------------------------ */
/* Variants of one run                                                 */

enum cat { C_SPREAD, C_EVIDENCE, C_IRQ, C_CUT, C_MULTI, C__COUNT };

static const char *const cat_name[C__COUNT] = { "spread", "evidence", "irq", "cut", "multi" };

struct var {
	struct lv_variant v;
	enum cat cat;
};

struct gen {
	const struct lv_trace *t;
	const struct truth *tr;
	uint64_t rng;
	unsigned int kturn;
	int irq_cpu;
	int n, cap;
	struct var *vars;
};

/* 1, a few, many, very many: in turn */
static size_t pick_k(struct gen *g)
{
	switch (g->kturn++ % 4) {
	case 0:
		return 1;
	case 1:
		return 2 + rnd_below(&g->rng, 3);
	case 2:
		return 8 + rnd_below(&g->rng, 33);
	default:
		return 60 + rnd_below(&g->rng, 91);
	}
}

__attribute__((format(printf, 3, 4)))
static struct lv_variant *start(struct gen *g, enum cat cat, const char *fmt, ...)
{
	struct var *v;
	va_list ap;

	if (g->n == g->cap) {
		int ncap = g->cap ? 2 * g->cap : 32;
		struct var *nv = realloc(g->vars, (size_t)ncap * sizeof(*nv));

		if (!nv)
			return NULL;
		g->vars = nv;
		g->cap = ncap;
	}
	v = &g->vars[g->n];
	memset(v, 0, sizeof(*v));
	v->cat = cat;
	v->v.salt = (unsigned int)rnd(&g->rng);
	va_start(ap, fmt);
	vsnprintf(v->v.what, sizeof(v->v.what), fmt, ap);
	va_end(ap);
	return &v->v;
}

/* Keep the variant begun last if it has a loss. */
static void commit(struct gen *g, struct lv_variant *v)
{
	if (v && v->n)
		g->n++;
}

/* One run of K events of @cpu around its @pos-th event; never a cut start. */
static void loss_around(struct gen *g, struct lv_variant *v, int cpu, size_t pos, size_t k)
{
	size_t first = pos > k / 2 ? pos - k / 2 : 1;

	if (v)
		lv_add_loss(g->t, v, cpu, first ? first : 1, k);
}

/*
 * Is the truth's span whole?  It holds the finding, ends by the trace's
 * end, and for a client thread's finding covers the whole call: from the
 * thread's previous scm_smc_done (the text has microseconds).  NULL: yes.
 */
static const char *span_wrong(const struct lv_trace *t, const struct truth *tr,
			      const struct tfind *f, int irq_pid)
{
	uint64_t prev = 0;

	if (f->e0 > f->ts || f->ts > f->e1 || f->e1 > tr->end_ns)
		return "does not hold the finding within the trace";
	if (f->pid < 0 || f->pid == irq_pid)
		return NULL;
	for (size_t i = 0; i < t->n && t->ev[i].ts_ns < f->ts; i++)
		if (t->ev[i].pid == f->pid && t->ev[i].type == SCMWQ_EV_SMC_DONE)
			prev = t->ev[i].ts_ns;
	if (prev && f->e0 >= prev + 1000)
		return "begins after the thread's previous call ended";
	return NULL;
}

static int cpu_of_pid(const struct lv_trace *t, int pid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->ev[i].pid == pid)
			return t->ev[i].cpu;
	return -1;
}

static int other_cpu(struct gen *g, int cpu)
{
	int n = g->t->ncpus;

	if (n < 2)
		return cpu;
	return (cpu + 1 + (int)rnd_below(&g->rng, (uint64_t)n - 1)) % n;
}

static void gen_spread(struct gen *g)
{
	const struct lv_trace *t = g->t;
	unsigned int off = (unsigned int)rnd_below(&g->rng, (uint64_t)t->ncpus);

	for (unsigned int j = 0; j < cfg.spread; j++) {
		int cpu = (int)((j + off) % (unsigned int)t->ncpus);
		double f = (j + (double)rnd_below(&g->rng, 1000) / 1000) / cfg.spread;
		size_t k = pick_k(g), pos = (size_t)(f * (double)t->cpu_n[cpu]);
		struct lv_variant *v = start(g, C_SPREAD, "spread %u/%u: CPU %d, %zu events at "
					     "%.0f%%", j + 1, cfg.spread, cpu, k, f * 100);

		loss_around(g, v, cpu, pos, k);
		commit(g, v);
	}
}

/* A loss on @cpu whose next kept event is the last one before @ts. */
static void loss_ending_before(struct gen *g, struct lv_variant *v, int cpu, uint64_t ts, size_t k)
{
	size_t j = lv_cpu_at(g->t, cpu, ts);	/* first at or after ts */

	if (!v || j < 3)
		return;
	/* events j-1-k .. j-2 lost: j-1 (before ts) is the next kept */
	if (k > j - 2)
		k = j - 2;
	lv_add_loss(g->t, v, cpu, j - 1 - k, k);
}

/* A loss on @cpu whose previous kept event is the first one after @ts. */
static void loss_starting_after(struct gen *g, struct lv_variant *v, int cpu, uint64_t ts, size_t k)
{
	size_t j = lv_cpu_at(g->t, cpu, ts + 1);

	if (v && j + 1 < g->t->cpu_n[cpu])
		lv_add_loss(g->t, v, cpu, j + 1, k);
}

static void gen_evidence(struct gen *g)
{
	const struct lv_trace *t = g->t;
	uint64_t tol = cfg.tol_ns;

	for (int i = 0; i < g->tr->n && i < (int)cfg.findings; i++) {
		const struct tfind *f = &g->tr->f[i];
		const char *id = scmwq_rule_info(f->rule)->id;
		int c = f->cpu, o = other_cpu(g, c);
		struct lv_variant *v;
		size_t k;

		if (c < 0)
			continue;
		/* just before the evidence: untouched, replay must still see it */
		k = pick_k(g);
		v = start(g, C_EVIDENCE, "%s pid %d: %zu events of its CPU %d just before its "
			  "evidence", id, f->pid, k, c);
		if (f->e0 > tol)
			loss_ending_before(g, v, c, f->e0 - tol, k);
		commit(g, v);
		k = pick_k(g);
		v = start(g, C_EVIDENCE, "%s pid %d: %zu events of CPU %d just before its evidence",
			  id, f->pid, k, o);
		if (f->e0 > tol)
			loss_ending_before(g, v, o, f->e0 - tol, k);
		commit(g, v);
		/* over the start of the evidence and over the finding */
		k = pick_k(g);
		v = start(g, C_EVIDENCE, "%s pid %d: %zu events of its CPU %d over its evidence's "
			  "start", id, f->pid, k, c);
		loss_around(g, v, c, lv_cpu_at(t, c, f->e0), k);
		commit(g, v);
		k = pick_k(g);
		v = start(g, C_EVIDENCE, "%s pid %d: %zu events of its CPU %d over the finding",
			  id, f->pid, k, c);
		loss_around(g, v, c, lv_cpu_at(t, c, f->ts), k);
		commit(g, v);
		k = pick_k(g);
		v = start(g, C_EVIDENCE, "%s pid %d: %zu events of CPU %d over the finding",
			  id, f->pid, k, o);
		loss_around(g, v, o, lv_cpu_at(t, o, f->ts), k);
		commit(g, v);
		/* just after the evidence: untouched */
		if (f->e1 + tol < g->tr->end_ns) {
			k = pick_k(g);
			v = start(g, C_EVIDENCE, "%s pid %d: %zu events of its CPU %d just after "
				  "its evidence", id, f->pid, k, c);
			loss_starting_after(g, v, c, f->e1 + tol, k);
			commit(g, v);
			k = pick_k(g);
			v = start(g, C_EVIDENCE, "%s pid %d: %zu events of CPU %d just after its "
				  "evidence", id, f->pid, k, o);
			loss_starting_after(g, v, o, f->e1 + tol, k);
			commit(g, v);
		}
	}
}

/* Over a GET_WQ_CTX burst on the IRQ thread's CPU: near the findings first, then anywhere. */
static void gen_irq(struct gen *g)
{
	const struct lv_trace *t = g->t;
	size_t *gw = NULL, ngw = 0;
	int c = g->irq_cpu;

	if (c < 0)
		return;
	gw = malloc(t->cpu_n[c] * sizeof(*gw));
	if (!gw)
		return;
	for (size_t i = 0; i < t->cpu_n[c]; i++)
		if (t->ev[t->cpu_ev[c][i]].type == SCMWQ_EV_GET_WQ_CTX)
			gw[ngw++] = i;
	for (unsigned int j = 0; j < cfg.irq && ngw; j++) {
		size_t pick = gw[rnd_below(&g->rng, ngw)], k = pick_k(g);
		struct lv_variant *v;

		if ((int)j < g->tr->n) {
			/* the first burst at or after the finding's evidence starts */
			size_t at = lv_cpu_at(t, c, g->tr->f[j].e0);

			for (size_t q = 0; q < ngw; q++)
				if (gw[q] >= at) {
					pick = gw[q];
					break;
				}
		}
		v = start(g, C_IRQ, "%zu events of the IRQ thread's CPU %d from a GET_WQ_CTX at "
			  "%" PRIu64, k, c, lv_cpu_ts(t, c, pick));
		/* from its request (the event before it on the IRQ thread), or a little earlier */
		if (v && pick >= 3)
			lv_add_loss(t, v, c, pick - 1 - rnd_below(&g->rng, 2), k);
		commit(g, v);
	}
	free(gw);
}

static void gen_cut(struct gen *g)
{
	const struct lv_trace *t = g->t;

	for (unsigned int j = 0; j < cfg.cuts; j++) {
		struct lv_variant *v;

		if (j % 2 == 0) {
			/* some CPUs, each its own amount */
			uint64_t mask = 1 + rnd_below(&g->rng, (1ULL << t->ncpus) - 1);

			v = start(g, C_CUT, "cut start of CPUs mask 0x%" PRIx64, mask);
			for (int c = 0; c < t->ncpus && v; c++)
				if (mask & (1ULL << c))
					lv_add_loss(t, v, c, 0,
						    1 + rnd_below(&g->rng, t->cpu_n[c] / 5 + 1));
		} else {
			/*
			 * every CPU up to a time: just before a finding's evidence
			 * (each CPU keeps its last event before it), or anywhere
			 */
			int fi = (int)(j / 2) % (g->tr->n ? g->tr->n : 1);
			uint64_t at = g->tr->n && g->tr->f[fi].e0 > cfg.tol_ns ?
				      g->tr->f[fi].e0 - cfg.tol_ns : 0;
			bool before = at > 0;

			if (!before)
				at = t->ev[0].ts_ns + rnd_below(&g->rng, (t->ev[t->n - 1].ts_ns -
									   t->ev[0].ts_ns) / 2 + 1);
			v = start(g, C_CUT, "cut start of every CPU %s %" PRIu64,
				  before ? "just before the evidence at" : "up to", at);
			for (int c = 0; c < t->ncpus && v; c++) {
				size_t m = lv_cpu_at(t, c, at);

				if (before && m)
					m--;	/* keep the last event before it */
				if (m)
					lv_add_loss(t, v, c, 0, m);
			}
		}
		commit(g, v);
	}
}

static void gen_multi(struct gen *g)
{
	const struct lv_trace *t = g->t;

	for (unsigned int j = 0; j < cfg.multi; j++) {
		int n = 2 + (int)rnd_below(&g->rng, 2), order[LV_MAX_CPUS];
		bool near = j % 2 == 1 && g->tr->n;
		uint64_t t0 = t->ev[0].ts_ns, span = t->ev[t->n - 1].ts_ns - t0;
		struct lv_variant *v;

		if (n > t->ncpus)
			n = t->ncpus;
		for (int c = 0; c < t->ncpus; c++)
			order[c] = c;
		for (int c = t->ncpus - 1; c > 0; c--) {
			int r = (int)rnd_below(&g->rng, (uint64_t)c + 1), tmp = order[c];

			order[c] = order[r];
			order[r] = tmp;
		}
		v = start(g, C_MULTI, "losses");
		for (int i = 0; i < n && v; i++) {
			int c = order[i];
			size_t k = pick_k(g);
			uint64_t at;

			if (!near && i == 0 && rnd_below(&g->rng, 4) == 0) {
				lv_add_loss(t, v, c, 0, k);	/* with a cut start */
				continue;
			}
			if (near) {
				uint64_t fi = rnd_below(&g->rng, (uint64_t)g->tr->n);

				at = g->tr->f[fi].ts + rnd_below(&g->rng, 4000000) - 2000000;
			} else {
				at = t0 + rnd_below(&g->rng, span + 1);
			}
			loss_around(g, v, c, lv_cpu_at(t, c, at), k);
		}
		if (v) {
			/* say what it became: "3 losses: CPU 2 (5 events), ..." */
			size_t len = (size_t)snprintf(v->what, sizeof(v->what), "%d losses%s:",
						      v->n, near ? " near a finding" : "");

			for (int i = 0; i < v->n && len < sizeof(v->what); i++)
				len += (size_t)snprintf(v->what + len, sizeof(v->what) - len,
							"%s CPU %d (%zu events%s)", i ? "," : "",
							v->loss[i].cpu, v->loss[i].count,
							v->loss[i].first ? "" : " at its start");
		}
		commit(g, v);
	}
}

/* ------------------------------------------------------------------ */
/* Judging one variant                                                 */

struct verdict {
	int false_err, untouched, unt_rep, unt_conc, touched, tou_rep, missed;
	int false_by_rule[SCMWQ_R__COUNT];
	bool error;			/* the variant could not be written or read */
	char why[1024];
};

__attribute__((format(printf, 2, 3)))
static void why(struct verdict *vd, const char *fmt, ...)
{
	size_t len = strlen(vd->why);
	va_list ap;

	if (len >= sizeof(vd->why) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(vd->why + len, sizeof(vd->why) - len, fmt, ap);
	va_end(ap);
}

/*
 * The gaps the current variant's file implies beyond its own (struct
 * lv_writer.gaps: a Perfetto packet dropped on the sequence is a loss on
 * every CPU, since the reader cannot tell whose bundle it was).
 */
static uint64_t xgap[LV_MAX_LOSSES][2];
static int nxgap;

static bool touched(const struct lv_trace *t, const struct lv_variant *v, const struct tfind *f)
{
	uint64_t e0 = f->e0 > cfg.tol_ns ? f->e0 - cfg.tol_ns : 0, e1 = f->e1 + cfg.tol_ns;

	for (int i = 0; i < nxgap; i++)
		if (xgap[i][0] <= e1 && xgap[i][1] >= e0)
			return true;
	for (int i = 0; i < v->n; i++) {
		uint64_t from, to;

		lv_gap(t, &v->loss[i], &from, &to);
		if (from <= e1 && to >= e0)
			return true;
	}
	return false;
}

static void judge(const struct lv_trace *t, const struct lv_variant *v, const struct truth *tr,
		  const struct found *fd, struct verdict *vd)
{
	for (int i = 0; i < fd->n; i++) {
		const struct scmwq_finding *f = &fd->f[i];
		bool known = false;

		if (f->severity != SCMWQ_SEV_ERROR || f->inconclusive)
			continue;
		for (int j = 0; j < tr->n && !known; j++)
			known = same(f, &tr->f[j]);
		if (known)
			continue;
		vd->false_err++;
		vd->false_by_rule[f->rule]++;
		why(vd, "%sconclusive %s pid %d not in the truth", vd->why[0] ? "; " : "",
		    scmwq_rule_info(f->rule)->id, f->pid);
	}
	for (int j = 0; j < tr->n; j++) {
		const struct tfind *tf = &tr->f[j];
		bool rep = false, conc = false;

		for (int i = 0; i < fd->n; i++)
			if (same(&fd->f[i], tf)) {
				rep = true;
				conc |= !fd->f[i].inconclusive;
			}
		if (touched(t, v, tf)) {
			vd->touched++;
			vd->tou_rep += rep;
			continue;
		}
		vd->untouched++;
		vd->unt_rep += rep;
		vd->unt_conc += conc;
		if (!rep) {
			vd->missed++;
			why(vd, "%smissed %s pid %d (no gap touched its evidence)",
			    vd->why[0] ? "; " : "", scmwq_rule_info(tf->rule)->id, tf->pid);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Totals                                                              */

static struct {
	uint64_t variants, by_fmt[3], false_err, untouched, unt_rep, unt_conc, touched, tou_rep;
	uint64_t errors, failing, kept_files, runs, runs_skipped;
	uint64_t var_false, irq_vars, irq_var_false;	/* variants with a false error */
	uint64_t fmt_false[3], fmt_untouched[3], fmt_unt_rep[3], fmt_failing[3];
	uint64_t false_by_rule[SCMWQ_R__COUNT], false_vars_by_rule[SCMWQ_R__COUNT];
	char false_example[SCMWQ_R__COUNT][400];
	uint64_t cat_variants[C__COUNT], cat_false[C__COUNT], cat_missed[C__COUNT];
} tot;

struct group {
	const char *drv, *fault;
	uint64_t variants, false_err, missed, untouched, unt_rep, errors, runs, failing;
	char notes[1200];
};

__attribute__((format(printf, 2, 3)))
static void note(struct group *gr, const char *fmt, ...)
{
	size_t len = strlen(gr->notes);
	va_list ap;

	if (len >= sizeof(gr->notes) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(gr->notes + len, sizeof(gr->notes) - len, fmt, ap);
	va_end(ap);
}

static char fail_dir[4096];

static void clear_fail_dir(void)
{
	DIR *d;
	struct dirent *e;

	if (!cfg.build)
		return;
	snprintf(fail_dir, sizeof(fail_dir), "%s/loss-matrix-failures", cfg.build);
	d = opendir(fail_dir);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char p[4400];

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", fail_dir, e->d_name);
		unlink(p);
	}
	closedir(d);
}

/* Put a failing variant on disk: the trace, and what was expected and what came. */
static void keep_failure(const struct lv_trace *t, const struct var *var, const struct lv_writer *w,
			 const char *drv, const char *fault, uint64_t seed, int vid,
			 const struct truth *tr, const struct found *fd, const struct verdict *vd)
{
	char base[4400], path[4500];
	struct scmwq_error err = { 0 };
	FILE *fp;

	if (!cfg.build || (cfg.keep && tot.kept_files >= cfg.keep))
		return;
	if (mkdir(fail_dir, 0755) < 0 && errno != EEXIST)
		return;
	snprintf(base, sizeof(base), "%s/%s-%s-seed%" PRIu64 "-v%02d-%s-%s", fail_dir, drv, fault,
		 seed, vid, var->v.n ? cat_name[var->cat] : "control", w->ext);
	snprintf(path, sizeof(path), "%s.%s", base, w->ext);
	if (w->write(t, &var->v, path, &err) < 0)
		return;
	snprintf(path, sizeof(path), "%s.why", base);
	fp = fopen(path, "w");
	if (!fp)
		return;
	tot.kept_files++;
	fprintf(fp, "replay by hand: scmwq-trace replay --driver=%s %s.%s\n", drv, base, w->ext);
	fprintf(fp, "run: simulate --driver=%s%s%s --seed=%" PRIu64 " --calls=%u; variant %d "
		"(%s, %s): %s\n", drv, strcmp(fault, "clean") ? " --inject=" : "",
		strcmp(fault, "clean") ? fault : "", seed, cfg.calls, vid,
		var->v.n ? cat_name[var->cat] : "control",
		w->name, var->v.what);
	for (int i = 0; i < var->v.n; i++) {
		const struct lv_loss *l = &var->v.loss[i];
		uint64_t from, to;

		lv_gap(t, l, &from, &to);
		fprintf(fp, "loss: CPU %d events %zu..%zu of its %zu (%zu lost%s), gap %" PRIu64
			" .. %" PRIu64 " ns\n", l->cpu, l->first, l->first + l->count - 1,
			t->cpu_n[l->cpu], l->count, l->first ? "" : ", cut start", from, to);
	}
	for (int i = 0; i < nxgap; i++)
		fprintf(fp, "and a packet dropped on the sequence: a gap on every CPU %" PRIu64
			" .. %" PRIu64 " ns\n", xgap[i][0], xgap[i][1]);
	fprintf(fp, "expected: no conclusive error but these, each reported (conclusive or not) "
		"unless a gap touched its evidence:\n");
	for (int j = 0; j < tr->n; j++) {
		const struct tfind *f = &tr->f[j];

		fprintf(fp, "  %s pid %d wq_ctx ", scmwq_rule_info(f->rule)->id, f->pid);
		f->has_wq ? fprintf(fp, "%u", f->wq) : fprintf(fp, "-");
		fprintf(fp, " smc_call_ctx ");
		f->has_ctx ? fprintf(fp, "%u", f->ctx) : fprintf(fp, "-");
		fprintf(fp, ", evidence %" PRIu64 " .. %" PRIu64 " ns%s\n", f->e0, f->e1,
			touched(t, &var->v, f) ? " (a gap touched it)" : "");
	}
	fprintf(fp, "came:\n");
	for (int i = 0; i < fd->n; i++)
		if (fd->f[i].severity != SCMWQ_SEV_INFO || fd->f[i].inconclusive) {
			fprintf(fp, "  ");
			scmwq_finding_write_text(fp, &fd->f[i]);
		}
	fprintf(fp, "verdict: %s\n", vd->why);
	fclose(fp);
}

/* A file in memory, and a path that opens it */
struct memfile {
	int fd;
	char path[64];
};

static int memfile_open(struct memfile *m, const char *name)
{
	m->fd = memfd_create(name, MFD_CLOEXEC);
	if (m->fd < 0)
		return -1;
	snprintf(m->path, sizeof(m->path), "/proc/self/fd/%d", m->fd);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The variants themselves, on a trace small enough to write out       */

/* ftrace text of events on CPUs 0/1 at 1..6 us: 0 1 0 1 1 0; its lines in @line */
static char *tiny_trace(size_t *len, char line[6][256])
{
	static const int cpus[6] = { 0, 1, 0, 1, 1, 0 };
	char *text = NULL;
	FILE *fp = open_memstream(&text, len);

	if (!fp)
		return NULL;
	scmwq_text_write_header(fp, 2, 0);
	for (int i = 0; i < 6; i++) {
		struct scmwq_event ev;
		FILE *lf = fmemopen(line[i], 256, "w");

		scmwq_event_request(&ev, 0x42000101, 1, (uint64_t)i, 0);
		ev.ts_ns = 100000000000ULL + 1000ULL * (uint64_t)(i + 1);
		ev.cpu = cpus[i];
		ev.pid = 100 + cpus[i];
		snprintf(ev.comm, sizeof(ev.comm), "client-%d", cpus[i]);
		scmwq_text_write_event(fp, &ev, SCMWQ_SYS_QCOM_SCM);
		if (lf) {
			scmwq_text_write_event(lf, &ev, SCMWQ_SYS_QCOM_SCM);
			fclose(lf);
		}
	}
	fclose(fp);
	return text;
}

/* The text writer's output of @v, or NULL. */
static char *text_of(const struct lv_trace *t, const struct lv_variant *v, struct memfile *mf)
{
	struct scmwq_error err = { 0 };
	struct stat st;
	char *buf;

	if (lv_writer_text.write(t, v, mf->path, &err) < 0 || fstat(mf->fd, &st) < 0)
		return NULL;
	buf = calloc(1, (size_t)st.st_size + 1);
	if (buf && pread(mf->fd, buf, (size_t)st.st_size, 0) != st.st_size) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Events (and loss markers) as a source reads @path: "0 1 1 1 L0:1 0" */
static void read_back(const char *path, char *out, size_t len, uint64_t *lost)
{
	struct scmwq_error err = { 0 };
	struct scmwq_source *src = scmwq_source_open(path, NULL, NULL, &err);
	struct scmwq_event ev;
	size_t n = 0;

	out[0] = '\0';
	*lost = 0;
	if (!src) {
		snprintf(out, len, "cannot open: %.200s", err.msg);
		return;
	}
	while (scmwq_source_next(src, &ev, &err) == 1 && n < len) {
		if (ev.type == SCMWQ_EV_LOST)
			n += (size_t)snprintf(out + n, len - n, "%sL%d:%llu", n ? " " : "", ev.cpu,
					      (unsigned long long)ev.lost_count);
		else
			n += (size_t)snprintf(out + n, len - n, "%s%llu", n ? " " : "",
					      (unsigned long long)(ev.ts_ns / 1000 % 1000));
	}
	*lost = scmwq_source_lost(src);
	scmwq_source_free(src);
}

/*
 * The Perfetto writer on the small trace: where the reader puts each kind
 * of loss, and (where protoc is) that protoc decodes the file with the
 * published field numbers (tests/perfetto/perfetto_subset.proto).
 */
static void selftest_perfetto(const struct lv_trace *t, const struct lv_variant *a,
			      const struct lv_variant *c, struct memfile *mf)
{
	const struct lv_writer *w = &lv_writer_perfetto;
	struct scmwq_error err = { 0 };
	struct lv_variant dropped = *a, cut = *c;
	const char *top = getenv("SCMWQ_TOP");
	char got[512], cmd[4400], buf[512];
	uint64_t lost;
	int lost_flags = 0, prev_ends = 0;
	FILE *p;

	ok(!lv_pf_dropped(a, 0) && w->write(t, a, mf->path, &err) == 0,
	   "variants: perfetto, a loss the kernel made: written %s", err.msg);
	read_back(mf->path, got, sizeof(got), &lost);
	ok(!strcmp(got, "1 L0:0 2 4 5 6") && lost == 1 && w->counted(t, a) == 1,
	   "variants: the Perfetto source reads lost_events where the gap begins, the count "
	   "from FtraceStats (%s, %" PRIu64 " lost)", got, lost);

	/* the same events lost with the bundle that held them, in Perfetto's buffer */
	dropped.salt = 3u << 4;
	ok(lv_pf_dropped(&dropped, 0) && w->write(t, &dropped, mf->path, &err) == 0,
	   "variants: perfetto, a bundle Perfetto lost: written %s", err.msg);
	read_back(mf->path, got, sizeof(got), &lost);
	ok(!strcmp(got, "1 L0:0 2 4 5 6") && lost == 0 && w->counted(t, &dropped) == 0,
	   "variants: the Perfetto source finds it by previous_bundle_end_timestamp, with no "
	   "count (%s, %" PRIu64 " lost)", got, lost);

	/* and the service saw the gap in the sequence: a loss on every CPU as well */
	dropped.salt |= 1u << 12;
	ok(w->write(t, &dropped, mf->path, &err) == 0,
	   "variants: perfetto, a bundle lost, previous_packet_dropped: written %s", err.msg);
	read_back(mf->path, got, sizeof(got), &lost);
	ok(!strcmp(got, "1 L0:0 L-1:0 2 4 5 6") && lost == 0,
	   "variants: the Perfetto source reads previous_packet_dropped as a loss on every CPU "
	   "too (%s, %" PRIu64 " lost)", got, lost);

	ok(w->write(t, &cut, mf->path, &err) == 0, "variants: perfetto, a cut start: written %s",
	   err.msg);
	read_back(mf->path, got, sizeof(got), &lost);
	ok(!strcmp(got, "L0:0 2 3 4 5 6") && lost == 1,
	   "variants: the Perfetto source reads a cut start from lost_events on the CPU's first "
	   "bundle (%s, %" PRIu64 " lost)", got, lost);
	cut.salt = 3u << 4;
	ok(w->write(t, &cut, mf->path, &err) == 0,
	   "variants: perfetto, a start Perfetto's buffer overwrote: written %s", err.msg);
	read_back(mf->path, got, sizeof(got), &lost);
	ok(!strcmp(got, "L0:0 2 3 4 5 6") && lost == 0,
	   "variants: the Perfetto source reads it from previous_bundle_end_timestamp on the "
	   "CPU's first bundle (%s, %" PRIu64 " lost)", got, lost);

	/* an independent decoder: protoc, with the published field numbers (the memfd is
	 * close-on-exec: the shell opens it through this process) */
	if (w->write(t, a, mf->path, &err) < 0)
		return;
	snprintf(cmd, sizeof(cmd), "protoc -I'%s/tests/perfetto' --decode=perfetto.protos.Trace "
		 "perfetto_subset.proto < /proc/%d/fd/%d 2>&1", top && *top ? top : ".",
		 (int)getpid(), mf->fd);
	p = system("command -v protoc >/dev/null 2>&1") == 0 ? popen(cmd, "r") : NULL;
	while (p && fgets(buf, sizeof(buf), p)) {
		lost_flags += strstr(buf, "lost_events: true") != NULL;
		prev_ends += strstr(buf, "previous_bundle_end_timestamp:") != NULL;
	}
	if (p && pclose(p) == 0)
		ok(lost_flags == 1 && prev_ends >= 3, "variants: protoc decodes the Perfetto "
		   "file: one bundle with lost_events, %d bundles", prev_ends);
	else
		printf("ok %d - variants: protoc decodes the Perfetto file # skip protoc or "
		       "tests/perfetto/perfetto_subset.proto is not there\n", ++tap_n);
}

static void selftest(struct memfile *mf)
{
	char line[6][256] = { { 0 } }, want[4096], got[512], *out;
	size_t len, hdr;
	char *text = tiny_trace(&len, line);
	struct scmwq_error err = { 0 };
	struct lv_variant a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
	struct lv_trace t;
	uint64_t from, to, lost;

	if (!text || lv_trace_read(&t, text, len, &err) < 0) {
		ok(0, "variants: the small trace reads back: %s", err.msg);
		free(text);
		return;
	}
	ok(t.n == 6 && t.ncpus == 2 && t.cpu_n[0] == 3 && t.cpu_n[1] == 3,
	   "variants: the small trace reads back as 6 events on 2 CPUs");
	ok(!lv_add_loss(&t, &d, 0, 2, 1) && lv_add_loss(&t, &d, 0, 1, 5) && d.loss[0].count == 1 &&
	   !lv_add_loss(&t, &d, 0, 0, 1),
	   "variants: no loss of a CPU's last event (nothing would report it), one loss per CPU");

	/* one event of CPU 0 lost: the marker comes with CPU 0's next event */
	lv_add_loss(&t, &a, 0, 1, 1);
	lv_gap(&t, &a.loss[0], &from, &to);
	is_int((long long)(to - from), 5000, "variants: the gap runs from CPU 0's previous kept "
	       "event to its next one");
	snprintf(want, sizeof(want), "%s%s%s%sCPU:0 [LOST 1 EVENTS]\n%s", line[0], line[1], line[3],
		 line[4], line[5]);
	out = text_of(&t, &a, mf);
	is_str(out, want, "variants: text, a loss: trace_pipe with the marker right before the "
	       "CPU's next event, after the other CPU's events meanwhile");
	free(out);
	read_back(mf->path, got, sizeof(got), &lost);
	is_str(got, "1 2 4 5 L0:1 6", "variants: the text source reads the loss where it is");

	/* the oldest two events of CPU 1 overwritten: the trace file after an overrun */
	lv_add_loss(&t, &b, 1, 0, 2);
	hdr = t.header_len;
	out = text_of(&t, &b, mf);
	ok(out && strstr(out, "# entries-in-buffer/entries-written: 4/6   #P:2\n") &&
	   !strncmp(out + hdr, line[0], strlen(line[0])),
	   "variants: text, a cut start: the header says 4 of 6 entries are in the buffer");
	snprintf(want, sizeof(want), "%s%s##### CPU 1 buffer started ####\n%s%s", line[0], line[2],
		 line[4], line[5]);
	is_str(out ? out + hdr : NULL, want, "variants: text, a cut start: \"buffer started\" "
	       "before each CPU's first line but the output's first");
	free(out);
	lv_add_loss(&t, &c, 0, 0, 1);
	out = text_of(&t, &c, mf);
	/* CPU 1's first line is the output's first: no marker for it */
	snprintf(want, sizeof(want), "%s##### CPU 0 buffer started ####\n%s%s%s%s", line[1],
		 line[2], line[3], line[4], line[5]);
	is_str(out ? out + hdr : NULL, want, "variants: text, a cut start of CPU 0: CPU 1 "
	       "starts the output, CPU 0 gets the marker");
	free(out);

	if (lv_writer_tdat) {
		char path[4200], cmd[4400], buf[512], prev[512] = "";
		const char *tmp = getenv("TMPDIR");
		bool seen = false, right = false;
		FILE *p;
		int fd;

		snprintf(path, sizeof(path), "%s/lossmatrix-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		fd = mkstemp(path);
		if (fd >= 0)
			close(fd);
		ok(fd >= 0 && lv_writer_tdat->write(&t, &a, path, &err) == 0,
		   "variants: trace.dat, a loss: written %s", err.msg);
		read_back(path, got, sizeof(got), &lost);
		/* the record after the gap carries the loss; the source puts it at the gap's start */
		ok(!strcmp(got, "1 L0:1 2 4 5 6") && lost == 1,
		   "variants: the trace.dat source reads the loss where its gap begins, after CPU "
		   "0's previous record (%s)", got);
		/* an independent reader: trace-cmd report, where it is installed */
		snprintf(cmd, sizeof(cmd), "trace-cmd report '%s' 2>/dev/null", path);
		p = access("/usr/bin/trace-cmd", X_OK) == 0 ? popen(cmd, "r") : NULL;
		while (p && fgets(buf, sizeof(buf), p)) {
			if (strstr(prev, "CPU:0 [1 EVENTS DROPPED]")) {
				seen = true;
				right = strstr(buf, "[000]") && strstr(buf, "100.000006");
			}
			snprintf(prev, sizeof(prev), "%s", buf);
		}
		if (p && pclose(p) == 0)
			ok(seen && right, "variants: trace-cmd report prints \"CPU:0 [1 EVENTS "
			   "DROPPED]\" right before CPU 0's next event");
		else
			printf("ok %d - variants: trace-cmd report # skip trace-cmd is not "
			       "installed\n", ++tap_n);
		if (fd >= 0)
			unlink(path);
	}
	selftest_perfetto(&t, &a, &c, mf);
	lv_trace_free(&t);
	free(text);
}


/* ------------------------------------------------------------------ */
/* One run                                                             */

static const struct lv_writer *writers[3];
static int n_writers;

static void one_variant(struct group *gr, const struct lv_trace *t, const struct truth *tr,
			const struct var *var, int vid, const struct lv_writer *w, int wi,
			enum scmwq_driver drv, uint64_t seed, int irq_cpu, struct memfile *mf,
			struct found *fd)
{
	bool on_irq = false;
	struct scmwq_error err = { 0 };
	struct verdict vd;
	bool control = var->v.n == 0;
	uint64_t lost = 0;
	/* what the format counts: Perfetto has no count for a bundle its own buffer lost */
	uint64_t want = w->counted ? w->counted(t, &var->v) : t->n - lv_kept(t, &var->v);

	memset(&vd, 0, sizeof(vd));
	nxgap = w->gaps ? w->gaps(t, &var->v, xgap, LV_MAX_LOSSES) : 0;
	if (nxgap < 0) {
		nxgap = 0;
		vd.error = true;
		why(&vd, "%s variant: out of memory", w->name);
	} else if (w->write(t, &var->v, mf->path, &err) < 0 ||
		   replay_file(mf->path, drv, fd, &lost, &err) < 0) {
		vd.error = true;
		why(&vd, "%s variant: %s", w->name, err.msg);
	} else {
		judge(t, &var->v, tr, fd, &vd);
		/* the source must see every loss, or the model cannot be judged on it */
		if (lost != want) {
			vd.error = true;
			why(&vd, "%sthe %s source reports %" PRIu64 " lost events, %" PRIu64
			    " were lost%s", vd.why[0] ? "; " : "", w->name, lost, want,
			    w->counted ? " and counted" : "");
		}
		if (control && vd.untouched != vd.unt_conc) {
			vd.missed += vd.untouched - vd.unt_conc;
			why(&vd, "%sthe lossless trace does not give every truth finding "
			    "conclusively", vd.why[0] ? "; " : "");
		}
	}
	for (int i = 0; i < var->v.n; i++)
		on_irq |= var->v.loss[i].cpu == irq_cpu;
	if (!control) {
		tot.variants++;
		tot.fmt_false[wi] += (uint64_t)vd.false_err;
		tot.fmt_untouched[wi] += (uint64_t)vd.untouched;
		tot.fmt_unt_rep[wi] += (uint64_t)vd.unt_rep;
		tot.fmt_failing[wi] += vd.error || vd.false_err || vd.missed;
		tot.var_false += vd.false_err > 0;
		tot.irq_vars += on_irq;
		tot.irq_var_false += on_irq && vd.false_err > 0;
		tot.by_fmt[wi]++;
		gr->variants++;
		tot.cat_variants[var->cat]++;
		tot.false_err += (uint64_t)vd.false_err;
		tot.untouched += (uint64_t)vd.untouched;
		tot.unt_rep += (uint64_t)vd.unt_rep;
		tot.unt_conc += (uint64_t)vd.unt_conc;
		tot.touched += (uint64_t)vd.touched;
		tot.tou_rep += (uint64_t)vd.tou_rep;
		tot.cat_false[var->cat] += (uint64_t)vd.false_err;
		tot.cat_missed[var->cat] += (uint64_t)vd.missed;
		for (int r = 0; r < SCMWQ_R__COUNT; r++) {
			if (!vd.false_by_rule[r])
				continue;
			if (!tot.false_by_rule[r])
				snprintf(tot.false_example[r], sizeof(tot.false_example[r]),
					 "--driver=%s %s seed %" PRIu64 " variant %d (%s, %s): %s",
					 gr->drv, gr->fault, seed, vid, w->name, cat_name[var->cat],
					 var->v.what);
			tot.false_by_rule[r] += (uint64_t)vd.false_by_rule[r];
			tot.false_vars_by_rule[r]++;
		}
	}
	gr->false_err += (uint64_t)vd.false_err;
	gr->missed += (uint64_t)vd.missed;
	gr->untouched += (uint64_t)vd.untouched;
	gr->unt_rep += (uint64_t)vd.unt_rep;
	if (vd.error) {
		gr->errors++;
		tot.errors++;
	}
	if (vd.error || vd.false_err || vd.missed) {
		tot.failing++;
		if (cfg.verbose)
			printf("#   %s %s seed %" PRIu64 " v%d %s %s (%s): %s\n", gr->drv,
			       gr->fault, seed, vid, w->name,
			       control ? "control" : cat_name[var->cat], var->v.what, vd.why);
		/* two examples per group on the TAP output; the rest on disk */
		if (gr->failing++ < 2)
			note(gr, "\n#   e.g. seed %" PRIu64 " v%d %s (%s): %.200s", seed, vid,
			     w->name, control ? "the lossless trace" : var->v.what, vd.why);
		keep_failure(t, var, w, gr->drv, gr->fault, seed, vid, tr, fd, &vd);
	}
}

static void one_run(struct group *gr, enum scmwq_driver drv, enum scmwq_rule fault, uint64_t seed,
		    struct memfile *mf, struct found *fd)
{
	struct scmwq_sim_opts o;
	struct scmwq_sim_result res;
	struct scmwq_error err = { 0 };
	char *text = NULL, *tbuf = NULL;
	size_t text_len = 0, tlen = 0;
	FILE *out = open_memstream(&text, &text_len), *tout = open_memstream(&tbuf, &tlen);
	struct lv_trace t;
	struct truth tr;
	struct gen g;
	struct var control;
	int rc, irq_pid = -1;

	memset(&g, 0, sizeof(g));
	if (!out || !tout) {
		note(gr, "\n#   seed %" PRIu64 ": cannot open memory streams", seed);
		gr->errors++;
		goto out;
	}
	scmwq_sim_opts_init(&o);
	o.driver = drv;
	o.seed = seed;
	o.calls = cfg.calls;
	o.out = out;
	o.truth = tout;
	if (fault != SCMWQ_R__COUNT)
		o.inject[o.n_inject++] = fault;
	rc = scmwq_sim_run(&o, &res, &err);
	fclose(out);
	fclose(tout);
	out = tout = NULL;
	if (rc < 0) {
		/* a fault this seed cannot set up: not measured (noted) */
		note(gr, "\n#   seed %" PRIu64 " not measured: %s", seed, err.msg);
		tot.runs_skipped++;
		goto out;
	}
	if (parse_truth(tbuf, &tr) < 0) {
		note(gr, "\n#   seed %" PRIu64 ": the truth is not the JSON of simulate(1) with "
		     "evidence spans", seed);
		gr->errors++;
		goto out;
	}
	if (fault == SCMWQ_R__COUNT ? tr.n != 0 :
	    !truth_has_fault(&tr, fault) || tr.n == 0) {
		note(gr, "\n#   seed %" PRIu64 ": %s", seed, fault == SCMWQ_R__COUNT ?
		     "a clean run with truth findings" :
		     "the fault or its finding is not in the truth");
		gr->errors++;
		goto out;
	}
	if (lv_trace_read(&t, text, text_len, &err) < 0) {
		note(gr, "\n#   seed %" PRIu64 ": reading the simulated trace: %s", seed, err.msg);
		gr->errors++;
		goto out;
	}
	gr->runs++;
	tot.runs++;

	g.t = &t;
	g.tr = &tr;
	g.rng = hash_str(mix(seed), scmwq_driver_name(drv));
	g.rng = hash_str(g.rng, fault == SCMWQ_R__COUNT ? "clean" : scmwq_rule_info(fault)->id);
	g.irq_cpu = -1;
	for (size_t i = 0; i < t.n; i++)
		if (!strncmp(t.ev[i].comm, "irq/", 4) && strstr(t.ev[i].comm, "qcom-scm")) {
			g.irq_cpu = t.ev[i].cpu;
			irq_pid = t.ev[i].pid;
			break;
		}
	for (int j = 0; j < tr.n; j++) {
		struct tfind *f = &tr.f[j];
		const char *wrong = span_wrong(&t, &tr, f, irq_pid);

		if (wrong) {
			note(gr, "\n#   seed %" PRIu64 ": the truth's evidence span of %s pid %d "
			     "%s", seed, scmwq_rule_info(f->rule)->id, f->pid, wrong);
			gr->errors++;
		}
		f->cpu = f->pid >= 0 ? cpu_of_pid(&t, f->pid) : -1;
		if (f->cpu < 0)
			f->cpu = g.irq_cpu >= 0 ? g.irq_cpu : 0;
	}
	gen_spread(&g);
	gen_evidence(&g);
	gen_irq(&g);
	gen_cut(&g);
	gen_multi(&g);
	if (!tr.n) {
		/* a clean run: as many again spread over it */
		gen_spread(&g);
		gen_multi(&g);
	}

	memset(&control, 0, sizeof(control));
	snprintf(control.v.what, sizeof(control.v.what), "the lossless trace");
	for (int wi = 0; wi < n_writers; wi++) {
		bool all = writers[wi] == &lv_writer_text;
		bool pf = writers[wi] == &lv_writer_perfetto;
		unsigned int every = pf ? cfg.pf_every : cfg.dat_every;

		if (!all && seed > (pf ? cfg.pf_seeds : cfg.dat_seeds))
			continue;
		one_variant(gr, &t, &tr, &control, 0, writers[wi], wi, drv, seed, g.irq_cpu, mf,
			    fd);
		for (int i = 0; i < g.n; i++)
			if (all || (i + pf) % (int)every == 0)
				one_variant(gr, &t, &tr, &g.vars[i], i + 1, writers[wi], wi, drv,
					    seed, g.irq_cpu, mf, fd);
	}
	lv_trace_free(&t);
out:
	if (out)
		fclose(out);
	if (tout)
		fclose(tout);
	free(g.vars);
	free(text);
	free(tbuf);
}

static void one_group(enum scmwq_driver drv, enum scmwq_rule fault, struct memfile *mf,
		      struct found *fd)
{
	const char *dname = scmwq_driver_name(drv);
	const char *fname = fault == SCMWQ_R__COUNT ? "clean" : scmwq_rule_info(fault)->id;
	unsigned int nseeds = fault == SCMWQ_R__COUNT ? cfg.clean_seeds : cfg.seeds;
	struct group gr = { .drv = dname, .fault = fname };
	bool any = false;

	for (uint64_t seed = 1; seed <= nseeds; seed++) {
		if (!wanted(dname, fname, seed))
			continue;
		any = true;
		one_run(&gr, drv, fault, seed, mf, fd);
	}
	if (!any)
		return;
	ok(gr.runs && !gr.errors && !gr.false_err && !gr.missed,
	   "%s %s: %" PRIu64 " variants of %" PRIu64 " runs, %" PRIu64 " conclusive errors not in "
	   "the truth, %" PRIu64 "/%" PRIu64 " untouched truth findings reported%s%s", dname, fname,
	   gr.variants, gr.runs, gr.false_err, gr.unt_rep, gr.untouched,
	   gr.errors ? ", harness errors" : "", gr.runs ? "" : ", no run measured");
	if (gr.failing > 2)
		note(&gr, "\n#   and %" PRIu64 " more failing variants", gr.failing - 2);
	if (gr.notes[0])
		printf("%s\n", gr.notes + 1);
}

/* ------------------------------------------------------------------ */

static void summary(FILE *out)
{
	bool any = false;

	fprintf(out, "# loss matrix: %" PRIu64 " variants (", tot.variants);
	for (int wi = 0; wi < n_writers; wi++)
		fprintf(out, "%s%" PRIu64 " %s", wi ? ", " : "", tot.by_fmt[wi], writers[wi]->name);
	fprintf(out, "), %" PRIu64 " conclusive errors not in the truth, recall %" PRIu64
		"/%" PRIu64 " (%" PRIu64 " conclusive, %" PRIu64 " inconclusive)\n",
		tot.false_err, tot.unt_rep, tot.untouched, tot.unt_conc, tot.unt_rep - tot.unt_conc);
	fprintf(out, "# loss matrix: %" PRIu64 " runs measured (%" PRIu64 " not set up), %" PRIu64
		" failing variants, truth findings a gap touched: %" PRIu64 "/%" PRIu64
		" reported\n", tot.runs, tot.runs_skipped, tot.failing, tot.tou_rep, tot.touched);
	fprintf(out, "# loss matrix: variants with a conclusive error not in the truth: %" PRIu64
		"/%" PRIu64 " (%.1f%%); with a loss on the IRQ thread's CPU: %" PRIu64 "/%" PRIu64
		" (%.1f%%)\n", tot.var_false, tot.variants,
		tot.variants ? 100.0 * (double)tot.var_false / (double)tot.variants : 0.0,
		tot.irq_var_false, tot.irq_vars,
		tot.irq_vars ? 100.0 * (double)tot.irq_var_false / (double)tot.irq_vars : 0.0);
	for (int wi = 0; wi < n_writers; wi++)
		fprintf(out, "# loss matrix as %s: %" PRIu64 " variants, %" PRIu64 " failing, "
			"%" PRIu64 " conclusive errors not in the truth, "
			"recall %" PRIu64 "/%" PRIu64 "\n",
			writers[wi]->name, tot.by_fmt[wi], tot.fmt_failing[wi], tot.fmt_false[wi],
			tot.fmt_unt_rep[wi], tot.fmt_untouched[wi]);
	fprintf(out, "# loss matrix by kind:");
	for (int c = 0; c < C__COUNT; c++)
		fprintf(out, " %s %" PRIu64 " variants %" PRIu64 " false %" PRIu64 " missed%s",
			cat_name[c], tot.cat_variants[c], tot.cat_false[c], tot.cat_missed[c],
			c + 1 < C__COUNT ? ";" : "\n");
	for (int r = 0; r < SCMWQ_R__COUNT; r++) {
		if (!tot.false_by_rule[r])
			continue;
		if (!any)
			fprintf(out, "# conclusive errors not in the truth, by rule (first "
				"example):\n");
		any = true;
		fprintf(out, "#   %s: %" PRIu64 " in %" PRIu64 " variants (e.g. %s)\n",
			scmwq_rule_info(r)->id, tot.false_by_rule[r], tot.false_vars_by_rule[r],
			tot.false_example[r]);
	}
}

int main(void)
{
	static const enum scmwq_driver drivers[] = {
		SCMWQ_DRV_MAINLINE, SCMWQ_DRV_MAINLINE_6_3, SCMWQ_DRV_MAINLINE_6_11,
		SCMWQ_DRV_VENDOR, SCMWQ_DRV_DRAFT_2022,
	};
	struct memfile mf;
	struct found fd = { 0 };

	setvbuf(stdout, NULL, _IOLBF, 0);
	config();
	/*
	 * The trace.dat writer stages each file in a temporary directory:
	 * on tmpfs when TMPDIR does not say otherwise (a disk costs 4x here).
	 */
	if (!getenv("TMPDIR") && access("/dev/shm", W_OK | X_OK) == 0)
		setenv("TMPDIR", "/dev/shm", 0);
	if (cfg.text)
		writers[n_writers++] = &lv_writer_text;
	if (cfg.tdat && lv_writer_tdat)
		writers[n_writers++] = lv_writer_tdat;
	if (cfg.tdat && !lv_writer_tdat)
		printf("ok %d - trace.dat variants # skip the trace.dat fixture writer "
		       "(tests/support/kdat.c) is not there\n", ++tap_n);
	if (cfg.pf)
		writers[n_writers++] = &lv_writer_perfetto;
	if (!n_writers) {
		printf("1..0 # skip SCMWQ_LOSS_FORMATS names no writer\n");
		return 0;
	}
	if (memfile_open(&mf, "loss-variant") < 0) {
		ok(0, "memfd_create: %s", strerror(errno));
		return tap_done();
	}
	clear_fail_dir();
	selftest(&mf);

	for (size_t d = 0; d < ARRAY_SIZE(drivers); d++) {
		one_group(drivers[d], SCMWQ_R__COUNT, &mf, &fd);
		for (int r = 0; r < SCMWQ_R__COUNT; r++)
			if (scmwq_sim_fault_drivers((enum scmwq_rule)r, false) & (1u << drivers[d]))
				one_group(drivers[d], (enum scmwq_rule)r, &mf, &fd);
	}
	summary(stdout);
	if (tot.kept_files)
		printf("# failing variants kept in %s (%" PRIu64 " of %" PRIu64 ")\n", fail_dir,
		       tot.kept_files, tot.failing);
	if (cfg.build) {
		char path[4200];
		FILE *fp;

		snprintf(path, sizeof(path), "%s/loss-matrix.txt", cfg.build);
		fp = fopen(path, "w");
		if (fp) {
			summary(fp);
			fclose(fp);
		}
	}
	close(mf.fd);
	free(fd.f);
	return tap_done();
}
