// SPDX-License-Identifier: GPL-2.0
/*
 * The fields of the SCM events exactly as the kernel prints them
 * (traces.md section 1: mainline's qcom_scm and the vendor's scm print
 * formats, one space after the event's ':', nothing after the last
 * field), read in one straight pass.
 *
 * This is only a shortcut: a line that differs in any byte from those
 * formats (probes, trace-cmd report's raw arrays, extra spaces, a value
 * too long) is left to the general field parser (text_scm.c), which reads
 * every layout.  On every line it takes, it gives exactly what the general
 * parser gives: tests/unit/test_text.c compares the two on every line of
 * the corpus and tests/fuzz/fuzz_text.c on every line the fuzzer makes.
 */
#include <string.h>

#include "source/text.h"

/*
 * The literal @s (@n bytes) at @p, in a text that ends at @e (its NUL): the
 * byte after it, or NULL.  Compared whole (a constant @n makes it a load
 * or two), never past @e.
 */
static inline const char *lit(const char *p, const char *e, const char *s, size_t n)
{
	if (!p || (size_t)(e - p) < n || memcmp(p, s, n))
		return NULL;
	return p + n;
}

#define LIT(p, s) lit((p), e, (s), sizeof(s) - 1)

/* Decimal, at most 19 digits (no overflow), the end not a digit. */
static inline const char *dec(const char *p, uint64_t *v)
{
	const char *s = p;
	uint64_t x = 0;

	if (!p)
		return NULL;
	while (txt_is_digit(*p) && p - s < 19)
		x = x * 10 + (uint64_t)(*p++ - '0');
	if (p == s || txt_is_digit(*p))
		return NULL;
	*v = x;
	return p;
}

/* An optional '-' and decimal: two's complement, as txt_parse_int(). */
static inline const char *sdec(const char *p, uint64_t *v)
{
	bool neg;

	if (!p)
		return NULL;
	neg = *p == '-';
	p = dec(p + neg, v);
	if (p && neg)
		*v = (uint64_t)0 - *v;
	return p;
}

/* "0x" and at most 16 hex digits, the end not a hex digit. */
static inline const char *hex(const char *p, uint64_t *v)
{
	const char *s;
	uint64_t x = 0;
	int d;

	if (!p || p[0] != '0' || p[1] != 'x')
		return NULL;
	p += 2;
	s = p;
	while ((d = txt_hex_val(*p)) >= 0 && p - s < 16) {
		x = x << 4 | (unsigned int)d;
		p++;
	}
	if (p == s || txt_hex_val(*p) >= 0)
		return NULL;
	*v = x;
	return p;
}

/* Mainline's args:{0x1,0x2} to the end of the line. */
static bool args_array(const char *p, const char *e, struct scmwq_event *ev)
{
	unsigned int n = 0;
	uint64_t v;

	p = LIT(p, " args:{");
	if (!p)
		return false;
	if (*p != '}') {
		for (;;) {
			p = hex(p, &v);
			if (!p)
				return false;
			if (n < SCMWQ_MAX_ARGS)
				ev->args[n] = v;
			n++;
			if (*p == '}')
				break;
			if (*p++ != ',')
				return false;
		}
	}
	if (p[1])
		return false;
	ev->have |= SCMWQ_HAVE_ARGS;
	return true;
}

static bool request(const char *p, const char *e, struct scmwq_event *ev,
		    enum scmwq_system *cue)
{
	uint64_t id, svc, cmd, cnt;
	bool vendor;

	p = hex(LIT(p, " smc_id:"), &id);
	p = hex(LIT(p, " svc_id:"), &svc);
	if (!p)
		return false;
	vendor = *p == ',';
	p += vendor;
	p = hex(LIT(p, " cmd_id:"), &cmd);
	if (p && vendor)
		p = LIT(p, ",");
	p = dec(LIT(p, " args_cnt:"), &cnt);
	if (!p)
		return false;
	ev->smc_id = id;
	ev->svc_id = (uint8_t)svc;
	ev->cmd_id = (uint8_t)cmd;
	ev->args_cnt = (uint8_t)(cnt > 255 ? 255 : cnt);
	ev->have |= SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_SVC_CMD | SCMWQ_HAVE_ARGS;
	if (!vendor) {
		*cue = SCMWQ_SYS_QCOM_SCM;
		return args_array(p, e, ev);
	}
	*cue = SCMWQ_SYS_SCM;
	if (!*p) {
		/* no argument text: unknown arguments unless there are none */
		if (ev->args_cnt)
			ev->have &= ~SCMWQ_HAVE_ARGS;
		return true;
	}
	{
		/* " x2:(hex:0x.. decimal:..) ...": the shared parser, strict */
		const char *why;
		size_t len = e - p;

		if (p[0] != ' ' || p[1] != 'x' || p[len - 1] == ' ' || p[len - 1] == '\t')
			return false;
		return scmwq_vendor_args_parse(p, len, ev->args_cnt, ev->args, &why) >= 0;
	}
}

