// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu_worker.c - the behaviour sensor's sampling thread (see cpu_worker.h).
 *
 * One batch in flight: the loop posts jobs only when the last batch was
 * drained, so the worker and the loop never touch the same array at the
 * same time; the mutex guards the hand-over (state, counts), the condition
 * wakes the worker. One daemon per process: the state is the module's.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sensors/cpu_worker.h"
#include "util/clock.h"
#include "util/procfs.h"

#define CG_BUSY_MAX 16 /* cgroups reported busy per batch */

enum state { IDLE, POSTED, DONE };

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	bool started, stop;
	enum state state;
	struct cpu_job *jobs;
	struct cpu_result *res;
	int n, cap;
	struct cgroup_busy cg[CG_BUSY_MAX];
	char cg_path[CG_BUSY_MAX][256];
	int n_cg;
	uint64_t skipped;
} w = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

/*
 * The executable was deleted while the program runs, and nothing took
 * its place: an intruder covering tracks (T1070.004). A package upgrade
 * also leaves running programs on a deleted inode, but puts a new file at
 * the path: that is not counted. One readlink (and a stat when deleted).
 */
static bool exe_unlinked(uint32_t pid)
{
	static const char tag[] = " (deleted)";
	char link[PATH_MAX], path[PATH_MAX + 64];
	size_t t = sizeof(tag) - 1;
	struct stat st;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/exe", pid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= (ssize_t)t)
		return false;
	link[n] = '\0';
	if (strcmp(link + n - t, tag) != 0)
		return false;
	link[n - t] = '\0';
	snprintf(path, sizeof(path), "/proc/%u/root%s", pid, link);
	return stat(path, &st) != 0 && errno == ENOENT;
}

static void sample(const struct cpu_job *j, struct cpu_result *r)
{
	struct procfs_stat st;

	memset(r, 0, sizeof(*r));
	r->pid = j->pid;
	r->start_ns = j->start_ns;
	r->ts_ns = clock__boot_ns();
	r->err = procfs__stat(NULL, j->pid, &st);
	if (r->err)
		return;
	r->cpu_ticks = st.cpu_ticks;
	r->start_ticks = st.start_ticks;
	r->tty_nr = st.tty_nr;
	r->unlinked = j->check_unlinked && exe_unlinked(j->pid);
}

/* A cgroup became busy: copied (its path lives in the worker's table). */
static void cg_keep(const struct cgroup_busy *b, void *ctx)
{
	if (w.n_cg >= CG_BUSY_MAX)
		return;
	snprintf(w.cg_path[w.n_cg], sizeof(w.cg_path[0]), "%s", b->path);
	w.cg[w.n_cg] = *b;
	w.cg[w.n_cg].path = w.cg_path[w.n_cg];
	w.n_cg++;
}

static void batch(void)
{
	int i;

	cgroup_cpu__begin();
	for (i = 0; i < w.n; i++) {
		sample(&w.jobs[i], &w.res[i]);
		if (!w.res[i].err)
			cgroup_cpu__see(&(struct mw_process){
					    .pid = w.jobs[i].pid,
					    .start_ns = w.jobs[i].start_ns,
					    .cgroup_id = w.jobs[i].cgroup_id},
					w.jobs[i].busy, w.jobs[i].placed);
	}
	w.n_cg = 0;
	cgroup_cpu__end(clock__boot_ns(), cg_keep, NULL);
}

static void *worker(void *arg)
{
	pthread_mutex_lock(&w.mu);
	for (;;) {
		while (!w.stop && w.state != POSTED)
			pthread_cond_wait(&w.cv, &w.mu);
		if (w.stop)
			break;
		/* The arrays are ours until DONE: read without the lock. */
		pthread_mutex_unlock(&w.mu);
		batch();
		pthread_mutex_lock(&w.mu);
		w.state = DONE;
	}
	pthread_mutex_unlock(&w.mu);
	return NULL;
}

static int grow(int n)
{
	struct cpu_job *j;
	struct cpu_result *r;
	int cap = w.cap ? w.cap : 1024;

	while (cap < n)
		cap *= 2;
	if (cap == w.cap)
		return 0;
	j = realloc(w.jobs, cap * sizeof(*j));
	if (!j)
		return -ENOMEM;
	w.jobs = j;
	r = realloc(w.res, cap * sizeof(*r));
	if (!r)
		return -ENOMEM;
	w.res = r;
	w.cap = cap;
	return 0;
}

int cpu_worker__post(const struct cpu_job *jobs, int n)
{
	int err = 0;

	pthread_mutex_lock(&w.mu);
	if (w.state != IDLE) {
		w.skipped++;
		pthread_mutex_unlock(&w.mu);
		return -EBUSY;
	}
	if (!w.started) {
		err = -pthread_create(&w.th, NULL, worker, NULL);
		w.started = !err;
	}
	if (!err)
		err = grow(n);
	if (!err) {
		memcpy(w.jobs, jobs, n * sizeof(*jobs));
		w.n = n;
		w.state = POSTED;
		pthread_cond_signal(&w.cv);
	}
	pthread_mutex_unlock(&w.mu);
	return err;
}

int cpu_worker__drain(cpu_result_fn res_fn, cgroup_busy_fn cg_fn, void *ctx)
{
	int i, n;

	pthread_mutex_lock(&w.mu);
	if (w.state != DONE) {
		pthread_mutex_unlock(&w.mu);
		return 0;
	}
	pthread_mutex_unlock(&w.mu);
	/* DONE: the worker waits for the next post; the arrays are ours. */
	for (i = 0; i < w.n; i++)
		res_fn(&w.res[i], ctx);
	for (i = 0; i < w.n_cg; i++)
		cg_fn(&w.cg[i], ctx);
	n = w.n;
	pthread_mutex_lock(&w.mu);
	w.state = IDLE;
	pthread_mutex_unlock(&w.mu);
	return n;
}

uint64_t cpu_worker__skipped(void)
{
	uint64_t n;

	pthread_mutex_lock(&w.mu);
	n = w.skipped;
	pthread_mutex_unlock(&w.mu);
	return n;
}

void cpu_worker__stop(void)
{
	pthread_mutex_lock(&w.mu);
	w.stop = true;
	pthread_cond_signal(&w.cv);
	pthread_mutex_unlock(&w.mu);
	if (w.started)
		pthread_join(w.th, NULL);
	w.started = false;
	free(w.jobs);
	free(w.res);
	w.jobs = NULL;
	w.res = NULL;
	w.cap = w.n = 0;
	w.state = IDLE;
	w.stop = false;
}
