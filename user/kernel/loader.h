/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loader.h - everything that talks to the kernel's BPF side: environment
 * checks, open/load/attach of the linked object, map updates, counters.
 */
#ifndef MW_LOADER_H
#define MW_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"

struct features;
struct loader;
struct rules;

/* Called for every ring buffer record (telemetry or alert). */
typedef int (*loader_record_fn)(void *ctx, void *data, size_t size);

/*
 * Check what the daemon needs before anything is loaded: root, BTF, the
 * bpf() syscall, tracefs (mounted at /sys/kernel/tracing if absent).
 * Returns 0, or a negative errno with a message in err.
 */
int loader__check_env(char *err, size_t err_len);

/* The kernel rings, as struct loader_opts.ring_bytes indexes them. */
enum { LOADER_RING_EVENTS, LOADER_RING_ALERTS, LOADER_RING_FINDINGS,
       LOADER_RINGS };

/* How to load: all fields optional (zero means off / default). */
struct loader_opts {
	bool verbose;	     /* libbpf info/debug messages on stderr */
	const char *pin_dir; /* pin maps and links here and adopt what a
			      * previous daemon pinned; NULL: no pinning */
	const char *cgroup;  /* cgroup v2 directory: watch only its subtree */
	/* Bytes of the mw_events, mw_alerts and mw_findings rings (0: the
	 * built-in 8, 1 and 2 MiB); powers of two, page multiples. */
	uint32_t ring_bytes[LOADER_RINGS];
};

#define LOADER_DEFAULT_PIN_DIR "/sys/fs/bpf/minerwatch"

/*
 * Open, load and attach every program; the records reach fn(ctx, ...).
 * With a pin dir holding a previous daemon's state, its maps (deny lists,
 * counters, ring buffers with what happened meanwhile) are reused and its
 * links replaced by ours without a moment when none is attached.
 * On success *out is the caller's (free with loader__destroy()).
 */
int loader__open(const struct loader_opts *lo, loader_record_fn fn, void *ctx,
		 struct loader **out, char *err, size_t err_len);
/*
 * Detach and free. With pinning the pinned links stay attached (the kernel
 * keeps killing while no daemon runs) and only the self filter is cleared.
 * NULL is fine.
 */
void loader__destroy(struct loader *ld);

/* The rings' sizes in bytes: {"events": N, "alerts": N, "findings": N}. */
json_t *loader__rings_json(const struct loader *ld);

/* True when this load adopted the pinned state of a previous daemon. */
bool loader__adopted(const struct loader *ld);

/* The daemon's tgid as the hooks see it (differs from getpid() in a pid
 * namespace). */
uint32_t loader__self_tgid(const struct loader *ld);

/*
 * Remove everything pinned under pin_dir (links first: that detaches them,
 * unless a running daemon still holds them), then the directory. Returns the
 * number of pins removed, or a negative errno with a message in err.
 */
int loader__detach_all(const char *pin_dir, char *err, size_t err_len);

/* Wait up to timeout_ms for records and dispatch them. */
int loader__poll(struct loader *ld, int timeout_ms);

/*
 * Dispatch the telemetry records already written (exec, fork, exit,
 * network). Call from a finding's handler before judging it, so the
 * process it names is the one the kernel saw. Not re-entrant for
 * telemetry handlers themselves.
 */
int loader__sync(struct loader *ld);
/* Records skipped because one that wrapped could not be joined (ENOMEM). */
uint64_t loader__rings_unjoined(const struct loader *ld);

/*
 * Write the settings map. self_tgid is the caller's getpid(); the loader
 * replaces it with the tgid the kernel sees when it could learn that.
 */
int loader__set_config(struct loader *ld, bool enforce, uint32_t self_tgid);

/*
 * A stratum flow the kernel handed over was found in userspace
 * (kernel/stratum_cut.c): stop forwarding it, and cut it where the
 * kernel's own path would. ctx is the struct loader (a net_stratum_fn).
 * Returns 1 when the flow will be cut, 0 when not, < 0 on error.
 */
int loader__stratum_decided(void *ctx, uint64_t cookie);

/*
 * Compare the settings map with what loader__set_config() wrote; restore
 * ours when it differs. 1 (found/want filled), 0 (same), or -errno.
 */
struct mw_config;
int loader__config_check(struct loader *ld, struct mw_config *found,
			 struct mw_config *want);

/*
 * Replace the in-kernel deny entries with those derived from rs. gen tags
 * the entries so a record can be tied to the rule set that denied it.
 */
int loader__apply_rules(struct loader *ld, const struct rules *rs, uint32_t gen,
			int *n_names);

/*
 * Block connects to addr (a /32 or /128) under rule_idx: an address a DNS
 * answer gave for a domain a block rule names. Pruned like the rest of
 * gen's entries on the next loader__apply_rules(). 0 or negative errno.
 */
int loader__net_block_addr(struct loader *ld, int family, const uint8_t *addr,
			   int rule_idx, uint32_t gen);

