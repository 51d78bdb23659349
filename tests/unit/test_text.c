// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the ftrace text reader (lib/source/text*.c): the line grammar of
 * traces.md section 3, both tracepoint print formats, probe lines, loss
 * markers, malformed lines, and whole files through scmwq_source_open.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scmwq.h>

#include "base/base.h"
#include "model/model.h"
#include "sim/sim.h"
#include "source/source.h"
#include "tap.h"

/* The usual columns before the timestamp. */
#define KW "     kworker/1:2-88      [001] d..2.  "

static struct scmwq_text_ctx ctx;
static struct scmwq_event ev;
static const char *why;

/* Parse @line with the shared context. */
static enum scmwq_line_kind parse(const char *line)
{
	why = NULL;
	memset(&ev, 0xa5, sizeof(ev));
	return scmwq_text_parse_line(&ctx, line, &ev, &why);
}

/* Parse @line with a fresh context. */
static enum scmwq_line_kind parse1(const char *line)
{
	memset(&ctx, 0, sizeof(ctx));
	return parse(line);
}

#define is_event(line, type_, what)                                                    \
	do {                                                                           \
		enum scmwq_line_kind _k = parse1(line);                                \
		is_int(_k, SCMWQ_LINE_EVENT, "%s: an event", what);                    \
		if (_k == SCMWQ_LINE_MALFORMED)                                        \
			printf("#   why: %s\n", why);                                 \
		is_int(ev.type, type_, "%s: type", what);                              \
	} while (0)

static void test_header(void)
{
	memset(&ctx, 0, sizeof(ctx));
	is_int(parse("# tracer: nop"), SCMWQ_LINE_SKIP, "header: tracer line skipped");
	ok(ctx.seen_header, "header: seen");
	is_int(parse("#"), SCMWQ_LINE_SKIP, "header: bare #");
	is_int(parse("# entries-in-buffer/entries-written: 140080/250280   #P:4"), SCMWQ_LINE_LOST,
	       "header: overwritten entries are a loss");
	is_int(ev.loss, SCMWQ_LOSS_OVERWRITTEN, "header: loss kind overwritten");
	is_int(ev.lost_count, 250280 - 140080, "header: lost count");
	is_int(ev.ts_ns, 0, "header: loss at time 0");
	is_int(ctx.cpus, 4, "header: #P:4");
	is_int(ctx.entries_in_buffer, 140080, "header: entries-in-buffer");
	is_int(ctx.entries_written, 250280, "header: entries-written");
	is_int(parse("# entries-in-buffer/entries-written: 12/12   #P:8"), SCMWQ_LINE_SKIP,
	       "header: no overwrite, no loss");
	is_int(ctx.cpus, 8, "header: #P:8");
	is_int(parse("#                                _-----=> irqs-off/BH-disabled"),
	       SCMWQ_LINE_SKIP, "header: legend");
	is_int(parse("#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION"), SCMWQ_LINE_SKIP,
	       "header: column line");
	is_int(ctx.flag_width, 5, "header: flags width 5 from the column line");
	is_int(parse("#              | |         |   |||||     |         |"), SCMWQ_LINE_SKIP,
	       "header: last line");
	is_int(parse(""), SCMWQ_LINE_SKIP, "blank line");
	is_int(parse("   \t "), SCMWQ_LINE_SKIP, "white line");

	memset(&ctx, 0, sizeof(ctx));
	parse("#           TASK-PID    TGID     CPU#  ||||   TIMESTAMP  FUNCTION");
	is_int(ctx.flag_width, 4, "header: flags width 4 (with TGID column)");

	/* trace-cmd report */
	memset(&ctx, 0, sizeof(ctx));
	is_int(parse("cpus=4"), SCMWQ_LINE_SKIP, "report: cpus=");
	is_int(ctx.cpus, 4, "report: cpus=4");
	ok(ctx.report_layout, "report: layout recognised");
	is_int(parse("version = 6"), SCMWQ_LINE_SKIP, "report: version line");
	/* a tracefs instance's buffer: every line starts with "INSTANCE: " */
	is_int(parse("scmwq-gen-6462:        qseecom-a-6513  [001]  1408.169205: scm_waitq_sleep:"
		     "      (55a0aaad4a40) wq_ctx=3 smc_call_ctx=7"),
	       SCMWQ_LINE_EVENT, "report: instance prefix before an event");
	is_str(ev.comm, "qseecom-a", "report: instance prefix is not part of the comm");
	is_int(ev.pid, 6513, "report: instance prefix: pid");
	is_int(ev.wq_ctx, 3, "report: instance prefix: wq_ctx");
	is_int(parse("scmwq-gen-6462: CPU:0 [5772 EVENTS DROPPED]"), SCMWQ_LINE_LOST,
	       "report: instance prefix before a loss marker");
	is_int(ev.lost_count, 5772, "report: instance prefix: dropped count");
	is_int(parse("kworker/1:2-88 [001]  1234.567890: scm_waitq_sleep: wq_ctx:4, smc_call_ctx:9"),
	       SCMWQ_LINE_EVENT, "report: a comm with ':' at column 0 is not a prefix");
	is_str(ev.comm, "kworker/1:2", "report: comm with ':' kept whole");
	is_int(parse("CPU 3 is empty"), SCMWQ_LINE_SKIP, "report: empty CPU");
	is_int(parse("      kworker/1:2-88    [001]  1234.567890: scm_waitq_sleep:      wq_ctx:4, "
		     "smc_call_ctx:9"),
	       SCMWQ_LINE_EVENT, "report: padded event name");
	is_int(ev.wq_ctx, 4, "report: wq_ctx");
	is_int(ev.smc_call_ctx, 9, "report: smc_call_ctx");
	is_int(parse("          <idle>-0     [002] 48296.183917: sched_switch:         "
		     "swapper/2:0 [120] R ==> irq/34-qcom-scm:123 [49]"),
	       SCMWQ_LINE_EVENT, "report: sched_switch plugin format");
	is_int(ev.pid, 0, "report: switch prev pid");
	is_str(ev.comm, "swapper/2", "report: switch prev comm");
	is_int(ev.prev_state, 'R', "report: switch prev state");
	is_int(ev.next_pid, 123, "report: switch next pid");
	is_str(ev.next_comm, "irq/34-qcom-scm", "report: switch next comm");
	is_int(parse("     irq/34-qcom-scm-123   [001]  1234.567890: sched_wakeup:         "
		     "kworker/1:2:88 [120] CPU:001"),
	       SCMWQ_LINE_EVENT, "report: sched_wakeup plugin format");
	is_int(ev.type, SCMWQ_EV_SCHED_WAKEUP, "report: wakeup type");
	is_int(ev.pid, 123, "report: wakeup waker pid");
	is_int(ev.target_pid, 88, "report: wakeup woken pid");
	is_str(ev.next_comm, "kworker/1:2", "report: wakeup woken comm");
	is_int(parse("     irq/34-qcom-scm-123   [001]  1234.567890: sched_wakeup:         "
		     "kworker/1:2:88 [120] success=1 CPU:001"),
	       SCMWQ_LINE_EVENT, "report: old sched_wakeup plugin format");
	is_int(ev.target_pid, 88, "report: old wakeup woken pid");
}

