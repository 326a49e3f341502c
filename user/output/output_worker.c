// SPDX-License-Identifier: GPL-2.0-only
/*
 * output_worker.c - the hand-off between the event loop and the sinks.
 *
 * The event loop must never wait on a disk or a network: a file sink's
 * fdatasync, a gzip of a rotated file, a rotation renaming a thousand
 * files, a spool rewrite of up to 64 MiB or a syslog sink's getaddrinfo
 * can each take seconds, and the ring buffers overflow meanwhile. So
 * output__write() only copies the line into an in-memory inbox under a
 * short lock; one worker thread owns the sinks (output.c and below) and
 * does all their I/O. The inbox is bounded: when the worker falls behind
 * that far, the lowest-ranked line there is goes (the oldest of the lowest
 * rank in the inbox, or the new line when nothing lower waits), counted in
 * output_dropped: an alert displaces telemetry, never the reverse; state
 * lines (started, health, events_lost, stopped: what says something was
 * lost) outrank both and get a reserve above the bound. The worker wakes on new lines, on output__tick(), every 50 ms
 * while a sink holds lines it could not send, and once a second for the
 * sinks' timers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/output.h"
#include "output/output_int.h"
#include "util/clock.h"

#define TICK_MS 1000	 /* the sinks' timers */
#define RETRY_MS 50	 /* while a sink holds lines */

/* True when the line's event.kind is "state" (a cheap scan, no parse). */
static bool line__is_state(const char *line, size_t len)
{
	static const char *const keys[] = {"\"event.kind\"", "\"kind\""};
	const char *p, *end = line + len;
	size_t i;

	for (i = 0; i < 2; i++) {
		size_t klen = strlen(keys[i]);

		for (p = line; (p = memmem(p, end - p, keys[i], klen));) {
			p += klen;
			while (p < end && *p == ' ')
				p++;
			if (p >= end || *p++ != ':')
				continue;
			while (p < end && *p == ' ')
				p++;
			return end - p >= 7 && !memcmp(p, "\"state\"", 7);
		}
	}
	return false;
}

