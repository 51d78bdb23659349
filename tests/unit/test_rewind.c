// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of scmwq_source_rewind() (lib/source/open.c): every reader
 * (text, trace.dat v6/v7, Perfetto), plain, compressed (gzip, zstd, xz) and
 * from a pipe, gives the same events, counts and system on each reading,
 * whether the first reading went to the end or stopped early; a pipe not
 * copied cannot be rewound.  Run from the top of the tree, or give the top
 * as argv[1] or in $SCMWQ_TOP.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scmwq.h>

#include "base/base.h"
#include "tap.h"

static char top[2048] = ".";
static char tmpdir[1024];	/* $TMPDIR/scmwq-rewind-XXXXXX */

static const char *path_of(const char *rel)
{
	static char buf[4][4096];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", top, rel);
	return buf[i];
}

/* What one reading gave (the test traces are small). */
struct pass {
	struct scmwq_event *ev;
	size_t n;
	int end;
	enum scmwq_system sys;
	uint64_t lost, malformed;
	int cpus;
	bool in_order;
};

static void diag_count(const char *path, uint64_t line, const char *what, void *arg)
{
	(void)path;
	(void)line;
	(void)what;
	(*(int *)arg)++;
}

/* Read @max events (0: to the end) into @p. */
static void read_pass(struct scmwq_source *src, struct pass *p, size_t max)
{
	struct scmwq_error err;
	struct scmwq_event ev;
	size_t cap = 0;

	memset(p, 0, sizeof(*p));
	for (;;) {
		memset(&ev, 0, sizeof(ev));
		p->end = scmwq_source_next(src, &ev, &err);
		if (p->end <= 0)
			break;
		if (p->n == cap) {
			cap = cap ? cap * 2 : 256;
			p->ev = realloc(p->ev, cap * sizeof(*p->ev));
			if (!p->ev)
				abort();
		}
		p->ev[p->n++] = ev;
		if (max && p->n == max)
			break;
	}
	p->sys = scmwq_source_system(src);
	p->lost = scmwq_source_lost(src);
	p->malformed = scmwq_source_malformed(src);
	p->cpus = scmwq_source_cpus(src);
	p->in_order = scmwq_source_losses_in_order(src);
}

static bool ev_same(const struct scmwq_event *a, const struct scmwq_event *b)
{
	return a->type == b->type && a->sys == b->sys && a->ts_ns == b->ts_ns &&
	       a->pid == b->pid && a->cpu == b->cpu && !strcmp(a->comm, b->comm) &&
	       a->have == b->have && a->smc_id == b->smc_id && a->svc_id == b->svc_id &&
	       a->cmd_id == b->cmd_id && a->args_cnt == b->args_cnt &&
	       !memcmp(a->args, b->args, sizeof(a->args)) && a->ret == b->ret &&
	       a->res == b->res && a->res0 == b->res0 && a->res1 == b->res1 &&
	       a->res2 == b->res2 && a->wq_ctx == b->wq_ctx &&
	       a->smc_call_ctx == b->smc_call_ctx && a->flags == b->flags &&
	       a->more_pending == b->more_pending && a->prev_state == b->prev_state &&
	       a->next_pid == b->next_pid && !strcmp(a->next_comm, b->next_comm) &&
	       a->target_pid == b->target_pid && a->loss == b->loss &&
	       a->lost_count == b->lost_count && a->gap_start_ns == b->gap_start_ns &&
	       a->gap_end_ns == b->gap_end_ns && a->where == b->where;
}

/* The first @n events of @a and @b agree; returns the first that differs, or -1. */
static long first_diff(const struct pass *a, const struct pass *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!ev_same(&a->ev[i], &b->ev[i]))
			return (long)i;
	return -1;
}

/*
 * @path read whole, rewound, read whole again, then read 3 events, rewound,
 * and read whole a third time: each whole reading the same.
 */
