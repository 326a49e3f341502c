// SPDX-License-Identifier: GPL-2.0-only
/*
 * reporter.c - documents to lines, alerts through the aggregate (see
 * reporter.h). The last stage before the outputs; it calls only them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/event.h"
#include "output/output.h"
#include "report/aggregate.h"
#include "report/jsonx.h"
#include "report/reporter.h"
#include "model/file_event.h"
#include "model/net_event.h"
#include "util/fnv.h"

struct reporter {
	struct output *out;    /* borrowed */
	struct aggregate *agg; /* repeated alerts -> summaries */
	uint64_t emit_failed;  /* documents lost before the outputs */
};

struct reporter *reporter__new(struct output *out, uint64_t window_ns,
			       unsigned int max)
{
	struct reporter *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->out = out;
	r->agg = aggregate__new(window_ns, max);
	if (!r->agg) {
		free(r);
		return NULL;
	}
	return r;
}

void reporter__free(struct reporter *r)
{
	if (!r)
		return;
	aggregate__free(r->agg);
	free(r);
}

void reporter__emit(struct reporter *r, json_t *doc)
{
	json_t *sev;
	char *line;

	if (!doc) {
		r->emit_failed++;
		return;
	}
	sev = json_object_get(json_object_get(doc, "event"), "severity");
	line = json_dumps(doc, JSON_COMPACT);
	if (!line)
		r->emit_failed++;
	/* A line the outputs refuse is counted there (output_dropped). */
	if (line)
		output__write(r->out, line, strlen(line),
			      sev ? (int)json_integer_value(sev) : 0);
	free(line);
	json_decref(doc);
}

/*
 * Only identical alerts fold: same rule, process, action and object (file
 * path, peer, executable). A process that creates a cron file and then
 * appends to it gets two alerts; one rewriting it in a loop gets one plus
 * a summary.
 */
static void alert_key(const struct mw_event *ev, char *key, size_t len)
{
	uint64_t h = FNV64_INIT;
	char peer[64];

	if (ev->file) {
		h = fnv1a64_str(h, ev->file->action);
		h = fnv1a64_str(h, ev->file->path);
		h = fnv1a64_str(h, ev->file->target_path);
	} else if (ev->net) {
		snprintf(peer, sizeof(peer), "%s:%d", ev->net->dst_ip,
			 ev->net->dst_port);
		h = fnv1a64_str(h, ev->net->action);
		h = fnv1a64_str(h, peer);
	} else {
		h = fnv1a64_str(h, ev->at_start ? "running" : "exec");
		h = fnv1a64_str(h, ev->proc->exe);
	}
	snprintf(key, len, "%s:%016llx", ev->proc->entity_id,
		 (unsigned long long)h);
}

void reporter__alert(struct reporter *r, int rule_idx,
		     const struct mw_event *ev, json_t *doc, uint64_t now_ns)
{
	/* Repeats the kernel folded into this one record (bpf/fold.bpf.h). */
	uint64_t n = ev->file && ev->file->count > 1 ? ev->file->count : 1;
	char key[64];

	if (!doc) {
		r->emit_failed++;
		return;
	}
	alert_key(ev, key, sizeof(key));
	if (aggregate__offer_n(r->agg, rule_idx, key, doc, n, now_ns)) {
		if (n > 1)
			jsonx_set_path(doc, "minerwatch.aggregate.count",
				       json_integer((json_int_t)n));
		reporter__emit(r, doc);
	} else {
		json_decref(doc);
	}
}

static void emit_summary(json_t *doc, void *ctx)
{
	reporter__emit(ctx, doc);
}

void reporter__flush(struct reporter *r, uint64_t now_ns, bool all)
{
	aggregate__flush(r->agg, now_ns, all, emit_summary, r);
}

uint64_t reporter__suppressed(const struct reporter *r)
{
	return aggregate__suppressed(r->agg);
}

uint64_t reporter__emit_failed(const struct reporter *r)
{
	return r->emit_failed;
}
