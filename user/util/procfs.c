// SPDX-License-Identifier: GPL-2.0-only
/*
 * util/procfs.c - reading /proc files (see procfs.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/procfs.h"

ssize_t procfs__read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, total = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)total < size - 1) {
		n = read(fd, buf + total, size - 1 - total);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			total = -errno;
			break;
		}
		if (n == 0)
			break;
		total += n;
	}
	close(fd);
	if (total >= 0)
		buf[total] = '\0';
	return total;
}

int procfs__stat(const char *proc_root, uint32_t pid, struct procfs_stat *out)
{
	char path[96], buf[1024], *lp, *rp;
	unsigned long long start = 0, utime = 0, stime = 0;
	int ppid = 0, tty = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%u/stat",
		 proc_root ? proc_root : "/proc", pid);
	n = procfs__read_file(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	/* comm may hold spaces and parens: parse after the last ')'. */
	lp = strchr(buf, '(');
	rp = strrchr(buf, ')');
	if (!lp || !rp || rp < lp ||
	    sscanf(rp + 2,
		   "%*c %d %*d %*d %d %*d %*u %*u %*u %*u %*u "
		   "%llu %llu %*d %*d %*d %*d %*d %*d %llu",
		   &ppid, &tty, &utime, &stime, &start) != 5)
		return -EINVAL;
	*rp = '\0';
	snprintf(out->comm, sizeof(out->comm), "%s", lp + 1);
	out->ppid = (uint32_t)ppid;
	out->start_ticks = start;
	out->cpu_ticks = utime + stime;
	out->tty_nr = tty;
	return 0;
}

uint32_t procfs__pid(uint32_t host_pid, uint32_t ns_pid, uint32_t pidns)
{
	static uint32_t self_ns;
	struct stat st;

	if (!self_ns && stat("/proc/self/ns/pid", &st) == 0)
		self_ns = (uint32_t)st.st_ino;
	/* In its pid namespace, as a sidecar sharing the pod's is. */
	if (ns_pid && pidns && pidns == self_ns)
		return ns_pid;
	return host_pid;
}
