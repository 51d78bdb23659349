// SPDX-License-Identifier: GPL-2.0
/*
 * libtraceevent records to scmwq events: our events' fields are resolved
 * by name once per format, so that converting a record is a few bounded
 * reads at known offsets.  Shared by the trace.dat reader (lib/source/tdat.c) and
 * the live tracefs reader (lib/source/live.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/source.h"
#include "source/tepconv.h"

/* Every field we may read; resolved once per event format. */
enum tepconv_field {
	F_SMC_ID = 0,
	F_SVC_ID,
	F_CMD_ID,
	F_ARGS_CNT,
	F_ARGS,			/* mainline: unsigned long args[] (dynamic array) */
	F_OUT,			/* vendor: char out[], the argument text (dynamic array) */
	F_ARG0,			/* probe style: arg0 .. arg9 */
	F_ARG9 = F_ARG0 + SCMWQ_MAX_ARGS - 1,
	F_WQ_CTX,
	F_CTX,
	F_FLAGS,
	F_MORE,
	F_RET,
	F_RES,
	F_RES0,
	F_RES1,
	F_RES2,
	F_PREV_COMM,
	F_PREV_PID,
	F_PREV_STATE,
	F_NEXT_COMM,
	F_NEXT_PID,
	F_COMM,
	F_PID,
	F__COUNT,
};

static const char *const field_names[F__COUNT] = {
	[F_SMC_ID] = "smc_id", [F_SVC_ID] = "svc_id", [F_CMD_ID] = "cmd_id",
	[F_ARGS_CNT] = "args_cnt", [F_ARGS] = "args", [F_OUT] = "out",
	[F_ARG0 + 0] = "arg0", [F_ARG0 + 1] = "arg1", [F_ARG0 + 2] = "arg2",
	[F_ARG0 + 3] = "arg3", [F_ARG0 + 4] = "arg4", [F_ARG0 + 5] = "arg5",
	[F_ARG0 + 6] = "arg6", [F_ARG0 + 7] = "arg7", [F_ARG0 + 8] = "arg8",
	[F_ARG0 + 9] = "arg9",
	[F_WQ_CTX] = "wq_ctx", [F_CTX] = "smc_call_ctx", [F_FLAGS] = "flags",
	[F_MORE] = "more_pending", [F_RET] = "ret", [F_RES] = "res", [F_RES0] = "res0",
	[F_RES1] = "res1", [F_RES2] = "res2",
	[F_PREV_COMM] = "prev_comm", [F_PREV_PID] = "prev_pid", [F_PREV_STATE] = "prev_state",
	[F_NEXT_COMM] = "next_comm", [F_NEXT_PID] = "next_pid",
	[F_COMM] = "comm", [F_PID] = "pid",
};

/* Events we read: SCM ones by name in any system, sched ones in "sched". */
static const struct {
	const char *name;
	const char *system;	/* NULL: any system */
	enum scmwq_ev_type type;
} wanted[] = {
	{ "scm_smc_request",	  NULL,	   SCMWQ_EV_SMC_REQUEST },
	{ "scm_waitq_sleep",	  NULL,	   SCMWQ_EV_SLEEP },
	{ "scm_waitq_resume",	  NULL,	   SCMWQ_EV_RESUME },
	{ "scm_waitq_get_wq_ctx", NULL,	   SCMWQ_EV_GET_WQ_CTX },
	{ "scm_waitq_wake_ack",	  NULL,	   SCMWQ_EV_WAKE_ACK },
	{ "scm_smc_done",	  NULL,	   SCMWQ_EV_SMC_DONE },
	{ "sched_switch",	  "sched", SCMWQ_EV_SCHED_SWITCH },
	{ "sched_waking",	  "sched", SCMWQ_EV_SCHED_WAKEUP },
	{ "sched_wakeup",	  "sched", SCMWQ_EV_SCHED_WAKEUP },
};

/*
 * A number field as compiled once per format: where it is and its size.
 * A field is compiled only if get_num() could read it in a record long
 * enough (offset >= 0, 1 to 8 bytes, not an array or a string).
 */
