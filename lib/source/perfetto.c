// SPDX-License-Identifier: GPL-2.0
/*
 * Perfetto source: a Perfetto trace (`perfetto -o`, record_android_trace,
 * the System Tracing app, bugreports), read packet by packet.
 *
 * The protobuf layer is a small hand-written wire-format reader
 * (lib/source/pb_read.c) rather than protobuf-c: it must stream a trace of
 * any size in bounded memory and take any bytes, each length checked
 * against what is left of its message and of the file; it reads the dozen
 * fields needed and skips the rest without building message trees.  The
 * field numbers are Perfetto's published ones (google/perfetto protos/
 * perfetto/trace/); tests/perfetto/perfetto_subset.proto names them, and
 * the test traces are made from it by protoc, not by us.
 *
 * A Trace is `repeated TracePacket packet = 1`: a sequence of (tag 0x0a,
 * varint length, packet).  Each packet is read whole (up to PF_PACKET_MAX;
 * bigger ones are skipped unread with a diagnostic: no packet we read comes
 * near it) and decoded: ftrace bundles (perfetto_ftrace.c), process_tree
 * names, FtraceStats and dropped packets (perfetto_loss.c).  A trace cut
 * short or with broken framing ends with SCMWQ_E_DATA naming the offset.
 *
 * Order.  A bundle holds one CPU's events of one read cycle of
 * traced_probes (every drain period, 100 ms by default); the cycle reads
 * CPU after CPU, so bundles of different CPUs overlap in time, and a CPU
 * whose buffer filled may be read a cycle late.  Decoded events wait in one
 * FIFO per CPU (a CPU's bundles come in its time order; a bundle's compact
 * events are merged with its others as they are decoded); the earliest of
 * the queues' first events is given out once the trace has reached
 * PF_WINDOW_NS past it, or when PF_WINDOW_EVENTS are waiting (the memory
 * bound: at most that many events and one packet's), or at the end.  An event that still arrives after later
 * ones were given out goes out at once and is reported to the diag
 * callback.  Loss marks are queued at their gap's start, and the source
 * says losses_in_order false, so the model holds its verdicts until every
 * CPU has passed them.
 *
 * Task names are not in the events: they come from process_tree packets
 * (another sequence, often after the events) and from the sched events'
 * comms; an event's comm is looked up when it is given out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/perfetto.h"

#define PF_PACKET_MAX		(16u << 20)
#define PF_WINDOW_NS		(2ULL * 1000 * 1000 * 1000)
#define PF_WINDOW_EVENTS	(1u << 15)
#define PF_IN_CHUNK		(1u << 18)


/* ------------------------------------------------------------------ */
/* Input                                                               */

