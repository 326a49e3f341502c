// SPDX-License-Identifier: GPL-2.0-only
/*
 * monitor.c - the daemon's loop: set every stage up, read the ring
 * buffers, dispatch each record to its sensor, and run the timers.
 *
 * One thread judges: ring buffer records are handed, in the order they
 * arrive, to the sensor that decodes them (sensors/), which brings the
 * process model up to date (model/) and passes the event on to the rules
 * and the response (respond/), whose findings the reporter writes
 * (report/ -> output/; the outputs' I/O and the control socket run on
 * threads of their own). The loop itself judges nothing. Signals only set
 * flags; the loop acts on them between polls. docs/architecture.md walks
 * one record through these stages.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/control.h"
#include "app/monitor.h"
#include "app/monitor_int.h"
#include "identify/content.h"
#include "kernel/loader.h"
#include "kernel/prevent.h"
#include "model/proc_cache.h"
#include "output/output.h"
#include "report/report.h"
#include "report/reporter.h"
#include "respond/content_verdict.h"
#include "respond/incident.h"
#include "respond/verdict.h"
#include "rules/rules.h"
#include "sensors/decode.h"
#include "sensors/net.h"
#include "sensors/sensors.h"
#include "util/clock.h"

#define AGG_MAX 4096 /* (rule, process) pairs tracked */

static volatile sig_atomic_t sig_stop, sig_reload;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		sig_reload = 1;
	else
		sig_stop = 1;
}

/* One ring buffer record to the sensor that owns its type. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct monitor *m = ctx;
	struct sensors *s = &m->sensors;
	const struct mw_hdr *h;

	if (decode__hdr(data, size, &h)) {
		s->bad_records++;
		return 0;
	}
	switch (h->type) {
	case MW_EV_EXEC:
		exec_sensor__exec(s, data, size);
		break;
	case MW_EV_FORK:
		exec_sensor__fork(s, h);
		break;
	case MW_EV_EXIT:
		exec_sensor__exit(s, data, size);
		break;
	case MW_EV_NET:
		net_sensor__record(s, data, size);
		break;
	case MW_EV_FILE:
		/*
		 * Findings and telemetry travel on different rings: the
		 * writer's exec may still wait on the telemetry ring, so
		 * drain it first (judged after its exec, with its name).
		 */
		loader__sync(m->ld);
		file_sensor__record(s, data, size);
		break;
	case MW_EV_DENY:
		lsm_sensor__record(s, data, size);
		break;
	default:
		s->bad_records++;
	}
	return 0;
}

static void reload_refused(struct monitor *m, const char *why)
{
	reporter__emit(
	    m->rep,
	    report__state("rules_reload_failed",
			  json_pack("{s:s,s:i}", "error", why, "rules_kept",
				    rules__count(m->rules))));
}

