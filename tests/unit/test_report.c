// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/view/report.c: the streaming percentiles (exact on small
 * sets, within 1/SCMWQ_HIST_ERR_DIV on large ones, bounded memory), the
 * table of SCM services, the filters and their option parsers, and the
 * CSV quoting of the writer.
 */
#include <stdlib.h>
#include <string.h>

#include <scmwq.h>

#include "base/base.h"
#include "model/model.h"
#include "sim/sim.h"
#include "source/source.h"
#include "tap.h"

/* ------------------------------------------------------------------ histogram */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank on a sorted array: the smallest value with pct% at or below it. */
static uint64_t nearest_rank(const uint64_t *v, size_t n, double pct)
{
	size_t rank = 1;

	while ((double)rank * 100.0 < pct * (double)n - 1e-9)
		rank++;
	return v[rank - 1];
}

static void test_hist_empty(void)
{
	struct scmwq_hist *h = scmwq_hist_alloc();

	ok(h != NULL, "hist: alloc");
	is_int(scmwq_hist_count(h), 0, "hist empty: count 0");
	is_int(scmwq_hist_min(h), 0, "hist empty: min 0");
	is_int(scmwq_hist_max(h), 0, "hist empty: max 0");
	is_int(scmwq_hist_percentile(h, 50), 0, "hist empty: p50 0");
	ok(scmwq_hist_exact(h), "hist empty: exact");
	scmwq_hist_free(h);
	scmwq_hist_free(NULL);
}

static void test_hist_small(void)
{
	struct scmwq_hist *h = scmwq_hist_alloc();
	/* out of order, in ns as durations are: 1 ms .. 10 ms */
	static const uint64_t v[] = { 7000000, 1000000, 10000000, 3000000, 2000000,
				      9000000, 4000000, 8000000, 6000000, 5000000 };

	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		scmwq_hist_add(h, v[i]);
	is_int(scmwq_hist_count(h), 10, "small: count");
	is_int(scmwq_hist_min(h), 1000000, "small: min");
	is_int(scmwq_hist_max(h), 10000000, "small: max");
	ok(scmwq_hist_exact(h), "small: exact");
	/* nearest rank: p50 of 10 = the 5th, p90 = the 9th (not the 10th: 0.9 * 10 is 9 exactly) */
	is_int(scmwq_hist_percentile(h, 50), 5000000, "small: p50 is the 5th value");
	is_int(scmwq_hist_percentile(h, 90), 9000000, "small: p90 is the 9th value");
	is_int(scmwq_hist_percentile(h, 99), 10000000, "small: p99 is the 10th value");
	is_int(scmwq_hist_percentile(h, 100), 10000000, "small: p100 is the max");
	is_int(scmwq_hist_percentile(h, 10), 1000000, "small: p10 is the 1st value");
	is_int(scmwq_hist_percentile(h, 11), 2000000, "small: p11 is the 2nd value");
	scmwq_hist_free(h);

	/* one value: every percentile is it */
	h = scmwq_hist_alloc();
	scmwq_hist_add(h, 2020000);
	is_int(scmwq_hist_percentile(h, 50), 2020000, "one value: p50");
	is_int(scmwq_hist_percentile(h, 99), 2020000, "one value: p99");
	scmwq_hist_free(h);

	/* two values: p50 is the smaller (nearest rank 1) */
	h = scmwq_hist_alloc();
	scmwq_hist_add(h, 40000);
	scmwq_hist_add(h, 60000);
	is_int(scmwq_hist_percentile(h, 50), 40000, "two values: p50 is the smaller");
	is_int(scmwq_hist_percentile(h, 90), 60000, "two values: p90 is the larger");
	scmwq_hist_free(h);
}