static void test_columns(void)
{
	const char *l;

	/* the sample line of traces.md section 3 */
	is_event(KW "1234.567890: scm_waitq_sleep: wq_ctx:0, "
		 "smc_call_ctx:7", SCMWQ_EV_SLEEP, "sample");
	is_str(ev.comm, "kworker/1:2", "sample: comm");
	is_int(ev.pid, 88, "sample: pid");
	is_int(ev.cpu, 1, "sample: cpu");
	is_int(ev.ts_ns, 1234567890000ULL, "sample: ts in ns");
	is_int(ev.wq_ctx, 0, "sample: wq_ctx");
	is_int(ev.smc_call_ctx, 7, "sample: smc_call_ctx");
	is_int(ev.have, SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX, "sample: have bits");
	is_int(ev.sys, SCMWQ_SYS_UNKNOWN, "sample: sleep does not tell the system");

	/* TGID column */
	is_event("           <...>-1234  (   1234) [003] d..2.  1234.567890: scm_waitq_resume: "
		 "smc_call_ctx:7", SCMWQ_EV_RESUME, "tgid");
	is_int(ev.pid, 1234, "tgid: pid");
	is_int(ev.cpu, 3, "tgid: cpu");
	is_str(ev.comm, "<...>", "tgid: <...> comm");
	is_event("          <idle>-0       (-------) [000] d..2.  1234.567890: scm_waitq_resume: "
		 "smc_call_ctx:7", SCMWQ_EV_RESUME, "tgid dashes");
	is_int(ev.pid, 0, "tgid dashes: pid");
	is_str(ev.comm, "<idle>", "tgid dashes: <idle> comm");

	/* flags widths */
	is_event("     kworker/1:2-88      [001] d..2  1234.567890: scm_waitq_resume: "
		 "smc_call_ctx:1",
		 SCMWQ_EV_RESUME, "flags 4");
	is_int(ev.ts_ns, 1234567890000ULL, "flags 4: ts");
	is_event("     kworker/1:2-88      [001] dNh2.  1234.567890: scm_waitq_resume: "
		 "smc_call_ctx:1",
		 SCMWQ_EV_RESUME, "flags 5");
	is_event("     kworker/1:2-88      [001] d..h1..  1234.567890: scm_waitq_resume: "
		 "smc_call_ctx:1", SCMWQ_EV_RESUME, "flags 7 (PREEMPT_RT)");
	is_int(ev.ts_ns, 1234567890000ULL, "flags 7: ts");
	is_event("     kworker/1:2-88      [001]  1234.567890: scm_waitq_resume: smc_call_ctx:1",
		 SCMWQ_EV_RESUME, "flags absent");
	is_int(ev.ts_ns, 1234567890000ULL, "flags absent: ts");
	is_event("     kworker/1:2-88      [001] dnsa.  1234.567890: scm_waitq_resume: "
		 "smc_call_ctx:1", SCMWQ_EV_RESUME, "flags with a hex preempt depth");

	/* flags touching the timestamp */
	is_event("     kworker/1:2-88      [001] d..2.1234.567890: scm_waitq_resume: "
		 "smc_call_ctx:1",
		 SCMWQ_EV_RESUME, "touching, 5 flags");
	is_int(ev.ts_ns, 1234567890000ULL, "touching, 5 flags: ts");
	is_event("     kworker/1:2-88      [001] d..21234.567890: scm_waitq_resume: smc_call_ctx:1",
		 SCMWQ_EV_RESUME, "touching, 4 flags");
	is_int(ev.ts_ns, 1234567890000ULL, "touching, 4 flags: ts");
	memset(&ctx, 0, sizeof(ctx));
	parse("#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION");
	parse("     kworker/1:2-88      [001] d..211234.567890: scm_waitq_resume: smc_call_ctx:1");
	is_int(ev.ts_ns, 1234567890000ULL, "touching, 5 flags ending in a digit: header width");
	is_event("     kworker/1:2-88      [001] d..2.123456789: scm_waitq_resume: smc_call_ctx:1",
		 SCMWQ_EV_RESUME, "touching, counter clock");
	is_int(ev.ts_ns, 123456789, "touching, counter clock: ts");

	/* timestamps */
	is_event(KW "1234.567890123: scm_waitq_resume: "
		 "smc_call_ctx:1", SCMWQ_EV_RESUME, "ns timestamp");
	is_int(ev.ts_ns, 1234567890123ULL, "ns timestamp: value");
	is_event(KW "987654321012: scm_waitq_resume: "
		 "smc_call_ctx:1", SCMWQ_EV_RESUME, "counter timestamp");
	is_int(ev.ts_ns, 987654321012ULL, "counter timestamp: value");
	is_event(KW "   0.000001: scm_waitq_resume: "
		 "smc_call_ctx:1", SCMWQ_EV_RESUME, "small timestamp");
	is_int(ev.ts_ns, 1000, "small timestamp: value");

	/* task names */
	is_event("   my worker-thr-4321    [002] d..2.  1.000000: scm_waitq_resume: smc_call_ctx:1",
		 SCMWQ_EV_RESUME, "task with space and dash");
	is_str(ev.comm, "my worker-thr", "task with space and dash: comm");
	is_int(ev.pid, 4321, "task with space and dash: pid");
	is_event("  foo [bar] (x)-77    [002] d..2.  1.000000: scm_waitq_resume: smc_call_ctx:1",
		 SCMWQ_EV_RESUME, "task with brackets");
	is_str(ev.comm, "foo [bar] (x)", "task with brackets: comm");
	is_int(ev.pid, 77, "task with brackets: pid");
	is_event("  a-1 [2]-78    [002] d..2.  1.000000: scm_waitq_resume: smc_call_ctx:1",
		 SCMWQ_EV_RESUME, "task that looks like a pid and cpu");
	is_str(ev.comm, "a-1 [2]", "task that looks like a pid and cpu: comm");
	is_int(ev.pid, 78, "task that looks like a pid and cpu: pid");
	is_event("irq/34-qcom-scm-99 [000] d..2. 1.000000: scm_waitq_get_wq_ctx: wq_ctx:1, "
		 "flags:1, more_pending:0", SCMWQ_EV_GET_WQ_CTX, "no leading spaces, irq thread");
	is_str(ev.comm, "irq/34-qcom-scm", "irq thread: comm");
	is_int(ev.pid, 99, "irq thread: pid");
	is_event("  a-very-long-task-name-that-goes-on-and-on-12 [000] d..2. 1.000000: "
		 "scm_waitq_resume: smc_call_ctx:1", SCMWQ_EV_RESUME, "long comm");
	is_int(strlen(ev.comm), SCMWQ_COMM_LEN - 1, "long comm: truncated");
	ok(!strncmp(ev.comm, "a-very-long-task-name-that-goes", SCMWQ_COMM_LEN - 1),
	   "long comm: prefix kept");
	is_int(ev.pid, 12, "long comm: pid");

	/* other lines */
	is_int(parse1(KW "1234.567890: irq_handler_entry: irq=5 "
		      "name=qcom-scm"), SCMWQ_LINE_SKIP, "other event skipped");
	is_int(parse1(KW "1234.567890: sys_enter: NR 1 (3, 4)"),
	       SCMWQ_LINE_SKIP, "sys_enter skipped");
	is_int(parse1("     bash-88      [001] d..2.  1234.567890: do_sys_open <-__x64_sys_openat"),
	       SCMWQ_LINE_SKIP, "function tracer line skipped");
	is_int(parse1("     bash-88      [001] d..2.  1234.567890: 0xffffffff81000000: hello"),
	       SCMWQ_LINE_SKIP, "trace_printk line skipped");
	is_int(parse1("     bash-88      [001] d..2.  1234.567890: tracing_mark_write: hello"),
	       SCMWQ_LINE_SKIP, "trace_marker line skipped");
	is_int(parse1("     bash-88      [001] d..2.  1234.567890: scm_call_start: x0:1"),
	       SCMWQ_LINE_SKIP, "similar name skipped");

	l = KW "1234.567890: scm_waitq_sleep: wq_ctx:0, "
	    "smc_call_ctx:7\r";
	is_int(parse1(l), SCMWQ_LINE_EVENT, "trailing CR accepted");
	is_int(ev.smc_call_ctx, 7, "trailing CR: value");
}

