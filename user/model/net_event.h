/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * net_event.h - a decoded network event (struct mw_event.net): part of the
 * event model every stage after the sensors reads. Decoded by sensors/net.c.
 */
#ifndef MW_NET_EVENT_H
#define MW_NET_EVENT_H

#include <stdint.h>

#define MW_IP_STR 46 /* INET6_ADDRSTRLEN */
#define MW_AGENT_MAX 128

/*
 * What happened: the kernel's enum mw_net_kind values, plus what userspace
 * derives across events.
 */
enum mw_net_action {
	NET_ACT_CONNECT = 1,	/* MW_NET_CONNECT */
	NET_ACT_ACCEPT = 2,	/* MW_NET_ACCEPT */
	NET_ACT_STRATUM = 3,	/* MW_NET_STRATUM */
	NET_ACT_DNS = 4,	/* MW_NET_DNS (never judged) */
	NET_ACT_RAW = 5,	/* MW_NET_RAW */
	NET_ACT_TLS = 6,	/* MW_NET_TLS: a ClientHello (sensors/tls.c) */
	NET_ACT_SCAN = 16,	/* fan-out burst of one process */
	NET_ACT_BRUTE_IN = 17,	/* many connections from one source */
	NET_ACT_BRUTE_OUT = 18, /* one process, many connects to one service */
	NET_ACT_SCAN_END = 19,	/* a fan-out's window ended: final counts */
	NET_ACT_BRUTE_END = 20, /* a login brute force's window ended */
};

struct mw_net_info {
	enum mw_net_action act;
	const char *action;	/* event.action: "connect", "scan", ... */
	const char *direction;	/* network.direction: "egress"/"ingress" */
	const char *transport;	/* "tcp", "udp", "icmp", NULL when unknown */
	char src_ip[MW_IP_STR]; /* "" when unknown */
	char dst_ip[MW_IP_STR];
	int src_port, dst_port;	  /* 0 when unknown */
	const char *domain;	  /* name the destination came from, or NULL */
	const char *method;	  /* stratum method, or NULL */
	char agent[MW_AGENT_MAX]; /* stratum "agent" value, "" when none */
	const char *stratum_where; /* "kernel", or "userspace" for a flow
				      the kernel handed over */
	const char *sock_family;  /* "inet", "inet6", "packet" */
	const char *sock_type;	  /* "stream", "dgram", "raw", ... */
	uint32_t flags;		  /* enum mw_net_flags */
	uint32_t rule_idx;	  /* kernel block entry's rule (BLOCK_MATCH) */
	uint32_t rules_gen;
	uint64_t cookie; /* socket cookie, 0 when unknown */
	/* Bursts (scan, brute force): what the window saw. */
	int hosts;	    /* distinct destination hosts */
	int ports;	    /* distinct destination ports */
	int count;	    /* connections */
	uint64_t window_ms; /* first to last connection */
	/* TLS (NET_ACT_TLS): what the ClientHello said. */
	char sni[256];		  /* tls.client.server_name, "" when none */
	char ja4[64];		  /* JA4-style fingerprint, "" when cut */
	const char *tls_version;  /* highest offered ("1.3"), or NULL */
	int tls_malformed;	  /* not a well-formed ClientHello */
	/* domain from the process's /etc/hosts (sensors/hosts.c) */
	const char *domain_source; /* "hosts", or NULL (DNS or none) */
	char domain_buf[256];
};

#endif /* MW_NET_EVENT_H */
