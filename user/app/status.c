// SPDX-License-Identifier: GPL-2.0-only
/*
 * status.c - what the daemon says about itself: the started, health,
 * events_lost and stopped state events, and the --status answer. Counters
 * come from each stage's own stats call; nothing here writes their state.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/monitor.h"
#include "app/monitor_int.h"
#include "kernel/kernel_features.h"
#include "kernel/loader.h"
#include "model/proc_cache.h"
#include "output/output.h"
#include "report/jsonx.h"
#include "report/report.h"
#include "report/reporter.h"
#include "identify/content.h"
#include "respond/content_verdict.h"
#include "respond/verdict.h"
#include "rules/rules.h"
#include "sensors/file_decode.h"
#include "sensors/net.h"
#include "sensors/stratum_fwd.h"
#include "util/clock.h"

/* Kernel counters as the health, loss and stopped events name them. */
static const struct {
	const char *name;
	enum mw_stat idx;
} kernel_counters[] = {
    {"exec_seen", MW_STAT_EXEC_SEEN},
    {"fork_seen", MW_STAT_FORK_SEEN},
    {"exit_seen", MW_STAT_EXIT_SEEN},
    {"events_sent", MW_STAT_EVENTS_SENT},
    {"events_lost", MW_STAT_EVENTS_LOST},
    {"alerts_sent", MW_STAT_ALERTS_SENT},
    {"alerts_lost", MW_STAT_ALERTS_LOST},
    {"findings_sent", MW_STAT_FINDINGS_SENT},
    {"findings_lost", MW_STAT_FINDINGS_LOST},
    {"kernel_kills", MW_STAT_EXEC_KILLED},
    {"kernel_kill_failures", MW_STAT_EXEC_KILL_FAILED},
    {"self_filtered", MW_STAT_SELF_FILTERED},
    {"scope_filtered", MW_STAT_SCOPE_FILTERED},
    {"file_seen", MW_STAT_FILE_SEEN},
    {"file_filtered", MW_STAT_FILE_FILTERED},
    {"file_sent", MW_STAT_FILE_SENT},
    {"file_path_truncated", MW_STAT_FILE_PATH_TRUNC},
    /* The file sensor's drops by cause (filtered and self above). */
    {"file_folded", MW_STAT_FILE_FOLDED},
    {"file_lost", MW_STAT_FILE_LOST},
    {"file_unreadable", MW_STAT_FILE_UNREADABLE},
    {"file_links_pending_full", MW_STAT_FILE_LINKS_PENDING_FULL},
    {"net_seen", MW_STAT_NET_SEEN},
    {"net_filtered", MW_STAT_NET_FILTERED},
    {"net_blocked", MW_STAT_NET_BLOCKED},
    {"net_stratum_flows", MW_STAT_NET_STRATUM},
    {"net_stratum_dropped", MW_STAT_NET_DROPPED},
    {"net_flow_table_full", MW_STAT_NET_FLOW_FULL},
    {"net_dns_answers", MW_STAT_NET_DNS},
    {"net_dns_unsolicited", MW_STAT_NET_DNS_UNSOLICITED},
    {"net_dns_rate_limited", MW_STAT_NET_DNS_LIMITED},
    /* Flows opened lazily, and what the network sensor let pass unread,
     * by cause (bpf/net_flow.bpf.h, net_stratum.bpf.c). */
    {"net_flows", MW_STAT_NET_FLOWS},
    {"net_flows_unowned", MW_STAT_NET_FLOW_UNOWNED},
    {"net_unparsed", MW_STAT_NET_UNPARSED},
    {"net_stratum_budget_spent", MW_STAT_NET_STRATUM_SPENT},
    {"net_no_slot", MW_STAT_NET_NO_SLOT},
    /* Stratum flows handed to userspace at the kernel's budget (the one
     * above): forwarding ended by cause (bpf/net_stratum_fwd.bpf.h). */
    {"net_stratum_fwd_budget_spent", MW_STAT_NET_STRATUM_FWD_SPENT},
    {"net_stratum_fwd_rate_limited", MW_STAT_NET_STRATUM_FWD_LIMITED},
    {"net_stratum_fwd_lost", MW_STAT_NET_STRATUM_FWD_LOST},
    /* Exec records whose exe or cwd path hit the walk's limits. */
    {"exec_path_truncated", MW_STAT_EXEC_PATH_TRUNC},
    /* What the BPF-LSM hooks refused (0 where they are not loaded). */
    {"kernel_refused_execs", MW_STAT_EXEC_REFUSED},
    {"kernel_refused_connects", MW_STAT_CONNECT_REFUSED},
    {"kernel_refused_files", MW_STAT_FILE_REFUSED},
};

