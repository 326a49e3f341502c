/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * proc_cache.h - pid -> process record with lineage.
 *
 * Seeded from /proc at start, then kept current by fork/exec/exit records.
 * Records of exited processes linger for a short grace period so that a
 * child's lineage still resolves after its parent is gone; a new process
 * that reuses the pid replaces the record (entity ids differ).
 */
#ifndef MW_PROC_CACHE_H
#define MW_PROC_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/event.h"
#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"

struct proc_cache;

/* Returns NULL on ENOMEM. boot_id seeds the entity ids. */
struct proc_cache *proc_cache__new(void);
void proc_cache__free(struct proc_cache *pc); /* NULL is fine */

/* Walk /proc (or root, for tests) and learn every running process. */
int proc_cache__seed(struct proc_cache *pc, const char *proc_root);

/* Borrowed pointer, valid until the next call that changes the cache. */
struct mw_process *proc_cache__lookup(struct proc_cache *pc, uint32_t pid);

/*
 * Look pid up; when unknown, learn it from /proc (a fork record may have
 * been lost). NULL when the process is gone.
 */
struct mw_process *proc_cache__get(struct proc_cache *pc, uint32_t pid);

/*
 * A kill rule (rule_idx of rule set gen) judged p in enforce mode: mark it
 * so that what it forks (without exec) is judged the same. p must be the
 * cache's own record.
 */
void proc_cache__condemn(struct proc_cache *pc, const struct mw_process *p,
			 int rule_idx, uint32_t gen);

struct mw_process *proc_cache__on_fork(struct proc_cache *pc,
				       const struct mw_hdr *h);
/*
 * Strings are copied; args is args_len bytes of NUL-separated argv;
 * filename is the path given to execve (relative ones are joined to cwd).
 */
struct mw_process *proc_cache__on_exec(struct proc_cache *pc,
				       const struct mw_hdr *h, const char *exe,
				       const char *args, size_t args_len,
				       const char *cwd, const char *filename,
				       uint32_t flags);
void proc_cache__on_exit(struct proc_cache *pc, const struct mw_hdr *h);

/* Drop exited records older than the grace period. now is boot ns. */
void proc_cache__expire(struct proc_cache *pc, uint64_t now_ns);

/*
 * Fill out[] with the ancestors of p (parent first), at most max; stops at
 * pid 0/1 or a broken link. Returns the count.
 */
int proc_cache__ancestors(struct proc_cache *pc, const struct mw_process *p,
			  const struct mw_process **out, int max);

/*
 * Fill ev->parent and ev->ancestors (grandparent first) from the cache.
 * chain has room for max records and must live as long as ev is used.
 */
void proc_cache__lineage(struct proc_cache *pc, struct mw_event *ev,
			 const struct mw_process **chain, int max);

/*
 * Record p's executable digest (hex) when p is one of the cache's own
 * records, so rules on process.hash.sha256 see it on the process's later
 * events. A stand-in or transient record (not in the cache) is left alone.
 * The cache owns its records: this is the only way to write one outside
 * the cache.
 */
void proc_cache__set_sha256(struct proc_cache *pc, const struct mw_process *p,
			    const char hex[MW_SHA256_HEX]);

/*
 * Add enum mw_signal bits (model/behaviour_event.h) to p, marked for the
 * next behaviour judgement, when p is one of the cache's own records (as
 * for proc_cache__set_sha256). Signals of an earlier exec are dropped.
 */
void proc_cache__add_signals(struct proc_cache *pc, const struct mw_process *p,
			     uint32_t bits);

/*
 * A record for a process the cache does not know (an inbound connection
 * has no owner yet; a short-lived one may be gone): what a kernel record's
 * header says, entity id "0". Owned by the caller; points into itself.
 */
void mw_process__standin(struct mw_process *p, uint32_t pid, const char *comm);

unsigned int proc_cache__size(const struct proc_cache *pc);

/* Records at most (the default; proc_cache__set_cap() for tests). */
#define PC_CAP 65536
/*
 * Exited records kept at most, the newest (each for 30 s at most): an exec
 * storm of 5k/s would otherwise hold 150k of them (~100 MiB) for lineage
 * that the last few seconds already give.
 */
#define PC_EXITED_CAP 2048

struct proc_cache_stats {
	uint64_t size, cap; /* records now, and the bound */
	uint64_t exited;    /* ... of which exited, waiting out the grace */
	uint64_t evicted;   /* exited records dropped early for a cap */
	uint64_t over_cap;  /* records made past the cap: all were alive */
	uint64_t reconciled; /* live records found gone in /proc (lost exits) */
};
void proc_cache__stats(const struct proc_cache *pc, struct proc_cache_stats *st);
void proc_cache__set_cap(struct proc_cache *pc, unsigned int cap); /* 0: default */

/*
 * Once a minute from proc_cache__expire(), mark live records whose pid is
 * gone as exited. Only right when the daemon's pids are the kernel's
 * (not in a pid namespace of its own): the caller decides.
 */
void proc_cache__set_reconcile(struct proc_cache *pc, bool on);

/* Call fn for every live record; fn must not change the cache. */
typedef void (*proc_cache_fn)(struct mw_process *p, void *ctx);
void proc_cache__for_each(struct proc_cache *pc, proc_cache_fn fn, void *ctx);

/* Entity id: stable per (boot, pid, start time). Exposed for tests. */
void proc_cache__entity_id(const struct proc_cache *pc, uint32_t pid,
			   uint64_t start_ns, char out[MW_ENTITY_ID_LEN]);

/* Fill a record's argv/cmdline from NUL-separated bytes. Exposed for tests. */
int proc_set_args(struct mw_process *p, const char *args, size_t len);

/* Container id from a /proc/PID/cgroup text ("" when none). For tests. */
void proc_container_id(const char *cgroup_text, char out[65]);

#endif /* MW_PROC_CACHE_H */
