// SPDX-License-Identifier: GPL-2.0
/*
 * kdat: trace.dat fixtures in the kernel's exact formats (see kdat.h).
 *
 * The event format files below are the ones traces.md section 1 gives for
 * the qcom_scm (mainline) and scm (vendor) tracepoints, field for field and
 * with the print fmt lines; sched_switch and sched_waking are this
 * machine's (x86_64, Linux 6.18; the same offsets on arm64).  Each format
 * is parsed with libtraceevent, and each record is laid out from the parsed
 * fields: a value goes at its field's offset with its field's size, a
 * __data_loc field gets (length << 16) | offset and its data after the
 * fixed fields.  The records go into 4096-byte ring-buffer pages as the
 * kernel writes them (a 16-byte page header: timestamp, commit; 4-byte
 * event headers with 27-bit time deltas, a TIME_EXTEND before a longer gap,
 * type_len 0 with the length in array[0] above 112 bytes), each CPU's pages
 * into a temporary file.  kdat_close() hands the pages and a temporary
 * tracing directory (header_page, header_event, the formats,
 * saved_cmdlines, trace_clock) to the project's trace.dat writer.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event-parse.h>

#include <scmwq.h>

#include "base/base.h"
#include "model/model.h"
#include "sim/sim.h"
#include "source/source.h"
#include "record/tdat_write.h"
#include "kdat.h"

#define PAGE		4096
#define PAGE_HDR	16		/* u64 timestamp, local_t commit */
#define PAGE_DATA	(PAGE - PAGE_HDR)	/* header_page: data size 4080 */
#define TS_BITS		27
#define TYPE_TIME_EXTEND 30
#define SMALL_DATA	112		/* RB_MAX_SMALL_DATA: type_len 1..28 */
#define RB_MISSED_EVENTS (1ULL << 31)
#define RB_MISSED_STORED (1ULL << 30)
#define KERNEL_MAX_ARGS	6		/* min_t(u8, smc->args[1] & 0xF, 6) */
#define OUT_PER_ARG	64		/* the kernel reserves n * 64 + 1 bytes for out */
#define MAX_CPUS	256
#define MAX_REC		1024

/* ------------------------------------------------------------------ */
/* The kernel's format files                                           */

/* this machine's events/header_page and events/header_event */
static const char header_page[] =
	"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
	"\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
	"\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
	"\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n";

static const char header_event[] =
	"# compressed entry header\n"
	"\ttype_len    :    5 bits\n"
	"\ttime_delta  :   27 bits\n"
	"\tarray       :   32 bits\n"
	"\n"
	"\tpadding     : type == 29\n"
	"\ttime_extend : type == 30\n"
	"\ttime_stamp : type == 31\n"
	"\tdata max type_len  == 28\n";

#define FMT_HEAD(name, id) "name: " name "\nID: " #id "\nformat:\n"			\
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"		\
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"		\
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"	\
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
#define FIELD(decl, off, size, sgn) \
	"\tfield:" decl ";\toffset:" #off ";\tsize:" #size ";\tsigned:" #sgn ";\n"
#define PRINT(fmt) "\nprint fmt: " fmt "\n"

#define REQUEST_FIELDS								\
	FIELD("u64 smc_id", 8, 8, 0)						\
	FIELD("u8 svc_id", 16, 1, 0)						\
	FIELD("u8 cmd_id", 17, 1, 0)						\
	FIELD("u8 args_cnt", 18, 1, 0)

#define WAITQ_FMT(name, id)							\
	FMT_HEAD(name, id)							\
	FIELD("u32 wq_ctx", 8, 4, 0)						\
	FIELD("u32 smc_call_ctx", 12, 4, 0)					\
	PRINT("\"wq_ctx:%u, smc_call_ctx:%u\", REC->wq_ctx, REC->smc_call_ctx")

#define RESUME_FMT(id)								\
	FMT_HEAD("scm_waitq_resume", id)					\
	FIELD("u32 smc_call_ctx", 8, 4, 0)					\
	PRINT("\"smc_call_ctx:%u\", REC->smc_call_ctx")

#define GET_WQ_CTX_FMT(id)							\
	FMT_HEAD("scm_waitq_get_wq_ctx", id)					\
	FIELD("u32 wq_ctx", 8, 4, 0)						\
	FIELD("u32 flags", 12, 4, 0)						\
	FIELD("u32 more_pending", 16, 4, 0)					\
	PRINT("\"wq_ctx:%u, flags:%u, more_pending:%u\", REC->wq_ctx, REC->flags, "	\
	      "REC->more_pending")

