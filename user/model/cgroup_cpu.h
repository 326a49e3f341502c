/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cgroup_cpu.h - CPU behaviour of a cgroup (a container, a service, a
 * session scope) as a whole: a miner split into many short processes, or
 * restarted every few seconds, never keeps one process busy, but its
 * cgroup is. Sampled with the processes (sensors/behaviour_sensor.c): one
 * read of the cgroup2 `cpu.stat` (usage_usec counts the processes that
 * already exited too) per cgroup that has a tracked process, per sample.
 * Busy by the rule of model/cpu.h (CPU_BUSY_WINDOW_NS at CPU_BUSY_PCT of
 * a core, no interval below CPU_ACTIVE_PCT). The root cgroup is never
 * judged (it is the whole machine).
 */
#ifndef MW_MODEL_CGROUP_CPU_H
#define MW_MODEL_CGROUP_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "model/event.h"

#define CGROUP_CPU_MAX 512 /* cgroups followed at once */

struct cgroup_busy {
	uint32_t pid;	  /* the process that stands for the cgroup */
	uint64_t cgroup_id;
	int pct;	  /* % of one core over the busy run */
	uint64_t busy_s;
	const char *path; /* below the cgroup2 mount ("/a/b") */
};

/* A sweep: begin, see every live process, end. */
void cgroup_cpu__begin(void);
/*
 * p is alive (busy: p itself is busy, model/cpu.c). The cgroup's stand-in
 * is its oldest process in a temp or hidden place if any, else its oldest
 * (the spawner, rather than one of the short-lived processes it starts).
 */
void cgroup_cpu__see(const struct mw_process *p, bool busy, bool placed);
/*
 * Read the usage of every cgroup seen, at now (boot ns). Calls fn for
 * each cgroup busy with no busy process of its own; forgets cgroups not
 * seen. Returns the number of cgroups followed.
 */
typedef void (*cgroup_busy_fn)(const struct cgroup_busy *b, void *ctx);
int cgroup_cpu__end(uint64_t now_ns, cgroup_busy_fn fn, void *ctx);

/* The busy run of cgroup_id handed to fn, while it lasts. */
bool cgroup_cpu__busy_of(uint64_t cgroup_id, struct cgroup_busy *b);

/*
 * Pure: a cgroup's usage (us) at now; returns true when busy. *state is
 * {last usage us, last ts ns, busy ns, busy us}; all zero at first.
 */
bool cgroup_cpu__update(uint64_t state[4], uint64_t usage_us, uint64_t now_ns);

#endif /* MW_MODEL_CGROUP_CPU_H */
