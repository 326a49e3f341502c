// SPDX-License-Identifier: GPL-2.0-only
/*
 * drop_sensor.c - the drop: a program run right after a downloader wrote
 * it (T1105). Called for every exec after it was judged
 * (exec_sensor.c): a downloader's exec (curl, wget, python, perl,
 * busybox wget, ...) is remembered for DROP_WINDOW_S in a small ring; a
 * program run from a temp or hidden directory whose file was written in
 * that window is matched against the ring (its path, or its name in the
 * downloader's directory, in the downloader's arguments) and judged as a
 * behaviour event with the evidence run_after_download, naming the
 * downloader and the peer its URL names (rules/behaviour.json MW-DROP-001).
 * When no downloader names it but the shell that runs it holds a TCP
 * connection of its own (bash /dev/tcp, drop_tcp.c), that shell is the
 * downloader. And every exec is checked against the programs incidents
 * killed (respond/incident.c): one brought back by cron, a systemd unit
 * or an rc script is judged with the evidence restart_by_cron,
 * restart_by_systemd or restart_by_rc (MW-INC-001..003).
 *
 * Cost: a name compare and the lineage per exec (plus a path compare per
 * killed program); a stat only for programs in temp or hidden
 * directories; a scan of 64 entries only when that file is fresh.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "model/behaviour_event.h"
#include "model/proc_cache.h"
#include "report/report.h"
#include "report/reporter.h"
#include "respond/incident.h"
#include "respond/score.h"
#include "respond/verdict.h"
#include "sensors/drop.h"
#include "sensors/sensors.h"

#define DROP_RING 64
#define DROP_WINDOW_S 300
#define DROP_CMD_MAX 1024

struct downloader {
	uint64_t ts_ns; /* exec time, boot ns; 0: empty slot */
	uint32_t pid;
	char name[32];
	char cmdline[DROP_CMD_MAX];
	char cwd[PATH_MAX];
};

/* One daemon per process: the ring is the module's. */
static struct downloader ring[DROP_RING];
static unsigned int ring_next;

static bool is_downloader(const struct mw_process *p)
{
	static const char *const names[] = {"curl",   "wget",  "perl",
					    "aria2c", "fetch", "lwp-download",
					    "tftp",   "ftp",   NULL};
	const char *n = p->name ? p->name : p->comm;
	int i;

	if (strncmp(n, "python", 6) == 0)
		return true;
	if (strcmp(n, "busybox") == 0)
		return p->argc > 1 && strcmp(p->argv[1], "wget") == 0;
	for (i = 0; names[i]; i++)
		if (strcmp(n, names[i]) == 0)
			return true;
	return false;
}

static void remember(const struct mw_process *p, uint64_t ts)
{
	struct downloader *d = &ring[ring_next++ % DROP_RING];

	d->ts_ns = ts;
	d->pid = p->pid;
	snprintf(d->name, sizeof(d->name), "%s", p->name ? p->name : p->comm);
	snprintf(d->cmdline, sizeof(d->cmdline), "%s",
		 p->cmdline ? p->cmdline : "");
	snprintf(d->cwd, sizeof(d->cwd), "%s", p->cwd ? p->cwd : "");
}

/* Written (or made executable) in the last DROP_WINDOW_S seconds. */
static bool fresh(const struct mw_process *p)
{
	char path[PATH_MAX + 64];
	struct stat st;
	time_t t;

	snprintf(path, sizeof(path), "/proc/%u/root%s", p->pid, p->exe);
	if (stat(path, &st))
		return false;
	t = st.st_mtime > st.st_ctime ? st.st_mtime : st.st_ctime;
	return time(NULL) - t <= DROP_WINDOW_S;
}

bool drop__names_file(const char *a, const char *cwd, const char *exe)
{
	const char *base = strrchr(exe, '/'), *tail;
	size_t dl, cl = strlen(cwd);

	if (!base || exe[0] != '/')
		return false;
	dl = (size_t)(base - exe);
	base++;
	if (strcmp(a, exe) == 0)
		return true;
	if (strncmp(a, "./", 2) == 0)
		a += 2;
	/* Relative to the downloader's directory: cwd + "/" + a. */
	if (a[0] != '/' && cl && strncmp(exe, cwd, cl) == 0 && exe[cl] == '/' &&
	    strcmp(exe + cl + 1, a) == 0)
		return true;
	/* wget URL, curl -O URL: the URL's last part, saved in cwd. */
	tail = strrchr(a, '/');
	return strstr(a, "://") && tail && strcmp(tail + 1, base) == 0 &&
	       dl == cl && strncmp(exe, cwd, cl) == 0;
}

void drop__url_peer(const char *cmdline, char *out, size_t n)
{
	const char *u = strstr(cmdline, "://");
	size_t len;

	out[0] = '\0';
	if (!u)
		return;
	u += 3;
	len = strcspn(u, "/ ?#\"'");
	snprintf(out, n, "%.*s", (int)len, u);
}

