// SPDX-License-Identifier: GPL-2.0-only
/*
 * verdict.c - the respond stage (see verdict.h).
 *
 * The kernel may have acted already (a kill at exec, a refused exec or
 * connect, a cut stratum flow): its record says so, and this stage takes
 * over reporting that act under the rule that caused it, or carries out
 * the act itself from userspace when the kernel could not.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/loader.h"
#include "model/hash.h"
#include "model/proc_cache.h"
#include "report/jsonx.h"
#include "report/report.h"
#include "report/report_content.h"
#include "report/reporter.h"
#include "respond/hash_wait.h"
#include "respond/incident.h"
#include "respond/response.h"
#include "respond/score.h"
#include "respond/verdict.h"
#include "rules/rules.h"
#include "model/net_event.h"
#include "util/clock.h"

struct verdict {
	struct reporter *rep;	   /* borrowed */
	struct proc_cache *pc;	   /* borrowed */
	struct loader *ld;	   /* borrowed, may be NULL */
	const struct rules *rules; /* borrowed */
	uint32_t rules_gen;
	bool enforce;
	struct verdict_stats st;
	struct incidents *inc;	 /* owned; NULL when out of memory */
	const char *cur_inc;	 /* the incident of the match being reported */
	struct hash_wait *hw;	 /* judgements waiting for a hash (owned) */
};

/* One event's judgement: what was done so far across its matches. */
struct match_ctx {
	struct verdict *v;
	bool killed;	      /* a kill already happened for this event */
	bool denied_reported; /* the kernel's deny rule was reported */
	bool block_reported;  /* a block act was reported */
	bool matched_block;   /* the kernel's block rule matched here too */
	const bool *skip;     /* content verdict: rules judged already */
	/*
	 * The digest taken for a match, given to the cache after the rule
	 * pass: a rule on process.hash.sha256 never depends on the order of
	 * the rules before it (the content verdict judges those rules).
	 */
	char sha256[MW_SHA256_HEX];
	int acted_rule;	      /* content verdict: 1 + first kill/deny rule */
	const bool *waited;   /* content verdict: judged now, not at exec,
				 only because it waited for the hash */
};

/* What was done about one match, reported after the alert. */
struct act {
	bool done;	    /* an act to report */
	int err;	    /* 0 or negative errno */
	const char *where;  /* "kernel" or "userspace" */
	bool kernel_failed; /* the kernel tried first and failed */
	int kernel_err;
	const char *hook;   /* deny: the hook that refused, or NULL */
	bool fallback_kill; /* deny: killed instead (no BPF-LSM) */
};

struct verdict *verdict__new(struct reporter *rep, struct proc_cache *pc,
			     struct loader *ld, bool enforce)
{
	struct verdict *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->rep = rep;
	v->pc = pc;
	v->ld = ld;
	v->enforce = enforce;
	v->inc = incidents__new(rep);
	v->hw = hash_wait__new(HASH_WAIT_CAP);
	return v;
}

void verdict__free(struct verdict *v)
{
	if (v) {
		incidents__free(v->inc);
		hash_wait__free(v->hw);
	}
	free(v);
}

void verdict__set_rules(struct verdict *v, const struct rules *rs, uint32_t gen)
{
	v->rules = rs;
	v->rules_gen = gen;
}

const struct rules *verdict__rules(const struct verdict *v)
{
	return v->rules;
}

void verdict__stats(const struct verdict *v, struct verdict_stats *st)
{
	*st = v->st;
}

struct incidents *verdict__incidents(struct verdict *v)
{
	return v->inc;
}

static void emit(struct verdict *v, json_t *doc)
{
	/* An act carries the incident of the alert it follows. */
	if (doc && v->cur_inc)
		jsonx_set_path(doc, "minerwatch.incident.id",
			       json_string(v->cur_inc));
	reporter__emit(v->rep, doc);
}

/* The kernel refused this connect under rule idx (enforce mode). */
static bool net_blocked_by(const struct mw_event *ev, int idx)
{
	return ev->net && (ev->net->flags & MW_NET_BLOCK_MATCH) &&
	       (int)ev->net->rule_idx == idx;
}

/*
 * Report a block: the kernel refused the connect or cut the stratum flow;
 * anything else cannot be blocked after the fact, and says so.
 */
static void act_block(struct match_ctx *c, const struct mw_event *ev,
		      const struct rule *r, int idx)
{
	struct verdict *v = c->v;
	const struct mw_net_info *n = ev->net;

	if (!v->enforce || c->block_reported)
		return;
	c->block_reported = true;
	if (n && (n->flags & MW_NET_BLOCKED) && net_blocked_by(ev, idx))
		emit(v, report__action(ev, r, "block", 0, "kernel"));
	else if (n && (n->flags & MW_NET_DROPPED))
		emit(v, report__action(ev, r, "block", 0, "kernel"));
	else
		emit(v,
		     report__action(ev, r, "block", -EOPNOTSUPP, "userspace"));
}

