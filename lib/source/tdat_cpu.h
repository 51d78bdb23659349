/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One CPU's ring-buffer data of a trace.dat, read page by page
 * (lib/source/tdat_cpu.c).  Internal.
 */
#ifndef SCMWQ_LIB_TDAT_CPU_H
#define SCMWQ_LIB_TDAT_CPU_H

#include <string.h>

#include "source/tdat_layout.h"

/* The largest decompressed chunk we accept (trace-cmd writes 10 pages). */
#define TDAT_MAX_CHUNK	(8u << 20)

struct tdat_stream {
	struct tdat_io *io;
	int zip;			/* TDAT_ZIP_* when compressed */
	int commit_size;
	uint32_t page_size;
	uint64_t pos, end;		/* what is left of the CPU's data in the file */
	bool compressed, started;
	uint64_t chunks_left;
	unsigned char *buf, *zbuf;	/* pages read, or a decompressed chunk; compressed bytes */
	size_t buf_cap, zcap, buf_len, buf_pos;
	uint64_t buf_base;		/* file offset of buf[0]; of the chunk when compressed */
	/* the page being read */
	const unsigned char *page;
	uint64_t page_off;
	size_t start, commit, next;	/* of the records: where they start, their size, the next's */
	const unsigned char *recs;	/* page + start */
	uint64_t recs_off;		/* page_off + start */
	uint64_t ts;
	long long missed;
	bool native;			/* little-endian data on a little-endian host */
};

/* Start reading @r (of a buffer with pages of @page_size). */
void tdat_stream_init(struct tdat_stream *s, const struct tdat_layout *l, uint32_t page_size,
		      bool compressed, const struct tdat_cpu_range *r);

/* tdat_stream_next() for any record, page or damage. */
int tdat_stream_next_slow(struct tdat_stream *s, struct tep_record *rec);

/*
 * The next record: 1 (@rec filled), 0 (no more), -1 (@io's err set:
 * SCMWQ_E_DATA with the offset of the damage).  Of @rec, set: ts (the
 * ring buffer's time, before any file offset), data (the event, common
 * fields first; valid until the next call), size and record_size (its
 * bytes), offset (of its header, in the file; in compressed data the
 * chunk's offset in the file plus the record's offset in the decompressed
 * chunk) and missed_events (first record of a page after a loss: events
 * lost, -1 unknown; else 0).  The others are left alone.
 *
 * Inline, the common case: a data record (type_len 1-28, its length in
 * its header) wholly within the page's commit, in the host's byte order.
 * s->next never passes s->commit.
 */
static inline int tdat_stream_next(struct tdat_stream *s, struct tep_record *rec)
{
	size_t left = s->commit - s->next;

	if (s->native && left >= 4) {
		const unsigned char *d = s->recs + s->next;
		uint32_t word;
		unsigned int type;

		memcpy(&word, d, 4);
		type = word & 0x1f;
		if (type - 1 < 28 && 4 + type * 4 <= left) {
			s->ts += word >> 5;
			rec->ts = s->ts;
			rec->data = (void *)(d + 4);
			rec->size = rec->record_size = type * 4;
			rec->offset = s->recs_off + s->next;
			rec->missed_events = s->missed;
			s->missed = 0;
			s->next += 4 + type * 4;
			return 1;
		}
	}
	return tdat_stream_next_slow(s, rec);
}

void tdat_stream_free(struct tdat_stream *s);

#endif /* SCMWQ_LIB_TDAT_CPU_H */
