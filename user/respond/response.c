// SPDX-License-Identifier: GPL-2.0-only
/*
 * response.c - the respond stage's kill: a pidfd on the judged process,
 * checked to be the one judged (same start time) before SIGKILL goes
 * through it, so a reused pid is never hit. The kernel names processes by
 * host pid; a daemon in a pod's pid namespace translates (procfs__pid).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "respond/response.h"
#include "util/procfs.h"

#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif

/* Start time of pid in clock ticks from /proc, or 0. */
static unsigned long long start_ticks(pid_t pid)
{
	struct procfs_stat st;

	return procfs__stat(NULL, (uint32_t)pid, &st) ? 0 : st.start_ticks;
}

int response__kill(const struct mw_process *p)
{
	long hz = sysconf(_SC_CLK_TCK);
	uint32_t pid = procfs__pid(p->pid, p->ns_pid, p->pidns);
	unsigned long long want;
	int fd, ret = 0;

	if (pid <= 1 || pid == (uint32_t)getpid())
		return -EPERM;
	fd = syscall(__NR_pidfd_open, pid, 0);
	if (fd < 0)
		return -errno;
	/* The pidfd pins the process: now check it is the one we judged. */
	want = p->start_ns / (1000000000ULL / (hz > 0 ? hz : 100));
	if (p->start_ns && start_ticks(pid) != want) {
		ret = -ESRCH;
		goto out;
	}
	if (syscall(__NR_pidfd_send_signal, fd, SIGKILL, NULL, 0) < 0)
		ret = -errno;
out:
	close(fd);
	return ret;
}