/* SIGHUP: a new rule set, or the old one kept with the reason said. */
static void reload(struct monitor *m)
{
	struct rules *rs = NULL;
	char err[1024] = "";
	int n = 0, ret;

	ret = rules__load(m->o->rule_paths, m->o->n_rule_paths, &rs, err,
			  sizeof(err));
	/* A bad YARA file refuses the whole reload: the running rules stay. */
	if (!ret) {
		ret = content__reload(m->content, err, sizeof(err));
		if (ret)
			rules__free(rs);
	}
	if (ret) {
		fprintf(stderr,
			"minerwatch: reload refused, keeping %d rules: %s\n",
			rules__count(m->rules), err);
		reload_refused(m, err);
		return;
	}
	ret = loader__apply_rules(m->ld, rs, m->rules_gen + 1, &n);
	if (ret) {
		fprintf(stderr,
			"minerwatch: reload: kernel filters not updated: %s\n",
			strerror(-ret));
		reload_refused(m, strerror(-ret));
		/* Restore the old set's entries. */
		loader__apply_rules(m->ld, m->rules, m->rules_gen, NULL);
		rules__free(rs);
		return;
	}
	verdict__set_rules(m->verdict, rs, m->rules_gen + 1);
	content_verdict__rules_changed(m->cv);
	rules__free(m->rules);
	m->rules = rs;
	m->rules_gen++;
	/* Addresses learned for domains the new rules block. */
	net__for_each_domain(m->net, verdict__on_dns, m->verdict);
	reporter__emit(
	    m->rep,
	    report__state("rules_reloaded",
			  json_pack("{s:i,s:i}", "rules", rules__count(rs),
				    "kernel_deny_names", n)));
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

/* The content worker with the YARA rules (given, or each rules dir's). */
static int content_open(struct monitor *m, char *err, size_t len)
{
	const struct monitor_opts *o = m->o;
	struct content_opts co = {.yara_paths = o->yara_paths,
				  .n_yara_paths = o->n_yara_paths,
				  .rule_paths = o->rule_paths,
				  .n_rule_paths = o->n_rule_paths,
				  .max_size = (uint64_t)o->content_max_mb << 20,
				  .cache_slots = o->content_cache,
				  .workers = o->content_workers,
				  .no_unpack = o->unpack_off};

	if (o->content_off) /* no worker: no hash, no signatures */
		return 0;
	return content__new(&co, &m->content, err, len);
}

/*
 * The stages that need no kernel: rules, outputs, model, reporter,
 * verdict. Returns an enum mw_exit code; what was made is freed by
 * stages_free() whatever the result.
 */
static int stages_open(struct monitor *m)
{
	const struct monitor_opts *o = m->o;
	char err[1024] = "";

	if (o->spool_dir && output__set_spool_dir(o->spool_dir)) {
		fprintf(stderr, "minerwatch: spool dir too long: %s\n",
			o->spool_dir);
		return MW_EXIT_USAGE;
	}
	if (rules__load(o->rule_paths, o->n_rule_paths, &m->rules, err,
			sizeof(err))) {
		fprintf(stderr, "minerwatch: rules refused: %s\n", err);
		return MW_EXIT_RULES;
	}
	if (content_open(m, err, sizeof(err))) {
		fprintf(stderr, "minerwatch: rules refused: %s\n", err);
		return MW_EXIT_RULES;
	}
	if (output__open(o->outputs, o->n_outputs, &m->out, err, sizeof(err))) {
		fprintf(stderr, "minerwatch: output: %s\n", err);
		return MW_EXIT_OUTPUT;
	}
	if (loader__check_env(err, sizeof(err))) {
		fprintf(stderr, "minerwatch: %s\n", err);
		return MW_EXIT_ENV;
	}
	m->pc = proc_cache__new();
	m->net = net__new(NULL);
	m->rep = reporter__new(
	    m->out, (uint64_t)o->aggregate_window * 1000000000ULL, AGG_MAX);
	if (!m->pc || !m->net || !m->rep)
		return MW_EXIT_RUNTIME;
	return MW_EXIT_OK;
}

/*
 * Load and attach the BPF programs, fill their maps from the rules and
 * the command line, then hand the kernel to the verdict. Returns an enum
 * mw_exit code.
 */
/* The file sensor's view of the anchors (sensors.h: anchor_name). */
static int anchor_name(void *ctx, uint64_t dev, uint64_t ino, char *buf,
		       size_t n)
{
	return loader__file_anchor_name(ctx, dev, ino, buf, n);
}

static int alias_add(void *ctx, const char *link, const char *target)
{
	return loader__file_alias_add(ctx, link, target);
}

static int alias_resolve(void *ctx, const char *path, char *out, size_t n)
{
	return loader__file_alias_resolve(ctx, path, out, n);
}

static int alias_moved(void *ctx, const char *from, const char *to)
{
	return loader__file_alias_moved(ctx, from, to);
}

static void link_judged(void *ctx, const char *link)
{
	loader__file_link_judged(ctx, link);
}

static int kernel_open(struct monitor *m, int *n_deny)
{
	const struct monitor_opts *o = m->o;
	struct loader_opts lo = {
	    .verbose = o->verbose, .pin_dir = o->pin_dir, .cgroup = o->cgroup};
	struct prevent_opts po = {
	    .deny_connect = o->deny_connect,
	    .n_deny_connect = o->n_deny_connect,
	    .protect_paths = o->protect_paths,
	    .n_protect_paths = o->n_protect_paths,
	};
	char err[1024] = "";
	int ret;

	memcpy(lo.ring_bytes, o->ring_bytes, sizeof(lo.ring_bytes));
	if (!o->pin_dir && access(LOADER_DEFAULT_PIN_DIR, F_OK) == 0)
		fprintf(stderr,
			"minerwatch: warning: %s holds pinned programs of an "
			"earlier run; they stay attached (remove them with "
			"minerwatch --detach-all)\n",
			LOADER_DEFAULT_PIN_DIR);
	ret = loader__open(&lo, on_record, m, &m->ld, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "minerwatch: %s\n", err);
		return MW_EXIT_ENV;
	}
	/* Stratum flows decided in userspace are answered to the kernel. */
	net__on_stratum_decided(m->net, loader__stratum_decided, m->ld);
	ret = loader__set_config(m->ld, o->enforce, getpid());
	/* --events streams every file record: the kernel may skip none. */
	loader__all_file_ops(m->ld, o->events);
	if (!ret)
		ret =
		    loader__apply_rules(m->ld, m->rules, m->rules_gen, n_deny);
	if (!ret)
		ret = prevent__setup(m->ld, &po);
	if (ret) {
		fprintf(stderr, "minerwatch: configuring BPF maps failed: %s\n",
			strerror(-ret));
		return MW_EXIT_ENV;
	}
	m->verdict = verdict__new(m->rep, m->pc, m->ld, o->enforce);
	if (!m->verdict)
		return MW_EXIT_RUNTIME;
	verdict__set_rules(m->verdict, m->rules, m->rules_gen);
	m->sensors = (struct sensors){.pc = m->pc,
				      .net = m->net,
				      .v = m->verdict,
				      .rep = m->rep,
				      .content = m->content,
				      .events = o->events,
				      .anchor_name = anchor_name,
				      .alias_add = alias_add,
				      .alias_resolve = alias_resolve,
				      .alias_moved = alias_moved,
				      .link_judged = link_judged,
				      .anchor_ctx = m->ld};
	if (scope__init(&m->sensors, o->cgroup)) {
		fprintf(stderr,
			"minerwatch: --cgroup %s: not on a cgroup2 mount\n",
			o->cgroup);
		return MW_EXIT_USAGE;
	}
	prevent__clear_inodes(m->ld);
	m->cv = content_verdict__new(
	    m->content, m->verdict, m->pc, m->rep, m->ld,
	    &(struct quarantine_opts){.dir = o->quarantine_dir,
				      .only_under = o->quarantine_under},
	    o->enforce, o->events);
	if (!m->cv)
		return MW_EXIT_RUNTIME;
	return MW_EXIT_OK;
}

