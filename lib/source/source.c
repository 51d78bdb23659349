// SPDX-License-Identifier: GPL-2.0
/*
 * Sources: the object every backend fills in (text.c, tdat.c) and what a
 * caller asks of it, whichever backend reads; open.c makes one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/source.h"

void scmwq_source_diag(struct scmwq_source *src, uint64_t line, const char *what)
{
	src->malformed++;
	if (src->diag)
		src->diag(src->display, line, what, src->diag_arg);
}

int scmwq_source_next(struct scmwq_source *src, struct scmwq_event *ev, struct scmwq_error *err)
{
	return src->ops->next(src, ev, err);
}

enum scmwq_source_format scmwq_source_format(const struct scmwq_source *src)
{
	return src->fmt;
}

const char *scmwq_source_format_name(const struct scmwq_source *src)
{
	switch (src->fmt) {
	case SCMWQ_FMT_TRACE_DAT:
		return "trace.dat";
	case SCMWQ_FMT_PERFETTO:
		return "perfetto";
	default:
		return "text";
	}
}

enum scmwq_system scmwq_source_system(const struct scmwq_source *src)
{
	return src->sys;
}

uint64_t scmwq_source_malformed(const struct scmwq_source *src)
{
	return src->malformed;
}

uint64_t scmwq_source_lost(const struct scmwq_source *src)
{
	return src->lost;
}

int scmwq_source_cpus(const struct scmwq_source *src)
{
	return src->cpus;
}

bool scmwq_source_losses_in_order(const struct scmwq_source *src)
{
	return src->losses_in_order;
}

const char *scmwq_source_path(const struct scmwq_source *src)
{
	return src->display;
}

void scmwq_source_free(struct scmwq_source *src)
{
	if (!src)
		return;
	if (src->ops && src->ops->free)
		src->ops->free(src);
	if (src->rewind_fd >= 0)
		close(src->rewind_fd);
	free(src->path);
	free(src);
}