static void test_mainline(void)
{
	is_event(KW "1.000000: scm_smc_request: smc_id:0x42002402 "
		 "svc_id:0x24 cmd_id:0x02 args_cnt:2 args:{0x7,0x1f}", SCMWQ_EV_SMC_REQUEST,
		 "mainline request");
	is_int(ev.sys, SCMWQ_SYS_QCOM_SCM, "mainline request: system");
	is_int(ev.smc_id, 0x42002402, "mainline request: smc_id");
	is_int(ev.svc_id, 0x24, "mainline request: svc_id");
	is_int(ev.cmd_id, 0x02, "mainline request: cmd_id");
	is_int(ev.args_cnt, 2, "mainline request: args_cnt");
	is_int(ev.args[0], 7, "mainline request: args[0]");
	is_int(ev.args[1], 0x1f, "mainline request: args[1]");
	is_int(ev.have, SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_SVC_CMD | SCMWQ_HAVE_ARGS,
	       "mainline request: have");
	is_event(KW "1.000000: scm_smc_request: smc_id:0x00000001 "
		 "svc_id:0x00 cmd_id:0x01 args_cnt:0 args:{}", SCMWQ_EV_SMC_REQUEST,
		 "mainline re-entry, no args");
	is_int(ev.smc_id, 1, "mainline re-entry: smc_id");
	is_int(ev.args_cnt, 0, "mainline re-entry: args_cnt");
	ok(ev.have & SCMWQ_HAVE_ARGS, "mainline re-entry: args known (none)");
	is_int(ev.sys, SCMWQ_SYS_QCOM_SCM, "mainline re-entry: system");

	is_event(KW "1.000000: scm_waitq_get_wq_ctx: wq_ctx:3, "
		 "flags:2, more_pending:1", SCMWQ_EV_GET_WQ_CTX, "get_wq_ctx");
	is_int(ev.wq_ctx, 3, "get_wq_ctx: wq_ctx");
	is_int(ev.flags, 2, "get_wq_ctx: flags");
	is_int(ev.more_pending, 1, "get_wq_ctx: more_pending");
	is_int(ev.have, SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_FLAGS | SCMWQ_HAVE_MORE, "get_wq_ctx: have");
	is_int(ev.sys, SCMWQ_SYS_UNKNOWN, "get_wq_ctx: system unknown");

	is_event(KW "1.000000: scm_waitq_resume: "
		 "smc_call_ctx:4294967295", SCMWQ_EV_RESUME, "resume");
	is_int(ev.smc_call_ctx, 4294967295U, "resume: u32 max");

	is_event(KW "1.000000: scm_smc_done: smc_id:0x42000c05, "
		 "ret:-12 res_to_callee:0xffffffffffffffff res0:0x0 res1:0x10 res2:0xabc",
		 SCMWQ_EV_SMC_DONE, "mainline done");
	is_int(ev.sys, SCMWQ_SYS_QCOM_SCM, "mainline done: system");
	is_int(ev.smc_id, 0x42000c05, "mainline done: smc_id");
	is_int(ev.ret, -12, "mainline done: ret");
	ok(ev.res == UINT64_MAX, "mainline done: res");
	is_int(ev.res0, 0, "mainline done: res0");
	is_int(ev.res1, 0x10, "mainline done: res1");
	is_int(ev.res2, 0xabc, "mainline done: res2");
	is_int(ev.have, SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_RET | SCMWQ_HAVE_RES | SCMWQ_HAVE_RES012,
	       "mainline done: have");
}

/* A vendor request line with @args after "args_cnt:@cnt". */
static enum scmwq_line_kind vendor_req(unsigned int cnt, const char *args)
{
	char line[1024];

	snprintf(line, sizeof(line), KW "1.000000: scm_smc_request: smc_id:0x42002402 "
		 "svc_id:0x24, cmd_id:0x02, args_cnt:%u%s", cnt, args);
	return parse1(line);
}

#define is_malformed(kind, phrase, what)                                               \
	do {                                                                           \
		is_int(kind, SCMWQ_LINE_MALFORMED, "%s: malformed", what);             \
		ok(why && strstr(why, phrase), "%s: says \"%s\"", what, phrase);        \
		if (why && !strstr(why, phrase))                                       \
			printf("#   why: %s\n", why);                                 \
	} while (0)

/*
 * The vendor kernel numbers its arguments by register, from x2: a RESUME
 * for smc_call_ctx 31 prints "args_cnt:1 x2:(hex:0x0000001f decimal:31)",
 * and x2 is args[0] (traces.md section 1).
 */
static void test_vendor_args(void)
{
	static const char six[] =
		" x2:(hex:0x0000001f decimal:31) x3:(hex:0x00000002 decimal:2)"
		" x4:(hex:0xffffffff00000001 decimal:18446744069414584321)"
		" x5:(hex:0x00000000 decimal:0) x6:(hex:0x0000abcd decimal:43981)"
		" x7:(hex:0xffffffffffffffff decimal:18446744073709551615)";
	static const uint64_t want[6] = { 31, 2, 0xffffffff00000001ULL, 0, 0xabcd, UINT64_MAX };
	char many[1024];
	size_t n = 0;

	is_int(vendor_req(1, " x2:(hex:0x0000001f decimal:31)"), SCMWQ_LINE_EVENT,
	       "vendor RESUME x2: an event");
	is_int(ev.args_cnt, 1, "vendor RESUME x2: args_cnt");
	is_int(ev.args[0], 31, "vendor RESUME x2: the smc_call_ctx is args[0]");
	ok(ev.have & SCMWQ_HAVE_ARGS, "vendor RESUME x2: has its arguments");
	is_int(ev.sys, SCMWQ_SYS_SCM, "vendor RESUME x2: system scm");

	is_int(vendor_req(6, six), SCMWQ_LINE_EVENT, "vendor x2..x7: an event");
	is_int(ev.args_cnt, 6, "vendor x2..x7: args_cnt");
	for (int i = 0; i < 6; i++)
		ok(ev.args[i] == want[i], "vendor x2..x7: x%d is args[%d]", i + 2, i);

	is_int(vendor_req(1, " x2:(hex:0x0000001f decimal:31)  \t"), SCMWQ_LINE_EVENT,
	       "vendor: spaces pasted after the arguments");

	/* more than SCMWQ_MAX_ARGS: the first ones are kept, nothing overflows */
	for (int i = 0; i < SCMWQ_MAX_ARGS + 3; i++)
		n += snprintf(many + n, sizeof(many) - n, " x%d:(hex:0x%08x decimal:%d)", i + 2,
			      100 + i, 100 + i);
	memset(&ev, 0xa5, sizeof(ev));
	is_int(vendor_req(SCMWQ_MAX_ARGS + 3, many), SCMWQ_LINE_EVENT,
	       "vendor, %d arguments: an event", SCMWQ_MAX_ARGS + 3);
	is_int(ev.args_cnt, SCMWQ_MAX_ARGS + 3, "vendor, %d arguments: args_cnt",
	       SCMWQ_MAX_ARGS + 3);
	is_int(ev.args[SCMWQ_MAX_ARGS - 1], 100 + SCMWQ_MAX_ARGS - 1,
	       "vendor, %d arguments: the last one kept", SCMWQ_MAX_ARGS + 3);

	/* what `trace-cmd report` prints: libtraceevent drops the cast text */
	is_int(vendor_req(1, ""), SCMWQ_LINE_EVENT, "vendor, args_cnt:1 and no text: an event");
	ok(!(ev.have & SCMWQ_HAVE_ARGS), "vendor, args_cnt:1 and no text: arguments unknown");
	is_int(vendor_req(0, ""), SCMWQ_LINE_EVENT, "vendor, args_cnt:0: an event");
	ok(ev.have & SCMWQ_HAVE_ARGS, "vendor, args_cnt:0: no arguments, known");

	/* `trace-cmd report -R`: the raw field out= holds the text */
	is_event(KW "1.000000: scm_smc_request: smc_id=0x42002402 svc_id=0x24 cmd_id=0x02 "
		 "args_cnt=1 out= x2:(hex:0x0000001f decimal:31)", SCMWQ_EV_SMC_REQUEST,
		 "report -R: vendor out field");
	is_int(ev.args[0], 31, "report -R: x2 is args[0]");
	ok(ev.have & SCMWQ_HAVE_ARGS, "report -R: has its arguments");

	is_malformed(vendor_req(1, " x0:(hex:0x0000001f decimal:31)"),
		     "numbered from x2", "vendor x0");
	is_malformed(vendor_req(2, " x1:(hex:0x0000001f decimal:31) x2:(hex:0x00000002 decimal:2)"),
		     "numbered from x2", "vendor x1");
	is_malformed(vendor_req(1, " x3:(hex:0x0000001f decimal:31)"), "in order",
		     "vendor, first is x3");
	is_malformed(vendor_req(2, " x2:(hex:0x0000001f decimal:31) x4:(hex:0x00000002 decimal:2)"),
		     "in order", "vendor, x2 then x4");
	is_malformed(vendor_req(1, " x2:(hex:0x0000001f decimal:30)"), "hex and decimal",
		     "vendor, hex 31 decimal 30");
	is_malformed(vendor_req(2, " x2:(hex:0x0000001f decimal:31)"), "args_cnt differs",
		     "vendor, args_cnt:2 and one argument");
	is_malformed(vendor_req(1, " x2:(hex:0x0000001f decimal:31) x3:(hex:0x2 decimal:2)"),
		     "args_cnt differs", "vendor, args_cnt:1 and two arguments");
	is_malformed(vendor_req(1, " x2:(hex:0x0000001f decimal:"), "expected vendor arguments",
		     "vendor, cut in the decimal");
	is_malformed(vendor_req(1, " x2:(hex:0x0000001f)"), "expected vendor arguments",
		     "vendor, no decimal");
	is_malformed(vendor_req(1, " x2:31"), "expected vendor arguments", "vendor, bare value");
	is_malformed(vendor_req(1, " x2:(hex:0x0000001f decimal:31) junk"),
		     "expected vendor arguments", "vendor, junk after");
	is_malformed(vendor_req(1, " x2:(hex:0x10000000000000000 decimal:1)"),
		     "expected vendor arguments", "vendor, 17 hex digits");
	is_malformed(vendor_req(1, " x2:(hex:0x1 decimal:18446744073709551616)"),
		     "expected vendor arguments", "vendor, decimal overflows");
	is_malformed(vendor_req(1, ",x2:(hex:0x0000001f decimal:31)"), "at the end, after args_cnt",
		     "vendor, comma before x2");
	is_malformed(parse1(KW "1.000000: scm_waitq_resume: smc_call_ctx:7 "
			    "x2:(hex:0x00000007 decimal:7)"), "after args_cnt",
		     "vendor arguments on a resume");
}

