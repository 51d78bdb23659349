// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming distributions: exact percentiles up to SCMWQ_HIST_EXACT values,
 * then a log-linear histogram whose answers stay within 1/256.
 */
#include <stdlib.h>
#include <string.h>

#include <scmwq/report.h>

/*
 * Log-linear buckets as in HdrHistogram: values below 128 have a bucket
 * each; above, every power of two [2^e, 2^(e+1)) is cut into 128 equal
 * buckets of width 2^(e-7).  "Octave" 0 holds 0..127, octave e-6 the
 * values with their top bit at e (7..63).  A value is reported as the
 * middle of its bucket, at most 2^(e-8) away: 1/256 of 2^e.
 */
#define SUB_BITS	7
#define SUB		(1u << SUB_BITS)
#define OCTAVES		(64 - SUB_BITS + 1)

struct scmwq_hist {
	uint64_t count, min, max;
	uint64_t *exact;	/* sorted, while count <= SCMWQ_HIST_EXACT */
	bool overflowed;	/* more than SCMWQ_HIST_EXACT values: no exact list */
	uint64_t *oct[OCTAVES];	/* SUB counters each, allocated when first used */
};

static void bucket_of(uint64_t v, unsigned int *o, unsigned int *b)
{
	unsigned int e;

	if (v < SUB) {
		*o = 0;
		*b = (unsigned int)v;
		return;
	}
	e = 63 - (unsigned int)__builtin_clzll(v);
	*o = e - SUB_BITS + 1;
	*b = (unsigned int)(v >> (e - SUB_BITS)) - SUB;
}

static uint64_t bucket_mid(unsigned int o, unsigned int b)
{
	unsigned int e;
	uint64_t lo, w;

	if (o == 0)
		return b;
	e = o + SUB_BITS - 1;
	w = 1ULL << (e - SUB_BITS);
	lo = (uint64_t)(SUB + b) << (e - SUB_BITS);
	return lo + (w - 1) / 2;
}

struct scmwq_hist *scmwq_hist_alloc(void)
{
	return calloc(1, sizeof(struct scmwq_hist));
}

void scmwq_hist_free(struct scmwq_hist *h)
{
	if (!h)
		return;
	for (unsigned int i = 0; i < OCTAVES; i++)
		free(h->oct[i]);
	free(h->exact);
	free(h);
}

int scmwq_hist_add(struct scmwq_hist *h, uint64_t v)
{
	unsigned int o, b;
	int ret = 0;

	if (!h->count || v < h->min)
		h->min = v;
	if (!h->count || v > h->max)
		h->max = v;
	h->count++;

	if (!h->overflowed) {
		if (h->count > SCMWQ_HIST_EXACT) {
			free(h->exact);
			h->exact = NULL;
			h->overflowed = true;
		} else {
			if (!h->exact)
				h->exact = malloc(SCMWQ_HIST_EXACT * sizeof(*h->exact));
			if (h->exact) {
				/* insertion keeps it sorted: at most SCMWQ_HIST_EXACT values */
				uint64_t n = h->count - 1, i = n;

				while (i > 0 && h->exact[i - 1] > v)
					i--;
				memmove(&h->exact[i + 1], &h->exact[i],
					(n - i) * sizeof(*h->exact));
				h->exact[i] = v;
			} else {
				h->overflowed = true;
				ret = -1;
			}
		}
	}

	bucket_of(v, &o, &b);
	if (!h->oct[o])
		h->oct[o] = calloc(SUB, sizeof(*h->oct[o]));
	if (!h->oct[o])
		return -1;
	h->oct[o][b]++;
	return ret;
}

uint64_t scmwq_hist_count(const struct scmwq_hist *h)
{
	return h->count;
}

uint64_t scmwq_hist_min(const struct scmwq_hist *h)
{
	return h->count ? h->min : 0;
}

uint64_t scmwq_hist_max(const struct scmwq_hist *h)
{
	return h->count ? h->max : 0;
}

bool scmwq_hist_exact(const struct scmwq_hist *h)
{
	return !h->overflowed;
}

uint64_t scmwq_hist_percentile(const struct scmwq_hist *h, double pct)
{
	unsigned __int128 ppm;
	uint64_t rank, cum = 0;

	if (!h->count)
		return 0;
	if (!(pct > 0))
		return h->min;
	if (pct >= 100)
		return h->max;
	/* rank = ceil(pct / 100 * count), in integers: no 0.9 * 10 = 9.000000000000002 */
	ppm = (unsigned __int128)(pct * 10000 + 0.5);
	rank = (uint64_t)((ppm * h->count + 999999) / 1000000);
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	if (!h->overflowed && h->exact)
		return h->exact[rank - 1];
	for (unsigned int o = 0; o < OCTAVES; o++) {
		if (!h->oct[o])
			continue;
		for (unsigned int b = 0; b < SUB; b++) {
			cum += h->oct[o][b];
			if (cum >= rank) {
				uint64_t v = bucket_mid(o, b);

				return v < h->min ? h->min : v > h->max ? h->max : v;
			}
		}
	}
	return h->max;	/* buckets lost to a failed allocation */
}
