// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the ftrace text writer (lib/output/textout.c): exact lines for
 * the print formats of traces.md section 1, and round trips through the
 * reader's scmwq_text_parse_line.
 */
#include <stdlib.h>
#include <string.h>

#include <scmwq.h>

#include "base/base.h"
#include "model/model.h"
#include "sim/sim.h"
#include "source/source.h"
#include "tap.h"

/* The columns of base() up to the event name. */
#define KW1 "     kworker/1:2-88      [001] d..1.  1234.567890: "

static char *out_buf;
static size_t out_len;

/* Write @ev with @sys and return the line (static buffer owned here). */
static const char *write_ev(const struct scmwq_event *ev, enum scmwq_system sys, int *ret)
{
	FILE *f;

	free(out_buf);
	out_buf = NULL;
	f = open_memstream(&out_buf, &out_len);
	*ret = scmwq_text_write_event(f, ev, sys);
	fclose(f);
	return out_buf;
}

static void base(struct scmwq_event *ev, enum scmwq_ev_type type)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->ts_ns = 1234567890000ULL;
	ev->pid = 88;
	ev->cpu = 1;
	strcpy(ev->comm, "kworker/1:2");
}

static void test_exact(void)
{
	struct scmwq_event ev;
	int r;

	base(&ev, SCMWQ_EV_SLEEP);
	ev.smc_call_ctx = 7;
	is_str(write_ev(&ev, SCMWQ_SYS_QCOM_SCM, &r),
	       KW1 "scm_waitq_sleep: wq_ctx:0, "
	       "smc_call_ctx:7\n", "exact: sleep (the sample of traces.md)");
	is_int(r, 0, "exact: returns 0");

	base(&ev, SCMWQ_EV_SMC_REQUEST);
	ev.smc_id = 0x42002402;
	ev.svc_id = 0x24;
	ev.cmd_id = 0x02;
	ev.args_cnt = 2;
	ev.args[0] = 7;
	ev.args[1] = 0xABCDEF;
	is_str(write_ev(&ev, SCMWQ_SYS_QCOM_SCM, &r),
	       KW1 "scm_smc_request: "
	       "smc_id:0x42002402 svc_id:0x24 cmd_id:0x02 args_cnt:2 args:{0x7,0xabcdef}\n",
	       "exact: mainline request");
	is_str(write_ev(&ev, SCMWQ_SYS_SCM, &r),
	       KW1 "scm_smc_request: "
	       "smc_id:0x42002402 svc_id:0x24, cmd_id:0x02, args_cnt:2 "
	       "x2:(hex:0x00000007 decimal:7) x3:(hex:0x00abcdef decimal:11259375)\n",
	       "exact: vendor request, arguments numbered by register from x2");
	/* the tracepoints keep at most 6 arguments, and say so in args_cnt */
	ev.args_cnt = 8;
	for (int i = 0; i < 8; i++)
		ev.args[i] = i + 1;
	is_str(write_ev(&ev, SCMWQ_SYS_SCM, &r),
	       KW1 "scm_smc_request: "
	       "smc_id:0x42002402 svc_id:0x24, cmd_id:0x02, args_cnt:6 "
	       "x2:(hex:0x00000001 decimal:1) x3:(hex:0x00000002 decimal:2) "
	       "x4:(hex:0x00000003 decimal:3) x5:(hex:0x00000004 decimal:4) "
	       "x6:(hex:0x00000005 decimal:5) x7:(hex:0x00000006 decimal:6)\n",
	       "exact: vendor request, 8 arguments kept as the kernel's 6");
	is_str(write_ev(&ev, SCMWQ_SYS_QCOM_SCM, &r),
	       KW1 "scm_smc_request: "
	       "smc_id:0x42002402 svc_id:0x24 cmd_id:0x02 args_cnt:6 "
	       "args:{0x1,0x2,0x3,0x4,0x5,0x6}\n",
	       "exact: mainline request, 8 arguments kept as the kernel's 6");
	ev.args_cnt = 0;
	ev.smc_id = 1;
	ev.svc_id = 0;
	ev.cmd_id = 1;
	is_str(write_ev(&ev, SCMWQ_SYS_QCOM_SCM, &r),
	       KW1 "scm_smc_request: "
	       "smc_id:0x00000001 svc_id:0x00 cmd_id:0x01 args_cnt:0 args:{}\n",
	       "exact: mainline request without args");

	base(&ev, SCMWQ_EV_SMC_DONE);
	ev.smc_id = 0x42000c05;
	ev.ret = -12;
	ev.res = 0x10;
	ev.res0 = 255;
	ev.res1 = 1;
	ev.res2 = 0;
	is_str(write_ev(&ev, SCMWQ_SYS_QCOM_SCM, &r),
	       KW1 "scm_smc_done: smc_id:0x42000c05, "
	       "ret:-12 res_to_callee:0x10 res0:0xff res1:0x1 res2:0x0\n", "exact: mainline done");
	is_str(write_ev(&ev, SCMWQ_SYS_SCM, &r),
	       KW1 "scm_smc_done: smc_id:0x42000c05, "
	       "ret:-12 res0:255 res1:1 res2:0\n", "exact: vendor done");

	base(&ev, SCMWQ_EV_GET_WQ_CTX);
	ev.ts_ns = 5000001;
	ev.wq_ctx = 3;
	ev.flags = 2;
	ev.more_pending = 1;
	ev.cpu = 12;
	strcpy(ev.comm, "irq/34-qcom-scm");
	ev.pid = 123456;
	is_str(write_ev(&ev, SCMWQ_SYS_UNKNOWN, &r),
	       " irq/34-qcom-scm-123456  [012] d..1.     0.005000: scm_waitq_get_wq_ctx: wq_ctx:3, "
	       "flags:2, more_pending:1\n", "exact: get_wq_ctx, small timestamp");

	base(&ev, SCMWQ_EV_SCHED_SWITCH);
	ev.prev_state = 'D';
	ev.next_pid = 0;
	strcpy(ev.next_comm, "swapper/1");
	is_str(write_ev(&ev, SCMWQ_SYS_UNKNOWN, &r),
	       KW1 "sched_switch: "
	       "prev_comm=kworker/1:2 prev_pid=88 prev_prio=120 prev_state=D ==> "
	       "next_comm=swapper/1 next_pid=0 next_prio=120\n", "exact: sched_switch");

	base(&ev, SCMWQ_EV_LOST);
	ev.cpu = 2;
	ev.lost_count = 45;
	is_str(write_ev(&ev, SCMWQ_SYS_UNKNOWN, &r), "CPU:2 [LOST 45 EVENTS]\n", "exact: lost");
	ev.lost_count = 0;
	is_str(write_ev(&ev, SCMWQ_SYS_UNKNOWN, &r), "CPU:2 [LOST EVENTS]\n",
	       "exact: lost, count unknown");
	ev.loss = SCMWQ_LOSS_CPU_STARTED;
	is_str(write_ev(&ev, SCMWQ_SYS_UNKNOWN, &r), "##### CPU 2 buffer started ####\n",
	       "exact: cpu buffer started");

	base(&ev, SCMWQ_EV_NONE);
	write_ev(&ev, SCMWQ_SYS_UNKNOWN, &r);
	is_int(r, -1, "exact: SCMWQ_EV_NONE cannot be written");
}

