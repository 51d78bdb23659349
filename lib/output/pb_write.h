/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small protobuf wire-format writer (lib/output/pb_write.c) and a table
 * of interned strings (lib/output/pb_intern.c), for the Perfetto timeline:
 * one message at a time built in a growable buffer, nested messages with
 * their exact lengths, then written out as one field of the stream.
 * Not installed.
 */
#ifndef SCMWQ_PB_WRITE_H
#define SCMWQ_PB_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One message being built; zero-initialised is empty. */
struct scmwq_pb {
	uint8_t *buf;
	size_t len, cap;
	bool oom;		/* a write did not fit: the message is lost */
};

/* Field @field as a varint (uint32/64, bool, enum, non-negative int). */
void scmwq_pb_varint(struct scmwq_pb *pb, uint32_t field, uint64_t v);
/* Field @field as an int32/int64 (negative: ten bytes, as protobuf has it). */
void scmwq_pb_int(struct scmwq_pb *pb, uint32_t field, int64_t v);
/* Field @field as a fixed64. */
void scmwq_pb_fixed64(struct scmwq_pb *pb, uint32_t field, uint64_t v);
/* Field @field as length-delimited bytes. */
void scmwq_pb_bytes(struct scmwq_pb *pb, uint32_t field, const void *p, size_t n);
/* Field @field as a string (NUL-terminated @s). */
void scmwq_pb_str(struct scmwq_pb *pb, uint32_t field, const char *s);

/*
 * Open a nested message as field @field; returns the mark to close it
 * with.  Nested messages close innermost first.
 */
size_t scmwq_pb_open(struct scmwq_pb *pb, uint32_t field);
/* Close the nested message opened at @mark: its length is written. */
void scmwq_pb_close(struct scmwq_pb *pb, size_t mark);

/*
 * Write the message built as field @field of the stream @out (tag, length,
 * bytes) and empty the buffer.  Returns 0, or -1 if it ran out of memory
 * while building (nothing is written) or @out failed.
 */
int scmwq_pb_emit(struct scmwq_pb *pb, uint32_t field, FILE *out);
/* Free the buffer. */
void scmwq_pb_free(struct scmwq_pb *pb);

/*
 * Interned strings: each distinct string gets an id from 1 up, as
 * Perfetto's InternedData wants.  The table is fixed in size (allocated on
 * first use); once full, scmwq_pb_intern() returns 0 and the caller writes
 * the string itself, so memory stays bounded whatever the input.
 */
#define SCMWQ_PB_INTERN_SLOTS	2048	/* a power of two; at most half used */
#define SCMWQ_PB_INTERN_LEN	96	/* longer strings are not interned */

struct scmwq_pb_intern {
	char (*str)[SCMWQ_PB_INTERN_LEN];
	uint32_t *iid;		/* 0: free slot */
	uint32_t next;		/* the next id - 1 */
};

/*
 * The id of @s; *@fresh is set when it was given now (the caller writes
 * the entry in this packet).  0: not interned (too long, table full or
 * out of memory).
 */
uint32_t scmwq_pb_intern(struct scmwq_pb_intern *in, const char *s, bool *fresh);
/* Free the table. */
void scmwq_pb_intern_free(struct scmwq_pb_intern *in);

#endif
