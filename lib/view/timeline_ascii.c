// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline for a terminal: one lane of characters per thread, time
 * across, fitted to a width.  Each column is a slice of time; a column
 * keeps how long the thread spent in firmware, asleep and woken in it, and
 * what happened there (a wake, a waker, a finding), so memory is lanes x
 * width whatever the length of the trace.
 */
#include <stdlib.h>
#include <string.h>

#include "view/timeline.h"

#define LABEL_MAX	24	/* lane label column, at most */
#define FINDINGS_LISTED	20

enum {
	M_ERROR = 1 << 0,	/* an error finding */
	M_WARN = 1 << 1,	/* a warning or inconclusive finding */
	M_WAKE_IN = 1 << 2,	/* a wake landed on this thread */
	M_WAKER = 1 << 3,	/* this thread woke someone */
	M_BANKED = 1 << 4,	/* resumed on a banked wake */
};

struct acell {
	struct tl_occ o;	/* first: tl_occ_add() tallies it */
	uint8_t marks;
	uint16_t nev;		/* sleeps begun, wakes and wakers in it */
};

/* More events than this in a column: it shows the state, not the marks. */
#define BUSY_EVENTS	2

struct ascii {
	int width, label_w, plot_w;
	double col_ns;		/* ns per column */
	struct acell *cells;	/* nlanes x plot_w */
	int occ_lane;		/* the lane add_span() is filling */
	struct tl_listed list[FINDINGS_LISTED];
	int nlist;
	uint64_t nfind, unplaced;
	uint64_t sleeps_dropped;
};

static struct acell *cell(struct tl *t, int lane, int col)
{
	struct ascii *a = t->priv;

	return &a->cells[(size_t)lane * a->plot_w + col];
}

static int col_of(struct tl *t, uint64_t ts)
{
	struct ascii *a = t->priv;
	double c;

	if (ts <= t->t0)
		return 0;
	c = (double)(ts - t->t0) / a->col_ns;
	if (c >= a->plot_w)
		return a->plot_w - 1;
	return (int)c;
}

static struct tl_occ *occ_at(struct tl *t, int col)
{
	return &cell(t, ((struct ascii *)t->priv)->occ_lane, col)->o;
}


/* Add the time [from, to) of one kind to a lane's columns. */
static void add_span(struct tl *t, int lane, uint64_t from, uint64_t to, enum tl_kind k,
		     uint32_t ctx)
{
	struct ascii *a = t->priv;

	a->occ_lane = lane;
	tl_occ_add(t, col_of, occ_at, a->col_ns, from, to, k, ctx, 0.5f);
}

static int ascii_begin(struct tl *t, struct scmwq_error *err)
{
	struct ascii *a = calloc(1, sizeof(*a));
	int lw = 8;

	if (!a)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	t->priv = a;
	a->width = t->o->width ? (int)t->o->width : 100;
	for (int i = 0; i < t->nlanes; i++) {
		int n = (int)strlen(t->lanes[i].label);

		if (n > lw)
			lw = n;
	}
	a->label_w = lw > LABEL_MAX ? LABEL_MAX : lw;
	/* "label |plot|" */
	a->plot_w = a->width - a->label_w - 3;
	if (a->plot_w < 10) {
		a->plot_w = 10;
		a->width = a->label_w + 3 + a->plot_w;
	}
	a->col_ns = (double)(t->t1 - t->t0) / a->plot_w;
	if (a->col_ns <= 0)
		a->col_ns = 1;
	a->cells = calloc((size_t)(t->nlanes ? t->nlanes : 1) * a->plot_w, sizeof(*a->cells));
	if (!a->cells)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	return 0;
}

/* An event in a column: a mark (or 0 for the start of a sleep) and its count. */
static void mark(struct tl *t, int lane, uint64_t ts, uint8_t m)
{
	struct acell *x = cell(t, lane, col_of(t, ts));

	x->marks |= m;
	if (x->nev < UINT16_MAX)
		x->nev++;
}

