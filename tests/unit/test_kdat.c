// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the kernel-format trace.dat fixtures (tests/support/kdat.c).
 *
 * The files must be what a device's `trace-cmd record -e qcom_scm` or
 * `-e scm` gives: the event formats of traces.md section 1 (checked line by
 * line against the spec's text), records that trace-cmd itself reads back
 * field by field (`trace-cmd report -R`, an independent reader), losses
 * that trace-cmd reports where the kernel's would be, and the events this
 * project's reader gets out of them.  Memory must not grow with the
 * events.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scmwq.h>

#include "base/base.h"
#include "model/model.h"
#include "sim/sim.h"
#include "source/source.h"
#include "kdat.h"
#include "tap.h"

/* libtracecmd 1.3.1 leaks the trace clock it parses twice (see test_tdat.c) */
const char *__lsan_default_suppressions(void);

const char *__lsan_default_suppressions(void)
{
	return "leak:tracecmd_parse_trace_clock\nleak:libtracecmd.so\n";
}

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static bool have_trace_cmd(void)
{
	static int have = -1;

	if (have < 0)
		have = system("command -v trace-cmd >/dev/null 2>&1") == 0;
	return have;
}

static void skip(const char *why)
{
	printf("ok %d # skip %s\n", ++tap_n, why);
}

/* The output of @cmd (at most 1 MiB), or NULL; *@status its exit status. */
static char *run(const char *cmd, int *status)
{
	FILE *fp = popen(cmd, "r");
	size_t n = 0, cap = 1 << 20;
	char *buf = malloc(cap + 1);
	int st;

	if (!fp || !buf) {
		if (fp)
			pclose(fp);
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, cap, fp);
	buf[n] = '\0';
	st = pclose(fp);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* ------------------------------------------------------------------ */
/* The events                                                          */

#define T0	100000000000ULL

static void ev_base(struct scmwq_event *ev, int cpu, int pid, const char *comm, uint64_t ts)
{
	ev->ts_ns = ts;
	ev->cpu = cpu;
	ev->pid = pid;
	snprintf(ev->comm, sizeof(ev->comm), "%s", comm);
}

/*
 * A vendor-style exchange on 3 CPUs: requests with 1, 2 and 6 arguments,
 * a sleep, a WAKE/ACK (vendor only), a resume 200 ms later (more than a
 * 27-bit time delta), GET_WQ_CTX, done, sched_switch and sched_waking, and
 * 300 short calls on CPU 0 (more than a page).  Losses: 12 events on CPU 1
 * before its next record, an unknown count on CPU 2.
 */
struct plan {
	struct scmwq_event ev[800];
	int n;
};

static struct scmwq_event *add(struct plan *p)
{
	struct scmwq_event *ev = &p->ev[p->n++];

	memset(ev, 0, sizeof(*ev));
	return ev;
}

static void make_plan(struct plan *p, enum scmwq_system sys)
{
	struct scmwq_event *ev;
	uint64_t ts = T0;

	p->n = 0;
	ev = add(p);
	scmwq_event_request(ev, 0x42000c01, 2, 0x1000, 0x40);
	ev_base(ev, 0, 1000, "qseecom-a", ts += 10000);
	ev = add(p);
	scmwq_event_waitq(ev, SCMWQ_EV_SLEEP, 1, 11);
	ev_base(ev, 0, 1000, "qseecom-a", ts += 10000);
	if (sys == SCMWQ_SYS_SCM) {
		ev = add(p);
		scmwq_event_request(ev, 0x42000c02, 1, 0x2000, 0);
		ev_base(ev, 1, 1001, "qseecom-b", ts += 10000);
		ev = add(p);
		scmwq_event_waitq(ev, SCMWQ_EV_WAKE_ACK, 1, 12);
		ev_base(ev, 1, 1001, "qseecom-b", ts += 10000);
		ev = add(p);
		scmwq_event_request(ev, SCMWQ_SMC_ACK, 1, 12, 0);
		ev_base(ev, 1, 1001, "qseecom-b", ts += 10000);
	}
	ev = add(p);
	ev->type = SCMWQ_EV_LOST;
	ev->cpu = 1;
	ev->lost_count = 12;
	ev = add(p);
	scmwq_event_request(ev, SCMWQ_SMC_GET_WQ_CTX, 0, 0, 0);
	ev_base(ev, 1, 1003, "irq/41-qcom-scm", ts += 10000);
	ev = add(p);
	scmwq_event_get_wq_ctx(ev, 1, SCMWQ_WAKE_ONE, 0);
	ev_base(ev, 1, 1003, "irq/41-qcom-scm", ts += 10000);
	ev = add(p);
	ev->type = SCMWQ_EV_SCHED_WAKEUP;
	ev->target_pid = 1000;
	snprintf(ev->next_comm, sizeof(ev->next_comm), "qseecom-a");
	ev_base(ev, 1, 1003, "irq/41-qcom-scm", ts += 10000);
	/* 200 ms later: a TIME_EXTEND before the record */
	ts += 200000000;
	ev = add(p);
	ev->type = SCMWQ_EV_SCHED_SWITCH;
	ev->prev_state = 'R';
	ev->next_pid = 1000;
	snprintf(ev->next_comm, sizeof(ev->next_comm), "qseecom-a");
	ev_base(ev, 0, 0, "swapper/0", ts += 10000);
	ev = add(p);
	scmwq_event_resume(ev, 11);
	ev_base(ev, 0, 1000, "qseecom-a", ts += 10000);
	ev = add(p);
	scmwq_event_request(ev, SCMWQ_SMC_RESUME, 1, 31, 0);
	ev_base(ev, 0, 1000, "qseecom-a", ts += 10000);
	ev = add(p);
	scmwq_event_done(ev, 0x42000c01, -12, 0x10, 0xff, 1, 2);
	if (sys == SCMWQ_SYS_SCM)
		ev->have &= ~SCMWQ_HAVE_RES;
	ev_base(ev, 0, 1000, "qseecom-a", ts += 10000);
	/* a loss whose count the kernel could not store, then 6 arguments */
	ev = add(p);
	ev->type = SCMWQ_EV_LOST;
	ev->cpu = 2;
	ev = add(p);
	scmwq_event_request(ev, 0x42000d01, 6, 0, 0);
	for (int i = 0; i < 6; i++)
		ev->args[i] = 0x1111111111111111ULL * (i + 1);
	ev_base(ev, 2, 1002, "hdcp-c", ts += 10000);
	/* more than a page of events on CPU 0 */
	for (int i = 0; i < 300; i++) {
		ev = add(p);
		scmwq_event_request(ev, 0x42000601, 1, (uint64_t)i, 0);
		ev_base(ev, 0, 1000, "qseecom-a", ts += 1000);
		ev = add(p);
		scmwq_event_done(ev, 0x42000601, 0, 0, 0, 0, (uint64_t)i);
		if (sys == SCMWQ_SYS_SCM)
			ev->have &= ~SCMWQ_HAVE_RES;
		ev_base(ev, 0, 1000, "qseecom-a", ts += 1000);
	}
}

static bool write_plan(const char *path, enum scmwq_system sys, int version,
		       const struct plan *p)
{
	struct scmwq_error err = { 0 };
	struct kdat *k = kdat_open(path, sys, 3, version, &err);

	if (!k) {
		printf("# kdat_open: %s\n", err.msg);
		return false;
	}
	for (int i = 0; i < p->n; i++) {
		if (kdat_add(k, &p->ev[i]) < 0) {
			printf("# kdat_add %d: %s\n", i, kdat_error(k));
			kdat_close(k, NULL);
			return false;
		}
	}
	if (kdat_close(k, &err) < 0) {
		printf("# kdat_close: %s\n", err.msg);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* The formats: traces.md section 1, line by line                      */

static void test_formats(const char *path, enum scmwq_system sys)
{
	static const char *const common[] = {
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n",
		"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n",
		"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n",
		"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n",
	};
	static const char *const mainline[] = {
		"\tfield:u64 smc_id;\toffset:8;\tsize:8;\tsigned:0;\n",
		"\tfield:u8 svc_id;\toffset:16;\tsize:1;\tsigned:0;\n",
		"\tfield:u8 cmd_id;\toffset:17;\tsize:1;\tsigned:0;\n",
		"\tfield:u8 args_cnt;\toffset:18;\tsize:1;\tsigned:0;\n",
		"\tfield:__data_loc unsigned long[] args;\toffset:20;\tsize:4;\tsigned:0;\n",
		"print fmt: \"smc_id:0x%08llx svc_id:0x%02x cmd_id:0x%02x args_cnt:%u args:%s\", "
		"REC->smc_id, REC->svc_id, REC->cmd_id, REC->args_cnt, "
		"__print_dynamic_array(args, sizeof(unsigned long))\n",
		"print fmt: \"wq_ctx:%u, smc_call_ctx:%u\", REC->wq_ctx, REC->smc_call_ctx\n",
		"print fmt: \"smc_call_ctx:%u\", REC->smc_call_ctx\n",
		"\tfield:u32 more_pending;\toffset:16;\tsize:4;\tsigned:0;\n",
		"\tfield:int ret;\toffset:8;\tsize:4;\tsigned:1;\n",
		"\tfield:unsigned long res;\toffset:24;\tsize:8;\tsigned:0;\n",
		"\tfield:unsigned long res2;\toffset:48;\tsize:8;\tsigned:0;\n",
		"print fmt: \"smc_id:0x%08llx, ret:%d res_to_callee:0x%lx res0:0x%lx res1:0x%lx "
		"res2:0x%lx\", REC->smc_id, REC->ret, REC->res, REC->res0, REC->res1, REC->res2\n",
	};
	static const char *const vendor[] = {
		"\tfield:__data_loc char[] out;\toffset:20;\tsize:4;\tsigned:0;\n",
		"print fmt: \"smc_id:0x%08llx svc_id:0x%02x, cmd_id:0x%02x, args_cnt:%u%s\", "
		"REC->smc_id, REC->svc_id, REC->cmd_id, REC->args_cnt, "
		"(char *)__get_dynamic_array(out)\n",
		"name: scm_waitq_wake_ack\n",
		"\tfield:unsigned long res0;\toffset:24;\tsize:8;\tsigned:0;\n",
		"\tfield:unsigned long res2;\toffset:40;\tsize:8;\tsigned:0;\n",
		"print fmt: \"smc_id:0x%08llx, ret:%d res0:%lu res1:%lu res2:%lu\", REC->smc_id, "
		"REC->ret, REC->res0, REC->res1, REC->res2\n",
	};
	const char *name = scmwq_system_name(sys);
	const char *const *want = sys == SCMWQ_SYS_SCM ? vendor : mainline;
	size_t nwant = sys == SCMWQ_SYS_SCM ? ARRAY_SIZE(vendor) : ARRAY_SIZE(mainline);
	char cmd[512], *out;
	int st, events = sys == SCMWQ_SYS_SCM ? 6 : 5;

	if (!have_trace_cmd()) {
		skip("trace-cmd is not installed");
		return;
	}
	snprintf(cmd, sizeof(cmd), "trace-cmd dump --events -i '%s' 2>&1", path);
	out = run(cmd, &st);
	if (!out) {
		ok(0, "%s: trace-cmd dump --events ran", name);
		return;
	}
	is_int(st, 0, "%s: trace-cmd dump --events reads the file", name);
	is_int(count(out, "\nname: scm_"), events, "%s: the file has the %d SCM event formats",
	       name, events);
	is_int(count(out, "name: scm_waitq_wake_ack"), sys == SCMWQ_SYS_SCM,
	       "%s: scm_waitq_wake_ack only in the vendor system", name);
	is_int(count(out, "\nname: sched_"), 2, "%s: and sched_switch, sched_waking: recorded",
	       name);
	for (size_t i = 0; i < ARRAY_SIZE(common); i++)
		is_int(count(out, common[i]), events + 2, "%s: common field %zu in every format",
		       name, i);
	for (size_t i = 0; i < nwant; i++) {
		char label[64];
		size_t n = 0;

		/* the line without its tabs and newline, for the test's name */
		for (const char *c = want[i]; *c && *c != '\n' && n < sizeof(label) - 1; c++)
			label[n++] = *c == '\t' ? ' ' : *c;
		label[n] = '\0';
		ok(strstr(out, want[i]) != NULL, "%s: as traces.md says:%s", name, label);
	}
	free(out);

	snprintf(cmd, sizeof(cmd), "trace-cmd dump --head-page --cmd-lines -i '%s' 2>&1", path);
	out = run(cmd, &st);
	ok(out && strstr(out, "\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n"),
	   "%s: header_page as the kernel's (4080 bytes of data per page)", name);
	ok(out && strstr(out, "1000 qseecom-a\n") && strstr(out, "1003 irq/41-qcom-scm\n"),
	   "%s: saved_cmdlines give the comms of the pids", name);
	free(out);
}

/* ------------------------------------------------------------------ */
/* trace-cmd reads the records back                                    */

static void test_trace_cmd(const char *path, enum scmwq_system sys, const struct plan *p)
{
	const char *name = scmwq_system_name(sys);
	char cmd[512], *out;
	int st, records = 0;

	if (!have_trace_cmd()) {
		skip("trace-cmd is not installed");
		return;
	}
	for (int i = 0; i < p->n; i++)
		records += p->ev[i].type != SCMWQ_EV_LOST;
	snprintf(cmd, sizeof(cmd), "trace-cmd report -R -i '%s' 2>&1", path);
	out = run(cmd, &st);
	if (!out) {
		ok(0, "%s: trace-cmd report -R ran", name);
		return;
	}
	is_int(st, 0, "%s: trace-cmd report -R exits 0", name);
	is_int(count(out, ": scm_") + count(out, ": sched_"), records,
	       "%s: trace-cmd reads every record back", name);
	ok(!strstr(out, "FAILED") && !strstr(out, "rror"), "%s: no error reading", name);
	ok(strstr(out, "CPU:1 [12 EVENTS DROPPED]\n") != NULL,
	   "%s: the loss of 12 events on CPU 1, stored after its page's data", name);
	ok(strstr(out, "CPU:2 [EVENTS DROPPED]\n") != NULL,
	   "%s: the loss of an unknown count on CPU 2", name);
	/* the records after the 200 ms gap keep their time (TIME_EXTEND) */
	for (int i = 0; i < p->n; i++) {
		char want[64];

		if (p->ev[i].type != SCMWQ_EV_RESUME)
			continue;
		snprintf(want, sizeof(want), " %llu.%06llu: scm_waitq_resume:",
			 (unsigned long long)(p->ev[i].ts_ns / 1000000000ULL),
			 (unsigned long long)(p->ev[i].ts_ns % 1000000000ULL / 1000));
		ok(p->ev[i].ts_ns - T0 > 200000000 && strstr(out, want),
		   "%s: the resume after a 200 ms gap at its time,%s", name, want);
	}
	if (sys == SCMWQ_SYS_SCM) {
		ok(strstr(out, "args_cnt=1 out= x2:(hex:0x0000001f decimal:31)\n") != NULL,
		   "scm: the RESUME's out is the kernel's text, x2 the smc_call_ctx");
		ok(strstr(out, "args_cnt=2 out= x2:(hex:0x00001000 decimal:4096) "
			  "x3:(hex:0x00000040 decimal:64)\n") != NULL,
		   "scm: two arguments, x2 and x3");
		ok(strstr(out, "args_cnt=6 out= x2:(hex:0x1111111111111111 "
			  "decimal:1229782938247303441) x3:") &&
		   strstr(out, " x7:(hex:0x6666666666666666 decimal:7378697629483820646)\n"),
		   "scm: six arguments x2..x7 (a record longer than 112 bytes)");
		ok(strstr(out, "ret=-12 smc_id=0x42000c01 res0=255 res1=1 res2=2\n") != NULL,
		   "scm: scm_smc_done without res");
	} else {
		ok(strstr(out, "args_cnt=1 args=ARRAY[1f, 00, 00, 00, 00, 00, 00, 00]\n") != NULL,
		   "qcom_scm: the RESUME's args[] is one unsigned long, 31");
		ok(strstr(out, "args_cnt=0 args=ARRAY[]\n") != NULL,
		   "qcom_scm: GET_WQ_CTX has an empty args[]");
		ok(strstr(out, "ret=-12 smc_id=0x42000c01 res=0x10 res0=0xff res1=0x1 res2=0x2\n"),
		   "qcom_scm: scm_smc_done with res");
	}
	ok(strstr(out, "prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=0 "
		  "next_comm=qseecom-a next_pid=1000 next_prio=120") != NULL,
	   "%s: sched_switch", name);
	ok(strstr(out, "comm=qseecom-a pid=1000 prio=120 target_cpu=001\n") != NULL,
	   "%s: sched_waking", name);
	free(out);

	/* trace-cmd's own checks of the file */
	snprintf(cmd, sizeof(cmd), "trace-cmd dump -v -i '%s' >/dev/null 2>&1", path);
	is_int(system(cmd), 0, "%s: trace-cmd dump -v validates the file", name);
}

/* ------------------------------------------------------------------ */
/* This project's reader                                               */

/* The ts of @cpu's record before (@dir -1) or after (+1) plan entry @k; 0: none. */
static uint64_t plan_neighbour(const struct plan *p, int k, int cpu, int dir)
{
	for (int j = k + dir; j >= 0 && j < p->n; j += dir)
		if (p->ev[j].cpu == cpu && p->ev[j].type != SCMWQ_EV_LOST)
			return p->ev[j].ts_ns;
	return 0;
}

static void test_read_back(const char *path, enum scmwq_system sys, const struct plan *p)
{
	const char *name = scmwq_system_name(sys);
	struct scmwq_error err = { 0 };
	struct scmwq_source *src = scmwq_source_open(path, NULL, NULL, &err);
	struct scmwq_event got;
	int i = 0, k = 0, nread = 0, bad = -1, bad_loss = -1, r;
	uint64_t last_ts = 0;

	if (!src) {
		ok(0, "%s: opens: %s", name, err.msg);
		return;
	}
	is_int(scmwq_source_system(src), sys, "%s: the system is told by the formats", name);
	while ((r = scmwq_source_next(src, &got, &err)) > 0) {
		const struct scmwq_event *w;
		unsigned int n;
		bool same;

		nread++;
		if (got.type == SCMWQ_EV_LOST) {
			/*
			 * replay.md: a loss lies between its CPU's previous record
			 * and its next one, and is reported at its start: before
			 * any record from inside the gap.
			 */
			int j;

			/* the plan has at most one loss per CPU */
			for (j = 0; j < p->n; j++)
				if (p->ev[j].type == SCMWQ_EV_LOST && p->ev[j].cpu == got.cpu)
					break;
			if (j == p->n || got.lost_count != p->ev[j].lost_count ||
			    got.gap_start_ns != plan_neighbour(p, j, got.cpu, -1) ||
			    got.gap_end_ns != plan_neighbour(p, j, got.cpu, 1) ||
			    got.ts_ns != got.gap_start_ns || got.gap_start_ns < last_ts) {
				if (bad_loss < 0)
					bad_loss = nread;
			}
			continue;
		}
		while (k < p->n && p->ev[k].type == SCMWQ_EV_LOST)
			k++;
		w = k < p->n ? &p->ev[k] : NULL;
		if (!w) {
			bad = i;
			break;
		}
		last_ts = got.ts_ns;
		same = got.type == w->type && got.cpu == w->cpu;
		{
			enum scmwq_system wsys = w->type >= SCMWQ_EV_SCHED_SWITCH ?
						 SCMWQ_SYS_UNKNOWN : sys;

			same = same && got.ts_ns == w->ts_ns && got.pid == w->pid &&
			       !strcmp(got.comm, w->comm) && got.sys == wsys;
		}
		switch (w->type) {
		case SCMWQ_EV_SMC_REQUEST:
			n = w->args_cnt < 6 ? w->args_cnt : 6;
			same = same && got.smc_id == w->smc_id && got.args_cnt == n &&
			       (got.have & SCMWQ_HAVE_ARGS) &&
			       !memcmp(got.args, w->args, n * sizeof(w->args[0]));
			break;
		case SCMWQ_EV_SLEEP:
		case SCMWQ_EV_WAKE_ACK:
			same = same && got.wq_ctx == w->wq_ctx &&
			       got.smc_call_ctx == w->smc_call_ctx;
			break;
		case SCMWQ_EV_RESUME:
			same = same && got.smc_call_ctx == w->smc_call_ctx;
			break;
		case SCMWQ_EV_GET_WQ_CTX:
			same = same && got.wq_ctx == w->wq_ctx && got.flags == w->flags &&
			       got.more_pending == w->more_pending;
			break;
		case SCMWQ_EV_SMC_DONE:
			same = same && got.ret == w->ret && got.res2 == w->res2 &&
			       (sys == SCMWQ_SYS_SCM ? !(got.have & SCMWQ_HAVE_RES) :
				got.res == w->res);
			break;
		case SCMWQ_EV_SCHED_SWITCH:
			same = same && got.next_pid == w->next_pid &&
			       got.prev_state == w->prev_state &&
			       !strcmp(got.next_comm, w->next_comm);
			break;
		case SCMWQ_EV_SCHED_WAKEUP:
			same = same && got.target_pid == w->target_pid &&
			       !strcmp(got.next_comm, w->next_comm);
			break;
		default:
			break;
		}
		if (!same && bad < 0)
			bad = i;
		i++;
		k++;
	}
	is_int(r, 0, "%s: read to the end (%s)", name, r < 0 ? err.msg : "");
	is_int(nread, p->n, "%s: as many events as written, the losses included", name);
	ok(bad < 0, "%s: every record as written, in order (first difference: %d)", name, bad);
	ok(bad_loss < 0, "%s: every loss at its gap's start, with its CPU's records around it "
	   "(first difference: event %d)", name, bad_loss);
	is_int(scmwq_source_lost(src), 12, "%s: 12 events lost, as the pages say", name);
	is_int(scmwq_source_malformed(src), 0, "%s: nothing garbled", name);
	scmwq_source_free(src);
}

/* ------------------------------------------------------------------ */
/* Memory, errors                                                      */

static long max_rss_kb(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

/* 500000 events in a child: its peak memory must not grow with them. */
static void test_memory(void)
{
	long rep[2] = { -1, -1 };
	int p[2];
	pid_t pid;

	if (pipe(p) < 0) {
		ok(0, "pipe: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct scmwq_error err;
		struct kdat *k = kdat_open(tmp_path("big.dat"), SCMWQ_SYS_SCM, 2, 7, &err);
		struct scmwq_event ev;
		long before = max_rss_kb();
		struct stat st;

		for (int i = 0; k && i < 500000; i++) {
			scmwq_event_request(&ev, 0x42000601, 2, (uint64_t)i, 7);
			ev_base(&ev, i % 2, 1000 + i % 2, "t", T0 + 1000ULL * i);
			if (kdat_add(k, &ev) < 0)
				break;
		}
		rep[0] = k && kdat_close(k, &err) == 0 && stat(tmp_path("big.dat"), &st) == 0 &&
			 st.st_size > 500000L * 90;
		rep[1] = max_rss_kb() - before;
		if (write(p[1], rep, sizeof(rep)) != sizeof(rep))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], rep, sizeof(rep)) != sizeof(rep))
		rep[0] = 0;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	ok(rep[0] == 1, "500000 vendor requests: written (%ld)", rep[0]);
	ok(rep[0] == 1 && rep[1] < 4 * 1024, "500000 vendor requests: peak memory grew by %ld KiB",
	   rep[1]);
	unlink(tmp_path("big.dat"));
}

static void test_errors(void)
{
	struct scmwq_error err = { 0 };
	struct scmwq_event ev;
	struct kdat *k;
	struct stat st;

	ok(!kdat_open(tmp_path("e.dat"), SCMWQ_SYS_UNKNOWN, 1, 7, &err) && err.cls == SCMWQ_E_USAGE,
	   "no system: refused (%s)", err.msg);
	ok(!kdat_open(tmp_path("e.dat"), SCMWQ_SYS_SCM, 1, 5, &err) && err.cls == SCMWQ_E_USAGE,
	   "version 5: refused (%s)", err.msg);

	k = kdat_open(tmp_path("e.dat"), SCMWQ_SYS_QCOM_SCM, 2, 6, &err);
	if (!k) {
		ok(0, "kdat_open: %s", err.msg);
		return;
	}
	scmwq_event_waitq(&ev, SCMWQ_EV_WAKE_ACK, 0, 1);
	ev_base(&ev, 0, 1, "a", T0);
	ok(kdat_add(k, &ev) < 0 && strstr(kdat_error(k), "mainline has no such tracepoint"),
	   "a wake_ack in qcom_scm: refused (%s)", kdat_error(k));
	ok(kdat_close(k, &err) < 0 && strstr(err.msg, "e.dat") && stat(tmp_path("e.dat"), &st),
	   "then kdat_close fails, naming the file, and writes nothing (%s)", err.msg);

	k = kdat_open(tmp_path("e.dat"), SCMWQ_SYS_SCM, 2, 7, &err);
	scmwq_event_resume(&ev, 1);
	ev_base(&ev, 2, 1, "a", T0);
	ok(k && kdat_add(k, &ev) < 0 && strstr(kdat_error(k), "CPU 2"),
	   "CPU 2 of 2: refused (%s)", k ? kdat_error(k) : "");
	kdat_close(k, NULL);

	k = kdat_open(tmp_path("e.dat"), SCMWQ_SYS_SCM, 2, 7, &err);
	ev_base(&ev, 1, 1, "a", T0 + 10);
	ok(k && kdat_add(k, &ev) == 0, "an event at T0 + 10 on CPU 1");
	ev_base(&ev, 1, 1, "a", T0);
	ok(k && kdat_add(k, &ev) < 0 && strstr(kdat_error(k), "time order"),
	   "one at T0 after it on CPU 1: refused (%s)", k ? kdat_error(k) : "");
	kdat_close(k, NULL);

	k = kdat_open(tmp_path("e.dat"), SCMWQ_SYS_SCM, 2, 7, &err);
	ev_base(&ev, 1, 1, "a", T0);
	kdat_add(k, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.type = SCMWQ_EV_LOST;
	ev.cpu = 1;
	ev.lost_count = 3;
	ok(k && kdat_add(k, &ev) == 0, "a loss on CPU 1");
	ok(k && kdat_close(k, &err) < 0 && strstr(err.msg, "CPU 1: a loss with no record after it"),
	   "with no record after it on CPU 1, kdat_close fails (%s)", err.msg);
	ok(stat(tmp_path("e.dat"), &st) < 0, "and writes nothing");
}

int main(void)
{
	static const enum scmwq_system systems[] = { SCMWQ_SYS_QCOM_SCM, SCMWQ_SYS_SCM };
	static struct plan plan;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/scmwq-test-kdat-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return tap_done();
	}
	for (size_t s = 0; s < ARRAY_SIZE(systems); s++) {
		for (int version = 6; version <= 7; version++) {
			char name[64];

			snprintf(name, sizeof(name), "%s.v%d.dat", scmwq_system_name(systems[s]),
				 version);
			make_plan(&plan, systems[s]);
			ok(write_plan(tmp_path(name), systems[s], version, &plan),
			   "%s: written", name);
			printf("# %s\n", name);
			if (version == 7)
				test_formats(tmp_path(name), systems[s]);
			test_trace_cmd(tmp_path(name), systems[s], &plan);
			test_read_back(tmp_path(name), systems[s], &plan);
			unlink(tmp_path(name));
		}
	}
	test_memory();
	test_errors();
	unlink(tmp_path("e.dat"));
	rmdir(tmpdir);
	return tap_done();
}
