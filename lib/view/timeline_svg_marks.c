// SPDX-License-Identifier: GPL-2.0
/*
 * Findings on the SVG: a mark on the lane of each finding's thread (and of
 * the threads it names), grouped when close and labelled with rule ids
 * where there is room, and the first few kept for the list.
 */
#include <stdlib.h>
#include <string.h>

#include "view/timeline_svg.h"

/* Copy @src to @dst + @at, cut to fit; the new length. */
static size_t append(char *dst, size_t len, size_t at, const char *src)
{
	while (*src && at + 1 < len)
		dst[at++] = *src++;
	dst[at] = 0;
	return at;
}

/* Is [a, b) of the lane's label row free?  Then take it. */
static bool take_label(struct tl *t, int lane, double a, double b)
{
	struct svg *s = t->priv;
	int pa = (int)(a - s->x0), pb = (int)(b - s->x0);

	if (pa < 0 || pb >= s->W)
		return false;
	for (int p = pa; p <= pb; p++)
		if (svg_bit_get(s->label_bits, (size_t)lane * s->W + p))
			return false;
	for (int p = pa; p <= pb; p++)
		svg_bit_set(s->label_bits, (size_t)lane * s->W + p);
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
	m->px = svg_px(t, f->ts_ns);
	m->x = svg_x(t, f->ts_ns);
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

void svg_finding(struct tl *t, const struct scmwq_finding *f)
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

/* Marks close together on one row into groups (marks sorted); how many groups. */
static int group_marks(const struct svg *s, struct mgroup *g)
{
	int ng = 0;

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
	return ng;
}

/* A group's label: two rule ids, most severe first, each once, then "+N". */
static void group_label(const struct svg *s, const struct mgroup *g, char *label, size_t len)
{
	int ids = 0, more = 0;

	/* the rule ids, most severe first, each once */
	for (int rank = 2; rank >= 0; rank--)
		for (int i = g->first; i < g->first + g->n; i++) {
			const struct fmark *m = &s->marks[i];
			const char *id = scmwq_rule_info(m->rule)->id;
			bool dup = false;

			if (m->rank != rank)
				continue;
			for (int j = g->first; j < i; j++)
				dup |= s->marks[j].rule == m->rule;
			if (dup || strstr(label, id))
				continue;
			if (ids < 2)
				snprintf(label + strlen(label), len - strlen(label), "%s%s",
					 ids ? ", " : "", id);
			else
				more++;
			ids++;
		}
	if (more)
		snprintf(label + strlen(label), len - strlen(label), " +%d", more);
}

/* One group: the first messages as its tooltip, a triangle, its label where there is room. */
static void draw_group(struct tl *t, FILE *out, const struct mgroup *g)
{
	struct svg *s = t->priv;
	const struct fmark *m0 = &s->marks[g->first];
	const char *cls = g->rank == 2 ? "fe" : g->rank == 1 ? "fe fw2" : "fn";
	bool above = m0->row >= t->nlanes;
	double y = above ? TOP - 14 : svg_lane_y(m0->row) + 2, lw;
	char label[96] = "";

	group_label(s, g, label, sizeof(label));
	fputs("<g><title>", out);
	for (int i = g->first; i < g->first + g->n && i < g->first + 6; i++) {
		if (i > g->first)
			fputs("&#10;", out);
		svg_esc(out, s->marks[i].msg, sizeof(s->marks[i].msg));
	}
	if (g->n > 6)
		fprintf(out, "&#10;... %d more", g->n - 6);
	fprintf(out, "</title><path class=\"%s\" d=\"M%.2f %.1fh10l-5 9z\"/>", cls,
		m0->x - 5, y);
	if (!above) {
		const char *tcls = g->rank == 1 ? "fl fw2" : "fl";

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

void svg_draw_marks(struct tl *t, FILE *out)
{
	struct svg *s = t->priv;
	struct mgroup *g;
	int ng;

	if (!s->nmarks)
		return;
	qsort(s->marks, (size_t)s->nmarks, sizeof(*s->marks), fmark_cmp);
	g = calloc((size_t)s->nmarks, sizeof(*g));
	if (!g)
		return;
	ng = group_marks(s, g);
	qsort(g, (size_t)ng, sizeof(*g), mgroup_cmp);
	fputs("<g class=\"marks\">\n", out);
	for (int k = 0; k < ng; k++)
		draw_group(t, out, &g[k]);
	fputs("</g>\n", out);
	free(g);
}
