// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the Perfetto reader (lib/source/perfetto*.c,
 * lib/source/pb_read.c) on any bytes, through the public source API as a
 * command would use it: every event read, then (half the inputs) the
 * whole pipeline of `replay` as well.  Input that does not look like a
 * Perfetto trace goes to the text reader, as it would from the command
 * line; tests/fuzz/run.sh seeds the corpus with the test traces of
 * tests/perfetto/ encoded by protoc, so that the fuzzer starts inside the
 * Perfetto format.
 */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scmwq_error err = { 0 };
	struct scmwq_source *src;
	struct scmwq_event ev;
	char path[64];

	if (!fuzz_memfile("fuzz_perfetto", NULL, 0, data, size, path, sizeof(path)))
		return 0;
	if (size && (data[size - 1] & 1)) {
		fuzz_replay(path, true);
		return 0;
	}
	src = scmwq_source_open(path, NULL, NULL, &err);
	if (src) {
		while (scmwq_source_next(src, &ev, &err) > 0)
			;
		scmwq_source_free(src);
	}
	return 0;
}
