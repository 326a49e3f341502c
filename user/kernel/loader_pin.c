// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader_pin.c - bpffs helpers: mount, layout, removal of pins.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "kernel/loader_pin.h"

#define BPF_FS_MAGIC 0xcafe4a11
#define BPFFS_ROOT "/sys/fs/bpf"

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

/* mkdir -p with mode 0700 for the parts we create. */
static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t i, len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		buf[i] = path[i];
	}
	return 0;
}

int pin__prepare(const char *pin_dir, char *err, size_t err_len)
{
	char sub[PATH_MAX];
	int ret;

	if (!is_bpffs(BPFFS_ROOT) &&
	    !strncmp(pin_dir, BPFFS_ROOT "/", strlen(BPFFS_ROOT) + 1) &&
	    mount("bpf", BPFFS_ROOT, "bpf", 0, "mode=0700") && errno != EBUSY) {
		ret = -errno;
		snprintf(err, err_len, "cannot mount bpffs at %s: %s",
			 BPFFS_ROOT, strerror(-ret));
		return ret;
	}
	ret = mkdir_p(pin_dir);
	if (ret) {
		snprintf(err, err_len, "cannot create pin dir %s: %s", pin_dir,
			 strerror(-ret));
		return ret;
	}
	if (!is_bpffs(pin_dir)) {
		snprintf(err, err_len,
			 "pin dir %s is not on a bpf filesystem (mount -t bpf "
			 "bpf DIR)",
			 pin_dir);
		return -EINVAL;
	}
	ret = pin__path(sub, sizeof(sub), pin_dir, "maps", "");
	if (!ret && mkdir(sub, 0700) && errno != EEXIST)
		ret = -errno;
	if (!ret)
		ret = pin__path(sub, sizeof(sub), pin_dir, "links", "");
	if (!ret && mkdir(sub, 0700) && errno != EEXIST)
		ret = -errno;
	if (ret)
		snprintf(err, err_len, "cannot create %s: %s", sub,
			 strerror(-ret));
	return ret;
}

int pin__path(char *buf, size_t len, const char *pin_dir, const char *kind,
	      const char *name)
{
	int n = snprintf(buf, len, "%s/%s/%s", pin_dir, kind, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool pin__has_state(const char *pin_dir)
{
	char path[PATH_MAX];

	return !pin__path(path, sizeof(path), pin_dir, "maps",
			  "mw_config_map") &&
	       access(path, F_OK) == 0;
}

int pin__clear(const char *pin_dir, const char *kind)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	int n = 0, ret = 0;
	DIR *d;

	ret = pin__path(dir, sizeof(dir), pin_dir, kind, "");
	if (ret)
		return ret;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (pin__path(path, sizeof(path), pin_dir, kind, de->d_name) ||
		    unlink(path)) {
			ret = -errno;
			continue;
		}
		n++;
	}
	closedir(d);
	return ret ? ret : n;
}
