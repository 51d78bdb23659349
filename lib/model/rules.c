// SPDX-License-Identifier: GPL-2.0
/*
 * The rule ids of replay.md section 2, their severities and meanings,
 * declared once.  Text output, JSON, `model --rules` and the man page test
 * all read this table.
 */
#include <string.h>

#include "model/model.h"

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

static const char *const driver_names[SCMWQ_DRV__COUNT] = {
	[SCMWQ_DRV_AUTO]	= "auto",
	[SCMWQ_DRV_MAINLINE]	= "mainline",
	[SCMWQ_DRV_MAINLINE_6_3] = "mainline-6.3",
	[SCMWQ_DRV_MAINLINE_6_11] = "mainline-6.11",
	[SCMWQ_DRV_VENDOR]	= "vendor",
	[SCMWQ_DRV_DRAFT_2022]	= "draft-2022",
};

const char *scmwq_driver_name(enum scmwq_driver drv)
{
	if ((unsigned int)drv >= SCMWQ_DRV__COUNT)
		return "?";
	return driver_names[drv];
}

int scmwq_driver_parse(const char *name, enum scmwq_driver *drv)
{
	for (int i = 0; i < SCMWQ_DRV__COUNT; i++) {
		if (!strcmp(name, driver_names[i])) {
			*drv = i;
			return 0;
		}
	}
	return -1;
}

const char *scmwq_severity_name(enum scmwq_severity sev)
{
	switch (sev) {
	case SCMWQ_SEV_ERROR:
		return "error";
	case SCMWQ_SEV_WARNING:
		return "warning";
	default:
		return "info";
	}
}

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
