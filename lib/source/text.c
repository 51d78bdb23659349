// SPDX-License-Identifier: GPL-2.0
/*
 * The ftrace text reader as a source: what `cat /sys/kernel/tracing/trace`,
 * trace_pipe and `trace-cmd report` print (traces.md section 3), told
 * apart from other text on open, read line by line and handed to the line
 * parser (text_line.c).
 *
 * The file is read through one reusable buffer, line by line; memory is
 * bounded by the longest line (at most TEXT_MAX_LINE), not by the file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/decompress.h"
#include "source/text.h"

#define TEXT_BUF_SIZE	(256 * 1024)
#define TEXT_MAX_LINE	(1024 * 1024)
#define DETECT_LINES	20	/* non-blank lines looked at to accept the file */
#define PRESCAN_LINES	4096	/* lines already buffered looked at for the system */

static const char WHY_CUT[] = "last line is cut off (interrupted capture?); ignored";

struct text_priv {
	struct scmwq_instream *in;	/* the file, decompressed if need be */
	char *buf;
	size_t cap;		/* usable bytes; buf has one more for a NUL */
	size_t start;		/* first byte not consumed (kept on compaction) */
	size_t cur;		/* where the next line starts */
	size_t scan;		/* no '\n' in [cur, scan) */
	size_t end;		/* end of data */
	size_t clean;		/* no NUL in [the line being checked, clean), and a NUL at clean
				 * if clean < end: see has_nul() */
	bool eof;
	bool discard;		/* dropping the rest of an over-long line */
	uint64_t lineno;
	struct scmwq_text_ctx ctx;
};

enum get_result {
	GL_EOF = 0,
	GL_LINE,
	GL_LONG,	/* a line longer than TEXT_MAX_LINE (dropped in consume mode) */
	GL_AGAIN,	/* no full line buffered and reading was not allowed */
	GL_ERROR,
};

/* Make room for more data: compact, then grow.  Returns false if out of memory. */
static bool make_room(struct text_priv *t)
{
	if (t->start > 0) {
		size_t n = t->end - t->start;

		memmove(t->buf, t->buf + t->start, n);
		t->cur -= t->start;
		t->scan -= t->start;
		t->clean = t->clean > t->start ? t->clean - t->start : 0;
		t->end = n;
		t->start = 0;
		if (t->end < t->cap)
			return true;
	}
	if (t->end < t->cap)
		return true;
	{
		size_t cap = t->cap * 2;
		char *b = realloc(t->buf, cap + 1);

		if (!b)
			return false;
		t->buf = b;
		t->cap = cap;
	}
	return true;
}

/*
 * The next line from t->cur: @line and @len (no newline, no '\r'), terminated
 * by a NUL written over the newline; *cut when it had no newline (EOF).
 * @consume moves t->start past it; otherwise it stays buffered (peek).
 */
static enum get_result get_line(struct text_priv *t, bool consume, bool may_read,
				char **line, size_t *len, bool *cut, struct scmwq_error *err,
				const char *display)
{
	for (;;) {
		char *nl = NULL;

		if (t->scan < t->end)
			nl = memchr(t->buf + t->scan, '\n', t->end - t->scan);
		if (nl) {
			size_t pos = nl - t->buf;

			if (t->discard) {
				t->discard = false;
				t->cur = t->scan = pos + 1;
				if (consume)
					t->start = t->cur;
				continue;
			}
			*line = t->buf + t->cur;
			*len = pos - t->cur;
			*cut = false;
			t->cur = t->scan = pos + 1;
			if (consume)
				t->start = t->cur;
			if (*len && (*line)[*len - 1] == '\r')
				(*len)--;
			return GL_LINE;
		}
		t->scan = t->end;
		if (t->discard) {
			/* drop what we have of the long line */
			t->cur = t->scan = t->end;
			if (consume)
				t->start = t->end;
		} else if (t->end - t->cur > TEXT_MAX_LINE) {
			if (!consume)
				return GL_LONG;
			t->discard = true;
			t->cur = t->scan = t->start = t->end;
			return GL_LONG;
		}
		if (t->eof) {
			if (t->cur == t->end)
				return GL_EOF;
			*line = t->buf + t->cur;
			*len = t->end - t->cur;
			*cut = true;
			t->cur = t->scan = t->end;
			if (consume)
				t->start = t->cur;
			if (*len && (*line)[*len - 1] == '\r')
				(*len)--;
			return GL_LINE;
		}
		if (!may_read)
			return GL_AGAIN;
		if (t->end == t->cap && !make_room(t)) {
			scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: out of memory", display);
			return GL_ERROR;
		}
		{
			ssize_t n = scmwq_instream_read(t->in, t->buf + t->end, t->cap - t->end, err);

			if (n < 0)
				return GL_ERROR;
			if (n == 0)
				t->eof = true;
			t->end += n;
		}
	}
}

