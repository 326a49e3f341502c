// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file/open.bpf.c - file sensor, opens for writing: open, openat, openat2,
 * creat, open_by_handle_at. Every open that may write is resolved and checked
 * against the watch maps (file_watch.bpf.h); read-only opens, most of them,
 * leave at once.
 *
 * What the open did is read from the struct file the kernel left in the fd
 * table, not from the caller's flags: an O_PATH open (FMODE_PATH) is never
 * a write whatever else the caller passed (the kernel drops O_WRONLY and
 * O_TRUNC for it), the access mode and O_APPEND are f_mode and f_flags,
 * creation is FMODE_CREATED, and the size after a truncating open is the
 * inode's. Only O_TRUNC is taken from the caller, because do_dentry_open()
 * clears it from f_flags, and only for a regular file this open did not
 * create (what do_open() truncates). For open, openat and creat the flags
 * are a register, the value the kernel used; openat2's struct open_how is
 * user memory a racing thread may have flipped since, so there O_TRUNC
 * also needs the file empty at exit: no forged truncation of a non-empty
 * file.
 */
#include "file_record.bpf.h"

#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_CREAT 00000100
#define O_TRUNC 00001000
#define O_APPEND 00002000
#define FMODE_WRITE 0x2	       /* (1 << 1) */
#define FMODE_PATH 0x4000      /* (1 << 14) since 2.6.39 */
#define FMODE_CREATED 0x100000 /* (1 << 20) since 4.19 */
#define S_IFMT 00170000
#define S_IFREG 0100000

/*
 * The operation an open performed, from the struct file; 0 when it wrote
 * nothing (read-only, O_PATH). oflags: the caller's flags, for O_TRUNC.
 */
static __always_inline __u32 open_op(struct inode *ino, __u32 oflags,
				     __u32 fmode, int cheap)
{
	if (fmode & FMODE_PATH)
		return 0;
	if (fmode & FMODE_CREATED)
		return MW_FILE_OP_CREATE;
	if ((oflags & O_TRUNC) && (FR(ino, i_mode) & S_IFMT) == S_IFREG &&
	    (cheap || FR(ino, i_size) == 0))
		return MW_FILE_OP_TRUNC_OPEN;
	if (fmode & FMODE_WRITE)
		return MW_FILE_OP_WRITE;
	return 0;
}

/*
 * ret: the new fd. oflags: the caller's flags, used only for O_TRUNC and,
 * when cheap (a register: the value the kernel used), to let plain
 * read-only opens leave before the fd is looked up.
 */
static __always_inline int on_open(long ret, __u32 oflags, int cheap)
{
	struct mw_file_event *e;
	struct mw_scratch *s;
	struct inode *ino;
	struct file *f;
	__u32 op, fmode;

	/* Read-only opens (most of them) leave before anything else. */
	if (ret < 0 || (cheap && (oflags & O_ACCMODE) == O_RDONLY &&
			!(oflags & (O_CREAT | O_TRUNC))))
		return 0;
	f = fd_file((void *)bpf_get_current_task_btf(), ret);
	if (!f) { /* closed by another thread since */
		stat_inc(MW_STAT_FILE_UNREADABLE);
		return 0;
	}
	fmode = FR(f, f_mode);
	ino = FR(f, f_inode);
	op = open_op(ino, oflags, fmode, cheap);
	if (!op)
		return 0;
	e = file_rec(&s, op);
	if (!e)
		return 0;
	/* The kernel's flags, with the two it clears after use. */
	e->open_flags = FR(f, f_flags) | (oflags & (O_CREAT | O_TRUNC));
	e->fmode = fmode;
	if (e->open_flags & O_APPEND)
		e->flags |= MW_FILE_APPEND;
	if (op == MW_FILE_OP_TRUNC_OPEN) {
		e->size_after = FR(ino, i_size);
		e->flags |= MW_FILE_SIZE_AFTER;
	}
	return file_op_fd(f, op, e, s);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int FPROG(sys_exit_openat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_open(ctx->ret, sc_arg(2), 1);
}

SEC("tracepoint/syscalls/sys_exit_open")
int FPROG(sys_exit_open)(struct trace_event_raw_sys_exit *ctx)
{
	return on_open(ctx->ret, sc_arg(1), 1);
}

SEC("tracepoint/syscalls/sys_exit_creat")
int FPROG(sys_exit_creat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_open(ctx->ret, O_CREAT | O_TRUNC | 1 /* O_WRONLY */, 1);
}

/*
 * openat2: struct open_how is user memory that another thread may have
 * changed since the kernel copied it, so it never decides alone: every
 * successful openat2 is looked at through its struct file.
 */
SEC("tracepoint/syscalls/sys_exit_openat2")
int FPROG(sys_exit_openat2)(struct trace_event_raw_sys_exit *ctx)
{
	struct open_how how = {};

	if (ctx->ret < 0)
		return 0;
	bpf_probe_read_user(&how, sizeof(how), (void *)sc_arg(2));
	return on_open(ctx->ret, how.flags, 0);
}

/*
 * open_by_handle_at(mount_fd, handle, flags): an open with no path at all
 * (the file named by its file handle). The flags are a register; the
 * struct file behind the new fd says the rest, as for any open.
 */
SEC("tracepoint/syscalls/sys_exit_open_by_handle_at")
int FPROG(sys_exit_open_by_handle_at)(struct trace_event_raw_sys_exit *ctx)
{
	return on_open(ctx->ret, sc_arg(2), 1);
}
