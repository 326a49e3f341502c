// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_behaviour.c - fields of a behaviour event (weak signals added up,
 * respond/score.c): minerwatch.behaviour.score, .evidence (the signals by
 * name), .cpu.pct and .cpu.busy_s while the process keeps a core busy;
 * the downloader of a drop; what restarted a killed program
 * (minerwatch.incident.restart.*, respond/incident.c).
 */
#include "model/behaviour_event.h"
#include "report/jsonx.h"
#include "report/report.h"

void report__behaviour(json_t *doc, const struct mw_behaviour_info *b)
{
	json_t *ev = json_array();
	int i;

	for (i = 0; i < b->n_evidence; i++)
		json_array_append_new(ev, jsonx_str(b->evidence[i]));
	jsonx_set_path(doc, "minerwatch.behaviour.score",
		       json_integer(b->score));
	jsonx_set_path(doc, "minerwatch.behaviour.evidence", ev);
	if (b->dl_name) {
		jsonx_set_path(doc, "minerwatch.behaviour.downloader.name",
			       jsonx_str(b->dl_name));
		jsonx_set_path(doc, "minerwatch.behaviour.downloader.pid",
			       json_integer(b->dl_pid));
		jsonx_set_path(doc,
			       "minerwatch.behaviour.downloader.command_line",
			       jsonx_str(b->dl_cmdline));
		if (b->dl_method)
			jsonx_set_path(doc,
				       "minerwatch.behaviour.downloader.method",
				       jsonx_str(b->dl_method));
		if (b->dl_peer)
			jsonx_set_path(doc,
				       "minerwatch.behaviour.downloader.peer",
				       jsonx_str(b->dl_peer));
	}
	if (b->restart_via) {
		char ts[64];

		jsonx_set_path(doc, "minerwatch.incident.restart.via",
			       jsonx_str(b->restart_via));
		if (b->restart_file)
			jsonx_set_path(
			    doc, "minerwatch.incident.restart.persistence_file",
			    jsonx_str(b->restart_file));
		report__timestamp(b->restart_killed_ns, ts, sizeof(ts));
		jsonx_set_path(doc, "minerwatch.incident.restart.killed_at",
			       jsonx_str(ts));
	}
	if (b->cgroup_path) {
		jsonx_set_path(doc, "minerwatch.behaviour.cgroup.path",
			       jsonx_str(b->cgroup_path));
		jsonx_set_path(doc, "minerwatch.behaviour.cgroup.cpu_pct",
			       json_integer(b->cgroup_pct));
	}
	if (b->cpu_pct) {
		jsonx_set_path(doc, "minerwatch.behaviour.cpu.pct",
			       json_integer(b->cpu_pct));
		jsonx_set_path(doc, "minerwatch.behaviour.cpu.busy_s",
			       json_integer((json_int_t)b->busy_s));
	}
}
