// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file/truncate.bpf.c - file sensor, truncation: truncate by name and
 * ftruncate (emptying a log in place). ftruncate reports the sizes from
 * the inode: before, saved at syscall entry, and after, at exit. truncate
 * by name has no object left at exit: its new size is the length argument
 * (a register, the value the kernel used).
 */
#include "file_record.bpf.h"

/*
 * ftruncate: the size before, from entry to exit, per thread. LRU: an
 * entry whose exit never came (the thread was killed) must not fill it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __s64);
} mw_file_trunc_size SEC(".maps") __weak;

SEC("tracepoint/syscalls/sys_enter_ftruncate")
int FPROG(sys_enter_ftruncate)(struct trace_event_raw_sys_enter *ctx)
{
	struct file *f =
	    fd_file((void *)bpf_get_current_task_btf(), ctx->args[0]);
	struct inode *ino;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__s64 size;

	if (!f)
		return 0;
	ino = FR(f, f_inode);
	size = FR(ino, i_size);
	bpf_map_update_elem(&mw_file_trunc_size, &tid, &size, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_ftruncate")
int FPROG(sys_exit_ftruncate)(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__s64 *before = bpf_map_lookup_elem(&mw_file_trunc_size, &tid);
	struct mw_file_event *e;
	struct mw_scratch *s;
	struct inode *ino;
	struct file *f;
	__s64 b = -1;

	if (before) {
		b = *before;
		bpf_map_delete_elem(&mw_file_trunc_size, &tid);
	}
	if (ctx->ret < 0)
		return 0;
	f = fd_file((void *)bpf_get_current_task_btf(), sc_arg(0));
	if (!f) { /* closed by another thread since */
		stat_inc(MW_STAT_FILE_UNREADABLE);
		return 0;
	}
	e = file_rec(&s, MW_FILE_OP_TRUNCATE);
	if (!e)
		return 0;
	ino = FR(f, f_inode);
	e->size_after = FR(ino, i_size);
	e->flags |= MW_FILE_SIZE_AFTER;
	if (b >= 0) {
		e->size_before = b;
		e->flags |= MW_FILE_SIZE_BEFORE;
	}
	return file_op_fd(f, MW_FILE_OP_TRUNCATE, e, s);
}

SEC("tracepoint/syscalls/sys_exit_truncate")
int FPROG(sys_exit_truncate)(struct trace_event_raw_sys_exit *ctx)
{
	struct mw_file_event *e;
	struct mw_scratch *s;

	if (ctx->ret < 0)
		return 0;
	e = file_rec(&s, MW_FILE_OP_TRUNCATE);
	if (!e)
		return 0;
	e->size_after = sc_arg(1);
	e->flags |= MW_FILE_SIZE_AFTER;
	return file_op_at(AT_FDCWD, (const char *)sc_arg(0), e, s);
}
