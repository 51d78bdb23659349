// SPDX-License-Identifier: GPL-2.0
/*
 * Live reader of a tracefs instance, for `monitor`.
 *
 * Each CPU's trace_pipe_raw is read nonblocking, one sub-buffer page per
 * read(): the kernel hands out a partially filled page too, copying out
 * what was committed so far, so an event can be read as soon as it is
 * written.  Pages are walked with libtraceevent's kbuffer and their
 * records converted at once (lib/source/tepconv.c) into per-CPU FIFO queues.
 *
 * Order across CPUs comes from a time watermark.  Before each sweep over
 * the CPUs the reader takes the trace clock W; an event written before W
 * is in its buffer by the time the sweep reads that CPU, except for the
 * few that were reserved before W and committed after the read: W is
 * taken LIVE_SLACK_NS early for those.  After the sweep, events up to W
 * are handed out through a heap of the queues' heads; later ones wait for
 * the next sweep.  A CPU whose buffer was not emptied in a sweep (the
 * per-sweep page budget ran out) holds the watermark at its last event.
 * Memory is the events read in one sweep beyond the watermark plus those
 * the caller has not taken yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kbuffer.h>

#include "base/base.h"
#include "source/live.h"
#include "source/tepconv.h"

#define MS			1000000ULL
#define LIVE_TICK_NS		(20 * MS)	/* sweep period when nothing fills up */
#define LIVE_SLACK_NS		(5 * MS)	/* events still being committed */
#define LIVE_MIN_GAP_NS		(1 * MS)	/* between sweeps a full buffer asks for */
#define LIVE_SWEEP_PAGES	256		/* per sweep, shared by the CPUs */
#define LIVE_CPU_PAGES_MIN	4		/* per CPU and sweep, at least */
#define LIVE_COMM_TTL_NS	(1000 * MS)	/* re-read a thread's comm after this */
#define LIVE_COMM_DROP_NS	(60000 * MS)	/* forget threads not seen for this */
#define LIVE_QUEUE_KEEP		1024		/* queue slots kept when it empties */
#define LIVE_PAGE_SLACK		64		/* zeroed bytes after a read page */

/* The page header's commit word (kernel/trace/ring_buffer.c) */
#define RB_COMMIT_MASK		((1ULL << 27) - 1)
#define RB_MISSED_EVENTS	(1ULL << 31)
#define RB_MISSED_STORED	(1ULL << 30)

/* Record types of the ring buffer (RINGBUF_TYPE_*) */
#define RB_TYPE_PADDING		29
#define RB_TYPE_TIME_EXTEND	30
#define RB_TYPE_TIME_STAMP	31

/* Events of one CPU not handed out yet, oldest first. */
struct live_queue {
	struct scmwq_event *v;
	size_t cap, head, n;
};

struct live_cpu {
	int cpu;
	int fd;
	bool queued;			/* has its head in the heap */
	uint64_t last_ts;		/* of the last record read */
	uint64_t empty_ns;		/* a sweep found it empty: all before this was read */
	struct live_queue q;
};

/* A heap entry: the head of a CPU's queue. */
struct live_head {
	uint64_t ts;
	int idx;			/* into cpus[] */
};

/* A thread whose comm was read from /proc. */
struct live_comm {
	struct live_comm *hnext;
	int pid;
	uint64_t checked_ns;
};

/* A line of the kernel's saved_cmdlines. */
struct live_cmdline {
	int pid;
	char comm[SCMWQ_COMM_LEN];
};

