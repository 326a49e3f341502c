// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_dns - libFuzzer target for the DNS answer parser (sensors/dns.c):
 * whatever the bytes of a captured UDP payload, dns__parse() stays inside
 * them and returns a NUL-terminated lower-case name and at most
 * DNS_ADDRS_MAX addresses of a known family.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sensors/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_answer a;
	uint8_t *msg = malloc(size ? size : 1); /* exact size: ASan sees overreads */
	int i;

	if (!msg)
		return 0;
	memcpy(msg, data, size);
	memset(&a, 0x5a, sizeof(a));
	if (dns__parse(msg, size, &a) == 0) {
		if (!memchr(a.name, '\0', sizeof(a.name)))
			abort();
		if (a.n < 1 || a.n > DNS_ADDRS_MAX)
			abort();
		for (i = 0; i < a.n; i++)
			if (a.a[i].family != AF_INET &&
			    a.a[i].family != AF_INET6)
				abort();
	}
	free(msg);
	return 0;
}
