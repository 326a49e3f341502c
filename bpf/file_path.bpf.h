/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * file_path.bpf.h - where the file sensor's paths come from: the "path"
 * layer of the file headers (common.bpf.h -> path.bpf.h -> file_path.bpf.h
 * -> file_watch.bpf.h -> file_record.bpf.h).
 *
 * Hooks are syscall exit tracepoints, so a path is either resolved from the
 * struct file the syscall left behind (open, ftruncate, fchmod, ioctl) or,
 * when the object is gone or was never opened (rename, unlink, link,
 * truncate by name, chmod by name), the dirfd's (or cwd's) resolved path
 * joined with the caller's string; userspace removes "." and ".."
 * lexically. Syscall strings are read at exit, when the kernel has touched
 * them, so reading cannot fault on a page that is not in yet.
 *
 * Two builds of the file sensor go into the object (file.bpf.c explains
 * how): plain loads on BTF pointers for 6.2+, and MW_FILE_COMPAT, probe
 * reads for older kernels, with programs suffixed _c (FPROG()). The
 * loader attaches the set the kernel can run. The choice is made here,
 * before path.bpf.h, whose accessor (FR, AS_*) both builds share; the maps
 * are __weak so the builds share them too.
 */
#ifndef MW_FILE_PATH_BPF_H
#define MW_FILE_PATH_BPF_H

#ifdef MW_PATH_BPF_H
#error "file_path.bpf.h picks path.bpf.h's accessor: include it first"
#endif
#ifdef MW_FILE_COMPAT
#define FPROG(name) name##_c
#else
#define MW_PATH_DIRECT 1
#define FPROG(name) name
#endif
#include "path.bpf.h"

#define AT_FDCWD -100

/*
 * Syscall arguments: saved user registers, intact at sys_exit. pt_regs is
 * a BTF pointer: plain loads, no helper call.
 */
static __always_inline unsigned long sc_arg(int i)
{
	struct pt_regs *regs = (void *)bpf_task_pt_regs(
	    (struct task_struct *)bpf_get_current_task_btf());

	switch (i) {
	case 0:
		return PT_REGS_PARM1_SYSCALL(regs);
	case 1:
		return PT_REGS_PARM2_SYSCALL(regs);
	case 2:
		return PT_REGS_PARM3_SYSCALL(regs);
	case 3:
		return PT_REGS_PARM4_SYSCALL(regs);
	default:
		return PT_REGS_PARM5_SYSCALL(regs);
	}
}

/* current->files->fdt->fd[fd], or NULL; a BTF pointer to the file. */
static __always_inline struct file *fd_file(struct task_struct *t, long fd)
{
	struct fdtable *fdt = t->files->fdt;
	struct file **fds;
	struct file *f = NULL;

	if (fd < 0 || fd >= fdt->max_fds)
		return NULL;
	fds = fdt->fd;
	/* A variable index into a BTF array: read it with the helper. */
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return NULL;
	return AS_FILE(f);
}

/*
 * The objects the file rules name, by identity (dev + inode), with the
 * path the daemon's mount namespace gives them: the watched directories
 * and files, their ancestors up to "/" and the subdirectories just below
 * them (user/kernel/file_anchors.c fills it and refreshes it when one is
 * replaced). A path walk that crosses a mount whose root is one of them
 * is rebased on that path: a write through `mount --rbind / /x; chroot
 * /x`, a bind mount of /etc elsewhere, a container's `-v /:/host` or
 * /proc/PID/root names the watched file by its real path, and the
 * caller's own view goes along as seen_as. One lookup per mount crossed
 * (usually one or two), never per component.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct mw_inode_key);
	__type(value, struct mw_file_anchor);
} mw_file_anchors SEC(".maps") __weak;

/*
 * The daemon's mount namespace (its ns inode number; 0: unknown): mounts
 * elsewhere do not shadow what the host reads (file/mount.bpf.c).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} mw_file_host_ns SEC(".maps") __weak;

/*
 * path_walk plus the innermost anchor met; w first: path_prepend() takes
 * it. In scratch like path_walk (mw_scratch.walk).
 */
struct fpath_walk {
	struct path_walk w;
	__u32 anchor_off; /* w.off when the anchor was met: suffix start */
	int anchored;
	struct mw_inode_key key; /* the anchor's identity */
};

