// SPDX-License-Identifier: GPL-2.0-only
/*
 * hosts.c - sensors stage: an address's name from the hosts file the
 * process sees (see hosts.h). Called by net.c for a TLS flow whose
 * ClientHello named no server and whose address no DNS answer named: one
 * small file read per such flow, on the reader thread (rare: every
 * current browser, curl and library sends a server name).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sensors/hosts.h"
#include "util/procfs.h"

#define HOSTS_MAX 65536

/* localhost, localhost.localdomain, ip6-localhost, ip6-loopback, ... */
static int loopback_alias(const char *name)
{
	return strncmp(name, "localhost", 9) == 0 ||
	       strncmp(name, "ip6-", 4) == 0;
}

/* One line: 0 and *out when its address is addr and it has a name. */
static int line_name(char *line, int family, const uint8_t *addr, char *out,
		     size_t out_len)
{
	uint8_t a[16];
	char *save = NULL, *tok, *hash = strchr(line, '#');

	if (hash)
		*hash = '\0';
	tok = strtok_r(line, " \t\r", &save);
	if (!tok || inet_pton(family, tok, a) != 1 ||
	    memcmp(a, addr, family == AF_INET ? 4 : 16) != 0)
		return -ENOENT;
	while ((tok = strtok_r(NULL, " \t\r", &save))) {
		if (loopback_alias(tok) || strlen(tok) >= out_len)
			continue;
		memcpy(out, tok, strlen(tok) + 1);
		return 0;
	}
	return -ENOENT;
}

int hosts__parse(const char *text, int family, const uint8_t *addr, char *out,
		 size_t out_len)
{
	char *copy, *line, *save = NULL;
	int ret = -ENOENT;

	if ((family != AF_INET && family != AF_INET6) || !out_len)
		return -ENOENT;
	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	for (line = strtok_r(copy, "\n", &save); line && ret;
	     line = strtok_r(NULL, "\n", &save))
		ret = line_name(line, family, addr, out, out_len);
	free(copy);
	return ret;
}

int hosts__name(uint32_t pid, int family, const uint8_t *addr, char *out,
		size_t out_len)
{
	char path[64], *buf;
	ssize_t n;
	int ret;

	if (!pid)
		return -ENOENT;
	buf = malloc(HOSTS_MAX);
	if (!buf)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/%u/root/etc/hosts", pid);
	n = procfs__read_file(path, buf, HOSTS_MAX);
	ret = n < 0 ? (int)n : hosts__parse(buf, family, addr, out, out_len);
	free(buf);
	return ret;
}
