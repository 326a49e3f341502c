/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util/boottime.h - now, on the clock the kernel stamps records with.
 *
 * BPF records carry bpf_ktime_get_boot_ns(): CLOCK_BOOTTIME, which keeps
 * counting through suspend. Userspace timers that are compared with record
 * times (aggregation windows, bursts, expiry) must use the same clock.
 */
#ifndef MW_UTIL_BOOTTIME_H
#define MW_UTIL_BOOTTIME_H

#include <stdint.h>
#include <time.h>

static inline uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

#endif /* MW_UTIL_BOOTTIME_H */
