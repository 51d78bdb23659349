// SPDX-License-Identifier: GPL-2.0
/*
 * The numbers and names ftrace text is made of (decimal, hex, signed, pids
 * and CPUs, comms), scanned by hand for the text reader's files.
 */
#include "source/text.h"

/* Decimal or 0x hex; returns the end, or NULL if no digits or overflow. */
const char *txt_parse_uint(const char *p, uint64_t *out)
{
	uint64_t v = 0;
	const char *s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		int d;

		p += 2;
		s = p;
		while ((d = txt_hex_val(*p)) >= 0) {
			if (v >> 60)
				return NULL;
			v = v << 4 | (unsigned int)d;
			p++;
		}
	} else {
		s = p;
		while (txt_is_digit(*p)) {
			unsigned int d = *p - '0';

			if (v > (UINT64_MAX - d) / 10)
				return NULL;
			v = v * 10 + d;
			p++;
		}
	}
	if (p == s)
		return NULL;
	*out = v;
	return p;
}

/* Like txt_parse_uint with an optional '-': the result is two's complement. */
const char *txt_parse_int(const char *p, uint64_t *out)
{
	bool neg = *p == '-';
	uint64_t v;

	p = txt_parse_uint(p + neg, &v);
	if (!p)
		return NULL;
	*out = neg ? (uint64_t)0 - v : v;
	return p;
}

/* Plain decimal int (pids, cpus): at most 10 digits. */
const char *txt_parse_dec_int(const char *p, int *out)
{
	bool neg = *p == '-';
	long long v = 0;
	const char *s;

	p += neg;
	s = p;
	while (txt_is_digit(*p) && p - s < 10)
		v = v * 10 + (*p++ - '0');
	if (p == s || txt_is_digit(*p) || v > 0x7fffffff)
		return NULL;
	*out = neg ? (int)-v : (int)v;
	return p;
}

void txt_copy_comm(char *dst, const char *s, size_t len)
{
	if (len > SCMWQ_COMM_LEN - 1)
		len = SCMWQ_COMM_LEN - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}
