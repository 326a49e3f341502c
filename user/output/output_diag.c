// SPDX-License-Identifier: GPL-2.0-only
/*
 * output_diag.c - the leaf every output module may call: the diagnostics
 * line on stderr, and the outage bookkeeping all sinks share (count the
 * failure, say so once per outage, back off before the next try). It calls
 * nothing else in output/, so output.c, the queue and the transports all
 * sit above it and none of them calls back up.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "output/output_int.h"
#include "util/clock.h"

/* Diagnostics go to stderr, never into the event stream. */
void out_diag__log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("minerwatch: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/*
 * Rate limit for a repeating complaint: true (and *last updated) when the
 * last message went out a minute ago or never, so a full disk or a dead
 * agent is said once a minute, not once per write.
 */
bool out_diag__due(uint64_t *last_ms)
{
	uint64_t now = clock__now_ms();

	if (*last_ms && now - *last_ms < OUT_LOG_EVERY_MS)
		return false;
	*last_ms = now ? now : 1;
	return true;
}

/*
 * The sink's transport just failed (err is a negative errno) and was closed
 * by the caller: count it, log the first failure of an outage (the retries
 * are only counted, so a dead agent does not flood the journal) and plan
 * the next attempt with exponential backoff.
 */
void out_diag__down(struct out_sink *s, int err, const char *what)
{
	uint64_t now = clock__now_ms();

	s->errors++;
	if (err == -ENOSPC || err == -EDQUOT)
		s->nospace++;
	s->fails_unsaid++;
	if (!s->down_logged || out_diag__due(&s->down_log_ms)) {
		out_diag__log("output %s: %s: %s (%llu failures); lines are "
			      "queued, retrying with backoff",
			      s->spec, what, strerror(-err),
			      (unsigned long long)s->fails_unsaid);
		s->fails_unsaid = 0;
		if (!s->down_logged)
			out_diag__due(&s->down_log_ms);
	}
	s->down_logged = true;
	s->next_try_ms = now + s->backoff_ms;
	s->backoff_ms = s->backoff_ms * 2 > OUT_BACKOFF_MAX_MS
			    ? OUT_BACKOFF_MAX_MS
			    : s->backoff_ms * 2;
}
