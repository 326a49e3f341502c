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
 * dirfd (or the cwd) joined with the user string ustr, into dst (room for
 * MW_PATH_MAX bytes). Absolute strings are copied as they are. Returns the
 * length, or -1 when the string cannot be read.
 */
static __always_inline int path_at(long dfd, const char *ustr, char *dst,
				   struct mw_scratch *s, __u32 *flags,
				   __u32 trunc_flag, __u32 lex_flag)
{
	struct task_struct *t = (void *)bpf_get_current_task_btf();
	struct dot_scan ds = {};
	unsigned long bd, bm;
	struct file *f;
	__u32 off = 0, room;
	int trunc = 0;
	long n;
	char c;

	if (bpf_probe_read_user(&c, 1, ustr))
		return -1;
	if (c != '/') {
		if ((int)dfd == AT_FDCWD) {
			bd = (unsigned long)t->fs->pwd.dentry;
			bm = (unsigned long)t->fs->pwd.mnt;
		} else {
			f = fd_file(t, dfd);
			if (!f)
				return -1;
			bd = (unsigned long)FR(f, f_path.dentry);
			bm = (unsigned long)FR(f, f_path.mnt);
		}
		off = path_resolve_at(bd, bm, dst, s, &trunc);
		if (off > 1 && off < MW_PATH_MAX - 2) {
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
	n = bpf_probe_read_user_str(&dst[off], room, ustr);
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
		*flags |= trunc_flag;
		stat_inc(MW_STAT_FILE_PATH_TRUNC);
	}
	return off + n - 1;
}

#endif /* MW_FILE_PATH_BPF_H */
