/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * prevent.h - reports for what the BPF-LSM hooks refused (connects, writes
 * to protected files). Refused execs are exec records and go through the
 * rule engine like any exec (monitor.c).
 */
#ifndef MW_PREVENT_H
#define MW_PREVENT_H

#include <stddef.h>

#include <jansson.h>

struct loader;
struct monitor_opts;
struct proc_cache;
struct rules;

/*
 * Fill the lsm/ maps from --deny-connect and --protect-path (they mean
 * something only where BPF-LSM is loaded: a warning says so otherwise).
 * Returns 0, or a negative errno after a message on stderr.
 */
int prevent__setup(struct loader *ld, const struct monitor_opts *o);

/*
 * Turn one struct mw_deny_event into a `block` event (event.outcome
 * success: the kernel returned EPERM), or in detect mode into an alert
 * with minerwatch.response.taken false. *doc is a new reference owned by the
 * caller. Returns 0, or -EINVAL for a malformed record.
 */
int prevent__handle(struct proc_cache *pc, const struct rules *rs,
		    const void *data, size_t size, json_t **doc);

#endif /* MW_PREVENT_H */
