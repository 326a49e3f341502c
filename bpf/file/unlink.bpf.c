// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file/unlink.bpf.c - file sensor, deletions: unlink, unlinkat (a wiped
 * log, a removed cron entry). The file is gone at exit, so the path is
 * the dirfd's joined with the caller's string (file_path.bpf.h).
 */
#include "file_record.bpf.h"

SEC("tracepoint/syscalls/sys_exit_unlink")
int FPROG(sys_exit_unlink)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_UNLINK, AT_FDCWD, sc_arg(0), 0, -1,
		       -1);
}

SEC("tracepoint/syscalls/sys_exit_unlinkat")
int FPROG(sys_exit_unlinkat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_UNLINK, sc_arg(0), sc_arg(1), 0, -1,
		       -1);
}
