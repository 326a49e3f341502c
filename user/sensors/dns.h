/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dns.h - parse DNS answers seen in flight (no lookups of our own): which
 * addresses the name a program asked for resolved to.
 */
#ifndef MW_DNS_H
#define MW_DNS_H

#include <stddef.h>
#include <stdint.h>

#define DNS_NAME_MAX 256 /* presentation form with NUL */
#define DNS_ADDRS_MAX 16

struct dns_addr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint32_t ttl;
};

struct dns_answer {
	char name[DNS_NAME_MAX]; /* the question's name, lower case */
	int n;			 /* addresses in a[] */
	struct dns_addr a[DNS_ADDRS_MAX];
};

/*
 * Parse one DNS response message of len bytes. Only A and AAAA records of
 * the answer section count (whatever CNAME chain led there: the program
 * asked for the question's name). Returns 0, -EINVAL when malformed or not
 * a response, -ENOENT when it has no address.
 */
int dns__parse(const uint8_t *msg, size_t len, struct dns_answer *out);

#endif /* MW_DNS_H */
