// SPDX-License-Identifier: GPL-2.0
/*
 * Perfetto TrackEvent packets, written with the protobuf wire writer
 * (pb_write.c), one TracePacket at a time as field 1 of a Trace.
 *
 * All packets are on one sequence (trusted_packet_sequence_id 1): the first
 * clears its incremental state (SEQ_INCREMENTAL_STATE_CLEARED) and interns
 * the annotation names; every event that names itself or its annotations by
 * interned id says it needs that state (SEQ_NEEDS_INCREMENTAL_STATE); an
 * event name is interned in the packet that first uses it.  Perfetto sorts
 * events by time and, at equal times, keeps the order of the file, so a
 * writer that keeps each track's events in time order gets its slices
 * nested as it wrote them.
 */
#include <stdlib.h>
#include <string.h>

#include "output/pf_write.h"

/* Field numbers, from Perfetto's protos (protos/perfetto/trace/...). */
enum {
	TRACE_PACKET = 1,		/* Trace.packet */
	TP_TIMESTAMP = 8,		/* TracePacket */
	TP_SEQ_ID = 10,
	TP_TRACK_EVENT = 11,
	TP_INTERNED = 12,
	TP_SEQ_FLAGS = 13,
	TP_TRACK_DESC = 60,
	SEQ_CLEARED = 1,		/* SequenceFlags */
	SEQ_NEEDS_STATE = 2,
	TE_ANNOTATION = 4,		/* TrackEvent */
	TE_TYPE = 9,
	TE_NAME_IID = 10,
	TE_TRACK = 11,
	TE_NAME = 23,
	TE_FLOW = 47,
	TE_FLOW_END = 48,
	TD_UUID = 1,			/* TrackDescriptor */
	TD_NAME = 2,
	TD_PROCESS = 3,
	TD_THREAD = 4,
	PD_PID = 1,			/* ProcessDescriptor */
	PD_NAME = 6,
	THD_PID = 1,			/* ThreadDescriptor */
	THD_TID = 2,
	THD_NAME = 5,
	ID_EVENT_NAMES = 2,		/* InternedData */
	ID_ANNOTATION_NAMES = 3,
	IN_IID = 1,			/* EventName, DebugAnnotationName */
	IN_NAME = 2,
	DA_NAME_IID = 1,		/* DebugAnnotation */
	DA_BOOL = 2,
	DA_UINT = 3,
	DA_INT = 4,
	DA_STRING = 6,
	DA_POINTER = 7,
};

#define SEQ_ID	1

/* A packet's header; @timed: an event's, at @ts (descriptors have no time). */
static void packet_head(struct scmwq_pf *pf, uint64_t ts, unsigned int flags, bool timed)
{
	if (timed)
		scmwq_pb_varint(&pf->pb, TP_TIMESTAMP, ts);
	scmwq_pb_varint(&pf->pb, TP_SEQ_ID, SEQ_ID);
	if (flags)
		scmwq_pb_varint(&pf->pb, TP_SEQ_FLAGS, flags);
}

static void packet_end(struct scmwq_pf *pf)
{
	if (scmwq_pb_emit(&pf->pb, TRACE_PACKET, pf->out) < 0)
		pf->failed = true;
}

/* An entry {iid, name} of InternedData's field @field. */
static void interned(struct scmwq_pf *pf, uint32_t field, uint64_t iid, const char *name)
{
	size_t e = scmwq_pb_open(&pf->pb, field);

	scmwq_pb_varint(&pf->pb, IN_IID, iid);
	scmwq_pb_str(&pf->pb, IN_NAME, name);
	scmwq_pb_close(&pf->pb, e);
}

void scmwq_pf_start(struct scmwq_pf *pf, FILE *out, const char *const *ann, unsigned int n,
		    uint64_t track, const char *name)
{
	size_t in, d;

	pf->out = out;
	packet_head(pf, 0, SEQ_CLEARED, false);
	in = scmwq_pb_open(&pf->pb, TP_INTERNED);
	for (unsigned int a = 1; a < n; a++)
		interned(pf, ID_ANNOTATION_NAMES, a, ann[a]);
	scmwq_pb_close(&pf->pb, in);
	d = scmwq_pb_open(&pf->pb, TP_TRACK_DESC);
	scmwq_pb_varint(&pf->pb, TD_UUID, track);
	scmwq_pb_str(&pf->pb, TD_NAME, name);
	scmwq_pb_close(&pf->pb, d);
	packet_end(pf);
}

