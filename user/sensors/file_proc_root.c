// SPDX-License-Identifier: GPL-2.0-only
/*
 * file_proc_root.c - follow a by-name string through another task's
 * /proc/PID/root (`mv job /proc/1/root/etc/cron.d/`, from a container that
 * shares the host's pid namespace, say) to the object it names.
 *
 * The tracepoint set resolves a by-name operation from its dirfd, cwd or
 * root in the kernel, but it cannot tell which task PID is: the number is
 * in the caller's pid namespace. The kernel sends such a string as given,
 * flagged MW_FILE_PROC_ROOT (or _TARGET_), whatever its filter says
 * (bpf/file_path.bpf.h). Here:
 *   1. PID is the host pid when the caller is in the initial pid
 *      namespace; otherwise the task of the caller's namespace whose
 *      NSpid ends in PID (a bounded /proc scan, at most
 *      PROC_ROOT_SCANS_PER_S a second).
 *   2. The task's root by identity: statx() of /proc/HOSTPID/root, which
 *      follows the magic link to the root the kernel keeps for the task
 *      without a lookup in its file system (AT_STATX_DONT_SYNC: no round
 *      trip to a FUSE server either).
 *   3. That identity looked up in the anchors (the daemon's names of "/"
 *      and of every watched place's ancestors): "/" for a host task or a
 *      chroot on `mount --rbind /`.
 * The result is the string's rest under that name; the string itself
 * becomes the caller's view (seen_as). A task gone, a root that is no
 * anchor (a container's own overlay root, a chroot into a plain
 * directory), or a scan over its budget leaves the string as given and is
 * counted (proc_root_unresolved).
 *
 * The mounts below the task's root are not checked: a task in another
 * mount namespace with something mounted on /etc/cron.d is reported as if
 * it wrote the host's /etc/cron.d (an alert about itself, never a missed
 * one).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sensors/file_proc_root.h"
#include "sensors/sensors.h"

#define PROC_PID_INIT_INO 0xEFFFFFFCU /* the initial pid namespace */
#define PROC_ROOT_SCANS_PER_S 8
#define NS_BILLION 1000000000ULL

size_t file_proc_root__prefix(const char *str, uint32_t *pid)
{
	const char *p;
	unsigned long v = 0;
	size_t d = 0;

	if (strncmp(str, "/proc/", 6) != 0)
		return 0;
	for (p = str + 6; *p >= '0' && *p <= '9' && d < 9; p++, d++)
		v = v * 10 + (unsigned long)(*p - '0');
	if (d == 0 || d == 9 || strncmp(p, "/root", 5) != 0 ||
	    (p[5] != '/' && p[5] != '\0') || v == 0 || v > 0x7fffffffUL)
		return 0;
	*pid = (uint32_t)v;
	return (size_t)(p + 5 - str);
}

/* The last number of /proc/<name>/status's NSpid line; 0 when none. */
static uint32_t nspid_last(const char *name)
{
	char path[300], line[256];
	uint32_t last = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/status", name);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *tok, *save = NULL;

		if (strncmp(line, "NSpid:", 6) != 0)
			continue;
		for (tok = strtok_r(line + 6, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save))
			last = (uint32_t)strtoul(tok, NULL, 10);
		break;
	}
	fclose(f);
	return last;
}

/* The host pid of the task numbered pid in pid namespace pidns; 0: none. */
static uint32_t host_pid_in_ns(uint32_t pidns, uint32_t pid)
{
	char path[300], link[64], want[32];
	struct dirent *de;
	uint32_t host = 0;
	ssize_t n;
	DIR *d;

	snprintf(want, sizeof(want), "pid:[%u]", pidns);
	d = opendir("/proc");
	if (!d)
		return 0;
	while (!host && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, want) == 0 && nspid_last(de->d_name) == pid)
			host = (uint32_t)strtoul(de->d_name, NULL, 10);
	}
	closedir(d);
	return host;
}

/* May this event spend a /proc scan? PROC_ROOT_SCANS_PER_S a second. */
static bool scan_allowed(struct sensors *s, uint64_t now_ns)
{
	if (now_ns - s->proc_root_window_ns >= NS_BILLION) {
		s->proc_root_window_ns = now_ns;
		s->proc_root_scans = 0;
	}
	if (s->proc_root_scans >= PROC_ROOT_SCANS_PER_S)
		return false;
	s->proc_root_scans++;
	return true;
}

bool file_proc_root__follow(struct sensors *s, const struct mw_hdr *h,
			    const char *str, char *out, size_t n)
{
	char path[64], base[MW_PATH_MAX];
	uint32_t pid, host;
	struct statx stx;
	size_t plen;
	int len;

	plen = file_proc_root__prefix(str, &pid);
	if (!plen || !s->anchor_name)
		goto unresolved;
	if (h->pidns == PROC_PID_INIT_INO)
		host = pid;
	else if (scan_allowed(s, h->ts_ns))
		host = host_pid_in_ns(h->pidns, pid);
	else
		host = 0;
	if (!host)
		goto unresolved;
	snprintf(path, sizeof(path), "/proc/%u/root", host);
	if (statx(AT_FDCWD, path, AT_STATX_DONT_SYNC, STATX_INO, &stx))
		goto unresolved;
	if (s->anchor_name(s->anchor_ctx,
			   makedev(stx.stx_dev_major, stx.stx_dev_minor),
			   stx.stx_ino, base, sizeof(base)))
		goto unresolved;
	len = snprintf(out, n, "%s%s", base, str[plen] ? str + plen : "/");
	if (len < 0 || (size_t)len >= n)
		goto unresolved;
	return true;
unresolved:
	s->proc_root_unresolved++;
	return false;
}
