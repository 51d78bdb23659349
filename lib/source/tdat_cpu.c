// SPDX-License-Identifier: GPL-2.0
/*
 * One CPU's ring-buffer pages of a trace.dat: read a few pages at a time
 * (or one compressed chunk at a time), and walk each page's records as
 * libtraceevent's kbuffer does (the kernel's ring_buffer_event: type_len
 * 1-28 data, 0 data with its length in array[0], 29 padding, 30 time
 * extend, 31 absolute time stamp), every length checked against the page's
 * commit.  Memory: one batch of pages or one chunk per CPU.
 */
#include <stdlib.h>
#include <string.h>

#include "source/tdat_cpu.h"
#include "source/tdat_zip.h"

#define PAGES_PER_READ	16
#define COMMIT_MASK	((1u << 27) - 1)
#define MISSED_EVENTS	(1ull << 31)
#define MISSED_STORED	(1ull << 30)
#define TS_SHIFT	27
#define TS_MSB		(0xf8ull << 56)

enum { T_PADDING = 29, T_TIME_EXTEND = 30, T_TIME_STAMP = 31 };

void tdat_stream_init(struct tdat_stream *s, const struct tdat_layout *l, uint32_t page_size,
		      bool compressed, const struct tdat_cpu_range *r)
{
	memset(s, 0, sizeof(*s));
	s->io = (struct tdat_io *)&l->io;
	s->zip = l->zip;
	s->commit_size = l->commit_size;
	s->page_size = page_size;
	s->compressed = compressed;
	s->native = !l->io.big_endian && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
	s->pos = r->off;
	s->end = r->off + r->size;
	/*
	 * Compressed: the chunks say where they end; the size trace-cmd
	 * records for them is not always theirs (trace-cmd convert writes it
	 * short), so they are only held to the file.
	 */
	if (compressed)
		s->end = l->io.size;
}

void tdat_stream_free(struct tdat_stream *s)
{
	free(s->buf);
	free(s->zbuf);
	s->buf = s->zbuf = NULL;
}

static int grow(struct tdat_stream *s, unsigned char **p, size_t *cap, size_t n)
{
	unsigned char *q;

	if (n <= *cap)
		return 0;
	q = realloc(*p, n);
	if (!q)
		return scmwq_error_set(s->io->err, SCMWQ_E_INTERNAL, "out of memory");
	*p = q;
	*cap = n;
	return 0;
}

/* Plain data: the next batch of pages.  0: none left. */
static int fill_plain(struct tdat_stream *s)
{
	uint64_t n = s->end - s->pos;

	if (!n)
		return 0;
	if (n > (uint64_t)s->page_size * PAGES_PER_READ)
		n = (uint64_t)s->page_size * PAGES_PER_READ;
	if (grow(s, &s->buf, &s->buf_cap, n) < 0 ||
	    tdat_read(s->io, s->pos, s->buf, n, "ring-buffer pages") < 0)
		return -1;
	s->buf_base = s->pos;
	s->buf_len = n;
	s->buf_pos = 0;
	s->pos += n;
	return 1;
}

/* Compressed data: the next chunk (count, then (zsize, size, data) each).  0: none left. */
static int fill_chunk(struct tdat_stream *s)
{
	uint64_t zlen, len, at = s->pos;
	unsigned char h[8];

	if (!s->started) {
		s->started = true;
		if (s->end - s->pos < 4)
			return tdat_bad(s->io, s->pos, "a chunk count within the CPU's %llu bytes",
					(unsigned long long)(s->end - s->pos));
		if (tdat_read_num(s->io, &s->pos, 4, &s->chunks_left, "a chunk count") < 0)
			return -1;
		if (s->chunks_left > (s->end - s->pos) / 8)
			return tdat_bad(s->io, at, "a chunk count of at most %llu, not %llu",
					(unsigned long long)((s->end - s->pos) / 8),
					(unsigned long long)s->chunks_left);
		at = s->pos;
	}
	if (!s->chunks_left)
		return 0;
	if (s->end - s->pos < 8 || tdat_read(s->io, s->pos, h, 8, "a chunk header") < 0)
		return s->end - s->pos < 8 ? tdat_bad(s->io, at, "a chunk header within the CPU's "
						      "data") : -1;
	zlen = tdat_num(s->io, h, 4);
	len = tdat_num(s->io, h + 4, 4);
	if (zlen > s->end - s->pos - 8)
		return tdat_bad(s->io, at, "a chunk of at most %llu compressed bytes, not %llu",
				(unsigned long long)(s->end - s->pos - 8),
				(unsigned long long)zlen);
	if (len > TDAT_MAX_CHUNK)
		return tdat_bad(s->io, at, "a chunk of at most %u bytes, not %llu", TDAT_MAX_CHUNK,
				(unsigned long long)len);
	if (grow(s, &s->zbuf, &s->zcap, zlen ? zlen : 1) < 0 ||
	    grow(s, &s->buf, &s->buf_cap, len ? len : 1) < 0 ||
	    tdat_read(s->io, s->pos + 8, s->zbuf, zlen, "compressed data") < 0)
		return -1;
	if (tdat_unzip(s->zip, s->zbuf, zlen, s->buf, len) < 0)
		return tdat_bad(s->io, at + 8, "%llu bytes of valid compressed data giving %llu",
				(unsigned long long)zlen, (unsigned long long)len);
	s->pos += 8 + zlen;
	s->chunks_left--;
	s->buf_base = at;
	s->buf_len = len;
	s->buf_pos = 0;
	return 1;
}

