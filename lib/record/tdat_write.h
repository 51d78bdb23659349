/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing trace-cmd's trace.dat (file versions 6 and 7, uncompressed) from
 * per-CPU ring-buffer pages already captured into files (lib/record/tdat_write.c).
 * libtracecmd 1.3 has no public writer, so `record` writes the file itself.
 * Not installed.
 */
#ifndef SCMWQ_TDAT_WRITE_H
#define SCMWQ_TDAT_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include <scmwq/base.h>

/* The captured data of one CPU. */
struct scmwq_tdat_cpu {
	int fd;			/* raw pages of this CPU, read from offset 0 (-1: no data) */
	uint64_t size;		/* bytes of data in fd (whole pages are written) */
	const char *stats;	/* text of per_cpu/cpuN/stats at the end of recording, or NULL */
};

/* What the writer did (optional, see scmwq_tdat_meta.result). */
struct scmwq_tdat_result {
	uint64_t size;		/* bytes in the file */
	uint64_t data;		/* CPU data written: whole pages */
	uint64_t dropped;	/* bytes of partial pages at the ends of CPU data, left out */
	uint64_t copied;	/* of @data, copied by the kernel (copy_file_range) */
};

struct scmwq_tdat_meta {
	const char *tracing_dir;	/* tracefs mount: events/SYS/EV/format, printk_formats,
					   saved_cmdlines */
	const char *instance_dir;	/* the instance recorded, whose events/header_page and
					   header_event describe its sub-buffers; NULL:
					   tracing_dir */
	const char *const *events;	/* "system/event" recorded, NULL-terminated (or NULL);
					   a bare "system" stands for all its events; their
					   formats, and all of ftrace/, go into the file */
	int ncpus;
	const struct scmwq_tdat_cpu *cpu;	/* ncpus entries */
	int page_size;			/* sub-buffer size (getpagesize() / buffer_subbuf_size_kb);
					   must match the instance's header_page */
	const char *trace_clock;	/* e.g. "mono"; NULL: "local" */
	int version;			/* 6 or 7 */
	bool kallsyms;			/* include /proc/kallsyms (readers resolve kernel addresses) */
	const char *out_name;		/* name of the output in messages; NULL: "trace.dat" */
	struct scmwq_tdat_result *result;	/* filled on success when not NULL */
};

/**
 * scmwq_tdat_write - write a trace.dat file
 * @out_fd: the output; must be seekable and not O_APPEND.  It is written
 *          from offset 0 with positioned writes; a regular file is truncated
 *          first and ends at the end of the trace.dat.  On success the file
 *          offset is left at the end.
 * @m: what to write
 * @err: set on failure, naming the file and what failed
 *
 * The CPU data is copied with copy_file_range(2), through a bounded buffer
 * only where the kernel refuses; the tracefs and /proc files are copied in
 * chunks.  Memory does not grow with the data.  Each CPU's data is cut to
 * whole pages (a recording cut short keeps all its complete pages).
 *
 * Returns 0, or -1 with @err set: SCMWQ_E_USAGE for a bad @m or output
 * descriptor, SCMWQ_E_NOINPUT when a tracefs or /proc file or the CPU data
 * cannot be read, SCMWQ_E_INTERNAL when writing fails or memory runs out.
 * What was written before an error is not a valid file.
 */
int scmwq_tdat_write(int out_fd, const struct scmwq_tdat_meta *m, struct scmwq_error *err);

#endif /* SCMWQ_TDAT_WRITE_H */