static void test_header(void)
{
	static const char want[] =
		"# tracer: nop\n"
		"#\n"
		"# entries-in-buffer/entries-written: 42/42   #P:4\n"
		"#\n"
		"#                                _-----=> irqs-off/BH-disabled\n"
		"#                               / _----=> need-resched\n"
		"#                              | / _---=> hardirq/softirq\n"
		"#                              || / _--=> preempt-depth\n"
		"#                              ||| / _-=> migrate-disable\n"
		"#                              |||| /     delay\n"
		"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
		"#              | |         |   |||||     |         |\n";
	struct scmwq_text_ctx ctx = { 0 };
	struct scmwq_event ev;
	const char *why;
	char *buf = NULL, *line, *save = NULL;
	size_t len;
	FILE *f;
	int r, kinds_ok = 1;

	f = open_memstream(&buf, &len);
	r = scmwq_text_write_header(f, 4, 42);
	fclose(f);
	is_int(r, 0, "header: returns 0");
	is_str(buf, want, "header: exact text");
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (scmwq_text_parse_line(&ctx, line, &ev, &why) != SCMWQ_LINE_SKIP)
			kinds_ok = 0;
	ok(kinds_ok, "header: every line parses as a header line (no loss)");
	ok(ctx.seen_header, "header: seen");
	is_int(ctx.cpus, 4, "header: #P");
	is_int(ctx.flag_width, 5, "header: flags width");
	is_int(ctx.entries_in_buffer, 42, "header: entries-in-buffer");
	is_int(ctx.entries_written, 42, "header: entries-written");
	free(buf);
}

