// SPDX-License-Identifier: GPL-2.0
/*
 * The argument text of the vendor (trace system "scm") scm_smc_request
 * tracepoint, shared by the text reader (text_scm.c) and the record
 * converter (tepconv.c).
 *
 * The vendor kernel fills the string field `out` with
 *
 *	for (i = 0; i < n; ++i)
 *		scnprintf(..., " x%u:(hex:0x%08llx decimal:%llu)", i + 2, v, v);
 *
 * where v is smc->args[2 + i] and n = args_cnt (at most 6), and prints it
 * right after "args_cnt:%u".  The arguments are numbered by their register:
 * x2 is the first argument, mainline's args[0]; there is no x0 or x1.  One
 * argument takes at most 57 of the 64 bytes reserved for it, so the kernel
 * never cuts the text short: the arguments listed are always args_cnt.
 */
#include <string.h>

#include "source/source.h"

static const char WHY_SYNTAX[] = "scm_smc_request: expected vendor arguments "
				 "\" x2:(hex:0xH decimal:D)\", \" x3:(...)\", ...";
static const char WHY_FROM_X2[] =
	"scm_smc_request: vendor arguments are numbered from x2 (the registers of the arguments; "
	"the kernel never prints x0 or x1)";
static const char WHY_ORDER[] =
	"scm_smc_request: vendor arguments must be numbered x2, x3, ... in order, without gaps";
static const char WHY_DISAGREE[] =
	"scm_smc_request: the hex and decimal values of a vendor argument differ";
static const char WHY_COUNT[] =
	"scm_smc_request: args_cnt differs from the number of vendor arguments listed";

struct cursor {
	const char *p, *end;
};

static inline bool more(const struct cursor *c)
{
	return c->p < c->end && *c->p;
}

/* The literal @s (no NUL in it, so neither in what it matches): passed over. */
#define lit(c, s) lit_n(c, "" s, sizeof(s) - 1)	/* "" s: a literal only */

static inline bool lit_n(struct cursor *c, const char *s, size_t n)
{
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n))
		return false;
	c->p += n;
	return true;
}

/* A hex digit's value plus one, 0 for any other byte (NUL too). */
static const unsigned char hex1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* 1 to 16 hex digits (a NUL is no digit: the text ends there too) */
static inline bool hex(struct cursor *c, uint64_t *v)
{
	int n = 0, d;

	*v = 0;
	while (c->p < c->end && (d = hex1[(unsigned char)*c->p])) {
		if (++n > 16)
			return false;
		*v = *v << 4 | (unsigned int)(d - 1);
		c->p++;
	}
	return n > 0;
}

/* Decimal digits that fit in 64 bits; @max_digits bounds the register number. */
static inline bool dec(struct cursor *c, uint64_t *v, int max_digits)
{
	int n = 0;

	*v = 0;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		unsigned int d = *c->p - '0';

		if (++n > max_digits || __builtin_mul_overflow(*v, 10, v) ||
		    __builtin_add_overflow(*v, d, v))
			return false;
		c->p++;
	}
	return n > 0;
}

/**
 * scmwq_vendor_args_parse - parse the vendor scm_smc_request argument text
 * @s: the text, one " xN:(hex:0xH decimal:D)" per argument, N from 2 on
 * @len: at most this many bytes are read; the text also ends at a NUL
 * @expect: the args_cnt of the event, which the number listed must equal;
 *          -1 when unknown
 * @args: the values, in order: args[0] is x2; at most SCMWQ_MAX_ARGS are
 *        stored, the rest are checked and counted but not kept
 * @why: on failure, a static sentence saying what was expected
 *
 * Strict: the numbering must start at x2 and go up by one, the hex and
 * decimal forms of each value must agree, and nothing but arguments may
 * come before the end.  An empty text is no argument (args_cnt:0).
 *
 * Return: the number of arguments listed, or -1 with *@why set.
 */
int scmwq_vendor_args_parse(const char *s, size_t len, int expect, uint64_t *args,
			    const char **why)
{
	struct cursor c = { .p = s ? s : "", .end = s ? s + len : "" };
	int n = 0;

	while (more(&c)) {
		uint64_t reg, h, d;

		if (!lit(&c, " x") || !dec(&c, &reg, 3)) {
			*why = WHY_SYNTAX;
			return -1;
		}
		if (reg != (uint64_t)n + 2) {
			*why = reg < 2 ? WHY_FROM_X2 : WHY_ORDER;
			return -1;
		}
		if (!lit(&c, ":(hex:0x") || !hex(&c, &h) || !lit(&c, " decimal:") ||
		    !dec(&c, &d, 20) || !lit(&c, ")")) {
			*why = WHY_SYNTAX;
			return -1;
		}
		if (h != d) {
			*why = WHY_DISAGREE;
			return -1;
		}
		if (n < SCMWQ_MAX_ARGS)
			args[n] = h;
		n++;	/* at most 998: the register number has 3 digits */
	}
	if (expect >= 0 && n != expect) {
		*why = WHY_COUNT;
		return -1;
	}
	return n;
}
