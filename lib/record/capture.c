// SPDX-License-Identifier: GPL-2.0
/*
 * Live capture: a private tracefs instance with the SCM events of one
 * source enabled in it, and nothing else in tracefs changed.
 *
 * The instance is "scmwq-trace-PID" and the dynamic events it needs live in
 * the group "scmwq_PID", so that a later run can tell what a killed run
 * left behind (its PID is gone) and remove it.  Tracing stays off until
 * everything is set up.  Closing disables the events, removes the
 * instance, then the dynamic events (the kernel refuses to remove an event
 * that is enabled somewhere).
 *
 * Sources (traces.md section 1):
 *  - tracepoint: the kernel's qcom_scm (mainline) or scm (vendor) events;
 *  - kprobe: kprobe events on the qcom_scm driver's functions, named and
 *    shaped like the tracepoints as far as the arguments allow;
 *  - uprobe: uprobe events on the probe functions of a program
 *    (lib/probes.c: what `simulate --live` calls).
 */
#include <ctype.h>
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record/capture.h"

#define INSTANCE_PREFIX	"scmwq-trace-"
#define GROUP_PREFIX	"scmwq_"

static const char *const source_names[] = {
	[SCMWQ_CAP_AUTO] = "auto",
	[SCMWQ_CAP_TRACEPOINT] = "tracepoint",
	[SCMWQ_CAP_KPROBE] = "kprobe",
	[SCMWQ_CAP_UPROBE] = "uprobe",
};

const char *scmwq_cap_source_name(enum scmwq_cap_source s)
{
	return (unsigned int)s < ARRAY_SIZE(source_names) ? source_names[s] : "?";
}

int scmwq_cap_source_parse(const char *name, enum scmwq_cap_source *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(source_names); i++) {
		if (!strcmp(name, source_names[i])) {
			*s = i;
			return 0;
		}
	}
	return -1;
}

static void note(const struct scmwq_capture_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(const struct scmwq_capture_opts *o, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!o->note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o->note(msg, o->note_arg);
}

/* ------------------------------------------------------------------ */
/* What the machine has                                                */

static bool tfile_exists(const char *dir, const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return access(p, F_OK) == 0;
}

/* The whole of a small text file @dir/@rel (malloc'd), or NULL. */
static char *tfile_read(const char *dir, const char *rel)
{
	char p[PATH_MAX], *text = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "re");
	if (!f)
		return NULL;
	if (getdelim(&text, &cap, '\0', f) < 0) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

/*
 * tracefs mounted and writable.  libtracefs would mount it on its own; we
 * look first so as to change nothing and say what is missing.
 */
static int find_tracefs(char *dir, size_t len, struct scmwq_error *err)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	const char *found = NULL;
	char p[PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(dirs) && !found; i++) {
		snprintf(p, sizeof(p), "%s/instances", dirs[i]);
		if (access(p, F_OK) == 0)
			found = dirs[i];
		else if (errno == EACCES)
			return scmwq_error_set(err, SCMWQ_E_NOPERM,
					       "%s: permission denied: using tracefs needs root "
					       "(run with sudo)", dirs[i]);
	}
	if (!found) {
		if (geteuid() != 0)
			return scmwq_error_set(err, SCMWQ_E_NOPERM,
					       "tracefs is not reachable and this is not root: run "
					       "with sudo; tracefs is mounted with "
					       "'mount -t tracefs nodev /sys/kernel/tracing'");
		return scmwq_error_set(err, SCMWQ_E_NOPERM,
				       "tracefs is not mounted: mount it with "
				       "'mount -t tracefs nodev /sys/kernel/tracing' (the kernel "
				       "needs CONFIG_FTRACE=y and CONFIG_TRACING=y)");
	}
	snprintf(p, sizeof(p), "%s/instances", found);
	if (access(p, W_OK) != 0)
		return scmwq_error_set(err, SCMWQ_E_NOPERM,
				       "%s: cannot create a tracefs instance (%s): record and "
				       "monitor need root (run with sudo)", p, strerror(errno));
	snprintf(dir, len, "%s", found);
	return 0;
}

/* The qcom_scm driver's functions the kprobe source probes. */
enum ksym { KS_SMC_CALL, KS_WAIT_WQ, KS_GET_WQ_CTX, KS__COUNT };

static const char *const ksym_names[KS__COUNT] = {
	[KS_SMC_CALL] = "__scm_smc_call",
	[KS_WAIT_WQ] = "qcom_scm_wait_for_wq_completion",
	[KS_GET_WQ_CTX] = "scm_get_wq_ctx",
};

/* Which of them /proc/kallsyms has: one pass over its many megabytes. */
static void kallsyms_find(bool found[KS__COUNT])
{
	char line[512];
	FILE *f = fopen("/proc/kallsyms", "re");

	memset(found, 0, KS__COUNT * sizeof(*found));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		/* "ffffffff81000000 T name [module]" */
		char *name = strchr(line, ' ');

		if (!name || !(name = strchr(name + 1, ' ')))
			continue;
		name++;
		name[strcspn(name, " \t\n")] = 0;
		for (int i = 0; i < KS__COUNT; i++)
			if (!found[i] && !strcmp(name, ksym_names[i]))
				found[i] = true;
	}
	fclose(f);
}

