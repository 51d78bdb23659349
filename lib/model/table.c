// SPDX-License-Identifier: GPL-2.0
/*
 * The call machine's transition table (replay.md section 1): the only place
 * the allowed transitions are written down; the model looks them up and
 * `model` prints them.
 */
#include "model/mdl.h"

#define ST_SAME SCMWQ_ST__COUNT

static const struct scmwq_transition transitions[] = {
	{ SCMWQ_ST_IDLE,     SCMWQ_IN_REQ_CALL,       SCMWQ_ST_IN_FW,    "a call enters firmware" },
	{ SCMWQ_ST_IN_FW,    SCMWQ_IN_REQ_REENTRY,    SCMWQ_ST_IN_FW,    "INTERRUPTED re-entry (0x1) or EBUSY retry of the same id" },
	{ SCMWQ_ST_IN_FW,    SCMWQ_IN_SLEEP,          SCMWQ_ST_SLEEPING, "firmware returned WAITQ_SLEEP(wq_ctx, smc_call_ctx)" },
	{ SCMWQ_ST_SLEEPING, SCMWQ_IN_WAKE,           SCMWQ_ST_WOKEN,    "a wake on its wq_ctx is credited to it" },
	{ SCMWQ_ST_SLEEPING, SCMWQ_IN_RESUME,         SCMWQ_ST_RESUMING, "woke up; must be backed by a token of its wq_ctx" },
	{ SCMWQ_ST_WOKEN,    SCMWQ_IN_RESUME,         SCMWQ_ST_RESUMING, "woke up with a wake of its own" },
	{ SCMWQ_ST_RESUMING, SCMWQ_IN_REQ_RESUME,     SCMWQ_ST_IN_FW,    "RESUME(smc_call_ctx) re-enters firmware" },
	{ SCMWQ_ST_IN_FW,    SCMWQ_IN_WAKE_ACK,       SCMWQ_ST_ACKING,   "firmware returned WAITQ_WAKE: wakes wq_ctx, must ACK" },
	{ SCMWQ_ST_ACKING,   SCMWQ_IN_REQ_ACK,        SCMWQ_ST_IN_FW,    "ACK(smc_call_ctx) re-enters firmware" },
	{ SCMWQ_ST_IN_FW,    SCMWQ_IN_DONE,           SCMWQ_ST_IDLE,     "the call returns to its caller" },
	{ SCMWQ_ST_IDLE,     SCMWQ_IN_REQ_GET_WQ_CTX, ST_SAME,           "IRQ drain, not a call" },
	{ SCMWQ_ST_IN_FW,    SCMWQ_IN_REQ_GET_WQ_CTX, ST_SAME,           "IRQ drain, not a call" },
	{ SCMWQ_ST_SLEEPING, SCMWQ_IN_REQ_GET_WQ_CTX, ST_SAME,           "IRQ drain, not a call" },
	{ SCMWQ_ST_WOKEN,    SCMWQ_IN_REQ_GET_WQ_CTX, ST_SAME,           "IRQ drain, not a call" },
	{ SCMWQ_ST_RESUMING, SCMWQ_IN_REQ_GET_WQ_CTX, ST_SAME,           "IRQ drain, not a call" },
	{ SCMWQ_ST_ACKING,   SCMWQ_IN_REQ_GET_WQ_CTX, ST_SAME,           "IRQ drain, not a call" },
};

/* Where an event leads when it is not allowed: the model resynchronises there. */
static const enum scmwq_call_state natural_target[SCMWQ_IN__COUNT] = {
	[SCMWQ_IN_REQ_CALL]	  = SCMWQ_ST_IN_FW,
	[SCMWQ_IN_REQ_REENTRY]	  = SCMWQ_ST_IN_FW,
	[SCMWQ_IN_REQ_RESUME]	  = SCMWQ_ST_IN_FW,
	[SCMWQ_IN_REQ_ACK]	  = SCMWQ_ST_IN_FW,
	[SCMWQ_IN_REQ_GET_WQ_CTX] = ST_SAME,
	[SCMWQ_IN_SLEEP]	  = SCMWQ_ST_SLEEPING,
	[SCMWQ_IN_WAKE]		  = SCMWQ_ST_WOKEN,
	[SCMWQ_IN_RESUME]	  = SCMWQ_ST_RESUMING,
	[SCMWQ_IN_WAKE_ACK]	  = SCMWQ_ST_ACKING,
	[SCMWQ_IN_DONE]		  = SCMWQ_ST_IDLE,
};

static const char *const state_names[SCMWQ_ST__COUNT] = {
	"idle", "in_fw", "sleeping", "woken", "resuming", "acking",
};

static const char *const input_names[SCMWQ_IN__COUNT] = {
	"request", "request-reentry", "request-RESUME", "request-ACK", "request-GET_WQ_CTX",
	"waitq_sleep", "wake", "waitq_resume", "waitq_wake_ack", "smc_done",
};

const char *scmwq_state_name(enum scmwq_call_state st)
{
	return (unsigned int)st < SCMWQ_ST__COUNT ? state_names[st] : "?";
}

const char *scmwq_input_name(enum scmwq_input in)
{
	return (unsigned int)in < SCMWQ_IN__COUNT ? input_names[in] : "?";
}

const struct scmwq_transition *scmwq_transitions(size_t *n)
{
	*n = ARRAY_SIZE(transitions);
	return transitions;
}

int mdl_lookup(enum scmwq_call_state from, enum scmwq_input in, enum scmwq_call_state *to)
{
	for (size_t i = 0; i < ARRAY_SIZE(transitions); i++) {
		if (transitions[i].from == from && transitions[i].input == in) {
			*to = transitions[i].to == ST_SAME ? from : transitions[i].to;
			return 0;
		}
	}
	return -1;
}

enum scmwq_call_state mdl_natural_target(enum scmwq_input in)
{
	return natural_target[in];
}
