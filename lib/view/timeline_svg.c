// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline as a standalone SVG picture: one lane per thread, calls as
 * bars, sleeps coloured by wq_ctx, an arrow from each waker to the sleep it
 * ended, findings marked with their rule id, a time axis in 1-2-5 steps,
 * a legend, notes and the list of findings.
 *
 * It stays readable and small at any length of trace: a call at least
 * DETAIL_PX wide is drawn on its own (with a tooltip); a narrower one goes
 * into its lane's per-pixel occupancy (time in firmware, asleep, woken per
 * pixel column), drawn at the end as a stacked strip.  Arrows and finding
 * marks are kept apart and within a budget.  So memory is lanes x
 * width, whatever the number of calls.  The drawing is written to
 * temporary files, one per layer, and copied out under a header whose size
 * is known only at the end.
 *
 * This file holds the writer's state and its operations; the drawing is in
 * timeline_svg_{lanes,marks,legend,doc}.c, placed by timeline_svg_scale.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "view/timeline_svg.h"

static int svg_begin(struct tl *t, struct scmwq_error *err)
{
	struct svg *s = calloc(1, sizeof(*s));
	size_t lanes = (size_t)t->nlanes + 1, bits;

	if (!s)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	t->priv = s;
	s->W = t->o->width ? (int)t->o->width : DEFAULT_W;
	if (s->W < MIN_W)
		s->W = MIN_W;
	if (s->W > MAX_W)
		s->W = MAX_W;
	s->x0 = PAD + LABEL_W;
	/* a little room after the last event */
	s->ns_px = (double)(t->t1 - t->t0) / (s->W - 6);
	if (s->ns_px <= 0)
		s->ns_px = 1;
	bits = (lanes * s->W + 7) / 8;
	s->cells = calloc(lanes * s->W, sizeof(*s->cells));
	s->arrow_bits = calloc(bits, 1);
	s->label_bits = calloc(bits, 1);
	if (!s->cells || !s->arrow_bits || !s->label_bits)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	s->bars = tmpfile();
	s->arrows = tmpfile();
	s->marks = calloc(MARK_BUDGET, sizeof(*s->marks));
	if (!s->marks)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	if (!s->bars || !s->arrows)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL,
				       "cannot create a temporary file for the SVG: %s",
				       strerror(errno));
	return 0;
}

static void svg_free(struct tl *t)
{
	struct svg *s = t->priv;

	if (!s)
		return;
	if (s->bars)
		fclose(s->bars);
	if (s->arrows)
		fclose(s->arrows);
	free(s->marks);
	free(s->cells);
	free(s->arrow_bits);
	free(s->label_bits);
	free(s);
	t->priv = NULL;
}

const struct tl_ops tl_svg_ops = {
	.two_pass = true,
	.begin = svg_begin,
	.call = svg_call,
	.finding = svg_finding,
	.end = svg_end,
	.free = svg_free,
};
