// SPDX-License-Identifier: GPL-2.0
/*
 * Event format files of a trace.dat, checked line by line before
 * libtraceevent sees them: only the formats of the events we read are kept,
 * and each is handed over as a canonical copy rebuilt from what was checked
 * (name, ID, and field lines of the kernel's grammar with numbers in range;
 * an empty print fmt, since we never print through libtraceevent).  So its
 * parser only ever meets text of the shape the kernel writes, whatever the
 * file holds.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/tdat_fmt.h"
#include "source/tepconv.h"

#define MAX_FIELDS	64
#define MAX_DECL	96
#define MAX_FIELD_END	65536	/* offset + size of a field: within a record */

struct line {
	const char *p;
	size_t len;
};

/* The next line of [*pos, end), without its newline. */
static bool next_line(const char *text, size_t len, size_t *pos, struct line *l)
{
	const char *nl;

	if (*pos >= len)
		return false;
	l->p = text + *pos;
	nl = memchr(l->p, '\n', len - *pos);
	l->len = nl ? (size_t)(nl - l->p) : len - *pos;
	*pos += l->len + (nl ? 1 : 0);
	return true;
}

static bool starts(const struct line *l, const char *s)
{
	size_t n = strlen(s);

	return l->len >= n && !memcmp(l->p, s, n);
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * One word of a field declaration: an identifier with optional '*'s and
 * an optional "[digits]" ("char comm[16]", "unsigned long[] args",
 * "const char *", "__data_loc char[] out").  Returns -1 if it is not one,
 * else 0 (no brackets), 1 ("[]") or 2 ("[N]").
 */
static int decl_word(const char *w, size_t n)
{
	size_t i = 0;
	int br = 0;

	while (i < n && w[i] == '*')
		i++;
	if (i < n && (isalpha((unsigned char)w[i]) || w[i] == '_')) {
		while (i < n && is_ident_char(w[i]))
			i++;
	} else if (i == 0) {
		return -1;
	}
	while (i < n && w[i] == '*')
		i++;
	if (i < n && w[i] == '[') {
		size_t d = 0;

		for (i++; i < n && isdigit((unsigned char)w[i]); i++)
			d++;
		if (i >= n || w[i] != ']' || d > 5)
			return -1;
		i++;
		br = d ? 2 : 1;
	}
	return i == n ? br : -1;
}

/*
 * "TYPE ... NAME" with single spaces, as the kernel writes them: "[N]" only
 * on the name, "[]" only on the type of a __data_loc or __rel_loc field,
 * right before the name.  Copied to @out (MAX_DECL bytes).
 */
static bool decl_ok(const char *d, size_t n, char *out, const char **name)
{
	size_t i = 0, words = 0, last = 0;
	bool loc = (n >= 11 && !memcmp(d, "__data_loc ", 11)) ||
		   (n >= 10 && !memcmp(d, "__rel_loc ", 10));
	int prev_br = 0, br = 0;

	if (!n || n >= MAX_DECL || d[n - 1] == ' ')
		return false;
	/*
	 * libtraceevent's tokenizer turns LOCAL_PR_FMT, STA_PR_FMT and
	 * VIF_PR_FMT into strings (an old mac80211 workaround) and leaks:
	 * no field of ours is called that.
	 */
	if (memmem(d, n, "_PR_FMT", 7))
		return false;
	while (i < n) {
		size_t s = i;

		while (i < n && d[i] != ' ')
			i++;
		prev_br = words ? br : 0;
		br = decl_word(d + s, i - s);
		if (br < 0 || (words && prev_br == 2))
			return false;	/* "[N]" on a word before the last */
		if (words && prev_br == 1 && i < n)
			return false;	/* "[]" not right before the name */
		words++;
		last = s;
		if (i < n)
			i++;	/* the space */
	}
	if (words < 2 || br == 1 || (prev_br == 1 && !loc))
		return false;
	memcpy(out, d, n);
	out[n] = '\0';
	*name = out + last;
	return true;
}

/* "KEY:digits;" at *s (after optional blanks); advances past it. */
static bool key_num(const char **s, const char *end, const char *key, long max, long *val)
{
	const char *p = *s;
	size_t k = strlen(key);
	long v = 0;
	bool neg = false;
	int digits = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(end - p) < k || memcmp(p, key, k))
		return false;
	p += k;
	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	while (p < end && isdigit((unsigned char)*p) && digits < 10) {
		v = v * 10 + (*p++ - '0');
		digits++;
	}
	if (!digits || p >= end || *p != ';' || v > max)
		return false;
	*val = neg ? -v : v;
	*s = p + 1;
	return true;
}

