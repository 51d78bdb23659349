// SPDX-License-Identifier: GPL-2.0
/*
 * The fields of the scheduler events in ftrace text (sched_switch,
 * sched_waking/sched_wakeup), as the kernel prints them and as trace-cmd's
 * sched plugin does.
 */
#include "source/text.h"

/* "comm:pid [prio]" (trace-cmd's sched plugin) from @s to @e. */
static bool parse_plugin_task(const char *s, const char *e, int *pid, const char **comm,
			      size_t *comm_len)
{
	const char *d;
	int prio;

	while (e > s && e[-1] == ' ')
		e--;
	if (e == s || e[-1] != ']')
		return false;
	e--;
	while (e > s && e[-1] != '[')
		e--;
	d = txt_parse_dec_int(e, &prio);
	if (e == s || !d || *d != ']')
		return false;
	e--;
	while (e > s && e[-1] == ' ')
		e--;
	d = e;
	while (d > s && txt_is_digit(d[-1]))
		d--;
	if (d == e || d == s || d[-1] != ':' || !txt_parse_dec_int(d, pid))
		return false;
	*comm = s;
	*comm_len = d - 1 - s;
	return true;
}

/*
 * Kernel: "prev_comm=X prev_pid=N prev_prio=N prev_state=S ==> next_comm=Y
 * next_pid=N next_prio=N"; trace-cmd plugin: "X:N [P] S ==> Y:N [P]".
 * Comms may contain spaces: the anchors decide.
 */
bool txt_parse_switch(const char *p, struct scmwq_event *ev)
{
	const char *a, *b, *c;
	int prio;

	while (*p == ' ')
		p++;
	if (STARTS(p, "prev_comm=")) {
		c = p + 10;
		for (a = c; (a = strstr(a, " prev_pid=")); a++) {
			b = txt_parse_dec_int(a + 10, &ev->pid);
			if (b && STARTS(b, " prev_prio="))
				break;
		}
		if (!a)
			return false;
		txt_copy_comm(ev->comm, c, a - c);
		b = txt_parse_dec_int(b + 11, &prio);
		if (!b || !STARTS(b, " prev_state="))
			return false;
		b += 12;
		if (*b == ' ' || !*b)
			return false;
		ev->prev_state = *b;
		b = strstr(b, " ==> next_comm=");
		if (!b)
			return false;
		c = b + 15;
		/* the last " next_pid=" is the field; an earlier one is in the comm */
		for (a = NULL, b = c; (b = strstr(b, " next_pid=")); b++)
			a = b;
		if (!a)
			return false;
		txt_copy_comm(ev->next_comm, c, a - c);
		b = txt_parse_dec_int(a + 10, &ev->next_pid);
		if (!b || !STARTS(b, " next_prio="))
			return false;
		b = txt_parse_dec_int(b + 11, &prio);
		return b && txt_value_end(*b);
	}

	a = strstr(p, " ==> ");
	if (!a)
		return false;
	b = a;
	while (b > p && b[-1] == ' ')
		b--;
	c = b;
	while (c > p && c[-1] != ' ')
		c--;
	if (c == b || c == p)
		return false;
	ev->prev_state = *c;
	{
		const char *comm;
		size_t len;

		if (!parse_plugin_task(p, c, &ev->pid, &comm, &len))
			return false;
		txt_copy_comm(ev->comm, comm, len);
		c = a + 5;
		while (*c == ' ')
			c++;
		if (!parse_plugin_task(c, c + strlen(c), &ev->next_pid, &comm, &len))
			return false;
		txt_copy_comm(ev->next_comm, comm, len);
	}
	return true;
}

/*
 * Kernel: "comm=X pid=N prio=N target_cpu=NNN" (older: "success=1" too);
 * trace-cmd plugin: "X:N [P] CPU:NNN" or "X:N [P] success=1 CPU:NNN".
 * The woken task goes to target_pid / next_comm.
 */
bool txt_parse_wakeup(const char *p, struct scmwq_event *ev)
{
	const char *a, *b, *c;

	while (*p == ' ')
		p++;
	if (STARTS(p, "comm=")) {
		c = p + 5;
		for (a = c; (a = strstr(a, " pid=")); a++) {
			b = txt_parse_dec_int(a + 5, &ev->target_pid);
			if (b && STARTS(b, " prio="))
				break;
		}
		if (!a)
			return false;
		txt_copy_comm(ev->next_comm, c, a - c);
		return true;
	}
	/* plugin: the task ends at the first "] " after ":digits [" */
	for (a = p; (a = strchr(a, '[')); a++) {
		const char *comm;
		size_t len;

		b = strchr(a, ']');
		if (!b)
			return false;
		if (parse_plugin_task(p, b + 1, &ev->target_pid, &comm, &len)) {
			txt_copy_comm(ev->next_comm, comm, len);
			return true;
		}
	}
	return false;
}