static void abstime_after(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Take the whole inbox (NULL after a timeout); *stop when closing. */
static struct out_line *worker__take(struct output *o, unsigned int wait_ms,
				     bool *stop)
{
	struct out_line *l;
	struct timespec ts;

	abstime_after(&ts, wait_ms);
	pthread_mutex_lock(&o->mu);
	while ((!o->in_head || o->held) && !o->stop && !o->nudged)
		if (pthread_cond_timedwait(&o->wake, &o->mu, &ts) == ETIMEDOUT)
			break;
	if (o->held && !o->stop) {
		o->nudged = false;
		o->busy = true;
		*stop = false;
		pthread_mutex_unlock(&o->mu);
		return NULL;
	}
	l = o->in_head;
	o->in_head = o->in_tail = NULL;
	o->in_count = o->in_bytes = 0;
	memset(o->in_hist, 0, sizeof(o->in_hist));
	o->nudged = false;
	o->busy = true;
	*stop = o->stop;
	pthread_mutex_unlock(&o->mu);
	return l;
}

/* The batch is done: publish the sinks' counters, wake output__wait_idle(). */
static void worker__publish(struct output *o)
{
	struct output_stats st;

	sinks__stats(o, &st);
	pthread_mutex_lock(&o->mu);
	o->pub = st;
	o->busy = false;
	o->batches++;
	pthread_cond_broadcast(&o->idle);
	pthread_mutex_unlock(&o->mu);
}

static void *worker__run(void *arg)
{
	struct output *o = arg;
	uint64_t next_tick = clock__now_ms() + TICK_MS, now;
	bool stop = false, pending = false;
	struct out_line *l, *next;

	for (;;) {
		now = clock__now_ms();
		l = worker__take(o, pending ? RETRY_MS
				     : next_tick > now ? next_tick - now
						       : 0,
				 &stop);
		for (; l; l = next) {
			next = l->next;
			sinks__fanout(o, l);
			free(l);
		}
		now = clock__now_ms();
		pending = sinks__service(o, now >= next_tick);
		if (now >= next_tick)
			next_tick = now + TICK_MS;
		worker__publish(o);
		if (stop) {
			pthread_mutex_lock(&o->mu);
			stop = !o->in_head;
			pthread_mutex_unlock(&o->mu);
			if (stop)
				break;
		}
	}
	sinks__drain(o);
	worker__publish(o);
	return NULL;
}

static int worker__start(struct output *o)
{
	pthread_condattr_t ca;
	int ret;

	pthread_mutex_init(&o->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&o->wake, &ca);
	pthread_cond_init(&o->idle, &ca);
	pthread_condattr_destroy(&ca);
	ret = pthread_create(&o->thread, NULL, worker__run, o);
	if (ret)
		return -ret;
	o->started = true;
	return 0;
}

int output__open(const char *const *specs, int n, struct output **out,
		 char *err, size_t err_len)
{
	static const char *const def[] = {"stdout"};
	struct output *o;
	int ret;

	if (!out || n < 0 || (n && !specs)) {
		snprintf(err, err_len, "output: invalid arguments");
		return -EINVAL;
	}
	if (n == 0) {
		specs = def;
		n = 1;
	}
	o = calloc(1, sizeof(*o));
	if (!o) {
		snprintf(err, err_len, "output: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	o->in_max = OUT_INBOX_DEFAULT;
	ret = sinks__open(o, specs, n, err, err_len);
	if (!ret) {
		ret = worker__start(o);
		if (ret)
			snprintf(err, err_len, "output: worker thread: %s",
				 strerror(-ret));
	}
	if (ret) {
		output__close(o);
		return ret;
	}
	*out = o;
	return 0;
}

/* Room in the inbox for a line of this rank and size? (under mu) */
static bool inbox__room(const struct output *o, size_t bytes, int rank)
{
	uint64_t cap = o->in_max;

	if (rank == OUT_RANK_STATE)
		cap += OUT_INBOX_RESERVE;
	return o->in_bytes + bytes <= cap;
}

/* Lowest rank with a line in the inbox, OUT_SEV_LEVELS if none. */
static int inbox__min_rank(const struct output *o)
{
	int i;

	for (i = 0; i < OUT_SEV_LEVELS; i++)
		if (o->in_hist[i])
			return i;
	return OUT_SEV_LEVELS;
}

/*
 * Full: drop the oldest line of the lowest rank if it ranks below the
 * newcomer (true), else nothing (false: the newcomer goes). Under mu; a
 * walk of the inbox, only when it is full.
 */
static bool inbox__evict_below(struct output *o, int rank)
{
	int lo = inbox__min_rank(o);
	struct out_line *l, *prev = NULL;

	if (lo >= rank)
		return false;
	for (l = o->in_head; l && l->rank != lo; l = l->next)
		prev = l;
	if (!l)
		return false;
	if (prev)
		prev->next = l->next;
	else
		o->in_head = l->next;
	if (o->in_tail == l)
		o->in_tail = prev;
	o->in_count--;
	o->in_bytes -= sizeof(*l) + l->len;
	o->in_hist[lo]--;
	o->in_dropped++;
	free(l);
	return true;
}

int output__write(struct output *o, const char *line, size_t len, int severity)
{
	struct out_line *l;
	size_t bytes;
	bool was_empty;

	if (!o || !line)
		return -EINVAL;
	severity = severity < 0 ? 0 : severity > 100 ? 100 : severity;
	if (len > UINT32_MAX)
		len = 0; /* refused below as malformed */
	bytes = sizeof(*l) + len;
	l = len ? malloc(bytes) : NULL;
	if (l) {
		l->next = NULL;
		l->len = len;
		l->sev = severity;
		l->rank = line__is_state(line, len) ? OUT_RANK_STATE : severity;
		memcpy(l->data, line, len);
	}
	pthread_mutex_lock(&o->mu);
	o->lines++;
	while (l && !inbox__room(o, bytes, l->rank) &&
	       inbox__evict_below(o, l->rank))
		;
	if (!l || !inbox__room(o, bytes, l->rank)) {
		o->in_dropped++;
		pthread_mutex_unlock(&o->mu);
		free(l);
		return l ? -ENOBUFS : -ENOMEM;
	}
	was_empty = !o->in_head;
	if (o->in_tail)
		o->in_tail->next = l;
	else
		o->in_head = l;
	o->in_tail = l;
	o->in_count++;
	o->in_bytes += bytes;
	o->in_hist[l->rank]++;
	if (was_empty)
		pthread_cond_signal(&o->wake);
	pthread_mutex_unlock(&o->mu);
	return 0;
}

void output__tick(struct output *o)
{
	if (!o || !o->started)
		return;
	pthread_mutex_lock(&o->mu);
	o->nudged = true;
	pthread_cond_signal(&o->wake);
	pthread_mutex_unlock(&o->mu);
}

void output__hold(struct output *o, bool on)
{
	if (!o || !o->started)
		return;
	pthread_mutex_lock(&o->mu);
	o->held = on;
	pthread_cond_signal(&o->wake);
	pthread_mutex_unlock(&o->mu);
}

int output__wait_idle(struct output *o, unsigned int timeout_ms)
{
	struct timespec ts;
	uint64_t seen;
	int ret = 0;

	if (!o || !o->started)
		return 0;
	abstime_after(&ts, timeout_ms);
	pthread_mutex_lock(&o->mu);
	/* At least one whole batch after this call, so a tick ran too. */
	seen = o->batches;
	o->nudged = true;
	pthread_cond_signal(&o->wake);
	while (!ret && (o->in_head || o->busy || o->batches == seen))
		ret = pthread_cond_timedwait(&o->idle, &o->mu, &ts);
	pthread_mutex_unlock(&o->mu);
	return ret ? -ETIMEDOUT : 0;
}

void output__stats(const struct output *o, struct output_stats *st)
{
	struct output *m = (struct output *)o; /* the lock only */

	memset(st, 0, sizeof(*st));
	if (!o)
		return;
	pthread_mutex_lock(&m->mu);
	*st = o->pub;
	st->lines = o->lines;
	st->queued += o->in_count;
	st->dropped += o->in_dropped;
	pthread_mutex_unlock(&m->mu);
}

void output__close(struct output *o)
{
	struct out_line *l, *next;

	if (!o)
		return;
	if (o->started) {
		pthread_mutex_lock(&o->mu);
		o->stop = true;
		pthread_cond_signal(&o->wake);
		pthread_mutex_unlock(&o->mu);
		pthread_join(o->thread, NULL);
		pthread_cond_destroy(&o->wake);
		pthread_cond_destroy(&o->idle);
		pthread_mutex_destroy(&o->mu);
	}
	for (l = o->in_head; l; l = next) {
		next = l->next;
		free(l);
	}
	sinks__free(o);
	free(o);
}