/* Carry out (or take over the kernel's) kill for a matched kill rule. */
/*
 * A file a kill rule judged by content is denied by inode; where BPF-LSM is
 * attached its next exec is refused (respond/content_verdict.c): that act
 * is this rule's, reported as a block at the hook.
 */
static struct act refused_by_inode(struct match_ctx *c,
				   const struct mw_event *ev, int idx)
{
	struct act a = {0};

	if (c->v->enforce && !c->killed &&
	    (ev->exec_flags & MW_EXEC_REFUSED) && (int)ev->deny_rule == idx) {
		a.done = true;
		a.where = "kernel";
		a.hook = "lsm/bprm_check_security";
		c->killed = true;
	}
	return a;
}

static struct act act_kill(struct match_ctx *c, const struct mw_event *ev,
			   int idx)
{
	struct act a = {0};

	/* A refused exec never ran: the pid is still its caller's. */
	if (!c->v->enforce || c->killed || (ev->exec_flags & MW_EXEC_REFUSED))
		return refused_by_inode(c, ev, idx);
	a.done = true;
	if ((ev->exec_flags & MW_EXEC_DENIED) && (int)ev->deny_rule == idx) {
		if (ev->exec_flags & MW_EXEC_KILLED) {
			a.where = "kernel";
			c->killed = true;
			return a;
		}
		a.kernel_failed = true;
		a.kernel_err = ev->kill_err ? ev->kill_err : -EIO;
	}
	a.where = "userspace";
	a.err = response__kill(ev->proc);
	/* A content verdict on a process already gone: one attempt said. */
	c->killed = !a.err || (c->skip && a.err == -ESRCH);
	/* It may have forked and left (xmrig -B): its forks share this. */
	if (ev->kind == MW_KIND_EXEC)
		proc_cache__condemn(c->v->pc, ev->proc, idx, c->v->rules_gen);
	return a;
}

/*
 * deny: refused at lsm/bprm_check_security (the program never ran), or,
 * where BPF-LSM is unavailable, the kill at exec stands in for it.
 */
static struct act act_deny(struct match_ctx *c, const struct mw_event *ev,
			   int idx)
{
	struct act a = {0};

	if (!c->v->enforce || c->killed)
		return a;
	if ((ev->exec_flags & MW_EXEC_REFUSED) && (int)ev->deny_rule == idx) {
		a.done = true;
		a.where = "kernel";
		a.hook = "lsm/bprm_check_security";
		c->killed = true;
		return a;
	}
	/* A connect the cgroup hook refused under this rule: done, no kill. */
	if (ev->net && (ev->net->flags & MW_NET_BLOCKED) &&
	    net_blocked_by(ev, idx)) {
		a.done = true;
		a.where = "kernel";
		a.hook = "cgroup/connect";
		return a;
	}
	a = act_kill(c, ev, idx);
	a.fallback_kill = a.done;
	return a;
}

/* The block event of a deny rule, saying how it was carried out. */
static json_t *deny_report(const struct mw_event *ev, const struct rule *r,
			   const struct act *a)
{
	json_t *doc = report__action(ev, r, "block", a->err, a->where);

	if (a->hook)
		jsonx_set_path(doc, "minerwatch.response.hook",
			       json_string(a->hook));
	if (a->fallback_kill) {
		jsonx_set_path(doc, "minerwatch.response.fallback",
			       json_string("kill"));
		jsonx_set_path(
		    doc, "minerwatch.response.reason",
		    json_string(strcmp(a->where, "kernel") == 0
				    ? "BPF-LSM unavailable: killed at exec "
				      "before its first instruction"
				    : "not refused in the kernel: killed"));
	}
	return doc;
}

/*
 * Pin the executable before acting, so the digest can be taken after the
 * kill (a kill never waits for reading a large binary). A refused program
 * is not any process's image: its file is opened by path.
 */
