// SPDX-License-Identifier: GPL-2.0-only
/*
 * report.c - the report stage's documents: one ECS JSON object per event,
 * alert, act or state change. Field names follow the Elastic Common Schema
 * so a SIEM ingests them without mapping; product details go under
 * "minerwatch". It reads the event model and the matched rule and builds;
 * it decides nothing. The documents go to reporter.c, which folds repeated
 * alerts (aggregate.c) and hands lines to the outputs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/file_event.h"
#include "report/jsonx.h"
#include "report/report.h"
#include "rules/rules.h"
#include "util/host.h"

#define ECS_VERSION "8.11.0"
#define MAX_ANCESTRY 8

static char hostname[256] = "localhost";

void report__init(void)
{
	host__name(hostname, sizeof(hostname), "localhost");
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void report__timestamp(uint64_t ts_ns, char *buf, size_t len)
{
	uint64_t real = clock_ns(CLOCK_REALTIME);
	uint64_t boot = clock_ns(CLOCK_BOOTTIME);
	uint64_t wall = real;
	time_t secs;
	struct tm tm;

	/* Events carry boot time; convert with the current offset. */
	if (ts_ns && ts_ns <= boot)
		wall = real - (boot - ts_ns);
	secs = wall / 1000000000ULL;
	gmtime_r(&secs, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (unsigned)(wall % 1000000000ULL / 1000));
}

json_t *report__base(const char *kind, uint64_t ts_ns)
{
	json_t *doc = json_object();
	char ts[40];

	if (!doc)
		return NULL;
	report__timestamp(ts_ns, ts, sizeof(ts));
	json_object_set_new(doc, "@timestamp", json_string(ts));
	jsonx_set_path(doc, "event.kind", json_string(kind));
	jsonx_set_path(doc, "event.module", json_string("minerwatch"));
	jsonx_set_path(doc, "host.hostname", jsonx_str(hostname));
	jsonx_set_path(doc, "agent.type", json_string("minerwatch"));
	jsonx_set_path(doc, "agent.version", json_string(MW_VERSION));
	jsonx_set_path(doc, "ecs.version", json_string(ECS_VERSION));
	return doc;
}

static json_t *args_array(const struct mw_process *p)
{
	json_t *a = json_array();
	int i;

	for (i = 0; a && i < p->argc; i++)
		json_array_append_new(a, jsonx_str(p->argv[i]));
	return a;
}

static void process_fields(json_t *o, const struct mw_process *p, bool full)
{
	char ts[40], buf[16];

	json_object_set_new(o, "pid", json_integer(p->pid));
	json_object_set_new(o, "entity_id", json_string(p->entity_id));
	jsonx_set_str(o, "executable", p->exe);
	jsonx_set_str(o, "name", p->name ? p->name : p->comm);
	if (p->argv) {
		json_object_set_new(o, "args", args_array(p));
		json_object_set_new(o, "args_count", json_integer(p->argc));
		jsonx_set_str(o, "command_line", p->cmdline);
	}
	if (!full)
		return;
	/* ECS 8.11 has no process.ppid: the parent's pid is process.parent.pid. */
	jsonx_set_str(o, "working_directory", p->cwd);
	snprintf(buf, sizeof(buf), "%u", p->euid);
	jsonx_set_path(o, "user.id", json_string(buf));
	snprintf(buf, sizeof(buf), "%u", p->uid);
	jsonx_set_path(o, "real_user.id", json_string(buf));
	snprintf(buf, sizeof(buf), "%u", p->gid);
	/* The real gid: ECS 8.11 defines process.real_group, not .group. */
	jsonx_set_path(o, "real_group.id", json_string(buf));
	if (p->start_ns) {
		report__timestamp(p->start_ns, ts, sizeof(ts));
		json_object_set_new(o, "start", json_string(ts));
	}
	if (p->sha256[0])
		jsonx_set_path(o, "hash.sha256", json_string(p->sha256));
	if (p->ns_pid && p->ns_pid != p->pid)
		json_object_set_new(o, "vpid", json_integer(p->ns_pid));
}

