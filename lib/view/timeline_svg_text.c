// SPDX-License-Identifier: GPL-2.0
/*
 * Text in the SVG: escaped for XML (and cut to a length), and notes on
 * lines of their own, wrapped to the width of the picture.
 */
#include <string.h>

#include "view/timeline_svg.h"

/* Text for XML: escaped, invalid UTF-8 and control characters as '?'. */
void svg_esc(FILE *out, const char *s, size_t max)
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

double svg_text_line(FILE *out, double y, const char *cls, const char *text, size_t max)
{
	fprintf(out, "<text class=\"%s\" x=\"%d\" y=\"%.1f\">", cls, PAD, y);
	svg_esc(out, text, max);
	fputs("</text>\n", out);
	return y + 17;
}

/* @text on as many lines of at most @max characters as it needs. */
double svg_text_wrapped(FILE *out, double y, const char *cls, const char *text, size_t max,
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
		svg_esc(out, buf, sizeof(buf));
		fputs("</text>\n", out);
		y += 15;
		at += cut;
		while (at < n && text[at] == ' ')
			at++;
		first = false;
	}
	return y + 2;
}
