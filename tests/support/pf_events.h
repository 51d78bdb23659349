/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SCM events as traced_probes writes them in a Perfetto trace, for the
 * test writers of Perfetto traces (tests/gen/scmwq-pftrace.c,
 * tests/support/lossvar_perfetto.c): ftrace generic events whose fields
 * are the format files' (traces.md section 1), in their order, per event
 * and system; unsigned fields as uint64, signed as int64, __data_loc as a
 * string (the vendor `out` text; mainline's `unsigned long args[]` copied
 * as a C string, so cut at its first zero byte).
 */
#ifndef SCMWQ_TESTS_PF_EVENTS_H
#define SCMWQ_TESTS_PF_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scmwq.h"

enum pf_ftype { PF_T_U, PF_T_S, PF_T_STR };

struct pf_fdesc {
	const char *name;
	enum pf_ftype type;
};

/* One event's format: its name, dense field number, and fields in order. */
struct pf_edesc {
	const char *name;
	unsigned int dense_id;		/* its FtraceEvent field number when dense */
	const char *dense_name;		/* that field's name in perfetto_subset.proto */
	struct pf_fdesc f[8];
};

/* Every SCM event format, vendor and mainline. */
extern const struct pf_edesc *const pf_all_descs[];
#define PF_NDESCS	8

/* One SCM event's field values, in its pf_edesc's order. */
struct pf_evals {
	const struct pf_edesc *d;
	uint64_t v[8];
	char s[SCMWQ_MAX_ARGS * 64 + 1];
	size_t slen;
};

/*
 * The values of @ev as the @vendor (system scm) or mainline (qcom_scm)
 * tracepoint records them into @x.  False for an event that is no SCM event.
 */
bool pf_event_vals(const struct scmwq_event *ev, bool vendor, struct pf_evals *x);

#endif /* SCMWQ_TESTS_PF_EVENTS_H */
