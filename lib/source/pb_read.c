// SPDX-License-Identifier: GPL-2.0
/*
 * The protobuf wire format, read side: varints, fixed32/64 and
 * length-delimited fields, each checked against the end of the message
 * that holds it.  Groups (wire types 3 and 4) are refused: Perfetto never
 * writes them.  Why hand-written: lib/source/pb.h.
 */
#include "source/pb.h"

int pb_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	const uint8_t *q = *p;
	uint64_t x = 0;

	for (int shift = 0; shift < 70 && q < end; shift += 7) {
		uint8_t b = *q++;

		x |= (uint64_t)(b & 0x7f) << (shift < 64 ? shift : 63);
		if (!(b & 0x80)) {
			*v = x;
			*p = q;
			return 0;
		}
	}
	return -1;
}

int pb_next(struct pb_msg *m, struct pb_field *f, const char **why)
{
	const uint8_t *q = m->p;
	uint64_t tag, len;

	if (q >= m->end)
		return 0;
	if (pb_varint(&q, m->end, &tag) < 0) {
		*why = "a field tag (a varint), but the message ends inside it";
		return -1;
	}
	f->num = (uint32_t)(tag >> 3);
	f->wire = (enum pb_wire)(tag & 7);
	if (tag >> 3 == 0 || tag >> 3 > 0x1fffffff) {
		*why = "a field number from 1 to 2^29-1";
		return -1;
	}
	switch (f->wire) {
	case PB_VARINT:
		if (pb_varint(&q, m->end, &f->v) < 0) {
			*why = "a varint value, but the message ends inside it";
			return -1;
		}
		break;
	case PB_I64:
	case PB_I32: {
		size_t n = f->wire == PB_I64 ? 8 : 4;

		if ((size_t)(m->end - q) < n) {
			*why = "a fixed-size value, but the message ends inside it";
			return -1;
		}
		f->v = 0;
		for (size_t i = 0; i < n; i++)
			f->v |= (uint64_t)q[i] << (8 * i);
		q += n;
		break;
	}
	case PB_LEN:
		if (pb_varint(&q, m->end, &len) < 0) {
			*why = "a length (a varint), but the message ends inside it";
			return -1;
		}
		if (len > (uint64_t)(m->end - q)) {
			*why = "a length-delimited field within its message, but its length runs "
			       "past the message's end";
			return -1;
		}
		f->data = q;
		f->len = (size_t)len;
		q += len;
		break;
	default:
		*why = "a wire type of 0, 1, 2 or 5 (groups and unknown types are not "
		       "protobuf Perfetto writes)";
		return -1;
	}
	m->p = q;
	return 1;
}