static void ascii_call(struct tl *t, const struct tl_call *c)
{
	struct ascii *a = t->priv;
	const struct scmwq_call_rec *r = c->rec;
	uint64_t at = r->start_ns;

	if (c->lane < 0)
		return;
	a->sleeps_dropped += r->sleeps_dropped;
	for (int i = 0; i < r->n_sleeps; i++) {
		const struct scmwq_sleep_rec *s = &r->sleeps[i];
		uint64_t woke = s->wake_ns ? s->wake_ns : s->resume_ns;
		uint64_t back = s->resume_ns ? s->resume_ns : c->end_ns;
		int waker;

		if (!woke || woke > back)
			woke = back;
		add_span(t, c->lane, at, s->sleep_ns, TL_FW, 0);
		add_span(t, c->lane, s->sleep_ns, woke, TL_SLEEP, s->wq_ctx);
		if (s->sleep_ns >= t->t0 && s->sleep_ns <= t->t1)
			mark(t, c->lane, s->sleep_ns, 0);
		if (back > woke)
			add_span(t, c->lane, woke, back, TL_WOKEN, 0);
		at = back > s->sleep_ns ? back : s->sleep_ns;
		if (!s->wake_ns || s->wake_ns < t->t0 || s->wake_ns > t->t1)
			continue;
		if (s->path == SCMWQ_PATH_BANKED) {
			mark(t, c->lane, s->sleep_ns, M_BANKED);
			continue;
		}
		/* the wake's column, unless it would hide the whole sleep */
		if (col_of(t, s->wake_ns) > col_of(t, s->sleep_ns))
			mark(t, c->lane, s->wake_ns, M_WAKE_IN);
		waker = tl_lane_of(t, s->waker_pid);
		if (waker >= 0 && waker != c->lane)
			mark(t, waker, s->wake_ns, M_WAKER);
	}
	add_span(t, c->lane, at, c->end_ns, TL_FW, 0);
}

static void mark_finding(struct tl *t, int pid, uint64_t ts, uint8_t m, bool *placed)
{
	int lane = tl_lane_of(t, pid);

	if (lane < 0)
		return;
	cell(t, lane, col_of(t, ts))->marks |= m;
	*placed = true;
}

static void ascii_finding(struct tl *t, const struct scmwq_finding *f)
{
	struct ascii *a = t->priv;
	uint8_t m = f->severity == SCMWQ_SEV_ERROR && !f->inconclusive ? M_ERROR : M_WARN;
	bool placed = false;
	struct tl_listed *l;

	if (f->severity == SCMWQ_SEV_INFO)
		return;
	a->nfind++;
	mark_finding(t, f->pid, f->ts_ns, m, &placed);
	for (int i = 0; i < f->n_named; i++)
		mark_finding(t, f->named_pid[i], f->ts_ns, m, &placed);
	if (!placed)
		a->unplaced++;
	if (a->nlist >= FINDINGS_LISTED)
		return;
	l = &a->list[a->nlist++];
	tl_listed_set(l, f);
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

/* SGR colours of the wq_ctx digits, by wq_ctx % 8 */
static const char *const ctx_sgr[] = { "1;34", "1;33", "1;32", "1;35", "1;36", "1;94", "1;93",
				       "1;92" };

static char cell_char(const struct acell *x, const char **sgr)
{
	*sgr = NULL;
	if (x->marks & M_ERROR) {
		*sgr = "1;97;41";
		return '!';
	}
	if (x->marks & M_WARN) {
		*sgr = "1;30;43";
		return '!';
	}
	/* a busy column of a thread with calls: its state says more than marks */
	if (x->nev > BUSY_EVENTS && (x->o.sl > 0 || x->o.wk > 0 || x->o.fw > 0))
		goto state;
	if (x->marks & M_WAKE_IN) {
		*sgr = "1;97";
		return '^';
	}
	if (x->marks & M_WAKER) {
		*sgr = "1;97";
		return '*';
	}
	if (x->marks & M_BANKED) {
		*sgr = "1;33";
		return '+';
	}
state:
	if (x->o.sl > 0) {
		*sgr = ctx_sgr[x->o.ctx % ARRAY_SIZE(ctx_sgr)];
		return tl_ctx_char(x->o.ctx);
	}
	if (x->o.wk > 0) {
		*sgr = "37";
		return '~';
	}
	if (x->o.fw > 0) {
		*sgr = "90";
		return '=';
	}
	return ' ';
}

/*
 * Print @text wrapped at @width: continuation lines are indented by
 * @indent.  Words longer than a line are cut.
 */
static void put_wrapped(FILE *out, const char *text, int width, int indent)
{
	const char *p = text;
	bool line_start = true;
	int col = 0;

	if (indent > width / 2)
		indent = width / 2;
	for (;;) {
		int n;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		n = (int)strcspn(p, " ");
		if (!line_start && col + 1 + n > width) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
			line_start = true;
		}
		if (!line_start) {
			fputc(' ', out);
			col++;
		}
		while (n > 0) {
			int room = width - col, take;

			if (room <= 0) {
				fprintf(out, "\n%*s", indent, "");
				col = indent;
				room = width - col;
			}
			take = n < room ? n : room;
			fwrite(p, 1, (size_t)take, out);
			col += take;
			p += take;
			n -= take;
		}
		line_start = false;
	}
	fputc('\n', out);
}

