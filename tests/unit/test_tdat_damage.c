// SPDX-License-Identifier: GPL-2.0
/*
 * Damaged trace.dat files (lib/source/tdat*.c): the damage of issue 10's
 * reproducers made again on the current corpus, located by walking the
 * file format here (trace-cmd.dat.v6(5), v7(5)), not by our reader:
 *
 *   - CPU 0's data size running past the end of the file (v6 and v7);
 *   - a field definition of one of our events garbled;
 *   - the compressed CPU data of a zstd file corrupted;
 *   - a section id above 64, on each section of a v7 file in turn;
 *   - huge counts: event systems, CPUs, compression chunks.
 *
 * Each must be refused as SCMWQ_E_DATA (exit 65) with the file and an
 * offset in the message, or (damage in data replay does not need) read to
 * the end; never crash (run under ASan+UBSan by make check-sanitize).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scmwq.h>

#include "tap.h"

static char top[2048] = ".";
static char dir[] = "/tmp/scmwq-test-damage-XXXXXX";

struct file {
	unsigned char *p;
	size_t n;
};

static struct file load(const char *rel)
{
	char path[4200];
	struct file f = { 0 };
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0)
		return f;
	f.n = st.st_size;
	f.p = malloc(f.n);
	if (!f.p || read(fd, f.p, f.n) != (ssize_t)f.n)
		abort();
	close(fd);
	return f;
}

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void put_le(unsigned char *p, int n, uint64_t v)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = v & 0xff;
}

/*
 * Read @f (damaged) to the end through the source API.  Returns 0 when it
 * read to the end, 1 when refused as it must be (SCMWQ_E_DATA naming the
 * file and an offset), -1 otherwise (*@msg says how).
 */
static int try(const struct file *f, const char *name, char *msg, size_t len)
{
	char path[4200];
	struct scmwq_error err = { 0 };
	struct scmwq_source *src;
	struct scmwq_event ev;
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, f->p, f->n) != (ssize_t)f->n)
		abort();
	close(fd);
	src = scmwq_source_open(path, NULL, NULL, &err);
	if (src) {
		while ((r = scmwq_source_next(src, &ev, &err)) > 0)
			;
		scmwq_source_free(src);
	}
	unlink(path);
	snprintf(msg, len, "%s", src && !r ? "read to the end" : err.msg);
	if (src && !r)
		return 0;
	return err.cls == SCMWQ_E_DATA && strstr(err.msg, path) && strstr(err.msg, "offset ") ?
	       1 : -1;
}

/* ------------------------------------------------------------------ */
/* Walking a version 7 file (little endian, as the corpus is)           */

/* Offset of the first options section: after the compression strings. */
static size_t v7_options_at(const struct file *f)
{
	size_t o = 12 + 6;

	o += strlen((const char *)f->p + o) + 1;
	o += strlen((const char *)f->p + o) + 1;
	return le(f->p + o, 8);
}

/* The CPU table of the first BUFFER option with CPUs: offset of CPU 0's (id, offset, size). */
static size_t v7_cpu0(const struct file *f)
{
	size_t sec = v7_options_at(f);

	for (int n = 0; sec && sec + 16 <= f->n && n < 16; n++) {
		size_t o = sec + 16, end = sec + 16 + le(f->p + sec + 8, 8);

		sec = 0;
		while (o + 6 <= end && end <= f->n) {
			unsigned int id = le(f->p + o, 2), size = le(f->p + o + 2, 4);

			if (id == 0) {
				sec = le(f->p + o + 6, 8);
				break;
			}
			if (id == 3) {
				size_t q = o + 6 + 8;

				q += strlen((const char *)f->p + q) + 1;	/* name */
				q += strlen((const char *)f->p + q) + 1;	/* clock */
				if (le(f->p + q + 4, 4))			/* cpus */
					return q + 8;
			}
			o += 6 + size;
		}
	}
	return 0;
}

/* Version 6: the last "flyrecord" (the buffer with the data: an instance in the corpus). */
static unsigned char *v6_last_fly(const struct file *f)
{
	unsigned char *p = f->p, *last = NULL;

	while ((p = memmem(p, f->n - (p - f->p), "flyrecord", 10))) {
		last = p;
		p += 10;
	}
	return last;
}

