/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * net_burst.h - behaviour across network events, in windows: outbound
 * fan-out (one process reaching many hosts or ports: a scan, a 445 worm)
 * and brute force (many connections to one service, inbound from one
 * source or outbound from one process). A burst is reported when it
 * crosses its threshold (crossing), while it still runs, and a fan-out or
 * a login-service brute force once more when it ends, with its final
 * counts: never once per connection. Brute force on a login port gets a
 * long window: a login brute-forcer is slow (hydra -t 4 against OpenSSH on
 * Debian 12 opens 4 connections every 32 s, each trying several
 * passwords), so a short burst window never saw it.
 *
 * Pure logic with explicit timestamps, so tests drive it without a kernel.
 */
#ifndef MW_NET_BURST_H
#define MW_NET_BURST_H

#include <stdbool.h>
#include <stdint.h>

enum burst_kind {
	BURST_FANOUT = 1,    /* key: pid */
	BURST_BRUTE_IN = 2,  /* key: source address, local port */
	BURST_BRUTE_OUT = 3, /* key: pid, destination address and port */
};

struct burst_params {
	uint64_t idle_ns; /* a burst ends after this long without news */
	uint64_t max_ns;  /* ... or when it is this old (long scans) */
	int fanout_hosts; /* report a fan-out from this many hosts */
	int fanout_ports; /* ... or this many ports */
	int brute_count;  /* report brute force from this many conns */
	uint64_t login_idle_ns; /* brute force on a login port: idle end */
	uint64_t login_max_ns;	/* ... and its longest window */
};

/* One finished burst, or a fan-out that just crossed its threshold. */
struct burst_report {
	enum burst_kind kind;
	bool crossing; /* threshold crossed, the window still open */
	uint32_t pid; /* FANOUT, BRUTE_OUT */
	char comm[16];
	int family;	   /* of addr */
	uint8_t addr[16];  /* BRUTE_IN: source; BRUTE_OUT: destination */
	uint8_t laddr[16]; /* BRUTE_IN: the local address */
	uint16_t port;	   /* BRUTE_*: the service port */
	int hosts, ports, count;
	uint64_t first_ns, last_ns;
};

struct burst;

/* NULL on ENOMEM; p NULL for the defaults. */
struct burst *burst__new(const struct burst_params *p);
void burst__free(struct burst *b); /* NULL is fine */

/* An outbound connect by pid (comm for the report) at ts. */
void burst__connect(struct burst *b, uint64_t ts, uint32_t pid,
		    const char *comm, int family, const uint8_t *daddr,
		    uint16_t dport);
/* An inbound connection from saddr to the local laddr:lport at ts. */
void burst__accept(struct burst *b, uint64_t ts, int family,
		   const uint8_t *saddr, const uint8_t *laddr, uint16_t lport);

/*
 * The next burst finished by now that crossed a threshold, or the next
 * fan-out that crossed its threshold since the last call (r->crossing):
 * returns true and fills *r. Finished bursts under the thresholds are
 * dropped quietly.
 */
bool burst__next(struct burst *b, uint64_t now, struct burst_report *r);

#endif /* MW_NET_BURST_H */
