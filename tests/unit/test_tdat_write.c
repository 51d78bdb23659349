// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the trace.dat writer (lib/record/tdat_write.c): the files it writes
 * must open in this project's reader (scmwq_source_open(), lib/source/tdat.c) and
 * in `trace-cmd report`, with exactly the events recorded.
 *
 * 1. Anyone: a made-up tracing directory (header_page, header_event, an
 *    ftrace format, two "scm" event formats and one unrelated) and
 *    hand-built ring-buffer pages on two CPUs; versions 6 and 7, partial
 *    pages, the errors, the copy path and bounded memory.
 * 2. Root, with tracefs and uprobe events (x86-64): a private instance with
 *    the mono clock, uprobe events on this binary's own probe functions
 *    (lib/sim/probes.c) in a group of its own, a known call sequence played on
 *    alternating CPUs, the pages read with tracefs_cpu_flush_write(), and
 *    the trace.dat files written from them.  Everything it creates is
 *    removed at the end, also when a check fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tracefs.h>

#include <scmwq.h>

#include "base/base.h"
#include "model/model.h"
#include "sim/sim.h"
#include "source/source.h"
#include "record/tdat_write.h"
#include "tap.h"
#include "probe_fixture.h"

/* libtracecmd 1.3.1 leaks the trace clock it parses twice (see test_tdat.c) */
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void);

const char *__lsan_default_suppressions(void)
{
	return "leak:tracecmd_parse_trace_clock\nleak:libtracecmd.so\n";
}

const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

static char tmpdir[1024];

static void skip(const char *why)
{
	printf("ok %d # skip %s\n", ++tap_n, why);
}

static const char *tmp_path(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
}

static void rm_tree(const char *dir)
{
	if (*dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int mkdirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* A new empty file for writing and reading. */
static int new_file(const char *path)
{
	return open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? -1 : st.st_size;
}

/* Does the file hold @needle anywhere? */
static bool file_has(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	size_t n;
	bool found;

	if (!fp)
		return false;
	buf = malloc(1 << 24);
	n = buf ? fread(buf, 1, 1 << 24, fp) : 0;
	fclose(fp);
	found = buf && memmem(buf, n, needle, strlen(needle));
	free(buf);
	return found;
}

/* ------------------------------------------------------------------ */
/* Reading back                                                        */

struct evlist {
	struct scmwq_event *ev;
	size_t n, cap;
	int end;
	struct scmwq_error err;
};

static int read_all(const char *path, struct evlist *l)
{
	struct scmwq_source *src;
	struct scmwq_event ev;

	memset(l, 0, sizeof(*l));
	src = scmwq_source_open(path, NULL, NULL, &l->err);
	if (!src)
		return -1;
	while ((l->end = scmwq_source_next(src, &ev, &l->err)) > 0) {
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 256;
			l->ev = realloc(l->ev, l->cap * sizeof(*l->ev));
			if (!l->ev)
				abort();
		}
		l->ev[l->n++] = ev;
	}
	scmwq_source_free(src);
	return 0;
}

static bool have_trace_cmd(void)
{
	static int have = -1;

	if (have < 0)
		have = system("command -v trace-cmd >/dev/null 2>&1") == 0;
	return have;
}

/*
 * `trace-cmd report -i @path`: its exit status (-1 if it did not run), and
 * how many lines hold each of @needles.
 */
static int tc_report(const char *path, const char *const *needles, int *counts)
{
	char cmd[PATH_MAX + 64], line[4096];
	FILE *fp;
	int st;

	for (int i = 0; needles[i]; i++)
		counts[i] = 0;
	snprintf(cmd, sizeof(cmd), "trace-cmd report -i '%s' 2>&1", path);
	fp = popen(cmd, "r");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp))
		for (int i = 0; needles[i]; i++)
			counts[i] += strstr(line, needles[i]) != NULL;
	st = pclose(fp);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* `trace-cmd dump --summary -i @path` exits 0 */
static bool tc_dump_ok(const char *path)
{
	char cmd[PATH_MAX + 64];

	snprintf(cmd, sizeof(cmd), "trace-cmd dump --summary -i '%s' >/dev/null 2>&1", path);
	return system(cmd) == 0;
}

/* ------------------------------------------------------------------ */
/* 1. A made-up tracing directory and hand-built pages                 */

#define FPAGE		4096
#define FAKE_PID	4242
#define FAKE_N		350		/* events: 250 on CPU 0 (2 pages), 100 on CPU 1 */
#define FAKE_T0		1000000000ULL
#define ID_SLEEP	1500
#define ID_RESUME	1501

static const char header_page[] =
	"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
	"\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
	"\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
	"\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n";

static const char header_event[] =
	"# compressed entry header\n"
	"\ttype_len    :    5 bits\n"
	"\ttime_delta  :   27 bits\n"
	"\tarray       :   32 bits\n"
	"\n"
	"\tpadding     : type == 29\n"
	"\ttime_extend : type == 30\n"
	"\ttime_stamp : type == 31\n"
	"\tdata max type_len  == 28\n";

#define COMMON_FIELDS \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"

static const char fmt_print[] =
	"name: print\nID: 5\nformat:\n" COMMON_FIELDS
	"\tfield:unsigned long ip;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:char buf[];\toffset:16;\tsize:0;\tsigned:0;\n\n"
	"print fmt: \"%ps: %s\", (void *)REC->ip, REC->buf\n";

static const char fmt_sleep[] =
	"name: scm_waitq_sleep\nID: 1500\nformat:\n" COMMON_FIELDS
	"\tfield:u32 wq_ctx;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:u32 smc_call_ctx;\toffset:12;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"wq_ctx=%u smc_call_ctx=%u\", REC->wq_ctx, REC->smc_call_ctx\n";

static const char fmt_resume[] =
	"name: scm_waitq_resume\nID: 1501\nformat:\n" COMMON_FIELDS
	"\tfield:u32 smc_call_ctx;\toffset:8;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"smc_call_ctx=%u\", REC->smc_call_ctx\n";

static const char fmt_unused[] =
	"name: unused_event\nID: 1502\nformat:\n" COMMON_FIELDS
	"\tfield:int x;\toffset:8;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"x=%d\", REC->x\n";

static char fake_dir[1100];

