// SPDX-License-Identifier: GPL-2.0-only
/*
 * triage_run.c - "What is running?": every process from /proc, learned by
 * the daemon's own process cache (so lineage, flags and entity ids are the
 * daemon's), judged by the daemon's exec rules as at start (miner names
 * and command lines, hidden/temp/memfd/deleted executables) and, for each
 * outbound socket, by its network rules; plus what no rule sees in one
 * look: a process holding a core over the sampling window, and a miner's
 * config file next to it. Each finding carries the process's lineage,
 * start time, user, cwd and connections.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcntl.h>

#include "model/content_event.h"
#include "model/net_event.h"
#include "model/proc_cache.h"
#include "report/jsonx.h"
#include "report/report.h"
#include "report/report_content.h"
#include "rules/rules.h"
#include "triage/triage.h"
#include "triage/triage_content.h"
#include "triage/triage_net.h"
#include "util/clock.h"
#include "util/procfs.h"

#define MAX_CHAIN 16
#define MAX_CONNS 32

static const struct triage_rule r_busy = {
    "MW-TRIAGE-101", "Process holding a CPU core", "T1496", "Impact", 40};
static const struct triage_rule r_config = {
    "MW-TRIAGE-102", "Miner configuration next to a running program", "T1496",
    "Impact", 85};

/* CPU ticks (utime + stime) of every process, before and after a nap. */
struct cpu_sample {
	uint32_t pid;
	unsigned long long ticks;
};

struct run_ctx {
	struct triage *t;
	struct proc_cache *pc;
	struct triage_net *tn;
	struct cpu_sample *cpu;
	int n_cpu, cap_cpu;
	uint32_t *pids;
	int n_pids, cap_pids;
	long hz;
};

static unsigned long long cpu_ticks(uint32_t pid)
{
	unsigned long long ut = 0, st = 0;
	char path[64], buf[1024], *rp;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	if (procfs__read_file(path, buf, sizeof(buf)) < 0)
		return 0;
	rp = strrchr(buf, ')');
	if (!rp || sscanf(rp + 2,
			  "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			  "%llu %llu",
			  &ut, &st) != 2)
		return 0;
	return ut + st;
}

