// SPDX-License-Identifier: GPL-2.0
/*
 * The ftrace text reader: what `cat /sys/kernel/tracing/trace`, trace_pipe
 * and `trace-cmd report` print (traces.md section 3).
 *
 * The file is read through one reusable buffer, line by line; memory is
 * bounded by the longest line (at most TEXT_MAX_LINE), not by the file.
 * Lines are scanned by hand: no regex, no sscanf.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/text.h"

#define TEXT_BUF_SIZE	(256 * 1024)
#define TEXT_MAX_LINE	(1024 * 1024)
#define DETECT_LINES	20	/* non-blank lines looked at to accept the file */
#define PRESCAN_LINES	4096	/* lines already buffered looked at for the system */

static const char WHY_GRAMMAR[] = "expected TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS";
static const char WHY_CUT[] = "last line is cut off (interrupted capture?); ignored";

/*
 * A timestamp: "sec.frac" (any fraction length, scaled to ns) or a bare
 * counter.  @len bytes at @s, nothing else.
 */
static bool parse_ts(const char *s, size_t len, uint64_t *ns)
{
	const char *e = s + len, *p = s;
	uint64_t sec = 0, frac = 0;
	int fd = 0;

	if (!len || !txt_is_digit(*p))
		return false;
	while (p < e && txt_is_digit(*p)) {
		if (sec > (UINT64_MAX - 9) / 10)
			return false;
		sec = sec * 10 + (*p++ - '0');
	}
	if (p == e) {
		*ns = sec;
		return true;
	}
	if (*p++ != '.' || p == e)
		return false;
	while (p < e && txt_is_digit(*p)) {
		if (fd < 9) {
			frac = frac * 10 + (*p - '0');
			fd++;
		}
		p++;
	}
	if (p != e)
		return false;
	for (; fd < 9; fd++)
		frac *= 10;
	if (sec > (UINT64_MAX - frac) / 1000000000ULL)
		return false;
	*ns = sec * 1000000000ULL + frac;
	return true;
}

/* ------------------------------------------------------------------ */
/* Event names                                                          */

static const struct {
	const char *name;
	size_t len;
	enum text_ev tev;
	enum scmwq_ev_type type;
	const char *why;
} events[] = {
#define E(n, t, ty, w) { n, sizeof(n) - 1, t, ty, w }
	E("scm_smc_request", TEV_REQUEST, SCMWQ_EV_SMC_REQUEST,
	  "scm_smc_request: expected smc_id:0xN svc_id:0xN cmd_id:0xN args_cnt:N args:{...}"),
	E("scm_waitq_sleep", TEV_SLEEP, SCMWQ_EV_SLEEP,
	  "scm_waitq_sleep: expected wq_ctx:N, smc_call_ctx:N"),
	E("scm_waitq_resume", TEV_RESUME, SCMWQ_EV_RESUME,
	  "scm_waitq_resume: expected smc_call_ctx:N"),
	E("scm_waitq_get_wq_ctx", TEV_GET_WQ_CTX, SCMWQ_EV_GET_WQ_CTX,
	  "scm_waitq_get_wq_ctx: expected wq_ctx:N, flags:N, more_pending:N"),
	E("scm_waitq_wake_ack", TEV_WAKE_ACK, SCMWQ_EV_WAKE_ACK,
	  "scm_waitq_wake_ack: expected wq_ctx:N, smc_call_ctx:N"),
	E("scm_smc_done", TEV_DONE, SCMWQ_EV_SMC_DONE,
	  "scm_smc_done: expected smc_id:0xN, ret:N res0:N res1:N res2:N"),
	E("sched_switch", TEV_SWITCH, SCMWQ_EV_SCHED_SWITCH,
	  "sched_switch: expected prev_comm=X prev_pid=N prev_prio=N prev_state=S ==> "
	  "next_comm=Y next_pid=N next_prio=N"),
	E("sched_waking", TEV_WAKEUP, SCMWQ_EV_SCHED_WAKEUP,
	  "sched_waking: expected comm=X pid=N prio=N target_cpu=N"),
	E("sched_wakeup", TEV_WAKEUP, SCMWQ_EV_SCHED_WAKEUP,
	  "sched_wakeup: expected comm=X pid=N prio=N target_cpu=N"),
#undef E
};