static void counter_set(json_t *o, const char *name, uint64_t v)
{
	json_object_set_new(o, name, json_integer((json_int_t)v));
}

/* The userspace half of the stratum window (sensors/stratum_fwd.c). */
static void fwd_counters(json_t *c, struct monitor *m)
{
	struct stratum_fwd_stats fs;

	net__fwd_stats(m->net, &fs);
	counter_set(c, "stratum_fwd_flows", fs.flows);
	counter_set(c, "stratum_fwd_matched", fs.matched);
	counter_set(c, "stratum_fwd_spent", fs.spent);
	counter_set(c, "stratum_fwd_expired", fs.expired);
	counter_set(c, "stratum_fwd_evicted", fs.evicted);
	counter_set(c, "stratum_fwd_orphans", fs.orphans);
	counter_set(c, "stratum_fwd_bad", fs.bad);
}

static json_t *counters_json(struct monitor *m, const uint64_t *st)
{
	struct proc_cache_stats ps;
	struct output_stats os;
	struct verdict_stats vs;
	json_t *c = json_object();
	size_t i;

	if (!c)
		return NULL;
	for (i = 0; i < sizeof(kernel_counters) / sizeof(kernel_counters[0]);
	     i++)
		counter_set(c, kernel_counters[i].name,
			    st[kernel_counters[i].idx]);
	output__stats(m->out, &os);
	verdict__stats(m->verdict, &vs);
	/* A ring record we could not read is a bad record too. */
	counter_set(c, "bad_records",
		    m->sensors.bad_records + loader__rings_unjoined(m->ld));
	fwd_counters(c, m);
	counter_set(c, "file_fold_untracked", m->sensors.fold_untracked);
	counter_set(c, "file_proc_root_unresolved",
		    m->sensors.proc_root_unresolved);
	{
		uint64_t added, evicted;
		int live;

		loader__file_alias_stats(&added, &evicted, &live);
		counter_set(c, "file_aliases", (uint64_t)live);
		counter_set(c, "file_aliases_evicted", evicted);
		counter_set(c, "file_links_pending_expired",
			    loader__file_links_expired(&live));
		counter_set(c, "file_links_pending", (uint64_t)live);
	}
	counter_set(c, "alerts", vs.alerts);
	counter_set(c, "hash_waits", vs.hash_waits);
	counter_set(c, "hash_wait_expired", vs.hash_wait_expired);
	counter_set(c, "hash_wait_full", vs.hash_wait_full);
	counter_set(c, "alerts_aggregated", reporter__suppressed(m->rep));
	counter_set(c, "emit_failed", reporter__emit_failed(m->rep));
	counter_set(c, "output_lines", os.lines);
	counter_set(c, "output_written", os.written);
	counter_set(c, "output_queued", os.queued);
	counter_set(c, "output_spooled", os.spooled);
	counter_set(c, "output_dropped", os.dropped);
	counter_set(c, "output_errors", os.errors);
	counter_set(c, "output_nospace", os.nospace);
	counter_set(c, "output_sync_errors", os.sync_errors);
	counter_set(c, "processes", proc_cache__size(m->pc));
	proc_cache__stats(m->pc, &ps);
	counter_set(c, "processes_exited", ps.exited);
	counter_set(c, "processes_evicted", ps.evicted);
	counter_set(c, "processes_over_cap", ps.over_cap);
	counter_set(c, "processes_reconciled", ps.reconciled);
	counter_set(c, "rules", rules__count(m->rules));
	counter_set(c, "file_watch_entries", loader__file_watch_count(m->ld));
	json_object_set_new(c, "content", content_verdict__stats(m->cv));
	return c;
}

/* Kernel counter idx grew since the last check by this much. */
static uint64_t delta(const struct monitor *m, const uint64_t *st, int idx)
{
	return st[idx] - m->stats[idx];
}

/*
 * Once a second: any loss since the last check, in the kernel rings (each
 * ring apart), in the outputs' bounds or before them (a document that
 * could not be built or serialized), becomes one events_lost state event
 * with the counts, which the outputs rank above every alert.
 */
