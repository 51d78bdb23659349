/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of the SVG timeline (lib/view/timeline_svg*.c): the
 * picture's geometry, the writer's state, and what its files share.  Not
 * installed.
 */
#ifndef SCMWQ_TIMELINE_SVG_H
#define SCMWQ_TIMELINE_SVG_H

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
/* Where things go (timeline_svg_scale.c)                              */

/* The x of a time, within the plot. */
double svg_x(struct tl *t, uint64_t ts);
/* The pixel column of a time, 0 to W - 1. */
int svg_px(struct tl *t, uint64_t ts);
/* The top of a lane. */
double svg_lane_y(int lane);
bool svg_bit_get(const uint8_t *b, size_t i);
void svg_bit_set(uint8_t *b, size_t i);
/* The time axis: grid lines and tick labels above and below the lanes. */
void svg_axis(struct tl *t, FILE *out, const struct tl_axis *ax, double y_top, double y_bot);

/* ------------------------------------------------------------------ */
/* Text (timeline_svg_text.c)                                          */

/* Text for XML: escaped, invalid UTF-8 and control characters as '?'. */
void svg_esc(FILE *out, const char *s, size_t max);
/* One line of text at @y; the y of the next line. */
double svg_text_line(FILE *out, double y, const char *cls, const char *text, size_t max);
/* @text on as many lines of at most @max characters as it needs. */
double svg_text_wrapped(FILE *out, double y, const char *cls, const char *text, size_t max,
			int indent);

/* ------------------------------------------------------------------ */
/* Lanes, marks, legend and the document (timeline_svg_*.c)            */

/* A call: drawn in its lane, or added to its lane's occupancy. */
void svg_call(struct tl *t, const struct tl_call *c);
/* The occupancy of every lane as stacked strips, and the wakers' ticks. */
void svg_strips(struct tl *t, FILE *out);
/* A finding: its marks, and a place in the list under the legend. */
void svg_finding(struct tl *t, const struct scmwq_finding *f);
/* The finding marks, grouped when close, labelled where there is room. */
void svg_draw_marks(struct tl *t, FILE *out);
/* The legend from @y, for what the picture uses; the y after it. */
double svg_legend(struct tl *t, FILE *out, double y);
/* The whole document, from the layers drawn so far. */
int svg_end(struct tl *t, bool failed, struct scmwq_error *err);

#endif