struct tepconv_num {
	unsigned int off;
	int size;
	long end;		/* off + size: the record's bytes it needs */
};

struct tepconv_fmt {
	int id;
	enum scmwq_ev_type type;
	enum scmwq_system sys;
	struct tep_format_field *f[F__COUNT];
	long args_off;		/* F_ARGS, a data_loc of 4 bytes: its offset, */
	unsigned int args_rel;	/* what its offsets are relative to, */
	unsigned int args_esize; /* its elements' size; 0: no such field */
	uint64_t nums;		/* BIT(F_*) of the compiled number fields */
	long need;		/* the largest end among them */
	struct tepconv_num n[F__COUNT];
};

#define FBIT(f) (1ULL << (f))

struct scmwq_tepconv {
	struct tep_handle *tep;
	int long_size;
	enum scmwq_system sys;		/* of the SCM formats, by majority */
	struct tepconv_fmt *fmts;
	int nfmts;
	int id_min;			/* idmap[id - id_min]: index in fmts + 1, 0: not ours */
	unsigned int id_span;		/* 0: no map, search fmts */
	unsigned char *idmap;
	long type_end, pid_end;		/* of common_type, common_pid; 0: none usable */
	bool std_header;		/* u16 common_type at 0, s32 common_pid at 4 */
	bool swap;			/* the trace's byte order is not ours */
	struct tep_format_field *type_f, *pid_f;	/* common_type, common_pid */
	bool cache_comms;		/* the comms are fixed: cache them */
	struct {
		int pid;
		bool ok;
		char comm[SCMWQ_COMM_LEN];
	} comms[256];			/* by pid modulo 256 */
	scmwq_tepconv_diag_fn diag;	/* records that are ours but garbled */
	void *diag_arg;
	char msg[512];			/* the diag's sentence */
};

/* ------------------------------------------------------------------ */
/* Field access, bounded by the record's size                          */

/* Where a number field ends, if a long enough record has it; 0 if no record has. */
static long num_end(const struct tep_format_field *f)
{
	if (!f || f->offset < 0 || f->size <= 0 || f->size > 8 ||
	    (f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC | TEP_FIELD_IS_STRING)))
		return 0;
	return (long)f->offset + f->size;
}

/* A number of @size bytes, byte-swapped if @swap (0 for a size not 1, 2, 4 or 8). */
static inline uint64_t read_sw(const void *p, int size, bool swap)
{
	uint16_t v2;
	uint32_t v4;
	uint64_t v8;

	switch (size) {
	case 1:
		return *(const uint8_t *)p;
	case 2:
		memcpy(&v2, p, 2);
		return swap ? __builtin_bswap16(v2) : v2;
	case 4:
		memcpy(&v4, p, 4);
		return swap ? __builtin_bswap32(v4) : v4;
	case 8:
		memcpy(&v8, p, 8);
		return swap ? __builtin_bswap64(v8) : v8;
	default:
		return 0;
	}
}

/* tep_read_number() without the call: a number of @size bytes in the trace's byte order. */
static inline uint64_t read_num(const struct scmwq_tepconv *c, const void *p, int size)
{
	return read_sw(p, size, c->swap);
}

/* A fixed char[] field (comm) into @buf. */
static bool get_str(const struct tep_record *rec, const struct tep_format_field *f, char *buf,
		    size_t len)
{
	size_t n;

	buf[0] = '\0';
	if (!f || f->offset < 0 || f->size <= 0 || (long)f->offset + f->size > (long)rec->size)
		return false;
	n = strnlen((const char *)rec->data + f->offset, f->size);
	if (n >= len)
		n = len - 1;
	memcpy(buf, (const char *)rec->data + f->offset, n);
	buf[n] = '\0';
	return true;
}

