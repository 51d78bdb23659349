// SPDX-License-Identifier: GPL-2.0
/*
 * The SVG document, assembled at the end: the header and style, the titles,
 * the lanes and the axis, the layers drawn while reading, the marks, then
 * the legend, the notes and the findings (written first, to know the height).
 */
#include <errno.h>
#include <string.h>

#include "view/timeline_svg.h"

/* wq_ctx colours (colour-blind safer, no red: red is for findings) */
static const char *const ctx_fill[NCOLORS] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2",
	"#edc948", "#9c755f", "#ff9da7", "#17becf", "#bcbd22",
};

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

/* The notes under the legend: how things are drawn, what is left out and why. */
static double notes(struct tl *t, FILE *tail, double y, bool failed, size_t max_chars)
{
	struct svg *s = t->priv;
	char line[1024];

	if (s->aggregated) {
		snprintf(line, sizeof(line),
			 "%llu of %llu calls were narrower than %.0f px and are "
			 "drawn as per-pixel occupancy; %llu are drawn one by one (hover them).",
			 (unsigned long long)s->aggregated,
			 (unsigned long long)(s->aggregated + s->detailed), DETAIL_PX,
			 (unsigned long long)s->detailed);
		y = svg_text_line(tail, y, "nt", line, max_chars);
	}
	if (s->arrows_small) {
		snprintf(line, sizeof(line),
			 "%llu wakes of calls drawn as occupancy have no arrow: the "
			 "waker's tick (or band, where they are dense) marks them.",
			 (unsigned long long)s->arrows_small);
		y = svg_text_line(tail, y, "nt", line, max_chars);
	}
	if (s->arrows_dropped) {
		snprintf(line, sizeof(line),
			 "%llu wake arrows are left out (they would come closer "
			 "than %d px to another into the same lane, or pass %d); the waker's ticks "
			 "still show every wake.",
			 (unsigned long long)s->arrows_dropped, ARROW_GAP + 1, ARROW_BUDGET);
		y = svg_text_line(tail, y, "nt", line, max_chars);
	}
	if (s->marks_dropped) {
		snprintf(line, sizeof(line), "%llu finding marks past the first %d are not drawn.",
			 (unsigned long long)s->marks_dropped, MARK_BUDGET);
		y = svg_text_line(tail, y, "nt", line, max_chars);
	}
	if (s->labels_dropped) {
		snprintf(line, sizeof(line),
			 "%llu finding labels would overlap others and are left out "
			 "(hover the marks).",
			 (unsigned long long)s->labels_dropped);
		y = svg_text_line(tail, y, "nt", line, max_chars);
	}
	if (t->others >= 0) {
		snprintf(line, sizeof(line), "The %u threads with the fewest events share the last "
			 "lane.", t->lanes[t->others].threads);
		y = svg_text_line(tail, y, "nt", line, max_chars);
	}
	if (s->sleeps_dropped) {
		snprintf(line, sizeof(line), "%llu sleeps beyond %d in one call are not drawn.",
			 (unsigned long long)s->sleeps_dropped, SCMWQ_CALL_SLEEPS);
		y = svg_text_line(tail, y, "nt", line, max_chars);
	}
	if (t->empty)
		y = svg_text_line(tail, y, "nt", t->o->has_from || t->o->has_to ?
				  "No SCM events in the --time window." :
				  "No SCM events in the trace.", max_chars);
	if (failed)
		y = svg_text_line(tail, y, "fl", "The trace could not be read to its end: "
				  "this is what was read before the error.", max_chars);
	return y;
}

/* The findings under the notes: the first LIST_MAX of them, and how many more. */
static double findings_list(struct tl *t, FILE *tail, double y, size_t mono_chars)
{
	struct svg *s = t->priv;
	char line[1024], ts[32], rel[32];

	if (s->nfind) {
		y += 8;
		snprintf(line, sizeof(line), "Findings (%llu)", (unsigned long long)s->nfind);
		y = svg_text_line(tail, y, "lt", line, 80);
		for (int i = 0; i < s->nlist; i++) {
			const struct tl_listed *l = &s->list[i];

			scmwq_format_ts(ts, sizeof(ts), l->ts);
			tl_fmt_dur(rel, sizeof(rel), l->ts > t->t0 ? l->ts - t->t0 : 0, false);
			snprintf(line, sizeof(line), "\xe2\x96\xbc +%s (%s)  %s  %s  %s: %s", rel,
				 ts, l->inconclusive ? "inconclusive" : scmwq_severity_name(l->sev),
				 scmwq_rule_info(l->rule)->id, l->who[0] ? l->who : "-", l->msg);
			y = svg_text_wrapped(tail, y, "li", line, mono_chars, 2);
		}
		if (s->nfind > (uint64_t)s->nlist) {
			snprintf(line, sizeof(line),
				 "... and %llu more: scmwq-trace replay lists them all.",
				 (unsigned long long)(s->nfind - s->nlist));
			y = svg_text_wrapped(tail, y, "li", line, mono_chars, 2);
		}
	}
	return y;
}

