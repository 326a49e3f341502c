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
	bool events;	       /* stream raw events too */
	uint64_t bad_records;  /* malformed records (never expected) */
};

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

/* net_sensor.c: MW_EV_NET, and the scan/brute-force bursts that ended. */
void net_sensor__record(struct sensors *s, const void *data, size_t size);
void net_sensor__bursts(struct sensors *s, uint64_t now_ns);

/* lsm_sensor.c: MW_EV_DENY, a connect or file write BPF-LSM refused. */
void lsm_sensor__record(struct sensors *s, const void *data, size_t size);

#endif /* MW_SENSORS_H */
