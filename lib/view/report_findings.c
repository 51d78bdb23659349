// SPDX-License-Identifier: GPL-2.0
/*
 * The report's findings: filtered as they come, written to a temporary file
 * and copied out after the rows of the trace.
 */
#include <scmwq/output.h>

#include "view/report_int.h"

void rpt_spool_reset(struct scmwq_report *r)
{
	if (r->spool)
		fclose(r->spool);
	r->spool = NULL;
	r->spooled = 0;
}

void scmwq_report_finding(const struct scmwq_finding *f, void *arg)
{
	struct scmwq_report *r = arg;

	if (r->o.format == SCMWQ_REPORT_CSV)
		return;		/* CSV has them per call only */
	if (r->o.format == SCMWQ_REPORT_TEXT) {
		/* the notes about the trace itself, and warnings and errors */
		if (f->severity == SCMWQ_SEV_INFO && f->rule != SCMWQ_R_TRACE_NOTE)
			return;
		if (!r->o.rows)
			return;
	}
	if (!scmwq_filter_match_finding(&r->o.filter, f))
		return;
	if (!r->spool)
		r->spool = scmwq_tmpfile();
	if (!r->spool) {
		r->oom = true;
		return;
	}
	if (r->o.format == SCMWQ_REPORT_JSON) {
		fprintf(r->spool, "%s\n    ", r->spooled ? "," : "");
		scmwq_finding_write_json(r->spool, f, "");
	} else {
		scmwq_finding_write_text_color(r->spool, f, r->o.color);
	}
	r->spooled++;
}

int rpt_spool_copy(struct scmwq_report *r)
{
	char buf[8192];
	size_t n;

	if (!r->spool)
		return 0;
	if (fflush(r->spool) || fseek(r->spool, 0, SEEK_SET))
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), r->spool)) > 0)
		fwrite(buf, 1, n, r->out);
	return ferror(r->spool) ? -1 : 0;
}