/* ------------------------------------------------------------------ */
/* The plan: which source, which dynamic events, which events          */

static const char *const scm_events[] = {
	"scm_smc_request", "scm_waitq_sleep", "scm_waitq_resume",
	"scm_waitq_get_wq_ctx", "scm_waitq_wake_ack", "scm_smc_done",
};

static int plan_add_event(struct cap_plan *p, const char *system, const char *event,
			  struct scmwq_error *err)
{
	char one[sizeof(p->events[0])];

	if (p->nevents >= CAP_MAX_EVENTS)
		return scmwq_error_set(err, SCMWQ_E_USAGE, "too many events (at most %d)",
				       CAP_MAX_EVENTS);
	snprintf(one, sizeof(one), "%s/%s", system, event);
	memcpy(p->events[p->nevents++], one, sizeof(one));
	return 0;
}

static void plan_missing(struct cap_plan *p, const char *what)
{
	size_t n = strlen(p->missing);

	snprintf(p->missing + n, sizeof(p->missing) - n, "%s%s", n ? ", " : "", what);
}

/* Tracepoint system of the kernel: "qcom_scm", "scm" or NULL. */
static const char *tracepoint_system(const char *tdir)
{
	static const char *const systems[] = { "qcom_scm", "scm" };
	char rel[128];

	for (size_t i = 0; i < ARRAY_SIZE(systems); i++) {
		snprintf(rel, sizeof(rel), "events/%s/scm_waitq_sleep", systems[i]);
		if (tfile_exists(tdir, rel))
			return systems[i];
	}
	return NULL;
}

static int plan_tracepoint(struct cap_plan *p, const char *tdir, const char *sys,
			   struct scmwq_error *err)
{
	char rel[128];

	snprintf(p->system, sizeof(p->system), "%s", sys);
	for (size_t i = 0; i < ARRAY_SIZE(scm_events); i++) {
		snprintf(rel, sizeof(rel), "events/%s/%s", sys, scm_events[i]);
		if (tfile_exists(tdir, rel) && plan_add_event(p, sys, scm_events[i], err))
			return -1;
	}
	return 0;
}

/* --- uprobes: the probe functions of lib/probes.c ------------------- */

/* Argument registers of the calling convention, by ELF machine. */
static const char *const *arg_regs(int machine)
{
	static const char *const x86_64[] = { "%di", "%si", "%dx", "%cx", "%r8", "%r9" };
	static const char *const aarch64[] = { "%x0", "%x1", "%x2", "%x3", "%x4", "%x5" };

	switch (machine) {
	case EM_X86_64:
		return x86_64;
	case EM_AARCH64:
		return aarch64;
	default:
		return NULL;
	}
}

/* Each probe function's arguments are the tracepoint's fields, in order. */
static const struct {
	const char *event;
	const char *fields;	/* "name:type" per argument register */
} uprobe_shapes[] = {
	{ "scm_smc_request", "smc_id:x64 svc_id:x8 cmd_id:x8 args_cnt:u8 arg0:x64 arg1:x64" },
	{ "scm_waitq_sleep", "wq_ctx:u32 smc_call_ctx:u32" },
	{ "scm_waitq_resume", "smc_call_ctx:u32" },
	{ "scm_waitq_get_wq_ctx", "wq_ctx:u32 flags:u32 more_pending:u32" },
	{ "scm_waitq_wake_ack", "wq_ctx:u32 smc_call_ctx:u32" },
	{ "scm_smc_done", "ret:s32 smc_id:x64 res:x64 res0:x64 res1:x64 res2:x64" },
};

/* "a:t b:u" with registers r0 r1 -> "a=r0:t b=r1:u" */
static void uprobe_args(char *buf, size_t len, const char *fields, const char *const *regs)
{
	char tmp[256], *save = NULL, *tok;
	size_t n = 0;
	int i = 0;

	snprintf(tmp, sizeof(tmp), "%s", fields);
	buf[0] = 0;
	for (tok = strtok_r(tmp, " ", &save); tok && i < 6; tok = strtok_r(NULL, " ", &save)) {
		char *colon = strchr(tok, ':');

		*colon = 0;
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%s=%s:%s", i ? " " : "", tok,
			      regs[i], colon + 1);
		i++;
	}
}

static int plan_uprobe(struct cap_plan *p, const struct scmwq_capture_opts *o,
		       struct scmwq_error *err)
{
	const char *syms[ARRAY_SIZE(uprobe_shapes)];
	uint64_t offs[ARRAY_SIZE(uprobe_shapes)];
	const char *const *regs;
	char absent[256] = "";
	int machine = 0, found = 0;

