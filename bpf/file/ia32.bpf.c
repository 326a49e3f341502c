// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file/ia32.bpf.c - file sensor, 32-bit syscalls (int 0x80, also from a
 * 64-bit process): x86 fires no syscalls:* tracepoint for them, so the
 * other program files never see them. One tp_btf/sys_exit program takes
 * every syscall exit and leaves at once unless the task is in an ia32
 * syscall (TS_COMPAT in thread_info.status, what in_ia32_syscall()
 * reads): the syscall slow path is already on for every task because of
 * the syscalls:* tracepoints, so a native syscall pays one program call and
 * two loads. The ia32 numbers below are fixed ABI (arch/x86/entry/syscalls/
 * syscall_32.tbl); arguments are in ebx, ecx, edx, esi, edi.
 *
 * Covered: open, openat, openat2, open_by_handle_at, creat, truncate(64),
 * ftruncate(64), fallocate (punch hole, collapse and zero range), rename,
 * renameat, renameat2, link, linkat, symlink, symlinkat, unlink, unlinkat,
 * chmod, fchmod, fchmodat, fchmodat2, chown, lchown, fchown (16-bit ids),
 * chown32, lchown32, fchown32, fchownat, and ioctl FS_IOC32_SETFLAGS
 * (chattr). A truncate through ftruncate reports the inode's size after,
 * not before.
 */
#include "file_record.bpf.h"

#define TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h */

#define IA32_OPEN 5
#define IA32_CREAT 8
#define IA32_LINK 9
#define IA32_UNLINK 10
#define IA32_CHMOD 15
#define IA32_RENAME 38
#define IA32_SYMLINK 83
#define IA32_TRUNCATE 92
#define IA32_FTRUNCATE 93
#define IA32_TRUNCATE64 193
#define IA32_FTRUNCATE64 194
#define IA32_LCHOWN32 198
#define IA32_CHOWN32 212
#define IA32_OPENAT 295
#define IA32_FCHOWNAT 298
#define IA32_UNLINKAT 301
#define IA32_RENAMEAT 302
#define IA32_LINKAT 303
#define IA32_SYMLINKAT 304
#define IA32_FCHMODAT 306
#define IA32_RENAMEAT2 353
#define IA32_OPEN_BY_HANDLE_AT 342
#define IA32_OPENAT2 437
#define IA32_LCHOWN 16	 /* 16-bit uid and gid */
#define IA32_IOCTL 54
#define IA32_FCHMOD 94
#define IA32_FCHOWN 95	 /* 16-bit uid and gid */
#define IA32_CHOWN 182	 /* 16-bit uid and gid */
#define IA32_FCHOWN32 207
#define IA32_FALLOCATE 324
#define IA32_FCHMODAT2 452

/* A 32-bit pointer or int from a saved register. */
#define A32(r) ((unsigned long)(__u32)(r))
/* A 32-bit signed int (dirfds: AT_FDCWD is negative). */
#define I32(r) ((long)(__s32)(r))

/* Subprograms: one switch of inlined handlers would be one huge program. */
static __noinline int ia32_open(long ret, __u32 flags)
{
	return on_open(ret, flags, 1);
}

static __noinline int ia32_openat2(long ret, unsigned long how_ptr)
{
	struct open_how how = {};

	bpf_probe_read_user(&how, sizeof(how), (void *)how_ptr);
	return on_open(ret, how.flags, 0);
}

/* The exit of one ia32 syscall: number, result, ebx..ebp. */
struct ia32_call {
	long nr, ret;
	unsigned long bx, cx, dx, si, di, bp;
};

/* A 16-bit uid or gid (chown, lchown, fchown): 0xffff is "unchanged". */
static __always_inline __u32 id16(unsigned long r)
{
	__u16 id = r;

	return id == 0xffff ? (__u32)-1 : id;
}

/*
 * By name: unlink, unlinkat, chmod, fchmodat(2), chown, lchown, chown32,
 * lchown32, fchownat.
 */
