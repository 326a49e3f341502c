// SPDX-License-Identifier: GPL-2.0-only
/*
 * connstorm - loopback TCP connect storm for tools/bench-net: a server
 * thread accepts and closes, the main thread connects and closes as fast
 * as it can for SECS seconds, then prints connects per wall-clock second
 * and per CPU second of this process (both threads, user + system: the
 * hooks run in these syscalls). The second is steadier on a shared
 * machine, where other load steals wall-clock time.
 *
 *   connstorm [SECS]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int lfd;

static void *server(void *arg __attribute__((unused)))
{
	for (;;) {
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (c >= 0)
			close(c);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 3, start, end;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	pthread_t t;
	long n = 0;

	if (secs <= 0 || secs > 60)
		return 2;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 4096) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl)) {
		perror("connstorm: listen");
		return 1;
	}
	pthread_create(&t, NULL, server, NULL);
	start = now();
	end = start + secs;
	while (now() < end) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			continue;
		/* RST on close: no TIME_WAIT pile-up exhausting ports. */
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			n++;
		close(fd);
	}
	{
		struct rusage ru;
		double cpu;

		getrusage(RUSAGE_SELF, &ru);
		cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		      ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
		printf("%.0f %.0f\n", n / (now() - start), cpu > 0 ? n / cpu : 0);
	}
	return 0;
}
