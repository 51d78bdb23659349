// SPDX-License-Identifier: GPL-2.0
/*
 * The lanes of the SVG: a call wide enough is drawn as a bar with its
 * sleeps coloured by wq_ctx and arrows from their wakers; a narrower one is
 * added to its lane's per-pixel occupancy, drawn at the end as strips.
 */
#include <math.h>
#include <string.h>

#include "view/timeline_svg.h"

static void note_ctx(struct svg *s, uint32_t ctx)
{
	for (int i = 0; i < s->nctx; i++)
		if (s->ctx[i] == ctx)
			return;
	if (s->nctx < CTX_KEPT)
		s->ctx[s->nctx++] = ctx;
	else
		s->ctx_more = true;
}

static struct tl_occ *occ_at(struct tl *t, int px)
{
	struct svg *s = t->priv;

	return &s->cells[(size_t)s->occ_lane * s->W + px].o;
}

/* Add [from, to) of one kind to a lane's per-pixel occupancy. */
static void add_span(struct tl *t, int lane, uint64_t from, uint64_t to, enum tl_kind k,
		     uint32_t ctx)
{
	struct svg *s = t->priv;

	s->occ_lane = lane;
	tl_occ_add(t, svg_px, occ_at, s->ns_px, from, to, k, ctx, 1);
}

static void rect(FILE *f, const char *cls, double x0, double x1, double y, double h,
		 double min_w)
{
	double w = x1 - x0;

	if (w < min_w) {
		x0 -= (min_w - w) / 2;
		w = min_w;
	}
	fprintf(f, "<rect class=\"%s\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\"/>", cls,
		x0, y, w, h);
}

static void thread_of(char *buf, size_t len, const struct scmwq_call_rec *r)
{
	tl_thread_label(buf, len, r->comm, r->pid);
}

static void sleep_title(FILE *f, const struct scmwq_sleep_rec *sl, int n)
{
	char d[32], who[64];

	fprintf(f, "<title>sleep %d on wq_ctx %u", n, sl->wq_ctx);
	if (sl->has_ctx)
		fprintf(f, ", smc_call_ctx %u", sl->smc_call_ctx);
	if (sl->wake_ns) {
		tl_fmt_dur(d, sizeof(d),
			   sl->wake_ns > sl->sleep_ns ? sl->wake_ns - sl->sleep_ns : 0, false);
		fprintf(f, "&#10;asleep %s", d);
		if (sl->path == SCMWQ_PATH_BANKED) {
			fputs(", then resumed on a wake banked before the sleep", f);
		} else {
			tl_thread_label(who, sizeof(who), sl->waker_comm, sl->waker_pid);
			fprintf(f, ", woken by ");
			svg_esc(f, sl->waker_pid >= 0 ? who : "?", 64);
			fprintf(f, " (%s)", sl->path == SCMWQ_PATH_IRQ ? "IRQ drain, GET_WQ_CTX" :
				"WAITQ_WAKE, then ACK");
		}
		if (sl->resume_ns) {
			tl_fmt_dur(d, sizeof(d),
				   sl->resume_ns > sl->wake_ns ? sl->resume_ns - sl->wake_ns : 0,
				   false);
			fprintf(f, "&#10;resumed %s after the wake", d);
		} else {
			fputs("&#10;never resumed", f);
		}
	} else {
		fputs("&#10;no wake", f);
	}
	if (sl->state)
		fprintf(f, "&#10;slept in state '%c'", sl->state);
	if (sl->ran_ns && sl->wake_ns && sl->ran_ns >= sl->wake_ns) {
		tl_fmt_dur(d, sizeof(d), sl->ran_ns - sl->wake_ns, false);
		fprintf(f, ", ran again %s after the wake", d);
	}
	fputs("</title>", f);
}

static void call_title(struct tl *t, FILE *f, const struct tl_call *c)
{
	const struct scmwq_call_rec *r = c->rec;
	char who[64], ts[32], d[32], fn[64];

	thread_of(who, sizeof(who), r);
	scmwq_format_ts(ts, sizeof(ts), r->start_ns);
	tl_fmt_dur(d, sizeof(d), c->end_ns - r->start_ns, false);
	fputs("<title>", f);
	svg_esc(f, who, 64);
	if (r->smc_id) {
		fprintf(f, ": 0x%08llx ", (unsigned long long)r->smc_id);
		svg_esc(f, scmwq_smc_describe(r->smc_id, fn, sizeof(fn)), sizeof(fn));
	}
	fprintf(f, "&#10;%s %s s, %s", r->joined ? "seen from" : "from", ts, d);
	if (r->done)
		fprintf(f, ", ret %d", r->ret);
	else if (c->open)
		fputs(", still running at the end of the trace", f);
	else
		fputs(", no scm_smc_done before its next call", f);
	fprintf(f, "&#10;%d sleep%s", r->n_sleeps + r->sleeps_dropped,
		r->n_sleeps + r->sleeps_dropped == 1 ? "" : "s");
	for (int i = 0; i < r->n_findings; i++)
		fprintf(f, "%s%s", i ? ", " : "; findings: ", scmwq_rule_info(r->findings[i])->id);
	fputs("</title>", f);
	(void)t;
}

