// SPDX-License-Identifier: GPL-2.0
/*
 * Which calls, sleeps and findings a report shows: the --pid, --comm,
 * --wq-ctx, --time and --min-wait filters, parsed and matched.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <scmwq/report.h>

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
	struct scmwq_report_filter *f = arg;
	uint32_t v;

	if (parse_u32(item, &v) < 0 || v > INT_MAX || f->n_pids >= SCMWQ_REPORT_MAX_PIDS)
		return -1;
	f->pids[f->n_pids++] = (int)v;
	return 0;
}

static int add_comm(const char *item, void *arg)
{
	struct scmwq_report_filter *f = arg;

	if (strlen(item) >= SCMWQ_COMM_LEN || f->n_comms >= SCMWQ_REPORT_MAX_COMMS)
		return -1;
	snprintf(f->comms[f->n_comms++], SCMWQ_COMM_LEN, "%s", item);
	return 0;
}

static int add_wq(const char *item, void *arg)
{
	struct scmwq_report_filter *f = arg;
	uint32_t v;

	if (parse_u32(item, &v) < 0 || f->n_wq >= SCMWQ_REPORT_MAX_WQ)
		return -1;
	f->wq[f->n_wq++] = v;
	return 0;
}

int scmwq_report_add_pids(struct scmwq_report_filter *f, const char *s)
{
	return each_item(s, add_pid, f);
}

int scmwq_report_add_comms(struct scmwq_report_filter *f, const char *s)
{
	return each_item(s, add_comm, f);
}

int scmwq_report_add_wq(struct scmwq_report_filter *f, const char *s)
{
	return each_item(s, add_wq, f);
}

/* Seconds with up to 9 decimals, exactly, into ns: "100", "100.5", ".25". */
static int parse_seconds(const char *s, size_t n, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0, scale = 1000000000ULL;
	bool digits = false;
	size_t i = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (sec > (UINT64_MAX / 1000000000ULL - 9) / 10)
			return -1;
		sec = sec * 10 + (uint64_t)(s[i] - '0');
		digits = true;
	}
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(s[i] - '0') * scale;
			}
			digits = true;
		}
	}
	if (i != n || !digits)
		return -1;
	*ns = sec * 1000000000ULL + frac;
	return 0;
}

int scmwq_report_set_time(struct scmwq_report_filter *f, const char *s)
{
	const char *c;
	size_t n1, n2;
	uint64_t a = 0, b = 0;

	if (!s || !*s)
		return -1;
	c = strchr(s, ',');
	n1 = c ? (size_t)(c - s) : strlen(s);
	n2 = c ? strlen(c + 1) : 0;
	if (c && strchr(c + 1, ','))
		return -1;
	if (!n1 && !n2)
		return -1;
	if (n1 && parse_seconds(s, n1, &a) < 0)
		return -1;
	if (n2 && parse_seconds(c + 1, n2, &b) < 0)
		return -1;
	if (n1 && n2 && b < a)
		return -1;
	f->has_start = n1 > 0;
	f->start_ns = a;
	f->has_end = n2 > 0;
	f->end_ns = b;
	return 0;
}

static bool pid_listed(const struct scmwq_report_filter *f, int pid)
{
	for (int i = 0; i < f->n_pids; i++)
		if (f->pids[i] == pid)
			return true;
	return false;
}

static bool comm_listed(const struct scmwq_report_filter *f, const char *comm)
{
	for (int i = 0; i < f->n_comms; i++)
		if (!fnmatch(f->comms[i], comm, 0))
			return true;
	return false;
}

static bool wq_listed(const struct scmwq_report_filter *f, uint32_t wq)
{
	for (int i = 0; i < f->n_wq; i++)
		if (f->wq[i] == wq)
			return true;
	return false;
}

bool scmwq_report_match(const struct scmwq_report_filter *f, const struct scmwq_call_rec *c,
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
	if (f->n_pids && !pid_listed(f, c->pid))
		return false;
	if (f->n_comms && !comm_listed(f, c->comm))
		return false;
	if (f->n_wq && !any)
		return false;
	if (f->has_end && c->start_ns > f->end_ns)
		return false;
	if (f->has_start && end < f->start_ns)
		return false;
	if (f->min_wait_ns && !long_enough)
		return false;
	return true;
}

bool scmwq_report_match_finding(const struct scmwq_report_filter *f,
				const struct scmwq_finding *fd)
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
	if (f->has_start && fd->ts_ns < f->start_ns)
		return false;
	if (f->has_end && fd->ts_ns > f->end_ns)
		return false;
	return true;
}
