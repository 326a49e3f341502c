// SPDX-License-Identifier: GPL-2.0-only
/*
 * exec_sensor.c - exec and exit records into the process model, and exec
 * events to the respond stage (see sensors.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "identify/content.h"
#include "model/proc_cache.h"
#include "model/proc_name.h"
#include "report/jsonx.h"
#include "report/report.h"
#include "report/reporter.h"
#include "respond/verdict.h"
#include "sensors/decode.h"
#include "sensors/sensors.h"
#include "util/clock.h"
#include "util/procfs.h"

static void judge(struct sensors *s, struct mw_event *ev, const char *action,
		  const struct mw_process **chain)
{
	proc_cache__lineage(s->pc, ev, chain, SENSORS_MAX_LINEAGE);
	if (s->events && action)
		reporter__emit(s->rep, report__event(ev, action));
	verdict__judge(s->v, ev);
}

/*
 * An exec refused at lsm/bprm_check_security: the caller keeps running its
 * old image, so the cache is left alone and the event describes the
 * program that was refused in a transient record: the caller's identity
 * (same pid, parent, entity id, as a real exec would have kept) with the
 * refused file as its executable. argv is not readable at that hook.
 */
static void refused(struct sensors *s, const struct exec_view *v)
{
	const struct mw_process *chain[SENSORS_MAX_LINEAGE];
	struct mw_event ev = {.kind = MW_KIND_EXEC};
	struct mw_content known;
	const struct mw_process *caller;
	struct mw_process p = {0};
	char *argv[2] = {(char *)(v->filename[0] ? v->filename : v->exe), NULL};
	const char *base;

	caller = proc_cache__get(s->pc, v->e->hdr.pid);
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
	p.name = proc_name__pick(&p);
	ev.ts_ns = v->e->hdr.ts_ns;
	ev.proc = &p;
	ev.exec_flags = v->e->flags;
	ev.deny_rule = v->e->deny_rule;
	/* A file denied by its content: the refusal names its digest. */
	if (content__known(s->content, p.exe_dev, p.exe_ino, &known)) {
		memcpy(p.sha256, known.sha256, MW_SHA256_HEX);
		ev.content = &known;
	}
	judge(s, &ev, "exec_refused", chain);
}

/* The kernel's exec flags as the model keeps them. */
static uint32_t proc_flags(uint32_t exec_flags)
{
	uint32_t flags = 0;

	if (exec_flags & MW_EXEC_MEMFD)
		flags |= MW_PROC_MEMFD;
	if (exec_flags & MW_EXEC_MEMFD_SEALED)
		flags |= MW_PROC_MEMFD_SEALED;
	if (exec_flags & MW_EXEC_DELETED)
		flags |= MW_PROC_DELETED;
	if (exec_flags & MW_EXEC_ARGS_TRUNC)
		flags |= MW_PROC_ARGS_TRUNC;
	if (exec_flags & MW_EXEC_EXE_TRUNC)
		flags |= MW_PROC_EXE_TRUNC;
	return flags;
}

#define ARGS_PROC_MAX (256 * 1024) /* argv read back from /proc, at most */

/*
 * The kernel copies MW_ARGS_MAX bytes of argv: a miner can pad its command
 * line so that --donate-level or the pool sits past them. Read the whole
 * argv from /proc/PID/cmdline instead, when the process is still the one
 * that exec'd (same start time, to the clock tick). The record keeps
 * args_truncated: what the kernel saw was cut.
 */
static void args_from_proc(struct mw_process *p, const struct mw_hdr *h)
{
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t tick = 1000000000ULL / (hz > 0 ? hz : 100);
	uint32_t pid = procfs__pid(h->pid, h->ns_pid, h->pidns);
	struct procfs_stat st;
	char path[64], *buf;
	uint64_t start;
	ssize_t n;

	if (procfs__stat(NULL, pid, &st))
		return;
	start = st.start_ticks * tick;
	if (start + tick < h->start_ns || start > h->start_ns + tick)
		return;
	buf = malloc(ARGS_PROC_MAX);
	if (!buf)
		return;
	snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
	n = procfs__read_file(path, buf, ARGS_PROC_MAX);
	if (n > MW_ARGS_MAX) {
		proc_set_args(p, buf, n);
		p->name = proc_name__pick(p); /* it may point into argv */
	}
	free(buf);
}

/*
 * The content worker learns what the file is (identify/); a file the
 * kernel killed by identity is known already: its digest goes on the
 * alert instead.
 */