static void arrow(struct tl *t, int from_lane, int to_lane, uint64_t ts, enum scmwq_wake_path p)
{
	struct svg *s = t->priv;
	int px = svg_px(t, ts);
	size_t bit = (size_t)to_lane * s->W + px;
	double x = svg_x(t, ts), y1, y2;

	for (int q = px - ARROW_GAP; q <= px + ARROW_GAP; q++)
		if (q >= 0 && q < s->W && svg_bit_get(s->arrow_bits, (size_t)to_lane * s->W + q)) {
			s->arrows_dropped++;
			return;
		}
	if (s->arrows_drawn >= ARROW_BUDGET) {
		s->arrows_dropped++;
		return;
	}
	svg_bit_set(s->arrow_bits, bit);
	s->arrows_drawn++;
	y1 = svg_lane_y(from_lane) + BAR_Y + BH / 2.0;
	y2 = svg_lane_y(to_lane) + BAR_Y + (from_lane < to_lane ? -1.5 : BH + 1.5);
	fprintf(s->arrows, "<line class=\"%s\" x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" "
		"marker-end=\"url(#%s)\"/>\n", p == SCMWQ_PATH_IRQ ? "ai" : "aa", x, y1, x, y2,
		p == SCMWQ_PATH_IRQ ? "hi" : "ha");
	if (p == SCMWQ_PATH_IRQ)
		s->used_irq = true;
	else
		s->used_ack = true;
}

static void draw_detailed(struct tl *t, const struct tl_call *c)
{
	struct svg *s = t->priv;
	const struct scmwq_call_rec *r = c->rec;
	FILE *f = s->bars;
	double y = svg_lane_y(c->lane) + BAR_Y;

	s->detailed++;
	fputs("<g>", f);
	call_title(t, f, c);
	rect(f, c->open || c->abandoned ? "fw op" : "fw", svg_x(t, r->start_ns),
	     svg_x(t, c->end_ns), y, BH, 1);
	if (c->open || c->abandoned)
		s->used_open = true;
	for (int i = 0; i < r->n_sleeps; i++) {
		const struct scmwq_sleep_rec *sl = &r->sleeps[i];
		uint64_t back = sl->resume_ns ? sl->resume_ns : c->end_ns;
		uint64_t woke = sl->wake_ns && sl->wake_ns <= back ? sl->wake_ns : back;
		char cls[16];
		double xa, xb;

		if (back < sl->sleep_ns || back < t->t0 || sl->sleep_ns > t->t1)
			continue;
		note_ctx(s, sl->wq_ctx);
		fputs("<g>", f);
		sleep_title(f, sl, i + 1);
		snprintf(cls, sizeof(cls), "c%u", sl->wq_ctx % NCOLORS);
		xa = svg_x(t, sl->sleep_ns);
		xb = svg_x(t, woke);
		rect(f, cls, xa, xb, y, BH, 1);
		if (xb - xa >= 34)
			fprintf(f, "<text class=\"sl\" x=\"%.1f\" y=\"%.1f\">wq %u</text>",
				(xa + xb) / 2, y + BH - 3.5, sl->wq_ctx);
		if (back > woke) {
			snprintf(cls, sizeof(cls), "c%u wk", sl->wq_ctx % NCOLORS);
			rect(f, cls, xb, svg_x(t, back), y, BH, 0);
			s->used_woken = true;
		}
		if (sl->path == SCMWQ_PATH_BANKED) {
			fprintf(f, "<circle class=\"bk\" cx=\"%.2f\" cy=\"%.1f\" r=\"3\"/>", xa,
				y + BH / 2.0);
			s->used_banked = true;
		} else if (sl->wake_ns && sl->wake_ns >= t->t0 && sl->wake_ns <= t->t1) {
			fprintf(f,
				"<line class=\"wt\" x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" "
				"y2=\"%.1f\"/>",
				xb, y - 1, xb, y + BH + 1);
			s->used_wake_tick = true;
		}
		fputs("</g>", f);
	}
	fputs("</g>\n", f);
}

static void draw_aggregated(struct tl *t, const struct tl_call *c)
{
	struct svg *s = t->priv;
	const struct scmwq_call_rec *r = c->rec;
	uint64_t at = r->start_ns;

	s->aggregated++;
	s->used_agg = true;
	for (int i = 0; i < r->n_sleeps; i++) {
		const struct scmwq_sleep_rec *sl = &r->sleeps[i];
		uint64_t back = sl->resume_ns ? sl->resume_ns : c->end_ns;
		uint64_t woke = sl->wake_ns && sl->wake_ns <= back ? sl->wake_ns : back;

		if (back < sl->sleep_ns)
			back = sl->sleep_ns;
		note_ctx(s, sl->wq_ctx);
		add_span(t, c->lane, at, sl->sleep_ns, TL_FW, 0);
		add_span(t, c->lane, sl->sleep_ns, woke, TL_SLEEP, sl->wq_ctx);
		if (back > woke)
			add_span(t, c->lane, woke, back, TL_WOKEN, 0);
		at = back;
	}
	add_span(t, c->lane, at, c->end_ns, TL_FW, 0);
}