/* @s (@len bytes) for a message, \xNN for the unprintable; "..." when cut (@size >= 8). */
static void quote(char *buf, size_t size, const char *s, size_t len)
{
	size_t o = 0, i;

	for (i = 0; i < len && o + 8 <= size; i++) {
		unsigned char ch = s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
			buf[o++] = ch;
		else
			o += snprintf(buf + o, size - o, "\\x%02x", ch);
	}
	if (i < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

/* Tell the diag callback that @rec's field is garbled. */
static void garbled(struct scmwq_tepconv *c, const struct tep_record *rec, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void garbled(struct scmwq_tepconv *c, const struct tep_record *rec, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!c->diag)
		return;
	n = snprintf(c->msg, sizeof(c->msg), "record at offset %llu: ",
		     (unsigned long long)rec->offset);
	va_start(ap, fmt);
	vsnprintf(c->msg + n, sizeof(c->msg) - n, fmt, ap);
	va_end(ap);
	c->diag(rec->offset, c->msg, c->diag_arg);
}

/*
 * The mainline scm_smc_request's `__data_loc unsigned long[] args`: n
 * elements of the long size of the trace, n being args_cnt.  Read within
 * the record; returns n, or -1 (and the diag callback is told why).
 */
static __attribute__((noinline)) int get_dyn_args(struct scmwq_tepconv *c, const struct tep_record *rec,
			const struct tep_format_field *f, int expect, uint64_t *args)
{
	unsigned int off, len, esize, n;
	uint64_t loc;

	if (f->offset < 0 || f->size != 4 || (long)f->offset + 4 > (long)rec->size) {
		garbled(c, rec, "scm_smc_request: the args field (offset %d, %d bytes) is not a "
			"data_loc within the record's %d bytes", f->offset, f->size, rec->size);
		return -1;
	}
	loc = read_num(c, (const char *)rec->data + f->offset, 4);
	off = loc & 0xffff;
	len = loc >> 16;
	if (f->flags & TEP_FIELD_IS_RELATIVE)
		off += f->offset + f->size;
	esize = f->elementsize ? f->elementsize : (unsigned int)c->long_size;
	if (esize != 4 && esize != 8)
		esize = 8;
	if ((long)off + len > (long)rec->size) {
		garbled(c, rec, "scm_smc_request: the args field's data_loc (offset %u, length %u) "
			"points outside the record's %d bytes", off, len, rec->size);
		return -1;
	}
	if (len % esize || (expect >= 0 && len / esize != (unsigned int)expect)) {
		garbled(c, rec, "scm_smc_request: args[] has %u bytes, expected args_cnt (%d) "
			"elements of %u bytes", len, expect, esize);
		return -1;
	}
	n = len / esize;
	for (unsigned int i = 0; i < n && i < SCMWQ_MAX_ARGS; i++)
		args[i] = read_num(c, (const char *)rec->data + off + i * esize,
					  esize);
	return n;
}

/*
 * The vendor scm_smc_request's `out`: the argument text " x2:(hex:0x..
 * decimal:..) x3:(...)" (lib/source/vendor_args.c) in a string field, normally
 * `__data_loc char[] out` ((length << 16) | offset; the kernel reserves
 * args_cnt * 64 + 1 bytes and leaves whatever was there after the NUL).
 * Read within the record; returns the arguments listed, or -1 (and the
 * diag callback is told why) when the field is garbled.
 */
static __attribute__((noinline)) int get_out_args(struct scmwq_tepconv *c, const struct tep_record *rec,
			const struct tep_format_field *f, int expect, uint64_t *args)
{
	unsigned int off, len;
	const char *why, *s;
	int n;

	if (f->offset < 0 || f->size <= 0 || (long)f->offset + f->size > (long)rec->size) {
		garbled(c, rec, "scm_smc_request: the out field (offset %d, %d bytes) does not "
			"fit in the record's %d bytes", f->offset, f->size, rec->size);
		return -1;
	}
	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		uint64_t loc;

		if (f->size != 4) {
			garbled(c, rec, "scm_smc_request: the out field's data_loc has %d bytes, "
				"expected 4", f->size);
			return -1;
		}
		loc = read_num(c, (const char *)rec->data + f->offset, 4);
		off = loc & 0xffff;
		len = loc >> 16;
		if (f->flags & TEP_FIELD_IS_RELATIVE)
			off += f->offset + f->size;
		if ((long)off + len > (long)rec->size) {
			garbled(c, rec, "scm_smc_request: the out field's data_loc (offset %u, "
				"length %u) points outside the record's %d bytes", off, len,
				rec->size);
			return -1;
		}
	} else {
		off = f->offset;	/* a fixed char out[N] */
		len = f->size;
	}
	s = (const char *)rec->data + off;
	if (!memchr(s, '\0', len)) {
		garbled(c, rec, "scm_smc_request: the out text is not NUL-terminated within its "
			"%u bytes", len);
		return -1;
	}
	n = scmwq_vendor_args_parse(s, len, expect, args, &why);
	if (n < 0) {
		char text[160];

		quote(text, sizeof(text), s, strnlen(s, len));
		garbled(c, rec, "%s; the record has args_cnt:%d and out \"%s\"", why, expect, text);
	}
	return n;
}

/*
 * sched_switch prev_state as the kernel prints it: since 4.14 the
 * tracepoint records the "report" state, one bit per letter of "SDTtXZPI"
 * (TASK_REPORT_IDLE = 0x80 is 'I'), 0 is 'R' and TASK_REPORT_MAX (0x100)
 * marks a preempted task ("R+").  Older kernels recorded the raw state,
 * where TASK_IDLE is TASK_UNINTERRUPTIBLE | TASK_NOLOAD (0x402).
 */
char scmwq_prev_state_char(uint64_t state)
{
	static const char letters[] = "SDTtXZPI";

	if ((state & 0x402) == 0x402)
		return 'I';
	state &= 0xff;
	if (!state)
		return 'R';
	return letters[__builtin_ctzll(state)];
}

static inline const struct tepconv_fmt *find_fmt(const struct scmwq_tepconv *c, int id)
{
	if (c->id_span) {
		unsigned int i = (unsigned int)id - (unsigned int)c->id_min;

		return i < c->id_span && c->idmap[i] ? &c->fmts[c->idmap[i] - 1] : NULL;
	}
	for (int i = 0; i < c->nfmts; i++)
		if (c->fmts[i].id == id)
			return &c->fmts[i];
	return NULL;
}

/*
 * The compiled number fields of @fm that @size bytes of record hold: all
 * of them, but in a record cut short.
 */
static inline uint64_t present(const struct tepconv_fmt *fm, int size)
{
	uint64_t p = 0;

	if (size >= fm->need)
		return fm->nums;
	for (int f = 0; f < F__COUNT; f++)
		if ((fm->nums & FBIT(f)) && fm->n[f].end <= size)
			p |= FBIT(f);
	return p;
}

/* A compiled number field, in a record known to hold it. */
static inline uint64_t num(const void *data, const struct tepconv_fmt *fm, int f, bool swap)
{
	return read_sw((const char *)data + fm->n[f].off, fm->n[f].size, swap);
}

/*
 * The mainline args[] as get_dyn_args() reads them, when the format's
 * data_loc is one the record holds and points within it with args_cnt
 * elements; otherwise get_dyn_args() (and its diag) decides.
 */
static inline int dyn_args(struct scmwq_tepconv *c, const struct tep_record *rec,
			   const struct tepconv_fmt *fm, int expect, uint64_t *args, bool swap)
{
	const char *d = rec->data;
	unsigned int off, len, n, esize = fm->args_esize;
	uint32_t loc;

	if (!esize || fm->args_off + 4 > (long)rec->size)
		return get_dyn_args(c, rec, fm->f[F_ARGS], expect, args);
	loc = read_sw(d + fm->args_off, 4, swap);
	off = (loc & 0xffff) + fm->args_rel;
	len = loc >> 16;
	n = len / esize;
	if ((long)off + len > (long)rec->size || len % esize || expect < 0 ||
	    n != (unsigned int)expect)
		return get_dyn_args(c, rec, fm->f[F_ARGS], expect, args);
	for (unsigned int i = 0; i < n && i < SCMWQ_MAX_ARGS; i++)
		args[i] = read_sw(d + off + i * esize, esize, swap);
	return n;
}

static __attribute__((noinline, cold)) void set_comm_slow(struct scmwq_tepconv *c, int pid, char *comm);

/* The comm of @pid as the trace knows it (snprintf's result, without its cost). */
static inline void set_comm(struct scmwq_tepconv *c, int pid, char *comm)
{
	if (c->cache_comms && c->comms[pid & 255].ok && c->comms[pid & 255].pid == pid) {
		memcpy(comm, c->comms[pid & 255].comm, SCMWQ_COMM_LEN);
		return;
	}
	set_comm_slow(c, pid, comm);
}

static void set_comm_slow(struct scmwq_tepconv *c, int pid, char *comm)
{
	const char *s;
	size_t n;

	s = tep_data_comm_from_pid(c->tep, pid);
	if (!s)
		s = "<...>";
	n = strnlen(s, SCMWQ_COMM_LEN - 1);
	memcpy(comm, s, n);
	memset(comm + n, 0, SCMWQ_COMM_LEN - n);
	if (c->cache_comms) {
		c->comms[pid & 255].pid = pid;
		c->comms[pid & 255].ok = true;
		memcpy(c->comms[pid & 255].comm, comm, SCMWQ_COMM_LEN);
	}
}

/* scmwq_tepconv_event() in the trace's byte order (@swap): the fields of the
 * format, read where it says. */
static inline __attribute__((always_inline)) bool
convert(struct scmwq_tepconv *c, struct tep_record *rec, struct scmwq_event *ev, const bool swap)
{
	const struct tepconv_fmt *fm;
	const void *d = rec->data;
	uint64_t v, p;
	int id, pid;

	if (rec->size <= 0 || !d)
		return false;
	if (c->std_header && rec->size >= 8) {
		id = read_sw(d, 2, swap);
		pid = (int)read_sw((const char *)d + 4, 4, swap);
	} else {
		if (c->type_end && c->type_end <= rec->size)
			id = read_sw((const char *)d + c->type_f->offset, c->type_f->size, swap);
		else
			id = tep_data_type(c->tep, rec);
		if (c->pid_end && c->pid_end <= rec->size)
			pid = (int)read_sw((const char *)d + c->pid_f->offset, c->pid_f->size, swap);
		else
			pid = -1;	/* asked of libtraceevent below, if ours */
	}
	fm = find_fmt(c, id);
	if (!fm)
		return false;
	p = present(fm, rec->size);
	if (pid == -1 && !(c->pid_end && c->pid_end <= rec->size))
		pid = tep_data_pid(c->tep, rec);

	scmwq_event_clear(ev);
	ev->type = fm->type;
	ev->sys = fm->sys;
	ev->ts_ns = rec->ts;
	ev->cpu = rec->cpu;
	ev->pid = pid;
	ev->where = rec->offset;

	switch (fm->type) {
	case SCMWQ_EV_SCHED_SWITCH:
		if (p & FBIT(F_PREV_PID))
			ev->pid = (int)num(d, fm, F_PREV_PID, swap);
		if (!get_str(rec, fm->f[F_PREV_COMM], ev->comm, sizeof(ev->comm)))
			set_comm(c, ev->pid, ev->comm);
		ev->prev_state = p & FBIT(F_PREV_STATE) ?
				 scmwq_prev_state_char(num(d, fm, F_PREV_STATE, swap)) : '?';
		if (p & FBIT(F_NEXT_PID))
			ev->next_pid = (int)num(d, fm, F_NEXT_PID, swap);
		if (!get_str(rec, fm->f[F_NEXT_COMM], ev->next_comm, sizeof(ev->next_comm)))
			set_comm(c, ev->next_pid, ev->next_comm);
		return true;
	case SCMWQ_EV_SCHED_WAKEUP:
		set_comm(c, ev->pid, ev->comm);
		ev->target_pid = p & FBIT(F_PID) ? (int)num(d, fm, F_PID, swap) : -1;
		/* the woken task's comm, as the text reader keeps it */
		get_str(rec, fm->f[F_COMM], ev->next_comm, sizeof(ev->next_comm));
		return true;
	default:
		break;
	}

	set_comm(c, ev->pid, ev->comm);
	if (p & FBIT(F_SMC_ID)) {
		ev->smc_id = num(d, fm, F_SMC_ID, swap);
		ev->have |= SCMWQ_HAVE_SMC_ID;
	}
	if (p & FBIT(F_SVC_ID)) {
		ev->svc_id = num(d, fm, F_SVC_ID, swap);
		if (p & FBIT(F_CMD_ID)) {
			ev->cmd_id = num(d, fm, F_CMD_ID, swap);
			ev->have |= SCMWQ_HAVE_SVC_CMD;
		}
	}
	if (fm->type == SCMWQ_EV_SMC_REQUEST) {
		int cnt = p & FBIT(F_ARGS_CNT) ? (int)num(d, fm, F_ARGS_CNT, swap) : -1;
		int n = -1;

		if (fm->f[F_ARGS]) {
			n = dyn_args(c, rec, fm, cnt, ev->args, swap);
		} else if (fm->f[F_OUT] && (fm->f[F_OUT]->flags & TEP_FIELD_IS_STRING)) {
			n = get_out_args(c, rec, fm->f[F_OUT], cnt, ev->args);
		} else {
			for (int i = 0; i < SCMWQ_MAX_ARGS; i++) {
				if (!(p & FBIT(F_ARG0 + i)))
					break;
				ev->args[i] = num(d, fm, F_ARG0 + i, swap);
				n = i + 1;
			}
		}
		if (p & FBIT(F_ARGS_CNT))
			ev->args_cnt = cnt;
		else if (n >= 0)
			ev->args_cnt = n;
		if (n >= 0)
			ev->have |= SCMWQ_HAVE_ARGS;
	}
	if (!(p & (FBIT(F_WQ_CTX) | FBIT(F_CTX) | FBIT(F_FLAGS) | FBIT(F_MORE) |
		  FBIT(F_RET) | FBIT(F_RES) | FBIT(F_RES0) | FBIT(F_RES1) | FBIT(F_RES2))))
		return true;
	if (p & FBIT(F_WQ_CTX)) {
		ev->wq_ctx = num(d, fm, F_WQ_CTX, swap);
		ev->have |= SCMWQ_HAVE_WQ_CTX;
	}
	if (p & FBIT(F_CTX)) {
		ev->smc_call_ctx = num(d, fm, F_CTX, swap);
		ev->have |= SCMWQ_HAVE_CTX;
	}
	if (p & FBIT(F_FLAGS)) {
		ev->flags = num(d, fm, F_FLAGS, swap);
		ev->have |= SCMWQ_HAVE_FLAGS;
	}
	if (p & FBIT(F_MORE)) {
		ev->more_pending = num(d, fm, F_MORE, swap);
		ev->have |= SCMWQ_HAVE_MORE;
	}
	if (p & FBIT(F_RET)) {
		/* int, or a probe's s32/s64: sign-extend from the field's size */
		int bits = fm->n[F_RET].size * 8;

		v = num(d, fm, F_RET, swap);
		if (bits < 64 && (v & (1ULL << (bits - 1))))
			v |= ~0ULL << bits;
		ev->ret = (int)(int64_t)v;
		ev->have |= SCMWQ_HAVE_RET;
	}
	if (p & FBIT(F_RES)) {
		ev->res = num(d, fm, F_RES, swap);
		ev->have |= SCMWQ_HAVE_RES;
	}
	if (p & (FBIT(F_RES0) | FBIT(F_RES1) | FBIT(F_RES2))) {
		if (p & FBIT(F_RES0))
			ev->res0 = num(d, fm, F_RES0, swap);
		if (p & FBIT(F_RES1))
			ev->res1 = num(d, fm, F_RES1, swap);
		if (p & FBIT(F_RES2))
			ev->res2 = num(d, fm, F_RES2, swap);
		ev->have |= SCMWQ_HAVE_RES012;
	}
	return true;
}

/**
 * scmwq_tepconv_event - convert one record
 * @c: the converter
 * @rec: a record of the converter's tep
 * @ev: filled when the record is one of our events
 *
 * Returns false if the record is not an event we read.
 */
bool scmwq_tepconv_event(struct scmwq_tepconv *c, struct tep_record *rec, struct scmwq_event *ev)
{
	return c->swap ? convert(c, rec, ev, true) : convert(c, rec, ev, false);
}

/**
 * scmwq_tepconv_lost - the loss marker for the events dropped before @rec
 * @rec: a record with missed_events set
 * @ev: filled with an SCMWQ_EV_LOST at @rec's time and CPU
 */
void scmwq_tepconv_lost(const struct tep_record *rec, struct scmwq_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = SCMWQ_EV_LOST;
	ev->loss = SCMWQ_LOSS_EVENTS;
	ev->lost_count = rec->missed_events > 0 ? rec->missed_events : 0;
	ev->ts_ns = rec->ts;
	ev->cpu = rec->cpu;
	ev->pid = -1;
	ev->where = rec->offset;
}

/* Which of our events @system/@name is; -1 if none. */
static int wanted_at(const char *system, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(wanted); i++) {
		if (strcmp(name, wanted[i].name))
			continue;
		if (wanted[i].system && (!system || strcmp(system, wanted[i].system)))
			continue;
		return (int)i;
	}
	return -1;
}

