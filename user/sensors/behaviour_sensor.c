// SPDX-License-Identifier: GPL-2.0-only
/*
 * behaviour_sensor.c - the behaviour sensor: no kernel record, a timer.
 * Every CPU_SAMPLE_NS the loop calls behaviour_sensor__tick(): the numbers
 * the sampling thread read since the last tick (cpu_worker.c: one
 * /proc/PID/stat per live process with an executable, the cgroups'
 * cpu.stat) are applied to the cache (model/cpu.c), the next batch is
 * handed over (a copy of pid, start, cgroup: the loop reads no /proc file
 * for it), and a process that became busy, stands for a busy cgroup
 * (model/cgroup_cpu.c), or that another event left a weak signal on
 * (respond/score.c, score__note_match), is scored and, when its score
 * rose, judged as a MW_KIND_BEHAVIOUR event by the rules
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
#include "model/cgroup_cpu.h"
#include "model/cpu.h"
#include "model/proc_cache.h"
#include "report/report.h"
#include "report/reporter.h"
#include "respond/incident.h"
#include "respond/score.h"
#include "respond/verdict.h"
#include "sensors/cpu_worker.h"
#include "sensors/sensors.h"
#include "util/procfs.h"

#define DIRTY_MAX 256	  /* processes judged per tick; others wait */
#define CONFIG_READ 65536 /* bytes of a config file looked at */
#define CG_KEEP 16	  /* busy cgroups kept from one batch */

struct sweep {
	struct sensors *s;
	struct proc_cache *pc;
	uint32_t self;
	struct cpu_job *jobs; /* the next batch for the worker */
	int n_jobs, cap_jobs;
	uint32_t dirty[DIRTY_MAX];
	int n;
};

/* The cgroups the last batch found busy (copies; see judge_one). */
static struct cgroup_busy cg_busy[CG_KEEP];
static char cg_paths[CG_KEEP][256];
static int n_cg_busy;
static struct cpu_job *jobs_buf;
static int jobs_cap;

static bool placed(const struct mw_process *p)
{
	return score__exe_temp(p->exe) || score__exe_hidden(p->exe) ||
	       score__exe_temp(p->exec_path) || score__exe_hidden(p->exec_path);
}

/* One process's numbers from the worker onto its record. */
static void apply_one(const struct cpu_result *r, void *ctx)
{
	static long hz;
	struct sweep *w = ctx;
	struct mw_process *p = proc_cache__lookup(w->pc, r->pid);

	if (!hz)
		hz = sysconf(_SC_CLK_TCK);
	if (!p || r->err || p->start_ns != r->start_ns)
		return; /* gone, or another process under the pid */
	if (cpu__update(p, r->ts_ns, hz, r->cpu_ticks, r->start_ticks,
			r->tty_nr) &&
	    !(p->signals & MW_SIG_CPU_BUSY))
		proc_cache__add_signals(w->pc, p, MW_SIG_CPU_BUSY);
	if (r->unlinked && !(p->signals & MW_SIG_EXE_UNLINKED))
		proc_cache__add_signals(w->pc, p, MW_SIG_EXE_UNLINKED);
}

/* A cgroup busy with no busy process: its stand-in is judged. */
static void cgroup_busy(const struct cgroup_busy *b, void *ctx)
{
	struct sweep *w = ctx;
	struct mw_process *p = proc_cache__lookup(w->pc, b->pid);

	if (n_cg_busy < CG_KEEP) {
		snprintf(cg_paths[n_cg_busy], sizeof(cg_paths[0]), "%s",
			 b->path);
		cg_busy[n_cg_busy] = *b;
		cg_busy[n_cg_busy].path = cg_paths[n_cg_busy];
		n_cg_busy++;
	}
	if (p)
		proc_cache__add_signals(w->pc, p, MW_SIG_CGROUP_BUSY);
}

static const struct cgroup_busy *cgroup_busy_of(uint64_t id)
{
	int i;

	for (i = 0; i < n_cg_busy; i++)
		if (cg_busy[i].cgroup_id == id)
			return &cg_busy[i];
	return NULL;
}

/* The next batch's job for p, and p judged when its signals changed. */
static void snapshot_one(struct mw_process *p, void *ctx)
{
	struct sweep *w = ctx;

	if (!p->exe || p->pid == w->self || !scope__has(w->s, p))
		return;
	if (w->n_jobs < w->cap_jobs)
		w->jobs[w->n_jobs++] = (struct cpu_job){
		    .pid = p->pid,
		    .start_ns = p->start_ns,
		    .cgroup_id = p->cgroup_id,
		    .placed = placed(p),
		    .busy = p->signals & MW_SIG_CPU_BUSY,
		    .check_unlinked =
			!(p->flags & (MW_PROC_DELETED | MW_PROC_MEMFD)) &&
			!(p->signals & MW_SIG_EXE_UNLINKED)};
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
	const struct cgroup_busy *cg;
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
	} else if ((p->signals & MW_SIG_CGROUP_BUSY) &&
		   (cg = cgroup_busy_of(p->cgroup_id))) {
		b.cgroup_path = cg->path;
		b.cgroup_pct = cg->pct;
		b.busy_s = cg->busy_s;
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
	struct sweep w = {.s = s, .pc = s->pc, .self = (uint32_t)getpid()};
	unsigned int want = proc_cache__size(s->pc) + 64;
	struct cpu_job *j;
	struct mw_process *p;
	int i;

	if (s->v) /* incidents gone quiet are summed up */
		incidents__tick(verdict__incidents(s->v), now, false);
	if (now - s->behaviour_last_ns < CPU_SAMPLE_NS)
		return;
	s->behaviour_last_ns = now;
	/* The last batch's numbers, then the next batch and the judging. */
	n_cg_busy = 0;
	cpu_worker__drain(apply_one, cgroup_busy, &w);
	if (want > (unsigned int)jobs_cap) {
		j = realloc(jobs_buf, want * sizeof(*j));
		if (j) {
			jobs_buf = j;
			jobs_cap = (int)want;
		}
	}
	w.jobs = jobs_buf;
	w.cap_jobs = jobs_cap;
	proc_cache__for_each(s->pc, snapshot_one, &w);
	cpu_worker__post(w.jobs, w.n_jobs);
	/* Judged after the walk: a kill may change the cache. */
	for (i = 0; i < w.n; i++) {
		p = proc_cache__lookup(s->pc, w.dirty[i]);
		if (p && (p->signals & MW_SIG_DIRTY))
			judge_one(s, p, now);
	}
}

void behaviour_sensor__stop(void)
{
	cpu_worker__stop();
	free(jobs_buf);
	jobs_buf = NULL;
	jobs_cap = 0;
}
