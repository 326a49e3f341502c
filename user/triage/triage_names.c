// SPDX-License-Identifier: GPL-2.0-only
/*
 * triage_names.c - which name a process's connection went to. The daemon
 * learns it from the DNS answers it saw; triage arrives after the lookup,
 * so it reads where the name is still written down, without sending a
 * query: the process's own /etc/hosts (through /proc/PID/root, as the
 * daemon's sensors/hosts.c does: pool names pinned there send no DNS
 * packet), then a "host:port" with the connection's port on its command
 * line or in the config.json beside it (the pool URL the miner was given).
 * A name found on the command line or in the config is what the process
 * was told to reach; the address is the one it did reach.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "model/event.h"
#include "sensors/hosts.h"
#include "triage/triage.h"
#include "triage/triage_net.h"

#define CONFIG_MAX (1 << 20)

static bool host_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_';
}

/*
 * The first "name:port" in text (a name with a dot and a letter, not an
 * address) whose port is port, into out. A URL's scheme is skipped.
 */
static bool name_with_port(const char *text, unsigned port, char *out,
			   size_t len)
{
	char want[16];
	const char *p, *s;

	snprintf(want, sizeof(want), ":%u", port);
	for (p = strstr(text, want); p; p = strstr(p + 1, want)) {
		bool letter = false, dot = false;

		if (isdigit((unsigned char)p[strlen(want)]))
			continue;
		for (s = p; s > text && host_char(s[-1]); s--) {
			letter |= isalpha((unsigned char)s[-1]) != 0;
			dot |= s[-1] == '.';
		}
		if (!letter || !dot || p - s >= (long)len || p - s < 3)
			continue;
		snprintf(out, len, "%.*s", (int)(p - s), s);
		return true;
	}
	return false;
}

static bool from_config(const struct mw_process *p, unsigned port, char *out,
			size_t len)
{
	char path[4200];
	size_t n = 0;
	bool found;
	char *buf;
	FILE *f;

	if (!p->cwd)
		return false;
	snprintf(path, sizeof(path), "/proc/%u/root%s/config.json", p->pid,
		 p->cwd);
	f = fopen(path, "re");
	if (!f)
		return false;
	buf = malloc(CONFIG_MAX + 1);
	if (buf)
		n = fread(buf, 1, CONFIG_MAX, f);
	fclose(f);
	if (!buf)
		return false;
	buf[n] = '\0';
	found = name_with_port(buf, port, out, len);
	free(buf);
	return found;
}

void triage__conn_names(const struct mw_process *p, struct triage_conn *c,
			int n)
{
	uint8_t addr[16];
	int i, family;

	for (i = 0; i < n; i++) {
		c[i].domain[0] = '\0';
		c[i].domain_source = NULL;
		if (!c[i].egress)
			continue;
		family = strchr(c[i].dst_ip, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(family, c[i].dst_ip, addr) == 1 &&
		    hosts__name(p->pid, family, addr, c[i].domain,
				sizeof(c[i].domain)) == 0)
			c[i].domain_source = "hosts";
		else if (p->cmdline &&
			 name_with_port(p->cmdline, c[i].dst_port, c[i].domain,
					sizeof(c[i].domain)))
			c[i].domain_source = "command_line";
		else if (from_config(p, c[i].dst_port, c[i].domain,
				     sizeof(c[i].domain)))
			c[i].domain_source = "config";
		else
			c[i].domain[0] = '\0';
	}
}