static void axis_row(struct tl *t, const struct tl_axis *ax, bool labels)
{
	struct ascii *a = t->priv;
	char *row = malloc((size_t)a->plot_w + 1);
	int next_free = 0;

	if (!row)
		return;
	memset(row, labels ? ' ' : '-', (size_t)a->plot_w);
	row[a->plot_w] = 0;
	for (uint64_t k = 0;; k++) {
		uint64_t rel = k * ax->step;
		int c;

		if (t->t0 + rel > t->t1 || rel / ax->step != k)
			break;
		c = (int)((double)rel / a->col_ns);
		if (c >= a->plot_w)
			break;
		if (labels) {
			char lab[32];
			int n;

			tl_axis_label(ax, rel, lab, sizeof(lab));
			strcat(lab, ax->uname);
			n = (int)strlen(lab);
			if (c < next_free || c + n > a->plot_w)
				continue;
			memcpy(row + c, lab, (size_t)n);
			next_free = c + n + 2;
		} else {
			row[c] = '+';
		}
	}
	fprintf(t->out, "%*s %s%s%s\n", a->label_w, "", labels ? " " : "|", row, labels ? "" : "|");
	free(row);
}

static void lane_row(struct tl *t, int lane)
{
	struct ascii *a = t->priv;
	const char *cur = NULL;
	char label[LABEL_MAX + 1];
	const char *l = t->lanes[lane].label;
	int n = (int)strlen(l);

	/* keep the end of a long label: the pid is there */
	if (n > a->label_w)
		snprintf(label, sizeof(label), "~%.*s", LABEL_MAX - 1, l + n - a->label_w + 1);
	else
		snprintf(label, sizeof(label), "%.*s", LABEL_MAX, l);
	fprintf(t->out, "%-*s |", a->label_w, label);
	for (int c = 0; c < a->plot_w; c++) {
		const char *sgr;
		char ch = cell_char(cell(t, lane, c), &sgr);

		if (t->o->color && sgr != cur && (!sgr || !cur || strcmp(sgr, cur))) {
			fputs("\033[0m", t->out);
			if (sgr)
				fprintf(t->out, "\033[%sm", sgr);
			cur = sgr;
		}
		fputc(ch, t->out);
	}
	if (t->o->color && cur)
		fputs("\033[0m", t->out);
	fputs("|\n", t->out);
}

