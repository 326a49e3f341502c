/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hash.h - SHA-256 of executables, for alerts (process.hash.sha256).
 */
#ifndef MW_HASH_H
#define MW_HASH_H

#include "model/event.h"

/*
 * Fill p->sha256 (hex) when empty: read through /proc/PID/exe, which still
 * reaches a deleted or memfd executable, falling back to p->exe when the
 * process is gone. Results are cached per file identity (dev, inode, size,
 * mtime), so a miner restarted by cron every minute is read once. Files over
 * 256 MiB are not hashed. Returns 0 or a negative errno.
 */
int hash__process(struct mw_process *p);

/*
 * Split form for when the process is about to be killed: hash__open()
 * pins the executable (an fd, or -1), hash__finish() digests it and closes
 * the fd, so the kill never waits for the digest.
 */
int hash__open(const struct mw_process *p);
int hash__finish(struct mw_process *p, int fd);

#endif /* MW_HASH_H */
