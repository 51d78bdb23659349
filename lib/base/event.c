// SPDX-License-Identifier: GPL-2.0
/*
 * Events: their names, and constructors that fill an SCM event as its
 * tracepoint does (for the simulator and the generators).
 */
#include <string.h>

#include "base/base.h"

static const char *const ev_names[SCMWQ_EV__COUNT] = {
	[SCMWQ_EV_NONE]		= "none",
	[SCMWQ_EV_SMC_REQUEST]	= "scm_smc_request",
	[SCMWQ_EV_SLEEP]	= "scm_waitq_sleep",
	[SCMWQ_EV_RESUME]	= "scm_waitq_resume",
	[SCMWQ_EV_GET_WQ_CTX]	= "scm_waitq_get_wq_ctx",
	[SCMWQ_EV_WAKE_ACK]	= "scm_waitq_wake_ack",
	[SCMWQ_EV_SMC_DONE]	= "scm_smc_done",
	[SCMWQ_EV_SCHED_SWITCH]	= "sched_switch",
	[SCMWQ_EV_SCHED_WAKEUP]	= "sched_wakeup",
	[SCMWQ_EV_LOST]		= "lost",
};

const char *scmwq_ev_type_name(enum scmwq_ev_type type)
{
	if ((unsigned int)type >= SCMWQ_EV__COUNT)
		return "?";
	return ev_names[type];
}

void scmwq_event_request(struct scmwq_event *ev, uint64_t smc_id, unsigned int nargs,
			 uint64_t arg0, uint64_t arg1)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = SCMWQ_EV_SMC_REQUEST;
	ev->smc_id = smc_id;
	ev->svc_id = (uint8_t)scmwq_smc_svc(smc_id);
	ev->cmd_id = (uint8_t)scmwq_smc_cmd(smc_id);
	ev->args_cnt = (uint8_t)nargs;
	ev->args[0] = arg0;
	ev->args[1] = arg1;
	ev->have = SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_SVC_CMD | SCMWQ_HAVE_ARGS;
}

void scmwq_event_waitq(struct scmwq_event *ev, enum scmwq_ev_type type, uint32_t wq_ctx,
		       uint32_t smc_call_ctx)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->wq_ctx = wq_ctx;
	ev->smc_call_ctx = smc_call_ctx;
	ev->have = SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX;
}

void scmwq_event_resume(struct scmwq_event *ev, uint32_t smc_call_ctx)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = SCMWQ_EV_RESUME;
	ev->smc_call_ctx = smc_call_ctx;
	ev->have = SCMWQ_HAVE_CTX;
}

void scmwq_event_get_wq_ctx(struct scmwq_event *ev, uint32_t wq_ctx, uint32_t flags,
			    uint32_t more_pending)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = SCMWQ_EV_GET_WQ_CTX;
	ev->wq_ctx = wq_ctx;
	ev->flags = flags;
	ev->more_pending = more_pending;
	ev->have = SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_FLAGS | SCMWQ_HAVE_MORE;
}

void scmwq_event_done(struct scmwq_event *ev, uint64_t smc_id, int ret, uint64_t res,
		      uint64_t res0, uint64_t res1, uint64_t res2)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = SCMWQ_EV_SMC_DONE;
	ev->smc_id = smc_id;
	ev->ret = ret;
	ev->res = res;
	ev->res0 = res0;
	ev->res1 = res1;
	ev->res2 = res2;
	ev->have = SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_RET | SCMWQ_HAVE_RES | SCMWQ_HAVE_RES012;
}

const char *scmwq_system_name(enum scmwq_system sys)
{
	switch (sys) {
	case SCMWQ_SYS_QCOM_SCM:
		return "qcom_scm";
	case SCMWQ_SYS_SCM:
		return "scm";
	default:
		return "unknown";
	}
}
