// SPDX-License-Identifier: GPL-2.0-only
/*
 * pidexec - run a program under a chosen pid, as a process that happens to
 * get a recycled pid would: clone3() with set_tid (root in the initial pid
 * namespace), the child execs PROG. Exits with PROG's status (128+signal
 * when killed); 3 when that pid is taken, 4 when clone3 fails otherwise.
 *
 *   pidexec PID PROG [ARGS...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	pid_t want, pid;
	struct clone_args ca;
	int status;

	if (argc < 3)
		return 2;
	want = atoi(argv[1]);
	memset(&ca, 0, sizeof(ca));
	ca.exit_signal = SIGCHLD;
	ca.set_tid = (uintptr_t)&want;
	ca.set_tid_size = 1;
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0) {
		fprintf(stderr, "clone3 pid %d: %s\n", want, strerror(errno));
		return errno == EEXIST ? 3 : 4;
	}
	if (pid == 0) {
		execv(argv[2], &argv[2]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 4;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status)
				   : WEXITSTATUS(status);
}