struct scmwq_live {
	char *name;			/* of the instance, for messages */
	clockid_t clock;		/* the system clock of the trace clock */
	struct tep_handle *tep;
	struct scmwq_tepconv *conv;
	struct kbuffer *kbuf;
	int lsize;			/* size of the page header's commit word */
	size_t subbuf;			/* bytes of a sub-buffer page */
	unsigned char *page;		/* subbuf + LIVE_PAGE_SLACK bytes */
	struct live_cpu *cpus;
	struct pollfd *pfds;
	int ncpus;
	uint64_t sweep_pages;		/* per CPU and sweep */
	uint64_t drain_pages;		/* per CPU: more than the buffer holds */
	struct scmwq_heap heads;	/* struct live_head by (ts, idx) */
	uint64_t limit;			/* events up to this may be handed out */
	uint64_t last_sweep;		/* clock when the last sweep began */
	uint64_t read_ns;		/* clock of the read in progress */
	bool more;			/* a CPU was left with data: sweep at once */
	bool drained;
	uint64_t events, lost, pages, seq;
	uint64_t garbled;		/* records whose fields could not be read */
	char first_garbled[160];
	struct scmwq_pidmap comms;	/* struct live_comm */
	uint64_t comms_pruned;		/* when */
	char *cmdlines_path;		/* the kernel's saved_cmdlines */
	struct live_cmdline *cmdlines;	/* as read at cmdlines_ns */
	size_t ncmdlines, cmdlines_cap;
	uint64_t cmdlines_ns;
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static uint64_t clock_ns(const struct scmwq_live *l)
{
	struct timespec ts;

	clock_gettime(l->clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd_long(const struct scmwq_live *l, const unsigned char *p)
{
	uint64_t v;

	if (l->lsize == 4)
		return rd32(p);
	memcpy(&v, p, sizeof(v));
	return v;
}

static void wr_long(const struct scmwq_live *l, unsigned char *p, uint64_t v)
{
	uint32_t v32 = v;

	if (l->lsize == 4)
		memcpy(p, &v32, sizeof(v32));
	else
		memcpy(p, &v, sizeof(v));
}

/* ------------------------------------------------------------------ */
/* Per-CPU queues                                                      */

static int queue_push(struct live_queue *q, const struct scmwq_event *ev)
{
	if (q->n == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 64;
		struct scmwq_event *nv = malloc(ncap * sizeof(*nv));

		if (!nv)
			return -1;
		/* unwrap: the oldest first */
		for (size_t i = 0; i < q->n; i++)
			nv[i] = q->v[(q->head + i) % q->cap];
		free(q->v);
		q->v = nv;
		q->cap = ncap;
		q->head = 0;
	}
	q->v[(q->head + q->n) % q->cap] = *ev;
	q->n++;
	return 0;
}

static const struct scmwq_event *queue_head(const struct live_queue *q)
{
	return &q->v[q->head];
}

static void queue_pop(struct live_queue *q, struct scmwq_event *ev)
{
	*ev = q->v[q->head];
	q->head = (q->head + 1) % q->cap;
	if (--q->n)
		return;
	q->head = 0;
	if (q->cap > LIVE_QUEUE_KEEP) {
		/* a burst is over: give its memory back */
		free(q->v);
		q->v = NULL;
		q->cap = 0;
	}
}

static bool head_less(const void *x, const void *y)
{
	const struct live_head *a = x, *b = y;

	if (a->ts != b->ts)
		return a->ts < b->ts;
	return a->idx < b->idx;
}

/* Give every CPU whose queue is no longer empty its place in the heap. */
static int queue_heads(struct scmwq_live *l, struct scmwq_error *err)
{
	for (int i = 0; i < l->ncpus; i++) {
		struct live_cpu *c = &l->cpus[i];
		struct live_head h = { .idx = i };

		if (c->queued || !c->q.n)
			continue;
		h.ts = queue_head(&c->q)->ts_ns;
		if (scmwq_heap_push(&l->heads, &h) < 0)
			return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		c->queued = true;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Thread names                                                        */

static bool read_comm(int pid, char *comm)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, comm, SCMWQ_COMM_LEN - 1);
	close(fd);
	if (n <= 0)
		return false;
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
	return true;
}

/* Re-read saved_cmdlines, at most once per read pass. */
static void load_cmdlines(struct scmwq_live *l)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	if (l->cmdlines_ns == l->read_ns && l->cmdlines_ns)
		return;
	l->cmdlines_ns = l->read_ns;
	l->ncmdlines = 0;
	f = l->cmdlines_path ? fopen(l->cmdlines_path, "re") : NULL;
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		struct live_cmdline *c;
		char *sp;
		long pid;

		pid = strtol(line, &sp, 10);
		if (sp == line || *sp != ' ' || pid <= 0 || pid > INT32_MAX)
			continue;
		if (l->ncmdlines == l->cmdlines_cap) {
			size_t ncap = l->cmdlines_cap ? l->cmdlines_cap * 2 : 256;
			struct live_cmdline *nc = realloc(l->cmdlines, ncap * sizeof(*nc));

			if (!nc)
				break;
			l->cmdlines = nc;
			l->cmdlines_cap = ncap;
		}
		c = &l->cmdlines[l->ncmdlines++];
		c->pid = (int)pid;
		snprintf(c->comm, sizeof(c->comm), "%s", sp + 1);
		c->comm[strcspn(c->comm, "\n")] = '\0';
	}
	free(line);
	fclose(f);
}

/* The comm the kernel saved for @pid (a thread that is gone from /proc). */
static bool saved_comm(struct scmwq_live *l, int pid, char *comm)
{
	load_cmdlines(l);
	for (size_t i = 0; i < l->ncmdlines; i++) {
		if (l->cmdlines[i].pid == pid) {
			memcpy(comm, l->cmdlines[i].comm, SCMWQ_COMM_LEN);
			return true;
		}
	}
	return false;
}

static bool comm_stale(void *node, void *arg)
{
	const struct live_comm *n = node;
	uint64_t now = *(const uint64_t *)arg;

	return n->checked_ns + LIVE_COMM_DROP_NS < now;
}

/*
 * The ring buffer holds pids only.  The first time a thread is seen, and
 * again each LIVE_COMM_TTL_NS while it is seen, its comm is read from
 * /proc into the tep, where the conversion finds it.  For a thread that is
 * already gone, the kernel's saved_cmdlines (which it fills as traced
 * tasks are switched out) may still have it; otherwise the comm stays
 * what the tep had, or "<...>".
 */
static void ensure_comm(struct scmwq_live *l, int pid)
{
	struct live_comm *n;
	char comm[SCMWQ_COMM_LEN];
	const char *old;

	if (pid <= 0)
		return;
	n = scmwq_pidmap_find(&l->comms, pid);
	if (n && l->read_ns - n->checked_ns < LIVE_COMM_TTL_NS)
		return;
	if (!n) {
		n = calloc(1, sizeof(*n));
		if (!n)
			return;
		n->pid = pid;
		if (scmwq_pidmap_add(&l->comms, n) < 0) {
			free(n);
			return;
		}
	}
	n->checked_ns = l->read_ns;
	if (!read_comm(pid, comm) && !saved_comm(l, pid, comm))
		return;
	old = tep_is_pid_registered(l->tep, pid) ? tep_data_comm_from_pid(l->tep, pid) : NULL;
	if (!old || strcmp(old, comm))
		tep_override_comm(l->tep, comm, pid);
}

static void prune_comms(struct scmwq_live *l)
{
	if (l->read_ns - l->comms_pruned < LIVE_COMM_DROP_NS / 4)
		return;
	l->comms_pruned = l->read_ns;
	scmwq_pidmap_prune(&l->comms, comm_stale, &l->read_ns);
}

/* ------------------------------------------------------------------ */
/* Pages                                                               */

/*
 * The longest prefix of the page's @size bytes of records that kbuffer
 * walks forward through and stays inside of.  kbuffer trusts the lengths
 * it reads: a corrupt one could send it backwards for ever, or past the
 * data.  This walk does kbuffer's arithmetic and stops before such a
 * record.
 */
static unsigned int valid_records(const unsigned char *d, unsigned int size)
{
	bool big = tep_is_bigendian();
	unsigned int curr = 0;

	while (curr < size) {
		unsigned int type_len, index, next;
		uint32_t word, length;	/* kbuffer's int, modulo 2^32 */

		if (size - curr < 4)
			return curr;
		word = rd32(d + curr);
		type_len = big ? word >> 27 : word & 31;
		switch (type_len) {
		case RB_TYPE_PADDING:
			if (size - curr < 8)
				return curr;
			length = rd32(d + curr + 4);
			index = curr + 4;
			break;
		case RB_TYPE_TIME_EXTEND:
		case RB_TYPE_TIME_STAMP:
			if (size - curr < 8)
				return curr;
			length = 0;
			index = curr + 8;
			break;
		case 0:
			if (size - curr < 8)
				return curr;
			length = rd32(d + curr + 4) - 4;
			length = (length + 3) & ~3u;
			index = curr + 8;
			break;
		default:
			length = type_len * 4;
			index = curr + 4;
			break;
		}
		next = index + length;
		if (next <= curr)
			return curr;
		if (type_len == RB_TYPE_PADDING && next >= size)
			return size;	/* kbuffer stops here too */
		if (next > size)
			return curr;
		curr = next;
	}
	return size;
}

static int push_event(struct scmwq_live *l, struct live_cpu *c, const struct scmwq_event *ev,
		      struct scmwq_error *err)
{
	if (queue_push(&c->q, ev) < 0)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	return 0;
}

/*
 * The loss marker for events the ring buffer dropped before this page,
 * whose first record is at @ts.  The loss began after the CPU's last
 * record read and after the last sweep that found the CPU empty (what was
 * written before that was read): the marker goes there, so it comes out
 * before any event of another CPU from inside the gap.
 */
static int push_lost(struct scmwq_live *l, struct live_cpu *c, uint64_t ts, int64_t missed,
		     struct scmwq_error *err)
{
	struct tep_record rec = { .ts = ts, .cpu = c->cpu, .missed_events = missed };
	uint64_t start = c->last_ts;
	struct scmwq_event ev;