/* Is mount root d an anchor? The first (innermost) one met wins. */
static __always_inline void anchor_check(struct fpath_walk *fw,
					 struct dentry *d)
{
	struct inode *ino;
	struct super_block *sb;

	if (fw->anchored)
		return;
	ino = FR(d, d_inode);
	sb = FR(d, d_sb);
	if (!ino || !sb)
		return;
	fw->key.ino = FR(ino, i_ino);
	fw->key.dev = FR(sb, s_dev);
	fw->key.pad = 0;
	if (bpf_map_lookup_elem(&mw_file_anchors, &fw->key)) {
		fw->anchored = 1;
		fw->anchor_off = fw->w.off;
	}
}

static __always_inline struct fpath_walk *fwalk_of(struct mw_scratch *s)
{
	_Static_assert(sizeof(struct fpath_walk) <= sizeof(s->walk),
		       "mw_scratch.walk holds an fpath_walk");
	return (struct fpath_walk *)s->walk;
}

/*
 * path_walk_step() (path.bpf.h) that also looks for an anchor among the
 * mount roots it crosses; the state is in scratch (arg is NULL).
 */
static long fpath_walk_step(__u32 i, void *arg)
{
	struct mw_scratch *s = scratch_get();
	struct fpath_walk *fw;
	struct dentry *mroot;
	long ret;

	if (!s)
		return 1;
	fw = fwalk_of(s);
	ret = path_step(&fw->w, s, &mroot);
	if (mroot)
		anchor_check(fw, mroot);
	return ret;
}

struct prefix_cmp {
	const char *a; /* the anchor's path (map value) */
	__u32 off;     /* the caller's prefix in scratch path[] */
	__u32 len;
	int differ;
};

static long prefix_cmp_step(__u32 i, void *arg)
{
	struct prefix_cmp *pc = arg;
	struct mw_scratch *s = scratch_get();
	char c;

	if (!s || i >= pc->len)
		return 1;
	if (bpf_probe_read_kernel(&c, 1, pc->a + (i & (MW_WATCH_KEY - 1))) ||
	    c != s->path[(pc->off + i) & (MW_PATH_MAX - 1)]) {
		pc->differ = 1;
		return 1;
	}
	return 0;
}

/* What fpath_resolve_g() says besides the length. */
struct fpath_out {
	__u32 seen; /* start of the caller's view in s->path, 0: the same */
	int trunc;  /* a limit cut the path short */
};

/* Copy the rebased path (anchor a + suffix) into dst; returns its length. */
static __always_inline int fpath_rebased(char *dst, struct mw_file_anchor *a,
					 struct mw_scratch *s, __u32 alen,
					 __u32 soff)
{
	__u32 slen = MW_PATH_MAX - soff; /* suffix bytes with the NUL */

	if (alen == 0 && slen == 1) { /* "/" itself */
		dst[0] = '/';
		dst[1] = '\0';
		return 1;
	}
	bpf_probe_read_kernel(dst, alen, a->path);
	bpf_probe_read_kernel(dst + alen, slen, &s->path[soff]);
	return alen + slen - 1;
}

/*
 * Resolve (dentry, vfsmnt) into scratch rec[dst_off..] like
 * path_resolve_at(), rebased on the innermost anchor met. Returns the
 * length, -1 on error. When the caller's view differs, out->seen is its
 * start in s->path (length MW_PATH_MAX - 1 - seen, NUL-terminated): copy
 * it out before the next walk. (A view never starts at 0: the walk keeps
 * the last byte for the NUL.)
 *
 * A global function, so the verifier checks it once and not once per
 * caller's state: inlined twice into the rename programs, the walk with
 * its rebase branches took them past a million instructions. FPROG()
 * names the two builds apart for the linker.
 */
__noinline int FPROG(fpath_resolve_g)(unsigned long dentry,
				      unsigned long vfsmnt, __u32 dst_off,
				      struct fpath_out *out)
{
	struct mw_scratch *s = scratch_get();
	struct prefix_cmp pc = {};
	struct mw_file_anchor *a;
	struct fpath_walk *fw;
	__u32 n, alen, soff, off;
	char *dst;

