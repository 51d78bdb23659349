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
static const char WHY_VENDOR_ARGS[] =
	"scm_smc_request: expected the vendor arguments \" x2:(hex:0xH decimal:D) x3:(...)...\" "
	"at the end, after args_cnt:N";

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

enum text_ev {
	TEV_NONE = 0,
	TEV_REQUEST,
	TEV_SLEEP,
	TEV_RESUME,
	TEV_GET_WQ_CTX,
	TEV_WAKE_ACK,
	TEV_DONE,
	TEV_SWITCH,
	TEV_WAKEUP,
};

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
/* SCM event fields                                                    */

enum fkey {
	K_UNKNOWN = 0,
	K_SMC_ID,
	K_SVC_ID,
	K_CMD_ID,
	K_ARGS_CNT,
	K_ARGS,
	K_ARGN,		/* arg0.. (probes) */
	K_XN,		/* x2.. (vendor: the argument's register) */
	K_WQ_CTX,
	K_CTX,
	K_FLAGS,
	K_MORE,
	K_RET,
	K_RES,
	K_RES0,
	K_RES1,
	K_RES2,
};

static enum fkey field_key(const char *k, size_t len, unsigned int *idx)
{
	const char *d = NULL;

	switch (len) {
	case 3:
		if (txt_starts(k, "ret", 3))
			return K_RET;
		if (txt_starts(k, "res", 3))
			return K_RES;
		break;
	case 4:
		if (txt_starts(k, "args", 4))
			return K_ARGS;
		if (txt_starts(k, "res", 3) && k[3] >= '0' && k[3] <= '2')
			return K_RES0 + (k[3] - '0');
		break;
	case 5:
		if (txt_starts(k, "flags", 5))
			return K_FLAGS;
		break;
	case 6:
		if (txt_starts(k, "smc_id", 6))
			return K_SMC_ID;
		if (txt_starts(k, "svc_id", 6))
			return K_SVC_ID;
		if (txt_starts(k, "cmd_id", 6))
			return K_CMD_ID;
		if (txt_starts(k, "wq_ctx", 6))
			return K_WQ_CTX;
		break;
	case 8:
		if (txt_starts(k, "args_cnt", 8))
			return K_ARGS_CNT;
		break;
	case 12:
		if (txt_starts(k, "smc_call_ctx", 12))
			return K_CTX;
		if (txt_starts(k, "more_pending", 12))
			return K_MORE;
		break;
	case 13:
		if (txt_starts(k, "res_to_callee", 13))
			return K_RES;
		break;
	}
	if (k[0] == 'x' && len >= 2)
		d = k + 1;
	else if (len >= 4 && txt_starts(k, "arg", 3))
		d = k + 3;
	if (d) {
		unsigned int v = 0;

		for (; d < k + len; d++) {
			if (!txt_is_digit(*d) || v > 1000)
				return K_UNKNOWN;
			v = v * 10 + (*d - '0');
		}
		*idx = v;
		return k[0] == 'x' ? K_XN : K_ARGN;
	}
	return K_UNKNOWN;
}

/* Skip the value of a field we do not know: to a space, or a balanced group. */
static const char *skip_value(const char *p)
{
	char open = *p, close;
	int depth = 0;

	switch (open) {
	case '(':
		close = ')';
		break;
	case '{':
		close = '}';
		break;
	case '[':
		close = ']';
		break;
	case '"':
		p = strchr(p + 1, '"');
		return p ? p + 1 : NULL;
	default:
		while (*p && *p != ' ' && *p != '\t')
			p++;
		return p;
	}
	for (; *p; p++) {
		if (*p == open)
			depth++;
		else if (*p == close && --depth == 0)
			return p + 1;
	}
	return NULL;
}

/*
 * A dynamic array as libtraceevent prints a field raw (`trace-cmd report
 * -R`, and after "[FAILED TO PARSE]"): "ARRAY[1f, 00, 00, 00, 00, 00, 00,
 * 00]", its bytes in memory order.  Mainline's args[] holds args_cnt
 * (@cnt; -1 unknown) unsigned longs: their size is the bytes over the
 * count (4 or 8), little endian (arm64 and x86 alike).
 */
