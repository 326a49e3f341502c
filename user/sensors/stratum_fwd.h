/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stratum_fwd.h - the userspace continuation of the kernel's stratum
 * recogniser (issue 14): flows still undecided at the kernel's budget are
 * handed over (bpf/net_stratum_fwd.bpf.h) and read on here, with the same
 * parser (bpf/stratum.h), one MW_NET_STRATUM_FWD record at a time.
 */
#ifndef MW_STRATUM_FWD_H
#define MW_STRATUM_FWD_H

#include <stdint.h>

#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"

struct stratum_fwd;

/* What became of the flows (all counts since start). */
struct stratum_fwd_stats {
	uint64_t flows;	  /* handed over (FWD_START records) */
	uint64_t matched; /* found stratum here */
	uint64_t spent;	  /* the kernel's forwarding budget ran out */
	uint64_t expired; /* idle past the timeout: freed, undecided */
	uint64_t evicted; /* table full: an active flow dropped (a loss) */
	uint64_t orphans; /* bytes of a flow not held (its start lost or
			     evicted): read from its next line on */
	uint64_t bad;	  /* malformed records */
};

/* Defaults: flows held at once, and idle time before one is freed. */
#define STRATUM_FWD_CAP 1024
#define STRATUM_FWD_IDLE_NS (60ULL * 1000000000ULL)

/* NULL on ENOMEM; cap is rounded up to a multiple of the ways (4). */
struct stratum_fwd *stratum_fwd__new(unsigned int cap, uint64_t idle_ns);
void stratum_fwd__free(struct stratum_fwd *t); /* NULL is fine */

/*
 * One MW_NET_STRATUM_FWD record (its size already checked against
 * data_len). Returns the enum mw_stratum_method when this record decided
 * the flow (once per flow), 0 when not, -EINVAL when malformed (counted).
 */
int stratum_fwd__record(struct stratum_fwd *t, const struct mw_net_event *e);

/* Free the flows idle since before now - idle (the loop's tick). */
void stratum_fwd__expire(struct stratum_fwd *t, uint64_t now);

unsigned int stratum_fwd__count(const struct stratum_fwd *t);
void stratum_fwd__stats(const struct stratum_fwd *t,
			struct stratum_fwd_stats *st);

#endif /* MW_STRATUM_FWD_H */