static int fake_tracing_dir(void)
{
	static const struct {
		const char *rel, *text;
	} files[] = {
		{ "events/header_page", header_page },
		{ "events/header_event", header_event },
		{ "events/ftrace/print/format", fmt_print },
		{ "events/scm/scm_waitq_sleep/format", fmt_sleep },
		{ "events/scm/scm_waitq_resume/format", fmt_resume },
		{ "events/other/unused_event/format", fmt_unused },
		{ "saved_cmdlines", "4242 faketask\n4343 other-task\n" },
		{ "trace_clock", "[local] global counter uptime perf mono mono_raw boot\n" },
		/* no printk_formats: an older kernel's directory */
	};

	snprintf(fake_dir, sizeof(fake_dir), "%s/tracing", tmpdir);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", fake_dir, files[i].rel);
		*strrchr(path, '/') = '\0';
		if (mkdirs(path) < 0)
			return -1;
		snprintf(path, sizeof(path), "%s/%s", fake_dir, files[i].rel);
		if (write_file(path, files[i].text) < 0)
			return -1;
	}
	return 0;
}

/* One CPU's ring-buffer pages, as the kernel lays them out. */
struct pagebuf {
	unsigned char p[FPAGE];
	size_t used;		/* bytes of events after the 16-byte page header */
	uint64_t last_ts;
	int fd;
	int pages;
};

static void pb_flush(struct pagebuf *b)
{
	uint64_t commit = b->used;

	if (!b->used)
		return;
	memcpy(b->p + 8, &commit, 8);
	if (write(b->fd, b->p, FPAGE) != FPAGE)
		abort();
	memset(b->p, 0, FPAGE);
	b->used = 0;
	b->pages++;
}

/* An event of @len payload bytes (a multiple of 4, at most 112). */
static void pb_add(struct pagebuf *b, uint64_t ts, const void *payload, size_t len)
{
	uint32_t delta, hdr;

	if (16 + b->used + 4 + len > FPAGE)
		pb_flush(b);
	if (!b->used) {
		memcpy(b->p, &ts, 8);
		b->last_ts = ts;
	}
	delta = (uint32_t)(ts - b->last_ts);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	hdr = ((uint32_t)(len / 4) << 27) | delta;
#else
	hdr = (delta << 5) | (uint32_t)(len / 4);
#endif
	memcpy(b->p + 16 + b->used, &hdr, 4);
	memcpy(b->p + 16 + b->used + 4, payload, len);
	b->used += 4 + len;
	b->last_ts = ts;
}

static int fake_cpu_of(int k)
{
	return k % 7 < 5 ? 0 : 1;
}

/* The fake events: even k sleeps (wq_ctx k, ctx 1000+k), odd k resumes. */
static int fake_pages(int fds[2])
{
	static struct pagebuf pb[2];

	for (int c = 0; c < 2; c++) {
		memset(&pb[c], 0, sizeof(pb[c]));
		pb[c].fd = fds[c];
	}
	for (int k = 0; k < FAKE_N; k++) {
		struct {
			uint16_t type;
			uint8_t flags, preempt;
			int32_t pid;
			uint32_t a, b;
		} e = { .pid = FAKE_PID };

		e.type = k % 2 ? ID_RESUME : ID_SLEEP;
		e.a = (uint32_t)(k % 2 ? 1000 + k : k);
		e.b = (uint32_t)(k % 2 ? 0 : 1000 + k);
		pb_add(&pb[fake_cpu_of(k)], FAKE_T0 + 1000ULL * k, &e, sizeof(e));
	}
	pb_flush(&pb[0]);
	pb_flush(&pb[1]);
	return pb[0].pages == 2 && pb[1].pages == 1 ? 0 : -1;
}

/* Do the events read back match fake event @k on, for the CPUs kept? */
static bool fake_events_ok(const struct evlist *l, const char *what, int cpu0_max)
{
	size_t i = 0;
	int cpu0 = 0;

	for (int k = 0; k < FAKE_N; k++) {
		const struct scmwq_event *ev;
		bool good;

		if (fake_cpu_of(k) == 0 && cpu0++ >= cpu0_max)
			continue;
		if (i >= l->n) {
			printf("# %s: %zu events, expected more (event %d)\n", what, l->n, k);
			return false;
		}
		ev = &l->ev[i++];
		good = ev->ts_ns == FAKE_T0 + 1000ULL * k && ev->cpu == fake_cpu_of(k) &&
		       ev->pid == FAKE_PID && !strcmp(ev->comm, "faketask") &&
		       ev->sys == SCMWQ_SYS_SCM;
		if (k % 2)
			good = good && ev->type == SCMWQ_EV_RESUME && (ev->have & SCMWQ_HAVE_CTX) &&
			       ev->smc_call_ctx == 1000U + k;
		else
			good = good && ev->type == SCMWQ_EV_SLEEP && ev->wq_ctx == (uint32_t)k &&
			       ev->smc_call_ctx == 1000U + k &&
			       (ev->have & (SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX)) ==
				       (SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX);
		if (!good) {
			printf("# %s: event %zu (fake %d) differs: type %s ts %llu cpu %d pid %d "
			       "comm %s\n", what, i - 1, k, scmwq_ev_type_name(ev->type),
			       (unsigned long long)ev->ts_ns, ev->cpu, ev->pid, ev->comm);
			return false;
		}
	}
	if (i != l->n) {
		printf("# %s: %zu events, expected %zu\n", what, l->n, i);
		return false;
	}
	return true;
}

static const char *const fake_events[] = { "scm/scm_waitq_sleep", "scm:scm_waitq_resume", NULL };

static void fake_meta(struct scmwq_tdat_meta *m, struct scmwq_tdat_cpu *cpu, int fds[2],
		      int version)
{
	memset(m, 0, sizeof(*m));
	m->tracing_dir = fake_dir;
	m->events = fake_events;
	m->ncpus = 2;
	m->cpu = cpu;
	m->page_size = FPAGE;
	m->trace_clock = "mono";
	m->version = version;
	m->out_name = "out.dat";
	for (int c = 0; c < 2; c++) {
		cpu[c].fd = fds[c];
		cpu[c].size = (uint64_t)(c ? 1 : 2) * FPAGE;
		cpu[c].stats = c ? "entries: 100\noverrun: 0\n" : "entries: 250\noverrun: 0\n";
	}
}

