// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsm_sensor.c - block events for connects and file operations refused in
 * the kernel by bpf/lsm.bpf.c (see sensors.h). Refused execs are exec
 * records and go through exec_sensor.c and the rules like any exec.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "model/proc_cache.h"
#include "report/jsonx.h"
#include "report/report.h"
#include "report/reporter.h"
#include "respond/verdict.h"
#include "rules/rules.h"
#include "sensors/sensors.h"

static const char *op_hook(uint32_t op)
{
	switch (op) {
	case MW_DENY_OP_CONNECT:
		return "lsm/socket_connect";
	case MW_DENY_OP_OPEN_WRITE:
		return "lsm/file_open";
	case MW_DENY_OP_TRUNCATE:
		return "lsm/path_truncate";
	case MW_DENY_OP_UNLINK:
		return "lsm/path_unlink";
	case MW_DENY_OP_RENAME:
		return "lsm/path_rename";
	case MW_DENY_OP_CREATE:
		return "lsm/path_mknod";
	}
	return NULL;
}

/* What the refused operation was, in ECS file/network terms. */
static const char *op_what(uint32_t op)
{
	switch (op) {
	case MW_DENY_OP_CONNECT:
		return "connect";
	case MW_DENY_OP_OPEN_WRITE:
		return "write";
	case MW_DENY_OP_TRUNCATE:
		return "truncate";
	case MW_DENY_OP_UNLINK:
		return "deletion";
	case MW_DENY_OP_RENAME:
		return "rename";
	case MW_DENY_OP_CREATE:
		return "creation";
	}
	return "?";
}

/* The process that was refused, with its lineage, when the model has it. */
static void process_set(struct sensors *s, json_t *doc,
			const struct mw_deny_event *e)
{
	const struct mw_process *chain[SENSORS_MAX_LINEAGE];
	struct mw_event ev = {.kind = MW_KIND_EXEC, .ts_ns = e->hdr.ts_ns};

	ev.proc = proc_cache__get(s->pc, e->hdr.pid);
	if (!ev.proc) {
		jsonx_set_path(doc, "process.pid", json_integer(e->hdr.pid));
		return;
	}
	proc_cache__lineage(s->pc, &ev, chain, SENSORS_MAX_LINEAGE);
	report__process(doc, &ev);
}

static void rule_set(json_t *doc, const struct rules *rs,
		     const struct mw_deny_event *e)
{
	const struct rule *r = NULL;

	if (e->deny_rule < (uint32_t)rules__count(rs))
		r = rules__get(rs, e->deny_rule);
	if (!r) {
		/* Entries from --deny-connect / --protect-path. */
		jsonx_set_path(doc, "rule.id",
			       json_string(e->op == MW_DENY_OP_CONNECT
					       ? "cli:deny-connect"
					       : "cli:protect-path"));
		jsonx_set_path(doc, "event.severity", json_integer(73));
		return;
	}
	jsonx_set_path(doc, "rule.id", jsonx_str(rule__id(r)));
	jsonx_set_path(doc, "rule.name", jsonx_str(rule__name(r)));
	jsonx_set_path(doc, "event.severity", json_integer(rule__severity(r)));
}

/*
 * The record as a `block` event (event.outcome success: the kernel
 * returned EPERM), or in detect mode as an alert with
 * minerwatch.response.taken false. NULL for a malformed record.
 */
static json_t *deny_doc(struct sensors *s, const void *data, size_t size)
{
	const struct mw_deny_event *e = data;
	const char *hook, *path, *name;
	char buf[INET6_ADDRSTRLEN], full[MW_PATH_MAX + MW_NAME_MAX + 2];
	size_t avail;
	json_t *doc;
	bool detect;

	if (size < sizeof(*e) || e->hdr.size < sizeof(*e) + 2 ||
	    e->hdr.size > size)
		return NULL;
	hook = op_hook(e->op);
	avail = e->hdr.size - sizeof(*e);
	if (!hook || (size_t)e->path_len + e->name_len + 2 > avail ||
	    e->data[e->path_len] != '\0' ||
	    e->data[e->path_len + 1 + e->name_len] != '\0')
		return NULL;
	detect = e->deny_flags & MW_DENY_DETECT_ONLY;
	/* Detect mode: an alert saying what --enforce would have refused. */
	doc = report__base(detect ? "alert" : "event", e->hdr.ts_ns);
	if (!doc)
		return NULL;
	jsonx_set_path(
	    doc, "event.category",
	    json_pack("[s]", e->op == MW_DENY_OP_CONNECT ? "network" : "file"));
	jsonx_set_path(doc, "event.type",
		       json_pack("[s]", detect ? "info" : "denied"));
	jsonx_set_path(doc, "event.action", json_string("block"));
	if (!detect)
		jsonx_set_path(doc, "event.outcome", json_string("success"));
	jsonx_set_path(doc, "minerwatch.response.action", json_string("deny"));
	jsonx_set_path(doc, "minerwatch.response.taken", json_boolean(!detect));
	if (detect)
		jsonx_set_path(doc, "minerwatch.response.reason",
			       json_string("detect mode: would refuse with "
					   "--enforce"));
	rule_set(doc, verdict__rules(s->v), e);
	if (e->op == MW_DENY_OP_CONNECT) {
		if (inet_ntop(e->family == 10 ? AF_INET6 : AF_INET, e->addr,
			      buf, sizeof(buf)))
			jsonx_set_path(doc, "destination.ip", json_string(buf));
		jsonx_set_path(doc, "destination.port", json_integer(e->port));
	} else {
		path = e->data;
		name = e->data + e->path_len + 1;
		if (*name)
			snprintf(full, sizeof(full), "%s%s%s", path,
				 strcmp(path, "/") ? "/" : "", name);
		else
			snprintf(full, sizeof(full), "%s", path);
		jsonx_set_path(doc, "file.path", jsonx_str(full));
		jsonx_set_path(doc, "file.inode",
			       json_integer((json_int_t)e->ino));
	}
	jsonx_set_path(doc, "minerwatch.response.where", json_string("kernel"));
	jsonx_set_path(doc, "minerwatch.response.hook", json_string(hook));
	jsonx_set_path(doc, "minerwatch.response.refused",
		       json_string(op_what(e->op)));
	process_set(s, doc, e);
	return doc;
}

void lsm_sensor__record(struct sensors *s, const void *data, size_t size)
{
	json_t *doc = deny_doc(s, data, size);

	if (!doc) {
		s->bad_records++;
		return;
	}
	reporter__emit(s->rep, doc);
}
