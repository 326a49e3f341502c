// SPDX-License-Identifier: GPL-2.0-only
/*
 * monitor.c - the event loop.
 *
 * Single-threaded: ring buffer records are decoded, folded into the process
 * cache, judged by the rules and reported in the order they arrive. Signals
 * only set flags; the loop acts on them between polls.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report/aggregate.h"
#include "app/control.h"
#include "sensors/decode.h"
#include "kernel/kernel_features.h"
#include "model/hash.h"
#include "sensors/file_event.h"
#include "report/jsonx.h"
#include "kernel/loader.h"
#include "app/monitor.h"
#include "sensors/net.h"
#include "output/output.h"
#include "kernel/prevent.h"
#include "model/proc_cache.h"
#include "report/report.h"
#include "respond/response.h"
#include "rules/rules.h"
#include "util/fnv.h"

#define MAX_LINEAGE 16
#define AGG_MAX 4096 /* (rule, process) pairs tracked */

struct monitor {
	const struct monitor_opts *o;
	struct loader *ld;
	struct rules *rules;
	uint32_t rules_gen;
	struct proc_cache *pc;
	struct output *out;
	struct aggregate *agg; /* repeated alerts -> summaries */
	struct control *ctl;
	uint64_t started_ns;	     /* boot ns when attached */
	uint64_t stats[MW_STAT_MAX]; /* last totals read from the kernel */
	uint64_t bad_records;	     /* malformed records (never expected) */
	uint64_t alerts;	     /* alerts emitted */
	uint64_t kills;		     /* kill acts reported */
	struct net_state *net;	     /* DNS names, bursts (network sensor) */
};

static volatile sig_atomic_t sig_stop, sig_reload;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		sig_reload = 1;
	else
		sig_stop = 1;
}

static uint64_t now_boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Serialize doc as one line to the outputs; consumes the reference. */
static void emit(struct monitor *m, json_t *doc)
{
	json_t *sev;
	char *line;

	if (!doc)
		return;
	sev = json_object_get(json_object_get(doc, "event"), "severity");
	line = json_dumps(doc, JSON_COMPACT);
	if (line) {
		output__write(m->out, line, strlen(line),
			      sev ? (int)json_integer_value(sev) : 0);
		free(line);
	}
	json_decref(doc);
}

/*
 * Alerts go through the aggregate: the first of a (rule, process) pair goes
 * out now, repeats within the window come out later as one summary.
 */
/*
 * Only identical alerts fold: same rule, process, action and object (file
 * path, peer, executable). A process that creates a cron file and then
 * appends to it gets two alerts; one rewriting it in a loop gets one plus
 * a summary.
 */
static void alert_key(const struct mw_event *ev, char *key, size_t len)
{
	uint64_t h = FNV64_INIT;
	char peer[64];

	if (ev->file) {
		h = fnv1a64_str(h, ev->file->action);
		h = fnv1a64_str(h, ev->file->path);
		h = fnv1a64_str(h, ev->file->target_path);
	} else if (ev->net) {
		snprintf(peer, sizeof(peer), "%s:%d", ev->net->dst_ip,
			 ev->net->dst_port);
		h = fnv1a64_str(h, ev->net->action);
		h = fnv1a64_str(h, peer);
	} else {
		h = fnv1a64_str(h, ev->at_start ? "running" : "exec");
		h = fnv1a64_str(h, ev->proc->exe);
	}
	snprintf(key, len, "%s:%016llx", ev->proc->entity_id,
		 (unsigned long long)h);
}

static void emit_alert(struct monitor *m, int rule_idx,
		       const struct mw_event *ev, json_t *doc)
{
	char key[64];

	if (!doc)
		return;
	alert_key(ev, key, sizeof(key));
	if (aggregate__offer(m->agg, rule_idx, key, doc,
			     ev->ts_ns ? ev->ts_ns : now_boot_ns()))
		emit(m, doc);
	else
		json_decref(doc);
}

static void emit_summary(json_t *doc, void *ctx)
{
	emit(ctx, doc);
}

/* Fill parent and ancestors of ev from the cache. */
static void lineage(struct monitor *m, struct mw_event *ev,
		    const struct mw_process **chain)
{
	int n = proc_cache__ancestors(m->pc, ev->proc, chain, MAX_LINEAGE);

	ev->parent = n > 0 ? chain[0] : NULL;
	ev->ancestors = n > 1 ? chain + 1 : NULL;
	ev->n_ancestors = n > 1 ? n - 1 : 0;
}

