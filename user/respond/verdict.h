/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * verdict.h - the respond stage: judge one event against the rules, act on
 * what matched (kill, block, deny), and hand the alert and each act to the
 * reporter.
 *
 * Every sensor ends here with a complete struct mw_event (process and
 * lineage from the model). Acts come before reports: a kill never waits
 * for a digest or a write. In detect mode nothing is done and the alert
 * says what would have been.
 */
#ifndef MW_VERDICT_H
#define MW_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

struct loader;
struct mw_event;
struct proc_cache;
struct reporter;
struct rules;
struct verdict;

/*
 * All borrowed, and must outlive the verdict: rep receives every document;
 * pc is told the digests computed for its processes; ld fills the kernel's
 * block maps for domains learned from DNS (NULL: no such blocking).
 */
struct verdict *verdict__new(struct reporter *rep, struct proc_cache *pc,
			     struct loader *ld, bool enforce);
void verdict__free(struct verdict *v); /* NULL is fine */

/*
 * The rule set to judge by, and its generation (kernel map entries carry
 * it). Borrowed: the caller frees the old set after this returns.
 */
void verdict__set_rules(struct verdict *v, const struct rules *rs,
			uint32_t gen);
const struct rules *verdict__rules(const struct verdict *v);

/* The incidents the findings are grouped into (respond/incident.h). */
struct incidents;
struct incidents *verdict__incidents(struct verdict *v);

/* Judge ev and report; ev and everything it points to are borrowed. */
void verdict__judge(struct verdict *v, const struct mw_event *ev);

/*
 * A DNS answer said name -> addr: when a block rule names the domain, the
 * connect hooks refuse that address from now on. ctx is the verdict; the
 * shape is the network decoder's learn callback (sensors/net.h).
 */
void verdict__on_dns(void *ctx, const char *name, int family,
		     const uint8_t *addr);

/*
 * The content worker's verdict on ev->proc's executable arrived
 * (ev->content set, the digest in ev->proc->sha256): judge the rules that
 * match only because of it (process.hash.sha256,
 * minerwatch.process.signatures), act and report as for any match. Returns
 * the index of the first kill or deny rule that matched in enforce mode
 * (the caller then denies the file by identity and quarantines it), or -1.
 */
int verdict__content(struct verdict *v, const struct mw_event *ev);

struct verdict_stats {
	uint64_t alerts; /* rule matches reported */
	uint64_t kills;	 /* kills that succeeded (kernel or userspace) */
	/* Exec judgements that waited for the hash (hash_wait.h): how many,
	 * went on without it at the deadline, judged at once (table full). */
	uint64_t hash_waits, hash_wait_expired, hash_wait_full;
};
void verdict__stats(const struct verdict *v, struct verdict_stats *st);

/*
 * ev->proc was forked by a process a kill rule judged (MW_PROC_CONDEMNED):
 * in enforce mode, kill it under the same rule and report the act.
 */
void verdict__inherit(struct verdict *v, const struct mw_event *ev);

/*
 * Judge, without their hash, the processes whose judgement waited for it
 * past the deadline (respond/hash_wait.h): never spared by a hash not
 * known. Called from the loop (content_verdict__drain).
 */
void verdict__hash_waits(struct verdict *v, uint64_t now);

#endif /* MW_VERDICT_H */
