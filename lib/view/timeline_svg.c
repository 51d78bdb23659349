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
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "view/timeline.h"

#define DEFAULT_W	1200	/* plot width, pixels */
#define MIN_W		200
#define MAX_W		20000
#define PAD		14
#define LABEL_W		200	/* the lane labels */
#define LABEL_CHARS	27
#define TOP		92	/* y of the first lane */
#define LH		30	/* lane height */
#define BAR_Y		12	/* bar top, within its lane */
#define BH		14	/* bar height */
#define DETAIL_PX	4.0	/* calls at least this wide are drawn one by one */
#define ARROW_BUDGET	1000
#define ARROW_GAP	4	/* pixels between arrows into one lane */
#define MARK_BUDGET	500
#define LIST_MAX	12
#define NCOLORS		10
#define CTX_KEPT	64	/* wq_ctx values named in the legend */
#define CTX_LEGEND	16

/* wq_ctx colours (colour-blind safer, no red: red is for findings) */
static const char *const ctx_fill[NCOLORS] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2",
	"#edc948", "#9c755f", "#ff9da7", "#17becf", "#bcbd22",
};

struct scell {
	struct tl_occ o;	/* first: tl_occ_add() tallies it */
	uint16_t wake_out;	/* wakes this thread gave */
};

/* A finding's mark on a lane (or, row nlanes, above the lanes). */
struct fmark {
	int row, px;
	double x;
	int rank;		/* 2 error, 1 warning or inconclusive, 0 a thread named */
	enum scmwq_rule rule;
	char msg[200];
};

struct svg {
	int W;			/* plot width */
	double x0;		/* plot left */
	double ns_px;		/* ns per pixel */
	int occ_lane;		/* the lane add_span() is filling */
	FILE *bars, *arrows;	/* the layers drawn as calls come */
	struct fmark *marks;	/* finding marks, laid out at the end */
	int nmarks;
	struct scell *cells;	/* nlanes x W */
	uint8_t *arrow_bits, *label_bits;	/* (nlanes + 1) x W bits */
	uint32_t ctx[CTX_KEPT];
	int nctx;
	bool ctx_more;
	uint64_t detailed, aggregated, arrows_drawn, arrows_dropped, arrows_small, marks_dropped;
	uint64_t labels_dropped, sleeps_dropped, nfind;
	bool used_woken, used_wake_tick, used_irq, used_ack, used_waker, used_banked;
	bool used_named, used_agg, used_open, used_warn;
	struct tl_listed list[LIST_MAX];
	int nlist;
};

/* ------------------------------------------------------------------ */

/* Text for XML: escaped, invalid UTF-8 and control characters as '?'. */
static void esc(FILE *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	for (; *p && n < max; n++) {
		int len = 0;

		if (*p >= 0xc2 && *p <= 0xdf)
			len = 2;
		else if (*p >= 0xe0 && *p <= 0xef)
			len = 3;
		else if (*p >= 0xf0 && *p <= 0xf4)
			len = 4;
		if (len) {
			int i;

			for (i = 1; i < len && (p[i] & 0xc0) == 0x80; i++)
				;
			if (i == len) {
				fwrite(p, 1, (size_t)len, out);
				p += len;
				continue;
			}
			fputc('?', out);
			p++;
			continue;
		}
		switch (*p) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\n':
			fputs("&#10;", out);
			break;
		default:
			fputc(*p < 0x20 || *p >= 0x7f ? '?' : *p, out);
		}
		p++;
	}
	if (*p)
		fputs("\xe2\x80\xa6", out);	/* ... */
}

/* Copy @src to @dst + @at, cut to fit; the new length. */
static size_t append(char *dst, size_t len, size_t at, const char *src)
{
	while (*src && at + 1 < len)
		dst[at++] = *src++;
	dst[at] = 0;
	return at;
}

static bool bit_get(const uint8_t *b, size_t i)
{
	return b[i >> 3] & (1u << (i & 7));
}

