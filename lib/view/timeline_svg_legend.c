// SPDX-License-Identifier: GPL-2.0
/*
 * The legend of the SVG: a swatch and a line of text for each kind of mark
 * the picture uses, flowing left to right.
 */
#include <string.h>

#include "view/timeline_svg.h"

/* Legend items flow left to right and wrap; returns the y after them. */
struct flow {
	FILE *out;
	double x, y, x_min, x_max;
};

static void legend_item(struct flow *fl, const char *swatch, const char *text)
{
	double w = 26 + strlen(text) * 6.3 + 18;

	if (fl->x + w > fl->x_max && fl->x > fl->x_min) {
		fl->x = fl->x_min;
		fl->y += 20;
	}
	fprintf(fl->out, "<g transform=\"translate(%.1f %.1f)\">%s<text class=\"lg\" x=\"24\" "
		"y=\"9\">", fl->x, fl->y, swatch);
	svg_esc(fl->out, text, 200);
	fputs("</text></g>\n", fl->out);
	fl->x += w;
}

/* The wq_ctx colours seen, in order (as many as CTX_LEGEND). */
static void legend_ctx(struct flow *fl, struct svg *s)
{
	char sw[256], text[64];
	int shown = 0;

	/* the wq_ctx values seen, in order */
	for (int i = 0; i < s->nctx; i++)
		for (int j = i + 1; j < s->nctx; j++)
			if (s->ctx[j] < s->ctx[i]) {
				uint32_t x = s->ctx[i];

				s->ctx[i] = s->ctx[j];
				s->ctx[j] = x;
			}
	for (int i = 0; i < s->nctx && shown < CTX_LEGEND; i++, shown++) {
		snprintf(sw, sizeof(sw), "<rect class=\"c%u\" x=\"0\" y=\"0\" width=\"18\" "
			 "height=\"11\"/>", s->ctx[i] % NCOLORS);
		snprintf(text, sizeof(text), "asleep on wq_ctx %u", s->ctx[i]);
		legend_item(fl, sw, text);
	}
	if (s->nctx > CTX_LEGEND || s->ctx_more)
		legend_item(fl, "", "(more wq_ctx: colours repeat every 10)");
}

/* How sleeps end: woken, where the wake landed, by which path, banked. */
static void legend_wakes(struct flow *fl, const struct svg *s)
{
	if (s->used_woken)
		legend_item(fl, "<rect class=\"c0\" x=\"0\" y=\"0\" width=\"9\" height=\"11\"/>"
			    "<rect class=\"c0 wk\" x=\"9\" y=\"0\" width=\"9\" height=\"11\"/>",
			    "lighter: woken, not yet resumed (from the wake to the resume)");
	if (s->used_wake_tick)
		legend_item(fl, "<rect class=\"fw\" x=\"0\" y=\"0\" width=\"18\" height=\"11\"/>"
			    "<line class=\"wt\" x1=\"9\" y1=\"-1\" x2=\"9\" y2=\"12\"/>",
			    "where the wake landed");
	if (s->used_irq)
		legend_item(fl, "<line class=\"ai\" x1=\"0\" y1=\"5.5\" x2=\"16\" y2=\"5.5\" "
			    "marker-end=\"url(#hi)\"/>", "wake by the IRQ drain (GET_WQ_CTX)");
	if (s->used_ack)
		legend_item(fl,
			    "<line class=\"aa\" x1=\"0\" y1=\"5.5\" x2=\"16\" y2=\"5.5\" "
			    "marker-end=\"url(#ha)\"/>",
			    "wake by WAITQ_WAKE returned to a call (then ACK)");
	if (s->used_waker)
		legend_item(fl,
			    "<rect class=\"wo\" x=\"8\" y=\"-2\" width=\"1.6\" height=\"15\"/>",
			    "the waker woke someone here");
	if (s->used_banked)
		legend_item(fl, "<circle class=\"bk\" cx=\"9\" cy=\"5.5\" r=\"3\"/>",
			    "resumed on a wake banked before the sleep");
}

/* The finding marks by severity, and the threads a finding names. */
static void legend_findings(struct flow *fl, const struct svg *s)
{
	if (s->nfind) {
		legend_item(fl, "<path class=\"fe\" d=\"M4 1h10l-5 9z\"/>",
			    "finding, error (rule id; hover for the message)");
		if (s->used_warn)
			legend_item(fl, "<path class=\"fe fw2\" d=\"M4 1h10l-5 9z\"/>",
				    "finding, warning or inconclusive");
		if (s->used_named)
			legend_item(fl, "<path class=\"fn\" d=\"M4 1h10l-5 9z\"/>",
				    "a thread the finding names (e.g. a stranded sleeper)");
	}
}

double svg_legend(struct tl *t, FILE *out, double y)
{
	struct svg *s = t->priv;
	struct flow fl = { out, s->x0, y, s->x0, s->x0 + s->W };

	fprintf(out, "<text class=\"lt\" x=\"%d\" y=\"%.1f\">Legend</text>\n", PAD, y + 9);
	legend_item(&fl, "<rect class=\"fw\" x=\"0\" y=\"0\" width=\"18\" height=\"11\"/>",
		    "in firmware (in the call, not asleep)");
	legend_ctx(&fl, s);
	legend_wakes(&fl, s);
	if (s->used_open)
		legend_item(&fl,
			    "<rect class=\"fw op\" x=\"0\" y=\"0\" width=\"18\" height=\"11\"/>",
			    "call with no scm_smc_done (runs to the end, or to its next call)");
	legend_findings(&fl, s);
	if (s->used_agg)
		legend_item(&fl,
			    "<rect class=\"ag\" x=\"0\" y=\"6\" width=\"6\" height=\"5\"/>"
			    "<rect class=\"ag\" x=\"6\" y=\"2\" width=\"6\" height=\"9\"/>"
			    "<rect class=\"c0\" x=\"12\" y=\"0\" width=\"6\" height=\"3\"/>"
			    "<rect class=\"ag\" x=\"12\" y=\"3\" width=\"6\" height=\"8\"/>",
			    "calls too short to draw: each pixel's share of time in firmware, "
			    "woken "
			    "and asleep, stacked");
	return fl.y + 20;
}
