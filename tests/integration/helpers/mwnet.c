// SPDX-License-Identifier: GPL-2.0-only
/*
 * mwnet - network actors for the integration tests. Every mode is bounded
 * in time and count, and only ever talks to the address it is given (the
 * tests pass loopback addresses or addresses of namespaces they made).
 *
 *   mwnet listen IP PORT OUTFILE [SECS]   accept connections, append what
 *                                         they send to OUTFILE
 *   mwnet connect IP PORT                 connect; exit 0, or print the
 *                                         errno name and exit 1
 *   mwnet stratum IP PORT                 connect, send an XMRig login,
 *                                         wait up to 2 s for a reply
 *   mwnet fanout NET24 N PORT             nonblocking connects to
 *                                         NET24.1 .. NET24.N
 *   mwnet slowscan NET24 N PORT MS        connects to NET24.1 .. NET24.N,
 *                                         one every MS ms (a paced scan:
 *                                         the process outlives the
 *                                         threshold crossing)
 *   mwnet repeat IP PORT N                N connects one after the other
 *   mwnet dns-server IP ANSWER_IP [SECS]  answer every A query with
 *                                         ANSWER_IP (UDP port 53)
 *   mwnet resolve-connect SERVER NAME PORT  query SERVER for NAME (A),
 *                                         then connect to the answer
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int addr_of(const char *ip, int port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	return inet_pton(AF_INET, ip, &sa->sin_addr) == 1 ? 0 : -1;
}

static int tcp_connect(const char *ip, int port)
{
	struct sockaddr_in sa;
	int fd;

	if (addr_of(ip, port, &sa))
		return -EINVAL;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static const char *errname(int err)
{
	switch (err) {
	case EPERM:
		return "EPERM";
	case ECONNREFUSED:
		return "ECONNREFUSED";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	case ENETUNREACH:
		return "ENETUNREACH";
	}
	return strerror(err);
}

static int do_listen(const char *ip, int port, const char *out, int secs)
{
	struct sockaddr_in sa;
	time_t end = time(NULL) + secs;
	int fd, one = 1;

	if (addr_of(ip, port, &sa))
		return 2;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 64)) {
		perror("listen");
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	while (time(NULL) < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		char buf[4096];
		ssize_t n;
		int c, o;

		if (poll(&p, 1, 200) <= 0)
			continue;
		c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		/* Read what arrives within 1 s, record it, answer once. */
		p.fd = c;
		o = open(out, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		while (poll(&p, 1, 1000) > 0 &&
		       (n = read(c, buf, sizeof(buf))) > 0) {
			if (o >= 0 && write(o, buf, n) != n)
				break;
			if (write(c, "{\"id\":1,\"result\":null}\n", 23) < 0)
				break;
		}
		if (o >= 0)
			close(o);
		close(c);
	}
	close(fd);
	return 0;
}

static int do_connect(const char *ip, int port)
{
	int fd = tcp_connect(ip, port);

	if (fd < 0) {
		printf("%s\n", errname(-fd));
		return 1;
	}
	printf("connected\n");
	close(fd);
	return 0;
}

static int do_stratum(const char *ip, int port)
{
	static const char login[] =
	    "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":{"
	    "\"login\":"
	    "\"44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQ"
	    "GV7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A\",\"pass\":\"x\","
	    "\"agent\":\"XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0\","
	    "\"algo\":[\"rx/0\",\"cn/r\"]}}\n";
	struct pollfd p;
	char buf[256];
	int fd = tcp_connect(ip, port);

	if (fd < 0) {
		printf("%s\n", errname(-fd));
		return 1;
	}
	if (write(fd, login, sizeof(login) - 1) < 0) {
		printf("write: %s\n", errname(errno));
		return 1;
	}
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, 2000) > 0 && read(fd, buf, sizeof(buf)) > 0) {
		printf("reply\n");
		return 0;
	}
	printf("no reply\n");
	return 1;
}

static int do_fanout(const char *net, int n, int port)
{
	int fds[256], i, k = 0;

	if (n > 256)
		n = 256;
	for (i = 1; i <= n; i++) {
		struct sockaddr_in sa;
		char ip[32];

		snprintf(ip, sizeof(ip), "%s.%d", net, i > 254 ? 254 : i);
		if (addr_of(ip, port, &sa))
			return 2;
		fds[k] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fds[k] < 0)
			break;
		connect(fds[k], (struct sockaddr *)&sa, sizeof(sa));
		k++;
	}
	usleep(200000);
	for (i = 0; i < k; i++)
		close(fds[i]);
	printf("%d connects\n", k);
	return 0;
}