static int ascii_end(struct tl *t, bool failed, struct scmwq_error *err)
{
	struct ascii *a = t->priv;
	const struct scmwq_model_stats *s = &t->replay.stats;
	char line[1024], ts[32], col[32], rel[32];
	struct tl_axis ax;
	int w = a->width;

	scmwq_format_ts(ts, sizeof(ts), t->t0);
	tl_fmt_dur(col, sizeof(col), (uint64_t)(a->col_ns + 0.5), true);
	snprintf(line, sizeof(line), "scmwq-trace timeline: %s, driver %s (%s)", t->title,
		 scmwq_driver_name(t->replay.driver), t->replay.driver_why);
	put_wrapped(t->out, line, w, 2);
	snprintf(line, sizeof(line),
		 "%llu call%s, %llu sleep%s, %llu wake%s; %llu error%s, %llu warning%s. Time "
		 "from %s s, one column = %s.%s",
		 (unsigned long long)s->calls, s->calls == 1 ? "" : "s",
		 (unsigned long long)s->sleeps, s->sleeps == 1 ? "" : "s",
		 (unsigned long long)s->wakes, s->wakes == 1 ? "" : "s",
		 (unsigned long long)s->errors,
		 s->errors == 1 ? "" : "s", (unsigned long long)s->warnings,
		 s->warnings == 1 ? "" : "s", ts, col,
		 failed ? " The trace could not be read to its end." : "");
	put_wrapped(t->out, line, w, 2);
	fputc('\n', t->out);

	tl_axis_pick(&ax, t->t1 - t->t0, (unsigned int)(a->plot_w / 12 ? a->plot_w / 12 : 1));
	axis_row(t, &ax, true);
	axis_row(t, &ax, false);
	for (int i = 0; i < t->nlanes; i++)
		lane_row(t, i);
	axis_row(t, &ax, false);
	if (t->empty) {
		fprintf(t->out, "%*s  (no SCM events%s)\n", a->label_w, "",
			t->o->has_from || t->o->has_to ? " in the --time window" : "");
	}
	fputc('\n', t->out);

	put_wrapped(t->out,
		    "Legend: = in firmware (in the call, not asleep); 0-9 a-z asleep on that "
		    "wq_ctx (# above 35); ~ woken, not yet resumed; ^ where a wake landed; * the "
		    "waker (the IRQ thread's GET_WQ_CTX, or the call that got WAITQ_WAKE); + "
		    "resumed on a banked wake; ! a finding (listed below). A column with several "
		    "states shows a mark first, then a sleep, then ~, then =; one with more than "
		    "two sleeps and wakes shows only its state (and findings).",
		    w, 8);
	if (t->others >= 0) {
		snprintf(line, sizeof(line),
			 "%u threads with the fewest events share the last lane.",
			 t->lanes[t->others].threads);
		put_wrapped(t->out, line, w, 2);
	}
	if (a->sleeps_dropped) {
		snprintf(line, sizeof(line), "%llu sleeps beyond %d in one call are not drawn.",
			 (unsigned long long)a->sleeps_dropped, SCMWQ_CALL_SLEEPS);
		put_wrapped(t->out, line, w, 2);
	}
	if (a->nfind) {
		fprintf(t->out, "\nFindings (%llu):\n", (unsigned long long)a->nfind);
		for (int i = 0; i < a->nlist; i++) {
			const struct tl_listed *l = &a->list[i];

			scmwq_format_ts(ts, sizeof(ts), l->ts);
			tl_fmt_dur(rel, sizeof(rel), l->ts > t->t0 ? l->ts - t->t0 : 0, true);
			snprintf(line, sizeof(line), "! +%s (%s) %s %s%s%s: %s", rel, ts,
				 l->inconclusive ? "inconclusive" : scmwq_severity_name(l->sev),
				 scmwq_rule_info(l->rule)->id, l->who[0] ? " " : "", l->who,
				 l->msg);
			put_wrapped(t->out, line, w, 2);
		}
		if (a->nfind > (uint64_t)a->nlist) {
			snprintf(line, sizeof(line),
				 "... and %llu more: scmwq-trace replay lists them all.",
				 (unsigned long long)(a->nfind - a->nlist));
			put_wrapped(t->out, line, w, 2);
		}
	}
	return 0;
}

static void ascii_free(struct tl *t)
{
	struct ascii *a = t->priv;

	if (a)
		free(a->cells);
	free(a);
	t->priv = NULL;
}

const struct tl_ops tl_ascii_ops = {
	.two_pass = true,
	.begin = ascii_begin,
	.call = ascii_call,
	.finding = ascii_finding,
	.end = ascii_end,
	.free = ascii_free,
};
