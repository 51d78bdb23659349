// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any bytes as a trace file, through the whole pipeline
 * of `replay`: the source detection (text, compressed text, trace.dat), the
 * text reader, --driver=auto and the model with per-call timelines.
 */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];

	if (!fuzz_memfile("fuzz_text", NULL, 0, data, size, path, sizeof(path)))
		return 0;
	/* half the inputs also rebuild the calls, as report and timeline do */
	fuzz_replay(path, size && (data[size - 1] & 1));
	return 0;
}