	if (o->uprobe_binary) {
		if (!realpath(o->uprobe_binary, p->binary))
			return scmwq_error_set(err, SCMWQ_E_NOINPUT, "--uprobe-binary %s: %s",
					       o->uprobe_binary, strerror(errno));
	} else {
		ssize_t n = readlink("/proc/self/exe", p->binary, sizeof(p->binary) - 1);

		if (n < 0)
			return scmwq_error_set(err, SCMWQ_E_INTERNAL, "/proc/self/exe: %s",
					       strerror(errno));
		p->binary[n] = 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(uprobe_shapes); i++)
		syms[i] = uprobe_shapes[i].event;
	if (scmwq_elf_func_offsets(p->binary, syms, ARRAY_SIZE(syms), offs, &machine, err))
		return -1;
	regs = arg_regs(machine);
	if (!regs)
		return scmwq_error_set(err, SCMWQ_E_USAGE,
				       "%s: ELF machine %d: uprobe arguments are known for x86-64 "
				       "and arm64 only", p->binary, machine);
	for (size_t i = 0; i < ARRAY_SIZE(uprobe_shapes); i++) {
		struct cap_def *d;

		if (!offs[i]) {
			size_t n = strlen(absent);

			snprintf(absent + n, sizeof(absent) - n, "%s%s", n ? ", " : "", syms[i]);
			continue;
		}
		d = &p->defs[p->ndefs++];
		d->type = TRACEFS_DYNEVENT_UPROBE;
		snprintf(d->event, sizeof(d->event), "%s", syms[i]);
		d->offset = offs[i];
		uprobe_args(d->args, sizeof(d->args), uprobe_shapes[i].fields, regs);
		found++;
		if (plan_add_event(p, p->system, d->event, err))
			return -1;
	}
	if (!found)
		return scmwq_error_set(err, SCMWQ_E_USAGE,
				       "%s has none of the probe functions (scm_smc_request, "
				       "scm_waitq_sleep, ...): --uprobe-binary needs a program "
				       "built with scmwq-trace's lib/probes.c", p->binary);
	if (absent[0]) {
		plan_missing(p, "events without a probe function: ");
		snprintf(p->missing + strlen(p->missing), sizeof(p->missing) - strlen(p->missing),
			 "%s", absent);
	}
	return 0;
}

/* --- kprobes: the qcom_scm driver's functions ----------------------- */

/*
 * How a kprobe reaches a function argument: by its BTF name where the
 * kernel supports that, by $argN, or by the calling convention's register.
 */
enum karg_mode { KARG_BTF, KARG_NUM, KARG_REG, KARG_NONE };

/* One field: argument @arg (0-based) of the function, or *(arg + @off). */
struct kfield {
	const char *name;
	int arg;		/* -1: $retval */
	int off;		/* -1: the argument itself; else a dereference */
	const char *btf;	/* BTF expression: "desc->svc", "*wq_ctx" */
	const char *type;
};

static const char *const kernel_regs_x86_64[] = { "%di", "%si", "%dx", "%cx", "%r8", "%r9" };
static const char *const kernel_regs_arm64[] = { "%x0", "%x1", "%x2", "%x3", "%x4", "%x5" };

static const char *const *kernel_regs(void)
{
	struct utsname u;

	if (uname(&u))
		return NULL;
	if (!strcmp(u.machine, "x86_64"))
		return kernel_regs_x86_64;
	if (!strcmp(u.machine, "aarch64") || !strcmp(u.machine, "arm64"))
		return kernel_regs_arm64;
	return NULL;
}

/* Linux 6.20 and later pass wq_ctx as argument 1 (traces.md section 1). */
static int wq_ctx_arg(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 0;
	return major > 6 || (major == 6 && minor >= 20) ? 1 : 0;
}

static void kfield_str(char *buf, size_t len, const struct kfield *f, enum karg_mode mode,
		       const char *const *regs)
{
	char ref[64];

	if (f->arg < 0) {
		snprintf(buf, len, "%s=$retval:%s", f->name, f->type);
		return;
	}
	if (mode == KARG_BTF) {
		snprintf(buf, len, "%s=%s:%s", f->name, f->btf, f->type);
		return;
	}
	if (mode == KARG_NUM)
		snprintf(ref, sizeof(ref), "$arg%d", f->arg + 1);
	else
		snprintf(ref, sizeof(ref), "%s", regs[f->arg]);
	if (f->off < 0)
		snprintf(buf, len, "%s=%s:%s", f->name, ref, f->type);
	else
		snprintf(buf, len, "%s=+%d(%s):%s", f->name, f->off, ref, f->type);
}

static void kdef(struct cap_plan *p, enum tracefs_dynevent_type type, const char *event,
		 const char *func, const struct kfield *fields, int n, enum karg_mode mode,
		 const char *const *regs)
{
	struct cap_def *d = &p->defs[p->ndefs++];
	size_t len = 0;

	d->type = type;
	snprintf(d->event, sizeof(d->event), "%s", event);
	snprintf(d->target, sizeof(d->target), "%s", func);
	for (int i = 0; i < n; i++) {
		char one[128];

		kfield_str(one, sizeof(one), &fields[i], mode, regs);
		len += snprintf(d->args + len, len < sizeof(d->args) ? sizeof(d->args) - len : 0,
				"%s%s", i ? " " : "", one);
	}
}