/* Exactly SCMWQ_HIST_EXACT values: still exact; one more: approximate. */
static void test_hist_exact_limit(void)
{
	struct scmwq_hist *h = scmwq_hist_alloc();
	uint64_t v[SCMWQ_HIST_EXACT];
	bool all = true;

	for (int i = 0; i < SCMWQ_HIST_EXACT; i++) {
		v[i] = 1000003ULL * (uint64_t)(i * 7919 % SCMWQ_HIST_EXACT + 1);
		scmwq_hist_add(h, v[i]);
	}
	qsort(v, SCMWQ_HIST_EXACT, sizeof(v[0]), cmp_u64);
	ok(scmwq_hist_exact(h), "limit: %d values are exact", SCMWQ_HIST_EXACT);
	for (int p = 1; p <= 100; p++)
		if (scmwq_hist_percentile(h, p) != nearest_rank(v, SCMWQ_HIST_EXACT, p))
			all = false;
	ok(all, "limit: p1..p100 equal the exact nearest-rank values");
	scmwq_hist_add(h, 5);
	ok(!scmwq_hist_exact(h), "limit: one more value and it is approximate");
	is_int(scmwq_hist_min(h), 5, "limit: min still exact");
	is_int(scmwq_hist_max(h), v[SCMWQ_HIST_EXACT - 1], "limit: max still exact");
	scmwq_hist_free(h);
}

/* A small xorshift: the same values on every run. */
static uint64_t rnd_state = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void test_hist_large(void)
{
	enum { N = 200000 };
	struct scmwq_hist *h = scmwq_hist_alloc();
	uint64_t *v = malloc(N * sizeof(*v));
	static const double pcts[] = { 1, 10, 25, 50, 75, 90, 99, 99.9 };
	double worst = 0;

	/* from 1 ns to about 17 s, spread over the decades (log-uniform-ish) */
	for (int i = 0; i < N; i++) {
		unsigned int bits = 1 + (unsigned int)(rnd() % 34);

		v[i] = (rnd() & ((1ULL << bits) - 1)) + 1;
		scmwq_hist_add(h, v[i]);
	}
	qsort(v, N, sizeof(v[0]), cmp_u64);
	ok(!scmwq_hist_exact(h), "large: approximate");
	is_int(scmwq_hist_count(h), N, "large: count");
	is_int(scmwq_hist_min(h), v[0], "large: min exact");
	is_int(scmwq_hist_max(h), v[N - 1], "large: max exact");
	for (size_t i = 0; i < ARRAY_SIZE(pcts); i++) {
		uint64_t want = nearest_rank(v, N, pcts[i]);
		uint64_t got = scmwq_hist_percentile(h, pcts[i]);
		uint64_t diff = got > want ? got - want : want - got;
		double err = want ? (double)diff / (double)want : 0;

		if (err > worst)
			worst = err;
		ok(err <= 1.0 / SCMWQ_HIST_ERR_DIV,
		   "large: p%g = %llu, exact %llu, error %.4f%% <= %.2f%%",
		   pcts[i], (unsigned long long)got, (unsigned long long)want, err * 100,
		   100.0 / SCMWQ_HIST_ERR_DIV);
	}
	printf("# worst relative error %.4f%%\n", worst * 100);
	free(v);
	scmwq_hist_free(h);
}

/* Values below 256 have buckets of width 1: exact even beyond the exact list. */
static void test_hist_extremes(void)
{
	struct scmwq_hist *h = scmwq_hist_alloc();

	for (int i = 0; i < 1000; i++)
		scmwq_hist_add(h, (uint64_t)(i % 200));
	ok(!scmwq_hist_exact(h), "small values: beyond the exact list");
	is_int(scmwq_hist_percentile(h, 50), 99, "small values: p50 exact (bucket width 1)");
	is_int(scmwq_hist_percentile(h, 100), 199, "small values: p100 = max");
	scmwq_hist_free(h);

	h = scmwq_hist_alloc();
	for (int i = 0; i < 300; i++)
		scmwq_hist_add(h, i % 2 ? UINT64_MAX : 0);
	is_int(scmwq_hist_min(h), 0, "extremes: min 0");
	ok(scmwq_hist_max(h) == UINT64_MAX, "extremes: max UINT64_MAX");
	ok(scmwq_hist_percentile(h, 50) == 0, "extremes: p50 0");
	ok(scmwq_hist_percentile(h, 90) >= UINT64_MAX - (UINT64_MAX / SCMWQ_HIST_ERR_DIV),
	   "extremes: p90 within the bound of UINT64_MAX (no overflow in the top bucket)");
	scmwq_hist_free(h);
}

