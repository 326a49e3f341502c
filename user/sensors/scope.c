// SPDX-License-Identifier: GPL-2.0-only
/*
 * scope.c - is a process inside the watched cgroup (--cgroup)?
 *
 * The kernel filters every record by the scope, so a process the kernel
 * told us about (it exec'd while we ran) is inside. The processes we learn
 * from /proc instead (those running at start, a parent looked up late) are
 * not filtered by anyone: judging them at start, sampling their CPU or
 * scanning their executables would report the host around a sidecar's
 * pod. Their cgroup v2 path (/proc/PID/cgroup, "0::PATH") is compared
 * with the scope's path below the cgroup2 mount, once per process; the
 * answer is kept in the process's flags.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/event.h"
#include "sensors/sensors.h"
#include "util/procfs.h"

/*
 * The scope's path below the cgroup2 mount it lives on
 * ("/sys/fs/cgroup/a/b" -> "/a/b"), from /proc/self/mountinfo: the
 * longest cgroup2 mount point that prefixes it. -1 when none does.
 */
int scope__init(struct sensors *s, const char *dir)
{
	char line[4096], mnt[PATH_MAX], best[PATH_MAX] = "";
	char cgroup_dir[PATH_MAX];
	size_t bl = 0, ml;
	FILE *f;

	s->scope[0] = '\0';
	if (!dir)
		return 0;
	if (!realpath(dir, cgroup_dir))
		return -1;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS... - FSTYPE ... */
		const char *dash = strstr(line, " - cgroup2 ");

		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		ml = strlen(mnt);
		if (ml > bl && !strncmp(cgroup_dir, mnt, ml) &&
		    (cgroup_dir[ml] == '/' || cgroup_dir[ml] == '\0' ||
		     !strcmp(mnt, "/"))) {
			snprintf(best, sizeof(best), "%s", mnt);
			bl = ml;
		}
	}
	fclose(f);
	if (!bl)
		return -1;
	snprintf(s->scope, sizeof(s->scope), "%s",
		 !strcmp(best, "/") ? cgroup_dir : cgroup_dir + bl);
	if (!s->scope[0])
		snprintf(s->scope, sizeof(s->scope), "/");
	return 0;
}

/* PATH of the "0::PATH" line of /proc/PID/cgroup, or -1. */
static int cgroup_path(uint32_t pid, char *out, size_t len)
{
	char path[64], buf[4096], *l, *nl;

	snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	if (procfs__read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	for (l = buf; l && *l; l = nl ? nl + 1 : NULL) {
		nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		if (!strncmp(l, "0::", 3)) {
			snprintf(out, len, "%s", l + 3);
			return 0;
		}
	}
	return -1;
}

bool scope__has(struct sensors *s, struct mw_process *p)
{
	char cg[PATH_MAX];
	size_t n = strlen(s->scope);
	bool in;

	if (!s->scope[0] || (p->flags & MW_PROC_EXECED))
		return true;
	if (p->flags & MW_PROC_SCOPE_KNOWN)
		return p->flags & MW_PROC_IN_SCOPE;
	/* Gone or unreadable: not shown to be inside, so not judged. */
	in = !cgroup_path(p->pid, cg, sizeof(cg)) &&
	     (!strcmp(s->scope, "/") ||
	      (!strncmp(cg, s->scope, n) && (cg[n] == '/' || cg[n] == '\0')));
	p->flags |= MW_PROC_SCOPE_KNOWN | (in ? MW_PROC_IN_SCOPE : 0);
	return in;
}
