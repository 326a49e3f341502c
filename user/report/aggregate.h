/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aggregate.h - fold repeated alerts into summaries.
 *
 * The first alert of a (rule, process) pair goes out at once and opens a
 * window; repeats inside the window are held (the latest document is kept)
 * and counted; when the window ends, one summary goes out with the count.
 * A flood on a watched path then reads as one alert plus one summary per
 * window, and nothing is dropped without being counted.
 */
#ifndef MW_AGGREGATE_H
#define MW_AGGREGATE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct aggregate;

/* window_ns: how long repeats are held; max: pairs tracked at once. */
struct aggregate *aggregate__new(uint64_t window_ns, unsigned int max);
void aggregate__free(struct aggregate *a);	/* NULL is fine */

/*
 * Offer an alert doc. Returns true when the caller must emit doc now (first
 * of its window, or the table is full); false when the aggregate took its
 * own reference to doc as the held sample (the caller still owns its own).
 */
bool aggregate__offer(struct aggregate *a, int rule_idx, const char *key,
		      json_t *doc, uint64_t now_ns);
/*
 * The same for a doc that stands for n occurrences (repeats the kernel
 * folded, bpf/fold.bpf.h): the window's count grows by n.
 */
bool aggregate__offer_n(struct aggregate *a, int rule_idx, const char *key,
			json_t *doc, uint64_t n, uint64_t now_ns);

/*
 * Hand every finished window that held repeats to fn as a summary document
 * (the latest sample plus minerwatch.aggregate.{count,suppressed,first,
 * last,window_seconds}); fn owns the doc. all=true flushes every window
 * (at exit). Windows without repeats are just forgotten.
 */
typedef void (*aggregate_fn)(json_t *summary, void *ctx);
void aggregate__flush(struct aggregate *a, uint64_t now_ns, bool all,
		      aggregate_fn fn, void *ctx);

/* Pairs tracked right now, and summaries emitted so far. */
unsigned int aggregate__size(const struct aggregate *a);
uint64_t aggregate__suppressed(const struct aggregate *a);

#endif /* MW_AGGREGATE_H */
