/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layout of a trace.dat file (lib/source/tdat_layout.c): what its
 * headers, options and sections say, each checked against the file before
 * use, and where every CPU's ring-buffer data lies.  Internal.
 */
#ifndef SCMWQ_LIB_TDAT_LAYOUT_H
#define SCMWQ_LIB_TDAT_LAYOUT_H

#include <event-parse.h>

#include "source/tdat_io.h"

#define TDAT_MAX_CPUS	8192
#define TDAT_MAX_BUFS	64

/* One CPU's data in a buffer: a range of the file. */
struct tdat_cpu_range {
	int cpu;
	uint64_t off, size;
};

/* A buffer: the top one (name "") or a tracefs instance (trace-cmd -B). */
struct tdat_buffer {
	char name[64];
	uint32_t page_size;
	bool compressed;		/* v7: CPU data in compressed chunks */
	bool latency;			/* latency text, no ring-buffer pages */
	int ncpus;
	struct tdat_cpu_range *cpus;
};

struct tdat_layout {
	struct tdat_io io;
	int version;			/* 6 or 7 */
	int long_size;
	uint32_t page_size;
	int commit_size;		/* of the page header's commit: 4 or 8 */
	int zip;			/* TDAT_ZIP_* */
	int cpus;			/* CPU count of the recording */
	int64_t ts_offset;		/* OFFSET and DATE options */
	struct tdat_buffer bufs[TDAT_MAX_BUFS];
	int nbufs;
	struct tep_handle *tep;		/* the formats of our events, the saved comms */
	int nformats;			/* of our events, in @tep */
};

/*
 * Read the layout of the file open on @l->io.fd (io's fd, size, display
 * and err set by the caller).  Returns 0, or -1 with io.err set
 * (SCMWQ_E_DATA: where the file is damaged and what was expected there).
 */
int tdat_layout_read(struct tdat_layout *l);

void tdat_layout_free(struct tdat_layout *l);

#endif /* SCMWQ_LIB_TDAT_LAYOUT_H */