/* Write @ev, parse it back and compare what the format carries. */
static void round_trip(const struct scmwq_event *in, enum scmwq_system sys, const char *what)
{
	struct scmwq_text_ctx ctx = { 0 };
	struct scmwq_event got;
	const char *why = NULL, *sname = scmwq_system_name(sys);
	enum scmwq_line_kind kind;
	char line[1024];
	int r;

	snprintf(line, sizeof(line), "%s", write_ev(in, sys, &r));
	line[strcspn(line, "\n")] = '\0';
	is_int(r, 0, "%s/%s: written", what, sname);
	kind = scmwq_text_parse_line(&ctx, line, &got, &why);
	is_int(kind, in->type == SCMWQ_EV_LOST ? SCMWQ_LINE_LOST : SCMWQ_LINE_EVENT,
	       "%s/%s: parses back", what, sname);
	if (kind == SCMWQ_LINE_MALFORMED)
		printf("#   %s\n#   why: %s\n", line, why);
	is_int(got.type, in->type, "%s/%s: type", what, sname);

	if (in->type == SCMWQ_EV_LOST) {
		is_int(got.cpu, in->cpu, "%s/%s: cpu", what, sname);
		is_int(got.loss, in->loss, "%s/%s: loss kind", what, sname);
		is_int(got.lost_count, in->lost_count, "%s/%s: count", what, sname);
		return;
	}
	is_int(got.ts_ns, in->ts_ns, "%s/%s: ts", what, sname);
	is_int(got.pid, in->pid, "%s/%s: pid", what, sname);
	is_int(got.cpu, in->cpu, "%s/%s: cpu", what, sname);
	is_str(got.comm, in->comm, "%s/%s: comm", what, sname);

	switch (in->type) {
	case SCMWQ_EV_SMC_REQUEST:
		is_int(got.sys, sys, "%s/%s: system told by the format", what, sname);
		is_int(got.smc_id, in->smc_id, "%s/%s: smc_id", what, sname);
		is_int(got.svc_id, in->svc_id, "%s/%s: svc_id", what, sname);
		is_int(got.cmd_id, in->cmd_id, "%s/%s: cmd_id", what, sname);
		is_int(got.args_cnt, in->args_cnt, "%s/%s: args_cnt", what, sname);
		ok(!memcmp(got.args, in->args, in->args_cnt * sizeof(in->args[0])),
		   "%s/%s: args", what, sname);
		is_int(got.have, SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_SVC_CMD | SCMWQ_HAVE_ARGS,
		       "%s/%s: have", what, sname);
		break;
	case SCMWQ_EV_SLEEP:
	case SCMWQ_EV_WAKE_ACK:
		is_int(got.wq_ctx, in->wq_ctx, "%s/%s: wq_ctx", what, sname);
		is_int(got.smc_call_ctx, in->smc_call_ctx, "%s/%s: smc_call_ctx", what, sname);
		is_int(got.have, SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX, "%s/%s: have", what, sname);
		break;
	case SCMWQ_EV_RESUME:
		is_int(got.smc_call_ctx, in->smc_call_ctx, "%s/%s: smc_call_ctx", what, sname);
		is_int(got.have, SCMWQ_HAVE_CTX, "%s/%s: have", what, sname);
		break;
	case SCMWQ_EV_GET_WQ_CTX:
		is_int(got.wq_ctx, in->wq_ctx, "%s/%s: wq_ctx", what, sname);
		is_int(got.flags, in->flags, "%s/%s: flags", what, sname);
		is_int(got.more_pending, in->more_pending, "%s/%s: more_pending", what, sname);
		break;
	case SCMWQ_EV_SMC_DONE:
		is_int(got.sys, sys, "%s/%s: system told by the format", what, sname);
		is_int(got.smc_id, in->smc_id, "%s/%s: smc_id", what, sname);
		is_int(got.ret, in->ret, "%s/%s: ret", what, sname);
		ok(got.res0 == in->res0 && got.res1 == in->res1 && got.res2 == in->res2,
		   "%s/%s: res0..2", what, sname);
		if (sys == SCMWQ_SYS_QCOM_SCM) {
			ok(got.res == in->res, "%s/%s: res", what, sname);
			is_int(got.have, SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_RET | SCMWQ_HAVE_RES |
			       SCMWQ_HAVE_RES012, "%s/%s: have", what, sname);
		} else {
			is_int(got.have, SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_RET | SCMWQ_HAVE_RES012,
			       "%s/%s: have (no res)", what, sname);
		}
		break;
	case SCMWQ_EV_SCHED_SWITCH:
		is_int(got.prev_state, in->prev_state, "%s/%s: prev_state", what, sname);
		is_int(got.next_pid, in->next_pid, "%s/%s: next_pid", what, sname);
		is_str(got.next_comm, in->next_comm, "%s/%s: next_comm", what, sname);
		break;
	case SCMWQ_EV_SCHED_WAKEUP:
		is_int(got.target_pid, in->target_pid, "%s/%s: target_pid", what, sname);
		is_str(got.next_comm, in->next_comm, "%s/%s: woken comm", what, sname);
		break;
	default:
		break;
	}
}