/*
 * `trace-cmd report` prints mainline scm_smc_request as "[FAILED TO PARSE]"
 * and the raw fields (libtraceevent does not know __print_dynamic_array),
 * `trace-cmd report -R` prints the raw fields of every event: args[] as the
 * bytes of its unsigned longs.
 */
static void test_report_raw(void)
{
	is_event(KW "100.000000: scm_smc_request:      [FAILED TO PARSE] smc_id=1107297793 "
		 "svc_id=6 cmd_id=1 args_cnt=1 args=ARRAY[00, 10, 00, 00, 00, 00, 00, 00]",
		 SCMWQ_EV_SMC_REQUEST, "FAILED TO PARSE");
	ok(ev.smc_id == 0x42000601, "FAILED TO PARSE: smc_id in decimal");
	is_int(ev.args_cnt, 1, "FAILED TO PARSE: args_cnt");
	ok(ev.have & SCMWQ_HAVE_ARGS, "FAILED TO PARSE: has its arguments");
	is_int(ev.args[0], 0x1000, "FAILED TO PARSE: args[0] from its 8 bytes, little endian");
	is_event(KW "100.000000: scm_smc_request:       smc_id=1107305474 svc_id=36 cmd_id=2 "
		 "args_cnt=2 args=ARRAY[1f, 00, 00, 00, 02, 00, 00, 00]", SCMWQ_EV_SMC_REQUEST,
		 "report -R, 4-byte longs");
	ok(ev.args[0] == 0x1f && ev.args[1] == 2, "report -R, 4-byte longs: args[0], args[1]");
	is_event(KW "100.000000: scm_smc_request:       smc_id=3254789123 svc_id=36 cmd_id=3 "
		 "args_cnt=0 args=ARRAY[]", SCMWQ_EV_SMC_REQUEST, "report -R, no args");
	ok((ev.have & SCMWQ_HAVE_ARGS) && ev.args_cnt == 0, "report -R, no args: known, none");
	is_int(parse1(KW "100.000000: scm_smc_request:       smc_id=1 svc_id=0 cmd_id=1 "
		      "args_cnt=1 args=ARRAY[00, 10, 00]"), SCMWQ_LINE_MALFORMED,
	       "report -R: 3 bytes for one long: malformed");
	is_int(parse1(KW "100.000000: scm_smc_request:       smc_id=1 svc_id=0 cmd_id=1 "
		      "args_cnt=1 args=ARRAY[00, 1"), SCMWQ_LINE_MALFORMED,
	       "report -R: a cut array: malformed");
}

static void test_vendor(void)
{
	is_event(KW "1.000000: scm_smc_request: smc_id:0x42000c05 "
		 "svc_id:0x0c, cmd_id:0x05, args_cnt:2 x2:(hex:0x00000007 decimal:7) "
		 "x3:(hex:0xffffffff00000001 decimal:18446744069414584321)",
		 SCMWQ_EV_SMC_REQUEST, "vendor request");
	is_int(ev.sys, SCMWQ_SYS_SCM, "vendor request: system");
	is_int(ev.smc_id, 0x42000c05, "vendor request: smc_id");
	is_int(ev.svc_id, 0x0c, "vendor request: svc_id");
	is_int(ev.cmd_id, 0x05, "vendor request: cmd_id");
	is_int(ev.args_cnt, 2, "vendor request: args_cnt");
	is_int(ev.args[0], 7, "vendor request: x2 is args[0]");
	ok(ev.args[1] == 0xffffffff00000001ULL, "vendor request: x3 is args[1]");
	is_int(ev.have, SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_SVC_CMD | SCMWQ_HAVE_ARGS,
	       "vendor request: have");
	is_event(KW "1.000000: scm_smc_request: smc_id:0x42002402 "
		 "svc_id:0x24, cmd_id:0x02, args_cnt:0", SCMWQ_EV_SMC_REQUEST,
		 "vendor request, no args");
	is_int(ev.sys, SCMWQ_SYS_SCM, "vendor request, no args: system from the comma");

	is_event(KW "1.000000: scm_waitq_wake_ack: wq_ctx:2, "
		 "smc_call_ctx:11", SCMWQ_EV_WAKE_ACK, "wake_ack");
	is_int(ev.sys, SCMWQ_SYS_SCM, "wake_ack: vendor");
	is_int(ev.wq_ctx, 2, "wake_ack: wq_ctx");
	is_int(ev.smc_call_ctx, 11, "wake_ack: smc_call_ctx");

	is_event(KW "1.000000: scm_smc_done: smc_id:0x42000c05, "
		 "ret:0 res0:18446744073709551615 res1:2 res2:3", SCMWQ_EV_SMC_DONE, "vendor done");
	is_int(ev.sys, SCMWQ_SYS_SCM, "vendor done: system");
	is_int(ev.ret, 0, "vendor done: ret");
	ok(ev.res0 == UINT64_MAX, "vendor done: res0 decimal");
	is_int(ev.res2, 3, "vendor done: res2");
	is_int(ev.have, SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_RET | SCMWQ_HAVE_RES012,
	       "vendor done: have");

	/* system prefixes */
	is_event(KW "1.000000: qcom_scm:scm_waitq_sleep: wq_ctx:1, "
		 "smc_call_ctx:2", SCMWQ_EV_SLEEP, "qcom_scm: prefix");
	is_int(ev.sys, SCMWQ_SYS_QCOM_SCM, "qcom_scm: prefix tells the system");
	is_int(ev.wq_ctx, 1, "qcom_scm: prefix: wq_ctx");
	is_event(KW "1.000000: scm:scm_waitq_sleep: wq_ctx:1, "
		 "smc_call_ctx:2", SCMWQ_EV_SLEEP, "scm: prefix");
	is_int(ev.sys, SCMWQ_SYS_SCM, "scm: prefix tells the system");
	is_event(KW "1.000000: sched:sched_switch: prev_comm=a "
		 "prev_pid=1 prev_prio=120 prev_state=D ==> next_comm=b next_pid=2 next_prio=120",
		 SCMWQ_EV_SCHED_SWITCH, "sched: prefix");
	is_event(KW "1.000000: scm_waitq_sleep:wq_ctx:1, "
		 "smc_call_ctx:2", SCMWQ_EV_SLEEP, "no space after the event name");
	is_int(ev.smc_call_ctx, 2, "no space after the event name: value");
	is_event(KW "1.000000: scm_waitq_sleep: wq_ctx:1 "
		 "smc_call_ctx:2", SCMWQ_EV_SLEEP, "fields without commas");
	is_event(KW "1.000000: scm_waitq_sleep: smc_call_ctx:2, "
		 "wq_ctx:1", SCMWQ_EV_SLEEP, "fields in another order");
	is_int(ev.wq_ctx, 1, "fields in another order: wq_ctx");
	is_int(ev.smc_call_ctx, 2, "fields in another order: smc_call_ctx");
	is_event(KW "1.000000: scm_waitq_sleep: wq_ctx:1, "
		 "smc_call_ctx:2, extra:{1,2} more:(a b)", SCMWQ_EV_SLEEP,
		 "unknown fields ignored");
}

