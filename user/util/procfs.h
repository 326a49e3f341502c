/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util/procfs.h - the few /proc reads more than one stage needs: a small
 * file read whole, and /proc/PID/stat parsed once, correctly (comm may
 * hold spaces and parentheses, so fields are read after the last ')').
 * A leaf: it knows nothing of processes as the model keeps them.
 */
#ifndef MW_UTIL_PROCFS_H
#define MW_UTIL_PROCFS_H

#include <stdint.h>
#include <sys/types.h>

/*
 * Read up to size - 1 bytes of path into buf and NUL-terminate it.
 * Returns the byte count or a negative errno.
 */
ssize_t procfs__read_file(const char *path, char *buf, size_t size);

/* What /proc/PID/stat says that we use. */
struct procfs_stat {
	char comm[16]; /* the task's comm, NUL-terminated */
	uint32_t ppid;
	unsigned long long start_ticks; /* starttime, in clock ticks */
	unsigned long long cpu_ticks;	/* utime + stime, in clock ticks */
	int tty_nr;			/* controlling terminal, 0: none */
};

/*
 * Parse <proc_root>/<pid>/stat (proc_root NULL means "/proc"). Returns 0
 * or a negative errno (-ENOENT when the process is gone, -EINVAL when the
 * file does not parse).
 */
int procfs__stat(const char *proc_root, uint32_t pid, struct procfs_stat *out);

/*
 * The pid by which this process's /proc and pidfd_open() know a task the
 * kernel named by host_pid: the kernel reports host pids, but a daemon in
 * a pod's pid namespace (a sidecar) sees that namespace's pids. ns_pid and
 * pidns are the task's pid in its own namespace and that namespace's
 * inode (struct mw_hdr). When the task is in ours, ns_pid; else host_pid
 * (right when we are in the host's namespace; the callers' start-time
 * checks catch the rest).
 */
uint32_t procfs__pid(uint32_t host_pid, uint32_t ns_pid, uint32_t pidns);

#endif /* MW_UTIL_PROCFS_H */
