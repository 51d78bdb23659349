// SPDX-License-Identifier: GPL-2.0
/*
 * Perfetto's FtraceEventBundle to events (google/perfetto
 * protos/perfetto/trace/ftrace/; what traced_probes writes:
 * src/traced/probes/ftrace/cpu_reader.cc).
 *
 * - SCM events are generic events (Perfetto has no schema for them), in
 *   either encoding: legacy FtraceEvent.generic (event_name and Field
 *   {name; str_value | int_value | uint_value}), or dense (v50+):
 *   FtraceEvent fields numbered from 65536, each described by a
 *   GenericEventDescriptor {field_id, group_name, event_descriptor: a
 *   serialised DescriptorProto} that traced_probes appends to every bundle
 *   using it.  Fields are read by name in both, as everywhere else.
 * - The vendor `out` text arrives intact and is parsed as the other
 *   readers parse it (vendor_args.c).  Mainline's `__data_loc unsigned
 *   long[] args` is a type traced_probes does not know: it copies it as a C
 *   string, so the little-endian array arrives cut at its first zero byte.
 *   An argument is certain only if all its 8 bytes came before the cut:
 *   then args[0] is kept (the only one the model reads: RESUME's and ACK's
 *   smc_call_ctx) and the ones after the cut read 0; otherwise the event
 *   carries no arguments and replay says which checks are off, as for
 *   probe traces.
 * - The system (scm or qcom_scm) comes from group_name (dense), or, legacy
 *   events having none, from the fields only one system has: `out` (scm),
 *   `args` and `res` (qcom_scm).
 * - sched_switch / sched_waking / sched_wakeup protos, or compact_sched:
 *   columns of delta-encoded timestamps and interned comms, with neither
 *   prev_pid nor the waker: those are the task the CPU's previous switch
 *   switched in (-1 before the first).
 */
#include <stdlib.h>
#include <string.h>

#include "source/perfetto.h"

/* ------------------------------------------------------------------ */
/* Names                                                               */

static const char *const fid_names[PF__COUNT] = {
	[PF_SMC_ID] = "smc_id", [PF_SVC_ID] = "svc_id", [PF_CMD_ID] = "cmd_id",
	[PF_ARGS_CNT] = "args_cnt", [PF_ARGS] = "args", [PF_OUT] = "out",
	[PF_WQ_CTX] = "wq_ctx", [PF_CTX] = "smc_call_ctx", [PF_FLAGS] = "flags",
	[PF_MORE] = "more_pending", [PF_RET] = "ret", [PF_RES] = "res", [PF_RES0] = "res0",
	[PF_RES1] = "res1", [PF_RES2] = "res2",
};

static bool is(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && !memcmp(name, s, len);
}

int pf_field_id(const char *name, size_t len)
{
	for (int i = 0; i < PF__COUNT; i++)
		if (is(name, len, fid_names[i]))
			return i;
	return -1;
}

enum scmwq_ev_type pf_event_type(const char *name, size_t len)
{
	static const enum scmwq_ev_type types[] = {
		SCMWQ_EV_SMC_REQUEST, SCMWQ_EV_SLEEP, SCMWQ_EV_RESUME, SCMWQ_EV_GET_WQ_CTX,
		SCMWQ_EV_WAKE_ACK, SCMWQ_EV_SMC_DONE,
	};

	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (is(name, len, scmwq_ev_type_name(types[i])))
			return types[i];
	return SCMWQ_EV_NONE;
}

static void copy_comm(char *dst, const uint8_t *s, size_t len)
{
	if (len >= SCMWQ_COMM_LEN)
		len = SCMWQ_COMM_LEN - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	for (size_t i = 0; i < len; i++)	/* a NUL inside would cut it anyway */
		if (!dst[i])
			dst[i] = '?';
}

/* ------------------------------------------------------------------ */
/* SCM events                                                          */

/* The fields of one generic event as read. */
struct pf_vals {
	uint64_t v[PF__COUNT];
	unsigned int has;		/* 1 << enum pf_fid */
	const uint8_t *str;		/* PF_ARGS or PF_OUT */
	size_t slen;
};

