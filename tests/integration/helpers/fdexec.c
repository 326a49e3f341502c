// SPDX-License-Identifier: GPL-2.0-only
/*
 * fdexec - run a program from a file descriptor, the fileless way.
 *
 *   fdexec memfd   SRC [ARGS...]      copy SRC into a memfd, execute that
 *   fdexec named   NAME SRC [ARGS...] the same, the memfd named NAME
 *   fdexec sealed  NAME SRC [ARGS...] the same, sealed against writes
 *                                     first (as runc seals its clone)
 *   fdexec deleted SRC DIR [ARGS...]  copy SRC into DIR, unlink it while
 *                                     holding it open, execute the fd
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static int copy_into(int dst, const char *src)
{
	struct stat st;
	int in = open(src, O_RDONLY);
	off_t off = 0;

	if (in < 0 || fstat(in, &st))
		return -1;
	while (off < st.st_size)
		if (sendfile(dst, in, &off, st.st_size - off) <= 0)
			return -1;
	close(in);
	return 0;
}

int main(int argc, char **argv)
{
	char path[4096];
	int fd, argi;

	if (argc >= 3 && strcmp(argv[1], "memfd") == 0) {
		fd = memfd_create("mw-payload", MFD_CLOEXEC);
		argi = 2;
	} else if (argc >= 4 && (strcmp(argv[1], "named") == 0 ||
				 strcmp(argv[1], "sealed") == 0)) {
		fd = memfd_create(argv[2], MFD_CLOEXEC | MFD_ALLOW_SEALING);
		if (fd < 0 || copy_into(fd, argv[3]))
			return 1;
		if (argv[1][0] == 's' &&
		    fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK |
						   F_SEAL_GROW | F_SEAL_WRITE)) {
			perror("F_ADD_SEALS");
			return 1;
		}
		argv[3] = "payload";
		syscall(322 /* execveat */, fd, "", &argv[3], environ,
			0x1000 /* AT_EMPTY_PATH */);
		perror("execveat");
		return 1;
	} else if (argc >= 4 && strcmp(argv[1], "deleted") == 0) {
		snprintf(path, sizeof(path), "%s/mw-deleted-payload", argv[3]);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
		argi = 3;
	} else {
		fprintf(stderr, "usage: fdexec memfd SRC [ARGS] | named|sealed "
				"NAME SRC [ARGS] | deleted SRC DIR [ARGS]\n");
		return 2;
	}
	if (fd < 0 || copy_into(fd, argv[2]))
		return 1;
	if (argi == 3) {
		/* Reopen read-only: exec refuses a file open for writing. */
		int ro = open(path, O_RDONLY | O_CLOEXEC);

		close(fd);
		fd = ro;
		if (fd < 0 || unlink(path))
			return 1;
	}
	argv[argi] = "payload";
	syscall(322 /* execveat */, fd, "", &argv[argi], environ,
		0x1000 /* AT_EMPTY_PATH */);
	perror("execveat");
	return 1;
}
