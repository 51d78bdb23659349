// SPDX-License-Identifier: GPL-2.0
/*
 * The uprobe source: uprobes on the probe functions of a program built with
 * lib/sim/probes.c (what `simulate --live` calls), one per tracepoint, whose
 * arguments are the tracepoint's fields in the calling convention's registers.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/capture.h"

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

int cap_plan_uprobe(struct cap_plan *p, const struct scmwq_capture_opts *o,
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
		if (cap_plan_add_event(p, p->system, d->event, err))
			return -1;
	}
	if (!found)
		return scmwq_error_set(err, SCMWQ_E_USAGE,
				       "%s has none of the probe functions (scm_smc_request, "
				       "scm_waitq_sleep, ...): --uprobe-binary needs a program "
				       "built with scmwq-trace's lib/sim/probes.c", p->binary);
	if (absent[0]) {
		cap_plan_missing(p, "events without a probe function: ");
		snprintf(p->missing + strlen(p->missing), sizeof(p->missing) - strlen(p->missing),
			 "%s", absent);
	}
	return 0;
}