void svg_call(struct tl *t, const struct tl_call *c)
{
	struct svg *s = t->priv;
	const struct scmwq_call_rec *r = c->rec;
	bool detailed;

	if (c->lane < 0)
		return;
	s->sleeps_dropped += r->sleeps_dropped;
	detailed = c->lane != t->others && svg_x(t, c->end_ns) - svg_x(t, r->start_ns) >= DETAIL_PX;
	if (detailed)
		draw_detailed(t, c);
	else
		draw_aggregated(t, c);
	for (int i = 0; i < r->n_sleeps; i++) {
		const struct scmwq_sleep_rec *sl = &r->sleeps[i];
		int from;

		if (!sl->wake_ns || sl->path == SCMWQ_PATH_BANKED || sl->waker_pid < 0 ||
		    sl->wake_ns < t->t0 || sl->wake_ns > t->t1)
			continue;
		from = tl_lane_of(t, sl->waker_pid);
		if (from < 0 || from == c->lane) {
			s->arrows_dropped++;
			continue;
		}
		/* the waker's tick shows every wake; an arrow only into a call drawn whole */
		s->cells[(size_t)from * s->W + svg_px(t, sl->wake_ns)].wake_out++;
		s->used_waker = true;
		if (detailed)
			arrow(t, from, c->lane, sl->wake_ns, sl->path);
		else
			s->arrows_small++;
	}
}

/* Heights in pixels of the stacked parts of one occupancy column. */
struct col {
	int hf, hw, hs;
	uint32_t ctx;
};

static struct col col_of(const struct svg *s, const struct scell *c)
{
	struct col r = { 0 };
	double fw = c->o.fw / s->ns_px, wk = c->o.wk / s->ns_px, sl = c->o.sl / s->ns_px;
	double tot = fw + wk + sl;
	int h;

	if (tot <= 0)
		return r;
	if (tot > 1) {
		fw /= tot;
		wk /= tot;
		sl /= tot;
		tot = 1;
	}
	/* linear in the share of the pixel's time, at least 2 px to be seen */
	h = (int)lround(tot * BH);
	if (h < 2)
		h = 2;
	r.hs = sl > 0 ? (int)lround(h * sl / tot) : 0;
	r.hw = wk > 0 ? (int)lround(h * wk / tot) : 0;
	if (sl > 0 && r.hs < 1)
		r.hs = 1;
	if (wk > 0 && r.hw < 1)
		r.hw = 1;
	r.hf = h - r.hs - r.hw;
	if (r.hf < 0)
		r.hf = 0;
	if (fw > 0 && r.hf < 1)
		r.hf = 1;
	r.ctx = sl > 0 ? c->o.ctx % NCOLORS : 0;
	return r;
}

static void strip_part(FILE *out, const char *cls, double x0, double x1, double ybot, int hbelow,
		       int h)
{
	if (h <= 0)
		return;
	fprintf(out, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>", cls,
		x0, (int)ybot - hbelow - h, x1 - x0, h);
}

void svg_strips(struct tl *t, FILE *out)
{
	struct svg *s = t->priv;

	fputs("<g class=\"agg\">\n", out);
	for (int lane = 0; lane < t->nlanes; lane++) {
		const struct scell *row = &s->cells[(size_t)lane * s->W];
		int ybot = (int)svg_lane_y(lane) + BAR_Y + BH;
		int p = 0;

		while (p < s->W) {
			struct col a = col_of(s, &row[p]);
			int q = p + 1;
			char cls[16];

			while (q < s->W) {
				struct col b = col_of(s, &row[q]);

				if (memcmp(&a, &b, sizeof(a)))
					break;
				q++;
			}
			if (a.hf + a.hw + a.hs) {
				double xa = s->x0 + p, xb = s->x0 + q;

				strip_part(out, "ag", xa, xb, ybot, 0, a.hf);
				snprintf(cls, sizeof(cls), "c%u wk", a.ctx);
				strip_part(out, cls, xa, xb, ybot, a.hf, a.hw);
				snprintf(cls, sizeof(cls), "c%u", a.ctx);
				strip_part(out, cls, xa, xb, ybot, a.hf + a.hw, a.hs);
			}
			p = q;
		}
		/* the waker's ticks: where this thread woke someone; runs of them as a band */
		for (p = 0; p < s->W; p++) {
			int q = p;

			if (!row[p].wake_out)
				continue;
			while (q + 1 < s->W && row[q + 1].wake_out)
				q++;
			if (q == p)
				fprintf(out, "<rect class=\"wo\" x=\"%.1f\" y=\"%d\" width=\"1.6\" "
					"height=\"%d\"/>", s->x0 + p - 0.3, ybot - BH - 2, BH + 4);
			else
				fprintf(out,
					"<rect class=\"wob\" x=\"%.1f\" y=\"%d\" width=\"%d\" "
					"height=\"%d\"/>",
					s->x0 + p, ybot - BH + 3, q - p + 1, BH - 6);
			p = q;
		}
		fputc('\n', out);
	}
	fputs("</g>\n", out);
}