/* Write @m to @name in the temp dir; 0, or -1 with @err set. */
static int try_write(const char *name, const struct scmwq_tdat_meta *m, struct scmwq_error *err)
{
	int fd = new_file(tmp_path(name)), ret;

	memset(err, 0, sizeof(*err));
	if (fd < 0)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "%s: %s", name, strerror(errno));
	ret = scmwq_tdat_write(fd, m, err);
	close(fd);
	return ret;
}

/* The same where it must work: the reason printed when it does not. */
static int write_to(const char *name, const struct scmwq_tdat_meta *m, struct scmwq_error *err)
{
	int ret = try_write(name, m, err);

	if (ret < 0)
		printf("# %s: %s\n", name, err->msg);
	return ret;
}

static void check_both_readers(const char *name, int cpu0_max, int nsleep, int nresume)
{
	static const char *const needles[] = { "scm_waitq_sleep:", "scm_waitq_resume:", NULL };
	const char *path = tmp_path(name);
	struct evlist l;
	int counts[2], rc;

	if (read_all(path, &l) < 0) {
		ok(0, "%s opens in scmwq_source_open (%s)", name, l.err.msg);
	} else {
		ok(l.end == 0, "%s: read to the end %s", name, l.end < 0 ? l.err.msg : "");
		ok(fake_events_ok(&l, name, cpu0_max), "%s: the %d events, in order, every field",
		   name, nsleep + nresume);
		free(l.ev);
	}
	if (!have_trace_cmd()) {
		skip("trace-cmd is not installed");
		return;
	}
	rc = tc_report(path, needles, counts);
	ok(rc == 0 && counts[0] == nsleep && counts[1] == nresume,
	   "%s: trace-cmd report exits 0 and shows %d sleeps and %d resumes (%d, %d, exit %d)",
	   name, nsleep, nresume, counts[0], counts[1], rc);
	ok(tc_dump_ok(path), "%s: trace-cmd dump --summary reads the layout", name);
}

static void test_fake(void)
{
	struct scmwq_tdat_meta m;
	struct scmwq_tdat_cpu cpu[2];
	struct scmwq_tdat_result res;
	struct scmwq_error err;
	struct stat a, b;
	int fds[2] = { new_file(tmp_path("cpu0")), new_file(tmp_path("cpu1")) };
	int fd;

	if (fake_tracing_dir() < 0 || fds[0] < 0 || fds[1] < 0 || fake_pages(fds) < 0) {
		ok(0, "made-up tracing directory and pages: %s", strerror(errno));
		return;
	}

	for (int v = 6; v <= 7; v++) {
		char name[32];

		snprintf(name, sizeof(name), "fake-v%d.dat", v);
		fake_meta(&m, cpu, fds, v);
		m.result = &res;
		memset(&res, 0, sizeof(res));
		ok(write_to(name, &m, &err) == 0, "version %d: written", v);
		ok(res.data == 3 * FPAGE && res.dropped == 0 && res.size == (uint64_t)
		   file_size(tmp_path(name)), "version %d: result: %llu data bytes, %llu dropped, "
		   "size %llu is the file's", v, (unsigned long long)res.data,
		   (unsigned long long)res.dropped, (unsigned long long)res.size);
		/* same file system: the kernel copies the pages */
		if (fstat(fds[0], &a) == 0 && stat(tmpdir, &b) == 0 && a.st_dev == b.st_dev)
			ok(res.copied == res.data, "version %d: all CPU data copied by "
			   "copy_file_range (%llu of %llu)", v, (unsigned long long)res.copied,
			   (unsigned long long)res.data);
		ok(file_has(tmp_path(name), "name: print") &&
		   file_has(tmp_path(name), "name: scm_waitq_resume") &&
		   !file_has(tmp_path(name), "name: unused_event"),
		   "version %d: ftrace and recorded formats in, the unrecorded one out", v);
		ok(file_has(tmp_path(name), "global counter uptime perf [mono] mono_raw"),
		   "version %d: TRACECLOCK marks mono", v);
		check_both_readers(name, 1000, FAKE_N / 2, FAKE_N / 2);
	}

	/* a partial page after CPU 0's two: left out */
	fake_meta(&m, cpu, fds, 7);
	if (pwrite(fds[0], "partial page of junk", 20, 2 * FPAGE) != 20)
		abort();
	cpu[0].size = 2 * FPAGE + 20;
	m.result = &res;
	ok(write_to("junk-tail.dat", &m, &err) == 0 && res.dropped == 20 &&
	   res.data == 3 * FPAGE, "a partial page at the end of CPU 0: 20 bytes left out");
	check_both_readers("junk-tail.dat", 1000, FAKE_N / 2, FAKE_N / 2);

	/* a recording cut short in CPU 0's second page: its first page is kept */
	for (int v = 6; v <= 7; v++) {
		char name[32];
		int n0 = 0, nsleep = 0;

		fake_meta(&m, cpu, fds, v);
		cpu[0].size = FPAGE + 50;
		snprintf(name, sizeof(name), "cut-v%d.dat", v);
		ok(write_to(name, &m, &err) == 0, "version %d, CPU 0 cut in its second page: "
		   "written", v);
		for (int k = 0; k < FAKE_N; k++) {
			if (fake_cpu_of(k) == 0 && n0++ >= 204)
				continue;
			nsleep += k % 2 == 0;
		}
		check_both_readers(name, 204, nsleep, 304 - nsleep);
	}

	/* kallsyms read in chunks */
	fake_meta(&m, cpu, fds, 7);
	m.kallsyms = true;
	m.result = &res;
	if (write_to("kallsyms.dat", &m, &err) == 0) {
		off_t without = file_size(tmp_path("fake-v7.dat"));

		ok(res.size > (uint64_t)without + 10000, "kallsyms: the file grows by /proc/kallsyms "
		   "(%llu bytes more)", (unsigned long long)(res.size - without));
		check_both_readers("kallsyms.dat", 1000, FAKE_N / 2, FAKE_N / 2);
	} else {
		ok(0, "kallsyms: written (%s)", err.msg);
	}

	/* every event of a system; a CPU without data */
	{
		static const char *const all[] = { "scm", NULL };

		fake_meta(&m, cpu, fds, 6);
		m.events = all;
		ok(write_to("system.dat", &m, &err) == 0 &&
		   file_has(tmp_path("system.dat"), "name: scm_waitq_sleep") &&
		   file_has(tmp_path("system.dat"), "name: scm_waitq_resume"),
		   "a bare system name takes all its events");
		fake_meta(&m, cpu, fds, 7);
		cpu[0].fd = -1;
		cpu[0].size = 0;
		ok(write_to("one-cpu.dat", &m, &err) == 0, "CPU 0 without data: written");
		fd = open(tmp_path("one-cpu.dat"), O_RDONLY);
		if (fd >= 0) {
			struct evlist l;

			close(fd);
			ok(read_all(tmp_path("one-cpu.dat"), &l) == 0 && l.end == 0 && l.n == 100 &&
			   l.ev[0].cpu == 1, "CPU 0 without data: CPU 1's 100 events read back");
			free(l.ev);
		}
	}

	close(fds[0]);
	close(fds[1]);
}

