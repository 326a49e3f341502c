// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>

#include "report/aggregate.h"
#include "util/fnv.h"

#define AGG_BUCKETS 1024 /* power of two */
#define AGG_KEY_MAX 96

struct agg_entry {
	struct agg_entry *next;
	int rule_idx;
	char key[AGG_KEY_MAX];
	uint64_t first_ns, last_ns;
	uint64_t repeats; /* held since the emitted first one */
	uint64_t count;	  /* occurrences in the window, first included */
	uint64_t first_n; /* ... of which the emitted first doc stood for */
	json_t *sample;	  /* latest held doc (own reference) */
};

struct aggregate {
	struct agg_entry *bucket[AGG_BUCKETS];
	uint64_t window_ns;
	unsigned int size, max;
	uint64_t suppressed; /* total repeats held, ever */
};

static unsigned int agg_hash(int rule_idx, const char *key)
{
	return fnv1a32_str(FNV32_INIT ^ (uint32_t)rule_idx, key) &
	       (AGG_BUCKETS - 1);
}

struct aggregate *aggregate__new(uint64_t window_ns, unsigned int max)
{
	struct aggregate *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->window_ns = window_ns;
	a->max = max;
	return a;
}

void aggregate__free(struct aggregate *a)
{
	struct agg_entry *e, *next;
	unsigned int i;

	if (!a)
		return;
	for (i = 0; i < AGG_BUCKETS; i++) {
		for (e = a->bucket[i]; e; e = next) {
			next = e->next;
			json_decref(e->sample);
			free(e);
		}
	}
	free(a);
}

bool aggregate__offer(struct aggregate *a, int rule_idx, const char *key,
		      json_t *doc, uint64_t now_ns)
{
	return aggregate__offer_n(a, rule_idx, key, doc, 1, now_ns);
}

bool aggregate__offer_n(struct aggregate *a, int rule_idx, const char *key,
			json_t *doc, uint64_t n, uint64_t now_ns)
{
	unsigned int b = agg_hash(rule_idx, key);
	struct agg_entry *e;

	for (e = a->bucket[b]; e; e = e->next) {
		if (e->rule_idx != rule_idx || strcmp(e->key, key) != 0)
			continue;
		if (now_ns - e->first_ns >= a->window_ns)
			break; /* window over: flush decides; emit this one */
		json_decref(e->sample);
		e->sample = json_incref(doc);
		e->repeats++;
		e->count += n;
		e->last_ns = now_ns;
		a->suppressed += n;
		return false;
	}
	if (e || a->size >= a->max || strlen(key) >= AGG_KEY_MAX)
		return true; /* untracked: emit, never lose it */
	e = calloc(1, sizeof(*e));
	if (!e)
		return true;
	e->rule_idx = rule_idx;
	strcpy(e->key, key);
	e->first_ns = e->last_ns = now_ns;
	e->count = e->first_n = n;
	e->next = a->bucket[b];
	a->bucket[b] = e;
	a->size++;
	return true;
}

static json_t *summary(const struct aggregate *a, struct agg_entry *e)
{
	json_t *doc = e->sample, *mw, *agg;

	e->sample = NULL; /* the reference moves to the summary */
	mw = json_object_get(doc, "minerwatch");
	if (!json_is_object(mw)) {
		mw = json_object();
		json_object_set_new(doc, "minerwatch", mw);
	}
	agg = json_pack("{s:I,s:I,s:f,s:f}", "count", (json_int_t)e->count,
			"suppressed", (json_int_t)(e->count - e->first_n),
			"window_seconds",
			a->window_ns / 1e9, "span_seconds",
			(e->last_ns - e->first_ns) / 1e9);
	json_object_set_new(mw, "aggregate", agg);
	return doc;
}

void aggregate__flush(struct aggregate *a, uint64_t now_ns, bool all,
		      aggregate_fn fn, void *ctx)
{
	struct agg_entry **pp, *e;
	unsigned int i;

	for (i = 0; i < AGG_BUCKETS; i++) {
		pp = &a->bucket[i];
		while ((e = *pp)) {
			if (!all && now_ns - e->first_ns < a->window_ns) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			a->size--;
			if (e->repeats && e->sample)
				fn(summary(a, e), ctx);
			json_decref(e->sample);
			free(e);
		}
	}
}

unsigned int aggregate__size(const struct aggregate *a)
{
	return a->size;
}

uint64_t aggregate__suppressed(const struct aggregate *a)
{
	return a->suppressed;
}