void status__check_losses(struct monitor *m)
{
	uint64_t st[MW_STAT_MAX], ev, al, fi, kf, od, ef, un;
	struct output_stats os;

	if (loader__read_stats(m->ld, st))
		return;
	output__stats(m->out, &os);
	ev = delta(m, st, MW_STAT_EVENTS_LOST);
	al = delta(m, st, MW_STAT_ALERTS_LOST);
	/* All of mw_findings' losses; the file sensor's share is file_lost. */
	fi = delta(m, st, MW_STAT_FINDINGS_LOST);
	kf = delta(m, st, MW_STAT_EXEC_KILL_FAILED);
	od = os.dropped - m->out_dropped;
	ef = reporter__emit_failed(m->rep) - m->emit_failed;
	/* Repeats the fold counted for a pair it could no longer name. */
	un = m->sensors.fold_untracked - m->fold_untracked;
	m->fold_untracked = m->sensors.fold_untracked;
	if (ev || al || fi || kf || od || ef || un) {
		json_t *d = json_pack(
		    "{s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:o}", "lost", "events",
		    (json_int_t)ev, "alerts", (json_int_t)al, "findings",
		    (json_int_t)fi, "kernel_kill_failures", (json_int_t)kf,
		    "output", (json_int_t)od, "emit", (json_int_t)ef,
		    "file_fold_untracked", (json_int_t)un,
		    "counters", counters_json(m, st));

		if (ev || al || fi)
			fprintf(stderr,
				"minerwatch: ring buffers full: %llu events, "
				"%llu alerts, %llu findings lost\n",
				(unsigned long long)ev, (unsigned long long)al,
				(unsigned long long)fi);
		reporter__emit(m->rep, report__state("events_lost", d));
	}
	memcpy(m->stats, st, sizeof(st));
	m->out_dropped = os.dropped;
	m->emit_failed = reporter__emit_failed(m->rep);
}

/*
 * The bounds on the daemon's memory, as docs/deploy.md lists them: what
 * each table holds at most, so an operator can see them with --status.
 * (Constants of other stages, repeated here: keep them in step.)
 */
static json_t *caps_json(void)
{
	return json_pack(
	    "{s:i,s:i,s:i,s:i,s:i,s:i,s:I,s:I,s:I}", "processes", PC_CAP,
	    "exited_processes", PC_EXITED_CAP,
	    "aggregate_pairs", 4096 /* AGG_MAX, app/monitor.c */, "dns_names",
	    4096 /* DNS_SLOTS, sensors/net.c */, "burst_windows",
	    256 /* WINDOWS, sensors/net_burst.c */, "container_ids",
	    1024 /* PC_CG_SLOTS, model/proc_cache.c */, "output_inbox_bytes",
	    (json_int_t)(8u << 20), "output_queue_bytes_per_sink",
	    (json_int_t)(4u << 20), "output_spool_bytes_per_sink",
	    (json_int_t)(64ull << 20));
}

char *status__line(void *ctx)
{
	struct monitor *m = ctx;
	uint64_t st[MW_STAT_MAX];
	json_t *doc;
	char *line;

	if (loader__read_stats(m->ld, st))
		memcpy(st, m->stats, sizeof(st));
	doc = report__state(
	    "status",
	    json_pack("{s:o,s:o,s:s,s:b,s:I}", "counters", counters_json(m, st),
		      "caps", caps_json(), "mode",
		      m->o->enforce ? "enforce" : "detect", "adopted",
		      loader__adopted(m->ld), "uptime_s",
		      (json_int_t)((clock__boot_ns() - m->started_ns) /
				   1000000000ULL)));
	line = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	return line;
}

static json_t *config_json(const struct mw_config *c)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I}", "enforce",
			 (json_int_t)c->enforce, "self_tgid",
			 (json_int_t)c->self_tgid, "self_start",
			 (json_int_t)c->self_start, "active_gen",
			 (json_int_t)c->active_gen, "scoped",
			 (json_int_t)c->scoped);
}

/*
 * The kernel's settings map is not what we wrote: someone with root
 * rewrote it (to silence the programs, or exempt a pid). Alert; the
 * loader has put ours back.
 */
