/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu_worker.h - the behaviour sensor's /proc reads, off the event loop.
 *
 * Every CPU_SAMPLE_NS the loop hands the worker thread a list of the live
 * processes (pid, start, cgroup; copied, no pointer into the cache); the
 * worker reads each /proc/PID/stat (and /proc/PID/exe for the
 * deleted-while-running check) and every cgroup's cpu.stat
 * (model/cgroup_cpu.c, which only this thread uses), and leaves the
 * numbers for the loop, which applies them to the cache at its next tick.
 * Measured here at 6.8 us per process: 2,000 processes are ~14 ms of the
 * worker's time, none of the loop's (it copies ~50 bytes per process).
 */
#ifndef MW_SENSORS_CPU_WORKER_H
#define MW_SENSORS_CPU_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "model/cgroup_cpu.h"

struct cpu_job {
	uint32_t pid;
	uint64_t start_ns, cgroup_id;
	bool placed;	     /* in a temp or hidden place (cgroup stand-in) */
	bool busy;	     /* busy at the last sample */
	bool check_unlinked; /* look whether its executable was deleted */
};

struct cpu_result {
	uint32_t pid;
	uint64_t start_ns; /* the job's: the same process */
	uint64_t ts_ns;	   /* when it was read, boot ns */
	int err;	   /* 0, or -errno: gone */
	unsigned long long cpu_ticks, start_ticks;
	int tty_nr;
	bool unlinked; /* executable deleted, nothing in its place */
};

/*
 * Hand n jobs to the worker (started on first use), sampled at now.
 * -EBUSY while the last batch is not done (the tick is skipped and
 * counted), -ENOMEM, or 0.
 */
int cpu_worker__post(const struct cpu_job *jobs, int n);

/*
 * The results of the last batch when it is done: each through res_fn,
 * each cgroup that became busy through cg_fn. Returns how many results,
 * 0 when none are waiting.
 */
typedef void (*cpu_result_fn)(const struct cpu_result *r, void *ctx);
int cpu_worker__drain(cpu_result_fn res_fn, cgroup_busy_fn cg_fn, void *ctx);

/* Batches skipped because the worker was still busy. */
uint64_t cpu_worker__skipped(void);

/* Stop and join the thread, free its memory (at exit; idempotent). */
void cpu_worker__stop(void);

#endif /* MW_SENSORS_CPU_WORKER_H */
