/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounded access to a trace.dat file (lib/source/tdat_io.c): every read is
 * checked against the file's size first, every failure is an SCMWQ_E_DATA
 * error "FILE: offset N: expected ...".  Internal to lib/source/tdat*.c.
 */
#ifndef SCMWQ_LIB_TDAT_IO_H
#define SCMWQ_LIB_TDAT_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

/* Sections and chunks we load whole are refused beyond this (the file says more). */
#define TDAT_MAX_BLOB	(64u << 20)

struct tdat_io {
	int fd;
	uint64_t size;			/* of the file */
	const char *display;		/* for messages */
	bool big_endian;		/* of the file's numbers */
	struct scmwq_error *err;
};

/* "FILE: offset @off: expected ..." as SCMWQ_E_DATA; returns -1. */
int tdat_bad(struct tdat_io *io, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* 0 if [@off, @off + @n) lies inside the file, else -1 with @err saying it is cut. */
int tdat_need(struct tdat_io *io, uint64_t off, uint64_t n, const char *what);

/* Read @n bytes at @off (inside the file, checked first). */
int tdat_read(struct tdat_io *io, uint64_t off, void *buf, size_t n, const char *what);

/* A number of @n (1, 2, 4 or 8) bytes in the file's byte order. */
uint64_t tdat_num(const struct tdat_io *io, const void *p, int n);

/* Read a number of @n bytes at *@off and step past it. */
int tdat_read_num(struct tdat_io *io, uint64_t *off, int n, uint64_t *val, const char *what);

/*
 * A memory cursor over a section loaded (or decompressed) into memory:
 * @base is the file offset messages give for its first byte.
 */
struct tdat_mem {
	const unsigned char *p;
	size_t len, pos;
	uint64_t base;
};

int tdat_mem_num(struct tdat_io *io, struct tdat_mem *m, int n, uint64_t *val,
		 const char *what);
/* A NUL-terminated string in @m: *@s points into it. */
int tdat_mem_str(struct tdat_io *io, struct tdat_mem *m, const char **s, const char *what);
/* @n bytes in @m: *@p points into it. */
int tdat_mem_bytes(struct tdat_io *io, struct tdat_mem *m, uint64_t n, const unsigned char **p,
		   const char *what);

#endif /* SCMWQ_LIB_TDAT_IO_H */