static const char *parse_byte_array(const char *p, int cnt, struct scmwq_event *ev,
				    unsigned int *n)
{
	unsigned char b[8 * SCMWQ_MAX_ARGS];
	size_t nb = 0, esize;

	for (p += 6; *p != ']'; p += 2, nb++) {
		int hi, lo;

		if (nb && (p[0] != ',' || p[1] != ' '))
			return NULL;
		p += nb ? 2 : 0;
		if ((hi = txt_hex_val(p[0])) < 0 || (lo = txt_hex_val(p[1])) < 0 || nb >= 4096)
			return NULL;
		if (nb < sizeof(b))
			b[nb] = (unsigned char)(hi << 4 | lo);
	}
	if (cnt < 0)
		cnt = nb % 8 ? (int)nb / 4 : (int)nb / 8;
	if (!cnt || nb % cnt) {
		*n = 0;
		return nb ? NULL : p + 1;
	}
	esize = nb / cnt;
	if (esize != 4 && esize != 8)
		return NULL;
	*n = cnt < SCMWQ_MAX_ARGS ? (unsigned int)cnt : SCMWQ_MAX_ARGS;
	for (unsigned int i = 0; i < *n; i++) {
		ev->args[i] = 0;
		for (size_t j = 0; j < esize && i * esize + j < sizeof(b); j++)
			ev->args[i] |= (uint64_t)b[i * esize + j] << (8 * j);
	}
	return p + 1;
}

/*
 * Vendor arguments: the rest of the line from the ' ' before "x2:" (@sp)
 * is the tracepoint's `out` text, " x2:(hex:0x0000001f decimal:31) x3:...",
 * parsed by the shared parser (lib/vendor_args.c): x2 is args[0].  Spaces
 * pasted after it are allowed.  @cnt: args_cnt when seen before, else -1.
 * Returns the end of the line, or NULL with *@why set.
 */
