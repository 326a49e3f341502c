// SPDX-License-Identifier: GPL-2.0-only
/*
 * content_verdict.c - content verdicts into judgements and acts (see
 * content_verdict.h). Runs on the loop's thread, after the worker did the
 * slow part: here only a cache lookup, two rule passes and, rarely, a
 * kill, a map write and a rename.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identify/content.h"
#include "kernel/loader.h"
#include "kernel/prevent.h"
#include "model/proc_cache.h"
#include "report/report.h"
#include "report/report_content.h"
#include "report/reporter.h"
#include "respond/content_verdict.h"
#include "respond/verdict.h"
#include "rules/rules.h"
#include "util/clock.h"

#define BATCH 1024	/* verdicts judged per loop pass, at most */
#define MAX_DENIED 4096 /* as many as mw_deny_inodes holds */
#define LINEAGE 16

struct denied {
	uint32_t dev;
	uint64_t ino;
	char rule_id[64];
};

struct content_verdict {
	struct content *c;
	struct verdict *v;
	struct proc_cache *pc;
	struct reporter *rep;
	struct loader *ld;
	struct quarantine_opts q;
	bool enforce;
	bool events;		   /* stream every verdict */
	struct content_result r;   /* one verdict being judged */
	struct content_stats told; /* losses already reported */
	uint64_t told_ns;
	struct denied *denied;
	int n_denied;
	uint64_t quarantined, quarantine_failed, denied_files;
};

struct content_verdict *
content_verdict__new(struct content *c, struct verdict *v,
		     struct proc_cache *pc, struct reporter *rep,
		     struct loader *ld, const struct quarantine_opts *q,
		     bool enforce, bool events)
{
	struct content_verdict *cv = calloc(1, sizeof(*cv));

	if (!cv)
		return NULL;
	cv->denied = calloc(MAX_DENIED, sizeof(*cv->denied));
	if (!cv->denied) {
		free(cv);
		return NULL;
	}
	*cv = (struct content_verdict){.c = c,
				       .v = v,
				       .pc = pc,
				       .rep = rep,
				       .ld = ld,
				       .q = *q,
				       .enforce = enforce,
				       .events = events,
				       .denied = cv->denied};
	return cv;
}

void content_verdict__free(struct content_verdict *cv)
{
	if (!cv)
		return;
	free(cv->denied);
	free(cv);
}

static void remember(struct content_verdict *cv, const struct mw_content *c,
		     const struct rule *r)
{
	struct denied *d;
	int i;

	for (i = 0; i < cv->n_denied; i++)
		if (cv->denied[i].dev == c->dev && cv->denied[i].ino == c->ino)
			break;
	if (i == MAX_DENIED)
		return;
	d = &cv->denied[i];
	d->dev = c->dev;
	d->ino = c->ino;
	snprintf(d->rule_id, sizeof(d->rule_id), "%s", rule__id(r));
	if (i == cv->n_denied)
		cv->n_denied++;
}

/*
 * Refuse the file's next exec at lsm/bprm_check_security (EPERM: nothing
 * of it runs, no process) where BPF-LSM is attached, for kill rules too;
 * elsewhere sched_process_exec kills it before its first instruction.
 */
static bool refuse_next(const struct content_verdict *cv, const struct rule *r)
{
	return rule__action(r) == RULE_ACT_DENY ||
	       (cv->ld && loader__lsm(cv->ld));
}

/* The file a kill rule judged: deny it by identity, then quarantine it. */
static void act_on_file(struct content_verdict *cv, const struct mw_event *ev,
			int idx)
{
	const struct rule *r = rules__get(verdict__rules(cv->v), idx);
	const struct mw_content *c = ev->content;
	const struct mw_process *p = ev->proc;
	struct quarantine_req q = {.dev = c->dev,
				   .ino = c->ino,
				   .sha256 = c->sha256,
				   .rule_id = rule__id(r)};
	struct quarantine_result res;
	int err = -ENOSYS;

	if (cv->ld)
		err = prevent__deny_inode(cv->ld, c->dev, c->ino, idx,
					  refuse_next(cv, r));
	if (!err) {
		remember(cv, c, r);
		content__remember(cv->c, c); /* its digest outlives the cache */
		cv->denied_files++;
	}
	reporter__emit(cv->rep, report_content__deny(ev, r, err));
	if (!(p->flags & (MW_PROC_MEMFD | MW_PROC_DELETED)))
		q.path = p->exe;
	err = quarantine__file(&cv->q, &q, &res);
	if (err)
		cv->quarantine_failed++;
	else
		cv->quarantined++;
	reporter__emit(cv->rep,
		       report_content__quarantine(
			   ev, r, q.path, err ? NULL : res.id,
			   err ? NULL : res.stored, err ? NULL : res.manifest,
			   err ? res.why : NULL));
}

