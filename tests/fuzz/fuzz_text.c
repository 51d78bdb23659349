// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any bytes as a trace file, through the whole pipeline
 * of `replay`: the source detection (text, compressed text, trace.dat), the
 * text reader, --driver=auto and the model with per-call timelines.
 *
 * The bytes go to a memory file opened by its /proc/self/fd path, so the
 * reader sees a regular file exactly as it sees one on disk.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <scmwq/replay.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	uint64_t count = 0;
	char path[64];

	if (fd < 0)
		fd = memfd_create("fuzz_text", 0);
	if (fd < 0 || ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
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
