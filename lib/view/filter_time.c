// SPDX-License-Identifier: GPL-2.0
/*
 * --time, in perf script's syntax: absolute seconds, seconds after the
 * first event ("+1.5"), and percents of the trace's span ("10%/2",
 * "0%-10%").  Parsed here, and resolved onto the trace's clock once the
 * trace's first event (relative) or its span (percent) is known.
 */
#include <stdlib.h>
#include <string.h>

#include <scmwq/filter.h>

#define PCT_ONE		1000000ULL		/* a percent in millionths */
#define PCT_ALL		(100 * PCT_ONE)

/* Digits with up to @dec decimals, exactly, times 10^@dec: "100.5", ".25". */
static int parse_fixed(const char *s, size_t n, int dec, uint64_t *v)
{
	uint64_t unit = 1, ip = 0, frac = 0, scale;
	bool digits = false;
	size_t i = 0;

	for (int k = 0; k < dec; k++)
		unit *= 10;
	scale = unit;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (ip > (UINT64_MAX / unit - 9) / 10)
			return -1;
		ip = ip * 10 + (uint64_t)(s[i] - '0');
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
	*v = ip * unit + frac;
	return 0;
}

/* One side of "START,STOP": "", "S" or "+S". */
static int parse_side(const char *s, size_t n, bool *has, enum scmwq_time_base *base,
		      uint64_t *v)
{
	*has = n > 0;
	*base = SCMWQ_TIME_ABS;
	if (!n)
		return 0;
	if (*s == '+') {
		*base = SCMWQ_TIME_REL;
		s++;
		n--;
	}
	return parse_fixed(s, n, 9, v);
}

static int parse_seconds_range(const char *s, struct scmwq_time_range *r)
{
	const char *c = strchr(s, ',');
	size_t n1 = c ? (size_t)(c - s) : strlen(s);
	size_t n2 = c ? strlen(c + 1) : 0;

	if ((c && strchr(c + 1, ',')) || (!n1 && !n2))
		return -1;
	if (parse_side(s, n1, &r->has_start, &r->start_base, &r->start) < 0 ||
	    (c && parse_side(c + 1, n2, &r->has_end, &r->end_base, &r->end) < 0))
		return -1;
	if (r->has_start && r->has_end && r->start_base == r->end_base && r->end < r->start)
		return -1;
	return 0;
}

/* "A%-B%", "A%/N" or "A%". */
static int parse_pct_range(const char *s, size_t n, struct scmwq_time_range *r)
{
	const char *pc = memchr(s, '%', n);
	uint64_t a, b;
	size_t rest;

	if (!pc || parse_fixed(s, (size_t)(pc - s), 6, &a) < 0 || a > PCT_ALL)
		return -1;
	rest = n - (size_t)(pc - s) - 1;
	pc++;
	if (!rest) {
		b = a;		/* "A%" is "A%/1" */
		a = 0;
	} else if (*pc == '-') {
		if (rest < 3 || pc[rest - 1] != '%' ||
		    parse_fixed(pc + 1, rest - 2, 6, &b) < 0 || b > PCT_ALL || b < a)
			return -1;
	} else if (*pc == '/') {
		uint64_t k;

		if (parse_fixed(pc + 1, rest - 1, 0, &k) < 0 || !k || k > 100000000 || !a ||
		    a * k > PCT_ALL)
			return -1;
		b = a * k;
		a = b - a;
	} else {
		return -1;
	}
	r->has_start = r->has_end = true;
	r->start_base = r->end_base = SCMWQ_TIME_PCT;
	r->start = a;
	r->end = b;
	return 0;
}

static int parse_pct_ranges(const char *s, struct scmwq_filter *f)
{
	for (;;) {
		const char *c = strchr(s, ',');
		size_t n = c ? (size_t)(c - s) : strlen(s);

		if (f->n_ranges >= SCMWQ_FILTER_MAX_RANGES ||
		    parse_pct_range(s, n, &f->ranges[f->n_ranges]) < 0)
			return -1;
		f->n_ranges++;
		if (!c)
			return 0;
		s = c + 1;
	}
}

int scmwq_filter_set_time(struct scmwq_filter *f, const char *s)
{
	struct scmwq_filter t = *f;
	int rc;

	if (!s || !*s)
		return -1;
	memset(t.ranges, 0, sizeof(t.ranges));
	t.n_ranges = 0;
	if (strchr(s, '%')) {
		rc = parse_pct_ranges(s, &t);
	} else {
		rc = parse_seconds_range(s, &t.ranges[0]);
		t.n_ranges = 1;
	}
	if (rc < 0)
		return -1;
	t.resolved = false;
	*f = t;
	if (scmwq_filter_time_needs(f) == SCMWQ_TIME_ABS)
		scmwq_filter_set_origin(f, 0);
	return 0;
}

enum scmwq_time_base scmwq_filter_time_needs(const struct scmwq_filter *f)
{
	enum scmwq_time_base need = SCMWQ_TIME_ABS;

	for (int i = 0; i < f->n_ranges; i++) {
		const struct scmwq_time_range *r = &f->ranges[i];

		if ((r->has_start && r->start_base == SCMWQ_TIME_PCT) ||
		    (r->has_end && r->end_base == SCMWQ_TIME_PCT))
			return SCMWQ_TIME_PCT;
		if ((r->has_start && r->start_base == SCMWQ_TIME_REL) ||
		    (r->has_end && r->end_base == SCMWQ_TIME_REL))
			need = SCMWQ_TIME_REL;
	}
	return need;
}

static uint64_t resolve(enum scmwq_time_base base, uint64_t v, uint64_t first, uint64_t last)
{
	unsigned __int128 x;

	switch (base) {
	case SCMWQ_TIME_REL:
		return v > UINT64_MAX - first ? UINT64_MAX : first + v;
	case SCMWQ_TIME_PCT:
		x = (unsigned __int128)(last - first) * v / PCT_ALL;
		return first + (uint64_t)x;
	default:
		return v;
	}
}

void scmwq_filter_set_span(struct scmwq_filter *f, uint64_t first_ns, uint64_t last_ns)
{
	if (last_ns < first_ns)
		last_ns = first_ns;
	for (int i = 0; i < f->n_ranges; i++) {
		struct scmwq_time_range *r = &f->ranges[i];

		r->start_ns = resolve(r->start_base, r->start, first_ns, last_ns);
		r->end_ns = resolve(r->end_base, r->end, first_ns, last_ns);
	}
	f->resolved = true;
}

void scmwq_filter_set_origin(struct scmwq_filter *f, uint64_t first_ns)
{
	if (scmwq_filter_time_needs(f) != SCMWQ_TIME_PCT)
		scmwq_filter_set_span(f, first_ns, first_ns);
}

int scmwq_filter_prepare(struct scmwq_filter *f, struct scmwq_source *src,
			 struct scmwq_error *err)
{
	uint64_t first, last;

	switch (scmwq_filter_time_needs(f)) {
	case SCMWQ_TIME_PCT:
		scmwq_source_span(src, &first, &last);
		if (scmwq_source_rewind(src, err) < 0)
			return -1;
		scmwq_filter_set_span(f, first, last);
		return 0;
	case SCMWQ_TIME_REL:
		f->resolved = false;	/* at this trace's first event */
		return 0;
	default:
		return 0;
	}
}
