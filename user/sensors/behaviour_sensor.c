// SPDX-License-Identifier: GPL-2.0-only
/*
 * behaviour_sensor.c - the behaviour sensor: no kernel record, a timer.
 * Every CPU_SAMPLE_NS the loop calls behaviour_sensor__tick(): each live
 * process with an executable is sampled (model/cpu.c, one /proc/PID/stat
 * read); a process that became busy, or that another event left a weak
 * signal on (respond/score.c, score__note_match), is scored and, when its
 * score rose, judged as a MW_KIND_BEHAVIOUR event by the rules
 * (rules/behaviour.json: an alert from 50, naming the evidence).
 *
 * The few file reads a scored process costs (a config file beside its
 * executable, the directory's mode) happen once per program, here in the
 * timer, never in a record handler.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/behaviour_event.h"
#include "model/cpu.h"
#include "model/proc_cache.h"
#include "report/report.h"
#include "report/reporter.h"
#include "respond/incident.h"
#include "respond/score.h"
#include "respond/verdict.h"
#include "sensors/sensors.h"
#include "util/procfs.h"

#define DIRTY_MAX 256	  /* processes judged per tick; others wait */
#define CONFIG_READ 65536 /* bytes of a config file looked at */

struct sweep {
	struct sensors *s;
	struct proc_cache *pc;
	uint64_t now;
	uint32_t self;
	uint32_t dirty[DIRTY_MAX];
	int n;
};

/*
 * The executable was deleted while the program runs, and nothing took
 * its place: an intruder covering tracks (T1070.004). A package upgrade
 * also leaves running programs on a deleted inode, but puts a new file at
 * the path: that is not counted. One readlink (and a stat when deleted).
 */
static bool exe_unlinked(const struct mw_process *p)
{
	static const char tag[] = " (deleted)";
	char link[PATH_MAX], path[PATH_MAX + 64];
	size_t t = sizeof(tag) - 1;
	struct stat st;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/exe", p->pid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= (ssize_t)t)
		return false;
	link[n] = '\0';
	if (strcmp(link + n - t, tag) != 0)
		return false;
	link[n - t] = '\0';
	snprintf(path, sizeof(path), "/proc/%u/root%s", p->pid, link);
	return stat(path, &st) != 0 && errno == ENOENT;
}

static void sample_one(struct mw_process *p, void *ctx)
{
	struct sweep *w = ctx;
	bool busy = false;

	if (!p->exe || p->pid == w->self || !scope__has(w->s, p) ||
	    cpu__sample(p, w->now, &busy))
		return;
	if (busy && !(p->signals & MW_SIG_CPU_BUSY))
		proc_cache__add_signals(w->pc, p, MW_SIG_CPU_BUSY);
	if (!(p->flags & (MW_PROC_DELETED | MW_PROC_MEMFD)) &&
	    !(p->signals & MW_SIG_EXE_UNLINKED) && exe_unlinked(p))
		proc_cache__add_signals(w->pc, p, MW_SIG_EXE_UNLINKED);
	if ((p->signals & MW_SIG_DIRTY) && w->n < DIRTY_MAX)
		w->dirty[w->n++] = p->pid;
}

/* "pools" or "donate-level" in a JSON file beside the executable. */
static bool miner_config(uint32_t pid, const char *dir)
{
	static const char *const names[] = {"config.json", "config.json.bak",
					    "cfg.json", NULL};
	char path[PATH_MAX + 64], *buf;
	bool found = false;
	int i;

	buf = malloc(CONFIG_READ);
	if (!buf)
		return false;
	for (i = 0; names[i] && !found; i++) {
		snprintf(path, sizeof(path), "/proc/%u/root%s/%s", pid, dir,
			 names[i]);
		if (procfs__read_file(path, buf, CONFIG_READ) > 0)
			found = strstr(buf, "\"pools\"") ||
				strstr(buf, "\"donate-level\"");
	}
	free(buf);
	return found;
}

/* Once per program: the config beside it, its directory's mode. */
static uint32_t place_signals(const struct mw_process *p)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], *slash;
	uint32_t bits = MW_SIG_CONFIG_CHECKED;
	struct stat st;

	if (!p->exe || strlen(p->exe) >= sizeof(dir))
		return bits;
	strcpy(dir, p->exe);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return bits;
	*slash = '\0';
	if (miner_config(p->pid, dir))
		bits |= MW_SIG_CONFIG;
	snprintf(path, sizeof(path), "/proc/%u/root%s", p->pid, dir);
	if (stat(path, &st) == 0 && (st.st_mode & S_IWOTH))
		bits |= MW_SIG_EXE_WW;
	return bits;
}

static void judge_one(struct sensors *s, struct mw_process *p, uint64_t now)
{
	const struct mw_process *chain[SENSORS_MAX_LINEAGE];
	struct mw_behaviour_info b = {0};
	struct mw_event ev = {.kind = MW_KIND_BEHAVIOUR,
			      .ts_ns = now,
			      .proc = p,
			      .behaviour = &b};
	long hz = sysconf(_SC_CLK_TCK);

	if (!(p->signals & MW_SIG_CONFIG_CHECKED))
		proc_cache__add_signals(s->pc, p, place_signals(p));
	p->signals &= ~MW_SIG_DIRTY;
	proc_cache__lineage(s->pc, &ev, chain, SENSORS_MAX_LINEAGE);
	score__compute(&ev, &b);
	if (p->signals & MW_SIG_CPU_BUSY) {
		b.cpu_pct = cpu__busy_pct(p, hz);
		b.busy_s = p->cpu_busy_ns / 1000000000ULL;
	}
	if (b.score <= p->score_judged)
		return;
	p->score_judged = b.score;
	if (s->events)
		reporter__emit(s->rep, report__event(&ev, "behaviour"));
	verdict__judge(s->v, &ev);
}

void behaviour_sensor__tick(struct sensors *s, uint64_t now)
{
	struct sweep w = {
	    .s = s, .pc = s->pc, .now = now, .self = (uint32_t)getpid()};
	struct mw_process *p;
	int i;

	if (s->v) /* incidents gone quiet are summed up */
		incidents__tick(verdict__incidents(s->v), now, false);
	if (now - s->behaviour_last_ns < CPU_SAMPLE_NS)
		return;
	s->behaviour_last_ns = now;
	proc_cache__for_each(s->pc, sample_one, &w);
	/* Judged after the walk: a kill may change the cache. */
	for (i = 0; i < w.n; i++) {
		p = proc_cache__lookup(s->pc, w.dirty[i]);
		if (p && (p->signals & MW_SIG_DIRTY))
			judge_one(s, p, now);
	}
}
