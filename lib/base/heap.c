// SPDX-License-Identifier: GPL-2.0
/*
 * A binary min-heap of fixed-size elements, for the simulator's event
 * queue and the trace.dat reader's per-CPU merge.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

void scmwq_heap_init(struct scmwq_heap *h, size_t size, bool (*less)(const void *a, const void *b))
{
	memset(h, 0, sizeof(*h));
	h->size = size;
	h->less = less;
}

void *scmwq_heap_at(const struct scmwq_heap *h, size_t i)
{
	return h->v + i * h->size;
}

/*
 * Sift with a hole: the moving element waits in the scratch slot and each
 * level costs one copy.  The comparisons are those of swapping, so ties
 * end where swapping would leave them.
 */
static void sift_down(struct scmwq_heap *h, size_t i)
{
	void *tmp = scmwq_heap_at(h, h->cap);

	memcpy(tmp, scmwq_heap_at(h, i), h->size);
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		void *least = tmp;

		if (l < h->n && h->less(scmwq_heap_at(h, l), least)) {
			m = l;
			least = scmwq_heap_at(h, l);
		}
		if (r < h->n && h->less(scmwq_heap_at(h, r), least))
			m = r;
		if (m == i)
			break;
		memcpy(scmwq_heap_at(h, i), scmwq_heap_at(h, m), h->size);
		i = m;
	}
	memcpy(scmwq_heap_at(h, i), tmp, h->size);
}

int scmwq_heap_push(struct scmwq_heap *h, const void *elem)
{
	size_t i;

	if (h->n == h->cap) {
		size_t ncap = h->cap ? h->cap * 2 : 64;
		char *nv = realloc(h->v, (ncap + 1) * h->size);

		if (!nv)
			return -1;
		h->v = nv;
		h->cap = ncap;
	}
	i = h->n++;
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!h->less(elem, scmwq_heap_at(h, p)))
			break;
		memcpy(scmwq_heap_at(h, i), scmwq_heap_at(h, p), h->size);
		i = p;
	}
	memcpy(scmwq_heap_at(h, i), elem, h->size);
	return 0;
}

void *scmwq_heap_top(const struct scmwq_heap *h)
{
	return h->n ? h->v : NULL;
}

void scmwq_heap_pop(struct scmwq_heap *h, void *out)
{
	if (!h->n)
		return;
	if (out)
		memcpy(out, h->v, h->size);
	if (--h->n) {
		memcpy(h->v, scmwq_heap_at(h, h->n), h->size);
		sift_down(h, 0);
	}
}

void scmwq_heap_fix_top(struct scmwq_heap *h)
{
	sift_down(h, 0);
}

void scmwq_heap_free(struct scmwq_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}
