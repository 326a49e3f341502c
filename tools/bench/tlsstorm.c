// SPDX-License-Identifier: GPL-2.0-only
/*
 * tlsstorm - loopback TCP connect storm with a first payload, for
 * tools/bench-tls: each connection sends one payload and closes, so the
 * egress inspection (stratum matcher, then the ClientHello check of
 * bpf/net_tls.bpf.h) runs once per flow. Prints connections per wall
 * second and per CPU second of this process, as connstorm does.
 *
 *   tlsstorm SECS plain|tls
 *     plain  a 64-byte HTTP request line: inspected, not TLS, not stratum
 *     tls    a 250-byte TLS 1.2 ClientHello naming bench.example: one
 *            MW_NET_TLS record per flow, parsed and judged in userspace
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* A TLS 1.2 ClientHello: 2 ciphers, SNI bench.example, padded to 250. */
static size_t hello(unsigned char *b)
{
	static const char sni[] = "bench.example";
	size_t n = 0, ext, sl = sizeof(sni) - 1, total = 250, pad;

	memcpy(b, "\x16\x03\x01\x00\x00\x01\x00\x00\x00\x03\x03", 11);
	n = 11;
	memset(b + n, 0x42, 32);
	n += 32;
	b[n++] = 0;
	memcpy(b + n, "\x00\x04\xc0\x2f\x00\x2f\x01\x00", 8);
	n += 8;
	ext = n;
	n += 2;
	/* server_name */
	memcpy(b + n, "\x00\x00\x00", 3);
	b[n + 3] = sl + 5;
	b[n + 4] = 0;
	b[n + 5] = sl + 3;
	b[n + 6] = 0;
	b[n + 7] = 0;
	b[n + 8] = sl;
	n += 9;
	memcpy(b + n, sni, sl);
	n += sl;
	/* padding up to total */
	pad = total - (n + 4);
	b[n] = 0, b[n + 1] = 0x15, b[n + 2] = 0, b[n + 3] = (unsigned char)pad;
	n += 4;
	memset(b + n, 0, pad);
	n += pad;
	b[ext] = (n - ext - 2) >> 8;
	b[ext + 1] = (n - ext - 2) & 0xff;
	b[3] = (n - 5) >> 8;
	b[4] = (n - 5) & 0xff;
	b[7] = (n - 9) >> 8;
	b[8] = (n - 9) & 0xff;
	return n;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 3, start, end;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	unsigned char buf[512];
	size_t len;
	pthread_t t;
	long n = 0;

	if (secs <= 0 || secs > 60 || argc < 3)
		return 2;
	if (strcmp(argv[2], "tls") == 0)
		len = hello(buf);
	else
		len = (size_t)snprintf((char *)buf, sizeof(buf), "%-62s\r\n",
				       "GET /bench HTTP/1.1");
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 4096) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl)) {
		perror("tlsstorm: listen");
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
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		    send(fd, buf, len, MSG_NOSIGNAL) == (ssize_t)len)
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