static void collect_pid(struct mw_process *p, void *vctx)
{
	struct run_ctx *c = vctx;

	if (c->n_pids == c->cap_pids) {
		int cap = c->cap_pids ? c->cap_pids * 2 : 256;
		void *np = realloc(c->pids, cap * sizeof(*c->pids));

		if (!np)
			return;
		c->pids = np;
		c->cap_pids = cap;
	}
	c->pids[c->n_pids++] = p->pid;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Share of one core each process used over the window, in percent. */
static int busy_percent(struct run_ctx *c, int i, unsigned long long before,
			int window_ms)
{
	unsigned long long after = cpu_ticks(c->pids[i]);

	if (after < before || !c->hz)
		return 0;
	return (int)((after - before) * 1000ULL * 100 / c->hz / window_ms);
}

/*
 * Share of one core over the process's whole life, in percent: a miner
 * running for hours shows it even when the sampling window was crowded.
 */
static int lifetime_percent(const struct run_ctx *c, const struct mw_process *p)
{
	uint64_t now = clock__boot_ns();

	if (!c->hz || !p->start_ns || now <= p->start_ns + 1000000000ULL)
		return 0;
	return (int)(cpu_ticks(p->pid) * 100ULL * 1000000000ULL / c->hz /
		     (now - p->start_ns));
}

static int64_t wall_of(const struct triage *t, uint64_t boot_ns)
{
	return boot_ns ? t->boot + (int64_t)(boot_ns / 1000000000ULL) : 0;
}

/* Lineage, start, user, cwd, connections: under every finding of p. */
static void process_details(struct triage *t, const struct mw_event *ev,
			    const struct triage_conn *conns, int n, int busy)
{
	const struct mw_process *p = ev->proc;
	char ts[40], line[1024];
	size_t off = 0;
	int i;

	off += snprintf(line, sizeof(line), "lineage: %s(%u)",
			p->name ? p->name : p->comm, p->pid);
	if (ev->parent)
		off += snprintf(line + off, sizeof(line) - off, " <- %s(%u)",
				ev->parent->name ? ev->parent->name
						 : ev->parent->comm,
				ev->parent->pid);
	for (i = 0; i < ev->n_ancestors && off < sizeof(line) - 64; i++)
		off += snprintf(line + off, sizeof(line) - off, " <- %s(%u)",
				ev->ancestors[i]->name ? ev->ancestors[i]->name
						       : ev->ancestors[i]->comm,
				ev->ancestors[i]->pid);
	triage__detail(t, "%s", line);
	triage__iso(wall_of(t, p->start_ns), ts, sizeof(ts));
	triage__detail(t, "started %s, uid %u, cwd %s, exe %s%s%s", ts, p->euid,
		       p->cwd ? p->cwd : "?", p->exe ? p->exe : "?",
		       p->flags & MW_PROC_DELETED ? " (deleted)" : "",
		       p->flags & MW_PROC_MEMFD ? " (memfd)" : "");
	triage__detail(t, "command line: %.300s%s",
		       p->cmdline ? p->cmdline : "",
		       p->cmdline && strlen(p->cmdline) > 300 ? "..." : "");
	if (busy >= 10)
		triage__detail(t, "cpu: %d%% of a core over the window", busy);
	for (i = 0; i < n; i++)
		triage__detail(t, "%s %s:%u -> %s:%u%s%s%s%s%s %s",
			       conns[i].transport, conns[i].src_ip,
			       conns[i].src_port, conns[i].dst_ip,
			       conns[i].dst_port, conns[i].domain[0] ? " (" : "",
			       conns[i].domain,
			       conns[i].domain[0] ? ", from " : "",
			       conns[i].domain_source ? conns[i].domain_source
						      : "",
			       conns[i].domain[0] ? ")" : "",
			       triage_conn__state(&conns[i]));
}

static void conn_fields(json_t *doc, const struct triage_conn *conns, int n)
{
	json_t *a = json_array();
	int i, first = -1;

	for (i = 0; i < n; i++) {
		json_t *o = json_pack(
		    "{s:s,s:s,s:i,s:s,s:i,s:s,s:b}", "transport",
		    conns[i].transport, "source_ip", conns[i].src_ip,
		    "source_port", conns[i].src_port, "destination_ip",
		    conns[i].dst_ip, "destination_port", conns[i].dst_port,
		    "state", triage_conn__state(&conns[i]), "egress",
		    conns[i].egress);

		if (o && conns[i].domain[0]) {
			json_object_set_new(o, "domain",
					    jsonx_str(conns[i].domain));
			json_object_set_new(
			    o, "domain_source",
			    json_string(conns[i].domain_source));
		}
		json_array_append_new(a, o);
		if (first < 0 && conns[i].egress)
			first = i;
	}
	jsonx_set_path(doc, "minerwatch.triage.connections", a);
	if (first < 0)
		return;
	jsonx_set_path(doc, "destination.ip", json_string(conns[first].dst_ip));
	jsonx_set_path(doc, "destination.port",
		       json_integer(conns[first].dst_port));
	if (conns[first].domain[0]) {
		jsonx_set_path(doc, "destination.domain",
			       jsonx_str(conns[first].domain));
		jsonx_set_path(doc, "minerwatch.net.domain_source",
			       json_string(conns[first].domain_source));
	}
	jsonx_set_path(doc, "network.transport",
		       json_string(conns[first].transport));
}

struct match_ctx {
	struct run_ctx *c;
	const struct triage_conn *conns;
	int n_conns, busy;
	int matches;
};

static int on_match(const struct rule *r, int idx, const struct mw_event *ev,
		    void *vctx)
{
	struct match_ctx *m = vctx;
	struct triage *t = m->c->t;
	const struct mw_process *p = ev->proc;
	json_t *doc;

	doc = triage__add_rule(t, TRIAGE_RUNNING, r, wall_of(t, p->start_ns),
			       "%s: pid %u %s", rule__name(r), p->pid,
			       p->exe ? p->exe : p->comm);
	if (!doc)
		return 1;
	report__process(doc, ev);
	if (ev->content)
		report_content__add(doc, ev->content);
	if (ev->net)
		report__net(doc, ev->net, false);
	conn_fields(doc, m->conns, m->n_conns);
	process_details(t, ev, m->conns, m->n_conns, m->busy);
	m->matches++;
	return 0;
}

/* The daemon's network rules on each outbound socket of the process. */
static void judge_conns(struct run_ctx *c, struct mw_event *ev,
			struct match_ctx *m)
{
	int i;

	for (i = 0; i < m->n_conns; i++) {
		const struct triage_conn *k = &m->conns[i];
		struct mw_net_info net = {
		    .act = NET_ACT_CONNECT,
		    .action = "connect",
		    .direction = "egress",
		    .transport = k->transport,
		    .src_port = k->src_port,
		    .dst_port = k->dst_port,
		    .sock_family = strchr(k->dst_ip, ':') ? "inet6" : "inet",
		    .sock_type =
			strcmp(k->transport, "tcp") == 0 ? "stream" : "dgram",
		};

		if (!k->egress)
			continue;
		snprintf(net.src_ip, sizeof(net.src_ip), "%s", k->src_ip);
		snprintf(net.dst_ip, sizeof(net.dst_ip), "%s", k->dst_ip);
		/* The network rules' pool domain lists judge it too. */
		if (k->domain[0]) {
			net.domain = k->domain;
			net.domain_source = k->domain_source;
		}
		ev->kind = MW_KIND_NET;
		ev->net = &net;
		rules__eval(c->t->rs, ev, on_match, m);
		ev->net = NULL;
		ev->kind = MW_KIND_EXEC;
	}
}

/* XMRig and kin read config.json from their cwd or their own directory. */
static void miner_config(struct run_ctx *c, const struct mw_event *ev,
			 struct match_ctx *m)
{
	const struct mw_process *p = ev->proc;
	char path[4200], rpath[4300], dir[4096];
	const char *where[2] = {p->cwd, NULL};
	size_t len;
	char *s;
	int i;

	if (p->exe && strrchr(p->exe, '/')) {
		snprintf(dir, sizeof(dir), "%.*s",
			 (int)(strrchr(p->exe, '/') - p->exe), p->exe);
		where[1] = dir;
	}
	for (i = 0; i < 2; i++) {
		json_t *doc;

		if (!where[i] ||
		    (i == 1 && where[0] && strcmp(where[0], where[1]) == 0))
			continue;
		/* Through /proc/PID/root: the process's view (containers). */
		snprintf(path, sizeof(path), "%s/config.json", where[i]);
		snprintf(rpath, sizeof(rpath), "/proc/%u/root%s", p->pid, path);
		s = triage__slurp(c->t, TRIAGE_RUNNING, rpath, 1 << 20, &len,
				  false);
		if (!s)
			continue;
		if (strstr(s, "stratum+") ||
		    (strstr(s, "\"pools\"") && strstr(s, "\"url\""))) {
			doc = triage__add(c->t, TRIAGE_RUNNING, &r_config, -1,
					  wall_of(c->t, p->start_ns),
					  "%s names a mining pool (pid %u %s)",
					  path, p->pid, p->exe ? p->exe : "");
			if (doc) {
				report__process(doc, ev);
				triage__file_fields(doc, rpath);
				jsonx_set_path(doc, "file.path",
					       jsonx_str(path));
				process_details(c->t, ev, m->conns, m->n_conns,
						m->busy);
			}
		}
		free(s);
	}
}

/*
 * The running image's bytes (through /proc/PID/exe: deleted and memfd
 * executables too): its digest goes on the process (process.hash.sha256,
 * for the known-hash rule) and the verdict on the event, so the content
 * rules judge it with the others.
 */
static void content_of(struct run_ctx *c, struct mw_process *p,
		       struct mw_event *ev, struct mw_content *mc)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/exe", p->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return;
	if (triage_content__fd(c->t, fd, p->exe, p->flags, mc) == 0) {
		proc_cache__set_sha256(c->pc, p, mc->sha256);
		ev->content = mc;
	}
	close(fd);
}

