// SPDX-License-Identifier: GPL-2.0
/*
 * Time on the pictures: the 1-2-5 steps of a time axis and their labels,
 * durations for people, and the spreading of a span of time over the
 * columns (pixels, cells) of a lane.
 */
#include "view/timeline.h"

void tl_axis_pick(struct tl_axis *ax, uint64_t span_ns, unsigned int max_ticks)
{
	static const uint64_t mult[] = { 1, 2, 5 };
	uint64_t raw, dec = 1;

	if (max_ticks < 1)
		max_ticks = 1;
	raw = span_ns / max_ticks;
	if (raw < 1)
		raw = 1;
	ax->step = 0;
	while (!ax->step) {
		for (size_t i = 0; i < ARRAY_SIZE(mult); i++)
			if (mult[i] * dec >= raw) {
				ax->step = mult[i] * dec;
				break;
			}
		if (dec > UINT64_MAX / 10)
			ax->step = dec;
		dec *= 10;
	}
	/* the unit of the whole span, so that labels read 0, 0.5, 1, 1.5 ms */
	if (span_ns >= 1000000000ULL) {
		ax->unit = 1000000000ULL;
		ax->uname = "s";
	} else if (span_ns >= 1000000ULL) {
		ax->unit = 1000000ULL;
		ax->uname = "ms";
	} else if (span_ns >= 1000ULL) {
		ax->unit = 1000ULL;
		ax->uname = "us";
	} else {
		ax->unit = 1;
		ax->uname = "ns";
	}
	/* at most three decimals */
	while (ax->unit > 1 && ax->step * 1000 < ax->unit) {
		ax->unit /= 1000;
		ax->uname = ax->unit == 1000000ULL ? "ms" : ax->unit == 1000ULL ? "us" : "ns";
	}
}

void tl_axis_label(const struct tl_axis *ax, uint64_t ns, char *buf, size_t len)
{
	uint64_t whole = ns / ax->unit, frac = ns % ax->unit, u = ax->unit;
	int digits = 0;

	if (!frac) {
		snprintf(buf, len, "%llu", (unsigned long long)whole);
		return;
	}
	/* as many decimals as the fraction needs (at most 3) */
	while (u > 1 && digits < 3) {
		u /= 10;
		digits++;
		if (!(frac % u))
			break;
	}
	snprintf(buf, len, "%.*f", digits, (double)ns / (double)ax->unit);
}

void tl_fmt_dur(char *buf, size_t len, uint64_t ns, bool ascii)
{
	const char *us = ascii ? "us" : "\xc2\xb5s";

	if (ns < 1000)
		snprintf(buf, len, "%llu ns", (unsigned long long)ns);
	else if (ns < 10000)
		snprintf(buf, len, "%.2f %s", ns / 1e3, us);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1f %s", ns / 1e3, us);
	else if (ns < 100000000)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.1f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", ns / 1e9);
}

char tl_ctx_char(uint32_t wq_ctx)
{
	if (wq_ctx < 10)
		return (char)('0' + wq_ctx);
	if (wq_ctx < 36)
		return (char)('a' + wq_ctx - 10);
	return '#';
}

void tl_occ_add(struct tl *t, int (*col)(struct tl *t, uint64_t ts),
		struct tl_occ *(*at)(struct tl *t, int col), double col_ns, uint64_t from,
		uint64_t to, enum tl_kind k, uint32_t ctx, float zero)
{
	int c0, c1;

	if (from < t->t0)
		from = t->t0;
	if (to > t->t1)
		to = t->t1;
	if (to < from)
		return;
	c0 = col(t, from);
	c1 = col(t, to);
	for (int c = c0; c <= c1; c++) {
		double lo = (double)t->t0 + c * col_ns, hi = lo + col_ns;
		struct tl_occ *o = at(t, c);
		float part;

		if ((double)from > lo)
			lo = (double)from;
		if ((double)to < hi)
			hi = (double)to;
		part = hi > lo ? (float)(hi - lo) : 0;
		if (part <= 0 && c != c0)
			continue;
		if (part <= 0)
			part = zero;	/* a zero-length piece shows too */
		switch (k) {
		case TL_FW:
			o->fw += part;
			break;
		case TL_SLEEP:
			o->sl += part;
			if (part > o->ctx_ns) {
				o->ctx_ns = part;
				o->ctx = ctx;
			}
			break;
		case TL_WOKEN:
			o->wk += part;
			break;
		}
	}
}