void report__process(json_t *doc, const struct mw_event *ev)
{
	const struct mw_process *p = ev->proc;
	json_t *proc = json_object(), *mw, *anc;
	int i;

	process_fields(proc, p, true);
	if (ev->parent) {
		json_t *parent = json_object();

		process_fields(parent, ev->parent, false);
		json_object_set_new(proc, "parent", parent);
	} else if (p->ppid) {
		json_t *parent = json_object();

		json_object_set_new(parent, "pid", json_integer(p->ppid));
		json_object_set_new(proc, "parent", parent);
	}
	json_object_set_new(doc, "process", proc);
	if (p->container_id[0])
		jsonx_set_path(doc, "container.id",
			       json_string(p->container_id));

	mw = json_object_get(doc, "minerwatch");
	if (!mw) {
		mw = json_object();
		json_object_set_new(doc, "minerwatch", mw);
	}
	proc = json_object();
	json_object_set_new(proc, "comm", jsonx_str(p->comm));
	json_object_set_new(proc, "memfd",
			    json_boolean(p->flags & MW_PROC_MEMFD));
	if (p->flags & MW_PROC_MEMFD_SEALED)
		json_object_set_new(proc, "memfd_sealed", json_true());
	json_object_set_new(proc, "deleted",
			    json_boolean(p->flags & MW_PROC_DELETED));
	if (p->flags & MW_PROC_ARGS_TRUNC)
		json_object_set_new(proc, "args_truncated", json_true());
	if (p->flags & MW_PROC_EXE_TRUNC)
		json_object_set_new(proc, "executable_truncated", json_true());
	if (p->loginuid != UINT32_MAX)
		json_object_set_new(proc, "loginuid",
				    json_integer(p->loginuid));
	json_object_set_new(proc, "cgroup_id", json_integer(p->cgroup_id));
	json_object_set_new(proc, "pidns", json_integer(p->pidns));
	json_object_set_new(proc, "mntns", json_integer(p->mntns));
	if (p->exec_path && (!p->exe || strcmp(p->exec_path, p->exe) != 0))
		json_object_set_new(proc, "exec_path", jsonx_str(p->exec_path));
	if (p->flags & MW_PROC_SEEDED)
		json_object_set_new(proc, "seen_at_start", json_true());
	json_object_set_new(mw, "process", proc);

	/* Lineage, parent first: what a responder reads to see "how it got in".
	 */
	anc = json_array();
	if (ev->parent) {
		const struct mw_process *chain[MAX_ANCESTRY + 1];
		int n = 0;

		chain[n++] = ev->parent;
		for (i = 0; i < ev->n_ancestors && n <= MAX_ANCESTRY; i++)
			chain[n++] = ev->ancestors[i];
		for (i = 0; i < n; i++) {
			json_t *a = json_object();

			json_object_set_new(a, "pid",
					    json_integer(chain[i]->pid));
			json_object_set_new(a, "entity_id",
					    json_string(chain[i]->entity_id));
			jsonx_set_str(a, "name",
				      chain[i]->name ? chain[i]->name
						     : chain[i]->comm);
			jsonx_set_str(a, "executable", chain[i]->exe);
			json_array_append_new(anc, a);
		}
	}
	json_object_set_new(mw, "ancestry", anc);
}

static const char *kind_category(enum mw_event_kind k)
{
	switch (k) {
	case MW_KIND_EXEC:
		return "process";
	case MW_KIND_FILE:
		return "file";
	case MW_KIND_NET:
		return "network";
	case MW_KIND_BEHAVIOUR:
		return "process";
	}
	return "process";
}

json_t *report__event(const struct mw_event *ev, const char *action)
{
	json_t *doc = report__base("event", ev->ts_ns);
	const char *type = strcmp(action, "exit") == 0 ? "end" : "start";

	if (!doc)
		return NULL;
	jsonx_set_path(doc, "event.category",
		       json_pack("[s]", kind_category(ev->kind)));
	jsonx_set_path(doc, "event.type", json_pack("[s]", type));
	jsonx_set_path(doc, "event.action", json_string(action));
	jsonx_set_path(doc, "event.severity", json_integer(0));
	report__process(doc, ev);
	if (ev->net)
		report__net(doc, ev->net, true);
	if (ev->file)
		report__file(doc, ev);
	if (ev->behaviour)
		report__behaviour(doc, ev->behaviour);
	return doc;
}

