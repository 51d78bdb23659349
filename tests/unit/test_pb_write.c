// SPDX-License-Identifier: GPL-2.0
/*
 * The protobuf wire writer (lib/output/pb_write.c) against encodings worked
 * out by hand from the protobuf encoding specification
 * (protobuf.dev/programming-guides/encoding: "08 96 01" is field 1 = 150),
 * at the edges where a writer goes wrong: varint lengths, negative ints,
 * nested messages whose length needs a second byte (the body moves), and
 * the interned-string table's ids and bound.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "output/pb_write.h"

static bool bytes_are(const struct scmwq_pb *pb, const char *hex)
{
	size_t n = strlen(hex) / 2;
	bool same = pb->len == n && !pb->oom;

	for (size_t i = 0; same && i < n; i++) {
		unsigned int b;

		sscanf(hex + 2 * i, "%2x", &b);
		same = pb->buf[i] == b;
	}
	if (!same) {
		printf("#   got ");
		for (size_t i = 0; i < pb->len; i++)
			printf("%02x", pb->buf[i]);
		printf(", want %s\n", hex);
	}
	return same;
}

static void reset(struct scmwq_pb *pb)
{
	pb->len = 0;
}

static void test_scalars(void)
{
	struct scmwq_pb pb = { 0 };

	scmwq_pb_varint(&pb, 1, 150);
	ok(bytes_are(&pb, "089601"), "field 1 = 150 is 08 96 01 (the specification's example)");
	reset(&pb);
	scmwq_pb_varint(&pb, 1, 0);
	scmwq_pb_varint(&pb, 2, 127);
	scmwq_pb_varint(&pb, 3, 128);
	ok(bytes_are(&pb, "0800107f188001"), "0, 127 and 128 take one, one and two bytes");
	reset(&pb);
	scmwq_pb_int(&pb, 4, -1);
	ok(bytes_are(&pb, "20ffffffffffffffffff01"), "int -1 is ten bytes, as int32/int64 are");
	reset(&pb);
	scmwq_pb_varint(&pb, 60, UINT64_MAX);
	ok(bytes_are(&pb, "e003ffffffffffffffffff01"), "field 60 takes a two-byte tag; 2^64-1");
	reset(&pb);
	scmwq_pb_fixed64(&pb, 47, 0x0102030405060708ULL);
	ok(bytes_are(&pb, "f9020807060504030201"), "fixed64: wire type 1, little-endian");
	reset(&pb);
	scmwq_pb_str(&pb, 2, "testing");
	ok(bytes_are(&pb, "120774657374696e67"), "string \"testing\" (the specification's example)");
	scmwq_pb_free(&pb);
}

static void test_nested(void)
{
	struct scmwq_pb pb = { 0 };
	char body[200];
	size_t outer, inner;

	memset(body, 'a', sizeof(body));
	/* field 3 = { field 1 = 150 }: 1a 03 08 96 01 */
	outer = scmwq_pb_open(&pb, 3);
	scmwq_pb_varint(&pb, 1, 150);
	scmwq_pb_close(&pb, outer);
	ok(bytes_are(&pb, "1a03089601"), "a nested message: its length before it");
	reset(&pb);

	/* 127 bytes of body: the length still fits in one byte */
	outer = scmwq_pb_open(&pb, 1);
	scmwq_pb_bytes(&pb, 2, body, 125);
	scmwq_pb_close(&pb, outer);
	ok(pb.len == 2 + 127 && pb.buf[1] == 127 && pb.buf[2] == 0x12 && pb.buf[3] == 125,
	   "a 127-byte nested message keeps a one-byte length");
	reset(&pb);

	/* 128 bytes: two length bytes, the body moved along by one */
	outer = scmwq_pb_open(&pb, 1);
	scmwq_pb_bytes(&pb, 2, body, 126);
	scmwq_pb_close(&pb, outer);
	ok(pb.len == 3 + 128 && pb.buf[1] == 0x80 && pb.buf[2] == 0x01 && pb.buf[3] == 0x12 &&
	   pb.buf[4] == 126 && pb.buf[5] == 'a' && pb.buf[130] == 'a',
	   "a 128-byte nested message gets a two-byte length, its body intact");
	reset(&pb);

	/* both levels cross 127: inner closes first, then outer counts the moved inner */
	outer = scmwq_pb_open(&pb, 11);
	scmwq_pb_varint(&pb, 9, 1);
	inner = scmwq_pb_open(&pb, 4);
	scmwq_pb_bytes(&pb, 6, body, 150);
	scmwq_pb_close(&pb, inner);
	scmwq_pb_close(&pb, outer);
	/* inner: 32 96 01 + 150 = 153 bytes body: 22 99 01; outer body 2 + 3 + 153 = 158 */
	ok(pb.len == 3 + 158 && pb.buf[0] == 0x5a && pb.buf[1] == 0x9e && pb.buf[2] == 0x01 &&
	   pb.buf[3] == 0x48 && pb.buf[4] == 0x01 && pb.buf[5] == 0x22 && pb.buf[6] == 0x99 &&
	   pb.buf[7] == 0x01 && pb.buf[8] == 0x32 && pb.buf[9] == 0x96 && pb.buf[10] == 0x01 &&
	   pb.buf[11] == 'a' && pb.buf[160] == 'a',
	   "nested in nested, both over 127 bytes");
	scmwq_pb_free(&pb);
}

static void test_emit(void)
{
	struct scmwq_pb pb = { 0 };
	char out[64] = "";
	FILE *f = fmemopen(out, sizeof(out), "w");

	scmwq_pb_varint(&pb, 8, 1000);
	ok(f && scmwq_pb_emit(&pb, 1, f) == 0, "a packet is written");
	is_int(pb.len, 0, "and the buffer emptied for the next");
	fclose(f);
	ok(!memcmp(out, "\x0a\x03\x40\xe8\x07", 5), "as field 1 of the stream: 0a 03 40 e8 07");
	scmwq_pb_free(&pb);
}

static void test_intern(void)
{
	struct scmwq_pb_intern in = { 0 };
	char name[32], longer[SCMWQ_PB_INTERN_LEN + 1];
	bool fresh, all = true;
	uint32_t id;

	is_int(scmwq_pb_intern(&in, "in firmware", &fresh), 1, "the first string gets id 1");
	ok(fresh, "and is new");
	is_int(scmwq_pb_intern(&in, "sleep wq_ctx 3", &fresh), 2, "the next id 2");
	is_int(scmwq_pb_intern(&in, "in firmware", &fresh), 1, "a string seen keeps its id");
	ok(!fresh, "and is not new");
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = 0;
	is_int(scmwq_pb_intern(&in, longer, &fresh), 0, "a string too long is not interned");
	for (int i = 0; i < SCMWQ_PB_INTERN_SLOTS; i++) {
		snprintf(name, sizeof(name), "sleep wq_ctx %d", 1000 + i);
		id = scmwq_pb_intern(&in, name, &fresh);
		if (i < SCMWQ_PB_INTERN_SLOTS / 2 - 2 ? id != (uint32_t)i + 3 : id != 0)
			all = false;
	}
	ok(all, "ids go on up to half the table, then strings are not interned (bounded)");
	is_int(scmwq_pb_intern(&in, "sleep wq_ctx 3", &fresh), 2, "a full table still finds its own");
	scmwq_pb_intern_free(&in);
}

int main(void)
{
	test_scalars();
	test_nested();
	test_emit();
	test_intern();
	return tap_done();
}
