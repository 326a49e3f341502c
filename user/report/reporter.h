/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * reporter.h - the report stage's hand-off to the outputs.
 *
 * Documents made by report.c (alerts, acts, telemetry, state) come here to
 * be serialized as one JSON line each and written to the outputs. Alerts
 * pass through the aggregate first, so a repeated finding goes out once
 * plus a counted summary.
 */
#ifndef MW_REPORTER_H
#define MW_REPORTER_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct mw_event;
struct output;
struct reporter;

/*
 * out is borrowed and must outlive the reporter. window_ns: how long
 * repeats of an alert are folded; max: (rule, process, object) keys held.
 * Returns NULL when out of memory.
 */
struct reporter *reporter__new(struct output *out, uint64_t window_ns,
			       unsigned int max);
void reporter__free(struct reporter *r); /* NULL is fine */

/*
 * Write doc as one line; consumes the reference. A NULL doc (its builder
 * ran out of memory), a failed serialization or a line the outputs refused
 * is counted (reporter__emit_failed()), never silently dropped.
 */
void reporter__emit(struct reporter *r, json_t *doc);

/*
 * An alert for ev under rule rule_idx: the first of its key (rule,
 * process, action, object: file path, peer or executable) goes out now,
 * repeats within the window come out later as one summary. Consumes doc.
 */
void reporter__alert(struct reporter *r, int rule_idx,
		     const struct mw_event *ev, json_t *doc, uint64_t now_ns);

/* Emit the summaries of windows that ended by now (all: every one). */
void reporter__flush(struct reporter *r, uint64_t now_ns, bool all);

/* Alerts folded into summaries so far. */
uint64_t reporter__suppressed(const struct reporter *r);

/* Documents that could not be built, serialized or handed to the outputs. */
uint64_t reporter__emit_failed(const struct reporter *r);

#endif /* MW_REPORTER_H */
