// SPDX-License-Identifier: GPL-2.0-only
/*
 * file_sensor.c - a change to a watched file (the kernel filtered already)
 * as a file event, judged against the persistence and anti-forensics rules
 * (see sensors.h). The path is normalized here when the kernel built it
 * from a dirfd and a string. A record may stand for several occurrences
 * (repeats the kernel folded, bpf/fold.bpf.h): its count goes with the
 * event, and the last record of each pair is kept (file_fold.c) so that
 * repeats drained from the kernel later are reported against it.
 */
#include <stdio.h>
#include <string.h>

#include "model/proc_cache.h"
#include "report/report.h"
#include "report/reporter.h"
#include "respond/verdict.h"
#include "sensors/decode.h"
#include "model/file_event.h"
#include "sensors/file_decode.h"
#include "sensors/file_fold.h"
#include "sensors/file_proc_root.h"
#include "report/jsonx.h"
#include "sensors/sensors.h"

/* The record's fields as a struct mw_file_info (strings stay borrowed). */
static void file_info(const struct mw_file_event *e, struct mw_file_info *fi)
{
	fi->op = e->op;
	fi->action = file_op__str(e->op);
	fi->flags = e->flags;
	fi->size_before = e->flags & MW_FILE_SIZE_BEFORE ? e->size_before : -1;
	fi->size_after = e->flags & MW_FILE_SIZE_AFTER ? e->size_after : -1;
	fi->ino = e->ino;
	fi->dev = e->dev;
	fi->mode = e->mode;
	fi->uid = e->uid;
	fi->gid = e->gid;
	fi->open_flags = e->open_flags;
	fi->attr = e->attr;
}

#define FOLD_RECORDS_MAX 16384 /* = MW_FOLD_ENTRIES: one per kernel pair */

/*
 * The process that made the change, as it was then. The writer is usually
 * known (its exec came first); a process that predates us and escaped the
 * seed is learned from /proc, and one already gone gets a record from the
 * header alone. A writer that exec'd another image after the change and
 * before we read its record (a shell whose last command replaces it) is
 * in the cache as that later image: it is judged as the header saw it, by
 * its comm, with no executable or arguments, never as the image that came
 * after. tmp holds that view; NULL when there is no process at all.
 */
static const struct mw_process *writer_at(struct sensors *s,
					   const struct mw_hdr *h,
					   struct mw_process *tmp)
{
	struct mw_process *p = proc_cache__get(s->pc, h->pid);

	if (!p)
		p = proc_cache__on_fork(s->pc, h);
	if (!p || !p->exec_ts_ns || p->exec_ts_ns <= h->ts_ns)
		return p;
	*tmp = *p;
	memcpy(tmp->comm, h->comm, sizeof(tmp->comm));
	tmp->comm[sizeof(tmp->comm) - 1] = '\0';
	tmp->name = tmp->comm;
	tmp->exe = tmp->exec_path = tmp->cmdline = NULL;
	tmp->argv = NULL;
	tmp->argc = 0;
	tmp->sha256[0] = '\0';
	tmp->exe_ino = 0;
	tmp->exe_dev = 0;
	return tmp;
}

/*
 * p (normalized) through a symbolic link into a watched place: rewritten
 * to the real name in place; the caller's view goes to seen (when the
 * record had none, seen_as). true when rewritten.
 */
static bool through_alias(struct sensors *s, char *p, char *seen,
			  const char *seen_as)
{
	char real[MW_PATH_MAX];

	if (!s->alias_resolve ||
	    s->alias_resolve(s->anchor_ctx, p, real, sizeof(real)))
		return false;
	snprintf(seen, MW_PATH_MAX, "%s", seen_as ? seen_as : p);
	memcpy(p, real, strlen(real) + 1);
	return true;
}

/*
 * A new symbolic link (v: path the link, target its contents): hand it to
 * the aliases when its contents, joined to its directory, name a place
 * outside it. Returns true when the record is to be dropped (sent only
 * for its contents, and they name no watched place).
 */
