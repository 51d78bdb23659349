/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the file-level fuzz targets share: the input put in a memory file
 * opened by its /proc/self/fd path (the readers see a regular file, as on
 * disk), and the pipeline of `replay` run over it.
 */
#ifndef SCMWQ_FUZZ_HARNESS_H
#define SCMWQ_FUZZ_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <scmwq/replay.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * @prefix (@plen bytes) then @data (@size bytes) as the whole content of
 * the target's memory file (made once, reused), whose path goes to @path.
 * Returns false if the file could not be written.
 */
static inline bool fuzz_memfile(const char *name, const void *prefix, size_t plen,
				const uint8_t *data, size_t size, char *path, size_t path_len)
{
	static int fd = -1;

	if (fd < 0)
		fd = memfd_create(name, 0);
	if (fd < 0 || ftruncate(fd, 0) < 0 ||
	    (plen && pwrite(fd, prefix, plen, 0) != (ssize_t)plen) ||
	    pwrite(fd, data, size, plen) != (ssize_t)size)
		return false;
	snprintf(path, path_len, "/proc/self/fd/%d", fd);
	return true;
}

static inline void fuzz_count_call(const struct scmwq_call_rec *call, void *arg)
{
	(*(uint64_t *)arg)++;
}

static inline void fuzz_count_finding(const struct scmwq_finding *f, void *arg)
{
	(*(uint64_t *)arg)++;
}

/*
 * replay over @path as the command runs it: source detection, --driver=auto,
 * the model; with @calls, the per-call timelines report and timeline build.
 */
static inline void fuzz_replay(const char *path, bool calls)
{
	struct scmwq_replay_opts opts = { 0 };
	struct scmwq_replay_result res;
	struct scmwq_error err = { 0 };
	struct scmwq_source *src;
	uint64_t count = 0;

	src = scmwq_source_open(path, NULL, NULL, &err);
	if (!src)
		return;
	scmwq_model_opts_init(&opts.model);
	opts.driver = SCMWQ_DRV_AUTO;
	opts.finding = fuzz_count_finding;
	opts.finding_arg = &count;
	if (calls)
		opts.call_fn = fuzz_count_call;
	scmwq_replay(src, &opts, &res, &err);
	scmwq_source_free(src);
}

#endif /* SCMWQ_FUZZ_HARNESS_H */