static void identity(struct sensors *s, struct mw_process *p,
		     struct mw_event *ev, struct mw_content *known)
{
	if (!(ev->exec_flags & MW_EXEC_KILLED)) {
		ev->hash_coming = content__submit(s->content, p, ev->ts_ns) == 0;
	} else if (content__known(s->content, p->exe_dev, p->exe_ino, known)) {
		proc_cache__set_sha256(s->pc, p, known->sha256);
		ev->content = known;
	}
}

void exec_sensor__exec(struct sensors *s, const void *data, size_t size)
{
	const struct mw_process *chain[SENSORS_MAX_LINEAGE];
	struct mw_event ev = {.kind = MW_KIND_EXEC};
	struct mw_content known;
	struct exec_view v;
	struct mw_process *p;

	if (decode__exec(data, size, &v)) {
		s->bad_records++;
		return;
	}
	if (v.e->flags & MW_EXEC_REFUSED) {
		refused(s, &v);
		return;
	}
	p = proc_cache__on_exec(s->pc, &v.e->hdr, v.exe, v.args, v.args_len,
				v.cwd, v.filename, proc_flags(v.e->flags));
	if (!p)
		return;
	if (v.e->flags & MW_EXEC_ARGS_TRUNC)
		args_from_proc(p, &v.e->hdr);
	p->exe_ino = v.e->exe_ino;
	p->exe_dev = v.e->exe_dev;
	ev.ts_ns = v.e->hdr.ts_ns;
	ev.proc = p;
	ev.exec_flags = v.e->flags;
	ev.kill_err = v.e->kill_err;
	ev.deny_rule = v.e->deny_rule;
	/* The parent may predate us and have been missed: learn it now. */
	proc_cache__get(s->pc, p->ppid);
	identity(s, p, &ev, &known);
	judge(s, &ev, "exec", chain);
	drop_sensor__exec(s, v.e->hdr.pid, v.e->hdr.ts_ns);
}

void exec_sensor__fork(struct sensors *s, const struct mw_hdr *h)
{
	const struct mw_process *chain[SENSORS_MAX_LINEAGE];
	struct mw_event ev = {.kind = MW_KIND_EXEC};
	struct mw_process *p = proc_cache__on_fork(s->pc, h);

	/* The fork of a judged miner is that miner (xmrig -B). */
	if (!p || !(p->flags & MW_PROC_CONDEMNED))
		return;
	ev.ts_ns = h->ts_ns;
	ev.proc = p;
	proc_cache__lineage(s->pc, &ev, chain, SENSORS_MAX_LINEAGE);
	verdict__inherit(s->v, &ev);
}

void exec_sensor__exit(struct sensors *s, const void *data, size_t size)
{
	const struct mw_process *chain[SENSORS_MAX_LINEAGE];
	const struct mw_exit_event *e = data;
	struct mw_event ev = {.kind = MW_KIND_EXEC};
	struct mw_process *p;
	json_t *doc;

	if (size < sizeof(*e) || e->hdr.size < sizeof(*e)) {
		s->bad_records++;
		return;
	}
	p = proc_cache__lookup(s->pc, e->hdr.pid);
	if (s->events && p) {
		ev.ts_ns = e->hdr.ts_ns;
		ev.proc = p;
		proc_cache__lineage(s->pc, &ev, chain, SENSORS_MAX_LINEAGE);
		doc = report__event(&ev, "exit");
		jsonx_set_path(doc, "process.exit_code",
			       json_integer(e->exit_code >> 8 & 0xff));
		if (e->exit_code & 0x7f)
			jsonx_set_path(doc, "minerwatch.process.signal",
				       json_integer(e->exit_code & 0x7f));
		reporter__emit(s->rep, doc);
	}
	proc_cache__on_exit(s->pc, &e->hdr);
}

struct running_ctx {
	struct sensors *s;
	uint32_t self;
};

static void judge_running(struct mw_process *p, void *ctx)
{
	const struct mw_process *chain[SENSORS_MAX_LINEAGE];
	struct running_ctx *rc = ctx;
	struct mw_event ev = {.kind = MW_KIND_EXEC, .at_start = true};

	/* Kernel threads (no executable) and we ourselves are skipped. */
	if (!(p->flags & MW_PROC_SEEDED) || !p->exe || p->pid == rc->self)
		return;
	/* --cgroup: /proc showed us the whole host; judge the scope only. */
	if (!scope__has(rc->s, p))
		return;
	ev.ts_ns = clock__boot_ns();
	ev.proc = p;
	ev.hash_coming = content__submit(rc->s->content, p, ev.ts_ns) == 0;
	judge(rc->s, &ev, NULL, chain);
}

void exec_sensor__running(struct sensors *s, uint32_t self)
{
	struct running_ctx rc = {.s = s, .self = self};

	proc_cache__for_each(s->pc, judge_running, &rc);
}