static const char *parse_vendor_args(const char *sp, int cnt, struct scmwq_event *ev,
				     unsigned int *n, const char **why)
{
	const char *e = sp + strlen(sp);
	int got;

	while (e > sp && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	got = scmwq_vendor_args_parse(sp, e - sp, cnt, ev->args, why);
	if (got < 0)
		return NULL;
	*n = got < SCMWQ_MAX_ARGS ? (unsigned int)got : SCMWQ_MAX_ARGS;
	return sp + strlen(sp);
}

/* Mainline argument array: "{0x1,0x2}" or "{}". */
static const char *parse_arg_array(const char *p, struct scmwq_event *ev, unsigned int *n)
{
	uint64_t v;

	if (*p++ != '{')
		return NULL;
	*n = 0;
	while (*p == ' ')
		p++;
	if (*p == '}')
		return p + 1;
	for (;;) {
		p = txt_parse_int(p, &v);
		if (!p)
			return NULL;
		if (*n < SCMWQ_MAX_ARGS)
			ev->args[*n] = v;
		(*n)++;
		while (*p == ' ')
			p++;
		if (*p == '}')
			return p + 1;
		if (*p++ != ',')
			return NULL;
		while (*p == ' ')
			p++;
	}
}

/*
 * Fields of an SCM event, by name.  Returns false if a field is garbled
 * (*why may then say more than the event's usual sentence); sets *probe
 * for probe-style lines and *cue to the system the print format gives away.
 */
static bool parse_scm_fields(const char *p, enum text_ev tev, struct scmwq_event *ev,
			     bool *probe, enum scmwq_system *cue, const char **why)
{
	const char *start = p;
	unsigned int nargs = 0, idx = 0, res_seen = 0;
	bool res_decimal = false, first = true, args_listed = false, cnt_seen = false;
	uint64_t v;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '(') {
		/* probe: "(sym+0x0/0x40)", "(0x4005d0)", "(caller+0x1c/0x40 <- func)" */
		p = skip_value(p);
		if (!p)
			return false;
		*probe = true;
	} else if (STARTS(p, "[FAILED TO PARSE]")) {
		/*
		 * trace-cmd report, when libtraceevent cannot use the print
		 * fmt (mainline's __print_dynamic_array): the raw fields follow.
		 */
		p += 17;
	}
	for (;;) {
		const char *k;
		enum fkey key;
		size_t klen;
		char sep;

		while (*p == ' ' || *p == ',' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			break;
		k = p;
		while (txt_is_ident(*p))
			p++;
		klen = p - k;
		sep = *p;
		if (!klen || (sep != ':' && sep != '='))
			return false;
		if (first && sep == '=')
			*probe = true;
		first = false;
		p++;
		key = field_key(k, klen, &idx);
		switch (key) {
		case K_UNKNOWN:
			p = skip_value(p);
			if (!p)
				return false;
			continue;
		case K_ARGS:
			if (STARTS(p, "ARRAY["))
				p = parse_byte_array(p, cnt_seen ? ev->args_cnt : -1, ev, &nargs);
			else
				p = parse_arg_array(p, ev, &nargs);
			if (!p)
				return false;
			ev->have |= SCMWQ_HAVE_ARGS;
			args_listed = true;
			*cue = SCMWQ_SYS_QCOM_SCM;
			break;
		case K_XN:
			if (sep == '=') {
				/* a probe's own field named xN: not the vendor's text */
				p = skip_value(p);
				if (!p)
					return false;
				continue;
			}
			if (tev != TEV_REQUEST || nargs || k == start || k[-1] != ' ') {
				*why = WHY_VENDOR_ARGS;
				return false;
			}
			p = parse_vendor_args(k - 1, cnt_seen ? ev->args_cnt : -1, ev, &nargs,
					      why);
			if (!p)
				return false;
			ev->have |= SCMWQ_HAVE_ARGS;
			args_listed = true;
			*cue = SCMWQ_SYS_SCM;
			break;
		case K_ARGN:
			p = txt_parse_int(p, &v);
			if (!p)
				return false;
			if (idx < SCMWQ_MAX_ARGS) {
				ev->args[idx] = v;
				if (idx + 1 > nargs)
					nargs = idx + 1;
			}
			ev->have |= SCMWQ_HAVE_ARGS;
			args_listed = true;
			break;
		default:
			if (key == K_RES0 && *p != '-' && !(p[0] == '0' && (p[1] | 0x20) == 'x'))
				res_decimal = true;
			p = txt_parse_int(p, &v);
			if (!p)
				return false;
			break;
		}
		if (!txt_value_end(*p))
			return false;

		switch (key) {
		case K_SMC_ID:
			ev->smc_id = v;
			ev->have |= SCMWQ_HAVE_SMC_ID;
			break;
		case K_SVC_ID:
			ev->svc_id = (uint8_t)v;
			ev->have |= SCMWQ_HAVE_SVC_CMD;
			/* vendor: "svc_id:0x24, cmd_id:"; mainline: no comma */
			if (!*probe && tev == TEV_REQUEST)
				*cue = *p == ',' ? SCMWQ_SYS_SCM : SCMWQ_SYS_QCOM_SCM;
			break;
		case K_CMD_ID:
			ev->cmd_id = (uint8_t)v;
			ev->have |= SCMWQ_HAVE_SVC_CMD;
			break;
		case K_ARGS_CNT:
			ev->args_cnt = (uint8_t)(v > 255 ? 255 : v);
			cnt_seen = true;
			if (!*probe)
				ev->have |= SCMWQ_HAVE_ARGS;
			break;
		case K_WQ_CTX:
			ev->wq_ctx = (uint32_t)v;
			ev->have |= SCMWQ_HAVE_WQ_CTX;
			break;
		case K_CTX:
			ev->smc_call_ctx = (uint32_t)v;
			ev->have |= SCMWQ_HAVE_CTX;
			break;
		case K_FLAGS:
			ev->flags = (uint32_t)v;
			ev->have |= SCMWQ_HAVE_FLAGS;
			break;
		case K_MORE:
			ev->more_pending = (uint32_t)v;
			ev->have |= SCMWQ_HAVE_MORE;
			break;
		case K_RET:
			ev->ret = (int)(uint32_t)v;
			ev->have |= SCMWQ_HAVE_RET;
			break;
		case K_RES:
			ev->res = v;
			ev->have |= SCMWQ_HAVE_RES;
			break;
		case K_RES0:
			ev->res0 = v;
			res_seen |= 1;
			break;
		case K_RES1:
			ev->res1 = v;
			res_seen |= 2;
			break;
		case K_RES2:
			ev->res2 = v;
			res_seen |= 4;
			break;
		default:
			break;
		}
	}
	if (res_seen == 7)
		ev->have |= SCMWQ_HAVE_RES012;

	if (tev == TEV_REQUEST) {
		/*
		 * Vendor format, args_cnt:N with N > 0 and no argument text:
		 * what `trace-cmd report` prints (libtraceevent ignores the
		 * "(char *)" cast before the text in the print fmt).  The
		 * arguments are unknown, not zero.
		 */
		if (!*probe && *cue == SCMWQ_SYS_SCM && cnt_seen && !args_listed &&
		    ev->args_cnt)
			ev->have &= ~SCMWQ_HAVE_ARGS;
		if (args_listed && !cnt_seen)
			ev->args_cnt = (uint8_t)nargs;
		if (!(ev->have & SCMWQ_HAVE_SVC_CMD) && (ev->have & SCMWQ_HAVE_SMC_ID)) {
			ev->svc_id = scmwq_smc_svc(ev->smc_id);
			ev->cmd_id = scmwq_smc_cmd(ev->smc_id);
			ev->have |= SCMWQ_HAVE_SVC_CMD;
		}
	}
	if (tev == TEV_DONE && !*probe && (ev->have & SCMWQ_HAVE_RET)) {
		if (ev->have & SCMWQ_HAVE_RES)
			*cue = SCMWQ_SYS_QCOM_SCM;
		else if (res_decimal)
			*cue = SCMWQ_SYS_SCM;
	}
	return true;
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

/*
 * A loss marker.  The kernel prints it before the CPU's next event, after
 * the other CPUs' events from meanwhile: the gap began at that CPU's last
 * line (the trace's start for a CPU not seen yet); the marker sits in the
 * stream at the last line's time.
 */
static void lost_event(struct scmwq_text_ctx *ctx, struct scmwq_event *ev, enum scmwq_loss loss,
		       int cpu, uint64_t count)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = SCMWQ_EV_LOST;
	ev->pid = -1;
	ev->cpu = cpu;
	ev->loss = loss;
	ev->lost_count = count;
	ev->ts_ns = ctx->last_ts;
	if (loss == SCMWQ_LOSS_EVENTS && cpu >= 0 && cpu < SCMWQ_TEXT_CPUS)
		ev->gap_start_ns = ctx->cpu_ts[cpu];
}

/* "CPU:N [LOST M EVENTS]", "CPU:N [LOST EVENTS]", "CPU:N [M EVENTS DROPPED]" */
static bool parse_lost_marker(struct scmwq_text_ctx *ctx, const char *p, struct scmwq_event *ev)
{
	uint64_t count = 0;
	int cpu;

	p = txt_parse_dec_int(p + 4, &cpu);
	if (!p || *p != ' ')
		return false;
	while (*p == ' ')
		p++;
	if (*p++ != '[')
		return false;
	if (STARTS(p, "LOST ")) {
		p += 5;
		if (txt_is_digit(*p)) {
			p = txt_parse_uint(p, &count);
			if (!p || *p++ != ' ')
				return false;
		}
		if (!STARTS(p, "EVENTS]"))
			return false;
		p += 7;
	} else {
		if (txt_is_digit(*p)) {
			p = txt_parse_uint(p, &count);
			if (!p || *p++ != ' ')
				return false;
		}
		if (!STARTS(p, "EVENTS DROPPED]"))
			return false;
		p += 15;
	}
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if (*p)
		return false;
	lost_event(ctx, ev, SCMWQ_LOSS_EVENTS, cpu, count);
	return true;
}

/* Comment lines: the header tells the CPU count, the flags width and overwrites. */
static enum scmwq_line_kind parse_comment(struct scmwq_text_ctx *ctx, const char *p,
					  struct scmwq_event *ev)
{
	const char *c;
	uint64_t in, written;
	int n;

	if (STARTS(p, "##### CPU ")) {
		c = txt_parse_dec_int(p + 10, &n);
		if (c && STARTS(c, " buffer started")) {
			lost_event(ctx, ev, SCMWQ_LOSS_CPU_STARTED, n, 0);
			return SCMWQ_LINE_LOST;
		}
		return SCMWQ_LINE_SKIP;
	}
	p++;
	while (*p == ' ')
		p++;
	if (STARTS(p, "tracer:")) {
		ctx->seen_header = true;
	} else if (STARTS(p, "entries-in-buffer/entries-written:")) {
		c = p + 34;
		while (*c == ' ')
			c++;
		c = txt_parse_uint(c, &in);
		if (!c || *c != '/')
			return SCMWQ_LINE_SKIP;
		c = txt_parse_uint(c + 1, &written);
		if (!c)
			return SCMWQ_LINE_SKIP;
		ctx->entries_in_buffer = in;
		ctx->entries_written = written;
		while (*c == ' ')
			c++;
		if (STARTS(c, "#P:") && txt_parse_dec_int(c + 3, &n))
			ctx->cpus = n;
		if (written > in) {
			lost_event(ctx, ev, SCMWQ_LOSS_OVERWRITTEN, -1, written - in);
			return SCMWQ_LINE_LOST;
		}
	} else if ((c = strstr(p, "CPU#")) != NULL) {
		/* "#  TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION" */
		c += 4;
		while (*c == ' ')
			c++;
		for (n = 0; c[n] == '|'; n++)
			;
		if (n >= 4)
			ctx->flag_width = n;
	}
	return SCMWQ_LINE_SKIP;
}

static enum scmwq_line_kind parse_line(struct scmwq_text_ctx *ctx, const char *line,
				       struct scmwq_event *ev, const char **why,
				       struct line_info *info)
{
	const char *p = line, *q, *body = NULL, *n1, *n2 = NULL, *sys = NULL, *fields;
	struct scmwq_event tmp;
	enum scmwq_system cue = SCMWQ_SYS_UNKNOWN;
	size_t len1, len2 = 0, sys_len = 0;
	bool probe = false;
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
	switch (*p) {
	case '\0':
	case '\r':
		return SCMWQ_LINE_SKIP;
	case '#':
		return parse_comment(ctx, p, ev);
	case 'C':
		if (STARTS(p, "CPU:") && parse_lost_marker(ctx, p, ev))
			return SCMWQ_LINE_LOST;
		if (STARTS(p, "CPU ") && strstr(p, " is empty"))
			return SCMWQ_LINE_SKIP;
		break;
	case 'c':
		if (STARTS(p, "cpus=")) {
			int n;

			q = txt_parse_dec_int(p + 5, &n);
			if (q && (!*q || *q == '\r')) {
				ctx->cpus = n;
				ctx->seen_header = true;
				ctx->report_layout = true;
				return SCMWQ_LINE_SKIP;
			}
		}
		break;
	case 'v':
		if (STARTS(p, "version = ") && txt_is_digit(p[10]))
			return SCMWQ_LINE_SKIP;
		break;
	}

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

	if (!parse_scm_fields(fields, events[ei].tev, ev, &probe, &cue, why))
		goto bad;
	if (!probe) {
		static const unsigned int need[] = {
			[TEV_REQUEST] = SCMWQ_HAVE_SMC_ID,
			[TEV_SLEEP] = SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX,
			[TEV_RESUME] = SCMWQ_HAVE_CTX,
			[TEV_GET_WQ_CTX] = SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_FLAGS | SCMWQ_HAVE_MORE,
			[TEV_WAKE_ACK] = SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX,
			[TEV_DONE] = SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_RET,
		};
		unsigned int m = need[events[ei].tev];

		if ((ev->have & m) != m)
			goto bad;
		if (cue == SCMWQ_SYS_UNKNOWN && sys) {
			if (sys_len == 8 && txt_starts(sys, "qcom_scm", 8))
				cue = SCMWQ_SYS_QCOM_SCM;
			else if (sys_len == 3 && txt_starts(sys, "scm", 3))
				cue = SCMWQ_SYS_SCM;
		}
	} else {
		cue = SCMWQ_SYS_UNKNOWN;
	}
	if (events[ei].tev == TEV_WAKE_ACK)
		cue = SCMWQ_SYS_SCM;
	ev->sys = cue;
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
