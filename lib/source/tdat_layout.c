// SPDX-License-Identifier: GPL-2.0
/*
 * The layout of a trace.dat file, versions 6 and 7 (trace-cmd.dat.v6(5),
 * trace-cmd.dat.v7(5)), read with bounded reads: every offset, size, count
 * and string is checked against the file (or the section holding it)
 * before it is used, and what is loaded into memory is what the file holds
 * (a compressed section: what it declares, at most TDAT_MAX_BLOB).
 *
 * Only what replay needs is kept: the page header's commit size, the
 * formats of our events (checked and rebuilt by tdat_fmt.c, then parsed by
 * libtraceevent), the saved comms, the time offset, and where each CPU's
 * pages lie.  kallsyms, printk formats and ftrace formats are skipped.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/tdat_fmt.h"
#include "source/tdat_format.h"
#include "source/tdat_layout.h"
#include "source/tdat_zip.h"

/* trace-cmd's option and section ids (enum tracecmd_option_id) */
enum {
	OPT_DONE	= 0,
	OPT_DATE	= 1,
	OPT_BUFFER	= 3,
	OPT_OFFSET	= 7,
	OPT_CPUCOUNT	= 8,
	OPT_HEADER_INFO	= 16,
	OPT_EVENT_FMTS	= 18,
	OPT_CMDLINES	= 21,
	OPT_BUFFER_TEXT	= 22,
	SEC_BUFFER	= 3,
};

#define MAX_OPTION_SECTIONS	64

/* ------------------------------------------------------------------ */
/* Blobs: a block of the file, or a section, in memory                  */

struct blob {
	unsigned char *p;	/* NUL-terminated (one byte past @len) */
	size_t len;
	uint64_t base;		/* file offset of its first byte (compressed: of the section) */
};

static int blob_alloc(struct tdat_io *io, struct blob *b, uint64_t len, uint64_t at,
		      const char *what)
{
	if (len > TDAT_MAX_BLOB)
		return tdat_bad(io, at, "%s of at most %u bytes, not %llu", what, TDAT_MAX_BLOB,
				(unsigned long long)len);
	b->p = malloc(len + 1);
	if (!b->p)
		return scmwq_error_set(io->err, SCMWQ_E_INTERNAL, "out of memory");
	b->p[len] = '\0';
	b->len = len;
	b->base = at;
	return 0;
}

/* @len bytes of the file at @off. */
static int blob_read(struct tdat_io *io, struct blob *b, uint64_t off, uint64_t len,
		     const char *what)
{
	if (tdat_need(io, off, len, what) < 0 || blob_alloc(io, b, len, off, what) < 0)
		return -1;
	if (tdat_read(io, off, b->p, len, what) < 0) {
		free(b->p);
		b->p = NULL;
		return -1;
	}
	return 0;
}

/* A sized block: its size in @n bytes at *@off, then the bytes (stepped over). */
static int blob_sized(struct tdat_io *io, struct blob *b, uint64_t *off, int n, const char *what)
{
	uint64_t len;

	if (tdat_read_num(io, off, n, &len, what) < 0 || blob_read(io, b, *off, len, what) < 0)
		return -1;
	*off += len;
	return 0;
}

static struct tdat_mem blob_mem(const struct blob *b)
{
	return (struct tdat_mem){ .p = b->p, .len = b->len, .base = b->base };
}

/* ------------------------------------------------------------------ */
/* What we keep from the blocks                                         */

/* header_page: the size of the page header's commit field (4 or 8). */
static int take_header_page(struct tdat_layout *l, const struct blob *b)
{
	const char *c = strstr((const char *)b->p, " commit;");
	const char *s = c ? strstr(c, "size:") : NULL;

	l->commit_size = l->long_size;
	if (s)
		l->commit_size = atoi(s + 5);
	if (l->commit_size != 4 && l->commit_size != 8)
		return tdat_bad(&l->io, b->base, "a header_page whose commit field has 4 or 8 bytes, "
				"not %d", l->commit_size);
	return 0;
}