static void val_set(struct pf_vals *x, int fid, const struct pb_field *f)
{
	if (fid < 0)
		return;
	if (f->wire == PB_LEN) {
		if (fid != PF_ARGS && fid != PF_OUT)
			return;		/* a number expected: not a field we can use */
		x->str = f->data;
		x->slen = f->len;
	} else {
		x->v[fid] = f->v;
	}
	x->has |= 1u << fid;
}

#define HAS(x, fid)	((x)->has & (1u << (fid)))

/* mainline args[]: see the top of the file. */
static bool mainline_args(struct scmwq_event *ev, const struct pf_vals *x)
{
	size_t full = x->slen / 8;

	if (!ev->args_cnt)
		return true;
	if (x->slen > (size_t)ev->args_cnt * 8 || full == 0)
		return false;
	for (size_t i = 0; i < full && i < SCMWQ_MAX_ARGS; i++)
		for (int b = 0; b < 8; b++)
			ev->args[i] |= (uint64_t)x->str[i * 8 + b] << (8 * b);
	return true;
}

static void scm_finish(struct scmwq_source *src, struct scmwq_event *ev,
		       const struct pf_vals *x, enum scmwq_system sys)
{
	static const struct { int fid; unsigned int have; } simple[] = {
		{ PF_SMC_ID, SCMWQ_HAVE_SMC_ID }, { PF_WQ_CTX, SCMWQ_HAVE_WQ_CTX },
		{ PF_CTX, SCMWQ_HAVE_CTX }, { PF_FLAGS, SCMWQ_HAVE_FLAGS },
		{ PF_MORE, SCMWQ_HAVE_MORE }, { PF_RET, SCMWQ_HAVE_RET },
		{ PF_RES, SCMWQ_HAVE_RES }, { PF_RES0, SCMWQ_HAVE_RES012 },
		{ PF_RES1, SCMWQ_HAVE_RES012 }, { PF_RES2, SCMWQ_HAVE_RES012 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(simple); i++)
		if (HAS(x, simple[i].fid))
			ev->have |= simple[i].have;
	ev->smc_id = x->v[PF_SMC_ID];
	ev->wq_ctx = (uint32_t)x->v[PF_WQ_CTX];
	ev->smc_call_ctx = (uint32_t)x->v[PF_CTX];
	ev->flags = (uint32_t)x->v[PF_FLAGS];
	ev->more_pending = (uint32_t)x->v[PF_MORE];
	ev->ret = (int)(int64_t)x->v[PF_RET];
	ev->res = x->v[PF_RES];
	ev->res0 = x->v[PF_RES0];
	ev->res1 = x->v[PF_RES1];
	ev->res2 = x->v[PF_RES2];
	if (HAS(x, PF_SVC_ID) && HAS(x, PF_CMD_ID)) {
		ev->svc_id = (uint8_t)x->v[PF_SVC_ID];
		ev->cmd_id = (uint8_t)x->v[PF_CMD_ID];
		ev->have |= SCMWQ_HAVE_SVC_CMD;
	}

	/* the system, where the event tells it */
	if (!sys && HAS(x, PF_OUT))
		sys = SCMWQ_SYS_SCM;
	if (!sys && (HAS(x, PF_ARGS) || HAS(x, PF_RES)))
		sys = SCMWQ_SYS_QCOM_SCM;
	if (sys && !src->sys)
		src->sys = sys;
	ev->sys = sys ? sys : src->sys;

	if (ev->type != SCMWQ_EV_SMC_REQUEST || !HAS(x, PF_ARGS_CNT))
		return;
	ev->args_cnt = (uint8_t)x->v[PF_ARGS_CNT];
	if (HAS(x, PF_OUT)) {
		const char *why;
		/* an empty string field has no bytes at all */
		int n = scmwq_vendor_args_parse(x->str ? (const char *)x->str : "", x->slen,
						ev->args_cnt, ev->args, &why);

		if (n >= 0)
			ev->have |= SCMWQ_HAVE_ARGS;
		else
			scmwq_source_diag(src, ev->where, why);
	} else if (HAS(x, PF_ARGS) && mainline_args(ev, x)) {
		ev->have |= SCMWQ_HAVE_ARGS;
	}
}

/*
 * A message of a name (field 1, a string) and a value: one of fields @lo to
 * @hi (a varint, or a string).  *@name and *@val get their fields (data NULL
 * or num 0 when absent).  Returns 0, or -1 with @err set when garbled.
 */
static int name_value(struct scmwq_source *src, struct pf *pf, struct pb_msg m,
		      uint32_t lo, uint32_t hi, const char *what, struct pb_field *name,
		      struct pb_field *val, struct scmwq_error *err)
{
	struct pb_field g;
	const char *why;
	int r;

	memset(name, 0, sizeof(*name));
	memset(val, 0, sizeof(*val));
	while ((r = pb_next(&m, &g, &why)) > 0) {
		if (g.num == 1 && g.wire == PB_LEN)
			*name = g;
		else if (g.num >= lo && g.num <= hi && (g.wire == PB_VARINT || g.wire == PB_LEN))
			*val = g;
	}
	if (r < 0)
		return pf_garbled(src, pf, m.p, what, why, err);
	return 0;
}

/* FtraceEvent.generic: GenericFtraceEvent {event_name 1; Field 2 {name 1; value 3-5}}. */
static int legacy_generic(struct scmwq_source *src, struct pf *pf, struct pb_msg m,
			  struct scmwq_event *ev, struct scmwq_error *err)
{
	struct pf_vals x = { 0 };
	struct pb_field f, name, val;
	const char *why;
	int r;

	while ((r = pb_next(&m, &f, &why)) > 0) {
		if (f.num == 1 && f.wire == PB_LEN) {
			ev->type = pf_event_type((const char *)f.data, f.len);
			continue;
		}
		if (f.num != 2 || f.wire != PB_LEN)
			continue;
		if (name_value(src, pf, pb_sub(&f), 3, 5, "a GenericFtraceEvent.Field", &name, &val,
			       err) < 0)
			return -1;
		if (name.data && val.num)
			val_set(&x, pf_field_id((const char *)name.data, name.len), &val);
	}
	if (r < 0)
		return pf_garbled(src, pf, m.p, "a GenericFtraceEvent", why, err);
	if (ev->type != SCMWQ_EV_NONE)
		scm_finish(src, ev, &x, SCMWQ_SYS_UNKNOWN);
	return 0;
}

static const struct pf_desc *find_desc(const struct pf *pf, uint32_t field_id)
{
	for (size_t i = 0; i < pf->ndesc; i++)
		if (pf->desc[i].field_id == field_id)
			return &pf->desc[i];
	return NULL;
}

/* A dense generic event, field @field_id of FtraceEvent. */
static int dense_generic(struct scmwq_source *src, struct pf *pf, const struct pf_desc *d,
			 struct pb_msg m, struct scmwq_event *ev, struct scmwq_error *err)
{
	struct pf_vals x = { 0 };
	struct pb_field f;
	const char *why;
	int r;

	ev->type = d->type;
	while ((r = pb_next(&m, &f, &why)) > 0)
		if (f.num <= PF_DESC_FIELDS)
			val_set(&x, d->fid[f.num], &f);
	if (r < 0)
		return pf_garbled(src, pf, m.p, "a dense generic event", why, err);
	scm_finish(src, ev, &x, d->sys);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Descriptors                                                         */

/* DescriptorProto: name (1) and fields (2: FieldDescriptorProto {name 1, number 3}). */
static int desc_proto(struct scmwq_source *src, struct pf *pf, struct pb_msg m, struct pf_desc *d,
		      struct scmwq_error *err)
{
	struct pb_field f, name, num;
	const char *why;
	int r;

	while ((r = pb_next(&m, &f, &why)) > 0) {
		if (f.num == 1 && f.wire == PB_LEN)
			d->type = pf_event_type((const char *)f.data, f.len);
		if (f.num != 2 || f.wire != PB_LEN)
			continue;
		if (name_value(src, pf, pb_sub(&f), 3, 3, "a FieldDescriptorProto", &name, &num,
			       err) < 0)
			return -1;
		if (name.data && num.wire == PB_VARINT && num.v >= 1 && num.v <= PF_DESC_FIELDS)
			d->fid[num.v] = (int8_t)pf_field_id((const char *)name.data, name.len);
	}
	if (r < 0)
		return pf_garbled(src, pf, m.p, "a DescriptorProto", why, err);
	return 0;
}

int pf_descriptor(struct scmwq_source *src, struct pf *pf, struct pb_msg m,
		  struct scmwq_error *err)
{
	struct pf_desc d = { .type = SCMWQ_EV_NONE };
	struct pb_msg body = { NULL, NULL };
	const uint8_t *start = m.p;
	struct pb_field f;
	const char *why;
	bool has_id = false;
	int r;

	memset(d.fid, -1, sizeof(d.fid));
	while ((r = pb_next(&m, &f, &why)) > 0) {
		if (f.num == 1 && f.wire == PB_VARINT) {
			d.field_id = (uint32_t)f.v;
			has_id = true;
		} else if (f.num == 3 && f.wire == PB_LEN) {
			if (is((const char *)f.data, f.len, "scm"))
				d.sys = SCMWQ_SYS_SCM;
			else if (is((const char *)f.data, f.len, "qcom_scm"))
				d.sys = SCMWQ_SYS_QCOM_SCM;
		} else if (f.num == 2 && f.wire == PB_LEN) {
			body = pb_sub(&f);
		}
	}
	if (r < 0)
		return pf_garbled(src, pf, m.p, "a GenericEventDescriptor", why, err);
	if (!has_id || !body.p)
		return 0;
	if (desc_proto(src, pf, body, &d, err) < 0)
		return -1;
	for (size_t i = 0; i < pf->ndesc; i++)
		if (pf->desc[i].field_id == d.field_id) {
			pf->desc[i] = d;	/* the same again, as every bundle repeats it */
			return 0;
		}
	if (pf->ndesc == PF_DESCS) {
		if (!pf->desc_full_noted)
			scmwq_source_diag(src, pf->pkt_off + (uint64_t)(start - pf->pkt),
					  "at most 1024 generic event descriptors; later ones are "
					  "ignored");
		pf->desc_full_noted = true;
		return 0;
	}
	pf->desc[pf->ndesc++] = d;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Scheduler events                                                    */

static int sched_switch(struct scmwq_source *src, struct pf *pf, int cpu, struct pb_msg m,
			struct scmwq_event *ev, struct scmwq_error *err)
{
	struct pb_field f;
	const char *why;
	int r;

	ev->type = SCMWQ_EV_SCHED_SWITCH;
	ev->prev_state = '?';
	while ((r = pb_next(&m, &f, &why)) > 0) {
		if (f.wire == PB_LEN && f.num == 1)
			copy_comm(ev->comm, f.data, f.len);
		else if (f.wire == PB_LEN && f.num == 5)
			copy_comm(ev->next_comm, f.data, f.len);
		else if (f.wire == PB_VARINT && f.num == 2)
			ev->pid = (int)f.v;
		else if (f.wire == PB_VARINT && f.num == 4)
			ev->prev_state = scmwq_prev_state_char(f.v);
		else if (f.wire == PB_VARINT && f.num == 6)
			ev->next_pid = (int)f.v;
	}
	if (r < 0)
		return pf_garbled(src, pf, m.p, "a SchedSwitchFtraceEvent", why, err);
	pf->cpu[cpu].cur_pid = ev->next_pid;
	pf_name(pf, ev->pid, ev->comm, strlen(ev->comm));
	pf_name(pf, ev->next_pid, ev->next_comm, strlen(ev->next_comm));
	return 0;
}

static int sched_wake(struct scmwq_source *src, struct pf *pf, struct pb_msg m,
		      struct scmwq_event *ev, struct scmwq_error *err)
{
	struct pb_field f;
	const char *why;
	int r;

	ev->type = SCMWQ_EV_SCHED_WAKEUP;
	ev->target_pid = -1;
	while ((r = pb_next(&m, &f, &why)) > 0) {
		if (f.wire == PB_LEN && f.num == 1)
			copy_comm(ev->next_comm, f.data, f.len);
		else if (f.wire == PB_VARINT && f.num == 2)
			ev->target_pid = (int)f.v;
	}
	if (r < 0)
		return pf_garbled(src, pf, m.p, "a SchedWakingFtraceEvent", why, err);
	pf_name(pf, ev->target_pid, ev->next_comm, strlen(ev->next_comm));
	return 0;
}

/* ------------------------------------------------------------------ */
/* FtraceEvent                                                         */

/* One FtraceEvent into @ev (type NONE: not ours). */
static int ftrace_event(struct scmwq_source *src, struct pf *pf, int cpu, struct pb_msg m,
			struct scmwq_event *ev, struct scmwq_error *err)
{
	struct pb_msg body = { NULL, NULL };
	uint32_t kind = 0;
	struct pb_field f;
	const char *why;
	int r;

	scmwq_event_clear(ev);
	ev->cpu = cpu;
	ev->where = pf->pkt_off + (uint64_t)(m.p - pf->pkt);
	while ((r = pb_next(&m, &f, &why)) > 0) {
		if (f.num == 1 && f.wire == PB_VARINT) {
			ev->ts_ns = f.v;
		} else if (f.num == 2 && f.wire == PB_VARINT) {
			ev->pid = (int)f.v;
		} else if (f.wire == PB_LEN && (f.num == 4 || f.num == 17 || f.num == 20 ||
						 f.num == 327 || f.num >= 65536)) {
			kind = f.num;
			body = pb_sub(&f);
		}
	}
	if (r < 0)
		return pf_garbled(src, pf, m.p, "a FtraceEvent", why, err);
	switch (kind) {
	case 0:
		return 0;
	case 4:
		return sched_switch(src, pf, cpu, body, ev, err);
	case 17:
	case 20:
		return sched_wake(src, pf, body, ev, err);
	case 327:
		return legacy_generic(src, pf, body, ev, err);
	default: {
		const struct pf_desc *d = find_desc(pf, kind);

		if (!d || d->type == SCMWQ_EV_NONE)
			return 0;
		return dense_generic(src, pf, d, body, ev, err);
	}
	}
}

/* ------------------------------------------------------------------ */
/* compact_sched                                                       */

enum {
	C_SW_TS = 1, C_SW_STATE = 2, C_SW_PID = 3, C_SW_COMM = 6,
	C_WK_TS = 7, C_WK_PID = 8, C_WK_COMM = 11,
};

static int col_add(struct pf *pf, int c, uint64_t v)
{
	if (pf->ncol[c] == pf->colcap[c]) {
		size_t ncap = pf->colcap[c] * 2 + 64;
		uint64_t *n = realloc(pf->col[c], ncap * sizeof(*n));

		if (!n)
			return -1;
		pf->col[c] = n;
		pf->colcap[c] = ncap;
	}
	pf->col[c][pf->ncol[c]++] = v;
	return 0;
}

static int compact_read(struct scmwq_source *src, struct pf *pf, struct pb_msg m,
			struct scmwq_error *err)
{
	struct pb_field f;
	const char *why;
	int r;

	memset(pf->ncol, 0, sizeof(pf->ncol));
	pf->nintern = 0;
	while ((r = pb_next(&m, &f, &why)) > 0) {
		if (f.num == 5 && f.wire == PB_LEN) {
			if (pf->nintern == pf->interncap) {
				size_t ncap = pf->interncap * 2 + 64;
				struct pb_field *n = realloc(pf->intern, ncap * sizeof(*n));

				if (!n)
					goto oom;
				pf->intern = n;
				pf->interncap = ncap;
			}
			pf->intern[pf->nintern++] = f;
			continue;
		}
		if (f.num >= 12 || f.num == 5)
			continue;
		if (f.wire == PB_VARINT) {
			if (col_add(pf, f.num, f.v) < 0)
				goto oom;
		} else if (f.wire == PB_LEN) {
			struct pb_msg pm = pb_sub(&f);
			uint64_t v;

			while (pm.p < pm.end) {
				if (pb_varint(&pm.p, pm.end, &v) < 0)
					return pf_garbled(src, pf, pm.p, "a packed compact_sched "
							  "column", "varints up to the column's end",
							  err);
				if (col_add(pf, f.num, v) < 0)
					goto oom;
			}
		}
	}
	if (r < 0)
		return pf_garbled(src, pf, m.p, "a CompactSched", why, err);
	return 0;
oom:
	return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
}

static void interned(const struct pf *pf, uint64_t idx, char *comm)
{
	if (idx < pf->nintern)
		copy_comm(comm, pf->intern[idx].data, pf->intern[idx].len);
	else
		comm[0] = '\0';
}

/* Where the compact events of a bundle are: switch i, waking j. */
struct compact_it {
	size_t i, j, nsw, nwk;
	uint64_t tsw, twk;
};

static int compact_start(struct scmwq_source *src, struct pf *pf, struct compact_it *c,
			 const uint8_t *at, struct scmwq_error *err)
{
	memset(c, 0, sizeof(*c));
	c->nsw = pf->ncol[C_SW_TS];
	c->nwk = pf->ncol[C_WK_TS];
	if (pf->ncol[C_SW_STATE] < c->nsw || pf->ncol[C_SW_PID] < c->nsw ||
	    pf->ncol[C_SW_COMM] < c->nsw || pf->ncol[C_WK_PID] < c->nwk ||
	    pf->ncol[C_WK_COMM] < c->nwk)
		return pf_garbled(src, pf, at, "a CompactSched",
				  "as many values in each column as timestamps", err);
	if (c->nsw)
		c->tsw = pf->col[C_SW_TS][0];
	if (c->nwk)
		c->twk = pf->col[C_WK_TS][0];
	return 0;
}

/* The next compact event (switches and wakings merged by time); false at the end. */
static bool compact_next(struct pf *pf, int cpu, struct compact_it *c, struct scmwq_event *ev)
{
	if (c->i >= c->nsw && c->j >= c->nwk)
		return false;
	scmwq_event_clear(ev);
	ev->cpu = cpu;
	ev->pid = pf->cpu[cpu].cur_pid;
	if (c->i < c->nsw && (c->j >= c->nwk || c->tsw <= c->twk)) {
		ev->type = SCMWQ_EV_SCHED_SWITCH;
		ev->ts_ns = c->tsw;
		ev->prev_state = scmwq_prev_state_char(pf->col[C_SW_STATE][c->i]);
		ev->next_pid = (int)pf->col[C_SW_PID][c->i];
		interned(pf, pf->col[C_SW_COMM][c->i], ev->next_comm);
		pf->cpu[cpu].cur_pid = ev->next_pid;
		pf_name(pf, ev->next_pid, ev->next_comm, strlen(ev->next_comm));
		if (++c->i < c->nsw)
			c->tsw += pf->col[C_SW_TS][c->i];
	} else {
		ev->type = SCMWQ_EV_SCHED_WAKEUP;
		ev->ts_ns = c->twk;
		ev->target_pid = (int)pf->col[C_WK_PID][c->j];
		interned(pf, pf->col[C_WK_COMM][c->j], ev->next_comm);
		pf_name(pf, ev->target_pid, ev->next_comm, strlen(ev->next_comm));
		if (++c->j < c->nwk)
			c->twk += pf->col[C_WK_TS][c->j];
	}
	return true;
}

/* The next of the bundle's FtraceEvents that is ours: 1, 0 at the end, -1 on error. */
static int event_next(struct scmwq_source *src, struct pf *pf, int cpu, struct pb_msg *it,
		      struct scmwq_event *ev, uint64_t *first_ts, uint64_t *last_ts,
		      struct scmwq_error *err)
{
	struct pb_field f;
	const char *why;

	while (pb_next(it, &f, &why) > 0) {
		if (f.num != 2 || f.wire != PB_LEN)
			continue;
		if (ftrace_event(src, pf, cpu, pb_sub(&f), ev, err) < 0)
			return -1;
		/* any event, ours or not, tells where the CPU is */
		if (!*first_ts || ev->ts_ns < *first_ts)
			*first_ts = ev->ts_ns;
		if (ev->ts_ns > *last_ts)
			*last_ts = ev->ts_ns;
		if (ev->type != SCMWQ_EV_NONE)
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The bundle                                                          */

int pf_bundle(struct scmwq_source *src, struct pf *pf, struct pb_msg m, struct scmwq_error *err)
{
	struct pb_msg it = m, compact = { NULL, NULL };
	uint64_t cpu = 0, prev_end = 0, first_ts = 0, last_ts = 0;
	struct scmwq_event e, c;
	struct compact_it ci;
	bool lost = false, has_c = false;
	struct pb_field f;
	const char *why;
	int64_t mark;
	int r, has_e;

	/* first the bundle's own fields and descriptors, which follow its events */
	while ((r = pb_next(&it, &f, &why)) > 0) {
		if (f.num == 1 && f.wire == PB_VARINT)
			cpu = f.v;
		else if (f.num == 3 && f.wire == PB_VARINT)
			lost = f.v != 0;
		else if (f.num == 10 && f.wire == PB_VARINT)
			prev_end = f.v;
		else if (f.num == 4 && f.wire == PB_LEN)
			compact = pb_sub(&f);
		else if (f.num == 11 && f.wire == PB_LEN && pf_descriptor(src, pf, pb_sub(&f), err) < 0)
			return -1;
	}
	if (r < 0)
		return pf_garbled(src, pf, it.p, "a FtraceEventBundle", why, err);
	if (cpu >= PF_CPUS)
		return pf_garbled(src, pf, m.p, "a FtraceEventBundle",
				  "a CPU number below 4096", err);
	if (pf_loss_bundle(pf, (int)cpu, lost, prev_end, &mark) < 0)
		goto oom;
	memset(&ci, 0, sizeof(ci));
	if (compact.p && (compact_read(src, pf, compact, err) < 0 ||
			  compact_start(src, pf, &ci, compact.p, err) < 0))
		return -1;

	/* the events and the compact ones, each in time order: merged */
	it = m;
	has_e = event_next(src, pf, (int)cpu, &it, &e, &first_ts, &last_ts, err);
	has_c = compact_next(pf, (int)cpu, &ci, &c);
	while (has_e > 0 || has_c) {
		if (has_e > 0 && (!has_c || e.ts_ns <= c.ts_ns)) {
			if (pf_push(pf, (uint32_t)cpu, &e) < 0)
				goto oom;
			has_e = event_next(src, pf, (int)cpu, &it, &e, &first_ts, &last_ts, err);
			continue;
		}
		c.where = pf->pkt_off + (uint64_t)(compact.p - pf->pkt);
		if (!first_ts || c.ts_ns < first_ts)
			first_ts = c.ts_ns;
		if (c.ts_ns > last_ts)
			last_ts = c.ts_ns;
		if (pf_push(pf, (uint32_t)cpu, &c) < 0)
			goto oom;
		has_c = compact_next(pf, (int)cpu, &ci, &c);
	}
	if (has_e < 0)
		return -1;
	if (first_ts) {
		pf->cpu[cpu].seen = true;
		if (last_ts > pf->cpu[cpu].last_ts)
			pf->cpu[cpu].last_ts = last_ts;
	}
	if (mark >= 0)
		pf->slots[mark].gap_end_ns = first_ts;
	return 0;
oom:
	return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
}
