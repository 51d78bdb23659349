// SPDX-License-Identifier: GPL-2.0
/*
 * The fields of the SCM events in ftrace text, in every layout they come
 * in: mainline's qcom_scm print formats, the vendor's scm ones (arguments
 * x2, x3, ...), probes (uprobes, kprobes), and trace-cmd report's raw arrays.
 */
#include <string.h>

#include "source/text.h"

static const char WHY_VENDOR_ARGS[] =
	"scm_smc_request: expected the vendor arguments \" x2:(hex:0xH decimal:D) x3:(...)...\" "
	"at the end, after args_cnt:N";

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

/*
 * The fields of each event in the order its print format has them
 * (traces.md section 1, mainline and vendor alike; the vendor's
 * scm_smc_done has no res_to_callee).  The parser tries the field the
 * format puts next before looking a name up.
 */
struct known_field {
	const char *name;	/* with its ':' */
	unsigned char len;	/* of the name and ':' */
	enum fkey key;
};

#define KF(n, k) { n ":", sizeof(n), k }
static const struct known_field order_request[] = {
	KF("smc_id", K_SMC_ID), KF("svc_id", K_SVC_ID), KF("cmd_id", K_CMD_ID),
	KF("args_cnt", K_ARGS_CNT), KF("args", K_ARGS),
};
static const struct known_field order_sleep[] = {
	KF("wq_ctx", K_WQ_CTX), KF("smc_call_ctx", K_CTX),
};
static const struct known_field order_resume[] = {
	KF("smc_call_ctx", K_CTX),
};
static const struct known_field order_get_wq_ctx[] = {
	KF("wq_ctx", K_WQ_CTX), KF("flags", K_FLAGS), KF("more_pending", K_MORE),
};
static const struct known_field order_done[] = {
	KF("smc_id", K_SMC_ID), KF("ret", K_RET), KF("res_to_callee", K_RES),
	KF("res0", K_RES0), KF("res1", K_RES1), KF("res2", K_RES2),
};
#undef KF

static const struct {
	const struct known_field *f;
	unsigned int n;
} known_order[] = {
	[TEV_REQUEST] = { order_request, ARRAY_SIZE(order_request) },
	[TEV_SLEEP] = { order_sleep, ARRAY_SIZE(order_sleep) },
	[TEV_RESUME] = { order_resume, ARRAY_SIZE(order_resume) },
	[TEV_GET_WQ_CTX] = { order_get_wq_ctx, ARRAY_SIZE(order_get_wq_ctx) },
	[TEV_WAKE_ACK] = { order_sleep, ARRAY_SIZE(order_sleep) },
	[TEV_DONE] = { order_done, ARRAY_SIZE(order_done) },
};

/* Where @key is in @tev's known order, plus one (0: not in it). */
static unsigned int known_next(enum text_ev tev, enum fkey key)
{
	for (unsigned int i = 0; i < known_order[tev].n; i++)
		if (known_order[tev].f[i].key == key)
			return i + 1;
	return known_order[tev].n;
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
 * parsed by the shared parser (lib/source/vendor_args.c): x2 is args[0].  Spaces
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

/* What the fields of one SCM event tell along the way, besides @ev itself. */
struct scm_fields {
	struct scmwq_event *ev;
	enum text_ev tev;
	const char *start;	/* the fields' text: vendor arguments follow a space in it */
	unsigned int nargs;	/* arguments stored: the list's length, or the last argN + 1 */
	unsigned int res_seen;	/* res0, res1, res2 seen: bits 0, 1, 2 */
	bool res_decimal;	/* res0 printed in decimal, as the vendor does */
	bool args_listed;	/* an argument list, the vendor's text, or argN */
	bool cnt_seen;		/* args_cnt */
	bool probe;		/* a probe's line: "(location)" or NAME=VALUE */
	enum scmwq_system cue;	/* the system the print format gives away */
	const char **why;
};

/*
 * What may come before the fields: a probe's location, or what trace-cmd
 * report puts before raw fields.  Returns where the fields begin, or NULL.
 */
static const char *skip_lead(struct scm_fields *f, const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '(') {
		/* probe: "(sym+0x0/0x40)", "(0x4005d0)", "(caller+0x1c/0x40 <- func)" */
		p = skip_value(p);
		if (!p)
			return NULL;
		f->probe = true;
	} else if (*p == '[' && STARTS(p, "[FAILED TO PARSE]")) {
		/*
		 * trace-cmd report, when libtraceevent cannot use the print
		 * fmt (mainline's __print_dynamic_array): the raw fields follow.
		 */
		p += 17;
	}
	return p;
}

/*
 * The value at @p of the field @key named at @k (@idx: N of argN).  The
 * arguments go to @f->ev here; a number is left in *@v for store_field().
 * Returns the end of the value, or NULL (*@f->why may then say more).
 */
