// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file/rename.bpf.c - file sensor, renames: rename, renameat, renameat2.
 * Reported when either name is watched: moving a log away hides it as well
 * as moving a file over it does (rename-into-place).
 */
#include "file_record.bpf.h"

SEC("tracepoint/syscalls/sys_exit_rename")
int FPROG(sys_exit_rename)(struct trace_event_raw_sys_exit *ctx)
{
	return on_two(ctx->ret, MW_FILE_OP_RENAME, AT_FDCWD, sc_arg(0),
		      AT_FDCWD, sc_arg(1));
}

SEC("tracepoint/syscalls/sys_exit_renameat")
int FPROG(sys_exit_renameat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_two(ctx->ret, MW_FILE_OP_RENAME, sc_arg(0), sc_arg(1),
		      sc_arg(2), sc_arg(3));
}

SEC("tracepoint/syscalls/sys_exit_renameat2")
int FPROG(sys_exit_renameat2)(struct trace_event_raw_sys_exit *ctx)
{
	return on_two(ctx->ret, MW_FILE_OP_RENAME, sc_arg(0), sc_arg(1),
		      sc_arg(2), sc_arg(3));
}
