// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any bytes as a trace.dat file, through the whole
 * pipeline of `replay`: our trace.dat reader (layout, formats, pages,
 * compressed chunks), --driver=auto and the model with per-call timelines.
 *
 * The first 10 bytes are always the trace.dat magic, so that every input
 * reaches the trace.dat reader.  The bytes go to a memory file opened by
 * its /proc/self/fd path: the reader sees a regular file, as on disk.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <scmwq/replay.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAGIC		"\027\010\104tracing"
#define MAGIC_LEN	10

static void on_call(const struct scmwq_call_rec *call, void *arg)
{
	(*(uint64_t *)arg)++;
}

static void on_finding(const struct scmwq_finding *f, void *arg)
{
	(*(uint64_t *)arg)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct scmwq_replay_opts opts = { 0 };
	struct scmwq_replay_result res;
	struct scmwq_error err = { 0 };
	struct scmwq_source *src;
	size_t skip = size < MAGIC_LEN ? size : MAGIC_LEN;
	uint64_t count = 0;
	char path[64];

	if (fd < 0)
		fd = memfd_create("fuzz_tdat", 0);
	if (fd < 0 || ftruncate(fd, 0) < 0 || pwrite(fd, MAGIC, MAGIC_LEN, 0) != MAGIC_LEN ||
	    pwrite(fd, data + skip, size - skip, MAGIC_LEN) != (ssize_t)(size - skip))
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	src = scmwq_source_open(path, NULL, NULL, &err);
	if (!src)
		return 0;
	scmwq_model_opts_init(&opts.model);
	opts.driver = SCMWQ_DRV_AUTO;
	opts.finding = on_finding;
	opts.finding_arg = &count;
	/* half the inputs also rebuild the calls, as report and timeline do */
	if (size && (data[size - 1] & 1))
		opts.call_fn = on_call;
	scmwq_replay(src, &opts, &res, &err);
	scmwq_source_free(src);
	return 0;
}