/* ------------------------------------------------------------------ services */

static void test_services(void)
{
	static const struct {
		unsigned int svc;
		const char *name;
	} brief[] = {
		{ 0x01, "boot" }, { 0x02, "pil" }, { 0x05, "io" }, { 0x06, "info" }, { 0x0c, "mp" },
		{ 0x0f, "ocmem" }, { 0x10, "es" }, { 0x11, "hdcp" }, { 0x13, "lmh" },
		{ 0x15, "smmu" }, { 0x24, "waitq" }, { 0x28, "gpu" },
	};
	char b[64];

	for (size_t i = 0; i < ARRAY_SIZE(brief); i++)
		is_str(scmwq_smc_service_name(brief[i].svc), brief[i].name, "service 0x%02x is %s",
		       brief[i].svc, brief[i].name);
	ok(scmwq_smc_service_name(0x0d) == NULL, "service 0x0d unknown");
	is_str(scmwq_smc_command_name(0x24, 0x03), "get_wq_ctx", "waitq/0x03 is get_wq_ctx");
	ok(scmwq_smc_command_name(0x0c, 0x07) == NULL, "mp/0x07 unknown");
	ok(scmwq_smc_command_name(0x0d, 0x01) == NULL, "0x0d/0x01 unknown");

	is_str(scmwq_smc_describe(0x42000c02, b, sizeof(b)), "mp/restore_sec_cfg",
	       "describe 0x42000c02");
	is_str(scmwq_smc_describe(0x42000601, b, sizeof(b)), "info/is_call_avail",
	       "describe 0x42000601");
	is_str(scmwq_smc_describe(0x42000205, b, sizeof(b)), "pil/pas_auth_and_reset",
	       "describe 0x42000205");
	is_str(scmwq_smc_describe(SCMWQ_SMC_RESUME, b, sizeof(b)), "waitq/resume",
	       "describe RESUME");
	is_str(scmwq_smc_describe(SCMWQ_SMC_GET_WQ_CTX, b, sizeof(b)), "waitq/get_wq_ctx",
	       "describe GET_WQ_CTX as a fast call (0xc2002403)");
	is_str(scmwq_smc_describe(0x02000c16, b, sizeof(b)), "mp/assign",
	       "describe an SMC32 id (0x02000c16)");
	is_str(scmwq_smc_describe(0x42000c07, b, sizeof(b)), "mp/0x07",
	       "describe a known service, unknown command");
	is_str(scmwq_smc_describe(0x42000d01, b, sizeof(b)), "0x0d/0x01",
	       "describe an unknown service");
	is_str(scmwq_smc_describe(0x72000101, b, sizeof(b)), "0x72000101",
	       "describe a non-SiP owner (trusted OS) in hex");
	is_str(scmwq_smc_describe(0x1, b, sizeof(b)), "0x00000001",
	       "describe 0x1 (INTERRUPTED re-entry) in hex");
	is_str(scmwq_smc_describe(0, b, sizeof(b)), "?", "describe 0: unknown");
	is_str(scmwq_smc_describe(0x42000c02, b, 5), "mp/r", "describe truncates to the buffer");
}

/* ------------------------------------------------------------------ filters */

