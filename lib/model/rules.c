// SPDX-License-Identifier: GPL-2.0
/*
 * The rule ids of replay.md section 2, their severities and meanings,
 * declared once.  Text output, JSON, `model --rules` and the man page test
 * all read this table.
 */
#include <string.h>

#include "internal.h"

static const struct scmwq_rule_info rules[SCMWQ_R__COUNT] = {
	[SCMWQ_R_LOST_WAKEUP] = { "lost-wakeup", SCMWQ_SEV_ERROR,
		"a wake was delivered to the sleeper's wq_ctx, yet it did not resume on it: it "
		"resumed only after a later wake, or never" },
	[SCMWQ_R_SLOW_RESUME] = { "slow-resume", SCMWQ_SEV_WARNING,
		"woken, and resumed on that same wake, but more than --grace after it" },
	[SCMWQ_R_STRANDED_SLEEPER] = { "stranded-sleeper", SCMWQ_SEV_ERROR,
		"a sleeper got no wake at all for --stall or to the end of the trace" },
	[SCMWQ_R_DRAIN_ABORTED] = { "drain-aborted", SCMWQ_SEV_ERROR,
		"more_pending=1 and the IRQ thread issued no further GET_WQ_CTX" },
	[SCMWQ_R_WAKE_ALL_REJECTED] = { "wake-all-rejected", SCMWQ_SEV_ERROR,
		"WAKE_ALL delivered to a driver that rejects it; its sleepers are stranded" },
	[SCMWQ_R_WAKE_ALL_PARTIAL] = { "wake-all-partial", SCMWQ_SEV_ERROR,
		"after a WAKE_ALL, fewer sleepers resumed than were waiting" },
	[SCMWQ_R_WAKE_ALL_STUCK] = { "wake-all-stuck", SCMWQ_SEV_ERROR,
		"sleeps on a wq_ctx return at once, again and again, with no wake between them" },
	[SCMWQ_R_PREMATURE_RESUME] = { "premature-resume", SCMWQ_SEV_WARNING,
		"a sleeper resumed on a banked token, not a wake of its own" },
	[SCMWQ_R_SPURIOUS_WAKE] = { "spurious-wake", SCMWQ_SEV_WARNING,
		"a wake delivered to a wq_ctx with no sleeper" },
	[SCMWQ_R_INVALID_FLAGS] = { "invalid-flags", SCMWQ_SEV_ERROR,
		"wake flags outside {1, 2} (0 is WAKE_NONE, info, on vendor)" },
	[SCMWQ_R_INVALID_WQ_CTX] = { "invalid-wq-ctx", SCMWQ_SEV_ERROR,
		"a wq_ctx the judged driver does not accept" },
	[SCMWQ_R_RESUME_CTX_MISMATCH] = { "resume-ctx-mismatch", SCMWQ_SEV_ERROR,
		"RESUME's smc_call_ctx differs from the sleep's" },
	[SCMWQ_R_RESUME_WITHOUT_SLEEP] = { "resume-without-sleep", SCMWQ_SEV_ERROR,
		"RESUME with no sleep before it on that thread" },
	[SCMWQ_R_SLEEP_WHILE_SLEEPING] = { "sleep-while-sleeping", SCMWQ_SEV_ERROR,
		"a second sleep on a thread already asleep" },
	[SCMWQ_R_ACK_CTX_MISMATCH] = { "ack-ctx-mismatch", SCMWQ_SEV_ERROR,
		"ACK's smc_call_ctx differs from the WAKE's" },
	[SCMWQ_R_EBUSY_RETRY_RESUME] = { "ebusy-retry-resume", SCMWQ_SEV_ERROR,
		"after a RESUME, the thread re-sent RESUME with no new sleep (EBUSY retry of the wrong call)" },
	[SCMWQ_R_GET_WQ_CTX_STD_CALL] = { "get-wq-ctx-std-call", SCMWQ_SEV_WARNING,
		"GET_WQ_CTX issued as a standard call (0x42002403): can deadlock" },
	[SCMWQ_R_SLEEP_IN_ATOMIC_CALL] = { "sleep-in-atomic-call", SCMWQ_SEV_ERROR,
		"SLEEP returned to a fast (atomic) call" },
	[SCMWQ_R_LONG_SLEEP] = { "long-sleep", SCMWQ_SEV_WARNING,
		"a sleep that did end, but took longer than --stall" },
	[SCMWQ_R_UNEXPECTED_EVENT] = { "unexpected-event", SCMWQ_SEV_ERROR,
		"an event the model does not allow in the thread's state" },
	[SCMWQ_R_JOINED_MID_CALL] = { "joined-mid-call", SCMWQ_SEV_INFO,
		"a thread first seen in the middle of a call is not judged until its call ends" },
	[SCMWQ_R_TRACE_NOTE] = { "trace-note", SCMWQ_SEV_INFO,
		"a note about the trace: data lost, WAKE_NONE seen, fields a probe source lacks" },
};

