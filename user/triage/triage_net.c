// SPDX-License-Identifier: GPL-2.0-only
/*
 * triage_net.c - who a process talks to, without a daemon: the socket
 * tables of /proc/PID/net/{tcp,tcp6,udp,udp6} (the process's own network
 * namespace), joined to the socket inodes behind its /proc/PID/fd links.
 * One table per network namespace, read once.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "triage/triage_net.h"

#define MAX_NETNS 32

struct netns_table {
	unsigned long long ns; /* inode of /proc/PID/ns/net */
	struct triage_conn *c;
	int n, cap;
};

struct triage_net {
	struct netns_table t[MAX_NETNS];
	int n;
};

struct triage_net *triage_net__new(void)
{
	return calloc(1, sizeof(struct triage_net));
}

void triage_net__free(struct triage_net *tn)
{
	int i;

	if (!tn)
		return;
	for (i = 0; i < tn->n; i++)
		free(tn->t[i].c);
	free(tn);
}

/* The kernel prints addresses as 32-bit words in host order. */
static void hex_addr(const char *hex, bool v6, char *out, size_t size)
{
	unsigned char b[16];
	unsigned int w;
	int i, words = v6 ? 4 : 1;

	for (i = 0; i < words; i++) {
		if (sscanf(hex + 8 * i, "%8x", &w) != 1)
			w = 0;
		memcpy(b + 4 * i, &w, 4);
	}
	inet_ntop(v6 ? AF_INET6 : AF_INET, b, out, size);
}

static int by_inode(const void *a, const void *b)
{
	const struct triage_conn *x = a, *y = b;

	return (x->inode > y->inode) - (x->inode < y->inode);
}

static void table_read(struct netns_table *nt, const char *path,
		       const char *proto, bool v6)
{
	char line[512], la[40], ra[40];
	unsigned lp, rp, st;
	unsigned long inode;
	FILE *f = fopen(path, "re");

	if (!f)
		return;
	if (!fgets(line, sizeof(line), f)) { /* header */
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		struct triage_conn *c;

		if (sscanf(line,
			   " %*d: %32[0-9A-Fa-f]:%x %32[0-9A-Fa-f]:%x %x "
			   "%*x:%*x %*x:%*x %*x %*u %*d %lu",
			   la, &lp, ra, &rp, &st, &inode) != 6 ||
		    !inode)
			continue;
		if (nt->n == nt->cap) {
			int cap = nt->cap ? nt->cap * 2 : 64;
			void *p = realloc(nt->c, cap * sizeof(*nt->c));

			if (!p)
				break;
			nt->c = p;
			nt->cap = cap;
		}
		c = &nt->c[nt->n++];
		memset(c, 0, sizeof(*c));
		c->inode = inode;
		c->transport = proto;
		hex_addr(la, v6, c->src_ip, sizeof(c->src_ip));
		hex_addr(ra, v6, c->dst_ip, sizeof(c->dst_ip));
		c->src_port = lp;
		c->dst_port = rp;
		c->state = st;
	}
	fclose(f);
}

/* The table of pid's network namespace, read on first use. */
static struct netns_table *table_for(struct triage_net *tn, uint32_t pid)
{
	static const struct {
		const char *file, *proto;
		bool v6;
	} files[] = {{"tcp", "tcp", false},
		     {"tcp6", "tcp", true},
		     {"udp", "udp", false},
		     {"udp6", "udp", true}};
	struct netns_table *nt;
	char path[64];
	struct stat st;
	size_t i;
	int k;

	snprintf(path, sizeof(path), "/proc/%u/ns/net", pid);
	if (stat(path, &st))
		return NULL;
	for (k = 0; k < tn->n; k++)
		if (tn->t[k].ns == (unsigned long long)st.st_ino)
			return &tn->t[k];
	if (tn->n == MAX_NETNS)
		return NULL;
	nt = &tn->t[tn->n++];
	nt->ns = st.st_ino;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "/proc/%u/net/%s", pid,
			 files[i].file);
		table_read(nt, path, files[i].proto, files[i].v6);
	}
	qsort(nt->c, nt->n, sizeof(*nt->c), by_inode);
	/* Mark the outbound ones: a local port nobody listens on. */
	for (k = 0; k < nt->n; k++) {
		struct triage_conn *c = &nt->c[k];
		int j;

		c->egress = c->dst_port != 0 && c->state != TCP_LISTEN_STATE;
		for (j = 0; c->egress && j < nt->n; j++)
			if (nt->c[j].state == TCP_LISTEN_STATE &&
			    nt->c[j].src_port == c->src_port &&
			    strcmp(nt->c[j].transport, c->transport) == 0)
				c->egress = false;
	}
	return nt;
}

int triage_net__of_process(struct triage_net *tn, uint32_t pid,
			   struct triage_conn *out, int max)
{
	struct netns_table *nt = table_for(tn, pid);
	char path[64], link[64];
	struct dirent *de;
	int n = 0;
	DIR *d;

	if (!nt || !nt->n)
		return 0;
	snprintf(path, sizeof(path), "/proc/%u/fd", pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		struct triage_conn key, *c;
		char fdp[320];
		ssize_t len;

		snprintf(fdp, sizeof(fdp), "%s/%s", path, de->d_name);
		len = readlink(fdp, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (sscanf(link, "socket:[%lu]", &key.inode) != 1)
			continue;
		c = bsearch(&key, nt->c, nt->n, sizeof(*nt->c), by_inode);
		if (c)
			out[n++] = *c;
	}
	closedir(d);
	return n;
}

const char *triage_conn__state(const struct triage_conn *c)
{
	static const char *const tcp[] = {
	    "",		  "established", "syn-sent",  "syn-recv",
	    "fin-wait1",  "fin-wait2",	 "time-wait", "close",
	    "close-wait", "last-ack",	 "listen",    "closing"};

	if (strcmp(c->transport, "udp") == 0)
		return c->dst_port ? "connected" : "bound";
	return c->state < sizeof(tcp) / sizeof(tcp[0]) ? tcp[c->state]
						       : "unknown";
}
