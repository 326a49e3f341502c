/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * content_verdict.h - the respond stage's side of content identity: each
 * verdict of the content worker (identify/content.h) re-judges its
 * process with the new fields (verdict__content); a kill on a content or
 * hash match then puts the file into the kernel's deny-by-inode map and
 * quarantines it. Files that could not be scanned are reported with the
 * reason; a full queue is reported as lost work, never silently.
 */
#ifndef MW_CONTENT_VERDICT_H
#define MW_CONTENT_VERDICT_H

#include <stdbool.h>

#include <jansson.h>

#include "respond/quarantine.h"

struct content;
struct content_verdict;
struct loader;
struct proc_cache;
struct reporter;
struct rules;
struct verdict;

/*
 * All borrowed and must outlive it; ld may be NULL (no kernel deny). With
 * events (--events) every verdict is also streamed (action "content").
 */
struct content_verdict *
content_verdict__new(struct content *c, struct verdict *v,
		     struct proc_cache *pc, struct reporter *rep,
		     struct loader *ld, const struct quarantine_opts *q,
		     bool enforce, bool events);
void content_verdict__free(struct content_verdict *cv); /* NULL is fine */

/* Judge the verdicts that are ready (a bounded batch); from the loop. */
void content_verdict__drain(struct content_verdict *cv);

/*
 * A new rule set is in the verdict: re-point the files denied by inode at
 * their rule's new index, or let them go when the rule is gone.
 */
void content_verdict__rules_changed(struct content_verdict *cv);

/* Counters for the health and stopped events (a new reference). */
json_t *content_verdict__stats(struct content_verdict *cv);

#endif /* MW_CONTENT_VERDICT_H */