static int copy_plain(int in, int out, size_t len)
{
	char buf[FPAGE];

	for (off_t off = 0; off < (off_t)len; off += FPAGE)
		if (pread(in, buf, FPAGE, off) != FPAGE || pwrite(out, buf, FPAGE, off) != FPAGE)
			return -1;
	return 0;
}

/* The copy through the buffer, where copy_file_range refuses (another fs). */
static void test_fallback(void)
{
	struct scmwq_tdat_meta m;
	struct scmwq_tdat_cpu cpu[2];
	struct scmwq_tdat_result res = { 0 };
	struct scmwq_error err;
	char shm[] = "/dev/shm/scmwq-tw.XXXXXX";
	int fds[2];

	if (!mkdtemp(shm)) {
		skip("no /dev/shm to put CPU data on another file system");
		return;
	}
	fds[0] = open(tmp_path("cpu0"), O_RDONLY);
	fds[1] = open(tmp_path("cpu1"), O_RDONLY);
	{
		/* copies on the other file system */
		char p0[PATH_MAX], p1[PATH_MAX];
		int c0, c1;

		snprintf(p0, sizeof(p0), "%s/cpu0", shm);
		snprintf(p1, sizeof(p1), "%s/cpu1", shm);
		c0 = new_file(p0);
		c1 = new_file(p1);
		if (fds[0] < 0 || fds[1] < 0 || c0 < 0 || c1 < 0 ||
		    copy_plain(fds[0], c0, 2 * FPAGE) < 0 || copy_plain(fds[1], c1, FPAGE) < 0) {
			ok(0, "CPU data copied to %s: %s", shm, strerror(errno));
		} else {
			int in[2] = { c0, c1 };

			fake_meta(&m, cpu, in, 6);
			m.result = &res;
			ok(write_to("fallback.dat", &m, &err) == 0 && res.data == 3 * FPAGE,
			   "CPU data on another file system: written (%llu of %llu bytes by the "
			   "kernel)", (unsigned long long)res.copied, (unsigned long long)res.data);
			check_both_readers("fallback.dat", 1000, FAKE_N / 2, FAKE_N / 2);
		}
		if (c0 >= 0)
			close(c0);
		if (c1 >= 0)
			close(c1);
	}
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	rm_tree(shm);
}

