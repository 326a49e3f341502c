// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file/fentry.bpf.c - the file sensor from the kernel's own functions, for
 * kernels with fentry/fexit (Debian's 6.1 and 6.12; not 6.18 here, which
 * refuses them). Every way into the kernel (syscalls native or 32-bit,
 * io_uring, file handles) ends in these functions, so one set covers them
 * all by construction, and no program runs on the syscall path of tasks
 * that touch no file. The loader attaches this set instead of the syscall
 * tracepoint, io_uring and ia32 programs when every required function is
 * in the kernel's BTF (user/kernel/loader.c, file_sensor_probe()), and
 * falls back to them when it does not load.
 *
 *   fexit/security_file_open   opens (write, create, O_TRUNC) from the file
 *   fentry+fexit/do_truncate   ftruncate (size before and after)
 *   fexit/vfs_truncate         truncate by name, from the struct path
 *   fexit/vfs_fallocate        punch hole, collapse range, zero range
 *   fexit/security_path_unlink, _rmdir, _rename, _link, _symlink, _chmod,
 *        _chown                by-name changes, from the dentries
 *   fentry/security_file_ioctl(_compat) + fexit/vfs_fileattr_set  chattr
 *   fexit/security_sb_mount, security_move_mount  mounts over watched places
 *
 * fexit everywhere: a hook that denied (another LSM, ret != 0) reports
 * nothing. The security_* hooks run before the operation itself, which may
 * still fail afterwards (a read-only filesystem, an immutable file, EBUSY):
 * such a record says what was attempted and allowed, not what happened
 * (docs/file-sensor.md). vfs_truncate, vfs_fallocate, do_truncate and
 * vfs_fileattr_set are the operations themselves: their ret is the result.
 *
 * Paths start at the object (the dentry the kernel resolved, with its
 * mount), never at the caller's string: symlinked directories, chroots and
 * bind mounts name the real file (rebased on the anchors as everywhere,
 * the caller's view as seen_as). Records, filter and fold are the ones the
 * tracepoint programs use (file_record.bpf.h), so userspace and the rules
 * see no difference. Shares open_op() (open.bpf.c), mw_file_trunc_size
 * (truncate.bpf.c), on_fallocate() (fallocate.bpf.c) and
 * mount_in_host_ns() (mount.bpf.c): included after them in file.bpf.c.
 */
#include "file_record.bpf.h"

#define ATTR_OPEN (1 << 15) /* do_truncate() from an O_TRUNC open */
#define FE_MS_REMOUNT 32
#define FE_MS_BIND 4096
#define FE_MS_PROPAGATION ((1 << 17) | (1 << 18) | (1 << 19) | (1 << 20))
#define FE_IOC_SETFLAGS 0x40086602
#define FE_IOC32_SETFLAGS 0x40046602
#define FE_IOC_FSSETXATTR 0x401c5820
/*
 * Files the kernel opens on a user's behalf (overlayfs' real file under
 * the overlay's: a fake path in 6.1, a backing file in 6.6+) are not
 * accounted: the open the user made was reported for the overlay file.
 */
#define FE_FMODE_NOACCOUNT 0x20000000

/*
 * A BTF pointer as a plain number, which is what a global function
 * (fpath_resolve_g) takes: the verifier keeps a pointer's type through
 * casts and stack spills, not through a helper's copy.
 */
static __always_inline unsigned long fe_num(const void *p)
{
	unsigned long v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &p);
	return v;
}

/*
 * (dentry d, vfsmount m) in the record: identity, path from the object,
 * filter. by_name: match the string as the by-name syscalls do (a watched
 * directory itself, names from the string), else names from the dentry.
 */
static __always_inline int fe_send_obj(struct dentry *dp, struct vfsmount *m,
				       struct mw_file_event *e,
				       struct mw_scratch *s, int by_name)
{
	struct dentry *d = AS_DENTRY(dp); /* a BTF pointer for FR() */
	struct inode *ino = FR(d, d_inode);
	struct super_block *sb;
	__u32 n;

