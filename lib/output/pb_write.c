// SPDX-License-Identifier: GPL-2.0
/*
 * The protobuf wire format, written by hand.
 *
 * Why not protobuf-c: the Perfetto timeline writes five small messages
 * (TracePacket, TrackEvent, TrackDescriptor with its Thread/Process
 * descriptors, DebugAnnotation, InternedData) out of Perfetto's hundreds.
 * The wire format for them is three things: varints, fixed64 and
 * length-delimited fields.  protobuf-c would bring a code generator into
 * the build, a runtime library into the binary's dependencies and, worse
 * for a stream of millions of packets, a message tree in memory per packet
 * (packed and freed each time).  Here each TracePacket is built straight
 * into one buffer that is reused for the next: no allocation per event,
 * memory bounded by the largest packet, whatever the trace's length.
 * Correctness is not taken on trust: the tests decode what we write with
 * protoc and a .proto subset written from Perfetto's published field
 * numbers (tests/perfetto/trackevent_subset.proto).
 *
 * Nested messages: the length goes before the bytes, so scmwq_pb_open()
 * keeps one byte for it and scmwq_pb_close() moves the body along when the
 * length needs more (messages over 127 bytes: rare, and a packet is small).
 */
#include <stdlib.h>
#include <string.h>

#include "output/pb_write.h"

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2 };

static bool reserve(struct scmwq_pb *pb, size_t n)
{
	size_t cap;
	uint8_t *b;

	if (pb->oom)
		return false;
	if (pb->len + n <= pb->cap)
		return true;
	cap = pb->cap ? pb->cap : 256;
	while (cap < pb->len + n)
		cap *= 2;
	b = realloc(pb->buf, cap);
	if (!b) {
		pb->oom = true;
		return false;
	}
	pb->buf = b;
	pb->cap = cap;
	return true;
}

static size_t varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

static void raw_varint(struct scmwq_pb *pb, uint64_t v)
{
	if (reserve(pb, 10))
		pb->len += put_varint(pb->buf + pb->len, v);
}

static void tag(struct scmwq_pb *pb, uint32_t field, unsigned int wt)
{
	raw_varint(pb, (uint64_t)field << 3 | wt);
}

void scmwq_pb_varint(struct scmwq_pb *pb, uint32_t field, uint64_t v)
{
	tag(pb, field, WT_VARINT);
	raw_varint(pb, v);
}

void scmwq_pb_int(struct scmwq_pb *pb, uint32_t field, int64_t v)
{
	scmwq_pb_varint(pb, field, (uint64_t)v);
}

void scmwq_pb_fixed64(struct scmwq_pb *pb, uint32_t field, uint64_t v)
{
	tag(pb, field, WT_I64);
	if (!reserve(pb, 8))
		return;
	for (int i = 0; i < 8; i++)
		pb->buf[pb->len++] = (uint8_t)(v >> (8 * i));
}

void scmwq_pb_bytes(struct scmwq_pb *pb, uint32_t field, const void *p, size_t n)
{
	tag(pb, field, WT_LEN);
	raw_varint(pb, n);
	if (n && reserve(pb, n)) {
		memcpy(pb->buf + pb->len, p, n);
		pb->len += n;
	}
}

void scmwq_pb_str(struct scmwq_pb *pb, uint32_t field, const char *s)
{
	scmwq_pb_bytes(pb, field, s, strlen(s));
}

size_t scmwq_pb_open(struct scmwq_pb *pb, uint32_t field)
{
	size_t mark;

	tag(pb, field, WT_LEN);
	mark = pb->len;
	if (reserve(pb, 1))
		pb->buf[pb->len++] = 0;
	return mark;
}

void scmwq_pb_close(struct scmwq_pb *pb, size_t mark)
{
	size_t body, n;

	if (pb->oom || mark >= pb->len)
		return;
	body = pb->len - mark - 1;
	n = varint_len(body);
	if (n > 1) {
		if (!reserve(pb, n - 1))
			return;
		memmove(pb->buf + mark + n, pb->buf + mark + 1, body);
		pb->len += n - 1;
	}
	put_varint(pb->buf + mark, body);
}

int scmwq_pb_emit(struct scmwq_pb *pb, uint32_t field, FILE *out)
{
	uint8_t head[16];
	size_t n;
	int ret = 0;

	if (pb->oom) {
		ret = -1;
	} else {
		n = put_varint(head, (uint64_t)field << 3 | WT_LEN);
		n += put_varint(head + n, pb->len);
		if (fwrite(head, 1, n, out) != n ||
		    (pb->len && fwrite(pb->buf, 1, pb->len, out) != pb->len))
			ret = -1;
	}
	pb->len = 0;
	pb->oom = false;
	return ret;
}

void scmwq_pb_free(struct scmwq_pb *pb)
{
	free(pb->buf);
	memset(pb, 0, sizeof(*pb));
}
