// SPDX-License-Identifier: GPL-2.0-only
/*
 * fileloop - rewrite one file in a tight, bounded loop: the flood a root
 * log churner or a user rewriting their own ~/.bashrc presses on the file
 * sensor's ring with.
 *
 *   fileloop trunc  N PATH   N x open(O_WRONLY|O_TRUNC) + write + close
 *   fileloop append N PATH   N x open(O_WRONLY|O_APPEND) + write + close
 *
 * Prints "<done> <secs>" and exits 0 when all N were done, 1 otherwise.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static const char line[] = "x\n";
	struct timespec a, b;
	long n, i;
	int flags, fd;

	if (argc != 4 ||
	    (strcmp(argv[1], "trunc") && strcmp(argv[1], "append"))) {
		fprintf(stderr, "usage: fileloop trunc|append N PATH\n");
		return 2;
	}
	n = strtol(argv[2], NULL, 10);
	if (n <= 0 || n > 10000000) {
		fprintf(stderr, "fileloop: N out of range (1..10000000)\n");
		return 2;
	}
	flags = O_WRONLY | (argv[1][0] == 't' ? O_TRUNC : O_APPEND);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		fd = open(argv[3], flags);
		if (fd < 0) {
			perror(argv[3]);
			break;
		}
		if (write(fd, line, sizeof(line) - 1) < 0)
			perror("write");
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%ld %.3f\n", i,
	       (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	return i == n ? 0 : 1;
}
