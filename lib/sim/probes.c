// SPDX-License-Identifier: GPL-2.0
/*
 * Probe points named after the SCM tracepoints.
 *
 * Each function has external linkage, is never inlined and has a body the
 * compiler cannot drop, so that a uprobe on its first instruction sees the
 * arguments in the argument registers, in the order of the tracepoint's
 * fields.  The scenario player (tests/gen/scmwq-gen.c) and the simulator
 * call them at the points where the kernel driver would emit the events;
 * tests/gen/record-uprobe.sh puts uprobe events named after the
 * tracepoints on them.
 */
#include "sim/sim.h"

#define SCMWQ_PROBE __attribute__((noinline, used, visibility("default")))

/**
 * scm_smc_request - probe point for the scm_smc_request tracepoint
 * @smc_id: full SMC function id (0x1 for an INTERRUPTED re-entry)
 * @svc_id: service id, bits 15..8 of @smc_id
 * @cmd_id: command id, bits 7..0 of @smc_id
 * @args_cnt: number of arguments of the call
 * @arg0: first argument (0 when none)
 * @arg1: second argument (0 when none)
 */
SCMWQ_PROBE void scm_smc_request(uint64_t smc_id, uint8_t svc_id, uint8_t cmd_id,
				 uint8_t args_cnt, uint64_t arg0, uint64_t arg1)
{
	asm volatile("" ::: "memory");
}

/**
 * scm_waitq_sleep - probe point for the scm_waitq_sleep tracepoint
 * @wq_ctx: the wait-queue firmware parked the call on
 * @smc_call_ctx: firmware's id of the parked call
 */
SCMWQ_PROBE void scm_waitq_sleep(uint32_t wq_ctx, uint32_t smc_call_ctx)
{
	asm volatile("" ::: "memory");
}

/**
 * scm_waitq_resume - probe point for the scm_waitq_resume tracepoint
 * @smc_call_ctx: the call being resumed
 */
SCMWQ_PROBE void scm_waitq_resume(uint32_t smc_call_ctx)
{
	asm volatile("" ::: "memory");
}

/**
 * scm_waitq_get_wq_ctx - probe point for the scm_waitq_get_wq_ctx tracepoint
 * @wq_ctx: the wait-queue to wake
 * @flags: SCMWQ_WAKE_ONE, SCMWQ_WAKE_ALL (or SCMWQ_WAKE_NONE)
 * @more_pending: 1 when more wait-queues are to be drained
 */
SCMWQ_PROBE void scm_waitq_get_wq_ctx(uint32_t wq_ctx, uint32_t flags, uint32_t more_pending)
{
	asm volatile("" ::: "memory");
}

/**
 * scm_waitq_wake_ack - probe point for the vendor scm_waitq_wake_ack tracepoint
 * @wq_ctx: the wait-queue firmware asked to wake
 * @smc_call_ctx: the call firmware returned WAITQ_WAKE to
 */
SCMWQ_PROBE void scm_waitq_wake_ack(uint32_t wq_ctx, uint32_t smc_call_ctx)
{
	asm volatile("" ::: "memory");
}

/**
 * scm_smc_done - probe point for the scm_smc_done tracepoint
 * @ret: the call's return value
 * @smc_id: the call's function id
 * @res: firmware's a0
 * @res0: firmware's a1
 * @res1: firmware's a2
 * @res2: firmware's a3
 */
SCMWQ_PROBE void scm_smc_done(int ret, uint64_t smc_id, uint64_t res, uint64_t res0,
			      uint64_t res1, uint64_t res2)
{
	asm volatile("" ::: "memory");
}