	if (c->empty_ns > LIVE_SLACK_NS && c->empty_ns - LIVE_SLACK_NS > start)
		start = c->empty_ns - LIVE_SLACK_NS;
	if (start > ts)
		start = ts;
	scmwq_tepconv_lost(&rec, &ev);
	ev.ts_ns = start;
	ev.gap_start_ns = start;
	ev.gap_end_ns = ts;
	l->lost += ev.lost_count;
	return push_event(l, c, &ev, err);
}

/*
 * Convert the @n bytes of the page just read from @c into its queue.  A
 * page whose header does not fit what was read is an error; records past
 * a corrupt one are left out.
 */
static int parse_page(struct scmwq_live *l, struct live_cpu *c, size_t n, struct scmwq_error *err)
{
	unsigned char *p = l->page;
	size_t hdr = 8 + l->lsize;
	uint64_t commit, size, valid;
	int64_t missed = 0;
	unsigned long long ts;
	bool first = true;
	void *data;

	if (n < hdr)
		return scmwq_error_set(err, SCMWQ_E_DATA, "tracefs instance %s: CPU %d: read %zu "
				       "bytes of trace_pipe_raw, less than a page header",
				       l->name, c->cpu, n);
	commit = rd_long(l, p + 8);
	size = commit & RB_COMMIT_MASK;
	if (size > n - hdr)
		return scmwq_error_set(err, SCMWQ_E_DATA, "tracefs instance %s: CPU %d: a page "
				       "of %zu bytes says it holds %llu bytes of events (was "
				       "buffer_subbuf_size_kb changed?)", l->name, c->cpu, n,
				       (unsigned long long)size);
	if (commit & RB_MISSED_EVENTS) {
		missed = -1;		/* dropped, count unknown */
		if ((commit & RB_MISSED_STORED) && size + l->lsize <= n - hdr)
			missed = (int64_t)rd_long(l, p + hdr + size);
		if (missed == 0)
			missed = -1;
	}
	valid = valid_records(p + hdr, size);
	if (valid != size)
		wr_long(l, p + 8, (commit & ~RB_COMMIT_MASK) | valid);
	if (kbuffer_load_subbuffer(l->kbuf, p) < 0)
		return 0;

	for (data = kbuffer_read_event(l->kbuf, &ts); data;
	     data = kbuffer_next_event(l->kbuf, &ts)) {
		struct tep_record rec = {
			.ts = ts,
			.cpu = c->cpu,
			.data = data,
			.size = kbuffer_event_size(l->kbuf),
		};
		struct scmwq_event ev;

		if (first && missed && push_lost(l, c, ts, missed, err) < 0)
			return -1;
		first = false;
		c->last_ts = ts;
		if (rec.size <= 0)
			continue;
		ensure_comm(l, tep_data_pid(l->tep, &rec));
		if (scmwq_tepconv_event(l->conv, &rec, &ev) && push_event(l, c, &ev, err) < 0)
			return -1;
	}
	/* a loss before a page with no records: at the page's time */
	if (first && missed && push_lost(l, c, kbuffer_subbuf_timestamp(l->kbuf, p), missed,
					 err) < 0)
		return -1;
	return 0;
}

/*
 * Read up to @max pages of @c.  Returns the pages read (fewer than @max:
 * the buffer is empty), -1 on an error.
 */
static long read_cpu(struct scmwq_live *l, struct live_cpu *c, uint64_t max,
		     struct scmwq_error *err)
{
	uint64_t got = 0;