static int plan_kprobe(struct cap_plan *p, const char *tdir, const bool ks[KS__COUNT],
		       struct scmwq_error *err)
{
	/*
	 * struct qcom_scm_desc { u32 svc; u32 cmd; u32 arginfo; u64 args[10]; }
	 * struct qcom_scm_res { u64 result[3]; }
	 * int __scm_smc_call(struct device *dev, const struct qcom_scm_desc *desc,
	 *		      enum qcom_scm_convention conv, struct qcom_scm_res *res,
	 *		      bool atomic)
	 * int scm_get_wq_ctx(u32 *wq_ctx, u32 *flags, u32 *more_pending)
	 */
	static const struct kfield request[] = {
		{ "svc_id", 1, 0, "desc->svc", "u8" },
		{ "cmd_id", 1, 4, "desc->cmd", "u8" },
		{ "args_cnt", 1, 8, "desc->arginfo", "b4@0/32" },
		{ "arg0", 1, 16, "desc->args[0]", "x64" },
		{ "arg1", 1, 24, "desc->args[1]", "x64" },
	};
	static const struct kfield done[] = {
		{ "ret", -1, -1, NULL, "s32" },
		{ "res0", 3, 0, "res->result[0]", "x64" },
		{ "res1", 3, 8, "res->result[1]", "x64" },
		{ "res2", 3, 16, "res->result[2]", "x64" },
	};
	static const struct kfield get_wq_ctx[] = {
		{ "ret", -1, -1, NULL, "s32" },
		{ "wq_ctx", 0, 0, "*wq_ctx", "u32" },
		{ "flags", 1, 0, "*flags", "u32" },
		{ "more_pending", 2, 0, "*more_pending", "u32" },
	};
	struct kfield sleep[] = { { "wq_ctx", wq_ctx_arg(), -1, "wq_ctx", "u32" } };
	const char *const *regs = kernel_regs();
	char *readme;
	enum karg_mode mode;
	bool ret_args;

	if (!ks[KS_SMC_CALL])
		return scmwq_error_set(err, SCMWQ_E_NOPERM,
				       "--source=kprobe: __scm_smc_call is not in /proc/kallsyms: "
				       "this kernel has no qcom_scm driver (CONFIG_QCOM_SCM) or it "
				       "is not loaded");
	/* what the kernel's probe syntax offers, as its README says */
	readme = tfile_read(tdir, "README");
	if (readme && strstr(readme, "<argname>"))
		mode = KARG_BTF;
	else if (readme && strstr(readme, "$arg<N>"))
		mode = KARG_NUM;
	else if (regs)
		mode = KARG_REG;
	else
		mode = KARG_NONE;
	/* return probes reading arguments: Linux 6.10 and later */
	ret_args = readme && strstr(readme, "return probes support: $retval, $arg<N>");
	free(readme);
	if (mode == KARG_NONE)
		return scmwq_error_set(err, SCMWQ_E_NOPERM,
				       "--source=kprobe: this kernel has neither $argN nor BTF "
				       "arguments for kprobes, and its architecture's argument "
				       "registers are not known (x86-64 and arm64 are)");

	kdef(p, TRACEFS_DYNEVENT_KPROBE, "scm_smc_request", "__scm_smc_call", request,
	     ARRAY_SIZE(request), mode, regs);
	kdef(p, TRACEFS_DYNEVENT_KRETPROBE, "scm_smc_done", "__scm_smc_call", done,
	     ret_args ? ARRAY_SIZE(done) : 1, mode, regs);
	if (ks[KS_WAIT_WQ]) {
		kdef(p, TRACEFS_DYNEVENT_KPROBE, "scm_waitq_sleep",
		     "qcom_scm_wait_for_wq_completion", sleep, 1, mode, regs);
		/* the sleeper returns from the wait just before its RESUME */
		kdef(p, TRACEFS_DYNEVENT_KRETPROBE, "scm_waitq_resume",
		     "qcom_scm_wait_for_wq_completion", NULL, 0, mode, regs);
	} else {
		plan_missing(p, "scm_waitq_sleep and scm_waitq_resume "
			     "(no qcom_scm_wait_for_wq_completion in /proc/kallsyms)");
	}
	if (ks[KS_GET_WQ_CTX] && ret_args) {
		kdef(p, TRACEFS_DYNEVENT_KRETPROBE, "scm_waitq_get_wq_ctx", "scm_get_wq_ctx",
		     get_wq_ctx, ARRAY_SIZE(get_wq_ctx), mode, regs);
		/* the tracepoint fires only when GET_WQ_CTX succeeded */
		snprintf(p->defs[p->ndefs - 1].filter, sizeof(p->defs[0].filter), "ret == 0");
	} else {
		plan_missing(p, "scm_waitq_get_wq_ctx (needs scm_get_wq_ctx and return "
			     "probes with $argN, Linux 6.10+)");
	}
	plan_missing(p, "smc_id, smc_call_ctx and the RESUME/GET_WQ_CTX requests "
		     "(not function arguments)");
	if (!ret_args)
		plan_missing(p, "res0..res2 of scm_smc_done (return probes without $argN)");
	for (int i = 0; i < p->ndefs; i++)
		if (plan_add_event(p, p->system, p->defs[i].event, err))
			return -1;
	return 0;
}

