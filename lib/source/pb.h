/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The protobuf wire format, read side (lib/source/pb_read.c): what the
 * Perfetto reader (lib/source/perfetto*.c) decodes its messages with.  Not
 * installed.
 *
 * Hand-written rather than protobuf-c: the reader must stream a trace packet
 * by packet in bounded memory and take any bytes, every length checked
 * against what is left of its message, unknown fields skipped; a generated
 * parser unpacks whole messages into allocated trees, which for a
 * FtraceEventBundle of thousands of events costs more than the decoding
 * here, and it would add a build dependency for five functions.
 */
#ifndef SCMWQ_LIB_SOURCE_PB_H
#define SCMWQ_LIB_SOURCE_PB_H

#include <stddef.h>
#include <stdint.h>

enum pb_wire {
	PB_VARINT = 0,
	PB_I64 = 1,
	PB_LEN = 2,
	PB_I32 = 5,
};

/* A message being read: the bytes from @p to @end. */
struct pb_msg {
	const uint8_t *p, *end;
};

/* One field: its number and wire type; @v for numbers, @data/@len for LEN. */
struct pb_field {
	uint32_t num;
	enum pb_wire wire;
	uint64_t v;
	const uint8_t *data;
	size_t len;
};

static inline struct pb_msg pb_msg(const void *data, size_t len)
{
	struct pb_msg m = { data, (const uint8_t *)data + len };

	return m;
}

/* The LEN field @f as a message of its own. */
static inline struct pb_msg pb_sub(const struct pb_field *f)
{
	return pb_msg(f->data, f->len);
}

/*
 * Read a varint at *@p (before @end) into *@v and advance *@p.  Returns 0,
 * or -1 when it runs past @end or over 10 bytes (*@p is left where it was).
 */
int pb_varint(const uint8_t **p, const uint8_t *end, uint64_t *v);

/*
 * The next field of @m into @f.  Returns 1, 0 at the message's end, or -1
 * when the bytes are no valid field (*@why says what was expected; @m->p
 * stays at the field's start, for the offset).
 */
int pb_next(struct pb_msg *m, struct pb_field *f, const char **why);

#endif /* SCMWQ_LIB_SOURCE_PB_H */
