// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded access to a trace.dat file: nothing is read, and no size taken
 * from the file is used, before it has been checked against the file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "source/tdat_io.h"

int tdat_bad(struct tdat_io *io, uint64_t off, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return scmwq_error_set(io->err, SCMWQ_E_DATA, "%s: offset %llu: expected %s", io->display,
			       (unsigned long long)off, what);
}

int tdat_need(struct tdat_io *io, uint64_t off, uint64_t n, const char *what)
{
	if (off <= io->size && n <= io->size - off)
		return 0;
	return tdat_bad(io, off, "%s (%llu bytes), but the file ends at %llu (truncated trace.dat?)",
			what, (unsigned long long)n, (unsigned long long)io->size);
}

int tdat_read(struct tdat_io *io, uint64_t off, void *buf, size_t n, const char *what)
{
	char *p = buf;

	if (tdat_need(io, off, n, what) < 0)
		return -1;
	while (n) {
		ssize_t r = pread(io->fd, p, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return scmwq_error_set(io->err, SCMWQ_E_DATA, "%s: offset %llu: cannot read %s: %s",
					       io->display, (unsigned long long)off, what,
					       r < 0 ? strerror(errno) : "the file shrank");
		p += r;
		n -= r;
		off += r;
	}
	return 0;
}

uint64_t tdat_num(const struct tdat_io *io, const void *p, int n)
{
	const unsigned char *b = p;
	uint64_t v = 0;

	if (n == 4 && io->big_endian == (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)) {
		uint32_t v4;

		memcpy(&v4, p, 4);
		return v4;
	}

	for (int i = 0; i < n; i++)
		v |= (uint64_t)b[io->big_endian ? n - 1 - i : i] << (8 * i);
	return v;
}

int tdat_read_num(struct tdat_io *io, uint64_t *off, int n, uint64_t *val, const char *what)
{
	unsigned char b[8];

	if (tdat_read(io, *off, b, n, what) < 0)
		return -1;
	*val = tdat_num(io, b, n);
	*off += n;
	return 0;
}

static int mem_cut(struct tdat_io *io, struct tdat_mem *m, uint64_t n, const char *what)
{
	return tdat_bad(io, m->base + m->pos, "%s (%llu bytes), but its section ends after %zu",
			what, (unsigned long long)n, m->len - m->pos);
}

int tdat_mem_num(struct tdat_io *io, struct tdat_mem *m, int n, uint64_t *val, const char *what)
{
	if (m->len - m->pos < (size_t)n)
		return mem_cut(io, m, n, what);
	*val = tdat_num(io, m->p + m->pos, n);
	m->pos += n;
	return 0;
}

int tdat_mem_str(struct tdat_io *io, struct tdat_mem *m, const char **s, const char *what)
{
	const unsigned char *nul = NULL;

	if (m->pos < m->len)
		nul = memchr(m->p + m->pos, '\0', m->len - m->pos);
	if (!nul)
		return tdat_bad(io, m->base + m->pos, "%s (a NUL-terminated string) within its "
				"section", what);
	*s = (const char *)m->p + m->pos;
	m->pos = nul - m->p + 1;
	return 0;
}

int tdat_mem_bytes(struct tdat_io *io, struct tdat_mem *m, uint64_t n, const unsigned char **p,
		   const char *what)
{
	if (m->len - m->pos < n)
		return mem_cut(io, m, n, what);
	*p = m->p + m->pos;
	m->pos += n;
	return 0;
}