const struct scmwq_rule_info *scmwq_rule_info(enum scmwq_rule rule)
{
	if ((unsigned int)rule >= SCMWQ_R__COUNT)
		return NULL;
	return &rules[rule];
}

int scmwq_rule_parse(const char *id, enum scmwq_rule *rule)
{
	for (int i = 0; i < SCMWQ_R__COUNT; i++) {
		if (!strcmp(rules[i].id, id)) {
			*rule = i;
			return 0;
		}
	}
	return -1;
}

/* A finding as replay prints it: one text line, or one JSON object. */
void scmwq_finding_write_text(FILE *out, const struct scmwq_finding *f)
{
	const struct scmwq_rule_info *ri = scmwq_rule_info(f->rule);
	char ts[32];

	scmwq_format_ts(ts, sizeof(ts), f->ts_ns);
	fprintf(out, "%s %-7s %-20s", ts,
		f->inconclusive ? "incon." : scmwq_severity_name(f->severity), ri->id);
	if (f->pid >= 0)
		fprintf(out, " %s-%d", f->comm[0] ? f->comm : "<...>", f->pid);
	if (f->has_wq_ctx)
		fprintf(out, " wq_ctx=%u", f->wq_ctx);
	if (f->has_ctx)
		fprintf(out, " smc_call_ctx=%u", f->smc_call_ctx);
	fprintf(out, ": %s\n", f->message);
}

void scmwq_finding_write_json(FILE *out, const struct scmwq_finding *f, const char *lead)
{
	const struct scmwq_rule_info *ri = scmwq_rule_info(f->rule);

	fprintf(out, "{%s\"rule\": \"%s\", \"severity\": \"%s\", \"inconclusive\": %s, "
		"\"ts_ns\": %llu, \"pid\": ", lead, ri->id, scmwq_severity_name(f->severity),
		f->inconclusive ? "true" : "false", (unsigned long long)f->ts_ns);
	if (f->pid >= 0)
		fprintf(out, "%d", f->pid);
	else
		fprintf(out, "null");
	fprintf(out, ", \"comm\": ");
	scmwq_json_str(out, f->comm);
	if (f->has_wq_ctx)
		fprintf(out, ", \"wq_ctx\": %u", f->wq_ctx);
	else
		fprintf(out, ", \"wq_ctx\": null");
	if (f->has_ctx)
		fprintf(out, ", \"smc_call_ctx\": %u", f->smc_call_ctx);
	else
		fprintf(out, ", \"smc_call_ctx\": null");
	fprintf(out, ", \"pids\": [");
	for (int i = 0; i < f->n_named; i++)
		fprintf(out, "%s%d", i ? ", " : "", f->named_pid[i]);
	fprintf(out, "], \"message\": ");
	scmwq_json_str(out, f->message);
	fprintf(out, "}");
}