	if (ino) { /* a new name (rename, link target) has none yet */
		e->ino = FR(ino, i_ino);
		sb = FR(ino, i_sb);
		e->dev = FR(sb, s_dev);
		if (!by_name && !e->mode)
			e->mode = FR(ino, i_mode);
	}
	n = file_path_dm(fe_num(dp), (unsigned long)m, e, s);
	e->path_len = n;
	return file_send(e, watch_match(e->data, n, by_name ? NULL : d));
}

/* An op on the object at struct path p, by name (unlink, chmod, ...). */
static __always_inline int fe_path_op(const struct path *p, struct dentry *d,
				      __u32 op, __u32 mode, __u32 uid,
				      __u32 gid)
{
	struct mw_file_event *e;
	struct mw_scratch *s;

	e = file_rec_attr(&s, op, mode, uid, gid);
	if (!e)
		return 0;
	return fe_send_obj(d ?: BPF_CORE_READ(p, dentry),
			   BPF_CORE_READ(p, mnt), e, s, 1);
}

/*
 * Two names (rename: source, destination; link: new name, existing file),
 * each resolved from its dentry on its mount (a new name's dentry is
 * negative but has its name and parent). Sent when either is watched.
 */
static __always_inline int fe_two(struct dentry *d1, struct vfsmount *m1,
				  struct dentry *d2, struct vfsmount *m2,
				  __u32 op)
{
	struct mw_file_event *e;
	struct mw_scratch *s;
	__u32 n1, n2, off, seen, match;
	int trunc = 0;

	e = file_rec(&s, op);
	if (!e)
		return 0;
	n1 = fpath_resolve(fe_num(d1), (unsigned long)m1, e->data, s,
			   &trunc, &seen);
	if (trunc)
		e->flags |= MW_FILE_PATH_TRUNC | MW_FILE_MATCH_UNSURE;
	e->path_len = n1;
	match = watch_match(e->data, n1, NULL);
	off = (n1 + 1) & (MW_PATH_MAX - 1);
	trunc = 0;
	n2 = fpath_resolve(fe_num(d2), (unsigned long)m2, &e->data[off],
			   s, &trunc, &seen);
	if (trunc)
		e->flags |= MW_FILE_TARGET_TRUNC | MW_FILE_MATCH_UNSURE;
	e->target_len = n2;
	match = watch_or_target(match, &e->data[off], n2);
	return file_send(e, match);
}

/* security_file_open(file): f_flags still hold O_CREAT and O_TRUNC here. */
SEC("fexit/security_file_open")
int FPROG(fe_file_open)(__u64 *ctx)
{
	struct file *f = (void *)ctx[0];
	struct mw_file_event *e;
	struct mw_scratch *s;
	struct inode *ino;
	struct dentry *d;
	__u32 op, fmode, oflags;

	fmode = FR(f, f_mode);
	oflags = FR(f, f_flags);
	/* Read-only opens (most of them) and denied ones leave first. */
	if ((int)ctx[1] || (!(fmode & FMODE_WRITE) &&
			    !(oflags & (O_CREAT | O_TRUNC))))
		return 0;
	if (fmode & FE_FMODE_NOACCOUNT)
		return 0;
	ino = FR(f, f_inode);
	d = FR(f, f_path.dentry);
	if (ino != FR(d, d_inode)) /* a fake path (overlayfs, 6.1) */
		return 0;
	op = open_op(ino, oflags, fmode, 1);
	if (!op)
		return 0;
	e = file_rec(&s, op);
	if (!e)
		return 0;
	e->open_flags = oflags;
	e->fmode = fmode;
	if (oflags & O_APPEND)
		e->flags |= MW_FILE_APPEND;
	if (op == MW_FILE_OP_TRUNC_OPEN) {
		/* Before the truncation, which sets the size to 0 next. */
		e->size_before = FR(ino, i_size);
		e->size_after = 0;
		e->flags |= MW_FILE_SIZE_BEFORE | MW_FILE_SIZE_AFTER;
	}
	return file_op_fd(f, op, e, s);
}