static void test_parsers(void)
{
	struct scmwq_filter f;

	memset(&f, 0, sizeof(f));
	is_int(scmwq_filter_add_pids(&f, "1000,1001"), 0, "--pid 1000,1001");
	is_int(scmwq_filter_add_pids(&f, "7"), 0, "--pid given twice adds");
	is_int(f.n_pids, 3, "three pids");
	is_int(f.pids[2], 7, "the third is 7");
	is_int(scmwq_filter_add_pids(&f, ""), -1, "--pid '' refused");
	is_int(scmwq_filter_add_pids(&f, "1,,2"), -1, "--pid 1,,2 refused");
	is_int(scmwq_filter_add_pids(&f, "abc"), -1, "--pid abc refused");
	is_int(scmwq_filter_add_pids(&f, "-5"), -1, "--pid -5 refused");
	is_int(scmwq_filter_add_pids(&f, "12x"), -1, "--pid 12x refused");
	is_int(scmwq_filter_add_pids(&f, "99999999999"), -1, "--pid too large refused");

	memset(&f, 0, sizeof(f));
	is_int(scmwq_filter_add_comms(&f, "qseecom*,irq/41-qcom-scm"), 0, "--comm two names");
	is_str(f.comms[1], "irq/41-qcom-scm", "second comm kept");
	is_int(scmwq_filter_add_comms(&f, "a234567890123456789012345678901234"), -1,
	       "--comm longer than a comm refused");
	is_int(scmwq_filter_add_comms(&f, "a,"), -1, "--comm with an empty name refused");

	memset(&f, 0, sizeof(f));
	is_int(scmwq_filter_add_wq(&f, "0,3"), 0, "--wq-ctx 0,3");
	is_int(f.n_wq, 2, "two wq_ctx");
	is_int(scmwq_filter_add_wq(&f, "4294967296"), -1, "--wq-ctx beyond u32 refused");
	is_int(scmwq_filter_add_wq(&f, "x"), -1, "--wq-ctx x refused");

	memset(&f, 0, sizeof(f));
	is_int(scmwq_filter_set_time(&f, "100.5,200"), 0, "--time 100.5,200");
	ok(f.ranges[0].has_start && f.ranges[0].has_end, "both sides");
	is_int(f.ranges[0].start_ns, 100500000000ULL, "start 100.5 s exactly");
	is_int(f.ranges[0].end_ns, 200000000000ULL, "end 200 s");
	is_int(scmwq_filter_set_time(&f, "1234.000001,"), 0, "--time 1234.000001,");
	ok(f.ranges[0].has_start && !f.ranges[0].has_end, "start only");
	is_int(f.ranges[0].start_ns, 1234000001000ULL, "start to the ns, no float rounding");
	is_int(scmwq_filter_set_time(&f, ",0.25"), 0, "--time ,0.25");
	ok(!f.ranges[0].has_start && f.ranges[0].has_end && f.ranges[0].end_ns == 250000000ULL, "end only, 0.25 s");
	is_int(scmwq_filter_set_time(&f, "42"), 0, "--time 42 (start only)");
	ok(f.ranges[0].has_start && !f.ranges[0].has_end && f.ranges[0].start_ns == 42000000000ULL, "42 s");
	is_int(scmwq_filter_set_time(&f, "1.123456789"), 0, "--time with 9 decimals");
	is_int(f.ranges[0].start_ns, 1123456789ULL, "9 decimals kept");
	is_int(scmwq_filter_set_time(&f, "200,100"), -1, "--time END before START refused");
	is_int(scmwq_filter_set_time(&f, ","), -1, "--time , refused");
	is_int(scmwq_filter_set_time(&f, "1,2,3"), -1, "--time 1,2,3 refused");
	is_int(scmwq_filter_set_time(&f, "-1,2"), -1, "--time -1,2 refused");
	is_int(scmwq_filter_set_time(&f, "1s,2s"), -1, "--time with units refused");
	is_int(scmwq_filter_set_time(&f, "."), -1, "--time . refused");
}

