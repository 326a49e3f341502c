/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * file_record.bpf.h - building and sending the file sensor's record: take
 * the scratch record, resolve the path(s), ask the filter, send what
 * matched to mw_findings. The top layer of the file headers; each program
 * file in bpf/file/ includes only this one.
 */
#ifndef MW_FILE_RECORD_BPF_H
#define MW_FILE_RECORD_BPF_H

#include "file_watch.bpf.h"
#include "fold.bpf.h"

#define FOLD_BY_NAME 0x100 /* kind bit: the object is a hash of the names */

struct name_hash {
	__u32 start, end; /* the names in scratch rec[]: [start, end) */
	__u64 h;
};

/* One byte of the names into an FNV-1a hash (a bpf_loop() callback). */
static long name_hash_step(__u32 i, void *arg)
{
	struct name_hash *nh = arg;
	struct mw_scratch *s = scratch_get();
	__u32 at = nh->start + i;

	if (!s || at >= nh->end)
		return 1;
	nh->h ^= (__u8)s->rec[at & (4 * MW_PATH_MAX - 1)]; /* < sizeof(rec) */
	nh->h *= 0x100000001b3ULL;
	return 0;
}

/*
 * The fold key of e: the process, the operation and the object. An op on
 * an open file has the inode; one by name (unlink, rename, link, truncate)
 * hashes the path and target as resolved, NULs included.
 */
static __always_inline void file_fold_key(struct mw_file_event *e)
{
	struct mw_scratch *s = scratch_get();
	struct name_hash nh = {.h = 0xcbf29ce484222325ULL};
	__u32 n;

	fold_key_proc(&e->fold);
	if (e->ino) {
		e->fold.kind = MW_FOLD_KIND(MW_EV_FILE, e->op);
		e->fold.obj = e->ino;
		e->fold.obj2 = e->dev;
		return;
	}
	e->fold.kind = MW_FOLD_KIND(MW_EV_FILE, e->op | FOLD_BY_NAME);
	if (!s)
		return;
	n = (e->path_len & (MW_PATH_MAX - 1)) + 1;
	if (e->target_len)
		n += (e->target_len & (MW_PATH_MAX - 1)) + 1;
	nh.start = (char *)e->data - (char *)s->rec;
	nh.end = nh.start + n;
	bpf_loop(2 * MW_PATH_MAX, name_hash_step, &nh, 0);
	e->fold.obj = nh.h;
	e->fold.obj2 = n;
}

/*
 * A zeroed record in scratch (the header is filled only for a match, in
 * file_send()); NULL when the current task is not to be reported.
 */
/* No loaded rule can match op (mw_file_ops_off): skip it before any work. */
static __always_inline int file_op_off(__u32 op)
{
	__u32 zero = 0, *off;

	/* Writes, creates, truncations, renames, unlinks, mounts: always. */
	if (op < MW_FILE_OP_LINK || op > MW_FILE_OP_ZERO_RANGE)
		return 0;
	off = bpf_map_lookup_elem(&mw_file_ops_off, &zero);
	return off && (*off & (1u << op));
}

static __always_inline struct mw_file_event *file_rec(struct mw_scratch **sp,
						      __u32 op)
{
	struct mw_config *cfg = config_get();
	struct mw_scratch *s = scratch_get();
	struct mw_file_event *e;

	if (!s)
		return NULL;
	stat_inc(MW_STAT_FILE_SEEN);
	if (!mw_wanted(cfg))
		return NULL;
	if (file_op_off(op)) {
		stat_inc(MW_STAT_FILE_FILTERED);
		return NULL;
	}
	if (is_self(cfg, bpf_get_current_pid_tgid() >> 32)) {
		stat_inc(MW_STAT_SELF_FILTERED);
		return NULL;
	}
	/* The header is filled only for a match: most calls are dropped. */
	e = (void *)s->rec;
	__builtin_memset(e, 0, sizeof(*e));
	e->op = op;
	e->size_before = -1;
	e->size_after = -1;
	e->uid = 0xffffffff;
	e->gid = 0xffffffff;
	*sp = s;
	return e;
}

/*
 * Send e (path and target already in data[], in scratch) when anything
 * matched. fill: fill the header from the current task now; 0 when it was
 * filled where the operation was asked for (io_uring completes elsewhere).
 */
static __always_inline int file_send_hdr(struct mw_file_event *e, __u32 match,
					 int fill)
{
	__u32 n, nofold = match & MW_FILE_MATCH_NOFOLD;

	match &= ~MW_FILE_MATCH_NOFOLD;
	/*
	 * Under an executables-only prefix, a mode without an x bit (or no
	 * mode: a by-name op) is no file those rules can match.
	 */
	if (match & MW_FILE_MATCH_EXEC_ONLY) {
		match &= ~MW_FILE_MATCH_EXEC_ONLY;
		if (!(e->mode & 0111))
			match = 0;
	}
	match |= e->flags & MW_FILE_MATCH_UNSURE;
	if (!match) {
		stat_inc(MW_STAT_FILE_FILTERED);
		return 0;
	}
	e->flags |= match;
	/* A repeat of a pair already reported in this window: counted. */
	if (!nofold) {
		file_fold_key(e);
		if (!fold_admit(&e->fold, &e->fold_count,
				MW_STAT_FILE_FOLDED))
			return 0;
	}
	if (fill)
		hdr_fill(&e->hdr, (void *)bpf_get_current_task_btf(),
			 MW_EV_FILE);
	/* Each length is below MW_PATH_MAX: the masks show it the verifier. */
	n = (e->path_len & (MW_PATH_MAX - 1)) + 1;
	if (e->target_len)
		n += (e->target_len & (MW_PATH_MAX - 1)) + 1;
	if (e->seen_len)
		n += (e->seen_len & (MW_PATH_MAX - 1)) + 1;
	if (e->tseen_len)
		n += (e->tseen_len & (MW_PATH_MAX - 1)) + 1;
	n += sizeof(*e);
	e->hdr.size = n;
	stat_inc(MW_STAT_FILE_SENT);
	if (emit_finding(e, n)) {
		stat_inc(MW_STAT_FILE_LOST);
		fold_unsent(&e->fold, e->fold_count);
	}
	return 0;
}