static int wanted_index(const struct tep_event *event)
{
	return wanted_at(event->system, event->name);
}

bool scmwq_tepconv_wanted(const char *system, const char *event)
{
	return event && wanted_at(system, event) >= 0;
}

static enum scmwq_system system_of(const char *system)
{
	if (system && !strcmp(system, "qcom_scm"))
		return SCMWQ_SYS_QCOM_SCM;
	if (system && !strcmp(system, "scm"))
		return SCMWQ_SYS_SCM;
	return SCMWQ_SYS_UNKNOWN;
}

/* Where get_dyn_args() would read @fm's args[]: for dyn_args(). */
static void compile_args(const struct scmwq_tepconv *c, struct tepconv_fmt *fm)
{
	const struct tep_format_field *f = fm->f[F_ARGS];
	unsigned int esize;

	if (!f || f->offset < 0 || f->size != 4)
		return;
	esize = f->elementsize ? f->elementsize : (unsigned int)c->long_size;
	if (esize != 4 && esize != 8)
		esize = 8;
	fm->args_off = f->offset;
	fm->args_rel = f->flags & TEP_FIELD_IS_RELATIVE ? f->offset + f->size : 0;
	fm->args_esize = esize;
}

/* The largest span of event ids mapped; past it, the formats are searched. */
#define ID_SPAN_MAX 65536