	while (got < max) {
		ssize_t n = read(c->fd, l->page, l->subbuf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0)
			return scmwq_error_set(err, SCMWQ_E_NOINPUT,
					       "tracefs instance %s: CPU %d: cannot read "
					       "trace_pipe_raw: %s", l->name, c->cpu, strerror(errno));
		if (n == 0)
			break;
		got++;
		l->pages++;
		memset(l->page + n, 0, l->subbuf + LIVE_PAGE_SLACK - n);
		if (parse_page(l, c, n, err) < 0)
			return -1;
	}
	return (long)got;
}

/*
 * One pass over every CPU; then events up to the watermark may go out.
 * @t: the clock, taken before the pass.
 */
static int sweep(struct scmwq_live *l, uint64_t t, struct scmwq_error *err)
{
	uint64_t limit = t > LIVE_SLACK_NS ? t - LIVE_SLACK_NS : 0;

	l->last_sweep = t;
	l->read_ns = t;
	l->more = false;
	for (int i = 0; i < l->ncpus; i++) {
		struct live_cpu *c = &l->cpus[i];
		long got = read_cpu(l, c, l->sweep_pages, err);

		if (got < 0)
			return -1;
		if ((uint64_t)got == l->sweep_pages) {
			/* more to come from this CPU: only up to what was read */
			l->more = true;
			if (c->last_ts < limit)
				limit = c->last_ts;
		} else {
			c->empty_ns = t;
		}
	}
	if (queue_heads(l, err) < 0)
		return -1;
	if (limit > l->limit)
		l->limit = limit;
	prune_comms(l);
	return 0;
}

/* Hand out the oldest event if it is below the watermark (or drained). */
static bool deliver(struct scmwq_live *l, struct scmwq_event *ev)
{
	struct live_head *h = scmwq_heap_top(&l->heads);
	struct live_cpu *c;

	if (!h || (!l->drained && h->ts > l->limit))
		return false;
	c = &l->cpus[h->idx];
	queue_pop(&c->q, ev);
	if (c->q.n) {
		h->ts = queue_head(&c->q)->ts_ns;
		scmwq_heap_fix_top(&l->heads);
	} else {
		c->queued = false;
		scmwq_heap_pop(&l->heads, NULL);
	}
	ev->where = ++l->seq;
	if (ev->type != SCMWQ_EV_LOST)
		l->events++;
	return true;
}

/*
 * Sleep up to @ns, or less when a ring buffer fills up to the instance's
 * buffer_percent (poll on trace_pipe_raw waits for that much).  Returns
 * 1 when one did, 0 on timeout, 2 when a signal came, -1 on an error.
 */
static int wait_input(struct scmwq_live *l, uint64_t ns, struct scmwq_error *err)
{
	int ms = (int)((ns + MS - 1) / MS), ret;

	for (int i = 0; i < l->ncpus; i++) {
		l->pfds[i].events = POLLIN;
		l->pfds[i].revents = 0;
	}
	ret = poll(l->pfds, l->ncpus, ms);
	if (ret < 0 && errno == EINTR)
		return 2;
	if (ret < 0)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "tracefs instance %s: poll: %s",
				       l->name, strerror(errno));
	return ret > 0;
}