struct match_ctx {
	struct monitor *m;
	bool killed;	      /* a kill already happened for this event */
	bool denied_reported; /* the kernel's deny rule was reported */
	bool block_reported;  /* a block act was reported */
	bool matched_block;   /* the kernel's block rule matched here too */
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
	struct monitor *m = c->m;
	const struct mw_net_info *n = ev->net;

	if (!m->o->enforce || c->block_reported)
		return;
	c->block_reported = true;
	if (n && (n->flags & MW_NET_BLOCKED) && net_blocked_by(ev, idx))
		emit(m, report__action(ev, r, "block", 0, "kernel"));
	else if (n && (n->flags & MW_NET_DROPPED))
		emit(m, report__action(ev, r, "block", 0, "kernel"));
	else
		emit(m,
		     report__action(ev, r, "block", -EOPNOTSUPP, "userspace"));
}

/* Carry out (or take over the kernel's) kill for a matched kill rule. */
static struct act act_kill(struct match_ctx *c, const struct mw_event *ev,
			   int idx)
{
	struct act a = {0};

	/* A refused exec never ran: the pid is still its caller's. */
	if (!c->m->o->enforce || c->killed ||
	    (ev->exec_flags & MW_EXEC_REFUSED))
		return a;
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
	c->killed = !a.err;
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

	if (!c->m->o->enforce || c->killed)
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

static int on_match(const struct rule *r, int idx, const struct mw_event *ev,
		    void *ctx)
{
	struct match_ctx *c = ctx;
	struct monitor *m = c->m;
	struct mw_process *p = (struct mw_process *)ev->proc;
	struct act a = {0};
	int fd;

	m->alerts++;
	if ((ev->exec_flags & MW_EXEC_DENIED) && (int)ev->deny_rule == idx)
		c->denied_reported = true;
	if (net_blocked_by(ev, idx))
		c->matched_block = true;
	/*
	 * Act first, report after: pin the executable, kill, then digest it
	 * (the alert carries process.hash.sha256, an IOC a SOC can pivot on;
	 * a kill never waits for reading a large binary).
	 */
	/* A refused program is not any process's image: hash the file. */
	if (ev->exec_flags & MW_EXEC_REFUSED)
		fd = p->exe && !p->sha256[0]
			 ? open(p->exe, O_RDONLY | O_CLOEXEC)
			 : -1;
	else
		fd = hash__open(p);
	if (rule__action(r) == RULE_ACT_KILL)
		a = act_kill(c, ev, idx);
	else if (rule__action(r) == RULE_ACT_DENY)
		a = act_deny(c, ev, idx);
	hash__finish(p, fd);
	emit_alert(m, idx, ev, report__alert(ev, r, m->o->enforce));
	if (rule__action(r) == RULE_ACT_BLOCK)
		act_block(c, ev, r, idx);
	/* A stratum flow the kernel cut: that act is reported too. */
	if (rule__action(r) == RULE_ACT_KILL && ev->net &&
	    (ev->net->flags & MW_NET_DROPPED))
		act_block(c, ev, r, idx);
	if (a.kernel_failed)
		emit(m, report__action(ev, r, "kill", a.kernel_err, "kernel"));
	if (a.done && rule__action(r) == RULE_ACT_DENY) {
		m->kills += !a.err && a.fallback_kill;
		emit(m, deny_report(ev, r, &a));
	} else if (a.done) {
		m->kills += !a.err;
		emit(m, report__action(ev, r, "kill", a.err, a.where));
	}
	return 0;
}

/* Judge ev against the rules and report; shared by every sensor. */
static void judge(struct monitor *m, const struct mw_event *ev)
{
	struct match_ctx c = {.m = m};

	rules__eval(m->rules, ev, on_match, &c);
	/*
	 * The kernel denied this exec by a rule the userspace pass did not
	 * match (e.g. the entry came from an older rule set): still report
	 * what the kernel did, under the rule it names when we have it.
	 */
	if ((ev->exec_flags & MW_EXEC_DENIED) && !c.denied_reported &&
	    (int)ev->deny_rule < rules__count(m->rules)) {
		const struct rule *r = rules__get(m->rules, ev->deny_rule);

		on_match(r, ev->deny_rule, ev, &c);
	}
	/* Likewise for a connect the kernel blocked. */
	if (ev->net && (ev->net->flags & MW_NET_BLOCK_MATCH) &&
	    !c.matched_block &&
	    (int)ev->net->rule_idx < rules__count(m->rules) &&
	    ev->net->rules_gen == m->rules_gen) {
		const struct rule *r = rules__get(m->rules, ev->net->rule_idx);

		on_match(r, ev->net->rule_idx, ev, &c);
	}
}

/*
 * Judge every process that was running before we attached, once: a miner
 * already at work when the agent is installed is the incident's case.
 * Kernel threads (no executable) and we ourselves are skipped.
 */
static void judge_running(struct mw_process *p, void *ctx)
{
	const struct mw_process *chain[MAX_LINEAGE];
	struct monitor *m = ctx;
	struct mw_event ev = {.kind = MW_KIND_EXEC, .at_start = true};

	if (!(p->flags & MW_PROC_SEEDED) || !p->exe ||
	    p->pid == (uint32_t)getpid())
		return;
	ev.ts_ns = now_boot_ns();
	ev.proc = p;
	lineage(m, &ev, chain);
	judge(m, &ev);
}

/*
 * An exec refused at lsm/bprm_check_security: the caller keeps running its
 * old image, so the cache is left alone and the event describes the
 * program that was refused in a transient record: the caller's identity
 * (same pid, parent, entity id, as a real exec would have kept) with the
 * refused file as its executable. argv is not readable at that hook.
 */
static void handle_refused(struct monitor *m, const struct exec_view *v)
{
	const struct mw_process *chain[MAX_LINEAGE];
	struct mw_event ev = {.kind = MW_KIND_EXEC};
	const struct mw_process *caller;
	struct mw_process p = {0};
	char *argv[2] = {(char *)(v->filename[0] ? v->filename : v->exe), NULL};
	const char *base;

	caller = proc_cache__get(m->pc, v->e->hdr.pid);
	if (caller) {
		p = *caller;
	} else {
		p.pid = v->e->hdr.pid;
		p.ppid = v->e->hdr.ppid;
		p.uid = v->e->hdr.uid;
		p.gid = v->e->hdr.gid;
		p.euid = v->e->hdr.euid;
		p.loginuid = v->e->hdr.loginuid;
		p.start_ns = v->e->hdr.start_ns;
	}
	p.exe = (char *)v->exe;
	base = strrchr(v->exe, '/');
	p.name = (char *)(base ? base + 1 : v->exe);
	p.cwd = (char *)v->cwd;
	p.exec_path = (char *)(v->filename[0] ? v->filename : v->exe);
	p.argv = argv;
	p.argc = 1;
	p.cmdline = argv[0];
	p.sha256[0] = '\0';
	p.exe_ino = v->e->exe_ino;
	p.exe_dev = v->e->exe_dev;
	p.flags &= MW_PROC_SEEDED;
	/* comm as exec would have set it: the base name of the path given. */
	base = strrchr(p.exec_path, '/');
	snprintf(p.comm, sizeof(p.comm), "%s", base ? base + 1 : p.exec_path);
	ev.ts_ns = v->e->hdr.ts_ns;
	ev.proc = &p;
	ev.exec_flags = v->e->flags;
	ev.deny_rule = v->e->deny_rule;
	lineage(m, &ev, chain);
	if (m->o->events)
		emit(m, report__event(&ev, "exec_refused"));
	judge(m, &ev);
}

static void handle_exec(struct monitor *m, const void *data, size_t size)
{
	const struct mw_process *chain[MAX_LINEAGE];
	struct mw_event ev = {.kind = MW_KIND_EXEC};
	struct exec_view v;
	uint32_t flags = 0;
	struct mw_process *p;

	if (decode__exec(data, size, &v)) {
		m->bad_records++;
		return;
	}
	if (v.e->flags & MW_EXEC_REFUSED) {
		handle_refused(m, &v);
		return;
	}
	if (v.e->flags & MW_EXEC_MEMFD)
		flags |= MW_PROC_MEMFD;
	if (v.e->flags & MW_EXEC_DELETED)
		flags |= MW_PROC_DELETED;
	if (v.e->flags & MW_EXEC_ARGS_TRUNC)
		flags |= MW_PROC_ARGS_TRUNC;
	if (v.e->flags & MW_EXEC_EXE_TRUNC)
		flags |= MW_PROC_EXE_TRUNC;
	p = proc_cache__on_exec(m->pc, &v.e->hdr, v.exe, v.args, v.args_len,
				v.cwd, v.filename, flags);
	if (!p)
		return;
	p->exe_ino = v.e->exe_ino;
	p->exe_dev = v.e->exe_dev;
	ev.ts_ns = v.e->hdr.ts_ns;
	ev.proc = p;
	ev.exec_flags = v.e->flags;
	ev.kill_err = v.e->kill_err;
	ev.deny_rule = v.e->deny_rule;
	/* The parent may predate us and have been missed: learn it now. */
	proc_cache__get(m->pc, p->ppid);
	lineage(m, &ev, chain);
	if (m->o->events)
		emit(m, report__event(&ev, "exec"));
	judge(m, &ev);
}

static void handle_exit(struct monitor *m, const struct mw_exit_event *e)
{
	const struct mw_process *chain[MAX_LINEAGE];
	struct mw_event ev = {.kind = MW_KIND_EXEC, .ts_ns = e->hdr.ts_ns};
	struct mw_process *p = proc_cache__lookup(m->pc, e->hdr.pid);

	if (m->o->events && p) {
		json_t *doc;

		ev.proc = p;
		lineage(m, &ev, chain);
		doc = report__event(&ev, "exit");
		jsonx_set_path(doc, "process.exit_code",
			       json_integer(e->exit_code >> 8 & 0xff));
		if (e->exit_code & 0x7f)
			jsonx_set_path(doc, "minerwatch.process.signal",
				       json_integer(e->exit_code & 0x7f));
		emit(m, doc);
	}
	proc_cache__on_exit(m->pc, &e->hdr);
}

/*
 * A process the cache does not know (an inbound connection has none yet;
 * a short-lived one may be gone): a stand-in with what the record says.
 */
static void proc_standin(struct mw_process *p, uint32_t pid, const char *comm)
{
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->loginuid = UINT32_MAX;
	snprintf(p->comm, sizeof(p->comm), "%s", pid ? comm : "");
	p->name = p->comm[0] ? p->comm : NULL;
	snprintf(p->entity_id, sizeof(p->entity_id), "0");
}

/* Judge one network event (kernel record or burst) of process pid. */
static void net_judge(struct monitor *m, uint64_t ts, uint32_t pid,
		      const char *comm, const struct mw_net_info *info)
{
	const struct mw_process *chain[MAX_LINEAGE];
	struct mw_event ev = {.kind = MW_KIND_NET, .ts_ns = ts, .net = info};
	struct mw_process standin, *p = NULL;

	if (pid)
		p = proc_cache__get(m->pc, pid);
	if (!p) {
		proc_standin(&standin, pid, comm);
		p = &standin;
	}
	ev.proc = p;
	if (p != &standin)
		lineage(m, &ev, chain);
	if (m->o->events && info->act <= NET_ACT_RAW)
		emit(m, report__event(&ev, info->action));
	judge(m, &ev);
}

struct domain_block_ctx {
	struct monitor *m;
	int family;
	const uint8_t *addr;
};

static int on_domain_block(const struct rule *r, int idx,
			   const struct mw_event *ev, void *ctx)
{
	struct domain_block_ctx *d = ctx;
	int err = loader__net_block_addr(d->m->ld, d->family, d->addr, idx,
					 d->m->rules_gen);

	if (err)
		fprintf(stderr,
			"minerwatch: blocking %s (%s, rule %s) failed: %s\n",
			ev->net->dst_ip, ev->net->domain, rule__id(r),
			strerror(-err));
	return 1; /* one entry per address is enough */
}

/*
 * A DNS answer said name -> addr: when a block rule names the domain, the
 * connect hooks refuse that address from now on.
 */
static void on_dns_learn(void *ctx, const char *name, int family,
			 const uint8_t *addr)
{
	struct monitor *m = ctx;
	struct mw_net_info info = {
	    .act = NET_ACT_CONNECT, .action = "connect", .domain = name};
	struct mw_process standin;
	struct mw_event ev = {.kind = MW_KIND_NET, .net = &info};
	struct domain_block_ctx d = {.m = m, .family = family, .addr = addr};

	proc_standin(&standin, 0, "");
	ev.proc = &standin;
	inet_ntop(family, addr, info.dst_ip, sizeof(info.dst_ip));
	rules__net_domain_blocks(m->rules, &ev, on_domain_block, &d);
}

static void handle_net(struct monitor *m, const void *data, size_t size)
{
	const struct mw_net_event *e = data;
	struct mw_net_info info;
	int ret;

	ret = net__decode(m->net, data, size, &info, on_dns_learn, m);
	if (ret < 0)
		m->bad_records++;
	if (ret)
		return;
	net_judge(m, e->hdr.ts_ns, e->hdr.pid, e->hdr.comm, &info);
}

/* Report the scan and brute-force bursts that ended by now. */
static void net_bursts(struct monitor *m, uint64_t now)
{
	struct mw_net_info info;
	uint32_t pid;
	char comm[16];
	int i;

	/* Bounded: a flood of bursts waits for the next tick. */
	for (i = 0; i < 64 && net__next_burst(m->net, now, &info, &pid, comm);
	     i++)
		net_judge(m, now, pid, comm, &info);
}

/*
 * A change to a watched file (the kernel filtered already). The path is
 * normalized here when the kernel built it from a dirfd and a string.
 */
static void handle_file(struct monitor *m, const void *data, size_t size)
{
	const struct mw_process *chain[MAX_LINEAGE];
	struct mw_event ev = {.kind = MW_KIND_FILE};
	struct mw_file_info fi = {0};
	char path[MW_PATH_MAX], target[MW_PATH_MAX];
	const struct mw_file_event *e;
	struct mw_process *p;
	struct file_view v;
	const char *slash;

	if (decode__file(data, size, &v)) {
		m->bad_records++;
		return;
	}
	/* The writer's exec may still wait on the telemetry ring. */
	loader__sync(m->ld);
	e = v.e;
	snprintf(path, sizeof(path), "%s", v.path);
	if (e->flags & MW_FILE_LEXICAL)
		file_path__normalize(path);
	fi.path = path;
	if (v.target) {
		snprintf(target, sizeof(target), "%s", v.target);
		/* A symlink's contents are not a path of ours to clean up. */
		if (e->flags & MW_FILE_TARGET_LEXICAL &&
		    e->op != MW_FILE_OP_SYMLINK)
			file_path__normalize(target);
		fi.target_path = target;
	}
	slash = strrchr(path, '/');
	fi.name = slash && slash[1] ? slash + 1 : path;
	fi.op = e->op;
	fi.action = file_op__str(e->op);
	fi.flags = e->flags;
	fi.size_before = e->flags & MW_FILE_SIZE_BEFORE ? e->size_before : -1;
	fi.size_after = e->flags & MW_FILE_SIZE_AFTER ? e->size_after : -1;
	fi.ino = e->ino;
	fi.dev = e->dev;
	fi.mode = e->mode;
	fi.uid = e->uid;
	fi.gid = e->gid;
	fi.open_flags = e->open_flags;
	fi.attr = e->attr;

	/*
	 * The writer is usually known (its exec came first); a process that
	 * predates us and escaped the seed is learned from /proc, and one
	 * already gone gets a record from the header alone.
	 */
	p = proc_cache__get(m->pc, e->hdr.pid);
	if (!p)
		p = proc_cache__on_fork(m->pc, &e->hdr);
	if (!p)
		return;
	ev.ts_ns = e->hdr.ts_ns;
	ev.proc = p;
	ev.file = &fi;
	proc_cache__get(m->pc, p->ppid);
	lineage(m, &ev, chain);
	if (m->o->events)
		emit(m, report__event(&ev, fi.action));
	judge(m, &ev);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct monitor *m = ctx;
	const struct mw_hdr *h;
	json_t *doc;

	if (decode__hdr(data, size, &h)) {
		m->bad_records++;
		return 0;
	}
	switch (h->type) {
	case MW_EV_EXEC:
		handle_exec(m, data, size);
		break;
	case MW_EV_FORK:
		proc_cache__on_fork(m->pc, h);
		break;
	case MW_EV_NET:
		handle_net(m, data, size);
		break;
	case MW_EV_FILE:
		handle_file(m, data, size);
		break;
	case MW_EV_EXIT:
		if (h->size >= sizeof(struct mw_exit_event))
			handle_exit(m, data);
		else
			m->bad_records++;
		break;
	case MW_EV_DENY:
		if (prevent__handle(m->pc, m->rules, data, size, &doc))
			m->bad_records++;
		else
			emit(m, doc);
		break;
	default:
		m->bad_records++;
	}
	return 0;
}

/* Kernel counters as the health, loss and stopped events name them. */
static const struct {
	const char *name;
	enum mw_stat idx;
} kernel_counters[] = {
    {"exec_seen", MW_STAT_EXEC_SEEN},
    {"fork_seen", MW_STAT_FORK_SEEN},
    {"exit_seen", MW_STAT_EXIT_SEEN},
    {"events_sent", MW_STAT_EVENTS_SENT},
    {"events_lost", MW_STAT_EVENTS_LOST},
    {"alerts_sent", MW_STAT_ALERTS_SENT},
    {"alerts_lost", MW_STAT_ALERTS_LOST},
    {"kernel_kills", MW_STAT_EXEC_KILLED},
    {"kernel_kill_failures", MW_STAT_EXEC_KILL_FAILED},
    {"self_filtered", MW_STAT_SELF_FILTERED},
    {"scope_filtered", MW_STAT_SCOPE_FILTERED},
    {"file_seen", MW_STAT_FILE_SEEN},
    {"file_filtered", MW_STAT_FILE_FILTERED},
    {"file_sent", MW_STAT_FILE_SENT},
    {"file_path_truncated", MW_STAT_FILE_PATH_TRUNC},
    {"net_seen", MW_STAT_NET_SEEN},
    {"net_filtered", MW_STAT_NET_FILTERED},
    {"net_blocked", MW_STAT_NET_BLOCKED},
    {"net_stratum_flows", MW_STAT_NET_STRATUM},
    {"net_stratum_dropped", MW_STAT_NET_DROPPED},
    {"net_flow_table_full", MW_STAT_NET_FLOW_FULL},
    {"net_dns_answers", MW_STAT_NET_DNS},
    /* What the BPF-LSM hooks refused (0 where they are not loaded). */
    {"kernel_refused_execs", MW_STAT_EXEC_REFUSED},
    {"kernel_refused_connects", MW_STAT_CONNECT_REFUSED},
    {"kernel_refused_files", MW_STAT_FILE_REFUSED},
};

static void counter_set(json_t *o, const char *name, uint64_t v)
{
	json_object_set_new(o, name, json_integer((json_int_t)v));
}

static json_t *counters_json(struct monitor *m, const uint64_t *st)
{
	struct output_stats os;
	json_t *c = json_object();
	size_t i;

	if (!c)
		return NULL;
	for (i = 0; i < sizeof(kernel_counters) / sizeof(kernel_counters[0]);
	     i++)
		counter_set(c, kernel_counters[i].name,
			    st[kernel_counters[i].idx]);
	output__stats(m->out, &os);
	counter_set(c, "bad_records", m->bad_records);
	counter_set(c, "alerts", m->alerts);
	counter_set(c, "alerts_aggregated", aggregate__suppressed(m->agg));
	counter_set(c, "output_lines", os.lines);
	counter_set(c, "output_written", os.written);
	counter_set(c, "output_queued", os.queued);
	counter_set(c, "output_spooled", os.spooled);
	counter_set(c, "output_dropped", os.dropped);
	counter_set(c, "output_errors", os.errors);
	counter_set(c, "processes", proc_cache__size(m->pc));
	counter_set(c, "rules", rules__count(m->rules));
	counter_set(c, "file_watch_entries", loader__file_watch_count(m->ld));
	return c;
}

/* Report losses since the last check as their own state event. */
static void check_losses(struct monitor *m)
{
	uint64_t st[MW_STAT_MAX];
	uint64_t ev_lost, al_lost, kill_fail;

	if (loader__read_stats(m->ld, st))
		return;
	ev_lost = st[MW_STAT_EVENTS_LOST] - m->stats[MW_STAT_EVENTS_LOST];
	al_lost = st[MW_STAT_ALERTS_LOST] - m->stats[MW_STAT_ALERTS_LOST];
	kill_fail =
	    st[MW_STAT_EXEC_KILL_FAILED] - m->stats[MW_STAT_EXEC_KILL_FAILED];
	if (ev_lost || al_lost || kill_fail) {
		json_t *d = json_pack(
		    "{s:{s:I,s:I,s:I},s:o}", "lost", "events",
		    (json_int_t)ev_lost, "alerts", (json_int_t)al_lost,
		    "kernel_kill_failures", (json_int_t)kill_fail, "counters",
		    counters_json(m, st));

		fprintf(stderr,
			"minerwatch: %llu events and %llu alerts lost "
			"(ring buffer full)\n",
			(unsigned long long)ev_lost,
			(unsigned long long)al_lost);
		emit(m, report__state("events_lost", d));
	}
	memcpy(m->stats, st, sizeof(st));
}

/* The answer to a control socket query: a "status" state document. */
static char *status_line(void *ctx)
{
	struct monitor *m = ctx;
	uint64_t st[MW_STAT_MAX];
	json_t *doc;
	char *line;

	if (loader__read_stats(m->ld, st))
		memcpy(st, m->stats, sizeof(st));
	doc = report__state(
	    "status",
	    json_pack(
		"{s:o,s:s,s:b,s:I}", "counters", counters_json(m, st), "mode",
		m->o->enforce ? "enforce" : "detect", "adopted",
		loader__adopted(m->ld), "uptime_s",
		(json_int_t)((now_boot_ns() - m->started_ns) / 1000000000ULL)));
	line = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	return line;
}

static void health(struct monitor *m)
{
	uint64_t st[MW_STAT_MAX];

	if (loader__read_stats(m->ld, st))
		return;
	emit(m, report__state("health", json_pack("{s:o}", "counters",
						  counters_json(m, st))));
}

static void reload(struct monitor *m)
{
	struct rules *rs = NULL;
	char err[1024] = "";
	int n = 0, ret;

	ret = rules__load(m->o->rule_paths, m->o->n_rule_paths, &rs, err,
			  sizeof(err));
	if (ret) {
		fprintf(stderr,
			"minerwatch: reload refused, keeping %d rules: %s\n",
			rules__count(m->rules), err);
		emit(m, report__state("rules_reload_failed",
				      json_pack("{s:s,s:i}", "error", err,
						"rules_kept",
						rules__count(m->rules))));
		return;
	}
	ret = loader__apply_rules(m->ld, rs, m->rules_gen + 1, &n);
	if (ret) {
		fprintf(stderr,
			"minerwatch: reload: kernel filters not updated: %s\n",
			strerror(-ret));
		emit(m, report__state("rules_reload_failed",
				      json_pack("{s:s,s:i}", "error",
						strerror(-ret), "rules_kept",
						rules__count(m->rules))));
		/* Restore the old set's entries. */
		loader__apply_rules(m->ld, m->rules, m->rules_gen, NULL);
		rules__free(rs);
		return;
	}
	rules__free(m->rules);
	m->rules = rs;
	m->rules_gen++;
	/* Addresses learned for domains the new rules block. */
	net__for_each_domain(m->net, on_dns_learn, m);
	emit(m, report__state("rules_reloaded",
			      json_pack("{s:i,s:i}", "rules", rules__count(rs),
					"kernel_deny_names", n)));
}

static void started(struct monitor *m, int n_deny)
{
	json_t *paths = json_array();
	int i;

	for (i = 0; i < m->o->n_rule_paths; i++)
		json_array_append_new(paths, jsonx_str(m->o->rule_paths[i]));
	json_t *d;

	d = json_pack("{s:o,s:s,s:b,s:b,s:i,s:i,s:o,s:i}", "hooks",
		      loader__hooks_json(m->ld), "mode",
		      m->o->enforce ? "enforce" : "detect", "enforce",
		      m->o->enforce, "events", m->o->events, "rules",
		      rules__count(m->rules), "kernel_deny_names", n_deny,
		      "rule_paths", paths, "processes",
		      (int)proc_cache__size(m->pc));
	/* Which kernel features the probe found (the hooks follow them). */
	jsonx_set_path(d, "features", features__json(loader__features(m->ld)));
	/* Agent: restart adoption, scope, where the state is pinned. */
	jsonx_set_path(d, "adopted", json_boolean(loader__adopted(m->ld)));
	jsonx_set_path(d, "self_tgid", json_integer(loader__self_tgid(m->ld)));
	if (m->o->pin_dir)
		jsonx_set_path(d, "pin_dir", jsonx_str(m->o->pin_dir));
	if (m->o->cgroup)
		jsonx_set_path(d, "cgroup", jsonx_str(m->o->cgroup));
	emit(m, report__state("started", d));
}

static void signals_install(void)
{
	struct sigaction sa = {.sa_handler = on_signal};

	/* No SA_RESTART: a signal interrupts the poll so we see it at once. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int monitor__run(const struct monitor_opts *o)
{
	struct monitor m = {.o = o};
	uint64_t last_tick, last_health;
	int ret, code = MW_EXIT_OK, n_deny = 0;
	char err[1024] = "";

	struct loader_opts lo = {
	    .verbose = o->verbose, .pin_dir = o->pin_dir, .cgroup = o->cgroup};

	report__init();
	if (o->spool_dir && output__set_spool_dir(o->spool_dir)) {
		fprintf(stderr, "minerwatch: spool dir too long: %s\n",
			o->spool_dir);
		return MW_EXIT_USAGE;
	}
	ret = rules__load(o->rule_paths, o->n_rule_paths, &m.rules, err,
			  sizeof(err));
	if (ret) {
		fprintf(stderr, "minerwatch: rules refused: %s\n", err);
		return MW_EXIT_RULES;
	}
	ret = output__open(o->outputs, o->n_outputs, &m.out, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "minerwatch: output: %s\n", err);
		code = MW_EXIT_OUTPUT;
		goto out_rules;
	}
	ret = loader__check_env(err, sizeof(err));
	if (ret) {
		fprintf(stderr, "minerwatch: %s\n", err);
		code = MW_EXIT_ENV;
		goto out_output;
	}
	m.pc = proc_cache__new();
	m.agg = aggregate__new((uint64_t)o->aggregate_window * 1000000000ULL,
			       AGG_MAX);
	if (!m.pc || !m.agg) {
		code = MW_EXIT_RUNTIME;
		goto out_output;
	}
	m.net = net__new(NULL);
	if (!m.net) {
		code = MW_EXIT_RUNTIME;
		goto out_cache;
	}
	signals_install();
	if (!o->pin_dir && access(LOADER_DEFAULT_PIN_DIR, F_OK) == 0)
		fprintf(stderr,
			"minerwatch: warning: %s holds pinned programs of an "
			"earlier run; they stay attached (remove them with "
			"minerwatch --detach-all)\n",
			LOADER_DEFAULT_PIN_DIR);
	ret = loader__open(&lo, on_record, &m, &m.ld, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "minerwatch: %s\n", err);
		code = MW_EXIT_ENV;
		goto out_cache;
	}
	ret = loader__set_config(m.ld, o->enforce, getpid());
	if (!ret)
		ret = loader__apply_rules(m.ld, m.rules, m.rules_gen, &n_deny);
	if (!ret)
		ret = prevent__setup(m.ld, o);
	if (ret) {
		fprintf(stderr, "minerwatch: configuring BPF maps failed: %s\n",
			strerror(-ret));
		code = MW_EXIT_ENV;
		goto out_loader;
	}
	/*
	 * Seed after attach: a process started in between is then in /proc,
	 * in the ring buffer, or both, never in neither.
	 */
	proc_cache__seed(m.pc, NULL);
	loader__read_stats(m.ld, m.stats);
	if (o->control) {
		ret = control__open(o->control, &m.ctl, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "minerwatch: %s\n", err);
			code = MW_EXIT_ENV;
			goto out_loader;
		}
	}
	m.started_ns = now_boot_ns();
	started(&m, n_deny);
	proc_cache__for_each(m.pc, judge_running, &m);
	/* Probes attached, maps filled, started reported: tell systemd. */
	control__sd_notify("READY=1\nSTATUS=probes attached");
	if (o->verbose)
		fprintf(stderr,
			"minerwatch: attached (%s), %d rules, mode %s\n",
			loader__hooks(m.ld), rules__count(m.rules),
			o->enforce ? "enforce" : "detect");

	last_tick = last_health = now_boot_ns();
	while (!sig_stop) {
		uint64_t now;

		/* Telemetry arrives without wakeups: this bounds its delay. */
		ret = loader__poll(m.ld, 25 /* ms */);
		if (ret < 0 && ret != -EINTR) {
			fprintf(stderr, "minerwatch: ring buffer poll: %s\n",
				strerror(-ret));
			code = MW_EXIT_RUNTIME;
			break;
		}
		if (sig_reload) {
			sig_reload = 0;
			control__sd_notify("RELOADING=1");
			reload(&m);
			control__sd_notify("READY=1");
		}
		control__serve(m.ctl, status_line, &m);
		now = now_boot_ns();
		net_bursts(&m, now);
		if (now - last_tick >= 1000000000ULL) {
			last_tick = now;
			check_losses(&m);
			proc_cache__expire(m.pc, now);
			aggregate__flush(m.agg, now, false, emit_summary, &m);
			output__tick(m.out);
		}
		if (o->stats_interval > 0 &&
		    now - last_health >=
			(uint64_t)o->stats_interval * 1000000000ULL) {
			last_health = now;
			health(&m);
		}
	}
	control__sd_notify("STOPPING=1");
	/* Drain what is already queued so nothing seen is left unreported. */
	loader__poll(m.ld, 0);
	aggregate__flush(m.agg, now_boot_ns(), true, emit_summary, &m);
	check_losses(&m);
	emit(&m,
	     report__state("stopped", json_pack("{s:o}", "counters",
						counters_json(&m, m.stats))));
	if (o->pin_dir && o->verbose)
		fprintf(stderr,
			"minerwatch: leaving the pinned programs in %s "
			"attached\n",
			o->pin_dir);
out_loader:
	control__close(m.ctl);
	loader__destroy(m.ld);
out_cache:
	aggregate__free(m.agg);
	net__free(m.net);
	proc_cache__free(m.pc);
out_output:
	output__close(m.out);
out_rules:
	rules__free(m.rules);
	return code;
}
