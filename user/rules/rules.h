/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rules.h - the rule engine: loads the rules/ JSON files, validates them,
 * matches decoded events, and derives the coarse in-kernel filters.
 *
 * A loaded rule set is immutable; a reload builds a new one and swaps it in
 * only when the whole load succeeded, so a bad file keeps the old rules.
 */
#ifndef MW_RULES_H
#define MW_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/event.h"

struct rules;
struct rule;

enum rule_action {
	RULE_ACT_ALERT = 0, /* report only */
	RULE_ACT_KILL = 1,  /* report; kill the process in enforce mode */
	RULE_ACT_BLOCK = 2, /* report; block the operation in enforce mode */
	/*
	 * report; refuse the operation in the kernel in enforce mode (exec:
	 * EPERM at lsm/bprm_check_security); where BPF-LSM is unavailable,
	 * kill at exec instead and say so.
	 */
	RULE_ACT_DENY = 3,
};

/*
 * Load every *.json file of each path (a file, or a directory read in name
 * order). On success *out owns a new rule set (free with rules__free()) and
 * 0 is returned. On failure returns -EINVAL (or another negative errno) and
 * writes a one-line message naming file, rule id and field to err.
 */
int rules__load(const char *const *paths, int n_paths, struct rules **out,
		char *err, size_t err_len);
void rules__free(struct rules *rs); /* accepts NULL */

int rules__count(const struct rules *rs);
const struct rule *rules__get(const struct rules *rs, int idx);

/* Called once per matching rule, in file order. Return non-zero to stop. */
typedef int (*rules_match_fn)(const struct rule *r, int rule_idx,
			      const struct mw_event *ev, void *ctx);
/* Evaluate every enabled rule for ev->kind. Returns the number of matches. */
int rules__eval(const struct rules *rs, const struct mw_event *ev,
		rules_match_fn fn, void *ctx);

/* Accessors: the returned strings live as long as the rule set. */
const char *rule__id(const struct rule *r);
const char *rule__name(const struct rule *r);
const char *rule__description(const struct rule *r);
int rule__severity(const struct rule *r); /* 0..100 */
enum rule_action rule__action(const struct rule *r);
enum mw_event_kind rule__kind(const struct rule *r);
/* MITRE ATT&CK technique ids ("T1496"); *n gets the count. */
const char *const *rule__techniques(const struct rule *r, int *n);
const char *rule__tactic(const struct rule *r); /* may be NULL */

const char *rule_action__str(enum rule_action a); /* "alert", ... */

/* Added by the rule engine: */
/* Index of the rule with this id, or -1. */
int rules__find(const struct rules *rs, const char *id);
int rule__enabled(const struct rule *r);      /* "enabled" in the file */
const char *rule__file(const struct rule *r); /* file it came from */

/*
 * In-kernel filter derivation. A kill rule for exec events whose condition is
 * only `process.name` eq/in (no exceptions, no other terms) is compiled into
 * the kernel deny-by-name map; cb is called once per name. Names longer than
 * MW_DENY_NAME-1 bytes are skipped (they stay userspace-evaluated).
 */
typedef void (*rules_name_fn)(const char *name, int rule_idx, void *ctx);
void rules__exec_deny_names(const struct rules *rs, rules_name_fn cb,
			    void *ctx);
/* True when the rule is fully enforced in the kernel (see above). */
int rule__kernel_only(const struct rule *r);
/*
 * An exception of r tests process.hash.sha256: an operator spares one
 * binary by its content. Such a rule is not judged on an exec whose hash
 * is still being computed; respond/verdict.c waits for the hash.
 */
bool rule__hash_exception(const struct rule *r);

/*
 * Network block rules the connect hooks enforce: a block rule for net
 * events, without exceptions, whose condition is destination.port
 * (eq/in/range) and/or destination.ip (eq/in/cidr) terms, alone or under
 * "any". pf gets port ranges, cf networks (addr in network order).
 */
typedef void (*rules_port_fn)(uint32_t lo, uint32_t hi, int rule_idx,
			      void *ctx);
typedef void (*rules_cidr_fn)(int family, const uint8_t *addr, int bits,
			      int rule_idx, void *ctx);
void rules__net_blocks(const struct rules *rs, rules_port_fn pf,
		       rules_cidr_fn cf, void *ctx);
/*
 * Block rules whose condition tests only destination.domain, matched
 * against ev (a name a DNS answer taught us, with its address): fn per
 * match. The caller puts the address into the kernel block map.
 */
int rules__net_domain_blocks(const struct rules *rs, const struct mw_event *ev,
			     rules_match_fn fn, void *ctx);
/*
 * True when the kernel should cut stratum flows (in enforce mode): an
 * enabled kill, block or deny rule for net events matches a typical stratum
 * login as the kernel sees it, without process details, exceptions aside.
 * Userspace then judges the real event. rs may be NULL (false).
 */
bool rules__cuts_stratum(const struct rules *rs);

/*
 * File sensor: the path constraints of the enabled file rules, from which
 * the kernel's watch maps are built (user/file_watch.c). cb is called once
 * per value of each path-bounding condition (file.path / file.target_path
 * eq, in, prefix, glob, suffix; file.name eq, in). A rule whose condition
 * does not bound the path (e.g. only "event.action") cannot be filtered in
 * the kernel: unbounded (may be NULL) is called for it instead, and the
 * count of such rules is returned.
 */
enum rules_watch_op {
	RULES_WATCH_EQ = 1,
	RULES_WATCH_PREFIX,
	RULES_WATCH_GLOB,
	RULES_WATCH_SUFFIX,
	RULES_WATCH_NAME,
};
typedef void (*rules_watch_fn)(enum rules_watch_op op, const char *value,
			       int rule_idx, void *ctx);
typedef void (*rules_unbounded_fn)(int rule_idx, void *ctx);
int rules__file_watch_paths(const struct rules *rs, rules_watch_fn cb,
			    void *ctx, rules_unbounded_fn unbounded);

/*
 * Does rule rule_idx only ever match an executable file (its condition is
 * an all() with minerwatch.file.executable == true among its children)?
 * Its watch entries can then drop every other file in the kernel.
 */
bool rules__file_rule_wants_executable(const struct rules *rs, int rule_idx);

/*
 * Which of the file actions names[0..n) (event.action values) an enabled
 * file rule can match: bit i set for names[i]. A rule whose condition does
 * not pin event.action down (an "eq"/"in" it cannot match without) can
 * match every action: then every bit is set. n <= 32.
 */
uint32_t rules__file_actions(const struct rules *rs, const char *const *names,
			     int n);

/*
 * File deny rules, as paths the kernel protects (BPF-LSM refuses changes
 * there): of each enabled deny rule for file events, the file.path /
 * file.target_path eq and prefix values that bound its paths (see
 * rules__file_watch_paths()), without a trailing '/'. cb once per value.
 */
typedef void (*rules_path_fn)(const char *path, int rule_idx, void *ctx);
void rules__file_deny_paths(const struct rules *rs, rules_path_fn cb,
			    void *ctx);

#endif /* MW_RULES_H */