/* --cpu lists and the --time forms of perf script, resolved on a trace. */
static void test_filter_forms(void)
{
	struct scmwq_filter f;

	memset(&f, 0, sizeof(f));
	is_int(scmwq_filter_add_cpus(&f, "0,2-3"), 0, "--cpu 0,2-3");
	is_int((int)f.cpus[0], 0xd, "CPUs 0, 2 and 3");
	is_int(scmwq_filter_add_cpus(&f, "255"), 0, "--cpu 255 (the last)");
	is_int(scmwq_filter_add_cpus(&f, "256"), -1, "--cpu 256 refused");
	is_int(scmwq_filter_add_cpus(&f, "3-1"), -1, "--cpu 3-1 refused");
	is_int(scmwq_filter_add_cpus(&f, "1-"), -1, "--cpu 1- refused");

	memset(&f, 0, sizeof(f));
	is_int(scmwq_filter_set_time(&f, "+1.5,+2"), 0, "--time +1.5,+2");
	is_int(scmwq_filter_time_needs(&f), SCMWQ_TIME_REL, "relative: needs the first event");
	ok(!f.resolved, "not resolved before the trace");
	scmwq_filter_set_origin(&f, 100000000000ULL);
	ok(f.resolved && f.ranges[0].start_ns == 101500000000ULL &&
	   f.ranges[0].end_ns == 102000000000ULL, "+1.5,+2 after 100 s: 101.5 to 102 s");
	is_int(scmwq_filter_set_time(&f, "100,+1"), 0, "--time 100,+1 (mixed)");
	scmwq_filter_set_origin(&f, 99000000000ULL);
	is_int(f.ranges[0].end_ns, 100000000000ULL, "mixed: the end after the first event");

	is_int(scmwq_filter_set_time(&f, "10%/2"), 0, "--time 10%%/2");
	is_int(scmwq_filter_time_needs(&f), SCMWQ_TIME_PCT, "percent: needs the span");
	scmwq_filter_set_origin(&f, 0);
	ok(!f.resolved, "the first event alone does not resolve a percent");
	scmwq_filter_set_span(&f, 1000, 2000);
	ok(f.ranges[0].start_ns == 1100 && f.ranges[0].end_ns == 1200, "10%%/2 of 1000..2000");
	is_int(scmwq_filter_set_time(&f, "0%-10%,30.5%-40%"), 0, "two percent ranges");
	scmwq_filter_set_span(&f, 1000, 2000);
	ok(f.n_ranges == 2 && f.ranges[1].start_ns == 1305 && f.ranges[1].end_ns == 1400,
	   "30.5%%-40%% of 1000..2000");
	is_int(scmwq_filter_set_time(&f, "25%"), 0, "--time 25%% (the first slice)");
	scmwq_filter_set_span(&f, 0, 400);
	ok(f.ranges[0].start_ns == 0 && f.ranges[0].end_ns == 100, "25%% is 25%%/1");
	is_int(scmwq_filter_set_time(&f, "10%/11"), -1, "a slice past 100%% refused");
	is_int(scmwq_filter_set_time(&f, "20%-10%"), -1, "20%%-10%% refused");
	is_int(scmwq_filter_set_time(&f, "+2,+1"), -1, "+2,+1 refused");
	is_int(scmwq_filter_set_time(&f, "101%"), -1, "101%% refused");
	is_int(scmwq_filter_set_time(&f, "10%,+1"), -1, "percent and seconds not mixed");
}

/* A call of pid 1000 "qseecom-a" from 100 s to 100.010 s with two sleeps. */
static void mkcall(struct scmwq_call_rec *c)
{
	memset(c, 0, sizeof(*c));
	c->pid = 1000;
	strcpy(c->comm, "qseecom-a");
	c->smc_id = 0x42000c02;
	c->start_ns = 100000000000ULL;
	c->end_ns = 100010000000ULL;
	c->done = true;
	c->n_sleeps = 2;
	/* on wq_ctx 1: waits 2 ms */
	c->sleeps[0].wq_ctx = 1;
	c->sleeps[0].sleep_ns = 100001000000ULL;
	c->sleeps[0].wake_ns = 100003000000ULL;
	c->sleeps[0].resume_ns = 100003010000ULL;
	c->sleeps[0].path = SCMWQ_PATH_IRQ;
	c->sleeps[0].waker_pid = 1002;
	/* on wq_ctx 3: waits 5 ms */
	c->sleeps[1].wq_ctx = 3;
	c->sleeps[1].sleep_ns = 100004000000ULL;
	c->sleeps[1].wake_ns = 100009000000ULL;
	c->sleeps[1].resume_ns = 100009010000ULL;
	c->sleeps[1].path = SCMWQ_PATH_ACK;
	c->sleeps[1].waker_pid = 1001;
}