static const char qcom_request[] =
	FMT_HEAD("scm_smc_request", 1701)
	REQUEST_FIELDS
	FIELD("__data_loc unsigned long[] args", 20, 4, 0)
	PRINT("\"smc_id:0x%08llx svc_id:0x%02x cmd_id:0x%02x args_cnt:%u args:%s\", "
	      "REC->smc_id, REC->svc_id, REC->cmd_id, REC->args_cnt, "
	      "__print_dynamic_array(args, sizeof(unsigned long))");
static const char qcom_sleep[] = WAITQ_FMT("scm_waitq_sleep", 1702);
static const char qcom_resume[] = RESUME_FMT(1703);
static const char qcom_get_wq_ctx[] = GET_WQ_CTX_FMT(1704);
static const char qcom_done[] =
	FMT_HEAD("scm_smc_done", 1705)
	FIELD("int ret", 8, 4, 1)
	FIELD("u64 smc_id", 16, 8, 0)
	FIELD("unsigned long res", 24, 8, 0)
	FIELD("unsigned long res0", 32, 8, 0)
	FIELD("unsigned long res1", 40, 8, 0)
	FIELD("unsigned long res2", 48, 8, 0)
	PRINT("\"smc_id:0x%08llx, ret:%d res_to_callee:0x%lx res0:0x%lx res1:0x%lx "
	      "res2:0x%lx\", REC->smc_id, REC->ret, REC->res, REC->res0, REC->res1, REC->res2");

static const char scm_request[] =
	FMT_HEAD("scm_smc_request", 1801)
	REQUEST_FIELDS
	FIELD("__data_loc char[] out", 20, 4, 0)
	PRINT("\"smc_id:0x%08llx svc_id:0x%02x, cmd_id:0x%02x, args_cnt:%u%s\", "
	      "REC->smc_id, REC->svc_id, REC->cmd_id, REC->args_cnt, "
	      "(char *)__get_dynamic_array(out)");
static const char scm_sleep[] = WAITQ_FMT("scm_waitq_sleep", 1802);
static const char scm_wake_ack[] = WAITQ_FMT("scm_waitq_wake_ack", 1803);
static const char scm_resume[] = RESUME_FMT(1804);
static const char scm_get_wq_ctx[] = GET_WQ_CTX_FMT(1805);
static const char scm_done[] =
	FMT_HEAD("scm_smc_done", 1806)
	FIELD("int ret", 8, 4, 1)
	FIELD("u64 smc_id", 16, 8, 0)
	FIELD("unsigned long res0", 24, 8, 0)
	FIELD("unsigned long res1", 32, 8, 0)
	FIELD("unsigned long res2", 40, 8, 0)
	PRINT("\"smc_id:0x%08llx, ret:%d res0:%lu res1:%lu res2:%lu\", REC->smc_id, REC->ret, "
	      "REC->res0, REC->res1, REC->res2");

#define TASK_STATES \
	"(((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | " \
	"0x00000020 | 0x00000040) + 1) << 1)"

static const char sched_switch[] =
	FMT_HEAD("sched_switch", 372)
	FIELD("char prev_comm[16]", 8, 16, 0)
	FIELD("pid_t prev_pid", 24, 4, 1)
	FIELD("int prev_prio", 28, 4, 1)
	FIELD("long prev_state", 32, 8, 1)
	FIELD("char next_comm[16]", 40, 16, 0)
	FIELD("pid_t next_pid", 56, 4, 1)
	FIELD("int next_prio", 60, 4, 1)
	PRINT("\"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s "
	      "next_pid=%d next_prio=%d\", REC->prev_comm, REC->prev_pid, REC->prev_prio, "
	      "(REC->prev_state & (" TASK_STATES " - 1)) ? __print_flags(REC->prev_state & "
	      "(" TASK_STATES " - 1), \"|\", { 0x00000001, \"S\" }, { 0x00000002, \"D\" }, "
	      "{ 0x00000004, \"T\" }, { 0x00000008, \"t\" }, { 0x00000010, \"X\" }, "
	      "{ 0x00000020, \"Z\" }, { 0x00000040, \"P\" }, { 0x00000080, \"I\" }) : \"R\", "
	      "REC->prev_state & " TASK_STATES " ? \"+\" : \"\", REC->next_comm, REC->next_pid, "
	      "REC->next_prio");

static const char sched_waking[] =
	FMT_HEAD("sched_waking", 375)
	FIELD("char comm[16]", 8, 16, 0)
	FIELD("pid_t pid", 24, 4, 1)
	FIELD("int prio", 28, 4, 1)
	FIELD("int target_cpu", 32, 4, 1)
	PRINT("\"comm=%s pid=%d prio=%d target_cpu=%03d\", REC->comm, REC->pid, REC->prio, "
	      "REC->target_cpu");

