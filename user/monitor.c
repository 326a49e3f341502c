// SPDX-License-Identifier: GPL-2.0-only
/*
 * monitor.c - the event loop.
 *
 * Single-threaded: ring buffer records are decoded, folded into the process
 * cache, judged by the rules and reported in the order they arrive. Signals
 * only set flags; the loop acts on them between polls.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "kernel_features.h"
#include "hash.h"
#include "jsonx.h"
#include "loader.h"
#include "monitor.h"
#include "output.h"
#include "prevent.h"
#include "proc_cache.h"
#include "report.h"
#include "response.h"
#include "rules.h"

#define MAX_LINEAGE 16

struct monitor {
	const struct monitor_opts *o;
	struct loader *ld;
	struct rules *rules;
	uint32_t rules_gen;
	struct proc_cache *pc;
	struct output *out;
	uint64_t stats[MW_STAT_MAX]; /* last totals read from the kernel */
	uint64_t bad_records;	     /* malformed records (never expected) */
	uint64_t alerts;	     /* alerts emitted */
	uint64_t kills;		     /* kill acts reported */
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
	emit(m, report__alert(ev, r, m->o->enforce));
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

static json_t *counters_json(struct monitor *m, const uint64_t *st)
{
	struct output_stats os;
	json_t *c;

	output__stats(m->out, &os);
	c = json_pack(
	    "{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:i,"
	    "s:i}",
	    "exec_seen", (json_int_t)st[MW_STAT_EXEC_SEEN], "fork_seen",
	    (json_int_t)st[MW_STAT_FORK_SEEN], "exit_seen",
	    (json_int_t)st[MW_STAT_EXIT_SEEN], "events_sent",
	    (json_int_t)st[MW_STAT_EVENTS_SENT], "events_lost",
	    (json_int_t)st[MW_STAT_EVENTS_LOST], "alerts_sent",
	    (json_int_t)st[MW_STAT_ALERTS_SENT], "alerts_lost",
	    (json_int_t)st[MW_STAT_ALERTS_LOST], "kernel_kills",
	    (json_int_t)st[MW_STAT_EXEC_KILLED], "kernel_kill_failures",
	    (json_int_t)st[MW_STAT_EXEC_KILL_FAILED], "self_filtered",
	    (json_int_t)st[MW_STAT_SELF_FILTERED], "bad_records",
	    (json_int_t)m->bad_records, "alerts", (json_int_t)m->alerts,
	    "output_spooled", (json_int_t)os.spooled, "output_dropped",
	    (json_int_t)os.dropped, "output_errors", (json_int_t)os.errors,
	    "processes", (int)proc_cache__size(m->pc), "rules",
	    rules__count(m->rules));
	/* What the BPF-LSM hooks refused (0 where they are not loaded). */
	json_object_set_new(c, "kernel_refused_execs",
			    json_integer(st[MW_STAT_EXEC_REFUSED]));
	json_object_set_new(c, "kernel_refused_connects",
			    json_integer(st[MW_STAT_CONNECT_REFUSED]));
	json_object_set_new(c, "kernel_refused_files",
			    json_integer(st[MW_STAT_FILE_REFUSED]));
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
	emit(m, report__state(
		    "started",
		    json_pack("{s:o,s:o,s:s,s:b,s:b,s:i,s:i,s:o,s:i}", "hooks",
			      loader__hooks_json(m->ld), "features",
			      features__json(loader__features(m->ld)), "mode",
			      m->o->enforce ? "enforce" : "detect", "enforce",
			      m->o->enforce, "events", m->o->events, "rules",
			      rules__count(m->rules), "kernel_deny_names",
			      n_deny, "rule_paths", paths, "processes",
			      (int)proc_cache__size(m->pc))));
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

	report__init();
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
	if (!m.pc) {
		code = MW_EXIT_RUNTIME;
		goto out_output;
	}
	signals_install();
	ret = loader__open(o->verbose, on_record, &m, &m.ld, err, sizeof(err));
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
	started(&m, n_deny);
	if (o->verbose)
		fprintf(stderr,
			"minerwatch: attached (%s), %d rules, mode %s\n",
			loader__hooks(m.ld), rules__count(m.rules),
			o->enforce ? "enforce" : "detect");

	last_tick = last_health = now_boot_ns();
	while (!sig_stop) {
		uint64_t now;

		ret = loader__poll(m.ld, 100 /* ms */);
		if (ret < 0 && ret != -EINTR) {
			fprintf(stderr, "minerwatch: ring buffer poll: %s\n",
				strerror(-ret));
			code = MW_EXIT_RUNTIME;
			break;
		}
		if (sig_reload) {
			sig_reload = 0;
			reload(&m);
		}
		now = now_boot_ns();
		if (now - last_tick >= 1000000000ULL) {
			last_tick = now;
			check_losses(&m);
			proc_cache__expire(m.pc, now);
			output__tick(m.out);
		}
		if (o->stats_interval > 0 &&
		    now - last_health >=
			(uint64_t)o->stats_interval * 1000000000ULL) {
			last_health = now;
			health(&m);
		}
	}
	/* Drain what is already queued so nothing seen is left unreported. */
	loader__poll(m.ld, 0);
	check_losses(&m);
	emit(&m,
	     report__state("stopped", json_pack("{s:o}", "counters",
						counters_json(&m, m.stats))));
out_loader:
	loader__destroy(m.ld);
out_cache:
	proc_cache__free(m.pc);
out_output:
	output__close(m.out);
out_rules:
	rules__free(m.rules);
	return code;
}
