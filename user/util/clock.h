/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util/clock.h - the monotonic clock in the unit timers and backoffs use.
 */
#ifndef MW_UTIL_CLOCK_H
#define MW_UTIL_CLOCK_H

#include <stdint.h>

/* Milliseconds of CLOCK_MONOTONIC: for intervals, never for timestamps. */
uint64_t clock__now_ms(void);

#endif /* MW_UTIL_CLOCK_H */
