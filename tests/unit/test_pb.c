// SPDX-License-Identifier: GPL-2.0
/*
 * The protobuf wire reader (lib/source/pb_read.c) and the Perfetto
 * detection: varints at their limits, lengths that run past their message,
 * wire types Perfetto never writes, and text that must not pass for a trace.
 * The byte strings are written out by hand from the protobuf encoding rules
 * (https://protobuf.dev/programming-guides/encoding/).
 */
#include <stdint.h>
#include <string.h>

#include "source/pb.h"
#include "source/source.h"
#include "tap.h"

static void test_varint(void)
{
	static const uint8_t one[] = { 0x01 }, v300[] = { 0xac, 0x02 },
		max[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 },
		eleven[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 },
		cut[] = { 0x80, 0x80 };
	const uint8_t *p;
	uint64_t v;

	p = one;
	ok(pb_varint(&p, one + 1, &v) == 0 && v == 1 && p == one + 1, "varint 1");
	p = v300;
	ok(pb_varint(&p, v300 + 2, &v) == 0 && v == 300, "varint 300 (0xac 0x02)");
	p = max;
	ok(pb_varint(&p, max + 10, &v) == 0 && v == UINT64_MAX, "10-byte varint: 2^64-1");
	p = eleven;
	ok(pb_varint(&p, eleven + 11, &v) < 0 && p == eleven, "11-byte varint refused");
	p = cut;
	ok(pb_varint(&p, cut + 2, &v) < 0 && p == cut, "varint cut by the end refused");
}

static void test_fields(void)
{
	/* 1: varint 150; 2: "abc"; 3: fixed32 1; 4: fixed64 2 */
	static const uint8_t msg[] = { 0x08, 0x96, 0x01, 0x12, 0x03, 'a', 'b', 'c',
				       0x1d, 0x01, 0x00, 0x00, 0x00,
				       0x21, 0x02, 0, 0, 0, 0, 0, 0, 0 };
	struct pb_msg m = pb_msg(msg, sizeof(msg));
	struct pb_field f;
	const char *why = NULL;

	ok(pb_next(&m, &f, &why) == 1 && f.num == 1 && f.wire == PB_VARINT && f.v == 150,
	   "field 1: varint 150");
	ok(pb_next(&m, &f, &why) == 1 && f.num == 2 && f.wire == PB_LEN && f.len == 3 &&
	   !memcmp(f.data, "abc", 3), "field 2: \"abc\"");
	ok(pb_next(&m, &f, &why) == 1 && f.num == 3 && f.wire == PB_I32 && f.v == 1,
	   "field 3: fixed32 1");
	ok(pb_next(&m, &f, &why) == 1 && f.num == 4 && f.wire == PB_I64 && f.v == 2,
	   "field 4: fixed64 2");
	ok(pb_next(&m, &f, &why) == 0, "then the end");
}

static void test_bad(void)
{
	static const uint8_t past[] = { 0x12, 0x05, 'a', 'b' },	/* length 5, 2 left */
		huge[] = { 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f },	/* length 2^32-1 */
		group[] = { 0x0b, 0x0c },				/* wire type 3 */
		zero[] = { 0x00, 0x01 },				/* field number 0 */
		i32[] = { 0x0d, 0x01, 0x02 };				/* fixed32 cut */
	static const struct { const uint8_t *b; size_t n; const char *name; } cases[] = {
		{ past, sizeof(past), "a length past the message's end" },
		{ huge, sizeof(huge), "a 4 GiB length in 6 bytes" },
		{ group, sizeof(group), "a group (wire type 3)" },
		{ zero, sizeof(zero), "field number 0" },
		{ i32, sizeof(i32), "a fixed32 cut short" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pb_msg m = pb_msg(cases[i].b, cases[i].n);
		struct pb_field f;
		const char *why = NULL;

		ok(pb_next(&m, &f, &why) < 0 && why && m.p == cases[i].b, "refused: %s (%s)",
		   cases[i].name, why ? why : "no reason");
	}
}

static void test_detect(void)
{
	/* a TracePacket of 4 bytes: trusted_packet_sequence_id 1, timestamp 5 */
	static const uint8_t pkt[] = { 0x0a, 0x04, 0x50, 0x01, 0x40, 0x05 };
	static const char text[] = "\n# tracer: nop\n#\n# entries-in-buffer/entries-written: 1/1\n";
	static const char tdat[] = "\027\010\104tracing6\0\0\0\0";

	ok(scmwq_perfetto_detect(pkt, sizeof(pkt)), "a TracePacket is Perfetto");
	ok(!scmwq_perfetto_detect(text, sizeof(text) - 1),
	   "ftrace text starting with a blank line is not");
	ok(!scmwq_perfetto_detect(tdat, sizeof(tdat) - 1), "trace.dat's magic is not");
	ok(!scmwq_perfetto_detect(pkt, 2), "two bytes are not enough to tell");
}

int main(void)
{
	test_varint();
	test_fields();
	test_bad();
	test_detect();
	return tap_done();
}
