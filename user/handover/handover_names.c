// SPDX-License-Identifier: GPL-2.0-only
/*
 * handover_names.c - the name each destination address went by, for the
 * report: the daemon puts destination.domain on a connection when its DNS
 * sensor saw the answer (or the process's /etc/hosts named it), triage
 * when the hosts file, command line or config named it. Any document of
 * the stream that pairs an address with a name teaches it (telemetry
 * too); every alert or act about that address then shows the name beside
 * it, also one whose own document came before the name was learned, or
 * came without it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handover/handover.h"
#include "util/fnv.h"

#define NAMES_MAX 65536 /* distinct addresses remembered */

struct ho_name {
	char *ip, *domain;
};

static const char *str2(json_t *doc, const char *a, const char *b)
{
	return json_string_value(json_object_get(json_object_get(doc, a), b));
}

/* Open addressing over a fixed table (no deletes). */
static struct ho_name *name_slot(struct handover *h, const char *ip)
{
	unsigned i;

	if (!h->names) {
		h->names = calloc(NAMES_MAX * 2, sizeof(*h->names));
		if (!h->names)
			return NULL;
	}
	i = fnv1a32_str(FNV32_INIT, ip) & (NAMES_MAX * 2 - 1);
	while (h->names[i].ip && strcmp(h->names[i].ip, ip))
		i = (i + 1) & (NAMES_MAX * 2 - 1);
	return &h->names[i];
}

void ho_names__learn(struct handover *h, json_t *doc)
{
	const char *ip = str2(doc, "destination", "ip");
	const char *dom = str2(doc, "destination", "domain");
	struct ho_name *n;

	if (!ip || !dom || !*dom)
		return;
	n = name_slot(h, ip);
	if (!n || (!n->ip && h->n_names >= NAMES_MAX))
		return;
	if (!n->ip) {
		n->ip = strdup(ip);
		h->n_names++;
	}
	/* The latest name wins: DNS answers change. */
	if (!n->domain || strcmp(n->domain, dom)) {
		free(n->domain);
		n->domain = strdup(dom);
	}
}

/* "what" with "(name)" after "ip:port" (or "-> ip:port (name)" added). */
static void name_into(struct ho_event *e, const char *domain)
{
	char *at = strstr(e->what, e->dst), *w = NULL;
	size_t n = strlen(e->dst);

	if (at && asprintf(&w, "%.*s (%s)%s", (int)(at - e->what + n),
			   e->what, domain, at + n) < 0)
		w = NULL;
	if (!at && asprintf(&w, "%s -> %s (%s)", e->what, e->dst, domain) < 0)
		w = NULL;
	if (!w)
		return;
	free(e->what);
	e->what = w;
}

void ho_names__apply(struct handover *h)
{
	struct ho_name *n;
	int i;

	for (i = 0; i < h->n_ev; i++) {
		struct ho_event *e = &h->ev[i];

		if (!e->dst_ip || !(n = name_slot(h, e->dst_ip)) || !n->ip ||
		    !n->domain)
			continue;
		name_into(e, n->domain);
	}
}

void ho_names__free(struct handover *h)
{
	int i;

	for (i = 0; h->names && i < NAMES_MAX * 2; i++) {
		free(h->names[i].ip);
		free(h->names[i].domain);
	}
	free(h->names);
	h->names = NULL;
}