/* Decide the source and what it needs; changes nothing. */
static int make_plan(struct cap_plan *p, const struct scmwq_capture_opts *o, const char *tdir,
		     struct scmwq_error *err)
{
	const char *tp = tracepoint_system(tdir);
	bool have_kprobe = tfile_exists(tdir, "kprobe_events");
	bool have_uprobe = tfile_exists(tdir, "uprobe_events");
	enum scmwq_cap_source s = o->source;
	bool ks[KS__COUNT] = { false };

	memset(p, 0, sizeof(*p));
	snprintf(p->system, sizeof(p->system), GROUP_PREFIX "%d", (int)getpid());

	if (have_kprobe && ((s == SCMWQ_CAP_AUTO && !tp) || s == SCMWQ_CAP_KPROBE))
		kallsyms_find(ks);
	if (s == SCMWQ_CAP_AUTO) {
		if (tp) {
			s = SCMWQ_CAP_TRACEPOINT;
			snprintf(p->why, sizeof(p->why), "the kernel has the %s tracepoints "
				 "(events/%s)", tp, tp);
		} else if (have_kprobe && ks[KS_SMC_CALL]) {
			s = SCMWQ_CAP_KPROBE;
			snprintf(p->why, sizeof(p->why), "no qcom_scm or scm tracepoints, but the "
				 "qcom_scm driver is in /proc/kallsyms and kprobe events are "
				 "available");
		} else if (have_uprobe) {
			s = SCMWQ_CAP_UPROBE;
			snprintf(p->why, sizeof(p->why), "no qcom_scm or scm tracepoints and %s; "
				 "uprobes on the probe functions that 'simulate --live' calls",
				 have_kprobe ? "no qcom_scm driver in /proc/kallsyms" :
					       "no kprobe events");
		} else {
			return scmwq_error_set(err, SCMWQ_E_NOPERM,
					       "no source of SCM events: the kernel has no qcom_scm "
					       "or scm tracepoints (CONFIG_QCOM_SCM), no kprobe "
					       "events (CONFIG_KPROBE_EVENTS) and no uprobe events "
					       "(CONFIG_UPROBE_EVENTS)");
		}
	} else {
		snprintf(p->why, sizeof(p->why), "given with --source");
	}
	p->source = s;

	switch (s) {
	case SCMWQ_CAP_TRACEPOINT:
		if (!tp)
			return scmwq_error_set(err, SCMWQ_E_NOPERM,
					       "--source=tracepoint: the kernel has no qcom_scm or "
					       "scm tracepoints (no %s/events/qcom_scm or "
					       "events/scm): it lacks CONFIG_QCOM_SCM or its driver "
					       "predates them; try --source=kprobe", tdir);
		return plan_tracepoint(p, tdir, tp, err);
	case SCMWQ_CAP_KPROBE:
		if (!have_kprobe)
			return scmwq_error_set(err, SCMWQ_E_NOPERM,
					       "--source=kprobe: the kernel has no kprobe events "
					       "(%s/kprobe_events is absent: it needs "
					       "CONFIG_KPROBE_EVENTS=y)", tdir);
		return plan_kprobe(p, tdir, ks, err);
	case SCMWQ_CAP_UPROBE:
		if (!have_uprobe)
			return scmwq_error_set(err, SCMWQ_E_NOPERM,
					       "--source=uprobe: the kernel has no uprobe events "
					       "(%s/uprobe_events is absent: it needs "
					       "CONFIG_UPROBE_EVENTS=y)", tdir);
		return plan_uprobe(p, o, err);
	default:
		return scmwq_error_set(err, SCMWQ_E_USAGE, "unknown source");
	}
}

/* sched/irq events for report's correlation, and -e SYSTEM:EVENT */
static int plan_extra(struct cap_plan *p, const struct scmwq_capture_opts *o, const char *tdir,
		      struct scmwq_error *err)
{
	static const char *const sched[] = {
		"sched/sched_switch", "sched/sched_waking", "sched/sched_wakeup",
		"irq/irq_handler_entry",
	};
	char rel[256];

	if (o->sched) {
		for (size_t i = 0; i < ARRAY_SIZE(sched); i++) {
			char sys[64];
			const char *slash = strchr(sched[i], '/');

			snprintf(rel, sizeof(rel), "events/%s", sched[i]);
			if (!tfile_exists(tdir, rel))
				continue;
			snprintf(sys, sizeof(sys), "%.*s", (int)(slash - sched[i]), sched[i]);
			if (plan_add_event(p, sys, slash + 1, err))
				return -1;
		}
	}
	for (int i = 0; o->events && o->events[i]; i++) {
		const char *e = o->events[i], *sep = strpbrk(e, ":/");
		char sys[64];

		if (!sep || sep == e || !sep[1] || (size_t)(sep - e) >= sizeof(sys))
			return scmwq_error_set(err, SCMWQ_E_USAGE,
					       "-e %s: expected SYSTEM:EVENT, e.g. irq:irq_handler_entry",
					       e);
		snprintf(sys, sizeof(sys), "%.*s", (int)(sep - e), e);
		snprintf(rel, sizeof(rel), "events/%s/%s", sys, sep + 1);
		if (!tfile_exists(tdir, rel))
			return scmwq_error_set(err, SCMWQ_E_USAGE,
					       "-e %s: no such event in %s/events (see "
					       "%s/available_events)", e, tdir, tdir);
		if (plan_add_event(p, sys, sep + 1, err))
			return -1;
	}
	return 0;
}

