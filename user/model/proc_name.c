// SPDX-License-Identifier: GPL-2.0-only
/*
 * proc_name.c - the model's rule for process.name. An operator and a rule
 * writer both expect the name ps shows: the base name of the path given to
 * execve. The resolved file (process.executable) often has another name:
 * on Debian /usr/sbin/modprobe runs /usr/bin/kmod, /usr/sbin/iptables runs
 * xtables-nft-multi, a #! script runs its interpreter, and every Alpine
 * applet runs /bin/busybox. Rules judge the resolved file through
 * process.executable and the name through process.name.
 *
 * - exec seen: basename of the execve path (what comm was set from, but
 *   not cut at 15 bytes); "busybox APPLET ..." run by its own name goes by
 *   the applet.
 * - learned from /proc (no execve path): comm is the only name the kernel
 *   kept; argv[0]'s or the executable's basename stands in for it when
 *   comm is that name cut short (or equal), else comm itself.
 */
#include <string.h>

#include "model/proc_name.h"

static char *base_of(const char *path)
{
	const char *slash;

	if (!path || !*path)
		return NULL;
	slash = strrchr(path, '/');
	if (slash && slash[1])
		return (char *)slash + 1;
	return slash ? NULL : (char *)path;
}

/* Is name what the kernel's comm would be for it (cut at 15 bytes)? */
static int comm_of(const char *name, const char *comm)
{
	size_t n = strlen(comm);

	if (!name || !n)
		return 0;
	if (n >= 15)
		return strncmp(name, comm, n) == 0;
	return strcmp(name, comm) == 0;
}

/* busybox run as "busybox APPLET ...": the applet is the program. */
static char *applet(const struct mw_process *p, char *name)
{
	if (!name || strcmp(name, "busybox") != 0)
		return name;
	if (p->argc < 2 || !p->argv || !p->argv[1] || !p->argv[1][0] ||
	    p->argv[1][0] == '-')
		return name;
	return base_of(p->argv[1]) ? base_of(p->argv[1]) : name;
}

char *proc_name__pick(const struct mw_process *p)
{
	char *name;

	if (p->exec_path && (name = base_of(p->exec_path)))
		return applet(p, name);
	if (p->comm[0]) {
		if (p->argc > 0 && p->argv &&
		    comm_of(base_of(p->argv[0]), p->comm))
			return applet(p, base_of(p->argv[0]));
		if (comm_of(base_of(p->exe), p->comm))
			return applet(p, base_of(p->exe));
		return (char *)p->comm;
	}
	return base_of(p->exe);
}
