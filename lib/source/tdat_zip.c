// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat compression (version 7): the algorithms trace-cmd writes
 * ("zlib": zlib's compress2() format, "zstd": one zstd frame), each block
 * decompressed into a buffer of exactly the size the file declares.
 */
#include <stdint.h>
#include <string.h>

#include <zlib.h>
#include <zstd.h>

#include "source/tdat_zip.h"

int tdat_zip_algo(const char *name)
{
	if (!strcmp(name, "none"))
		return TDAT_ZIP_NONE;
	if (!strcmp(name, "zlib"))
		return TDAT_ZIP_ZLIB;
	if (!strcmp(name, "zstd"))
		return TDAT_ZIP_ZSTD;
	return -1;
}

int tdat_unzip(int algo, const void *src, size_t src_len, void *dst, size_t dst_len)
{
	switch (algo) {
	case TDAT_ZIP_ZLIB: {
		uLongf n = dst_len;

		if (src_len > UINT32_MAX || dst_len > UINT32_MAX)
			return -1;
		if (uncompress(dst, &n, src, src_len) != Z_OK || n != dst_len)
			return -1;
		return 0;
	}
	case TDAT_ZIP_ZSTD: {
		size_t n = ZSTD_decompress(dst, dst_len, src, src_len);

		return ZSTD_isError(n) || n != dst_len ? -1 : 0;
	}
	default:
		return -1;
	}
}