	if (!s || !out)
		return -1;
	out->seen = 0;
	out->trunc = 0;
	dst = &s->rec[dst_off & (2 * MW_PATH_MAX - 1)];
	fw = fwalk_of(s);
	__builtin_memset(fw, 0, sizeof(*fw));
	fw->w.d = dentry;
	fw->w.mnt = vfsmnt - bpf_core_field_offset(struct mount, mnt);
	fw->w.off = MW_PATH_MAX - 1;
	s->path[MW_PATH_MAX - 1] = '\0';
	bpf_loop(MW_PATH_DEPTH, fpath_walk_step, NULL, 0);
	if (fw->w.trunc || !fw->w.done)
		out->trunc = 1;
	off = fw->w.off;
	if (off == MW_PATH_MAX - 1) { /* the root itself */
		off -= 1;
		s->path[MW_PATH_MAX - 2] = '/';
	}
	off &= MW_PATH_MAX - 1;
	a = fw->anchored ? bpf_map_lookup_elem(&mw_file_anchors, &fw->key)
			 : NULL;
	/*
	 * An anchor met makes the path whole even when the walk ran out
	 * above it (64 stacked mounts): the caller's view is then partial
	 * and not sent.
	 */
	if (a) {
		alen = a->len & (MW_WATCH_KEY - 1);
		soff = fw->anchor_off & (MW_PATH_MAX - 1);
		/* The caller's prefix before the suffix: the same as ours? */
		pc.a = a->path;
		pc.off = off;
		pc.len = soff > off ? soff - off : 0;
		/*
		 * The root itself, "/", is the root anchor's "": the same
		 * (a task whose root is a mount stacked on its namespace's
		 * root names files as they are).
		 */
		if (pc.len == 1 && alen == 0 && soff == MW_PATH_MAX - 1)
			pc.len = 0;
		else if (pc.len != alen)
			pc.differ = 1;
		else
			bpf_loop(MW_WATCH_KEY, prefix_cmp_step, &pc, 0);
		if (out->trunc)
			pc.differ = 1;
		if (pc.differ && alen + MW_PATH_MAX - soff <= MW_PATH_MAX) {
			out->seen = out->trunc ? 0 : off;
			out->trunc = 0;
			return fpath_rebased(dst, a, s, alen, soff);
		}
	}
	n = MW_PATH_MAX - off; /* bytes with the NUL */
	bpf_probe_read_kernel(dst, n, &s->path[off]);
	return n - 1;
}

/*
 * fpath_resolve_g() for dst in scratch rec[] (below 2 * MW_PATH_MAX):
 * the length, bounded for the verifier (0 on error, with *trunc set).
 */
static __always_inline __u32 fpath_resolve(unsigned long dentry,
					   unsigned long vfsmnt, char *dst,
					   struct mw_scratch *s, int *trunc,
					   __u32 *seen)
{
	struct fpath_out out = {};
	int n;

	n = FPROG(fpath_resolve_g)(dentry, vfsmnt, dst - (char *)s->rec, &out);
	*seen = out.seen;
	if (out.trunc)
		*trunc = 1;
	if (n < 0 || n >= MW_PATH_MAX) {
		*trunc = 1;
		*seen = 0;
		return 0;
	}
	return n;
}

/* Resolve a struct file's path into dst; returns the length. */
static __always_inline __u32 file_path(struct file *f, char *dst,
				       struct mw_scratch *s, __u32 *flags,
				       __u32 trunc_flag)
{
	int trunc = 0;
	__u32 n;

	n = path_resolve_at((unsigned long)FR(f, f_path.dentry),
			    (unsigned long)FR(f, f_path.mnt), dst, s, &trunc);
	if (trunc) {
		*flags |= trunc_flag;
		stat_inc(MW_STAT_FILE_PATH_TRUNC);
	}
	return n;
}

/*
 * The path of (dentry, vfsmount) into e->data, rebased on an anchor
 * (fpath_resolve):
 * when the caller named the file differently, its view follows the path
 * in data[] (e->seen_len, MW_FILE_ANCHORED). For records without a
 * target; returns the path's length.
 */
static __always_inline __u32 file_path_dm(unsigned long dentry,
					  unsigned long vfsmnt,
					  struct mw_file_event *e,
					  struct mw_scratch *s)
{
	__u32 n, seen, off, vlen;
	int trunc = 0;