static const struct downloader *wrote(const struct mw_process *p, uint64_t now)
{
	char args[DROP_CMD_MAX], *save, *a;
	unsigned int i;

	for (i = 0; i < DROP_RING; i++) {
		const struct downloader *d = &ring[i];

		if (!d->ts_ns || d->ts_ns > now ||
		    now - d->ts_ns > DROP_WINDOW_S * 1000000000ULL)
			continue;
		snprintf(args, sizeof(args), "%s", d->cmdline);
		for (a = strtok_r(args, " ", &save); a;
		     a = strtok_r(NULL, " ", &save))
			if (drop__names_file(a, d->cwd, p->exe))
				return d;
	}
	return NULL;
}

static void judge_drop(struct sensors *s, struct mw_process *p, uint64_t ts,
		       const struct downloader *d, const char *tcp_peer)
{
	const struct mw_process *chain[SENSORS_MAX_LINEAGE];
	struct mw_behaviour_info b = {0};
	struct mw_event ev = {
	    .kind = MW_KIND_BEHAVIOUR, .ts_ns = ts, .proc = p, .behaviour = &b};
	char peer[256];

	proc_cache__add_signals(s->pc, p, MW_SIG_DOWNLOADED);
	p->signals &= ~MW_SIG_DIRTY;
	proc_cache__lineage(s->pc, &ev, chain, SENSORS_MAX_LINEAGE);
	score__compute(&ev, &b);
	if (tcp_peer) {
		snprintf(peer, sizeof(peer), "%s", tcp_peer);
		b.dl_method = "dev_tcp";
	} else {
		drop__url_peer(d->cmdline, peer, sizeof(peer));
	}
	b.dl_name = d->name;
	b.dl_pid = d->pid;
	b.dl_cmdline = d->cmdline;
	b.dl_peer = peer[0] ? peer : NULL;
	if (b.score > p->score_judged)
		p->score_judged = b.score;
	if (s->events)
		reporter__emit(s->rep, report__event(&ev, "behaviour"));
	verdict__judge(s->v, &ev);
}

static bool is_shell(const struct mw_process *p)
{
	static const char *const names[] = {"bash", "sh",  "dash", "zsh",
					    "ksh",  "ash", "mksh", NULL};
	const char *n = p->name ? p->name : p->comm;
	int i;

	for (i = 0; names[i]; i++)
		if (strcmp(n, names[i]) == 0)
			return true;
	return false;
}

/*
 * No downloader named it: does the shell that runs it hold a TCP
 * connection of its own? Only the shell: by the time the exec is judged
 * the program may have connected itself (a bash copy doing its own
 * /dev/tcp), which says nothing about how it arrived.
 */
static void shell_download(struct sensors *s, struct mw_process *p,
			   uint64_t ts)
{
	struct mw_process *sh = proc_cache__lookup(s->pc, p->ppid);
	struct downloader d = {0};
	char peer[128];

	if (!sh || !is_shell(sh))
		return;
	if (!drop__tcp_peer(sh->pid, peer, sizeof(peer)))
		return;
	d.pid = sh->pid;
	d.ts_ns = ts;
	snprintf(d.name, sizeof(d.name), "%s", sh->name ? sh->name : sh->comm);
	snprintf(d.cmdline, sizeof(d.cmdline), "%s",
		 sh->cmdline ? sh->cmdline : "");
	judge_drop(s, p, ts, &d, peer);
}

/* A program an incident killed, brought back by persistence. */
static void restart(struct sensors *s, struct mw_process *p, uint64_t ts)
{
	const struct mw_process *chain[SENSORS_MAX_LINEAGE];
	struct mw_behaviour_info b = {0};
	struct mw_event ev = {
	    .kind = MW_KIND_BEHAVIOUR, .ts_ns = ts, .proc = p, .behaviour = &b};
	struct incident_restart r;

	if (!incidents__any_killed(verdict__incidents(s->v)))
		return; /* the common case: nothing was ever killed */
	proc_cache__lineage(s->pc, &ev, chain, SENSORS_MAX_LINEAGE);
	if (!incidents__restart(verdict__incidents(s->v), &ev, &r))
		return;
	score__compute(&ev, &b);
	if (b.n_evidence < MW_EVIDENCE_MAX)
		b.evidence[b.n_evidence++] = r.evidence;
	b.restart_via = r.via;
	b.restart_file = r.file[0] ? r.file : NULL;
	b.restart_killed_ns = r.killed_ns;
	if (s->events)
		reporter__emit(s->rep, report__event(&ev, "behaviour"));
	verdict__judge(s->v, &ev);
}

void drop_sensor__exec(struct sensors *s, uint32_t pid, uint64_t ts)
{
	struct mw_process *p = proc_cache__lookup(s->pc, pid);
	const struct downloader *d;

	if (!p || !p->exe)
		return;
	if (s->v)
		restart(s, p, ts);
	p = proc_cache__lookup(s->pc, pid); /* a kill may change the cache */
	if (!p || !p->exe)
		return;
	if (is_downloader(p)) {
		remember(p, ts);
		return;
	}
	if (!score__exe_temp(p->exe) && !score__exe_hidden(p->exe))
		return;
	if (!fresh(p))
		return;
	d = wrote(p, ts);
	if (d)
		judge_drop(s, p, ts, d, NULL);
	else
		shell_download(s, p, ts);
}