static void test_probes(void)
{
	is_event(KW "1.000000: scm_smc_request: "
		 "(__scm_smc_call+0x0/0x1a0) smc_id=0x42000c05 arg0=0x7 arg1=12",
		 SCMWQ_EV_SMC_REQUEST, "kprobe request");
	is_int(ev.sys, SCMWQ_SYS_UNKNOWN, "kprobe request: system unknown");
	is_int(ev.svc_id, 0x0c, "kprobe request: svc derived");
	is_int(ev.cmd_id, 0x05, "kprobe request: cmd derived");
	ok(ev.have & SCMWQ_HAVE_SVC_CMD, "kprobe request: svc/cmd have bit");
	is_int(ev.args_cnt, 2, "kprobe request: args counted");
	is_int(ev.args[1], 12, "kprobe request: arg1");
	is_event("          simctl-4242  [000] d..2.  1.000000: scm_waitq_sleep: (0x4005d0) "
		 "wq_ctx=3 smc_call_ctx=0x9", SCMWQ_EV_SLEEP, "uprobe sleep");
	is_int(ev.wq_ctx, 3, "uprobe sleep: wq_ctx");
	is_int(ev.smc_call_ctx, 9, "uprobe sleep: smc_call_ctx");
	is_event(KW "1.000000: scm_waitq_sleep: "
		 "(qcom_scm_wait_for_wq_completion+0x0/0x40) wq_ctx=3", SCMWQ_EV_SLEEP,
		 "kprobe sleep without ctx");
	is_int(ev.have, SCMWQ_HAVE_WQ_CTX, "kprobe sleep without ctx: have");
	is_event(KW "1.000000: scm_waitq_resume: "
		 "(qcom_scm_wait_for_wq_completion+0x1c/0x40 <- __scm_smc_call)",
		 SCMWQ_EV_RESUME, "return probe, no fields");
	is_int(ev.have, 0, "return probe, no fields: have nothing");
	is_event(KW "1.000000: scm_smc_done: "
		 "(qcom_scm_call+0x1c/0x40 <- __scm_smc_call) ret=0xfffffff4",
		 SCMWQ_EV_SMC_DONE, "return probe done");
	is_int(ev.ret, -12, "return probe done: ret from x32");
	is_event(KW "1.000000: scm_smc_done: "
		 "(0x400600 <- 0x400500) ret=-1 smc_id=0x1", SCMWQ_EV_SMC_DONE, "uretprobe done");
	is_int(ev.ret, -1, "uretprobe done: ret");
	is_event(KW "1.000000: scm_waitq_wake_ack: (0x4005d0) "
		 "wq_ctx=1", SCMWQ_EV_WAKE_ACK, "probe wake_ack");
	is_int(ev.sys, SCMWQ_SYS_SCM, "probe wake_ack: vendor");
	is_event(KW "1.000000: scm_waitq_get_wq_ctx: wq_ctx=1 "
		 "flags=2 more_pending=0", SCMWQ_EV_GET_WQ_CTX, "probe style without prefix");
	is_int(ev.flags, 2, "probe style without prefix: flags");
}

static void test_sched(void)
{
	is_event("  kworker 1/2-88      [001] d..2.  1.000000: sched_switch: prev_comm=kworker 1/2 "
		 "prev_pid=88 prev_prio=120 prev_state=D ==> next_comm=a ==> b next_pid=9 "
		 "next_prio=-1", SCMWQ_EV_SCHED_SWITCH, "switch with spaces");
	is_int(ev.pid, 88, "switch: prev pid");
	is_str(ev.comm, "kworker 1/2", "switch: prev comm");
	is_int(ev.prev_state, 'D', "switch: state D");
	is_int(ev.next_pid, 9, "switch: next pid");
	is_str(ev.next_comm, "a ==> b", "switch: next comm with an arrow");
	is_event("  x-88      [001] d..2.  1.000000: sched_switch: prev_comm=x prev_pid=88 "
		 "prev_prio=120 prev_state=R+ ==> next_comm=y next_pid=9 next_prio=120",
		 SCMWQ_EV_SCHED_SWITCH, "switch R+");
	is_int(ev.prev_state, 'R', "switch R+: first letter");
	is_event("  x-88      [001] d..2.  1.000000: sched_switch: prev_comm=x prev_pid=88 "
		 "prev_prio=120 prev_state=S|D ==> next_comm=y next_pid=9 next_prio=120",
		 SCMWQ_EV_SCHED_SWITCH, "switch S|D");
	is_int(ev.prev_state, 'S', "switch S|D: first letter");
	is_event("  x-88      [001] d..2.  1.000000: sched_switch: prev_comm=x prev_pid=88 "
		 "prev_prio=120 prev_state=I ==> next_comm=y next_pid=9 next_prio=120",
		 SCMWQ_EV_SCHED_SWITCH, "switch I");
	is_int(ev.prev_state, 'I', "switch I");

	is_event("  irq/34-qcom-scm-77      [001] d..2.  1.000000: sched_waking: comm=kworker 1/2 "
		 "pid=88 prio=120 target_cpu=001", SCMWQ_EV_SCHED_WAKEUP, "waking");
	is_int(ev.pid, 77, "waking: the waker's pid");
	is_str(ev.comm, "irq/34-qcom-scm", "waking: the waker's comm");
	is_int(ev.target_pid, 88, "waking: target pid");
	is_str(ev.next_comm, "kworker 1/2", "waking: woken comm");
	is_event("  irq/34-qcom-scm-77      [001] d..2.  1.000000: sched_wakeup: comm=a pid=x "
		 "pid=89 prio=120 success=1 target_cpu=001", SCMWQ_EV_SCHED_WAKEUP,
		 "wakeup, old format, comm with pid=");
	is_int(ev.target_pid, 89, "wakeup: target pid");
	is_str(ev.next_comm, "a pid=x", "wakeup: woken comm");
}

static void test_lost(void)
{
	memset(&ctx, 0, sizeof(ctx));
	parse(KW "5.000001: scm_waitq_resume: smc_call_ctx:1");
	is_int(parse("CPU:2 [LOST 45 EVENTS]"), SCMWQ_LINE_LOST, "lost M events");
	is_int(ev.type, SCMWQ_EV_LOST, "lost: type");
	is_int(ev.cpu, 2, "lost: cpu");
	is_int(ev.lost_count, 45, "lost: count");
	is_int(ev.loss, SCMWQ_LOSS_EVENTS, "lost: kind");
	is_int(ev.ts_ns, 5000001000ULL, "lost: time of the last event");
	is_int(parse("CPU:3 [LOST EVENTS]"), SCMWQ_LINE_LOST, "lost events (trace_pipe)");
	is_int(ev.cpu, 3, "lost events: cpu");
	is_int(ev.lost_count, 0, "lost events: count unknown");
	is_int(parse("CPU:1 [12 EVENTS DROPPED]"), SCMWQ_LINE_LOST, "events dropped (report)");
	is_int(ev.cpu, 1, "dropped: cpu");
	is_int(ev.lost_count, 12, "dropped: count");
	is_int(parse("##### CPU 2 buffer started ####"), SCMWQ_LINE_LOST, "buffer started");
	is_int(ev.loss, SCMWQ_LOSS_CPU_STARTED, "buffer started: kind");
	is_int(ev.cpu, 2, "buffer started: cpu");
	is_int(ev.ts_ns, 5000001000ULL, "buffer started: time of the last event");
	is_int(parse("CPU:2 [LOST 45 EVENTS] trailing"), SCMWQ_LINE_MALFORMED,
	       "lost marker with junk is not a marker");
}