static const char *dyn_prefix(enum tracefs_dynevent_type t)
{
	switch (t) {
	case TRACEFS_DYNEVENT_KPROBE:
		return "p";
	case TRACEFS_DYNEVENT_KRETPROBE:
		return "r";
	default:
		return "p";
	}
}

/* The line written to dynamic_events for @d. */
static void def_line(char *buf, size_t len, const struct cap_plan *p, const struct cap_def *d)
{
	if (d->type == TRACEFS_DYNEVENT_UPROBE)
		snprintf(buf, len, "p:%s/%s %s:0x%llx %s", p->system, d->event, p->binary,
			 (unsigned long long)d->offset, d->args);
	else
		snprintf(buf, len, "%s:%s/%s %s %s", dyn_prefix(d->type), p->system, d->event,
			 d->target, d->args);
}

int scmwq_capture_plan(const struct scmwq_capture_opts *o, FILE *out, struct scmwq_error *err)
{
	struct cap_plan *p = calloc(1, sizeof(*p));
	char tdir[PATH_MAX], line[8192];

	if (!p)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	if (find_tracefs(tdir, sizeof(tdir), err) || make_plan(p, o, tdir, err) ||
	    plan_extra(p, o, tdir, err)) {
		free(p);
		return -1;
	}
	fprintf(out, "source: %s (%s)\n", scmwq_cap_source_name(p->source), p->why);
	fprintf(out, "instance: %s/instances/" INSTANCE_PREFIX "%d\n", tdir, (int)getpid());
	for (int i = 0; i < p->ndefs; i++) {
		def_line(line, sizeof(line), p, &p->defs[i]);
		fprintf(out, "dynamic event: %s\n", line);
		if (p->defs[i].filter[0])
			fprintf(out, "filter: %s/%s: %s\n", p->system, p->defs[i].event,
				p->defs[i].filter);
	}
	for (int i = 0; i < p->nevents; i++)
		fprintf(out, "event: %s\n", p->events[i]);
	if (p->missing[0])
		fprintf(out, "not available: %s\n", p->missing);
	free(p);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Leftovers of killed runs                                            */

/* Is @pid a running scmwq-trace (other than us)? */
static bool owner_alive(int pid)
{
	char p[64], comm[32] = "";
	FILE *f;

	if (pid <= 0)
		return false;
	if (pid == getpid())
		return true;
	snprintf(p, sizeof(p), "/proc/%d/comm", pid);
	f = fopen(p, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = 0;
	fclose(f);
	return !strncmp(comm, "scmwq-trace", 11);
}

/* "PREFIX<digits>" -> the digits as a pid; -1 otherwise. */
static int owner_of(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	char *end;
	long pid;

	if (strncmp(name, prefix, n) || !isdigit((unsigned char)name[n]))
		return -1;
	pid = strtol(name + n, &end, 10);
	return *end || pid <= 0 || pid > INT_MAX ? -1 : (int)pid;
}

static void disable_instance(struct tracefs_instance *inst)
{
	tracefs_trace_off(inst);
	tracefs_instance_file_write(inst, "events/enable", "0");
}

static int destroy_dyn(struct tracefs_dynevent *d)
{
	/* an event still enabled somewhere cannot go: force disables it */
	if (tracefs_dynevent_destroy(d, false) == 0)
		return 0;
	return tracefs_dynevent_destroy(d, true);
}

static void cleanup_stale(const struct scmwq_capture_opts *o, const char *tdir)
{
	struct tracefs_dynevent **dyn;
	char p[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	snprintf(p, sizeof(p), "%s/instances", tdir);
	dir = opendir(p);
	while (dir && (de = readdir(dir))) {
		int pid = owner_of(de->d_name, INSTANCE_PREFIX);
		struct tracefs_instance *inst;

		if (pid < 0 || owner_alive(pid))
			continue;
		inst = tracefs_instance_alloc(tdir, de->d_name);
		if (!inst)
			continue;
		disable_instance(inst);
		if (tracefs_instance_destroy(inst) == 0)
			note(o, "removed tracefs instance %s left by a run that was killed "
			     "(pid %d)", de->d_name, pid);
		else
			note(o, "could not remove tracefs instance %s left by a killed run: %s",
			     de->d_name, strerror(errno));
		tracefs_instance_free(inst);
	}
	if (dir)
		closedir(dir);

	dyn = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE |
				       TRACEFS_DYNEVENT_UPROBE | TRACEFS_DYNEVENT_URETPROBE, NULL);
	for (int i = 0; dyn && dyn[i]; i++) {
		char *sys = NULL, *ev = NULL;
		int pid;

		tracefs_dynevent_info(dyn[i], &sys, &ev, NULL, NULL, NULL);
		pid = sys ? owner_of(sys, GROUP_PREFIX) : -1;
		if (pid >= 0 && !owner_alive(pid)) {
			if (destroy_dyn(dyn[i]) == 0)
				note(o, "removed dynamic event %s/%s left by a run that was killed "
				     "(pid %d)", sys, ev, pid);
			else if (errno == ENOENT)
				;	/* listed twice (uprobe_events and dynamic_events) */
			else
				note(o, "could not remove dynamic event %s/%s left by a killed "
				     "run: %s", sys, ev, strerror(errno));
		}
		free(sys);
		free(ev);
	}
	tracefs_dynevent_list_free(dyn);
}

/* ------------------------------------------------------------------ */
/* Set-up and tear-down                                                */

static int kernel_error(struct scmwq_capture *c, struct scmwq_error *err, const char *what)
{
	char *log = tracefs_error_last(NULL);
	int e = errno;

	scmwq_error_set(err, e == EACCES || e == EPERM ? SCMWQ_E_NOPERM : SCMWQ_E_INTERNAL,
			"%s: %s%s%s", what, strerror(e), log ? "; the kernel says: " : "",
			log ? log : "");
	free(log);
	return -1;
}

static int create_dyn(struct scmwq_capture *c, struct scmwq_error *err)
{
	struct cap_plan *p = &c->plan;
	char line[8192];

	for (int i = 0; i < p->ndefs; i++) {
		struct cap_def *d = &p->defs[i];
		struct tracefs_dynevent *dev = NULL;

		switch (d->type) {
		case TRACEFS_DYNEVENT_UPROBE:
			dev = tracefs_uprobe_alloc(p->system, d->event, p->binary, d->offset,
						   d->args);
			break;
		case TRACEFS_DYNEVENT_KPROBE:
			dev = tracefs_kprobe_alloc(p->system, d->event, d->target, d->args);
			break;
		case TRACEFS_DYNEVENT_KRETPROBE:
			dev = tracefs_kretprobe_alloc(p->system, d->event, d->target, d->args, 0);
			break;
		default:
			break;
		}
		def_line(line, sizeof(line), p, d);
		if (!dev)
			return scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: %s", line,
					       strerror(errno));
		tracefs_error_clear(NULL);
		if (tracefs_dynevent_create(dev)) {
			kernel_error(c, err, line);
			tracefs_dynevent_free(dev);
			return -1;
		}
		c->dyn[c->ndyn++] = dev;
	}
	return 0;
}

static int enable_events(struct scmwq_capture *c, struct scmwq_error *err)
{
	struct cap_plan *p = &c->plan;

	for (int i = 0; i < p->nevents; i++) {
		char sys[64], *ev;

		snprintf(sys, sizeof(sys), "%s", p->events[i]);
		ev = strchr(sys, '/');
		if (!ev)
			continue;
		*ev++ = 0;
		if (tracefs_event_enable(c->inst, sys, ev))
			return kernel_error(c, err, p->events[i]);
	}
	for (int i = 0; i < p->ndefs; i++) {
		char rel[256];

		if (!p->defs[i].filter[0])
			continue;
		snprintf(rel, sizeof(rel), "events/%s/%s/filter", p->system, p->defs[i].event);
		if (tracefs_instance_file_write(c->inst, rel, p->defs[i].filter) < 0)
			return kernel_error(c, err, rel);
	}
	return 0;
}

static int setup_instance(struct scmwq_capture *c, struct scmwq_error *err)
{
	char val[32];

	snprintf(c->name, sizeof(c->name), INSTANCE_PREFIX "%d", (int)getpid());
	c->inst = tracefs_instance_create(c->name);
	if (!c->inst)
		return kernel_error(c, err, c->name);
	/* a new instance traces at once: off before anything is enabled */
	if (tracefs_trace_off(c->inst))
		return kernel_error(c, err, "tracing_on");
	/* CLOCK_MONOTONIC: comparable with the clock monitor and simulate use */
	if (tracefs_instance_file_write(c->inst, "trace_clock", "mono") < 0)
		return kernel_error(c, err, "trace_clock");
	if (c->o.buffer_kb) {
		snprintf(val, sizeof(val), "%lu", c->o.buffer_kb);
		if (tracefs_instance_file_write(c->inst, "buffer_size_kb", val) < 0)
			return kernel_error(c, err, "buffer_size_kb");
	}
	return 0;
}

struct scmwq_capture *scmwq_capture_open(const struct scmwq_capture_opts *o,
					 struct scmwq_error *err)
{
	struct scmwq_capture *c = calloc(1, sizeof(*c));

	if (!c) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		return NULL;
	}
	c->o = *o;
	c->stopfd = -1;
	c->ncpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	if (c->ncpus < 1)
		c->ncpus = 1;
	if (find_tracefs(c->tracing_dir, sizeof(c->tracing_dir), err))
		goto fail;
	/* let libtracefs use what we found, never mount on its own */
	tracefs_set_tracing_dir(c->tracing_dir);
	cleanup_stale(o, c->tracing_dir);
	if (make_plan(&c->plan, o, c->tracing_dir, err) ||
	    plan_extra(&c->plan, o, c->tracing_dir, err))
		goto fail;
	if (setup_instance(c, err) || create_dyn(c, err) || enable_events(c, err))
		goto fail;
	return c;
fail:
	scmwq_capture_close(c);
	return NULL;
}