static void check_rewind(const char *what, const char *path, bool rewindable,
			 const char *want_fmt)
{
	struct scmwq_source *src;
	struct scmwq_error err;
	struct pass a, b, c, part;
	int diags = 0, diags_a;

	src = rewindable ? scmwq_source_open_rewindable(path, diag_count, &diags, &err)
			 : scmwq_source_open(path, diag_count, &diags, &err);
	ok(src != NULL, "%s: opens%s%s", what, src ? "" : ": ", src ? "" : err.msg);
	if (!src)
		return;
	if (want_fmt)
		is_str(scmwq_source_format_name(src), want_fmt, "%s: read as %s", what, want_fmt);
	read_pass(src, &a, 0);
	diags_a = diags;
	ok(a.end == 0 && a.n > 0, "%s: first reading, %zu events to the end", what, a.n);

	is_int(scmwq_source_rewind(src, &err), 0, "%s: rewinds after the end", what);
	read_pass(src, &b, 0);
	is_int(b.n, a.n, "%s: as many events the second time", what);
	is_int(first_diff(&a, &b, a.n < b.n ? a.n : b.n), -1, "%s: the same events", what);
	ok(b.end == a.end && b.sys == a.sys && b.lost == a.lost && b.malformed == a.malformed &&
	   b.cpus == a.cpus && b.in_order == a.in_order,
	   "%s: the same end, system, losses (%llu), malformed (%llu), CPUs", what,
	   (unsigned long long)b.lost, (unsigned long long)b.malformed);
	is_int(diags, 2 * diags_a, "%s: each malformed line told once per reading", what);

	read_pass(src, &part, 0);
	is_int(part.n, 0, "%s: nothing more at the end", what);
	free(part.ev);

	is_int(scmwq_source_rewind(src, &err), 0, "%s: rewinds again", what);
	read_pass(src, &part, 3);
	is_int(scmwq_source_rewind(src, &err), 0, "%s: rewinds after 3 events", what);
	read_pass(src, &c, 0);
	is_int(c.n, a.n, "%s: a whole reading after a partial one", what);
	is_int(first_diff(&a, &c, a.n < c.n ? a.n : c.n), -1, "%s: the same events again", what);
	ok(c.sys == a.sys && c.lost == a.lost && c.malformed == a.malformed && c.cpus == a.cpus,
	   "%s: the counts start again on rewinding", what);

	free(part.ev);
	free(a.ev);
	free(b.ev);
	free(c.ev);
	scmwq_source_free(src);
}

/* Standard input is the read end of a pipe fed @path by a child. */
static pid_t stdin_from_pipe(const char *path, int *saved)
{
	int p[2];
	pid_t pid;

	*saved = dup(STDIN_FILENO);
	if (*saved < 0 || pipe(p) < 0)
		abort();
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		char buf[65536];
		ssize_t n;
		int fd = open(path, O_RDONLY);

		close(p[0]);
		while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
			if (write(p[1], buf, (size_t)n) != n)
				break;
		_exit(0);
	}
	close(p[1]);
	dup2(p[0], STDIN_FILENO);
	close(p[0]);
	return pid;
}