/*
 * Repeats the kernel folded that no record carried (bpf/fold.bpf.h), to
 * the file sensor; all: every pair, at exit.
 */
static void fold_drain(struct monitor *m, uint64_t now, bool all)
{
	static bool warned;
	int ret;

	ret = loader__fold_drain(m->ld, all, file_sensor__drained, &m->sensors);
	if (ret < 0 && !warned) {
		warned = true;
		fprintf(stderr, "minerwatch: fold drain failed: %s\n",
			strerror(-ret));
	}
	file_sensor__fold_expire(&m->sensors, all ? UINT64_MAX : now);
}

/* Timers: bursts each pass, losses and expiry each second, health. */
static void tick(struct monitor *m, uint64_t *last_tick, uint64_t *last_health)
{
	const struct monitor_opts *o = m->o;
	uint64_t now = clock__boot_ns();

	net_sensor__bursts(&m->sensors, now);
	behaviour_sensor__tick(&m->sensors, now);
	content_verdict__drain(m->cv);
	if (file_sensor__anchors_due(&m->sensors, now))
		loader__file_anchors_refresh(m->ld); /* right after a rename */
	if (now - *last_tick >= 1000000000ULL) {
		*last_tick = now;
		fold_drain(m, now, false);
		status__check_losses(m);
		proc_cache__expire(m->pc, now);
		reporter__flush(m->rep, now, false);
		output__tick(m->out);
		loader__file_anchors_refresh(m->ld); /* a watched dir replaced */
		loader__file_links_sweep(m->ld); /* links whose record was lost */
	}
	if (o->stats_interval > 0 &&
	    now - *last_health >= (uint64_t)o->stats_interval * 1000000000ULL) {
		*last_health = now;
		status__health(m);
	}
}

