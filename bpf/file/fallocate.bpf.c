// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file/fallocate.bpf.c - file sensor, content destroyed in place with
 * fallocate(2): FALLOC_FL_PUNCH_HOLE and FALLOC_FL_ZERO_RANGE zero a range
 * (the lines of a log become NULs, its size unchanged), and
 * FALLOC_FL_COLLAPSE_RANGE cuts a range out (the log shrinks, the lines
 * after the gap move up). Other modes (preallocation, insert range) change
 * no content and leave at once.
 *
 * The mode, offset and length are the syscall's registers at exit, the
 * values the kernel used: the struct file keeps no trace of the mode. The
 * sizes come from the inode at exit; for a collapse the size before is
 * the size after plus the length cut, which is exact.
 */
#include "file_record.bpf.h"

#define FALLOC_FL_PUNCH_HOLE 0x02
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE 0x10

/* The op for a fallocate mode, 0 when it destroys no content. */
static __always_inline __u32 falloc_op(__u32 mode)
{
	if (mode & FALLOC_FL_COLLAPSE_RANGE)
		return MW_FILE_OP_COLLAPSE;
	if (mode & FALLOC_FL_PUNCH_HOLE)
		return MW_FILE_OP_PUNCH_HOLE;
	if (mode & FALLOC_FL_ZERO_RANGE)
		return MW_FILE_OP_ZERO_RANGE;
	return 0;
}

/* A successful fallocate on f: shared with io_uring (uring.bpf.c). */
static __always_inline int on_fallocate(struct file *f, __u32 mode, __s64 len)
{
	struct mw_file_event *e;
	struct mw_scratch *s;
	struct inode *ino;
	__u32 op = falloc_op(mode);

	if (!op)
		return 0;
	e = file_rec(&s, op);
	if (!e)
		return 0;
	e->attr = mode;
	ino = FR(f, f_inode);
	e->size_after = FR(ino, i_size);
	e->size_before = e->size_after;
	if (op == MW_FILE_OP_COLLAPSE)
		e->size_before += len;
	e->flags |= MW_FILE_SIZE_BEFORE | MW_FILE_SIZE_AFTER;
	return file_op_fd(f, op, e, s);
}

SEC("tracepoint/syscalls/sys_exit_fallocate")
int FPROG(sys_exit_fallocate)(struct trace_event_raw_sys_exit *ctx)
{
	__u32 mode = sc_arg(1);
	struct file *f;

	/* Preallocation (mode 0, KEEP_SIZE), most calls, leaves first. */
	if (ctx->ret < 0 || !falloc_op(mode))
		return 0;
	f = fd_file((void *)bpf_get_current_task_btf(), sc_arg(0));
	if (!f) { /* closed by another thread since */
		stat_inc(MW_STAT_FILE_UNREADABLE);
		return 0;
	}
	return on_fallocate(f, mode, sc_arg(3));
}
