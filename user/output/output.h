/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * output.h - where JSON lines go: stdout, files with rotation, a unix
 * socket, syslog over TCP or UDP. The event loop hands each line over once
 * (a copy under a short lock); a worker thread owns the sinks, which buffer,
 * spool and retry on their own, so a slow disk or a dead sink never stalls
 * the ring buffer reader, and every loss is counted.
 */
#ifndef MW_OUTPUT_H
#define MW_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct output;

/* Counters summed over all sinks, reported in state events. */
struct output_stats {
	uint64_t lines;	    /* lines handed to output__write() */
	uint64_t written;   /* lines a sink accepted for good */
	uint64_t spooled;   /* lines parked in memory or on disk */
	uint64_t dropped;   /* lines lost (spool bound reached) */
	uint64_t errors;    /* write/connect failures seen */
	uint64_t queued;    /* lines waiting now (memory + spool) */
	uint64_t truncated; /* syslog+udp messages cut to max_msg */
	uint64_t nospace;   /* file or spool writes refused: disk full */
	uint64_t sync_errors; /* fdatasync failures of file sinks */
};

/*
 * Directory for the per-sink spool files (default
 * /var/lib/minerwatch/spool; created 0700 on first use). Call before
 * output__open(); NULL restores the default. Returns 0 or -ENAMETOOLONG.
 */
int output__set_spool_dir(const char *dir);

/*
 * Create the outputs named by specs ("stdout", "file:PATH", "unix:PATH",
 * "syslog+tcp://HOST:PORT", "syslog+udp://HOST:PORT"); n == 0 means stdout.
 * Returns 0 and hands *out over to the caller (free with output__close()),
 * or a negative errno with a message in err.
 */
int output__open(const char *const *specs, int n, struct output **out,
		 char *err, size_t err_len);

/*
 * Queue one JSON line (no trailing newline) to every sink. severity is the
 * event's 0..100 severity; when a bound is reached, lower severities are
 * dropped first and state events (event.kind "state") last of all. Copies
 * the line and returns at once: 0, or -ENOBUFS/-ENOMEM when the line was
 * refused (counted in output_stats.dropped).
 */
int output__write(struct output *o, const char *line, size_t len, int severity);

/*
 * Wake the worker to retry and flush now (it also does so on its own every
 * second). Never blocks.
 */
void output__tick(struct output *o);

/*
 * Wait until the worker has taken every line handed over so far and run
 * one whole pass over the sinks (tests, --status consistency): 0, or
 * -ETIMEDOUT after timeout_ms. Not for the event loop.
 */
int output__wait_idle(struct output *o, unsigned int timeout_ms);

void output__stats(const struct output *o, struct output_stats *st);

/* Tests only: stop (on) or let (off) the worker take lines, as a stall. */
void output__hold(struct output *o, bool on);

/* Flush what can be flushed within a short bound, then free. NULL is ok. */
void output__close(struct output *o);

#endif /* MW_OUTPUT_H */
