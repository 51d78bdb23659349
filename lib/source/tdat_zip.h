/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.dat version 7 compression (lib/source/tdat_zip.c).  Internal.
 */
#ifndef SCMWQ_LIB_TDAT_ZIP_H
#define SCMWQ_LIB_TDAT_ZIP_H

#include <stddef.h>

enum { TDAT_ZIP_NONE = 0, TDAT_ZIP_ZLIB, TDAT_ZIP_ZSTD };

/* The algorithm named in a version 7 file header; -1 if unknown. */
int tdat_zip_algo(const char *name);

/*
 * Decompress @src into exactly @dst_len bytes at @dst; -1 if the data is
 * not valid or does not give exactly that many bytes.
 */
int tdat_unzip(int algo, const void *src, size_t src_len, void *dst, size_t dst_len);

#endif /* SCMWQ_LIB_TDAT_ZIP_H */
