// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_content.c - the report stage's documents for content identity
 * (see report_content.h). ECS where ECS has the field (file.path,
 * file.hash.sha256, file.size, file.inode, error.message); ours under
 * minerwatch.content, minerwatch.process.signatures, minerwatch.quarantine.
 */
#include <stdio.h>
#include <string.h>

#include "report/jsonx.h"
#include "report/report.h"
#include "report/report_content.h"
#include "rules/rules.h"

static void content_fields(json_t *doc, const struct mw_content *c)
{
	json_t *sigs = json_array();
	int i;

	for (i = 0; i < c->n_sigs; i++)
		json_array_append_new(sigs, json_string(c->sigs[i]));
	jsonx_set_path(doc, "minerwatch.process.signatures", sigs);
	jsonx_set_path(doc, "minerwatch.content.scanned",
		       json_boolean(c->scanned));
	jsonx_set_path(doc, "minerwatch.content.cached",
		       json_boolean(c->cached));
	jsonx_set_path(doc, "minerwatch.content.latency_ms",
		       json_real(c->latency_ns / 1e6));
	jsonx_set_path(doc, "minerwatch.content.size", json_integer(c->size));
	if (c->reason)
		jsonx_set_path(doc, "minerwatch.content.reason",
			       json_string(c->reason));
	if (!c->packed)
		return;
	jsonx_set_path(doc, "minerwatch.content.packed", json_true());
	jsonx_set_path(doc, "minerwatch.content.unpacked",
		       json_boolean(c->unpacked));
	if (c->image_reason)
		jsonx_set_path(doc, "minerwatch.content.image_reason",
			       json_string(c->image_reason));
}

void report_content__add(json_t *doc, const struct mw_content *c)
{
	if (!doc)
		return;
	content_fields(doc, c);
	if (c->sha256[0])
		jsonx_set_path(doc, "file.hash.sha256", json_string(c->sha256));
}

static json_t *verdict_doc(const struct mw_event *ev, const char *action)
{
	json_t *doc = report__base("event", ev->ts_ns);
	const struct mw_content *c = ev->content;
	char ino[24];

	if (!doc)
		return NULL;
	jsonx_set_path(doc, "event.category", json_pack("[s]", "file"));
	jsonx_set_path(doc, "event.type", json_pack("[s]", "info"));
	jsonx_set_path(doc, "event.action", json_string(action));
	if (c->reason)
		jsonx_set_path(doc, "event.reason", json_string(c->reason));
	report__process(doc, ev);
	if (ev->proc->exe)
		jsonx_set_path(doc, "file.path", json_string(ev->proc->exe));
	snprintf(ino, sizeof(ino), "%llu", (unsigned long long)c->ino);
	jsonx_set_path(doc, "file.inode", json_string(ino));
	jsonx_set_path(doc, "file.size", json_integer(c->size));
	report_content__add(doc, c);
	return doc;
}

json_t *report_content__unscanned(const struct mw_event *ev)
{
	return verdict_doc(ev, "content_unscanned");
}

json_t *report_content__event(const struct mw_event *ev)
{
	return verdict_doc(ev, "content");
}

static void act_fields(json_t *doc, const struct mw_event *ev,
		       const struct rule *r, const char *action, bool ok)
{
	jsonx_set_path(doc, "event.action", json_string(action));
	jsonx_set_path(doc, "event.outcome",
		       json_string(ok ? "success" : "failure"));
	jsonx_set_path(doc, "event.severity", json_integer(rule__severity(r)));
	jsonx_set_path(doc, "rule.id", json_string(rule__id(r)));
	jsonx_set_path(doc, "rule.name", json_string(rule__name(r)));
	report__process(doc, ev);
}

json_t *report_content__quarantine(const struct mw_event *ev,
				   const struct rule *r, const char *path,
				   const char *id, const char *stored,
				   const char *manifest, const char *reason)
{
	json_t *doc = report__base("event", ev->ts_ns);

	if (!doc)
		return NULL;
	jsonx_set_path(doc, "event.category", json_pack("[s]", "file"));
	jsonx_set_path(doc, "event.type", json_pack("[s]", "deletion"));
	act_fields(doc, ev, r, "quarantine", !reason);
	if (path)
		jsonx_set_path(doc, "file.path", json_string(path));
	if (ev->content && ev->content->sha256[0])
		jsonx_set_path(doc, "file.hash.sha256",
			       json_string(ev->content->sha256));
	if (id)
		jsonx_set_path(doc, "minerwatch.quarantine.id",
			       json_string(id));
	if (stored)
		jsonx_set_path(doc, "minerwatch.quarantine.path",
			       json_string(stored));
	if (manifest)
		jsonx_set_path(doc, "minerwatch.quarantine.manifest",
			       json_string(manifest));
	if (reason) {
		jsonx_set_path(doc, "minerwatch.quarantine.reason",
			       json_string(reason));
		jsonx_set_path(doc, "error.message", json_string(reason));
	}
	return doc;
}

json_t *report_content__deny(const struct mw_event *ev, const struct rule *r,
			     int err)
{
	json_t *doc = report__base("event", ev->ts_ns);
	const struct mw_content *c = ev->content;
	char ino[24];

	if (!doc)
		return NULL;
	jsonx_set_path(doc, "event.category",
		       json_pack("[s,s]", "process", "file"));
	jsonx_set_path(doc, "event.type", json_pack("[s]", "denied"));
	act_fields(doc, ev, r, "deny_file", !err);
	if (ev->proc->exe)
		jsonx_set_path(doc, "file.path", json_string(ev->proc->exe));
	snprintf(ino, sizeof(ino), "%llu", (unsigned long long)c->ino);
	jsonx_set_path(doc, "file.inode", json_string(ino));
	if (c->sha256[0])
		jsonx_set_path(doc, "file.hash.sha256", json_string(c->sha256));
	jsonx_set_path(doc, "minerwatch.response.where", json_string("kernel"));
	jsonx_set_path(doc, "minerwatch.response.map",
		       json_string("mw_deny_inodes"));
	if (err)
		jsonx_set_path(doc, "error.message",
			       json_string(strerror(-err)));
	return doc;
}
