// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any bytes as a trace.dat file, through the whole
 * pipeline of `replay`: our trace.dat reader (layout, formats, pages,
 * compressed chunks), --driver=auto and the model with per-call timelines.
 *
 * The first 10 bytes are always the trace.dat magic, so that every input
 * reaches the trace.dat reader.
 */
#include "harness.h"

#define MAGIC		"\027\010\104tracing"
#define MAGIC_LEN	10

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t skip = size < MAGIC_LEN ? size : MAGIC_LEN;
	char path[64];

	if (!fuzz_memfile("fuzz_tdat", MAGIC, MAGIC_LEN, data + skip, size - skip, path,
			  sizeof(path)))
		return 0;
	/* half the inputs also rebuild the calls, as report and timeline do */
	fuzz_replay(path, size && (data[size - 1] & 1));
	return 0;
}