/* Append to the canonical copy; false if it would not fit. */
static bool put(char *buf, size_t size, size_t *o, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool put(char *buf, size_t size, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *o, size - *o, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *o)
		return false;
	*o += n;
	return true;
}

int tdat_fmt_canon(const char *sys, const char *text, size_t len, char **out, size_t *out_len,
		   size_t *bad_at, const char **why)
{
	char name[64], decl[MAX_DECL];
	const char *fname;
	struct line l;
	size_t pos = 0, o = 0, size = 256 + MAX_FIELDS * (MAX_DECL + 64), nfields = 0;
	long id = -1;
	bool sep = false;
	char *buf;

	*out = NULL;
	*bad_at = 0;
	if (!next_line(text, len, &pos, &l) || !starts(&l, "name: ")) {
		*why = "\"name: \" on the first line of an event format";
		return -1;
	}
	if (l.len - 6 == 0 || l.len - 6 >= sizeof(name)) {
		*why = "an event name of 1 to 63 characters";
		return -1;
	}
	for (size_t i = 6; i < l.len; i++) {
		if (!is_ident_char(l.p[i])) {
			*why = "an event name of letters, digits and '_'";
			return -1;
		}
	}
	memcpy(name, l.p + 6, l.len - 6);
	name[l.len - 6] = '\0';
	if (!scmwq_tepconv_wanted(sys, name))
		return 0;

	buf = malloc(size);
	if (!buf) {
		*why = "memory";
		return -2;
	}
	*why = NULL;
	while (next_line(text, len, &pos, &l)) {
		const char *s = l.p, *end = l.p + l.len, *semi;
		long off, fsize, sgn = 0;

		*bad_at = l.p - text;
		if (starts(&l, "ID: ")) {
			char num[12];

			if (l.len - 4 == 0 || l.len - 4 >= sizeof(num)) {
				*why = "a numeric event ID";
				break;
			}
			memcpy(num, l.p + 4, l.len - 4);
			num[l.len - 4] = '\0';
			for (size_t i = 0; num[i]; i++)
				if (!isdigit((unsigned char)num[i]))
					*why = "a numeric event ID";
			if (*why)
				break;
			id = strtol(num, NULL, 10);
			if (id > 65535) {
				*why = "an event ID of at most 65535";
				break;
			}
			continue;
		}
		if (starts(&l, "print fmt:"))
			break;
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s == end && nfields && !sep) {
			/*
			 * A blank line ends the common fields: libtraceevent
			 * looks up only the fields after it by name.
			 */
			sep = put(buf, size, &o, "\n");
			continue;
		}
		if ((size_t)(end - s) < 6 || memcmp(s, "field:", 6))
			continue;	/* "format:" */
		s += 6;
		semi = memchr(s, ';', end - s);
		if (!semi || !decl_ok(s, semi - s, decl, &fname)) {
			*why = "a field declaration \"TYPE NAME;\" of at most 95 characters";
			break;
		}
		s = semi + 1;
		if (!key_num(&s, end, "offset:", MAX_FIELD_END, &off) || off < 0 ||
		    !key_num(&s, end, "size:", MAX_FIELD_END, &fsize) || fsize < 0 ||
		    off + fsize > MAX_FIELD_END) {
			*why = "\"offset:N;\tsize:N;\" of a field within 65536 bytes";
			break;
		}
		key_num(&s, end, "signed:", 1, &sgn);
		if (nfields++ >= MAX_FIELDS) {
			*why = "at most 64 fields in an event format";
			break;
		}
		if (!put(buf, size, &o, "\tfield:%s;\toffset:%ld;\tsize:%ld;\tsigned:%d;\n", decl, off,
			 fsize, sgn != 0)) {
			*why = "a shorter event format";
			break;
		}
	}
	if (!*why && id < 0) {
		*bad_at = 0;
		*why = "an \"ID: \" line in the event format";
	}
	if (*why) {
		free(buf);
		return -1;
	}
	/* header first: build it in front of the fields */
	{
		char head[128];
		int hn = snprintf(head, sizeof(head), "name: %s\nID: %ld\nformat:\n", name, id);
		static const char tail[] = "\nprint fmt: \"\"\n";

		if (hn < 0 || (size_t)hn + o + sizeof(tail) > size) {
			free(buf);
			*why = "a shorter event format";
			return -1;
		}
		memmove(buf + hn, buf, o);
		memcpy(buf, head, hn);
		memcpy(buf + hn + o, tail, sizeof(tail));
		*out_len = hn + o + sizeof(tail) - 1;
	}
	(void)fname;
	*out = buf;
	return 1;
}
