/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Perfetto reader, inside the source part: what its files share.
 * perfetto.c streams the trace packet by packet and gives out the events;
 * perfetto_ftrace.c turns a FtraceEventBundle into events; perfetto_loss.c
 * turns lost_events, dropped bundles and overrun stats into loss marks;
 * perfetto_queue.c keeps the events waiting for the time-ordered merge and
 * the task names.  Files call downward only, in that order.  Not installed.
 */
#ifndef SCMWQ_LIB_SOURCE_PERFETTO_H
#define SCMWQ_LIB_SOURCE_PERFETTO_H

#include "source/pb.h"
#include "source/source.h"

#define PF_CPUS		4096	/* CPU numbers above are refused as garbled */
#define PF_DESCS	1024	/* dense event descriptors kept */
#define PF_DESC_FIELDS	32	/* fields of a descriptor looked at */
#define PF_GLOBAL	PF_CPUS	/* the queue of losses placed by time only */
#define PF_NONE		UINT32_MAX
#define PF_SEQS		64	/* packet sequences whose first packet is remembered */

/* A task's name, by pid (struct pf.names). */
struct pf_name {
	int pid;
	struct pf_name *hnext;
	char comm[SCMWQ_COMM_LEN];
};

struct pf_queue {
	uint64_t head_ts;	/* the time of its first event, kept here to merge */
	uint32_t head, tail;	/* slots; PF_NONE when empty */
	uint32_t n;
	uint32_t active_at;	/* its index in pf.active */
};

/* A dense generic event's descriptor, resolved to our events and fields. */
struct pf_desc {
	uint32_t field_id;		/* its FtraceEvent field number */
	enum scmwq_ev_type type;	/* SCMWQ_EV_NONE: not an event we read */
	enum scmwq_system sys;		/* from group_name */
	int8_t fid[PF_DESC_FIELDS + 1];	/* by proto field number: enum pf_fid, or -1 */
};

/* Where one CPU is. */
struct pf_cpu {
	uint64_t last_ts;	/* of its last event decoded */
	int cur_pid;		/* the task running there (sched_switch); -1: unknown */
	bool seen;		/* an event decoded */
	bool lost_seen;		/* a loss located (lost_events or a missing bundle) */
};

struct pf {
	int fd;
	uint64_t fsize;			/* 0: unknown (a pipe) */

	/* input: a window of the file */
	uint8_t *in;
	size_t in_pos, in_len, in_cap;
	uint64_t in_off;		/* file offset of in[0] */
	bool in_eof;

	/* the current packet */
	uint8_t *pkt;
	size_t pkt_cap;
	uint64_t pkt_off;		/* file offset of its first byte */

	/*
	 * Events decoded, waiting for their turn: one FIFO per CPU (in time
	 * order, as a CPU's bundles are), and PF_GLOBAL for the losses of no
	 * place in a CPU's stream, all in one slab of slots.
	 */
	struct scmwq_event *slots;
	uint32_t *next;			/* of each slot: in its queue, or free */
	uint32_t nslots, free_head;
	struct pf_queue *queue;		/* PF_CPUS + 1 */
	uint32_t *active;		/* the queues not empty */
	uint32_t nactive;
	size_t queued;
	uint64_t newest;		/* the latest timestamp decoded */
	uint64_t released;		/* the timestamp of the last event given out */
	bool any_released;

	struct pf_cpu *cpu;		/* PF_CPUS */
	struct pf_desc *desc;
	size_t ndesc;
	bool desc_full_noted;

	/* FtraceStats: overrun per CPU at the start (-1: no stats) */
	int64_t *overrun_start;

	/* trusted_packet_sequence_id of the sequences seen (their first packet read) */
	uint32_t seqs[PF_SEQS];
	size_t nseqs;

	struct scmwq_pidmap names;	/* struct pf_name */

