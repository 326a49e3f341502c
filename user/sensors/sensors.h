/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sensors.h - the sensors' userspace halves: one kernel record in, one
 * judged event out.
 *
 * Each handler decodes its record (decode.c, net.c), brings the process
 * model up to date and fills the event's process and lineage from it
 * (model/proc_cache.c), streams the raw event when --events asked for it,
 * and hands the event to the respond stage (respond/verdict.c). Handlers
 * are called by the loop's dispatch (app/monitor.c) in ring order.
 */
#ifndef MW_SENSORS_H
#define MW_SENSORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"

struct mw_process;

struct file_fold;
struct content;
struct net_state;
struct proc_cache;
struct reporter;
struct verdict;

/* What every handler works with; all borrowed from the loop. */
struct sensors {
	struct proc_cache *pc; /* the process model */
	struct net_state *net; /* DNS names, bursts */
	struct verdict *v;     /* rules and response */
	struct reporter *rep;  /* raw events (--events) */
	struct content *content; /* executables to identify (may be NULL) */
	bool events;	       /* stream raw events too */
	uint64_t bad_records;  /* malformed records (never expected) */
	struct file_fold *fold;	 /* file_sensor.c's own: last record per pair */
	uint64_t fold_untracked; /* drained repeats with no record to name */
	uint64_t behaviour_last_ns; /* last CPU sample (behaviour_sensor.c) */
	char scope[4096];	    /* --cgroup below its mount; "" for all */
	bool anchors_stale;	    /* file_sensor.c: a watched place renamed,
				     * unlinked or mounted on since ... */
	uint64_t anchors_ns;	    /* ... the last refresh (boot ns) */
	/*
	 * The daemon's name of an anchored object (stat()'s dev, inode),
	 * for strings through /proc/PID/root (file_proc_root.c): 0, or
	 * non-zero when it is none. NULL: such strings stay as given.
	 */
	int (*anchor_name)(void *ctx, uint64_t dev, uint64_t ino, char *buf,
			   size_t n);
	/*
	 * Symbolic links into watched places (kernel/file_aliases.c): a
	 * link learnt (0 when kept), a by-name path through one by its real
	 * name (0 when it went through one). NULL: none kept.
	 */
	int (*alias_add)(void *ctx, const char *link, const char *target);
	int (*alias_resolve)(void *ctx, const char *path, char *out, size_t n);
	/* ... and such a link renamed (to: its new name) or removed (NULL) */
	int (*alias_moved)(void *ctx, const char *from, const char *to);
	/* ... and a link judged: the kernel's watch on it until then ends */
	void (*link_judged)(void *ctx, const char *link);
	void *anchor_ctx; /* the callbacks' ctx */
	uint64_t proc_root_unresolved; /* ... left as given (counted) */
	uint64_t proc_root_window_ns;  /* ... /proc scans: this second's */
	uint32_t proc_root_scans;      /* ... and how many in it */
};

/*
 * scope.c: --cgroup for the processes learned from /proc rather than from
 * the (already filtered) kernel. _init: 0, or -1 when the directory is on
 * no cgroup2 mount. _has: true without a scope.
 */
int scope__init(struct sensors *s, const char *cgroup_dir);
bool scope__has(struct sensors *s, struct mw_process *p);

/* Lineage depth carried on an event (parent, grandparent, ...). */
#define SENSORS_MAX_LINEAGE 16

/* exec_sensor.c: MW_EV_EXEC (ran, or refused by BPF-LSM) and MW_EV_EXIT. */
void exec_sensor__exec(struct sensors *s, const void *data, size_t size);
void exec_sensor__exit(struct sensors *s, const void *data, size_t size);
/* A fork record (validated header): into the cache; a judged miner's fork
 * is judged as it was. */
void exec_sensor__fork(struct sensors *s, const struct mw_hdr *h);
/*
 * Judge every process that was running before we attached, once (seeded
 * from /proc): a miner already at work when the agent is installed is the
 * incident's case. self is our own pid, never judged.
 */
void exec_sensor__running(struct sensors *s, uint32_t self);

/* file_sensor.c: MW_EV_FILE, a change to a watched file. */
void file_sensor__record(struct sensors *s, const void *data, size_t size);
/*
 * Repeats of a pair the kernel folded and no record carried (the loop runs
 * the kernel's drain with this; ctx is the struct sensors): reported
 * against the pair's last record. Then forget the records the drain has
 * passed (before now_ns minus the window; UINT64_MAX: all), and at the end
 * free what the sensor holds.
 */
void file_sensor__drained(void *ctx, const struct mw_fold_key *key,
			  uint64_t count);
void file_sensor__fold_expire(struct sensors *s, uint64_t now_ns);
void file_sensor__free(struct sensors *s);
/*
 * Is a refresh of the file anchors due now? After a record that may have
 * replaced a watched place (rename, unlink, mount), at most every 100 ms.
 */
bool file_sensor__anchors_due(struct sensors *s, uint64_t now_ns);

/* net_sensor.c: MW_EV_NET, and the scan/brute-force bursts that ended. */
void net_sensor__record(struct sensors *s, const void *data, size_t size);
void net_sensor__bursts(struct sensors *s, uint64_t now_ns);

/*
 * behaviour_sensor.c: a timer, not a record: sample CPU every 2.5 s and
 * judge the processes whose weak signals changed (MW_KIND_BEHAVIOUR).
 */
void behaviour_sensor__tick(struct sensors *s, uint64_t now_ns);
void behaviour_sensor__stop(void); /* its sampling thread (cpu_worker.c) */
/* drop_sensor.c: after each exec, a program run right after a downloader. */
void drop_sensor__exec(struct sensors *s, uint32_t pid, uint64_t ts_ns);

/* lsm_sensor.c: MW_EV_DENY, a connect or file write BPF-LSM refused. */
void lsm_sensor__record(struct sensors *s, const void *data, size_t size);

#endif /* MW_SENSORS_H */