enum scmwq_cap_source scmwq_capture_source(const struct scmwq_capture *c)
{
	return c->plan.source;
}

const char *scmwq_capture_why(const struct scmwq_capture *c)
{
	return c->plan.why;
}

const char *scmwq_capture_instance(const struct scmwq_capture *c)
{
	return c->name;
}

int scmwq_capture_cpus(const struct scmwq_capture *c)
{
	return c->ncpus;
}

const char *scmwq_capture_missing(const struct scmwq_capture *c)
{
	return c->plan.missing;
}

int scmwq_capture_follow_pid(struct scmwq_capture *c, int pid, struct scmwq_error *err)
{
	char val[32];

	snprintf(val, sizeof(val), "%d", pid);
	if (tracefs_instance_file_write(c->inst, "set_event_pid", val) < 0)
		return kernel_error(c, err, "set_event_pid");
	if (tracefs_instance_file_write(c->inst, "options/event-fork", "1") < 0)
		return kernel_error(c, err, "options/event-fork");
	return 0;
}

int scmwq_capture_start(struct scmwq_capture *c, struct scmwq_error *err)
{
	if (tracefs_trace_on(c->inst))
		return kernel_error(c, err, "tracing_on");
	return 0;
}

void scmwq_capture_stop(struct scmwq_capture *c)
{
	if (c->inst)
		tracefs_trace_off(c->inst);
}

