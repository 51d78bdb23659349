// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the model (and the per-call tracker around it) fed
 * with arbitrary events, every field of struct scmwq_event taken from the
 * input.  The values are drawn mostly from the few that matter (a handful
 * of threads, wait-queues and contexts, the function ids and return codes
 * of the protocol) so that events meet each other, and now and then raw.
 *
 * The first bytes choose the driver and the model's options; then each
 * event takes EV_BYTES bytes.
 */
#include <stdint.h>
#include <string.h>

#include <scmwq/calls.h>
#include <scmwq/model.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EV_BYTES	24

struct cursor {
	const uint8_t *p;
	size_t left;
};

static uint8_t u8(struct cursor *c)
{
	if (!c->left)
		return 0;
	c->left--;
	return *c->p++;
}

static uint64_t u64(struct cursor *c)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | u8(c);
	return v;
}

/* A value from @table by the low bits of @b, or the raw byte. */
static uint64_t pick(uint8_t b, const uint64_t *table, size_t n)
{
	return b & 0x80 ? b & 0x7f : table[(b & 0x7f) % n];
}

static const uint64_t smc_ids[] = {
	0x42000601ULL, 0xC2000602ULL, SCMWQ_SMC_RESUME, SCMWQ_SMC_ACK, SCMWQ_SMC_GET_WQ_CTX,
	SCMWQ_SMC_GET_WQ_CTX_STD, SCMWQ_SMC_GET_INFO, SCMWQ_SMC_INTERRUPTED, 0, UINT64_MAX,
};

static const uint64_t rets[] = {
	0, SCMWQ_RET_INTERRUPTED, SCMWQ_RET_WAITQ_SLEEP, SCMWQ_RET_WAITQ_WAKE,
	(uint64_t)(int64_t)SCMWQ_RET_EBUSY, (uint64_t)-22, 0x80000000ULL,
};

static void decode_event(struct cursor *c, struct scmwq_event *ev, uint64_t *now)
{
	static const char states[] = "DIRSxZ";
	uint8_t b[EV_BYTES - 8];
	uint16_t dt;

	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = u8(c);
	memset(ev, 0, sizeof(*ev));
	ev->type = (enum scmwq_ev_type)(b[0] % (SCMWQ_EV__COUNT - 1) + 1);
	ev->sys = (enum scmwq_system)(b[0] >> 4) % 3;
	ev->pid = b[1] & 0x80 ? (int)(b[1] & 0x7f) - 8 : 100 + (b[1] & 7);
	ev->cpu = b[2] & 0x80 ? b[2] * 7 : b[2] & 7;
	dt = (uint16_t)(b[3] << 8 | b[4]);
	/* mostly forward in time, sometimes a little back (CPUs' clocks skew) */
	if (dt & 0x8000)
		*now -= *now < (dt & 0xff) ? *now : (dt & 0xff);
	else
		*now += (uint64_t)dt * 997;
	ev->ts_ns = *now;
	ev->have = (unsigned int)(b[5] << 8 | b[6]) & 0x3ff;
	ev->wq_ctx = (uint32_t)pick(b[7], (const uint64_t[]){ 0, 1, 2, 3 }, 4);
	ev->smc_call_ctx = (uint32_t)pick(b[8], (const uint64_t[]){ 1, 2, 3, 4, 5, 6, 7 }, 7);
	ev->flags = (uint32_t)pick(b[9], (const uint64_t[]){ SCMWQ_WAKE_NONE, SCMWQ_WAKE_ONE,
							      SCMWQ_WAKE_ALL }, 3);
	ev->more_pending = b[10] & 3;
	ev->smc_id = pick(b[11], smc_ids, sizeof(smc_ids) / sizeof(smc_ids[0]));
	ev->svc_id = (uint8_t)scmwq_smc_svc(ev->smc_id);
	ev->cmd_id = (uint8_t)scmwq_smc_cmd(ev->smc_id);
	ev->ret = (int)pick(b[12], rets, sizeof(rets) / sizeof(rets[0]));
	ev->res = pick(b[13], rets, sizeof(rets) / sizeof(rets[0]));
	ev->res0 = b[14] & 0x80 ? u64(c) : ev->wq_ctx;
	ev->res1 = b[14] & 3;
	ev->res2 = b[14] >> 2 & 3;
	ev->args_cnt = b[15] & 0x80 ? b[15] : b[15] % 4;
	for (unsigned int i = 0; i < SCMWQ_MAX_ARGS; i++)
		ev->args[i] = i ? i : ev->smc_call_ctx;
	ev->prev_state = states[b[6] % (sizeof(states) - 1)];
	ev->next_pid = 100 + (b[7] & 7);
	ev->target_pid = 100 + (b[8] & 7);
	memcpy(ev->comm, "fuzz", 5);
	memcpy(ev->next_comm, b[9] & 1 ? "irq/42-qcom-scm" : "fuzz", b[9] & 1 ? 16 : 5);
	ev->loss = (enum scmwq_loss)(b[10] >> 2) % 3;
	ev->lost_count = b[13];
	ev->gap_start_ns = *now - (*now < b[14] ? *now : b[14]);
	ev->gap_end_ns = *now + (b[12] & 0x40 ? b[15] : 0);
	ev->where = u64(c) & 0xffff;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	struct scmwq_model_opts opts;
	struct scmwq_calls *calls = NULL;
	struct scmwq_model *m = NULL;
	struct scmwq_event ev;
	uint8_t how;
	uint64_t now = 1000000000;

	if (size < 2)
		return 0;
	how = u8(&c);
	scmwq_model_opts_init(&opts);
	opts.driver = (enum scmwq_driver)(how % (SCMWQ_DRV__COUNT - 1) + 1);
	opts.ncpus = (how >> 3) & 7;
	opts.losses_in_order = how & 0x40;
	opts.driver_guessed = how & 0x80;
	how = u8(&c);
	opts.grace_ns = (uint64_t)(how & 0xf) * 1000000;
	opts.stall_ns = (uint64_t)(how >> 4) * 1000000;
	opts.skew_ns = how & 1 ? 0 : 20000;

	if (how & 0x20)
		calls = scmwq_calls_alloc(&opts, NULL, NULL, NULL);
	else
		m = scmwq_model_alloc(&opts, NULL, NULL);
	if (!calls && !m)
		return 0;
	while (c.left >= EV_BYTES) {
		decode_event(&c, &ev, &now);
		if (calls) {
			scmwq_calls_feed(calls, &ev);
		} else {
			scmwq_model_feed(m, &ev);
			if (ev.where & 0x100)
				scmwq_model_advance(m, now + (ev.where & 0xff) * 1000000);
		}
	}
	if (calls) {
		scmwq_calls_finish(calls);
		scmwq_calls_free(calls);
	} else {
		scmwq_model_finish(m);
		scmwq_model_free(m);
	}
	return 0;
}
