// SPDX-License-Identifier: GPL-2.0
/*
 * Numbers in the report's columns: durations in the chosen unit, rounded in
 * integers, and notes appended within a fixed buffer.
 */
#include <inttypes.h>
#include <stdarg.h>

#include "view/report_int.h"

const char *rpt_unit_name(uint64_t unit)
{
	return unit == 1 ? "ns" : unit == 1000 ? "us" : "ms";
}

/*
 * @v ns in the report's unit with @dec decimals, rounded half away from
 * zero, in integers.  @dec is at most log10(unit).
 */
char *rpt_fmt_dur(char *buf, size_t len, int64_t v, uint64_t unit, int dec)
{
	uint64_t p10 = 1, q, a = v < 0 ? (uint64_t)-(v + 1) + 1 : (uint64_t)v, x;

	for (int i = 0; i < dec; i++)
		p10 *= 10;
	q = unit / p10;
	x = (a + q / 2) / q;
	if (dec)
		snprintf(buf, len, "%s%" PRIu64 ".%0*" PRIu64, v < 0 && x ? "-" : "", x / p10, dec,
			 x % p10);
	else
		snprintf(buf, len, "%s%" PRIu64, v < 0 && x ? "-" : "", x);
	return buf;
}

/* snprintf at *@nl, which never runs past @len. */
void __attribute__((format(printf, 4, 5)))
rpt_append(char *buf, size_t len, size_t *nl, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*nl >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *nl, len - *nl, fmt, ap);
	va_end(ap);
	if (n > 0)
		*nl = *nl + (size_t)n < len ? *nl + (size_t)n : len - 1;
}