/* ------------------------------------------------------------------ */
/* Interface                                                           */

int scmwq_live_next(struct scmwq_live *l, struct scmwq_event *ev, int timeout_ms,
		    struct scmwq_error *err)
{
	uint64_t deadline = clock_ns(l) + (timeout_ms > 0 ? (uint64_t)timeout_ms * MS : 0);

	for (;;) {
		uint64_t t, wake;
		int ret;

		if (deliver(l, ev))
			return 1;
		if (l->drained)
			return 0;
		t = clock_ns(l);
		if (l->more || t - l->last_sweep >= LIVE_TICK_NS) {
			if (sweep(l, t, err) < 0)
				return -1;
			continue;
		}
		if (timeout_ms >= 0 && t >= deadline)
			return 0;
		wake = l->last_sweep + LIVE_TICK_NS;
		if (timeout_ms >= 0 && deadline < wake)
			wake = deadline;
		ret = wait_input(l, wake - t, err);
		if (ret < 0)
			return -1;
		if (ret == 2)
			return 0;	/* let the caller look at why */
		if (ret > 0) {
			/* a buffer is filling up: read it now, but do not spin */
			t = clock_ns(l);
			if (t - l->last_sweep < LIVE_MIN_GAP_NS) {
				uint64_t rest = LIVE_MIN_GAP_NS - (t - l->last_sweep);
				struct timespec d = { .tv_nsec = (long)rest };

				nanosleep(&d, NULL);
			}
			l->more = true;
		}
	}
}