/* Map our formats' ids to them, the first of an id winning as in find_fmt()'s search. */
static int map_ids(struct scmwq_tepconv *c)
{
	long lo, hi;

	if (!c->nfmts)
		return 0;
	lo = hi = c->fmts[0].id;
	for (int i = 1; i < c->nfmts; i++) {
		lo = c->fmts[i].id < lo ? c->fmts[i].id : lo;
		hi = c->fmts[i].id > hi ? c->fmts[i].id : hi;
	}
	if (hi - lo + 1 > ID_SPAN_MAX || c->nfmts > 255)
		return 0;
	c->idmap = calloc(hi - lo + 1, 1);
	if (!c->idmap)
		return -1;
	c->id_min = lo;
	c->id_span = hi - lo + 1;
	for (int i = c->nfmts - 1; i >= 0; i--)
		c->idmap[c->fmts[i].id - lo] = i + 1;
	return 0;
}

/**
 * scmwq_tepconv_new - find our events among @tep's formats
 * @tep: the formats (of a trace.dat file or of the local tracefs)
 * @err: set on failure
 *
 * Resolves the fields of each of our events by name, once.  Returns the
 * converter, or NULL with @err set (SCMWQ_E_INTERNAL) when out of memory.
 */
struct scmwq_tepconv *scmwq_tepconv_new(struct tep_handle *tep, struct scmwq_error *err)
{
	int count = tep_get_events_count(tep), nwanted = 0;
	int nscm[3] = { 0 };
	struct scmwq_tepconv *c;