static void stdin_restore(pid_t pid, int saved)
{
	dup2(saved, STDIN_FILENO);
	close(saved);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

static void check_stdin(const char *what, const char *path, const char *want_fmt)
{
	struct scmwq_source *src;
	struct scmwq_error err;
	struct scmwq_event ev;
	int saved;
	pid_t pid;

	pid = stdin_from_pipe(path, &saved);
	check_rewind(what, "-", true, want_fmt);
	stdin_restore(pid, saved);

	/* not copied: the pipe cannot go back (a trace.dat is spooled anyway) */
	if (!strcmp(want_fmt, "trace.dat"))
		return;
	pid = stdin_from_pipe(path, &saved);
	src = scmwq_source_open("-", NULL, NULL, &err);
	ok(src != NULL, "%s, not copied: opens", what);
	if (src) {
		ok(scmwq_source_next(src, &ev, &err) == 1, "%s, not copied: reads", what);
		is_int(scmwq_source_rewind(src, &err), -1, "%s, not copied: cannot rewind", what);
		is_int(err.cls, SCMWQ_E_USAGE, "%s, not copied: a usage error", what);
		ok(strstr(err.msg, "<stdin>") && strstr(err.msg, "pipe"),
		   "%s, not copied: the message names stdin and the pipe: %s", what, err.msg);
		/* still readable on */
		ok(scmwq_source_next(src, &ev, &err) >= 0, "%s, not copied: reads on", what);
		scmwq_source_free(src);
	}
	stdin_restore(pid, saved);
}

/* Make tmpdir/@name from @cmd (a shell command); false when it fails. */
static bool make(const char *name, const char *cmd)
{
	char buf[8192];

	snprintf(buf, sizeof(buf), "cd '%s' && %s > '%s/%s' 2>/dev/null", top, cmd, tmpdir, name);
	return system(buf) == 0;
}

static const char *tmp_of(const char *name)
{
	static char buf[2][4096];
	static int i;

	i = (i + 1) % 2;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static void skip(const char *why)
{
	tap_n++;
	printf("ok %d # skip %s\n", tap_n, why);
}

int main(int argc, char **argv)
{
	const char *env = getenv("SCMWQ_TOP");
	char cmd[4096];

	if (argc > 1)
		snprintf(top, sizeof(top), "%s", argv[1]);
	else if (env && *env)
		snprintf(top, sizeof(top), "%s", env);
	snprintf(tmpdir, sizeof(tmpdir), "%s/scmwq-rewind-XXXXXX", scmwq_tmpdir());
	if (!mkdtemp(tmpdir))
		abort();

	check_rewind("text", path_of("traces/clean-mainline.qcom_scm.txt"), false, "text");
	check_rewind("text with losses", path_of("traces/lost-wakeup-lossy.scm.txt"), false,
		     "text");
	check_rewind("text with malformed lines", path_of("tests/cli/fixtures/malformed.txt"),
		     false, "text");
	check_rewind("trace.dat v7", path_of("traces/clean-vendor.dat"), false, "trace.dat");
	check_rewind("trace.dat v6", path_of("traces/clean-vendor.v6.dat"), false, "trace.dat");
	check_rewind("trace.dat, zstd inside", path_of("traces/clean-vendor.zstd.dat"), false,
		     "trace.dat");
	check_rewind("trace.dat with losses", path_of("traces/loss-overwrite.dat"), false,
		     "trace.dat");
	check_rewind("gzip text", path_of("tests/fuzz/regress/text/clean-vendor.scm.txt.gz"),
		     false, "text");
	check_rewind("zstd text", path_of("tests/fuzz/regress/text/clean-vendor.scm.txt.zst"),
		     false, "text");
	check_rewind("xz text", path_of("tests/fuzz/regress/text/clean-vendor.scm.txt.xz"),
		     false, "text");
	check_rewind("gzip trace.dat", path_of("tests/fuzz/regress/text/wake-all-partial.dat.gz"),
		     false, "trace.dat");
	if (make("cv.dat.zst", "zstd -q -c traces/clean-vendor.dat"))
		check_rewind("zstd trace.dat", tmp_of("cv.dat.zst"), false, "trace.dat");
	else
		skip("no zstd to compress a trace.dat");

	snprintf(cmd, sizeof(cmd), "protoc -Itests/perfetto --encode=perfetto.protos.Trace "
		 "perfetto_subset.proto < tests/perfetto/lost-wakeup-lossy.scm.dense.textproto");
	if (make("lw.pftrace", cmd)) {
		check_rewind("perfetto", tmp_of("lw.pftrace"), false, "perfetto");
		snprintf(cmd, sizeof(cmd), "gzip -c '%s'", tmp_of("lw.pftrace"));
		if (make("lw.pftrace.gz", cmd))
			check_rewind("gzip perfetto", tmp_of("lw.pftrace.gz"), false, "perfetto");
		check_stdin("perfetto from a pipe", tmp_of("lw.pftrace"), "perfetto");
	} else {
		skip("no protoc to encode a Perfetto trace");
	}

	check_stdin("text from a pipe", path_of("traces/clean-mainline.qcom_scm.txt"), "text");
	check_stdin("gzip text from a pipe",
		    path_of("tests/fuzz/regress/text/clean-vendor.scm.txt.gz"), "text");
	check_stdin("trace.dat from a pipe", path_of("traces/clean-vendor.dat"), "trace.dat");

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
	return tap_done();
}
