/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * stratum.h - recognise the mining protocol in the first payload bytes of a
 * TCP flow. Pure C with bounded loops and no includes, so the same code runs
 * in the kernel (bpf/net_stratum.bpf.c, on the first packets of each
 * outbound flow) and in the unit tests (tests/unit/test_net.c).
 *
 * Stratum is JSON-RPC over TCP, one object per line. What miners send first:
 *   XMRig / cryptonote pools: {"id":1,"jsonrpc":"2.0","method":"login",
 *                              "params":{"login":..,"pass":..,"agent":..}}
 *   stratum v1 (Bitcoin-style): {"id":1,"method":"mining.subscribe",...}
 *   and later "mining.authorize", "submit"/"mining.submit", "keepalived".
 * We look for a JSON object whose "method" value is one of those names. A
 * bare "login" is common JSON-RPC, so it also needs an "agent" key (XMRig
 * and its forks always send one). Encrypted stratum (TLS) is not visible.
 *
 * Callers pass a buffer of at least MW_STRATUM_BUF bytes (indices are
 * masked with MW_STRATUM_BUF - 1 so the verifier sees every access in
 * bounds) and len <= MW_NET_DATA_MAX valid bytes.
 */
#ifndef MW_STRATUM_H
#define MW_STRATUM_H

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define MW_STRATUM_BUF 1024 /* power of two >= MW_NET_DATA_MAX + 32 */
#define MW_STRATUM_SCAN 512 /* bytes searched (MW_NET_DATA_MAX) */

#define MW_SB(b, i) ((b)[(i) & (MW_STRATUM_BUF - 1)])

/* True when the n bytes of lit are at b[off]. n <= 24. */
static __always_inline int stratum__at(const unsigned char *b, unsigned int len,
				       unsigned int off, const char *lit,
				       unsigned int n)
{
	unsigned int k;

	if (off + n > len)
		return 0;
	for (k = 0; k < n && k < 24; k++)
		if (MW_SB(b, off + k) != (unsigned char)lit[k])
			return 0;
	return 1;
}

/*
 * Search state for stratum__find(). The kernel runs the search through
 * bpf_loop(), so the verifier checks the body once instead of once per
 * offset; userspace (the unit tests) runs the same callback in a loop.
 */
struct stratum_find {
	const unsigned char *b;
	unsigned long long key;	 /* the key's bytes, little-endian */
	unsigned long long mask; /* which of the 8 bytes count */
	unsigned int len;
	unsigned int n;	    /* key length, <= 8 */
	unsigned int found; /* offset past the key, or 0 */
	unsigned int pad;
};

static long stratum__find_cb(unsigned int i, void *ctx)
{
	struct stratum_find *f = ctx;
	unsigned long long v;

	if (i + f->n > f->len)
		return 1;
	/* x86 and arm64 BPF allow unaligned loads from map values. */
	__builtin_memcpy(&v, &f->b[i & (MW_STRATUM_BUF - 1)], 8);
	if ((v & f->mask) == f->key) {
		f->found = i + f->n;
		return 1;
	}
	return 0;
}

#ifdef __bpf__
#define stratum__loop(n, fn, ctx) bpf_loop(n, fn, ctx, 0)
#else
static inline long stratum__loop(unsigned int n,
				 long (*fn)(unsigned int, void *), void *ctx)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (fn(i, ctx))
			return i + 1;
	return n;
}
#endif

/*
 * Offset just past the first occurrence of key (n <= 8 bytes, given as 8
 * bytes padded with NULs), or 0. Reads up to 8 bytes past len, which the
 * buffer size allows.
 */
static __always_inline unsigned int stratum__find(const unsigned char *b,
						  unsigned int len,
						  const char key[8],
						  unsigned int n)
{
	struct stratum_find f = {.b = b, .len = len, .n = n};

	__builtin_memcpy(&f.key, key, 8);
	f.mask = n >= 8 ? ~0ULL : (1ULL << (8 * n)) - 1;
	f.key &= f.mask;
	stratum__loop(MW_STRATUM_SCAN, stratum__find_cb, &f);
	return f.found;
}

static __always_inline int stratum__space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The enum mw_stratum_method found in b[0..len), or 0 (MW_STRATUM_NONE). */
static __always_inline int stratum__match(const unsigned char *b,
					  unsigned int len)
{
	unsigned int i, j;
	int m = 0;

	if (len > MW_STRATUM_SCAN)
		len = MW_STRATUM_SCAN;
	/* A JSON object: anything else (TLS, HTTP, SSH) is rejected here. */
	for (i = 0; i < 8 && i < len && stratum__space(MW_SB(b, i)); i++)
		;
	if (i >= len || MW_SB(b, i) != '{')
		return 0;
	j = stratum__find(b, len, "\"method\"", 8);
	if (!j)
		return 0;
	for (i = 0; i < 8 && j < len; i++, j++) {
		unsigned char c = MW_SB(b, j);

		if (!stratum__space(c) && c != ':')
			break;
	}
	if (j >= len || MW_SB(b, j) != '"')
		return 0;
	j++;
	if (stratum__at(b, len, j, "login\"", 6))
		m = 1; /* MW_STRATUM_LOGIN */
	else if (stratum__at(b, len, j, "mining.subscribe\"", 17))
		m = 2; /* MW_STRATUM_SUBSCRIBE */
	else if (stratum__at(b, len, j, "mining.authorize\"", 17))
		m = 3; /* MW_STRATUM_AUTHORIZE */
	else if (stratum__at(b, len, j, "submit\"", 7) ||
		 stratum__at(b, len, j, "mining.submit\"", 14))
		m = 4; /* MW_STRATUM_SUBMIT */
	else if (stratum__at(b, len, j, "keepalived\"", 11))
		m = 5; /* MW_STRATUM_KEEPALIVED */
	if (m == 1 && !stratum__find(b, len, "\"agent\"\0", 7))
		m = 0;
	return m;
}

#endif /* MW_STRATUM_H */
