// SPDX-License-Identifier: GPL-2.0
/*
 * The threads of a timeline by pid, as the reader and the writers share
 * them: found or added, labelled "comm-pid", the lane each is drawn in, and
 * who a listed finding is about.
 */
#include <stdlib.h>
#include <string.h>

#include "view/timeline.h"

struct tl_thread *tl_thread_find(const struct scmwq_pidmap *threads, int pid)
{
	return scmwq_pidmap_find(threads, pid);
}

struct tl_thread *tl_thread_get(struct scmwq_pidmap *threads, int pid)
{
	struct tl_thread *th = tl_thread_find(threads, pid);

	if (th)
		return th;
	th = calloc(1, sizeof(*th));
	if (!th)
		return NULL;
	th->pid = pid;
	th->lane = -1;
	if (scmwq_pidmap_add(threads, th) < 0) {
		free(th);
		return NULL;
	}
	return th;
}

void tl_listed_set(struct tl_listed *l, const struct scmwq_finding *f)
{
	l->ts = f->ts_ns;
	l->sev = f->severity;
	l->inconclusive = f->inconclusive;
	l->rule = f->rule;
	if (f->pid >= 0)
		tl_thread_label(l->who, sizeof(l->who), f->comm, f->pid);
	else
		l->who[0] = 0;
	snprintf(l->msg, sizeof(l->msg), "%.*s", (int)sizeof(l->msg) - 1, f->message);
}

void tl_thread_label(char *buf, size_t len, const char *comm, int pid)
{
	snprintf(buf, len, "%s-%d", comm && comm[0] ? comm : "<...>", pid);
}

int tl_lane_of(const struct tl *t, int pid)
{
	const struct tl_thread *th = pid >= 0 ? tl_thread_find(&t->threads, pid) : NULL;

	return th ? th->lane : -1;
}

struct tl_thread *tl_thread_to_name(struct tl *t, int pid, const char *comm)
{
	struct tl_thread *th;

	if (pid < 0)
		return NULL;
	th = tl_thread_get(&t->threads, pid);
	if (!th) {
		t->oom = true;
		return NULL;
	}
	if (comm && comm[0] && !th->comm[0])
		memcpy(th->comm, comm, sizeof(th->comm));
	if (th->named || !th->comm[0])
		return NULL;
	th->named = true;
	return th;
}

void tl_threads_name_rest(struct tl *t, void (*name)(struct tl *t, int pid, const char *comm))
{
	struct tl_thread *th;

	scmwq_pidmap_for_each(&t->threads, th)
		if (!th->named) {
			snprintf(th->comm, sizeof(th->comm), "<...>");
			name(t, th->pid, NULL);
		}
}

void tl_finding_each(struct tl *t, const struct scmwq_finding *f,
		     void (*mark)(struct tl *t, const struct scmwq_finding *f, int pid, bool named))
{
	mark(t, f, f->pid, false);
	for (int i = 0; i < f->n_named; i++)
		if (f->named_pid[i] != f->pid)
			mark(t, f, f->named_pid[i], true);
}
