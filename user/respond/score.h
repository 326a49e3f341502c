/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * score.h - weak signals add up: the behaviour score of one process.
 *
 * Each signal alone stays below 50 (an alert's threshold in the default
 * rules, rules/behaviour.json); together they reach it. Weights:
 *   cpu_busy 30 (model/cpu.h; or cgroup_cpu_busy: its cgroup is,
 *   model/cgroup_cpu.h), exe_deleted 30 (or memfd, or
 *   exe_deleted_while_running: unlinked, not replaced), miner_config 30
 *   ("pools" or "donate-level" in a config beside the executable),
 *   exe_in_temp_dir / exe_in_hidden_dir / exe_in_world_writable_dir 25
 *   (one of them counts; the executable or the script run), run_after_download 25 (sensors/drop_sensor.c),
 *   ran_mining_tool 25, msr_or_hugepages 25 (a weak T1496 file rule:
 *   an MSR device or nr_hugepages written), (a T1496 exec rule matched
 *   a child: modprobe msr), pool_port 15 / weak_T1496_rule 15 (a T1496
 *   rule below 50 matched it: a pool port), started_by_cron /
 *   ssh_session 10 (one counts), no_terminal 5 (only once sampled).
 * A busy loop run from /tmp by cron scores 30 + 25 + 10 + 5 = 70; gzip
 * started by cron 45; a build started over SSH 45.
 */
#ifndef MW_SCORE_H
#define MW_SCORE_H

#include <stdbool.h>

#include "model/behaviour_event.h"
#include "model/event.h"

struct proc_cache;
struct rule;

/*
 * Score ev->proc (lineage from ev->parent/ancestors) from its record and
 * signals into *b; cpu_pct and busy_s are the caller's. Pure.
 */
void score__compute(const struct mw_event *ev, struct mw_behaviour_info *b);

/* True for an executable under a temp, hidden (".x") directory. */
bool score__exe_temp(const char *exe);
bool score__exe_hidden(const char *exe);

/*
 * Rule r matched ev: a T1496 rule below severity 50 is a weak signal on
 * the process; a T1496 exec rule is one on the parent too (the miner that
 * ran modprobe msr). Marks the process for the next behaviour judgement.
 */
void score__note_match(struct proc_cache *pc, const struct mw_event *ev,
		       const struct rule *r);

#endif /* MW_SCORE_H */