static void bit_set(uint8_t *b, size_t i)
{
	b[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static double X(struct tl *t, uint64_t ts)
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

static int px_of(struct tl *t, uint64_t ts)
{
	struct svg *s = t->priv;
	int px = (int)(X(t, ts) - s->x0);

	return px >= s->W ? s->W - 1 : px < 0 ? 0 : px;
}

static double lane_y(int lane)
{
	return TOP + (double)lane * LH;
}

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

/* ------------------------------------------------------------------ */

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
	tl_occ_add(t, px_of, occ_at, s->ns_px, from, to, k, ctx, 1);
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
			esc(f, sl->waker_pid >= 0 ? who : "?", 64);
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
	esc(f, who, 64);
	if (r->smc_id) {
		fprintf(f, ": 0x%08llx ", (unsigned long long)r->smc_id);
		esc(f, scmwq_smc_describe(r->smc_id, fn, sizeof(fn)), sizeof(fn));
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
	int px = px_of(t, ts);
	size_t bit = (size_t)to_lane * s->W + px;
	double x = X(t, ts), y1, y2;

	for (int q = px - ARROW_GAP; q <= px + ARROW_GAP; q++)
		if (q >= 0 && q < s->W && bit_get(s->arrow_bits, (size_t)to_lane * s->W + q)) {
			s->arrows_dropped++;
			return;
		}
	if (s->arrows_drawn >= ARROW_BUDGET) {
		s->arrows_dropped++;
		return;
	}
	bit_set(s->arrow_bits, bit);
	s->arrows_drawn++;
	y1 = lane_y(from_lane) + BAR_Y + BH / 2.0;
	y2 = lane_y(to_lane) + BAR_Y + (from_lane < to_lane ? -1.5 : BH + 1.5);
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
	double y = lane_y(c->lane) + BAR_Y;

	s->detailed++;
	fputs("<g>", f);
	call_title(t, f, c);
	rect(f, c->open || c->abandoned ? "fw op" : "fw", X(t, r->start_ns), X(t, c->end_ns), y, BH,
	     1);
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
		xa = X(t, sl->sleep_ns);
		xb = X(t, woke);
		rect(f, cls, xa, xb, y, BH, 1);
		if (xb - xa >= 34)
			fprintf(f, "<text class=\"sl\" x=\"%.1f\" y=\"%.1f\">wq %u</text>",
				(xa + xb) / 2, y + BH - 3.5, sl->wq_ctx);
		if (back > woke) {
			snprintf(cls, sizeof(cls), "c%u wk", sl->wq_ctx % NCOLORS);
			rect(f, cls, xb, X(t, back), y, BH, 0);
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

static void svg_call(struct tl *t, const struct tl_call *c)
{
	struct svg *s = t->priv;
	const struct scmwq_call_rec *r = c->rec;
	bool detailed;

	if (c->lane < 0)
		return;
	s->sleeps_dropped += r->sleeps_dropped;
	detailed = c->lane != t->others && X(t, c->end_ns) - X(t, r->start_ns) >= DETAIL_PX;
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
		s->cells[(size_t)from * s->W + px_of(t, sl->wake_ns)].wake_out++;
		s->used_waker = true;
		if (detailed)
			arrow(t, from, c->lane, sl->wake_ns, sl->path);
		else
			s->arrows_small++;
	}
}

/* Is [a, b) of the lane's label row free?  Then take it. */
static bool take_label(struct tl *t, int lane, double a, double b)
{
	struct svg *s = t->priv;
	int pa = (int)(a - s->x0), pb = (int)(b - s->x0);

	if (pa < 0 || pb >= s->W)
		return false;
	for (int p = pa; p <= pb; p++)
		if (bit_get(s->label_bits, (size_t)lane * s->W + p))
			return false;
	for (int p = pa; p <= pb; p++)
		bit_set(s->label_bits, (size_t)lane * s->W + p);
	return true;
}

static void mark(struct tl *t, const struct scmwq_finding *f, int lane, bool named)
{
	struct svg *s = t->priv;
	struct fmark *m;
	size_t n;

	if (s->nmarks >= MARK_BUDGET) {
		s->marks_dropped++;
		return;
	}
	m = &s->marks[s->nmarks++];
	m->row = lane < 0 ? t->nlanes : lane;
	m->px = px_of(t, f->ts_ns);
	m->x = X(t, f->ts_ns);
	m->rank = named ? 0 : f->severity == SCMWQ_SEV_ERROR && !f->inconclusive ? 2 : 1;
	m->rule = f->rule;
	/* a long message is cut: the list and replay have all of it */
	n = append(m->msg, sizeof(m->msg), 0, scmwq_rule_info(f->rule)->id);
	n = append(m->msg, sizeof(m->msg), n, named ? " (names this thread): " :
		   f->inconclusive ? " (inconclusive): " : ": ");
	append(m->msg, sizeof(m->msg), n, f->message);
	if (m->rank == 1)
		s->used_warn = true;
	if (named)
		s->used_named = true;
}

static void svg_finding(struct tl *t, const struct scmwq_finding *f)
{
	struct svg *s = t->priv;
	int lane = tl_lane_of(t, f->pid);
	struct tl_listed *l;

	if (f->severity == SCMWQ_SEV_INFO)
		return;
	s->nfind++;
	mark(t, f, lane, false);
	for (int i = 0; i < f->n_named; i++) {
		int nl = tl_lane_of(t, f->named_pid[i]);

		if (nl >= 0 && nl != lane)
			mark(t, f, nl, true);
	}
	if (s->nlist >= LIST_MAX)
		return;
	l = &s->list[s->nlist++];
	tl_listed_set(l, f);
}

/* ------------------------------------------------------------------ */
/* The end: header, layers, strips, legend, notes, findings            */

/* Marks within this many pixels on one row share one triangle and label. */
#define MARK_NEAR	6

static int fmark_cmp(const void *a, const void *b)
{
	const struct fmark *x = a, *y = b;

	if (x->row != y->row)
		return x->row - y->row;
	if (x->px != y->px)
		return x->px - y->px;
	return y->rank - x->rank;
}

struct mgroup {
	int first, n, rank;
};

static int mgroup_cmp(const void *a, const void *b)
{
	const struct mgroup *x = a, *y = b;

	if (x->rank != y->rank)
		return y->rank - x->rank;	/* errors take their label spot first */
	return x->first - y->first;
}

static void draw_marks(struct tl *t, FILE *out)
{
	struct svg *s = t->priv;
	struct mgroup *g;
	int ng = 0;

	if (!s->nmarks)
		return;
	qsort(s->marks, (size_t)s->nmarks, sizeof(*s->marks), fmark_cmp);
	g = calloc((size_t)s->nmarks, sizeof(*g));
	if (!g)
		return;
	for (int i = 0; i < s->nmarks; i++) {
		const struct fmark *m = &s->marks[i];

		if (ng && s->marks[g[ng - 1].first].row == m->row &&
		    m->px - s->marks[g[ng - 1].first].px <= MARK_NEAR) {
			g[ng - 1].n++;
			if (m->rank > g[ng - 1].rank)
				g[ng - 1].rank = m->rank;
			continue;
		}
		g[ng].first = i;
		g[ng].n = 1;
		g[ng].rank = m->rank;
		ng++;
	}
	qsort(g, (size_t)ng, sizeof(*g), mgroup_cmp);
	fputs("<g class=\"marks\">\n", out);
	for (int k = 0; k < ng; k++) {
		const struct fmark *m0 = &s->marks[g[k].first];
		const char *cls = g[k].rank == 2 ? "fe" : g[k].rank == 1 ? "fe fw2" : "fn";
		bool above = m0->row >= t->nlanes;
		double y = above ? TOP - 14 : lane_y(m0->row) + 2, lw;
		char label[96] = "";
		int ids = 0, more = 0;

		/* the rule ids, most severe first, each once */
		for (int rank = 2; rank >= 0; rank--)
			for (int i = g[k].first; i < g[k].first + g[k].n; i++) {
				const struct fmark *m = &s->marks[i];
				const char *id = scmwq_rule_info(m->rule)->id;
				bool dup = false;

				if (m->rank != rank)
					continue;
				for (int j = g[k].first; j < i; j++)
					dup |= s->marks[j].rule == m->rule;
				if (dup || strstr(label, id))
					continue;
				if (ids < 2)
					snprintf(label + strlen(label),
						 sizeof(label) - strlen(label), "%s%s",
						 ids ? ", " : "", id);
				else
					more++;
				ids++;
			}
		if (more)
			snprintf(label + strlen(label), sizeof(label) - strlen(label), " +%d",
				 more);
		fputs("<g><title>", out);
		for (int i = g[k].first; i < g[k].first + g[k].n && i < g[k].first + 6; i++) {
			if (i > g[k].first)
				fputs("&#10;", out);
			esc(out, s->marks[i].msg, sizeof(s->marks[i].msg));
		}
		if (g[k].n > 6)
			fprintf(out, "&#10;... %d more", g[k].n - 6);
		fprintf(out, "</title><path class=\"%s\" d=\"M%.2f %.1fh10l-5 9z\"/>", cls,
			m0->x - 5, y);
		if (!above) {
			const char *tcls = g[k].rank == 1 ? "fl fw2" : "fl";

			lw = strlen(label) * 6.2 + 2;
			if (take_label(t, m0->row, m0->x + 6, m0->x + 6 + lw))
				fprintf(out, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\">%s</text>",
					tcls, m0->x + 7, y + 8, label);
			else if (take_label(t, m0->row, m0->x - 6 - lw, m0->x - 6))
				fprintf(out,
					"<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" "
					"text-anchor=\"end\">%s</text>",
					tcls, m0->x - 7, y + 8, label);
			else
				s->labels_dropped++;
		}
		fputs("</g>\n", out);
	}
	fputs("</g>\n", out);
	free(g);
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

static void strips(struct tl *t, FILE *out)
{
	struct svg *s = t->priv;

	fputs("<g class=\"agg\">\n", out);
	for (int lane = 0; lane < t->nlanes; lane++) {
		const struct scell *row = &s->cells[(size_t)lane * s->W];
		int ybot = (int)lane_y(lane) + BAR_Y + BH;
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

static int copy_layer(FILE *from, FILE *to)
{
	char buf[65536];
	size_t n;

	if (fflush(from) || fseek(from, 0, SEEK_SET))
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
		if (fwrite(buf, 1, n, to) != n)
			return -1;
	return ferror(from) ? -1 : 0;
}

static void axis(struct tl *t, FILE *out, const struct tl_axis *ax, double y_top, double y_bot)
{
	struct svg *s = t->priv;
	double last_end = -1e9;

	for (uint64_t k = 0;; k++) {
		uint64_t rel = k * ax->step;
		char lab[32];
		double x;

		if (rel / ax->step != k || t->t0 + rel > t->t1)
			break;
		x = X(t, t->t0 + rel);
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
	esc(fl->out, text, 200);
	fputs("</text></g>\n", fl->out);
	fl->x += w;
}

static double legend(struct tl *t, FILE *out, double y)
{
	struct svg *s = t->priv;
	struct flow fl = { out, s->x0, y, s->x0, s->x0 + s->W };
	char sw[256], text[64];
	int shown = 0;

	fprintf(out, "<text class=\"lt\" x=\"%d\" y=\"%.1f\">Legend</text>\n", PAD, y + 9);
	legend_item(&fl, "<rect class=\"fw\" x=\"0\" y=\"0\" width=\"18\" height=\"11\"/>",
		    "in firmware (in the call, not asleep)");
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
		legend_item(&fl, sw, text);
	}
	if (s->nctx > CTX_LEGEND || s->ctx_more)
		legend_item(&fl, "", "(more wq_ctx: colours repeat every 10)");
	if (s->used_woken)
		legend_item(&fl, "<rect class=\"c0\" x=\"0\" y=\"0\" width=\"9\" height=\"11\"/>"
			    "<rect class=\"c0 wk\" x=\"9\" y=\"0\" width=\"9\" height=\"11\"/>",
			    "lighter: woken, not yet resumed (from the wake to the resume)");
	if (s->used_wake_tick)
		legend_item(&fl, "<rect class=\"fw\" x=\"0\" y=\"0\" width=\"18\" height=\"11\"/>"
			    "<line class=\"wt\" x1=\"9\" y1=\"-1\" x2=\"9\" y2=\"12\"/>",
			    "where the wake landed");
	if (s->used_irq)
		legend_item(&fl, "<line class=\"ai\" x1=\"0\" y1=\"5.5\" x2=\"16\" y2=\"5.5\" "
			    "marker-end=\"url(#hi)\"/>", "wake by the IRQ drain (GET_WQ_CTX)");
	if (s->used_ack)
		legend_item(&fl,
			    "<line class=\"aa\" x1=\"0\" y1=\"5.5\" x2=\"16\" y2=\"5.5\" "
			    "marker-end=\"url(#ha)\"/>",
			    "wake by WAITQ_WAKE returned to a call (then ACK)");
	if (s->used_waker)
		legend_item(&fl,
			    "<rect class=\"wo\" x=\"8\" y=\"-2\" width=\"1.6\" height=\"15\"/>",
			    "the waker woke someone here");
	if (s->used_banked)
		legend_item(&fl, "<circle class=\"bk\" cx=\"9\" cy=\"5.5\" r=\"3\"/>",
			    "resumed on a wake banked before the sleep");
	if (s->used_open)
		legend_item(&fl,
			    "<rect class=\"fw op\" x=\"0\" y=\"0\" width=\"18\" height=\"11\"/>",
			    "call with no scm_smc_done (runs to the end, or to its next call)");
	if (s->nfind) {
		legend_item(&fl, "<path class=\"fe\" d=\"M4 1h10l-5 9z\"/>",
			    "finding, error (rule id; hover for the message)");
		if (s->used_warn)
			legend_item(&fl, "<path class=\"fe fw2\" d=\"M4 1h10l-5 9z\"/>",
				    "finding, warning or inconclusive");
		if (s->used_named)
			legend_item(&fl, "<path class=\"fn\" d=\"M4 1h10l-5 9z\"/>",
				    "a thread the finding names (e.g. a stranded sleeper)");
	}
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

static double text_line(FILE *out, double y, const char *cls, const char *text, size_t max)
{
	fprintf(out, "<text class=\"%s\" x=\"%d\" y=\"%.1f\">", cls, PAD, y);
	esc(out, text, max);
	fputs("</text>\n", out);
	return y + 17;
}

/* @text on as many lines of at most @max characters as it needs. */
static double text_wrapped(FILE *out, double y, const char *cls, const char *text, size_t max,
			   int indent)
{
	char buf[1100];
	size_t n = strlen(text), at = 0;
	bool first = true;

	while (at < n) {
		size_t room = max - (first ? 0 : (size_t)indent), cut = n - at;

		if (cut > room) {
			cut = room;
			while (cut > room / 2 && text[at + cut] != ' ')
				cut--;
			if (text[at + cut] != ' ')
				cut = room;
		}
		snprintf(buf, sizeof(buf), "%*s%.*s", first ? 0 : indent, "", (int)cut, text + at);
		fprintf(out, "<text class=\"%s\" x=\"%d\" y=\"%.1f\" xml:space=\"preserve\">", cls,
			PAD, y);
		esc(out, buf, sizeof(buf));
		fputs("</text>\n", out);
		y += 15;
		at += cut;
		while (at < n && text[at] == ' ')
			at++;
		first = false;
	}
	return y + 2;
}

static int svg_end(struct tl *t, bool failed, struct scmwq_error *err)
{
	struct svg *s = t->priv;
	const struct scmwq_model_stats *st = &t->replay.stats;
	FILE *out = t->out, *tail;
	double y_end = lane_y(t->nlanes), y, total_w = s->x0 + s->W + PAD + 6;
	size_t max_chars = (size_t)(total_w - 2 * PAD) / 6;
	size_t mono_chars = (size_t)((total_w - 2 * PAD) / 6.7);
	char line[1024], ts[32], rel[32];
	struct tl_axis ax;
	long height;
	int bad;

	t->res->aggregated = s->aggregated;
	t->res->arrows = s->arrows_drawn;
	t->res->arrows_dropped = s->arrows_dropped + s->arrows_small;
	tail = tmpfile();
	if (!tail) {
		if (err)
			scmwq_error_set(err, SCMWQ_E_INTERNAL,
					"cannot create a temporary file for the SVG: %s",
					strerror(errno));
		return -1;
	}
	/* what comes after the lanes, to know the height */
	y = legend(t, tail, y_end + 36);
	y += 8;
	if (s->aggregated) {
		snprintf(line, sizeof(line),
			 "%llu of %llu calls were narrower than %.0f px and are "
			 "drawn as per-pixel occupancy; %llu are drawn one by one (hover them).",
			 (unsigned long long)s->aggregated,
			 (unsigned long long)(s->aggregated + s->detailed), DETAIL_PX,
			 (unsigned long long)s->detailed);
		y = text_line(tail, y, "nt", line, max_chars);
	}
	if (s->arrows_small) {
		snprintf(line, sizeof(line),
			 "%llu wakes of calls drawn as occupancy have no arrow: the "
			 "waker's tick (or band, where they are dense) marks them.",
			 (unsigned long long)s->arrows_small);
		y = text_line(tail, y, "nt", line, max_chars);
	}
	if (s->arrows_dropped) {
		snprintf(line, sizeof(line),
			 "%llu wake arrows are left out (they would come closer "
			 "than %d px to another into the same lane, or pass %d); the waker's ticks "
			 "still show every wake.",
			 (unsigned long long)s->arrows_dropped, ARROW_GAP + 1, ARROW_BUDGET);
		y = text_line(tail, y, "nt", line, max_chars);
	}
	if (s->marks_dropped) {
		snprintf(line, sizeof(line), "%llu finding marks past the first %d are not drawn.",
			 (unsigned long long)s->marks_dropped, MARK_BUDGET);
		y = text_line(tail, y, "nt", line, max_chars);
	}
	if (s->labels_dropped) {
		snprintf(line, sizeof(line),
			 "%llu finding labels would overlap others and are left out "
			 "(hover the marks).",
			 (unsigned long long)s->labels_dropped);
		y = text_line(tail, y, "nt", line, max_chars);
	}
	if (t->others >= 0) {
		snprintf(line, sizeof(line), "The %u threads with the fewest events share the last "
			 "lane.", t->lanes[t->others].threads);
		y = text_line(tail, y, "nt", line, max_chars);
	}
	if (s->sleeps_dropped) {
		snprintf(line, sizeof(line), "%llu sleeps beyond %d in one call are not drawn.",
			 (unsigned long long)s->sleeps_dropped, SCMWQ_CALL_SLEEPS);
		y = text_line(tail, y, "nt", line, max_chars);
	}
	if (t->empty)
		y = text_line(tail, y, "nt", t->o->has_from || t->o->has_to ?
			      "No SCM events in the --time window." : "No SCM events in the trace.",
			      max_chars);
	if (failed)
		y = text_line(tail, y, "fl", "The trace could not be read to its end: this is what "
			      "was read before the error.", max_chars);
	if (s->nfind) {
		y += 8;
		snprintf(line, sizeof(line), "Findings (%llu)", (unsigned long long)s->nfind);
		y = text_line(tail, y, "lt", line, 80);
		for (int i = 0; i < s->nlist; i++) {
			const struct tl_listed *l = &s->list[i];

			scmwq_format_ts(ts, sizeof(ts), l->ts);
			tl_fmt_dur(rel, sizeof(rel), l->ts > t->t0 ? l->ts - t->t0 : 0, false);
			snprintf(line, sizeof(line), "\xe2\x96\xbc +%s (%s)  %s  %s  %s: %s", rel,
				 ts, l->inconclusive ? "inconclusive" : scmwq_severity_name(l->sev),
				 scmwq_rule_info(l->rule)->id, l->who[0] ? l->who : "-", l->msg);
			y = text_wrapped(tail, y, "li", line, mono_chars, 2);
		}
		if (s->nfind > (uint64_t)s->nlist) {
			snprintf(line, sizeof(line),
				 "... and %llu more: scmwq-trace replay lists them all.",
				 (unsigned long long)(s->nfind - s->nlist));
			y = text_wrapped(tail, y, "li", line, mono_chars, 2);
		}
	}
	height = (long)(y + 8);

	/* header */
	fprintf(out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%ld\" "
		"viewBox=\"0 0 %.0f %ld\" font-family=\"DejaVu Sans, Verdana, Arial, "
		"sans-serif\">\n",
		total_w, height, total_w, height);
	fputs("<title>scmwq-trace timeline: ", out);
	esc(out, t->title, 300);
	fputs("</title>\n<style>\n"
	      "text{fill:#222}\n"
	      ".t1{font-size:15px;font-weight:bold}\n"
	      ".t2{font-size:12px;fill:#555}\n"
	      ".ln{font-size:12px;font-family:'DejaVu Sans Mono',monospace}\n"
	      ".lo{font-size:12px;font-family:'DejaVu Sans Mono',monospace;fill:#777}\n"
	      ".ax{font-size:10.5px;fill:#555;text-anchor:middle}\n"
	      ".grid{stroke:#e2e5ea;stroke-width:1}\n"
	      ".axl{stroke:#888;stroke-width:1}\n"
	      ".st{fill:#f5f6f8}\n"
	      ".fw{fill:#c8ced8;stroke:#7d8797;stroke-width:.6}\n"
	      ".op{stroke-dasharray:3 2}\n"
	      ".ag{fill:#8f99a8}\n", out);
	for (int i = 0; i < NCOLORS; i++)
		fprintf(out, ".c%d{fill:%s}\n", i, ctx_fill[i]);
	fputs(".wk{fill-opacity:.38}\n"
	      ".sl{font-size:9px;fill:#fff;text-anchor:middle;font-weight:bold}\n"
	      ".wt{stroke:#111;stroke-width:1.6}\n"
	      ".wo{fill:#222}\n"
	      ".wob{fill:#222;fill-opacity:.55}\n"
	      ".bk{fill:#fff;stroke:#111;stroke-width:1.2}\n"
	      ".ai{stroke:#222;stroke-width:1.1}\n"
	      ".aa{stroke:#7b2d9b;stroke-width:1.2;stroke-dasharray:4 2}\n"
	      ".fe{fill:#d62728;stroke:#fff;stroke-width:.6}\n"
	      ".fn{fill:#fff;stroke:#d62728;stroke-width:1.4}\n"
	      ".fl{font-size:10px;font-weight:bold;fill:#d62728;paint-order:stroke;stroke:#fff;"
	      "stroke-width:3px;stroke-linejoin:round}\n"
	      "path.fw2{fill:#ff9f1c}\n"
	      "text.fw2{fill:#c46a00}\n"
	      ".lt{font-size:12px;font-weight:bold}\n"
	      ".lg{font-size:11px}\n"
	      ".nt{font-size:11px;fill:#555}\n"
	      ".li{font-size:11px;font-family:'DejaVu Sans Mono',monospace;fill:#222}\n"
	      "</style>\n<defs>\n"
	      "<marker id=\"hi\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
	      "markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" "
	      "fill=\"#222\"/></marker>\n"
	      "<marker id=\"ha\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
	      "markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" fill=\"#7b2d9b\"/>"
	      "</marker>\n</defs>\n"
	      "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n",
	      out);

	fprintf(out, "<text class=\"t1\" x=\"%d\" y=\"22\">scmwq-trace timeline: ", PAD);
	esc(out, t->title, 200);
	fputs("</text>\n", out);
	snprintf(line, sizeof(line), "driver %s (%s)", scmwq_driver_name(t->replay.driver),
		 t->replay.driver_why);
	fprintf(out, "<text class=\"t2\" x=\"%d\" y=\"40\">", PAD);
	esc(out, line, max_chars);
	fputs("</text>\n", out);
	scmwq_format_ts(ts, sizeof(ts), t->t0);
	snprintf(line, sizeof(line), "%llu call%s, %llu sleep%s, %llu wake%s; %llu error%s, %llu "
		 "warning%s. Time from %s s (the %s).",
		 (unsigned long long)st->calls, st->calls == 1 ? "" : "s",
		 (unsigned long long)st->sleeps, st->sleeps == 1 ? "" : "s",
		 (unsigned long long)st->wakes, st->wakes == 1 ? "" : "s",
		 (unsigned long long)st->errors,
		 st->errors == 1 ? "" : "s", (unsigned long long)st->warnings,
		 st->warnings == 1 ? "" : "s", ts,
		 t->o->has_from ? "start of the --time window" : "first SCM event");
	fprintf(out, "<text class=\"t2\" x=\"%d\" y=\"56\">", PAD);
	esc(out, line, max_chars);
	fputs("</text>\n", out);

	/* lanes: stripes and labels */
	for (int i = 0; i < t->nlanes; i++) {
		const char *l = t->lanes[i].label;
		size_t n = strlen(l);

		if (i % 2)
			fprintf(out, "<rect class=\"st\" x=\"%d\" y=\"%.1f\" width=\"%.0f\" "
				"height=\"%d\"/>\n", PAD / 2, lane_y(i), total_w - PAD, LH);
		fprintf(out, "<text class=\"%s\" x=\"%d\" y=\"%.1f\"><title>",
			i == t->others ? "lo" : "ln", PAD, lane_y(i) + BAR_Y + BH - 3);
		esc(out, l, 64);
		fputs("</title>", out);
		if (n > LABEL_CHARS) {
			fputs("\xe2\x80\xa6", out);
			esc(out, l + n - LABEL_CHARS + 1, 64);
		} else {
			esc(out, l, 64);
		}
		fputs("</text>\n", out);
	}
	tl_axis_pick(&ax, t->t1 - t->t0, (unsigned int)(s->W / 110 ? s->W / 110 : 1));
	axis(t, out, &ax, TOP, y_end);
	fprintf(out, "<line class=\"axl\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
		"<line class=\"axl\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
		s->x0, TOP, s->x0 + s->W, TOP, s->x0, y_end, s->x0 + s->W, y_end);
	if (t->empty)
		fprintf(out, "<text class=\"nt\" x=\"%.1f\" y=\"%d\">no SCM events</text>\n",
			s->x0 + 8, TOP + 20);

	strips(t, out);
	bad = copy_layer(s->bars, out) || copy_layer(s->arrows, out);
	if (!bad) {
		draw_marks(t, out);
		bad = copy_layer(tail, out);
	}
	if (bad && !ferror(out)) {
		fclose(tail);
		if (err)
			scmwq_error_set(err, SCMWQ_E_INTERNAL,
					"cannot read back the SVG's temporary "
					"files: %s",
					strerror(errno));
		fputs("</svg>\n", out);
		return -1;
	}
	/* an error writing @out is the caller's to report, with the file's name */
	fclose(tail);
	fputs("</svg>\n", out);
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
