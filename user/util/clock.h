/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util/clock.h - the daemon's two clocks, read in one place.
 */
#ifndef MW_UTIL_CLOCK_H
#define MW_UTIL_CLOCK_H

#include <stdint.h>

/* Milliseconds of CLOCK_MONOTONIC: for intervals, never for timestamps. */
uint64_t clock__now_ms(void);

/*
 * Nanoseconds of CLOCK_BOOTTIME: the clock BPF records are stamped with
 * (bpf_ktime_get_boot_ns(), which keeps counting through suspend). Timers
 * compared with record times (aggregation windows, bursts, expiry) use it.
 */
uint64_t clock__boot_ns(void);

#endif /* MW_UTIL_CLOCK_H */
