// SPDX-License-Identifier: GPL-2.0-only
/*
 * prevent.c - block events for connects and file operations refused in
 * the kernel by bpf/lsm.bpf.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "report/jsonx.h"
#include "kernel/loader.h"
#include "app/monitor.h"
#include "kernel/prevent.h"
#include "model/proc_cache.h"
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

int prevent__handle(struct proc_cache *pc, const struct rules *rs,
		    const void *data, size_t size, json_t **out)
{
	const struct mw_deny_event *e = data;
	const char *hook, *path, *name;
	char buf[INET6_ADDRSTRLEN], full[MW_PATH_MAX + MW_NAME_MAX + 2];
	size_t avail;
	json_t *doc;
	bool detect;

	if (size < sizeof(*e) || e->hdr.size < sizeof(*e) + 2 ||
	    e->hdr.size > size)
		return -EINVAL;
	hook = op_hook(e->op);
	avail = e->hdr.size - sizeof(*e);
	if (!hook || (size_t)e->path_len + e->name_len + 2 > avail ||
	    e->data[e->path_len] != '\0' ||
	    e->data[e->path_len + 1 + e->name_len] != '\0')
		return -EINVAL;
	detect = e->deny_flags & MW_DENY_DETECT_ONLY;
	/* Detect mode: an alert saying what --enforce would have refused. */
	doc = report__base(detect ? "alert" : "event", e->hdr.ts_ns);
	if (!doc)
		return -ENOMEM;
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
	rule_set(doc, rs, e);
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
	{
		const struct mw_process *chain[16];
		struct mw_event ev = {.kind = MW_KIND_EXEC,
				      .ts_ns = e->hdr.ts_ns};
		int n;

		ev.proc = proc_cache__get(pc, e->hdr.pid);
		if (ev.proc) {
			n = proc_cache__ancestors(pc, ev.proc, chain, 16);
			ev.parent = n > 0 ? chain[0] : NULL;
			ev.ancestors = n > 1 ? chain + 1 : NULL;
			ev.n_ancestors = n > 1 ? n - 1 : 0;
			report__process(doc, &ev);
		} else {
			jsonx_set_path(doc, "process.pid",
				       json_integer(e->hdr.pid));
		}
	}
	*out = doc;
	return 0;
}

/*
 * "ADDR[/BITS]" or ":PORT" into the lsm/socket_connect maps. Returns 0 or
 * a negative errno (-EINVAL for a bad spec).
 */
static int deny_connect_add(struct loader *ld, const char *spec)
{
	uint8_t addr[16];
	char buf[64], *slash, *end;
	long v;
	int family, bits;

	if (spec[0] == ':') {
		v = strtol(spec + 1, &end, 10);
		if (*end || end == spec + 1 || v < 1 || v > 65535)
			return -EINVAL;
		return loader__deny_port(ld, (uint16_t)v, -1, 0);
	}
	snprintf(buf, sizeof(buf), "%s", spec);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		family = 4, bits = 32;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		family = 6, bits = 128;
	else
		return -EINVAL;
	if (slash) {
		v = strtol(slash, &end, 10);
		if (*end || end == slash || v < 0 || v > bits)
			return -EINVAL;
		bits = v;
	}
	return loader__deny_net(ld, family, addr, bits, -1, 0);
}

/* Command line deny entries; they need BPF-LSM to mean anything. */
int prevent__setup(struct loader *ld, const struct monitor_opts *o)
{
	int i, ret;

	for (i = 0; i < o->n_deny_connect; i++) {
		ret = deny_connect_add(ld, o->deny_connect[i]);
		if (ret) {
			fprintf(stderr, "minerwatch: --deny-connect %s: %s\n",
				o->deny_connect[i],
				ret == -EINVAL ? "expected ADDR[/BITS] or :PORT"
					       : strerror(-ret));
			return ret;
		}
	}
	for (i = 0; i < o->n_protect_paths; i++) {
		ret = loader__protect_path(ld, o->protect_paths[i], -1, 0);
		if (ret) {
			fprintf(stderr, "minerwatch: --protect-path %s: %s\n",
				o->protect_paths[i], strerror(-ret));
			return ret;
		}
	}
	if ((o->n_deny_connect || o->n_protect_paths) && !loader__lsm(ld))
		fprintf(stderr,
			"minerwatch: BPF-LSM is not available on this kernel: "
			"--deny-connect and --protect-path are not enforced\n");
	return 0;
}
