// SPDX-License-Identifier: GPL-2.0-only
/*
 * score.c - respond stage: weak signals of one process added up to a
 * behaviour score with the evidence named (see score.h). The signals come
 * from the process record (where its executable is, its lineage), from
 * the CPU samples (model/cpu.c) and from rules that matched its other
 * events (score__note_match, called by verdict.c).
 */
#include <string.h>

#include "model/proc_cache.h"
#include "respond/score.h"
#include "rules/rules.h"

/* Weights: see score.h. */
#define W_CPU 30
#define W_DELETED 30
#define W_CONFIG 30
#define W_PLACE 25
#define W_CHILD 25
#define W_POOL 15
#define W_LINEAGE 10
#define W_NO_TTY 5
#define WEAK_SEVERITY 50

static void add(struct mw_behaviour_info *b, int w, const char *name)
{
	b->score += w;
	if (b->n_evidence < MW_EVIDENCE_MAX)
		b->evidence[b->n_evidence++] = name;
}

static bool prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

bool score__exe_temp(const char *exe)
{
	return exe && (prefix(exe, "/tmp/") || prefix(exe, "/var/tmp/") ||
		       prefix(exe, "/dev/shm/") || prefix(exe, "/run/shm/"));
}

/* A directory component starting with '.' ("/root/.bashtemp/x"). */
bool score__exe_hidden(const char *exe)
{
	const char *s, *last;

	if (!exe)
		return false;
	last = strrchr(exe, '/');
	for (s = strstr(exe, "/."); s && s < last; s = strstr(s + 1, "/."))
		if (s[2] != '/' && s[2] != '.' && s[2])
			return true;
	return false;
}

static bool named(const struct mw_process *p, const char *const *names)
{
	const char *n = p->name ? p->name : p->comm;

	for (; *names; names++)
		if (strcmp(n, *names) == 0 || strcmp(p->comm, *names) == 0)
			return true;
	return false;
}

/* Started by cron/at, or inside an SSH session: which, or NULL. */
static const char *lineage(const struct mw_event *ev)
{
	static const char *const cron[] = {"cron", "crond",	   "anacron",
					   "atd",  "systemd-cron", NULL};
	static const char *const ssh[] = {"sshd", "dropbear", NULL};
	const struct mw_process *p = ev->parent;
	int i;

	for (i = -1; i < ev->n_ancestors; i++) {
		p = i < 0 ? ev->parent : ev->ancestors[i];
		if (!p)
			continue;
		if (named(p, cron))
			return "started_by_cron";
		if (named(p, ssh))
			return "ssh_session";
	}
	return NULL;
}

void score__compute(const struct mw_event *ev, struct mw_behaviour_info *b)
{
	const struct mw_process *p = ev->proc;
	uint32_t s = p->signals;
	const char *l;

	b->score = 0;
	b->n_evidence = 0;
	if (s & MW_SIG_CPU_BUSY)
		add(b, W_CPU, "cpu_busy");
	else if (s & MW_SIG_CGROUP_BUSY)
		add(b, W_CPU, "cgroup_cpu_busy");
	if (p->flags & (MW_PROC_DELETED | MW_PROC_MEMFD))
		add(b, W_DELETED, "exe_deleted");
	else if (s & MW_SIG_EXE_UNLINKED)
		add(b, W_DELETED, "exe_deleted_while_running");
	if (s & MW_SIG_CONFIG)
		add(b, W_CONFIG, "miner_config");
	/* The program, or the script an interpreter runs (exec_path). */
	if (score__exe_hidden(p->exe) || score__exe_hidden(p->exec_path))
		add(b, W_PLACE, "exe_in_hidden_dir");
	else if (score__exe_temp(p->exe) || score__exe_temp(p->exec_path))
		add(b, W_PLACE, "exe_in_temp_dir");
	else if (s & MW_SIG_EXE_WW)
		add(b, W_PLACE, "exe_in_world_writable_dir");
	if (s & MW_SIG_CHILD_T1496)
		add(b, W_CHILD, "ran_mining_tool");
	if (s & MW_SIG_CPU_TUNING)
		add(b, W_CHILD, "msr_or_hugepages");
	if (s & MW_SIG_DOWNLOADED)
		add(b, W_PLACE, "run_after_download");
	if (s & MW_SIG_POOL_PORT)
		add(b, W_POOL, "pool_port");
	else if (s & MW_SIG_WEAK_RULE)
		add(b, W_POOL, "weak_T1496_rule");
	l = lineage(ev);
	if (l)
		add(b, W_LINEAGE, l);
	if (p->cpu_ts_ns && !p->tty_nr)
		add(b, W_NO_TTY, "no_terminal");
	if (b->score > 100)
		b->score = 100;
}

static bool t1496(const struct rule *r)
{
	const char *const *t;
	int n, i;

	t = rule__techniques(r, &n);
	for (i = 0; i < n; i++)
		if (strncmp(t[i], "T1496", 5) == 0)
			return true;
	return false;
}

void score__note_match(struct proc_cache *pc, const struct mw_event *ev,
		       const struct rule *r)
{
	uint32_t bits;

	if (ev->kind == MW_KIND_BEHAVIOUR || !t1496(r))
		return;
	if (rule__severity(r) < WEAK_SEVERITY) {
		bits = ev->net	  ? MW_SIG_POOL_PORT
		       : ev->file ? MW_SIG_CPU_TUNING
				  : MW_SIG_WEAK_RULE;
		proc_cache__add_signals(pc, ev->proc, bits);
	}
	if (ev->kind == MW_KIND_EXEC && ev->parent)
		proc_cache__add_signals(pc, ev->parent, MW_SIG_CHILD_T1496);
}
