// SPDX-License-Identifier: GPL-2.0-only
/*
 * file_homes.c - where a file sits for the system that reads it, for the
 * rules stage (minerwatch.file.in_home): is it directly in the home
 * directory of an account of /etc/passwd? A shell startup file counts
 * there only; a backup copy of /etc/skel elsewhere does not.
 */
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rules/file_homes.h"

#define HOMES_MAX 4096

/*
 * The home directories of /etc/passwd, read again when the file changed
 * (its inode, size or mtime; one stat() per question, asked only for
 * shell startup files): useradd replaces the file, and the rules must
 * see the new account at once.
 */
static struct {
	char **dir;
	int n;
	struct stat st;
	const char *passwd;
} homes = {.passwd = "/etc/passwd"};

static void homes_clear(void)
{
	int i;

	for (i = 0; i < homes.n; i++)
		free(homes.dir[i]);
	free(homes.dir);
	homes.dir = NULL;
	homes.n = 0;
}

static void homes_load(void)
{
	struct passwd *pw;
	FILE *f = fopen(homes.passwd, "re");
	char **v;

	homes_clear();
	if (!f)
		return;
	while ((pw = fgetpwent(f)) != NULL && homes.n < HOMES_MAX) {
		/* "/" (daemons' placeholder) makes every top dir a home. */
		if (!pw->pw_dir || pw->pw_dir[0] != '/' || !pw->pw_dir[1])
			continue;
		v = realloc(homes.dir, (homes.n + 1) * sizeof(*v));
		if (!v)
			break;
		homes.dir = v;
		homes.dir[homes.n] = strdup(pw->pw_dir);
		if (homes.dir[homes.n])
			homes.n++;
	}
	fclose(f);
}

static void homes_refresh(void)
{
	struct stat st;

	if (stat(homes.passwd, &st)) {
		homes_clear();
		memset(&homes.st, 0, sizeof(homes.st));
		return;
	}
	if (st.st_ino == homes.st.st_ino && st.st_dev == homes.st.st_dev &&
	    st.st_size == homes.st.st_size &&
	    st.st_mtim.tv_sec == homes.st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == homes.st.st_mtim.tv_nsec)
		return;
	homes.st = st;
	homes_load();
}

void file_homes__set_passwd(const char *path)
{
	homes.passwd = path;
	memset(&homes.st, 0, sizeof(homes.st));
}

bool file_homes__in_home(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	size_t dlen;
	int i;

	if (!slash || slash == path)
		return false;
	dlen = slash - path;
	homes_refresh();
	for (i = 0; i < homes.n; i++) {
		size_t hlen = strlen(homes.dir[i]);

		/* pw_dir may end in '/': compare without it. */
		while (hlen > 1 && homes.dir[i][hlen - 1] == '/')
			hlen--;
		if (hlen == dlen && memcmp(homes.dir[i], path, dlen) == 0)
			return true;
	}
	return false;
}