static void config_tamper_check(struct monitor *m)
{
	struct mw_config found, want;
	json_t *doc;

	if (loader__config_check(m->ld, &found, &want) != 1)
		return;
	fprintf(stderr, "minerwatch: the kernel settings map was changed by "
			"someone else; restored\n");
	doc = report__base("alert", 0);
	if (!doc)
		return;
	jsonx_set_path(doc, "event.category", json_pack("[s]", "configuration"));
	jsonx_set_path(doc, "event.type", json_pack("[s]", "change"));
	jsonx_set_path(doc, "event.action", json_string("kernel_config_tampered"));
	jsonx_set_path(doc, "event.severity", json_integer(90));
	jsonx_set_path(doc, "rule.id", json_string("MW-TAMPER-001"));
	jsonx_set_path(doc, "rule.name",
		       json_string("minerwatch kernel settings rewritten"));
	jsonx_set_path(doc, "threat.framework", json_string("MITRE ATT&CK"));
	jsonx_set_path(doc, "threat.technique.id", json_pack("[s]", "T1562.001"));
	jsonx_set_path(doc, "minerwatch.tamper.map", json_string("mw_config_map"));
	jsonx_set_path(doc, "minerwatch.tamper.found", config_json(&found));
	jsonx_set_path(doc, "minerwatch.tamper.expected", config_json(&want));
	jsonx_set_path(doc, "minerwatch.tamper.restored", json_true());
	reporter__emit(m->rep, doc);
}

void status__health(struct monitor *m)
{
	uint64_t st[MW_STAT_MAX];

	config_tamper_check(m);

	if (loader__read_stats(m->ld, st))
		return;
	reporter__emit(
	    m->rep, report__state("health", json_pack("{s:o}", "counters",
						      counters_json(m, st))));
}

void status__stopped(struct monitor *m)
{
	/* The last losses too: let the outputs settle, then report them. */
	output__wait_idle(m->out, 1000 /* ms */);
	status__check_losses(m);
	reporter__emit(
	    m->rep,
	    report__state("stopped", json_pack("{s:o}", "counters",
					       counters_json(m, m->stats))));
}

/* The file operations no rule can match, which the kernel skips. */
static json_t *file_ops_skipped(const struct monitor *m)
{
	uint32_t off = loader__file_ops_off(m->ld), op;
	json_t *a = json_array();

	for (op = 0; op < 32; op++)
		if (off & (1u << op))
			json_array_append_new(a, json_string(file_op__str(op)));
	return a;
}

void status__started(struct monitor *m, int n_deny)
{
	json_t *paths = json_array(), *d;
	int i;

	for (i = 0; i < m->o->n_rule_paths; i++)
		json_array_append_new(paths, jsonx_str(m->o->rule_paths[i]));
	d = json_pack("{s:o,s:s,s:b,s:b,s:i,s:i,s:o,s:i}", "hooks",
		      loader__hooks_json(m->ld), "mode",
		      m->o->enforce ? "enforce" : "detect", "enforce",
		      m->o->enforce, "events", m->o->events, "rules",
		      rules__count(m->rules), "kernel_deny_names", n_deny,
		      "rule_paths", paths, "processes",
		      (int)proc_cache__size(m->pc));
	/* Which kernel features the probe found (the hooks follow them). */
	jsonx_set_path(d, "features", features__json(loader__features(m->ld)));
	/* Agent: restart adoption, scope, where the state is pinned. */
	jsonx_set_path(d, "adopted", json_boolean(loader__adopted(m->ld)));
	jsonx_set_path(d, "self_tgid", json_integer(loader__self_tgid(m->ld)));
	jsonx_set_path(d, "yara_rules", json_integer(content__rules(m->content)));
	jsonx_set_path(d, "caps", caps_json());
	jsonx_set_path(d, "rings", loader__rings_json(m->ld));
	jsonx_set_path(d, "file_ops_skipped", file_ops_skipped(m));
	/* /proc names the kernel's pids only outside a pid namespace. */
	proc_cache__set_reconcile(m->pc,
				  (uint32_t)getpid() == loader__self_tgid(m->ld));
	if (m->o->pin_dir)
		jsonx_set_path(d, "pin_dir", jsonx_str(m->o->pin_dir));
	if (m->o->cgroup)
		jsonx_set_path(d, "cgroup", jsonx_str(m->o->cgroup));
	reporter__emit(m->rep, report__state("started", d));
}
