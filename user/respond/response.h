/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * response.h - acting on a verdict from userspace.
 */
#ifndef MW_RESPONSE_H
#define MW_RESPONSE_H

#include "model/event.h"

/*
 * SIGKILL the process p, through a pidfd so a pid reused since the event
 * is never hit (the start time is checked against p->start_ns after the
 * pidfd pins the process). Refuses pid 0, 1 and ourselves.
 * Returns 0, -ESRCH (gone or reused), or another negative errno.
 */
int response__kill(const struct mw_process *p);

#endif /* MW_RESPONSE_H */
