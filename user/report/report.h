/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report.h - ECS JSON documents for events, alerts, actions and state.
 *
 * Every builder returns a new json_t reference the caller owns (release
 * with json_decref()), or NULL on ENOMEM.
 */
#ifndef MW_REPORT_H
#define MW_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "model/event.h"

struct rule;

/* Set once at start: host name, boot-to-wall clock offset. */
void report__init(void);

/* A document with @timestamp (from boot ns; 0 = now), event.kind, host, agent.
 */
json_t *report__base(const char *kind, uint64_t ts_ns);

/* Telemetry for one event (--events): exec/exit/fork. */
json_t *report__event(const struct mw_event *ev, const char *action);

/*
 * An alert for ev matching rule r. response describes the rule's action:
 * "alert", or "kill"/"block" with taken=true when it was carried out (or is
 * about to be) and false in detect mode.
 */
json_t *report__alert(const struct mw_event *ev, const struct rule *r,
		      bool enforce);

/*
 * The act itself: event.action "kill" or "block", event.outcome "success"
 * or "failure" (err is then a negative errno), where: "kernel"/"userspace".
 */
json_t *report__action(const struct mw_event *ev, const struct rule *r,
		       const char *action, int err, const char *where);

/* A state event: event.action = action, details merged under minerwatch. */
json_t *report__state(const char *action, json_t *details /* stolen */);

/* Add the process, parent and container fields of ev to doc. */
void report__process(json_t *doc, const struct mw_event *ev);

/*
 * Add the network fields of net (destination.*, source.*, network.*,
 * minerwatch.net.*) to doc; with set_action, event.action/type too.
 * Defined in report_net.c.
 */
struct mw_net_info;
void report__net(json_t *doc, const struct mw_net_info *net, bool set_action);

/*
 * Add the file fields of a file sensor event (ev->file): event.action and
 * event.type from the operation, file.*, and minerwatch.file.*.
 */
void report__file(json_t *doc, const struct mw_event *ev);

/*
 * Add minerwatch.behaviour.* (score, evidence, CPU) of a behaviour event.
 * Defined in report_behaviour.c.
 */
struct mw_behaviour_info;
void report__behaviour(json_t *doc, const struct mw_behaviour_info *b);

/*
 * What BPF-LSM refused (struct mw_deny_event e; path and name are its
 * strings) as a `block` event, event.outcome success (the kernel returned
 * EPERM), or in detect mode as an alert with minerwatch.response.taken
 * false. r is the rule whose entry refused, NULL for the command line's
 * own entries (--deny-connect, --protect-path); ev carries the process
 * and its lineage, or is NULL when the model does not know it (only
 * process.pid then). Defined in report_deny.c.
 */
struct mw_deny_event;
json_t *report__refused(const struct mw_deny_event *e, const char *path,
			const char *name, const struct rule *r,
			const struct mw_event *ev);

/* Boot ns to ISO 8601 UTC with microseconds. */
void report__timestamp(uint64_t ts_ns, char *buf, size_t len);

#endif /* MW_REPORT_H */
