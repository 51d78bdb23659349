// SPDX-License-Identifier: GPL-2.0
/*
 * Which calls, sleeps and findings replay, report and timeline show: the
 * --cpu, --pid, --comm, --wq-ctx and --min-wait filters, parsed, and every
 * filter matched.  --time is parsed and resolved in filter_time.c.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <scmwq/filter.h>

/* Split @s at commas; call @fn on each element (NUL-terminated copy). */
static int each_item(const char *s, int (*fn)(const char *item, void *arg), void *arg)
{
	char item[128];

	if (!s || !*s)
		return -1;
	for (;;) {
		const char *c = strchr(s, ',');
		size_t n = c ? (size_t)(c - s) : strlen(s);

		if (!n || n >= sizeof(item))
			return -1;
		memcpy(item, s, n);
		item[n] = '\0';
		if (fn(item, arg) < 0)
			return -1;
		if (!c)
			return 0;
		s = c + 1;
	}
}

static int parse_u32(const char *s, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || *end || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int add_pid(const char *item, void *arg)
{
	struct scmwq_filter *f = arg;
	uint32_t v;

	if (parse_u32(item, &v) < 0 || v > INT_MAX || f->n_pids >= SCMWQ_FILTER_MAX_PIDS)
		return -1;
	f->pids[f->n_pids++] = (int)v;
	return 0;
}

static int add_comm(const char *item, void *arg)
{
	struct scmwq_filter *f = arg;

	if (strlen(item) >= SCMWQ_COMM_LEN || f->n_comms >= SCMWQ_FILTER_MAX_COMMS)
		return -1;
	snprintf(f->comms[f->n_comms++], SCMWQ_COMM_LEN, "%s", item);
	return 0;
}

static int add_wq(const char *item, void *arg)
{
	struct scmwq_filter *f = arg;
	uint32_t v;

	if (parse_u32(item, &v) < 0 || f->n_wq >= SCMWQ_FILTER_MAX_WQ)
		return -1;
	f->wq[f->n_wq++] = v;
	return 0;
}

/* "N" or "FIRST-LAST", CPUs below SCMWQ_MAX_CPUS. */
static int add_cpu(const char *item, void *arg)
{
	struct scmwq_filter *f = arg;
	const char *dash = strchr(item, '-');
	char first[32];
	uint32_t a, b;

	if (dash) {
		if ((size_t)(dash - item) >= sizeof(first))
			return -1;
		memcpy(first, item, (size_t)(dash - item));
		first[dash - item] = '\0';
		if (parse_u32(first, &a) < 0 || parse_u32(dash + 1, &b) < 0 || b < a)
			return -1;
	} else if (parse_u32(item, &a) < 0) {
		return -1;
	} else {
		b = a;
	}
	if (b >= SCMWQ_MAX_CPUS)
		return -1;
	for (uint32_t c = a; c <= b; c++)
		f->cpus[c / 64] |= 1ULL << (c % 64);
	f->has_cpus = true;
	return 0;
}

int scmwq_filter_add_cpus(struct scmwq_filter *f, const char *s)
{
	return each_item(s, add_cpu, f);
}

int scmwq_filter_add_pids(struct scmwq_filter *f, const char *s)
{
	return each_item(s, add_pid, f);
}

int scmwq_filter_add_comms(struct scmwq_filter *f, const char *s)
{
	return each_item(s, add_comm, f);
}

int scmwq_filter_add_wq(struct scmwq_filter *f, const char *s)
{
	return each_item(s, add_wq, f);
}

static bool cpu_listed(const struct scmwq_filter *f, int cpu)
{
	return cpu >= 0 && cpu < SCMWQ_MAX_CPUS && (f->cpus[cpu / 64] >> (cpu % 64) & 1);
}

/* Any of the CPUs in @mask (a bit per CPU) listed. */
static bool cpus_listed(const struct scmwq_filter *f, const uint64_t *mask)
{
	for (int i = 0; i < SCMWQ_MAX_CPUS / 64; i++)
		if (f->cpus[i] & mask[i])
			return true;
	return false;
}

/* [@start, @end] overlaps a window of --time. */
static bool in_windows(const struct scmwq_filter *f, uint64_t start, uint64_t end)
{
	if (!f->n_ranges)
		return true;
	if (!f->resolved)
		return false;
	for (int i = 0; i < f->n_ranges; i++) {
		const struct scmwq_time_range *r = &f->ranges[i];

		if (r->has_end && start > r->end_ns)
			continue;
		if (r->has_start && end < r->start_ns)
			continue;
		return true;
	}
	return false;
}

bool scmwq_filter_active(const struct scmwq_filter *f)
{
	return f->has_cpus || f->n_pids || f->n_comms || f->n_wq || f->n_ranges || f->min_wait_ns;
}

static bool pid_listed(const struct scmwq_filter *f, int pid)
{
	for (int i = 0; i < f->n_pids; i++)
		if (f->pids[i] == pid)
			return true;
	return false;
}

static bool comm_listed(const struct scmwq_filter *f, const char *comm)
{
	for (int i = 0; i < f->n_comms; i++)
		if (!fnmatch(f->comms[i], comm, 0))
			return true;
	return false;
}

static bool wq_listed(const struct scmwq_filter *f, uint32_t wq)
{
	for (int i = 0; i < f->n_wq; i++)
		if (f->wq[i] == wq)
			return true;
	return false;
}

bool scmwq_filter_match_thread(const struct scmwq_filter *f, int pid, const char *comm)
{
	return (!f->n_pids || pid_listed(f, pid)) && (!f->n_comms || comm_listed(f, comm));
}

bool scmwq_filter_match_call(const struct scmwq_filter *f, const struct scmwq_call_rec *c,
			bool keep[SCMWQ_CALL_SLEEPS])
{
	uint64_t end = c->done ? c->end_ns : UINT64_MAX;
	bool any = false, long_enough = false;
	bool k[SCMWQ_CALL_SLEEPS];
	int n = c->n_sleeps < SCMWQ_CALL_SLEEPS ? c->n_sleeps : SCMWQ_CALL_SLEEPS;

	if (!keep)
		keep = k;
	for (int i = 0; i < n; i++) {
		const struct scmwq_sleep_rec *s = &c->sleeps[i];

		keep[i] = !f->n_wq || wq_listed(f, s->wq_ctx);
		if (!keep[i])
			continue;
		any = true;
		/* a sleep never woken waited as long as anyone can tell: long enough */
		if (!s->wake_ns || s->wake_ns - s->sleep_ns >= f->min_wait_ns)
			long_enough = true;
	}
	if (!scmwq_filter_match_thread(f, c->pid, c->comm))
		return false;
	if (f->n_wq && !any)
		return false;
	if (f->has_cpus && !cpus_listed(f, c->cpus))
		return false;
	if (!in_windows(f, c->start_ns, end))
		return false;
	if (f->min_wait_ns && !long_enough)
		return false;
	return true;
}

bool scmwq_filter_match_finding(const struct scmwq_filter *f, const struct scmwq_finding *fd)
{
	if (fd->rule == SCMWQ_R_TRACE_NOTE)
		return true;	/* about the trace itself */
	if (f->n_pids) {
		bool hit = fd->pid >= 0 && pid_listed(f, fd->pid);

		for (int i = 0; !hit && i < fd->n_named; i++)
			hit = pid_listed(f, fd->named_pid[i]);
		if (!hit)
			return false;
	}
	if (f->n_comms && !comm_listed(f, fd->comm))
		return false;
	if (f->n_wq && fd->has_wq_ctx && !wq_listed(f, fd->wq_ctx))
		return false;
	if (f->has_cpus && fd->cpu >= 0 && !cpu_listed(f, fd->cpu))
		return false;
	if (!in_windows(f, fd->ts_ns, fd->ts_ns))
		return false;
	return true;
}