static const char *parse_value(struct scm_fields *f, enum fkey key, unsigned int idx,
			       const char *k, const char *p, uint64_t *v)
{
	struct scmwq_event *ev = f->ev;

	switch (key) {
	case K_ARGS:
		if (*p == 'A' && STARTS(p, "ARRAY["))
			p = parse_byte_array(p, f->cnt_seen ? ev->args_cnt : -1, ev, &f->nargs);
		else
			p = parse_arg_array(p, ev, &f->nargs);
		if (!p)
			return NULL;
		ev->have |= SCMWQ_HAVE_ARGS;
		f->args_listed = true;
		f->cue = SCMWQ_SYS_QCOM_SCM;
		return p;
	case K_XN:
		if (f->tev != TEV_REQUEST || f->nargs || k == f->start || k[-1] != ' ') {
			*f->why = WHY_VENDOR_ARGS;
			return NULL;
		}
		p = parse_vendor_args(k - 1, f->cnt_seen ? ev->args_cnt : -1, ev, &f->nargs,
				      f->why);
		if (!p)
			return NULL;
		ev->have |= SCMWQ_HAVE_ARGS;
		f->args_listed = true;
		f->cue = SCMWQ_SYS_SCM;
		return p;
	case K_ARGN:
		p = txt_parse_int(p, v);
		if (!p)
			return NULL;
		if (idx < SCMWQ_MAX_ARGS) {
			ev->args[idx] = *v;
			if (idx + 1 > f->nargs)
				f->nargs = idx + 1;
		}
		ev->have |= SCMWQ_HAVE_ARGS;
		f->args_listed = true;
		return p;
	default:
		if (key == K_RES0 && *p != '-' && !(p[0] == '0' && (p[1] | 0x20) == 'x'))
			f->res_decimal = true;
		return txt_parse_int(p, v);
	}
}

/* The number @v of the field @key into @f->ev; @after: the character after it. */
static void store_field(struct scm_fields *f, enum fkey key, uint64_t v, char after)
{
	struct scmwq_event *ev = f->ev;

	switch (key) {
	case K_SMC_ID:
		ev->smc_id = v;
		ev->have |= SCMWQ_HAVE_SMC_ID;
		break;
	case K_SVC_ID:
		ev->svc_id = (uint8_t)v;
		ev->have |= SCMWQ_HAVE_SVC_CMD;
		/* vendor: "svc_id:0x24, cmd_id:"; mainline: no comma */
		if (!f->probe && f->tev == TEV_REQUEST)
			f->cue = after == ',' ? SCMWQ_SYS_SCM : SCMWQ_SYS_QCOM_SCM;
		break;
	case K_CMD_ID:
		ev->cmd_id = (uint8_t)v;
		ev->have |= SCMWQ_HAVE_SVC_CMD;
		break;
	case K_ARGS_CNT:
		ev->args_cnt = (uint8_t)(v > 255 ? 255 : v);
		f->cnt_seen = true;
		if (!f->probe)
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
		f->res_seen |= 1;
		break;
	case K_RES1:
		ev->res1 = v;
		f->res_seen |= 2;
		break;
	case K_RES2:
		ev->res2 = v;
		f->res_seen |= 4;
		break;
	default:
		break;
	}
}

/*
 * After the last field, what the fields say together: res0..res2 all
 * there, the request's argument count and service, the done event's system.
 */
static void finish_fields(struct scm_fields *f)
{
	struct scmwq_event *ev = f->ev;

	if (f->res_seen == 7)
		ev->have |= SCMWQ_HAVE_RES012;

	if (f->tev == TEV_REQUEST) {
		/*
		 * Vendor format, args_cnt:N with N > 0 and no argument text:
		 * what `trace-cmd report` prints (libtraceevent ignores the
		 * "(char *)" cast before the text in the print fmt).  The
		 * arguments are unknown, not zero.
		 */
		if (!f->probe && f->cue == SCMWQ_SYS_SCM && f->cnt_seen && !f->args_listed &&
		    ev->args_cnt)
			ev->have &= ~SCMWQ_HAVE_ARGS;
		if (f->args_listed && !f->cnt_seen)
			ev->args_cnt = (uint8_t)f->nargs;
		if (!(ev->have & SCMWQ_HAVE_SVC_CMD) && (ev->have & SCMWQ_HAVE_SMC_ID)) {
			ev->svc_id = scmwq_smc_svc(ev->smc_id);
			ev->cmd_id = scmwq_smc_cmd(ev->smc_id);
			ev->have |= SCMWQ_HAVE_SVC_CMD;
		}
	}
	if (f->tev == TEV_DONE && !f->probe && (ev->have & SCMWQ_HAVE_RET)) {
		if (ev->have & SCMWQ_HAVE_RES)
			f->cue = SCMWQ_SYS_QCOM_SCM;
		else if (f->res_decimal)
			f->cue = SCMWQ_SYS_SCM;
	}
}

/*
 * Fields of an SCM event, by name, from @f->start.  Returns false if a
 * field is garbled (*@f->why may then say more than the event's usual
 * sentence); sets @f->probe for probe-style lines and @f->cue.
 */