static void test_cpu_size(void)
{
	struct file f = load("traces/clean-draft-2022.dat");
	char msg[600];
	size_t c;

	if (!f.p) {
		ok(0, "read clean-draft-2022.dat");
		return;
	}
	c = v7_cpu0(&f);
	ok(c, "clean-draft-2022.dat: found CPU 0 in the BUFFER option");
	if (c) {
		put_le(f.p + c + 12, 8, le(f.p + c + 12, 8) + f.n);
		ok(try(&f, "cpu-size.dat", msg, sizeof(msg)) == 1,
		   "v7: CPU 0's data size past the end of the file: refused (%s)", msg);
		put_le(f.p + c + 12, 8, UINT64_MAX);
		ok(try(&f, "cpu-size-max.dat", msg, sizeof(msg)) == 1,
		   "v7: CPU 0's data size 2^64-1: refused (%s)", msg);
		put_le(f.p + c + 4, 8, UINT64_MAX - 4);
		ok(try(&f, "cpu-off-max.dat", msg, sizeof(msg)) == 1,
		   "v7: CPU 0's data offset near 2^64: refused (%s)", msg);
	}
	free(f.p);

	f = load("traces/clean-vendor.v6.dat");
	if (!f.p) {
		ok(0, "read clean-vendor.v6.dat");
		return;
	}
	{
		unsigned char *fly = v6_last_fly(&f);

		ok(fly, "clean-vendor.v6.dat: found the flyrecord table");
		if (fly) {
			put_le(fly + 10 + 8, 8, f.n);
			ok(try(&f, "cpu-size-v6.dat", msg, sizeof(msg)) == 1,
			   "v6: CPU 0's data size past the end of the file: refused (%s)", msg);
			/* the CPU count just before "options  " */
			put_le(fly + 10 + 8, 8, 0);
		}
	}
	free(f.p);
}

static void test_field(void)
{
	static const char *const files[] = {
		"traces/get-wq-ctx-std-call.dat", "traces/clean-vendor.scm.dat",
		"traces/clean-mainline.qcom_scm.dat", "traces/clean-vendor.v6.dat",
	};
	char msg[600];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct file f = load(files[i]);
		unsigned char *p;

		if (!f.p) {
			ok(0, "read %s", files[i]);
			continue;
		}
		p = memmem(f.p, f.n, "wq_ctx;", 7);
		ok(p, "%s: has a wq_ctx field", files[i]);
		if (p) {
			p[6] = 0x17;	/* the ';' ending the declaration */
			ok(try(&f, "field.dat", msg, sizeof(msg)) == 1,
			   "%s: a garbled field definition of ours is refused (%s)", files[i], msg);
			p[6] = ';';
			p = memmem(p, f.n - (p - f.p), "offset:", 7);
			if (p) {
				memcpy(p, "offset:99999", 12);
				ok(try(&f, "field-off.dat", msg, sizeof(msg)) == 1,
				   "%s: a field's offset garbled is refused (%s)", files[i], msg);
			}
		}
		free(f.p);
	}
}

static void test_zstd(void)
{
	struct file f = load("traces/clean-vendor.zstd.dat");
	static const unsigned char magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	unsigned char *p, *last = NULL;
	size_t frames = 0, bad = 0, fine = 0;
	char msg[600], first[700] = "";

	if (!f.p) {
		ok(0, "read clean-vendor.zstd.dat");
		return;
	}
	for (p = f.p; (p = memmem(p, f.n - (p - f.p), magic, 4)); p += 4) {
		last = p;
		frames++;
		/* each frame in turn: its magic, then bytes of its content */
		for (int k = 0; k < 2; k++) {
			size_t at = (p - f.p) + (k ? 12 : 0);
			unsigned char save = f.p[at];
			int r;

			if (at >= f.n)
				continue;
			f.p[at] ^= 0x5a;
			r = try(&f, "zstd.dat", msg, sizeof(msg));
			f.p[at] = save;
			if (r < 0) {
				if (!bad++)
					snprintf(first, sizeof(first), "at %zu: %s", at, msg);
			} else {
				fine += r == 0;
			}
		}
	}
	ok(frames >= 2 && last && !bad, "zstd: each of %zu compressed frames corrupted (magic, "
	   "content): refused with an offset or read (%zu read) %s", frames, fine, first);
	free(f.p);
}