/*
 * do_truncate(idmap, dentry, length, time_attrs, filp): with a file and
 * without ATTR_OPEN, an ftruncate (native, 32-bit or io_uring's); an
 * O_TRUNC open is the open's record, truncate by name vfs_truncate's.
 */
static __always_inline int fe_is_ftruncate(__u64 *ctx)
{
	return ctx[4] && !((__u32)ctx[3] & ATTR_OPEN);
}

SEC("fentry/do_truncate")
int FPROG(fe_do_truncate_in)(__u64 *ctx)
{
	struct dentry *d = (void *)ctx[1];
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inode *ino;
	__s64 size;

	if (!fe_is_ftruncate(ctx))
		return 0;
	ino = FR(d, d_inode);
	size = FR(ino, i_size);
	bpf_map_update_elem(&mw_file_trunc_size, &tid, &size, BPF_ANY);
	return 0;
}

SEC("fexit/do_truncate")
int FPROG(fe_do_truncate)(__u64 *ctx)
{
	struct file *f = (void *)ctx[4];
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct mw_file_event *e;
	struct mw_scratch *s;
	__s64 *before, b = -1;

	if (!fe_is_ftruncate(ctx))
		return 0;
	before = bpf_map_lookup_elem(&mw_file_trunc_size, &tid);
	if (before) {
		b = *before;
		bpf_map_delete_elem(&mw_file_trunc_size, &tid);
	}
	if ((int)ctx[5])
		return 0;
	e = file_rec(&s, MW_FILE_OP_TRUNCATE);
	if (!e)
		return 0;
	e->size_after = (__s64)ctx[2];
	e->flags |= MW_FILE_SIZE_AFTER;
	if (b >= 0) {
		e->size_before = b;
		e->flags |= MW_FILE_SIZE_BEFORE;
	}
	return file_op_fd(f, MW_FILE_OP_TRUNCATE, e, s);
}

/* vfs_truncate(path, length): truncate(2) by name, after the fact. */
SEC("fexit/vfs_truncate")
int FPROG(fe_vfs_truncate)(__u64 *ctx)
{
	const struct path *p = (void *)ctx[0];
	struct mw_file_event *e;
	struct mw_scratch *s;

	if ((int)ctx[2])
		return 0;
	e = file_rec(&s, MW_FILE_OP_TRUNCATE);
	if (!e)
		return 0;
	e->size_after = (__s64)ctx[1];
	e->flags |= MW_FILE_SIZE_AFTER;
	return fe_send_obj(BPF_CORE_READ(p, dentry), BPF_CORE_READ(p, mnt), e,
			   s, 0);
}

/* vfs_fallocate(file, mode, offset, len) */
SEC("fexit/vfs_fallocate")
int FPROG(fe_vfs_fallocate)(__u64 *ctx)
{
	__u32 mode = ctx[1];

	/* Preallocation (most calls) and failures leave first. */
	if ((int)ctx[4] || !falloc_op(mode))
		return 0;
	return on_fallocate((struct file *)ctx[0], mode, (__s64)ctx[3]);
}

/* security_path_unlink(dir, dentry), security_path_rmdir(dir, dentry) */
SEC("fexit/security_path_unlink")
int FPROG(fe_path_unlink)(__u64 *ctx)
{
	if ((int)ctx[2])
		return 0;
	return fe_path_op((void *)ctx[0], (void *)ctx[1], MW_FILE_OP_UNLINK, 0,
			  -1, -1);
}

SEC("fexit/security_path_rmdir")
int FPROG(fe_path_rmdir)(__u64 *ctx)
{
	if ((int)ctx[2])
		return 0;
	return fe_path_op((void *)ctx[0], (void *)ctx[1], MW_FILE_OP_UNLINK, 0,
			  -1, -1);
}

/* security_path_chmod(path, mode) */
SEC("fexit/security_path_chmod")
int FPROG(fe_path_chmod)(__u64 *ctx)
{
	if ((int)ctx[2])
		return 0;
	return fe_path_op((void *)ctx[0], NULL, MW_FILE_OP_CHMOD,
			  (__u16)ctx[1], -1, -1);
}