static int take_format(struct tdat_layout *l, const char *sys, const unsigned char *p, size_t len,
		       uint64_t at)
{
	const char *why;
	size_t canon_len, bad_at;
	char *canon;
	int r = tdat_fmt_canon(sys, (const char *)p, len, &canon, &canon_len, &bad_at, &why);

	if (r == -2)
		return scmwq_error_set(l->io.err, SCMWQ_E_INTERNAL, "out of memory");
	if (r < 0)
		return tdat_bad(&l->io, at + bad_at, "%s (event format of system \"%.32s\")", why,
				sys);
	if (r == 0)
		return 0;
	if (tep_parse_event(l->tep, canon, canon_len, sys)) {
		free(canon);
		return tdat_bad(&l->io, at, "an event format libtraceevent can parse");
	}
	free(canon);
	l->nformats++;
	return 0;
}

/*
 * Saved comms, "PID COMM" a line, as libtraceevent's
 * tep_parse_saved_cmdlines() reads them (up to the first line that is not
 * one), but without its sscanf(), which leaks on an out-of-range pid.
 */
static int take_cmdlines(struct tdat_layout *l, const struct blob *b)
{
	char *p = (char *)b->p, *end = p + strlen(p);

	while (p < end) {
		char *nl = memchr(p, '\n', end - p), *e = nl ? nl : end, *q = p;
		bool neg = false;
		long long pid = 0;
		int digits = 0;

		if (e == p) {
			p = e + 1;	/* strtok_r() skips empty lines */
			continue;
		}
		while (q < e && isspace((unsigned char)*q))
			q++;
		if (q < e && (*q == '-' || *q == '+'))
			neg = *q++ == '-';
		while (q < e && isdigit((unsigned char)*q) && digits < 11) {
			pid = pid * 10 + (*q++ - '0');
			digits++;
		}
		if (!digits || pid > INT_MAX)
			break;
		while (q < e && isspace((unsigned char)*q))
			q++;
		if (q == e)
			break;
		*e = '\0';
		errno = 0;
		if (tep_register_comm(l->tep, q, neg ? -(int)pid : (int)pid) < 0 && errno == ENOMEM)
			return scmwq_error_set(l->io.err, SCMWQ_E_INTERNAL, "out of memory");
		p = e + 1;
	}
	return 0;
}

/* A string option's value, as a NUL-terminated copy of at most 63 bytes. */
static void opt_string(const unsigned char *p, size_t n, char *buf, size_t size)
{
	size_t k = strnlen((const char *)p, n < size - 1 ? n : size - 1);

	memcpy(buf, p, k);
	buf[k] = '\0';
}

static int new_buffer(struct tdat_layout *l, uint64_t at, struct tdat_buffer **bp)
{
	if (l->nbufs >= TDAT_MAX_BUFS)
		return tdat_bad(&l->io, at, "at most %d buffer instances", TDAT_MAX_BUFS);
	*bp = &l->bufs[l->nbufs++];
	(*bp)->page_size = l->page_size;
	return 0;
}