/*
 * Whether the line at @line (@len bytes) holds a NUL byte.  One memchr()
 * runs over all the data buffered, not one per line: its answer is kept
 * in t->clean until the lines reach it.
 */
static bool has_nul(struct text_priv *t, const char *line, size_t len)
{
	size_t s = line - t->buf, e = s + len;
	const char *p;

	if (t->clean < s)
		t->clean = s;
	if (t->clean >= e)
		return false;
	p = memchr(t->buf + t->clean, '\0', t->end - t->clean);
	if (!p) {
		t->clean = t->end;
		return false;
	}
	t->clean = p - t->buf;
	if (t->clean < e) {
		t->clean = e;
		return true;
	}
	return false;
}

static void set_sys(struct scmwq_source *src, enum scmwq_system sys)
{
	if (src->sys == SCMWQ_SYS_UNKNOWN)
		src->sys = sys;
}

static int text_next(struct scmwq_source *src, struct scmwq_event *ev, struct scmwq_error *err)
{
	struct text_priv *t = src->priv;
	enum scmwq_line_kind kind;
	struct line_info info;
	const char *why;
	size_t len;
	char *line;
	bool cut;

	for (;;) {
		switch (get_line(t, true, true, &line, &len, &cut, err, src->display)) {
		case GL_EOF:
			return 0;
		case GL_ERROR:
			return -1;
		case GL_LONG:
			t->lineno++;
			scmwq_source_diag(src, t->lineno, "line longer than 1 MiB; ignored");
			continue;
		default:
			break;
		}
		t->lineno++;
		if (has_nul(t, line, len)) {
			line[len] = '\0';
			if (cut && src->diag)
				src->diag(src->display, t->lineno, WHY_CUT, src->diag_arg);
			else if (!cut)
				scmwq_source_diag(src, t->lineno,
						  "binary data (NUL byte) in a text line");
			continue;
		}
		line[len] = '\0';
		kind = txt_parse_line(&t->ctx, line, ev, &why, &info);
		src->cpus = t->ctx.cpus;
		switch (kind) {
		case SCMWQ_LINE_EVENT:
			ev->where = t->lineno;
			if (ev->sys != SCMWQ_SYS_UNKNOWN)
				set_sys(src, ev->sys);
			return 1;
		case SCMWQ_LINE_LOST:
			ev->where = t->lineno;
			src->lost += ev->lost_count;
			return 1;
		case SCMWQ_LINE_MALFORMED:
			if (!cut)
				scmwq_source_diag(src, t->lineno, why);
			else if (src->diag)
				src->diag(src->display, t->lineno, WHY_CUT, src->diag_arg);
			continue;
		default:
			if (cut && info.cut_name && src->diag)
				src->diag(src->display, t->lineno, WHY_CUT, src->diag_arg);
			continue;
		}
	}
}

static void text_free(struct scmwq_source *src)
{
	struct text_priv *t = src->priv;

	if (!t)
		return;
	scmwq_instream_free(t->in);
	free(t->buf);
	free(t);
	src->priv = NULL;
}

static const struct scmwq_source_ops text_ops = {
	.name = "text",
	.next = text_next,
	.free = text_free,
};

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* The lines of the header the kernel prints at the top of the trace file. */
static bool ftrace_header_line(const char *line, size_t len)
{
	static const char *const heads[] = {
		"# tracer:", "# entries-in-buffer/entries-written:", "#           TASK-PID",
		"#              | |", "# TASK-PID",
	};

	for (size_t i = 0; i < ARRAY_SIZE(heads); i++) {
		size_t n = strlen(heads[i]);

		if (len >= n && !memcmp(line, heads[i], n))
			return true;
	}
	return false;
}

/* Is this line ftrace?  Parsed on a scratch context: nothing is kept. */
static bool recognisable(char *line, size_t len)
{
	struct scmwq_text_ctx ctx = { 0 };
	struct scmwq_event ev;
	struct line_info info;
	const char *why;
	char save = line[len];
	bool ok;

	if (memchr(line, '\0', len))
		return false;
	line[len] = '\0';
	ok = txt_parse_line(&ctx, line, &ev, &why, &info) != SCMWQ_LINE_MALFORMED || info.grammar;
	line[len] = save;
	return ok;
}

/*
 * Look at the first lines without consuming them: accept the file if one of
 * the first DETECT_LINES non-blank lines is ftrace.
 */
