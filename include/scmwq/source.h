/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of lib/source/: a trace.dat or ftrace text file read as a
 * stream of struct scmwq_event, whichever reader is behind it.
 */
#ifndef SCMWQ_SOURCE_H
#define SCMWQ_SOURCE_H

#include <scmwq/event.h>

struct scmwq_source;

/**
 * enum scmwq_source_format - the container a source reads
 * @SCMWQ_FMT_TEXT: ftrace or trace-cmd report text
 * @SCMWQ_FMT_TRACE_DAT: trace-cmd's trace.dat (versions 6 and 7)
 * @SCMWQ_FMT_PERFETTO: a Perfetto trace (protobuf), its ftrace data
 */
enum scmwq_source_format {
	SCMWQ_FMT_TEXT = 0,
	SCMWQ_FMT_TRACE_DAT,
	SCMWQ_FMT_PERFETTO,
};

/**
 * typedef scmwq_diag_fn - told of a line or record that could not be read
 * @path: the trace's name for messages ("<stdin>" for standard input)
 * @line: text: the line's number, from 1; trace.dat: the garbled record's
 *        file offset
 * @what: what was expected there
 * @arg: the callback's argument, as given to scmwq_source_open()
 *
 * The source counts it (scmwq_source_malformed()) and goes on.
 */
typedef void (*scmwq_diag_fn)(const char *path, uint64_t line, const char *what, void *arg);

/**
 * scmwq_source_open() - open a trace file ("-" is standard input)
 * @path: file name, or "-"
 * @diag: called for each malformed line or garbled record (may be NULL)
 * @diag_arg: passed to @diag
 * @err: filled on failure
 *
 * Tells trace.dat and Perfetto traces from text by their first bytes.  A
 * trace.dat on standard input is first copied to an unlinked temporary file
 * (the trace.dat reader seeks).
 *
 * Return: a source, to be freed with scmwq_source_free(); or NULL with @err
 * set: SCMWQ_E_NOINPUT when the file cannot be opened or read (or is a
 * folder), SCMWQ_E_DATA when it is empty or not a trace, SCMWQ_E_INTERNAL
 * when out of memory.
 */
struct scmwq_source *scmwq_source_open(const char *path, scmwq_diag_fn diag, void *diag_arg,
				       struct scmwq_error *err);

/**
 * scmwq_source_open_rewindable() - open a trace file to read more than once
 * @path: file name, or "-"
 * @diag: called for each malformed line or garbled record (may be NULL)
 * @diag_arg: passed to @diag
 * @err: filled on failure
 *
 * scmwq_source_open(), but standard input is first copied to an unlinked
 * temporary file, so that scmwq_source_rewind() can read it again.  A
 * file is opened once either way.
 *
 * Return: as scmwq_source_open(); also SCMWQ_E_INTERNAL when the
 * temporary file cannot be written.
 */
struct scmwq_source *scmwq_source_open_rewindable(const char *path, scmwq_diag_fn diag,
						  void *diag_arg, struct scmwq_error *err);

/**
 * scmwq_source_rewind() - go back to the start of the trace
 * @src: the source
 * @err: set on failure
 *
 * The next scmwq_source_next() gives the trace's first event again, and
 * every event after it as the first reading gave them: the reader starts
 * afresh on the same content, without opening the file again (a
 * compressed text is decompressed again; a compressed or piped trace.dat
 * or Perfetto trace is read from the temporary file it was copied to).
 * The counts (scmwq_source_malformed(), scmwq_source_lost()) and what the
 * source learnt while reading (scmwq_source_system(), scmwq_source_cpus())
 * start again too; the diag callback stays.
 *
 * Return: 0, or -1 with @err set: SCMWQ_E_USAGE when the source reads a
 * pipe it did not copy (scmwq_source_open() of "-": use
 * scmwq_source_open_rewindable()), SCMWQ_E_NOINPUT when the file cannot
 * seek, SCMWQ_E_DATA or SCMWQ_E_INTERNAL as scmwq_source_open().  After a
 * failure scmwq_source_next() fails; only scmwq_source_free() is of use.
 */
int scmwq_source_rewind(struct scmwq_source *src, struct scmwq_error *err);

/**
 * scmwq_source_next() - read the next event
 * @src: the source
 * @ev: filled when 1 is returned, every field (those the event does not
 *      have are 0): the caller need not clear it
 * @err: set when -1 is returned
 *
 * Events come in the trace's order, which is time order.  Lines or records
 * that are not SCM or scheduler events are skipped silently; malformed
 * ones go to the diag callback.  Losses come as SCMWQ_EV_LOST events.
 *
 * Return: 1 with @ev filled, 0 at the end of the trace, -1 on an error that
 * ends reading (e.g. a truncated trace.dat) with @err set.
 */
int scmwq_source_next(struct scmwq_source *src, struct scmwq_event *ev, struct scmwq_error *err);

/**
 * scmwq_source_format() - the container the source reads
 * @src: the source
 *
 * Return: SCMWQ_FMT_TEXT, SCMWQ_FMT_TRACE_DAT or SCMWQ_FMT_PERFETTO.
 */
enum scmwq_source_format scmwq_source_format(const struct scmwq_source *src);
/**
 * scmwq_source_format_name() - the container, in words
 * @src: the source
 *
 * Return: "text", "trace.dat" or "perfetto" (a static string).
 */
const char *scmwq_source_format_name(const struct scmwq_source *src);
/**
 * scmwq_source_system() - the trace system the trace uses
 * @src: the source
 *
 * A trace.dat tells it from its event formats; a text trace from its first
 * events that show it, so it may change from SCMWQ_SYS_UNKNOWN as reading
 * goes on.
 *
 * Return: the system, or SCMWQ_SYS_UNKNOWN when not known (yet).
 */
enum scmwq_system scmwq_source_system(const struct scmwq_source *src);
/**
 * scmwq_source_malformed() - malformed lines or garbled records so far
 * @src: the source
 *
 * Return: how many were counted (and given to the diag callback).
 */
uint64_t scmwq_source_malformed(const struct scmwq_source *src);
/**
 * scmwq_source_lost() - events lost so far, as far as the container tells
 * @src: the source
 *
 * Return: the sum of the counts of the loss markers read (a loss of
 * unknown size counts 0).
 */
uint64_t scmwq_source_lost(const struct scmwq_source *src);
/**
 * scmwq_source_cpus() - the trace's CPUs
 * @src: the source
 *
 * Return: the number of CPUs the header or file tells (text: "#P:N" or
 * "cpus=N"), or 0 when unknown.
 */
int scmwq_source_cpus(const struct scmwq_source *src);
/**
 * scmwq_source_losses_in_order() - whether losses come before what follows
 * @src: the source
 *
 * Return: true when the source reports each loss before the events that
 * follow the loss's start (trace.dat), false when the marker comes after
 * the gap (ftrace text).
 */
bool scmwq_source_losses_in_order(const struct scmwq_source *src);
/**
 * scmwq_source_path() - the trace's name for messages
 * @src: the source
 *
 * Return: the path as given, or "<stdin>"; owned by the source.
 */
const char *scmwq_source_path(const struct scmwq_source *src);
/**
 * scmwq_source_free() - close a source and free it
 * @src: the source, or NULL
 */
void scmwq_source_free(struct scmwq_source *src);

#endif /* SCMWQ_SOURCE_H */
