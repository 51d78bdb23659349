// SPDX-License-Identifier: GPL-2.0
/*
 * -j N: independent tasks (one per input file) in parallel, each in a
 * forked child whose standard output and standard error go to unlinked
 * temporary files; the parent copies them out in task order, so that what
 * is printed is byte for byte what running the tasks one after another
 * prints.  A child shares nothing with the others: no library state needs
 * to be re-entrant.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"

struct job {
	pid_t pid;
	FILE *out, *err, *res;	/* the child's stdout, stderr and result */
};

static void job_close(struct job *j)
{
	if (j->out)
		fclose(j->out);
	if (j->err)
		fclose(j->err);
	if (j->res)
		fclose(j->res);
	memset(j, 0, sizeof(*j));
	j->pid = -1;
}

static int copy_out(FILE *from, FILE *to)
{
	char buf[65536];
	size_t n;

	fflush(from);
	rewind(from);
	while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
		if (fwrite(buf, 1, n, to) != n)
			return -1;
	return ferror(from) ? -1 : 0;
}

/* Start task @i in a child; -1 when it could not be (run it here instead). */
static int job_start(struct job *j, int i, const struct cmd_jobs *c)
{
	j->out = tmpfile();
	j->err = tmpfile();
	j->res = tmpfile();
	if (!j->out || !j->err || !j->res) {
		job_close(j);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	j->pid = fork();
	if (j->pid < 0) {
		job_close(j);
		return -1;
	}
	if (j->pid == 0) {
		int st;

		if (dup2(fileno(j->out), STDOUT_FILENO) < 0 || dup2(fileno(j->err), STDERR_FILENO) < 0)
			_exit(EXIT_SOFTWARE);
		st = c->run(i, c->result_len ? c->result : NULL, c->arg);
		fflush(stdout);
		fflush(stderr);
		if (c->result_len && fwrite(c->result, 1, c->result_len, j->res) != c->result_len)
			st = EXIT_SOFTWARE;
		if (fflush(j->res) || ferror(stdout) || ferror(stderr))
			st = EXIT_SOFTWARE;
		_exit(st);
	}
	return 0;
}

/* Wait for task @i, copy its output out and hand its result on. */
static int job_finish(struct job *j, int i, const struct cmd_jobs *c)
{
	int ws, st;

	while (waitpid(j->pid, &ws, 0) < 0)
		if (errno != EINTR)
			return EXIT_SOFTWARE;
	if (WIFEXITED(ws)) {
		st = WEXITSTATUS(ws);
	} else {
		st = EXIT_SOFTWARE;
		fprintf(j->err, "%s: task %d was killed by signal %d\n", cmd_progname, i + 1,
			WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
	}
	if (copy_out(j->out, stdout) < 0 || copy_out(j->err, stderr) < 0)
		st = EXIT_SOFTWARE;
	fflush(stdout);
	fflush(stderr);
	if (c->result_len) {
		rewind(j->res);
		if (fread(c->result, 1, c->result_len, j->res) != c->result_len) {
			memset(c->result, 0, c->result_len);
			if (st == EXIT_OK)
				st = EXIT_SOFTWARE;
		}
	}
	job_close(j);
	return st;
}

int cmd_jobs_run(const struct cmd_jobs *c, int ntasks, int jobs)
{
	struct job *v;
	int next = 0;

	if (jobs <= 1 || ntasks <= 1) {
		/* one after another, here */
		for (int i = 0; i < ntasks; i++)
			c->done(i, c->run(i, c->result, c->arg), c->result, c->arg);
		return 0;
	}
	if (jobs > ntasks)
		jobs = ntasks;
	v = calloc(jobs ? jobs : 1, sizeof(*v));
	if (!v)
		return -1;
	for (int i = 0; i < jobs; i++)
		v[i].pid = -1;
	for (int i = 0; i < ntasks; i++) {
		struct job *j = &v[i % jobs];
		int st;

		/* keep up to @jobs tasks running, from i on */
		for (; next < ntasks && next < i + jobs; next++)
			if (job_start(&v[next % jobs], next, c) < 0)
				break;	/* run it here when its turn comes */
		if (j->pid > 0) {
			st = job_finish(j, i, c);
		} else {
			if (next == i)
				next++;
			st = c->run(i, c->result_len ? c->result : NULL, c->arg);
		}
		c->done(i, st, c->result_len ? c->result : NULL, c->arg);
	}
	free(v);
	return 0;
}