/* Entries the last loader__apply_rules() put in the file watch maps. */
int loader__file_watch_count(const struct loader *ld);
/*
 * With all (--events: every file record streamed), no file operation is
 * skipped; otherwise loader__apply_rules() lets the kernel skip the ones
 * no rule can match (chown with the default rules). The skipped ones, as
 * bits 1 << enum mw_file_op.
 */
void loader__all_file_ops(struct loader *ld, bool all);
uint32_t loader__file_ops_off(const struct loader *ld);

/*
 * The in-kernel fold (bpf/fold.bpf.h): for every pair that sent no record
 * for a window (all: every pair, at exit) and holds repeats, take them
 * from the map and call fn(ctx, key, count). fold_drain.c. Returns the
 * pairs drained or a negative errno (-EOPNOTSUPP: no drain program).
 */
typedef void (*loader_fold_fn)(void *ctx, const struct mw_fold_key *key,
			       uint64_t count);
int loader__fold_drain(struct loader *ld, bool all, loader_fold_fn fn,
		       void *ctx);

/*
 * The file sensor's identity map (file_anchors.c): _apply() rebuilds the
 * list of anchored paths from the file rules and /etc/passwd and writes
 * their identities; _refresh() re-reads them and rewrites the map when one
 * changed (a watched directory replaced). 0 or a negative errno.
 */
int loader__file_anchors_apply(struct loader *ld, const struct rules *rs);
int loader__file_anchors_refresh(struct loader *ld);
/*
 * The daemon's name for the object (dev as stat() gives it, inode) when it
 * is one of the anchors, into buf ("" for "/"). 0, -ENOENT when it is not
 * one, -ENAMETOOLONG when buf is too small.
 */
int loader__file_anchor_name(struct loader *ld, uint64_t dev, uint64_t ino,
			     char *buf, size_t n);

/*
 * Symbolic links into watched places (file_aliases.c). _add(): the link
 * (absolute, normalized) now names target (its contents joined to its
 * directory, normalized); kept, and watched in the kernel, when target is
 * a directory the file rules care about: 0, -ENOENT when it is not.
 * _resolve(): path through such links by the real names, into out: 0,
 * -ENOENT when no link is on it. _add() is called for each such link
 * the kernel sent (MW_FILE_SYMLINK_OUT), alias or not: it ends the
 * kernel's watch on the link until judged (link.bpf.c). The kernel also
 * sends the link's own
 * renames and removal (an exact entry), for _moved().
 */
int loader__file_alias_add(struct loader *ld, const char *link,
			   const char *target);
int loader__file_alias_resolve(struct loader *ld, const char *path,
			       char *out, size_t n);
/*
 * A by-name rename (to: the new name) or unlink (to NULL) of from: an
 * alias link renamed moves with it, one removed or renamed over is
 * dropped. 0 when an alias changed, -ENOENT when none was concerned.
 */
int loader__file_alias_moved(struct loader *ld, const char *from,
			     const char *to);
void loader__file_alias_stats(uint64_t *added, uint64_t *evicted, int *live);
/*
 * Links the kernel watches until judged (mw_file_links_pending): _add()
 * above removes the link's entry once its alias, if any, is in place;
 * _sweep() removes those older than a few seconds (their record was
 * lost), counted in _expired(), which also gives the entries left at the
 * last sweep (pending: a link is judged within milliseconds, so a number
 * that stays up says links are not).
 */
void loader__file_links_sweep(struct loader *ld);
/* The kernel's watch on link (absolute, normalized) until judged ends. */
void loader__file_link_judged(struct loader *ld, const char *link);
uint64_t loader__file_links_expired(int *pending);

/* Sum the per-CPU counters into out[MW_STAT_MAX]. */
int loader__read_stats(struct loader *ld, uint64_t *out);

/* Comma-separated hook names in use, e.g. "tp_btf/sched_process_exec,...". */
const char *loader__hooks(const struct loader *ld);

/* What the start-up probe found (see kernel_features.h). Borrowed. */
const struct features *loader__features(const struct loader *ld);
/* True when the lsm/ programs are attached: deny refuses, not kills. */
bool loader__lsm(const struct loader *ld);
/*
 * The hook chosen per concern: {"exec": "tp_btf/sched_process_exec",
 * "exec_deny": "lsm/bprm_check_security" | "tp_btf+SIGKILL",
 * "connect_deny": ..., "file_deny": ..., "programs": [...]}. A new
 * reference, owned by the caller.
 */
json_t *loader__hooks_json(const struct loader *ld);

/*
 * Deny entries for the lsm/ hooks (refused with EPERM in enforce mode when
 * BPF-LSM is loaded; without it they do nothing). rule_idx -1 marks an
 * entry from the command line. family is 4 or 6, addr in network order.
 * loader__protect_path() protects the file or directory path resolves to
 * now (its inode: a file replaced later is not covered).
 */
int loader__deny_net(struct loader *ld, int family, const uint8_t *addr,
		     int prefixlen, int rule_idx, uint32_t gen);
int loader__deny_port(struct loader *ld, uint16_t port, int rule_idx,
		      uint32_t gen);
int loader__protect_path(struct loader *ld, const char *path, int rule_idx,
			 uint32_t gen);

#endif /* MW_LOADER_H */