/* The header: the XML declaration, the size, the title, the style, the arrow heads. */
static void head(struct tl *t, FILE *out, double total_w, long height)
{
	fprintf(out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%ld\" "
		"viewBox=\"0 0 %.0f %ld\" font-family=\"DejaVu Sans, Verdana, Arial, "
		"sans-serif\">\n",
		total_w, height, total_w, height);
	fputs("<title>scmwq-trace timeline: ", out);
	svg_esc(out, t->title, 300);
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
}

/* The title, the driver, the counts and where time starts. */
static void titles(struct tl *t, FILE *out, size_t max_chars)
{
	const struct scmwq_model_stats *st = &t->replay.stats;
	char line[1024], ts[32];

	fprintf(out, "<text class=\"t1\" x=\"%d\" y=\"22\">scmwq-trace timeline: ", PAD);
	svg_esc(out, t->title, 200);
	fputs("</text>\n", out);
	snprintf(line, sizeof(line), "driver %s (%s)", scmwq_driver_name(t->replay.driver),
		 t->replay.driver_why);
	fprintf(out, "<text class=\"t2\" x=\"%d\" y=\"40\">", PAD);
	svg_esc(out, line, max_chars);
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
	svg_esc(out, line, max_chars);
	fputs("</text>\n", out);
}

/* The lanes: every other one striped, each labelled with its thread(s). */
static void lane_labels(struct tl *t, FILE *out, double total_w)
{
	for (int i = 0; i < t->nlanes; i++) {
		const char *l = t->lanes[i].label;
		size_t n = strlen(l);

		if (i % 2)
			fprintf(out, "<rect class=\"st\" x=\"%d\" y=\"%.1f\" width=\"%.0f\" "
				"height=\"%d\"/>\n", PAD / 2, svg_lane_y(i), total_w - PAD, LH);
		fprintf(out, "<text class=\"%s\" x=\"%d\" y=\"%.1f\"><title>",
			i == t->others ? "lo" : "ln", PAD, svg_lane_y(i) + BAR_Y + BH - 3);
		svg_esc(out, l, 64);
		fputs("</title>", out);
		if (n > LABEL_CHARS) {
			fputs("\xe2\x80\xa6", out);
			svg_esc(out, l + n - LABEL_CHARS + 1, 64);
		} else {
			svg_esc(out, l, 64);
		}
		fputs("</text>\n", out);
	}
}

/* The time axis and the lines above and below the lanes. */
static void frame(struct tl *t, FILE *out, double y_end)
{
	struct svg *s = t->priv;
	struct tl_axis ax;

	tl_axis_pick(&ax, t->t1 - t->t0, (unsigned int)(s->W / 110 ? s->W / 110 : 1));
	svg_axis(t, out, &ax, TOP, y_end);
	fprintf(out, "<line class=\"axl\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
		"<line class=\"axl\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
		s->x0, TOP, s->x0 + s->W, TOP, s->x0, y_end, s->x0 + s->W, y_end);
	if (t->empty)
		fprintf(out, "<text class=\"nt\" x=\"%.1f\" y=\"%d\">no SCM events</text>\n",
			s->x0 + 8, TOP + 20);
}

int svg_end(struct tl *t, bool failed, struct scmwq_error *err)
{
	struct svg *s = t->priv;
	FILE *out = t->out, *tail;
	double y_end = svg_lane_y(t->nlanes), y, total_w = s->x0 + s->W + PAD + 6;
	size_t max_chars = (size_t)(total_w - 2 * PAD) / 6;
	size_t mono_chars = (size_t)((total_w - 2 * PAD) / 6.7);
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
	y = svg_legend(t, tail, y_end + 36);
	y += 8;
	y = notes(t, tail, y, failed, max_chars);
	y = findings_list(t, tail, y, mono_chars);
	height = (long)(y + 8);

	head(t, out, total_w, height);
	titles(t, out, max_chars);
	lane_labels(t, out, total_w);
	frame(t, out, y_end);

	svg_strips(t, out);
	bad = copy_layer(s->bars, out) || copy_layer(s->arrows, out);
	if (!bad) {
		svg_draw_marks(t, out);
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