static int do_slowscan(const char *net, int n, int port, int ms)
{
	int i, k = 0;

	if (n > 254)
		n = 254;
	if (ms < 0 || ms > 1000)
		ms = 1000;
	for (i = 1; i <= n; i++) {
		struct sockaddr_in sa;
		char ip[32];
		int fd;

		snprintf(ip, sizeof(ip), "%s.%d", net, i);
		if (addr_of(ip, port, &sa))
			return 2;
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd < 0)
			break;
		connect(fd, (struct sockaddr *)&sa, sizeof(sa));
		close(fd);
		k++;
		usleep(ms * 1000);
	}
	printf("%d connects\n", k);
	return 0;
}

static int do_repeat(const char *ip, int port, int n)
{
	int i, ok = 0;

	for (i = 0; i < n && i < 1000; i++) {
		int fd = tcp_connect(ip, port);

		if (fd >= 0) {
			ok++;
			close(fd);
		}
	}
	printf("%d of %d connected\n", ok, n);
	return 0;
}

/* Query name: "pool.example" -> 4pool7example0 at q. */
static int qname_put(unsigned char *q, size_t max, const char *name)
{
	size_t o = 0;
	const char *s = name;

	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);

		if (l == 0 || l > 63 || o + l + 2 > max)
			return -1;
		q[o++] = l;
		memcpy(q + o, s, l);
		o += l;
		s += l + (dot ? 1 : 0);
	}
	q[o++] = 0;
	return o;
}

static int do_dns_server(const char *ip, const char *answer, int secs)
{
	struct sockaddr_in sa, peer;
	time_t end = time(NULL) + secs;
	struct in_addr ans;
	int fd;

	if (addr_of(ip, 53, &sa) || inet_pton(AF_INET, answer, &ans) != 1)
		return 2;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("dns bind");
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	while (time(NULL) < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		unsigned char m[512];
		socklen_t pl = sizeof(peer);
		ssize_t n;
		size_t q;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = recvfrom(fd, m, sizeof(m), 0, (struct sockaddr *)&peer,
			     &pl);
		if (n < 17 || n + 16 > (ssize_t)sizeof(m))
			continue;
		/* Skip the question name; answer with a pointer to it. */
		for (q = 12; q < (size_t)n && m[q]; q += m[q] + 1)
			;
		q += 5;
		if (q > (size_t)n)
			continue;
		m[2] = 0x81; /* QR, RD */
		m[3] = 0x80; /* RA */
		m[6] = 0;
		m[7] = 1; /* one answer */
		m[8] = m[9] = m[10] = m[11] = 0;
		memcpy(m + q,
		       "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04", 12);
		memcpy(m + q + 12, &ans, 4);
		sendto(fd, m, q + 16, 0, (struct sockaddr *)&peer, pl);
	}
	close(fd);
	return 0;
}

static int do_resolve_connect(const char *server, const char *name, int port)
{
	unsigned char m[512] = {0x12, 0x34, 0x01, 0x00, 0, 1};
	struct sockaddr_in sa;
	struct pollfd p;
	char ip[32];
	ssize_t n;
	int fd, l;

	if (addr_of(server, 53, &sa))
		return 2;
	l = qname_put(m + 12, sizeof(m) - 16, name);
	if (l < 0)
		return 2;
	memcpy(m + 12 + l, "\x00\x01\x00\x01", 4);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	/* Connected, as glibc's resolver does. */
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    send(fd, m, 12 + l + 4, 0) < 0)
		return 2;
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, 2000) <= 0 || (n = recv(fd, m, sizeof(m), 0)) < 16) {
		printf("no answer\n");
		return 1;
	}
	close(fd);
	/* Our server's answer: the address is the last 4 bytes. */
	inet_ntop(AF_INET, m + n - 4, ip, sizeof(ip));
	printf("%s -> %s\n", name, ip);
	return do_connect(ip, port);
}

int main(int argc, char **argv)
{
	alarm(30); /* nothing here may outlive a test */
	if (argc >= 5 && !strcmp(argv[1], "listen"))
		return do_listen(argv[2], atoi(argv[3]), argv[4],
				 argc > 5 ? atoi(argv[5]) : 10);
	if (argc == 4 && !strcmp(argv[1], "connect"))
		return do_connect(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "stratum"))
		return do_stratum(argv[2], atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "fanout"))
		return do_fanout(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 6 && !strcmp(argv[1], "slowscan"))
		return do_slowscan(argv[2], atoi(argv[3]), atoi(argv[4]),
				   atoi(argv[5]));
	if (argc == 5 && !strcmp(argv[1], "repeat"))
		return do_repeat(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc >= 4 && !strcmp(argv[1], "dns-server"))
		return do_dns_server(argv[2], argv[3],
				     argc > 4 ? atoi(argv[4]) : 10);
	if (argc == 5 && !strcmp(argv[1], "resolve-connect"))
		return do_resolve_connect(argv[2], argv[3], atoi(argv[4]));
	fprintf(stderr, "usage: see the comment at the top of mwnet.c\n");
	return 2;
}
