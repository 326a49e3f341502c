/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu.h - CPU behaviour of the processes the cache tracks: one read of
 * /proc/PID/stat per process per sample (utime + stime, the controlling
 * terminal), kept on the process record.
 *
 * A process is busy when, over a run of samples each at least
 * CPU_ACTIVE_PCT of one core, it has used on average CPU_BUSY_PCT of a
 * core for CPU_BUSY_WINDOW_NS. Its first sample covers its whole life, so
 * a miner started 15 s ago at full speed is busy at once, and one that was
 * already running when we started too. Defaults: sampled every 2.5 s,
 * busy after 15 s at >= 75% of a core (no interval below 50%): a stealthy
 * one-thread miner is caught 15-18 s after its start. Threads count
 * together (the stat file is the thread group's).
 */
#ifndef MW_MODEL_CPU_H
#define MW_MODEL_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "model/event.h"

#define CPU_SAMPLE_NS (2500ULL * 1000000ULL)
#define CPU_BUSY_WINDOW_NS (15ULL * 1000000000ULL)
#define CPU_BUSY_PCT 75
#define CPU_ACTIVE_PCT 50

/*
 * Sample p at now (boot ns) with the given /proc/PID/stat numbers (ticks
 * of hz per second; start_ticks checks it is still the same process).
 * Returns true when p is busy (see above). Pure: the caller reads /proc.
 */
bool cpu__update(struct mw_process *p, uint64_t now_ns, long hz,
		 unsigned long long cpu_ticks, unsigned long long start_ticks,
		 int tty_nr);

/* Read /proc/PID/stat and cpu__update(). -errno when it cannot be read. */
int cpu__sample(struct mw_process *p, uint64_t now_ns, bool *busy);

/* % of one core over the current busy run (0 when none). */
int cpu__busy_pct(const struct mw_process *p, long hz);

#endif /* MW_MODEL_CPU_H */