static bool parse_scm_fields(struct scm_fields *f)
{
	const char *p = f->start;
	unsigned int next = 0;	/* in known_order[f->tev]: the field expected next */
	bool first = true;

	p = skip_lead(f, p);
	if (!p)
		return false;
	for (;;) {
		const struct known_field *kf = NULL;
		unsigned int idx = 0;
		const char *k;
		enum fkey key;
		uint64_t v = 0;
		size_t klen;
		char sep;

		while (*p == ' ' || *p == ',' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			break;
		k = p;
		if (next < known_order[f->tev].n) {
			kf = &known_order[f->tev].f[next];
			/* strncmp: the line may end before kf->len bytes */
			if (strncmp(p, kf->name, kf->len))
				kf = NULL;
		}
		if (kf) {
			/* the field the format puts here: no need to look its name up */
			first = false;
			p += kf->len;
			sep = ':';
			key = kf->key;
			next++;
		} else {
			while (txt_is_ident(*p))
				p++;
			klen = p - k;
			sep = *p;
			if (!klen || (sep != ':' && sep != '='))
				return false;
			if (first && sep == '=')
				f->probe = true;
			first = false;
			p++;
			key = field_key(k, klen, &idx);
			next = known_next(f->tev, key);
		}
		if (key == K_UNKNOWN || (key == K_XN && sep == '=')) {
			/* one we do not know, or a probe's own xN: not the vendor's text */
			p = skip_value(p);
			if (!p)
				return false;
			continue;
		}
		p = parse_value(f, key, idx, k, p, &v);
		if (!p || !txt_value_end(*p))
			return false;
		store_field(f, key, v, *p);
	}
	finish_fields(f);
	return true;
}

static bool parse_scm(const char *p, enum text_ev tev, const char *sys, size_t sys_len,
		      struct scmwq_event *ev, const char **why, bool fast)
{
	struct scm_fields f = {
		.ev = ev, .tev = tev, .start = p, .cue = SCMWQ_SYS_UNKNOWN, .why = why,
	};

	if (!fast || !txt_fast_scm(p, tev, ev, &f.cue)) {
		/* not the kernel's exact format: from a clean slate, by name */
		if (fast && tev == TEV_REQUEST) {
			ev->have = 0;
			ev->smc_id = 0;
			ev->svc_id = ev->cmd_id = ev->args_cnt = 0;
			memset(ev->args, 0, sizeof(ev->args));
		}
		f.cue = SCMWQ_SYS_UNKNOWN;
		if (!parse_scm_fields(&f))
			return false;
	}
	if (!f.probe) {
		static const unsigned int need[] = {
			[TEV_REQUEST] = SCMWQ_HAVE_SMC_ID,
			[TEV_SLEEP] = SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX,
			[TEV_RESUME] = SCMWQ_HAVE_CTX,
			[TEV_GET_WQ_CTX] = SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_FLAGS | SCMWQ_HAVE_MORE,
			[TEV_WAKE_ACK] = SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX,
			[TEV_DONE] = SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_RET,
		};
		unsigned int m = need[tev];

		if ((ev->have & m) != m)
			return false;
		if (f.cue == SCMWQ_SYS_UNKNOWN && sys) {
			if (sys_len == 8 && txt_starts(sys, "qcom_scm", 8))
				f.cue = SCMWQ_SYS_QCOM_SCM;
			else if (sys_len == 3 && txt_starts(sys, "scm", 3))
				f.cue = SCMWQ_SYS_SCM;
		}
	} else {
		f.cue = SCMWQ_SYS_UNKNOWN;
	}
	if (tev == TEV_WAKE_ACK)
		f.cue = SCMWQ_SYS_SCM;
	ev->sys = f.cue;
	return true;
}

/**
 * txt_parse_scm - the fields of an SCM event
 * @p: the text after "EVENT:"
 * @tev: the event
 * @sys: the system before the event's name ("qcom_scm" of
 *       "qcom_scm:scm_smc_request:", as trace-cmd report prints it), or NULL
 * @sys_len: its length
 * @ev: filled: the fields with their `have` bits, and ev->sys, the system
 *      the print format gives away (UNKNOWN for a probe)
 * @why: set on failure when the event's usual sentence does not say enough
 *
 * Lines in the kernel's exact print formats take txt_fast_scm()'s
 * shortcut; the rest are read field by field, by name.
 *
 * Return: false when a field is garbled or one the event needs is missing.
 */
bool txt_parse_scm(const char *p, enum text_ev tev, const char *sys, size_t sys_len,
		   struct scmwq_event *ev, const char **why)
{
	return parse_scm(p, tev, sys, sys_len, ev, why, true);
}

/* txt_parse_scm() without the shortcut: what the tests compare it with. */
bool txt_parse_scm_general(const char *p, enum text_ev tev, const char *sys, size_t sys_len,
			   struct scmwq_event *ev, const char **why)
{
	return parse_scm(p, tev, sys, sys_len, ev, why, false);
}