static int pin_exe(const struct mw_event *ev)
{
	const struct mw_process *p = ev->proc;

	if (ev->exec_flags & MW_EXEC_REFUSED)
		return p->exe && !p->sha256[0]
			   ? open(p->exe, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
			   : -1;
	return hash__open(p);
}

/*
 * A rule with an exception on process.hash.sha256 matched an exec whose
 * hash the content worker is computing: wait for it (hash_wait.h) rather
 * than fire or spare now. Not when the table is full: judged now, with no
 * hash, no hash exception applies.
 */
static bool hash_defer(struct verdict *v, const struct rule *r,
		       const struct mw_event *ev)
{
	if (!ev->hash_coming || ev->proc->sha256[0] ||
	    !rule__hash_exception(r))
		return false;
	if (hash_wait__add(v->hw, ev->proc->pid, ev->proc->start_ns,
			   clock__boot_ns() + HASH_WAIT_NS)) {
		v->st.hash_wait_full++;
		return false;
	}
	v->st.hash_waits++;
	return true;
}

/* Report the acts of one match, after its alert. */
static void report_acts(struct verdict *v, const struct mw_event *ev,
			const struct rule *r, const struct act *a)
{
	if (a->kernel_failed)
		emit(v, report__action(ev, r, "kill", a->kernel_err, "kernel"));
	if (a->done && (rule__action(r) == RULE_ACT_DENY || a->hook)) {
		v->st.kills += !a->err && a->fallback_kill;
		emit(v, deny_report(ev, r, a));
	} else if (a->done) {
		v->st.kills += !a->err;
		emit(v, report__action(ev, r, "kill", a->err, a->where));
	}
}

static int on_match(const struct rule *r, int idx, const struct mw_event *ev,
		    void *ctx)
{
	struct match_ctx *c = ctx;
	struct verdict *v = c->v;
	/* ev as reported: the same, with the digest once it is known. */
	struct mw_process shown = *ev->proc;
	struct mw_event rev = *ev;
	char hex[MW_SHA256_HEX];
	struct act a = {0};
	json_t *doc;
	int fd;

	if (c->skip && c->skip[idx])
		return 0;
	/* An exception by hash: the exec's judgement waits for the hash. */
	if (!c->skip && hash_defer(v, r, ev))
		return 0;
	v->st.alerts++;
	if ((ev->exec_flags & MW_EXEC_DENIED) && (int)ev->deny_rule == idx)
		c->denied_reported = true;
	if (net_blocked_by(ev, idx))
		c->matched_block = true;
	/*
	 * Act first, report after: pin the executable, kill, then digest it
	 * (the alert carries process.hash.sha256, an IOC a SOC can pivot on).
	 */
	fd = pin_exe(ev);
	if (rule__action(r) == RULE_ACT_KILL)
		a = act_kill(c, ev, idx);
	else if (rule__action(r) == RULE_ACT_DENY)
		a = act_deny(c, ev, idx);
	if (fd >= 0 && hash__file(fd, hex) == 0) {
		memcpy(shown.sha256, hex, MW_SHA256_HEX);
		memcpy(c->sha256, hex, MW_SHA256_HEX);
	}
	rev.proc = &shown;
	doc = report__alert(&rev, r, v->enforce);
	if (ev->content)
		report_content__add(doc, ev->content);
	v->cur_inc = incidents__tag(v->inc, &rev, r, doc);
	reporter__alert(v->rep, idx, &rev, doc,
			ev->ts_ns ? ev->ts_ns : clock__boot_ns());
	/* A rule that waited for the hash is not about the file's bytes. */
	if (ev->content && v->enforce && !c->acted_rule &&
	    !(c->waited && c->waited[idx]) &&
	    (rule__action(r) == RULE_ACT_KILL ||
	     rule__action(r) == RULE_ACT_DENY))
		c->acted_rule = idx + 1;
	if (rule__action(r) == RULE_ACT_BLOCK)
		act_block(c, &rev, r, idx);
	/* A stratum flow the kernel cut: that act is reported too. */
	if (rule__action(r) == RULE_ACT_KILL && ev->net &&
	    (ev->net->flags & MW_NET_DROPPED))
		act_block(c, &rev, r, idx);
	report_acts(v, &rev, r, &a);
	if (a.done && !a.err &&
	    (rule__action(r) == RULE_ACT_KILL || a.fallback_kill))
		incidents__killed(v->inc, ev);
	v->cur_inc = NULL;
	/* A weak T1496 match is a signal that adds up (score.c). */
	score__note_match(v->pc, ev, r);
	return 0;
}

void verdict__judge(struct verdict *v, const struct mw_event *ev)
{
	struct match_ctx c = {.v = v};
	const struct rules *rs = v->rules;

	rules__eval(rs, ev, on_match, &c);
	/*
	 * The kernel denied this exec by a rule the userspace pass did not
	 * match (e.g. the entry came from an older rule set): still report
	 * what the kernel did, under the rule it names when we have it.
	 */
	if ((ev->exec_flags & MW_EXEC_DENIED) && !c.denied_reported &&
	    (int)ev->deny_rule < rules__count(rs))
		on_match(rules__get(rs, ev->deny_rule), ev->deny_rule, ev, &c);
	/* Likewise for a connect the kernel blocked. */
	if (ev->net && (ev->net->flags & MW_NET_BLOCK_MATCH) &&
	    !c.matched_block && (int)ev->net->rule_idx < rules__count(rs) &&
	    ev->net->rules_gen == v->rules_gen)
		on_match(rules__get(rs, ev->net->rule_idx), ev->net->rule_idx,
			 ev, &c);
	if (c.sha256[0])
		proc_cache__set_sha256(v->pc, ev->proc, c.sha256);
}

struct before_ctx {
	bool *skip, *waited;
	struct hash_wait *hw;
};

/* Judged at exec already, unless the judgement waited for this hash. */
static int on_match_before(const struct rule *r, int idx,
			   const struct mw_event *ev, void *ctx)
{
	struct before_ctx *b = ctx;

	if (!rule__hash_exception(r) ||
	    !hash_wait__has(b->hw, ev->proc->pid, ev->proc->start_ns))
		b->skip[idx] = true;
	else
		b->waited[idx] = true;
	return 0;
}

int verdict__content(struct verdict *v, const struct mw_event *ev)
{
	struct mw_process before_proc = *ev->proc;
	struct mw_event before = *ev;
	struct match_ctx c = {.v = v};
	int n = rules__count(v->rules);
	bool *skip = calloc(2 * (n + 1), sizeof(bool));
	struct before_ctx b = {
	    .skip = skip, .waited = skip + n + 1, .hw = v->hw};

	if (!skip)
		return -1;
	/* What the exec itself matched was judged then: only the new. */
	before_proc.sha256[0] = '\0';
	before.proc = &before_proc;
	before.content = NULL;
	rules__eval(v->rules, &before, on_match_before, &b);
	c.skip = skip;
	c.waited = b.waited;
	rules__eval(v->rules, ev, on_match, &c);
	hash_wait__del(v->hw, ev->proc->pid, ev->proc->start_ns);
	free(skip);
	return c.acted_rule - 1;
}

void verdict__hash_waits(struct verdict *v, uint64_t now)
{
	const struct mw_process *chain[16];
	struct mw_event ev = {.kind = MW_KIND_EXEC};
	struct mw_process *p;
	uint64_t start;
	uint32_t pid;
	int n = 0;

	/* Bounded per call; what is left waits for the next one. */
	while (n++ < 64 && hash_wait__expired(v->hw, now, &pid, &start)) {
		p = proc_cache__lookup(v->pc, pid);
		if (p && p->start_ns == start) {
			/* With the hash if a match's digest gave it. */
			v->st.hash_wait_expired++;
			ev.ts_ns = now;
			ev.proc = p;
			proc_cache__lineage(v->pc, &ev, chain, 16);
			verdict__content(v, &ev);
		}
		hash_wait__del(v->hw, pid, start);
	}
}

struct domain_block_ctx {
	struct verdict *v;
	int family;
	const uint8_t *addr;
};

static int on_domain_block(const struct rule *r, int idx,
			   const struct mw_event *ev, void *ctx)
{
	struct domain_block_ctx *d = ctx;
	int err = loader__net_block_addr(d->v->ld, d->family, d->addr, idx,
					 d->v->rules_gen);

	if (err)
		fprintf(stderr,
			"minerwatch: blocking %s (%s, rule %s) failed: %s\n",
			ev->net->dst_ip, ev->net->domain, rule__id(r),
			strerror(-err));
	return 1; /* one entry per address is enough */
}

void verdict__on_dns(void *ctx, const char *name, int family,
		     const uint8_t *addr)
{
	struct verdict *v = ctx;
	struct mw_net_info info = {
	    .act = NET_ACT_CONNECT, .action = "connect", .domain = name};
	struct mw_process standin;
	struct mw_event ev = {.kind = MW_KIND_NET, .net = &info};
	struct domain_block_ctx d = {.v = v, .family = family, .addr = addr};

	if (!v->ld || !v->rules)
		return;
	mw_process__standin(&standin, 0, "");
	ev.proc = &standin;
	inet_ntop(family, addr, info.dst_ip, sizeof(info.dst_ip));
	rules__net_domain_blocks(v->rules, &ev, on_domain_block, &d);
}

/*
 * A process forked (without exec) by one a kill rule judged in enforce
 * mode: a daemonizing miner (xmrig -B) forks and its parent exits before
 * the verdict. Judged as its parent was: killed, and the act reported
 * under the same rule. Its own forks inherit the mark (proc_cache).
 */
void verdict__inherit(struct verdict *v, const struct mw_event *ev)
{
	const struct mw_process *p = ev->proc;
	const struct rule *r;
	json_t *doc;
	int err;

	if (!v->enforce || !(p->flags & MW_PROC_CONDEMNED) ||
	    p->judged_gen != v->rules_gen || p->judged_rule < 0 ||
	    p->judged_rule >= rules__count(v->rules))
		return;
	r = rules__get(v->rules, p->judged_rule);
	err = response__kill(p);
	v->st.kills += !err;
	doc = report__action(ev, r, "kill", err, "userspace");
	if (doc && ev->parent)
		jsonx_set_path(doc, "minerwatch.response.inherited_from",
			       json_string(ev->parent->entity_id));
	emit(v, doc);
}
