/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * output_int.h - what the output modules share and nobody else sees: one
 * sink (a transport plus its queue), the per-sink queue with its disk spool,
 * and the transport entry points. output_worker.c takes lines from the
 * event loop and runs the sinks on its own thread; output.c parses specs
 * and fans lines out;
 * output_queue.c keeps lines a sink could not take yet; output_file.c
 * (file_sink__*) and output_socket.c (sock_sink__*) move bytes;
 * output_diag.c is the leaf they all may call. Calls go down that list,
 * never back up.
 */
#ifndef MW_OUTPUT_INT_H
#define MW_OUTPUT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <zlib.h>

#include "output/output.h"

/*
 * A queued line's rank decides what is dropped first when a bound is
 * reached: its event.severity 0..100, or OUT_RANK_STATE for the daemon's
 * own state events (started, health, events_lost, stopped), which say what
 * was lost and so outrank every alert.
 */
#define OUT_RANK_STATE 101
#define OUT_SEV_LEVELS 102		/* ranks 0..OUT_RANK_STATE */
#define OUT_MEM_DEFAULT (4u << 20)	/* in-memory queue per sink */
#define OUT_SPOOL_DEFAULT (64ull << 20) /* disk spool per sink */
#define OUT_UDP_MAX 8192		/* bytes per syslog datagram */
#define OUT_BACKOFF_MIN_MS 100
#define OUT_BACKOFF_MAX_MS 30000
#define OUT_CONNECT_TIMEOUT_MS 5000
#define OUT_LOG_EVERY_MS 60000 /* a repeating failure is logged this often */

/*
 * One framed record, ready to hand to the transport as is (newline or
 * octet-count included). Owned by whoever holds it: the queue, or the sink
 * while it is being sent.
 */
struct out_rec {
	struct out_rec *prev, *next;
	uint32_t len;
	uint8_t sev; /* rank, 0..OUT_RANK_STATE */
	char data[];
};

/*
 * Lines a sink has not delivered yet, oldest first: the spool file holds
 * the older part, memory the newer part. Memory spills its oldest records
 * to the spool when full, so the order is always spool, then memory.
 * Only output_queue.c touches these fields; the sink embeds the struct and
 * goes through queue__*().
 */
struct out_queue {
	struct out_rec *head, *tail;
	size_t mem_bytes, mem_max;
	uint64_t mem_count;
	uint64_t mem_hist[OUT_SEV_LEVELS]; /* records per severity */

	char *spool_path;   /* NULL: this sink never spools */
	int spool_fd;	    /* -1 until first needed */
	bool spool_broken;  /* open failed once: logged, not retried */
	uint64_t spool_max; /* bytes of records on disk, at most */
	uint64_t rd, wr;    /* file offsets: next to read, end */
	uint64_t rd_synced; /* rd as last written to the header */
	uint64_t sp_count;
	uint64_t sp_cnt[OUT_SEV_LEVELS];   /* live records per severity */
	uint64_t sp_bytes[OUT_SEV_LEVELS]; /* and their bytes on disk */

	uint64_t spooled; /* records that went to disk */
	uint64_t dropped; /* records lost to the bounds */
	uint64_t errors;  /* spool I/O failures */
	uint64_t nospace; /* ... of which the disk was full (ENOSPC, EDQUOT) */
	uint64_t log_ms;  /* last failure logged (out_diag__due()) */
	uint64_t fails_unsaid; /* failures since */
	const char *name; /* sink spec, for messages (borrowed) */
};

struct out_lookup; /* output_socket.c */

enum out_kind { OUT_STDOUT, OUT_FILE, OUT_UNIX, OUT_TCP, OUT_UDP };
enum out_state { OUT_DOWN, OUT_CONNECTING, OUT_UP };

/* A rotated file being gzipped a slice at a time from output__tick(). */
struct out_gzjob {
	int in_fd;
	gzFile gz;
	char *src, *tmp, *dst;
	uint64_t log_ms; /* last failure logged (out_diag__due()) */
};

struct out_sink {
	enum out_kind kind;
	char *spec; /* as given, for messages */
	char *path; /* file or unix socket path */
	char *host; /* syslog host, brackets stripped */
	char port[8];
	int facility; /* syslog facility number */
	size_t udp_max;

	int fd;
	enum out_state state;
	uint64_t next_try_ms; /* monotonic ms of the next connect */
	unsigned int backoff_ms;
	uint64_t connect_start_ms;
	struct addrinfo *ai, *ai_next;
	struct out_lookup *lookup; /* a getaddrinfo_a() under way, or NULL */
	bool down_logged;
	uint64_t down_log_ms;  /* last outage message (out_diag__due()) */
	uint64_t fails_unsaid; /* failures since it */

