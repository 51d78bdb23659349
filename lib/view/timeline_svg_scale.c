// SPDX-License-Identifier: GPL-2.0
/*
 * Where things go on the SVG: a time's x and pixel column, a lane's y, the
 * bitmaps that keep arrows and labels apart, and the time axis.
 */
#include <string.h>

#include "view/timeline_svg.h"

bool svg_bit_get(const uint8_t *b, size_t i)
{
	return b[i >> 3] & (1u << (i & 7));
}

void svg_bit_set(uint8_t *b, size_t i)
{
	b[i >> 3] |= (uint8_t)(1u << (i & 7));
}

double svg_x(struct tl *t, uint64_t ts)
{
	struct svg *s = t->priv;
	double x;

	if (ts <= t->t0)
		return s->x0;
	x = (double)(ts - t->t0) / s->ns_px;
	if (x > s->W)
		x = s->W;
	return s->x0 + x;
}

int svg_px(struct tl *t, uint64_t ts)
{
	struct svg *s = t->priv;
	int px = (int)(svg_x(t, ts) - s->x0);

	return px >= s->W ? s->W - 1 : px < 0 ? 0 : px;
}

double svg_lane_y(int lane)
{
	return TOP + (double)lane * LH;
}

void svg_axis(struct tl *t, FILE *out, const struct tl_axis *ax, double y_top, double y_bot)
{
	struct svg *s = t->priv;
	double last_end = -1e9;

	for (uint64_t k = 0;; k++) {
		uint64_t rel = k * ax->step;
		char lab[32];
		double x;

		if (rel / ax->step != k || t->t0 + rel > t->t1)
			break;
		x = svg_x(t, t->t0 + rel);
		fprintf(out,
			"<line class=\"grid\" x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\"/>", x,
			y_top - 5, x, y_bot + 5);
		tl_axis_label(ax, rel, lab, sizeof(lab));
		if (x - last_end < 8)
			continue;
		fprintf(out,
			"<text class=\"ax\" x=\"%.2f\" y=\"%.1f\">%s %s</text>"
			"<text class=\"ax\" x=\"%.2f\" y=\"%.1f\">%s %s</text>\n",
			x, y_top - 9, lab, ax->uname, x, y_bot + 18, lab, ax->uname);
		last_end = x + (strlen(lab) + strlen(ax->uname) + 1) * 3.3;
	}
	(void)s;
}