static __noinline int ia32_name(struct ia32_call *c)
{
	__u32 op, mode = 0, uid = -1, gid = -1;
	unsigned long name;
	long dfd = AT_FDCWD;

	switch (c->nr) {
	case IA32_UNLINK:
		op = MW_FILE_OP_UNLINK;
		name = A32(c->bx);
		break;
	case IA32_UNLINKAT:
		op = MW_FILE_OP_UNLINK;
		dfd = I32(c->bx);
		name = A32(c->cx);
		break;
	case IA32_CHMOD:
		op = MW_FILE_OP_CHMOD;
		name = A32(c->bx);
		mode = c->cx;
		break;
	case IA32_FCHMODAT:
		op = MW_FILE_OP_CHMOD;
		dfd = I32(c->bx);
		name = A32(c->cx);
		mode = c->dx;
		break;
	case IA32_FCHOWNAT:
		op = MW_FILE_OP_CHOWN;
		dfd = I32(c->bx);
		name = A32(c->cx);
		uid = c->dx;
		gid = c->si;
		break;
	case IA32_FCHMODAT2:
		op = MW_FILE_OP_CHMOD;
		dfd = I32(c->bx);
		name = A32(c->cx);
		mode = c->dx;
		break;
	case IA32_CHOWN:
	case IA32_LCHOWN:
		op = MW_FILE_OP_CHOWN;
		name = A32(c->bx);
		uid = id16(c->cx);
		gid = id16(c->dx);
		break;
	default: /* IA32_CHOWN32, IA32_LCHOWN32 */
		op = MW_FILE_OP_CHOWN;
		name = A32(c->bx);
		uid = c->cx;
		gid = c->dx;
	}
	return on_name(c->ret, op, dfd, name, mode, uid, gid);
}

/* Two names: rename, renameat, renameat2, link, linkat. */
static __noinline int ia32_two(struct ia32_call *c)
{
	__u32 op = MW_FILE_OP_RENAME;
	long d1 = AT_FDCWD, d2 = AT_FDCWD;
	unsigned long p1, p2;

	switch (c->nr) {
	case IA32_RENAME:
		p1 = A32(c->bx);
		p2 = A32(c->cx);
		break;
	case IA32_LINK: /* path: the new name; target: the existing file */
		op = MW_FILE_OP_LINK;
		p1 = A32(c->cx);
		p2 = A32(c->bx);
		break;
	case IA32_LINKAT:
		op = MW_FILE_OP_LINK;
		d1 = I32(c->dx);
		p1 = A32(c->si);
		d2 = I32(c->bx);
		p2 = A32(c->cx);
		break;
	default: /* IA32_RENAMEAT, IA32_RENAMEAT2 */
		d1 = I32(c->bx);
		p1 = A32(c->cx);
		d2 = I32(c->dx);
		p2 = A32(c->si);
	}
	return on_two(c->ret, op, d1, p1, d2, p2);
}

static __noinline int ia32_symlink(struct ia32_call *c)
{
	if (c->nr == IA32_SYMLINK)
		return on_symlink(c->ret, AT_FDCWD, A32(c->cx), A32(c->bx));
	return on_symlink(c->ret, I32(c->cx), A32(c->dx), A32(c->bx));
}

static __noinline int ia32_truncate(long ret, unsigned long name, __s64 len)
{
	struct mw_file_event *e;
	struct mw_scratch *s;

	if (ret < 0)
		return 0;
	e = file_rec(&s, MW_FILE_OP_TRUNCATE);
	if (!e)
		return 0;
	e->size_after = len;
	e->flags |= MW_FILE_SIZE_AFTER;
	return file_op_at(AT_FDCWD, (const char *)name, e, s);
}

static __noinline int ia32_ftruncate(long ret, long fd)
{
	struct mw_file_event *e;
	struct mw_scratch *s;
	struct inode *ino;
	struct file *f;

	if (ret < 0)
		return 0;
	f = fd_file((void *)bpf_get_current_task_btf(), fd);
	if (!f) {
		stat_inc(MW_STAT_FILE_UNREADABLE);
		return 0;
	}
	e = file_rec(&s, MW_FILE_OP_TRUNCATE);
	if (!e)
		return 0;
	ino = FR(f, f_inode);
	e->size_after = FR(ino, i_size);
	e->flags |= MW_FILE_SIZE_AFTER;
	return file_op_fd(f, MW_FILE_OP_TRUNCATE, e, s);
}

/*
 * By descriptor: fchmod, fchown, fchown32, fallocate, and ioctl
 * FS_IOC32_SETFLAGS (chattr; the native FS_IOC_SETFLAGS number too, which
 * the compat ioctl also accepts). attr.bpf.c's and fallocate.bpf.c's
 * handlers, with the ia32 registers.
 */
