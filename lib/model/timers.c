// SPDX-License-Identifier: GPL-2.0
/*
 * The model's timers: verdicts that wait for something not to happen
 * (--grace, --stall, --skew) sit in a min-heap by deadline until the
 * trace's time passes them (expire.c fires them).
 */
#include <stdlib.h>

#include "model/mdl.h"

/*
 * The timers' own heap, not lib/base/heap.c: it runs on replay's per-event path
 * and the inline compare is worth 7% of replay's time.
 */
static bool timer_less(const struct timer *a, const struct timer *b)
{
	return a->when < b->when;
}

static bool timer_on_thread(enum timer_kind kind)
{
	return kind != T_GROUP && kind != T_SPUR;
}

void mdl_timer_add(struct scmwq_model *m, uint64_t when, enum timer_kind kind, uint32_t gen,
		   void *obj)
{
	size_t i;

	if (m->hlen == m->hcap) {
		size_t ncap = m->hcap ? m->hcap * 2 : 64;
		struct timer *nh = realloc(m->heap, ncap * sizeof(*nh));

		if (!nh) {
			m->oom = true;
			return;
		}
		m->heap = nh;
		m->hcap = ncap;
	}
	i = m->hlen++;
	m->heap[i] = (struct timer){ when, kind, gen, obj };
	while (i > 0) {
		size_t p = (i - 1) / 2;
		struct timer tmp;

		if (!timer_less(&m->heap[i], &m->heap[p]))
			break;
		tmp = m->heap[i];
		m->heap[i] = m->heap[p];
		m->heap[p] = tmp;
		i = p;
	}
	if (timer_on_thread(kind))
		((struct thr *)obj)->heap_refs++;
}

struct timer mdl_timer_pop(struct scmwq_model *m)
{
	struct timer top = m->heap[0];
	size_t i = 0;

	m->heap[0] = m->heap[--m->hlen];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, s = i;
		struct timer tmp;

		if (l < m->hlen && timer_less(&m->heap[l], &m->heap[s]))
			s = l;
		if (r < m->hlen && timer_less(&m->heap[r], &m->heap[s]))
			s = r;
		if (s == i)
			break;
		tmp = m->heap[i];
		m->heap[i] = m->heap[s];
		m->heap[s] = tmp;
		i = s;
	}
	if (timer_on_thread(top.kind))
		((struct thr *)top.obj)->heap_refs--;
	return top;
}