#define WHY_REQ "scm_smc_request: expected smc_id:0xN svc_id:0xN cmd_id:0xN args_cnt:N args:{...}"
#define WHY_VSYNTAX \
	"scm_smc_request: expected vendor arguments \" x2:(hex:0xH decimal:D)\", \" x3:(...)\", ..."

static void test_malformed(void)
{
	static const struct {
		const char *line, *why;
	} cases[] = {
		{ "hello world", "expected TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS" },
		{ KW "1234.567890 scm_waitq_sleep: wq_ctx:0",
		  "expected TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS" },
		{ "     kworker/1:2 88      [001] d..2.  1234.567890: scm_waitq_sleep: wq_ctx:0",
		  "expected TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS" },
		{ "     kworker/1:2-88      [0x1] d..2.  1234.567890: scm_waitq_sleep: wq_ctx:0",
		  "expected TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS" },
		{ "-88      [001] d..2.  1234.567890: scm_waitq_sleep: wq_ctx:0",
		  "expected TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS" },
		{ KW "12a4.567890: scm_waitq_sleep: wq_ctx:0",
		  "expected TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS" },
		{ KW "1234.567890: scm_waitq_sleep: wq_ctx:0",
		  "scm_waitq_sleep: expected wq_ctx:N, smc_call_ctx:N" },
		{ KW "1234.567890: scm_waitq_sleep: wq_ctx:x, "
		  "smc_call_ctx:1", "scm_waitq_sleep: expected wq_ctx:N, smc_call_ctx:N" },
		{ KW "1234.567890: scm_waitq_sleep: wq_ctx:12q, "
		  "smc_call_ctx:1", "scm_waitq_sleep: expected wq_ctx:N, smc_call_ctx:N" },
		{ KW "1234.567890: scm_waitq_sleep:",
		  "scm_waitq_sleep: expected wq_ctx:N, smc_call_ctx:N" },
		{ KW "1234.567890: scm_waitq_resume: ctx:1",
		  "scm_waitq_resume: expected smc_call_ctx:N" },
		{ KW "1234.567890: scm_waitq_get_wq_ctx: wq_ctx:1, "
		  "flags:1", "scm_waitq_get_wq_ctx: expected wq_ctx:N, flags:N, more_pending:N" },
		{ KW "1234.567890: scm_waitq_wake_ack: wq_ctx:1",
		  "scm_waitq_wake_ack: expected wq_ctx:N, smc_call_ctx:N" },
		{ KW "1234.567890: scm_smc_done: smc_id:0x1, "
		  "res0:1", "scm_smc_done: expected smc_id:0xN, ret:N res0:N res1:N res2:N" },
		{ KW "1234.567890: scm_smc_request: svc_id:0x1",
		  WHY_REQ },
		{ KW "1234.567890: scm_smc_request: smc_id:0x1 "
		  "args:{0x1,", WHY_REQ },
		{ KW "1234.567890: scm_smc_request: smc_id:0x1 args:{0x1}x", WHY_REQ },
		{ KW "1234.567890: scm_smc_request: smc_id:0x1 "
		  "x2:(hex:0x1 decimal:", WHY_VSYNTAX },
		{ KW "1234.567890: scm_smc_request: smc_id:"
		  "0x1234567890abcdef12", WHY_REQ },
		{ KW "1234.567890: scm_smc_request: (sym+0x0/0x40 "
		  "smc_id=1", WHY_REQ },
		{ KW "1234.567890: sched_switch: prev_comm=a "
		  "prev_pid=1 prev_prio=120 prev_state=D", "sched_switch: expected prev_comm=X "
		  "prev_pid=N prev_prio=N prev_state=S ==> next_comm=Y next_pid=N next_prio=N" },
		{ KW "1234.567890: sched_wakeup: comm=a prio=1",
		  "sched_wakeup: expected comm=X pid=N prio=N target_cpu=N" },
		{ KW "1234.567890: sched_waking: junk",
		  "sched_waking: expected comm=X pid=N prio=N target_cpu=N" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		is_int(parse1(cases[i].line), SCMWQ_LINE_MALFORMED, "malformed %zu", i);
		is_str(why, cases[i].why, "malformed %zu: why", i);
	}
}

/* Random and truncated lines: must not crash (run under ASan/UBSan). */
static void test_fuzz(void)
{
	static const char *const seeds[] = {
		KW "1234.567890: scm_waitq_sleep: wq_ctx:0, "
		"smc_call_ctx:7",
		"           <...>-1234  (   1234) [003] d..2.1234.567890123: "
		"qcom_scm:scm_smc_request: "
		"smc_id:0x42002402 svc_id:0x24 cmd_id:0x02 args_cnt:2 args:{0x7,0x1f}",
		KW "1.000000: scm_smc_request: smc_id:0x42000c05 "
		"svc_id:0x0c, cmd_id:0x05, args_cnt:2 x2:(hex:0x00000007 decimal:7) "
		"x3:(hex:0x00000001 decimal:1)",
		KW "1.000000: scm_smc_done: smc_id:0x42000c05, "
		"ret:-12 res_to_callee:0xffffffffffffffff res0:0x0 res1:0x10 res2:0xabc",
		KW "1.000000: scm_smc_done: "
		"(qcom_scm_call+0x1c/0x40 <- __scm_smc_call) ret=0xfffffff4",
		"  kworker 1/2-88      [001] d..2.  1.000000: sched_switch: prev_comm=kworker 1/2 "
		"prev_pid=88 prev_prio=120 prev_state=D ==> next_comm=a next_pid=9 next_prio=120",
		"          <idle>-0     [002] 48296.183917: sched_switch:         "
		"swapper/2:0 [120] R ==> irq/34-qcom-scm:123 [49]",
		"     irq/34-qcom-scm-123   [001]  1234.567890: sched_wakeup:         "
		"kworker/1:2:88 [120] CPU:001",
		"  irq/34-qcom-scm-77      [001] d..2.  1.000000: sched_waking: comm=k pid=88 "
		"prio=120 target_cpu=001",
		"CPU:2 [LOST 45 EVENTS]",
		"CPU:1 [12 EVENTS DROPPED]",
		"##### CPU 2 buffer started ####",
		"# entries-in-buffer/entries-written: 140080/250280   #P:4",
		"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
		"cpus=4",
	};
	static const char alphabet[] = " -[]()0123456789x.:,={}<>|#abcdefqDR\t";
	char line[512];
	unsigned int seed = 12345;
	unsigned long events = 0;

	for (size_t s = 0; s < ARRAY_SIZE(seeds); s++) {
		size_t n = strlen(seeds[s]);

		/* every truncation */
		for (size_t cut = 0; cut <= n; cut++) {
			memcpy(line, seeds[s], cut);
			line[cut] = '\0';
			if (parse1(line) == SCMWQ_LINE_EVENT)
				events++;
		}
		/* random mutations */
		for (int i = 0; i < 3000; i++) {
			memcpy(line, seeds[s], n + 1);
			for (int m = 0; m < 1 + i % 4; m++) {
				seed = seed * 1103515245 + 12345;
				size_t pos = (seed >> 8) % n;

				seed = seed * 1103515245 + 12345;
				line[pos] = alphabet[(seed >> 8) % (sizeof(alphabet) - 1)];
			}
			if (parse(line) == SCMWQ_LINE_EVENT)
				events++;
		}
	}
	/* pure noise */
	for (int i = 0; i < 20000; i++) {
		size_t n;

		seed = seed * 1103515245 + 12345;
		n = (seed >> 8) % (sizeof(line) - 1);
		for (size_t j = 0; j < n; j++) {
			seed = seed * 1103515245 + 12345;
			line[j] = (i & 1) ? alphabet[(seed >> 8) % (sizeof(alphabet) - 1)]
					  : (char)(1 + (seed >> 8) % 255);
		}
		line[n] = '\0';
		parse(line);
	}
	ok(events > 0, "fuzz: survived, %lu mutated lines still parsed as events", events);
}

/* ------------------------------------------------------------------ */
/* Whole files                                                         */

struct diag_log {
	int n;
	uint64_t lines[32];
	char what[32][128];
};

static void diag_cb(const char *path, uint64_t line, const char *what, void *arg)
{
	struct diag_log *d = arg;

	if (d->n < 32) {
		d->lines[d->n] = line;
		snprintf(d->what[d->n], sizeof(d->what[0]), "%s", what);
	}
	d->n++;
}

static char tmpdir[64];

static const char *write_file(const char *name, const char *data, size_t len)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	if (!f)
		return path;
	fwrite(data, 1, len, f);
	fclose(f);
	return path;
}

