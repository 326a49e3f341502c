// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file/attr.bpf.c - file sensor, attribute changes: chmod and chown by name
 * or descriptor, and chattr (the FS_IOC_SETFLAGS ioctl: an immutable
 * authorized_keys or crontab that the owner can no longer fix).
 */
#include "file_record.bpf.h"

#define FS_IOC_SETFLAGS 0x40086602
#define FS_IOC32_SETFLAGS 0x40046602

SEC("tracepoint/syscalls/sys_exit_chmod")
int FPROG(sys_exit_chmod)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_CHMOD, AT_FDCWD, sc_arg(0),
		       sc_arg(1), -1, -1);
}

SEC("tracepoint/syscalls/sys_exit_fchmodat")
int FPROG(sys_exit_fchmodat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_CHMOD, sc_arg(0), sc_arg(1),
		       sc_arg(2), -1, -1);
}

SEC("tracepoint/syscalls/sys_exit_fchmodat2")
int FPROG(sys_exit_fchmodat2)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_CHMOD, sc_arg(0), sc_arg(1),
		       sc_arg(2), -1, -1);
}

SEC("tracepoint/syscalls/sys_exit_chown")
int FPROG(sys_exit_chown)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_CHOWN, AT_FDCWD, sc_arg(0), 0,
		       sc_arg(1), sc_arg(2));
}

SEC("tracepoint/syscalls/sys_exit_lchown")
int FPROG(sys_exit_lchown)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_CHOWN, AT_FDCWD, sc_arg(0), 0,
		       sc_arg(1), sc_arg(2));
}

SEC("tracepoint/syscalls/sys_exit_fchownat")
int FPROG(sys_exit_fchownat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_CHOWN, sc_arg(0), sc_arg(1), 0,
		       sc_arg(2), sc_arg(3));
}

/* By descriptor: the struct file is right there. */
static __always_inline int on_fd(long ret, __u32 op, long fd, __u32 mode,
				 __u32 uid, __u32 gid, __u32 attr)
{
	struct mw_file_event *e;
	struct mw_scratch *s;
	struct file *f;

	if (ret < 0)
		return 0;
	f = fd_file((void *)bpf_get_current_task_btf(), fd);
	if (!f) { /* closed by another thread since */
		stat_inc(MW_STAT_FILE_UNREADABLE);
		return 0;
	}
	e = file_rec_attr(&s, op, mode, uid, gid);
	if (!e)
		return 0;
	e->attr = attr;
	return file_op_fd(f, op, e, s);
}

SEC("tracepoint/syscalls/sys_exit_fchmod")
int FPROG(sys_exit_fchmod)(struct trace_event_raw_sys_exit *ctx)
{
	return on_fd(ctx->ret, MW_FILE_OP_CHMOD, sc_arg(0), sc_arg(1), -1, -1,
		     0);
}

SEC("tracepoint/syscalls/sys_exit_fchown")
int FPROG(sys_exit_fchown)(struct trace_event_raw_sys_exit *ctx)
{
	return on_fd(ctx->ret, MW_FILE_OP_CHOWN, sc_arg(0), 0, sc_arg(1),
		     sc_arg(2), 0);
}

/*
 * ioctl is frequent (terminals, sockets): the command is checked before
 * anything else. The flags word is user memory the kernel just read.
 */
SEC("tracepoint/syscalls/sys_exit_ioctl")
int FPROG(sys_exit_ioctl)(struct trace_event_raw_sys_exit *ctx)
{
	unsigned int cmd = sc_arg(1);
	__u32 attr = 0;

	if (ctx->ret < 0 ||
	    (cmd != FS_IOC_SETFLAGS && cmd != FS_IOC32_SETFLAGS))
		return 0;
	if (bpf_probe_read_user(&attr, sizeof(attr), (void *)sc_arg(2)))
		return 0;
	return on_fd(ctx->ret, MW_FILE_OP_CHATTR, sc_arg(0), 0, -1, -1, attr);
}