static int find_event(const char *name, size_t len)
{
	/* All our names start with "sc"; most other events do not. */
	if (len < 12 || name[0] != 's' || name[1] != 'c')
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(events); i++)
		if (events[i].len == len && !memcmp(events[i].name, name, len))
			return (int)i;
	return -1;
}

/* A proper prefix of one of our names: the sign of a line cut short. */
static bool is_event_prefix(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(events); i++)
		if (len < events[i].len && !memcmp(events[i].name, name, len))
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */

struct line_info {
	bool grammar;		/* fits TASK-PID [CPU] TS: (or is a known non-event line) */
	bool cut_name;		/* a skipped event whose name is a prefix of ours */
};

/*
 * Flags and timestamp after the "[CPU]" column: "d..2.  1234.567890:",
 * "  1234.567890:", "d..2.1234.567890:" (touching).  Returns the ':' or NULL.
 */
static const char *parse_flags_ts(struct scmwq_text_ctx *ctx, const char *t, uint64_t *ts,
				  int *flag_width)
{
	const char *tok;
	size_t n;

	*flag_width = 0;
	while (*t == ' ')
		t++;
	tok = t;
	while (*t && *t != ' ' && *t != ':')
		t++;
	if (*t == ' ') {
		n = t - tok;
		if (n > 8)
			return NULL;
		*flag_width = (int)n;
		while (*t == ' ')
			t++;
		tok = t;
		while (*t && *t != ' ' && *t != ':')
			t++;
		if (*t != ':' || !parse_ts(tok, t - tok, ts))
			return NULL;
		return t;
	}
	if (*t != ':')
		return NULL;
	n = t - tok;
	if (parse_ts(tok, n, ts))
		return t;
	/* flags touching the timestamp: the header's width, else the first that fits */
	if (ctx->flag_width >= 4 && (size_t)ctx->flag_width < n &&
	    txt_is_digit(tok[ctx->flag_width]) &&
	    parse_ts(tok + ctx->flag_width, n - ctx->flag_width, ts)) {
		*flag_width = ctx->flag_width;
		return t;
	}
	for (size_t w = 4; w <= 8 && w < n; w++) {
		if (txt_is_digit(tok[w]) && parse_ts(tok + w, n - w, ts)) {
			*flag_width = (int)w;
			return t;
		}
	}
	return NULL;
}

/*
 * "TASK-PID [ (TGID)] [CPU] FLAGS TS:" with '[' at @q.  On success fills
 * @ev's pid, cpu, comm, ts and returns the text after the timestamp's ':'.
 */
static const char *parse_columns(struct scmwq_text_ctx *ctx, const char *s, const char *q,
				 struct scmwq_event *ev, int *flag_width)
{
	const char *r = q + 1, *b = q, *e;
	int cpu, pid;

	r = txt_parse_dec_int(r, &cpu);
	if (!r || *r != ']' || cpu < 0)
		return NULL;
	while (b > s && b[-1] == ' ')
		b--;
	if (b > s && b[-1] == ')') {
		/* TGID column: "(  1234)" or "(-------)" */
		b--;
		while (b > s && b[-1] != '(') {
			char c = b[-1];

			if (!txt_is_digit(c) && c != ' ' && c != '-')
				return NULL;
			b--;
		}
		if (b == s)
			return NULL;
		b--;
		while (b > s && b[-1] == ' ')
			b--;
	}
	e = b;
	while (b > s && txt_is_digit(b[-1]))
		b--;
	if (b == e || e - b > 10 || b - 1 <= s || b[-1] != '-')
		return NULL;
	if (!txt_parse_dec_int(b, &pid))
		return NULL;
	r = parse_flags_ts(ctx, r + 1, &ev->ts_ns, flag_width);
	if (!r)
		return NULL;
	ev->pid = pid;
	ev->cpu = cpu;
	txt_copy_comm(ev->comm, s, b - 1 - s);
	return r + 1;
}

