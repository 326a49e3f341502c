// SPDX-License-Identifier: GPL-2.0-only
/*
 * reexec N - exec itself N more times (same process, same pid), then exit.
 * One process matching the same rule again and again: what aggregation
 * folds into one summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char next[16];
	int n = argc > 1 ? atoi(argv[1]) : 0;

	if (n <= 0)
		return 0;
	snprintf(next, sizeof(next), "%d", n - 1);
	execl("/proc/self/exe", argv[0], next, (char *)NULL);
	return 1;
}
