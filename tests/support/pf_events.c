// SPDX-License-Identifier: GPL-2.0
/*
 * The SCM events as traced_probes writes them in a Perfetto trace: their
 * formats and field values (pf_events.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pf_events.h"

#define U(n)	{ n, PF_T_U }
#define S(n)	{ n, PF_T_S }
#define STR(n)	{ n, PF_T_STR }

static const struct pf_edesc req_vendor = { "scm_smc_request", 65536, "scm_smc_request_vendor",
	{ U("smc_id"), U("svc_id"), U("cmd_id"), U("args_cnt"), STR("out") } };
static const struct pf_edesc req_mainline = { "scm_smc_request", 65537,
	"scm_smc_request_mainline",
	{ U("smc_id"), U("svc_id"), U("cmd_id"), U("args_cnt"), STR("args") } };
static const struct pf_edesc sleep_d = { "scm_waitq_sleep", 65538, "scm_waitq_sleep",
	{ U("wq_ctx"), U("smc_call_ctx") } };
static const struct pf_edesc resume_d = { "scm_waitq_resume", 65539, "scm_waitq_resume",
	{ U("smc_call_ctx") } };
static const struct pf_edesc getwq_d = { "scm_waitq_get_wq_ctx", 65540, "scm_waitq_get_wq_ctx",
	{ U("wq_ctx"), U("flags"), U("more_pending") } };
static const struct pf_edesc ack_d = { "scm_waitq_wake_ack", 65541, "scm_waitq_wake_ack",
	{ U("wq_ctx"), U("smc_call_ctx") } };
static const struct pf_edesc done_vendor = { "scm_smc_done", 65542, "scm_smc_done_vendor",
	{ S("ret"), U("smc_id"), U("res0"), U("res1"), U("res2") } };
static const struct pf_edesc done_mainline = { "scm_smc_done", 65543, "scm_smc_done_mainline",
	{ S("ret"), U("smc_id"), U("res"), U("res0"), U("res1"), U("res2") } };

const struct pf_edesc *const pf_all_descs[PF_NDESCS] = {
	&req_vendor, &req_mainline, &sleep_d, &resume_d, &getwq_d, &ack_d, &done_vendor,
	&done_mainline,
};

/* The vendor tracepoint's `out` text, as in its format file. */
static void vendor_out(const struct scmwq_event *ev, struct pf_evals *x)
{
	size_t n = 0;

	x->s[0] = '\0';
	for (int i = 0; i < ev->args_cnt && i < SCMWQ_MAX_ARGS; i++)
		n += (size_t)snprintf(x->s + n, sizeof(x->s) - n,
				      " x%d:(hex:0x%08" PRIx64 " decimal:%" PRIu64 ")", i + 2,
				      ev->args[i], ev->args[i]);
	x->slen = strlen(x->s);
}

/* What traced_probes copies of `unsigned long args[]`: up to the first zero byte. */
static void mainline_args(const struct scmwq_event *ev, struct pf_evals *x)
{
	size_t n = 0;

	for (int i = 0; i < ev->args_cnt && i < SCMWQ_MAX_ARGS; i++)
		for (int b = 0; b < 8; b++) {
			unsigned char c = (unsigned char)(ev->args[i] >> (8 * b));

			if (!c)
				goto out;
			x->s[n++] = (char)c;
		}
out:
	x->slen = n;
}

bool pf_event_vals(const struct scmwq_event *ev, bool vendor, struct pf_evals *x)
{
	memset(x, 0, sizeof(*x));
	switch (ev->type) {
	case SCMWQ_EV_SMC_REQUEST:
		x->d = vendor ? &req_vendor : &req_mainline;
		x->v[0] = ev->smc_id;
		x->v[1] = ev->svc_id;
		x->v[2] = ev->cmd_id;
		x->v[3] = ev->args_cnt;
		if (vendor)
			vendor_out(ev, x);
		else
			mainline_args(ev, x);
		return true;
	case SCMWQ_EV_SLEEP:
	case SCMWQ_EV_WAKE_ACK:
		x->d = ev->type == SCMWQ_EV_SLEEP ? &sleep_d : &ack_d;
		x->v[0] = ev->wq_ctx;
		x->v[1] = ev->smc_call_ctx;
		return true;
	case SCMWQ_EV_RESUME:
		x->d = &resume_d;
		x->v[0] = ev->smc_call_ctx;
		return true;
	case SCMWQ_EV_GET_WQ_CTX:
		x->d = &getwq_d;
		x->v[0] = ev->wq_ctx;
		x->v[1] = ev->flags;
		x->v[2] = ev->more_pending;
		return true;
	case SCMWQ_EV_SMC_DONE:
		x->d = vendor ? &done_vendor : &done_mainline;
		x->v[0] = (uint64_t)(int64_t)ev->ret;
		x->v[1] = ev->smc_id;
		if (vendor) {
			x->v[2] = ev->res0;
			x->v[3] = ev->res1;
			x->v[4] = ev->res2;
		} else {
			x->v[2] = ev->res;
			x->v[3] = ev->res0;
			x->v[4] = ev->res1;
			x->v[5] = ev->res2;
		}
		return true;
	default:
		return false;
	}
}