static bool symlink_learn(struct sensors *s, const struct file_view *v)
{
	char link[MW_PATH_MAX], t[MW_PATH_MAX];
	const char *slash;
	int n;

	if (!s->alias_add || !v->target || !v->target[0])
		return v->e->flags & MW_FILE_SYMLINK_OUT;
	snprintf(link, sizeof(link), "%s", v->path);
	file_path__normalize(link);
	if (v->target[0] == '/') {
		n = snprintf(t, sizeof(t), "%s", v->target);
	} else {
		slash = strrchr(link, '/');
		n = snprintf(t, sizeof(t), "%.*s/%s",
			     slash ? (int)(slash - link) : 0, link, v->target);
	}
	if (n < 0 || (size_t)n >= sizeof(t))
		return v->e->flags & MW_FILE_SYMLINK_OUT;
	file_path__normalize(t);
	if (s->alias_add(s->anchor_ctx, link, t) == 0)
		return false;
	return v->e->flags & MW_FILE_SYMLINK_OUT;
}

/* Judge one decoded record standing for count occurrences. */
static void file_judge(struct sensors *s, const void *data, size_t size,
		       uint64_t count)
{
	const struct mw_process *chain[SENSORS_MAX_LINEAGE];
	struct mw_event ev = {.kind = MW_KIND_FILE};
	struct mw_file_info fi = {0};
	char path[MW_PATH_MAX], target[MW_PATH_MAX];
	char seen_p[MW_PATH_MAX], seen_t[MW_PATH_MAX];
	const struct mw_file_event *e;
	const struct mw_process *p;
	struct mw_process then;
	struct file_view v;
	const char *slash;
	bool via_alias = false;

	if (decode__file(data, size, &v)) {
		s->bad_records++;
		return;
	}
	e = v.e;
	fi.seen_as = v.seen_as;
	fi.target_seen_as = v.target_seen_as;
	if (e->flags & MW_FILE_SYMLINK_OUT) {
		/* Sent only for its contents: an alias, or nothing. */
		if (symlink_learn(s, &v))
			return;
	}
	/*
	 * Through another task's /proc/PID/root: the object's real name,
	 * the string as the caller's view (file_proc_root.c).
	 */
	if (e->flags & MW_FILE_PROC_ROOT &&
	    file_proc_root__follow(s, &e->hdr, v.path, path, sizeof(path)))
		fi.seen_as = v.seen_as ? v.seen_as : v.path;
	else
		snprintf(path, sizeof(path), "%s", v.path);
	if (e->flags & MW_FILE_LEXICAL)
		file_path__normalize(path);
	fi.path = path;
	if (v.target) {
		if (e->flags & MW_FILE_TARGET_PROC_ROOT &&
		    file_proc_root__follow(s, &e->hdr, v.target, target,
					   sizeof(target)))
			fi.target_seen_as =
			    v.target_seen_as ? v.target_seen_as : v.target;
		else
			snprintf(target, sizeof(target), "%s", v.target);
		/* A symlink's contents are not a path of ours to clean up. */
		if (e->flags & MW_FILE_TARGET_LEXICAL &&
		    e->op != MW_FILE_OP_SYMLINK)
			file_path__normalize(target);
		fi.target_path = target;
	}
	/*
	 * An alias link itself renamed or removed (its exact entry sent it):
	 * the alias follows, before any path is read through it.
	 */
	if (s->alias_moved && e->flags & MW_FILE_LEXICAL &&
	    (e->op == MW_FILE_OP_UNLINK ||
	     (e->op == MW_FILE_OP_RENAME && v.target &&
	      e->flags & MW_FILE_TARGET_LEXICAL)))
		s->alias_moved(s->anchor_ctx, path,
			       e->op == MW_FILE_OP_RENAME ? target : NULL);
	/*
	 * A link not judged when renamed: the kernel watched the new name
	 * too; the link was judged (its record came first), and has moved.
	 */
	if (e->flags & MW_FILE_LINK_RENAMED && v.target && s->link_judged)
		s->link_judged(s->anchor_ctx, target);
	/* Through a symbolic link into a watched place (file_aliases.c). */
	if (e->flags & MW_FILE_LEXICAL &&
	    through_alias(s, path, seen_p, fi.seen_as)) {
		fi.seen_as = seen_p;
		via_alias = true;
	}
	if (v.target && e->flags & MW_FILE_TARGET_LEXICAL &&
	    e->op != MW_FILE_OP_SYMLINK &&
	    through_alias(s, target, seen_t, fi.target_seen_as)) {
		fi.target_seen_as = seen_t;
		via_alias = true;
	}
	/*
	 * Sent only because it went through a link the kernel had not seen
	 * judged (MW_FILE_MATCH_LINK): judged now (its record came first),
	 * and no alias: nothing watched. Any other reason to send it keeps
	 * it: an unnormalized string (UNSURE, also set for /proc/PID/root
	 * and cut paths) is for the rules to judge once normalized, or a
	 * fresh link would hide `mv job /tmp/l/../../etc/cron.d/./x`.
	 */
	if (e->flags & MW_FILE_MATCH_LINK && !via_alias &&
	    !(e->flags & (MW_FILE_MATCH_PREFIX | MW_FILE_MATCH_NAME |
			  MW_FILE_MATCH_DIR | MW_FILE_MATCH_UNSURE |
			  MW_FILE_ANCHORED))) {
		/* (a new link by that name is judged all the same) */
		if (e->op == MW_FILE_OP_SYMLINK)
			symlink_learn(s, &v);
		return;
	}
	if (e->op == MW_FILE_OP_SYMLINK && !(e->flags & MW_FILE_SYMLINK_OUT))
		symlink_learn(s, &v);
	if (e->op == MW_FILE_OP_RENAME || e->op == MW_FILE_OP_UNLINK ||
	    e->op == MW_FILE_OP_MOUNT)
		s->anchors_stale = true; /* see file_sensor__anchors_due() */
	slash = strrchr(path, '/');
	fi.name = slash && slash[1] ? slash + 1 : path;
	file_info(e, &fi);
	fi.count = count;

	p = writer_at(s, &e->hdr, &then);
	if (!p)
		return;
	ev.ts_ns = e->hdr.ts_ns;
	ev.proc = p;
	ev.file = &fi;
	proc_cache__get(s->pc, p->ppid);
	proc_cache__lineage(s->pc, &ev, chain, SENSORS_MAX_LINEAGE);
	if (s->events) {
		json_t *doc = report__event(&ev, fi.action);

		if (doc && count > 1)
			jsonx_set_path(doc, "minerwatch.aggregate.count",
				       json_integer((json_int_t)count));
		reporter__emit(s->rep, doc);
	}
	verdict__judge(s->v, &ev);
}

