// SPDX-License-Identifier: GPL-2.0-only
/*
 * linkrace - make a symbolic link and use it at once, from one process,
 * microseconds apart: what a script does faster than any daemon reads a
 * ring buffer.
 *
 *   linkrace rename  TARGET LINK SRC DST  symlink(TARGET, LINK), then
 *                                         rename(SRC, DST)
 *   linkrace replace TARGET LINK SRC DST  symlink(TARGET, LINK.new),
 *                                         rename(LINK.new, LINK) (what
 *                                         `ln -sfn` does), then
 *                                         rename(SRC, DST)
 *   linkrace unlink  TARGET LINK PATH     symlink(TARGET, LINK), then
 *                                         unlink(PATH)
 *   linkrace again   TARGET LINK SRC DST  symlink(TARGET, LINK),
 *                                         unlink(LINK), symlink(TARGET,
 *                                         LINK) again, then rename(SRC,
 *                                         DST): the second link is a
 *                                         repeat of the first
 *
 * DST and PATH name the file through LINK. Exit 0 when every call
 * succeeded, 1 otherwise (the failing call is named on stderr).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int call(int ret, const char *what, const char *arg)
{
	if (ret)
		fprintf(stderr, "linkrace: %s %s: %s\n", what, arg,
			strerror(errno));
	return ret;
}

int main(int argc, char **argv)
{
	char tmp[4096];

	if (argc == 6 && strcmp(argv[1], "rename") == 0)
		return call(symlink(argv[2], argv[3]), "symlink", argv[3]) ||
		       call(rename(argv[4], argv[5]), "rename", argv[5]);
	if (argc == 6 && strcmp(argv[1], "replace") == 0) {
		if (snprintf(tmp, sizeof(tmp), "%s.new", argv[3]) >=
		    (int)sizeof(tmp))
			return 1;
		return call(symlink(argv[2], tmp), "symlink", tmp) ||
		       call(rename(tmp, argv[3]), "rename", argv[3]) ||
		       call(rename(argv[4], argv[5]), "rename", argv[5]);
	}
	if (argc == 6 && strcmp(argv[1], "again") == 0)
		return call(symlink(argv[2], argv[3]), "symlink", argv[3]) ||
		       call(unlink(argv[3]), "unlink", argv[3]) ||
		       call(symlink(argv[2], argv[3]), "symlink", argv[3]) ||
		       call(rename(argv[4], argv[5]), "rename", argv[5]);
	if (argc == 5 && strcmp(argv[1], "unlink") == 0)
		return call(symlink(argv[2], argv[3]), "symlink", argv[3]) ||
		       call(unlink(argv[4]), "unlink", argv[4]);
	fprintf(stderr, "usage: linkrace rename|replace|again TARGET LINK SRC DST\n"
			"       linkrace unlink TARGET LINK PATH\n");
	return 2;
}
