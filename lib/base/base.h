/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The base of libscmwq, inside the library: what every part may use.
 * Not installed.
 */
#ifndef SCMWQ_LIB_BASE_H
#define SCMWQ_LIB_BASE_H

#include <stdio.h>

#include <scmwq/base.h>
#include <scmwq/event.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Clear an event with 16-byte stores: the readers do it once an event, and
 * gcc makes memset() or a copy of a zero event a "rep stos"/"rep movs",
 * whose start-up costs more than the rest of a text line's parsing.
 */
static inline void scmwq_event_clear(struct scmwq_event *ev)
{
	typedef unsigned long long v2 __attribute__((vector_size(16), aligned(1), may_alias));
	const v2 z = { 0, 0 };
	v2 *q = (v2 *)ev;

	_Static_assert(sizeof(*ev) >= 16, "an event of at least 16 bytes");
#pragma GCC unroll 32
	for (size_t i = 0; i < sizeof(*ev) / 16; i++)
		q[i] = z;
	if (sizeof(*ev) % 16)
		*(v2 *)((char *)ev + sizeof(*ev) - 16) = z;
}

/* ------------------------------------------------------------------ */
/* Threads by pid (pidmap.c)                                       */

/*
 * An intrusive hash of structs keyed by pid: each node has a `struct X
 * *hnext` link and an `int pid`; the map knows where they are.  The model,
 * the call tracker and the timeline keep their threads in one.
 */
struct scmwq_pidmap {
	void **hash;
	size_t cap, count;
	size_t next_off, pid_off;
};

#define SCMWQ_PIDMAP_OF(type) \
	{ .next_off = offsetof(type, hnext), .pid_off = offsetof(type, pid) }

/* Allocate the table (a power of two); -1 when out of memory. */
int scmwq_pidmap_init(struct scmwq_pidmap *m, size_t cap);

static inline size_t scmwq_pidmap_slot(int pid, size_t cap)
{
	return ((uint32_t)pid * 2654435761u) & (cap - 1);
}

/* Inline: every event looks its thread up. */
static inline void *scmwq_pidmap_find(const struct scmwq_pidmap *m, int pid)
{
	if (!m->cap)
		return NULL;
	for (void *n = m->hash[scmwq_pidmap_slot(pid, m->cap)]; n;
	     n = *(void **)((char *)n + m->next_off))
		if (*(const int *)((const char *)n + m->pid_off) == pid)
			return n;
	return NULL;
}

/* Link a new node (its pid set); grows the table when half full.  -1: no table. */
int scmwq_pidmap_add(struct scmwq_pidmap *m, void *node);
/* Unlink and free() every node @drop says yes to. */
void scmwq_pidmap_prune(struct scmwq_pidmap *m, bool (*drop)(void *node, void *arg), void *arg);
/* free() every node and the table. */
void scmwq_pidmap_free(struct scmwq_pidmap *m);

/* Every node of @map in @var (a pointer to the node type). */
#define scmwq_pidmap_for_each(map, var)						\
	for (size_t _pm_i = 0; _pm_i < (map)->cap; _pm_i++)			\
		for ((var) = (map)->hash[_pm_i]; (var); (var) = (var)->hnext)

/* ------------------------------------------------------------------ */
/* A binary min-heap of fixed-size elements (heap.c)               */

/*
 * The simulator's actions and the trace.dat reader's per-CPU cursors.
 * Ties are left in the order the sift rules give, the same for the same
 * sequence of operations.  (The model keeps its own timer heap with an
 * inline compare: it runs on replay's per-event path, where the indirect
 * compare of this one cost 7% of replay's time.)
 */
struct scmwq_heap {
	char *v;		/* cap + 1 elements: the last is scratch */
	size_t n, cap, size;
	bool (*less)(const void *a, const void *b);
};

void scmwq_heap_init(struct scmwq_heap *h, size_t size, bool (*less)(const void *a, const void *b));
/* -1 when out of memory */
int scmwq_heap_push(struct scmwq_heap *h, const void *elem);
/* The least element; NULL when empty. */
void *scmwq_heap_top(const struct scmwq_heap *h);
/* Remove the least element, copying it to @out unless NULL. */
void scmwq_heap_pop(struct scmwq_heap *h, void *out);
/* The top element was changed in place: restore the order. */
void scmwq_heap_fix_top(struct scmwq_heap *h);
void *scmwq_heap_at(const struct scmwq_heap *h, size_t i);
void scmwq_heap_free(struct scmwq_heap *h);

/* ------------------------------------------------------------------ */
/* Temporary files (tmpfile.c)                                         */

/*
 * The directory for temporary files: @env ($TMPDIR) when set and not empty, else @android
 * when it is a directory (/data/local/tmp: Android has no /tmp), else /tmp.
 */
const char *scmwq_tmpdir_pick(const char *env, const char *android);
/* scmwq_tmpdir_pick(getenv("TMPDIR"), "/data/local/tmp") */
const char *scmwq_tmpdir(void);
/* A new unlinked file in scmwq_tmpdir(): its descriptor, or -1 with @err set (may be NULL). */
int scmwq_tmpfd(const char *name, struct scmwq_error *err);
/* The same as a stream open for reading and writing (tmpfile(3) where TMPDIR says), or NULL. */
FILE *scmwq_tmpfile(void);
/*
 * Copy @head (@head_len bytes already read) and the rest of @in to an unlinked file in
 * scmwq_tmpdir(); its descriptor, at offset 0.  -1 with @err set (messages start with @name).
 */
int scmwq_spool(int in, const void *head, size_t head_len, const char *name,
		struct scmwq_error *err);
/* Reads up to @len bytes into @buf: the count, 0 at the end, -1 with @err set. */
typedef ssize_t (*scmwq_spool_read_fn)(void *arg, void *buf, size_t len, struct scmwq_error *err);
/* scmwq_spool() with the rest read through @rd(@arg, ...) (a decompressed stream, say). */
int scmwq_spool_from(scmwq_spool_read_fn rd, void *arg, const void *head, size_t head_len,
		     const char *name, struct scmwq_error *err);

#endif /* SCMWQ_LIB_BASE_H */