void scmwq_pf_thread(struct scmwq_pf *pf, uint64_t process, uint64_t thread, int pid,
		     const char *comm, const char *label)
{
	size_t d, s;

	packet_head(pf, 0, 0, false);
	d = scmwq_pb_open(&pf->pb, TP_TRACK_DESC);
	scmwq_pb_varint(&pf->pb, TD_UUID, process);
	s = scmwq_pb_open(&pf->pb, TD_PROCESS);
	scmwq_pb_int(&pf->pb, PD_PID, pid);
	scmwq_pb_str(&pf->pb, PD_NAME, label);
	scmwq_pb_close(&pf->pb, s);
	scmwq_pb_close(&pf->pb, d);
	packet_end(pf);

	packet_head(pf, 0, 0, false);
	d = scmwq_pb_open(&pf->pb, TP_TRACK_DESC);
	scmwq_pb_varint(&pf->pb, TD_UUID, thread);
	s = scmwq_pb_open(&pf->pb, TD_THREAD);
	scmwq_pb_int(&pf->pb, THD_PID, pid);
	scmwq_pb_int(&pf->pb, THD_TID, pid);
	scmwq_pb_str(&pf->pb, THD_NAME, comm);
	scmwq_pb_close(&pf->pb, s);
	scmwq_pb_close(&pf->pb, d);
	packet_end(pf);
}

void scmwq_pf_event(struct scmwq_pf *pf, uint64_t ts, uint64_t track, enum scmwq_pf_type type,
		    const char *name)
{
	uint32_t iid = 0;
	bool fresh = false;

	if (name)
		iid = scmwq_pb_intern(&pf->names, name, &fresh);
	/* a named event may have annotations, named by interned ids */
	packet_head(pf, ts, name ? SEQ_NEEDS_STATE : 0, true);
	if (fresh) {
		size_t in = scmwq_pb_open(&pf->pb, TP_INTERNED);

		interned(pf, ID_EVENT_NAMES, iid, name);
		scmwq_pb_close(&pf->pb, in);
	}
	pf->event = scmwq_pb_open(&pf->pb, TP_TRACK_EVENT);
	scmwq_pb_varint(&pf->pb, TE_TYPE, type);
	scmwq_pb_varint(&pf->pb, TE_TRACK, track);
	if (iid)
		scmwq_pb_varint(&pf->pb, TE_NAME_IID, iid);
	else if (name)
		scmwq_pb_str(&pf->pb, TE_NAME, name);
}

void scmwq_pf_flow(struct scmwq_pf *pf, uint64_t id, bool ends)
{
	scmwq_pb_fixed64(&pf->pb, ends ? TE_FLOW_END : TE_FLOW, id);
}

void scmwq_pf_event_end(struct scmwq_pf *pf)
{
	scmwq_pb_close(&pf->pb, pf->event);
	packet_end(pf);
}

void scmwq_pf_slice_end(struct scmwq_pf *pf, uint64_t ts, uint64_t track)
{
	scmwq_pf_event(pf, ts, track, SCMWQ_PF_END, NULL);
	scmwq_pf_event_end(pf);
}

/* Open one annotation of the open event, named by id @a. */
static size_t ann_open(struct scmwq_pf *pf, unsigned int a)
{
	size_t m = scmwq_pb_open(&pf->pb, TE_ANNOTATION);

	scmwq_pb_varint(&pf->pb, DA_NAME_IID, a);
	return m;
}

/* An annotation whose value is varint field @field (uint, bool, pointer). */
static void ann_varint(struct scmwq_pf *pf, unsigned int a, uint32_t field, uint64_t v)
{
	size_t m = ann_open(pf, a);

	scmwq_pb_varint(&pf->pb, field, v);
	scmwq_pb_close(&pf->pb, m);
}

void scmwq_pf_ann_uint(struct scmwq_pf *pf, unsigned int a, uint64_t v)
{
	ann_varint(pf, a, DA_UINT, v);
}

void scmwq_pf_ann_int(struct scmwq_pf *pf, unsigned int a, int64_t v)
{
	ann_varint(pf, a, DA_INT, (uint64_t)v);	/* int64: two's complement */
}

void scmwq_pf_ann_bool(struct scmwq_pf *pf, unsigned int a, bool v)
{
	ann_varint(pf, a, DA_BOOL, v);
}

void scmwq_pf_ann_hex(struct scmwq_pf *pf, unsigned int a, uint64_t v)
{
	ann_varint(pf, a, DA_POINTER, v);
}

void scmwq_pf_ann_str(struct scmwq_pf *pf, unsigned int a, const char *s)
{
	size_t m = ann_open(pf, a);

	scmwq_pb_str(&pf->pb, DA_STRING, s);
	scmwq_pb_close(&pf->pb, m);
}

void scmwq_pf_free(struct scmwq_pf *pf)
{
	scmwq_pb_free(&pf->pb);
	scmwq_pb_intern_free(&pf->names);
}
