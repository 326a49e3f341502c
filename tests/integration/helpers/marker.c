// SPDX-License-Identifier: GPL-2.0-only
/*
 * marker - its first action is to create the file named by argv[1], then it
 * sleeps for argv[2] seconds (default 0). An exec the kernel kills never
 * gets to create the file; that is what the enforce tests check.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;

	if (argc < 2)
		return 2;
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	close(fd);
	if (argc > 2)
		sleep(atoi(argv[2]));
	return 0;
}