	/* compact_sched columns, reused from bundle to bundle */
	uint64_t *col[12];
	size_t ncol[12], colcap[12];
	struct pb_field *intern;
	size_t nintern, interncap;

	bool failed;
};

/* The fields of our events, by name (as tepconv.c reads them from formats). */
enum pf_fid {
	PF_SMC_ID = 0,
	PF_SVC_ID,
	PF_CMD_ID,
	PF_ARGS_CNT,
	PF_ARGS,
	PF_OUT,
	PF_WQ_CTX,
	PF_CTX,
	PF_FLAGS,
	PF_MORE,
	PF_RET,
	PF_RES,
	PF_RES0,
	PF_RES1,
	PF_RES2,
	PF__COUNT,
};

/* Which of our fields @name is; -1 if none.  @len: its length. */
int pf_field_id(const char *name, size_t len);
/* Which SCM event @name is; SCMWQ_EV_NONE if none. */
enum scmwq_ev_type pf_event_type(const char *name, size_t len);

/*
 * Decode one FtraceEventBundle (@m) of the packet at @src's current packet.
 * Events go to pf_push(); losses to pf_loss_bundle().  Returns 0, or -1 with
 * @err set when the bundle is garbled.
 */
int pf_bundle(struct scmwq_source *src, struct pf *pf, struct pb_msg m, struct scmwq_error *err);
/* Register one GenericEventDescriptor (@m).  Returns 0, or -1 with @err set. */
int pf_descriptor(struct scmwq_source *src, struct pf *pf, struct pb_msg m,
		  struct scmwq_error *err);

/*
 * Queue a decoded event on queue @q (its CPU, or PF_GLOBAL) for the
 * time-ordered merge.  Returns its slot (valid until it is given out), or
 * -1 when out of memory.
 */
int64_t pf_push(struct pf *pf, uint32_t q, const struct scmwq_event *ev);
/* Remember @pid's name (for the events, which carry none). */
void pf_name(struct pf *pf, int pid, const char *name, size_t len);

/*
 * A bundle of CPU @cpu begins, with @lost (its lost_events flag) and
 * @prev_end (previous_bundle_end_timestamp; 0: none): queue the loss mark
 * it implies, before the bundle's events.  *@mark is its slot, for the
 * caller to set its gap_end_ns to the bundle's first event, or -1 when
 * there is none.  Returns -1 when out of memory.
 */
int pf_loss_bundle(struct pf *pf, int cpu, bool lost, uint64_t prev_end, int64_t *mark);
/*
 * Every packet, before its contents: of sequence @seq (@has_seq: it says
 * which), with previous_packet_dropped @dropped, an ftrace one (@ftrace: a
 * bundle or stats).  Queues the loss a dropped packet implies, but on a
 * sequence's first packet, which the service always flags.  Returns -1
 * when out of memory.
 */
int pf_loss_packet(struct pf *pf, bool has_seq, uint32_t seq, bool dropped, bool ftrace);
/* One FtraceStats packet (@m): overrun deltas.  Returns 0, or -1 with @err set. */
int pf_stats(struct scmwq_source *src, struct pf *pf, struct pb_msg m, struct scmwq_error *err);

/* An empty queue. */
void pf_queue_init(struct pf_queue *q);
/* The queue whose first event is the earliest (PF_NONE: all empty). */
uint32_t pf_earliest(const struct pf *pf);
/*
 * Give out the first event of queue @qi into @ev, its names looked up; tell
 * the diag callback when it comes after later ones were given out.
 */
void pf_release(struct scmwq_source *src, struct pf *pf, uint32_t qi, struct scmwq_event *ev);

/* A garbled message at @at (a pointer into the current packet): @err set, -1. */
int pf_garbled(struct scmwq_source *src, struct pf *pf, const uint8_t *at, const char *what,
	       const char *why, struct scmwq_error *err);

#endif /* SCMWQ_LIB_SOURCE_PERFETTO_H */