uint64_t scmwq_live_now(const struct scmwq_live *l)
{
	return l->limit;
}

int scmwq_live_drain(struct scmwq_live *l, struct scmwq_error *err)
{
	l->read_ns = clock_ns(l);
	for (int i = 0; i < l->ncpus; i++)
		if (read_cpu(l, &l->cpus[i], l->drain_pages, err) < 0)
			return -1;
	if (queue_heads(l, err) < 0)
		return -1;
	l->drained = true;
	return 0;
}

void scmwq_live_garbled(const struct scmwq_live *l, uint64_t *garbled, const char **first)
{
	if (garbled)
		*garbled = l->garbled;
	if (first)
		*first = l->garbled ? l->first_garbled : NULL;
}

void scmwq_live_stats(const struct scmwq_live *l, uint64_t *events, uint64_t *lost,
		      uint64_t *pages)
{
	if (events)
		*events = l->events;
	if (lost)
		*lost = l->lost;
	if (pages)
		*pages = l->pages;
}

void scmwq_live_free(struct scmwq_live *l)
{
	if (!l)
		return;
	for (int i = 0; i < l->ncpus; i++) {
		close(l->cpus[i].fd);
		free(l->cpus[i].q.v);
	}
	free(l->cpus);
	free(l->pfds);
	scmwq_heap_free(&l->heads);
	scmwq_pidmap_free(&l->comms);
	free(l->cmdlines);
	free(l->cmdlines_path);
	kbuffer_free(l->kbuf);
	scmwq_tepconv_free(l->conv);
	tep_free(l->tep);
	free(l->page);
	free(l->name);
	free(l);
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */

/* The system clock a trace clock reads; -1 when none does. */
static int trace_clock_id(const char *name)
{
	static const struct {
		const char *name;
		clockid_t id;
	} clocks[] = {
		{ "mono", CLOCK_MONOTONIC },
		{ "mono_raw", CLOCK_MONOTONIC_RAW },
		{ "boot", CLOCK_BOOTTIME },
		{ "tai", CLOCK_TAI },
	};

	for (size_t i = 0; i < ARRAY_SIZE(clocks); i++)
		if (!strcmp(name, clocks[i].name))
			return clocks[i].id;
	return -1;
}

static int set_clock(struct scmwq_live *l, struct tracefs_instance *inst,
		     struct scmwq_error *err)
{
	char *name = tracefs_get_clock(inst);
	int id;

	if (!name)
		return scmwq_error_set(err, SCMWQ_E_NOINPUT, "tracefs instance %s: cannot read "
				       "its trace_clock", l->name);
	id = trace_clock_id(name);
	if (id < 0) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "tracefs instance %s: trace_clock is "
				"\"%s\", which no system clock reads: set it to \"mono\"",
				l->name, name);
		free(name);
		return -1;
	}
	free(name);
	l->clock = id;
	return 0;
}