static void rule_fields(json_t *doc, const struct rule *r)
{
	const char *const *tech;
	json_t *ids;
	int n, i;

	jsonx_set_path(doc, "rule.id", jsonx_str(rule__id(r)));
	jsonx_set_path(doc, "rule.name", jsonx_str(rule__name(r)));
	if (rule__description(r) && *rule__description(r))
		jsonx_set_path(doc, "rule.description",
			       jsonx_str(rule__description(r)));
	jsonx_set_path(doc, "threat.framework", json_string("MITRE ATT&CK"));
	tech = rule__techniques(r, &n);
	ids = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(ids, jsonx_str(tech[i]));
	jsonx_set_path(doc, "threat.technique.id", ids);
	if (rule__tactic(r))
		/* An array in ECS 8.11, as technique.id is. */
		jsonx_set_path(doc, "threat.tactic.name",
			       json_pack("[o]", jsonx_str(rule__tactic(r))));
}

json_t *report__alert(const struct mw_event *ev, const struct rule *r,
		      bool enforce)
{
	json_t *doc = report__base("alert", ev->ts_ns), *resp;
	enum rule_action act = rule__action(r);

	if (!doc)
		return NULL;
	jsonx_set_path(doc, "event.category",
		       json_pack("[s]", kind_category(ev->kind)));
	/* A process judged at start was running already: no exec to name. */
	jsonx_set_path(
	    doc, "event.type",
	    json_pack("[s]", ev->kind == MW_KIND_EXEC && !ev->at_start
				 ? "start"
				 : "info"));
	jsonx_set_path(doc, "event.action",
		       json_string(ev->at_start		      ? "running"
				   : ev->kind == MW_KIND_EXEC ? "exec"
							      : "match"));
	jsonx_set_path(doc, "event.severity", json_integer(rule__severity(r)));
	rule_fields(doc, r);
	report__process(doc, ev);
	if (ev->net)
		report__net(doc, ev->net, true);
	if (ev->file)
		report__file(doc, ev);
	if (ev->behaviour)
		report__behaviour(doc, ev->behaviour);

	resp = json_object();
	json_object_set_new(resp, "action", json_string(rule_action__str(act)));
	if (act != RULE_ACT_ALERT) {
		json_object_set_new(resp, "taken", json_boolean(enforce));
		if (!enforce)
			json_object_set_new(resp, "reason",
					    json_string("detect mode: would "
							"act with --enforce"));
	}
	jsonx_set_path(doc, "minerwatch.response", resp);
	return doc;
}

json_t *report__action(const struct mw_event *ev, const struct rule *r,
		       const char *action, int err, const char *where)
{
	json_t *doc = report__base("event", ev->ts_ns);

	if (!doc)
		return NULL;
	jsonx_set_path(doc, "event.category",
		       json_pack("[s]", kind_category(ev->kind)));
	jsonx_set_path(
	    doc, "event.type",
	    json_pack("[s]", strcmp(action, "kill") == 0 ? "end" : "denied"));
	jsonx_set_path(doc, "event.action", json_string(action));
	jsonx_set_path(doc, "event.outcome",
		       json_string(err ? "failure" : "success"));
	jsonx_set_path(doc, "event.severity", json_integer(rule__severity(r)));
	rule_fields(doc, r);
	report__process(doc, ev);
	if (ev->net)
		report__net(doc, ev->net, false);
	jsonx_set_path(doc, "minerwatch.response.where", json_string(where));
	if (err)
		jsonx_set_path(doc, "minerwatch.response.error",
			       json_string(strerror(-err)));
	return doc;
}

json_t *report__state(const char *action, json_t *details)
{
	json_t *doc = report__base("state", 0);

	if (!doc) {
		json_decref(details);
		return NULL;
	}
	jsonx_set_path(doc, "event.category", json_pack("[s]", "host"));
	jsonx_set_path(doc, "event.type", json_pack("[s]", "info"));
	jsonx_set_path(doc, "event.action", json_string(action));
	jsonx_set_path(doc, "event.severity", json_integer(0));
	if (details)
		json_object_set_new(doc, "minerwatch", details);
	return doc;
}

/* --- file sensor ---------------------------------------------------------- */

/* ECS event.type for a file operation. */
static const char *file_event_type(uint32_t op)
{
	switch (op) {
	case MW_FILE_OP_CREATE:
	case MW_FILE_OP_LINK:
	case MW_FILE_OP_SYMLINK:
		return "creation";
	case MW_FILE_OP_UNLINK:
		return "deletion";
	default:
		return "change";
	}
}