static int text_detect(struct scmwq_source *src, struct text_priv *t, struct scmwq_error *err)
{
	uint64_t lineno = 0, first_bad = 0;
	int nonblank = 0;
	size_t len;
	char *line;
	bool cut;

	for (;;) {
		enum get_result r = get_line(t, false, true, &line, &len, &cut, err, src->display);

		if (r == GL_ERROR)
			return -1;
		if (r == GL_EOF)
			break;
		lineno++;
		if (r == GL_LONG) {
			if (!first_bad)
				first_bad = lineno;
			break;
		}
		if (blank(line, len))
			continue;
		/*
		 * A '#' line proves nothing by itself (shell scripts, Markdown):
		 * only the ftrace header's own lines do.
		 */
		if (line[0] == '#' && !ftrace_header_line(line, len)) {
			if (++nonblank == DETECT_LINES)
				break;
			continue;
		}
		if (recognisable(line, len)) {
			t->cur = t->scan = t->start;
			return 0;
		}
		if (!first_bad)
			first_bad = lineno;
		if (++nonblank == DETECT_LINES)
			break;
	}
	return scmwq_error_set(err, SCMWQ_E_DATA,
			       "%s:%llu: expected ftrace text (TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS)",
			       src->display, (unsigned long long)(first_bad ? first_bad : 1));
}

/*
 * Tell the system from the first lines, so that it is known right after
 * open.  A regular file gets one read to fill the buffer; a pipe (a live
 * trace_pipe) only what it already gave, so that open does not block.
 */
static void text_prescan(struct scmwq_source *src, struct text_priv *t)
{
	struct scmwq_text_ctx ctx = { 0 };
	struct scmwq_event ev;
	struct line_info info;
	struct stat st;
	const char *why;
	size_t len;
	char *line;
	bool cut;

	if (!t->eof && t->end < t->cap && fstat(scmwq_instream_fd(t->in), &st) == 0 &&
	    S_ISREG(st.st_mode)) {
		ssize_t n = scmwq_instream_read(t->in, t->buf + t->end, t->cap - t->end, NULL);

		if (n > 0)
			t->end += n;
		else if (n == 0)
			t->eof = true;
		/* a read error shows again, and is reported, in next() */
	}
	for (int i = 0; i < PRESCAN_LINES && src->sys == SCMWQ_SYS_UNKNOWN; i++) {
		char save;

		if (get_line(t, false, false, &line, &len, &cut, NULL, src->display) != GL_LINE)
			break;
		if (memchr(line, '\0', len))
			continue;
		save = line[len];
		line[len] = '\0';
		if (txt_parse_line(&ctx, line, &ev, &why, &info) == SCMWQ_LINE_EVENT &&
		    ev.sys != SCMWQ_SYS_UNKNOWN && !cut)
			src->sys = ev.sys;
		line[len] = save;
	}
	t->cur = t->scan = t->start;
}

/**
 * scmwq_text_open - open a text source
 * @src: the source, with path, display and diag set
 * @in: the open file, positioned after @head (owned by the source from here on)
 * @head: bytes already read from @in
 * @head_len: their number
 * @err: filled on failure
 *
 * Checks that the content is ftrace text (no NUL bytes in @head; one of the
 * first 20 non-blank lines recognisable) and, from what is buffered, which
 * trace system it uses.
 *
 * Return: 0, or -1 with @err set (SCMWQ_E_DATA: not ftrace text).  On
 * failure @in is freed.
 */
int scmwq_text_open(struct scmwq_source *src, struct scmwq_instream *in, const char *head,
		    size_t head_len, struct scmwq_error *err)
{
	struct text_priv *t;
	const char *nul;

	nul = memchr(head, '\0', head_len);
	if (nul) {
		scmwq_instream_free(in);
		return scmwq_error_set(err, SCMWQ_E_DATA,
				       "%s: offset %zu: binary data, expected ftrace text or a trace.dat file",
				       src->display, (size_t)(nul - head));
	}
	t = calloc(1, sizeof(*t));
	if (t)
		t->cap = head_len > TEXT_BUF_SIZE ? head_len : TEXT_BUF_SIZE;
	if (t)
		t->buf = malloc(t->cap + 1);
	if (!t || !t->buf) {
		free(t);
		scmwq_instream_free(in);
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: out of memory", src->display);
	}
	t->in = in;
	memcpy(t->buf, head, head_len);
	t->end = head_len;
	src->ops = &text_ops;
	src->priv = t;

	if (text_detect(src, t, err) < 0) {
		text_free(src);
		src->ops = NULL;
		return -1;
	}
	text_prescan(src, t);
	return 0;
}