#define SLEEP_LINE(ts)                                                                    \
	KW "" ts ": scm_waitq_sleep: wq_ctx:0, smc_call_ctx:7\n"

static void test_file(void)
{
	static const char text[] =
		"# tracer: nop\n"
		"#\n"
		"# entries-in-buffer/entries-written: 10/15   #P:4\n"
		"#\n"
		"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
		"#              | |         |   |||||     |         |\n"
		SLEEP_LINE("1.000001")
		"this line is not ftrace\n"
		KW "1.000002: irq_handler_entry: irq=4 name=x\n"
		KW "1.000003: scm_waitq_sleep: wq_ctx:0\r\n"
		"CPU:1 [LOST 7 EVENTS]\n"
		KW "1.000004: scm_smc_done: smc_id:0x42000c05, "
		"ret:0 res0:1 res1:2 res2:3\n"
		"\n"
		KW "1.000005: scm_waitq_sle";
	struct scmwq_error err = { 0 };
	struct diag_log d = { 0 };
	struct scmwq_source *src;
	const char *path = write_file("a.txt", text, sizeof(text) - 1);
	uint64_t where[8];
	int n = 0, r;

	src = scmwq_source_open(path, diag_cb, &d, &err);
	ok(src != NULL, "file: opens (%s)", src ? "" : err.msg);
	if (!src)
		return;
	is_str(scmwq_source_format_name(src), "text", "file: format text");
	is_int(scmwq_source_system(src), SCMWQ_SYS_SCM, "file: system known after open");
	while ((r = scmwq_source_next(src, &ev, &err)) == 1) {
		if (n < 8)
			where[n] = ev.where;
		n++;
	}
	is_int(r, 0, "file: ends with 0");
	is_int(n, 4, "file: overwritten, sleep, lost, done");
	if (n == 4) {
		is_int(where[0], 3, "file: overwrite loss at line 3");
		is_int(where[1], 7, "file: sleep at line 7");
		is_int(where[2], 11, "file: lost marker at line 11");
		is_int(where[3], 12, "file: done at line 12");
	}
	is_int(scmwq_source_malformed(src), 2, "file: 2 malformed lines counted");
	is_int(scmwq_source_lost(src), 5 + 7, "file: lost = overwritten + marker");
	is_int(d.n, 3, "file: 3 diagnostics");
	if (d.n == 3) {
		is_int(d.lines[0], 8, "file: diag line 8");
		is_str(d.what[0], "expected TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS",
		       "file: diag line 8 why");
		is_int(d.lines[1], 10, "file: diag line 10 (CRLF)");
		is_str(d.what[1], "scm_waitq_sleep: expected wq_ctx:N, smc_call_ctx:N",
		       "file: diag line 10 why");
		is_int(d.lines[2], 14, "file: cut-off last line 14");
		is_str(d.what[2], "last line is cut off (interrupted capture?); ignored",
		       "file: cut-off why");
	}
	is_int(scmwq_source_system(src), SCMWQ_SYS_SCM, "file: system vendor");
	scmwq_source_free(src);
}

static void test_file_cut(void)
{
	static const char good_last[] = SLEEP_LINE("1.000001")
		KW "1.000002: scm_waitq_resume: smc_call_ctx:7";
	static const char cut_field[] = SLEEP_LINE("1.000001")
		KW "1.000002: scm_waitq_sleep: wq_ctx:0, smc_ca";
	static const char cut_ts[] = SLEEP_LINE("1.000001") KW "1.00";
	struct scmwq_error err = { 0 };
	struct diag_log d = { 0 };
	struct scmwq_source *src;
	int n = 0;

	src = scmwq_source_open(write_file("b.txt", good_last, sizeof(good_last) - 1), diag_cb, &d,
				&err);
	ok(src != NULL, "good last line without newline: opens");
	if (src) {
		while (scmwq_source_next(src, &ev, &err) == 1)
			n++;
		is_int(n, 2, "good last line without newline: delivered");
		is_int(ev.type, SCMWQ_EV_RESUME, "good last line: the resume");
		is_int(ev.where, 2, "good last line: line 2");
		is_int(d.n, 0, "good last line: no diagnostics");
		scmwq_source_free(src);
	}

	memset(&d, 0, sizeof(d));
	n = 0;
	src = scmwq_source_open(write_file("c.txt", cut_field, sizeof(cut_field) - 1), diag_cb, &d,
				&err);
	ok(src != NULL, "cut in a field: opens");
	if (src) {
		while (scmwq_source_next(src, &ev, &err) == 1)
			n++;
		is_int(n, 1, "cut in a field: one event");
		is_int(scmwq_source_malformed(src), 0, "cut in a field: not counted as malformed");
		is_int(d.n, 1, "cut in a field: one diagnostic");
		is_int(d.lines[0], 2, "cut in a field: line 2");
		is_str(d.what[0], "last line is cut off (interrupted capture?); ignored",
		       "cut in a field: why");
		scmwq_source_free(src);
	}

	memset(&d, 0, sizeof(d));
	src = scmwq_source_open(write_file("d.txt", cut_ts, sizeof(cut_ts) - 1), diag_cb, &d, &err);
	ok(src != NULL, "cut in the timestamp: opens");
	if (src) {
		while (scmwq_source_next(src, &ev, &err) == 1)
			;
		is_int(scmwq_source_malformed(src), 0, "cut in the timestamp: not malformed");
		is_int(d.n, 1, "cut in the timestamp: reported");
		scmwq_source_free(src);
	}

	/* without a diag callback the cut-off line is silently ignored */
	src = scmwq_source_open(write_file("c.txt", cut_field, sizeof(cut_field) - 1), NULL, NULL,
				&err);
	ok(src != NULL, "cut, no diag callback: opens");
	if (src) {
		while (scmwq_source_next(src, &ev, &err) == 1)
			;
		is_int(scmwq_source_malformed(src), 0, "cut, no diag callback: not malformed");
		scmwq_source_free(src);
	}
}