static __always_inline int file_send(struct mw_file_event *e, __u32 match)
{
	return file_send_hdr(e, match, 1);
}

/* An operation on an open file: path from the struct file. */
static __always_inline int file_op_fd(struct file *f, __u32 op,
				      struct mw_file_event *e,
				      struct mw_scratch *s)
{
	struct inode *ino = FR(f, f_inode);
	struct super_block *sb;
	__u32 n;

	e->ino = FR(ino, i_ino);
	sb = FR(ino, i_sb);
	e->dev = FR(sb, s_dev);
	if (!e->mode)
		e->mode = FR(ino, i_mode);
	n = file_path_ev(f, e, s); /* + the caller's view when it differs */
	e->path_len = n;
	return file_send(e, watch_match(e->data, n, FR(f, f_path.dentry)));
}

/* An operation by name: dirfd + string. */
static __always_inline int file_op_at(long dfd, const char *ustr,
				      struct mw_file_event *e,
				      struct mw_scratch *s)
{
	int n = path_at_ev(dfd, ustr, e, s); /* + the caller's view */

	if (n < 0) {
		stat_inc(MW_STAT_FILE_UNREADABLE);
		return 0;
	}
	e->path_len = n;
	return file_send(e, watch_match(e->data, n, NULL));
}

/*
 * Two names (rename: source and destination; link: new name and existing
 * file). Reported when either side is watched: moving a log away hides it
 * as well as moving a file over it does. path is the first, target the
 * second; each caller's view (a chroot, a bind mount, /proc/self/root)
 * follows as seen_as and target_seen_as when it differs.
 */
static __always_inline int file_op_two(long dfd1, const char *u1, long dfd2,
				       const char *u2, struct mw_file_event *e,
				       struct mw_scratch *s)
{
	__u32 match, m1, off, v1, v2 = 0, l1v;
	int n1, n2;

	n1 = path_at_v(dfd1, u1, e->data, s, &e->flags, MW_FILE_PATH_TRUNC,
		       MW_FILE_LEXICAL, &v1, 0);
	if (n1 < 0) {
		stat_inc(MW_STAT_FILE_UNREADABLE);
		return 0;
	}
	e->path_len = n1;
	match = watch_match(e->data, n1, NULL);
	l1v = view_build(v1, u1, 0); /* before the second walk */
	off = (n1 + 1) & (MW_PATH_MAX - 1);
	n2 = path_at_v(dfd2, u2, &e->data[off], s, &e->flags,
		       MW_FILE_TARGET_TRUNC, MW_FILE_TARGET_LEXICAL, &v2, 0);
	if (n2 >= 0) {
		e->target_len = n2;
		m1 = match;
		match = watch_or_target(match, &e->data[off], n2);
		if (m1 & MW_FILE_MATCH_LINK && e->op == MW_FILE_OP_RENAME)
			e->flags |= link_pending_moved(e->data, n1,
						       &e->data[off], n2);
		off += n2 + 1;
	}
	FPROG(views_two_g)(off, l1v, n2 >= 0 ? v2 : 0, (unsigned long)u2, 0);
	return file_send(e, match);
}

/* A successful syscall on two names (rename, link). */
static __always_inline int on_two(long ret, __u32 op, long d1, unsigned long p1,
				  long d2, unsigned long p2)
{
	struct mw_file_event *e;
	struct mw_scratch *s;

	if (ret < 0)
		return 0;
	e = file_rec(&s, op);
	if (!e)
		return 0;
	return file_op_two(d1, (const char *)p1, d2, (const char *)p2, e, s);
}

/*
 * file_rec() for an attribute change (chmod, chown, chattr): the new mode,
 * owner and group as the caller gave them (-1: unchanged).
 */
static __always_inline struct mw_file_event *
file_rec_attr(struct mw_scratch **sp, __u32 op, __u32 mode, __u32 uid,
	      __u32 gid)
{
	struct mw_file_event *e = file_rec(sp, op);

	if (e) {
		e->mode = mode;
		e->uid = uid;
		e->gid = gid;
	}
	return e;
}

/* A successful syscall on a name (dirfd + string). */
static __always_inline int on_name(long ret, __u32 op, long dfd,
				   unsigned long name, __u32 mode, __u32 uid,
				   __u32 gid)
{
	struct mw_file_event *e;
	struct mw_scratch *s;

	if (ret < 0)
		return 0;
	e = file_rec_attr(&s, op, mode, uid, gid);
	if (!e)
		return 0;
	return file_op_at(dfd, (const char *)name, e, s);
}

#endif /* MW_FILE_RECORD_BPF_H */