/* security_path_chown(path, kuid, kgid): -1 for "unchanged", as given */
SEC("fexit/security_path_chown")
int FPROG(fe_path_chown)(__u64 *ctx)
{
	if ((int)ctx[3])
		return 0;
	return fe_path_op((void *)ctx[0], NULL, MW_FILE_OP_CHOWN, 0,
			  (__u32)ctx[1], (__u32)ctx[2]);
}

/* security_path_rename(old_dir, old_dentry, new_dir, new_dentry, flags) */
SEC("fexit/security_path_rename")
int FPROG(fe_path_rename)(__u64 *ctx)
{
	const struct path *od = (void *)ctx[0], *nd = (void *)ctx[2];

	if ((int)ctx[5])
		return 0;
	return fe_two((void *)ctx[1], BPF_CORE_READ(od, mnt), (void *)ctx[3],
		      BPF_CORE_READ(nd, mnt), MW_FILE_OP_RENAME);
}

/*
 * security_path_link(old_dentry, new_dir, new_dentry): path is the new
 * name, target the existing file (on the same mount: EXDEV otherwise).
 */
SEC("fexit/security_path_link")
int FPROG(fe_path_link)(__u64 *ctx)
{
	const struct path *nd = (void *)ctx[1];
	struct vfsmount *m;

	if ((int)ctx[3])
		return 0;
	m = BPF_CORE_READ(nd, mnt);
	return fe_two((void *)ctx[2], m, (void *)ctx[0], m, MW_FILE_OP_LINK);
}

/*
 * security_path_symlink(dir, dentry, old_name): path is the new name,
 * target the link's contents (a kernel copy), as symlink(2) reports them.
 */
SEC("fexit/security_path_symlink")
int FPROG(fe_path_symlink)(__u64 *ctx)
{
	const struct path *dir = (void *)ctx[0];
	const char *old = (void *)ctx[2];
	struct mw_file_event *e;
	struct mw_scratch *s;
	__u32 n, off, match;
	__u32 seen;
	int trunc = 0;
	long m;

	if ((int)ctx[3])
		return 0;
	e = file_rec(&s, MW_FILE_OP_SYMLINK);
	if (!e)
		return 0;
	n = fpath_resolve(fe_num((void *)ctx[1]),
			  (unsigned long)BPF_CORE_READ(dir, mnt),
			  e->data, s, &trunc, &seen);
	if (trunc)
		e->flags |= MW_FILE_PATH_TRUNC | MW_FILE_MATCH_UNSURE;
	e->path_len = n;
	off = (n + 1) & (MW_PATH_MAX - 1);
	m = bpf_probe_read_kernel_str(&e->data[off], MW_PATH_MAX, old);
	if (m > 0)
		e->target_len = m - 1;
	match = watch_match(e->data, n, NULL);
	/* A link pointing into a watched place: see link.bpf.c. */
	if (m > 1 && e->data[off] == '/')
		match = watch_or_target(match, &e->data[off], m - 1);
	return file_send(e, match);
}

/*
 * chattr: the ioctl's file at security_file_ioctl (per thread), the flags
 * the kernel copied and its result at vfs_fileattr_set (which has only
 * the dentry). LRU: an ioctl refused before vfs_fileattr_set leaves an
 * entry the next one overwrites.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} mw_file_fe_ioctl SEC(".maps") __weak;

static __always_inline int fe_ioctl_in(__u64 *ctx)
{
	__u32 cmd = ctx[1], tid = (__u32)bpf_get_current_pid_tgid();
	__u64 f = ctx[0];

	if (cmd != FE_IOC_SETFLAGS && cmd != FE_IOC32_SETFLAGS &&
	    cmd != FE_IOC_FSSETXATTR)
		return 0;
	bpf_map_update_elem(&mw_file_fe_ioctl, &tid, &f, BPF_ANY);
	return 0;
}

SEC("fentry/security_file_ioctl")
int FPROG(fe_file_ioctl)(__u64 *ctx)
{
	return fe_ioctl_in(ctx);
}

/* 6.8+: compat ioctls (FS_IOC32_SETFLAGS from 32-bit code) come here. */
SEC("fentry/security_file_ioctl_compat")
int FPROG(fe_file_ioctl_compat)(__u64 *ctx)
{
	return fe_ioctl_in(ctx);
}

