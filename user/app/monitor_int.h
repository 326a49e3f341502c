/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * monitor_int.h - the daemon's state, shared by the loop (monitor.c) and
 * its status reports (status.c) only.
 */
#ifndef MW_MONITOR_INT_H
#define MW_MONITOR_INT_H

#include <stdint.h>

#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"
#include "sensors/sensors.h"

struct monitor {
	const struct monitor_opts *o;
	struct loader *ld;   /* kernel: programs, maps, rings */
	struct rules *rules; /* owned; the verdict borrows it */
	uint32_t rules_gen;
	struct proc_cache *pc;	     /* model */
	struct net_state *net;	     /* DNS names, bursts */
	struct verdict *verdict;     /* rules -> respond */
	struct reporter *rep;	     /* report -> output */
	struct output *out;	     /* outputs */
	struct control *ctl;	     /* --status socket */
	struct content *content;     /* identify: hash + YARA worker */
	struct content_verdict *cv;  /* its verdicts -> respond */
	struct sensors sensors;	     /* handlers' view of the above */
	uint64_t started_ns;	     /* boot ns when attached */
	uint64_t stats[MW_STAT_MAX]; /* last totals read from the kernel */
	uint64_t fold_untracked;     /* sensors.fold_untracked last reported */
	uint64_t out_dropped, emit_failed; /* as last reported lost */
};

/* status.c: state events and the control socket's answer. */
void status__started(struct monitor *m, int n_deny);
void status__health(struct monitor *m);
void status__check_losses(struct monitor *m);
void status__stopped(struct monitor *m);
char *status__line(void *ctx); /* malloc'd; for control__serve */

#endif /* MW_MONITOR_INT_H */