	n = fpath_resolve(dentry, vfsmnt, e->data, s, &trunc, &seen);
	/* Cut short and not whole by an anchor: sent anyway, never dropped. */
	if (trunc) {
		e->flags |= MW_FILE_PATH_TRUNC | MW_FILE_MATCH_UNSURE;
		stat_inc(MW_STAT_FILE_PATH_TRUNC);
	}
	if (seen) {
		seen &= MW_PATH_MAX - 1;
		vlen = MW_PATH_MAX - seen; /* with the NUL */
		off = (n + 1) & (MW_PATH_MAX - 1);
		if (!bpf_probe_read_kernel(&e->data[off], vlen,
					   &s->path[seen])) {
			e->seen_len = vlen - 1;
			e->flags |= MW_FILE_ANCHORED;
		}
	}
	return n;
}

/* file_path_dm() for a struct file. */
static __always_inline __u32 file_path_ev(struct file *f,
					  struct mw_file_event *e,
					  struct mw_scratch *s)
{
	/* Read as numbers: a global function takes no BTF pointer. */
	return file_path_dm((unsigned long)BPF_CORE_READ(f, f_path.dentry),
			    (unsigned long)BPF_CORE_READ(f, f_path.mnt), e, s);
}

struct dot_scan {
	__u32 start, end; /* the caller's string in scratch rec[] */
	char p1, p2, p3;  /* the last three characters seen */
	int dirty;
};

/*
 * One character of a by-name path: is any component ".", ".." or empty?
 * Such a path only matches the watch entries once normalized, which the
 * kernel does not do, so it must not be dropped here.
 */
static long dot_step(__u32 i, void *arg)
{
	struct dot_scan *ds = arg;
	struct mw_scratch *s = scratch_get();
	__u32 at = ds->start + i;
	char c;

	if (!s || at > ds->end)
		return 1;
	c = s->rec[at & (4 * MW_PATH_MAX - 1)]; /* < sizeof(rec) */
	if (c == '/' || c == '\0') {
		if (ds->p1 == '/' ||
		    (ds->p1 == '.' &&
		     (ds->p2 == '/' || (ds->p2 == '.' && ds->p3 == '/')))) {
			ds->dirty = 1;
			return 1;
		}
	}
	if (c == '\0')
		return 1;
	ds->p3 = ds->p2;
	ds->p2 = ds->p1;
	ds->p1 = c;
	return 0;
}

/*
 * Is the task's root (dentry bd, vfsmount bm) other than its mount
 * namespace's root? Then absolute strings are relative to a chroot.
 */
static __always_inline int task_chrooted(struct task_struct *t,
					 unsigned long bd, unsigned long bm)
{
	struct mount *nsroot = BPF_CORE_READ(t, nsproxy, mnt_ns, root);
	unsigned long m = bm - bpf_core_field_offset(struct mount, mnt);

	if (!nsroot)
		return 0;
	return m != (unsigned long)nsroot ||
	       bd != (unsigned long)BPF_CORE_READ(nsroot, mnt.mnt_root);
}

/*
 * The last task root (dentry, vfsmount) whose walk named it "/" with no
 * other view, per CPU. Where "/" is mounted over the initramfs (the mount
 * namespace's root is rootfs: a firecracker guest, say) every task counts
 * as chrooted, and each absolute by-name string would walk its root and
 * look it up in the anchors again. Two numbers compared, never read
 * through; a miss just walks.
 */
struct root_memo {
	__u64 dentry, mnt;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct root_memo);
} mw_root_memo SEC(".maps") __weak;

static __always_inline struct root_memo *root_memo_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&mw_root_memo, &zero);
}

/* Read a name's first byte / the whole name from user or kernel memory. */
static __always_inline long name_read(void *dst, __u32 n, const char *src,
				      int kstr)
{
	return kstr ? bpf_probe_read_kernel(dst, n, src)
		    : bpf_probe_read_user(dst, n, src);
}

static __always_inline long name_read_str(void *dst, __u32 n, const char *src,
					  int kstr)
{
	return kstr ? bpf_probe_read_kernel_str(dst, n, src)
		    : bpf_probe_read_user_str(dst, n, src);
}

/* path_at_v()'s *vseen when the caller's view is its string as given. */
#define MW_VIEW_STRING MW_PATH_MAX

