// SPDX-License-Identifier: GPL-2.0-only
/*
 * file_storm.c - the benchmark workload: N rounds of open (for writing,
 * O_CREAT|O_TRUNC) + write + close over 16 files in one directory, or with
 * -r read-only open + close. Prints the rounds per second.
 *
 *   file_storm [-r] DIR N
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int ro = argc > 1 && strcmp(argv[1], "-r") == 0;
	struct timespec a, b;
	char path[4096];
	long n, i;
	double s;
	int fd;

	if (argc != 3 + ro) {
		fprintf(stderr, "usage: %s [-r] DIR N\n", argv[0]);
		return 2;
	}
	n = atol(argv[2 + ro]);
	for (i = 0; i < 16; i++) { /* the files exist before we time */
		snprintf(path, sizeof(path), "%s/f%ld", argv[1 + ro], i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) {
			perror(path);
			return 1;
		}
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", argv[1 + ro], i & 15);
		if (ro) {
			fd = open(path, O_RDONLY);
		} else {
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd >= 0 &&
			    write(fd, "minerwatch bench\n", 17) != 17)
				return 1;
		}
		if (fd < 0) {
			perror(path);
			return 1;
		}
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%.0f\n", n / s);
	return 0;
}
