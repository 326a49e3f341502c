/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * incident.h - one intrusion, one id: the findings that belong together.
 *
 * Every finding (an alert, and the kill or block that followed it) gets
 * minerwatch.incident.id. A finding joins the incident that already holds
 * one of its keys, else starts one:
 *   - its process, and its ancestors up to the way in (an ancestor started
 *     before the daemon, or a direct child of init, is not a key: the
 *     services and shells every process descends from would join all),
 *   - the executable or script it runs, when an incident dropped it
 *     (written or chmod'ed in a temp or hidden place) or killed it,
 *   - the file a file finding names (a cron file written twice).
 * A killed program that comes back from cron, a systemd unit or an rc
 * script is a restart by persistence (incidents__restart); its alert
 * joins the killed program's incident and names the persistence file of
 * that incident that runs it. When an incident has had no finding for
 * INCIDENT_QUIET_S, a `state` event (event.action `incident`) sums it up;
 * a later finding reopens it under the same id. Ids are stable for the
 * daemon's life; they do not survive its restart.
 */
#ifndef MW_INCIDENT_H
#define MW_INCIDENT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "model/event.h"

#define INCIDENT_QUIET_S 120
#define INCIDENT_ID_LEN 17 /* 16 hex digits and a NUL */

struct incidents;
struct reporter;
struct rule;

/* NULL on ENOMEM; rep is borrowed. */
struct incidents *incidents__new(struct reporter *rep);
void incidents__free(struct incidents *in); /* NULL is fine */

/*
 * ev matched rule r: find or start its incident, count the finding and
 * set minerwatch.incident.id on doc. Returns the id (valid until the next
 * call), or NULL without an incident table.
 */
const char *incidents__tag(struct incidents *in, const struct mw_event *ev,
			   const struct rule *r, json_t *doc);

/* ev's process was killed under the incident just tagged. */
void incidents__killed(struct incidents *in, const struct mw_event *ev);

/* What brought a killed program back. */
struct incident_restart {
	char id[INCIDENT_ID_LEN]; /* the killed program's incident */
	const char *via;	  /* "cron", "systemd", "rc" */
	const char *evidence;	  /* restart_by_cron, ... */
	char file[512];		  /* the persistence file, "" when unknown */
	uint64_t killed_ns;	  /* when it was killed, boot ns */
};

/*
 * An exec (ev, with lineage): is it a program an incident killed, run
 * again by cron, systemd or an rc script? Fills *out. Reads the
 * incident's persistence files through /proc/PID/root to name the one
 * that mentions the program (a few small reads, only on a restart).
 */
bool incidents__restart(struct incidents *in, const struct mw_event *ev,
			struct incident_restart *out);

/* Did any incident kill a program (restart checks are worth doing)? */
bool incidents__any_killed(const struct incidents *in);

/*
 * Sum up the incidents quiet for INCIDENT_QUIET_S (all: every one with
 * findings not yet summed up, at exit). Cheap; at most once a second.
 */
void incidents__tick(struct incidents *in, uint64_t now_ns, bool all);

/* Key of a string for tests (the FNV-1a of kind and text). */
uint64_t incidents__key(char kind, const char *s);

#endif /* MW_INCIDENT_H */
