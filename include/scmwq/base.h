/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of lib/base/ (error.c, format.c): the protocol's wire
 * constants, errors and their exit statuses, durations and timestamps.
 * Every other part of the library is built on it.
 */
#ifndef SCMWQ_BASE_H
#define SCMWQ_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The wait-queue service and its commands (protocol.md) */
#define SCMWQ_SVC_WAITQ		0x24
#define SCMWQ_CMD_ACK		0x01
#define SCMWQ_CMD_RESUME	0x02
#define SCMWQ_CMD_GET_WQ_CTX	0x03
#define SCMWQ_CMD_GET_INFO	0x04

/* Full SMC function ids (SMC64, SiP owner); the fast bit marks an atomic call */
#define SCMWQ_SMC_INTERRUPTED	0x1ULL	/* smc_id of an INTERRUPTED re-entry */
#define SCMWQ_SMC_FAST_BIT	0x80000000ULL
#define SCMWQ_SMC_RESUME	0x42002402ULL
#define SCMWQ_SMC_ACK		0x42002401ULL
#define SCMWQ_SMC_GET_WQ_CTX_STD 0x42002403ULL
#define SCMWQ_SMC_GET_WQ_CTX	0xC2002403ULL
#define SCMWQ_SMC_GET_INFO	0xC2002404ULL

/* The flags of scm_waitq_get_wq_ctx */
#define SCMWQ_WAKE_NONE		0
#define SCMWQ_WAKE_ONE		1
#define SCMWQ_WAKE_ALL		2

/* What firmware returns to a call */
#define SCMWQ_RET_INTERRUPTED	1
#define SCMWQ_RET_WAITQ_SLEEP	2
#define SCMWQ_RET_WAITQ_WAKE	3
#define SCMWQ_RET_EBUSY		(-12)

/**
 * scmwq_smc_svc() - the service id of an SMC function id
 * @smc_id: a full function id, e.g. SCMWQ_SMC_RESUME
 *
 * Return: bits 15..8 of @smc_id (SCMWQ_SVC_WAITQ for the wait-queue calls).
 */
static inline unsigned int scmwq_smc_svc(uint64_t smc_id)
{
	return (smc_id >> 8) & 0xff;
}

/**
 * scmwq_smc_cmd() - the command id of an SMC function id
 * @smc_id: a full function id, e.g. SCMWQ_SMC_RESUME
 *
 * Return: bits 7..0 of @smc_id (SCMWQ_CMD_RESUME for a RESUME).
 */
static inline unsigned int scmwq_smc_cmd(uint64_t smc_id)
{
	return smc_id & 0xff;
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */

/**
 * enum scmwq_errclass - what kind of error, each with one exit status
 * @SCMWQ_OK: no error (exit status 0)
 * @SCMWQ_E_USAGE: a bad command line or option value (64)
 * @SCMWQ_E_DATA: the input is not a trace scmwq-trace can read, or holds no
 *                SCM event (65)
 * @SCMWQ_E_NOINPUT: a file cannot be opened or read: the input, or the
 *                   file record writes (66)
 * @SCMWQ_E_INTERNAL: an internal error: out of memory, a write error (70)
 * @SCMWQ_E_NOPERM: no privilege to use tracefs, or the kernel lacks what a
 *                  capture needs (77)
 *
 * The exit statuses are those of replay.md section 4, declared once in
 * lib/base/error.c; scmwq_errclass_exit() maps a class to its status.
 */
enum scmwq_errclass {
	SCMWQ_OK = 0,
	SCMWQ_E_USAGE,
	SCMWQ_E_DATA,
	SCMWQ_E_NOINPUT,
	SCMWQ_E_INTERNAL,
	SCMWQ_E_NOPERM,
};

/**
 * struct scmwq_error - the error a library function failed with
 * @cls: its class, which decides the exit status
 * @msg: the message, naming the file and line or offset and what was
 *       expected where there is one ("FILE:LINE: what was expected")
 *
 * The caller owns it (usually on its stack) and passes it to the functions
 * that can fail; they fill it and return -1 or NULL.  Nothing in the
 * library prints an error or exits: the caller does.
 */
struct scmwq_error {
	enum scmwq_errclass cls;
	char msg[512];
};

/**
 * scmwq_error_set() - fill an error
 * @err: the error to fill; may be NULL (then nothing is filled)
 * @cls: its class
 * @fmt: printf(3) format of the message, cut to fit @err->msg
 * @...: its arguments
 *
 * Return: always -1, so that a function can ``return scmwq_error_set(...)``.
 */
int scmwq_error_set(struct scmwq_error *err, enum scmwq_errclass cls, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/**
 * scmwq_errclass_exit() - the exit status of an error class
 * @cls: the class
 *
 * Return: the status of replay.md section 4 (0, 64, 65, 66, 70 or 77); 70
 * for a value that is no class.
 */
int scmwq_errclass_exit(enum scmwq_errclass cls);


/* ------------------------------------------------------------------ */
/* Small helpers shared by the commands                                */

/**
 * scmwq_parse_duration() - parse a duration as the options take it
 * @s: a non-negative number with a unit: "500ns", "20us" (or "µs"),
 *     "100ms", "1.5s", "2m" or "2min" (minutes), "1h"; a bare number is
 *     seconds, as for timeout(1) and rtla
 * @ns: set to the duration in nanoseconds, rounded, on success
 *
 * Return: 0, or -1 for anything else (a sign, a space, an unknown unit, a
 * value beyond 2^64 ns); @ns is then left alone.
 */
int scmwq_parse_duration(const char *s, uint64_t *ns);
/**
 * scmwq_format_duration() - a duration as findings print it
 * @buf: where the text goes (NUL-terminated, cut to @len)
 * @len: size of @buf
 * @ns: the duration in nanoseconds
 *
 * "1.500 s" from one second up, "12.000 ms" from one millisecond up,
 * "20.0 us" below.
 */
void scmwq_format_duration(char *buf, size_t len, uint64_t ns);
/**
 * scmwq_format_ts() - a timestamp as ftrace prints it
 * @buf: where the text goes (NUL-terminated, cut to @len)
 * @len: size of @buf
 * @ts_ns: the timestamp in nanoseconds
 *
 * Seconds with 6 decimals ("1234.567890"); the nanoseconds below a
 * microsecond are dropped, not rounded.
 */
void scmwq_format_ts(char *buf, size_t len, uint64_t ts_ns);

/**
 * scmwq_json_str() - write a string as a JSON string literal
 * @out: the stream
 * @s: the string, NUL-terminated
 *
 * Writes the quotes too; escapes '"', the backslash and control
 * characters, keeps valid UTF-8 as it is and escapes each byte that is not
 * as U+FFFD.
 */
void scmwq_json_str(FILE *out, const char *s);

#endif /* SCMWQ_BASE_H */
