/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tls_record.h - is this the first payload of a TLS flow, a ClientHello? Pure C
 * with no includes, used by the kernel (bpf/net_tls.bpf.h, on the first
 * payload packet of each outbound TCP flow the stratum matcher rejected)
 * and by the userspace decoder and its tests (user/sensors/tls.c).
 *
 * The kernel only recognises the record; the ClientHello itself (server
 * name, fingerprint) is parsed in userspace from the first bytes the
 * record carries: a TLV walk with many length fields is easy to get right
 * and to fuzz in C, and costs the verifier nothing.
 *
 * A TLS record: type (1 byte, 22 = handshake), legacy version (3, 0..4),
 * length (2 bytes, big-endian); then the handshake: type (1 = ClientHello)
 * and a 3-byte length.
 */
#ifndef MW_TLS_RECORD_H
#define MW_TLS_RECORD_H

#define MW_TLS_RECORD_HANDSHAKE 22
#define MW_TLS_CLIENT_HELLO 1
#define MW_TLS_HEADER 9 /* record header (5) + handshake header (4) */

/* 1 when b[0..len) starts with a TLS record holding a ClientHello. */
static inline int tls__client_hello(const unsigned char *b, unsigned int len)
{
	unsigned int rec_len;

	if (len < MW_TLS_HEADER)
		return 0;
	if (b[0] != MW_TLS_RECORD_HANDSHAKE || b[1] != 3 || b[2] > 4)
		return 0;
	rec_len = ((unsigned int)b[3] << 8) | b[4];
	/* A ClientHello is at least 38 bytes; a record at most 2^14 + 2048. */
	if (rec_len < 4 + 38 || rec_len > 18432)
		return 0;
	return b[5] == MW_TLS_CLIENT_HELLO && b[6] == 0;
}

#endif /* MW_TLS_RECORD_H */
