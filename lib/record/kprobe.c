// SPDX-License-Identifier: GPL-2.0
/*
 * The kprobe source: kprobes on the qcom_scm driver's functions, named and
 * shaped like the tracepoints as far as the kernel lets a probe reach the
 * arguments (BTF names, $argN or registers; traces.md section 1).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "record/capture.h"

static const char *const ksym_names[KS__COUNT] = {
	[KS_SMC_CALL] = "__scm_smc_call",
	[KS_WAIT_WQ] = "qcom_scm_wait_for_wq_completion",
	[KS_GET_WQ_CTX] = "scm_get_wq_ctx",
};

/* Which of them /proc/kallsyms has: one pass over its many megabytes. */
void cap_kallsyms_find(bool found[KS__COUNT])
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

int cap_plan_kprobe(struct cap_plan *p, const char *tdir, const bool ks[KS__COUNT],
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
	readme = cap_tfile_read(tdir, "README");
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
		cap_plan_missing(p, "scm_waitq_sleep and scm_waitq_resume "
			     "(no qcom_scm_wait_for_wq_completion in /proc/kallsyms)");
	}
	if (ks[KS_GET_WQ_CTX] && ret_args) {
		kdef(p, TRACEFS_DYNEVENT_KRETPROBE, "scm_waitq_get_wq_ctx", "scm_get_wq_ctx",
		     get_wq_ctx, ARRAY_SIZE(get_wq_ctx), mode, regs);
		/* the tracepoint fires only when GET_WQ_CTX succeeded */
		snprintf(p->defs[p->ndefs - 1].filter, sizeof(p->defs[0].filter), "ret == 0");
	} else {
		cap_plan_missing(p, "scm_waitq_get_wq_ctx (needs scm_get_wq_ctx and return "
			     "probes with $argN, Linux 6.10+)");
	}
	cap_plan_missing(p, "smc_id, smc_call_ctx and the RESUME/GET_WQ_CTX requests "
		     "(not function arguments)");
	if (!ret_args)
		cap_plan_missing(p, "res0..res2 of scm_smc_done (return probes without $argN)");
	for (int i = 0; i < p->ndefs; i++)
		if (cap_plan_add_event(p, p->system, p->defs[i].event, err))
			return -1;
	return 0;
}
