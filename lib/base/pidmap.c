// SPDX-License-Identifier: GPL-2.0
/*
 * Threads by pid: one intrusive chained hash for the model, the call
 * tracker and the timeline.
 */
#include <stdlib.h>

#include "base/base.h"

static void **next_of(const struct scmwq_pidmap *m, void *node)
{
	return (void **)((char *)node + m->next_off);
}

static int pid_of(const struct scmwq_pidmap *m, const void *node)
{
	return *(const int *)((const char *)node + m->pid_off);
}


int scmwq_pidmap_init(struct scmwq_pidmap *m, size_t cap)
{
	m->hash = calloc(cap, sizeof(*m->hash));
	m->cap = m->hash ? cap : 0;
	m->count = 0;
	return m->hash ? 0 : -1;
}


static void grow(struct scmwq_pidmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	void **nh = calloc(ncap, sizeof(*nh));

	if (!nh)
		return;		/* keep the old table: still right, only slower */
	for (size_t i = 0; i < m->cap; i++)
		for (void *n = m->hash[i], *next; n; n = next) {
			size_t h = scmwq_pidmap_slot(pid_of(m, n), ncap);

			next = *next_of(m, n);
			*next_of(m, n) = nh[h];
			nh[h] = n;
		}
	free(m->hash);
	m->hash = nh;
	m->cap = ncap;
}

int scmwq_pidmap_add(struct scmwq_pidmap *m, void *node)
{
	size_t h;

	if (m->count * 2 >= m->cap)
		grow(m);
	if (!m->cap)
		return -1;
	h = scmwq_pidmap_slot(pid_of(m, node), m->cap);
	*next_of(m, node) = m->hash[h];
	m->hash[h] = node;
	m->count++;
	return 0;
}

void scmwq_pidmap_prune(struct scmwq_pidmap *m, bool (*drop)(void *node, void *arg), void *arg)
{
	for (size_t i = 0; i < m->cap; i++) {
		void **pp = &m->hash[i];

		while (*pp) {
			void *n = *pp;

			if (drop(n, arg)) {
				*pp = *next_of(m, n);
				free(n);
				m->count--;
			} else {
				pp = next_of(m, n);
			}
		}
	}
}

void scmwq_pidmap_free(struct scmwq_pidmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		for (void *n = m->hash[i], *next; n; n = next) {
			next = *next_of(m, n);
			free(n);
		}
	free(m->hash);
	m->hash = NULL;
	m->cap = m->count = 0;
}