static bool done(const char *p, const char *e, struct scmwq_event *ev, enum scmwq_system *cue)
{
	uint64_t id, ret, res = 0, r0, r1, r2;
	bool vendor;

	p = sdec(LIT(hex(LIT(p, " smc_id:"), &id), ", ret:"), &ret);
	if (!p)
		return false;
	/* " res0:" (vendor) or " res_to_callee:"; each test stops at the line's end */
	vendor = p[0] == ' ' && p[1] == 'r' && p[2] == 'e' && p[3] == 's' && p[4] == '0';
	if (vendor) {
		p = dec(LIT(p, " res0:"), &r0);
		p = dec(LIT(p, " res1:"), &r1);
		p = dec(LIT(p, " res2:"), &r2);
	} else {
		p = hex(LIT(p, " res_to_callee:"), &res);
		p = hex(LIT(p, " res0:"), &r0);
		p = hex(LIT(p, " res1:"), &r1);
		p = hex(LIT(p, " res2:"), &r2);
	}
	if (!p || *p)
		return false;
	ev->smc_id = id;
	ev->ret = (int)(uint32_t)ret;
	ev->res0 = r0;
	ev->res1 = r1;
	ev->res2 = r2;
	ev->have |= SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_RET | SCMWQ_HAVE_RES012;
	if (!vendor) {
		ev->res = res;
		ev->have |= SCMWQ_HAVE_RES;
	}
	*cue = vendor ? SCMWQ_SYS_SCM : SCMWQ_SYS_QCOM_SCM;
	return true;
}

/**
 * txt_fast_scm - the fields of an SCM event printed exactly as the kernel does
 * @p: the text after "EVENT:"
 * @tev: the event
 * @ev: zeroed but for the line's columns; filled as txt_parse_scm() fills it
 * @cue: the system the print format gives away, or SCMWQ_SYS_UNKNOWN
 *
 * Return: true when the fields are in the kernel's exact format and @ev is
 * filled; false (and @ev's fields possibly partly written) otherwise:
 * then the general parser must read the line, from a cleared event.
 */
bool txt_fast_scm(const char *p, enum text_ev tev, struct scmwq_event *ev,
		  enum scmwq_system *cue)
{
	const char *e = p + strlen(p);
	uint64_t a, b, c;

	*cue = SCMWQ_SYS_UNKNOWN;
	switch (tev) {
	case TEV_REQUEST:
		return request(p, e, ev, cue);
	case TEV_DONE:
		return done(p, e, ev, cue);
	case TEV_SLEEP:
	case TEV_WAKE_ACK:
		p = dec(LIT(dec(LIT(p, " wq_ctx:"), &a), ", smc_call_ctx:"), &b);
		if (!p || *p)
			return false;
		ev->wq_ctx = (uint32_t)a;
		ev->smc_call_ctx = (uint32_t)b;
		ev->have |= SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX;
		return true;
	case TEV_RESUME:
		p = dec(LIT(p, " smc_call_ctx:"), &a);
		if (!p || *p)
			return false;
		ev->smc_call_ctx = (uint32_t)a;
		ev->have |= SCMWQ_HAVE_CTX;
		return true;
	case TEV_GET_WQ_CTX:
		p = dec(LIT(dec(LIT(p, " wq_ctx:"), &a), ", flags:"), &b);
		p = dec(LIT(p, ", more_pending:"), &c);
		if (!p || *p)
			return false;
		ev->wq_ctx = (uint32_t)a;
		ev->flags = (uint32_t)b;
		ev->more_pending = (uint32_t)c;
		ev->have |= SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_FLAGS | SCMWQ_HAVE_MORE;
		return true;
	default:
		return false;
	}
}
