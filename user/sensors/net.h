/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * net.h - userspace half of the network sensor: decodes MW_EV_NET records
 * into struct mw_net_info, keeps the address -> name map learned from DNS
 * answers, and feeds the burst detectors (scan, brute force).
 */
#ifndef MW_NET_H
#define MW_NET_H

#include <stddef.h>
#include <stdint.h>

#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"
#include "sensors/net_burst.h"
#include "model/net_event.h"

struct net_state;

/* Called for each (name, address) a DNS answer taught us. */
typedef void (*net_learn_fn)(void *ctx, const char *name, int family,
			     const uint8_t *addr);

/* NULL on ENOMEM. bp NULL for the default burst thresholds. */
struct net_state *net__new(const struct burst_params *bp);
void net__free(struct net_state *ns); /* NULL is fine */

/*
 * Decode one MW_EV_NET record. Returns 0 with *info filled for an event to
 * judge (strings in info point into ns or static storage, valid until the
 * next call), 1 when the record was consumed (a DNS answer: learn is
 * called per address), -EINVAL when malformed.
 */
/*
 * The pid the next decoded connect counts for in the fan-out and
 * brute-force windows (0: the record's own): the process's image_pid, so
 * a tool that forks workers (hydra) is one burst, not one per worker.
 */
void net__set_burst_pid(struct net_state *ns, uint32_t pid);

int net__decode(struct net_state *ns, const void *data, size_t size,
		struct mw_net_info *info, net_learn_fn learn, void *ctx);

/* The name addr was learned under, or NULL. */
const char *net__domain(struct net_state *ns, int family, const uint8_t *addr);

/* Call fn for every address -> name entry (re-applying domain blocks). */
void net__for_each_domain(struct net_state *ns, net_learn_fn fn, void *ctx);

/*
 * The next finished burst (scan, brute force) as an event: returns 1 and
 * fills *info and *pid (0 for inbound bursts) and comm, 0 when none.
 */
int net__next_burst(struct net_state *ns, uint64_t now,
		    struct mw_net_info *info, uint32_t *pid, char comm[16]);

/*
 * Stratum flows the kernel handed over (sensors/stratum_fwd.c). fn is
 * called when one is found to be stratum: it tells the kernel, and
 * returns 1 when the kernel will cut the flow, 0 when not, < 0 on error.
 */
typedef int (*net_stratum_fn)(void *ctx, uint64_t cookie);
void net__on_stratum_decided(struct net_state *ns, net_stratum_fn fn,
			     void *ctx);
/* Free the handed-over flows idle too long (the loop's tick). */
void net__expire(struct net_state *ns, uint64_t now);
struct stratum_fwd_stats;
void net__fwd_stats(const struct net_state *ns, struct stratum_fwd_stats *st);

/* "login", "mining.subscribe", ... for enum mw_stratum_method, or NULL. */
const char *net__method_str(int method);

#endif /* MW_NET_H */