static enum scmwq_line_kind parse_line(struct scmwq_text_ctx *ctx, const char *line,
				       struct scmwq_event *ev, const char **why,
				       struct line_info *info)
{
	const char *p = line, *q, *body = NULL, *n1, *n2 = NULL, *sys = NULL, *fields;
	struct scmwq_event tmp;
	size_t len1, len2 = 0, sys_len = 0;
	enum scmwq_line_kind kind;
	int flag_width = 0, ei;

	info->grammar = true;
	info->cut_name = false;
	/*
	 * trace-cmd report of a tracefs instance's buffer puts "NAME: " in
	 * front of every line (events and loss markers alike).
	 */
	if (ctx->report_layout && *p != ' ' && *p != '\t') {
		for (q = p; *q && *q != ' ' && *q != '\t' && *q != ':'; q++)
			;
		if (q > p && q[0] == ':' && (q[1] == ' ' || q[1] == '\t') && strchr(q, '['))
			p = q + 1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (txt_parse_mark(ctx, p, ev, &kind))
		return kind;

	/* TASK-PID [CPU]: the first '[' the columns around fit */
	tmp.comm[0] = '\0';
	for (q = p; (q = strchr(q, '[')) != NULL; q++) {
		body = parse_columns(ctx, p, q, &tmp, &flag_width);
		if (body)
			break;
	}
	if (!body) {
		info->grammar = false;
		*why = WHY_GRAMMAR;
		return SCMWQ_LINE_MALFORMED;
	}
	ctx->last_ts = tmp.ts_ns;
	if (tmp.cpu < SCMWQ_TEXT_CPUS)
		ctx->cpu_ts[tmp.cpu] = tmp.ts_ns;
	if (flag_width >= 4 && flag_width <= 7 && !ctx->flag_width)
		ctx->flag_width = flag_width;

	/* EVENT: or SYSTEM:EVENT: */
	while (*body == ' ')
		body++;
	n1 = body;
	while (txt_is_ident(*body))
		body++;
	len1 = body - n1;
	if (!len1 || *body != ':') {
		/* function tracer, trace_printk, ... or a line cut in the name */
		info->cut_name = !*body && (!len1 || is_event_prefix(n1, len1) ||
					    find_event(n1, len1) >= 0);
		return SCMWQ_LINE_SKIP;
	}
	fields = body + 1;
	if (txt_is_ident(body[1])) {
		const char *e = body + 1;

		while (txt_is_ident(*e))
			e++;
		if (!*e)
			info->cut_name = is_event_prefix(body + 1, e - body - 1) ||
					 find_event(body + 1, e - body - 1) >= 0;
		if (*e == ':') {
			sys = n1;
			sys_len = len1;
			n2 = body + 1;
			len2 = e - n2;
		}
	}
	if (n2 && (ei = find_event(n2, len2)) >= 0) {
		fields = n2 + len2 + 1;
	} else {
		ei = find_event(n1, len1);
		sys = NULL;
		if (ei < 0)
			return SCMWQ_LINE_SKIP;
	}

	memset(ev, 0, sizeof(*ev));
	ev->type = events[ei].type;
	ev->ts_ns = tmp.ts_ns;
	ev->pid = tmp.pid;
	ev->cpu = tmp.cpu;
	memcpy(ev->comm, tmp.comm, sizeof(ev->comm));
	*why = NULL;

	switch (events[ei].tev) {
	case TEV_SWITCH:
		if (!txt_parse_switch(fields, ev))
			goto bad;
		return SCMWQ_LINE_EVENT;
	case TEV_WAKEUP:
		if (!txt_parse_wakeup(fields, ev))
			goto bad;
		return SCMWQ_LINE_EVENT;
	default:
		break;
	}

	if (!txt_parse_scm(fields, events[ei].tev, sys, sys_len, ev, why))
		goto bad;
	return SCMWQ_LINE_EVENT;
bad:
	if (!*why)
		*why = events[ei].why;
	return SCMWQ_LINE_MALFORMED;
}

/**
 * scmwq_text_parse_line - parse one line of ftrace text (no newline)
 * @ctx: per-file state, zero-initialised before the first line
 * @line: the line, NUL-terminated
 * @ev: filled for SCMWQ_LINE_EVENT and SCMWQ_LINE_LOST
 * @why: for SCMWQ_LINE_MALFORMED, set to a static description of what was
 *       expected
 *
 * Header lines update @ctx (CPU count, flags width); an event line sets
 * @ctx's last timestamp, which loss markers (which have none) take.
 *
 * Return: the kind of line.
 */
enum scmwq_line_kind scmwq_text_parse_line(struct scmwq_text_ctx *ctx, const char *line,
					   struct scmwq_event *ev, const char **why)
{
	struct line_info info;

