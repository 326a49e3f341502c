// SPDX-License-Identifier: GPL-2.0-only
/*
 * util/clock.c - the monotonic clock, read in one place (see clock.h).
 */
#include <time.h>

#include "util/clock.h"

uint64_t clock__now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
