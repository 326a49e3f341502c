// SPDX-License-Identifier: GPL-2.0-only
/*
 * selfreplace - a hostile executable for the content worker's tests: it
 * swaps what lies at its own path, then exits at once, so that by the time
 * the daemon reads the file the process is gone and the path names
 * something else.
 *   selfreplace fifo PATH     PATH (its own) becomes a FIFO
 *   selfreplace replace PATH  PATH gets another file renamed over it
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char tmp[4096];
	int fd;

	if (argc < 3)
		return 2;
	if (strcmp(argv[1], "fifo") == 0) {
		if (unlink(argv[2]) || mkfifo(argv[2], 0755))
			return 1;
		return 0;
	}
	snprintf(tmp, sizeof(tmp), "%s.new", argv[2]);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || write(fd, "#!/bin/sh\nexit 0\n", 17) != 17)
		return 1;
	close(fd);
	return rename(tmp, argv[2]) ? 1 : 0;
}
