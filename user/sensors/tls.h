/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tls.h - the TLS ClientHello decoder: the server name a client asked for
 * (SNI) and a JA4-style fingerprint, from the first bytes of a TLS flow
 * that the kernel recognised (bpf/tls_record.h, MW_NET_TLS records).
 */
#ifndef MW_SENSORS_TLS_H
#define MW_SENSORS_TLS_H

#include <stddef.h>
#include <stdint.h>

#define TLS_SNI_MAX 256 /* a DNS name (253) and a NUL */
#define TLS_JA4_MAX 64	/* "t13d1516h2_" + 12 + "_" + 12 + NUL = 37 */

struct tls_hello {
	char sni[TLS_SNI_MAX]; /* host_name of server_name, "" when none */
	char ja4[TLS_JA4_MAX]; /* "" when the hello was cut before its end */
	uint16_t version;      /* highest version offered (0x0304 = 1.3) */
	int truncated;	       /* the bytes ended inside the hello */
};

/*
 * Parse the TLS record at b[0..len) (record header included). Returns 0
 * with *h filled (sni may be "" and ja4 "" when the bytes end early),
 * -EINVAL when it is not a well-formed ClientHello as far as it goes.
 * Never reads past len; any input is safe (fuzzed: tests/fuzz/fuzz_tls.c).
 */
int tls__parse_hello(const uint8_t *b, size_t len, struct tls_hello *h);

/* "1.3", "1.2", ... for a TLS version number, or NULL. */
const char *tls__version_str(uint16_t v);

#endif /* MW_SENSORS_TLS_H */
