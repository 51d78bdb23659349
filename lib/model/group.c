// SPDX-License-Identifier: GPL-2.0
/*
 * WAKE_ALL groups: the sleepers one WAKE_ALL found, followed until each
 * has come out of its wait (or --grace has passed), then judged together
 * (wake-all-partial).
 */
#include <stdlib.h>

#include "model/mdl.h"

int mdl_group_index(const struct group *g, int pid)
{
	for (int i = 0; i < g->n; i++)
		if (g->pids[i] == pid)
			return i;
	return -1;
}

void mdl_group_free(struct group *g)
{
	scmwq_doubt_put(g->doubt);
	free(g->pids);
	free(g->resumed_ns);
	free(g->rewake_ns);
	free(g->state);
	free(g);
}

/*
 * A WAKE_ALL found @present sleepers on @w that have no wake yet: one group
 * of them, settled once each has come out of its wait and --grace has passed.
 */
void mdl_group_start(struct scmwq_model *m, struct thr *waker, struct wq *w, uint64_t ts, bool irq,
		     int present)
{
	struct group *g;

	g = calloc(1, sizeof(*g));
	if (g) {
		g->pids = calloc((size_t)present, sizeof(int));
		g->resumed_ns = calloc((size_t)present, sizeof(uint64_t));
		g->rewake_ns = calloc((size_t)present, sizeof(uint64_t));
		g->state = calloc((size_t)present, 1);
	}
	if (g && g->pids && g->resumed_ns && g->rewake_ns && g->state) {
		g->ts = ts;
		g->ev_start = ts;
		g->wq_ctx = w->wq_ctx;
		g->waker_pid = waker->pid;
		g->irq = irq;
		for (struct thr *t = w->head; t; t = t->wnext) {
			/* a thread is in one group at a time: the first judges it */
			if (t->credit != CR_NONE || t->attributed || t->resume_pending || t->group)
				continue;
			t->group = g;
			if (t->ev_start < g->ev_start)
				g->ev_start = t->ev_start;
			mdl_doubt_join(&g->doubt, t->doubt);
			g->pids[g->n++] = t->pid;
		}
		g->asleep = g->n;
		mdl_timer_add(m, ts + m->o.grace_ns, T_GROUP, 0, g);
	} else if (g) {
		mdl_group_free(g);
		m->oom = true;
	}
}

/* Every member has come out of it (or the trace ended): the verdict. */
void mdl_group_settle(struct scmwq_model *m, struct group *g, bool at_end)
{
	struct thr *waker = mdl_thr_find(m, g->waker_pid);
	int lost = 0, resumed = 0, never = 0;
	bool short_tail = false;
	struct fbuild b;
	char ts[32];

	mdl_fb_init(&b, SCMWQ_R_WAKE_ALL_PARTIAL, g->ts, waker);
	mdl_fb_from(&b, g->ev_start);
	b.doubt = g->doubt;
	mdl_fb_wq(&b, g->wq_ctx);
	for (int i = 0; i < g->n; i++) {
		if (g->state[i] == M_ASLEEP) {
			/* still asleep at the end of the trace */
			struct thr *t = mdl_thr_find(m, g->pids[i]);

			g->state[i] = M_LOST;
			g->resumed_ns[i] = 0;
			if (t && t->group == g) {
				t->group = NULL;
				t->attributed = true;
			}
		}
		if (g->state[i] == M_LOST) {
			lost++;
			mdl_fb_name(&b, g->pids[i]);
			if (!g->resumed_ns[i])
				never++;
		} else if (g->state[i] == M_RESUMED) {
			resumed++;
		}
	}
	if (lost) {
		mdl_ts_str(ts, sizeof(ts), g->ts);
		mdl_fb_msg(&b, "WAKE_ALL on wq_ctx %u at %s (by %s) found %d sleeper%s; only %d "
			   "resumed on it; %s:", g->wq_ctx, ts,
			   g->irq ? "the IRQ drain" : "a WAKE/ACK", g->n, g->n == 1 ? "" : "s",
			   resumed, never == lost ? "still asleep" : "not woken by it");
		mdl_fb_named_list(m, &b, lost);
		if (never < lost)
			mdl_fb_msg(&b, " (%d resumed only after a later wake)", lost - never);
		if (m->o.driver == SCMWQ_DRV_MAINLINE_6_3)
			mdl_fb_msg(&b, " (Linux 6.3-6.10 turns WAKE_ALL into a single complete())");
		else if (m->o.driver == SCMWQ_DRV_VENDOR)
			mdl_fb_msg(&b, " (complete_all() then reinit_completion() raced with a "
				   "waiter)");
		short_tail = at_end && never && m->now - g->ts < m->o.grace_ns;
		mdl_emit(m, &b, short_tail, "the trace ended within --grace of the WAKE_ALL");
	}
	mdl_group_free(g);
}

/*
 * A member left the WAKE_ALL's wait: resumed on it, resumed only after a
 * later wake (lost), or left its wait otherwise.
 */
void mdl_group_member_left(struct scmwq_model *m, struct thr *t, enum member how,
			   uint64_t resumed)
{
	struct group *g = t->group;
	int i = mdl_group_index(g, t->pid);

	t->group = NULL;
	if (i < 0 || g->state[i] != M_ASLEEP)
		return;
	g->state[i] = how;
	g->resumed_ns[i] = resumed;
	g->asleep--;
	if (how == M_LOST)
		t->attributed = true;
	if (g->due && !g->asleep)
		mdl_group_settle(m, g, false);
}