/* struct fileattr of 6.1-6.16 (file_kattr since): CO-RE finds its flags. */
struct fileattr___mw {
	__u32 flags;
} __attribute__((preserve_access_index));

/* vfs_fileattr_set(idmap, dentry, fa) */
SEC("fexit/vfs_fileattr_set")
int FPROG(fe_fileattr_set)(__u64 *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fileattr___mw *fa = (void *)ctx[2];
	struct mw_file_event *e;
	struct mw_scratch *s;
	struct file *f;
	__u64 *fp;

	fp = bpf_map_lookup_elem(&mw_file_fe_ioctl, &tid);
	if (!fp)
		return 0;
	f = AS_FILE(*fp);
	bpf_map_delete_elem(&mw_file_fe_ioctl, &tid);
	if ((int)ctx[3] || !f ||
	    (unsigned long)BPF_CORE_READ(f, f_path.dentry) != ctx[1])
		return 0;
	e = file_rec_attr(&s, MW_FILE_OP_CHATTR, 0, -1, -1);
	if (!e)
		return 0;
	e->attr = BPF_CORE_READ(fa, flags);
	return file_op_fd(f, MW_FILE_OP_CHATTR, e, s);
}

/*
 * A mount over a watched place (mount.bpf.c says why): path the mount
 * point, from its object; target the source, a bind mount's name as
 * given (kernel copy) or a tree's path (move_mount).
 */
static __always_inline int fe_mount(const struct path *to, const char *src,
				    const struct path *from, __u32 flags)
{
	struct mw_file_event *e;
	struct mw_scratch *s;
	__u32 n, off, match, seen;
	int trunc = 0;
	long m;

	if (!mount_in_host_ns())
		return 0;
	e = file_rec(&s, MW_FILE_OP_MOUNT);
	if (!e)
		return 0;
	e->attr = flags;
	n = fpath_resolve((unsigned long)BPF_CORE_READ(to, dentry),
			  (unsigned long)BPF_CORE_READ(to, mnt), e->data, s,
			  &trunc, &seen);
	if (trunc)
		e->flags |= MW_FILE_PATH_TRUNC | MW_FILE_MATCH_UNSURE;
	e->path_len = n;
	match = watch_match(e->data, n, NULL);
	if (!match)
		return file_send(e, 0);
	off = (n + 1) & (MW_PATH_MAX - 1);
	if (from) {
		n = fpath_resolve((unsigned long)BPF_CORE_READ(from, dentry),
				  (unsigned long)BPF_CORE_READ(from, mnt),
				  &e->data[off], s, &trunc, &seen);
		if (n)
			e->target_len = n;
	} else if (src) {
		m = bpf_probe_read_kernel_str(&e->data[off], MW_PATH_MAX, src);
		if (m > 1)
			e->target_len = m - 1;
	}
	return file_send(e, match);
}

/* security_sb_mount(dev_name, path, type, flags, data) */
SEC("fexit/security_sb_mount")
int FPROG(fe_sb_mount)(__u64 *ctx)
{
	__u32 flags = ctx[3];

	/* Remounts and propagation changes put nothing over anything. */
	if ((int)ctx[5] || (flags & (FE_MS_REMOUNT | FE_MS_PROPAGATION)))
		return 0;
	return fe_mount((void *)ctx[1],
			flags & FE_MS_BIND ? (void *)ctx[0] : NULL, NULL,
			flags);
}

/* security_move_mount(from_path, to_path) */
SEC("fexit/security_move_mount")
int FPROG(fe_move_mount)(__u64 *ctx)
{
	if ((int)ctx[2])
		return 0;
	return fe_mount((void *)ctx[1], NULL, (void *)ctx[0], 0);
}
