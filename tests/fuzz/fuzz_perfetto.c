// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the Perfetto reader (lib/source/perfetto*.c,
 * lib/source/pb_read.c) on any bytes, through the public source API as a
 * command would use it.  Input that does not look like a Perfetto trace goes
 * to the text reader, as it would from the command line; seed the corpus
 * with the test traces of tests/perfetto/ encoded by protoc, so
 * that the fuzzer starts inside the Perfetto format.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 -D_GNU_SOURCE \
 *       -Iinclude -Ilib $(pkg-config --cflags libtracecmd) tests/fuzz/fuzz_perfetto.c \
 *       lib/base/[a-z]*.c lib/source/[a-z]*.c $(pkg-config --libs libtracecmd libtracefs \
 *       libtraceevent) -o fuzz_perfetto
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <scmwq/source.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scmwq_error err = { 0 };
	struct scmwq_source *src;
	struct scmwq_event ev;
	char path[64];
	int fd = memfd_create("fuzz-perfetto", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	src = scmwq_source_open(path, NULL, NULL, &err);
	if (src) {
		while (scmwq_source_next(src, &ev, &err) > 0)
			;
		scmwq_source_free(src);
	}
	close(fd);
	return 0;
}
