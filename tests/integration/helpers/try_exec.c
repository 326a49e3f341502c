// SPDX-License-Identifier: GPL-2.0-only
/*
 * try_exec PROGRAM [ARGS...] - execv() PROGRAM; when execv returns, print
 * the errno name ("EPERM") and exit 100 + errno, so a test can tell a
 * refused exec (the program never started) from a killed one (137).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	execv(argv[1], argv + 1);
	printf("%s\n", errno == EPERM ? "EPERM" : strerror(errno));
	fflush(stdout);
	return 100 + errno;
}
