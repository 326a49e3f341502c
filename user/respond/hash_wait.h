/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hash_wait.h - processes whose judgement waits for their executable's
 * SHA-256 (respond stage). A rule with an exception on
 * process.hash.sha256 is not judged on an exec whose hash the content
 * worker is still computing: neither fired (the exception may spare it)
 * nor spared (no hash, no exception). The process is remembered here until
 * its content verdict arrives, or until a deadline, when it is judged
 * without the hash: a process is never spared by a hash it does not have.
 */
#ifndef MW_HASH_WAIT_H
#define MW_HASH_WAIT_H

#include <stdbool.h>
#include <stdint.h>

struct hash_wait;

/* How long a judgement waits for a hash before it goes on without. */
#define HASH_WAIT_NS (10ULL * 1000000000ULL)
#define HASH_WAIT_CAP 1024

struct hash_wait *hash_wait__new(unsigned int cap); /* NULL on ENOMEM */
void hash_wait__free(struct hash_wait *hw);	    /* NULL is fine */

/* Wait for (pid, start_ns) until deadline: 0, or -ENOSPC when full. */
int hash_wait__add(struct hash_wait *hw, uint32_t pid, uint64_t start_ns,
		   uint64_t deadline_ns);
bool hash_wait__has(const struct hash_wait *hw, uint32_t pid,
		    uint64_t start_ns);
void hash_wait__del(struct hash_wait *hw, uint32_t pid, uint64_t start_ns);
/* One process past its deadline (left in place): 1, or 0 when none. */
int hash_wait__expired(const struct hash_wait *hw, uint64_t now, uint32_t *pid,
		       uint64_t *start_ns);
unsigned int hash_wait__count(const struct hash_wait *hw);

#endif /* MW_HASH_WAIT_H */