static void test_match(void)
{
	struct scmwq_filter f;
	struct scmwq_call_rec c;
	bool keep[SCMWQ_CALL_SLEEPS];

	mkcall(&c);
	memset(&f, 0, sizeof(f));
	ok(scmwq_filter_match_call(&f, &c, keep) && keep[0] && keep[1], "no filter: call and sleeps");

	scmwq_filter_add_pids(&f, "1001,1000");
	ok(scmwq_filter_match_call(&f, &c, NULL), "--pid 1001,1000 selects pid 1000");
	memset(&f, 0, sizeof(f));
	scmwq_filter_add_pids(&f, "1002");
	ok(!scmwq_filter_match_call(&f, &c, NULL), "--pid 1002 does not (the waker is not the caller)");

	memset(&f, 0, sizeof(f));
	scmwq_filter_add_comms(&f, "qseecom*");
	ok(scmwq_filter_match_call(&f, &c, NULL), "--comm 'qseecom*' (pattern)");
	memset(&f, 0, sizeof(f));
	scmwq_filter_add_comms(&f, "qseecom");
	ok(!scmwq_filter_match_call(&f, &c, NULL), "--comm qseecom: whole name only");

	memset(&f, 0, sizeof(f));
	scmwq_filter_add_wq(&f, "3");
	ok(scmwq_filter_match_call(&f, &c, keep), "--wq-ctx 3 selects the call");
	ok(!keep[0] && keep[1], "--wq-ctx 3 hides the sleep on wq_ctx 1");
	memset(&f, 0, sizeof(f));
	scmwq_filter_add_wq(&f, "0");
	ok(!scmwq_filter_match_call(&f, &c, keep), "--wq-ctx 0: no sleep there");

	memset(&f, 0, sizeof(f));
	scmwq_filter_set_time(&f, "100.005,100.006");
	ok(scmwq_filter_match_call(&f, &c, NULL), "--time inside the call: it overlaps");
	scmwq_filter_set_time(&f, "100.011,");
	ok(!scmwq_filter_match_call(&f, &c, NULL), "--time after the call ended");
	scmwq_filter_set_time(&f, ",99.999");
	ok(!scmwq_filter_match_call(&f, &c, NULL), "--time before the call started");
	scmwq_filter_set_time(&f, ",100");
	ok(scmwq_filter_match_call(&f, &c, NULL), "--time ,100: ends where the call starts");
	c.done = false;
	scmwq_filter_set_time(&f, "500,");
	ok(scmwq_filter_match_call(&f, &c, NULL), "--time 500,: an open call overlaps anything later");
	mkcall(&c);

	memset(&f, 0, sizeof(f));
	f.min_wait_ns = 5000000;
	ok(scmwq_filter_match_call(&f, &c, NULL), "--min-wait 5ms: the 5 ms sleep counts (>=)");
	f.min_wait_ns = 5000001;
	ok(!scmwq_filter_match_call(&f, &c, NULL), "--min-wait 5.000001ms: none waited that long");
	c.sleeps[0].wake_ns = 0;
	ok(scmwq_filter_match_call(&f, &c, NULL), "--min-wait: a sleep never woken counts");
	mkcall(&c);
	scmwq_filter_add_wq(&f, "1");
	f.min_wait_ns = 3000000;
	ok(!scmwq_filter_match_call(&f, &c, NULL), "--min-wait applies to the shown sleeps only");

	memset(&f, 0, sizeof(f));
	scmwq_filter_add_pids(&f, "1000");
	scmwq_filter_add_wq(&f, "1");
	scmwq_filter_set_time(&f, "100,101");
	ok(scmwq_filter_match_call(&f, &c, NULL), "all filters hold together");
}

