/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loader.h - everything that talks to the kernel's BPF side: environment
 * checks, open/load/attach of the linked object, map updates, counters.
 */
#ifndef MW_LOADER_H
#define MW_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"

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

/*
 * Open, load and attach every program; the records reach fn(ctx, ...).
 * On success *out is the caller's (free with loader__destroy()).
 */
int loader__open(bool verbose, loader_record_fn fn, void *ctx,
		 struct loader **out, char *err, size_t err_len);
void loader__destroy(struct loader *ld);	/* NULL is fine */

/* Wait up to timeout_ms for records and dispatch them. */
int loader__poll(struct loader *ld, int timeout_ms);

int loader__set_config(struct loader *ld, bool enforce, uint32_t self_tgid);

/*
 * Replace the in-kernel deny entries with those derived from rs. gen tags
 * the entries so a record can be tied to the rule set that denied it.
 */
int loader__apply_rules(struct loader *ld, const struct rules *rs,
			 uint32_t gen, int *n_names);

/* Entries the last loader__apply_rules() put in the file watch maps. */
int loader__file_watch_count(const struct loader *ld);

/* Sum the per-CPU counters into out[MW_STAT_MAX]. */
int loader__read_stats(struct loader *ld, uint64_t *out);

/* Comma-separated hook names in use, e.g. "tp_btf/sched_process_exec,...". */
const char *loader__hooks(const struct loader *ld);

#endif /* MW_LOADER_H */