static __noinline int ia32_fd(struct ia32_call *c)
{
	__u32 attr = 0, cmd = c->cx;
	struct file *f;

	switch (c->nr) {
	case IA32_FCHMOD:
		return on_fd(c->ret, MW_FILE_OP_CHMOD, I32(c->bx), c->cx, -1,
			     -1, 0);
	case IA32_FCHOWN:
		return on_fd(c->ret, MW_FILE_OP_CHOWN, I32(c->bx), 0,
			     id16(c->cx), id16(c->dx), 0);
	case IA32_FCHOWN32:
		return on_fd(c->ret, MW_FILE_OP_CHOWN, I32(c->bx), 0, c->cx,
			     c->dx, 0);
	case IA32_FALLOCATE:
		/* fd, mode, offset lo/hi, len lo/hi (ia32_fallocate) */
		if (c->ret < 0 || !falloc_op(c->cx))
			return 0;
		f = fd_file((void *)bpf_get_current_task_btf(), I32(c->bx));
		if (!f) {
			stat_inc(MW_STAT_FILE_UNREADABLE);
			return 0;
		}
		return on_fallocate(
		    f, c->cx,
		    (__s64)(((__u64)(__u32)c->bp << 32) | (__u32)c->di));
	}
	/* IA32_IOCTL: the command first, ioctl is frequent */
	if (c->ret < 0 || (cmd != FS_IOC32_SETFLAGS && cmd != FS_IOC_SETFLAGS))
		return 0;
	if (bpf_probe_read_user(&attr, sizeof(attr), (void *)A32(c->dx)))
		return 0;
	return on_fd(c->ret, MW_FILE_OP_CHATTR, I32(c->bx), 0, -1, -1, attr);
}

/* The syscalls that change files, by number. */
static __noinline int ia32_exit(struct ia32_call *c)
{
	switch (c->nr) {
	case IA32_OPEN:
		return ia32_open(c->ret, c->cx);
	case IA32_OPENAT:
		return ia32_open(c->ret, c->dx);
	case IA32_CREAT:
		return ia32_open(c->ret, O_CREAT | O_TRUNC | 1 /* O_WRONLY */);
	case IA32_OPENAT2:
		return ia32_openat2(c->ret, A32(c->dx));
	case IA32_OPEN_BY_HANDLE_AT:
		return ia32_open(c->ret, c->dx);
	case IA32_TRUNCATE:
		return ia32_truncate(c->ret, A32(c->bx), (__s32)c->cx);
	case IA32_TRUNCATE64:
		return ia32_truncate(
		    c->ret, A32(c->bx),
		    (__s64)(((__u64)(__u32)c->dx << 32) | (__u32)c->cx));
	case IA32_FTRUNCATE:
	case IA32_FTRUNCATE64:
		return ia32_ftruncate(c->ret, I32(c->bx));
	case IA32_UNLINK:
	case IA32_UNLINKAT:
	case IA32_CHMOD:
	case IA32_FCHMODAT:
	case IA32_CHOWN32:
	case IA32_LCHOWN32:
	case IA32_FCHOWNAT:
	case IA32_FCHMODAT2:
	case IA32_CHOWN:
	case IA32_LCHOWN:
		return ia32_name(c);
	case IA32_FCHMOD:
	case IA32_FCHOWN:
	case IA32_FCHOWN32:
	case IA32_FALLOCATE:
	case IA32_IOCTL:
		return ia32_fd(c);
	case IA32_RENAME:
	case IA32_RENAMEAT:
	case IA32_RENAMEAT2:
	case IA32_LINK:
	case IA32_LINKAT:
		return ia32_two(c);
	case IA32_SYMLINK:
	case IA32_SYMLINKAT:
		return ia32_symlink(c);
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int FPROG(sys_exit_ia32)(__u64 *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task_btf();
	struct ia32_call c;
	struct pt_regs *regs;

	/* Native syscalls, nearly all of them, leave here. */
	if (!(t->thread_info.status & TS_COMPAT))
		return 0;
	regs = (struct pt_regs *)ctx[0];
	c.nr = regs->orig_ax;
	c.ret = (long)ctx[1];
	c.bx = regs->bx;
	c.cx = regs->cx;
	c.dx = regs->dx;
	c.si = regs->si;
	c.di = regs->di;
	c.bp = regs->bp;
	return ia32_exit(&c);
}
