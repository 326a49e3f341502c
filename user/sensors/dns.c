// SPDX-License-Identifier: GPL-2.0-only
/*
 * dns.c - DNS response parsing (RFC 1035 section 4), defensive: the bytes
 * come from the network. Every read is bounds-checked, compression pointers
 * are followed at most DNS_JUMPS times.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "sensors/dns.h"

#define DNS_HDR 12
#define DNS_JUMPS 16
#define TYPE_A 1
#define TYPE_AAAA 28
#define CLASS_IN 1

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * Read the name at *off into out (when not NULL) and advance *off past it
 * in the message (a pointer ends the name in place). 0 or -EINVAL.
 */
static int name_read(const uint8_t *m, size_t len, size_t *off, char *out,
		     size_t out_len)
{
	size_t p = *off, o = 0;
	int jumps = 0, jumped = 0;

	for (;;) {
		uint8_t l;

		if (p >= len)
			return -EINVAL;
		l = m[p];
		if ((l & 0xc0) == 0xc0) {
			if (p + 1 >= len || ++jumps > DNS_JUMPS)
				return -EINVAL;
			if (!jumped)
				*off = p + 2;
			jumped = 1;
			p = (size_t)(l & 0x3f) << 8 | m[p + 1];
			continue;
		}
		if (l & 0xc0)
			return -EINVAL; /* 0x40/0x80: reserved label types */
		if (l == 0) {
			if (!jumped)
				*off = p + 1;
			break;
		}
		if (p + 1 + l > len)
			return -EINVAL;
		if (out) {
			size_t i;

			if (o + l + 2 > out_len)
				return -EINVAL;
			if (o)
				out[o++] = '.';
			for (i = 0; i < l; i++)
				out[o++] = (char)tolower(m[p + 1 + i]);
		}
		p += 1 + l;
	}
	if (out) {
		if (o == 0 && out_len > 1)
			out[o++] = '.'; /* the root */
		out[o] = '\0';
	}
	return 0;
}

int dns__parse(const uint8_t *m, size_t len, struct dns_answer *out)
{
	size_t off = DNS_HDR;
	unsigned int qd, an, i;

	memset(out, 0, sizeof(*out));
	if (len < DNS_HDR || !(m[2] & 0x80))
		return -EINVAL;
	qd = rd16(m + 4);
	an = rd16(m + 6);
	if (qd != 1)
		return -EINVAL; /* what every resolver sends */
	if (name_read(m, len, &off, out->name, sizeof(out->name)))
		return -EINVAL;
	off += 4; /* QTYPE, QCLASS */
	if (off > len)
		return -EINVAL;
	for (i = 0; i < an && out->n < DNS_ADDRS_MAX; i++) {
		uint16_t type, class, rdlen;
		uint32_t ttl;

		if (name_read(m, len, &off, NULL, 0) || off + 10 > len)
			return out->n ? 0 : -EINVAL;
		type = rd16(m + off);
		class = rd16(m + off + 2);
		ttl = rd32(m + off + 4);
		rdlen = rd16(m + off + 8);
		off += 10;
		if (off + rdlen > len)
			return out->n ? 0 : -EINVAL;
		if (class == CLASS_IN && ((type == TYPE_A && rdlen == 4) ||
					  (type == TYPE_AAAA && rdlen == 16))) {
			struct dns_addr *a = &out->a[out->n++];

			a->family = type == TYPE_A ? AF_INET : AF_INET6;
			memcpy(a->addr, m + off, rdlen);
			a->ttl = ttl;
		}
		off += rdlen;
	}
	return out->n ? 0 : -ENOENT;
}