/*
 * Does the absolute string ustr start with "/proc/self/root" or
 * "/proc/thread-self/root" as a whole component? Returns the prefix's
 * length, 0 when not. "/proc/<digits>/root" (another task's root: the
 * number is in the caller's pid namespace, which the kernel cannot look
 * up from here) returns its length with MW_PROC_PID_ROOT set: the string
 * is sent as given, flagged, and userspace follows it (file_proc_root.c).
 */
static __always_inline int bytes_differ(const char *a, const char *b,
					__u32 n)
{
	int d = 0;

#pragma unroll
	for (__u32 i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d;
}

#define MW_PROC_PID_ROOT (1u << 31)
#define MW_PROC_PID_DIGITS 10 /* pid_max is at most 4194304: 7 digits */

static __always_inline __u32 proc_root_prefix(const char *ustr, int kstr)
{
	char b[32] = {};
	__u32 n, i, d = 0;

	/* The shortest: "/proc/1/root" and its NUL. */
	if (name_read_str(b, 24, ustr, kstr) < 13 ||
	    bytes_differ(b, "/proc/", 6))
		return 0;
	if (!bytes_differ(b + 6, "self/root", 9)) {
		n = 15;
	} else if (!bytes_differ(b + 6, "thread-self/root", 16)) {
		n = 22;
	} else {
		/* b is zero past the string: a short one stops the count. */
#pragma unroll
		for (i = 0; i < MW_PROC_PID_DIGITS; i++) {
			if (b[6 + i] < '0' || b[6 + i] > '9')
				break;
			d++;
		}
		if (!d || d == MW_PROC_PID_DIGITS ||
		    bytes_differ(b + ((6 + d) & 15), "/root", 5))
			return 0;
		n = (6 + d + 5) | MW_PROC_PID_ROOT;
	}
	return b[n & 31] == '/' || b[n & 31] == '\0' ? n : 0;
}

/*
 * dirfd (or the cwd) joined with the string ustr, into dst (room for
 * MW_PATH_MAX bytes). Absolute strings are copied as they are. The string
 * is the caller's (user memory), or, with kstr, a copy the kernel already
 * made (an io_uring request's struct filename). Returns the length, or -1
 * when the string cannot be read.
 */
static __always_inline int path_at_v(long dfd, const char *ustr, char *dst,
				     struct mw_scratch *s, __u32 *flags,
				     __u32 trunc_flag, __u32 lex_flag,
				     __u32 *vseen, int kstr)
{
	struct task_struct *t = (void *)bpf_get_current_task_btf();
	struct dot_scan ds = {};
	struct root_memo *memo = NULL;
	unsigned long bd, bm;
	struct file *f;
	__u32 off = 0, room, seen, plen;
	int trunc = 0, proc = 0, learn = 0;
	long n;
	char c;

	if (name_read(&c, 1, ustr, kstr))
		return -1;
	*vseen = 0;
	plen = c == '/' ? proc_root_prefix(ustr, kstr) : 0;
	if (plen && !(plen & MW_PROC_PID_ROOT)) {
		/*
		 * /proc/self/root/...: the kernel follows the task's root, so
		 * do we; the caller's view is its string as given.
		 */
		ustr += plen;
		if (name_read(&c, 1, ustr, kstr))
			return -1;
		bd = (unsigned long)BPF_CORE_READ(t, fs, root.dentry);
		bm = (unsigned long)BPF_CORE_READ(t, fs, root.mnt);
		proc = 1;
	} else if (c == '/') {
		/*
		 * Absolute: from the task's root, which a chroot moved. The
		 * root's real name comes from the anchors: "/" after
		 * `mount --rbind / /x; chroot /x`, /x/y for a chroot into a
		 * plain directory (a fake tree forges no alert).
		 */
		bd = (unsigned long)BPF_CORE_READ(t, fs, root.dentry);
		bm = (unsigned long)BPF_CORE_READ(t, fs, root.mnt);
		memo = root_memo_get();
		if (!task_chrooted(t, bd, bm) ||
		    (memo && memo->dentry == bd && memo->mnt == bm))
			bd = 0;
		else
			learn = 1; /* when it names "/" as is: below */
		/*
		 * /proc/PID/root/...: flagged and sent whatever the filter
		 * says; only userspace can tell which task PID is, and its
		 * root. It follows the string only when the caller's root
		 * is the real "/" (then the path is the string as given):
		 * inside a chroot into a plain directory, /proc may be
		 * anything, and the chroot's name stands (a fake tree
		 * forges no alert).
		 */
		if (plen)
			*flags |= MW_FILE_MATCH_UNSURE |
				  (lex_flag == MW_FILE_LEXICAL
					   ? MW_FILE_PROC_ROOT
					   : MW_FILE_TARGET_PROC_ROOT);
	} else if ((int)dfd == AT_FDCWD) {
		bd = (unsigned long)BPF_CORE_READ(t, fs, pwd.dentry);
		bm = (unsigned long)BPF_CORE_READ(t, fs, pwd.mnt);
	} else {
		f = fd_file(t, dfd);
		if (!f)
			return -1;
		/* Numbers, not BTF pointers: see file_path_ev(). */
		bd = (unsigned long)BPF_CORE_READ(f, f_path.dentry);
		bm = (unsigned long)BPF_CORE_READ(f, f_path.mnt);
	}
	if (bd) {
		/* The base by its real name; its caller's view stays in s. */
		off = fpath_resolve(bd, bm, dst, s, &trunc, &seen);
		*vseen = proc ? MW_VIEW_STRING : seen;
		if (c == '/' && off == 1) { /* the real root: as given */
			if (learn && !seen && !trunc && memo) {
				memo->dentry = bd;
				memo->mnt = bm;
			}
			off = 0;
		} else if (c == '/' && off < MW_PATH_MAX - 2) {
			/* the string brings its own '/' */
		} else if (off > 1 && off < MW_PATH_MAX - 2) {
			dst[off & (MW_PATH_MAX - 1)] = '/';
			off++;
		} else if (off != 1) { /* no room: keep the string alone */
			off = 0;
			trunc = 1;
		}
	}
	/* Absolute or not, the string may hold "." and "..": normalize. */
	*flags |= lex_flag;
	off &= MW_PATH_MAX - 1;
	room = MW_PATH_MAX - off;
	n = name_read_str(&dst[off], room, ustr, kstr);
	if (n <= 0)
		return -1;
	if (n == room)
		trunc = 1;
	/*
	 * Scan the string's components, from the '/' joined before it (or
	 * its own leading '/'); the dirfd's part was resolved, it is clean.
	 */
	ds.start = (dst - (char *)s->rec) + (off ? off - 1 : 0);
	ds.end = (dst - (char *)s->rec) + off + n - 1;
	bpf_loop(MW_PATH_MAX, dot_step, &ds, 0);
	if (ds.dirty)
		*flags |= MW_FILE_MATCH_UNSURE;
	if (trunc) {
		/* Sent flagged, never dropped: the filter cannot judge it. */
		*flags |= trunc_flag | MW_FILE_MATCH_UNSURE;
		stat_inc(MW_STAT_FILE_PATH_TRUNC);
	}
	return off + n - 1;
}

/*
 * dirfd (or the cwd, or the root) joined with the user string ustr into
 * dst: path_at_v() without the caller's view.
 */
static __always_inline int path_at(long dfd, const char *ustr, char *dst,
				   struct mw_scratch *s, __u32 *flags,
				   __u32 trunc_flag, __u32 lex_flag)
{
	__u32 vseen;

	return path_at_v(dfd, ustr, dst, s, flags, trunc_flag, lex_flag,
			 &vseen, 0);
}

/*
 * Where a caller's view is built (view_build()) before it is placed after
 * the names (view_place()): data[] past everything a record sends, so the
 * second name's walk cannot overwrite it.
 */
#define MW_VIEW_STASH MW_FILE_DATA_MAX

_Static_assert(sizeof(struct mw_file_event) + MW_VIEW_STASH +
			   2 * MW_PATH_MAX <=
		       sizeof(((struct mw_scratch *)0)->rec),
	       "mw_scratch.rec holds a file record and its view stash");

/*
 * The caller's view of a by-name path, from path_at_v()'s vseen, into the
 * stash of the record at the start of scratch rec[] (as file_rec() makes
 * it): the string itself (MW_VIEW_STRING), or its base's view
 * (s->path[vseen..], valid until the next walk) joined with the string
 * again. Returns its length, 0 when there is none.
 *
 * The view functions are global, so the verifier checks each once and not
 * in every program that names two files (FPROG(): one per build).
 */
__noinline int FPROG(view_build_g)(__u32 vseen, unsigned long ustr, int kstr)
{
	struct mw_scratch *s = scratch_get();
	struct mw_file_event *e;
	__u32 vlen = 0;
	char *dst;
	long m;
	char c = 0;

	if (!s || !vseen)
		return 0;
	e = (void *)s->rec;
	dst = &e->data[MW_VIEW_STASH];
	if (vseen != MW_VIEW_STRING) {
		if (name_read(&c, 1, (const char *)ustr, kstr))
			return 0;
		vseen &= MW_PATH_MAX - 1;
		vlen = MW_PATH_MAX - 1 - vseen; /* without the NUL */
		if (vlen + 2 >= MW_PATH_MAX)
			return 0;
		bpf_probe_read_kernel(dst, vlen & (MW_PATH_MAX - 1),
				      &s->path[vseen]);
		if (c != '/')
			dst[vlen++ & (MW_PATH_MAX - 1)] = '/';
	}
	vlen &= MW_PATH_MAX - 1;
	m = name_read_str(&dst[vlen], MW_PATH_MAX - vlen, (const char *)ustr,
			  kstr);
	if (m <= 1 || vlen + m > MW_PATH_MAX - 1)
		return 0;
	return vlen + m - 1;
}

/*
 * Move the view (len bytes) from the stash to data[at], right after the
 * strings already there; 0 when it does not fit the record.
 */
__noinline int FPROG(view_place_g)(__u32 at, __u32 len)
{
	struct mw_scratch *s = scratch_get();
	struct mw_file_event *e;

	if (!s || !len || len >= MW_PATH_MAX || at >= MW_FILE_DATA_MAX ||
	    at + len + 1 > MW_FILE_DATA_MAX)
		return 0;
	e = (void *)s->rec;
	/* The masks for the verifier: the barriers keep clang from dropping
	 * them as implied by the checks above, which it rewrites. */
	barrier_var(len);
	len &= MW_PATH_MAX - 1;
	barrier_var(at);
	at &= 4 * MW_PATH_MAX - 1;
	return !bpf_probe_read_kernel(&e->data[at], len + 1,
				      &e->data[MW_VIEW_STASH]);
}

static __always_inline __u32 view_build(__u32 vseen, const char *ustr,
					int kstr)
{
	int n = FPROG(view_build_g)(vseen, (unsigned long)ustr, kstr);

	return n > 0 && n < MW_PATH_MAX ? n : 0;
}

/*
 * The views of a two-name record (e at the start of scratch rec[]), after
 * both names (ending before data[at]): the first name's, waiting in the
 * stash (l1v bytes; built before the second name's walk), then the
 * second's (vseen2 from its path_at_v()).
 */
__noinline int FPROG(views_two_g)(__u32 at, __u32 l1v, __u32 vseen2,
				  unsigned long u2, int kstr)
{
	struct mw_scratch *s = scratch_get();
	struct mw_file_event *e;
	__u32 l2v;

	if (!s)
		return 0;
	e = (void *)s->rec;
	if (l1v && FPROG(view_place_g)(at, l1v)) {
		e->seen_len = l1v;
		e->flags |= MW_FILE_ANCHORED;
		at += l1v + 1;
	}
	l2v = view_build(vseen2, (const char *)u2, kstr);
	if (l2v && FPROG(view_place_g)(at, l2v)) {
		e->tseen_len = l2v;
		e->flags |= MW_FILE_ANCHORED;
	}
	return 0;
}

/*
 * path_at() into e->data for a record without a target; when the base was
 * rebased (a chroot, a bind mount) or the string went through
 * /proc/self/root, the caller's view follows the path as seen_as.
 */
static __always_inline int path_at_ev(long dfd, const char *ustr,
				      struct mw_file_event *e,
				      struct mw_scratch *s)
{
	__u32 vseen, vlen;
	int n;

	n = path_at_v(dfd, ustr, e->data, s, &e->flags, MW_FILE_PATH_TRUNC,
		      MW_FILE_LEXICAL, &vseen, 0);
	if (n < 0)
		return n;
	vlen = view_build(vseen, ustr, 0);
	if (vlen && FPROG(view_place_g)(n + 1, vlen)) {
		e->seen_len = vlen;
		e->flags |= MW_FILE_ANCHORED;
	}
	return n;
}

#endif /* MW_FILE_PATH_BPF_H */
