/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libscmwq's base: wire constants, errors, durations and timestamps.
 * Every other part of the library includes it.
 */
#ifndef SCMWQ_BASE_H
#define SCMWQ_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SCMWQ_SVC_WAITQ		0x24
#define SCMWQ_CMD_ACK		0x01
#define SCMWQ_CMD_RESUME	0x02
#define SCMWQ_CMD_GET_WQ_CTX	0x03
#define SCMWQ_CMD_GET_INFO	0x04

#define SCMWQ_SMC_INTERRUPTED	0x1ULL	/* smc_id of an INTERRUPTED re-entry */
#define SCMWQ_SMC_FAST_BIT	0x80000000ULL
#define SCMWQ_SMC_RESUME	0x42002402ULL
#define SCMWQ_SMC_ACK		0x42002401ULL
#define SCMWQ_SMC_GET_WQ_CTX_STD 0x42002403ULL
#define SCMWQ_SMC_GET_WQ_CTX	0xC2002403ULL
#define SCMWQ_SMC_GET_INFO	0xC2002404ULL

#define SCMWQ_WAKE_NONE		0
#define SCMWQ_WAKE_ONE		1
#define SCMWQ_WAKE_ALL		2

#define SCMWQ_RET_INTERRUPTED	1
#define SCMWQ_RET_WAITQ_SLEEP	2
#define SCMWQ_RET_WAITQ_WAKE	3
#define SCMWQ_RET_EBUSY		(-12)

/* svc and cmd of a full SMC function id: bits 15..8 and 7..0 */
static inline unsigned int scmwq_smc_svc(uint64_t smc_id)
{
	return (smc_id >> 8) & 0xff;
}

static inline unsigned int scmwq_smc_cmd(uint64_t smc_id)
{
	return smc_id & 0xff;
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */

/*
 * Error classes; each maps to one exit status of replay.md section 4.
 * The messages are declared once, in lib/error.c.
 */
enum scmwq_errclass {
	SCMWQ_OK = 0,
	SCMWQ_E_USAGE,		/* 64: bad command line / option value */
	SCMWQ_E_DATA,		/* 65: input is not a trace we can read */
	SCMWQ_E_NOINPUT,	/* 66: input cannot be opened */
	SCMWQ_E_INTERNAL,	/* 70: internal error (out of memory, ...) */
	SCMWQ_E_NOPERM,		/* 77: no privilege for tracefs */
};

struct scmwq_error {
	enum scmwq_errclass cls;
	char msg[512];		/* "FILE:LINE: what was expected" */
};

int scmwq_error_set(struct scmwq_error *err, enum scmwq_errclass cls, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Exit status (replay.md section 4) for an error class. */
int scmwq_errclass_exit(enum scmwq_errclass cls);


/* ------------------------------------------------------------------ */
/* Small helpers shared by the commands                                */

/* Parse "100ms", "1s", "20us", "500ns", "1.5s" (bare number: ms). */
int scmwq_parse_duration(const char *s, uint64_t *ns);
/* "1.500 s", "12.000 ms", "20.0 us": a duration as findings print it. */
void scmwq_format_duration(char *buf, size_t len, uint64_t ns);
/* Format a ns timestamp as seconds with 6 (or 9) decimals. */
void scmwq_format_ts(char *buf, size_t len, uint64_t ts_ns);

/* JSON string escaping onto a stream. */
void scmwq_json_str(FILE *out, const char *s);

#endif /* SCMWQ_BASE_H */
