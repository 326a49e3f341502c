// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * agent.bpf.c - helpers of the daemon itself, never attached to a hook.
 */
#include "common.bpf.h"

/*
 * Run once by the loader with BPF_PROG_TEST_RUN: returns the caller's tgid
 * as the kernel (the initial pid namespace) sees it. In a container with its
 * own pid namespace getpid() is not the tgid the sensors see in the hooks,
 * and the daemon must recognise its own events. Its start time goes to
 * mw_whoami_start, so the hooks can tell us from a later owner of our pid.
 */
/* Written by mw_whoami: our group leader's start time (see is_self()). */
__u64 mw_whoami_start;

SEC("raw_tp")
int mw_whoami(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	mw_whoami_start = BPF_CORE_READ(t, group_leader, start_boottime);
	return bpf_get_current_pid_tgid() >> 32;
}
