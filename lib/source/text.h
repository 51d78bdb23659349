/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ftrace text reader, inside the source part: what its files (text.c,
 * text_*.c) share.  Not installed; source.h has what the rest of the part
 * sees of it.
 */
#ifndef SCMWQ_LIB_SOURCE_TEXT_H
#define SCMWQ_LIB_SOURCE_TEXT_H

#include <string.h>

#include "source/source.h"

/* ------------------------------------------------------------------ */
/* Character and number scanning (text_scan.c)                        */
/* Lines are scanned by hand: no regex, no sscanf.                    */

static inline bool txt_is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline bool txt_is_ident(char c)
{
	return txt_is_digit(c) || (unsigned char)((c | 0x20) - 'a') < 26 || c == '_';
}

static inline int txt_hex_val(char c)
{
	if (txt_is_digit(c))
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static inline bool txt_starts(const char *s, const char *prefix, size_t len)
{
	return !memcmp(s, prefix, len);
}

#define STARTS(s, lit) (strncmp((s), (lit), sizeof(lit) - 1) == 0)

/* The end of a field's value. */
static inline bool txt_value_end(char c)
{
	return c == '\0' || c == ' ' || c == ',' || c == '\t' || c == '\r';
}

/* Decimal or 0x hex; returns the end, or NULL if no digits or overflow. */
const char *txt_parse_uint(const char *p, uint64_t *out);

/* Like txt_parse_uint with an optional '-': the result is two's complement. */
const char *txt_parse_int(const char *p, uint64_t *out);

/* Plain decimal int (pids, cpus): at most 10 digits. */
const char *txt_parse_dec_int(const char *p, int *out);

/* A comm, cut to SCMWQ_COMM_LEN - 1 bytes, NUL-terminated. */
void txt_copy_comm(char *dst, const char *s, size_t len);

/* ------------------------------------------------------------------ */
/* Lines (text_line.c)                                                */

struct line_info {
	bool grammar;		/* fits TASK-PID [CPU] TS: (or is a known non-event line) */
	bool cut_name;		/* a skipped event whose name is a prefix of ours */
};

/*
 * scmwq_text_parse_line() (source.h), and in @info what the source needs
 * to know of a line it skips or finds malformed.
 */
enum scmwq_line_kind txt_parse_line(struct scmwq_text_ctx *ctx, const char *line,
				    struct scmwq_event *ev, const char **why,
				    struct line_info *info);

/* ------------------------------------------------------------------ */
/* Lines that are not events (text_marks.c)                           */

bool txt_parse_mark(struct scmwq_text_ctx *ctx, const char *p, struct scmwq_event *ev,
		    enum scmwq_line_kind *kind);

/* ------------------------------------------------------------------ */
/* The events the reader knows (their names: text_line.c)            */

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

/* ------------------------------------------------------------------ */
/* SCM event fields (text_scm.c)                                      */

bool txt_parse_scm(const char *p, enum text_ev tev, const char *sys, size_t sys_len,
		   struct scmwq_event *ev, const char **why);
bool txt_parse_scm_general(const char *p, enum text_ev tev, const char *sys, size_t sys_len,
			   struct scmwq_event *ev, const char **why);

/*
 * The same fields when printed exactly as the kernel prints them, in one
 * pass (text_fast.c); false when not (then @ev must be cleared of what it
 * wrote, and the general parser read the line): see txt_parse_scm().
 */
bool txt_fast_scm(const char *p, enum text_ev tev, struct scmwq_event *ev,
		  enum scmwq_system *cue);

/* ------------------------------------------------------------------ */
/* Scheduler event fields (text_sched.c)                              */

/*
 * The fields of sched_switch after "EVENT:" into @ev: pid, comm,
 * prev_state, next_pid, next_comm.  False if they do not parse.
 */
bool txt_parse_switch(const char *p, struct scmwq_event *ev);

/*
 * The fields of sched_waking/sched_wakeup: the woken task into
 * target_pid and next_comm.  False if they do not parse.
 */
bool txt_parse_wakeup(const char *p, struct scmwq_event *ev);

#endif /* SCMWQ_LIB_SOURCE_TEXT_H */