/* Make @need bytes available at in_pos, or as many as the file has. */
static int in_fill(struct pf *pf, size_t need, struct scmwq_error *err, const char *display)
{
	while (pf->in_len - pf->in_pos < need && !pf->in_eof) {
		ssize_t n;

		if (pf->in_pos) {
			memmove(pf->in, pf->in + pf->in_pos, pf->in_len - pf->in_pos);
			pf->in_off += pf->in_pos;
			pf->in_len -= pf->in_pos;
			pf->in_pos = 0;
		}
		if (pf->in_cap - pf->in_len < PF_IN_CHUNK / 2) {
			size_t ncap = pf->in_len + PF_IN_CHUNK;
			uint8_t *nb = realloc(pf->in, ncap);

			if (!nb)
				return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
			pf->in = nb;
			pf->in_cap = ncap;
		}
		n = read(pf->fd, pf->in + pf->in_len, pf->in_cap - pf->in_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return scmwq_error_set(err, SCMWQ_E_NOINPUT, "%s: cannot read: %s", display,
					       strerror(errno));
		if (n == 0)
			pf->in_eof = true;
		pf->in_len += (size_t)n;
	}
	return 0;
}

static int truncated(struct scmwq_source *src, struct pf *pf, uint64_t at, const char *what,
		     uint64_t need, struct scmwq_error *err)
{
	uint64_t end = pf->in_off + pf->in_len;

	return scmwq_error_set(err, SCMWQ_E_DATA, "%s: truncated Perfetto trace: %s at offset %llu "
			       "needs %llu bytes, but the file ends at %llu", src->display, what,
			       (unsigned long long)at, (unsigned long long)need,
			       (unsigned long long)end);
}

/* Skip @n bytes of input without keeping them. */
static int in_skip(struct scmwq_source *src, struct pf *pf, uint64_t n, uint64_t at,
		   struct scmwq_error *err)
{
	uint64_t left = n;

	while (left) {
		size_t have, take;

		if (in_fill(pf, 1, err, src->display) < 0)
			return -1;
		have = pf->in_len - pf->in_pos;
		if (!have)
			return truncated(src, pf, at, "a packet", n, err);
		take = have < left ? have : (size_t)left;
		pf->in_pos += take;
		left -= take;
	}
	return 0;
}

/*
 * The next packet into pf->pkt: 1 with *@len set, 0 at the end of the
 * trace, -1 with @err set.  Packets too big to read are skipped here.
 */
static int next_packet(struct scmwq_source *src, struct pf *pf, size_t *len,
		       struct scmwq_error *err)
{
	for (;;) {
		const uint8_t *p, *end;
		uint64_t tag, n, at;
		size_t hdr, have;

		if (in_fill(pf, 20, err, src->display) < 0)
			return -1;
		if (pf->in_pos == pf->in_len)
			return 0;
		at = pf->in_off + pf->in_pos;
		p = pf->in + pf->in_pos;
		end = pf->in + pf->in_len;
		if (pb_varint(&p, end, &tag) < 0 || (tag == 0x0a && pb_varint(&p, end, &n) < 0)) {
			if (pf->in_eof && end - (pf->in + pf->in_pos) < 20)
				return truncated(src, pf, at, "a packet header", 2, err);
			return scmwq_error_set(err, SCMWQ_E_DATA, "%s: corrupted Perfetto trace at "
					       "offset %llu: a varint of more than 10 bytes",
					       src->display, (unsigned long long)at);
		}
		if (tag != 0x0a)
			return scmwq_error_set(err, SCMWQ_E_DATA, "%s: corrupted Perfetto trace at "
					       "offset %llu: expected a TracePacket (tag 0x0a, then "
					       "its length), found tag 0x%llx", src->display,
					       (unsigned long long)at, (unsigned long long)tag);
		hdr = (size_t)(p - (pf->in + pf->in_pos));
		if (pf->fsize && at + hdr + n > pf->fsize)
			return truncated(src, pf, at, "the packet", hdr + n, err);
		pf->in_pos += hdr;
		if (n > PF_PACKET_MAX) {
			char msg[160];

			snprintf(msg, sizeof(msg), "a packet of %llu bytes, more than the %u MiB "
				 "read: skipped", (unsigned long long)n, PF_PACKET_MAX >> 20);
			scmwq_source_diag(src, at, msg);
			if (in_skip(src, pf, n, at, err) < 0)
				return -1;
			continue;
		}
		if (pf->pkt_cap < n) {
			uint8_t *nb = realloc(pf->pkt, n);

			if (!nb)
				return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
			pf->pkt = nb;
			pf->pkt_cap = n;
		}
		if (in_fill(pf, n, err, src->display) < 0)
			return -1;
		have = pf->in_len - pf->in_pos;
		if (have < n)
			return truncated(src, pf, at, "the packet", hdr + n, err);
		memcpy(pf->pkt, pf->in + pf->in_pos, n);
		pf->in_pos += n;
		pf->pkt_off = at + hdr;
		*len = n;
		return 1;
	}
}

/* ProcessTree: threads {tid 1, name 2}; processes {pid 1, cmdline 3}. */
static int process_tree(struct scmwq_source *src, struct pf *pf, struct pb_msg m,
			struct scmwq_error *err)
{
	struct pb_field f, g;
	const char *why;
	int r;

	while ((r = pb_next(&m, &f, &why)) > 0) {
		struct pb_msg t;
		const uint8_t *name = NULL;
		size_t nlen = 0;
		int pid = -1;

		if ((f.num != 1 && f.num != 2) || f.wire != PB_LEN)
			continue;
		t = pb_sub(&f);
		while ((r = pb_next(&t, &g, &why)) > 0) {
			if (g.num == 1 && g.wire == PB_VARINT)
				pid = (int)g.v;
			else if (g.wire == PB_LEN && ((f.num == 2 && g.num == 2) ||
						      (f.num == 1 && g.num == 3 && !name))) {
				name = g.data;
				nlen = g.len;
			}
		}
		if (r < 0)
			return pf_garbled(src, pf, t.p, "a ProcessTree entry", why, err);
		if (!name)
			continue;
		if (f.num == 1) {
			/* a process: its command line's first word, unless a name is known */
			const uint8_t *slash = memrchr(name, '/', nlen);

			if (scmwq_pidmap_find(&pf->names, pid))
				continue;
			if (slash) {
				nlen -= (size_t)(slash + 1 - name);
				name = slash + 1;
			}
			if (nlen > 15)	/* TASK_COMM_LEN - 1: what the kernel keeps */
				nlen = 15;
		}
		pf_name(pf, pid, (const char *)name, strnlen((const char *)name, nlen));
	}
	if (r < 0)
		return pf_garbled(src, pf, m.p, "a ProcessTree", why, err);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Packets                                                             */

static int packet(struct scmwq_source *src, struct pf *pf, size_t len, struct scmwq_error *err)
{
	struct pb_msg m = pb_msg(pf->pkt, len);
	struct pb_field f, bundle = { 0 }, tree = { 0 }, stats = { 0 };
	bool dropped = false, has_seq = false;
	uint32_t seq = 0;
	const char *why;
	int r;

	while ((r = pb_next(&m, &f, &why)) > 0) {
		if (f.wire == PB_LEN && f.num == 1)
			bundle = f;
		else if (f.wire == PB_LEN && f.num == 2)
			tree = f;
		else if (f.wire == PB_LEN && f.num == 34)
			stats = f;
		else if (f.wire == PB_VARINT && f.num == 42)
			dropped = f.v != 0;
		else if (f.wire == PB_VARINT && f.num == 10) {
			has_seq = true;
			seq = (uint32_t)f.v;
		}
	}
	if (r < 0)
		return pf_garbled(src, pf, m.p, "a TracePacket", why, err);
	if (pf_loss_packet(pf, has_seq, seq, dropped, bundle.data || stats.data) < 0)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	if (bundle.data && pf_bundle(src, pf, pb_sub(&bundle), err) < 0)
		return -1;
	if (tree.data && process_tree(src, pf, pb_sub(&tree), err) < 0)
		return -1;
	if (stats.data && pf_stats(src, pf, pb_sub(&stats), err) < 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Source operations                                                   */

static int pf_next(struct scmwq_source *src, struct scmwq_event *ev, struct scmwq_error *err)
{
	struct pf *pf = src->priv;

	if (pf->failed)
		return scmwq_error_set(err, SCMWQ_E_DATA, "%s: reading stopped at an error",
				       src->display);
	for (;;) {
		uint32_t qi = pf_earliest(pf);
		bool at_end = pf->in_eof && pf->in_pos == pf->in_len;
		size_t len = 0;
		int r;

		if (qi != PF_NONE) {
			uint64_t ts = pf->queue[qi].head_ts;

			if (at_end || pf->queued > PF_WINDOW_EVENTS ||
			    (pf->newest >= PF_WINDOW_NS && ts <= pf->newest - PF_WINDOW_NS)) {
				pf_release(src, pf, qi, ev);
				return 1;
			}
		}
		r = next_packet(src, pf, &len, err);
		if (r == 0 && qi == PF_NONE)
			return 0;
		if (r == 0)
			continue;	/* at the end: drain */
		if (r < 0 || packet(src, pf, len, err) < 0) {
			pf->failed = true;
			return -1;
		}
	}
}

static void pf_free(struct scmwq_source *src)
{
	struct pf *pf = src->priv;

	if (!pf)
		return;
	close(pf->fd);
	free(pf->in);
	free(pf->pkt);
	free(pf->slots);
	free(pf->next);
	free(pf->queue);
	free(pf->active);
	free(pf->cpu);
	free(pf->desc);
	free(pf->overrun_start);
	scmwq_pidmap_free(&pf->names);
	for (size_t i = 0; i < ARRAY_SIZE(pf->col); i++)
		free(pf->col[i]);
	free(pf->intern);
	free(pf);
	src->priv = NULL;
}

static const struct scmwq_source_ops pf_ops = {
	.name = "perfetto",
	.next = pf_next,
	.free = pf_free,
};

bool scmwq_perfetto_detect(const void *head, size_t len)
{
	const uint8_t *p = head, *end = p + len;
	struct pb_msg m;
	struct pb_field f;
	uint64_t n;
	const char *why;
	bool control = false;

	if (len < 4 || p[0] != 0x0a)
		return false;
	p++;
	if (pb_varint(&p, end, &n) < 0 || n < 2)
		return false;
	/* the first packet's fields, as far as the head holds them */
	m = pb_msg(p, n < (uint64_t)(end - p) ? (size_t)n : (size_t)(end - p));
	if (pb_next(&m, &f, &why) <= 0)
		return false;
	/* text never holds control bytes other than tab and newlines */
	for (const uint8_t *q = head; q < end; q++)
		if (*q < 0x20 && *q != '\t' && *q != '\n' && *q != '\r')
			control = true;
	return control;
}

int scmwq_perfetto_open(struct scmwq_source *src, int fd, const void *head, size_t head_len,
			struct scmwq_error *err)
{
	struct pf *pf = calloc(1, sizeof(*pf));
	struct stat st;

	if (!pf) {
		close(fd);
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	}
	pf->fd = fd;
	src->priv = pf;
	src->ops = &pf_ops;
	src->losses_in_order = false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		pf->fsize = (uint64_t)st.st_size;
	pf->free_head = PF_NONE;
	pf->queue = malloc((PF_CPUS + 1) * sizeof(*pf->queue));
	pf->active = malloc((PF_CPUS + 1) * sizeof(*pf->active));
	pf->in_cap = head_len + PF_IN_CHUNK;
	pf->in = malloc(pf->in_cap);
	pf->cpu = calloc(PF_CPUS, sizeof(*pf->cpu));
	pf->desc = calloc(PF_DESCS, sizeof(*pf->desc));
	pf->overrun_start = malloc(PF_CPUS * sizeof(*pf->overrun_start));
	pf->names = (struct scmwq_pidmap)SCMWQ_PIDMAP_OF(struct pf_name);
	if (!pf->in || !pf->cpu || !pf->desc || !pf->overrun_start || !pf->queue || !pf->active ||
	    scmwq_pidmap_init(&pf->names, 256) < 0) {
		pf_free(src);
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	}
	for (int i = 0; i < PF_CPUS; i++) {
		pf->cpu[i].cur_pid = -1;
		pf->overrun_start[i] = -1;
	}
	for (int i = 0; i <= PF_CPUS; i++)
		pf_queue_init(&pf->queue[i]);
	memcpy(pf->in, head, head_len);
	pf->in_len = head_len;
	return 0;
}