static void judge_process(struct run_ctx *c, uint32_t pid, int busy)
{
	const struct mw_process *chain[MAX_CHAIN];
	struct triage_conn conns[MAX_CONNS];
	struct mw_process *p = proc_cache__lookup(c->pc, pid);
	struct mw_event ev = {.kind = MW_KIND_EXEC, .at_start = true};
	struct match_ctx m = {.c = c, .conns = conns, .busy = busy};
	struct mw_content mc;
	json_t *doc;

	/* Kernel threads have no executable; we do not judge ourselves. */
	if (!p || !p->exe || pid == (uint32_t)getpid())
		return;
	content_of(c, p, &ev, &mc);
	ev.proc = p;
	ev.ts_ns = p->start_ns;
	proc_cache__lineage(c->pc, &ev, chain, MAX_CHAIN);
	m.n_conns = triage_net__of_process(c->tn, pid, conns, MAX_CONNS);
	triage__conn_names(p, conns, m.n_conns);
	rules__eval(c->t->rs, &ev, on_match, &m);
	judge_conns(c, &ev, &m);
	miner_config(c, &ev, &m);
	if (lifetime_percent(c, p) > busy)
		busy = lifetime_percent(c, p);
	/* Half a core: on a crowded host a miner gets no more. */
	if (busy < 50)
		return;
	doc = triage__add(c->t, TRIAGE_RUNNING, &r_busy, -1,
			  wall_of(c->t, p->start_ns),
			  "pid %u %s used %d%% of a core", pid, p->exe, busy);
	if (doc) {
		report__process(doc, &ev);
		conn_fields(doc, conns, m.n_conns);
		jsonx_set_path(doc, "minerwatch.triage.cpu_percent",
			       json_integer(busy));
		process_details(c->t, &ev, conns, m.n_conns, busy);
	}
}

void triage__running(struct triage *t)
{
	struct run_ctx c = {.t = t, .hz = sysconf(_SC_CLK_TCK)};
	unsigned long long *before;
	int i;

	c.pc = proc_cache__new();
	c.tn = triage_net__new();
	if (!c.pc || !c.tn || proc_cache__seed(c.pc, NULL) < 0) {
		fprintf(stderr, "minerwatch triage: cannot read /proc: %s\n",
			strerror(errno));
		goto out;
	}
	proc_cache__for_each(c.pc, collect_pid, &c);
	qsort(c.pids, c.n_pids, sizeof(*c.pids), cmp_u32);
	before = calloc(c.n_pids ? c.n_pids : 1, sizeof(*before));
	if (!before)
		goto out;
	for (i = 0; i < c.n_pids; i++)
		before[i] = cpu_ticks(c.pids[i]);
	usleep(t->o->sample_ms * 1000);
	for (i = 0; i < c.n_pids; i++)
		judge_process(&c, c.pids[i],
			      busy_percent(&c, i, before[i], t->o->sample_ms));
	free(before);
out:
	free(c.pids);
	free(c.cpu);
	triage_net__free(c.tn);
	proc_cache__free(c.pc);
}