static void test_file_rejects(void)
{
	static const char bin[] = "abc\n\0\1\2\3\4\5\6\7\10\11\12";
	struct scmwq_error err;
	struct scmwq_source *src;
	char path[160], buf[4096];
	size_t len = 0;

	memset(&err, 0, sizeof(err));
	src = scmwq_source_open(write_file("bin", bin, sizeof(bin) - 1), NULL, NULL, &err);
	ok(!src, "binary: rejected");
	is_int(err.cls, SCMWQ_E_DATA, "binary: SCMWQ_E_DATA");
	snprintf(path, sizeof(path), "%s/bin: offset 4: binary data, expected ftrace text or a "
		 "trace.dat file", tmpdir);
	is_str(err.msg, path, "binary: message");

	memset(&err, 0, sizeof(err));
	src = scmwq_source_open(write_file("empty", "", 0), NULL, NULL, &err);
	ok(!src, "empty: rejected");
	is_int(err.cls, SCMWQ_E_DATA, "empty: SCMWQ_E_DATA");

	memset(&err, 0, sizeof(err));
	len = snprintf(buf, sizeof(buf), "\n\nHello,\nthis is a README\n");
	for (int i = 0; i < 25; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "prose line %d\n", i);
	len += snprintf(buf + len, sizeof(buf) - len, "%s", SLEEP_LINE("1.000001"));
	src = scmwq_source_open(write_file("readme", buf, len), NULL, NULL, &err);
	ok(!src, "prose: rejected");
	is_int(err.cls, SCMWQ_E_DATA, "prose: SCMWQ_E_DATA");
	snprintf(path, sizeof(path), "%s/readme:3: expected ftrace text (TASK-PID [CPU] TIMESTAMP: "
		 "EVENT: FIELDS)", tmpdir);
	is_str(err.msg, path, "prose: message names the first non-ftrace line");

	/* '#' lines alone (a shell script, Markdown) do not make a trace */
	memset(&err, 0, sizeof(err));
	len = snprintf(buf, sizeof(buf), "#!/bin/sh\n# set up\nset -eu\n# Title\necho hi\n");
	src = scmwq_source_open(write_file("script", buf, len), NULL, NULL, &err);
	ok(!src, "shell script: rejected");
	is_int(err.cls, SCMWQ_E_DATA, "shell script: SCMWQ_E_DATA");
	snprintf(path, sizeof(path), "%s/script:3: expected ftrace text (TASK-PID [CPU] TIMESTAMP: "
		 "EVENT: FIELDS)", tmpdir);
	is_str(err.msg, path, "shell script: message names the first non-comment line");

	memset(&err, 0, sizeof(err));
	len = snprintf(buf, sizeof(buf), "# tracer: nop\n#\n");
	src = scmwq_source_open(write_file("hdronly", buf, len), NULL, NULL, &err);
	ok(src != NULL, "an ftrace header with no events: an empty trace, accepted");
	scmwq_source_free(src);

	memset(&err, 0, sizeof(err));
	src = scmwq_source_open(write_file("blank", "\n  \n\n", 5), NULL, NULL, &err);
	ok(!src, "only blank lines: rejected");
	is_int(err.cls, SCMWQ_E_DATA, "only blank lines: SCMWQ_E_DATA");

	/* a few junk lines before the trace: accepted, each junk line malformed */
	len = 0;
	for (int i = 0; i < 5; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "junk %d\n", i);
	len += snprintf(buf + len, sizeof(buf) - len, "%s", SLEEP_LINE("1.000001"));
	memset(&err, 0, sizeof(err));
	src = scmwq_source_open(write_file("junk", buf, len), NULL, NULL, &err);
	ok(src != NULL, "junk then ftrace: accepted");
	if (src) {
		int n = 0;

		while (scmwq_source_next(src, &ev, &err) == 1)
			n++;
		is_int(n, 1, "junk then ftrace: the event");
		is_int(ev.where, 6, "junk then ftrace: at line 6");
		is_int(scmwq_source_malformed(src), 5, "junk then ftrace: 5 malformed");
		scmwq_source_free(src);
	}

	/* a header alone is a (empty) trace */
	memset(&err, 0, sizeof(err));
	src = scmwq_source_open(write_file("hdr", "# tracer: nop\n#\n", 16), NULL, NULL, &err);
	ok(src != NULL, "header only: accepted");
	if (src) {
		is_int(scmwq_source_next(src, &ev, &err), 0, "header only: no events");
		scmwq_source_free(src);
	}
}

/* A file bigger than the read buffer, with a few very long lines. */
static void test_file_big(void)
{
	char path[160];
	struct scmwq_error err = { 0 };
	struct diag_log d = { 0 };
	struct scmwq_source *src;
	uint64_t line = 0, bad = 0;
	int n = 0, lines = 200000;
	char *longline;
	FILE *f;

	snprintf(path, sizeof(path), "%s/big.txt", tmpdir);
	f = fopen(path, "w");
	if (!f) {
		ok(0, "big: cannot create %s", path);
		return;
	}
	longline = malloc(3 * 1024 * 1024);
	memset(longline, 'a', 3 * 1024 * 1024 - 1);
	longline[3 * 1024 * 1024 - 1] = '\0';
	fputs("# tracer: nop\n", f);
	line = 1;
	for (int i = 0; i < lines; i++) {
		fprintf(f, KW "%5d.%06d: scm_waitq_sleep: "
			"wq_ctx:%d, smc_call_ctx:%d\n", i / 1000000, i % 1000000, i % 7, i);
		line++;
		if (i == 50000) {
			/* 300 KiB: longer than the buffer, shorter than the limit */
			fprintf(f, "%.*s\n", 300 * 1024, longline);
			line++;
			bad = line;
		}
		if (i == 120000) {
			fprintf(f, "%s\n", longline);
			line++;
		}
	}
	fclose(f);
	free(longline);

	src = scmwq_source_open(path, diag_cb, &d, &err);
	ok(src != NULL, "big: opens");
	if (!src)
		return;
	while (scmwq_source_next(src, &ev, &err) == 1) {
		if ((int)ev.smc_call_ctx != n)
			break;
		n++;
	}
	is_int(n, lines, "big: every event, in order");
	is_int(ev.where, line, "big: the last line number");
	is_int(scmwq_source_malformed(src), 2, "big: the two long lines malformed");
	is_int(d.n, 2, "big: two diagnostics");
	is_int(d.lines[0], bad, "big: the 300 KiB line's number");
	is_str(d.what[1], "line longer than 1 MiB; ignored", "big: over-long line");
	scmwq_source_free(src);
	unlink(path);
}

/* The system is known right after open even if the telling line is past the head. */
static void test_file_system_early(void)
{
	struct scmwq_error err = { 0 };
	struct scmwq_source *src;
	char *buf = malloc(64 * 1024);
	size_t len = 0;

	for (int i = 0; i < 200; i++)
		len += snprintf(buf + len, 64 * 1024 - len, "%s", SLEEP_LINE("1.000001"));
	len += snprintf(buf + len, 64 * 1024 - len,
			KW "1.000002: scm_smc_request: "
			"smc_id:0x42002402 svc_id:0x24 cmd_id:0x02 args_cnt:1 args:{0x7}\n");
	src = scmwq_source_open(write_file("sys.txt", buf, len), NULL, NULL, &err);
	free(buf);
	ok(src != NULL, "system early: opens");
	if (!src)
		return;
	is_int(scmwq_source_system(src), SCMWQ_SYS_QCOM_SCM, "system early: mainline after open");
	is_int(scmwq_source_next(src, &ev, &err), 1, "system early: first event still there");
	is_int(ev.where, 1, "system early: from line 1");
	scmwq_source_free(src);
}

static void test_stdin_pipe(void)
{
	static const char text[] = "cpus=2\n"
		"   kworker/1:2-88    [001]  1.000001: scm_waitq_sleep:      wq_ctx:1, "
		"smc_call_ctx:2\n";
	struct scmwq_error err = { 0 };
	struct scmwq_source *src;
	int fds[2], saved, n = 0;

	if (pipe(fds) < 0) {
		ok(0, "pipe");
		return;
	}
	if (write(fds[1], text, sizeof(text) - 1) != (ssize_t)sizeof(text) - 1)
		ok(0, "pipe write");
	close(fds[1]);
	saved = dup(0);
	dup2(fds[0], 0);
	close(fds[0]);
	src = scmwq_source_open("-", NULL, NULL, &err);
	dup2(saved, 0);
	close(saved);
	ok(src != NULL, "stdin: opens");
	if (!src)
		return;
	is_str(scmwq_source_path(src), "<stdin>", "stdin: display name");
	while (scmwq_source_next(src, &ev, &err) == 1)
		n++;
	is_int(n, 1, "stdin: one event");
	is_int(ev.where, 2, "stdin: line 2");
	scmwq_source_free(src);
}

int main(void)
{
	char tmpl[] = "/tmp/scmwq-test-text-XXXXXX";

	test_header();
	test_columns();
	test_mainline();
	test_vendor();
	test_vendor_args();
	test_report_raw();
	test_probes();
	test_sched();
	test_lost();
	test_malformed();
	test_fuzz();

	if (!mkdtemp(tmpl)) {
		ok(0, "mkdtemp");
		return tap_done();
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s", tmpl);
	test_file();
	test_file_cut();
	test_file_rejects();
	test_file_big();
	test_file_system_early();
	test_stdin_pipe();
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			ok(0, "cleanup");
	}
	return tap_done();
}