static void test_round_trip(void)
{
	static const enum scmwq_system systems[] = { SCMWQ_SYS_QCOM_SCM, SCMWQ_SYS_SCM };
	struct scmwq_event ev;

	for (size_t s = 0; s < ARRAY_SIZE(systems); s++) {
		enum scmwq_system sys = systems[s];

		base(&ev, SCMWQ_EV_SMC_REQUEST);
		ev.smc_id = 0xC2002403;
		ev.svc_id = 0x24;
		ev.cmd_id = 0x03;
		round_trip(&ev, sys, "request, no args");
		ev.args_cnt = 6;	/* the most the tracepoints keep */
		for (int i = 0; i < 6; i++)
			ev.args[i] = 0x1ULL << (i * 12);
		ev.args[5] = UINT64_MAX;
		round_trip(&ev, sys, "request, all args");
		ev.args_cnt = 1;
		ev.smc_id = SCMWQ_SMC_INTERRUPTED;
		ev.svc_id = 0;
		ev.cmd_id = 1;
		round_trip(&ev, sys, "request, interrupted re-entry");

		base(&ev, SCMWQ_EV_SLEEP);
		ev.wq_ctx = 5;
		ev.smc_call_ctx = 4000000000U;
		round_trip(&ev, sys, "sleep");

		base(&ev, SCMWQ_EV_RESUME);
		ev.smc_call_ctx = 9;
		strcpy(ev.comm, "my task [x]-y");
		ev.pid = 4194304;
		ev.cpu = 255;
		round_trip(&ev, sys, "resume, odd comm");

		base(&ev, SCMWQ_EV_GET_WQ_CTX);
		ev.wq_ctx = 1;
		ev.flags = SCMWQ_WAKE_ALL;
		ev.more_pending = 1;
		strcpy(ev.comm, "irq/34-qcom-scm");
		round_trip(&ev, sys, "get_wq_ctx");

		base(&ev, SCMWQ_EV_WAKE_ACK);
		ev.wq_ctx = 2;
		ev.smc_call_ctx = 3;
		round_trip(&ev, sys, "wake_ack");

		base(&ev, SCMWQ_EV_SMC_DONE);
		ev.smc_id = 0x42000c05;
		ev.ret = SCMWQ_RET_EBUSY;
		ev.res = sys == SCMWQ_SYS_QCOM_SCM ? 0xfffffffffffffff4ULL : 0;
		ev.res0 = UINT64_MAX;
		ev.res1 = 12;
		ev.res2 = 0;
		round_trip(&ev, sys, "done");

		base(&ev, SCMWQ_EV_SCHED_SWITCH);
		ev.prev_state = 'D';
		ev.next_pid = 123;
		strcpy(ev.next_comm, "irq/34-qcom-scm");
		round_trip(&ev, sys, "sched_switch");

		base(&ev, SCMWQ_EV_SCHED_WAKEUP);
		strcpy(ev.comm, "irq/34-qcom-scm");
		ev.pid = 123;
		ev.target_pid = 88;
		strcpy(ev.next_comm, "kworker/1:2");
		round_trip(&ev, sys, "sched_wakeup");

		base(&ev, SCMWQ_EV_LOST);
		ev.cpu = 3;
		ev.lost_count = 1000;
		round_trip(&ev, sys, "lost");
		ev.loss = SCMWQ_LOSS_CPU_STARTED;
		ev.lost_count = 0;
		round_trip(&ev, sys, "cpu started");
	}
}

static void test_write_error(void)
{
	struct scmwq_event ev;
	FILE *f = fopen("/dev/full", "w");

	if (!f) {
		ok(1, "write error: no /dev/full, skipped");
		return;
	}
	setvbuf(f, NULL, _IONBF, 0);
	base(&ev, SCMWQ_EV_SLEEP);
	is_int(scmwq_text_write_event(f, &ev, SCMWQ_SYS_QCOM_SCM), -1, "write error: event");
	is_int(scmwq_text_write_header(f, 4, 1), -1, "write error: header");
	fclose(f);
}

int main(void)
{
	test_exact();
	test_header();
	test_round_trip();
	test_write_error();
	free(out_buf);
	return tap_done();
}