/* A record whose fields tepconv could not read (a garbled vendor `out`): counted. */
static void live_diag(uint64_t offset, const char *what, void *arg)
{
	struct scmwq_live *l = arg;

	if (!l->garbled++)
		snprintf(l->first_garbled, sizeof(l->first_garbled), "%s", what);
}

/*
 * The formats of the systems that hold our events, and of "sched": not
 * all the kernel's thousands of formats.
 */
static int load_formats(struct scmwq_live *l, struct tracefs_instance *inst,
			struct scmwq_error *err)
{
	const char *dir = tracefs_instance_get_trace_dir(inst);
	char **systems = tracefs_event_systems(dir);
	const char **pick;
	int n = 0, hps;

	for (int i = 0; systems && systems[i]; i++)
		n++;
	pick = calloc(n + 2, sizeof(*pick));
	if (!pick) {
		tracefs_list_free(systems);
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	}
	n = 0;
	pick[n++] = "sched";
	for (int i = 0; systems && systems[i]; i++) {
		char **events;
		bool ours = false;

		if (!strcmp(systems[i], "sched"))
			continue;
		events = tracefs_system_events(dir, systems[i]);
		for (int e = 0; events && events[e] && !ours; e++)
			ours = scmwq_tepconv_wanted(systems[i], events[e]);
		tracefs_list_free(events);
		if (ours)
			pick[n++] = systems[i];
	}
	if (dir && asprintf(&l->cmdlines_path, "%s/saved_cmdlines", dir) < 0)
		l->cmdlines_path = NULL;
	l->tep = tracefs_local_events_system(dir, pick);
	free(pick);
	tracefs_list_free(systems);
	if (!l->tep)
		return scmwq_error_set(err, SCMWQ_E_NOINPUT, "tracefs instance %s: cannot read "
				       "the event formats under %s/events", l->name,
				       dir ? dir : "tracefs");
	/* the buffers are this machine's: its byte order */
	tep_set_file_bigendian(l->tep, tep_is_bigendian() ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	hps = tep_get_header_page_size(l->tep);
	l->lsize = hps == 4 || hps == 8 ? hps : (int)sizeof(long);
	l->kbuf = kbuffer_alloc(l->lsize == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
				KBUFFER_ENDIAN_SAME_AS_HOST);
	l->conv = scmwq_tepconv_new(l->tep, err);
	if (!l->conv)
		return -1;
	scmwq_tepconv_set_diag(l->conv, live_diag, l);
	if (!l->kbuf)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	return 0;
}

static int open_cpus(struct scmwq_live *l, struct tracefs_instance *inst,
		     struct scmwq_error *err)
{
	long conf = sysconf(_SC_NPROCESSORS_CONF);
	long long kb;