/* Options common to both versions; @v7_data: BUFFER in its version 7 form. */
static int take_option(struct tdat_layout *l, unsigned int id, const unsigned char *p, size_t n,
		       uint64_t at, uint64_t *buf_off, char *buf_name)
{
	char s[64];

	switch (id) {
	case OPT_DATE:
	case OPT_OFFSET:
		opt_string(p, n, s, sizeof(s));
		l->ts_offset += strtoll(s, NULL, 0) * (id == OPT_DATE ? 1000 : 1);
		break;
	case OPT_CPUCOUNT:
		if (n >= 4)
			l->cpus = tdat_num(&l->io, p, 4) > TDAT_MAX_CPUS ? TDAT_MAX_CPUS :
				  (int)tdat_num(&l->io, p, 4);
		break;
	case OPT_BUFFER:
		if (n < 9)
			return tdat_bad(&l->io, at, "a BUFFER option of at least 9 bytes, not %zu", n);
		*buf_off = tdat_num(&l->io, p, 8);
		opt_string(p + 8, n - 8, buf_name, 64);
		break;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The CPU table of a flyrecord                                         */

static int check_cpu_range(struct tdat_layout *l, struct tdat_buffer *b, int i, uint64_t at)
{
	struct tdat_cpu_range *r = &b->cpus[i];
	char what[96];

	snprintf(what, sizeof(what), "the data of CPU %d%s%s", r->cpu,
		 b->name[0] ? " of buffer " : "", b->name);
	if (r->size && tdat_need(&l->io, r->off, r->size, what) < 0)
		return -1;
	(void)at;
	return 0;
}

/* Version 6: "flyrecord\0" was read; (offset, size) per CPU at *@off. */
static int v6_cpu_table(struct tdat_layout *l, struct tdat_buffer *b, uint64_t off)
{
	uint64_t cpus = l->cpus;

	if (cpus > TDAT_MAX_CPUS || tdat_need(&l->io, off, cpus * 16, "the CPU data table") < 0)
		return cpus > TDAT_MAX_CPUS ? tdat_bad(&l->io, off, "at most %d CPUs",
						       TDAT_MAX_CPUS) : -1;
	b->cpus = calloc(cpus ? cpus : 1, sizeof(*b->cpus));
	if (!b->cpus)
		return scmwq_error_set(l->io.err, SCMWQ_E_INTERNAL, "out of memory");
	b->ncpus = cpus;
	for (uint64_t i = 0; i < cpus; i++) {
		b->cpus[i].cpu = i;
		if (tdat_read_num(&l->io, &off, 8, &b->cpus[i].off, "the CPU data table") < 0 ||
		    tdat_read_num(&l->io, &off, 8, &b->cpus[i].size, "the CPU data table") < 0 ||
		    check_cpu_range(l, b, i, off) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Version 6                                                            */

static int expect_tag(struct tdat_layout *l, uint64_t *off, const char *tag, size_t n)
{
	char b[16];

	if (tdat_read(&l->io, *off, b, n, tag) < 0)
		return -1;
	if (memcmp(b, tag, n))
		return tdat_bad(&l->io, *off, "\"%s\"", tag);
	*off += n;
	return 0;
}

/* Options until id 0; BUFFER options (top file only: @top) become buffers. */
static int v6_options(struct tdat_layout *l, uint64_t *off, bool top, uint64_t *boffs)
{
	for (;;) {
		uint64_t id, size, at;
		struct blob b = { 0 };
		char name[64] = "";
		uint64_t boff = 0;
		struct tdat_buffer *buf = NULL;
		int r;

		at = *off;
		if (tdat_read_num(&l->io, off, 2, &id, "an option id") < 0)
			return -1;
		if (!id)
			return 0;
		if (tdat_read_num(&l->io, off, 4, &size, "an option size") < 0 ||
		    blob_read(&l->io, &b, *off, size, "an option") < 0)
			return -1;
		r = take_option(l, id, b.p, b.len, at, &boff, name);
		free(b.p);
		if (r < 0)
			return -1;
		if (id == OPT_BUFFER && top) {
			if (new_buffer(l, at, &buf) < 0)
				return -1;
			memcpy(buf->name, name, sizeof(buf->name));
			boffs[l->nbufs - 1] = boff;
		}
		*off += size;
	}
}

/* "options  " (optional) then "flyrecord" or "latency  " at *@off, for @b. */
static int v6_data(struct tdat_layout *l, uint64_t off, struct tdat_buffer *b, bool top,
		   uint64_t *boffs)
{
	char tag[10];

	if (tdat_read(&l->io, off, tag, 10, "the data header") < 0)
		return -1;
	if (!memcmp(tag, "options  ", 10)) {
		off += 10;
		if (v6_options(l, &off, top, boffs) < 0 ||
		    tdat_read(&l->io, off, tag, 10, "the data header") < 0)
			return -1;
	}
	if (!memcmp(tag, "latency  ", 10)) {
		b->latency = true;
		return 0;
	}
	if (expect_tag(l, &off, "flyrecord", 10) < 0)
		return -1;
	return v6_cpu_table(l, b, off);
}

static int v6_read(struct tdat_layout *l, uint64_t off)
{
	uint64_t count, boffs[TDAT_MAX_BUFS] = { 0 }, cpus;
	struct blob b = { 0 };
	int r;

	if (expect_tag(l, &off, "header_page", 12) < 0 ||
	    blob_sized(&l->io, &b, &off, 8, "the header page") < 0)
		return -1;
	r = take_header_page(l, &b);
	free(b.p);
	if (r < 0 || expect_tag(l, &off, "header_event", 13) < 0 ||
	    tdat_read_num(&l->io, &off, 8, &count, "the header event size") < 0 ||
	    tdat_need(&l->io, off, count, "the header event") < 0)
		return -1;
	off += count;
	if (tdat_read_num(&l->io, &off, 4, &count, "the ftrace format count") < 0)
		return -1;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t n;

		if (tdat_read_num(&l->io, &off, 8, &n, "an ftrace format size") < 0 ||
		    tdat_need(&l->io, off, n, "an ftrace format") < 0)
			return -1;
		off += n;
	}
	if (tdat_read_num(&l->io, &off, 4, &count, "the event system count") < 0)
		return -1;
	for (uint64_t i = 0; i < count; i++) {
		char sys[256];
		uint64_t events, at = off;
		size_t k;

		k = l->io.size - off < sizeof(sys) ? l->io.size - off : sizeof(sys);
		if (tdat_read(&l->io, off, sys, k, "a system name") < 0)
			return -1;
		if (!memchr(sys, '\0', k))
			return tdat_bad(&l->io, at, "a NUL-terminated system name of at most 255 "
					"bytes");
		off += strlen(sys) + 1;
		if (tdat_read_num(&l->io, &off, 4, &events, "the event count") < 0)
			return -1;
		for (uint64_t e = 0; e < events; e++) {
			uint64_t fat;

			b.p = NULL;
			fat = off + 8;
			if (blob_sized(&l->io, &b, &off, 8, "an event format") < 0)
				return -1;
			r = take_format(l, sys, b.p, b.len, fat);
			free(b.p);
			if (r < 0)
				return -1;
		}
	}
	if (tdat_read_num(&l->io, &off, 4, &count, "the kallsyms size") < 0 ||
	    tdat_need(&l->io, off, count, "kallsyms") < 0)
		return -1;
	off += count;
	if (tdat_read_num(&l->io, &off, 4, &count, "the printk formats size") < 0 ||
	    tdat_need(&l->io, off, count, "the printk formats") < 0)
		return -1;
	off += count;
	if (blob_sized(&l->io, &b, &off, 8, "the saved command lines") < 0)
		return -1;
	r = take_cmdlines(l, &b);
	free(b.p);
	if (r < 0 || tdat_read_num(&l->io, &off, 4, &cpus, "the CPU count") < 0)
		return -1;
	l->cpus = cpus > TDAT_MAX_CPUS ? TDAT_MAX_CPUS + 1 : (int)cpus;
	l->nbufs = 1;
	l->bufs[0].page_size = l->page_size;
	if (v6_data(l, off, &l->bufs[0], true, boffs) < 0)
		return -1;
	for (int i = 1; i < l->nbufs; i++)
		if (v6_data(l, boffs[i], &l->bufs[i], false, NULL) < 0)
			return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Version 7                                                            */

struct sec {
	unsigned int id, flags;
	uint64_t at, size;	/* header offset; data size */
};

static int sec_header(struct tdat_layout *l, uint64_t at, struct sec *s)
{
	unsigned char h[16];

	if (tdat_read(&l->io, at, h, 16, "a section header") < 0)
		return -1;
	s->at = at;
	s->id = tdat_num(&l->io, h, 2);
	s->flags = tdat_num(&l->io, h + 2, 2);
	s->size = tdat_num(&l->io, h + 8, 8);
	return tdat_need(&l->io, at + 16, s->size, "the data of a section");
}

/* Load section @id at @at, decompressing it. */
static int sec_load(struct tdat_layout *l, uint64_t at, unsigned int id, struct blob *b,
		    struct sec *s)
{
	uint64_t zlen, len;
	unsigned char h[8];
	struct blob z = { 0 };

	if (sec_header(l, at, s) < 0)
		return -1;
	if (s->id != id)
		return tdat_bad(&l->io, at, "section id %u, not %u", id, s->id);
	if (!(s->flags & 1))
		return blob_read(&l->io, b, at + 16, s->size, "a section");
	if (!l->zip)
		return tdat_bad(&l->io, at, "no compressed section in a file whose compression "
				"is \"none\"");
	if (s->size < 8 || tdat_read(&l->io, at + 16, h, 8, "a compression header") < 0)
		return s->size < 8 ? tdat_bad(&l->io, at, "a compressed section of at least 8 "
					      "bytes") : -1;
	zlen = tdat_num(&l->io, h, 4);
	len = tdat_num(&l->io, h + 4, 4);
	if (zlen > s->size - 8)
		return tdat_bad(&l->io, at + 16, "compressed data of at most %llu bytes, not %llu",
				(unsigned long long)(s->size - 8), (unsigned long long)zlen);
	if (blob_read(&l->io, &z, at + 24, zlen, "compressed data") < 0)
		return -1;
	if (blob_alloc(&l->io, b, len, at + 16, "a decompressed section") < 0) {
		free(z.p);
		return -1;
	}
	if (tdat_unzip(l->zip, z.p, zlen, b->p, len) < 0) {
		free(z.p);
		free(b->p);
		b->p = NULL;
		return tdat_bad(&l->io, at + 24, "%llu bytes of valid compressed data giving %llu",
				(unsigned long long)zlen, (unsigned long long)len);
	}
	free(z.p);
	return 0;
}

static int v7_headers(struct tdat_layout *l, uint64_t at)
{
	struct blob b = { 0 }, hp;
	struct tdat_mem m;
	struct sec s;
	const unsigned char *p;
	const char *tag;
	uint64_t n;
	int r = -1;

	if (sec_load(l, at, OPT_HEADER_INFO, &b, &s) < 0)
		return -1;
	m = blob_mem(&b);
	if (tdat_mem_str(&l->io, &m, &tag, "\"header_page\"") < 0)
		goto out;
	if (strcmp(tag, "header_page")) {
		tdat_bad(&l->io, m.base, "\"header_page\"");
		goto out;
	}
	if (tdat_mem_num(&l->io, &m, 8, &n, "the header page size") < 0 ||
	    tdat_mem_bytes(&l->io, &m, n, &p, "the header page") < 0 ||
	    blob_alloc(&l->io, &hp, n, m.base + (p - m.p), "the header page") < 0)
		goto out;
	memcpy(hp.p, p, n);
	r = take_header_page(l, &hp);
	free(hp.p);
out:
	free(b.p);
	return r;
}

static int v7_formats(struct tdat_layout *l, uint64_t at)
{
	struct blob b = { 0 };
	struct tdat_mem m;
	struct sec s;
	uint64_t count;
	int r = -1;

	if (sec_load(l, at, OPT_EVENT_FMTS, &b, &s) < 0)
		return -1;
	m = blob_mem(&b);
	if (tdat_mem_num(&l->io, &m, 4, &count, "the event system count") < 0)
		goto out;
	for (uint64_t i = 0; i < count; i++) {
		const char *sys;
		uint64_t events;

		if (tdat_mem_str(&l->io, &m, &sys, "a system name") < 0 ||
		    tdat_mem_num(&l->io, &m, 4, &events, "the event count") < 0)
			goto out;
		for (uint64_t e = 0; e < events; e++) {
			const unsigned char *p;
			uint64_t n;

			if (tdat_mem_num(&l->io, &m, 8, &n, "an event format size") < 0 ||
			    tdat_mem_bytes(&l->io, &m, n, &p, "an event format") < 0 ||
			    take_format(l, sys, p, n, m.base + (p - m.p)) < 0)
				goto out;
		}
	}
	r = 0;
out:
	free(b.p);
	return r;
}

static int v7_cmdlines(struct tdat_layout *l, uint64_t at)
{
	struct blob b = { 0 }, c;
	struct tdat_mem m;
	const unsigned char *p;
	struct sec s;
	uint64_t n;
	int r = -1;

	if (sec_load(l, at, OPT_CMDLINES, &b, &s) < 0)
		return -1;
	m = blob_mem(&b);
	if (tdat_mem_num(&l->io, &m, 8, &n, "the saved command lines size") < 0 ||
	    tdat_mem_bytes(&l->io, &m, n, &p, "the saved command lines") < 0 ||
	    blob_alloc(&l->io, &c, n, m.base, "the saved command lines") < 0)
		goto out;
	memcpy(c.p, p, n);
	r = take_cmdlines(l, &c);
	free(c.p);
out:
	free(b.p);
	return r;
}

/* A version 7 BUFFER option: its flyrecord section and CPU table. */
static int v7_buffer(struct tdat_layout *l, struct tdat_mem *m, uint64_t at)
{
	struct tdat_buffer *b = NULL;
	const char *name, *clock;
	uint64_t sec_off, psize, cpus;
	struct sec s;

	if (tdat_mem_num(&l->io, m, 8, &sec_off, "the buffer's section offset") < 0 ||
	    tdat_mem_str(&l->io, m, &name, "the buffer's name") < 0 ||
	    tdat_mem_str(&l->io, m, &clock, "the buffer's clock") < 0 ||
	    tdat_mem_num(&l->io, m, 4, &psize, "the buffer's page size") < 0 ||
	    tdat_mem_num(&l->io, m, 4, &cpus, "the buffer's CPU count") < 0)
		return -1;
	if (cpus > TDAT_MAX_CPUS || cpus * 20 > m->len - m->pos)
		return tdat_bad(&l->io, m->base + m->pos, "%llu CPUs of 20 bytes each within the "
				"BUFFER option", (unsigned long long)cpus);
	if (new_buffer(l, at, &b) < 0)
		return -1;
	snprintf(b->name, sizeof(b->name), "%s", name);
	if (psize)
		b->page_size = psize;
	if (sec_header(l, sec_off, &s) < 0)
		return -1;
	if (s.id != SEC_BUFFER)
		return tdat_bad(&l->io, sec_off, "a buffer data section (id 3), not id %u", s.id);
	b->compressed = s.flags & 1;
	if (b->compressed && !l->zip)
		return tdat_bad(&l->io, sec_off, "no compressed section in a file whose compression "
				"is \"none\"");
	b->cpus = calloc(cpus ? cpus : 1, sizeof(*b->cpus));
	if (!b->cpus)
		return scmwq_error_set(l->io.err, SCMWQ_E_INTERNAL, "out of memory");
	b->ncpus = cpus;
	for (uint64_t i = 0; i < cpus; i++) {
		uint64_t id;

		tdat_mem_num(&l->io, m, 4, &id, "a CPU id");
		tdat_mem_num(&l->io, m, 8, &b->cpus[i].off, "a CPU data offset");
		tdat_mem_num(&l->io, m, 8, &b->cpus[i].size, "a CPU data size");
		if (id >= TDAT_MAX_CPUS)
			return tdat_bad(&l->io, m->base + m->pos - 20, "a CPU id below %d, not %llu",
					TDAT_MAX_CPUS, (unsigned long long)id);
		b->cpus[i].cpu = id;
		if (check_cpu_range(l, b, i, m->base + m->pos - 20) < 0)
			return -1;
	}
	return 0;
}

/* One options section: its options; *@next: the next options section (0: none). */
static int v7_options(struct tdat_layout *l, uint64_t at, uint64_t *sec_at, uint64_t *next)
{
	struct blob b = { 0 };
	struct tdat_mem m;
	struct sec s;
	int r = -1;

	*next = 0;
	if (sec_load(l, at, 0, &b, &s) < 0)
		return -1;
	m = blob_mem(&b);
	while (m.pos < m.len) {
		uint64_t id, size, oat = m.base + m.pos;
		const unsigned char *p;
		struct tdat_mem om;
		char name[64];
		uint64_t boff;

		if (tdat_mem_num(&l->io, &m, 2, &id, "an option id") < 0 ||
		    tdat_mem_num(&l->io, &m, 4, &size, "an option size") < 0 ||
		    tdat_mem_bytes(&l->io, &m, size, &p, "an option") < 0)
			goto out;
		om = (struct tdat_mem){ .p = p, .len = size, .base = oat + 6 };
		if (id == OPT_DONE) {
			if (size >= 8)
				*next = tdat_num(&l->io, p, 8);
			break;
		}
		if (id == OPT_BUFFER) {
			if (v7_buffer(l, &om, oat) < 0)
				goto out;
		} else if (id == OPT_BUFFER_TEXT) {
			struct tdat_buffer *bt = NULL;

			if (new_buffer(l, oat, &bt) < 0)
				goto out;
			bt->latency = true;
		} else if (id >= OPT_HEADER_INFO && id <= OPT_CMDLINES) {
			if (size < 8) {
				tdat_bad(&l->io, oat, "a section offset of 8 bytes");
				goto out;
			}
			sec_at[id - OPT_HEADER_INFO] = tdat_num(&l->io, p, 8) + 1;
		} else if (take_option(l, id, p, size, oat, &boff, name) < 0) {
			goto out;
		}
	}
	r = 0;
out:
	free(b.p);
	return r;
}

/*
 * The sections follow each other to the end of the file: walk their
 * headers, so that a file cut anywhere, even in a section we do not read,
 * is known as cut.
 */
static int v7_chain(struct tdat_layout *l, uint64_t off)
{
	while (off < l->io.size) {
		struct sec s;

		if (sec_header(l, off, &s) < 0)
			return -1;
		off += 16 + s.size;
	}
	return 0;
}

static int v7_read(struct tdat_layout *l, uint64_t off)
{
	char name[64], ver[64];
	uint64_t opt, next, sec_at[OPT_CMDLINES - OPT_HEADER_INFO + 1] = { 0 };
	size_t k;

	for (int i = 0; i < 2; i++) {
		char *s = i ? ver : name;

		k = l->io.size - off < 64 ? l->io.size - off : 64;
		if (!k || tdat_read(&l->io, off, s, k, "the compression name") < 0)
			return k ? -1 : tdat_need(&l->io, off, 1, "the compression name");
		if (!memchr(s, '\0', k))
			return k < 64 ? tdat_need(&l->io, off, k + 1, "the compression name") :
			       tdat_bad(&l->io, off, "a compression name of at most 63 bytes");
		off += strlen(s) + 1;
	}
	l->zip = tdat_zip_algo(name);
	if (l->zip < 0)
		return tdat_bad(&l->io, off, "compression \"none\", \"zlib\" or \"zstd\", not "
				"\"%.32s\"", name);
	if (tdat_read_num(&l->io, &off, 8, &opt, "the options offset") < 0 ||
	    v7_chain(l, off) < 0)
		return -1;
	for (int n = 0; opt; n++) {
		if (n >= MAX_OPTION_SECTIONS)
			return tdat_bad(&l->io, opt, "at most %d options sections (a loop?)",
					MAX_OPTION_SECTIONS);
		if (v7_options(l, opt, sec_at, &next) < 0)
			return -1;
		opt = next;
	}
	if (!sec_at[0])
		return tdat_bad(&l->io, off, "a HEADER_INFO option in the options");
	if (v7_headers(l, sec_at[0] - 1) < 0)
		return -1;
	if (sec_at[OPT_EVENT_FMTS - OPT_HEADER_INFO] &&
	    v7_formats(l, sec_at[OPT_EVENT_FMTS - OPT_HEADER_INFO] - 1) < 0)
		return -1;
	if (sec_at[OPT_CMDLINES - OPT_HEADER_INFO] &&
	    v7_cmdlines(l, sec_at[OPT_CMDLINES - OPT_HEADER_INFO] - 1) < 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */

int tdat_layout_read(struct tdat_layout *l)
{
	unsigned char h[6];
	char ver[16];
	uint64_t off = SCMWQ_TDAT_MAGIC_LEN;
	size_t n;

	if (l->io.size <= off)
		return tdat_need(&l->io, off, 2, "the version");
	n = l->io.size - off < sizeof(ver) ? l->io.size - off : sizeof(ver);
	if (tdat_read(&l->io, off, ver, n, "the version") < 0)
		return -1;
	if (!memchr(ver, '\0', n))
		return n < sizeof(ver) ? tdat_need(&l->io, off, n + 1, "the version") :
		       tdat_bad(&l->io, off, "a version string after the magic");
	if (strcmp(ver, "6") && strcmp(ver, "7"))
		return scmwq_error_set(l->io.err, SCMWQ_E_DATA, "%s: offset %llu: unsupported "
				       "trace.dat version \"%.8s\" (expected 6 or 7)", l->io.display,
				       (unsigned long long)off, ver);
	l->version = ver[0] - '0';
	off += strlen(ver) + 1;
	if (tdat_read(&l->io, off, h, 6, "the file header") < 0)
		return -1;
	if (h[0] > 1 || (h[1] != 4 && h[1] != 8))
		return tdat_bad(&l->io, off, "endianness 0 or 1 and a long size of 4 or 8, not %u "
				"and %u", h[0], h[1]);
	l->io.big_endian = h[0];
	l->long_size = h[1];
	l->page_size = tdat_num(&l->io, h + 2, 4);
	if (l->page_size < 64 || l->page_size > (1u << 20))
		return tdat_bad(&l->io, off + 2, "a page size of 64 bytes to 1 MiB, not %u",
				l->page_size);
	off += 6;

	l->tep = tep_alloc();
	if (!l->tep)
		return scmwq_error_set(l->io.err, SCMWQ_E_INTERNAL, "out of memory");
	tep_set_file_bigendian(l->tep, l->io.big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(l->tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? TEP_BIG_ENDIAN :
				TEP_LITTLE_ENDIAN);
	tep_set_long_size(l->tep, l->long_size);
	tep_set_page_size(l->tep, l->page_size);
	if ((l->version == 6 ? v6_read(l, off) : v7_read(l, off)) < 0)
		return -1;
	if (l->cpus > TDAT_MAX_CPUS)
		return tdat_bad(&l->io, off, "at most %d CPUs", TDAT_MAX_CPUS);
	tep_set_cpus(l->tep, l->cpus);
	return 0;
}

void tdat_layout_free(struct tdat_layout *l)
{
	for (int i = 0; i < l->nbufs; i++)
		free(l->bufs[i].cpus);
	l->nbufs = 0;
	if (l->tep)
		tep_free(l->tep);
	l->tep = NULL;
}