/* Every section of a v7 file given id 65 (and 0xffff), one at a time. */
static void test_section_ids(void)
{
	struct file f = load("traces/clean-vendor.dat");
	size_t o, n = 0, bad = 0;
	char msg[600], first[700] = "";

	if (!f.p) {
		ok(0, "read clean-vendor.dat");
		return;
	}
	o = 12 + 6;
	o += strlen((const char *)f.p + o) + 1;
	o += strlen((const char *)f.p + o) + 1;
	o += 8;
	while (o + 16 <= f.n) {
		unsigned int id = le(f.p + o, 2);

		for (int k = 0; k < 2; k++) {
			put_le(f.p + o, 2, k ? 0xffff : 65);
			if (try(&f, "secid.dat", msg, sizeof(msg)) < 0 && !bad++)
				snprintf(first, sizeof(first), "section at %zu: %s", o, msg);
			n++;
		}
		put_le(f.p + o, 2, id);
		o += 16 + le(f.p + o + 8, 8);
	}
	ok(n >= 10 && !bad, "v7: %zu sections given ids 65 and 0xffff: each refused with an "
	   "offset or read, none hangs %s", n / 2, first);
	free(f.p);
}

static void test_counts(void)
{
	struct file f = load("traces/clean-vendor.v6.dat");
	unsigned char *p;
	char msg[600];

	if (!f.p) {
		ok(0, "read clean-vendor.v6.dat");
		return;
	}
	/* v6: the ftrace format count follows the header event */
	p = memmem(f.p, f.n, "header_event", 13);
	if (p) {
		size_t o = (p - f.p) + 13, save;

		o += 8 + le(f.p + o, 8);
		save = le(f.p + o, 4);
		put_le(f.p + o, 4, 0xffffffff);
		ok(try(&f, "ftrace-count.dat", msg, sizeof(msg)) == 1,
		   "v6: 2^32-1 ftrace formats: refused (%s)", msg);
		put_le(f.p + o, 4, save);
	}
	/* v6: the CPUCOUNT option (id 8), which the CPU table follows */
	p = memmem(f.p, f.n, "options  ", 10);
	if (p) {
		size_t o = (p - f.p) + 10;

		while (o + 6 <= f.n && le(f.p + o, 2) && le(f.p + o, 2) != 8)
			o += 6 + le(f.p + o + 2, 4);
		ok(o + 10 <= f.n && le(f.p + o, 2) == 8, "v6: found the CPUCOUNT option");
		if (o + 10 <= f.n && le(f.p + o, 2) == 8) {
			put_le(f.p + o + 6, 4, 0xffffffff);
			ok(try(&f, "cpus.dat", msg, sizeof(msg)) == 1,
			   "v6: 2^32-1 CPUs: refused (%s)", msg);
		}
	}
	free(f.p);

	f = load("traces/clean-vendor.zstd.dat");
	if (f.p) {
		size_t c = v7_cpu0(&f);

		if (c) {
			size_t at = le(f.p + c + 4, 8);

			put_le(f.p + at, 4, 0xfffffff0);
			ok(try(&f, "chunks.dat", msg, sizeof(msg)) == 1,
			   "v7 zstd: 2^32-16 chunks: refused (%s)", msg);
			put_le(f.p + at, 4, 1);
			put_le(f.p + at + 8, 4, 0xffffffff);
			ok(try(&f, "chunk-size.dat", msg, sizeof(msg)) == 1,
			   "v7 zstd: a chunk of 4 GiB uncompressed: refused (%s)", msg);
		}
		free(f.p);
	}
}

int main(int argc, char **argv)
{
	const char *env = getenv("SCMWQ_TOP");

	if (argc > 1)
		snprintf(top, sizeof(top), "%s", argv[1]);
	else if (env && *env)
		snprintf(top, sizeof(top), "%s", env);
	if (!mkdtemp(dir)) {
		printf("1..0 # skip mkdtemp\n");
		return 0;
	}
	test_cpu_size();
	test_field();
	test_zstd();
	test_section_ids();
	test_counts();
	rmdir(dir);
	return tap_done();
}
