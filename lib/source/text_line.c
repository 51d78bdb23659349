// SPDX-License-Identifier: GPL-2.0
/*
 * One line of ftrace text: "TASK-PID [CPU] FLAGS TIMESTAMP: [SYSTEM:]EVENT:
 * FIELDS" read into an event, the fields handed to text_scm.c or
 * text_sched.c; lines that are no event to text_marks.c.
 */
#include "source/text.h"

static const char WHY_GRAMMAR[] = "expected TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS";

/*
 * A timestamp: "sec.frac" (any fraction length, scaled to ns) or a bare
 * counter.  @len bytes at @s, nothing else.
 */
static bool parse_ts(const char *s, size_t len, uint64_t *ns)
{
	/* 10^(9 - digits) for the fraction's first digits */
	static const uint32_t scale[10] = {
		1000000000, 100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1,
	};
	const char *e = s + len, *p = s;
	uint64_t sec = 0, frac = 0;
	int fd = 0;

	if (!len || !txt_is_digit(*p))
		return false;
	while (p < e && txt_is_digit(*p)) {
		/* 19 digits cannot overflow; check beyond */
		if (p - s >= 19 && sec > (UINT64_MAX - 9) / 10)
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
	frac *= scale[fd];
	/* sec * 10^9 + frac within 64 bits: UINT64_MAX is 18446744073.709551615 s */
	if (sec > 18446744073ULL || (sec == 18446744073ULL && frac > 709551615ULL))
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
	/* the last two letters tell the names of one length apart */
	for (size_t i = 0; i < ARRAY_SIZE(events); i++)
		if (events[i].len == len && events[i].name[len - 1] == name[len - 1] &&
		    events[i].name[len - 2] == name[len - 2] && !memcmp(events[i].name, name, len))
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
 * The kernel's own " FLAGS   SEC.FRAC:" after the "[CPU]" column (flags of
 * 1..8 printable bytes, 1..10 digits of seconds, 1..9 of fraction): what
 * parse_flags_ts() gives for it, in one pass; NULL for anything else,
 * which parse_flags_ts() then reads.
 */
static const char *fast_flags_ts(const char *t, uint64_t *ts, int *flag_width)
{
	static const uint32_t scale[10] = {
		1000000000, 100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1,
	};
	uint64_t sec = 0, frac = 0;
	const char *f, *d;
	long n;

	if (*t++ != ' ')
		return NULL;
	for (f = t; *t > ' ' && *t != ':' && *t != 0x7f; t++)
		;
	n = t - f;
	if (!n || n > 8 || *t != ' ')
		return NULL;
	while (*t == ' ')
		t++;
	for (d = t; txt_is_digit(*t); t++)
		sec = sec * 10 + (uint64_t)(*t - '0');
	if (t == d || t - d > 10 || *t++ != '.')
		return NULL;
	for (d = t; txt_is_digit(*t); t++)
		frac = frac * 10 + (uint64_t)(*t - '0');
	if (t == d || t - d > 9 || *t != ':')
		return NULL;
	*ts = sec * 1000000000ULL + frac * scale[t - d];
	*flag_width = (int)n;
	return t;
}

/*
 * "TASK-PID [ (TGID)] [CPU] FLAGS TS:" with '[' at @q.  On success fills
 * @ev's pid, cpu, comm, ts and returns the text after the timestamp's ':'.
 */
static const char *parse_columns(struct scmwq_text_ctx *ctx, const char *s, const char *q,
				 struct scmwq_event *ev, int *flag_width)
{
	const char *r = q + 1, *b = q, *e, *t;
	int cpu, pid;

	if (!ctx->general && txt_is_digit(r[0]) && txt_is_digit(r[1]) && txt_is_digit(r[2]) &&
	    r[3] == ']') {
		/* "[%03d]" */
		cpu = (r[0] - '0') * 100 + (r[1] - '0') * 10 + (r[2] - '0');
		r += 3;
	} else {
		r = txt_parse_dec_int(r, &cpu);
		if (!r || *r != ']' || cpu < 0)
			return NULL;
	}
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
	if (!ctx->general && e - b < 10) {
		/* at most 9 digits: no overflow */
		for (pid = 0, t = b; t < e; t++)
			pid = pid * 10 + (*t - '0');
	} else if (!txt_parse_dec_int(b, &pid)) {
		return NULL;
	}
	t = ctx->general ? NULL : fast_flags_ts(r + 1, &ev->ts_ns, flag_width);
	r = t ? t : parse_flags_ts(ctx, r + 1, &ev->ts_ns, flag_width);
	if (!r)
		return NULL;
	ev->pid = pid;
	ev->cpu = cpu;
	txt_copy_comm(ev->comm, s, b - 1 - s);
	return r + 1;
}

/*
 * trace-cmd report of a tracefs instance's buffer puts "NAME: " in front
 * of every line (events and loss markers alike).  Returns the line after
 * it, and after leading blanks.
 */
static const char *skip_instance(const struct scmwq_text_ctx *ctx, const char *p)
{
	const char *q;

	if (ctx->report_layout && *p != ' ' && *p != '\t') {
		for (q = p; *q && *q != ' ' && *q != '\t' && *q != ':'; q++)
			;
		if (q > p && q[0] == ':' && (q[1] == ' ' || q[1] == '\t') && strchr(q, '['))
			p = q + 1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * The columns before the event's name, around the first '[' they fit:
 * @tmp gets pid, cpu, comm and time, which @ctx keeps as the CPU's last
 * (and the flags width, if the header did not give it).  Returns the text
 * after the timestamp's ':', or NULL if no '[' fits.
 */
static const char *parse_head(struct scmwq_text_ctx *ctx, const char *p, struct scmwq_event *tmp)
{
	const char *q, *body = NULL;
	int flag_width = 0;

	/* TASK-PID [CPU]: the first '[' the columns around fit */
	tmp->comm[0] = '\0';
	for (q = p; (q = strchr(q, '[')) != NULL; q++) {
		body = parse_columns(ctx, p, q, tmp, &flag_width);
		if (body)
			break;
	}
	if (!body)
		return NULL;
	ctx->last_ts = tmp->ts_ns;
	if (tmp->cpu < SCMWQ_TEXT_CPUS)
		ctx->cpu_ts[tmp->cpu] = tmp->ts_ns;
	if (flag_width >= 4 && flag_width <= 7 && !ctx->flag_width)
		ctx->flag_width = flag_width;
	return body;
}

/* Which of our events a line holds. */
struct event_name {
	int ei;			/* in events[] */
	const char *sys;	/* the SYSTEM: before it, or NULL */
	size_t sys_len;
	const char *fields;	/* after the name's ':' */
};

/*
 * "EVENT:" or "SYSTEM:EVENT:" at @body into @name.  Returns false when
 * the line is not one of our events (function tracer, trace_printk, other
 * events), with @info->cut_name set when it may be ours cut in its name.
 */
/*
 * One of our SCM names at @b followed by ": " (the kernel's own line: no
 * SYSTEM: before it), told by two letters and checked whole; its index in
 * events[], or -1 to read the name the long way.
 */
static int scm_name_at(const char *b)
{
	int i;

	if (b[0] != 's' || b[1] != 'c' || b[2] != 'm' || b[3] != '_')
		return -1;
	switch (b[4]) {
	case 's':	/* scm_smc_request, scm_smc_done */
		if (b[5] != 'm' || b[6] != 'c' || b[7] != '_')
			return -1;
		i = b[8] == 'r' ? 0 : b[8] == 'd' ? 5 : -1;
		break;
	case 'w':	/* scm_waitq_... */
		if (b[5] != 'a' || b[6] != 'i' || b[7] != 't' || b[8] != 'q' || b[9] != '_')
			return -1;
		i = b[10] == 's' ? 1 : b[10] == 'r' ? 2 : b[10] == 'g' ? 3 : b[10] == 'w' ? 4 : -1;
		break;
	default:
		return -1;
	}
	if (i < 0)
		return -1;
	/* the bytes compared stop at the first that differs: never past the line's NUL */
	for (size_t k = 0; k < events[i].len; k++)
		if (b[k] != events[i].name[k])
			return -1;
	if (b[events[i].len] != ':' || b[events[i].len + 1] != ' ')
		return -1;
	return i;
}

static bool parse_event_name(const struct scmwq_text_ctx *ctx, const char *body,
			     struct line_info *info, struct event_name *name)
{
	const char *n1, *n2 = NULL;
	size_t len1, len2 = 0;

	name->sys = NULL;
	name->sys_len = 0;
	while (*body == ' ')
		body++;
	name->ei = ctx->general ? -1 : scm_name_at(body);
	if (name->ei >= 0) {
		name->fields = body + events[name->ei].len + 1;
		return true;
	}
	n1 = body;
	while (txt_is_ident(*body))
		body++;
	len1 = body - n1;
	if (!len1 || *body != ':') {
		/* function tracer, trace_printk, ... or a line cut in the name */
		info->cut_name = !*body && (!len1 || is_event_prefix(n1, len1) ||
					    find_event(n1, len1) >= 0);
		return false;
	}
	name->fields = body + 1;
	if (txt_is_ident(body[1])) {
		const char *e = body + 1;

		while (txt_is_ident(*e))
			e++;
		if (!*e)
			info->cut_name = is_event_prefix(body + 1, e - body - 1) ||
					 find_event(body + 1, e - body - 1) >= 0;
		if (*e == ':') {
			name->sys = n1;
			name->sys_len = len1;
			n2 = body + 1;
			len2 = e - n2;
		}
	}
	if (n2 && (name->ei = find_event(n2, len2)) >= 0) {
		name->fields = n2 + len2 + 1;
	} else {
		name->ei = find_event(n1, len1);
		name->sys = NULL;
		if (name->ei < 0)
			return false;
	}
	return true;
}

/* The fields of event @name into @ev.  False if garbled (*@why may say more). */
static bool parse_fields(const struct scmwq_text_ctx *ctx, const struct event_name *name,
			 struct scmwq_event *ev, const char **why)
{
	enum text_ev tev = events[name->ei].tev;

	switch (tev) {
	case TEV_SWITCH:
		return txt_parse_switch(name->fields, ev);
	case TEV_WAKEUP:
		return txt_parse_wakeup(name->fields, ev);
	default:
		if (ctx->general)
			return txt_parse_scm_general(name->fields, tev, name->sys, name->sys_len,
						     ev, why);
		return txt_parse_scm(name->fields, tev, name->sys, name->sys_len, ev, why);
	}
}

enum scmwq_line_kind txt_parse_line(struct scmwq_text_ctx *ctx, const char *line,
				    struct scmwq_event *ev, const char **why,
				    struct line_info *info)
{
	struct event_name name;
	enum scmwq_line_kind kind;
	struct scmwq_event tmp;
	const char *p, *body;

	info->grammar = true;
	info->cut_name = false;
	p = skip_instance(ctx, line);
	if (txt_parse_mark(ctx, p, ev, &kind))
		return kind;
	body = parse_head(ctx, p, &tmp);
	if (!body) {
		info->grammar = false;
		*why = WHY_GRAMMAR;
		return SCMWQ_LINE_MALFORMED;
	}
	if (!parse_event_name(ctx, body, info, &name))
		return SCMWQ_LINE_SKIP;

	scmwq_event_clear(ev);
	ev->type = events[name.ei].type;
	ev->ts_ns = tmp.ts_ns;
	ev->pid = tmp.pid;
	ev->cpu = tmp.cpu;
	memcpy(ev->comm, tmp.comm, sizeof(ev->comm));
	*why = NULL;
	if (!parse_fields(ctx, &name, ev, why)) {
		if (!*why)
			*why = events[name.ei].why;
		return SCMWQ_LINE_MALFORMED;
	}
	return SCMWQ_LINE_EVENT;
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

	return txt_parse_line(ctx, line, ev, why, &info);
}