	/* a live tep has thousands of formats: size the table for ours only */
	for (int i = 0; i < count; i++) {
		struct tep_event *event = tep_get_event(tep, i);

		if (event && event->name && wanted_index(event) >= 0)
			nwanted++;
	}
	c = calloc(1, sizeof(*c));
	if (c)
		c->fmts = calloc(nwanted ? nwanted : 1, sizeof(*c->fmts));
	if (!c || !c->fmts) {
		free(c);
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		return NULL;
	}
	c->tep = tep;
	c->swap = tep_is_file_bigendian(tep) != tep_is_local_bigendian(tep);
	c->long_size = tep_get_long_size(tep);
	if (c->long_size != 4 && c->long_size != 8)
		c->long_size = 8;
	for (int i = 0; i < count; i++) {
		struct tep_event *event = tep_get_event(tep, i);
		struct tepconv_fmt *fm;
		int w;

		if (!event || !event->name)
			continue;
		w = wanted_index(event);
		if (w < 0 || c->nfmts >= nwanted)
			continue;
		fm = &c->fmts[c->nfmts++];
		fm->id = event->id;
		fm->type = wanted[w].type;
		fm->sys = wanted[w].system ? SCMWQ_SYS_UNKNOWN : system_of(event->system);
		for (int f = 0; f < F__COUNT; f++) {
			long end;

			fm->f[f] = tep_find_field(event, field_names[f]);
			end = num_end(fm->f[f]);
			if (!end)
				continue;
			fm->nums |= FBIT(f);
			fm->n[f] = (struct tepconv_num){ .off = fm->f[f]->offset,
							 .size = fm->f[f]->size, .end = end };
			if (end > fm->need)
				fm->need = end;
		}
		compile_args(c, fm);
		if (!wanted[w].system)
			nscm[fm->sys]++;
		/* libtraceevent reads them at the first format's offsets: so do we */
		if (c->nfmts == 1 && event == tep_get_event(tep, 0)) {
			c->type_f = tep_find_common_field(event, "common_type");
			c->pid_f = tep_find_common_field(event, "common_pid");
			c->type_end = num_end(c->type_f);
			c->pid_end = num_end(c->pid_f);
			c->std_header = c->type_end && c->type_f->offset == 0 &&
					c->type_f->size == 2 && c->pid_end &&
					c->pid_f->offset == 4 && c->pid_f->size == 4;
		}
	}
	if (map_ids(c) < 0) {
		scmwq_tepconv_free(c);
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		return NULL;
	}
	if (nscm[SCMWQ_SYS_QCOM_SCM] || nscm[SCMWQ_SYS_SCM])
		c->sys = nscm[SCMWQ_SYS_SCM] > nscm[SCMWQ_SYS_QCOM_SCM] ? SCMWQ_SYS_SCM :
									SCMWQ_SYS_QCOM_SCM;
	return c;
}

