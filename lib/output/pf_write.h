/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Perfetto TrackEvent packets (lib/output/pf_write.c) over the protobuf
 * wire writer: a stream of TracePackets on one sequence, tracks for
 * threads, slice and instant events with interned names, flows and debug
 * annotations, each packet written as soon as it is complete.
 * Not installed.
 */
#ifndef SCMWQ_PF_WRITE_H
#define SCMWQ_PF_WRITE_H

#include "output/pb_write.h"

/* A Perfetto trace being written; zero-initialised, then scmwq_pf_start(). */
struct scmwq_pf {
	struct scmwq_pb pb;		/* the packet being built */
	struct scmwq_pb_intern names;	/* event names */
	FILE *out;
	size_t event;			/* mark of the open TrackEvent */
	bool failed;			/* a packet could not be written */
};

/* TrackEvent.Type */
enum scmwq_pf_type {
	SCMWQ_PF_BEGIN = 1,
	SCMWQ_PF_END = 2,
	SCMWQ_PF_INSTANT = 3,
};

/*
 * The first packet, to @out: it clears the sequence's incremental state,
 * interns the debug annotation names @ann[1..@n - 1] as ids 1..@n - 1, and
 * describes track @track named @name (for what belongs to no thread).
 */
void scmwq_pf_start(struct scmwq_pf *pf, FILE *out, const char *const *ann, unsigned int n,
		    uint64_t track, const char *name);
/*
 * Thread @pid's track @thread (ThreadDescriptor: pid, tid, @comm) and its
 * process's track @process (ProcessDescriptor, named @label).
 */
void scmwq_pf_thread(struct scmwq_pf *pf, uint64_t process, uint64_t thread, int pid,
		     const char *comm, const char *label);
/*
 * Open a TrackEvent of @type on @track at @ts, named @name (NULL for an
 * END); flows and annotations follow, then scmwq_pf_event_end().
 */
void scmwq_pf_event(struct scmwq_pf *pf, uint64_t ts, uint64_t track, enum scmwq_pf_type type,
		    const char *name);
/* The open event starts (or, @ends, terminates) flow @id. */
void scmwq_pf_flow(struct scmwq_pf *pf, uint64_t id, bool ends);
/* Debug annotations of the open event, named by interned id @a. */
void scmwq_pf_ann_uint(struct scmwq_pf *pf, unsigned int a, uint64_t v);
void scmwq_pf_ann_int(struct scmwq_pf *pf, unsigned int a, int64_t v);
void scmwq_pf_ann_bool(struct scmwq_pf *pf, unsigned int a, bool v);
void scmwq_pf_ann_str(struct scmwq_pf *pf, unsigned int a, const char *s);
/* shown in hex */
void scmwq_pf_ann_hex(struct scmwq_pf *pf, unsigned int a, uint64_t v);
/* Close the event and write its packet. */
void scmwq_pf_event_end(struct scmwq_pf *pf);
/* An END on @track at @ts, written. */
void scmwq_pf_slice_end(struct scmwq_pf *pf, uint64_t ts, uint64_t track);
/* Free the buffers. */
void scmwq_pf_free(struct scmwq_pf *pf);

#endif