struct kfmt {
	const char *system, *name;
	enum scmwq_ev_type type;
	const char *text;
};

static const struct kfmt qcom_fmts[] = {
	{ "qcom_scm", "scm_smc_request", SCMWQ_EV_SMC_REQUEST, qcom_request },
	{ "qcom_scm", "scm_waitq_sleep", SCMWQ_EV_SLEEP, qcom_sleep },
	{ "qcom_scm", "scm_waitq_resume", SCMWQ_EV_RESUME, qcom_resume },
	{ "qcom_scm", "scm_waitq_get_wq_ctx", SCMWQ_EV_GET_WQ_CTX, qcom_get_wq_ctx },
	{ "qcom_scm", "scm_smc_done", SCMWQ_EV_SMC_DONE, qcom_done },
	{ "sched", "sched_switch", SCMWQ_EV_SCHED_SWITCH, sched_switch },
	{ "sched", "sched_waking", SCMWQ_EV_SCHED_WAKEUP, sched_waking },
};

static const struct kfmt scm_fmts[] = {
	{ "scm", "scm_smc_request", SCMWQ_EV_SMC_REQUEST, scm_request },
	{ "scm", "scm_waitq_sleep", SCMWQ_EV_SLEEP, scm_sleep },
	{ "scm", "scm_waitq_wake_ack", SCMWQ_EV_WAKE_ACK, scm_wake_ack },
	{ "scm", "scm_waitq_resume", SCMWQ_EV_RESUME, scm_resume },
	{ "scm", "scm_waitq_get_wq_ctx", SCMWQ_EV_GET_WQ_CTX, scm_get_wq_ctx },
	{ "scm", "scm_smc_done", SCMWQ_EV_SMC_DONE, scm_done },
	{ "sched", "sched_switch", SCMWQ_EV_SCHED_SWITCH, sched_switch },
	{ "sched", "sched_waking", SCMWQ_EV_SCHED_WAKEUP, sched_waking },
};

#define NFMTS ARRAY_SIZE(scm_fmts)

static const struct kfmt *fmts_of(enum scmwq_system sys, size_t *n)
{
	if (sys == SCMWQ_SYS_SCM) {
		*n = ARRAY_SIZE(scm_fmts);
		return scm_fmts;
	}
	*n = ARRAY_SIZE(qcom_fmts);
	return qcom_fmts;
}