	if (conf < 1)
		conf = 1;
	l->cpus = calloc(conf, sizeof(*l->cpus));
	l->pfds = calloc(conf, sizeof(*l->pfds));
	if (!l->cpus || !l->pfds)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
	for (int cpu = 0; cpu < conf; cpu++) {
		char file[64];
		int fd;

		snprintf(file, sizeof(file), "per_cpu/cpu%d/trace_pipe_raw", cpu);
		fd = tracefs_instance_file_open(inst, file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0 && (errno == ENOENT || errno == ENODEV || !errno))
			continue;	/* not a possible CPU, or not online */
		if (fd < 0)
			return scmwq_error_set(err, errno == EACCES || errno == EPERM ?
					       SCMWQ_E_NOPERM : SCMWQ_E_NOINPUT,
					       "tracefs instance %s: CPU %d: cannot open %s: %s",
					       l->name, cpu, file, strerror(errno));
		l->cpus[l->ncpus].cpu = cpu;
		l->cpus[l->ncpus].fd = fd;
		l->pfds[l->ncpus].fd = fd;
		l->ncpus++;
	}
	if (!l->ncpus)
		return scmwq_error_set(err, SCMWQ_E_NOINPUT, "tracefs instance %s: no "
				       "per_cpu/cpuN/trace_pipe_raw to read", l->name);

	l->sweep_pages = LIVE_SWEEP_PAGES / l->ncpus;
	if (l->sweep_pages < LIVE_CPU_PAGES_MIN)
		l->sweep_pages = LIVE_CPU_PAGES_MIN;
	l->subbuf = getpagesize();
	if (!tracefs_instance_file_read_number(inst, "buffer_subbuf_size_kb", &kb) &&
	    kb > 0 && kb <= 1024 * 1024)
		l->subbuf = (size_t)kb * 1024;
	l->page = calloc(1, l->subbuf + LIVE_PAGE_SLACK);
	if (!l->page)
		return scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");

	/* twice what one CPU's buffer holds: more means tracing is still on */
	l->drain_pages = 1 << 20;
	for (int i = 0; i < l->ncpus; i++) {
		ssize_t size = tracefs_instance_get_buffer_size(inst, l->cpus[i].cpu);

		if (size > 0) {
			uint64_t pages = (uint64_t)size * 1024 / l->subbuf * 2 + 16;

			if (i == 0 || pages > l->drain_pages)
				l->drain_pages = pages;
		}
	}
	return 0;
}

/**
 * scmwq_live_open - start reading a tracefs instance
 * @inst: the instance, its events made and its trace_clock set
 * @err: set on failure
 *
 * See lib/source/live.h.
 */
struct scmwq_live *scmwq_live_open(struct tracefs_instance *inst, struct scmwq_error *err)
{
	struct scmwq_live *l = calloc(1, sizeof(*l));
	const char *name = tracefs_instance_get_name(inst);

	if (!l) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		return NULL;
	}
	l->comms = (struct scmwq_pidmap)SCMWQ_PIDMAP_OF(struct live_comm);
	scmwq_heap_init(&l->heads, sizeof(struct live_head), head_less);
	l->name = strdup(name ? name : "(top level)");
	if (!l->name) {
		scmwq_error_set(err, SCMWQ_E_INTERNAL, "out of memory");
		goto fail;
	}
	if (set_clock(l, inst, err) < 0 || open_cpus(l, inst, err) < 0 ||
	    load_formats(l, inst, err) < 0)
		goto fail;
	return l;
fail:
	scmwq_live_free(l);
	return NULL;
}