enum scmwq_system scmwq_tepconv_system(const struct scmwq_tepconv *c)
{
	return c->sys;
}

/**
 * scmwq_tepconv_set_diag - be told of records of ours that are garbled
 * @c: the converter
 * @fn: called with the record's offset and a sentence naming it and what
 *      was expected (NULL: nobody is told)
 * @arg: passed to @fn
 *
 * Such records still convert, without the fields that could not be read
 * (e.g. a vendor scm_smc_request whose `out` text does not parse has no
 * SCMWQ_HAVE_ARGS).
 */
void scmwq_tepconv_set_diag(struct scmwq_tepconv *c, scmwq_tepconv_diag_fn fn, void *arg)
{
	c->diag = fn;
	c->diag_arg = arg;
}

/**
 * scmwq_tepconv_cache_comms - remember each pid's comm once looked up
 * @c: the converter
 *
 * For a trace whose comms are all known when it is opened (a trace.dat's
 * saved command lines): the lookup in libtraceevent is a search per event.
 */
void scmwq_tepconv_cache_comms(struct scmwq_tepconv *c)
{
	c->cache_comms = true;
}

void scmwq_tepconv_free(struct scmwq_tepconv *c)
{
	if (!c)
		return;
	free(c->fmts);
	free(c->idmap);
	free(c);
}

