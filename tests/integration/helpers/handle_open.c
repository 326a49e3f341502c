// SPDX-License-Identifier: GPL-2.0-only
/*
 * handle_open - append a line to a file opened by its file handle
 * (name_to_handle_at + open_by_handle_at), an open that passes no path:
 *
 *   handle_open PATH TEXT
 *
 * Needs CAP_DAC_READ_SEARCH (root) and a filesystem that exports handles
 * (tmpfs, ext4). Exit 0 on success, 3 when the filesystem has no handles,
 * 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct file_handle *fh;
	char dir[4096];
	int mount_id, mfd, fd;

	if (argc != 3 || strlen(argv[1]) >= sizeof(dir)) {
		fprintf(stderr, "usage: handle_open PATH TEXT\n");
		return 2;
	}
	fh = calloc(1, sizeof(*fh) + MAX_HANDLE_SZ);
	if (!fh)
		return 1;
	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, argv[1], fh, &mount_id, 0)) {
		perror("name_to_handle_at");
		return errno == EOPNOTSUPP ? 3 : 1;
	}
	strcpy(dir, argv[1]);
	mfd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
	if (mfd < 0) {
		perror("open mount dir");
		return 1;
	}
	fd = open_by_handle_at(mfd, fh, O_WRONLY | O_APPEND);
	if (fd < 0) {
		perror("open_by_handle_at");
		return 1;
	}
	if (write(fd, argv[2], strlen(argv[2])) < 0) {
		perror("write");
		return 1;
	}
	close(fd);
	close(mfd);
	return 0;
}
