// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_deny.c - ECS documents for what the BPF-LSM hooks refused
 * (bpf/lsm.bpf.c): connects and writes to protected files. Refused execs
 * are exec records and are reported as alerts and acts (report.c).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"
#include "report/jsonx.h"
#include "report/report.h"
#include "rules/rules.h"

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
	return "?";
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

static void rule_set(json_t *doc, const struct rule *r, uint32_t op)
{
	if (!r) {
		/* Entries from --deny-connect / --protect-path. */
		jsonx_set_path(doc, "rule.id",
			       json_string(op == MW_DENY_OP_CONNECT
					       ? "cli:deny-connect"
					       : "cli:protect-path"));
		jsonx_set_path(doc, "event.severity", json_integer(73));
		return;
	}
	jsonx_set_path(doc, "rule.id", jsonx_str(rule__id(r)));
	jsonx_set_path(doc, "rule.name", jsonx_str(rule__name(r)));
	jsonx_set_path(doc, "event.severity", json_integer(rule__severity(r)));
}

/* destination.* of a refused connect, file.* of a refused write. */
static void object_set(json_t *doc, const struct mw_deny_event *e,
		       const char *path, const char *name)
{
	char buf[INET6_ADDRSTRLEN], full[MW_PATH_MAX + MW_NAME_MAX + 2];

	if (e->op == MW_DENY_OP_CONNECT) {
		if (inet_ntop(e->family == 10 ? AF_INET6 : AF_INET, e->addr,
			      buf, sizeof(buf)))
			jsonx_set_path(doc, "destination.ip", json_string(buf));
		jsonx_set_path(doc, "destination.port", json_integer(e->port));
		return;
	}
	if (*name)
		snprintf(full, sizeof(full), "%s%s%s", path,
			 strcmp(path, "/") ? "/" : "", name);
	else
		snprintf(full, sizeof(full), "%s", path);
	jsonx_set_path(doc, "file.path", jsonx_str(full));
	/* ECS: file.inode is a keyword (a string), as report.c writes it. */
	snprintf(full, sizeof(full), "%llu", (unsigned long long)e->ino);
	jsonx_set_path(doc, "file.inode", json_string(full));
}

json_t *report__refused(const struct mw_deny_event *e, const char *path,
			const char *name, const struct rule *r,
			const struct mw_event *ev)
{
	bool detect = e->deny_flags & MW_DENY_DETECT_ONLY;
	/* Detect mode: an alert saying what --enforce would have refused. */
	json_t *doc = report__base(detect ? "alert" : "event", e->hdr.ts_ns);

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
	rule_set(doc, r, e->op);
	object_set(doc, e, path, name);
	jsonx_set_path(doc, "minerwatch.response.where", json_string("kernel"));
	jsonx_set_path(doc, "minerwatch.response.hook",
		       json_string(op_hook(e->op)));
	jsonx_set_path(doc, "minerwatch.response.refused",
		       json_string(op_what(e->op)));
	if (ev)
		report__process(doc, ev);
	else
		jsonx_set_path(doc, "process.pid", json_integer(e->hdr.pid));
	return doc;
}
