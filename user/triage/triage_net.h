/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * triage_net.h - a process's sockets from /proc: the socket tables of its
 * network namespace joined to the inodes behind its file descriptors.
 */
#ifndef MW_TRIAGE_NET_H
#define MW_TRIAGE_NET_H

#include <stdbool.h>
#include <stdint.h>

#define TCP_LISTEN_STATE 10

struct triage_conn {
	unsigned long inode;
	const char *transport; /* "tcp" or "udp" */
	char src_ip[46], dst_ip[46];
	unsigned src_port, dst_port;
	unsigned state; /* TCP state number (1 established) */
	bool egress;	/* has a peer, and its local port listens not */
	/* The name it went to, where known (triage_names.c), or "". */
	char domain[254];
	const char *domain_source; /* "hosts", "command_line", "config" */
};

struct triage_net;

struct triage_net *triage_net__new(void);     /* NULL on ENOMEM */
void triage_net__free(struct triage_net *tn); /* NULL is fine */

/* pid's sockets that have a table entry, at most max, into out. */
int triage_net__of_process(struct triage_net *tn, uint32_t pid,
			   struct triage_conn *out, int max);

/* "established", "listen", "connected", ... */
const char *triage_conn__state(const struct triage_conn *c);

#endif /* MW_TRIAGE_NET_H */
