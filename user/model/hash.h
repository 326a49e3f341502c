/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hash.h - SHA-256 of executables, for alerts (process.hash.sha256).
 */
#ifndef MW_HASH_H
#define MW_HASH_H

#include <stddef.h>

#include "model/event.h"

/*
 * Pin p's executable for hashing: an fd on /proc/PID/exe, which still
 * reaches a deleted or memfd executable, falling back to p->exe when the
 * process is gone. -1 when p->sha256 is known already or nothing could be
 * opened. Split from hash__file() so that a kill never waits for a digest:
 * pin, kill, then digest.
 */
int hash__open(const struct mw_process *p);

/*
 * Digest the regular file behind fd into hex (NUL-terminated; "" on
 * failure) and close fd (fd < 0 is allowed: -ENOENT). Results are cached
 * per file identity (dev, inode, size, mtime), so a miner restarted by cron
 * every minute is read once. Files over 256 MiB are not hashed (-EINVAL).
 * Returns 0 or a negative errno.
 */
int hash__file(int fd, char hex[MW_SHA256_HEX]);

/*
 * Digest len bytes at buf into hex (the content worker reads a file once
 * and both hashes and scans those bytes). Returns 0 or -EIO.
 */
int hash__buf(const void *buf, size_t len, char hex[MW_SHA256_HEX]);

/*
 * A digest fed a piece at a time (the content worker reads big files a
 * window at a time). NULL on ENOMEM; end() frees and is NULL-safe, giving
 * "" and -EIO then.
 */
struct hash_stream;
struct hash_stream *hash__stream_new(void);
void hash__stream_add(struct hash_stream *h, const void *buf, size_t len);
int hash__stream_end(struct hash_stream *h, char hex[MW_SHA256_HEX]);

#endif /* MW_HASH_H */