static void test_match_finding(void)
{
	struct scmwq_filter f;
	struct scmwq_finding fd;

	memset(&fd, 0, sizeof(fd));
	fd.rule = SCMWQ_R_WAKE_ALL_PARTIAL;
	fd.pid = 1004;
	strcpy(fd.comm, "irq/41-qcom-scm");
	fd.ts_ns = 100000070000ULL;
	fd.has_wq_ctx = true;
	fd.wq_ctx = 3;
	fd.n_named = 1;
	fd.named_pid[0] = 1002;

	memset(&f, 0, sizeof(f));
	ok(scmwq_filter_match_finding(&f, &fd), "finding: no filter");
	scmwq_filter_add_pids(&f, "1002");
	ok(scmwq_filter_match_finding(&f, &fd), "finding: --pid of a named sleeper");
	memset(&f, 0, sizeof(f));
	scmwq_filter_add_pids(&f, "1000");
	ok(!scmwq_filter_match_finding(&f, &fd), "finding: --pid of another thread");
	memset(&f, 0, sizeof(f));
	scmwq_filter_add_wq(&f, "1");
	ok(!scmwq_filter_match_finding(&f, &fd), "finding: --wq-ctx of another queue");
	memset(&f, 0, sizeof(f));
	scmwq_filter_set_time(&f, "101,");
	ok(!scmwq_filter_match_finding(&f, &fd), "finding: before --time");
	fd.rule = SCMWQ_R_TRACE_NOTE;
	ok(scmwq_filter_match_finding(&f, &fd), "finding: trace notes always");
}

/* ------------------------------------------------------------------ writer */

static char *run_report(enum scmwq_report_format fmt, bool summary, const struct scmwq_call_rec *c)
{
	struct scmwq_report_opts o = { .format = fmt, .unit_ns = 1000000, .rows = true,
				       .summary = summary, .nfiles = 1 };
	struct scmwq_report_input in = { .path = "t,1.txt", .format = "text" };
	struct scmwq_error err;
	struct scmwq_report *r;
	char *buf = NULL;
	size_t len = 0;

	o.out = open_memstream(&buf, &len);
	r = scmwq_report_alloc(&o, &err);
	scmwq_report_begin(r, "t,1.txt", &err);
	scmwq_report_call(c, r);
	scmwq_report_end(r, &in);
	scmwq_report_close(r);
	scmwq_report_free(r);
	fclose(o.out);
	return buf;
}

static void test_writer(void)
{
	struct scmwq_call_rec c;
	char *s;

	mkcall(&c);
	strcpy(c.comm, "a,b\"c");
	s = run_report(SCMWQ_REPORT_CSV, false, &c);
	ok(strstr(s, "\"t,1.txt\",1000,\"a,b\"\"c\",0x42000c02,mp/restore_sec_cfg,") != NULL,
	   "csv: fields with a comma or a quote are quoted, quotes doubled (RFC 4180)");
	ok(strstr(s, ",2.000000,") != NULL, "csv: wait 2 ms with every digit");
	ok(strstr(s, ",irq,1002,") != NULL, "csv: path and waker pid");
	free(s);

	s = run_report(SCMWQ_REPORT_TEXT, true, &c);
	ok(strstr(s, "mp/restore_sec_cfg") && strstr(s, "10.000"), "text: function and duration");
	ok(strstr(s, "Summary by wait-queue") && strstr(s, "Summary by function id"),
	   "text: both summaries with --with-summary");
	free(s);

	s = run_report(SCMWQ_REPORT_JSON, false, &c);
	ok(strstr(s, "\"wait_ns\": 2000000, \"wake_latency_ns\": 10000") != NULL,
	   "json: wait and wake latency in ns");
	ok(strstr(s, "\"comm\": \"a,b\\\"c\"") != NULL, "json: comm escaped");
	free(s);

	/* a woken sleep that resumed within --skew before its wake was recorded */
	mkcall(&c);
	c.sleeps[0].resume_ns = c.sleeps[0].wake_ns - 5000;
	s = run_report(SCMWQ_REPORT_TEXT, false, &c);
	ok(strstr(s, "-0.005") != NULL, "text: a negative wake latency is shown as it is");
	free(s);
}

int main(void)
{
	test_hist_empty();
	test_hist_small();
	test_hist_exact_limit();
	test_hist_large();
	test_hist_extremes();
	test_services();
	test_parsers();
	test_filter_forms();
	test_match();
	test_match_finding();
	test_writer();
	return tap_done();
}
