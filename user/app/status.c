// SPDX-License-Identifier: GPL-2.0-only
/*
 * status.c - what the daemon says about itself: the started, health,
 * events_lost and stopped state events, and the --status answer. Counters
 * come from each stage's own stats call; nothing here writes their state.
 */
#include <stdio.h>
#include <string.h>

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
    {"kernel_kills", MW_STAT_EXEC_KILLED},
    {"kernel_kill_failures", MW_STAT_EXEC_KILL_FAILED},
    {"self_filtered", MW_STAT_SELF_FILTERED},
    {"scope_filtered", MW_STAT_SCOPE_FILTERED},
    {"file_seen", MW_STAT_FILE_SEEN},
    {"file_filtered", MW_STAT_FILE_FILTERED},
    {"file_sent", MW_STAT_FILE_SENT},
    {"file_path_truncated", MW_STAT_FILE_PATH_TRUNC},
    {"net_seen", MW_STAT_NET_SEEN},
    {"net_filtered", MW_STAT_NET_FILTERED},
    {"net_blocked", MW_STAT_NET_BLOCKED},
    {"net_stratum_flows", MW_STAT_NET_STRATUM},
    {"net_stratum_dropped", MW_STAT_NET_DROPPED},
    {"net_flow_table_full", MW_STAT_NET_FLOW_FULL},
    {"net_dns_answers", MW_STAT_NET_DNS},
    /* What the BPF-LSM hooks refused (0 where they are not loaded). */
    {"kernel_refused_execs", MW_STAT_EXEC_REFUSED},
    {"kernel_refused_connects", MW_STAT_CONNECT_REFUSED},
    {"kernel_refused_files", MW_STAT_FILE_REFUSED},
};

static void counter_set(json_t *o, const char *name, uint64_t v)
{
	json_object_set_new(o, name, json_integer((json_int_t)v));
}

static json_t *counters_json(struct monitor *m, const uint64_t *st)
{
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
	counter_set(c, "bad_records", m->sensors.bad_records);
	counter_set(c, "alerts", vs.alerts);
	counter_set(c, "alerts_aggregated", reporter__suppressed(m->rep));
	counter_set(c, "output_lines", os.lines);
	counter_set(c, "output_written", os.written);
	counter_set(c, "output_queued", os.queued);
	counter_set(c, "output_spooled", os.spooled);
	counter_set(c, "output_dropped", os.dropped);
	counter_set(c, "output_errors", os.errors);
	counter_set(c, "processes", proc_cache__size(m->pc));
	counter_set(c, "rules", rules__count(m->rules));
	counter_set(c, "file_watch_entries", loader__file_watch_count(m->ld));
	json_object_set_new(c, "content", content_verdict__stats(m->cv));
	return c;
}

void status__check_losses(struct monitor *m)
{
	uint64_t st[MW_STAT_MAX];
	uint64_t ev_lost, al_lost, kill_fail;

	if (loader__read_stats(m->ld, st))
		return;
	ev_lost = st[MW_STAT_EVENTS_LOST] - m->stats[MW_STAT_EVENTS_LOST];
	al_lost = st[MW_STAT_ALERTS_LOST] - m->stats[MW_STAT_ALERTS_LOST];
	kill_fail =
	    st[MW_STAT_EXEC_KILL_FAILED] - m->stats[MW_STAT_EXEC_KILL_FAILED];
	if (ev_lost || al_lost || kill_fail) {
		json_t *d = json_pack(
		    "{s:{s:I,s:I,s:I},s:o}", "lost", "events",
		    (json_int_t)ev_lost, "alerts", (json_int_t)al_lost,
		    "kernel_kill_failures", (json_int_t)kill_fail, "counters",
		    counters_json(m, st));

		fprintf(stderr,
			"minerwatch: %llu events and %llu alerts lost "
			"(ring buffer full)\n",
			(unsigned long long)ev_lost,
			(unsigned long long)al_lost);
		reporter__emit(m->rep, report__state("events_lost", d));
	}
	memcpy(m->stats, st, sizeof(st));
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
	    json_pack("{s:o,s:s,s:b,s:I}", "counters", counters_json(m, st),
		      "mode", m->o->enforce ? "enforce" : "detect", "adopted",
		      loader__adopted(m->ld), "uptime_s",
		      (json_int_t)((clock__boot_ns() - m->started_ns) /
				   1000000000ULL)));
	line = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	return line;
}

void status__health(struct monitor *m)
{
	uint64_t st[MW_STAT_MAX];

	if (loader__read_stats(m->ld, st))
		return;
	reporter__emit(
	    m->rep, report__state("health", json_pack("{s:o}", "counters",
						      counters_json(m, st))));
}

void status__stopped(struct monitor *m)
{
	reporter__emit(
	    m->rep,
	    report__state("stopped", json_pack("{s:o}", "counters",
					       counters_json(m, m->stats))));
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
	if (m->o->pin_dir)
		jsonx_set_path(d, "pin_dir", jsonx_str(m->o->pin_dir));
	if (m->o->cgroup)
		jsonx_set_path(d, "cgroup", jsonx_str(m->o->cgroup));
	reporter__emit(m->rep, report__state("started", d));
}
