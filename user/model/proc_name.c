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
#include <stdio.h>
#include <stdlib.h>
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

/* The dynamic loader's file names: ld-linux-x86-64.so.2, ld-2.36.so,
 * ld-musl-x86_64.so.1, ld-linux-aarch64.so.1, ld.so. */
static int is_ldso(const char *exe)
{
	const char *b = base_of(exe);

	if (!b)
		return 0;
	return strcmp(b, "ld.so") == 0 ||
	       (strncmp(b, "ld-", 3) == 0 && strstr(b, ".so"));
}

/* ld.so options that take a value (glibc 2.36, musl). */
static int ldso_opt_has_value(const char *o)
{
	static const char *const with[] = {
	    "--library-path",
	    "--preload",
	    "--audit",
	    "--argv0",
	    "--glibc-hwcaps-prefix",
	    "--glibc-hwcaps-mask",
	    "--inhibit-rpath",
	};
	size_t i;

	for (i = 0; i < sizeof(with) / sizeof(with[0]); i++)
		if (strcmp(o, with[i]) == 0)
			return 1;
	return 0;
}

/*
 * "/lib64/ld-linux-x86-64.so.2 ./miner ARGS" runs ./miner with the
 * kernel's executable being ld.so: make exec_path the program it loads
 * (absolute against cwd), so its name is the program's. 1 when changed.
 */
int proc_name__loader(struct mw_process *p)
{
	const char *prog = NULL;
	char *path;
	int i;

	if (!is_ldso(p->exe) || p->argc < 2 || !p->argv)
		return 0;
	for (i = 1; i < p->argc && p->argv[i]; i++) {
		const char *a = p->argv[i];

		if (strncmp(a, "--", 2) != 0) {
			prog = a;
			break;
		}
		if (strcmp(a, "--") == 0) {
			prog = i + 1 < p->argc ? p->argv[i + 1] : NULL;
			break;
		}
		if (ldso_opt_has_value(a))
			i++;
	}
	if (!prog || !*prog)
		return 0;
	if (prog[0] == '/' || !p->cwd)
		path = strdup(prog);
	else if (asprintf(&path, "%s%s%s", p->cwd,
			  strcmp(p->cwd, "/") == 0 ? "" : "/",
			  strncmp(prog, "./", 2) == 0 ? prog + 2 : prog) < 0)
		path = NULL;
	if (!path)
		return 0;
	free(p->exec_path);
	p->exec_path = path;
	return 1;
}

/* A program directory only root writes, with no hidden or ".." part. */
static int system_path(const char *path)
{
	static const char *const dirs[] = {
	    "/usr/bin/", "/usr/sbin/", "/bin/",	      "/sbin/",
	    "/usr/lib/", "/usr/libexec/", "/lib/", "/usr/local/bin/",
	    "/usr/local/sbin/",
	};
	size_t i;

	if (!path || path[0] != '/' || strstr(path, "/."))
		return 0;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strncmp(path, dirs[i], strlen(dirs[i])) == 0)
			return 1;
	return 0;
}

const char *proc_name__system(const struct mw_process *p)
{
	const char *ran = p->exec_path ? p->exec_path : p->exe;
	const char *base = base_of(ran);

	if (!p->name || !base || strcmp(p->name, base) != 0)
		return NULL;
	if (p->flags & (MW_PROC_MEMFD | MW_PROC_DELETED))
		return NULL;
	return system_path(ran) && system_path(p->exe) ? p->name : NULL;
}