	/* stdout */
	int saved_fl; /* O_NONBLOCK restored at close */
	bool is_pipe;

	/* file */
	uint64_t max_size, max_age_ms;
	unsigned int keep;
	uint64_t size, opened_ms;
	bool dirty; /* written since last fdatasync */
	uint64_t last_sync_ms;
	struct out_gzjob gz;
	uint64_t rotate_next_ms; /* a postponed rotation is retried then */
	uint64_t file_log_ms;	 /* last gzip/rotation/sync complaint */
	uint64_t sync_errors;	 /* fdatasync failures */

	struct out_rec *cur; /* being sent; owned by the sink */
	size_t cur_off;
	struct out_queue q;

	uint64_t written, waited, truncated, errors;
	uint64_t nospace; /* write failures for a full disk */
};

/*
 * One line handed over by the event loop, waiting for the output worker:
 * the loop's only cost per line is this copy and a short lock.
 */
struct out_line {
	struct out_line *next;
	uint32_t len;
	uint8_t sev;  /* event.severity 0..100, for syslog framing */
	uint8_t rank; /* what outranks what (OUT_RANK_STATE for state) */
	char data[];
};

#define OUT_INBOX_DEFAULT (8u << 20)  /* bytes of lines waiting */
#define OUT_INBOX_RESERVE (1u << 20)  /* more, for state lines only */

/*
 * The outputs: the sinks, and the hand-off between the event loop (the
 * producer, output__write()) and the one worker thread that owns the sinks
 * and does every write, fsync, gzip, spool rewrite and name lookup. Fields
 * under `mu` are shared; the sinks are the worker's alone once it runs.
 */
struct output {
	struct out_sink *sinks;
	int n;
	char hostname[256];
	int pid;

	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t wake; /* lines, a nudge or stop for the worker */
	pthread_cond_t idle; /* the worker finished a batch */
	struct out_line *in_head, *in_tail;
	uint64_t in_count, in_bytes, in_max;
	uint64_t in_hist[OUT_SEV_LEVELS]; /* lines in the inbox per rank */
	bool stop, busy, nudged, held;
	uint64_t lines;	       /* handed to output__write() */
	uint64_t in_dropped;   /* refused at the hand-off (bound, memory) */
	uint64_t batches;      /* batches the worker finished */
	struct output_stats pub; /* sinks' counters, as the worker last saw */
};

/* output.c: the sinks, called from output_worker.c only */
int sinks__open(struct output *o, const char *const *specs, int n, char *err,
		size_t err_len);
void sinks__fanout(struct output *o, const struct out_line *l);
bool sinks__service(struct output *o, bool tick);
void sinks__stats(const struct output *o, struct output_stats *st);
void sinks__drain(struct output *o);
void sinks__free(struct output *o);

/* output_queue.c */
int queue__init(struct out_queue *q, const char *name, size_t mem_max,
		const char *spool_path, uint64_t spool_max);
void queue__push(struct out_queue *q, struct out_rec *r);
int queue__pop(struct out_queue *q, struct out_rec **r);
void queue__unpop(struct out_queue *q, struct out_rec *r);
void queue__drop(struct out_queue *q, struct out_rec *r);
uint64_t queue__count(const struct out_queue *q);
uint64_t queue__dropped(const struct out_queue *q);
uint64_t queue__errors(const struct out_queue *q);
uint64_t queue__nospace(const struct out_queue *q);
void queue__sync(struct out_queue *q);
void queue__fini(struct out_queue *q, bool keep_pending);

/* output_file.c */
int file_sink__open(struct out_sink *s, char *err, size_t err_len);
int file_sink__prepare(struct out_sink *s, size_t len);
bool file_sink__ready(struct out_sink *s, uint64_t now_ms);
ssize_t file_sink__send(struct out_sink *s, const void *buf, size_t len);
void file_sink__fail(struct out_sink *s, int err, const char *what);
void file_sink__tick(struct out_sink *s, uint64_t now_ms);
void file_sink__close(struct out_sink *s);

/* output_socket.c: stdout, unix, syslog+tcp, syslog+udp */
int sock_sink__open(struct out_sink *s, char *err, size_t err_len);
bool sock_sink__ready(struct out_sink *s, uint64_t now_ms);
ssize_t sock_sink__send(struct out_sink *s, const void *buf, size_t len);
void sock_sink__fail(struct out_sink *s, int err, const char *what);
void sock_sink__close(struct out_sink *s);

/* output_diag.c: the leaf below all of the above */
void out_diag__log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_diag__down(struct out_sink *s, int err, const char *what);
bool out_diag__due(uint64_t *last_ms);

#endif /* MW_OUTPUT_INT_H */