void report__file(json_t *doc, const struct mw_event *ev)
{
	const struct mw_file_info *f = ev->file;
	json_t *mf = json_object(), *how = json_array();
	const char *slash;
	char buf[32];

	jsonx_set_path(doc, "event.action", jsonx_str(f->action));
	jsonx_set_path(doc, "event.type",
		       json_pack("[s]", file_event_type(f->op)));
	jsonx_set_path(doc, "file.path", jsonx_str(f->path));
	jsonx_set_path(doc, "file.name", jsonx_str(f->name));
	slash = strrchr(f->path, '/');
	if (slash && slash > f->path)
		jsonx_set_path(doc, "file.directory",
			       json_stringn(f->path, slash - f->path));
	else if (slash)
		jsonx_set_path(doc, "file.directory", json_string("/"));
	if (f->target_path)
		jsonx_set_path(doc, "file.target_path",
			       jsonx_str(f->target_path));
	if (f->ino) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)f->ino);
		jsonx_set_path(doc, "file.inode", json_string(buf));
	}
	if (f->mode) {
		snprintf(buf, sizeof(buf), "%04o", f->mode & 07777);
		jsonx_set_path(doc, "file.mode", json_string(buf));
	}
	if (f->size_after >= 0)
		jsonx_set_path(doc, "file.size", json_integer(f->size_after));

	json_object_set_new(mf, "operation", jsonx_str(f->action));
	if (f->size_before >= 0)
		json_object_set_new(mf, "size_before",
				    json_integer(f->size_before));
	if (f->size_after >= 0)
		json_object_set_new(mf, "size_after",
				    json_integer(f->size_after));
	if (f->op == MW_FILE_OP_CHOWN) {
		if (f->uid != UINT32_MAX)
			json_object_set_new(mf, "new_uid",
					    json_integer(f->uid));
		if (f->gid != UINT32_MAX)
			json_object_set_new(mf, "new_gid",
					    json_integer(f->gid));
	}
	if (f->op == MW_FILE_OP_CHATTR) {
		json_object_set_new(mf, "attr_flags", json_integer(f->attr));
		json_object_set_new(mf, "immutable",
				    json_boolean(f->attr & 0x10));
		json_object_set_new(mf, "append_only",
				    json_boolean(f->attr & 0x20));
	}
	if (f->op <= MW_FILE_OP_TRUNC_OPEN) {
		snprintf(buf, sizeof(buf), "0%o", f->open_flags);
		json_object_set_new(mf, "open_flags", json_string(buf));
	}
	if (f->flags & MW_FILE_APPEND)
		json_object_set_new(mf, "append", json_true());
	if (f->seen_as)
		json_object_set_new(mf, "seen_as", jsonx_str(f->seen_as));
	if (f->target_seen_as)
		json_object_set_new(mf, "target_seen_as",
				    jsonx_str(f->target_seen_as));
	if (f->flags & MW_FILE_UNCONFIRMED)
		json_object_set_new(mf, "unconfirmed", json_true());
	/* How the kernel resolved the path, and which watch let it through. */
	json_object_set_new(
	    mf, "path_source",
	    json_string(f->flags & MW_FILE_LEXICAL ? "name" : "object"));
	if (f->flags & MW_FILE_MATCH_PREFIX)
		json_array_append_new(how, json_string("prefix"));
	if (f->flags & MW_FILE_MATCH_NAME)
		json_array_append_new(how, json_string("name"));
	if (f->flags & MW_FILE_MATCH_DIR)
		json_array_append_new(how, json_string("directory"));
	if (f->flags & MW_FILE_MATCH_TARGET)
		json_array_append_new(how, json_string("target"));
	/* Both send past the filter; a /proc/PID/root string says which. */
	if (f->flags & (MW_FILE_PROC_ROOT | MW_FILE_TARGET_PROC_ROOT))
		json_array_append_new(how, json_string("proc_root"));
	else if (f->flags & MW_FILE_MATCH_UNSURE)
		json_array_append_new(how, json_string("unnormalized"));
	/* Through a symbolic link made just before, ahead of its record. */
	if (f->flags & MW_FILE_MATCH_LINK)
		json_array_append_new(how, json_string("new_link"));
	json_object_set_new(mf, "watch", how);
	if (f->flags & (MW_FILE_PATH_TRUNC | MW_FILE_TARGET_TRUNC))
		json_object_set_new(mf, "path_truncated", json_true());
	jsonx_set_path(doc, "minerwatch.file", mf);
}