/* The process the verdict is about, or a stand-in when it is gone. */
static const struct mw_process *process_of(struct content_verdict *cv,
					   const struct content_result *r,
					   struct mw_process *standin)
{
	struct mw_process *p = proc_cache__lookup(cv->pc, r->pid);
	const char *base;

	if (p && (!r->start_ns || p->start_ns == r->start_ns) &&
	    (!p->exe_ino || p->exe_ino == r->c.ino)) {
		if (r->c.sha256[0])
			proc_cache__set_sha256(cv->pc, p, r->c.sha256);
		return p;
	}
	mw_process__standin(standin, r->pid, "");
	standin->start_ns = r->start_ns;
	standin->exe = (char *)r->exe;
	base = strrchr(r->exe, '/');
	standin->name = (char *)(base ? base + 1 : r->exe);
	memcpy(standin->sha256, r->c.sha256, MW_SHA256_HEX);
	return standin;
}

static void judge_one(struct content_verdict *cv, struct content_result *r)
{
	const struct mw_process *chain[LINEAGE];
	struct mw_event ev = {.kind = MW_KIND_EXEC, .content = &r->c};
	struct mw_process standin;
	int idx;

	ev.ts_ns = r->exec_ts_ns;
	/* Exec to judgement, the loop's own delay included. */
	if (r->exec_ts_ns)
		r->c.latency_ns = clock__boot_ns() - r->exec_ts_ns;
	ev.proc = process_of(cv, r, &standin);
	proc_cache__lineage(cv->pc, &ev, chain, LINEAGE);
	if (!r->c.scanned)
		reporter__emit(cv->rep, report_content__unscanned(&ev));
	else if (cv->events)
		reporter__emit(cv->rep, report_content__event(&ev));
	idx = verdict__content(cv->v, &ev);
	if (idx >= 0 && cv->enforce)
		act_on_file(cv, &ev, idx);
}

/* Work the worker could not take: said once a second while it grows. */
static void losses(struct content_verdict *cv)
{
	struct content_stats st;
	uint64_t now;

	content__stats(cv->c, &st);
	if (st.queue_overflow == cv->told.queue_overflow &&
	    st.results_dropped == cv->told.results_dropped)
		return;
	now = clock__boot_ns();
	if (now - cv->told_ns < 1000000000ULL)
		return;
	cv->told_ns = now;
	reporter__emit(
	    cv->rep,
	    report__state(
		"content_lost",
		json_pack(
		    "{s:{s:I,s:I,s:I,s:I}}", "content", "queue_overflow",
		    (json_int_t)(st.queue_overflow - cv->told.queue_overflow),
		    "results_dropped",
		    (json_int_t)(st.results_dropped - cv->told.results_dropped),
		    "queue_overflow_total", (json_int_t)st.queue_overflow,
		    "results_dropped_total", (json_int_t)st.results_dropped)));
	cv->told = st;
}

void content_verdict__drain(struct content_verdict *cv)
{
	int n = 0;

	if (!cv)
		return;
	while (n++ < BATCH && content__poll(cv->c, &cv->r)) {
		judge_one(cv, &cv->r);
		free(cv->r.exe);
	}
	/* Judgements that waited for a hash that did not come in time. */
	verdict__hash_waits(cv->v, clock__boot_ns());
	losses(cv);
}

void content_verdict__rules_changed(struct content_verdict *cv)
{
	const struct rules *rs = verdict__rules(cv->v);
	struct denied *d;
	int i, idx;

	if (!cv || !cv->ld)
		return;
	for (i = 0; i < cv->n_denied; i++) {
		d = &cv->denied[i];
		idx = rules__find(rs, d->rule_id);
		if (idx >= 0 && rule__enabled(rules__get(rs, idx)))
			prevent__deny_inode(cv->ld, d->dev, d->ino, idx,
					    refuse_next(cv, rules__get(rs, idx)));
		else
			prevent__allow_inode(cv->ld, d->dev, d->ino);
	}
}

json_t *content_verdict__stats(struct content_verdict *cv)
{
	struct content_stats st;

	if (!cv)
		return json_object();
	content__stats(cv->c, &st);
	return json_pack(
	    "{s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
	    "yara_rules",
	    content__rules(cv->c), "submitted", (json_int_t)st.submitted,
	    "scanned", (json_int_t)st.scanned, "cached", (json_int_t)st.cached,
	    "unscanned", (json_int_t)st.unscanned, "size_cap",
	    (json_int_t)st.size_cap, "matches", (json_int_t)st.matches,
	    "unpacked", (json_int_t)st.unpacked,
	    "queue_overflow", (json_int_t)st.queue_overflow, "results_dropped",
	    (json_int_t)st.results_dropped, "denied_files",
	    (json_int_t)cv->denied_files, "quarantined",
	    (json_int_t)cv->quarantined, "quarantine_failed",
	    (json_int_t)cv->quarantine_failed);
}
