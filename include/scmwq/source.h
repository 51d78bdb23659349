/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sources: a trace.dat or ftrace text file read as an event stream.
 */
#ifndef SCMWQ_SOURCE_H
#define SCMWQ_SOURCE_H

#include <scmwq/event.h>

struct scmwq_source;

enum scmwq_source_format {
	SCMWQ_FMT_TEXT = 0,	/* ftrace / trace-cmd report text */
	SCMWQ_FMT_TRACE_DAT,	/* trace-cmd trace.dat */
};

/*
 * Called for each line of a text trace that could not be parsed; the
 * source counts them and goes on.  @what says what was expected.
 */
typedef void (*scmwq_diag_fn)(const char *path, uint64_t line, const char *what, void *arg);

/**
 * scmwq_source_open - open a trace file ("-" is standard input)
 * @path: file name, or "-"
 * @diag: called for each malformed text line (may be NULL)
 * @diag_arg: passed to @diag
 * @err: filled on failure
 *
 * Returns a source, or NULL with @err set (SCMWQ_E_NOINPUT when the file
 * cannot be opened, SCMWQ_E_DATA when it is not a trace).
 */
struct scmwq_source *scmwq_source_open(const char *path, scmwq_diag_fn diag, void *diag_arg,
				       struct scmwq_error *err);

/**
 * scmwq_source_next - read the next event
 *
 * Returns 1 with @ev filled, 0 at the end of the trace, -1 on an error that
 * ends reading (e.g. a truncated trace.dat) with @err set.  Events come in
 * time order.  Lines or records that are not SCM or scheduler events are
 * skipped silently; malformed ones go to the diag callback.
 */
int scmwq_source_next(struct scmwq_source *src, struct scmwq_event *ev, struct scmwq_error *err);

enum scmwq_source_format scmwq_source_format(const struct scmwq_source *src);
const char *scmwq_source_format_name(const struct scmwq_source *src);
/* The trace system the trace uses, when known from its header/formats. */
enum scmwq_system scmwq_source_system(const struct scmwq_source *src);
/* Malformed lines seen so far (text only). */
uint64_t scmwq_source_malformed(const struct scmwq_source *src);
/* Events lost, as far as the container tells (loss markers, missed events). */
uint64_t scmwq_source_lost(const struct scmwq_source *src);
/* CPUs of the trace, as its header or file tells (0: unknown). */
int scmwq_source_cpus(const struct scmwq_source *src);
/*
 * Whether the source reports each loss before the events that follow the
 * loss's start (trace.dat: yes; ftrace text: no, the marker follows the gap).
 */
bool scmwq_source_losses_in_order(const struct scmwq_source *src);
const char *scmwq_source_path(const struct scmwq_source *src);
void scmwq_source_free(struct scmwq_source *src);

#endif /* SCMWQ_SOURCE_H */
