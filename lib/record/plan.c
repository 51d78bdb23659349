// SPDX-License-Identifier: GPL-2.0
/*
 * What a capture sets up, decided without touching tracefs: which source
 * (tracepoint, kprobe or uprobe) and why, which dynamic events and which
 * events to enable; and the plan printed for --dry-run.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/capture.h"

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

static const char *const scm_events[] = {
	"scm_smc_request", "scm_waitq_sleep", "scm_waitq_resume",
	"scm_waitq_get_wq_ctx", "scm_waitq_wake_ack", "scm_smc_done",
};

/* Tracepoint system of the kernel: "qcom_scm", "scm" or NULL. */
static const char *tracepoint_system(const char *tdir)
{
	static const char *const systems[] = { "qcom_scm", "scm" };
	char rel[128];

	for (size_t i = 0; i < ARRAY_SIZE(systems); i++) {
		snprintf(rel, sizeof(rel), "events/%s/scm_waitq_sleep", systems[i]);
		if (cap_tfile_exists(tdir, rel))
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
		if (cap_tfile_exists(tdir, rel) && cap_plan_add_event(p, sys, scm_events[i], err))
			return -1;
	}
	return 0;
}

/* --- uprobes: the probe functions of lib/sim/probes.c ------------------- */

/* Decide the source and what it needs; changes nothing. */
int cap_make_plan(struct cap_plan *p, const struct scmwq_capture_opts *o, const char *tdir,
		     struct scmwq_error *err)
{
	const char *tp = tracepoint_system(tdir);
	bool have_kprobe = cap_tfile_exists(tdir, "kprobe_events");
	bool have_uprobe = cap_tfile_exists(tdir, "uprobe_events");
	enum scmwq_cap_source s = o->source;
	bool ks[KS__COUNT] = { false };

	memset(p, 0, sizeof(*p));
	snprintf(p->system, sizeof(p->system), CAP_GROUP_PREFIX "%d", (int)getpid());

	if (have_kprobe && ((s == SCMWQ_CAP_AUTO && !tp) || s == SCMWQ_CAP_KPROBE))
		cap_kallsyms_find(ks);
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
		return cap_plan_kprobe(p, tdir, ks, err);
	case SCMWQ_CAP_UPROBE:
		if (!have_uprobe)
			return scmwq_error_set(err, SCMWQ_E_NOPERM,
					       "--source=uprobe: the kernel has no uprobe events "
					       "(%s/uprobe_events is absent: it needs "
					       "CONFIG_UPROBE_EVENTS=y)", tdir);
		return cap_plan_uprobe(p, o, err);
	default:
		return scmwq_error_set(err, SCMWQ_E_USAGE, "unknown source");
	}
}

/* sched/irq events for report's correlation, and -e SYSTEM:EVENT */
int cap_plan_extra(struct cap_plan *p, const struct scmwq_capture_opts *o, const char *tdir,
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
			if (!cap_tfile_exists(tdir, rel))
				continue;
			snprintf(sys, sizeof(sys), "%.*s", (int)(slash - sched[i]), sched[i]);
			if (cap_plan_add_event(p, sys, slash + 1, err))
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
		if (!cap_tfile_exists(tdir, rel))
			return scmwq_error_set(err, SCMWQ_E_USAGE,
					       "-e %s: no such event in %s/events (see "
					       "%s/available_events)", e, tdir, tdir);
		if (cap_plan_add_event(p, sys, sep + 1, err))
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
void cap_def_line(char *buf, size_t len, const struct cap_plan *p, const struct cap_def *d)
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
	if (cap_find_tracefs(tdir, sizeof(tdir), err) || cap_make_plan(p, o, tdir, err) ||
	    cap_plan_extra(p, o, tdir, err)) {
		free(p);
		return -1;
	}
	fprintf(out, "source: %s (%s)\n", scmwq_cap_source_name(p->source), p->why);
	fprintf(out, "instance: %s/instances/" CAP_INSTANCE_PREFIX "%d\n", tdir, (int)getpid());
	for (int i = 0; i < p->ndefs; i++) {
		cap_def_line(line, sizeof(line), p, &p->defs[i]);
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