static long max_rss_kb(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

/*
 * 64 MiB of CPU data, written with a few MiB of memory at most: in a child,
 * whose peak starts at what the test holds now, not at its earlier peaks.
 */
static void test_streaming(void)
{
	enum { PAGES = 16384 };
	struct scmwq_tdat_meta m;
	struct scmwq_tdat_cpu cpu[2];
	struct scmwq_tdat_result res = { 0 };
	struct scmwq_error err;
	int fds[2] = { new_file(tmp_path("big0")), new_file(tmp_path("big1")) };
	long report[2] = { -1, -1 };	/* written ok, KiB grown */
	int p[2] = { -1, -1 };
	pid_t pid;

	/* zero pages: empty sub-buffers */
	if (fds[0] < 0 || fds[1] < 0 || ftruncate(fds[0], (off_t)PAGES * FPAGE) < 0 ||
	    ftruncate(fds[1], FPAGE) < 0 || pipe(p) < 0) {
		ok(0, "big CPU files: %s", strerror(errno));
		goto out;
	}
	fake_meta(&m, cpu, fds, 7);
	cpu[0].size = (uint64_t)PAGES * FPAGE;
	cpu[1].size = FPAGE;
	m.result = &res;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		long before = max_rss_kb();

		report[0] = write_to("big.dat", &m, &err) == 0 &&
			    res.data == (uint64_t)(PAGES + 1) * FPAGE &&
			    file_size(tmp_path("big.dat")) == (off_t)res.size;
		report[1] = max_rss_kb() - before;
		if (write(p[1], report, sizeof(report)) != sizeof(report))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	p[1] = -1;
	if (pid < 0 || read(p[0], report, sizeof(report)) != sizeof(report))
		report[0] = 0;
	if (pid > 0)
		waitpid(pid, NULL, 0);
	ok(report[0] == 1, "64 MiB of CPU data: written, the file as long as it says");
	ok(report[0] == 1 && report[1] < 4 * 1024,
	   "64 MiB of CPU data: peak memory grew by %ld KiB only", report[1]);
out:
	for (int c = 0; c < 2; c++)
		if (fds[c] >= 0)
			close(fds[c]);
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	unlink(tmp_path("big0"));
	unlink(tmp_path("big1"));
	unlink(tmp_path("big.dat"));
}

static void test_errors(void)
{
	struct scmwq_tdat_meta m;
	struct scmwq_tdat_cpu cpu[2];
	struct scmwq_error err;
	int fds[2] = { open(tmp_path("cpu0"), O_RDONLY), open(tmp_path("cpu1"), O_RDONLY) };
	int fd, p[2];

	fake_meta(&m, cpu, fds, 5);
	ok(try_write("e.dat", &m, &err) < 0 && err.cls == SCMWQ_E_USAGE &&
	   strstr(err.msg, "version 5"), "version 5: refused (%s)", err.msg);

	fake_meta(&m, cpu, fds, 6);
	m.page_size = 3000;
	ok(try_write("e.dat", &m, &err) < 0 && err.cls == SCMWQ_E_USAGE,
	   "page size 3000: refused (%s)", err.msg);

	fake_meta(&m, cpu, fds, 6);
	m.page_size = 2 * FPAGE;
	ok(try_write("e.dat", &m, &err) < 0 && err.cls == SCMWQ_E_USAGE &&
	   strstr(err.msg, "page size 8192, but the sub-buffers of ") &&
	   strstr(err.msg, " are 4096 bytes (events/header_page)"),
	   "a page size that is not header_page's: refused (%s)", err.msg);

	fake_meta(&m, cpu, fds, 6);
	fd = open("/dev/full", O_WRONLY);
	if (fd >= 0) {
		ok(scmwq_tdat_write(fd, &m, &err) < 0 && err.cls == SCMWQ_E_INTERNAL &&
		   !strcmp(err.msg, "out.dat: write: No space left on device"),
		   "a full disk: \"%s\"", err.msg);
		close(fd);
	} else {
		skip("no /dev/full");
	}

	if (pipe(p) == 0) {
		ok(scmwq_tdat_write(p[1], &m, &err) < 0 && err.cls == SCMWQ_E_USAGE &&
		   strstr(err.msg, "out.dat: not seekable"), "a pipe: \"%s\"", err.msg);
		close(p[0]);
		close(p[1]);
	}

	fd = open(tmp_path("e.dat"), O_WRONLY | O_APPEND | O_CREAT, 0644);
	ok(fd >= 0 && scmwq_tdat_write(fd, &m, &err) < 0 && strstr(err.msg, "O_APPEND"),
	   "O_APPEND output: \"%s\"", err.msg);
	if (fd >= 0)
		close(fd);

	fake_meta(&m, cpu, fds, 7);
	m.tracing_dir = "/nonexistent/tracing";
	ok(try_write("e.dat", &m, &err) < 0 && err.cls == SCMWQ_E_NOINPUT &&
	   !strcmp(err.msg, "/nonexistent/tracing/events/header_page: open: No such file or "
		   "directory"), "no tracing directory: \"%s\"", err.msg);

	{
		static const char *const bad[] = { "scm/no_such_event", NULL };
		static const char *const dots[] = { "../../etc", NULL };

		fake_meta(&m, cpu, fds, 6);
		m.events = bad;
		ok(try_write("e.dat", &m, &err) < 0 && err.cls == SCMWQ_E_USAGE &&
		   strstr(err.msg, "/events/scm/no_such_event: no such event"),
		   "an unknown event: \"%s\"", err.msg);
		m.events = dots;
		ok(try_write("e.dat", &m, &err) < 0 && err.cls == SCMWQ_E_USAGE,
		   "an event name with \"..\": \"%s\"", err.msg);
	}

	fake_meta(&m, cpu, fds, 6);
	cpu[1].size = 3 * FPAGE;	/* the file has one page */
	ok(try_write("e.dat", &m, &err) < 0 && err.cls == SCMWQ_E_NOINPUT &&
	   strstr(err.msg, "out.dat: CPU 1 data: ends at 4096 bytes, 12288 expected"),
	   "CPU data shorter than its size: \"%s\"", err.msg);

	fake_meta(&m, cpu, fds, 6);
	cpu[1].fd = -1;
	ok(try_write("e.dat", &m, &err) < 0 && err.cls == SCMWQ_E_USAGE,
	   "CPU data without a file: \"%s\"", err.msg);

	/* the output's size limit: hit while the kernel copies the pages */
	{
		struct rlimit old, lim;
		void (*old_sig)(int) = signal(SIGXFSZ, SIG_IGN);

		fake_meta(&m, cpu, fds, 7);
		if (getrlimit(RLIMIT_FSIZE, &old) == 0) {
			lim = old;
			lim.rlim_cur = FPAGE + FPAGE / 2;	/* in the first CPU's pages */
			if (setrlimit(RLIMIT_FSIZE, &lim) == 0) {
				int r = try_write("e.dat", &m, &err);

				setrlimit(RLIMIT_FSIZE, &old);
				ok(r < 0 && err.cls == SCMWQ_E_INTERNAL &&
				   !strcmp(err.msg, "out.dat: write: File too large"),
				   "a file size limit: \"%s\"", err.msg);
			}
		}
		signal(SIGXFSZ, old_sig);
	}
	unlink(tmp_path("e.dat"));
	close(fds[0]);
	close(fds[1]);
}

/* ------------------------------------------------------------------ */
/* 2. A real recording through tracefs and uprobe events               */

#if defined(__x86_64__)

/*
 * What the test plays, on alternating CPUs: a call that firmware answers at
 * once, then a call parked on wq 0 as call 7, woken by an IRQ thread's
 * drain, resumed and done (clean-mainline.scn without its waits).
 */
enum { MAIN, IRQ };

static const struct step {
	int thread;
	enum scmwq_ev_type type;
	uint64_t v[6];
} steps[] = {
	/* request: smc_id nargs arg0 arg1; done: smc_id ret res res0 res1 res2 */
	{ MAIN,	SCMWQ_EV_SMC_REQUEST,	{ 0x42000601, 2, 0x1000, 0x20 } },
	{ MAIN,	SCMWQ_EV_SMC_DONE,	{ 0x42000601, 0, 0, 0, 0, 0 } },
	{ MAIN,	SCMWQ_EV_SMC_REQUEST,	{ 0x42000c02, 1, 0x2000, 0 } },
	{ MAIN,	SCMWQ_EV_SLEEP,		{ 0, 7 } },		/* wq_ctx ctx */
	{ IRQ,	SCMWQ_EV_SMC_REQUEST,	{ 0xc2002403, 0, 0, 0 } },
	{ IRQ,	SCMWQ_EV_GET_WQ_CTX,	{ 0, 1, 0 } },		/* wq_ctx flags more */
	{ MAIN,	SCMWQ_EV_RESUME,	{ 7 } },
	{ MAIN,	SCMWQ_EV_SMC_REQUEST,	{ 0x42002402, 1, 7, 0 } },
	{ MAIN,	SCMWQ_EV_SMC_DONE,	{ 0x42000c02, 0, 0, 0x10, 0, 0 } },
};

#define IRQ_COMM "scmwq-irq"

static void play(const struct step *s)
{
	const uint64_t *v = s->v;

	switch (s->type) {
	case SCMWQ_EV_SMC_REQUEST:
		scm_smc_request(v[0], scmwq_smc_svc(v[0]), scmwq_smc_cmd(v[0]), v[1], v[2], v[3]);
		break;
	case SCMWQ_EV_SLEEP:
		scm_waitq_sleep(v[0], v[1]);
		break;
	case SCMWQ_EV_WAKE_ACK:
		scm_waitq_wake_ack(v[0], v[1]);
		break;
	case SCMWQ_EV_GET_WQ_CTX:
		scm_waitq_get_wq_ctx(v[0], v[1], v[2]);
		break;
	case SCMWQ_EV_RESUME:
		scm_waitq_resume(v[0]);
		break;
	case SCMWQ_EV_SMC_DONE:
		scm_smc_done((int)(int64_t)v[1], v[0], v[2], v[3], v[4], v[5]);
		break;
	default:
		break;
	}
}

static bool step_matches(const struct scmwq_event *ev, const struct step *s)
{
	const uint64_t *v = s->v;

	if (ev->type != s->type)
		return false;
	switch (s->type) {
	case SCMWQ_EV_SMC_REQUEST:
		return ev->smc_id == v[0] && ev->svc_id == scmwq_smc_svc(v[0]) &&
		       ev->cmd_id == scmwq_smc_cmd(v[0]) && ev->args_cnt == v[1] &&
		       ev->args[0] == v[2] && ev->args[1] == v[3] &&
		       (ev->have & (SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_SVC_CMD | SCMWQ_HAVE_ARGS)) ==
			       (SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_SVC_CMD | SCMWQ_HAVE_ARGS);
	case SCMWQ_EV_SLEEP:
	case SCMWQ_EV_WAKE_ACK:
		return ev->wq_ctx == v[0] && ev->smc_call_ctx == v[1] &&
		       (ev->have & (SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX)) ==
			       (SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX);
	case SCMWQ_EV_GET_WQ_CTX:
		return ev->wq_ctx == v[0] && ev->flags == v[1] && ev->more_pending == v[2];
	case SCMWQ_EV_RESUME:
		return ev->smc_call_ctx == v[0] && (ev->have & SCMWQ_HAVE_CTX);
	case SCMWQ_EV_SMC_DONE:
		return ev->smc_id == v[0] && ev->ret == (int)(int64_t)v[1] && ev->res == v[2] &&
		       ev->res0 == v[3] && ev->res1 == v[4] && ev->res2 == v[5];
	default:
		return false;
	}
}


#define MAX_CPU 512

/* Everything the real test creates, for the clean-up. */
static struct {
	struct tracefs_instance *inst;
	struct tracefs_dynevent *probe[FIXTURE_NPROBES];
	struct tracefs_cpu *tcpu[MAX_CPU];
	char group[64];
	bool enabled;
} rec;

static void real_cleanup(void)
{
	for (int c = 0; c < MAX_CPU; c++) {
		if (rec.tcpu[c])
			tracefs_cpu_close(rec.tcpu[c]);
		rec.tcpu[c] = NULL;
	}
	if (rec.inst) {
		if (rec.enabled)
			tracefs_event_disable(rec.inst, rec.group, NULL);
		rec.enabled = false;
		if (tracefs_instance_destroy(rec.inst) < 0)
			printf("# warning: cannot remove instance %s\n",
			       tracefs_instance_get_name(rec.inst));
		tracefs_instance_free(rec.inst);
		rec.inst = NULL;
	}
	for (size_t i = 0; i < FIXTURE_NPROBES; i++) {
		if (!rec.probe[i])
			continue;
		if (tracefs_dynevent_destroy(rec.probe[i], false) < 0)
			printf("# warning: cannot remove uprobe %s/%s\n", rec.group, fixture_probes[i].name);
		tracefs_dynevent_free(rec.probe[i]);
		rec.probe[i] = NULL;
	}
}

static const char *real_skip_reason(void)
{
	const char *dir;
	char path[PATH_MAX];

	if (geteuid() != 0)
		return "needs root (tracefs and uprobe events)";
	dir = tracefs_tracing_dir();
	if (!dir)
		return "tracefs is not mounted";
	snprintf(path, sizeof(path), "%s/uprobe_events", dir);
	if (access(path, W_OK) < 0)
		return "the kernel has no uprobe events (CONFIG_UPROBE_EVENTS)";
	snprintf(path, sizeof(path), "%s/instances", dir);
	if (access(path, W_OK) < 0)
		return "tracefs has no instances";
	return NULL;
}

/* A run of steps of one thread, each on the CPU given for it. */
struct run {
	size_t from, to;
	const int *step_cpu;
	pid_t tid;
};

static void play_run(struct run *r)
{
	r->tid = (pid_t)gettid();
	for (size_t i = r->from; i < r->to; i++) {
		fixture_pin(r->step_cpu[i]);
		play(&steps[i]);
	}
}

static void *irq_thread(void *arg)
{
	pthread_setname_np(pthread_self(), IRQ_COMM);
	play_run(arg);
	return NULL;
}

/* Play every step: the IRQ thread's in a thread of their own.  -1: no thread. */
static int play_all(const int *step_cpu, pid_t *irq_tid)
{
	cpu_set_t saved;
	int ret = 0;

	sched_getaffinity(0, sizeof(saved), &saved);
	for (size_t i = 0; i < ARRAY_SIZE(steps);) {
		struct run r = { .from = i, .step_cpu = step_cpu };

		while (i < ARRAY_SIZE(steps) && steps[i].thread == steps[r.from].thread)
			i++;
		r.to = i;
		if (steps[r.from].thread == MAIN) {
			play_run(&r);
		} else {
			pthread_t t;

			if (pthread_create(&t, NULL, irq_thread, &r)) {
				ret = -1;
				break;
			}
			pthread_join(t, NULL);
			*irq_tid = r.tid;
		}
	}
	sched_setaffinity(0, sizeof(saved), &saved);
	return ret;
}

static void real_check(const char *name, const int *step_cpu, const char *comm, pid_t irq_tid,
		       size_t nwant)
{
	static const char *const needles[] = { ": scm_", NULL };
	const char *path = tmp_path(name);
	struct evlist l;
	size_t k = 0;
	bool seq = true, who = true;
	int counts[1], rc;

	if (read_all(path, &l) < 0) {
		ok(0, "%s opens in scmwq_source_open (%s)", name, l.err.msg);
		return;
	}
	ok(l.end == 0, "%s: read to the end %s", name, l.end < 0 ? l.err.msg : "");
	for (size_t i = 0; i < l.n; i++) {
		const struct scmwq_event *ev = &l.ev[i];

		if (k >= nwant || !step_matches(ev, &steps[k])) {
			if (seq)
				printf("# %s: event %zu (%s) is not step %zu\n", name, i,
				       scmwq_ev_type_name(ev->type), k);
			seq = false;
		}
		bool irq = k < nwant && steps[k].thread == IRQ;

		if (ev->pid != (irq ? irq_tid : getpid()) || strcmp(ev->comm, irq ? IRQ_COMM : comm) ||
		    (k < nwant && step_cpu[k] >= 0 && ev->cpu != step_cpu[k])) {
			if (who)
				printf("# %s: event %zu: pid %d comm %s cpu %d\n", name, i, ev->pid,
				       ev->comm, ev->cpu);
			who = false;
		}
		k++;
	}
	ok(seq && l.n == nwant, "%s: exactly the %zu events played, in order, with their fields "
	   "(%zu read)", name, nwant, l.n);
	ok(who, "%s: the pid and comm (saved cmdlines) of each thread, the CPU each step ran "
	   "on", name);
	free(l.ev);

	if (!have_trace_cmd()) {
		skip("trace-cmd is not installed");
		return;
	}
	rc = tc_report(path, needles, counts);
	ok(rc == 0 && counts[0] == (int)nwant, "%s: trace-cmd report exits 0 and shows the %zu "
	   "events (%d, exit %d)", name, nwant, counts[0], rc);
}

/* `scmwq-trace replay` reads it and finds the calls clean (exit 0). */
static void replay_check(const char *name)
{
	const char *bin = getenv("SCMWQ_BIN");
	char cmd[2 * PATH_MAX];
	int st;

	if (!bin || access(bin, X_OK) < 0) {
		skip("SCMWQ_BIN not set: scmwq-trace replay not run");
		return;
	}
	snprintf(cmd, sizeof(cmd), "'%s' replay --driver=mainline '%s' >/dev/null 2>&1", bin,
		 tmp_path(name));
	st = system(cmd);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: scmwq-trace replay --driver=mainline "
	   "reads it, no finding (exit %d)", name, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/*
 * One recording in a new instance with sub-buffers of @subbuf_kb KiB (0:
 * the kernel's), checked in every way; the files are named "@tag-...".
 */
static void record_and_check(const char *tag, int subbuf_kb, const char *const *events,
			     const char *comm)
{
	static struct scmwq_tdat_cpu cpu[MAX_CPU];
	static char *stats[MAX_CPU];
	char inst_name[64], buf[32], name[64];
	int step_cpu[ARRAY_SIZE(steps)], cpus[2], ncpus_run, page_size = 0, played;
	int ncpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	char *inst_dir = NULL;
	pid_t irq_tid = -1;
	struct scmwq_tdat_meta m;
	struct scmwq_error err;

	snprintf(inst_name, sizeof(inst_name), "scmwq-test-writer-%d-%s", (int)getpid(), tag);
	rec.inst = tracefs_instance_create(inst_name);
	if (!rec.inst) {
		ok(0, "instance %s: %s", inst_name, strerror(errno));
		return;
	}
	if (subbuf_kb) {
		snprintf(buf, sizeof(buf), "%d", subbuf_kb);
		if (!tracefs_file_exists(rec.inst, "buffer_subbuf_size_kb")) {
			skip("the kernel has no buffer_subbuf_size_kb");
			goto out;
		}
		if (tracefs_instance_file_write(rec.inst, "buffer_subbuf_size_kb", buf) < 0) {
			ok(0, "instance %s: buffer_subbuf_size_kb %s: %s", inst_name, buf,
			   strerror(errno));
			goto out;
		}
	}
	/* only our threads: the uprobes fire for every process running this file */
	snprintf(buf, sizeof(buf), "%d", (int)getpid());
	if (tracefs_instance_file_write(rec.inst, "trace_clock", "mono") < 0 ||
	    tracefs_option_enable(rec.inst, TRACEFS_OPTION_EVENT_FORK) < 0 ||
	    tracefs_instance_file_write(rec.inst, "set_event_pid", buf) < 0) {
		ok(0, "instance %s: trace_clock mono, event-fork, set_event_pid: %s", inst_name,
		   strerror(errno));
		goto out;
	}
	if (tracefs_event_enable(rec.inst, rec.group, NULL) < 0) {
		ok(0, "enable %s in %s: %s", rec.group, inst_name, strerror(errno));
		goto out;
	}
	rec.enabled = true;

	/* play, moving between two CPUs */
	ncpus_run = fixture_pick_cpus(cpus);
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++)
		step_cpu[i] = ncpus_run ? cpus[i % ncpus_run] : -1;
	played = play_all(step_cpu, &irq_tid);
	tracefs_event_disable(rec.inst, rec.group, NULL);
	rec.enabled = false;
	if (played < 0) {
		ok(0, "the IRQ thread: %s", strerror(errno));
		goto out;
	}

	/* each CPU's pages into a file, as record does */
	for (int c = 0; c < ncpus; c++) {
		int fd;

		cpu[c].fd = -1;
		cpu[c].size = 0;
		cpu[c].stats = NULL;
		rec.tcpu[c] = tracefs_cpu_open(rec.inst, c, true);
		if (!rec.tcpu[c])
			continue;	/* offline */
		/*
		 * libtracefs 1.6 reads in pages of the machine, whatever the
		 * sub-buffer size: the data is whole sub-buffers all the same,
		 * and their size is what the instance says.
		 */
		if (!page_size) {
			long long kb = 0;

			if (tracefs_file_exists(rec.inst, "buffer_subbuf_size_kb") &&
			    !tracefs_instance_file_read_number(rec.inst, "buffer_subbuf_size_kb",
							       &kb) && kb > 0)
				page_size = (int)kb * 1024;
			else
				page_size = getpagesize();
		}
		snprintf(name, sizeof(name), "%s-cpu%d", tag, c);
		fd = new_file(tmp_path(name));
		if (fd < 0)
			continue;
		for (int guard = 0; guard < (1 << 20); guard++) {
			int r = tracefs_cpu_flush_write(rec.tcpu[c], fd);

			if (r <= 0)
				break;
			cpu[c].size += r;
		}
		cpu[c].fd = fd;
		snprintf(name, sizeof(name), "per_cpu/cpu%d/stats", c);
		stats[c] = tracefs_instance_file_read(rec.inst, name, NULL);
		cpu[c].stats = stats[c];
	}
	ok(page_size > 0 && (!subbuf_kb || page_size == subbuf_kb * 1024),
	   "%s: sub-buffers of %d bytes", tag, page_size);
	inst_dir = tracefs_instance_get_dir(rec.inst);

	memset(&m, 0, sizeof(m));
	m.tracing_dir = tracefs_tracing_dir();
	m.instance_dir = inst_dir;
	m.events = events;
	m.ncpus = ncpus;
	m.cpu = cpu;
	m.page_size = page_size;
	m.trace_clock = "mono";
	for (int v = 6; v <= 7; v++) {
		snprintf(name, sizeof(name), "%s-v%d.dat", tag, v);
		m.version = v;
		m.kallsyms = v == 7 && !subbuf_kb;
		m.out_name = name;
		ok(write_to(name, &m, &err) == 0, "%s, version %d: written", tag, v);
		real_check(name, step_cpu, comm, irq_tid, ARRAY_SIZE(steps));
		replay_check(name);
	}
	if (!subbuf_kb) {
		m.page_size = page_size * 2;
		m.version = 6;
		ok(try_write("e.dat", &m, &err) < 0 && err.cls == SCMWQ_E_USAGE &&
		   strstr(err.msg, "sub-buffers"), "a page size that is not the instance's: "
		   "\"%s\"", err.msg);
		m.page_size = page_size;
	}

	/* partial pages: junk after a CPU's pages, then every CPU cut short */
	for (int c = 0; c < ncpus; c++) {
		if (!cpu[c].size)
			continue;
		if (pwrite(cpu[c].fd, "junk", 4, (off_t)cpu[c].size) == 4)
			cpu[c].size += 4;
		break;
	}
	snprintf(name, sizeof(name), "%s-junk.dat", tag);
	m.version = 7;
	m.kallsyms = false;
	m.out_name = name;
	ok(write_to(name, &m, &err) == 0, "%s with a partial page: written", tag);
	real_check(name, step_cpu, comm, irq_tid, ARRAY_SIZE(steps));
	for (int c = 0; c < ncpus; c++)
		if (cpu[c].size >= (uint64_t)page_size)
			cpu[c].size = cpu[c].size / page_size * page_size - 1;
	for (int v = 6; v <= 7; v++) {
		struct evlist l;

		snprintf(name, sizeof(name), "%s-cut-v%d.dat", tag, v);
		m.version = v;
		m.out_name = name;
		ok(write_to(name, &m, &err) == 0, "%s, every CPU's last page cut, version %d: "
		   "written", tag, v);
		ok(read_all(tmp_path(name), &l) == 0 && l.end == 0 && l.n < ARRAY_SIZE(steps),
		   "%s: opens and reads to the end, without the cut pages (%zu events)", name, l.n);
		free(l.ev);
		if (have_trace_cmd()) {
			static const char *const needles[] = { ": scm_", NULL };
			int counts[1];

			ok(tc_report(tmp_path(name), needles, counts) == 0,
			   "%s: trace-cmd report exits 0", name);
		}
	}

	for (int c = 0; c < ncpus; c++) {
		if (cpu[c].fd >= 0)
			close(cpu[c].fd);
		cpu[c].fd = -1;
		free(stats[c]);
		stats[c] = NULL;
	}
out:
	tracefs_put_tracing_file(inst_dir);
	/* the instance goes; the uprobes stay for the next recording */
	for (int c = 0; c < MAX_CPU; c++) {
		if (rec.tcpu[c])
			tracefs_cpu_close(rec.tcpu[c]);
		rec.tcpu[c] = NULL;
	}
	if (rec.enabled)
		tracefs_event_disable(rec.inst, rec.group, NULL);
	rec.enabled = false;
	if (tracefs_instance_destroy(rec.inst) < 0)
		printf("# warning: cannot remove instance %s\n", inst_name);
	tracefs_instance_free(rec.inst);
	rec.inst = NULL;
}

static void test_real(void)
{
	const char *why = real_skip_reason();
	const char *events[FIXTURE_NPROBES + 1];
	char evnames[FIXTURE_NPROBES][128];
	char exe[PATH_MAX], comm[32] = "", msg[256];
	int ncpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	uint64_t off[FIXTURE_NPROBES];
	FILE *fp;

	if (why) {
		skip(why);
		return;
	}
	if (ncpus < 1 || ncpus > MAX_CPU) {
		skip("too many CPUs for this test");
		return;
	}
	if (fixture_probe_offsets(exe, sizeof(exe), off, msg, sizeof(msg))) {
		ok(0, "file offsets of the probe functions: %s", msg);
		return;
	}
	fp = fopen("/proc/self/comm", "r");
	if (fp) {
		if (fgets(comm, sizeof(comm), fp))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(fp);
	}
	atexit(real_cleanup);

	snprintf(rec.group, sizeof(rec.group), "scmwq_t%d", (int)getpid());
	for (size_t i = 0; i < FIXTURE_NPROBES; i++) {
		rec.probe[i] = tracefs_uprobe_alloc(rec.group, fixture_probes[i].name, exe, off[i],
						    fixture_probes[i].args);
		if (!rec.probe[i] || tracefs_dynevent_create(rec.probe[i]) < 0) {
			char *log = tracefs_error_last(NULL);

			ok(0, "uprobe %s/%s at %s:0x%llx: %s", rec.group, fixture_probes[i].name, exe,
			   (unsigned long long)off[i], log ? log : strerror(errno));
			free(log);
			if (rec.probe[i])
				tracefs_dynevent_free(rec.probe[i]);
			rec.probe[i] = NULL;
			goto out;
		}
		snprintf(evnames[i], sizeof(evnames[i]), "%s/%s", rec.group, fixture_probes[i].name);
		events[i] = evnames[i];
	}
	events[FIXTURE_NPROBES] = NULL;
	ok(1, "uprobe events %s/* on %s", rec.group, exe);

	record_and_check("real", 0, events, comm);
	record_and_check("real8k", 8, events, comm);
out:
	real_cleanup();
	ok(!rec.inst && !rec.probe[0], "clean-up: instances and uprobes removed");
}

#else

static void test_real(void)
{
	skip("the uprobe fetch arguments are written for x86-64");
}

#endif

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/scmwq-tw.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		printf("1..0 # skip cannot create a temporary directory: %s\n", strerror(errno));
		return 0;
	}
	test_fake();
	test_errors();
	test_fallback();
	test_streaming();
	test_real();
	if (getenv("SCMWQ_KEEP_TMP"))
		printf("# files kept in %s\n", tmpdir);
	else
		rm_tree(tmpdir);
	return tap_done();
}
