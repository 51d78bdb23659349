/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checking event format files of a trace.dat (lib/source/tdat_fmt.c).
 * Internal.
 */
#ifndef SCMWQ_LIB_TDAT_FMT_H
#define SCMWQ_LIB_TDAT_FMT_H

#include <stddef.h>

/*
 * @text (@len bytes, not NUL-terminated) is the format file of an event of
 * system @sys.  If the event is one the converter reads (tepconv.h), check
 * it and rebuild it canonically into *@out (malloc'ed, NUL-terminated,
 * *@out_len bytes) for tep_parse_event().
 *
 * Returns 1 (kept: *@out set), 0 (not one of ours: ignored), -1 (ours but
 * malformed: *@why says what was expected, *@bad_at is the offset of the
 * bad line in @text) or -2 (out of memory).
 */
int tdat_fmt_canon(const char *sys, const char *text, size_t len, char **out, size_t *out_len,
		   size_t *bad_at, const char **why);

#endif /* SCMWQ_LIB_TDAT_FMT_H */