/* Until SIGTERM/SIGINT; returns an enum mw_exit code. */
static int loop(struct monitor *m)
{
	uint64_t last_tick, last_health;
	int ret;

	last_tick = last_health = clock__boot_ns();
	while (!sig_stop) {
		/* Telemetry arrives without wakeups: this bounds its delay. */
		ret = loader__poll(m->ld, 25 /* ms */);
		if (ret < 0 && ret != -EINTR) {
			fprintf(stderr, "minerwatch: ring buffer poll: %s\n",
				strerror(-ret));
			return MW_EXIT_RUNTIME;
		}
		if (sig_reload) {
			sig_reload = 0;
			control__sd_notify("RELOADING=1");
			reload(m);
			control__sd_notify("READY=1");
		}
		control__serve(m->ctl, status__line, m);
		tick(m, &last_tick, &last_health);
	}
	return MW_EXIT_OK;
}

/* Every stage, in the reverse order of setup; each accepts NULL. */
static void stages_free(struct monitor *m)
{
	control__close(m->ctl);
	content__free(m->content); /* the worker first: it reads the cache */
	behaviour_sensor__stop();
	content_verdict__free(m->cv);
	loader__destroy(m->ld);
	file_sensor__free(&m->sensors);
	verdict__free(m->verdict);
	reporter__free(m->rep);
	net__free(m->net);
	proc_cache__free(m->pc);
	output__close(m->out);
	rules__free(m->rules);
}

int monitor__run(const struct monitor_opts *o)
{
	struct monitor m = {.o = o};
	int code, n_deny = 0;
	char err[1024] = "";

	report__init();
	/*
	 * A fixed mmap threshold: big buffers (a scanned executable, a spool
	 * rewrite) are mapped and unmapped whole, so a burst's memory goes
	 * back when it ends. Left dynamic, glibc raises the threshold after
	 * the first such free and keeps the next ones in the heap.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 << 10);
	code = stages_open(&m);
	if (code != MW_EXIT_OK)
		goto out;
	signals_install();
	code = kernel_open(&m, &n_deny);
	if (code != MW_EXIT_OK)
		goto out;
	/*
	 * Seed after attach: a process started in between is then in /proc,
	 * in the ring buffer, or both, never in neither.
	 */
	proc_cache__seed(m.pc, NULL);
	loader__read_stats(m.ld, m.stats);
	/* Seeding read all of /proc: its buffers go back, not into the heap. */
	malloc_trim(0);
	if (o->control && control__open(o->control, &m.ctl, err, sizeof(err))) {
		fprintf(stderr, "minerwatch: %s\n", err);
		code = MW_EXIT_ENV;
		goto out;
	}
	m.started_ns = clock__boot_ns();
	status__started(&m, n_deny);
	exec_sensor__running(&m.sensors, (uint32_t)getpid());
	/* Probes attached, maps filled, started reported: tell systemd. */
	control__sd_notify("READY=1\nSTATUS=probes attached");
	if (o->verbose)
		fprintf(stderr,
			"minerwatch: attached (%s), %d rules, mode %s\n",
			loader__hooks(m.ld), rules__count(m.rules),
			o->enforce ? "enforce" : "detect");

	code = loop(&m);
	control__sd_notify("STOPPING=1");
	/* Drain what is already queued so nothing seen is left unreported. */
	loader__poll(m.ld, 0);
	fold_drain(&m, clock__boot_ns(), true);
	incidents__tick(verdict__incidents(m.verdict), clock__boot_ns(), true);
	reporter__flush(m.rep, clock__boot_ns(), true);
	status__check_losses(&m);
	status__stopped(&m);
	if (o->pin_dir && o->verbose)
		fprintf(stderr,
			"minerwatch: leaving the pinned programs in %s "
			"attached\n",
			o->pin_dir);
out:
	stages_free(&m);
	return code;
}