	return parse_line(ctx, line, ev, why, &info);
}

/* ------------------------------------------------------------------ */
/* The source                                                          */

struct text_priv {
	FILE *fp;
	int fd;
	char *buf;
	size_t cap;		/* usable bytes; buf has one more for a NUL */
	size_t start;		/* first byte not consumed (kept on compaction) */
	size_t cur;		/* where the next line starts */
	size_t scan;		/* no '\n' in [cur, scan) */
	size_t end;		/* end of data */
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
		for (;;) {
			ssize_t n = read(t->fd, t->buf + t->end, t->cap - t->end);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				scmwq_error_set(err, SCMWQ_E_NOINPUT, "%s: cannot read: %s",
						display, strerror(errno));
				return GL_ERROR;
			}
			if (n == 0)
				t->eof = true;
			t->end += n;
			break;
		}
	}
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
		line[len] = '\0';
		if (memchr(line, '\0', len)) {
			if (cut && src->diag)
				src->diag(src->display, t->lineno, WHY_CUT, src->diag_arg);
			else if (!cut)
				scmwq_source_diag(src, t->lineno,
						  "binary data (NUL byte) in a text line");
			continue;
		}
		kind = parse_line(&t->ctx, line, ev, &why, &info);
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
	if (t->fp)
		fclose(t->fp);
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
	ok = parse_line(&ctx, line, &ev, &why, &info) != SCMWQ_LINE_MALFORMED || info.grammar;
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

	if (!t->eof && t->end < t->cap && fstat(t->fd, &st) == 0 && S_ISREG(st.st_mode)) {
		ssize_t n;

		do
			n = read(t->fd, t->buf + t->end, t->cap - t->end);
		while (n < 0 && errno == EINTR);
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
		if (parse_line(&ctx, line, &ev, &why, &info) == SCMWQ_LINE_EVENT &&
		    ev.sys != SCMWQ_SYS_UNKNOWN && !cut)
			src->sys = ev.sys;
		line[len] = save;
	}
	t->cur = t->scan = t->start;
}

/**
 * scmwq_text_open - open a text source
 * @src: the source, with path, display and diag set
 * @fp: the open file, positioned after @head (owned by the source from here on)
 * @head: bytes already read from @fp
 * @head_len: their number
 * @err: filled on failure
 *
 * Checks that the content is ftrace text (no NUL bytes in @head; one of the
 * first 20 non-blank lines recognisable) and, from what is buffered, which
 * trace system it uses.
 *
 * Return: 0, or -1 with @err set (SCMWQ_E_DATA: not ftrace text).  On
 * failure @fp is closed.
 */
int scmwq_text_open(struct scmwq_source *src, FILE *fp, const char *head, size_t head_len,
		    struct scmwq_error *err)
{
	struct text_priv *t;
	const char *nul;

	nul = memchr(head, '\0', head_len);
	if (nul) {
		fclose(fp);
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
		fclose(fp);
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: out of memory", src->display);
	}
	t->fp = fp;
	t->fd = fileno(fp);
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
