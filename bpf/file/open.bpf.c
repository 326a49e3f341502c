// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file/open.bpf.c - file sensor, opens for writing: open, openat, openat2,
 * creat. Every write open is resolved and checked against the watch maps
 * (file_watch.bpf.h); read-only opens, most of them, leave at once.
 */
#include "file_record.bpf.h"

#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_CREAT 00000100
#define O_TRUNC 00001000
#define O_APPEND 00002000
#define FMODE_CREATED 0x100000 /* (1 << 20) since 4.19 */

static __always_inline int on_open(long ret, __u32 oflags)
{
	struct mw_file_event *e;
	struct mw_scratch *s;
	struct file *f;
	__u32 op;

	/* Read-only opens (most of them) leave before anything else. */
	if (ret < 0 || ((oflags & O_ACCMODE) == O_RDONLY &&
			!(oflags & (O_CREAT | O_TRUNC))))
		return 0;
	f = fd_file((void *)bpf_get_current_task_btf(), ret);
	if (!f)
		return 0;
	e = file_rec(&s, MW_FILE_OP_WRITE);
	if (!e)
		return 0;
	e->open_flags = oflags;
	e->fmode = FR(f, f_mode);
	if (e->fmode & FMODE_CREATED)
		op = MW_FILE_OP_CREATE;
	else if (oflags & O_TRUNC)
		op = MW_FILE_OP_TRUNC_OPEN;
	else
		op = MW_FILE_OP_WRITE;
	e->op = op;
	if (oflags & O_APPEND)
		e->flags |= MW_FILE_APPEND;
	if (op == MW_FILE_OP_TRUNC_OPEN) {
		e->size_after = 0;
		e->flags |= MW_FILE_SIZE_AFTER;
	}
	return file_op_fd(f, op, e, s);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int FPROG(sys_exit_openat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_open(ctx->ret, sc_arg(2));
}

SEC("tracepoint/syscalls/sys_exit_open")
int FPROG(sys_exit_open)(struct trace_event_raw_sys_exit *ctx)
{
	return on_open(ctx->ret, sc_arg(1));
}

SEC("tracepoint/syscalls/sys_exit_creat")
int FPROG(sys_exit_creat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_open(ctx->ret, O_CREAT | O_TRUNC | 1 /* O_WRONLY */);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int FPROG(sys_exit_openat2)(struct trace_event_raw_sys_exit *ctx)
{
	struct open_how how = {};

	if (ctx->ret < 0)
		return 0;
	if (bpf_probe_read_user(&how, sizeof(how), (void *)sc_arg(2)))
		return 0;
	return on_open(ctx->ret, how.flags);
}