void file_sensor__record(struct sensors *s, const void *data, size_t size)
{
	const struct mw_file_event *e = data;

	if (size < sizeof(*e)) {
		s->bad_records++;
		return;
	}
	if (!s->fold)
		s->fold = file_fold__new(FOLD_RECORDS_MAX);
	/* Kept for the pair's drained repeats; counted when it cannot be. */
	if (s->fold && e->fold.kind)
		file_fold__remember(s->fold, e, size);
	file_judge(s, data, size, e->fold_count > 1 ? e->fold_count : 1);
}

void file_sensor__drained(void *ctx, const struct mw_fold_key *key,
			  uint64_t count)
{
	struct sensors *s = ctx;
	const struct mw_file_event *e = NULL;
	size_t size = 0;

	if (s->fold)
		e = file_fold__find(s->fold, key, &size);
	if (!e) {
		s->fold_untracked += count;
		return;
	}
	file_judge(s, e, size, count);
}

void file_sensor__fold_expire(struct sensors *s, uint64_t now_ns)
{
	if (!s->fold)
		return;
	file_fold__expire(s->fold, now_ns < MW_FOLD_WINDOW_NS
				       ? 0
				       : now_ns - MW_FOLD_WINDOW_NS);
}

/*
 * A watched directory renamed over, removed or mounted on has a new
 * identity: the anchors (user/kernel/file_anchors.c) are re-read now
 * instead of at the next 1 s timer, so a write through another name right
 * after it still comes out under the real path. Throttled: a rename storm
 * under /var/log must not turn into a stat() storm.
 */
bool file_sensor__anchors_due(struct sensors *s, uint64_t now_ns)
{
	if (!s->anchors_stale || now_ns - s->anchors_ns < 100000000ULL)
		return false;
	s->anchors_stale = false;
	s->anchors_ns = now_ns;
	return true;
}

void file_sensor__free(struct sensors *s)
{
	file_fold__free(s->fold);
	s->fold = NULL;
}
