// SPDX-License-Identifier: GPL-2.0-only
/*
 * forker - daemonizes the way xmrig -B does, without exec: forks DEPTH
 * times (each parent exits at once, the child calls setsid() as daemon()
 * does). The last parent writes its child's pid to PIDFILE before it
 * exits, so the pid is known even when the child is killed at once; the
 * last child sleeps SECS. Extra arguments are ignored (they are what a
 * rule judges).
 *   forker PIDFILE SECS DEPTH [ARGS...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int depth, i;
	FILE *f;

	if (argc < 4)
		return 2;
	depth = atoi(argv[3]);
	for (i = 0; i < depth && i < 4; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid > 0) {
			if (i == depth - 1 || i == 3) {
				f = fopen(argv[1], "w");
				if (!f)
					_exit(1);
				fprintf(f, "%d\n", (int)pid);
				fclose(f);
			}
			_exit(0); /* the parent leaves before it is judged */
		}
		setsid();
	}
	sleep(atoi(argv[2]));
	return 0;
}