const char *kdat_format(enum scmwq_system sys, const char *event)
{
	size_t n;
	const struct kfmt *f = fmts_of(sys, &n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(f[i].name, event))
			return f[i].text;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* State                                                               */

/* What goes into a field, by the field's name. */
enum kval {
	V_TYPE, V_FLAGS, V_PREEMPT, V_PID,
	V_SMC_ID, V_SVC_ID, V_CMD_ID, V_ARGS_CNT, V_ARGS, V_OUT,
	V_WQ_CTX, V_CTX, V_WQ_FLAGS, V_MORE, V_RET, V_RES, V_RES0, V_RES1, V_RES2,
	V_PREV_COMM, V_PREV_PID, V_PRIO, V_PREV_STATE, V_NEXT_COMM, V_NEXT_PID,
	V_COMM, V_WOKEN_PID, V_TARGET_CPU,
};

static const struct {
	const char *name;
	enum kval v;
} field_vals[] = {
	{ "common_type", V_TYPE }, { "common_flags", V_FLAGS },
	{ "common_preempt_count", V_PREEMPT }, { "common_pid", V_PID },
	{ "smc_id", V_SMC_ID }, { "svc_id", V_SVC_ID }, { "cmd_id", V_CMD_ID },
	{ "args_cnt", V_ARGS_CNT }, { "args", V_ARGS }, { "out", V_OUT },
	{ "wq_ctx", V_WQ_CTX }, { "smc_call_ctx", V_CTX }, { "flags", V_WQ_FLAGS },
	{ "more_pending", V_MORE }, { "ret", V_RET }, { "res", V_RES }, { "res0", V_RES0 },
	{ "res1", V_RES1 }, { "res2", V_RES2 },
	{ "prev_comm", V_PREV_COMM }, { "prev_pid", V_PREV_PID }, { "prev_prio", V_PRIO },
	{ "prev_state", V_PREV_STATE }, { "next_comm", V_NEXT_COMM },
	{ "next_pid", V_NEXT_PID }, { "next_prio", V_PRIO },
	{ "comm", V_COMM }, { "pid", V_WOKEN_PID }, { "prio", V_PRIO },
	{ "target_cpu", V_TARGET_CPU },
};

#define MAX_FIELDS	16

struct kevent {
	const struct kfmt *fmt;
	struct tep_event *event;
	int nfields;
	struct tep_format_field *field[MAX_FIELDS];
	enum kval val[MAX_FIELDS];
	int fixed;		/* end of the last field: where dynamic data starts */
	bool used;
};

struct kcpu {
	int fd;
	unsigned char page[PAGE];
	size_t used;		/* bytes of events after the page header */
	uint64_t last_ts;
	bool any;		/* an event was added */
	uint64_t pages;
	/* a loss waiting for this CPU's next record */
	bool lost_pending, lost_unknown;
	uint64_t lost_count;
	/* the page being filled starts after a loss */
	uint64_t page_flags, page_lost;
	char out[KERNEL_MAX_ARGS * OUT_PER_ARG + 1];	/* reused: leftovers after the NUL */
};

struct kcomm {
	int pid;
	char comm[16];
};

struct kdat {
	char *path;
	enum scmwq_system sys;
	int ncpus, version;
	char dir[PATH_MAX];		/* the temporary tracing directory */
	struct tep_handle *tep;
	struct kevent ev[NFMTS];
	int nev;
	struct kcpu *cpu;
	struct kcomm *comms;
	size_t ncomms, capcomms;
	bool failed;
	char error[512];
};

static int fail(struct kdat *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct kdat *k, const char *fmt, ...)
{
	va_list ap;

	if (k->failed)
		return -1;
	k->failed = true;
	va_start(ap, fmt);
	vsnprintf(k->error, sizeof(k->error), fmt, ap);
	va_end(ap);
	return -1;
}

const char *kdat_error(const struct kdat *k)
{
	return k->failed ? k->error : "";
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
}

static int put_file(struct kdat *k, const char *rel, const char *text)
{
	char path[PATH_MAX + 128];
	size_t len = strlen(text);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", k->dir, rel);
	for (char *p = path + strlen(k->dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return fail(k, "%s: mkdir: %s", path, strerror(errno));
		*p = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail(k, "%s: open: %s", path, strerror(errno));
	n = write(fd, text, len);
	close(fd);
	if (n != (ssize_t)len)
		return fail(k, "%s: write failed", path);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Formats                                                             */

static int value_of(const char *name, enum kval *v)
{
	for (size_t i = 0; i < ARRAY_SIZE(field_vals); i++) {
		if (!strcmp(field_vals[i].name, name)) {
			*v = field_vals[i].v;
			return 0;
		}
	}
	return -1;
}

/* Parse @f's format and resolve its fields, common ones included. */
static int add_format(struct kdat *k, const struct kfmt *f)
{
	struct kevent *ke = &k->ev[k->nev];
	struct tep_format_field **lists[2];
	char rel[256];

	snprintf(rel, sizeof(rel), "events/%s/%s/format", f->system, f->name);
	if (put_file(k, rel, f->text) < 0)
		return -1;
	if (tep_parse_event(k->tep, f->text, strlen(f->text), f->system))
		return fail(k, "%s/%s: libtraceevent cannot parse the format", f->system, f->name);
	ke->fmt = f;
	ke->event = tep_find_event_by_name(k->tep, f->system, f->name);
	if (!ke->event)
		return fail(k, "%s/%s: not found after parsing", f->system, f->name);
	lists[0] = tep_event_common_fields(ke->event);
	lists[1] = tep_event_fields(ke->event);
	for (int l = 0; l < 2; l++) {
		for (int i = 0; lists[l] && lists[l][i]; i++) {
			struct tep_format_field *fl = lists[l][i];

			enum kval *v = &ke->val[ke->nfields];

			if (ke->nfields == MAX_FIELDS || value_of(fl->name, v)) {
				fail(k, "%s/%s: field %s: the fixture does not know what goes "
				     "there", f->system, f->name, fl->name);
				break;
			}
			ke->field[ke->nfields++] = fl;
			if (fl->offset + fl->size > ke->fixed)
				ke->fixed = fl->offset + fl->size;
		}
	}
	free(lists[0]);
	free(lists[1]);
	if (k->failed)
		return -1;
	k->nev++;
	return 0;
}

/**
 * kdat_open - start a trace.dat fixture (see kdat.h)
 */
struct kdat *kdat_open(const char *path, enum scmwq_system sys, int ncpus, int version,
		       struct scmwq_error *err)
{
	const char *tmp = getenv("TMPDIR");
	const struct kfmt *f;
	struct kdat *k;
	size_t n;

	if (sys != SCMWQ_SYS_QCOM_SCM && sys != SCMWQ_SYS_SCM) {
		scmwq_error_set(err, SCMWQ_E_USAGE, "%s: the system must be qcom_scm or scm", path);
		return NULL;
	}
	if (ncpus < 1 || ncpus > MAX_CPUS || (version != 6 && version != 7)) {
		scmwq_error_set(err, SCMWQ_E_USAGE, "%s: %d CPUs, version %d: expected 1 to %d "
				"CPUs and version 6 or 7", path, ncpus, version, MAX_CPUS);
		return NULL;
	}
	k = calloc(1, sizeof(*k));
	if (!k || !(k->path = strdup(path)) || !(k->cpu = calloc(ncpus, sizeof(*k->cpu)))) {
		if (k)
			free(k->path);
		free(k);
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		return NULL;
	}
	k->sys = sys;
	k->ncpus = ncpus;
	k->version = version;
	for (int i = 0; i < ncpus; i++)
		k->cpu[i].fd = -1;
	snprintf(k->dir, sizeof(k->dir), "%s/kdat-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(k->dir)) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: mkdtemp: %s", k->dir, strerror(errno));
		k->dir[0] = '\0';
		goto fail;
	}
	k->tep = tep_alloc();
	if (!k->tep) {
		fail(k, "out of memory");
		goto failed;
	}
	tep_set_long_size(k->tep, sizeof(long));
	tep_set_page_size(k->tep, PAGE);
	if (put_file(k, "events/header_page", header_page) < 0 ||
	    put_file(k, "events/header_event", header_event) < 0 ||
	    put_file(k, "trace_clock", "[local] global counter uptime perf mono mono_raw "
		     "boot\n") < 0)
		goto failed;
	f = fmts_of(sys, &n);
	for (size_t i = 0; i < n; i++)
		if (add_format(k, &f[i]) < 0)
			goto failed;
	for (int i = 0; i < ncpus; i++) {
		char name[PATH_MAX + 32];

		snprintf(name, sizeof(name), "%s/cpu%d", k->dir, i);
		k->cpu[i].fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (k->cpu[i].fd < 0) {
			fail(k, "%s: open: %s", name, strerror(errno));
			goto failed;
		}
		unlink(name);
	}
	return k;
failed:
	scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: %s", path, k->error);
fail:
	k->failed = true;
	kdat_close(k, NULL);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Records                                                             */

static void put_num(unsigned char *p, int size, uint64_t v)
{
	uint8_t v1 = v;
	uint16_t v2 = v;
	uint32_t v4 = v;

	switch (size) {
	case 1:
		memcpy(p, &v1, 1);
		break;
	case 2:
		memcpy(p, &v2, 2);
		break;
	case 4:
		memcpy(p, &v4, 4);
		break;
	default:
		memcpy(p, &v, 8);
		break;
	}
}

static void put_str(unsigned char *p, int size, const char *s)
{
	size_t n = strnlen(s, size - 1);

	memset(p, 0, size);
	memcpy(p, s, n);
}

/* sched_switch's prev_state: one bit per letter of "SDTtXZPI", 0 for 'R' */
static uint64_t task_state(char c)
{
	static const char letters[] = "SDTtXZPI";
	const char *p = c ? strchr(letters, c) : NULL;

	return p ? 1ULL << (p - letters) : 0;
}

/* A __data_loc field: @data goes at the record's end, its (length << 16) | offset in the field. */
static int put_dyn(struct kdat *k, unsigned char *rec, int *len,
		   const struct tep_format_field *f, const void *data, size_t dlen)
{
	unsigned int off = *len;

	if (f->size != 4 || *len + dlen > MAX_REC || dlen > 0xffff)
		return fail(k, "field %s: cannot hold %zu bytes", f->name, dlen);
	memcpy(rec + *len, data, dlen);
	*len += dlen;
	if (f->flags & TEP_FIELD_IS_RELATIVE)
		off -= f->offset + f->size;
	put_num(rec + f->offset, 4, (uint64_t)dlen << 16 | off);
	return 0;
}

/* The vendor `out`: " x2:(hex:0x%08llx decimal:%llu)" per argument, as the kernel prints it. */
static size_t vendor_out(struct kcpu *c, const struct scmwq_event *ev, unsigned int n)
{
	size_t max = n * OUT_PER_ARG, pos = 0;

	for (unsigned int i = 0; i < n && pos < max; i++) {
		unsigned long long v = ev->args[i];
		int w = snprintf(c->out + pos, max - pos, " x%u:(hex:0x%08llx decimal:%llu)",
				 i + 2, v, v);

		/* scnprintf(): what was written, without the NUL */
		pos += (size_t)w < max - pos - 1 ? (size_t)w : max - pos - 1;
	}
	c->out[pos] = '\0';
	return max + 1;
}

/* The value of a number field; @n: the arguments the kernel keeps. */
static uint64_t num_value(const struct kevent *ke, enum kval val, const struct scmwq_event *ev,
			  unsigned int n)
{
	switch (val) {
	case V_TYPE:
		return ke->event->id;
	case V_FLAGS:
		return 1;	/* irqs off; with preempt count 1: "d..1." */
	case V_PREEMPT:
		return 1;
	case V_PID:
	case V_PREV_PID:
		return (uint64_t)(int64_t)ev->pid;
	case V_SMC_ID:
		return ev->smc_id;
	case V_SVC_ID:
		return ev->svc_id;
	case V_CMD_ID:
		return ev->cmd_id;
	case V_ARGS_CNT:
		return n;
	case V_WQ_CTX:
		return ev->wq_ctx;
	case V_CTX:
		return ev->smc_call_ctx;
	case V_WQ_FLAGS:
		return ev->flags;
	case V_MORE:
		return ev->more_pending;
	case V_RET:
		return (uint64_t)(int64_t)ev->ret;
	case V_RES:
		return ev->res;
	case V_RES0:
		return ev->res0;
	case V_RES1:
		return ev->res1;
	case V_RES2:
		return ev->res2;
	case V_PRIO:
		return 120;
	case V_PREV_STATE:
		return task_state(ev->prev_state);
	case V_NEXT_PID:
		return (uint64_t)(int64_t)ev->next_pid;
	case V_WOKEN_PID:
		return (uint64_t)(int64_t)ev->target_pid;
	case V_TARGET_CPU:
		return (uint64_t)(int64_t)ev->cpu;
	default:
		return 0;
	}
}

/* Lay the record of @ev out from @ke's fields; returns its length. */
static int build(struct kdat *k, const struct kevent *ke, struct kcpu *c,
		 const struct scmwq_event *ev, unsigned char *rec)
{
	unsigned int n = ev->args_cnt < KERNEL_MAX_ARGS ? ev->args_cnt : KERNEL_MAX_ARGS;
	int len = ke->fixed;

	memset(rec, 0, MAX_REC);
	for (int i = 0; i < ke->nfields; i++) {
		const struct tep_format_field *f = ke->field[i];
		unsigned char *p = rec + f->offset;
		bool dyn = f->flags & TEP_FIELD_IS_DYNAMIC;
		uint64_t v;

		if (f->offset < 0 || f->offset + f->size > MAX_REC)
			return fail(k, "field %s: offset %d size %d", f->name, f->offset, f->size);
		switch (ke->val[i]) {
		case V_ARGS: {
			unsigned long a[KERNEL_MAX_ARGS];

			if (!dyn)
				return fail(k, "field args: expected a __data_loc array");
			for (unsigned int j = 0; j < n; j++)
				a[j] = ev->args[j];
			if (put_dyn(k, rec, &len, f, a, n * sizeof(a[0])) < 0)
				return -1;
			continue;
		}
		case V_OUT: {
			size_t olen;

			if (!dyn)
				return fail(k, "field out: expected a __data_loc char[]");
			olen = vendor_out(c, ev, n);
			if (put_dyn(k, rec, &len, f, c->out, olen) < 0)
				return -1;
			continue;
		}
		case V_PREV_COMM:
			put_str(p, f->size, ev->comm);
			continue;
		case V_NEXT_COMM:
		case V_COMM:
			put_str(p, f->size, ev->next_comm);
			continue;
		default:
			v = num_value(ke, ke->val[i], ev, n);
			break;
		}
		if (dyn || (f->flags & TEP_FIELD_IS_ARRAY) ||
		    (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8))
			return fail(k, "field %s: expected a number of 1, 2, 4 or 8 bytes",
				    f->name);
		put_num(p, f->size, v);
	}
	return len;
}

/* ------------------------------------------------------------------ */
/* Ring-buffer pages                                                   */

static void put_u32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* An event header: type_len (5 bits) and time_delta (27 bits), as the host orders them. */
static uint32_t ev_header(uint32_t type_len, uint32_t delta)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return type_len << 27 | delta;
#else
	return delta << 5 | type_len;
#endif
}

static int flush_page(struct kdat *k, int cpu)
{
	struct kcpu *c = &k->cpu[cpu];
	uint64_t commit = c->used | c->page_flags;

	if (!c->used)
		return 0;
	if (c->page_flags & RB_MISSED_STORED)
		memcpy(c->page + PAGE_HDR + c->used, &c->page_lost, 8);
	memcpy(c->page + 8, &commit, 8);
	if (write(c->fd, c->page, PAGE) != PAGE)
		return fail(k, "CPU %d: cannot write a page: %s", cpu, strerror(errno));
	c->pages++;
	c->used = 0;
	c->page_flags = 0;
	c->page_lost = 0;
	return 0;
}

/* Start a page at @ts; after a loss, flagged with the missed events. */
static void start_page(struct kcpu *c, uint64_t ts)
{
	memset(c->page, 0, PAGE);
	memcpy(c->page, &ts, 8);
	c->last_ts = ts;
	if (c->lost_pending) {
		c->page_flags = RB_MISSED_EVENTS;
		if (!c->lost_unknown && c->lost_count) {
			c->page_flags |= RB_MISSED_STORED;
			c->page_lost = c->lost_count;
		}
		c->lost_pending = c->lost_unknown = false;
		c->lost_count = 0;
	}
}

/* Append a record of @len bytes at @ts to @cpu's pages. */
static int append(struct kdat *k, int cpu, uint64_t ts, const unsigned char *rec, int len)
{
	struct kcpu *c = &k->cpu[cpu];
	size_t padded = ((size_t)len + 3) & ~(size_t)3;
	size_t hdr = padded <= SMALL_DATA ? 4 : 8;
	size_t extend, reserve;
	uint64_t delta;

	if (c->lost_pending && flush_page(k, cpu) < 0)
		return -1;
	for (;;) {
		if (!c->used)
			start_page(c, ts);
		delta = ts - c->last_ts;
		extend = delta >> TS_BITS ? 8 : 0;
		reserve = c->page_flags & RB_MISSED_STORED ? 8 : 0;
		if (PAGE_HDR + c->used + extend + hdr + padded + reserve <= PAGE)
			break;
		if (!c->used)
			return fail(k, "CPU %d: a record of %d bytes does not fit in a page", cpu,
				    len);
		if (flush_page(k, cpu) < 0)
			return -1;
	}
	if (extend) {
		unsigned char *p = c->page + PAGE_HDR + c->used;

		if (delta >> (TS_BITS + 32))
			return fail(k, "CPU %d: a gap of %llu ns between two events", cpu,
				    (unsigned long long)delta);
		put_u32(p, ev_header(TYPE_TIME_EXTEND, delta & ((1u << TS_BITS) - 1)));
		put_u32(p + 4, (uint32_t)(delta >> TS_BITS));
		c->used += 8;
		delta = 0;
	}
	{
		unsigned char *p = c->page + PAGE_HDR + c->used;

		if (hdr == 4) {
			put_u32(p, ev_header(padded / 4, (uint32_t)delta));
		} else {
			put_u32(p, ev_header(0, (uint32_t)delta));
			/* array[0]: the length, itself included */
			put_u32(p + 4, (uint32_t)(padded + 4));
		}
		memcpy(p + hdr, rec, len);
		c->used += hdr + padded;
	}
	c->last_ts = ts;
	return 0;
}

static void note_comm(struct kdat *k, int pid, const char *comm)
{
	if (pid <= 0 || !comm || !*comm)
		return;
	for (size_t i = 0; i < k->ncomms; i++) {
		if (k->comms[i].pid == pid) {
			snprintf(k->comms[i].comm, sizeof(k->comms[i].comm), "%s", comm);
			return;
		}
	}
	if (k->ncomms == k->capcomms) {
		size_t cap = k->capcomms ? 2 * k->capcomms : 16;
		struct kcomm *v = realloc(k->comms, cap * sizeof(*v));

		if (!v) {
			fail(k, "out of memory");
			return;
		}
		k->comms = v;
		k->capcomms = cap;
	}
	k->comms[k->ncomms].pid = pid;
	snprintf(k->comms[k->ncomms].comm, sizeof(k->comms[0].comm), "%s", comm);
	k->ncomms++;
}

/**
 * kdat_add - add one event (see kdat.h)
 */
int kdat_add(struct kdat *k, const struct scmwq_event *ev)
{
	unsigned char rec[MAX_REC];
	struct kevent *ke = NULL;
	struct kcpu *c;
	int len;

	if (k->failed)
		return -1;
	if (ev->cpu < 0 || ev->cpu >= k->ncpus)
		return fail(k, "event at %llu ns on CPU %d: the file has CPUs 0 to %d",
			    (unsigned long long)ev->ts_ns, ev->cpu, k->ncpus - 1);
	c = &k->cpu[ev->cpu];
	if (ev->type == SCMWQ_EV_LOST) {
		c->lost_pending = true;
		if (!ev->lost_count)
			c->lost_unknown = true;
		c->lost_count += ev->lost_count;
		return 0;
	}
	for (int i = 0; i < k->nev; i++)
		if (k->ev[i].fmt->type == ev->type)
			ke = &k->ev[i];
	if (!ke)
		return fail(k, "%s events have no format in system %s%s",
			    scmwq_ev_type_name(ev->type), scmwq_system_name(k->sys),
			    ev->type == SCMWQ_EV_WAKE_ACK ? " (mainline has no such tracepoint)" : "");
	if (c->any && ev->ts_ns < c->last_ts)
		return fail(k, "CPU %d: event at %llu ns after one at %llu ns: events must come in "
			    "time order per CPU", ev->cpu, (unsigned long long)ev->ts_ns,
			    (unsigned long long)c->last_ts);
	len = build(k, ke, c, ev, rec);
	if (len < 0 || append(k, ev->cpu, ev->ts_ns, rec, len) < 0)
		return -1;
	c->any = true;
	ke->used = true;
	note_comm(k, ev->pid, ev->comm);
	if (ev->type == SCMWQ_EV_SCHED_SWITCH)
		note_comm(k, ev->next_pid, ev->next_comm);
	else if (ev->type == SCMWQ_EV_SCHED_WAKEUP)
		note_comm(k, ev->target_pid, ev->next_comm);
	return k->failed ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* The file                                                            */

static int write_cmdlines(struct kdat *k)
{
	char path[PATH_MAX + 32];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/saved_cmdlines", k->dir);
	fp = fopen(path, "w");
	if (!fp)
		return fail(k, "%s: %s", path, strerror(errno));
	for (size_t i = 0; i < k->ncomms; i++)
		fprintf(fp, "%d %s\n", k->comms[i].pid, k->comms[i].comm);
	if (fclose(fp))
		return fail(k, "%s: write failed", path);
	return 0;
}

static int write_file(struct kdat *k, struct scmwq_error *err)
{
	struct scmwq_tdat_cpu cpus[MAX_CPUS];
	const char *events[NFMTS + 1];
	struct scmwq_tdat_meta m = { 0 };
	char tracing[PATH_MAX];
	int n = 0, fd, ret;

	for (int i = 0; i < k->ncpus; i++) {
		if (k->cpu[i].lost_pending)
			return fail(k, "CPU %d: a loss with no record after it: the kernel reports "
				    "missed events with the next page, so it cannot be stored", i);
		if (flush_page(k, i) < 0)
			return -1;
		cpus[i].fd = k->cpu[i].fd;
		cpus[i].size = k->cpu[i].pages * PAGE;
		cpus[i].stats = NULL;
	}
	if (write_cmdlines(k) < 0)
		return -1;
	/* the system's events, and the sched events only when recorded */
	events[n++] = k->sys == SCMWQ_SYS_SCM ? "scm" : "qcom_scm";
	for (int i = 0; i < k->nev; i++)
		if (k->ev[i].used && !strcmp(k->ev[i].fmt->system, "sched"))
			events[n++] = k->ev[i].fmt->type == SCMWQ_EV_SCHED_SWITCH ?
				      "sched/sched_switch" : "sched/sched_waking";
	events[n] = NULL;
	snprintf(tracing, sizeof(tracing), "%s", k->dir);
	m.tracing_dir = tracing;
	m.events = events;
	m.ncpus = k->ncpus;
	m.cpu = cpus;
	m.page_size = PAGE;
	m.trace_clock = "local";
	m.version = k->version;
	m.out_name = k->path;
	fd = open(k->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail(k, "%s: cannot create: %s", k->path, strerror(errno));
	ret = scmwq_tdat_write(fd, &m, err);
	if (close(fd) && !ret)
		return fail(k, "%s: close: %s", k->path, strerror(errno));
	if (ret < 0) {
		/* @err names the file and what failed already */
		k->failed = true;
		k->error[0] = '\0';
		unlink(k->path);
		return -1;
	}
	return 0;
}

/**
 * kdat_close - write the file and free @k (see kdat.h)
 */
int kdat_close(struct kdat *k, struct scmwq_error *err)
{
	struct scmwq_error local;
	int ret = -1;

	if (!k)
		return 0;
	if (!err)
		err = &local;
	if (!k->failed && write_file(k, err) == 0)
		ret = 0;
	else if (k->failed && k->error[0] && err != &local)
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: %s", k->path, k->error);
	for (int i = 0; k->cpu && i < k->ncpus; i++)
		if (k->cpu[i].fd >= 0)
			close(k->cpu[i].fd);
	if (k->dir[0])
		nftw(k->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (k->tep)
		tep_free(k->tep);
	free(k->comms);
	free(k->cpu);
	free(k->path);
	free(k);
	return ret;
}