static uint64_t stat_field(const char *text, const char *key)
{
	const char *p = text;
	size_t n = strlen(key);

	while (p && *p) {
		if (!strncmp(p, key, n))
			return strtoull(p + n, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

void scmwq_capture_stats_add(struct scmwq_capture_stats *st, const char *text)
{
	if (!text)
		return;
	st->events += stat_field(text, "read events:");
	st->overrun += stat_field(text, "overrun:");
	st->dropped += stat_field(text, "dropped events:");
}

char *scmwq_capture_cpu_stats(const struct scmwq_capture *c, int cpu)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "per_cpu/cpu%d/stats", cpu);
	return c->inst ? tracefs_instance_file_read(c->inst, rel, NULL) : NULL;
}

void scmwq_capture_read_stats(const struct scmwq_capture *c, struct scmwq_capture_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (int cpu = 0; cpu < c->ncpus; cpu++) {
		char *text = scmwq_capture_cpu_stats(c, cpu);

		scmwq_capture_stats_add(st, text);
		free(text);
	}
}

void scmwq_capture_attach(struct scmwq_capture *c, cap_detach_fn fn)
{
	for (int i = 0; i < c->ndetach; i++)
		if (c->detach[i] == fn)
			return;
	if (c->ndetach < CAP_MAX_PARTS)
		c->detach[c->ndetach++] = fn;
}

void scmwq_capture_close(struct scmwq_capture *c)
{
	sigset_t all, old;

	if (!c)
		return;
	/* nothing may interrupt the tear-down half way */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (c->inst)
		disable_instance(c->inst);
	while (c->ndetach)
		c->detach[--c->ndetach](c);
	if (c->inst) {
		tracefs_instance_destroy(c->inst);
		tracefs_instance_free(c->inst);
	}
	for (int i = c->ndyn - 1; i >= 0; i--) {
		destroy_dyn(c->dyn[i]);
		tracefs_dynevent_free(c->dyn[i]);
	}
	free(c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ------------------------------------------------------------------ */
/* The command to trace                                                */

int scmwq_capture_spawn(struct scmwq_capture *c, char *const *argv, int *pid,
			struct scmwq_error *err)
{
	int go[2], ex[2];
	char b = 0;
	int e = 0;
	pid_t child;

	if (pipe2(go, O_CLOEXEC))
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "pipe: %s", strerror(errno));
	if (pipe2(ex, O_CLOEXEC)) {
		close(go[0]);
		close(go[1]);
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "pipe: %s", strerror(errno));
	}
	child = fork();
	if (child < 0) {
		e = errno;
		close(go[0]);
		close(go[1]);
		close(ex[0]);
		close(ex[1]);
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "fork: %s", strerror(e));
	}
	if (child == 0) {
		sigset_t none;

		sigemptyset(&none);
		pthread_sigmask(SIG_SETMASK, &none, NULL);
		close(go[1]);
		close(ex[0]);
		/* wait until tracing is on */
		if (read(go[0], &b, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		e = errno;
		if (write(ex[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(ex[1]);
	/* uprobes fire in every process of the program: keep to this one */
	if (c->plan.source == SCMWQ_CAP_UPROBE && scmwq_capture_follow_pid(c, child, err))
		goto fail;
	if (scmwq_capture_start(c, err))
		goto fail;
	if (write(go[1], &b, 1) != 1) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "cannot start %s", argv[0]);
		goto fail;
	}
	close(go[1]);
	/* the exec either closes ex (success) or reports its errno */
	if (read(ex[0], &e, sizeof(e)) == sizeof(e)) {
		close(ex[0]);
		waitpid(child, NULL, 0);
		return scmwq_error_set(err, SCMWQ_E_NOINPUT, "cannot run '%s': %s", argv[0],
				       strerror(e));
	}
	close(ex[0]);
	*pid = child;
	return 0;
fail:
	close(go[1]);
	close(ex[0]);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return -1;
}