static uint64_t rd(const struct tdat_stream *s, const unsigned char *p, int n)
{
	return tdat_num(s->io, p, n);
}

/* The next page with a header: 1, 0 (no more), -1. */
static int next_page(struct tdat_stream *s)
{
	size_t len;
	uint64_t flags;

	while (s->buf_pos >= s->buf_len) {
		int r = s->compressed ? fill_chunk(s) : fill_plain(s);

		if (r <= 0)
			return r;
	}
	s->page = s->buf + s->buf_pos;
	s->page_off = s->buf_base + s->buf_pos;
	len = s->buf_len - s->buf_pos < s->page_size ? s->buf_len - s->buf_pos : s->page_size;
	s->buf_pos += len;
	s->start = 8 + s->commit_size;
	s->recs = s->page + s->start;
	s->recs_off = s->page_off + s->start;
	s->commit = s->next = 0;	/* no record until the header is read */
	if (len < s->start)
		return tdat_bad(s->io, s->page_off, "a page header of %zu bytes, but the page has %zu",
				s->start, len);
	s->ts = rd(s, s->page, 8);
	flags = rd(s, s->page + 8, s->commit_size);
	if ((flags & COMMIT_MASK) > len - s->start)
		return tdat_bad(s->io, s->page_off + 8, "a page commit of at most %zu bytes, not %zu",
				len - s->start, (size_t)(flags & COMMIT_MASK));
	s->commit = flags & COMMIT_MASK;
	s->missed = 0;
	if (flags & MISSED_EVENTS) {
		s->missed = -1;
		if ((flags & MISSED_STORED) && len - s->start - s->commit >= (size_t)s->commit_size)
			s->missed = rd(s, s->page + s->start + s->commit, s->commit_size);
	}
	s->next = 0;
	return 1;
}

static int rec_bad(struct tdat_stream *s, size_t at, const char *what, size_t n)
{
	return tdat_bad(s->io, s->page_off + s->start + at, "%s (%zu bytes) within the page's "
			"commit of %zu bytes", what, n, s->commit);
}

int tdat_stream_next_slow(struct tdat_stream *s, struct tep_record *rec)
{
	for (;;) {
		const unsigned char *d;
		size_t curr, left, len, adv;
		uint64_t word, delta, ext;
		unsigned int type;

		if (!s->page || s->next >= s->commit) {
			int r = next_page(s);

			if (r <= 0)
				return r;
			continue;
		}
		d = s->page + s->start;
		curr = s->next;
		left = s->commit - curr;
		if (left < 4)
			return rec_bad(s, curr, "a record header", 4);
		word = rd(s, d + curr, 4);
		if (s->io->big_endian) {
			type = (word >> 27) & 0x1f;
			delta = word & ((1u << 27) - 1);
		} else {
			type = word & 0x1f;
			delta = word >> 5;
		}
		switch (type) {
		case T_PADDING:
			/* a null padding (no delta) fills the page's end */
			if (!delta || left < 8) {
				s->next = s->commit;
				continue;
			}
			s->ts += delta;
			len = rd(s, d + curr + 4, 4);
			if (len > left - 4) {
				s->next = s->commit;
				continue;
			}
			s->next = curr + 4 + len;
			continue;
		case T_TIME_EXTEND:
		case T_TIME_STAMP:
			if (left < 8)
				return rec_bad(s, curr, "a time extend", 8);
			ext = (rd(s, d + curr + 4, 4) << TS_SHIFT) + delta;
			if (type == T_TIME_STAMP)
				s->ts = ext | (s->ts & TS_MSB);
			else
				s->ts += ext;
			s->next = curr + 8;
			continue;
		case 0:
			if (left < 8)
				return rec_bad(s, curr, "a record with its length", 8);
			len = rd(s, d + curr + 4, 4);
			if (len < 4)
				return rec_bad(s, curr, "a record length of at least 4", len);
			len -= 4;
			adv = 8 + ((len + 3) & ~(size_t)3);
			rec->data = (void *)(d + curr + 8);
			break;
		default:
			len = type * 4;
			adv = 4 + len;
			rec->data = (void *)(d + curr + 4);
			break;
		}
		if (adv > left)
			return rec_bad(s, curr, "an event record", adv);
		s->ts += delta;
		rec->ts = s->ts;
		rec->size = rec->record_size = len;
		rec->offset = s->page_off + s->start + curr;
		rec->missed_events = s->missed;
		s->missed = 0;
		s->next = curr + adv;
		return 1;
	}
}
